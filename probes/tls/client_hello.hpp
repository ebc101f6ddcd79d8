// trustscan — parsing a TLS ClientHello (the client side's first flight).
//
// Used by the demo device's byte-level legacy TLS responder (which must answer hellos offering
// SSLv3, RC4 and 3DES that OpenSSL 3 cannot serve), and the basis for client fingerprints in
// capture replay (ja_fingerprint.hpp computes JA3/JA4 from it). Pure and bounded like every
// parser here (docs/probes.md): one record of at most 16 KiB + 5 bytes, at most
// kMaxOfferedSuites suites, kMaxExtensions extensions, kMaxListEntries groups / point formats /
// signature algorithms and kMaxAlpn ALPN names of at most 255 bytes kept. Lists keep the wire
// order and GREASE values (RFC 8701, 0x?a?a); `grease` says whether any were seen.
#pragma once

#include "trustscan/parse.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace trustscan {

struct ClientHelloInfo {
  static constexpr std::size_t kMaxOfferedSuites = 1024;
  static constexpr std::size_t kMaxExtensions = 64;
  static constexpr std::size_t kMaxListEntries = 128;
  static constexpr std::size_t kMaxAlpn = 16;
  std::uint16_t record_version = 0;
  std::uint16_t legacy_version = 0;            ///< client_version field (0x0303 for TLS 1.2 and 1.3)
  std::vector<std::uint16_t> cipher_suites;    ///< in offer order
  std::vector<std::uint8_t> compression_methods;
  std::vector<std::uint16_t> extensions;       ///< types, in order
  std::vector<std::uint16_t> supported_versions;  ///< from the supported_versions extension
  std::string server_name;                     ///< SNI host_name, when present (<= 255 bytes)
  std::vector<std::uint16_t> supported_groups;      ///< supported_groups (0x000a), "EllipticCurves"
  std::vector<std::uint8_t> ec_point_formats;       ///< ec_point_formats (0x000b)
  std::vector<std::uint16_t> signature_algorithms;  ///< signature_algorithms (0x000d), in order
  std::vector<std::string> alpn_protocols;          ///< ALPN (0x0010) names, raw bytes, in order
  std::vector<std::uint8_t> raw;  ///< first 512 bytes of the record (evidence excerpts)
  bool grease = false;  ///< a GREASE value was seen in suites, extensions, groups, versions or sigalgs
  /// The highest version the client offers: max(supported_versions) or legacy_version.
  std::uint16_t max_version() const noexcept;
};

/// Parses one TLS record holding a ClientHello. need_more until the record (and the hello in it)
/// is complete; invalid when the bytes are not a TLS handshake record with a ClientHello, or a
/// length field points past its container. `consumed` = bytes of the record.
Parse parse_client_hello(Bytes in, ClientHelloInfo& out, std::size_t& consumed) noexcept;

}  // namespace trustscan
