// trustscan — MQTT 3.1.1 / 5.0 request builders and reply parsers (pure, no I/O).
//
// The MQTT probe connects once without credentials (NIST IR 8259A "no universal default
// password" / IR 8425 "access to interfaces is authenticated"), reads the CONNACK, and, when the
// broker accepted it, may subscribe to "#" for a short while to see whether topics carry data.
//
//   client ── CONNECT (build_mqtt_connect) ──────────────► broker
//   client ◄──────────────────────── CONNACK (parse_mqtt_connack)
//   client ── SUBSCRIBE "#" (build_mqtt_subscribe) ──────►
//   client ◄──────────── SUBACK, PUBLISH… (parse_mqtt_packet frames them; parse_mqtt_suback,
//                                          parse_mqtt_publish decode them)
//   client ── DISCONNECT (build_mqtt_disconnect) ────────►
//
// Every parser here is a stream parser following docs/probes.md: `in` is the bytes received so
// far, starting at a packet boundary; `consumed` is set to the size of the first packet when the
// result is done. Parsers keep no state, so the answer never depends on how the bytes were split.
//
// Observation keys (mqtt_observations):
//   mqtt.connack_code        int     CONNACK return code (3.1.1: 0..5) or reason code (5.0)
//   mqtt.anonymous_accepted  bool    only when the CONNECT carried no username and no password:
//                                    true when the broker accepted it (code 0)
//   mqtt.protocol_level      int     protocol level of the CONNECT this CONNACK answers (4 or 5)
//   mqtt.topics_seen         list    distinct topic names of PUBLISH packets received after
//                                    subscribing; only when the caller subscribed
#pragma once

#include "trustscan/parse.hpp"
#include "trustscan/types.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace trustscan {

/// Largest Remaining Length accepted (bytes after the fixed header). A packet announcing more is
/// invalid as soon as its length field shows it; it is never buffered. Brokers' CONNACK and SUBACK
/// are a few bytes; a retained PUBLISH larger than this (camera stills) ends the probe with
/// invalid, which the probe reports as protocol_error after keeping what it already parsed.
inline constexpr std::size_t kMqttMaxRemainingLength = 64 * 1024;
/// Longest string kept from the wire (topic names, reason strings), in bytes; longer ones are cut.
inline constexpr std::size_t kMqttMaxString = 256;
/// Most SUBACK return codes kept; further codes are validated but not stored.
inline constexpr std::size_t kMqttMaxSubackCodes = 64;
/// Most distinct topics kept by add_mqtt_topic (and so in mqtt.topics_seen).
inline constexpr std::size_t kMqttMaxTopicsSeen = 64;

/// MQTT protocol levels (the "Protocol Level" byte of CONNECT).
inline constexpr std::uint8_t kMqttLevel311 = 4;
inline constexpr std::uint8_t kMqttLevel5 = 5;

/// Control packet types (high nibble of the first byte; MQTT 3.1.1 §2.2.1, 5.0 §2.1.2).
enum class MqttPacketType : std::uint8_t {
  connect = 1, connack = 2, publish = 3, puback = 4, pubrec = 5, pubrel = 6, pubcomp = 7,
  subscribe = 8, suback = 9, unsubscribe = 10, unsuback = 11, pingreq = 12, pingresp = 13,
  disconnect = 14, auth = 15,
};

/// The fixed header of one packet, as framed by parse_mqtt_packet.
struct MqttPacket {
  MqttPacketType type = MqttPacketType::connect;
  std::uint8_t flags = 0;              ///< low nibble of the first byte
  std::size_t header_length = 0;       ///< 1 + bytes of the Remaining Length varint (2..5)
  std::size_t remaining_length = 0;    ///< bytes after the fixed header, <= kMqttMaxRemainingLength
};

/// CONNACK (3.1.1 §3.2, 5.0 §3.2).
struct MqttConnack {
  std::uint8_t protocol_level = kMqttLevel311;  ///< the level the packet was decoded for
  bool session_present = false;
  /// 3.1.1 return code 0..5 (0 accepted, 4 bad username or password, 5 not authorized), or 5.0
  /// reason code (0 success, 0x84 unsupported protocol version, 0x86 bad user name or password,
  /// 0x87 not authorized…). A 5.0 client may receive a 3.1.1-format CONNACK from a 3.1.1-only
  /// broker; that is decoded as 3.1.1 and `legacy_format` is set.
  std::uint8_t code = 0;
  bool legacy_format = false;          ///< level 5 requested, 2-byte 3.1.1 CONNACK received
  std::string reason_string;           ///< 5.0 Reason String property, cut at kMqttMaxString
  std::vector<std::uint8_t> raw;       ///< first Evidence::kMaxExcerpt bytes of the packet
};

