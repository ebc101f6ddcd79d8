// libFuzzer harness: ARP replies, neighbour advertisements and ICMPv6 echo replies as host
// discovery reads them from a device (probes/neighbor/neighbor.cpp).
#include "probes/neighbor/neighbor.hpp"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace trustscan;
  const Bytes b(data, size);
  ArpReply arp;
  if (parse_arp_reply(b, arp) == Parse::done && size < 28) __builtin_trap();
  NeighborAdvertisement na;
  if (parse_neighbor_advertisement(b, na) == Parse::done) {
    if (size < 24) __builtin_trap();
    (void)format_mac(na.mac);
  }
  std::uint16_t id = 0, seq = 0;
  (void)parse_icmpv6_echo_reply(b, id, seq);
  return 0;
}
