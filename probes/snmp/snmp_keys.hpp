// trustscan — SNMP observation keys (docs/observations.md).
//
// Producers and C++ checks name these constants, never the strings, so a typo does not compile;
// the catalog (scanner/core/observation_keys.cpp) lists them and generates docs/observations.md.
#pragma once

#include "trustscan/observation_key.hpp"

namespace trustscan::keys::snmp {

inline constexpr ObservationKey community{"snmp.community", ValueType::string,
    "the community the agent answered (echoed in its response)", "probes/snmp/snmp.cpp"};
inline constexpr ObservationKey version{"snmp.version", ValueType::string,
    "\"v1\" or \"v2c\"", "probes/snmp/snmp.cpp"};
inline constexpr ObservationKey sys_descr{"snmp.sys_descr", ValueType::string,
    "sysDescr (1.3.6.1.2.1.1.1.0), when returned with a value", "probes/snmp/snmp.cpp"};
inline constexpr ObservationKey sys_object_id{"snmp.sys_object_id", ValueType::string,
    "sysObjectID (1.3.6.1.2.1.1.2.0), dotted", "probes/snmp/snmp.cpp"};
inline constexpr ObservationKey sys_name{"snmp.sys_name", ValueType::string,
    "sysName (1.3.6.1.2.1.1.5.0)", "probes/snmp/snmp.cpp"};
inline constexpr ObservationKey communities{"snmp.communities", ValueType::list,
    "default communities a SNMPv2c GET of the system group answered", "probes/snmp/snmp_probe.cpp"};
inline constexpr ObservationKey write_tested{"snmp.write_tested", ValueType::boolean,
    "the opt-in write test (SET of a system object to its own value) ran", "probes/snmp/snmp_probe.cpp"};
inline constexpr ObservationKey write_communities{"snmp.write_communities", ValueType::list,
    "communities that SET accepted", "probes/snmp/snmp_probe.cpp"};
inline constexpr ObservationKey all[] = {
    community, version, sys_descr, sys_object_id, sys_name, communities, write_tested, write_communities
};

}  // namespace trustscan::keys::snmp
