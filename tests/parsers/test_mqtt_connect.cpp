// MQTT CONNECT parsing against packets captured from mosquitto_pub.
//
// Captured on loopback, Debian 12: `mosquitto 2.0.11 -c mosq.conf` (listener 41883 127.0.0.1,
// allow_anonymous true), `tcpdump -i lo -w mqtt.pcap tcp port 41883`, then
//   kPub311: mosquitto_pub -V mqttv311 -i cam-311 -u camuser -P campass -t cam/status -m up
//            --will-topic cam/lwt --will-payload down --will-qos 1 --will-retain
//   kPub31:  mosquitto_pub -V mqttv31 -i cam-31 -t cam/status -m up
//   kPub5:   mosquitto_pub -V mqttv5 -i cam-5 -u dev5 -P s3cr3t5 -c -t cam/status -m up -q 1
//            --will-topic cam/lwt5 --will-payload gone -D will will-delay-interval 10
// and each CONNECT's TCP payload (tshark -d tcp.port==41883,mqtt -Y mqtt.msgtype==1 -e tcp.payload).
#include "hex_bytes.hpp"
#include "probes/mqtt/mqtt_connect.hpp"

#include <doctest/doctest.h>

using namespace trustscan;

namespace {

constexpr std::string_view kPub311 =
    "103400044d51545404ee003c000763616d2d333131000763616d2f6c77740004646f776e000763616d75736572000763"
    "616d70617373";
constexpr std::string_view kPub31 =
    "101400064d51497364700302003c000663616d2d3331";
constexpr std::string_view kPub5 =
    "103f00044d51545405c4003c0811ffffffff210014000563616d2d3505180000000a000863616d2f6c7774350004676f"
    "6e65000464657635000773336372337435";

MqttConnect connect_of(std::string_view hex) {
  const auto b = test::hex_bytes(hex);
  MqttConnect c;
  std::size_t used = 0;
  REQUIRE(parse_mqtt_connect(Bytes(b), c, used) == Parse::done);
  CHECK(used == b.size());
  return c;
}

}  // namespace

TEST_CASE("MQTT 3.1.1 CONNECT with credentials and a retained QoS 1 Will") {
  const auto c = connect_of(kPub311);
  CHECK(c.protocol_name == "MQTT");
  CHECK(c.protocol_level == 4);
  CHECK(c.clean_session);
  CHECK(c.keepalive_s == 60);
  CHECK(c.client_id == "cam-311");
  CHECK(c.username == std::optional<std::string>{"camuser"});
  CHECK(c.password == std::optional<std::string>{"campass"});
  CHECK(c.will_topic == std::optional<std::string>{"cam/lwt"});
  CHECK(c.will_qos == 1);
  CHECK(c.will_retain);
  const auto obs = mqtt_connect_observations(c, Endpoint{});
  REQUIRE(obs.size() == 6);
  CHECK(obs[2].key == "mqtt.connect.username");
  CHECK(obs[2].evidence.password == "campass");
  CHECK(std::get<bool>(obs[3].value));
}

TEST_CASE("MQTT 3.1 (MQIsdp) anonymous and MQTT 5.0 with properties") {
  const auto v31 = connect_of(kPub31);
  CHECK(v31.protocol_name == "MQIsdp");
  CHECK(v31.protocol_level == 3);
  CHECK(v31.client_id == "cam-31");
  CHECK_FALSE(v31.username);
  CHECK_FALSE(v31.password);
  CHECK_FALSE(v31.will_topic);
  const auto obs = mqtt_connect_observations(v31, Endpoint{});
  CHECK(obs.size() == 4);  // level, client id, password_sent=false, clean_session
  CHECK_FALSE(std::get<bool>(obs[2].value));

  const auto v5 = connect_of(kPub5);
  CHECK(v5.protocol_level == 5);
  CHECK_FALSE(v5.clean_session);  // -c: keep the session
  CHECK(v5.client_id == "cam-5");
  CHECK(v5.username == std::optional<std::string>{"dev5"});
  CHECK(v5.password == std::optional<std::string>{"s3cr3t5"});
  CHECK(v5.will_topic == std::optional<std::string>{"cam/lwt5"});
}

TEST_CASE("every prefix needs more, lies and other packets are invalid") {
  for (const auto hex : {kPub311, kPub5}) {
    const auto b = test::hex_bytes(hex);
    for (std::size_t n = 0; n < b.size(); ++n) {
      MqttConnect c;
      std::size_t used = 0;
      CHECK(parse_mqtt_connect(Bytes(b).first(n), c, used) == Parse::need_more);
    }
  }
  MqttConnect c;
  std::size_t used = 0;
  auto b = test::hex_bytes(kPub311);
  b[9] |= 0x01;  // reserved connect flag
  CHECK(parse_mqtt_connect(Bytes(b), c, used) == Parse::invalid);
  b = test::hex_bytes(kPub311);
  b[8] = 6;  // unknown level
  CHECK(parse_mqtt_connect(Bytes(b), c, used) == Parse::invalid);
  b = test::hex_bytes(kPub311);
  b[13] = 0x40;  // client id length past the packet
  CHECK(parse_mqtt_connect(Bytes(b), c, used) == Parse::invalid);
  b = test::hex_bytes(kPub31);
  b[11] = 0x42;  // password without user name at level 3 (flags follow "MQIsdp" and the level)
  CHECK(parse_mqtt_connect(Bytes(b), c, used) == Parse::invalid);
  const std::uint8_t connack[] = {0x20, 0x02, 0x00, 0x00};
  CHECK(parse_mqtt_connect(Bytes(connack), c, used) == Parse::invalid);
  const std::uint8_t huge[] = {0x10, 0xff, 0xff, 0xff, 0x7f};
  CHECK(parse_mqtt_connect(Bytes(huge), c, used) == Parse::invalid);
}
