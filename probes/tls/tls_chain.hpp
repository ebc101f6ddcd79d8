// trustscan — the certificate chain a TLS server sent, judged on its own (issue 15): how many
// certificates, whether they form a complete path, and whether that path verifies against the
// --ca-file. The input is the chain as received (DER, leaf first), from the raw server flight
// (TLS <= 1.2) or from a handshake (TLS 1.3); nothing here depends on whether a handshake could
// complete. Also the chain as an archive keeps it: PEM and SHA-256 fingerprints (the evidence
// bundle's certs.pem, docs/evidence.md). Uses OpenSSL's X509 code only (no Asio).
#pragma once

#include <cstdint>
#include <ctime>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace trustscan {

struct ChainVerdict {
  std::size_t sent = 0;   ///< certificates the server listed (parsed or not)
  bool parsed = false;    ///< the leaf parsed as X.509
  /// The certificates sent, followed issuer by issuer from the leaf, end at a self-signed
  /// certificate or at one whose issuer is in the --ca-file.
  bool complete = false;
  /// With a --ca-file that loaded: whether the chain verifies (leaf + the rest as untrusted
  /// intermediates). nullopt without a --ca-file, or when it could not be loaded.
  std::optional<bool> verified;
  /// When verified is false: a stable short code (see chain_error_code) and OpenSSL's text.
  std::string error_code;
  std::string error_text;
  int error_depth = -1;  ///< position in the chain OpenSSL stopped at (0 = leaf)
  bool ca_file_unreadable = false;
};

/// Trusted CA certificates, loaded once and used for many chains (capture replay judges every
/// TLS flow of a capture against one store). `path` is a PEM file (a --ca-file, Debian's
/// /etc/ssl/certs/ca-certificates.crt) or a directory of hashed links (`openssl rehash`, Debian's
/// /etc/ssl/certs), which OpenSSL reads on demand.
class TrustStore {
 public:
  /// Loads `path`; loaded() is false when it is empty, missing or holds nothing OpenSSL reads.
  explicit TrustStore(const std::string& path);
  ~TrustStore();
  TrustStore(const TrustStore&) = delete;
  TrustStore& operator=(const TrustStore&) = delete;
  bool loaded() const noexcept { return store_ != nullptr; }
  const std::string& path() const noexcept { return path_; }
  void* native() const noexcept { return store_; }  ///< the X509_STORE*

 private:
  std::string path_;
  void* store_ = nullptr;
};

/// judge_chain against a store loaded once (verified stays nullopt when it did not load).
ChainVerdict judge_chain(const std::vector<std::vector<std::uint8_t>>& chain, std::size_t sent,
                         const TrustStore& store, std::time_t now);

/// What one certificate says of itself, for the record of a chain a device was shown.
struct CertificateSummary {
  bool parsed = false;
  std::string subject, issuer;      ///< RFC 2253 one-line names, at most 256 bytes each
  std::vector<std::string> sans;    ///< "DNS:name" / "IP:address", at most kMaxSans
  std::string not_before, not_after;  ///< "2026-12-04T17:05:00Z"
  std::optional<std::time_t> not_before_time, not_after_time;  ///< the same, seconds since the epoch
  std::string sha256;               ///< of the DER, lower-case hex
  static constexpr std::size_t kMaxSans = 16;
};
CertificateSummary certificate_summary(const std::vector<std::uint8_t>& der);

/// Whether the certificate (DER) names `host`: a DNS name matched against its DNS SANs (or its CN
/// when it has no DNS SAN, wildcards in the left-most label only: X509_check_host), an IP literal against
/// its IP SANs. False when the DER does not parse or `host` is empty.
bool certificate_names_host(const std::vector<std::uint8_t>& der, const std::string& host);

/// Judges `chain` (DER, leaf first; `sent` certificates were listed, which may be more than
/// were kept) against `ca_file` (empty: no verification) at time `now`. OpenSSL's security
/// level is not applied (weak keys and signatures are facts of their own).
ChainVerdict judge_chain(const std::vector<std::vector<std::uint8_t>>& chain, std::size_t sent,
                         const std::string& ca_file, std::time_t now);

/// A stable short name for an X509_V_ERR_* code: "unknown_root", "incomplete_chain",
/// "expired", "not_yet_valid", "self_signed", "bad_signature", "invalid_ca",
/// "invalid_purpose", "path_length", "revoked", "other". `complete` tells an issuer the server
/// did not send (incomplete_chain) from a root the --ca-file does not hold (unknown_root).
std::string chain_error_code(int x509_error, bool complete);

/// The certificates as PEM "CERTIFICATE" blocks (RFC 7468: base64 in lines of 64), leaf first,
/// each the DER exactly as received: not re-encoded, so one OpenSSL cannot parse is archived
/// all the same. "" for an empty chain.
std::string chain_pem(const std::vector<std::vector<std::uint8_t>>& chain);
/// The SHA-256 of each certificate's DER, lower-case hex, leaf first: `openssl x509
/// -fingerprint -sha256` without the colons.
std::vector<std::string> chain_sha256(const std::vector<std::vector<std::uint8_t>>& chain);

/// What one certificate (DER) says about its key and its validity span.
struct CertificateKey {
  bool parsed = false;      ///< the DER parsed as X.509
  /// SHA-256 of the DER SubjectPublicKeyInfo, lower-case hex (what `openssl x509 -pubkey |
  /// openssl pkey -pubin -outform DER | sha256sum` gives, and the "SPKI SHA-256" of key
  /// blocklists); "" when it does not parse.
  std::string spki_sha256;
  /// notBefore to notAfter in whole days (ASN1_TIME_diff; negative when notAfter is earlier).
  std::optional<std::int64_t> lifetime_days;
  /// For a P-256/P-384/P-521 key, its TLS group (0x0017/0x0018/0x0019): a TLS <= 1.2 server
  /// with an ECDSA certificate needs that curve in the client's supported_groups (RFC 8422 §5.1).
  std::optional<std::uint16_t> ec_group;
};
CertificateKey certificate_key(const std::vector<std::uint8_t>& der);

}  // namespace trustscan
