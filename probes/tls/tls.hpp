// trustscan — TLS/SSL handshake layer: hand-built ClientHellos and the server's first flight
// (pure, no I/O).
//
// Debian's OpenSSL 3 cannot offer SSLv2, SSLv3, RC4, 3DES, DES, IDEA or EXPORT suites
// (TOOLCHAIN.md §3), yet tls.protocol.legacy / tls.cipher.weak / tls.kex.weak must know whether a
// device accepts them. Like sslscan and testssl.sh, the TLS probe writes its own ClientHello
// with any list of 16-bit suite codes and reads the server's reply itself; no handshake is ever
// completed:
//
//   client ── ClientHello record (build_client_hello) or SSLv2 CLIENT-HELLO ────────────►
//   client ◄── ServerHello [Certificate] [ServerKeyExchange] ... ServerHelloDone, or an Alert,
//              or a TLS 1.3 ServerHello (the rest is encrypted), or an SSLv2 SERVER-HELLO
//              (parse_server_hello_flight)
//   client closes
//
// parse_server_hello_flight is a stream parser following docs/probes.md: `in` is every byte
// received since the hello was sent; it keeps no state between calls (the probe appends and
// calls again), so the answer never depends on how the bytes were split. `out` is reset on
// every call.
//
// Observation keys: none here. The probe enumerates (versions × suites), then builds the tls.*
// observations from many flights; this header only gives it the facts of one exchange.
#pragma once

#include "trustscan/parse.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace trustscan {

// ---- versions, names ---------------------------------------------------------------------------

/// Protocol versions; the value is the wire code (SSLv2's CLIENT-HELLO carries 0x0002).
enum class TlsVersion : std::uint16_t {
  sslv2 = 0x0002,
  sslv3 = 0x0300,
  tls1_0 = 0x0301,
  tls1_1 = 0x0302,
  tls1_2 = 0x0303,
  tls1_3 = 0x0304,
};
/// "SSLv2", "SSLv3", "TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3".
std::string to_string(TlsVersion v);
/// The enum for a wire code, or nullopt (TLS 1.3 drafts 0x7Fxx, DTLS, garbage).
std::optional<TlsVersion> tls_version_from_wire(std::uint16_t wire) noexcept;
/// to_string for known codes, else "0x7F1C" (uppercase hex, 4 digits).
std::string tls_version_name(std::uint16_t wire);

/// Alert description name (RFC 8446 §6, RFC 5246 §7.2, RFC 6066, RFC 7301, RFC 7507):
/// "handshake_failure", "protocol_version", "inappropriate_fallback"…; "unknown" otherwise.
std::string_view tls_alert_name(std::uint8_t description) noexcept;

/// One entry of the IANA "TLS Supported Groups" registry.
struct TlsNamedGroup {
  std::uint16_t id = 0;
  std::string_view name;   ///< "x25519", "secp256r1", "ffdhe2048", "X25519MLKEM768"…
  /// Size of the group for key-strength checks: field/order bits for curves (secp256r1 256,
  /// x25519 255, sect163k1 163), modulus bits for FFDHE groups (2048), the classical curve's
  /// bits for hybrid post-quantum groups (X25519MLKEM768 255), 0 for pure ML-KEM and the
  /// arbitrary_explicit_* code points (no fixed curve) (treat 0 as "not a classical size", never as weak).
  std::uint16_t bits = 0;
};
/// The registry entry, or nullptr.
const TlsNamedGroup* find_named_group(std::uint16_t id) noexcept;
/// Its name, or "0x001D"-style hex when unknown.
std::string named_group_name(std::uint16_t id);
/// A TLS 1.2 SignatureAndHashAlgorithm / TLS 1.3 SignatureScheme name ("rsa_pss_rsae_sha256",
/// "rsa_pkcs1_sha1"…), or "0x0401"-style hex when unknown.
std::string signature_scheme_name(std::uint16_t id);

// ---- ClientHello builder -----------------------------------------------------------------------

