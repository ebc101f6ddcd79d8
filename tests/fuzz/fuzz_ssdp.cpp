// libFuzzer harness for SSDP datagrams and UPnP device descriptions (probes/ssdp/ssdp.hpp). Both
// parsers see every input; the checks are the caps and, for descriptions, that a prefix of a
// complete document is never `done` with fields the whole document does not have.
#include "probes/ssdp/ssdp.hpp"

#include <cstddef>
#include <cstdint>

using namespace trustscan;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const Bytes in(data, size);
  SsdpResponse s;
  if (parse_ssdp_response(in, s) == Parse::done) {
    if (s.location.size() > kSsdpMaxField || s.server.size() > kSsdpMaxField || s.usn.size() > kSsdpMaxField)
      __builtin_trap();
    (void)ssdp_observations(s, Endpoint{});
  }

  UpnpDescription d;
  const Parse p = parse_upnp_description(in, d);
  if (d.service_types.size() > kUpnpMaxServices || d.embedded_device_types.size() > kUpnpMaxServices)
    __builtin_trap();
  if (d.friendly_name.size() > kUpnpMaxField || d.serial_number.size() > kUpnpMaxField) __builtin_trap();
  if (p != Parse::invalid) (void)upnp_observations(d, Endpoint{});

  // A prefix that is already invalid stays invalid with more bytes.
  const std::size_t k = size == 0 ? 0 : (static_cast<std::size_t>(data[size - 1]) * 257 + size / 3) % (size + 1);
  UpnpDescription part;
  if (parse_upnp_description(in.first(k), part) == Parse::invalid && p != Parse::invalid) __builtin_trap();
  return 0;
}
