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
//   9, 50   PPP            PPP with or without HDLC-like framing (ff 03), 1- or 2-byte protocol
//   51      PPP_ETHER      PPPoE session header without Ethernet
//   12, 14, 101  RAW       bare IPv4 or IPv6, told apart by the version nibble
//   104     C_HDLC         Cisco HDLC (address, control, EtherType)
//   113     LINUX_SLL      Linux cooked v1 (`tcpdump -i any` before libpcap 1.10)
//   228, 229 IPV4 / IPV6   bare IPv4 / IPv6
//   276     LINUX_SLL2     Linux cooked v2 (`tcpdump -i any` with libpcap >= 1.10)
//   105     IEEE802_11     802.11 frames (IEEE 802.11-2020 section 9.2): data frames that are not
//                          protected (an open network, or a capture decrypted by Wireshark and
//                          exported), after their QoS and HT control fields, with an LLC/SNAP
//                          header (AA AA 03, OUI 000000 or 0000F8) carrying the EtherType; the
//                          source address is the sender's by the ToDS/FromDS bits. Management,
//                          control, null-data and protected frames are non-IP frames (done).
//   127     RADIOTAP       802.11 after a radiotap header (its own length field, little-endian)
//
// Encapsulations are taken off, so the fields describe the innermost packet: the flow the checks
// see is the inner one and the device is the inner address. At most kMaxEncapsulations layers
// (more is `invalid`); each is recorded in `encaps`, outermost first:
//   MPLS     EtherType 0x8847/0x8848 (also in GRE, PPP, Cisco HDLC): label stack of at most
//            kMaxMplsLabels entries; after the bottom of the stack the first nibble says IPv4 (4)
//            or IPv6 (6); anything else (pseudowire control word, Ethernet) is a non-IP frame
//   PPPoE    session stage, EtherType 0x8864: PPPoE header, PPP protocol 0x0021 IPv4, 0x0057
//            IPv6, 0x0281/0x0283 MPLS (discovery 0x8863 is a non-IP frame)
//   GRE      IP protocol 47, RFC 2784/2890 (checksum, key, sequence number) and the PPTP
//            version 1 (key, sequence, acknowledgement); protocol 0x0800 / 0x86dd IP, 0x6558
//            transparent Ethernet bridging, 0x880b PPP, MPLS, 0x88be ERSPAN type I/II,
//            0x22eb ERSPAN type III. GRE with routing (RFC 1701), another version or another
//            protocol is left as it is: an IP packet of protocol 47.
//   ERSPAN   type I (0x88be without a sequence number: Ethernet right after GRE), type II
//            (8-byte header, version 1), type III (12-byte header, version 2, the optional
//            8-byte platform subheader; frame type Ethernet or IP)
//   VXLAN    UDP destination port 4789 with the I flag: Ethernet
//   Geneve   UDP destination port 6081, version 0: options skipped, protocol Ethernet or IP
//   IP-in-IP IP protocol 4 (IPv4) and 41 (IPv6), over IPv4 or IPv6
// A fragment of a tunnel packet is not decapsulated (the inner headers are not all there): it is
// decoded as the outer packet. Link-layer addresses follow the inner packet: an inner Ethernet
// frame (gretap, VXLAN, Geneve, ERSPAN) replaces the MACs, VLAN tags and EtherType; a routed
// tunnel (GRE/IP, IP-in-IP, MPLS) clears the MACs, which belong to the routers, not to the inner
// addresses; PPPoE keeps them (the PPPoE client is the host of the inner address).
//
// Results:
//   done     the frame was understood. `ip_version` is 0 for non-IP frames (ARP, LLC, …); for IP
//            the addresses, protocol and, when present, transport header are filled.
//   invalid  unknown link type, or a header (link, encapsulation, IP, TCP, UDP, ICMP) that is cut
//            short or inconsistent (IPv4 IHL < 5, total length < IHL, TCP data offset < 5, UDP
//            length < 8, more than kMaxVlanTags tags in one Ethernet header, kMaxIpv6ExtHeaders
//            IPv6 extension headers, kMaxMplsLabels labels or kMaxEncapsulations layers).
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
inline constexpr std::uint32_t ppp = 9;
inline constexpr std::uint32_t ppp_hdlc = 50;  ///< LINKTYPE_PPP_HDLC (PPP in HDLC-like framing)
inline constexpr std::uint32_t ppp_ether = 51; ///< PPPoE session header, no Ethernet
inline constexpr std::uint32_t raw_bsd = 12;   ///< DLT_RAW on most BSDs
inline constexpr std::uint32_t raw_14 = 14;    ///< DLT_RAW on OpenBSD
inline constexpr std::uint32_t raw = 101;      ///< LINKTYPE_RAW
inline constexpr std::uint32_t c_hdlc = 104;   ///< Cisco HDLC
inline constexpr std::uint32_t loop = 108;
inline constexpr std::uint32_t linux_sll = 113;
inline constexpr std::uint32_t ipv4 = 228;
inline constexpr std::uint32_t ipv6 = 229;
inline constexpr std::uint32_t linux_sll2 = 276;
inline constexpr std::uint32_t ieee802_11 = 105;
inline constexpr std::uint32_t ieee802_11_radiotap = 127;
}  // namespace linktype