/// Most cipher suites one ClientHello carries; longer lists are cut (ClientHello::offered_suites
/// says which went out). 512 suites are 1 KiB, well inside one 16 KiB record.
inline constexpr std::size_t kTlsMaxHelloSuites = 512;
/// Caps on the other lists of ClientHelloSpec; longer lists are cut at these sizes so the hello
/// always fits in one record. server_name longer than kTlsMaxServerName is not sent.
inline constexpr std::size_t kTlsMaxHelloGroups = 64;
inline constexpr std::size_t kTlsMaxHelloSigalgs = 64;
inline constexpr std::size_t kTlsMaxHelloVersions = 16;
inline constexpr std::size_t kTlsMaxHelloAlpn = 16;
inline constexpr std::size_t kTlsMaxSessionId = 32;
inline constexpr std::size_t kTlsMaxServerName = 253;

/// Default supported_groups: x25519, secp256r1, secp384r1, secp521r1. FFDHE groups are
/// deliberately absent: a client that offers any of them makes an RFC 7919 server (GnuTLS)
/// answer DHE with ffdhe2048 instead of its configured (possibly 1024-bit) group, hiding exactly
/// what tls.kex.weak looks for. Add kTlsFfdheGroups to test FFDHE support.
inline constexpr std::uint16_t kTlsDefaultGroups[] = {0x001d, 0x0017, 0x0018, 0x0019};
/// ffdhe2048, ffdhe3072, ffdhe4096.
inline constexpr std::uint16_t kTlsFfdheGroups[] = {0x0100, 0x0101, 0x0102};
/// Every elliptic curve a ≤ TLS 1.2 server might pick (RFC 4492 sect*/secp*, brainpool, x25519,
/// x448), strongest first: offer it to learn whether a server prefers a weak (< 224-bit) curve.
inline constexpr std::uint16_t kTlsAllCurves[] = {
    0x001d, 0x0017, 0x0018, 0x0019, 0x001e, 0x001a, 0x001b, 0x001c, 0x0016, 0x000d,
    0x000e, 0x000b, 0x000c, 0x0009, 0x000a, 0x0015, 0x0014, 0x0006, 0x0007, 0x0008,
    0x0013, 0x0012, 0x0004, 0x0005, 0x0011, 0x0010, 0x000f, 0x0001, 0x0002, 0x0003,
};
/// Default signature_algorithms: modern first (ECDSA, EdDSA, RSA-PSS, RSA PKCS#1 SHA-2), then
/// legacy SHA-224/SHA-1/MD5 and DSA codes so that old TLS 1.2 servers still find a match.
inline constexpr std::uint16_t kTlsDefaultSigalgs[] = {
    0x0403, 0x0503, 0x0603, 0x0807, 0x0808, 0x0804, 0x0805, 0x0806, 0x0809, 0x080a, 0x080b,
    0x0401, 0x0501, 0x0601, 0x0303, 0x0301, 0x0302, 0x0402, 0x0502, 0x0602, 0x0203, 0x0201,
    0x0202, 0x0101,
};

/// How the hello signals secure renegotiation (RFC 5746).
enum class TlsRenegotiationSignal : std::uint8_t {
  extension,  ///< an empty renegotiation_info extension; the SCSV instead when extensions=false
  scsv,       ///< TLS_EMPTY_RENEGOTIATION_INFO_SCSV (0x00FF) appended to the suites
  none,       ///< neither: some servers then refuse, which is itself a finding
};

