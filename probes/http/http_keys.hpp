// trustscan — HTTP observation keys: responses, requests seen on the wire, exposed files (docs/observations.md).
//
// Producers and C++ checks name these constants, never the strings, so a typo does not compile;
// the catalog (scanner/core/observation_keys.cpp) lists them and generates docs/observations.md.
#pragma once

#include "trustscan/observation_key.hpp"

namespace trustscan::keys::http {

inline constexpr ObservationKey status{"http.status", ValueType::integer,
    "status code of the final response (200, 401, 301…)", "probes/http/http.cpp"};
inline constexpr ObservationKey server{"http.server", ValueType::string,
    "Server header", "probes/http/http.cpp"};
inline constexpr ObservationKey title{"http.title", ValueType::string,
    "text of the first <title> in the body, whitespace-collapsed", "probes/http/http.cpp"};
inline constexpr ObservationKey auth_schemes{"http.auth_schemes", ValueType::list,
    "one entry per WWW-Authenticate challenge (`Basic realm=\"admin\"`)", "probes/http/http.cpp"};
inline constexpr ObservationKey location{"http.location", ValueType::string,
    "Location header (redirect target)", "probes/http/http.cpp"};
inline constexpr ObservationKey hsts{"http.hsts", ValueType::boolean,
    "Strict-Transport-Security present (always emitted)", "probes/http/http.cpp"};
inline constexpr ObservationKey hsts_max_age{"http.hsts_max_age", ValueType::integer,
    "its max-age directive in seconds, when present and numeric", "probes/http/http.cpp"};
inline constexpr ObservationKey content_type{"http.content_type", ValueType::string,
    "Content-Type header", "probes/http/http.cpp"};
inline constexpr ObservationKey login_form{"http.login_form", ValueType::boolean,
    "the body has a <form> with an <input type=password> (always emitted)", "probes/http/http.cpp"};
inline constexpr ObservationKey powered_by{"http.powered_by", ValueType::string,
    "X-Powered-By header", "probes/http/http.cpp"};
inline constexpr ObservationKey exposed_logs{"http.exposed_logs", ValueType::list,
    "log paths served without authentication (200, not a soft 404)", "probes/http/http_probe.cpp"};
inline constexpr ObservationKey exposed_backups{"http.exposed_backups", ValueType::list,
    "configuration backup paths served without authentication", "probes/http/http_probe.cpp"};
inline constexpr ObservationKey request_method{"http.request.method", ValueType::string,
    "method of a request seen (\"GET\", \"POST\"…)", "probes/http/http_request.cpp"};
inline constexpr ObservationKey request_url{"http.request.url", ValueType::string,
    "\"http://<host><target>\" of that request", "probes/http/http_request.cpp"};
inline constexpr ObservationKey request_user_agent{"http.request.user_agent", ValueType::string,
    "its User-Agent", "probes/http/http_request.cpp"};
inline constexpr ObservationKey request_content_type{"http.request.content_type", ValueType::string,
    "Content-Type of a request with a body", "probes/http/http_request.cpp"};
inline constexpr ObservationKey request_basic_user{"http.request.basic_user", ValueType::string,
    "user name of an Authorization: Basic header (password in the evidence)", "probes/http/http_request.cpp"};
inline constexpr ObservationKey user_agent{"http.user_agent", ValueType::string,
    "User-Agent the device sends in its own HTTP requests (capture)", "scanner/replay/replay.cpp"};
inline constexpr ObservationKey all[] = {
    status, server, title, auth_schemes, location, hsts, hsts_max_age, content_type, login_form, powered_by, exposed_logs,
    exposed_backups, request_method, request_url, request_user_agent, request_content_type, request_basic_user, user_agent
};

}  // namespace trustscan::keys::http