/// IP protocol numbers the decoder interprets.
namespace ipproto {
inline constexpr std::uint8_t icmp = 1;
inline constexpr std::uint8_t ipip = 4;    ///< IPv4 in IP
inline constexpr std::uint8_t tcp = 6;
inline constexpr std::uint8_t udp = 17;
inline constexpr std::uint8_t ipv6 = 41;   ///< IPv6 in IP
inline constexpr std::uint8_t gre = 47;
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
/// At most this many encapsulations are taken off one frame (GRE and the ERSPAN header in it
/// count as two); a deeper frame is `invalid`.
inline constexpr std::size_t kMaxEncapsulations = 6;
/// At most this many MPLS labels in one stack; more is `invalid`.
inline constexpr std::size_t kMaxMplsLabels = 8;
/// UDP destination ports of the UDP tunnels.
inline constexpr std::uint16_t kVxlanPort = 4789;
inline constexpr std::uint16_t kGenevePort = 6081;
/// At most this many IPv6 extension headers are skipped before `invalid` (a bounded walk).
inline constexpr std::size_t kMaxIpv6ExtHeaders = 8;

using MacAddress = std::array<std::uint8_t, 6>;

/// An encapsulation `decode_packet` took off (see the file comment).
enum class Encap : std::uint8_t { none, mpls, pppoe, gre, erspan, vxlan, geneve, ip_in_ip };

/// Name of an encapsulation ("gre", "vxlan", …) for logs and tests.
const char* encap_name(Encap e) noexcept;

/// One decoded frame. Every span points into the frame given to `decode_packet`, so it is valid
/// only as long as that frame's buffer. `decode_packet` resets every field first.
struct DecodedPacket {
  // ---- link layer ----
  bool has_src_mac = false;  ///< Ethernet and 802.11, and SLL/SLL2 when the sender address is 6 bytes
  bool has_dst_mac = false;  ///< Ethernet and 802.11 (cooked captures do not record the destination)
  MacAddress src_mac{};
  MacAddress dst_mac{};
  std::uint16_t ethertype = 0;   ///< after VLAN tags; 0 for 802.3 frames and IP-only link types
  std::uint8_t vlan_count = 0;   ///< tags seen, outermost first in `vlan_ids`
  std::array<std::uint16_t, kMaxVlanTags> vlan_ids{};  ///< 12-bit VLAN ids
  std::uint8_t encap_count = 0;  ///< encapsulations taken off, outermost first in `encaps`
  std::array<Encap, kMaxEncapsulations> encaps{};
  std::uint32_t tunnel_id = 0;   ///< innermost VXLAN/Geneve VNI or GRE key, 0 when none

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
