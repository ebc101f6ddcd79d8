// libFuzzer harness for the MQTT parsers (probes/mqtt/mqtt.hpp). Every input goes to the framer and
// to the CONNACK/SUBACK/PUBLISH parsers at both protocol levels, and is also consumed as a stream
// the way the probe does. Checked: caps, and the stream contract (a done packet of n bytes is done
// with the same n on exactly its own bytes, and need_more on every shorter prefix tried).
#include "probes/mqtt/mqtt.hpp"

#include <cstddef>
#include <cstdint>

using namespace trustscan;

namespace {

// A framed packet must not depend on what follows it, and its proper prefixes must wait.
void check_prefix_stable(Bytes in, std::size_t n) {
  MqttPacket p;
  std::size_t m = 0;
  if (parse_mqtt_packet(in.first(n), p, m) != Parse::done || m != n) __builtin_trap();
  if (parse_mqtt_packet(in.first(n - 1), p, m) != Parse::need_more) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const Bytes in(data, size);
  for (const std::uint8_t level : {kMqttLevel311, kMqttLevel5}) {
    std::size_t n = 0;
    MqttConnack c;
    if (parse_mqtt_connack(in, c, n, level) == Parse::done) {
      if (n > size || c.reason_string.size() > 4 * kMqttMaxString ||
          c.raw.size() > Evidence::kMaxExcerpt)
        __builtin_trap();
      check_prefix_stable(in, n);
      (void)mqtt_observations(c, Endpoint{}, level == kMqttLevel5);
    }
    MqttSuback s;
    if (parse_mqtt_suback(in, s, n, level) == Parse::done) {
      if (n > size || s.codes.empty() || s.codes.size() > kMqttMaxSubackCodes) __builtin_trap();
    }
    MqttPublish m;
    if (parse_mqtt_publish(in, m, n, level) == Parse::done) {
      if (n > size || m.topic.size() > 4 * kMqttMaxString || m.payload_size > n) __builtin_trap();
    }
  }
  // As a stream: frame packets one after the other until need_more or invalid.
  Bytes rest = in;
  std::vector<std::string> topics;
  for (;;) {
    MqttPacket p;
    std::size_t n = 0;
    if (parse_mqtt_packet(rest, p, n) != Parse::done) break;
    if (n < 2 || n > rest.size() || p.remaining_length > kMqttMaxRemainingLength ||
        n != p.header_length + p.remaining_length)
      __builtin_trap();
    check_prefix_stable(rest, n);
    MqttPublish m;
    std::size_t n2 = 0;
    if (p.type == MqttPacketType::publish && parse_mqtt_publish(rest, m, n2) == Parse::done) {
      if (n2 != n) __builtin_trap();
      add_mqtt_topic(topics, m.topic);
    }
    rest = rest.subspan(n);
  }
  if (topics.size() > kMqttMaxTopicsSeen) __builtin_trap();
  return 0;
}
