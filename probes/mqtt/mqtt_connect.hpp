// trustscan — an MQTT CONNECT seen in a capture (the device as a broker client): which protocol
// level, which client id, whether it logs in and with what, and its Will. Credentials sent over
// plain MQTT (port 1883) are the cleartext-credential finding replay looks for.
//
// parse_mqtt_connect is a stream parser over the client→server bytes (docs/probes.md): the
// packet is framed by mqtt.hpp's parse_mqtt_packet (same caps: Remaining Length at most
// kMqttMaxRemainingLength), then the variable header and payload of MQTT 3.1 ("MQIsdp", level 3),
// 3.1.1 ("MQTT", level 4) and 5.0 ("MQTT", level 5; CONNECT and Will properties are skipped by
// their length) are read. Strings are cut at kMqttMaxString bytes.
//
// Observation keys (mqtt_connect_observations):
//   mqtt.connect.protocol_level  int     3, 4 or 5
//   mqtt.connect.client_id       string  absent when empty
//   mqtt.connect.username        string  when the username flag is set (evidence.username and,
//                                        when a password is sent, evidence.password)
//   mqtt.connect.password_sent   bool    the password flag (always)
//   mqtt.connect.clean_session   bool    Clean Session / Clean Start (always)
//   mqtt.connect.will_topic      string  when a Will is set
#pragma once

#include "probes/mqtt/mqtt.hpp"
#include "trustscan/parse.hpp"
#include "trustscan/types.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace trustscan {

struct MqttConnect {
  std::string protocol_name;        ///< "MQTT" or "MQIsdp"
  std::uint8_t protocol_level = 0;  ///< 3 (3.1), 4 (3.1.1), 5 (5.0)
  bool clean_session = false;
  std::uint16_t keepalive_s = 0;
  std::string client_id;
  std::optional<std::string> username;
  std::optional<std::string> password;  ///< the bytes sent (binary data in 3.1.1 / 5.0)
  std::optional<std::string> will_topic;
  std::uint8_t will_qos = 0;
  bool will_retain = false;
  std::vector<std::uint8_t> raw;    ///< first Evidence::kMaxExcerpt bytes of the packet
};

/// One CONNECT at the start of the client stream. need_more until the packet is complete;
/// invalid when the first packet is not a CONNECT, the protocol name/level pair is unknown, the
/// reserved flag bit is set, a password comes without a username at level 3/4, Will QoS is 3 or
/// set without the Will flag, or a length runs past the packet. `consumed` = packet bytes.
Parse parse_mqtt_connect(Bytes in, MqttConnect& out, std::size_t& consumed) noexcept;

std::vector<Observation> mqtt_connect_observations(const MqttConnect& c, const Endpoint& broker);

}  // namespace trustscan
