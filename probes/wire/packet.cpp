// trustscan — frame decoder for replay (see packet.hpp). Hot path: no allocation, no copies of
// payload bytes, every read bounds-checked against the span first.
#include "probes/wire/packet.hpp"

#include <cstring>

namespace trustscan {
namespace {

constexpr std::uint16_t kEtherIpv4 = 0x0800;
constexpr std::uint16_t kEtherIpv6 = 0x86dd;
constexpr std::uint16_t kEtherVlan = 0x8100;     // 802.1Q
constexpr std::uint16_t kEtherQinQ = 0x88a8;     // 802.1ad
constexpr std::uint16_t kEtherQinQOld = 0x9100;  // pre-standard QinQ, still seen on switches
constexpr std::uint16_t kArphrdEther = 1;

inline std::uint16_t be16(const std::uint8_t* p) noexcept {
  return static_cast<std::uint16_t>((p[0] << 8) | p[1]);
}
inline std::uint32_t be32(const std::uint8_t* p) noexcept {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3];
}

void set_address(Address& a, const std::uint8_t* p, bool v6) noexcept {
  a.v6 = v6;
  std::memcpy(a.bytes.data(), p, v6 ? 16 : 4);
}

/// The transport header at the start of `l4` (the IP payload, already cut to the IP length).
Parse decode_transport(Bytes l4, DecodedPacket& out) noexcept {
  const std::uint8_t* p = l4.data();
  switch (out.ip_proto) {
    case ipproto::tcp: {
      if (l4.size() < 20) return Parse::invalid;
      const std::size_t doff = static_cast<std::size_t>(p[12] >> 4) * 4;
      // Options are skipped whole: nothing in replay needs MSS or SACK blocks.
      if (doff < 20 || doff > l4.size()) return Parse::invalid;
      out.has_ports = true;
      out.src_port = be16(p);
      out.dst_port = be16(p + 2);
      out.seq = be32(p + 4);
      out.ack = be32(p + 8);
      out.tcp_flags = p[13];
      out.window = be16(p + 14);
      out.payload = l4.subspan(doff);
      return Parse::done;
    }
    case ipproto::udp: {
      if (l4.size() < 8) return Parse::invalid;
      const std::size_t len = be16(p + 4);
      if (len < 8) return Parse::invalid;
      out.has_ports = true;
      out.src_port = be16(p);
      out.dst_port = be16(p + 2);
      if (len > l4.size()) {
        out.truncated = true;
        out.payload = l4.subspan(8);
      } else {
        out.payload = l4.subspan(8, len - 8);
      }
      return Parse::done;
    }
    case ipproto::icmp:
    case ipproto::icmpv6:
      if (l4.size() < 4) return Parse::invalid;
      out.icmp_type = p[0];
      out.icmp_code = p[1];
      out.payload = l4.subspan(4);
      return Parse::done;
    default:
      out.payload = l4;
      return Parse::done;
  }
}

/// Cuts the IP payload to the length the header states: Ethernet padding goes, a shorter capture
/// (snaplen) sets `truncated`. A stated length of 0 (TCP segmentation offload, jumbograms) means
/// "whatever was captured", as Wireshark reads it.
std::size_t ip_end(std::size_t stated, std::size_t captured, DecodedPacket& out) noexcept {
  if (stated == 0) return captured;
  if (stated > captured) {
    out.truncated = true;
    return captured;
  }
  return stated;
}

Parse decode_ipv4(Bytes in, DecodedPacket& out) noexcept {
  if (in.size() < 20) return Parse::invalid;
  const std::uint8_t* p = in.data();
  if ((p[0] >> 4) != 4) return Parse::invalid;
  const std::size_t ihl = static_cast<std::size_t>(p[0] & 0x0fu) * 4;
  const std::size_t total = be16(p + 2);
  if (ihl < 20 || ihl > in.size() || (total != 0 && total < ihl)) return Parse::invalid;
  const std::size_t end = ip_end(total, in.size(), out);
  out.ip_version = 4;
  out.ttl = p[8];
  out.ip_proto = p[9];
  set_address(out.src, p + 12, false);
  set_address(out.dst, p + 16, false);
  const std::uint16_t frag = be16(p + 6);
  const bool more = (frag & 0x2000) != 0;
  const std::uint16_t offset = frag & 0x1fff;
  out.fragment = more || offset != 0;
  const Bytes l4 = in.subspan(ihl, end - ihl);
  if (offset != 0) {
    out.later_fragment = true;
    out.payload = l4;
    return Parse::done;
  }
  return decode_transport(l4, out);
}

Parse decode_ipv6(Bytes in, DecodedPacket& out) noexcept {
  if (in.size() < 40) return Parse::invalid;
  const std::uint8_t* p = in.data();
  if ((p[0] >> 4) != 6) return Parse::invalid;
  const std::size_t plen = be16(p + 4);
  const std::size_t end = 40 + (ip_end(plen, in.size() - 40, out));
  out.ip_version = 6;
  out.ttl = p[7];
  set_address(out.src, p + 8, true);
  set_address(out.dst, p + 24, true);
  std::uint8_t next = p[6];
  std::size_t off = 40;
  for (std::size_t n = 0;; ++n) {
    const bool ext = next == 0 || next == 43 || next == 44 || next == 60;
    if (!ext) break;
    if (n == kMaxIpv6ExtHeaders || off + 8 > end) return Parse::invalid;
    const std::uint8_t following = p[off];
    if (next == 44) {
      // Fragment header: fixed 8 bytes; offset in 8-byte units in the top 13 bits.
      out.fragment = true;
      if ((be16(p + off + 2) >> 3) != 0) out.later_fragment = true;
      off += 8;
    } else {
      off += (std::size_t{p[off + 1]} + 1) * 8;
      if (off > end) return Parse::invalid;
    }
    next = following;
    if (out.later_fragment) break;
  }
  out.ip_proto = next;
  const Bytes l4 = in.subspan(off, end - off);
  if (out.later_fragment || next == 59) {  // 59: no next header
    out.payload = l4;
    return Parse::done;
  }
  return decode_transport(l4, out);
}

Parse decode_ip(Bytes in, DecodedPacket& out) noexcept {
  if (in.empty()) return Parse::invalid;
  switch (in[0] >> 4) {
    case 4: return decode_ipv4(in, out);
    case 6: return decode_ipv6(in, out);
    default: return Parse::invalid;
  }
}

/// Everything after an EtherType field at `frame[off - 2]`: VLAN tags, then IPv4/IPv6 or a
/// non-IP frame. Shared by Ethernet and both Linux cooked headers (which may carry tags too).
Parse decode_ether_payload(std::uint16_t type, Bytes frame, std::size_t off, DecodedPacket& out) noexcept {
  while (type == kEtherVlan || type == kEtherQinQ || type == kEtherQinQOld) {
    if (out.vlan_count == kMaxVlanTags || off + 4 > frame.size()) return Parse::invalid;
    out.vlan_ids[out.vlan_count++] = be16(frame.data() + off) & 0x0fff;
    type = be16(frame.data() + off + 2);
    off += 4;
  }
  if (type < 0x0600) return Parse::done;  // 802.3 length field: LLC/SNAP, not IP
  out.ethertype = type;
  if (type == kEtherIpv4) return decode_ipv4(frame.subspan(off), out);
  if (type == kEtherIpv6) return decode_ipv6(frame.subspan(off), out);
  return Parse::done;
}

/// The sender's link address of a cooked header, when it is an Ethernet MAC.
void cooked_src_mac(std::uint16_t hatype, std::size_t halen, const std::uint8_t* addr, DecodedPacket& out) noexcept {
  if (hatype != kArphrdEther || halen != 6) return;
  out.has_src_mac = true;
  std::memcpy(out.src_mac.data(), addr, 6);
}

Parse decode_null(Bytes frame, DecodedPacket& out) noexcept {
  if (frame.size() < 4) return Parse::invalid;
  const std::uint8_t* p = frame.data();
  // NULL stores the family in the capturing host's byte order, LOOP in network order: accept
  // both. AF_INET6 differs per OS (Linux 10, NetBSD/OpenBSD 24, FreeBSD 28, macOS 30).
  const std::uint32_t le = std::uint32_t{p[0]} | (std::uint32_t{p[1]} << 8) | (std::uint32_t{p[2]} << 16) |
                           (std::uint32_t{p[3]} << 24);
  const std::uint32_t be = be32(p);
  const auto is_v6 = [](std::uint32_t f) { return f == 10 || f == 24 || f == 28 || f == 30; };
  if (le == 2 || be == 2) return decode_ipv4(frame.subspan(4), out);
  if (is_v6(le) || is_v6(be)) return decode_ipv6(frame.subspan(4), out);
  return Parse::done;  // another address family: not IP
}

}  // namespace

