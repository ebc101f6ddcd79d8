// MQTT builders and parsers (probes/mqtt/mqtt.hpp).
//
// Captured bytes: mosquitto 2.0.11 (Debian 12 package), two instances on 127.0.0.1:
//   A: `mosquitto -c a.conf` with `listener 18830 127.0.0.1`, `allow_anonymous true`,
//      `persistence false`; two retained messages published first (lab/sensor/temperature =
//      "21.5", lab/status = "online").
//   B: `listener 18831 127.0.0.1`, `allow_anonymous false`, `password_file` with lab:labpass.
// A python3 socket script sent the exact bytes of build_mqtt_connect / build_mqtt_subscribe
// (kConnect4Anon… below, byte-for-byte what the builders produce) and recorded everything the
// broker sent back until 0.6 s of silence.
#include "tests/parsers/parser_support.hpp"
#include "probes/mqtt/mqtt.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <vector>

using namespace trustscan;
using trustscan::test::bytes_of;
using trustscan::test::find;

namespace {

// ---- captured replies --------------------------------------------------------------------------

// A, CONNECT 3.1.1 without credentials → CONNACK accepted.
const std::uint8_t kMqttConnack4Ok[] = {
    0x20, 0x02, 0x00, 0x00,
};
// A, after that CONNECT: SUBSCRIBE "#" (3.1.1) → SUBACK and the two retained PUBLISH packets,
// all in one read.
const std::uint8_t kMqttSubackPublish4[] = {
    0x90, 0x03, 0x00, 0x01, 0x00, 0x31, 0x1c, 0x00, 0x16, 0x6c, 0x61, 0x62, 0x2f, 0x73, 0x65, 0x6e,
    0x73, 0x6f, 0x72, 0x2f, 0x74, 0x65, 0x6d, 0x70, 0x65, 0x72, 0x61, 0x74, 0x75, 0x72, 0x65, 0x32,
    0x31, 0x2e, 0x35, 0x31, 0x12, 0x00, 0x0a, 0x6c, 0x61, 0x62, 0x2f, 0x73, 0x74, 0x61, 0x74, 0x75,
    0x73, 0x6f, 0x6e, 0x6c, 0x69, 0x6e, 0x65,
};
// A, CONNECT 5.0 without credentials → CONNACK success with Topic Alias Maximum 10 and
// Receive Maximum 20 properties.
const std::uint8_t kMqttConnack5Ok[] = {
    0x20, 0x09, 0x00, 0x00, 0x06, 0x22, 0x00, 0x0a, 0x21, 0x00, 0x14,
};
// A, SUBSCRIBE "#" (5.0) → SUBACK and the retained PUBLISH packets (empty property blocks).
const std::uint8_t kMqttSubackPublish5[] = {
    0x90, 0x04, 0x00, 0x01, 0x00, 0x00, 0x31, 0x1d, 0x00, 0x16, 0x6c, 0x61, 0x62, 0x2f, 0x73, 0x65,
    0x6e, 0x73, 0x6f, 0x72, 0x2f, 0x74, 0x65, 0x6d, 0x70, 0x65, 0x72, 0x61, 0x74, 0x75, 0x72, 0x65,
    0x00, 0x32, 0x31, 0x2e, 0x35, 0x31, 0x13, 0x00, 0x0a, 0x6c, 0x61, 0x62, 0x2f, 0x73, 0x74, 0x61,
    0x74, 0x75, 0x73, 0x00, 0x6f, 0x6e, 0x6c, 0x69, 0x6e, 0x65,
};
// B, CONNECT 3.1.1 without credentials → return code 5 (not authorized). mosquitto 2.0.11
// sends the same 5 for admin/admin (wrong password), not 4.
const std::uint8_t kMqttConnack4Refused[] = {
    0x20, 0x02, 0x00, 0x05,
};
// B, CONNECT 5.0 without credentials (and with admin/admin) → reason 0x87 Not authorized.
const std::uint8_t kMqttConnack5Refused[] = {
    0x20, 0x03, 0x00, 0x87, 0x00,
};

// ---- what the builders produce (sent to the brokers above, accepted) --------------------------

const std::uint8_t kConnect4Anon[] = {
    0x10, 0x15, 0x00, 0x04, 0x4d, 0x51, 0x54, 0x54, 0x04, 0x02, 0x00, 0x1e, 0x00, 0x09, 0x74, 0x72,
    0x75, 0x73, 0x74, 0x73, 0x63, 0x61, 0x6e,
};
const std::uint8_t kConnect5Anon[] = {
    0x10, 0x16, 0x00, 0x04, 0x4d, 0x51, 0x54, 0x54, 0x05, 0x02, 0x00, 0x1e, 0x00, 0x00, 0x09, 0x74,
    0x72, 0x75, 0x73, 0x74, 0x73, 0x63, 0x61, 0x6e,
};
const std::uint8_t kConnect4LabCreds[] = {  // lab / labpass: B answered 20 02 00 00
    0x10, 0x23, 0x00, 0x04, 0x4d, 0x51, 0x54, 0x54, 0x04, 0xc2, 0x00, 0x1e, 0x00, 0x09, 0x74, 0x72,
    0x75, 0x73, 0x74, 0x73, 0x63, 0x61, 0x6e, 0x00, 0x03, 0x6c, 0x61, 0x62, 0x00, 0x07, 0x6c, 0x61,
    0x62, 0x70, 0x61, 0x73, 0x73,
};
const std::uint8_t kSubscribe4[] = {0x82, 0x06, 0x00, 0x01, 0x00, 0x01, 0x23, 0x00};
const std::uint8_t kSubscribe5[] = {0x82, 0x07, 0x00, 0x01, 0x00, 0x00, 0x01, 0x23, 0x00};

std::vector<std::uint8_t> vec(Bytes b) { return {b.begin(), b.end()}; }


// Drives the parsers the way a probe does: append each chunk to a buffer, frame packets while
// complete, decode them, drop them. Returns one line per packet (or "invalid").
std::vector<std::string> drive(const std::vector<Bytes>& chunks, std::uint8_t level) {
  std::vector<std::uint8_t> buf;
  std::vector<std::string> events;
  for (const Bytes chunk : chunks) {
    buf.insert(buf.end(), chunk.begin(), chunk.end());
    for (;;) {
      MqttPacket p;
      std::size_t n = 0;
      const Parse r = parse_mqtt_packet(buf, p, n);
      if (r == Parse::need_more) break;
      if (r == Parse::invalid) {
        events.emplace_back("invalid");
        return events;
      }
      std::size_t n2 = 0;
      if (p.type == MqttPacketType::suback) {
        MqttSuback s;
        REQUIRE(parse_mqtt_suback(buf, s, n2, level) == Parse::done);
        std::string e = "suback " + std::to_string(s.packet_id);
        for (auto c : s.codes) e += " " + std::to_string(c);
        events.push_back(e);
      } else if (p.type == MqttPacketType::publish) {
        MqttPublish m;
        REQUIRE(parse_mqtt_publish(buf, m, n2, level) == Parse::done);
        events.push_back("publish " + m.topic + " " + std::to_string(m.payload_size) +
                         (m.retain ? " retain" : "") + " qos" + std::to_string(m.qos));
      } else {
        n2 = n;
        events.push_back("type " + std::to_string(static_cast<int>(p.type)));
      }
      REQUIRE(n2 == n);
      buf.erase(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(n));
    }
  }
  if (!buf.empty()) events.emplace_back("leftover " + std::to_string(buf.size()));
  return events;
}

// Small deterministic PRNG so garbage tests are reproducible.
struct XorShift {
  std::uint64_t s = 0x9e3779b97f4a7c15ull;
  std::uint64_t next() {
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    return s;
  }
};

}  // namespace

