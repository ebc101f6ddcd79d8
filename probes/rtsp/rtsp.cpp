// trustscan — RTSP response parser and request builder (see rtsp.hpp for the contract).
#include "probes/rtsp/rtsp.hpp"
#include "trustscan/text.hpp"
#include "probes/rtsp/rtsp_keys.hpp"

#include <algorithm>

namespace trustscan {
namespace {

constexpr std::string_view kPrefix = "RTSP/";

// "RTSP/1.0 200 OK": version, three-digit status, optional reason.
bool parse_status_line(std::string_view line, RtspResponse& out) {
  if (line.size() < 12 || !line.starts_with(kPrefix)) return false;
  if (!is_ascii_digit(line[5]) || line[6] != '.' || !is_ascii_digit(line[7]) || line[8] != ' ') return false;
  if (line[9] < '1' || line[9] > '9' || !is_ascii_digit(line[10]) || !is_ascii_digit(line[11])) return false;
  if (line.size() > 12 && line[12] != ' ') return false;
  out.version = line.substr(0, 8);
  out.status = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
  if (line.size() > 13) out.reason = trim_ows(line.substr(13));
  return true;
}

// Decimal Content-Length no larger than kRtspMaxBody; digits only (no sign, no spaces inside).
bool parse_length(std::string_view v, std::size_t& n) noexcept {
  if (v.empty()) return false;
  n = 0;
  for (const char c : v) {
    if (!is_ascii_digit(c)) return false;
    n = n * 10 + static_cast<std::size_t>(c - '0');
    if (n > kRtspMaxBody) return false;  // also stops any overflow
  }
  return true;
}

// Fills the typed fields from the header list once the block is complete.
bool interpret_headers(RtspResponse& out) {
  for (const auto& [name, value] : out.headers) {
    if (iequals(name, "CSeq")) {
      if (out.cseq.empty()) out.cseq = value;
    } else if (iequals(name, "Server")) {
      if (out.server.empty()) out.server = value;
    } else if (iequals(name, "Content-Type")) {
      if (out.content_type.empty()) out.content_type = value;
    } else if (iequals(name, "Content-Length")) {
      std::size_t n = 0;
      if (!parse_length(value, n)) return false;
      // Two different lengths would make the message boundary ambiguous (request smuggling).
      if (out.content_length && *out.content_length != n) return false;
      out.content_length = n;
    } else if (iequals(name, "WWW-Authenticate")) {
      if (out.www_authenticate.size() < kRtspMaxListItems) out.www_authenticate.push_back(value);
    } else if (iequals(name, "Public")) {
      out.has_public = true;
      std::string_view rest = value;
      while (!rest.empty()) {
        const auto comma = rest.find(',');
        const std::string_view m = trim_ows(rest.substr(0, comma));
        if (!m.empty() && out.public_methods.size() < kRtspMaxListItems) out.public_methods.emplace_back(m);
        if (comma == std::string_view::npos) break;
        rest.remove_prefix(comma + 1);
      }
    }
  }
  return true;
}

Parse parse_into(Bytes in, RtspResponse& out, std::size_t& consumed) {
  const std::string_view all = as_text(in);
  // The first bytes decide at once: a peer that is not RTSP (an HTTP server on 554) fails here.
  if (all.substr(0, kPrefix.size()) != kPrefix.substr(0, std::min(all.size(), kPrefix.size()))) {
    return Parse::invalid;
  }
  std::size_t pos = 0;
  std::size_t header_end = 0;
  while (header_end == 0) {
    std::size_t lf = pos;
    for (; lf < all.size(); ++lf) {
      if (all[lf] == '\0' || lf + 1 > kRtspMaxHeader) return Parse::invalid;
      if (all[lf] == '\n') break;
    }
    if (lf == all.size()) return Parse::need_more;
    std::string_view line = all.substr(pos, lf - pos);
    if (line.ends_with('\r')) line.remove_suffix(1);
    if (pos == 0) {
      if (!parse_status_line(line, out)) return Parse::invalid;
    } else if (line.empty()) {
      header_end = lf + 1;
    } else if (line.front() == ' ' || line.front() == '\t') {
      // Continuation of the previous field (RFC 2326 §4 borrows HTTP/1.1 LWS folding).
      if (out.headers.empty()) return Parse::invalid;
      auto& value = out.headers.back().second;
      const std::string_view more = trim_ows(line);
      if (!more.empty()) {
        if (!value.empty()) value += ' ';
        value += more;
      }
    } else {
      const auto colon = line.find(':');
      if (colon == std::string_view::npos) return Parse::invalid;
      const std::string_view name = trim_ows(line.substr(0, colon));
      if (name.empty() || out.headers.size() == kRtspMaxHeaders) return Parse::invalid;
      out.headers.emplace_back(std::string(name), std::string(trim_ows(line.substr(colon + 1))));
    }
    pos = lf + 1;
  }
  if (!interpret_headers(out)) return Parse::invalid;
  const std::size_t body = out.content_length.value_or(0);
  if (all.size() - header_end < body) return Parse::need_more;
  out.body = all.substr(header_end, body);
  out.raw_header = all.substr(0, header_end);
  consumed = header_end + body;
  return Parse::done;
}

// "Digest realm=\"x\", nonce=\"…\"" → "Digest realm=\"x\"": the scheme plus its realm, which
// say what a check needs (Basic over cleartext, which realm) without per-request nonces.
std::string auth_summary(std::string_view value) {
  value = trim_ows(value);
  const auto sp = value.find(' ');
  std::string out(value.substr(0, sp));
  if (sp == std::string_view::npos) return out;
  const std::string_view params = value.substr(sp + 1);
  for (std::size_t i = 0; i + 6 <= params.size(); ++i) {
    if (!iequals(params.substr(i, 6), "realm=")) continue;
    if (i > 0 && params[i - 1] != ' ' && params[i - 1] != ',' && params[i - 1] != '\t') continue;
    std::string_view r = params.substr(i + 6);
    if (r.starts_with('"')) {
      r.remove_prefix(1);
      r = r.substr(0, r.find('"'));
    } else {
      r = trim_ows(r.substr(0, r.find(',')));
    }
    out += " realm=\"";
    out += r.substr(0, 128);
    out += '"';
    break;
  }
  return out;
}

bool has_forbidden(std::string_view s) noexcept {
  return s.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos;
}

}  // namespace

const std::string* rtsp_header(const RtspResponse& r, std::string_view name) noexcept {
  for (const auto& h : r.headers) {
    if (iequals(h.first, name)) return &h.second;
  }
  return nullptr;
}

std::vector<std::uint8_t> build_rtsp_request(
    std::string_view method, std::string_view url, std::uint32_t cseq,
    std::span<const std::pair<std::string_view, std::string_view>> extra) {
  if (method.empty() || url.empty() || has_forbidden(method) || has_forbidden(url) ||
      method.find(' ') != std::string_view::npos || url.find(' ') != std::string_view::npos) {
    return {};
  }
  bool has_accept = false;
  for (const auto& [name, value] : extra) {
    if (name.empty() || has_forbidden(name) || has_forbidden(value) ||
        name.find(':') != std::string_view::npos) {
      return {};
    }
    has_accept = has_accept || iequals(name, "Accept");
  }
  std::string s;
  s.append(method).append(" ").append(url).append(" RTSP/1.0\r\n");
  s.append("CSeq: ").append(std::to_string(cseq)).append("\r\n");
  s.append("User-Agent: trustscan/0.1\r\n");
  // Cameras that return 200 to a bare DESCRIBE still want to know we read SDP (RFC 2326 §10.2).
  if (method == "DESCRIBE" && !has_accept) s.append("Accept: application/sdp\r\n");
  for (const auto& [name, value] : extra) s.append(name).append(": ").append(value).append("\r\n");
  s.append("\r\n");
  return {s.begin(), s.end()};
}

Parse parse_rtsp_response(Bytes in, RtspResponse& out, std::size_t& consumed) noexcept {
  out = RtspResponse{};
  consumed = 0;
  Parse r = Parse::invalid;
  try {
    r = parse_into(in, out, consumed);
  } catch (...) {  // std::bad_alloc only: everything kept is capped by kRtspMaxHeader/kRtspMaxBody
    r = Parse::invalid;
  }
  if (r != Parse::done) {
    out = RtspResponse{};
    consumed = 0;
  }
  return r;
}

std::vector<Observation> rtsp_observations(const RtspResponse& response, const Endpoint& endpoint) {
  std::vector<Observation> obs;
  if (response.status == 0) return obs;
  const Evidence ev{"rtsp_response", "live", "RTSP response",
                    printable_excerpt(as_bytes(response.raw_header), Evidence::kMaxExcerpt), {}, {}, {}, {}};
  obs.push_back(Observation{endpoint, keys::rtsp::status, Value{std::int64_t{response.status}}, ev});
  if (rtsp_header(response, "Server")) {
    obs.push_back(Observation{endpoint, keys::rtsp::server, Value{response.server}, ev});
  }
  if (response.has_public) {
    obs.push_back(Observation{endpoint, keys::rtsp::public_methods, Value{response.public_methods}, ev});
  }
  if (!response.www_authenticate.empty()) {
    std::vector<std::string> schemes;
    for (const auto& v : response.www_authenticate) schemes.push_back(auth_summary(v));
    obs.push_back(Observation{endpoint, keys::rtsp::auth_schemes, Value{std::move(schemes)}, ev});
  }
  std::string type;
  for (const char c : response.content_type.substr(0, response.content_type.find(';'))) type += ascii_lower(c);
  const bool sdp = trim_ows(type) == "application/sdp" && !response.body.empty();
  obs.push_back(Observation{endpoint, keys::rtsp::sdp_present, Value{sdp}, ev});
  return obs;
}

}  // namespace trustscan
