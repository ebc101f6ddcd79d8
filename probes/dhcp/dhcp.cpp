// trustscan — DHCPv4 parser.
#include "probes/dhcp/dhcp.hpp"
#include "probes/dhcp/dhcp_keys.hpp"

#include <algorithm>

namespace trustscan {

namespace {

constexpr std::size_t kHeader = 236;  // op … file, before the magic cookie
constexpr std::size_t kSnameAt = 44, kSnameLen = 64, kFileAt = 108, kFileLen = 128;

std::uint32_t be32(Bytes b, std::size_t at) {
  return (std::uint32_t{b[at]} << 24) | (std::uint32_t{b[at + 1]} << 16) | (std::uint32_t{b[at + 2]} << 8) | b[at + 3];
}

// Walks one options field, appending each option's data to `data[code]` (RFC 3396). false when
// an option's length runs past the field.
bool walk_options(Bytes field, std::array<std::string, 256>& data, std::vector<std::uint8_t>& codes) {
  std::size_t i = 0;
  while (i < field.size()) {
    const std::uint8_t code = field[i];
    if (code == 255) return true;
    if (code == 0) {
      ++i;
      continue;
    }
    if (i + 1 >= field.size()) return false;
    const std::size_t len = field[i + 1];
    if (i + 2 + len > field.size()) return false;
    std::string& d = data[code];
    const std::size_t keep = std::min(len, kDhcpMaxOptionData - std::min(d.size(), kDhcpMaxOptionData));
    d.append(reinterpret_cast<const char*>(field.data() + i + 2), keep);
    if (codes.size() < 255) codes.push_back(code);
    i += 2 + len;
  }
  return true;  // no End option: tolerated, the field simply ends
}

std::vector<Address> addresses(const std::string& d) {
  std::vector<Address> out;
  for (std::size_t i = 0; i + 4 <= d.size() && out.size() < kDhcpMaxList; i += 4)
    out.push_back(Address::v4(be32(as_bytes(d), i)));
  return out;
}

// Option 81 (RFC 4702): flags, two obsolete rcodes, then the name: DNS wire form when the E bit
// (0x04) is set, else ASCII.
std::string fqdn_name(Bytes name, bool wire) {
  if (!wire) return std::string(as_text(name));
  std::string out;
  std::size_t i = 0;
  while (i < name.size() && name[i] != 0) {
    const std::size_t len = name[i];
    if (len > 63 || i + 1 + len > name.size()) break;
    if (!out.empty()) out += '.';
    out.append(reinterpret_cast<const char*>(name.data() + i + 1), len);
    i += 1 + len;
  }
  return out;
}

std::string hex(const std::vector<std::uint8_t>& v, const char* sep) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (i != 0) s += sep;
    s += kHex[v[i] >> 4];
    s += kHex[v[i] & 0x0f];
  }
  return s;
}

}  // namespace

