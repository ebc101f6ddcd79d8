// trustscan — the list of device keys known to be compromised (private keys published from
// firmware images and SDKs), as data: profiles/data/compromised-keys.yaml, embedded, plus any
// file given with --compromised-keys. The TLS analyzer looks up the SHA-256 of every
// certificate a server sent and of the leaf's public key (SPKI) in it (tls.cert.compromised_key).
//
// File format (every entry names where the key was published; fingerprints are lower- or
// upper-case hex, 64 digits, colons allowed):
//
//   keys:
//     - name: Western Digital My Cloud firmware 2.11.164 web server key
//       source: public key collection SecurityFail/kompromat, src/WesternDigital/...
//       spki_sha256: c6a34e…   # SHA-256 of the DER SubjectPublicKeyInfo (any certificate of the key)
//       cert_sha256: 8dfcdd…   # SHA-256 of one certificate's DER (optional)
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace trustscan {

struct CompromisedKey {
  std::string name;         ///< what the key is ("<vendor> <product> <firmware> web server key")
  std::string source;       ///< where it was published
  std::string spki_sha256;  ///< lower-case hex, 64 digits; "" when only the certificate is known
  std::string cert_sha256;  ///< lower-case hex, 64 digits; "" when only the key is known
};

struct CompromisedKeys {
  std::vector<CompromisedKey> keys;
  std::vector<std::string> origins;  ///< the files the entries came from ("builtin:compromised-keys")
};

/// Most entries one file may hold.
inline constexpr std::size_t kMaxCompromisedKeys = 100000;

/// Parses a list; throws ProfileError ("ORIGIN:LINE: what") on anything but the format above:
/// unknown keys, an entry without name, source or a fingerprint, a fingerprint that is not
/// 64 hex digits, a fingerprint listed twice.
CompromisedKeys parse_compromised_keys(const std::string& yaml_text, const std::string& origin);

/// The embedded list (profiles/data/compromised-keys.yaml).
const CompromisedKeys& builtin_compromised_keys();

/// The embedded list followed by the entries of `more` (a fingerprint in both stays once).
CompromisedKeys merged_compromised_keys(const CompromisedKeys& more);

/// The entries whose spki_sha256 is in `spkis` or whose cert_sha256 is in `certs` (lower-case
/// hex), in list order.
std::vector<const CompromisedKey*> find_compromised(const CompromisedKeys& list, const std::vector<std::string>& spkis,
                                                    const std::vector<std::string>& certs);

}  // namespace trustscan
