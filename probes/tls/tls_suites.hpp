// trustscan — the TLS cipher suite registry as data (pure, no I/O).
//
// The TLS probe offers cipher suites by 16-bit code in hand-built ClientHellos (tls.hpp) and reads
// back the one code the server chose. This table turns a code into what the checks judge:
//
//   tls.cipher.weak  NULL, EXPORT, anon (aNULL), RC4, DES/3DES, MD5-MAC (STANDARDS.md §2), plus
//                    IDEA and RC2 — weak_suite() / weak_reason()
//   tls.kex.weak     "no forward-secret suite available" — TlsSuite::forward_secret
//
// Contents: every code point assigned in the IANA "TLS Cipher Suites" registry (RFC 5246 A.5,
// RFC 2712, RFC 4162, RFC 4279, RFC 4492, RFC 4785, RFC 5054, RFC 5288, RFC 5289, RFC 5487,
// RFC 5932, RFC 6209, RFC 6367, RFC 6655, RFC 7251, RFC 7905, RFC 8442, RFC 8446, RFC 8492,
// RFC 8998, RFC 9150, RFC 9189, RFC 9367, the AEGIS and Ascon drafts), the two signalling values
// TLS_EMPTY_RENEGOTIATION_INFO_SCSV (0x00FF, RFC 5746) and TLS_FALLBACK_SCSV (0x5600, RFC 7507),
// and a few unregistered legacy suites that real old servers still negotiate (iana == false):
// the 56-bit "EXPORT1024" suites 0x0060-0x0066 (draft-ietf-tls-56-bit-ciphersuites, OpenSSL
// 0.9.x) and Netscape's SSL_RSA_FIPS_* 0xFEFE/0xFEFF. GREASE values (RFC 8701) are not suites.
//
// The SSLv2 cipher kinds (3-byte codes of SSLv2 CLIENT-HELLO/SERVER-HELLO, draft-hickman
// "The SSL Protocol" appendix C) are a separate small table at the end.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace trustscan {

/// Key exchange of a suite. `dh`/`ecdh` are the static (certificate) variants, `dhe`/`ecdhe`
/// ephemeral; DH_anon and ECDH_anon use ephemeral keys too and are `dhe`/`ecdhe` with
/// TlsAuth::anon. `tls13` marks TLS 1.3 suites, which do not fix the key exchange.
enum class TlsKex : std::uint8_t {
  null, rsa, dh, dhe, ecdh, ecdhe, psk, dhe_psk, rsa_psk, ecdhe_psk, srp, krb5, eccpwd, gost, tls13,
};
/// Server authentication of a suite. `none` only for the SCSVs; `tls13` = decided by the
/// certificate and signature_algorithms, not by the suite. RSA_PSK suites are `rsa` (the server
/// sends an RSA certificate), SRP_SHA suites are `srp` (password only).
enum class TlsAuth : std::uint8_t { none, anon, rsa, dss, ecdsa, psk, krb5, srp, eccpwd, gost, tls13 };
/// Bulk cipher. `des_ede3_cbc` is IANA's 3DES_EDE_CBC; `des40_cbc` and `des_cbc_40` are the two
/// spellings of 40-bit DES the registry uses (RSA/DH export vs Kerberos export).
enum class TlsCipher : std::uint8_t {
  null, rc4_40, rc4_56, rc4_128, rc2_cbc_40, rc2_cbc_56, des40_cbc, des_cbc_40, des_cbc,
  des_ede3_cbc, idea_cbc, seed_cbc,
  aes_128_cbc, aes_256_cbc, aes_128_gcm, aes_256_gcm, aes_128_ccm, aes_256_ccm, aes_128_ccm_8,
  aes_256_ccm_8, camellia_128_cbc, camellia_256_cbc, camellia_128_gcm, camellia_256_gcm,
  aria_128_cbc, aria_256_cbc, aria_128_gcm, aria_256_gcm, chacha20_poly1305, sm4_gcm, sm4_ccm,
  aegis_256, aegis_128l, ascon_aead128,
  kuznyechik_ctr, magma_ctr, gost28147_cnt, kuznyechik_mgm_l, magma_mgm_l, kuznyechik_mgm_s,
  magma_mgm_s,
};
/// Record MAC. `aead` for AEAD ciphers (the suffix of their name is the PRF hash, not a MAC);
/// `sha1` is IANA's "SHA"; `gost_omac` / `gost_imit` are the GOST MACs; `null` for
/// TLS_NULL_WITH_NULL_NULL and the SCSVs.
enum class TlsMac : std::uint8_t { null, md5, sha1, sha256, sha384, aead, gost_omac, gost_imit };

/// IANA-style fragments: "ECDHE", "ECDSA", "AES_128_GCM", "3DES_EDE_CBC", "SHA", "AEAD"…
std::string_view to_string(TlsKex k) noexcept;
std::string_view to_string(TlsAuth a) noexcept;
std::string_view to_string(TlsCipher c) noexcept;
std::string_view to_string(TlsMac m) noexcept;

