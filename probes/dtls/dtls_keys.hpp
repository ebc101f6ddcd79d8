// trustscan — DTLS observation keys (docs/observations.md). A DTLS endpoint's versions, suites,
// key exchange and certificate are recorded under the tls.* keys (probes/tls/tls_keys.hpp) with
// DTLS version names ("DTLSv1.2"), so the tls.* checks judge them; these are what only DTLS has.
//
// Producers and C++ checks name these constants, never the strings, so a typo does not compile;
// the catalog (scanner/core/observation_keys.cpp) lists them and generates docs/observations.md.
#pragma once

#include "trustscan/observation_key.hpp"

namespace trustscan::keys::dtls {

inline constexpr ObservationKey mode{"dtls.mode", ValueType::list,
    "how the server authenticates, from the suites it chose and RFC 7250: \"certificate\", \"psk\", \"raw_public_key\", "
    "\"anonymous\"", "probes/dtls/dtls_probe.cpp"};
inline constexpr ObservationKey cookie{"dtls.cookie", ValueType::boolean,
    "a HelloVerifyRequest (cookie exchange, RFC 6347 §4.2.1) came before the ServerHello", "probes/dtls/dtls_probe.cpp"};
inline constexpr ObservationKey rpk_spki_sha256{"dtls.rpk.spki_sha256", ValueType::string,
    "SHA-256 of the raw public key (SubjectPublicKeyInfo, RFC 7250) the server sent", "probes/dtls/dtls_probe.cpp"};
inline constexpr ObservationKey rpk_key_type{"dtls.rpk.key_type", ValueType::string,
    "\"EC\", \"RSA\", \"ED25519\"…: the raw public key's type", "probes/dtls/dtls_probe.cpp"};
inline constexpr ObservationKey rpk_key_bits{"dtls.rpk.key_bits", ValueType::integer,
    "its size in bits", "probes/dtls/dtls_probe.cpp"};
inline constexpr ObservationKey all[] = {mode, cookie, rpk_spki_sha256, rpk_key_type, rpk_key_bits};

}  // namespace trustscan::keys::dtls
