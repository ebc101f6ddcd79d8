// trustscan — Telnet observation keys (docs/observations.md).
//
// Producers and C++ checks name these constants, never the strings, so a typo does not compile;
// the catalog (scanner/core/observation_keys.cpp) lists them and generates docs/observations.md.
#pragma once

#include "trustscan/observation_key.hpp"

namespace trustscan::keys::telnet {

inline constexpr ObservationKey banner{"telnet.banner", ValueType::string,
    "printable text received before the prompt", "probes/telnet/telnet.cpp"};
inline constexpr ObservationKey options{"telnet.options", ValueType::list,
    "option negotiations the server sent (\"DO ECHO\", \"WILL SGA\"…), first-seen order", "probes/telnet/telnet.cpp"};
inline constexpr ObservationKey prompt{"telnet.prompt", ValueType::string,
    "\"login\", \"password\", \"shell\" or \"none\": what the server asked for", "probes/telnet/telnet.cpp"};
inline constexpr ObservationKey all[] = {banner, options, prompt};

}  // namespace trustscan::keys::telnet