/// What to put in a ClientHello. Defaults make a TLS 1.2 hello any server since ~2008 accepts.
struct ClientHelloSpec {
  /// Highest version offered. tls1_3 sends legacy_version 0x0303 plus supported_versions;
  /// sslv2 is not valid here (use build_sslv2_client_hello) and is treated as sslv3.
  TlsVersion version = TlsVersion::tls1_2;
  /// Suites in preference order, any 16-bit code (legacy or unknown ones too). At most
  /// min(max_suites, kTlsMaxHelloSuites) are sent: a prefix of this list.
  std::vector<std::uint16_t> cipher_suites;
  std::size_t max_suites = kTlsMaxHelloSuites;
  /// ClientHello.random; the caller supplies randomness (pure function, deterministic tests).
  std::array<std::uint8_t, 32> random{};
  /// legacy_session_id, at most kTlsMaxSessionId bytes (cut). TLS 1.3 middlebox-compatibility
  /// mode wants 32 random bytes; empty is fine for ≤ 1.2.
  std::vector<std::uint8_t> session_id;
  /// SNI host name. Not sent when empty, an IP literal (RFC 6066 §3 forbids them), or longer
  /// than kTlsMaxServerName. A trailing dot is removed.
  std::string server_name;
  /// supported_groups (cut at kTlsMaxHelloGroups); not sent when empty.
  std::vector<std::uint16_t> supported_groups{std::begin(kTlsDefaultGroups),
                                              std::end(kTlsDefaultGroups)};
  /// Sends ec_point_formats = {uncompressed} (RFC 4492 servers want it next to groups).
  bool ec_point_formats = true;
  /// signature_algorithms (cut at kTlsMaxHelloSigalgs); sent only when the hello's
  /// legacy_version is TLS 1.2 (earlier servers must ignore it, some choke), and never empty.
  std::vector<std::uint16_t> signature_algorithms{std::begin(kTlsDefaultSigalgs),
                                                  std::end(kTlsDefaultSigalgs)};
  /// supported_versions contents (cut at kTlsMaxHelloVersions). Empty: {0x0304} when version
  /// is tls1_3, otherwise the extension is not sent. Give e.g. {0x0304, 0x0303} to let a server
  /// choose. When 0x0304 is listed, key_share and psk_key_exchange_modes are sent too.
  std::vector<std::uint16_t> supported_versions;
  /// The x25519 public key put in key_share (only when 0x001d is in supported_groups; else
  /// key_share is sent empty and a TLS 1.3 server answers HelloRetryRequest). Any 32 bytes are
  /// syntactically valid; completing the handshake is not a goal.
  std::array<std::uint8_t, 32> x25519_key_share{};
  TlsRenegotiationSignal renegotiation = TlsRenegotiationSignal::extension;
  /// Appends TLS_FALLBACK_SCSV (0x5600, RFC 7507) after the suites.
  bool fallback_scsv = false;
  bool status_request = false;          ///< status_request (OCSP stapling request, RFC 6066)
  bool session_ticket = false;          ///< empty SessionTicket extension (RFC 5077)
  bool extended_master_secret = true;   ///< RFC 7627; modern servers expect it
  bool encrypt_then_mac = false;        ///< RFC 7366
  bool heartbeat = false;               ///< heartbeat, mode peer_allowed_to_send (RFC 6520)
  std::vector<std::string> alpn;        ///< ALPN names ("h2", "http/1.1"); each 1..255 bytes
  /// Compression methods {DEFLATE(1), null(0)} instead of {null}: a server choosing 1 is
  /// vulnerable to CRIME.
  bool deflate = false;
  /// When false, no extension block at all (a bare SSLv3-style hello; the SCSV is then the only
  /// renegotiation signal). Pre-2003 SSLv3/TLS 1.0 stacks sometimes reject extensions.
  bool extensions = true;
  /// RFC 7685 padding: a hello whose handshake message would be 256..511 bytes long is padded
  /// to 512, avoiding the F5 BIG-IP hang on such sizes (what OpenSSL and BoringSSL do).
  bool padding = true;
};

/// A built hello: one TLS record (content type 22), record version 0x0301 for TLS ≥ 1.0
/// hellos (the compatible value every server accepts) and 0x0300 for SSLv3 hellos.
struct ClientHello {
  std::vector<std::uint8_t> bytes;
  /// The suites of ClientHelloSpec::cipher_suites that were sent, in order (a prefix of it);
  /// builder-added SCSVs (0x00FF, 0x5600) are not listed.
  std::vector<std::uint16_t> offered_suites;
  bool truncated = false;  ///< cipher_suites had more suites than were sent
};

