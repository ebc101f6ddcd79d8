// trustscan — probe bookkeeping keys (docs/observations.md).
//
// Producers and C++ checks name these constants, never the strings, so a typo does not compile;
// the catalog (scanner/core/observation_keys.cpp) lists them and generates docs/observations.md.
#pragma once

#include "trustscan/observation_key.hpp"

namespace trustscan::keys::probe {

inline constexpr ObservationKey status{"probe.<service>.status", ValueType::string,
    "how that protocol probe ended: a Status name (\"success\", \"not_detected\"…)", "scanner/pipeline/probe_util.cpp"};
inline constexpr ObservationKey all[] = {status};

}  // namespace trustscan::keys::probe
