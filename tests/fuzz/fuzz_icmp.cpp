// libFuzzer harness for the host-discovery ICMP reader (probes/icmp/icmp.hpp): any datagram a
// raw socket hands back; a datagram reader never answers need_more.
#include "probes/icmp/icmp.hpp"

#include <cstddef>
#include <cstdint>

using namespace trustscan;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  IcmpEchoReply r;
  const Parse p = parse_icmp_echo_reply(Bytes(data, size), r);
  if (p == Parse::need_more) __builtin_trap();
  if (p == Parse::done && size < 28) __builtin_trap();
  (void)internet_checksum(Bytes(data, size));
  return 0;
}
