// trustscan — service identification keys: what answers on an endpoint (docs/observations.md).
//
// Producers and C++ checks name these constants, never the strings, so a typo does not compile;
// the catalog (scanner/core/observation_keys.cpp) lists them and generates docs/observations.md.
#pragma once

#include "trustscan/observation_key.hpp"

namespace trustscan::keys::service {

inline constexpr ObservationKey name{"service.name", ValueType::string,
    "service an identification rule matched (\"ssh\", \"http\", \"https\"…)", "scanner/pipeline/probe_runner.cpp"};
inline constexpr ObservationKey product{"service.product", ValueType::string,
    "product the matching rule names", "scanner/pipeline/probe_runner.cpp"};
inline constexpr ObservationKey version{"service.version", ValueType::string,
    "version the matching rule extracted", "scanner/pipeline/probe_runner.cpp"};
inline constexpr ObservationKey banner{"service.banner", ValueType::string,
    "a reply no rule matched, kept as an excerpt", "scanner/pipeline/probe_runner.cpp"};
inline constexpr ObservationKey held{"service.held", ValueType::string,
    "why no hello was sent to an open port (a printer port prints what it is sent: --probe-printers)",
    "scanner/pipeline/probe_runner.cpp"};
inline constexpr ObservationKey all[] = {name, product, version, banner, held};

}  // namespace trustscan::keys::service