/// Builds a ClientHello record for SSLv3 … TLS 1.3 per `spec`. Never fails; every list is cut
/// at its cap so the record is at most 16384 bytes of payload.
ClientHello build_client_hello(const ClientHelloSpec& spec);

/// The suites of the registry (tls_suites.hpp) a server may choose at version `v`, in table
/// order, SCSVs excluded: for tls1_3 the TLS 1.3 suites; for tls1_2 every ≤ 1.2 suite; for
/// SSLv3 … TLS 1.1 the ≤ 1.2 suites without tls12_plus ones (AEAD, SHA-256/384 MACs). Empty
/// for sslv2 (use sslv2_default_cipher_specs). This is the starting "remaining" list of suite
/// enumeration.
std::vector<std::uint16_t> tls_candidate_suites(TlsVersion v);

/// The seven SSLv2 cipher kinds plus SSL_CK_RC4_64_WITH_MD5, strongest first (what sslscan
/// and testssl.sh offer to detect SSLv2).
std::vector<std::uint32_t> sslv2_default_cipher_specs();

/// An SSLv2 CLIENT-HELLO (2-byte record header with the high bit set, MSG-CLIENT-HELLO = 1,
/// `version` (0x0002 for SSLv2; 0x0300/0x0301 make the SSLv2-compatible hello of old clients),
/// cipher specs, no session id, `challenge`). `cipher_specs` are 24-bit codes: SSLv2 kinds
/// (0x010080…) and TLS suites as 0x00XXXX; at most 1024 are sent. `challenge` must be 16..32
/// bytes; otherwise the result is empty.
std::vector<std::uint8_t> build_sslv2_client_hello(std::span<const std::uint32_t> cipher_specs,
                                                   std::span<const std::uint8_t> challenge,
                                                   std::uint16_t version = 0x0002);

// ---- server flight parser ----------------------------------------------------------------------

/// Largest TLS record length accepted: 2^14 + 2048 (TLSCiphertext limit, RFC 5246 §6.2.3).
/// A longer length field is invalid at once.
inline constexpr std::size_t kTlsMaxRecordLength = 16384 + 2048;
/// Most bytes of one flight: a record or handshake message that would end past this offset is
/// invalid at once (never buffered). Real flights with a 3-certificate chain are ~5 KiB.
inline constexpr std::size_t kTlsMaxFlight = 65536;
/// Most records in one flight. Real servers send 1..8; more is invalid (10,000 tiny records).
inline constexpr std::size_t kTlsMaxRecords = 256;
/// Certificates kept from the Certificate message, and the largest one kept (DER bytes).
/// Further or larger certificates are counted in certificate_count but not stored, and
/// certificates_truncated is set.
inline constexpr std::size_t kTlsMaxCertificates = 10;
inline constexpr std::size_t kTlsMaxCertificateBytes = 16384;
/// ServerHello extension types kept (in order); more are parsed but not listed.
inline constexpr std::size_t kTlsMaxExtensions = 64;
/// Warning alerts skipped before the flight ends (see parse_server_hello_flight); one more is
/// invalid.
inline constexpr std::size_t kTlsMaxWarningAlerts = 4;
/// SSLv2 cipher kinds kept from a SERVER-HELLO; more set Sslv2ServerHello::truncated.
inline constexpr std::size_t kSslv2MaxCipherKinds = 256;

/// An alert record's first alert.
struct TlsAlert {
  std::uint8_t level = 0;        ///< 1 warning, 2 fatal
  std::uint8_t description = 0;  ///< 40 handshake_failure, 70 protocol_version…
  std::string name() const { return std::string(tls_alert_name(description)); }
  bool fatal() const noexcept { return level == 2; }
};

/// The TLS 1.3 anti-downgrade sentinel in the last 8 bytes of ServerHello.random (RFC 8446
/// §4.1.3): a TLS 1.3-capable server negotiating 1.2 (tls12) or ≤ 1.1 (tls11).
enum class TlsDowngradeSentinel : std::uint8_t { none, tls12, tls11 };