TEST_CASE("mqtt: builders produce the bytes mosquitto accepted") {
  CHECK(build_mqtt_connect("trustscan", std::nullopt, std::nullopt, kMqttLevel311, 30) ==
        vec(kConnect4Anon));
  CHECK(build_mqtt_connect("trustscan", std::nullopt, std::nullopt, kMqttLevel5, 30) ==
        vec(kConnect5Anon));
  CHECK(build_mqtt_connect("trustscan", "lab", "labpass", kMqttLevel311, 30) ==
        vec(kConnect4LabCreds));
  CHECK(build_mqtt_subscribe(1, "#", kMqttLevel311) == vec(kSubscribe4));
  CHECK(build_mqtt_subscribe(1, "#", kMqttLevel5) == vec(kSubscribe5));
  CHECK(build_mqtt_disconnect() == std::vector<std::uint8_t>{0xe0, 0x00});

  // The builders' own output frames as the right packet type.
  MqttPacket p;
  std::size_t n = 0;
  REQUIRE(parse_mqtt_packet(kConnect4Anon, p, n) == Parse::done);
  CHECK(p.type == MqttPacketType::connect);
  CHECK(n == sizeof kConnect4Anon);
  REQUIRE(parse_mqtt_packet(kSubscribe5, p, n) == Parse::done);
  CHECK(p.type == MqttPacketType::subscribe);
  CHECK(p.flags == 2);
}

