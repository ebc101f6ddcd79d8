// trustscan — MQTT CONNECT parser.
#include "probes/mqtt/mqtt_connect.hpp"

#include "trustscan/byte_reader.hpp"
#include "probes/mqtt/mqtt_keys.hpp"

#include <algorithm>

namespace trustscan {

namespace {

struct ConnectReader : ByteReader {
  // A 2-byte-length string or binary field, cut at kMqttMaxString when kept.
  std::string field() {
    const Bytes f = take(u(2));
    return std::string(as_text(f.first(std::min(f.size(), kMqttMaxString))));
  }
  // MQTT 5 properties: a variable byte integer length, then skipped.
  void skip_properties() {
    std::size_t len = 0;
    for (int shift = 0, i = 0;; ++i, shift += 7) {
      const auto byte = u(1);
      if (!ok || i == 4) {
        ok = false;
        return;
      }
      len |= static_cast<std::size_t>(byte & 0x7f) << shift;
      if ((byte & 0x80) == 0) break;
    }
    skip(len);
  }
};

}  // namespace

Parse parse_mqtt_connect(Bytes in, MqttConnect& out, std::size_t& consumed) noexcept {
  out = MqttConnect{};
  consumed = 0;
  if (!in.empty() && in[0] != 0x10) return Parse::invalid;  // CONNECT with flags 0
  MqttPacket pkt;
  std::size_t used = 0;
  const Parse framed = parse_mqtt_packet(in, pkt, used);
  if (framed != Parse::done) return framed;
  ConnectReader c{{in.subspan(pkt.header_length, pkt.remaining_length)}};
  out.protocol_name = c.field();
  out.protocol_level = static_cast<std::uint8_t>(c.u(1));
  const auto flags = c.u(1);
  out.keepalive_s = static_cast<std::uint16_t>(c.u(2));
  if (!c.ok) return Parse::invalid;
  const bool v31 = out.protocol_name == "MQIsdp" && out.protocol_level == 3;
  const bool v3x5 = out.protocol_name == "MQTT" && (out.protocol_level == 4 || out.protocol_level == 5);
  if (!v31 && !v3x5) return Parse::invalid;
  const bool will = flags & 0x04, user = flags & 0x80, pass = flags & 0x40;
  out.will_qos = static_cast<std::uint8_t>((flags >> 3) & 3);
  out.will_retain = flags & 0x20;
  out.clean_session = flags & 0x02;
  if ((flags & 0x01) || out.will_qos == 3 || (!will && (out.will_qos != 0 || out.will_retain)) ||
      (pass && !user && out.protocol_level != 5))
    return Parse::invalid;
  if (out.protocol_level == 5) c.skip_properties();
  out.client_id = c.field();
  if (will) {
    if (out.protocol_level == 5) c.skip_properties();
    out.will_topic = c.field();
    c.field();  // will payload
  }
  if (user) out.username = c.field();
  if (pass) out.password = c.field();
  if (!c.ok || c.left() != 0) return Parse::invalid;
  out.raw.assign(in.begin(), in.begin() + static_cast<std::ptrdiff_t>(std::min(used, Evidence::kMaxExcerpt)));
  consumed = used;
  return Parse::done;
}

std::vector<Observation> mqtt_connect_observations(const MqttConnect& c, const Endpoint& broker) {
  Evidence ev;
  ev.kind = "mqtt_connect";
  ev.source = "capture";
  ev.detail = "MQTT CONNECT level " + std::to_string(c.protocol_level) + ", client id \"" + c.client_id + "\"";
  ev.excerpt = printable_excerpt(Bytes(c.raw), Evidence::kMaxExcerpt);
  std::vector<Observation> out;
  const auto add = [&](const ObservationKey& key, Value v, const Evidence& e) {
    out.push_back(Observation{broker, key, std::move(v), e});
  };
  add(keys::mqtt::connect_protocol_level, std::int64_t{c.protocol_level}, ev);
  if (!c.client_id.empty()) add(keys::mqtt::connect_client_id, c.client_id, ev);
  if (c.username) {
    Evidence cred = ev;
    cred.kind = "credential";
    cred.username = *c.username;
    cred.password = c.password.value_or("");
    add(keys::mqtt::connect_username, *c.username, cred);
  }
  add(keys::mqtt::connect_password_sent, c.password.has_value(), ev);
  add(keys::mqtt::connect_clean_session, c.clean_session, ev);
  if (c.will_topic) add(keys::mqtt::connect_will_topic, *c.will_topic, ev);
  return out;
}

}  // namespace trustscan
