// trustscan — names of the core enums, and time formatting.
#include "trustscan/check.hpp"
#include "trustscan/parse.hpp"
#include "trustscan/profile.hpp"
#include "trustscan/types.hpp"
#include "probes/identify/service_keys.hpp"

#include <algorithm>
#include <ctime>

namespace trustscan {

std::string_view to_string(Transport t) noexcept { return t == Transport::tcp ? "tcp" : "udp"; }

std::string port_label(const Endpoint& ep) { return std::to_string(ep.port) + "/" + std::string(to_string(ep.transport)); }

std::string_view to_string(PortState s) noexcept {
  switch (s) {
    case PortState::open: return "open";
    case PortState::closed: return "closed";
    case PortState::filtered: return "filtered";
    case PortState::open_filtered: return "open|filtered";
  }
  return "?";
}

std::string_view to_string(Status s) noexcept {
  switch (s) {
    case Status::success: return "success";
    case Status::not_detected: return "not_detected";
    case Status::connection_refused: return "connection_refused";
    case Status::connection_timeout: return "connection_timeout";
    case Status::io_timeout: return "io_timeout";
    case Status::connection_closed: return "connection_closed";
    case Status::unreachable: return "unreachable";
    case Status::tls_error: return "tls_error";
    case Status::protocol_error: return "protocol_error";
    case Status::not_observable: return "not_observable";
    case Status::internal_error: return "internal_error";
  }
  return "?";
}

std::string_view to_string(CheckStatus s) noexcept {
  switch (s) {
    case CheckStatus::pass: return "pass";
    case CheckStatus::fail: return "fail";
    case CheckStatus::not_applicable: return "not_applicable";
    case CheckStatus::not_tested: return "not_tested";
    case CheckStatus::error: return "error";
    case CheckStatus::info: return "info";
    case CheckStatus::waived: return "waived";
  }
  return "?";
}

bool check_ran(CheckStatus s) noexcept {
  return s == CheckStatus::pass || s == CheckStatus::fail || s == CheckStatus::waived ||
         s == CheckStatus::not_applicable || s == CheckStatus::info;
}

std::string_view to_string(Severity s) noexcept {
  switch (s) {
    case Severity::info: return "info";
    case Severity::low: return "low";
    case Severity::medium: return "medium";
    case Severity::high: return "high";
    case Severity::critical: return "critical";
  }
  return "?";
}

std::string_view to_string(OutcomeLevel l) noexcept {
  switch (l) {
    case OutcomeLevel::required: return "required";
    case OutcomeLevel::required_if_applicable: return "required-if-applicable";
    case OutcomeLevel::recommended: return "recommended";
    case OutcomeLevel::informational: return "informational";
  }
  return "?";
}

std::string format_utc(std::chrono::system_clock::time_point t) {
  const std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  ::gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace trustscan

namespace trustscan {

std::size_t utf8_sequence(Bytes b, std::size_t i) noexcept {
  const std::uint8_t c = b[i];
  std::size_t n = 0;
  std::uint8_t lo = 0x80, hi = 0xbf;
  if (c >= 0xc2 && c <= 0xdf) n = 2;
  else if (c >= 0xe0 && c <= 0xef) {
    n = 3;
    if (c == 0xe0) lo = 0xa0;
    if (c == 0xed) hi = 0x9f;
  } else if (c >= 0xf0 && c <= 0xf4) {
    n = 4;
    if (c == 0xf0) lo = 0x90;
    if (c == 0xf4) hi = 0x8f;
  } else return 0;
  if (b.size() - i < n) return 0;
  if (b[i + 1] < lo || b[i + 1] > hi) return 0;
  for (std::size_t k = 2; k < n; ++k)
    if ((b[i + k] & 0xc0) != 0x80) return 0;
  return n;
}

std::string printable_excerpt(Bytes b, std::size_t max) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  const std::size_t n = std::min(b.size(), max);
  out.reserve(n + 8);
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint8_t c = b[i];
    if (c == '\r') out += "\\r";
    else if (c == '\n') out += "\\n";
    else if (c == '\t') out += "\\t";
    else if (c == '\\') out += "\\\\";
    else if (c >= 0x20 && c < 0x7f) out += static_cast<char>(c);
    else {
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  if (b.size() > max) out += "…";
  return out;
}

}  // namespace trustscan

namespace trustscan {

void DeviceFacts::order_observations() {
  std::stable_sort(observations.begin(), observations.end(), [](const Observation& a, const Observation& b) {
    if (!a.endpoint || !b.endpoint) return !a.endpoint && b.endpoint;
    return *a.endpoint < *b.endpoint;
  });
}

std::vector<const Observation*> DeviceFacts::find(std::string_view key) const {
  std::vector<const Observation*> out;
  for (const auto& o : observations)
    if (o.key == key) out.push_back(&o);
  return out;
}

const Observation* DeviceFacts::at(const Endpoint& ep, std::string_view key) const {
  for (const auto& o : observations)
    if (o.endpoint && *o.endpoint == ep && o.key == key) return &o;
  return nullptr;
}

std::string DeviceFacts::value_at(const Endpoint& ep, std::string_view key) const {
  for (const auto& o : observations)
    if (o.endpoint && *o.endpoint == ep && o.key == key && std::holds_alternative<std::string>(o.value))
      return std::get<std::string>(o.value);
  return {};
}

std::vector<Endpoint> DeviceFacts::endpoints_of(std::initializer_list<std::string_view> services) const {
  std::vector<Endpoint> out;
  for (const auto& o : observations) {
    if (!o.endpoint || o.key != keys::service::name || !std::holds_alternative<std::string>(o.value)) continue;
    const auto& name = std::get<std::string>(o.value);
    if (std::find(services.begin(), services.end(), name) != services.end() &&
        std::find(out.begin(), out.end(), *o.endpoint) == out.end())
      out.push_back(*o.endpoint);
  }
  return out;
}

std::string to_text(const Value& v) {
  if (const auto* b = std::get_if<bool>(&v)) return *b ? "true" : "false";
  if (const auto* i = std::get_if<std::int64_t>(&v)) return std::to_string(*i);
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  std::string out;
  for (const auto& s : std::get<std::vector<std::string>>(v)) out += (out.empty() ? "" : ", ") + s;
  return out;
}

}  // namespace trustscan