/// One registry entry. The flags are derived from the columns (never stored inconsistently).
struct TlsSuite {
  std::uint16_t code = 0;
  std::string_view name;          ///< IANA name, "TLS_RSA_WITH_AES_128_CBC_SHA"; static storage
  TlsKex kex = TlsKex::null;
  TlsAuth auth = TlsAuth::none;
  TlsCipher cipher = TlsCipher::null;
  std::uint16_t key_bits = 0;     ///< effective symmetric key bits: 3DES 112, DES 56, export 40
  TlsMac mac = TlsMac::null;
  bool export_grade = false;      ///< an EXPORT or EXPORT1024 suite (40/56-bit, FREAK/Logjam)
  bool anonymous = false;         ///< no server authentication (DH_anon, ECDH_anon, NULL_NULL)
  bool null_encryption = false;   ///< no confidentiality (cipher NULL; excludes the SCSVs)
  bool rc4 = false;
  bool des_or_3des = false;       ///< single DES, DES40 or 3DES
  bool md5_mac = false;           ///< HMAC-MD5 record MAC
  /// Ephemeral (EC)DH key exchange with an authenticated server: DHE, ECDHE, DHE_PSK,
  /// ECDHE_PSK, ECCPWD and TLS 1.3. Anonymous suites are excluded: they are "ephemeral" but an
  /// active attacker sits in the middle, so they never satisfy "a forward-secret suite exists".
  bool forward_secret = false;
  bool aead = false;              ///< mac == TlsMac::aead
  bool tls13_only = false;        ///< a TLS 1.3 suite (kex == TlsKex::tls13); never in ≤ 1.2
  bool tls12_plus = false;        ///< a ≤1.2-style suite that needs TLS 1.2 (AEAD, SHA-256/384 MAC, GOST)
  bool scsv = false;              ///< 0x00FF or 0x5600: a signal, not a suite a server can choose
  bool iana = true;               ///< false for the unregistered legacy suites listed above
};

/// The entry for `code`, or nullptr (unassigned, GREASE, unknown). O(log n), noexcept.
const TlsSuite* find_suite(std::uint16_t code) noexcept;
/// Every entry, sorted by code, codes and names unique. Static storage.
std::span<const TlsSuite> all_suites() noexcept;
/// The IANA name, or "0xC0FF" (uppercase hex, 4 digits) when the code is not in the table.
std::string suite_name(std::uint16_t code);
/// RFC 8701 GREASE value (0x0A0A, 0x1A1A, … 0xFAFA): never a real suite, group or extension.
bool is_grease(std::uint16_t value) noexcept;

/// The catalog's tls.cipher.weak definition: NULL encryption, EXPORT, anonymous, RC4, DES or
/// 3DES, MD5 MAC, plus IDEA and RC2 (64-bit-block legacy ciphers with no modern use). SCSVs are
/// not weak (nothing is negotiated with them). CBC with SHA-1 is NOT weak here.
bool weak_suite(const TlsSuite& s) noexcept;
/// Why weak_suite is true, comma-separated in a fixed order ("EXPORT, RC4, MD5 MAC"); empty
/// when it is false. Vocabulary, in this order: "NULL encryption", "EXPORT", "anonymous",
/// "RC4", "DES" or "3DES", "IDEA", "RC2", "MD5 MAC".
std::string weak_reason(const TlsSuite& s);

// ---- SSLv2 ----------------------------------------------------------------------------------

/// An SSLv2 cipher kind (3-byte CIPHER-SPEC code). Every SSLv2 kind uses an MD5 MAC and SSLv2
/// itself is broken (DROWN), so all of them are weak; the table exists to name what a server
/// offers.
struct Sslv2CipherKind {
  std::uint32_t code = 0;        ///< 24-bit value, e.g. 0x010080
  std::string_view name;         ///< "SSL_CK_RC4_128_WITH_MD5"
  std::uint16_t key_bits = 0;    ///< effective secret key bits (export 40, DES 56, 3DES 112)
  bool export_grade = false;
};

/// The seven kinds of the SSLv2 specification plus SSL_CK_RC4_64_WITH_MD5 (0x080080, used by
/// old OpenSSL), sorted by code.
std::span<const Sslv2CipherKind> all_sslv2_kinds() noexcept;
/// The kind for a 24-bit code, or nullptr.
const Sslv2CipherKind* find_sslv2_kind(std::uint32_t code) noexcept;
/// Its name, or "0x010080" (uppercase hex, 6 digits) when unknown. A code 0x00XXXX is a TLS
/// suite carried in SSLv2 format; this returns suite_name(0xXXXX) for those.
std::string sslv2_kind_name(std::uint32_t code);

}  // namespace trustscan
