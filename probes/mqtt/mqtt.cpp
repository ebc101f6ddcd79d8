// trustscan — MQTT builders and parsers. See mqtt.hpp for the contract.
#include "probes/mqtt/mqtt.hpp"
#include "trustscan/byte_reader.hpp"
#include "probes/mqtt/mqtt_keys.hpp"

#include <algorithm>

namespace trustscan {
namespace {

constexpr std::size_t kMaxWireString = 65535;  // 2-byte length prefix

// Reads go through ByteReader's checked style (a length field never moves it past the end);
// MQTT's own two field shapes:
// a Variable Byte Integer (5.0 §1.5.5): at most 4 bytes,
bool read_varint(ByteReader& c, std::size_t& v) noexcept {
  v = 0;
  for (int i = 0; i < 4; ++i) {
    std::uint8_t byte = 0;
    if (!c.u8(byte)) return false;
    v |= static_cast<std::size_t>(byte & 0x7f) << (7 * i);
    if ((byte & 0x80) == 0) return true;
  }
  return false;
}
// and a string or binary field with a 2-byte length.
bool read_string(ByteReader& c, Bytes& out) noexcept {
  std::uint16_t n = 0;
  return c.u16(n) && c.take(n, out);
}

// Device text as a printable, valid UTF-8 string: printable ASCII and well-formed UTF-8 kept,
// everything else (and the backslash itself, to stay unambiguous) escaped as \xNN.
std::string printable_text(Bytes b, std::size_t cap) {
  static constexpr char hex[] = "0123456789abcdef";
  const Bytes in = b.first(std::min(b.size(), cap));
  std::string out;
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size();) {
    const std::uint8_t c = in[i];
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      out += static_cast<char>(c);
      ++i;
    } else if (const std::size_t n = c >= 0x80 ? utf8_sequence(in, i) : 0; n != 0) {
      out.append(reinterpret_cast<const char*>(in.data() + i), n);
      i += n;
    } else {
      if (c == '\\') out += "\\\\";
      else {
        out += "\\x";
        out += hex[c >> 4];
        out += hex[c & 15];
      }
      ++i;
    }
  }
  return out;
}

void put_u16(std::vector<std::uint8_t>& v, std::size_t x) {
  v.push_back(static_cast<std::uint8_t>(x >> 8));
  v.push_back(static_cast<std::uint8_t>(x));
}
void put_string(std::vector<std::uint8_t>& v, std::string_view s) {
  put_u16(v, s.size());
  v.insert(v.end(), s.begin(), s.end());
}
void put_varint(std::vector<std::uint8_t>& v, std::size_t x) {
  do {
    auto c = static_cast<std::uint8_t>(x % 128);
    x /= 128;
    if (x > 0) c |= 0x80;
    v.push_back(c);
  } while (x > 0);
}
// Fixed header + body. Bodies built here are far below the 268,435,455-byte varint limit.
std::vector<std::uint8_t> packet(std::uint8_t first, const std::vector<std::uint8_t>& body) {
  std::vector<std::uint8_t> out;
  out.reserve(body.size() + 5);
  out.push_back(first);
  put_varint(out, body.size());
  out.insert(out.end(), body.begin(), body.end());
  return out;
}

// Walks 5.0 properties (§2.2.2.2) so that a malformed block is rejected rather than skipped
// blindly; an unknown identifier is a Malformed Packet per the spec. Returns the Reason String
// (0x1F) when present.
bool walk_properties(Bytes props, Bytes* reason_string) noexcept {
  ByteReader c{props};
  while (c.left() > 0) {
    std::uint8_t id = 0;
    c.u8(id);
    Bytes s;
    std::size_t v = 0;
    bool ok = true;
    switch (id) {
      case 0x01: case 0x17: case 0x19: case 0x24: case 0x25: case 0x28: case 0x29: case 0x2a:
        ok = c.skip(1);
        break;
      case 0x13: case 0x21: case 0x22: case 0x23:
        ok = c.skip(2);
        break;
      case 0x02: case 0x11: case 0x18: case 0x27:
        ok = c.skip(4);
        break;
      case 0x0b:
        ok = read_varint(c, v);
        break;
      case 0x03: case 0x08: case 0x09: case 0x12: case 0x15: case 0x16: case 0x1a: case 0x1c:
        ok = read_string(c, s);
        break;
      case 0x1f:
        ok = read_string(c, s);
        if (ok && reason_string) *reason_string = s;
        break;
      case 0x26:
        ok = read_string(c, s) && read_string(c, s);
        break;
      default:
        return false;
    }
    if (!ok) return false;
  }
  return true;
}

