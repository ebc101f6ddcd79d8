// libFuzzer harness for the MQTT CONNECT parser (capture replay, client stream).
#include "probes/mqtt/mqtt_connect.hpp"

#include <cstdint>

using namespace trustscan;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  MqttConnect c;
  std::size_t used = 0;
  if (parse_mqtt_connect(Bytes(data, size), c, used) != Parse::done) return 0;
  if (used > size || c.client_id.size() > kMqttMaxString || c.raw.size() > Evidence::kMaxExcerpt) __builtin_trap();
  (void)mqtt_connect_observations(c, Endpoint{});
  return 0;
}
