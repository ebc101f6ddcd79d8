// trustscan — JA3 and JA4 TLS client fingerprints of a parsed ClientHello (capture replay).
//
// JA3 (salesforce/ja3 README): "SSLVersion,Ciphers,Extensions,EllipticCurves,EllipticCurvePointFormats",
// decimal values joined by '-', GREASE values removed, then the MD5 in lower-case hex.
// JA4 (FoxIO technical_details/JA4.md, the TLS client fingerprint only, BSD-3-Clause):
//   a = t|q|d, version ("13", "12", … "s3", "00"), d|i (SNI present), 2-digit cipher count,
//       2-digit extension count (both capped at 99, GREASE ignored), first+last char of the first
//       ALPN value ("00" when none; hex digits when not alphanumeric);
//   b = first 12 hex of sha256 of the sorted cipher list ("000000000000" when empty);
//   c = first 12 hex of sha256 of the sorted extensions without SNI/ALPN, then "_" and the
//       signature algorithms in wire order ("000000000000" when no extension is left).
//   ja4_r is the same with the hashed lists written out.
// Pure: the hashes come from libcrypto's EVP digests (no I/O, no SSL state).
//
// Observation keys (tls_client_observations, one hello from a device acting as a client):
//   tls.client.version      string  highest version offered ("TLSv1.3", "TLSv1.0", "SSLv3", "0x7F17")
//   tls.client.sni          string  server name, when sent
//   tls.client.alpn         list    ALPN protocols, when sent
//   tls.client.ja3          string  JA3 MD5
//   tls.client.ja4          string  JA4
#pragma once

#include "probes/tls/client_hello.hpp"
#include "trustscan/types.hpp"

#include <string>
#include <vector>

namespace trustscan {

struct JaFingerprint {
  std::string ja3;      ///< the JA3 string ("769,47-53,0-10-11,23-24,0")
  std::string ja3_md5;  ///< its MD5, 32 lower-case hex digits
  std::string ja4;      ///< "t13d1516h2_8daaf6152771_e5627efa2ab1"
  std::string ja4_r;    ///< JA4 with the sorted lists in clear instead of their hashes
};

/// Transport of the hello for JA4's first character: 't' (TLS over TCP), 'q' (QUIC), 'd' (DTLS).
JaFingerprint ja_fingerprint(const ClientHelloInfo& hello, char transport = 't');

/// JA3S (salesforce/ja3 README): "SSLVersion,Cipher,SSLExtension" of a ServerHello, decimal,
/// extensions in wire order joined by '-' (GREASE removed), and its MD5. JA4S is not computed:
/// FoxIO licenses JA4+ other than JA4 itself under its own licence (docs/replay.md).
struct Ja3s {
  std::string ja3s;      ///< "771,49199,65281-0-11-35-23"
  std::string ja3s_md5;  ///< its MD5, 32 lower-case hex digits
};
Ja3s ja3s_fingerprint(std::uint16_t legacy_version, std::uint16_t cipher_suite, const std::vector<std::uint16_t>& extensions);

/// Lower-case hex MD5 / SHA-256 of `text` (libcrypto EVP); empty string if libcrypto fails.
std::string md5_hex(std::string_view text);
std::string sha256_hex(std::string_view text);

/// The observations listed above for one ClientHello seen from a device (evidence kind
/// "handshake", the record's first bytes as excerpt).
std::vector<Observation> tls_client_observations(const ClientHelloInfo& hello, const Endpoint& server);

}  // namespace trustscan
