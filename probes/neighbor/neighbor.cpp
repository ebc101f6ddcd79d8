// trustscan — ARP and IPv6 Neighbor Discovery messages (neighbor.hpp).
#include "probes/neighbor/neighbor.hpp"

#include "trustscan/byte_reader.hpp"


namespace trustscan {

namespace {

void put16(std::vector<std::uint8_t>& m, std::uint16_t v) {
  m.push_back(static_cast<std::uint8_t>(v >> 8));
  m.push_back(static_cast<std::uint8_t>(v));
}
void put32(std::vector<std::uint8_t>& m, std::uint32_t v) {
  put16(m, static_cast<std::uint16_t>(v >> 16));
  put16(m, static_cast<std::uint16_t>(v));
}

constexpr std::uint16_t kArpEthernet = 1, kArpIpv4 = 0x0800, kArpRequest = 1, kArpReply = 2;
constexpr std::uint8_t kNdpSolicitation = 135, kNdpAdvertisement = 136, kOptSourceLl = 1, kOptTargetLl = 2;

}  // namespace

std::vector<std::uint8_t> arp_request(const Mac& sender_mac, std::uint32_t sender_ip, std::uint32_t target) {
  std::vector<std::uint8_t> m;
  m.reserve(28);
  put16(m, kArpEthernet);
  put16(m, kArpIpv4);
  m.push_back(6);
  m.push_back(4);
  put16(m, kArpRequest);
  m.insert(m.end(), sender_mac.begin(), sender_mac.end());
  put32(m, sender_ip);
  m.insert(m.end(), 6, 0);  // target hardware address: unknown
  put32(m, target);
  return m;
}

Parse parse_arp_reply(Bytes message, ArpReply& out) noexcept {
  out = ArpReply{};
  ByteReader r{message};
  std::uint16_t htype = 0, ptype = 0, op = 0;
  std::uint8_t hlen = 0, plen = 0;
  if (!r.u16(htype) || !r.u16(ptype) || !r.u8(hlen) || !r.u8(plen) || !r.u16(op)) return Parse::invalid;
  if (htype != kArpEthernet || ptype != kArpIpv4 || hlen != 6 || plen != 4 || op != kArpReply) return Parse::invalid;
  if (message.size() < 28) return Parse::invalid;
  for (std::size_t i = 0; i < 6; ++i) out.sender_mac[i] = message[8 + i];
  r.pos = 14;
  if (!r.u32(out.sender_ip)) return Parse::invalid;
  r.pos = 24;
  if (!r.u32(out.target_ip)) return Parse::invalid;
  return Parse::done;
}

Ipv6Bytes solicited_node_multicast(const Ipv6Bytes& target) noexcept {
  Ipv6Bytes m{0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0xff, 0, 0, 0};
  m[13] = target[13];
  m[14] = target[14];
  m[15] = target[15];
  return m;
}

std::vector<std::uint8_t> ndp_neighbor_solicitation(const Ipv6Bytes& target, const Mac& our_mac) {
  std::vector<std::uint8_t> m = {kNdpSolicitation, 0, 0, 0, 0, 0, 0, 0};  // type, code, checksum, reserved
  m.insert(m.end(), target.begin(), target.end());
  m.push_back(kOptSourceLl);
  m.push_back(1);  // length in units of 8 bytes
  m.insert(m.end(), our_mac.begin(), our_mac.end());
  return m;
}

Parse parse_neighbor_advertisement(Bytes message, NeighborAdvertisement& out) noexcept {
  out = NeighborAdvertisement{};
  if (message.size() < 24 || message[0] != kNdpAdvertisement || message[1] != 0) return Parse::invalid;
  out.router = (message[4] & 0x80) != 0;
  out.solicited = (message[4] & 0x40) != 0;
  for (std::size_t i = 0; i < 16; ++i) out.target[i] = message[8 + i];
  // Options: type, length in 8-byte units (never 0: RFC 4861 §4.6 says drop the message).
  std::size_t at = 24;
  while (at < message.size()) {
    if (message.size() - at < 2) return Parse::invalid;
    const std::size_t len = static_cast<std::size_t>(message[at + 1]) * 8;
    if (len == 0 || len > message.size() - at) return Parse::invalid;
    if (message[at] == kOptTargetLl && len >= 8) {
      out.has_mac = true;
      for (std::size_t i = 0; i < 6; ++i) out.mac[i] = message[at + 2 + i];
    }
    at += len;
  }
  return Parse::done;
}

std::vector<std::uint8_t> icmpv6_echo_request(std::uint16_t id, std::uint16_t seq) {
  std::vector<std::uint8_t> m = {128, 0, 0, 0};
  put16(m, id);
  put16(m, seq);
  for (char c : std::string_view("trustscan-ping.."))  // 16 bytes, as the ICMPv4 echo
    m.push_back(static_cast<std::uint8_t>(c));
  return m;
}

Parse parse_icmpv6_echo_reply(Bytes message, std::uint16_t& id, std::uint16_t& seq) noexcept {
  ByteReader r{message};
  std::uint8_t type = 0, code = 0;
  std::uint16_t checksum = 0;
  if (!r.u8(type) || !r.u8(code) || !r.u16(checksum) || !r.u16(id) || !r.u16(seq)) return Parse::invalid;
  return type == 129 && code == 0 ? Parse::done : Parse::invalid;
}

}  // namespace trustscan