TEST_CASE("mqtt: builder edge cases") {
  // 3.1.1 forbids a password without a username: an empty username is sent with it.
  const auto c = build_mqtt_connect("x", std::nullopt, std::string_view("pw"), kMqttLevel311);
  REQUIRE(c.size() > 10);
  CHECK(c[9] == 0xc2);
  // 5.0 allows a password alone.
  const auto c5 = build_mqtt_connect("x", std::nullopt, std::string_view("pw"), kMqttLevel5);
  REQUIRE(c5.size() > 10);
  CHECK(c5[9] == 0x42);
  CHECK(build_mqtt_connect("x", std::nullopt, std::nullopt, 3).empty());
  CHECK(build_mqtt_connect(std::string(70000, 'a'), std::nullopt, std::nullopt).empty());
  CHECK(build_mqtt_subscribe(0, "#").empty());
  CHECK(build_mqtt_subscribe(1, "").empty());
  CHECK(build_mqtt_subscribe(1, "#", kMqttLevel311, 3).empty());
  // A long client id needs a 2-byte Remaining Length; the packet still frames.
  const auto big = build_mqtt_connect(std::string(300, 'c'), std::nullopt, std::nullopt);
  MqttPacket p;
  std::size_t n = 0;
  REQUIRE(parse_mqtt_packet(big, p, n) == Parse::done);
  CHECK(p.header_length == 3);
  CHECK(n == big.size());
}

TEST_CASE("mqtt: mosquitto CONNACK 3.1.1 accepted, anonymous") {
  MqttConnack c;
  std::size_t n = 0;
  REQUIRE(parse_mqtt_connack(kMqttConnack4Ok, c, n, kMqttLevel311) == Parse::done);
  CHECK(n == 4);
  CHECK(c.code == 0);
  CHECK_FALSE(c.session_present);
  CHECK_FALSE(c.legacy_format);
  CHECK(c.raw == vec(kMqttConnack4Ok));

  const Endpoint ep{};
  const auto obs = mqtt_observations(c, ep, false);
  REQUIRE(find(obs, "mqtt.connack_code"));
  CHECK(std::get<std::int64_t>(find(obs, "mqtt.connack_code")->value) == 0);
  REQUIRE(find(obs, "mqtt.anonymous_accepted"));
  CHECK(std::get<bool>(find(obs, "mqtt.anonymous_accepted")->value) == true);
  CHECK(std::get<std::int64_t>(find(obs, "mqtt.protocol_level")->value) == 4);
  CHECK(find(obs, "mqtt.topics_seen") == nullptr);  // did not subscribe: absent
  CHECK(find(obs, "mqtt.anonymous_accepted")->evidence.excerpt == " \\x02\\x00\\x00");
}