// Property Length varint followed by that many bytes of properties.
bool read_properties(ByteReader& c, Bytes* reason_string) noexcept {
  std::size_t n = 0;
  Bytes props;
  return read_varint(c, n) && c.take(n, props) && walk_properties(props, reason_string);
}

// Frames the first packet and checks it has the expected type; body = bytes after the header.
Parse frame(Bytes in, MqttPacketType want, MqttPacket& p, Bytes& body,
            std::size_t& consumed) noexcept {
  // The type lives in the first byte: reject a wrong packet before waiting for the rest.
  if (!in.empty() && (in[0] >> 4) != static_cast<std::uint8_t>(want)) return Parse::invalid;
  const Parse r = parse_mqtt_packet(in, p, consumed);
  if (r == Parse::done) body = in.subspan(p.header_length, p.remaining_length);
  return r;
}

bool level_ok(std::uint8_t level) noexcept {
  return level == kMqttLevel311 || level == kMqttLevel5;
}

}  // namespace

// ---- builders --------------------------------------------------------------------------------

std::vector<std::uint8_t> build_mqtt_connect(std::string_view client_id,
                                             std::optional<std::string_view> username,
                                             std::optional<std::string_view> password,
                                             std::uint8_t protocol_level,
                                             std::uint16_t keepalive_s) {
  if (!level_ok(protocol_level)) return {};
  if (protocol_level == kMqttLevel311 && password && !username) username = std::string_view{};
  if (client_id.size() > kMaxWireString || (username && username->size() > kMaxWireString) ||
      (password && password->size() > kMaxWireString))
    return {};
  std::vector<std::uint8_t> body;
  put_string(body, "MQTT");
  body.push_back(protocol_level);
  std::uint8_t flags = 0x02;  // Clean Session / Clean Start: leave nothing behind on the broker
  if (username) flags |= 0x80;
  if (password) flags |= 0x40;
  body.push_back(flags);
  put_u16(body, keepalive_s);
  if (protocol_level == kMqttLevel5) body.push_back(0);  // no properties
  put_string(body, client_id);
  if (username) put_string(body, *username);
  if (password) put_string(body, *password);
  return packet(0x10, body);
}

std::vector<std::uint8_t> build_mqtt_subscribe(std::uint16_t packet_id,
                                               std::string_view topic_filter,
                                               std::uint8_t protocol_level, std::uint8_t qos) {
  if (packet_id == 0 || qos > 2 || !level_ok(protocol_level) || topic_filter.empty() ||
      topic_filter.size() > kMaxWireString)
    return {};
  std::vector<std::uint8_t> body;
  put_u16(body, packet_id);
  if (protocol_level == kMqttLevel5) body.push_back(0);  // no properties
  put_string(body, topic_filter);
  body.push_back(qos);  // 5.0 subscription options: QoS only, retained messages sent
  return packet(0x82, body);  // SUBSCRIBE flags are fixed at 0b0010
}

std::vector<std::uint8_t> build_mqtt_disconnect() { return {0xe0, 0x00}; }

// ---- parsers ---------------------------------------------------------------------------------