Parse parse_dhcp(Bytes in, DhcpMessage& out) noexcept {
  out = DhcpMessage{};
  if (in.size() < kHeader + 4 || in.size() > kDhcpMaxMessage) return Parse::invalid;
  if ((in[0] != 1 && in[0] != 2) || in[2] > 16) return Parse::invalid;
  if (be32(in, kHeader) != 0x63825363) return Parse::invalid;
  out.op = in[0];
  out.htype = in[1];
  out.hlen = in[2];
  out.xid = be32(in, 4);
  out.flags = static_cast<std::uint16_t>((in[10] << 8) | in[11]);
  out.ciaddr = Address::v4(be32(in, 12));
  out.yiaddr = Address::v4(be32(in, 16));
  out.siaddr = Address::v4(be32(in, 20));
  out.giaddr = Address::v4(be32(in, 24));
  out.chaddr.assign(in.begin() + 28, in.begin() + 28 + out.hlen);

  std::array<std::string, 256> data;
  if (!walk_options(in.subspan(kHeader + 4), data, out.option_codes)) return Parse::invalid;
  if (data[52].size() > 1) return Parse::invalid;
  if (data[52].size() == 1) {
    out.overload = static_cast<std::uint8_t>(data[52][0]);
    if (out.overload < 1 || out.overload > 3) return Parse::invalid;
    // RFC 2131 §4.1: options, then `file`, then `sname`.
    if ((out.overload & 1) && !walk_options(in.subspan(kFileAt, kFileLen), data, out.option_codes))
      return Parse::invalid;
    if ((out.overload & 2) && !walk_options(in.subspan(kSnameAt, kSnameLen), data, out.option_codes))
      return Parse::invalid;
  }
  for (const int fixed : {53, 50, 54}) {
    const auto size = data[static_cast<std::size_t>(fixed)].size();
    if (size != 0 && size != (fixed == 53 ? 1u : 4u)) return Parse::invalid;
  }
  if (!data[53].empty()) out.message_type = static_cast<std::uint8_t>(data[53][0]);
  if (!data[50].empty()) out.requested_ip = Address::v4(be32(as_bytes(data[50]), 0));
  if (!data[54].empty()) out.server_id = Address::v4(be32(as_bytes(data[54]), 0));
  out.host_name = data[12];
  out.vendor_class = data[60];
  out.client_id.assign(data[61].begin(), data[61].end());
  out.parameter_request_list.assign(data[55].begin(), data[55].end());
  if (data[81].size() >= 3) {
    out.client_fqdn_flags = static_cast<std::uint8_t>(data[81][0]);
    out.client_fqdn = fqdn_name(as_bytes(data[81]).subspan(3), (out.client_fqdn_flags & 0x04) != 0);
  }
  out.raw.assign(in.begin(), in.begin() + static_cast<std::ptrdiff_t>(std::min(in.size(), Evidence::kMaxExcerpt)));
  out.dns_servers = addresses(data[6]);
  out.ntp_servers = addresses(data[42]);
  return Parse::done;
}

std::string dhcp_message_type_name(std::uint8_t type) {
  static constexpr const char* kNames[] = {"DISCOVER", "OFFER", "REQUEST", "DECLINE", "ACK", "NAK", "RELEASE", "INFORM"};
  if (type >= 1 && type <= 8) return kNames[type - 1];
  return std::to_string(type);
}

std::vector<Observation> dhcp_observations(const DhcpMessage& m, const Endpoint& ep) {
  Evidence ev;
  ev.kind = "dhcp";
  ev.source = "capture";
  ev.detail = "DHCP " + (m.message_type ? dhcp_message_type_name(*m.message_type) : std::string("BOOTP")) +
              " xid " + std::to_string(m.xid);
  ev.excerpt = printable_excerpt(Bytes(m.raw), Evidence::kMaxExcerpt);
  std::vector<Observation> out;
  const auto add = [&](const ObservationKey& key, Value v) { out.push_back(Observation{ep, key, std::move(v), ev}); };
  const auto add_text = [&](const ObservationKey& key, const std::string& s) {
    if (!s.empty()) add(key, s);
  };
  const auto add_list = [&](const ObservationKey& key, const std::vector<Address>& list) {
    std::vector<std::string> text;
    for (const auto& a : list) text.push_back(a.to_string());
    if (!text.empty()) add(key, std::move(text));
  };
  if (m.message_type) add(keys::dhcp::message_type, dhcp_message_type_name(*m.message_type));
  if (m.htype == 1 && m.hlen == 6) add(keys::dhcp::client_mac, hex(m.chaddr, ":"));
  add_text(keys::dhcp::hostname, m.host_name);
  add_text(keys::dhcp::vendor_class, m.vendor_class);
  add_text(keys::dhcp::client_id, hex(m.client_id, ""));
  add_text(keys::dhcp::client_fqdn, m.client_fqdn);
  std::string prl;
  for (const auto code : m.parameter_request_list) prl += (prl.empty() ? "" : ",") + std::to_string(code);
  add_text(keys::dhcp::parameter_request_list, prl);
  if (m.requested_ip) add(keys::dhcp::requested_ip, m.requested_ip->to_string());
  if (m.server_id) add(keys::dhcp::server_id, m.server_id->to_string());
  if (m.op == 2 && m.yiaddr.v4_value() != 0) add(keys::dhcp::your_ip, m.yiaddr.to_string());
  add_list(keys::dhcp::dns_servers, m.dns_servers);
  add_list(keys::dhcp::ntp_servers, m.ntp_servers);
  return out;
}

}  // namespace trustscan
