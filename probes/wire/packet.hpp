// trustscan — link, network and transport headers of one captured frame (`trustscan replay`).
//
// `decode_packet` is the per-packet hot path of replay: it runs millions of times a second, so it
// is pure, noexcept, never allocates, and `DecodedPacket` only points into the caller's frame.
// It decodes exactly one frame; reassembly of TCP streams is probes/wire/flow.hpp's job.
//
// Link types (pcap LINKTYPE_* = DLT_* numbers as they appear in pcap / pcapng headers):
//   0, 108  NULL / LOOP    4-byte address family (host order for NULL, network order for LOOP;
//                          both orders are accepted: AF_INET 2, AF_INET6 10/24/28/30)
//   1       EN10MB         Ethernet II, 802.1Q (0x8100) / 802.1ad (0x88a8) / 0x9100 tags, at
//                          most kMaxVlanTags; an 802.3 length field (< 0x0600) is a non-IP frame
//   12, 14, 101  RAW       bare IPv4 or IPv6, told apart by the version nibble
//   113     LINUX_SLL      Linux cooked v1 (`tcpdump -i any` before libpcap 1.10)
//   228, 229 IPV4 / IPV6   bare IPv4 / IPv6
//   276     LINUX_SLL2     Linux cooked v2 (`tcpdump -i any` with libpcap >= 1.10)
//
// Results:
//   done     the frame was understood. `ip_version` is 0 for non-IP frames (ARP, LLC, …); for IP
//            the addresses, protocol and, when present, transport header are filled.
//   invalid  unknown link type, or a header (link, IP, TCP, UDP, ICMP) that is cut short or
//            inconsistent (IPv4 IHL < 5, total length < IHL, TCP data offset < 5, UDP length < 8,
//            more than kMaxVlanTags tags or kMaxIpv6ExtHeaders IPv6 extension headers).
//   never need_more: a captured frame cannot grow.
// A payload shorter than the IP / UDP length says (snaplen) is `done` with `truncated` set and
// `payload` holding the captured bytes; Ethernet padding beyond the IP length is cut off.
//
// Fragments: the first fragment of a datagram (offset 0, more-fragments set) is decoded like a
// whole one with `fragment` set; a later fragment (offset > 0) gets `fragment` and
// `later_fragment`, ports stay 0 and `payload` is the raw fragment data, not to be interpreted.
#pragma once

#include "trustscan/address.hpp"
#include "trustscan/parse.hpp"

#include <array>
#include <cstddef>
#include <cstdint>

namespace trustscan {

/// pcap link-layer header types understood by `decode_packet`.
namespace linktype {
inline constexpr std::uint32_t null = 0;
inline constexpr std::uint32_t en10mb = 1;
inline constexpr std::uint32_t raw_bsd = 12;   ///< DLT_RAW on most BSDs
inline constexpr std::uint32_t raw_14 = 14;    ///< DLT_RAW on OpenBSD
inline constexpr std::uint32_t raw = 101;      ///< LINKTYPE_RAW
inline constexpr std::uint32_t loop = 108;
inline constexpr std::uint32_t linux_sll = 113;
inline constexpr std::uint32_t ipv4 = 228;
inline constexpr std::uint32_t ipv6 = 229;
inline constexpr std::uint32_t linux_sll2 = 276;
}  // namespace linktype

/// IP protocol numbers the decoder interprets.
namespace ipproto {
inline constexpr std::uint8_t icmp = 1;
inline constexpr std::uint8_t tcp = 6;
inline constexpr std::uint8_t udp = 17;
inline constexpr std::uint8_t icmpv6 = 58;
}  // namespace ipproto

/// TCP header flag bits (`DecodedPacket::tcp_flags`).
namespace tcpflag {
inline constexpr std::uint8_t fin = 0x01;
inline constexpr std::uint8_t syn = 0x02;
inline constexpr std::uint8_t rst = 0x04;
inline constexpr std::uint8_t psh = 0x08;
inline constexpr std::uint8_t ack = 0x10;
inline constexpr std::uint8_t urg = 0x20;
}  // namespace tcpflag

/// At most this many stacked VLAN tags (802.1ad outer + 802.1Q inner); more is `invalid`.
inline constexpr std::size_t kMaxVlanTags = 2;
/// At most this many IPv6 extension headers are skipped before `invalid` (a bounded walk).
inline constexpr std::size_t kMaxIpv6ExtHeaders = 8;

using MacAddress = std::array<std::uint8_t, 6>;

/// One decoded frame. Every span points into the frame given to `decode_packet`, so it is valid
/// only as long as that frame's buffer. `decode_packet` resets every field first.
struct DecodedPacket {
  // ---- link layer ----
  bool has_src_mac = false;  ///< Ethernet, and SLL/SLL2 when the sender address is 6 bytes
  bool has_dst_mac = false;  ///< Ethernet only (cooked captures do not record the destination)
  MacAddress src_mac{};
  MacAddress dst_mac{};
  std::uint16_t ethertype = 0;   ///< after VLAN tags; 0 for 802.3 frames and IP-only link types
  std::uint8_t vlan_count = 0;   ///< tags seen, outermost first in `vlan_ids`
  std::array<std::uint16_t, kMaxVlanTags> vlan_ids{};  ///< 12-bit VLAN ids

  // ---- network layer ----
  std::uint8_t ip_version = 0;   ///< 4, 6, or 0 for a non-IP frame
  Address src;                   ///< valid when ip_version != 0
  Address dst;
  std::uint8_t ip_proto = 0;     ///< upper protocol (after IPv6 extension headers)
  std::uint8_t ttl = 0;          ///< IPv4 TTL or IPv6 hop limit
  bool fragment = false;         ///< part of a fragmented datagram (IPv4 MF/offset, IPv6 frag hdr)
  bool later_fragment = false;   ///< fragment offset > 0: no transport header, payload not parsed
  bool truncated = false;        ///< fewer bytes captured than the IP/UDP length says (snaplen)

  // ---- transport layer ----
  bool has_ports = false;        ///< TCP or UDP header decoded
  std::uint16_t src_port = 0;
  std::uint16_t dst_port = 0;
  std::uint32_t seq = 0;         ///< TCP only
  std::uint32_t ack = 0;
  std::uint8_t tcp_flags = 0;    ///< `tcpflag` bits (CWR/ECE kept in the top two bits)
  std::uint16_t window = 0;
  std::uint8_t icmp_type = 0;    ///< ICMP / ICMPv6 only
  std::uint8_t icmp_code = 0;

  /// TCP/UDP payload, ICMP message body after type/code/checksum, the raw IP payload of other
  /// protocols and of later fragments; empty for non-IP frames.
  Bytes payload;
};

/// Decodes one captured frame of link type `linktype` into `out` (see the file comment for the
/// link types, results and fragment handling). Never allocates; `out` points into `frame`.
Parse decode_packet(std::uint32_t linktype, Bytes frame, DecodedPacket& out) noexcept;

}  // namespace trustscan