Parse parse_mqtt_packet(Bytes in, MqttPacket& out, std::size_t& consumed) noexcept {
  if (in.empty()) return Parse::need_more;
  const std::uint8_t type = in[0] >> 4, flags = in[0] & 0x0f;
  // Reserved flag values (3.1.1 §2.2.2): a packet with other flags is not MQTT.
  switch (static_cast<MqttPacketType>(type)) {
    case MqttPacketType::publish:
      if ((flags & 0x06) == 0x06) return Parse::invalid;  // QoS 3
      break;
    case MqttPacketType::pubrel: case MqttPacketType::subscribe: case MqttPacketType::unsubscribe:
      if (flags != 0x02) return Parse::invalid;
      break;
    default:
      if (type == 0 || flags != 0) return Parse::invalid;
  }
  std::size_t remaining = 0;
  std::size_t header = 0;
  for (std::size_t i = 1; header == 0; ++i) {
    if (i > 4) return Parse::invalid;  // a fifth length byte would be needed
    if (i >= in.size()) return Parse::need_more;
    remaining |= static_cast<std::size_t>(in[i] & 0x7f) << (7 * (i - 1));
    // Later bytes only add to the length, so an oversize prefix is already invalid.
    if (remaining > kMqttMaxRemainingLength) return Parse::invalid;
    if ((in[i] & 0x80) == 0) header = i + 1;
  }
  if (in.size() - header < remaining) return Parse::need_more;
  out.type = static_cast<MqttPacketType>(type);
  out.flags = flags;
  out.header_length = header;
  out.remaining_length = remaining;
  consumed = header + remaining;
  return Parse::done;
}

namespace {

Parse connack_impl(Bytes in, MqttConnack& out, std::size_t& consumed, std::uint8_t protocol_level) {
  if (!level_ok(protocol_level)) return Parse::invalid;
  MqttPacket p;
  Bytes body;
  std::size_t n = 0;
  const Parse r = frame(in, MqttPacketType::connack, p, body, n);
  if (r != Parse::done) return r;
  ByteReader c{body};
  std::uint8_t ack = 0, code = 0;
  if (!c.u8(ack) || !c.u8(code) || (ack & 0xfe) != 0) return Parse::invalid;
  // A 3.1.1-only broker answers a 5.0 CONNECT in 3.1.1 format (5.0 §3.1.2.2 permits it), so a
  // 2-byte CONNACK is decoded as 3.1.1 whatever level was requested.
  const bool legacy = body.size() == 2;
  Bytes reason;
  if (legacy) {
    if (code > 5) return Parse::invalid;
  } else {
    if (protocol_level != kMqttLevel5) return Parse::invalid;  // 3.1.1 CONNACK is exactly 2 bytes
    if (!read_properties(c, &reason) || c.left() != 0) return Parse::invalid;
    // 5.0 reason codes: 0 success, 0x80..0x9f failures (§3.2.2.2).
    if (code != 0 && (code < 0x80 || code > 0x9f)) return Parse::invalid;
  }
  out.protocol_level = protocol_level;
  out.session_present = (ack & 1) != 0;
  out.code = code;
  out.legacy_format = legacy && protocol_level == kMqttLevel5;
  out.reason_string = printable_text(reason, kMqttMaxString);
  const Bytes packet_bytes = in.first(n);
  out.raw.assign(packet_bytes.begin(),
                 packet_bytes.begin() + static_cast<std::ptrdiff_t>(
                                            std::min(packet_bytes.size(), Evidence::kMaxExcerpt)));
  consumed = n;
  return Parse::done;
}

Parse suback_impl(Bytes in, MqttSuback& out, std::size_t& consumed, std::uint8_t protocol_level) {
  if (!level_ok(protocol_level)) return Parse::invalid;
  MqttPacket p;
  Bytes body;
  std::size_t n = 0;
  const Parse r = frame(in, MqttPacketType::suback, p, body, n);
  if (r != Parse::done) return r;
  ByteReader c{body};
  std::uint16_t id = 0;
  if (!c.u16(id)) return Parse::invalid;
  if (protocol_level == kMqttLevel5 && !read_properties(c, nullptr)) return Parse::invalid;
  if (c.left() == 0) return Parse::invalid;
  std::vector<std::uint8_t> codes;
  codes.reserve(std::min(c.left(), kMqttMaxSubackCodes));
  for (std::size_t i = c.pos; i < body.size(); ++i) {
    const std::uint8_t code = body[i];
    if (protocol_level == kMqttLevel311 && code > 2 && code != 0x80) return Parse::invalid;
    if (codes.size() < kMqttMaxSubackCodes) codes.push_back(code);
  }
  out.packet_id = id;
  out.codes = std::move(codes);
  consumed = n;
  return Parse::done;
}

Parse publish_impl(Bytes in, MqttPublish& out, std::size_t& consumed, std::uint8_t protocol_level) {
  if (!level_ok(protocol_level)) return Parse::invalid;
  MqttPacket p;
  Bytes body;
  std::size_t n = 0;
  const Parse r = frame(in, MqttPacketType::publish, p, body, n);
  if (r != Parse::done) return r;
  ByteReader c{body};
  Bytes topic;
  if (!read_string(c, topic)) return Parse::invalid;
  const std::uint8_t qos = (p.flags >> 1) & 3;
  std::uint16_t id = 0;
  if (qos > 0 && !c.u16(id)) return Parse::invalid;
  if (protocol_level == kMqttLevel5 && !read_properties(c, nullptr)) return Parse::invalid;
  out.topic = printable_text(topic, kMqttMaxString);
  out.qos = qos;
  out.retain = (p.flags & 1) != 0;
  out.dup = (p.flags & 8) != 0;
  out.packet_id = id;
  out.payload_size = c.left();
  consumed = n;
  return Parse::done;
}

}  // namespace

