// trustscan — the stateless half of the SYN scan (`--syn`, docs/engine.md "SYN scan"): the keyed
// cookie every probe carries as its initial sequence number, and the reading of one captured
// frame as the answer to one of our probes.
//
// Stateless validation (as masscan and ZMap do): a probe from local:lport to device:port carries
// ISN = low 32 bits of SipHash-2-4(key, local | lport | device | port). A SYN-ACK or RST answers
// it only when its acknowledgement number is ISN + 1; an ICMP error answers it only when the
// IPv4 + TCP header it quotes carries our addresses, ports and ISN. So a forged, stale or stray
// segment (another scan, our own SYN seen on loopback, a reply to an earlier run) is never read
// as an answer, and nothing per probe has to be kept to recognise one. IPv6 the same way: the
// ICMPv6 destination unreachable (type 1) quotes the IPv6 header and TCP header of the probe.
//
// Pure and bounded (no Asio, no allocation): fuzzed by tests/fuzz/fuzz_syn_reply.cpp.
#pragma once

#include "trustscan/address.hpp"
#include "trustscan/parse.hpp"

#include <cstdint>
#include <optional>

namespace trustscan {

/// The 128-bit key of one scan, random per run.
struct SynKey {
  std::uint64_t k0 = 0;
  std::uint64_t k1 = 0;
};

/// SipHash-2-4 (Aumasson and Bernstein, 2012) of `data` under `key`.
std::uint64_t siphash24(const SynKey& key, Bytes data) noexcept;

/// The initial sequence number of the probe from local:lport to device:port.
std::uint32_t syn_cookie(const SynKey& key, const Address& local, std::uint16_t lport, const Address& device,
                         std::uint16_t port) noexcept;

enum class SynAnswer : std::uint8_t {
  syn_ack,      ///< the port is open
  rst,          ///< the port is closed
  unreachable,  ///< ICMP destination unreachable quoting the probe: filtered on the way
};

struct SynReply {
  SynAnswer answer = SynAnswer::rst;
  Address device;              ///< the probed address (for ICMP: from the quoted header)
  std::uint16_t port = 0;      ///< the probed port
  std::uint8_t icmp_type = 0;  ///< for `unreachable`: 3 (ICMP), 1 (ICMPv6)
  std::uint8_t icmp_code = 0;  ///< for `unreachable`: 0-15 (RFC 792, RFC 1812), 0-6 (RFC 4443)
  Address icmp_from;           ///< for `unreachable`: who sent it (the device or a router)
};

/// Reads one frame captured on link type `linktype` (probes/wire/packet.hpp) as the answer to a
/// probe sent from local:lport under `key`: nullopt for anything that is not one (other traffic,
/// our own SYNs, a segment whose acknowledgement does not match the cookie, an ICMP error that
/// quotes something else, a frame of the other IP version than `local`).
std::optional<SynReply> read_syn_reply(std::uint32_t linktype, Bytes frame, const SynKey& key, const Address& local,
                                       std::uint16_t lport) noexcept;

}  // namespace trustscan
