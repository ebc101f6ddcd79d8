// trustscan — RTSP observation keys (docs/observations.md).
//
// Producers and C++ checks name these constants, never the strings, so a typo does not compile;
// the catalog (scanner/core/observation_keys.cpp) lists them and generates docs/observations.md.
#pragma once

#include "trustscan/observation_key.hpp"

namespace trustscan::keys::rtsp {

inline constexpr ObservationKey status{"rtsp.status", ValueType::integer,
    "status code of the OPTIONS reply (200, 401, 404…)", "probes/rtsp/rtsp.cpp"};
inline constexpr ObservationKey server{"rtsp.server", ValueType::string,
    "Server header", "probes/rtsp/rtsp.cpp"};
inline constexpr ObservationKey public_methods{"rtsp.public", ValueType::list,
    "methods of the Public header (\"OPTIONS\", \"DESCRIBE\"…)", "probes/rtsp/rtsp.cpp"};
inline constexpr ObservationKey auth_schemes{"rtsp.auth_schemes", ValueType::list,
    "one entry per WWW-Authenticate header: the scheme and realm", "probes/rtsp/rtsp.cpp"};
inline constexpr ObservationKey sdp_present{"rtsp.sdp_present", ValueType::boolean,
    "the response carries a non-empty application/sdp body", "probes/rtsp/rtsp.cpp"};
inline constexpr ObservationKey describe_status{"rtsp.describe_status", ValueType::integer,
    "status code of a DESCRIBE without credentials", "probes/rtsp/rtsp_probe.cpp"};
inline constexpr ObservationKey stream_unauthenticated{"rtsp.stream_unauthenticated", ValueType::boolean,
    "that DESCRIBE returned the stream description (200 with a body)", "probes/rtsp/rtsp_probe.cpp"};
inline constexpr ObservationKey all[] = {
    status, server, public_methods, auth_schemes, sdp_present, describe_status, stream_unauthenticated
};

}  // namespace trustscan::keys::rtsp
