// trustscan — NTP modes 3/4, 6 and 7. See ntp.hpp for the contract.
#include "probes/ntp/ntp.hpp"
#include "trustscan/text.hpp"
#include "probes/ntp/ntp_keys.hpp"

#include <algorithm>

namespace trustscan {
namespace {

std::uint16_t be16(Bytes b, std::size_t at) noexcept {
  return static_cast<std::uint16_t>((b[at] << 8) | b[at + 1]);
}
std::uint32_t be32(Bytes b, std::size_t at) noexcept {
  return (std::uint32_t{b[at]} << 24) | (std::uint32_t{b[at + 1]} << 16) |
         (std::uint32_t{b[at + 2]} << 8) | std::uint32_t{b[at + 3]};
}
NtpTimestamp timestamp(Bytes b, std::size_t at) noexcept { return {be32(b, at), be32(b, at + 4)}; }

void put32(std::vector<std::uint8_t>& v, std::size_t at, std::uint32_t x) {
  v[at] = static_cast<std::uint8_t>(x >> 24);
  v[at + 1] = static_cast<std::uint8_t>(x >> 16);
  v[at + 2] = static_cast<std::uint8_t>(x >> 8);
  v[at + 3] = static_cast<std::uint8_t>(x);
}

// Stratum 0 (kiss code) and 1 (reference clock) carry four ASCII characters, NUL-padded;
// higher strata carry the IPv4 address of the upstream server (or an IPv6 hash, shown the same).
std::string render_refid(int stratum, Bytes id) {
  if (stratum <= 1) {
    std::size_t n = 4;
    while (n > 0 && id[n - 1] == 0) --n;
    return printable_excerpt(id.first(n), 4);
  }
  return std::to_string(id[0]) + "." + std::to_string(id[1]) + "." + std::to_string(id[2]) + "." +
         std::to_string(id[3]);
}


std::string cap_clean(std::string_view s, std::size_t max) {
  if (s.size() > max) {
    std::size_t cut = max;
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
    s = s.substr(0, cut);
  }
  std::string r(s);
  for (auto& c : r)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  return r;
}

// ntpd's variable list: name=value pairs separated by ", " and CRLF line breaks; values may be
// quoted strings (which can hold commas).
void parse_variables(std::string_view d, std::vector<std::pair<std::string, std::string>>& out) {
  std::size_t i = 0;
  while (i < d.size() && out.size() < kNtpMaxVariables) {
    std::size_t end = i;
    bool quoted = false;
    while (end < d.size() && (quoted || d[end] != ',')) {
      if (d[end] == '"') quoted = !quoted;
      ++end;
    }
    const auto item = trim_space(d.substr(i, end - i));
    i = end + 1;
    if (item.empty()) continue;
    const auto eq = item.find('=');
    const auto name = trim_space(item.substr(0, eq));
    if (name.empty()) continue;
    std::string_view value;
    if (eq != std::string_view::npos) {
      value = trim_space(item.substr(eq + 1));
      if (value.size() >= 2 && value.front() == '"' && value.back() == '"')
        value = value.substr(1, value.size() - 2);
    }
    out.emplace_back(cap_clean(name, kNtpMaxVarName), cap_clean(value, kNtpMaxVarValue));
  }
}

std::string raw_prefix(Bytes b) { return std::string(as_text(b.first(std::min(b.size(), Evidence::kMaxExcerpt)))); }

}  // namespace

std::int64_t NtpTimestamp::unix_seconds() const noexcept {
  if (seconds == 0 && fraction == 0) return 0;
  constexpr std::int64_t kNtpToUnix = 2208988800;  // 1900-01-01 → 1970-01-01
  std::int64_t s = seconds;
  if (seconds < 0x80000000u) s += std::int64_t{1} << 32;  // era 1: from 2036-02-07 on
  return s - kNtpToUnix;
}

std::vector<std::uint8_t> build_ntp_client_request(NtpTimestamp transmit) {
  std::vector<std::uint8_t> v(48, 0);
  v[0] = (0 << 6) | (4 << 3) | 3;  // LI 0, VN 4, mode 3 (client)
  put32(v, 40, transmit.seconds);
  put32(v, 44, transmit.fraction);
  return v;
}

Parse parse_ntp_response(Bytes d, NtpPacket& out) noexcept {
  out = NtpPacket{};
  if (d.size() < 48 || d.size() > kNtpMaxDatagram) return Parse::invalid;
  out.leap = d[0] >> 6;
  out.version = (d[0] >> 3) & 7;
  out.mode = d[0] & 7;
  if (out.version < 1 || out.version > 4) return Parse::invalid;
  if (out.mode != 1 && out.mode != 2 && out.mode != 4 && out.mode != 5) return Parse::invalid;
  out.stratum = d[1];
  out.poll = static_cast<std::int8_t>(d[2]);
  out.precision = static_cast<std::int8_t>(d[3]);
  out.root_delay = be32(d, 4);
  out.root_dispersion = be32(d, 8);
  out.refid_raw = be32(d, 12);
  out.refid = render_refid(out.stratum, d.subspan(12, 4));
  out.reference = timestamp(d, 16);
  out.origin = timestamp(d, 24);
  out.receive = timestamp(d, 32);
  out.transmit = timestamp(d, 40);
  out.extension_bytes = d.size() - 48;
  out.raw = raw_prefix(d);
  return Parse::done;
}

const std::string* NtpControlResponse::variable(std::string_view name) const noexcept {
  for (const auto& [n, v] : variables)
    if (n == name) return &v;
  return nullptr;
}

std::vector<std::uint8_t> build_ntp_mode6_readvar(std::uint16_t sequence) {
  // LI 0, VN 2, mode 6; opcode 2 READVAR; sequence; status, association 0, offset, count 0.
  return {0x16, 0x02, static_cast<std::uint8_t>(sequence >> 8), static_cast<std::uint8_t>(sequence),
          0, 0, 0, 0, 0, 0, 0, 0};
}

Parse parse_ntp_mode6(Bytes d, NtpControlResponse& out) noexcept {
  out = NtpControlResponse{};
  if (d.size() < 12 || d.size() > kNtpMaxDatagram) return Parse::invalid;
  out.version = (d[0] >> 3) & 7;
  if ((d[0] & 7) != 6 || out.version < 1 || out.version > 4) return Parse::invalid;
  if ((d[1] & 0x80) == 0) return Parse::invalid;  // a request, not a reply
  out.error = (d[1] & 0x40) != 0;
  out.more = (d[1] & 0x20) != 0;
  out.opcode = d[1] & 0x1f;
  out.sequence = be16(d, 2);
  out.status = be16(d, 4);
  out.association_id = be16(d, 6);
  out.offset = be16(d, 8);
  const std::size_t count = be16(d, 10);
  // Padding to 32 bits and a MAC may follow the data; missing data means a cut datagram.
  if (count > d.size() - 12) return Parse::invalid;
  out.data.assign(as_text(d.subspan(12, count)));
  parse_variables(out.data, out.variables);
  out.raw = raw_prefix(d);
  return Parse::done;
}

std::vector<std::uint8_t> build_ntp_mode7_monlist() {
  // R 0, M 0, VN 2, mode 7; no auth, sequence 0; implementation 3 (XNTPD); request 42
  // (MON_GETLIST_1); no items. Padded to 48 bytes, the REQ_LEN_NOMAC of xntpd's req_pkt
  // (8-byte header, 32-byte data area, 8-byte timestamp): older daemons drop shorter requests.
  std::vector<std::uint8_t> v(48, 0);
  v[0] = (2 << 3) | 7;
  v[2] = 3;
  v[3] = 42;
  return v;
}

Parse parse_ntp_mode7(Bytes d, NtpMode7Response& out) noexcept {
  out = NtpMode7Response{};
  if (d.size() < 8 || d.size() > kNtpMaxDatagram) return Parse::invalid;
  if ((d[0] & 0x80) == 0 || (d[0] & 7) != 7) return Parse::invalid;
  out.more = (d[0] & 0x40) != 0;
  out.version = (d[0] >> 3) & 7;
  if (out.version < 1 || out.version > 4) return Parse::invalid;
  out.authenticated = (d[1] & 0x80) != 0;
  out.sequence = d[1] & 0x7f;
  out.implementation = d[2];
  if (out.implementation != 0 && out.implementation != 2 && out.implementation != 3)
    return Parse::invalid;
  out.request = d[3];
  out.error = d[4] >> 4;
  out.item_count = ((d[4] & 0x0f) << 8) | d[5];
  out.item_size = ((d[6] & 0x0f) << 8) | d[7];
  const auto data = static_cast<std::size_t>(out.item_count) * static_cast<std::size_t>(out.item_size);
  if (data > d.size() - 8) return Parse::invalid;
  out.raw = raw_prefix(d);
  return Parse::done;
}

std::vector<Observation> ntp_observations(const NtpPacket& p, const Endpoint& ep) {
  Evidence ev;
  ev.kind = "ntp_response";
  ev.detail = "mode 3 client request answered: mode " + std::to_string(p.mode) + ", stratum " +
              std::to_string(p.stratum) + ", refid " + p.refid;
  ev.excerpt = printable_excerpt(as_bytes(p.raw), Evidence::kMaxExcerpt);
  return {
      Observation{ep, keys::ntp::mode, std::int64_t{p.mode}, ev},
      Observation{ep, keys::ntp::stratum, std::int64_t{p.stratum}, ev},
      Observation{ep, keys::ntp::version, std::int64_t{p.version}, ev},
      Observation{ep, keys::ntp::refid, p.refid, ev},
  };
}

std::vector<Observation> ntp_observations(const NtpControlResponse& r, const Endpoint& ep) {
  Evidence ev;
  ev.kind = "ntp_response";
  ev.detail = "mode 6 READVAR answered" + std::string(r.error ? " with an error" : "");
  ev.excerpt = printable_excerpt(as_bytes(r.raw), Evidence::kMaxExcerpt);
  std::vector<Observation> out{Observation{ep, keys::ntp::mode6, true, ev}};
  if (const auto* v = r.variable("version"); v && !v->empty())
    out.push_back(Observation{ep, keys::ntp::mode6_version, *v, ev});
  if (const auto* v = r.variable("system"); v && !v->empty())
    out.push_back(Observation{ep, keys::ntp::mode6_system, *v, ev});
  return out;
}

std::vector<Observation> ntp_observations(const NtpMode7Response& r, const Endpoint& ep) {
  Evidence ev;
  ev.kind = "ntp_response";
  ev.detail = "mode 7 request " + std::to_string(r.request) + " answered, error " +
              std::to_string(r.error) + ", " + std::to_string(r.item_count) + " items";
  ev.excerpt = printable_excerpt(as_bytes(r.raw), Evidence::kMaxExcerpt);
  std::vector<Observation> out{Observation{ep, keys::ntp::monlist, r.monlist(), ev}};
  if (r.monlist()) out.push_back(Observation{ep, keys::ntp::monlist_items, std::int64_t{r.item_count}, ev});
  return out;
}

}  // namespace trustscan
