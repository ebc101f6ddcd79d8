// trustscan — ICMPv4 echo for host discovery (icmp.hpp).
#include "probes/icmp/icmp.hpp"

#include "trustscan/byte_reader.hpp"

namespace trustscan {

std::uint16_t internet_checksum(Bytes b) noexcept {
  std::uint32_t sum = 0;
  for (std::size_t i = 0; i + 1 < b.size(); i += 2) sum += static_cast<std::uint32_t>((b[i] << 8) | b[i + 1]);
  if (b.size() % 2 != 0) sum += static_cast<std::uint32_t>(b.back() << 8);
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<std::uint16_t>(~sum & 0xffff);
}

std::vector<std::uint8_t> icmp_echo_request(std::uint16_t id, std::uint16_t seq) {
  std::vector<std::uint8_t> m = {8, 0, 0, 0, static_cast<std::uint8_t>(id >> 8), static_cast<std::uint8_t>(id),
                                 static_cast<std::uint8_t>(seq >> 8), static_cast<std::uint8_t>(seq)};
  for (char c : std::string_view("trustscan-ping.."))  // 16 bytes of payload
    m.push_back(static_cast<std::uint8_t>(c));
  const std::uint16_t sum = internet_checksum(Bytes(m));
  m[2] = static_cast<std::uint8_t>(sum >> 8);
  m[3] = static_cast<std::uint8_t>(sum);
  return m;
}

Parse parse_icmp_echo_reply(Bytes datagram, IcmpEchoReply& out) noexcept {
  out = IcmpEchoReply{};
  ByteReader r{datagram};
  std::uint8_t version_ihl = 0;
  if (!r.u8(version_ihl) || (version_ihl >> 4) != 4) return Parse::invalid;
  const std::size_t ihl = static_cast<std::size_t>(version_ihl & 0x0f) * 4;
  if (ihl < 20 || datagram.size() < ihl + 8) return Parse::invalid;
  std::uint8_t protocol = 0;
  r.pos = 9;
  if (!r.u8(protocol) || protocol != 1) return Parse::invalid;
  r.pos = 12;
  if (!r.u32(out.source)) return Parse::invalid;
  r.pos = ihl;
  std::uint8_t type = 0, code = 0;
  std::uint16_t checksum = 0;
  if (!r.u8(type) || !r.u8(code) || !r.u16(checksum) || !r.u16(out.id) || !r.u16(out.seq)) return Parse::invalid;
  if (type != 0 || code != 0) return Parse::invalid;
  return Parse::done;
}

}  // namespace trustscan
