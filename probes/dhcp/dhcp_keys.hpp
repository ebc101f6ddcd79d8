// trustscan — DHCP observation keys (the passive DHCP dissector) (docs/observations.md).
//
// Producers and C++ checks name these constants, never the strings, so a typo does not compile;
// the catalog (scanner/core/observation_keys.cpp) lists them and generates docs/observations.md.
#pragma once

#include "trustscan/observation_key.hpp"

namespace trustscan::keys::dhcp {

inline constexpr ObservationKey message_type{"dhcp.message_type", ValueType::string,
    "option 53: \"DISCOVER\", \"OFFER\", \"REQUEST\", \"ACK\"…", "probes/dhcp/dhcp.cpp"};
inline constexpr ObservationKey client_mac{"dhcp.client_mac", ValueType::string,
    "chaddr as \"02:00:c6:13:fb:10\" (Ethernet, hlen 6)", "probes/dhcp/dhcp.cpp"};
inline constexpr ObservationKey hostname{"dhcp.hostname", ValueType::string,
    "option 12, the client's host name", "probes/dhcp/dhcp.cpp"};
inline constexpr ObservationKey vendor_class{"dhcp.vendor_class", ValueType::string,
    "option 60 (\"udhcp 1.35.0\", \"MSFT 5.0\", \"android-dhcp-13\")", "probes/dhcp/dhcp.cpp"};
inline constexpr ObservationKey client_id{"dhcp.client_id", ValueType::string,
    "option 61 in lower-case hex", "probes/dhcp/dhcp.cpp"};
inline constexpr ObservationKey client_fqdn{"dhcp.client_fqdn", ValueType::string,
    "option 81's name", "probes/dhcp/dhcp.cpp"};
inline constexpr ObservationKey parameter_request_list{"dhcp.parameter_request_list", ValueType::string,
    "option 55 as \"1,3,6,12,15,28,42\" (Fingerbank's form)", "probes/dhcp/dhcp.cpp"};
inline constexpr ObservationKey requested_ip{"dhcp.requested_ip", ValueType::string,
    "option 50, the address the client asks for", "probes/dhcp/dhcp.cpp"};
inline constexpr ObservationKey server_id{"dhcp.server_id", ValueType::string,
    "option 54, the DHCP server's address", "probes/dhcp/dhcp.cpp"};
inline constexpr ObservationKey your_ip{"dhcp.your_ip", ValueType::string,
    "yiaddr of a server message (OFFER, ACK) when not 0.0.0.0", "probes/dhcp/dhcp.cpp"};
inline constexpr ObservationKey dns_servers{"dhcp.dns_servers", ValueType::list,
    "option 6, DNS servers offered", "probes/dhcp/dhcp.cpp"};
inline constexpr ObservationKey ntp_servers{"dhcp.ntp_servers", ValueType::list,
    "option 42, NTP servers offered", "probes/dhcp/dhcp.cpp"};
inline constexpr ObservationKey all[] = {
    message_type, client_mac, hostname, vendor_class, client_id, client_fqdn, parameter_request_list, requested_ip, server_id,
    your_ip, dns_servers, ntp_servers
};

}  // namespace trustscan::keys::dhcp