Parse decode_packet(std::uint32_t linktype, Bytes frame, DecodedPacket& out) noexcept {
  out = DecodedPacket{};
  const std::uint8_t* p = frame.data();
  switch (linktype) {
    case linktype::en10mb:
      if (frame.size() < 14) return Parse::invalid;
      out.has_dst_mac = out.has_src_mac = true;
      std::memcpy(out.dst_mac.data(), p, 6);
      std::memcpy(out.src_mac.data(), p + 6, 6);
      return decode_ether_payload(be16(p + 12), frame, 14, out);
    case linktype::linux_sll:
      // packet type(2) ARPHRD type(2) address length(2) address(8) protocol(2)
      if (frame.size() < 16) return Parse::invalid;
      cooked_src_mac(be16(p + 2), be16(p + 4), p + 6, out);
      return decode_ether_payload(be16(p + 14), frame, 16, out);
    case linktype::linux_sll2:
      // protocol(2) reserved(2) ifindex(4) ARPHRD type(2) packet type(1) address length(1) address(8)
      if (frame.size() < 20) return Parse::invalid;
      cooked_src_mac(be16(p + 8), p[11], p + 12, out);
      return decode_ether_payload(be16(p), frame, 20, out);
    case linktype::raw:
    case linktype::raw_bsd:
    case linktype::raw_14:
      return decode_ip(frame, out);
    case linktype::ipv4:
      return decode_ipv4(frame, out);
    case linktype::ipv6:
      return decode_ipv6(frame, out);
    case linktype::null:
    case linktype::loop:
      return decode_null(frame, out);
    default:
      return Parse::invalid;
  }
}

}  // namespace trustscan
