// libFuzzer harness for the DHCPv4 parser (capture replay, UDP 67/68).
#include "probes/dhcp/dhcp.hpp"

#include <cstdint>

using namespace trustscan;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  DhcpMessage m;
  if (parse_dhcp(Bytes(data, size), m) != Parse::done) return 0;
  if (m.dns_servers.size() > kDhcpMaxList || m.ntp_servers.size() > kDhcpMaxList) __builtin_trap();
  if (m.host_name.size() > kDhcpMaxOptionData || m.chaddr.size() > 16) __builtin_trap();
  (void)dhcp_observations(m, Endpoint{});
  return 0;
}
