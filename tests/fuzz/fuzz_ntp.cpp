// libFuzzer harness for the NTP datagram parsers (probes/ntp/ntp.hpp): modes 3/4, 6 and 7 all see
// every input; a datagram parser never answers need_more, and every cap holds.
#include "probes/ntp/ntp.hpp"

#include <cstddef>
#include <cstdint>

using namespace trustscan;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const Bytes in(data, size);
  NtpPacket p;
  const Parse a = parse_ntp_response(in, p);
  if (a == Parse::need_more) __builtin_trap();
  if (a == Parse::done) (void)ntp_observations(p, Endpoint{});

  NtpControlResponse c;
  const Parse b = parse_ntp_mode6(in, c);
  if (b == Parse::need_more || c.variables.size() > kNtpMaxVariables) __builtin_trap();
  for (const auto& [n, v] : c.variables)
    if (n.size() > kNtpMaxVarName || v.size() > kNtpMaxVarValue) __builtin_trap();
  if (b == Parse::done) (void)ntp_observations(c, Endpoint{});

  NtpMode7Response m;
  const Parse d = parse_ntp_mode7(in, m);
  if (d == Parse::need_more) __builtin_trap();
  if (d == Parse::done) {
    if (static_cast<std::size_t>(m.item_count) * static_cast<std::size_t>(m.item_size) > size) __builtin_trap();
    (void)ntp_observations(m, Endpoint{});
  }
  return 0;
}