/// SUBACK (3.1.1 §3.9, 5.0 §3.9). 5.0 properties are validated and skipped.
struct MqttSuback {
  std::uint16_t packet_id = 0;
  /// One code per topic filter: 0..2 granted QoS, >= 0x80 failure. At most kMqttMaxSubackCodes.
  std::vector<std::uint8_t> codes;
};

/// PUBLISH (3.1.1 §3.3, 5.0 §3.3). The payload itself is not kept, only its size.
struct MqttPublish {
  /// Topic name; bytes that are not printable UTF-8 are escaped as \xNN; cut at kMqttMaxString.
  std::string topic;
  std::uint8_t qos = 0;
  bool retain = false;
  bool dup = false;
  std::uint16_t packet_id = 0;         ///< present only for QoS 1 and 2, else 0
  std::size_t payload_size = 0;        ///< bytes of application payload
};

// ---- builders --------------------------------------------------------------------------------

/// CONNECT with Clean Session set and no Will. `protocol_level` is kMqttLevel311 or kMqttLevel5;
/// `keepalive_s` is seconds. Level 4 requires a username when a password is given (3.1.1
/// §3.1.2.9), so a password without username is sent with an empty username there. Returns an
/// empty vector when an argument cannot be encoded (unknown level, a string over 65535 bytes).
std::vector<std::uint8_t> build_mqtt_connect(std::string_view client_id,
                                             std::optional<std::string_view> username,
                                             std::optional<std::string_view> password,
                                             std::uint8_t protocol_level = kMqttLevel311,
                                             std::uint16_t keepalive_s = 30);

/// SUBSCRIBE to one topic filter ("#" = everything) at `qos` (0..2). `packet_id` must be
/// non-zero (3.1.1 §2.3.1). Returns an empty vector for packet_id 0, qos > 2, an unknown level,
/// or an empty or over-long filter.
std::vector<std::uint8_t> build_mqtt_subscribe(std::uint16_t packet_id,
                                               std::string_view topic_filter,
                                               std::uint8_t protocol_level = kMqttLevel311,
                                               std::uint8_t qos = 0);

/// DISCONNECT (normal disconnection, valid for both levels): the polite way to leave.
std::vector<std::uint8_t> build_mqtt_disconnect();

// ---- parsers ---------------------------------------------------------------------------------

/// Frames one packet of any type. need_more until the fixed header and the whole body are in
/// `in`; invalid for packet type 0, reserved flag values (3.1.1 §2.2.2 table; PUBLISH QoS 3), a
/// Remaining Length varint longer than 4 bytes, or a Remaining Length over
/// kMqttMaxRemainingLength. On done, `consumed` = header_length + remaining_length.
Parse parse_mqtt_packet(Bytes in, MqttPacket& out, std::size_t& consumed) noexcept;

/// CONNACK sent in reply to a CONNECT at `protocol_level`. invalid when the first packet is not
/// a CONNACK, reserved acknowledge flags are set, a 3.1.1 return code is above 5, or 5.0
/// properties are malformed (length past the packet, unknown property identifier).
Parse parse_mqtt_connack(Bytes in, MqttConnack& out, std::size_t& consumed,
                         std::uint8_t protocol_level = kMqttLevel311) noexcept;

/// SUBACK. invalid when the first packet is not a SUBACK, carries no return code, or (3.1.1)
/// a return code other than 0, 1, 2, 0x80.
Parse parse_mqtt_suback(Bytes in, MqttSuback& out, std::size_t& consumed,
                        std::uint8_t protocol_level = kMqttLevel311) noexcept;

/// PUBLISH. invalid when the first packet is not a PUBLISH, QoS is 3, or the topic, packet id
/// or 5.0 properties run past the packet.
Parse parse_mqtt_publish(Bytes in, MqttPublish& out, std::size_t& consumed,
                         std::uint8_t protocol_level = kMqttLevel311) noexcept;

// ---- observations ----------------------------------------------------------------------------

/// Adds `topic` to `seen` unless already there or `seen` holds kMqttMaxTopicsSeen topics.
/// Returns true when it was added.
bool add_mqtt_topic(std::vector<std::string>& seen, std::string_view topic);

/// Observations for one CONNECT/CONNACK exchange (keys at the top of this file).
/// `connect_had_credentials`: whether the CONNECT carried a username or password; when false,
/// mqtt.anonymous_accepted is emitted. `topics_seen`: topics collected with add_mqtt_topic after
/// a granted subscription, or nullptr when the probe did not subscribe (then the key is absent).
std::vector<Observation> mqtt_observations(const MqttConnack& connack, const Endpoint& endpoint,
                                           bool connect_had_credentials,
                                           const std::vector<std::string>* topics_seen = nullptr);

}  // namespace trustscan
