// trustscan — probe bookkeeping keys (docs/observations.md).
//
// Producers and C++ checks name these constants, never the strings, so a typo does not compile;
// the catalog (scanner/core/observation_keys.cpp) lists them and generates docs/observations.md.
#pragma once

#include "trustscan/observation_key.hpp"

namespace trustscan::keys::probe {

inline constexpr ObservationKey status{"probe.<service>.status", ValueType::string,
    "how that protocol probe ended: a Status name (\"success\", \"not_detected\"…)", "scanner/pipeline/probe_util.cpp"};
inline constexpr ObservationKey liveness{"probe.liveness", ValueType::string,
    "after every probe and trial: \"answered\" when a port open at the port scan still accepts a connection, "
    "\"host_up\" when none does but the host answers host discovery, \"silent\" when nothing answers",
    "scanner/pipeline/pipeline.cpp"};
inline constexpr ObservationKey discovery{"probe.discovery", ValueType::string,
    "host discovery before the port scan: \"up\" (what answered) or \"down\" (what went unanswered; "
    "the device was not port-scanned)", "scanner/pipeline/pipeline.cpp"};
inline constexpr ObservationKey held{"probe.<service>.held", ValueType::string,
    "a follow-on stage of that probe the safety selection did not allow (the stage's name; the evidence says how to allow it)",
    "scanner/pipeline/probe_runner.cpp"};
inline constexpr ObservationKey all[] = {status, liveness, discovery, held};

}  // namespace trustscan::keys::probe
