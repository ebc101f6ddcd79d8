// trustscan — MQTT observation keys: the broker's CONNACK and CONNECTs seen on the wire (docs/observations.md).
//
// Producers and C++ checks name these constants, never the strings, so a typo does not compile;
// the catalog (scanner/core/observation_keys.cpp) lists them and generates docs/observations.md.
#pragma once

#include "trustscan/observation_key.hpp"

namespace trustscan::keys::mqtt {

inline constexpr ObservationKey connack_code{"mqtt.connack_code", ValueType::integer,
    "CONNACK return code (3.1.1: 0..5) or reason code (5.0)", "probes/mqtt/mqtt.cpp"};
inline constexpr ObservationKey anonymous_accepted{"mqtt.anonymous_accepted", ValueType::boolean,
    "a CONNECT without username and password was accepted (only for such a CONNECT)", "probes/mqtt/mqtt.cpp"};
inline constexpr ObservationKey protocol_level{"mqtt.protocol_level", ValueType::integer,
    "protocol level of the CONNECT the CONNACK answers (4 or 5)", "probes/mqtt/mqtt.cpp"};
inline constexpr ObservationKey topics_seen{"mqtt.topics_seen", ValueType::list,
    "distinct topics of PUBLISH packets received after subscribing to #", "probes/mqtt/mqtt.cpp"};
inline constexpr ObservationKey connect_protocol_level{"mqtt.connect.protocol_level", ValueType::integer,
    "protocol level of a CONNECT seen (3, 4 or 5)", "probes/mqtt/mqtt_connect.cpp"};
inline constexpr ObservationKey connect_client_id{"mqtt.connect.client_id", ValueType::string,
    "its client identifier, when not empty", "probes/mqtt/mqtt_connect.cpp"};
inline constexpr ObservationKey connect_username{"mqtt.connect.username", ValueType::string,
    "its user name, when the flag is set (password in the evidence)", "probes/mqtt/mqtt_connect.cpp"};
inline constexpr ObservationKey connect_password_sent{"mqtt.connect.password_sent", ValueType::boolean,
    "its password flag", "probes/mqtt/mqtt_connect.cpp"};
inline constexpr ObservationKey connect_clean_session{"mqtt.connect.clean_session", ValueType::boolean,
    "its Clean Session / Clean Start flag", "probes/mqtt/mqtt_connect.cpp"};
inline constexpr ObservationKey connect_will_topic{"mqtt.connect.will_topic", ValueType::string,
    "its Will topic, when a Will is set", "probes/mqtt/mqtt_connect.cpp"};
inline constexpr ObservationKey all[] = {
    connack_code, anonymous_accepted, protocol_level, topics_seen, connect_protocol_level, connect_client_id, connect_username,
    connect_password_sent, connect_clean_session, connect_will_topic
};

}  // namespace trustscan::keys::mqtt
