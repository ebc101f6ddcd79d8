// trustscan — ICMPv4 echo for host discovery: the request trustscan sends, and the reader of
// what a raw ICMP socket hands back (an IPv4 header, then the ICMP message). Pure and bounded.
#pragma once

#include "trustscan/parse.hpp"

#include <cstdint>
#include <vector>

namespace trustscan {

/// An ICMP echo request (type 8) with `id`, `seq` and a 16-byte payload, checksum filled in.
std::vector<std::uint8_t> icmp_echo_request(std::uint16_t id, std::uint16_t seq);

/// RFC 1071 Internet checksum of `b`.
std::uint16_t internet_checksum(Bytes b) noexcept;

struct IcmpEchoReply {
  std::uint32_t source = 0;  ///< IPv4 source address, host order
  std::uint16_t id = 0;
  std::uint16_t seq = 0;
};

/// Reads one datagram of a raw IPv4 ICMP socket: `done` for an echo reply (type 0, code 0) with
/// a valid IPv4 header, `not_detected`-style `invalid` for anything else (other ICMP types, a
/// truncated or malformed header). Never `need_more`: a datagram is whole.
Parse parse_icmp_echo_reply(Bytes datagram, IcmpEchoReply& out) noexcept;

}  // namespace trustscan