TEST_CASE("mqtt: mosquitto CONNACK refusals") {
  MqttConnack c;
  std::size_t n = 0;
  REQUIRE(parse_mqtt_connack(kMqttConnack4Refused, c, n) == Parse::done);
  CHECK(c.code == 5);
  auto obs = mqtt_observations(c, Endpoint{}, false);
  CHECK(std::get<bool>(find(obs, "mqtt.anonymous_accepted")->value) == false);
  // With credentials in the CONNECT, anonymous_accepted does not apply.
  obs = mqtt_observations(c, Endpoint{}, true);
  CHECK(find(obs, "mqtt.anonymous_accepted") == nullptr);
  CHECK(std::get<std::int64_t>(find(obs, "mqtt.connack_code")->value) == 5);

  REQUIRE(parse_mqtt_connack(kMqttConnack5Refused, c, n, kMqttLevel5) == Parse::done);
  CHECK(n == 5);
  CHECK(c.code == 0x87);
  CHECK(c.protocol_level == 5);
  CHECK_FALSE(c.legacy_format);
  obs = mqtt_observations(c, Endpoint{}, false);
  CHECK(std::get<bool>(find(obs, "mqtt.anonymous_accepted")->value) == false);
  CHECK(std::get<std::int64_t>(find(obs, "mqtt.protocol_level")->value) == 5);

  // A 3.1.1 CONNACK cannot carry properties.
  CHECK(parse_mqtt_connack(kMqttConnack5Refused, c, n, kMqttLevel311) == Parse::invalid);
}

TEST_CASE("mqtt: mosquitto CONNACK 5.0 with properties") {
  MqttConnack c;
  std::size_t n = 0;
  REQUIRE(parse_mqtt_connack(kMqttConnack5Ok, c, n, kMqttLevel5) == Parse::done);
  CHECK(n == sizeof kMqttConnack5Ok);
  CHECK(c.code == 0);
  CHECK(c.reason_string.empty());
  // A 3.1.1-format CONNACK answering a 5.0 CONNECT (3.1.1-only broker) is legacy.
  REQUIRE(parse_mqtt_connack(kMqttConnack4Refused, c, n, kMqttLevel5) == Parse::done);
  CHECK(c.legacy_format);
  CHECK(c.code == 5);
  // Reason String property is extracted and escaped.
  const std::uint8_t with_reason[] = {0x20, 0x0a, 0x00, 0x87, 0x07, 0x1f, 0x00, 0x04,
                                      'n',  'o',  '\n', 0xff};
  REQUIRE(parse_mqtt_connack(with_reason, c, n, kMqttLevel5) == Parse::done);
  CHECK(c.reason_string == "no\\x0a\\xff");
}

TEST_CASE("mqtt: mosquitto SUBACK and retained PUBLISH stream, every split point") {
  const std::vector<std::string> want4 = {
      "suback 1 0", "publish lab/sensor/temperature 4 retain qos0", "publish lab/status 6 retain qos0"};
  for (const auto& [bytes, level] :
       {std::pair{Bytes(kMqttSubackPublish4), kMqttLevel311}, std::pair{Bytes(kMqttSubackPublish5), kMqttLevel5}}) {
    CAPTURE(static_cast<int>(level));
    CHECK(drive({bytes}, level) == want4);
    for (std::size_t k = 0; k <= bytes.size(); ++k) {
      CAPTURE(k);
      CHECK(drive({bytes.first(k), bytes.subspan(k)}, level) == want4);
    }
    // One byte per read.
    std::vector<Bytes> bytewise;
    for (std::size_t i = 0; i < bytes.size(); ++i) bytewise.push_back(bytes.subspan(i, 1));
    CHECK(drive(bytewise, level) == want4);
  }
}

