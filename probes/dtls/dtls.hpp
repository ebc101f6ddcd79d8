// trustscan — DTLS record and handshake layer (RFC 6347, RFC 9147): hand-built ClientHellos and
// the server's first flight over UDP (pure, no I/O).
//
// DTLS carries the TLS handshake in records with an epoch and sequence number and in handshake
// messages with a message_seq and a fragment offset/length, so a message may arrive in pieces,
// out of order, or twice (the server retransmits its flight). A DTLS 1.0/1.2 server first answers
// a ClientHello with a HelloVerifyRequest carrying a cookie; the client repeats its hello with the
// cookie (RFC 6347 §4.2.1):
//
//   client ── ClientHello (no cookie) ──────────────────────────────────────────────►
//   client ◄── HelloVerifyRequest(cookie)            (optional, a stateless server)
//   client ── ClientHello (cookie) ─────────────────────────────────────────────────►
//   client ◄── ServerHello [Certificate] [ServerKeyExchange] ... ServerHelloDone, or an Alert
//
// The handshake bodies are TLS 1.0-1.2 bodies (DTLS 1.0 is TLS 1.1, DTLS 1.2 is TLS 1.2, RFC 6347
// §1): build_dtls_client_hello wraps the TLS builder's hello (probes/tls/tls.hpp), and
// parse_dtls_flight reassembles the server's messages, turns them into a TLS byte stream (DTLS
// version codes mapped to their TLS versions) and lets parse_server_hello_flight read them. Raw
// public keys (RFC 7250) are read here: their Certificate message is a bare SubjectPublicKeyInfo.
//
// Observation keys: none here (the DTLS probe, probes/dtls/dtls_probe.cpp, records them).
#pragma once

#include "probes/tls/tls.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace trustscan {

/// Wire codes: DTLS 1.0 0xFEFF, DTLS 1.2 0xFEFD, DTLS 1.3 0xFEFC.
inline constexpr std::uint16_t kDtls10 = 0xfeff;
inline constexpr std::uint16_t kDtls12 = 0xfefd;
inline constexpr std::uint16_t kDtls13 = 0xfefc;

/// "DTLSv1.0", "DTLSv1.2", "DTLSv1.3", else "0xFEFE"-style hex.
std::string dtls_version_name(std::uint16_t wire);
/// The TLS version a DTLS version is built on (RFC 6347 §1, RFC 9147 §1): 1.0 → TLS 1.1,
/// 1.2 → TLS 1.2, 1.3 → TLS 1.3; nullopt for other codes.
std::optional<TlsVersion> dtls_tls_equivalent(std::uint16_t wire) noexcept;

/// RFC 7250 certificate types (server_certificate_type, extension 20).
inline constexpr std::uint8_t kCertTypeX509 = 0;
inline constexpr std::uint8_t kCertTypeRawPublicKey = 2;

/// What to put in a DTLS ClientHello.
struct DtlsHelloSpec {
  /// Suites, random, server name, groups, signature algorithms, extended_master_secret… as for
  /// TLS. `tls.version` and `tls.supported_versions` are set from `version`; padding is never
  /// sent (a hello must fit one datagram).
  ClientHelloSpec tls;
  /// kDtls10 or kDtls12 (client_version); kDtls13 sends client_version 0xFEFD with
  /// supported_versions {0xFEFC} and a key_share (TLS 1.3 suites belong in tls.cipher_suites).
  std::uint16_t version = kDtls12;
  std::vector<std::uint8_t> cookie;  ///< from a HelloVerifyRequest, at most 255 bytes (cut)
  /// server_certificate_type (RFC 7250) in preference order, e.g. {kCertTypeRawPublicKey};
  /// not sent when empty (X.509 only). At most 8.
  std::vector<std::uint8_t> server_certificate_types;
  std::uint16_t message_seq = 0;     ///< 0 for the first hello, 1 for the one with the cookie
  std::uint64_t record_sequence = 0; ///< 48-bit record sequence number (epoch 0)
};