/// ServerHello (or HelloRetryRequest) fields.
struct TlsServerHello {
  std::uint16_t legacy_version = 0;          ///< the version field (0x0303 for TLS 1.3)
  std::array<std::uint8_t, 32> random{};
  std::vector<std::uint8_t> session_id;      ///< 0..32 bytes
  std::uint16_t cipher_suite = 0;
  std::uint8_t compression = 0;              ///< 0 null, 1 DEFLATE (CRIME)
  bool hello_retry_request = false;          ///< random is the RFC 8446 HRR value
  TlsDowngradeSentinel downgrade = TlsDowngradeSentinel::none;
  std::optional<std::uint16_t> supported_version;  ///< supported_versions extension
  bool renegotiation_info = false;           ///< RFC 5746 extension present (secure reneg.)
  std::optional<std::uint16_t> key_share_group;    ///< TLS 1.3 key_share / HRR group
  std::optional<std::string> alpn;           ///< selected protocol, 1..255 bytes
  bool extended_master_secret = false;
  bool encrypt_then_mac = false;
  bool session_ticket = false;
  bool status_request = false;
  bool server_name = false;                  ///< the server acknowledged SNI
  std::optional<std::uint8_t> heartbeat_mode;      ///< 1 peer_allowed_to_send, 2 not allowed
  std::vector<std::uint8_t> ec_point_formats;      ///< at most 16
  std::vector<std::uint16_t> extensions;     ///< types in order sent, at most kTlsMaxExtensions
};

/// An SSLv2 SERVER-HELLO or ERROR message.
struct Sslv2ServerHello {
  std::uint16_t version = 0;                 ///< 0x0002 (a SERVER-HELLO is invalid otherwise)
  bool session_id_hit = false;
  std::uint8_t certificate_type = 0;         ///< 1 = X.509
  std::vector<std::uint32_t> cipher_kinds;   ///< 24-bit codes, at most kSslv2MaxCipherKinds
  bool truncated = false;                    ///< more kinds than kept, or the cert not kept
  std::vector<std::uint8_t> certificate;     ///< DER, if ≤ kTlsMaxCertificateBytes
  std::optional<std::uint16_t> error;        ///< set for an ERROR message (1 = NO-CIPHER-ERROR)
};

/// Everything learnt from the server's first flight.
struct ServerFlight {
  std::uint16_t record_version = 0;          ///< version field of the first TLS record; 0 for SSLv2
  /// The alert that ended the flight. A ServerHello parsed before it stays in server_hello
  /// (the suite was chosen); an alert alone means the hello was refused.
  std::optional<TlsAlert> alert;
  std::vector<TlsAlert> warnings;            ///< skipped warning alerts (unrecognized_name)
  std::optional<TlsServerHello> server_hello;
  /// supported_versions if present, else ServerHello.legacy_version; 0x0002 for SSLv2; 0
  /// without a ServerHello.
  std::uint16_t negotiated_version = 0;
  std::optional<TlsVersion> version;         ///< negotiated_version when it is a known version
  std::vector<std::vector<std::uint8_t>> certificates;  ///< DER, leaf first (TLS ≤ 1.2 only)
  std::size_t certificate_count = 0;         ///< certificates listed, kept or not
  bool certificates_truncated = false;
  bool certificate_status = false;           ///< a CertificateStatus (stapled OCSP) message
  bool server_key_exchange = false;
  /// DHE/DH_anon/DHE_PSK: bit length of the prime p (leading zero bytes ignored).
  std::optional<std::uint32_t> dh_prime_bits;
  /// The same prime p, big-endian without leading zero bytes (named by find_well_known_dh_prime).
  std::vector<std::uint8_t> dh_prime;
  /// ECDHE/ECDH_anon/ECDHE_PSK named curve (name via named_group_name).
  std::optional<std::uint16_t> ecdhe_curve;
  bool ecdhe_explicit_curve = false;         ///< explicit_prime/char2 curve parameters
  /// RSA_EXPORT suites: bit length of the temporary RSA modulus (FREAK: 512).
  std::optional<std::uint32_t> rsa_export_modulus_bits;
  /// TLS 1.2 ServerKeyExchange SignatureAndHashAlgorithm (0x0201 = rsa_pkcs1_sha1…).
  std::optional<std::uint16_t> ske_signature_algorithm;
  bool certificate_request = false;          ///< the server asked for a client certificate
  bool server_hello_done = false;
  bool change_cipher_spec = false;           ///< CCS after a ≤1.2 ServerHello: session resumed
  std::optional<Sslv2ServerHello> sslv2;
  std::size_t records = 0;                   ///< TLS records read
};