TEST_CASE("mqtt: SUBACK and PUBLISH fields") {
  MqttSuback s;
  std::size_t n = 0;
  REQUIRE(parse_mqtt_suback(kMqttSubackPublish4, s, n) == Parse::done);
  CHECK(n == 5);
  CHECK(s.packet_id == 1);
  CHECK(s.codes == std::vector<std::uint8_t>{0});
  MqttPublish m;
  const Bytes pub = Bytes(kMqttSubackPublish4).subspan(5);
  REQUIRE(parse_mqtt_publish(pub, m, n) == Parse::done);
  CHECK(n == 30);
  CHECK(m.topic == "lab/sensor/temperature");
  CHECK(m.payload_size == 4);
  CHECK(m.retain);
  CHECK_FALSE(m.dup);
  CHECK(m.qos == 0);
  CHECK(m.packet_id == 0);
  // The typed parsers reject the wrong packet type from its first byte.
  CHECK(parse_mqtt_publish(kMqttSubackPublish4, m, n) == Parse::invalid);
  CHECK(parse_mqtt_suback(pub, s, n) == Parse::invalid);
  MqttConnack c;
  CHECK(parse_mqtt_connack(pub.first(1), c, n) == Parse::invalid);

  // QoS 1 PUBLISH carries a packet id; a non-UTF-8 topic is escaped.
  const std::uint8_t qos1[] = {0x3a, 0x08, 0x00, 0x02, 'a', 0xc0, 0x12, 0x34, 'x', 'y'};
  REQUIRE(parse_mqtt_publish(qos1, m, n) == Parse::done);
  CHECK(m.qos == 1);
  CHECK(m.dup);
  CHECK(m.packet_id == 0x1234);
  CHECK(m.topic == "a\\xc0");
  CHECK(m.payload_size == 2);
}

TEST_CASE("mqtt: topics_seen is deduplicated and capped") {
  std::vector<std::string> seen;
  CHECK(add_mqtt_topic(seen, "a"));
  CHECK_FALSE(add_mqtt_topic(seen, "a"));
  for (int i = 0; i < 200; ++i) add_mqtt_topic(seen, "t/" + std::to_string(i));
  CHECK(seen.size() == kMqttMaxTopicsSeen);
  MqttConnack c;
  std::size_t n = 0;
  REQUIRE(parse_mqtt_connack(kMqttConnack4Ok, c, n) == Parse::done);
  const auto obs = mqtt_observations(c, Endpoint{}, false, &seen);
  REQUIRE(find(obs, "mqtt.topics_seen"));
  const auto& topics = std::get<std::vector<std::string>>(find(obs, "mqtt.topics_seen")->value);
  CHECK(topics.size() == kMqttMaxTopicsSeen);
  CHECK(topics.front() == "a");
  CHECK(find(obs, "mqtt.topics_seen")->evidence.excerpt.size() <= Evidence::kMaxExcerpt);
  // Subscribed, nothing arrived: the key is present with an empty list.
  const std::vector<std::string> none;
  const auto obs2 = mqtt_observations(c, Endpoint{}, false, &none);
  REQUIRE(find(obs2, "mqtt.topics_seen"));
  CHECK(std::get<std::vector<std::string>>(find(obs2, "mqtt.topics_seen")->value).empty());
}

TEST_CASE("mqtt: every truncation is need_more, never done") {
  const std::vector<std::pair<Bytes, std::uint8_t>> connacks = {
      {kMqttConnack4Ok, kMqttLevel311}, {kMqttConnack5Ok, kMqttLevel5},
      {kMqttConnack4Refused, kMqttLevel311}, {kMqttConnack5Refused, kMqttLevel5}};
  for (const auto& [bytes, level] : connacks) {
    for (std::size_t k = 0; k < bytes.size(); ++k) {
      CAPTURE(k);
      MqttConnack c;
      std::size_t n = 0;
      CHECK(parse_mqtt_connack(bytes.first(k), c, n, level) == Parse::need_more);
      MqttPacket p;
      CHECK(parse_mqtt_packet(bytes.first(k), p, n) == Parse::need_more);
    }
  }
  const Bytes stream4(kMqttSubackPublish4);
  for (std::size_t k = 0; k < 5; ++k) {
    MqttSuback s;
    std::size_t n = 0;
    CHECK(parse_mqtt_suback(stream4.first(k), s, n) == Parse::need_more);
  }
  const Bytes pub = stream4.subspan(5, 30);
  for (std::size_t k = 0; k < pub.size(); ++k) {
    MqttPublish m;
    std::size_t n = 0;
    CHECK(parse_mqtt_publish(pub.first(k), m, n) == Parse::need_more);
  }
}

