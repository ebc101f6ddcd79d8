// trustscan — DNS and mDNS observation keys (docs/observations.md).
//
// Producers and C++ checks name these constants, never the strings, so a typo does not compile;
// the catalog (scanner/core/observation_keys.cpp) lists them and generates docs/observations.md.
#pragma once

#include "trustscan/observation_key.hpp"

namespace trustscan::keys::dns {

inline constexpr ObservationKey rcode{"dns.rcode", ValueType::integer,
    "RCODE of the reply header (0 NOERROR, 3 NXDOMAIN, 5 REFUSED…)", "probes/dns/dns.cpp"};
inline constexpr ObservationKey recursion_available{"dns.recursion_available", ValueType::boolean,
    "the RA flag of the reply", "probes/dns/dns.cpp"};
inline constexpr ObservationKey version_bind{"dns.version_bind", ValueType::string,
    "TXT strings of a \"version.bind\" CH TXT answer, joined by \" \"", "probes/dns/dns.cpp"};
inline constexpr ObservationKey all[] = {rcode, recursion_available, version_bind};

}  // namespace trustscan::keys::dns

namespace trustscan::keys::mdns {

inline constexpr ObservationKey services{"mdns.services", ValueType::list,
    "DNS-SD service types (\"_http._tcp.local\")", "probes/dns/dns.cpp"};
inline constexpr ObservationKey instances{"mdns.instances", ValueType::list,
    "service instance names: PTR targets and SRV owners", "probes/dns/dns.cpp"};
inline constexpr ObservationKey hostnames{"mdns.hostnames", ValueType::list,
    "SRV targets, A/AAAA owners, reverse-map PTR targets", "probes/dns/dns.cpp"};
inline constexpr ObservationKey txt{"mdns.txt", ValueType::list,
    "non-empty TXT strings, usually \"key=value\"", "probes/dns/dns.cpp"};
inline constexpr ObservationKey all[] = {services, instances, hostnames, txt};

}  // namespace trustscan::keys::mdns
