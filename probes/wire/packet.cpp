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
constexpr std::uint16_t kEtherMpls = 0x8847;
constexpr std::uint16_t kEtherMplsMulticast = 0x8848;
constexpr std::uint16_t kEtherPppoeSession = 0x8864;
constexpr std::uint16_t kEtherTeb = 0x6558;        // transparent Ethernet bridging (gretap, Geneve)
constexpr std::uint16_t kEtherPpp = 0x880b;        // PPP in GRE (PPTP)
constexpr std::uint16_t kEtherErspan2 = 0x88be;    // ERSPAN type I and II
constexpr std::uint16_t kEtherErspan3 = 0x22eb;
constexpr std::uint16_t kPppIpv4 = 0x0021;
constexpr std::uint16_t kPppIpv6 = 0x0057;
constexpr std::uint16_t kPppMpls = 0x0281;
constexpr std::uint16_t kPppMplsMulticast = 0x0283;
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

Parse decode_ipv4(Bytes in, DecodedPacket& out) noexcept;
Parse decode_ipv6(Bytes in, DecodedPacket& out) noexcept;
Parse decode_ethertype(std::uint16_t type, Bytes in, DecodedPacket& out) noexcept;
Parse decode_ethernet(Bytes in, DecodedPacket& out) noexcept;
Parse decode_gre(Bytes in, DecodedPacket& out) noexcept;
Parse decode_ppp_protocol(std::uint16_t proto, Bytes in, DecodedPacket& out) noexcept;
Parse decode_udp_tunnel(Bytes in, DecodedPacket& out) noexcept;

/// Starts decoding the packet inside an encapsulation of kind `e`: false when the frame is
/// already kMaxEncapsulations deep. Everything above the link layer is reset (the inner packet
/// fills it); `truncated` stays, a cut outer packet cuts the inner one. `routed`: the link
/// addresses belong to the routers of a routed tunnel, not to the inner addresses.
bool enter(Encap e, bool routed, DecodedPacket& out) noexcept {
  if (out.encap_count == kMaxEncapsulations) return false;
  out.encaps[out.encap_count++] = e;
  if (routed) out.has_src_mac = out.has_dst_mac = false;
  out.ip_version = 0;
  out.src = Address{};
  out.dst = Address{};
  out.ip_proto = 0;
  out.ttl = 0;
  out.fragment = out.later_fragment = false;
  out.has_ports = false;
  out.src_port = out.dst_port = 0;
  out.seq = out.ack = 0;
  out.tcp_flags = 0;
  out.window = 0;
  out.icmp_type = out.icmp_code = 0;
  out.payload = {};
  return true;
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
      if ((out.dst_port == kVxlanPort || out.dst_port == kGenevePort) && !out.fragment)
        return decode_udp_tunnel(out.payload, out);
      return Parse::done;
    }
    case ipproto::icmp:
    case ipproto::icmpv6:
      if (l4.size() < 4) return Parse::invalid;
      out.icmp_type = p[0];
      out.icmp_code = p[1];
      out.payload = l4.subspan(4);
      return Parse::done;
    case ipproto::ipip:
      if (out.fragment) break;
      if (!enter(Encap::ip_in_ip, true, out)) return Parse::invalid;
      return decode_ipv4(l4, out);
    case ipproto::ipv6:
      if (out.fragment) break;
      if (!enter(Encap::ip_in_ip, true, out)) return Parse::invalid;
      return decode_ipv6(l4, out);
    case ipproto::gre:
      if (out.fragment) break;
      return decode_gre(l4, out);
    default:
      break;
  }
  out.payload = l4;
  return Parse::done;
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

