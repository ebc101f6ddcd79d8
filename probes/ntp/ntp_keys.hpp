// trustscan — NTP observation keys (docs/observations.md).
//
// Producers and C++ checks name these constants, never the strings, so a typo does not compile;
// the catalog (scanner/core/observation_keys.cpp) lists them and generates docs/observations.md.
#pragma once

#include "trustscan/observation_key.hpp"

namespace trustscan::keys::ntp {

inline constexpr ObservationKey mode{"ntp.mode", ValueType::integer,
    "mode of the time reply (4 = server)", "probes/ntp/ntp.cpp"};
inline constexpr ObservationKey stratum{"ntp.stratum", ValueType::integer,
    "stratum: 0 (unspecified / kiss-o'-death), 1 (primary), 2..15, 16", "probes/ntp/ntp.cpp"};
inline constexpr ObservationKey version{"ntp.version", ValueType::integer,
    "version number of the time reply", "probes/ntp/ntp.cpp"};
inline constexpr ObservationKey refid{"ntp.refid", ValueType::string,
    "reference id: ASCII at stratum 0/1 (\"GPS\", \"INIT\"), else dotted IPv4", "probes/ntp/ntp.cpp"};
inline constexpr ObservationKey mode6{"ntp.mode6", ValueType::boolean,
    "the device answered a mode 6 control query", "probes/ntp/ntp.cpp"};
inline constexpr ObservationKey mode6_version{"ntp.mode6_version", ValueType::string,
    "the `version` system variable (\"ntpd ntpsec-1.2.2\")", "probes/ntp/ntp.cpp"};
inline constexpr ObservationKey mode6_system{"ntp.mode6_system", ValueType::string,
    "the `system` system variable (\"Linux/6.1.0\"): OS disclosure", "probes/ntp/ntp.cpp"};
inline constexpr ObservationKey monlist{"ntp.monlist", ValueType::boolean,
    "a mode 7 MON_GETLIST reply without error was received (amplification)", "probes/ntp/ntp.cpp"};
inline constexpr ObservationKey monlist_items{"ntp.monlist_items", ValueType::integer,
    "number of monitor entries in that reply", "probes/ntp/ntp.cpp"};
inline constexpr ObservationKey all[] = {
    mode, stratum, version, refid, mode6, mode6_version, mode6_system, monlist, monlist_items
};

}  // namespace trustscan::keys::ntp
