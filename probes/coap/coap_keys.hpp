// trustscan — CoAP observation keys (docs/observations.md).
//
// Producers and C++ checks name these constants, never the strings, so a typo does not compile;
// the catalog (scanner/core/observation_keys.cpp) lists them and generates docs/observations.md.
#pragma once

#include "trustscan/observation_key.hpp"

namespace trustscan::keys::coap {

inline constexpr ObservationKey code{"coap.code", ValueType::string,
    "response code as \"class.detail\" (\"2.05\" Content, \"4.04\" Not Found…)", "probes/coap/coap.cpp"};
inline constexpr ObservationKey resources{"coap.resources", ValueType::list,
    "link targets of a /.well-known/core link-format payload (\"/sensors/temp\")", "probes/coap/coap.cpp"};
inline constexpr ObservationKey resource_count{"coap.resource_count", ValueType::integer,
    "number of links in that payload", "probes/coap/coap.cpp"};
inline constexpr ObservationKey all[] = {code, resources, resource_count};

}  // namespace trustscan::keys::coap