/// The packet after an EtherType `type` (Ethernet, cooked headers, GRE, Cisco HDLC, Geneve):
/// VLAN tags, then IPv4/IPv6, MPLS, PPPoE, or a non-IP frame.
Parse decode_ethertype(std::uint16_t type, Bytes in, DecodedPacket& out) noexcept {
  std::size_t off = 0;
  while (type == kEtherVlan || type == kEtherQinQ || type == kEtherQinQOld) {
    if (out.vlan_count == kMaxVlanTags || off + 4 > in.size()) return Parse::invalid;
    out.vlan_ids[out.vlan_count++] = be16(in.data() + off) & 0x0fff;
    type = be16(in.data() + off + 2);
    off += 4;
  }
  if (type < 0x0600) return Parse::done;  // 802.3 length field: LLC/SNAP, not IP
  out.ethertype = type;
  const Bytes rest = in.subspan(off);
  switch (type) {
    case kEtherIpv4: return decode_ipv4(rest, out);
    case kEtherIpv6: return decode_ipv6(rest, out);
    case kEtherMpls:
    case kEtherMplsMulticast: {
      if (!enter(Encap::mpls, true, out)) return Parse::invalid;
      // Label(20) TC(3) bottom-of-stack(1) TTL(8), until the bottom of the stack.
      std::size_t pos = 0;
      for (std::size_t n = 0;; ++n) {
        if (n == kMaxMplsLabels || pos + 4 > rest.size()) return Parse::invalid;
        const bool bottom = (rest[pos + 2] & 0x01) != 0;
        pos += 4;
        if (bottom) break;
      }
      if (pos == rest.size()) return Parse::done;
      switch (rest[pos] >> 4) {
        case 4: return decode_ipv4(rest.subspan(pos), out);
        case 6: return decode_ipv6(rest.subspan(pos), out);
        default: return Parse::done;  // pseudowire control word, Ethernet over MPLS: not IP
      }
    }
    case kEtherPppoeSession: {
      // ver/type 0x11, code 0, session id(2), length(2) of the PPP frame; then PPP protocol(2).
      if (rest.size() < 8 || rest[0] != 0x11 || rest[1] != 0) return Parse::invalid;
      if (!enter(Encap::pppoe, false, out)) return Parse::invalid;
      const std::size_t len = be16(rest.data() + 4);
      if (len < 2) return Parse::invalid;
      const std::size_t end = 6 + ip_end(len, rest.size() - 6, out);
      return decode_ppp_protocol(be16(rest.data() + 6), rest.subspan(8, end - 8), out);
    }
    default:
      return Parse::done;
  }
}

/// An Ethernet frame inside a tunnel: its MACs, tags and EtherType replace the outer ones.
Parse decode_ethernet(Bytes in, DecodedPacket& out) noexcept {
  if (in.size() < 14) return Parse::invalid;
  out.has_dst_mac = out.has_src_mac = true;
  std::memcpy(out.dst_mac.data(), in.data(), 6);
  std::memcpy(out.src_mac.data(), in.data() + 6, 6);
  out.vlan_count = 0;
  out.vlan_ids = {};
  out.ethertype = 0;
  return decode_ethertype(be16(in.data() + 12), in.subspan(14), out);
}

/// The packet after a PPP protocol field.
Parse decode_ppp_protocol(std::uint16_t proto, Bytes in, DecodedPacket& out) noexcept {
  switch (proto) {
    case kPppIpv4: return decode_ipv4(in, out);
    case kPppIpv6: return decode_ipv6(in, out);
    case kPppMpls: return decode_ethertype(kEtherMpls, in, out);
    case kPppMplsMulticast: return decode_ethertype(kEtherMplsMulticast, in, out);
    default: return Parse::done;  // LCP, IPCP, CHAP…: not IP
  }
}

/// A PPP frame with or without HDLC-like framing (ff 03), with a 2-byte protocol or a 1-byte
/// compressed one (an odd first byte, RFC 1661 section 6.5).
Parse decode_ppp(Bytes in, DecodedPacket& out) noexcept {
  std::size_t off = 0;
  if (in.size() >= 2 && in[0] == 0xff && in[1] == 0x03) off = 2;
  if (off >= in.size()) return Parse::invalid;
  if (in[off] & 0x01) return decode_ppp_protocol(in[off], in.subspan(off + 1), out);
  if (off + 2 > in.size()) return Parse::invalid;
  return decode_ppp_protocol(be16(in.data() + off), in.subspan(off + 2), out);
}

/// ERSPAN type II / III header after GRE (type I has none: Ethernet follows GRE directly).
Parse decode_erspan(std::uint16_t proto, bool has_seq, Bytes in, DecodedPacket& out) noexcept {
  if (!enter(Encap::erspan, false, out)) return Parse::invalid;
  if (proto == kEtherErspan2) {
    if (!has_seq) return decode_ethernet(in, out);  // type I
    // Ver(4)=1 VLAN(12) COS(3) En(2) T(1) Session(10) Reserved(12) Index(20)
    if (in.size() < 8 || (in[0] >> 4) != 1) return Parse::invalid;
    return decode_ethernet(in.subspan(8), out);
  }
  // Ver(4)=2 VLAN(12) COS(3) BSO(2) T(1) Session(10) | Timestamp(32) | SGT(16) P(1) FT(5)
  // HwID(6) D(1) Gra(2) O(1), then an 8-byte platform-specific subheader when O is set.
  if (in.size() < 12 || (in[0] >> 4) != 2) return Parse::invalid;
  const std::size_t len = 12 + ((in[11] & 0x01) ? 8 : 0);
  if (in.size() < len) return Parse::invalid;
  switch ((in[10] >> 2) & 0x1f) {
    case 0: return decode_ethernet(in.subspan(len), out);
    case 2:  // a mirrored IP packet: the outer MACs are the mirroring session's
      out.has_src_mac = out.has_dst_mac = false;
      return decode_ip(in.subspan(len), out);
    default: return Parse::done;  // reserved frame type
  }
}

