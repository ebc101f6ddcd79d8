// libFuzzer harness for the SYN scan's reader of answers (scanner/engine/syn_reply.hpp): any frame
// the capture hands back, on each link type the scanner opens (Linux cooked v2 on "any", Ethernet,
// bare IPv4), under a fixed key whose cookies the seeds carry. Invariants: an answer names an IPv4
// device, and a TCP answer acknowledges exactly that device's cookie plus one.
#include "scanner/engine/syn_reply.hpp"

#include "probes/wire/packet.hpp"

#include <cstddef>
#include <cstdint>

using namespace trustscan;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const SynKey key{0x0123456789abcdefULL, 0xfedcba9876543210ULL};
  static const Address local = *Address::parse("198.18.0.2");
  constexpr std::uint16_t lport = 45123;
  for (const std::uint32_t link : {linktype::linux_sll2, linktype::en10mb, linktype::ipv4}) {
    const auto r = read_syn_reply(link, Bytes(data, size), key, local, lport);
    if (!r) continue;
    if (r->device.v6) __builtin_trap();
    if (r->answer == SynAnswer::unreachable && r->icmp_type != 3) __builtin_trap();
  }
  return 0;
}
