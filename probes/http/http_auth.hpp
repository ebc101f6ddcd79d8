// trustscan — HTTP authentication challenges (RFC 9110 §11) and Authorization headers for Basic
// (RFC 7617) and Digest (RFC 7616, RFC 2617, RFC 2069) — pure, no I/O. Shared by HTTP and RTSP
// (RTSP/1.0 borrows HTTP's authentication, RFC 2326 §D).
//
// The credential trials read every WWW-Authenticate value of a 401 with
// `parse_auth_challenges`, pick a scheme, and build the Authorization header of each attempt
// with `build_basic_authorization` or `build_digest_authorization`. Hashing is the caller's
// (parsers never include OpenSSL): `build_digest_authorization` takes a function that returns the
// lowercase hex digest of its input under the challenge's algorithm (the scanner uses OpenSSL EVP).
//
// What `parse_auth_challenges` accepts (RFC 9110 §11.6.1):
//     challenge = auth-scheme [ 1*SP ( token68 / #auth-param ) ]
//     auth-param = token BWS "=" BWS ( token / quoted-string )
// several challenges comma-separated in one value, empty list elements skipped; parameter names
// compared case-insensitively; quoted-pair escapes decoded. Lenient as devices need: a bare LF/CR
// is not allowed, but an unquoted value may hold any visible character except ',' (some cameras
// send `nonce=abc/def=` unquoted).
//
// Caps: at most kAuthMaxChallenges challenges and kAuthMaxParams parameters each; a scheme,
// name or value longer than kAuthMaxValue, or an input longer than kAuthMaxInput, is `invalid`.
// No observation keys: the trials record what they tried (scanner/credentials/credentials.hpp).
#pragma once

#include "trustscan/parse.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace trustscan {

inline constexpr std::size_t kAuthMaxChallenges = 16;
inline constexpr std::size_t kAuthMaxParams = 32;
inline constexpr std::size_t kAuthMaxValue = 1024;
inline constexpr std::size_t kAuthMaxInput = 16 * 1024;

/// One challenge. `params` keep the order sent, names lowercased, values unquoted.
struct AuthChallenge {
  std::string scheme;  ///< as sent ("Digest", "Basic")
  std::string token68; ///< "Negotiate <token68>" form; empty otherwise
  std::vector<std::pair<std::string, std::string>> params;

  /// The first parameter of that (lowercase) name, or nullptr.
  const std::string* param(std::string_view lower_name) const noexcept;
  /// The scheme compared case-insensitively.
  bool is(std::string_view scheme_name) const noexcept;
};

/// Parses one WWW-Authenticate (or Proxy-Authenticate) field value and appends its challenges
/// to `out` (on `invalid`, `out` keeps the challenges already complete). `done` or `invalid`;
/// an empty value is `invalid`.
Parse parse_auth_challenges(Bytes value, std::vector<AuthChallenge>& out) noexcept;

/// Digest algorithms we can answer (RFC 7616 §3.3; SHA-512-256 is not offered by devices).
enum class DigestAlgorithm : std::uint8_t { md5, md5_sess, sha256, sha256_sess };

/// The challenge's algorithm parameter (absent: MD5), or nullopt when unknown.
std::optional<DigestAlgorithm> digest_algorithm(const AuthChallenge& c) noexcept;
/// "MD5", "MD5-sess", "SHA-256", "SHA-256-sess".
std::string_view to_string(DigestAlgorithm a) noexcept;

/// Lowercase hex digest of `data` under the algorithm's hash (MD5 or SHA-256; the -sess variants
/// use the same hash). Supplied by the caller.
using DigestHashFn = std::function<std::string(DigestAlgorithm, std::string_view data)>;

struct DigestRequest {
  std::string_view user;
  std::string_view password;
  std::string_view method;  ///< "GET", "DESCRIBE"
  std::string_view uri;     ///< the request-target exactly as sent on the request line
  std::string_view cnonce;  ///< client nonce (used with qop and -sess)
  std::uint32_t nc = 1;     ///< nonce count
};

/// The Authorization value answering `c` (a Digest challenge with realm and nonce) for `req`:
///   Digest username="…", realm="…", nonce="…", uri="…", algorithm=…, response="…"
///   [, opaque="…"][, qop=auth, nc=00000001, cnonce="…"]
/// qop=auth when the challenge offers it; no qop (RFC 2069) when the challenge has none.
/// nullopt when the challenge is not Digest, lacks realm or nonce, names an unknown algorithm,
/// offers only qop=auth-int, or an input holds CR, LF or NUL, or a user name a quoted-string
/// cannot carry (a '"' or '\' is escaped; control bytes are refused).
std::optional<std::string> build_digest_authorization(const AuthChallenge& c, const DigestRequest& req,
                                                      const DigestHashFn& hash);

/// "Basic " + base64(user ":" password) (RFC 7617, UTF-8 bytes as given).
std::string build_basic_authorization(std::string_view user, std::string_view password);

/// Standard base64 with padding (RFC 4648 §4).
std::string base64_encode(std::string_view in);

}  // namespace trustscan