/// GRE (RFC 2784 / 2890, PPTP's version 1) in the IP payload `in`. GRE that is not decoded
/// (routing present, another version, another protocol) stays an IP packet of protocol 47.
Parse decode_gre(Bytes in, DecodedPacket& out) noexcept {
  if (in.size() < 4) return Parse::invalid;
  const std::uint8_t flags = in[0];
  const std::uint8_t version = in[1] & 0x07;
  const std::uint16_t proto = be16(in.data() + 2);
  const bool checksum = (flags & 0x80) != 0, routing = (flags & 0x40) != 0, key = (flags & 0x20) != 0,
             seq = (flags & 0x10) != 0, ack = version == 1 && (in[1] & 0x80) != 0;
  const auto as_ip = [&] {
    out.payload = in;
    return Parse::done;
  };
  if (routing || version > 1) return as_ip();
  switch (proto) {
    case kEtherIpv4: case kEtherIpv6: case kEtherTeb: case kEtherPpp: case kEtherMpls: case kEtherMplsMulticast:
    case kEtherErspan2: case kEtherErspan3:
      break;
    default:
      return as_ip();
  }
  const std::size_t len = 4 + (checksum ? 4 : 0) + (key ? 4 : 0) + (seq ? 4 : 0) + (ack ? 4 : 0);
  if (in.size() < len) return Parse::invalid;
  const std::uint32_t key_value = key ? be32(in.data() + 4 + (checksum ? 4 : 0)) : 0;
  const bool teb = proto == kEtherTeb || proto == kEtherErspan2 || proto == kEtherErspan3;
  if (!enter(Encap::gre, !teb, out)) return Parse::invalid;
  out.tunnel_id = key_value;
  const Bytes inner = in.subspan(len);
  switch (proto) {
    case kEtherTeb: return decode_ethernet(inner, out);
    case kEtherPpp: return decode_ppp(inner, out);
    case kEtherErspan2: case kEtherErspan3: return decode_erspan(proto, seq, inner, out);
    default: return decode_ethertype(proto, inner, out);
  }
}