/// Parses the server's reply to one hello (TLS ClientHello or SSLv2 CLIENT-HELLO).
///
/// done when, in order of arrival: a ServerHelloDone; a fatal alert, or any alert other than a
/// warning unrecognized_name (112, which some servers send before their ServerHello and which
/// is skipped into `warnings`); a TLS 1.3 ServerHello or HelloRetryRequest (the rest is
/// encrypted); a ChangeCipherSpec or application data after a ≤ 1.2 ServerHello (a resumed
/// session); an SSLv2 SERVER-HELLO or ERROR (the reply starts with a byte ≥ 0x80).
/// `consumed` is then the end of the record holding that event.
///
/// Handshake messages may span records and records may hold several messages. need_more while
/// none of the above has arrived. invalid when: the first byte is neither a TLS content type
/// (20..24) nor an SSLv2 header; a record version is not 3.x; a record length exceeds
/// kTlsMaxRecordLength or is 0 for handshake/alert/CCS; a record or handshake message would end
/// past kTlsMaxFlight; more than kTlsMaxRecords records; anything but a ServerHello (or
/// HelloRequest) or alert comes first; a second ServerHello or Certificate; a malformed
/// ServerHello, Certificate or ServerKeyExchange (lengths inconsistent, session id > 32, record
/// version ≠ 3.x); an alert level other than 1/2; a malformed SSLv2 message. On invalid, `out`
/// keeps what was parsed before the fault (e.g. the ServerHello): informative only.
///
/// ServerKeyExchange is read according to the chosen suite's key exchange (tls_suites.hpp):
/// the signature is not verified. Suites not in the table leave it unparsed.
Parse parse_server_hello_flight(Bytes in, ServerFlight& out, std::size_t& consumed) noexcept;

// ---- what two or more flights say together (pure) ----------------------------------------------

/// Whose order decides the suite. The probe offers the same accepted suites twice, in one order
/// and in its reverse (what sslscan and testssl.sh do).
enum class TlsCipherOrder : std::uint8_t {
  unknown,  ///< fewer than two suites, or the picks fit neither rule (a partial preference)
  server,   ///< the same suite both times: the server's own order
  client,   ///< the client's first suite both times
};
/// "server", "client", "unknown".
std::string_view to_string(TlsCipherOrder o) noexcept;
/// The order given the suites offered first (`forward`; the second hello carried them
/// reversed) and the suite picked from each.
TlsCipherOrder tls_cipher_order(std::span<const std::uint16_t> forward, std::uint16_t pick_forward,
                                std::uint16_t pick_reversed) noexcept;

/// The answer to a hello offering `offered` (lower than the server's highest version) with
/// TLS_FALLBACK_SCSV (RFC 7507).
enum class TlsFallbackAnswer : std::uint8_t {
  refused,   ///< an inappropriate_fallback alert: downgrade protection works
  accepted,  ///< a ServerHello at the offered version: no protection
  other,     ///< anything else (another alert, another version, nothing): no conclusion
};
TlsFallbackAnswer tls_fallback_answer(const ServerFlight& flight, std::uint16_t offered) noexcept;

/// A ServerHello with compression_method DEFLATE (1): the record layer compresses before it
/// encrypts (CRIME, RFC 7457 §2.6).
bool tls_compression_accepted(const ServerFlight& flight) noexcept;

}  // namespace trustscan
