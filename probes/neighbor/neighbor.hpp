// trustscan — link-layer neighbour discovery for host discovery: ARP (RFC 826) for IPv4 and
// Neighbor Discovery (RFC 4861) for IPv6, the messages trustscan sends and the readers of the
// answers. A device on the scanner's own segment answers these even when it filters every IP
// packet (its firewall sees IP, the neighbour protocols sit below it), so a firewalled device on
// the segment is found up. Pure and bounded: the discovery code (scanner/engine/discovery.cpp)
// owns the sockets.
#pragma once

#include "probes/identify/oui.hpp"
#include "trustscan/parse.hpp"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace trustscan {

using Ipv6Bytes = std::array<std::uint8_t, 16>;

// ---- ARP (the payload of an Ethernet frame of type 0x0806, as an AF_PACKET SOCK_DGRAM socket
// ---- sends and receives it: no Ethernet header) ----

/// An ARP request "who has `target`, tell `sender_ip` at `sender_mac`" (28 bytes; addresses in
/// host order).
std::vector<std::uint8_t> arp_request(const Mac& sender_mac, std::uint32_t sender_ip, std::uint32_t target);

struct ArpReply {
  Mac sender_mac{};
  std::uint32_t sender_ip = 0;  ///< host order
  std::uint32_t target_ip = 0;  ///< host order
};

/// Reads an ARP message: `done` for an Ethernet/IPv4 ARP reply (operation 2), `invalid` for
/// anything else (requests, other hardware or protocol types, short messages). Whole messages
/// only: never `need_more`.
Parse parse_arp_reply(Bytes message, ArpReply& out) noexcept;

// ---- ICMPv6 (the message as a raw IPPROTO_ICMPV6 socket sends and receives it: no IPv6
// ---- header; the kernel fills in the checksum of what it sends) ----

/// The solicited-node multicast address of `target` (ff02::1:ffXX:XXXX, RFC 4291 §2.7.1).
Ipv6Bytes solicited_node_multicast(const Ipv6Bytes& target) noexcept;

/// A Neighbor Solicitation for `target`, with our link-layer address as its Source Link-Layer
/// Address option (type 135; checksum zero: the kernel computes it).
std::vector<std::uint8_t> ndp_neighbor_solicitation(const Ipv6Bytes& target, const Mac& our_mac);

struct NeighborAdvertisement {
  Ipv6Bytes target{};
  bool has_mac = false;
  Mac mac{};  ///< the Target Link-Layer Address option, when present
  bool router = false;
  bool solicited = false;
};

/// Reads an ICMPv6 message: `done` for a Neighbor Advertisement (type 136, code 0) of at least
/// 24 bytes with well-formed options, `invalid` otherwise.
Parse parse_neighbor_advertisement(Bytes message, NeighborAdvertisement& out) noexcept;

/// An ICMPv6 echo request (type 128) with `id`, `seq` and a 16-byte payload (checksum zero).
std::vector<std::uint8_t> icmpv6_echo_request(std::uint16_t id, std::uint16_t seq);

/// Reads an ICMPv6 message: `done` for an echo reply (type 129, code 0), with its id and seq.
Parse parse_icmpv6_echo_reply(Bytes message, std::uint16_t& id, std::uint16_t& seq) noexcept;

}  // namespace trustscan