struct DtlsClientHello {
  std::vector<std::uint8_t> bytes;            ///< one record, one unfragmented handshake message
  std::vector<std::uint16_t> offered_suites;  ///< as ClientHello::offered_suites
};

/// Builds the hello. Never fails; every list is cut at its cap (the hello stays under 2 KiB with
/// at most 128 suites).
DtlsClientHello build_dtls_client_hello(const DtlsHelloSpec& spec);

/// A fatal alert record (epoch 0, record version 0xFEFF) the probe sends when it leaves a
/// handshake, so that the server drops its state at once instead of retransmitting.
std::vector<std::uint8_t> build_dtls_alert(std::uint8_t level, std::uint8_t description, std::uint64_t record_sequence);

// ---- the server's flight ----------------------------------------------------------------------

/// Bounds of parse_dtls_flight: bytes of all datagrams of one exchange, records, handshake
/// fragments, distinct handshake messages, and the length of one message (reassembled).
inline constexpr std::size_t kDtlsMaxFlight = 65536;
inline constexpr std::size_t kDtlsMaxRecords = 256;
inline constexpr std::size_t kDtlsMaxFragments = 512;
inline constexpr std::size_t kDtlsMaxMessages = 16;
inline constexpr std::size_t kDtlsMaxMessageLength = 32768;
inline constexpr std::size_t kDtlsMaxCookie = 255;

struct DtlsFlight {
  std::uint16_t record_version = 0;  ///< version field of the first record
  /// A HelloVerifyRequest's cookie (RFC 6347 §4.2.1): the flight ends there.
  std::optional<std::vector<std::uint8_t>> cookie;
  std::uint16_t hello_verify_version = 0;  ///< server_version of the HelloVerifyRequest
  /// The server's reply read as TLS: server_hello, certificates, key exchange, alert… Version
  /// fields hold the TLS equivalents (dtls_tls_equivalent); `version` below is the DTLS one.
  ServerFlight tls;
  /// The DTLS version the ServerHello chose (supported_versions, else its version field); 0
  /// without a ServerHello.
  std::uint16_t version = 0;
  /// server_certificate_type / client_certificate_type the ServerHello chose (RFC 7250).
  std::optional<std::uint8_t> server_certificate_type;
  std::optional<std::uint8_t> client_certificate_type;
  /// With server_certificate_type = raw public key: the SubjectPublicKeyInfo (DER) the
  /// Certificate message carried, at most kTlsMaxCertificateBytes.
  std::vector<std::uint8_t> raw_public_key;
  std::size_t records = 0;           ///< records read
  std::size_t encrypted_records = 0; ///< records of an epoch > 0 (skipped: encrypted)
  std::size_t fragments = 0;         ///< handshake fragments read (retransmissions included)
  bool reassembled = false;          ///< a message came in more than one fragment
};

/// Parses every byte received since the hello was sent (datagrams appended in arrival order; a
/// record never spans datagrams, so the concatenation is a record stream). Keeps no state between
/// calls; `out` is reset on every call.
///
/// done when a HelloVerifyRequest arrived, or when the handshake messages reassembled from the
/// ServerHello on (message_seq order, each complete) and the epoch-0 alerts, read as TLS, are
/// done for parse_server_hello_flight (ServerHelloDone, a fatal alert, a DTLS 1.3 ServerHello…).
/// need_more otherwise (a message still missing a fragment included). invalid when: a record type
/// is not 20..25; a record version's high byte is not 0xFE; a record length is above
/// kTlsMaxRecordLength or a record is cut short before the next one starts; more than
/// kDtlsMaxRecords records, kDtlsMaxFragments fragments or kDtlsMaxMessages messages; the input is
/// longer than kDtlsMaxFlight; a fragment lies outside its message, or two fragments of one
/// message_seq disagree on type or length; a message longer than kDtlsMaxMessageLength; a
/// HelloVerifyRequest is malformed (cookie longer than 255 or than the message); what the TLS
/// parser finds invalid (a malformed ServerHello, Certificate…).
Parse parse_dtls_flight(Bytes in, DtlsFlight& out) noexcept;

}  // namespace trustscan