// The decoders allocate only a few capped strings and vectors; should even that fail, the input is
// reported invalid instead of letting std::bad_alloc cross the noexcept boundary.
Parse parse_mqtt_connack(Bytes in, MqttConnack& out, std::size_t& consumed,
                         std::uint8_t protocol_level) noexcept {
  try {
    return connack_impl(in, out, consumed, protocol_level);
  } catch (...) {
    return Parse::invalid;
  }
}

Parse parse_mqtt_suback(Bytes in, MqttSuback& out, std::size_t& consumed,
                        std::uint8_t protocol_level) noexcept {
  try {
    return suback_impl(in, out, consumed, protocol_level);
  } catch (...) {
    return Parse::invalid;
  }
}

Parse parse_mqtt_publish(Bytes in, MqttPublish& out, std::size_t& consumed,
                         std::uint8_t protocol_level) noexcept {
  try {
    return publish_impl(in, out, consumed, protocol_level);
  } catch (...) {
    return Parse::invalid;
  }
}

// ---- observations ----------------------------------------------------------------------------

bool add_mqtt_topic(std::vector<std::string>& seen, std::string_view topic) {
  if (seen.size() >= kMqttMaxTopicsSeen) return false;
  if (std::find(seen.begin(), seen.end(), topic) != seen.end()) return false;
  seen.emplace_back(topic);
  return true;
}

std::vector<Observation> mqtt_observations(const MqttConnack& connack, const Endpoint& endpoint,
                                           bool connect_had_credentials,
                                           const std::vector<std::string>* topics_seen) {
  const std::string level = connack.protocol_level == kMqttLevel5 ? "5.0" : "3.1.1";
  Evidence ev;
  ev.kind = "handshake";
  ev.detail = "CONNECT (MQTT " + level +
              (connect_had_credentials ? ", with credentials" : ", no credentials") +
              "), CONNACK code " + std::to_string(connack.code);
  ev.excerpt = printable_excerpt(connack.raw);

  std::vector<Observation> out;
  auto add = [&](const ObservationKey& key, Value v, const Evidence& e) {
    out.push_back(Observation{endpoint, key, std::move(v), e});
  };
  add(keys::mqtt::connack_code, std::int64_t{connack.code}, ev);
  if (!connect_had_credentials) add(keys::mqtt::anonymous_accepted, connack.code == 0, ev);
  add(keys::mqtt::protocol_level, std::int64_t{connack.protocol_level}, ev);
  if (topics_seen) {
    Evidence tev;
    tev.kind = "handshake";
    tev.detail =
        "SUBSCRIBE; " + std::to_string(topics_seen->size()) + " distinct topic(s) received";
    for (const auto& t : *topics_seen) {
      if (tev.excerpt.size() + t.size() + 1 > Evidence::kMaxExcerpt) break;
      if (!tev.excerpt.empty()) tev.excerpt += ' ';
      tev.excerpt += t;
    }
    const auto kept = static_cast<std::ptrdiff_t>(std::min(topics_seen->size(), kMqttMaxTopicsSeen));
    std::vector<std::string> topics(topics_seen->begin(), topics_seen->begin() + kept);
    add(keys::mqtt::topics_seen, std::move(topics), tev);
  }
  return out;
}

}  // namespace trustscan
