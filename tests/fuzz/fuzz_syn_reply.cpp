// libFuzzer harness for the SYN scan's reader of answers (scanner/engine/syn_reply.hpp): any frame
// the capture hands back, on each link type the scanner opens (Linux cooked v2 on "any", Ethernet,
// bare IPv4 / IPv6), under a fixed key whose cookies the seeds carry, for an IPv4 and an IPv6 local
// address. Invariants: an answer names a device of the local address's IP version, and an ICMP
// answer is a destination unreachable of that version (type 3, or ICMPv6 type 1).
#include "scanner/engine/syn_reply.hpp"

#include "probes/wire/packet.hpp"

#include <cstddef>
#include <cstdint>

using namespace trustscan;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const SynKey key{0x0123456789abcdefULL, 0xfedcba9876543210ULL};
  static const Address local4 = *Address::parse("198.18.0.2");
  static const Address local6 = *Address::parse("fd00:7473:6c::2");
  constexpr std::uint16_t lport = 45123;
  for (const Address* local : {&local4, &local6})
    for (const std::uint32_t link : {linktype::linux_sll2, linktype::en10mb, linktype::ipv4, linktype::ipv6}) {
      const auto r = read_syn_reply(link, Bytes(data, size), key, *local, lport);
      if (!r) continue;
      if (r->device.v6 != local->v6) __builtin_trap();
      if (r->answer == SynAnswer::unreachable && r->icmp_type != (local->v6 ? 1 : 3)) __builtin_trap();
    }
  return 0;
}
