// trustscan — credential trial keys (one login surface per endpoint) (docs/observations.md).
//
// Producers and C++ checks name these constants, never the strings, so a typo does not compile;
// the catalog (scanner/core/observation_keys.cpp) lists them and generates docs/observations.md.
#pragma once

#include "trustscan/observation_key.hpp"

namespace trustscan::keys::cred {

inline constexpr ObservationKey surface{"cred.surface", ValueType::string,
    "what was tried: \"HTTP Basic realm=… on /\", \"HTML form POST /login\", \"Telnet login\"…",
    "scanner/credentials/credentials.cpp"};
inline constexpr ObservationKey attempts{"cred.attempts", ValueType::integer,
    "pairs tried (the known-bad attempt not counted)", "scanner/credentials/credentials.cpp"};
inline constexpr ObservationKey accepted{"cred.accepted", ValueType::boolean,
    "a pair was accepted (evidence carries username and password)", "scanner/credentials/credentials.cpp"};
inline constexpr ObservationKey blank_tested{"cred.blank_tested", ValueType::boolean,
    "a pair with an empty password was tried", "scanner/credentials/credentials.cpp"};
inline constexpr ObservationKey blank_accepted{"cred.blank_accepted", ValueType::boolean,
    "…and accepted", "scanner/credentials/credentials.cpp"};
inline constexpr ObservationKey no_auth{"cred.no_auth", ValueType::boolean,
    "the random known-bad pair was accepted: no authentication", "scanner/credentials/credentials.cpp"};
inline constexpr ObservationKey known_bad{"cred.known_bad", ValueType::string,
    "how the random known-bad pair was answered: \"rejected\", \"accepted\" (no authentication) or \"unproven\" "
    "(a page that reads as a success but shows no protected content: the pairs are compared with it)",
    "scanner/credentials/credentials.cpp"};
inline constexpr ObservationKey inconclusive{"cred.inconclusive", ValueType::string,
    "why the trial stopped early: \"lockout\", \"errors\", \"budget\"", "scanner/credentials/credentials.cpp"};
inline constexpr ObservationKey throttle_tested{"cred.throttle_tested", ValueType::boolean,
    "the opt-in throttling test ran on this surface (--creds-throttle)", "scanner/credentials/credentials.cpp"};
inline constexpr ObservationKey throttle{"cred.throttle", ValueType::string,
    "its reading: \"lockout\", \"delay\", \"none\" or \"errors\"", "scanner/credentials/credentials.cpp"};
inline constexpr ObservationKey throttle_attempts{"cred.throttle_attempts", ValueType::integer,
    "wrong-password attempts the throttling test made", "scanner/credentials/credentials.cpp"};
inline constexpr ObservationKey all[] = {
    surface, attempts, accepted, blank_tested, blank_accepted, no_auth, known_bad, inconclusive, throttle_tested, throttle,
    throttle_attempts
};

}  // namespace trustscan::keys::cred