TEST_CASE("mqtt: garbage and other protocols are invalid") {
  MqttPacket p;
  MqttConnack c;
  std::size_t n = 0;
  for (const std::string_view s : std::initializer_list<std::string_view>{"HTTP/1.1 400 Bad Request\r\n", "SSH-2.0-OpenSSH_9.2\r\n",
                                   "220 ftp ready\r\n", std::string_view("\x00\x00\x00\x00", 4)}) {
    CAPTURE(s);
    // "220 …" frames as the start of a QoS 1 PUBLISH of 50 bytes ('2' = 0x32): the generic framer
    // can only wait. The CONNACK parser, which is what reads a broker's first reply, rejects all.
    CHECK(parse_mqtt_packet(as_bytes(s), p, n) != Parse::done);
    CHECK(parse_mqtt_connack(as_bytes(s), c, n) == Parse::invalid);
  }
  // Random bytes: never a crash, and done only with a consistent frame.
  XorShift rng;
  for (int i = 0; i < 20000; ++i) {
    std::vector<std::uint8_t> buf(rng.next() % 48);
    for (auto& b : buf) b = static_cast<std::uint8_t>(rng.next());
    for (const std::uint8_t level : {kMqttLevel311, kMqttLevel5}) {
      if (parse_mqtt_packet(buf, p, n) == Parse::done) {
        CHECK(n <= buf.size());
        CHECK(n == p.header_length + p.remaining_length);
      }
      MqttSuback s;
      MqttPublish m;
      if (parse_mqtt_connack(buf, c, n, level) == Parse::done) CHECK(n <= buf.size());
      if (parse_mqtt_suback(buf, s, n, level) == Parse::done) CHECK(n <= buf.size());
      if (parse_mqtt_publish(buf, m, n, level) == Parse::done) CHECK(n <= buf.size());
    }
  }
}