/// VXLAN (RFC 7348) or Geneve (RFC 8926) in a UDP payload, told by the destination port. A
/// payload that does not look like either (no VXLAN I flag, another Geneve version, too short
/// for the header) stays UDP.
Parse decode_udp_tunnel(Bytes in, DecodedPacket& out) noexcept {
  if (in.size() < 8) return Parse::done;
  const std::uint32_t vni = (std::uint32_t{in[4]} << 16) | (std::uint32_t{in[5]} << 8) | in[6];
  if (out.dst_port == kVxlanPort) {
    // flags(8, I = 0x08) reserved(24) VNI(24) reserved(8), then Ethernet.
    if ((in[0] & 0x08) == 0) return Parse::done;
    if (!enter(Encap::vxlan, false, out)) return Parse::invalid;
    out.tunnel_id = vni;
    return decode_ethernet(in.subspan(8), out);
  }
  // Ver(2)=0 OptLen(6, in 4-byte words) O(1) C(1) Rsvd(6) Protocol(16) VNI(24) Reserved(8) options.
  if ((in[0] >> 6) != 0) return Parse::done;
  const std::size_t len = 8 + std::size_t{in[0] & 0x3fu} * 4;
  const std::uint16_t proto = be16(in.data() + 2);
  if (!enter(Encap::geneve, proto != kEtherTeb, out)) return Parse::invalid;
  out.tunnel_id = vni;
  if (in.size() < len) return Parse::invalid;
  if (proto == kEtherTeb) return decode_ethernet(in.subspan(len), out);
  return decode_ethertype(proto, in.subspan(len), out);
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

const char* encap_name(Encap e) noexcept {
  switch (e) {
    case Encap::none: return "none";
    case Encap::mpls: return "mpls";
    case Encap::pppoe: return "pppoe";
    case Encap::gre: return "gre";
    case Encap::erspan: return "erspan";
    case Encap::vxlan: return "vxlan";
    case Encap::geneve: return "geneve";
    case Encap::ip_in_ip: return "ip-in-ip";
  }
  return "?";
}

namespace {

/// An 802.11 frame (IEEE 802.11-2020 section 9.2.3): an unprotected data frame's LLC/SNAP
/// payload by its EtherType; anything else is a non-IP frame.
Parse decode_80211(Bytes in, DecodedPacket& out) noexcept {
  if (in.size() < 10) return Parse::invalid;
  const std::uint8_t fc0 = in[0], fc1 = in[1];
  if ((fc0 & 0x03) != 0) return Parse::invalid;  // protocol version 0 only
  const unsigned type = (fc0 >> 2) & 0x03, subtype = fc0 >> 4;
  if (type != 2) return Parse::done;                 // management, control, extension
  if (in.size() < 24) return Parse::invalid;
  const bool to_ds = fc1 & 0x01, from_ds = fc1 & 0x02, is_protected = fc1 & 0x40, order = fc1 & 0x80;
  const bool qos = subtype & 0x08;
  std::size_t hdr = 24 + (to_ds && from_ds ? 6 : 0) + (qos ? 2 : 0) + (qos && order ? 4 : 0);
  if (in.size() < hdr) return Parse::invalid;
  const std::uint8_t* p = in.data();
  // Addresses by the DS bits (table 9-30): destination, then source.
  const std::uint8_t* da = to_ds ? p + 16 : p + 4;
  const std::uint8_t* sa = !from_ds ? p + 10 : (to_ds ? p + 24 : p + 16);
  out.has_dst_mac = out.has_src_mac = true;
  std::memcpy(out.dst_mac.data(), da, 6);
  std::memcpy(out.src_mac.data(), sa, 6);
  if ((subtype & 0x04) != 0 || is_protected) return Parse::done;  // no data, or encrypted
  const Bytes body = in.subspan(hdr);
  // LLC/SNAP (RFC 1042; 802.1H's bridge tunnel OUI 0000F8 for AppleTalk/IPX-era EtherTypes)
  if (body.size() < 8 || body[0] != 0xaa || body[1] != 0xaa || body[2] != 0x03 || body[3] != 0 || body[4] != 0 ||
      (body[5] != 0 && body[5] != 0xf8))
    return Parse::done;
  return decode_ethertype(be16(body.data() + 6), body.subspan(8), out);
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
      return decode_ethertype(be16(p + 12), frame.subspan(14), out);
    case linktype::linux_sll:
      // packet type(2) ARPHRD type(2) address length(2) address(8) protocol(2)
      if (frame.size() < 16) return Parse::invalid;
      cooked_src_mac(be16(p + 2), be16(p + 4), p + 6, out);
      return decode_ethertype(be16(p + 14), frame.subspan(16), out);
    case linktype::linux_sll2:
      // protocol(2) reserved(2) ifindex(4) ARPHRD type(2) packet type(1) address length(1) address(8)
      if (frame.size() < 20) return Parse::invalid;
      cooked_src_mac(be16(p + 8), p[11], p + 12, out);
      return decode_ethertype(be16(p), frame.subspan(20), out);
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
    case linktype::c_hdlc:
      // address (0x0f unicast, 0x8f broadcast), control 0, EtherType
      if (frame.size() < 4) return Parse::invalid;
      return decode_ethertype(be16(p + 2), frame.subspan(4), out);
    case linktype::ppp:
    case linktype::ppp_hdlc:
      return decode_ppp(frame, out);
    case linktype::ppp_ether:
      return decode_ethertype(kEtherPppoeSession, frame, out);
    case linktype::ieee802_11:
      return decode_80211(frame, out);
    case linktype::ieee802_11_radiotap: {
      // version 0, pad, length (little-endian, the whole radiotap header), present bitmaps…
      if (frame.size() < 8 || p[0] != 0) return Parse::invalid;
      const std::size_t len = p[2] | (std::size_t{p[3]} << 8);
      if (len < 8 || len > frame.size()) return Parse::invalid;
      return decode_80211(frame.subspan(len), out);
    }
    default:
      return Parse::invalid;
  }
}

}  // namespace trustscan
