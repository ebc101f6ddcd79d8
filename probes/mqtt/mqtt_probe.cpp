// trustscan — MQTT probe: CONNECT without credentials, a brief subscription (the login trial is
// its credentials stage, declared in the registry).
//
// Registered in scanner/pipeline/probe_registry.cpp; observations it records: docs/observations.md.
#include "scanner/pipeline/protocol_probes.hpp"
#include "scanner/pipeline/probe_util.hpp"
#include "probes/mqtt/mqtt.hpp"
#include "scanner/pipeline/probe_handoff.hpp"

namespace trustscan {

using namespace std::chrono_literals;

// ---- MQTT: CONNECT without credentials; if accepted, subscribe to '#' briefly ------------------
net::awaitable<void> probe_mqtt(ProbeContext& ctx, std::vector<Observation>& out) {
  auto s = co_await open(ctx, out, "mqtt");
  if (!s) co_return;
  if ((co_await s->send(build_mqtt_connect("trustscan", std::nullopt, std::nullopt))).status != Status::success) co_return;
  std::vector<std::uint8_t> buf;
  MqttConnack connack;
  std::size_t consumed = 0;
  auto [state, st] = co_await receive_until(*s, buf, [&](Bytes b) { return parse_mqtt_connack(b, connack, consumed); });
  if (state != Parse::done) {
    record_status(ctx, out, "mqtt", state == Parse::invalid ? Status::protocol_error : st, "no CONNACK");
    co_return;
  }
  std::vector<std::string> topics;
  bool subscribed = false;
  if (connack.code == 0) {
    // Accepted anonymously: does it carry data? Listen to every topic for a short, fixed time.
    buf.erase(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(consumed));
    if ((co_await s->send(build_mqtt_subscribe(1, "#"))).status == Status::success) {
      const auto until = SteadyClock::now() + 2s;
      while (SteadyClock::now() < until && topics.size() < 64) {
        MqttPacket pkt;
        std::size_t used = 0;
        const auto ps = parse_mqtt_packet(Bytes(buf), pkt, used);
        if (ps == Parse::invalid) break;
        if (ps == Parse::need_more) {
          const auto r = co_await s->receive_for(buf, std::chrono::duration_cast<std::chrono::milliseconds>(until - SteadyClock::now()));
          if (r.status != Status::success) break;
          continue;
        }
        if (pkt.type == MqttPacketType::suback) subscribed = true;
        if (pkt.type == MqttPacketType::publish) {
          MqttPublish pub;
          std::size_t n = 0;
          if (parse_mqtt_publish(Bytes(buf), pub, n) == Parse::done) add_mqtt_topic(topics, pub.topic);
        }
        buf.erase(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(used));
      }
    }
    (void)co_await s->send(build_mqtt_disconnect());
  }
  for (auto& o : mqtt_observations(connack, ctx.endpoint, false, subscribed ? &topics : nullptr)) out.push_back(std::move(o));
  s.reset();
  // Anonymous CONNECT refused (bad user name or password / not authorized): try the pairs.
  if ((connack.code == 4 || connack.code == 5) && ctx.handoff) ctx.handoff->login_surface = true;
}

}  // namespace trustscan