TEST_CASE("mqtt: hostile lengths and reserved values") {
  MqttPacket p;
  MqttConnack c;
  MqttSuback s;
  MqttPublish m;
  std::size_t n = 0;
  // Remaining Length varint of 5 bytes: invalid as soon as the 4th byte still continues.
  const std::uint8_t five[] = {0x30, 0xff, 0xff, 0xff, 0xff, 0x01};
  CHECK(parse_mqtt_packet(five, p, n) == Parse::invalid);
  CHECK(parse_mqtt_packet(Bytes(five).first(5), p, n) == Parse::invalid);
  CHECK(parse_mqtt_publish(five, m, n) == Parse::invalid);
  // Over the cap: invalid from the length bytes alone, nothing buffered.
  const std::uint8_t big[] = {0x30, 0x81, 0x80, 0x04};  // 65537
  CHECK(parse_mqtt_packet(big, p, n) == Parse::invalid);
  const std::uint8_t at_cap[] = {0x30, 0x80, 0x80, 0x04};  // exactly 65536: waits for the body
  CHECK(parse_mqtt_packet(at_cap, p, n) == Parse::need_more);
  const std::uint8_t max_varint[] = {0x30, 0xff, 0xff, 0xff, 0x7f};
  CHECK(parse_mqtt_packet(max_varint, p, n) == Parse::invalid);
  // Non-minimal but legal-in-3.1.1 encoding of 0.
  const std::uint8_t padded[] = {0xd0, 0x80, 0x00};
  REQUIRE(parse_mqtt_packet(padded, p, n) == Parse::done);
  CHECK(p.type == MqttPacketType::pingresp);
  CHECK(n == 3);

  // Reserved flags and types.
  const std::uint8_t qos3[] = {0x36, 0x03, 0x00, 0x01, 'a'};
  CHECK(parse_mqtt_packet(qos3, p, n) == Parse::invalid);
  CHECK(parse_mqtt_publish(qos3, m, n) == Parse::invalid);
  const std::uint8_t type0[] = {0x00, 0x00};
  CHECK(parse_mqtt_packet(type0, p, n) == Parse::invalid);
  const std::uint8_t subscribe_bad_flags[] = {0x80, 0x00};
  CHECK(parse_mqtt_packet(subscribe_bad_flags, p, n) == Parse::invalid);
  const std::uint8_t connack_flags[] = {0x21, 0x02, 0x00, 0x00};
  CHECK(parse_mqtt_connack(connack_flags, c, n) == Parse::invalid);

  // CONNACK content.
  const std::uint8_t reserved_ack[] = {0x20, 0x02, 0x02, 0x00};
  CHECK(parse_mqtt_connack(reserved_ack, c, n) == Parse::invalid);
  const std::uint8_t code6[] = {0x20, 0x02, 0x00, 0x06};
  CHECK(parse_mqtt_connack(code6, c, n) == Parse::invalid);
  const std::uint8_t short_connack[] = {0x20, 0x01, 0x00};
  CHECK(parse_mqtt_connack(short_connack, c, n) == Parse::invalid);
  const std::uint8_t props_past_end[] = {0x20, 0x04, 0x00, 0x00, 0x05, 0x21};
  CHECK(parse_mqtt_connack(props_past_end, c, n, kMqttLevel5) == Parse::invalid);
  const std::uint8_t unknown_prop[] = {0x20, 0x05, 0x00, 0x00, 0x02, 0x7e, 0x00};
  CHECK(parse_mqtt_connack(unknown_prop, c, n, kMqttLevel5) == Parse::invalid);
  const std::uint8_t string_past_props[] = {0x20, 0x07, 0x00, 0x00, 0x04, 0x1f, 0x00, 0x09, 'x'};
  CHECK(parse_mqtt_connack(string_past_props, c, n, kMqttLevel5) == Parse::invalid);
  const std::uint8_t v5_bad_reason[] = {0x20, 0x03, 0x00, 0x10, 0x00};
  CHECK(parse_mqtt_connack(v5_bad_reason, c, n, kMqttLevel5) == Parse::invalid);
  const std::uint8_t prop_varint_5[] = {0x20, 0x07, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0x01};
  CHECK(parse_mqtt_connack(prop_varint_5, c, n, kMqttLevel5) == Parse::invalid);

  // SUBACK content.
  const std::uint8_t suback_no_codes[] = {0x90, 0x02, 0x00, 0x01};
  CHECK(parse_mqtt_suback(suback_no_codes, s, n) == Parse::invalid);
  const std::uint8_t suback_bad_code[] = {0x90, 0x03, 0x00, 0x01, 0x03};
  CHECK(parse_mqtt_suback(suback_bad_code, s, n) == Parse::invalid);
  const std::uint8_t suback_fail[] = {0x90, 0x03, 0x00, 0x01, 0x80};
  REQUIRE(parse_mqtt_suback(suback_fail, s, n) == Parse::done);
  CHECK(s.codes == std::vector<std::uint8_t>{0x80});

  // PUBLISH topic length past the packet; QoS 1 without room for the packet id.
  const std::uint8_t topic_past[] = {0x30, 0x04, 0x00, 0x10, 'a', 'b'};
  CHECK(parse_mqtt_publish(topic_past, m, n) == Parse::invalid);
  const std::uint8_t no_id[] = {0x32, 0x04, 0x00, 0x01, 'a', 0x00};
  CHECK(parse_mqtt_publish(no_id, m, n) == Parse::invalid);

  // A 64 KiB SUBACK keeps at most kMqttMaxSubackCodes codes.
  std::vector<std::uint8_t> many = {0x90, 0x82, 0x80, 0x04, 0x00, 0x01};  // 65538 > cap
  many.resize(6 + 65536, 0);
  CHECK(parse_mqtt_suback(many, s, n) == Parse::invalid);
  std::vector<std::uint8_t> lots = {0x90, 0xe8, 0x07, 0x00, 0x01};  // 1000 bytes
  lots.resize(5 + 998, 1);
  REQUIRE(parse_mqtt_suback(lots, s, n) == Parse::done);
  CHECK(s.codes.size() == kMqttMaxSubackCodes);
  // A maximal (64 KiB) PUBLISH whose topic fills it: the stored topic is capped.
  std::vector<std::uint8_t> long_topic = {0x30, 0xff, 0xff, 0x03, 0xff, 0xfd};
  long_topic.resize(6 + 0xfffd, 'x');
  REQUIRE(parse_mqtt_publish(long_topic, m, n) == Parse::done);
  CHECK(m.topic.size() == kMqttMaxString);
  CHECK(m.payload_size == 0);
  // Invalid protocol level argument.
  CHECK(parse_mqtt_connack(kMqttConnack4Ok, c, n, 3) == Parse::invalid);
}
