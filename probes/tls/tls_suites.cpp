// trustscan — the TLS cipher suite registry (see tls_suites.hpp for the contract).
#include "probes/tls/tls_suites.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <iterator>

namespace trustscan {
namespace {

using K = TlsKex;
using A = TlsAuth;
using C = TlsCipher;
using M = TlsMac;

constexpr unsigned kExport = 1;   // an EXPORT / EXPORT1024 suite
constexpr unsigned kNonIana = 2;  // not in the IANA registry (legacy vendor or draft code point)
constexpr unsigned kScsv = 4;     // signalling value

constexpr bool is_rc4(C c) { return c == C::rc4_40 || c == C::rc4_56 || c == C::rc4_128; }
constexpr bool is_des(C c) {
  return c == C::des40_cbc || c == C::des_cbc_40 || c == C::des_cbc || c == C::des_ede3_cbc;
}

// Builds one row; every flag is derived from the columns so that a row cannot contradict itself
// (a 3DES suite without des_or_3des, an anon suite marked forward secret…).
constexpr TlsSuite S(std::uint16_t code, std::string_view name, K kex, A auth, C cipher,
                     std::uint16_t bits, M mac, unsigned flags) {
  TlsSuite s;
  s.code = code;
  s.name = name;
  s.kex = kex;
  s.auth = auth;
  s.cipher = cipher;
  s.key_bits = bits;
  s.mac = mac;
  s.scsv = (flags & kScsv) != 0;
  s.iana = (flags & kNonIana) == 0;
  s.export_grade = (flags & kExport) != 0;
  s.anonymous = auth == A::anon;
  s.null_encryption = cipher == C::null && !s.scsv;
  s.rc4 = is_rc4(cipher);
  s.des_or_3des = is_des(cipher);
  s.md5_mac = mac == M::md5;
  s.aead = mac == M::aead;
  s.tls13_only = kex == K::tls13;
  s.forward_secret = !s.anonymous && (kex == K::dhe || kex == K::ecdhe || kex == K::dhe_psk ||
                                      kex == K::ecdhe_psk || kex == K::eccpwd || kex == K::tls13);
  s.tls12_plus = !s.tls13_only && !s.scsv &&
                 (s.aead || mac == M::sha256 || mac == M::sha384 || kex == K::gost);
  return s;
}

// Sorted by code (find_suite binary-searches; a static_assert below keeps it so).
constexpr TlsSuite kSuites[] = {
    S(0x0000, "TLS_NULL_WITH_NULL_NULL", K::null, A::anon, C::null, 0, M::null, 0),
    S(0x0001, "TLS_RSA_WITH_NULL_MD5", K::rsa, A::rsa, C::null, 0, M::md5, 0),
    S(0x0002, "TLS_RSA_WITH_NULL_SHA", K::rsa, A::rsa, C::null, 0, M::sha1, 0),
    S(0x0003, "TLS_RSA_EXPORT_WITH_RC4_40_MD5", K::rsa, A::rsa, C::rc4_40, 40, M::md5, kExport),
    S(0x0004, "TLS_RSA_WITH_RC4_128_MD5", K::rsa, A::rsa, C::rc4_128, 128, M::md5, 0),
    S(0x0005, "TLS_RSA_WITH_RC4_128_SHA", K::rsa, A::rsa, C::rc4_128, 128, M::sha1, 0),
    S(0x0006, "TLS_RSA_EXPORT_WITH_RC2_CBC_40_MD5", K::rsa, A::rsa, C::rc2_cbc_40, 40, M::md5, kExport),
    S(0x0007, "TLS_RSA_WITH_IDEA_CBC_SHA", K::rsa, A::rsa, C::idea_cbc, 128, M::sha1, 0),
    S(0x0008, "TLS_RSA_EXPORT_WITH_DES40_CBC_SHA", K::rsa, A::rsa, C::des40_cbc, 40, M::sha1, kExport),
    S(0x0009, "TLS_RSA_WITH_DES_CBC_SHA", K::rsa, A::rsa, C::des_cbc, 56, M::sha1, 0),
    S(0x000A, "TLS_RSA_WITH_3DES_EDE_CBC_SHA", K::rsa, A::rsa, C::des_ede3_cbc, 112, M::sha1, 0),
    S(0x000B, "TLS_DH_DSS_EXPORT_WITH_DES40_CBC_SHA", K::dh, A::dss, C::des40_cbc, 40, M::sha1, kExport),
    S(0x000C, "TLS_DH_DSS_WITH_DES_CBC_SHA", K::dh, A::dss, C::des_cbc, 56, M::sha1, 0),
    S(0x000D, "TLS_DH_DSS_WITH_3DES_EDE_CBC_SHA", K::dh, A::dss, C::des_ede3_cbc, 112, M::sha1, 0),
    S(0x000E, "TLS_DH_RSA_EXPORT_WITH_DES40_CBC_SHA", K::dh, A::rsa, C::des40_cbc, 40, M::sha1, kExport),
    S(0x000F, "TLS_DH_RSA_WITH_DES_CBC_SHA", K::dh, A::rsa, C::des_cbc, 56, M::sha1, 0),
    S(0x0010, "TLS_DH_RSA_WITH_3DES_EDE_CBC_SHA", K::dh, A::rsa, C::des_ede3_cbc, 112, M::sha1, 0),
    S(0x0011, "TLS_DHE_DSS_EXPORT_WITH_DES40_CBC_SHA", K::dhe, A::dss, C::des40_cbc, 40, M::sha1, kExport),
    S(0x0012, "TLS_DHE_DSS_WITH_DES_CBC_SHA", K::dhe, A::dss, C::des_cbc, 56, M::sha1, 0),
    S(0x0013, "TLS_DHE_DSS_WITH_3DES_EDE_CBC_SHA", K::dhe, A::dss, C::des_ede3_cbc, 112, M::sha1, 0),
    S(0x0014, "TLS_DHE_RSA_EXPORT_WITH_DES40_CBC_SHA", K::dhe, A::rsa, C::des40_cbc, 40, M::sha1, kExport),
    S(0x0015, "TLS_DHE_RSA_WITH_DES_CBC_SHA", K::dhe, A::rsa, C::des_cbc, 56, M::sha1, 0),
    S(0x0016, "TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA", K::dhe, A::rsa, C::des_ede3_cbc, 112, M::sha1, 0),
    S(0x0017, "TLS_DH_anon_EXPORT_WITH_RC4_40_MD5", K::dhe, A::anon, C::rc4_40, 40, M::md5, kExport),
    S(0x0018, "TLS_DH_anon_WITH_RC4_128_MD5", K::dhe, A::anon, C::rc4_128, 128, M::md5, 0),
    S(0x0019, "TLS_DH_anon_EXPORT_WITH_DES40_CBC_SHA", K::dhe, A::anon, C::des40_cbc, 40, M::sha1, kExport),
    S(0x001A, "TLS_DH_anon_WITH_DES_CBC_SHA", K::dhe, A::anon, C::des_cbc, 56, M::sha1, 0),
    S(0x001B, "TLS_DH_anon_WITH_3DES_EDE_CBC_SHA", K::dhe, A::anon, C::des_ede3_cbc, 112, M::sha1, 0),
    S(0x001E, "TLS_KRB5_WITH_DES_CBC_SHA", K::krb5, A::krb5, C::des_cbc, 56, M::sha1, 0),
    S(0x001F, "TLS_KRB5_WITH_3DES_EDE_CBC_SHA", K::krb5, A::krb5, C::des_ede3_cbc, 112, M::sha1, 0),
    S(0x0020, "TLS_KRB5_WITH_RC4_128_SHA", K::krb5, A::krb5, C::rc4_128, 128, M::sha1, 0),
    S(0x0021, "TLS_KRB5_WITH_IDEA_CBC_SHA", K::krb5, A::krb5, C::idea_cbc, 128, M::sha1, 0),
    S(0x0022, "TLS_KRB5_WITH_DES_CBC_MD5", K::krb5, A::krb5, C::des_cbc, 56, M::md5, 0),
    S(0x0023, "TLS_KRB5_WITH_3DES_EDE_CBC_MD5", K::krb5, A::krb5, C::des_ede3_cbc, 112, M::md5, 0),
    S(0x0024, "TLS_KRB5_WITH_RC4_128_MD5", K::krb5, A::krb5, C::rc4_128, 128, M::md5, 0),
    S(0x0025, "TLS_KRB5_WITH_IDEA_CBC_MD5", K::krb5, A::krb5, C::idea_cbc, 128, M::md5, 0),
    S(0x0026, "TLS_KRB5_EXPORT_WITH_DES_CBC_40_SHA", K::krb5, A::krb5, C::des_cbc_40, 40, M::sha1, kExport),
    S(0x0027, "TLS_KRB5_EXPORT_WITH_RC2_CBC_40_SHA", K::krb5, A::krb5, C::rc2_cbc_40, 40, M::sha1, kExport),
    S(0x0028, "TLS_KRB5_EXPORT_WITH_RC4_40_SHA", K::krb5, A::krb5, C::rc4_40, 40, M::sha1, kExport),
    S(0x0029, "TLS_KRB5_EXPORT_WITH_DES_CBC_40_MD5", K::krb5, A::krb5, C::des_cbc_40, 40, M::md5, kExport),
    S(0x002A, "TLS_KRB5_EXPORT_WITH_RC2_CBC_40_MD5", K::krb5, A::krb5, C::rc2_cbc_40, 40, M::md5, kExport),
    S(0x002B, "TLS_KRB5_EXPORT_WITH_RC4_40_MD5", K::krb5, A::krb5, C::rc4_40, 40, M::md5, kExport),
    S(0x002C, "TLS_PSK_WITH_NULL_SHA", K::psk, A::psk, C::null, 0, M::sha1, 0),
    S(0x002D, "TLS_DHE_PSK_WITH_NULL_SHA", K::dhe_psk, A::psk, C::null, 0, M::sha1, 0),
    S(0x002E, "TLS_RSA_PSK_WITH_NULL_SHA", K::rsa_psk, A::rsa, C::null, 0, M::sha1, 0),
    S(0x002F, "TLS_RSA_WITH_AES_128_CBC_SHA", K::rsa, A::rsa, C::aes_128_cbc, 128, M::sha1, 0),
    S(0x0030, "TLS_DH_DSS_WITH_AES_128_CBC_SHA", K::dh, A::dss, C::aes_128_cbc, 128, M::sha1, 0),
    S(0x0031, "TLS_DH_RSA_WITH_AES_128_CBC_SHA", K::dh, A::rsa, C::aes_128_cbc, 128, M::sha1, 0),
    S(0x0032, "TLS_DHE_DSS_WITH_AES_128_CBC_SHA", K::dhe, A::dss, C::aes_128_cbc, 128, M::sha1, 0),
    S(0x0033, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA", K::dhe, A::rsa, C::aes_128_cbc, 128, M::sha1, 0),
    S(0x0034, "TLS_DH_anon_WITH_AES_128_CBC_SHA", K::dhe, A::anon, C::aes_128_cbc, 128, M::sha1, 0),
    S(0x0035, "TLS_RSA_WITH_AES_256_CBC_SHA", K::rsa, A::rsa, C::aes_256_cbc, 256, M::sha1, 0),
    S(0x0036, "TLS_DH_DSS_WITH_AES_256_CBC_SHA", K::dh, A::dss, C::aes_256_cbc, 256, M::sha1, 0),
    S(0x0037, "TLS_DH_RSA_WITH_AES_256_CBC_SHA", K::dh, A::rsa, C::aes_256_cbc, 256, M::sha1, 0),
    S(0x0038, "TLS_DHE_DSS_WITH_AES_256_CBC_SHA", K::dhe, A::dss, C::aes_256_cbc, 256, M::sha1, 0),
    S(0x0039, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA", K::dhe, A::rsa, C::aes_256_cbc, 256, M::sha1, 0),
    S(0x003A, "TLS_DH_anon_WITH_AES_256_CBC_SHA", K::dhe, A::anon, C::aes_256_cbc, 256, M::sha1, 0),
    S(0x003B, "TLS_RSA_WITH_NULL_SHA256", K::rsa, A::rsa, C::null, 0, M::sha256, 0),
    S(0x003C, "TLS_RSA_WITH_AES_128_CBC_SHA256", K::rsa, A::rsa, C::aes_128_cbc, 128, M::sha256, 0),
    S(0x003D, "TLS_RSA_WITH_AES_256_CBC_SHA256", K::rsa, A::rsa, C::aes_256_cbc, 256, M::sha256, 0),
    S(0x003E, "TLS_DH_DSS_WITH_AES_128_CBC_SHA256", K::dh, A::dss, C::aes_128_cbc, 128, M::sha256, 0),
    S(0x003F, "TLS_DH_RSA_WITH_AES_128_CBC_SHA256", K::dh, A::rsa, C::aes_128_cbc, 128, M::sha256, 0),
    S(0x0040, "TLS_DHE_DSS_WITH_AES_128_CBC_SHA256", K::dhe, A::dss, C::aes_128_cbc, 128, M::sha256, 0),
    S(0x0041, "TLS_RSA_WITH_CAMELLIA_128_CBC_SHA", K::rsa, A::rsa, C::camellia_128_cbc, 128, M::sha1, 0),
    S(0x0042, "TLS_DH_DSS_WITH_CAMELLIA_128_CBC_SHA", K::dh, A::dss, C::camellia_128_cbc, 128, M::sha1, 0),
    S(0x0043, "TLS_DH_RSA_WITH_CAMELLIA_128_CBC_SHA", K::dh, A::rsa, C::camellia_128_cbc, 128, M::sha1, 0),
    S(0x0044, "TLS_DHE_DSS_WITH_CAMELLIA_128_CBC_SHA", K::dhe, A::dss, C::camellia_128_cbc, 128, M::sha1, 0),
    S(0x0045, "TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA", K::dhe, A::rsa, C::camellia_128_cbc, 128, M::sha1, 0),
    S(0x0046, "TLS_DH_anon_WITH_CAMELLIA_128_CBC_SHA", K::dhe, A::anon, C::camellia_128_cbc, 128, M::sha1, 0),
    S(0x0060, "TLS_RSA_EXPORT1024_WITH_RC4_56_MD5", K::rsa, A::rsa, C::rc4_56, 56, M::md5, kExport | kNonIana),
    S(0x0061, "TLS_RSA_EXPORT1024_WITH_RC2_CBC_56_MD5", K::rsa, A::rsa, C::rc2_cbc_56, 56, M::md5, kExport | kNonIana),
    S(0x0062, "TLS_RSA_EXPORT1024_WITH_DES_CBC_SHA", K::rsa, A::rsa, C::des_cbc, 56, M::sha1, kExport | kNonIana),
    S(0x0063, "TLS_DHE_DSS_EXPORT1024_WITH_DES_CBC_SHA", K::dhe, A::dss, C::des_cbc, 56, M::sha1, kExport | kNonIana),
    S(0x0064, "TLS_RSA_EXPORT1024_WITH_RC4_56_SHA", K::rsa, A::rsa, C::rc4_56, 56, M::sha1, kExport | kNonIana),
    S(0x0065, "TLS_DHE_DSS_EXPORT1024_WITH_RC4_56_SHA", K::dhe, A::dss, C::rc4_56, 56, M::sha1, kExport | kNonIana),
    S(0x0066, "TLS_DHE_DSS_WITH_RC4_128_SHA", K::dhe, A::dss, C::rc4_128, 128, M::sha1, kNonIana),
    S(0x0067, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA256", K::dhe, A::rsa, C::aes_128_cbc, 128, M::sha256, 0),
    S(0x0068, "TLS_DH_DSS_WITH_AES_256_CBC_SHA256", K::dh, A::dss, C::aes_256_cbc, 256, M::sha256, 0),
    S(0x0069, "TLS_DH_RSA_WITH_AES_256_CBC_SHA256", K::dh, A::rsa, C::aes_256_cbc, 256, M::sha256, 0),
    S(0x006A, "TLS_DHE_DSS_WITH_AES_256_CBC_SHA256", K::dhe, A::dss, C::aes_256_cbc, 256, M::sha256, 0),
    S(0x006B, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256", K::dhe, A::rsa, C::aes_256_cbc, 256, M::sha256, 0),
    S(0x006C, "TLS_DH_anon_WITH_AES_128_CBC_SHA256", K::dhe, A::anon, C::aes_128_cbc, 128, M::sha256, 0),
    S(0x006D, "TLS_DH_anon_WITH_AES_256_CBC_SHA256", K::dhe, A::anon, C::aes_256_cbc, 256, M::sha256, 0),
    S(0x006E, "TLS_ASCONAEAD128_ASCONHASH256", K::tls13, A::tls13, C::ascon_aead128, 128, M::aead, 0),
    S(0x006F, "TLS_ASCONAEAD128_SHA256", K::tls13, A::tls13, C::ascon_aead128, 128, M::aead, 0),
    S(0x0070, "TLS_AES_128_GCM_ASCONHASH256", K::tls13, A::tls13, C::aes_128_gcm, 128, M::aead, 0),
    S(0x0071, "TLS_AES_128_CCM_ASCONHASH256", K::tls13, A::tls13, C::aes_128_ccm, 128, M::aead, 0),
    S(0x0084, "TLS_RSA_WITH_CAMELLIA_256_CBC_SHA", K::rsa, A::rsa, C::camellia_256_cbc, 256, M::sha1, 0),
    S(0x0085, "TLS_DH_DSS_WITH_CAMELLIA_256_CBC_SHA", K::dh, A::dss, C::camellia_256_cbc, 256, M::sha1, 0),
    S(0x0086, "TLS_DH_RSA_WITH_CAMELLIA_256_CBC_SHA", K::dh, A::rsa, C::camellia_256_cbc, 256, M::sha1, 0),
    S(0x0087, "TLS_DHE_DSS_WITH_CAMELLIA_256_CBC_SHA", K::dhe, A::dss, C::camellia_256_cbc, 256, M::sha1, 0),
    S(0x0088, "TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA", K::dhe, A::rsa, C::camellia_256_cbc, 256, M::sha1, 0),
    S(0x0089, "TLS_DH_anon_WITH_CAMELLIA_256_CBC_SHA", K::dhe, A::anon, C::camellia_256_cbc, 256, M::sha1, 0),
    S(0x008A, "TLS_PSK_WITH_RC4_128_SHA", K::psk, A::psk, C::rc4_128, 128, M::sha1, 0),
    S(0x008B, "TLS_PSK_WITH_3DES_EDE_CBC_SHA", K::psk, A::psk, C::des_ede3_cbc, 112, M::sha1, 0),
    S(0x008C, "TLS_PSK_WITH_AES_128_CBC_SHA", K::psk, A::psk, C::aes_128_cbc, 128, M::sha1, 0),
    S(0x008D, "TLS_PSK_WITH_AES_256_CBC_SHA", K::psk, A::psk, C::aes_256_cbc, 256, M::sha1, 0),
    S(0x008E, "TLS_DHE_PSK_WITH_RC4_128_SHA", K::dhe_psk, A::psk, C::rc4_128, 128, M::sha1, 0),
    S(0x008F, "TLS_DHE_PSK_WITH_3DES_EDE_CBC_SHA", K::dhe_psk, A::psk, C::des_ede3_cbc, 112, M::sha1, 0),
    S(0x0090, "TLS_DHE_PSK_WITH_AES_128_CBC_SHA", K::dhe_psk, A::psk, C::aes_128_cbc, 128, M::sha1, 0),
    S(0x0091, "TLS_DHE_PSK_WITH_AES_256_CBC_SHA", K::dhe_psk, A::psk, C::aes_256_cbc, 256, M::sha1, 0),
    S(0x0092, "TLS_RSA_PSK_WITH_RC4_128_SHA", K::rsa_psk, A::rsa, C::rc4_128, 128, M::sha1, 0),
    S(0x0093, "TLS_RSA_PSK_WITH_3DES_EDE_CBC_SHA", K::rsa_psk, A::rsa, C::des_ede3_cbc, 112, M::sha1, 0),
    S(0x0094, "TLS_RSA_PSK_WITH_AES_128_CBC_SHA", K::rsa_psk, A::rsa, C::aes_128_cbc, 128, M::sha1, 0),
    S(0x0095, "TLS_RSA_PSK_WITH_AES_256_CBC_SHA", K::rsa_psk, A::rsa, C::aes_256_cbc, 256, M::sha1, 0),
    S(0x0096, "TLS_RSA_WITH_SEED_CBC_SHA", K::rsa, A::rsa, C::seed_cbc, 128, M::sha1, 0),
    S(0x0097, "TLS_DH_DSS_WITH_SEED_CBC_SHA", K::dh, A::dss, C::seed_cbc, 128, M::sha1, 0),
    S(0x0098, "TLS_DH_RSA_WITH_SEED_CBC_SHA", K::dh, A::rsa, C::seed_cbc, 128, M::sha1, 0),
    S(0x0099, "TLS_DHE_DSS_WITH_SEED_CBC_SHA", K::dhe, A::dss, C::seed_cbc, 128, M::sha1, 0),
    S(0x009A, "TLS_DHE_RSA_WITH_SEED_CBC_SHA", K::dhe, A::rsa, C::seed_cbc, 128, M::sha1, 0),
    S(0x009B, "TLS_DH_anon_WITH_SEED_CBC_SHA", K::dhe, A::anon, C::seed_cbc, 128, M::sha1, 0),
    S(0x009C, "TLS_RSA_WITH_AES_128_GCM_SHA256", K::rsa, A::rsa, C::aes_128_gcm, 128, M::aead, 0),
    S(0x009D, "TLS_RSA_WITH_AES_256_GCM_SHA384", K::rsa, A::rsa, C::aes_256_gcm, 256, M::aead, 0),
    S(0x009E, "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", K::dhe, A::rsa, C::aes_128_gcm, 128, M::aead, 0),
    S(0x009F, "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384", K::dhe, A::rsa, C::aes_256_gcm, 256, M::aead, 0),
    S(0x00A0, "TLS_DH_RSA_WITH_AES_128_GCM_SHA256", K::dh, A::rsa, C::aes_128_gcm, 128, M::aead, 0),
    S(0x00A1, "TLS_DH_RSA_WITH_AES_256_GCM_SHA384", K::dh, A::rsa, C::aes_256_gcm, 256, M::aead, 0),
    S(0x00A2, "TLS_DHE_DSS_WITH_AES_128_GCM_SHA256", K::dhe, A::dss, C::aes_128_gcm, 128, M::aead, 0),
    S(0x00A3, "TLS_DHE_DSS_WITH_AES_256_GCM_SHA384", K::dhe, A::dss, C::aes_256_gcm, 256, M::aead, 0),
    S(0x00A4, "TLS_DH_DSS_WITH_AES_128_GCM_SHA256", K::dh, A::dss, C::aes_128_gcm, 128, M::aead, 0),
    S(0x00A5, "TLS_DH_DSS_WITH_AES_256_GCM_SHA384", K::dh, A::dss, C::aes_256_gcm, 256, M::aead, 0),
    S(0x00A6, "TLS_DH_anon_WITH_AES_128_GCM_SHA256", K::dhe, A::anon, C::aes_128_gcm, 128, M::aead, 0),
    S(0x00A7, "TLS_DH_anon_WITH_AES_256_GCM_SHA384", K::dhe, A::anon, C::aes_256_gcm, 256, M::aead, 0),
    S(0x00A8, "TLS_PSK_WITH_AES_128_GCM_SHA256", K::psk, A::psk, C::aes_128_gcm, 128, M::aead, 0),
    S(0x00A9, "TLS_PSK_WITH_AES_256_GCM_SHA384", K::psk, A::psk, C::aes_256_gcm, 256, M::aead, 0),
    S(0x00AA, "TLS_DHE_PSK_WITH_AES_128_GCM_SHA256", K::dhe_psk, A::psk, C::aes_128_gcm, 128, M::aead, 0),
    S(0x00AB, "TLS_DHE_PSK_WITH_AES_256_GCM_SHA384", K::dhe_psk, A::psk, C::aes_256_gcm, 256, M::aead, 0),
    S(0x00AC, "TLS_RSA_PSK_WITH_AES_128_GCM_SHA256", K::rsa_psk, A::rsa, C::aes_128_gcm, 128, M::aead, 0),
    S(0x00AD, "TLS_RSA_PSK_WITH_AES_256_GCM_SHA384", K::rsa_psk, A::rsa, C::aes_256_gcm, 256, M::aead, 0),
    S(0x00AE, "TLS_PSK_WITH_AES_128_CBC_SHA256", K::psk, A::psk, C::aes_128_cbc, 128, M::sha256, 0),
    S(0x00AF, "TLS_PSK_WITH_AES_256_CBC_SHA384", K::psk, A::psk, C::aes_256_cbc, 256, M::sha384, 0),
    S(0x00B0, "TLS_PSK_WITH_NULL_SHA256", K::psk, A::psk, C::null, 0, M::sha256, 0),
    S(0x00B1, "TLS_PSK_WITH_NULL_SHA384", K::psk, A::psk, C::null, 0, M::sha384, 0),
    S(0x00B2, "TLS_DHE_PSK_WITH_AES_128_CBC_SHA256", K::dhe_psk, A::psk, C::aes_128_cbc, 128, M::sha256, 0),
    S(0x00B3, "TLS_DHE_PSK_WITH_AES_256_CBC_SHA384", K::dhe_psk, A::psk, C::aes_256_cbc, 256, M::sha384, 0),
    S(0x00B4, "TLS_DHE_PSK_WITH_NULL_SHA256", K::dhe_psk, A::psk, C::null, 0, M::sha256, 0),
    S(0x00B5, "TLS_DHE_PSK_WITH_NULL_SHA384", K::dhe_psk, A::psk, C::null, 0, M::sha384, 0),
    S(0x00B6, "TLS_RSA_PSK_WITH_AES_128_CBC_SHA256", K::rsa_psk, A::rsa, C::aes_128_cbc, 128, M::sha256, 0),
    S(0x00B7, "TLS_RSA_PSK_WITH_AES_256_CBC_SHA384", K::rsa_psk, A::rsa, C::aes_256_cbc, 256, M::sha384, 0),
    S(0x00B8, "TLS_RSA_PSK_WITH_NULL_SHA256", K::rsa_psk, A::rsa, C::null, 0, M::sha256, 0),
    S(0x00B9, "TLS_RSA_PSK_WITH_NULL_SHA384", K::rsa_psk, A::rsa, C::null, 0, M::sha384, 0),
    S(0x00BA, "TLS_RSA_WITH_CAMELLIA_128_CBC_SHA256", K::rsa, A::rsa, C::camellia_128_cbc, 128, M::sha256, 0),
    S(0x00BB, "TLS_DH_DSS_WITH_CAMELLIA_128_CBC_SHA256", K::dh, A::dss, C::camellia_128_cbc, 128, M::sha256, 0),
    S(0x00BC, "TLS_DH_RSA_WITH_CAMELLIA_128_CBC_SHA256", K::dh, A::rsa, C::camellia_128_cbc, 128, M::sha256, 0),
    S(0x00BD, "TLS_DHE_DSS_WITH_CAMELLIA_128_CBC_SHA256", K::dhe, A::dss, C::camellia_128_cbc, 128, M::sha256, 0),
    S(0x00BE, "TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA256", K::dhe, A::rsa, C::camellia_128_cbc, 128, M::sha256, 0),
    S(0x00BF, "TLS_DH_anon_WITH_CAMELLIA_128_CBC_SHA256", K::dhe, A::anon, C::camellia_128_cbc, 128, M::sha256, 0),
    S(0x00C0, "TLS_RSA_WITH_CAMELLIA_256_CBC_SHA256", K::rsa, A::rsa, C::camellia_256_cbc, 256, M::sha256, 0),
    S(0x00C1, "TLS_DH_DSS_WITH_CAMELLIA_256_CBC_SHA256", K::dh, A::dss, C::camellia_256_cbc, 256, M::sha256, 0),
    S(0x00C2, "TLS_DH_RSA_WITH_CAMELLIA_256_CBC_SHA256", K::dh, A::rsa, C::camellia_256_cbc, 256, M::sha256, 0),
    S(0x00C3, "TLS_DHE_DSS_WITH_CAMELLIA_256_CBC_SHA256", K::dhe, A::dss, C::camellia_256_cbc, 256, M::sha256, 0),
    S(0x00C4, "TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA256", K::dhe, A::rsa, C::camellia_256_cbc, 256, M::sha256, 0),
    S(0x00C5, "TLS_DH_anon_WITH_CAMELLIA_256_CBC_SHA256", K::dhe, A::anon, C::camellia_256_cbc, 256, M::sha256, 0),
    S(0x00C6, "TLS_SM4_GCM_SM3", K::tls13, A::tls13, C::sm4_gcm, 128, M::aead, 0),
    S(0x00C7, "TLS_SM4_CCM_SM3", K::tls13, A::tls13, C::sm4_ccm, 128, M::aead, 0),
    S(0x00FF, "TLS_EMPTY_RENEGOTIATION_INFO_SCSV", K::null, A::none, C::null, 0, M::null, kScsv),
    S(0x1301, "TLS_AES_128_GCM_SHA256", K::tls13, A::tls13, C::aes_128_gcm, 128, M::aead, 0),
    S(0x1302, "TLS_AES_256_GCM_SHA384", K::tls13, A::tls13, C::aes_256_gcm, 256, M::aead, 0),
    S(0x1303, "TLS_CHACHA20_POLY1305_SHA256", K::tls13, A::tls13, C::chacha20_poly1305, 256, M::aead, 0),
    S(0x1304, "TLS_AES_128_CCM_SHA256", K::tls13, A::tls13, C::aes_128_ccm, 128, M::aead, 0),
    S(0x1305, "TLS_AES_128_CCM_8_SHA256", K::tls13, A::tls13, C::aes_128_ccm_8, 128, M::aead, 0),
    S(0x1306, "TLS_AEGIS_256_SHA512", K::tls13, A::tls13, C::aegis_256, 256, M::aead, 0),
    S(0x1307, "TLS_AEGIS_128L_SHA256", K::tls13, A::tls13, C::aegis_128l, 128, M::aead, 0),
    S(0x5600, "TLS_FALLBACK_SCSV", K::null, A::none, C::null, 0, M::null, kScsv),
    S(0xC001, "TLS_ECDH_ECDSA_WITH_NULL_SHA", K::ecdh, A::ecdsa, C::null, 0, M::sha1, 0),
    S(0xC002, "TLS_ECDH_ECDSA_WITH_RC4_128_SHA", K::ecdh, A::ecdsa, C::rc4_128, 128, M::sha1, 0),
    S(0xC003, "TLS_ECDH_ECDSA_WITH_3DES_EDE_CBC_SHA", K::ecdh, A::ecdsa, C::des_ede3_cbc, 112, M::sha1, 0),
    S(0xC004, "TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA", K::ecdh, A::ecdsa, C::aes_128_cbc, 128, M::sha1, 0),
    S(0xC005, "TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA", K::ecdh, A::ecdsa, C::aes_256_cbc, 256, M::sha1, 0),
    S(0xC006, "TLS_ECDHE_ECDSA_WITH_NULL_SHA", K::ecdhe, A::ecdsa, C::null, 0, M::sha1, 0),
    S(0xC007, "TLS_ECDHE_ECDSA_WITH_RC4_128_SHA", K::ecdhe, A::ecdsa, C::rc4_128, 128, M::sha1, 0),
    S(0xC008, "TLS_ECDHE_ECDSA_WITH_3DES_EDE_CBC_SHA", K::ecdhe, A::ecdsa, C::des_ede3_cbc, 112, M::sha1, 0),
    S(0xC009, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", K::ecdhe, A::ecdsa, C::aes_128_cbc, 128, M::sha1, 0),
    S(0xC00A, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA", K::ecdhe, A::ecdsa, C::aes_256_cbc, 256, M::sha1, 0),
    S(0xC00B, "TLS_ECDH_RSA_WITH_NULL_SHA", K::ecdh, A::rsa, C::null, 0, M::sha1, 0),
    S(0xC00C, "TLS_ECDH_RSA_WITH_RC4_128_SHA", K::ecdh, A::rsa, C::rc4_128, 128, M::sha1, 0),
    S(0xC00D, "TLS_ECDH_RSA_WITH_3DES_EDE_CBC_SHA", K::ecdh, A::rsa, C::des_ede3_cbc, 112, M::sha1, 0),
    S(0xC00E, "TLS_ECDH_RSA_WITH_AES_128_CBC_SHA", K::ecdh, A::rsa, C::aes_128_cbc, 128, M::sha1, 0),
    S(0xC00F, "TLS_ECDH_RSA_WITH_AES_256_CBC_SHA", K::ecdh, A::rsa, C::aes_256_cbc, 256, M::sha1, 0),
    S(0xC010, "TLS_ECDHE_RSA_WITH_NULL_SHA", K::ecdhe, A::rsa, C::null, 0, M::sha1, 0),
    S(0xC011, "TLS_ECDHE_RSA_WITH_RC4_128_SHA", K::ecdhe, A::rsa, C::rc4_128, 128, M::sha1, 0),
    S(0xC012, "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA", K::ecdhe, A::rsa, C::des_ede3_cbc, 112, M::sha1, 0),
    S(0xC013, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", K::ecdhe, A::rsa, C::aes_128_cbc, 128, M::sha1, 0),
    S(0xC014, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", K::ecdhe, A::rsa, C::aes_256_cbc, 256, M::sha1, 0),
    S(0xC015, "TLS_ECDH_anon_WITH_NULL_SHA", K::ecdhe, A::anon, C::null, 0, M::sha1, 0),
    S(0xC016, "TLS_ECDH_anon_WITH_RC4_128_SHA", K::ecdhe, A::anon, C::rc4_128, 128, M::sha1, 0),
    S(0xC017, "TLS_ECDH_anon_WITH_3DES_EDE_CBC_SHA", K::ecdhe, A::anon, C::des_ede3_cbc, 112, M::sha1, 0),
    S(0xC018, "TLS_ECDH_anon_WITH_AES_128_CBC_SHA", K::ecdhe, A::anon, C::aes_128_cbc, 128, M::sha1, 0),
    S(0xC019, "TLS_ECDH_anon_WITH_AES_256_CBC_SHA", K::ecdhe, A::anon, C::aes_256_cbc, 256, M::sha1, 0),
    S(0xC01A, "TLS_SRP_SHA_WITH_3DES_EDE_CBC_SHA", K::srp, A::srp, C::des_ede3_cbc, 112, M::sha1, 0),
    S(0xC01B, "TLS_SRP_SHA_RSA_WITH_3DES_EDE_CBC_SHA", K::srp, A::rsa, C::des_ede3_cbc, 112, M::sha1, 0),
    S(0xC01C, "TLS_SRP_SHA_DSS_WITH_3DES_EDE_CBC_SHA", K::srp, A::dss, C::des_ede3_cbc, 112, M::sha1, 0),
    S(0xC01D, "TLS_SRP_SHA_WITH_AES_128_CBC_SHA", K::srp, A::srp, C::aes_128_cbc, 128, M::sha1, 0),
    S(0xC01E, "TLS_SRP_SHA_RSA_WITH_AES_128_CBC_SHA", K::srp, A::rsa, C::aes_128_cbc, 128, M::sha1, 0),
    S(0xC01F, "TLS_SRP_SHA_DSS_WITH_AES_128_CBC_SHA", K::srp, A::dss, C::aes_128_cbc, 128, M::sha1, 0),
    S(0xC020, "TLS_SRP_SHA_WITH_AES_256_CBC_SHA", K::srp, A::srp, C::aes_256_cbc, 256, M::sha1, 0),
    S(0xC021, "TLS_SRP_SHA_RSA_WITH_AES_256_CBC_SHA", K::srp, A::rsa, C::aes_256_cbc, 256, M::sha1, 0),
    S(0xC022, "TLS_SRP_SHA_DSS_WITH_AES_256_CBC_SHA", K::srp, A::dss, C::aes_256_cbc, 256, M::sha1, 0),
    S(0xC023, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", K::ecdhe, A::ecdsa, C::aes_128_cbc, 128, M::sha256, 0),
    S(0xC024, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384", K::ecdhe, A::ecdsa, C::aes_256_cbc, 256, M::sha384, 0),
    S(0xC025, "TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA256", K::ecdh, A::ecdsa, C::aes_128_cbc, 128, M::sha256, 0),
    S(0xC026, "TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA384", K::ecdh, A::ecdsa, C::aes_256_cbc, 256, M::sha384, 0),
    S(0xC027, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", K::ecdhe, A::rsa, C::aes_128_cbc, 128, M::sha256, 0),
    S(0xC028, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384", K::ecdhe, A::rsa, C::aes_256_cbc, 256, M::sha384, 0),
    S(0xC029, "TLS_ECDH_RSA_WITH_AES_128_CBC_SHA256", K::ecdh, A::rsa, C::aes_128_cbc, 128, M::sha256, 0),
    S(0xC02A, "TLS_ECDH_RSA_WITH_AES_256_CBC_SHA384", K::ecdh, A::rsa, C::aes_256_cbc, 256, M::sha384, 0),
    S(0xC02B, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", K::ecdhe, A::ecdsa, C::aes_128_gcm, 128, M::aead, 0),
    S(0xC02C, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", K::ecdhe, A::ecdsa, C::aes_256_gcm, 256, M::aead, 0),
    S(0xC02D, "TLS_ECDH_ECDSA_WITH_AES_128_GCM_SHA256", K::ecdh, A::ecdsa, C::aes_128_gcm, 128, M::aead, 0),
    S(0xC02E, "TLS_ECDH_ECDSA_WITH_AES_256_GCM_SHA384", K::ecdh, A::ecdsa, C::aes_256_gcm, 256, M::aead, 0),
    S(0xC02F, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", K::ecdhe, A::rsa, C::aes_128_gcm, 128, M::aead, 0),
    S(0xC030, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", K::ecdhe, A::rsa, C::aes_256_gcm, 256, M::aead, 0),
    S(0xC031, "TLS_ECDH_RSA_WITH_AES_128_GCM_SHA256", K::ecdh, A::rsa, C::aes_128_gcm, 128, M::aead, 0),
    S(0xC032, "TLS_ECDH_RSA_WITH_AES_256_GCM_SHA384", K::ecdh, A::rsa, C::aes_256_gcm, 256, M::aead, 0),
    S(0xC033, "TLS_ECDHE_PSK_WITH_RC4_128_SHA", K::ecdhe_psk, A::psk, C::rc4_128, 128, M::sha1, 0),
    S(0xC034, "TLS_ECDHE_PSK_WITH_3DES_EDE_CBC_SHA", K::ecdhe_psk, A::psk, C::des_ede3_cbc, 112, M::sha1, 0),
    S(0xC035, "TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA", K::ecdhe_psk, A::psk, C::aes_128_cbc, 128, M::sha1, 0),
    S(0xC036, "TLS_ECDHE_PSK_WITH_AES_256_CBC_SHA", K::ecdhe_psk, A::psk, C::aes_256_cbc, 256, M::sha1, 0),
    S(0xC037, "TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA256", K::ecdhe_psk, A::psk, C::aes_128_cbc, 128, M::sha256, 0),
    S(0xC038, "TLS_ECDHE_PSK_WITH_AES_256_CBC_SHA384", K::ecdhe_psk, A::psk, C::aes_256_cbc, 256, M::sha384, 0),
    S(0xC039, "TLS_ECDHE_PSK_WITH_NULL_SHA", K::ecdhe_psk, A::psk, C::null, 0, M::sha1, 0),
    S(0xC03A, "TLS_ECDHE_PSK_WITH_NULL_SHA256", K::ecdhe_psk, A::psk, C::null, 0, M::sha256, 0),
    S(0xC03B, "TLS_ECDHE_PSK_WITH_NULL_SHA384", K::ecdhe_psk, A::psk, C::null, 0, M::sha384, 0),
    S(0xC03C, "TLS_RSA_WITH_ARIA_128_CBC_SHA256", K::rsa, A::rsa, C::aria_128_cbc, 128, M::sha256, 0),
    S(0xC03D, "TLS_RSA_WITH_ARIA_256_CBC_SHA384", K::rsa, A::rsa, C::aria_256_cbc, 256, M::sha384, 0),
    S(0xC03E, "TLS_DH_DSS_WITH_ARIA_128_CBC_SHA256", K::dh, A::dss, C::aria_128_cbc, 128, M::sha256, 0),
    S(0xC03F, "TLS_DH_DSS_WITH_ARIA_256_CBC_SHA384", K::dh, A::dss, C::aria_256_cbc, 256, M::sha384, 0),
    S(0xC040, "TLS_DH_RSA_WITH_ARIA_128_CBC_SHA256", K::dh, A::rsa, C::aria_128_cbc, 128, M::sha256, 0),
    S(0xC041, "TLS_DH_RSA_WITH_ARIA_256_CBC_SHA384", K::dh, A::rsa, C::aria_256_cbc, 256, M::sha384, 0),
    S(0xC042, "TLS_DHE_DSS_WITH_ARIA_128_CBC_SHA256", K::dhe, A::dss, C::aria_128_cbc, 128, M::sha256, 0),
    S(0xC043, "TLS_DHE_DSS_WITH_ARIA_256_CBC_SHA384", K::dhe, A::dss, C::aria_256_cbc, 256, M::sha384, 0),
    S(0xC044, "TLS_DHE_RSA_WITH_ARIA_128_CBC_SHA256", K::dhe, A::rsa, C::aria_128_cbc, 128, M::sha256, 0),
    S(0xC045, "TLS_DHE_RSA_WITH_ARIA_256_CBC_SHA384", K::dhe, A::rsa, C::aria_256_cbc, 256, M::sha384, 0),
    S(0xC046, "TLS_DH_anon_WITH_ARIA_128_CBC_SHA256", K::dhe, A::anon, C::aria_128_cbc, 128, M::sha256, 0),
    S(0xC047, "TLS_DH_anon_WITH_ARIA_256_CBC_SHA384", K::dhe, A::anon, C::aria_256_cbc, 256, M::sha384, 0),
    S(0xC048, "TLS_ECDHE_ECDSA_WITH_ARIA_128_CBC_SHA256", K::ecdhe, A::ecdsa, C::aria_128_cbc, 128, M::sha256, 0),
    S(0xC049, "TLS_ECDHE_ECDSA_WITH_ARIA_256_CBC_SHA384", K::ecdhe, A::ecdsa, C::aria_256_cbc, 256, M::sha384, 0),
    S(0xC04A, "TLS_ECDH_ECDSA_WITH_ARIA_128_CBC_SHA256", K::ecdh, A::ecdsa, C::aria_128_cbc, 128, M::sha256, 0),
    S(0xC04B, "TLS_ECDH_ECDSA_WITH_ARIA_256_CBC_SHA384", K::ecdh, A::ecdsa, C::aria_256_cbc, 256, M::sha384, 0),
    S(0xC04C, "TLS_ECDHE_RSA_WITH_ARIA_128_CBC_SHA256", K::ecdhe, A::rsa, C::aria_128_cbc, 128, M::sha256, 0),
    S(0xC04D, "TLS_ECDHE_RSA_WITH_ARIA_256_CBC_SHA384", K::ecdhe, A::rsa, C::aria_256_cbc, 256, M::sha384, 0),
    S(0xC04E, "TLS_ECDH_RSA_WITH_ARIA_128_CBC_SHA256", K::ecdh, A::rsa, C::aria_128_cbc, 128, M::sha256, 0),
    S(0xC04F, "TLS_ECDH_RSA_WITH_ARIA_256_CBC_SHA384", K::ecdh, A::rsa, C::aria_256_cbc, 256, M::sha384, 0),
    S(0xC050, "TLS_RSA_WITH_ARIA_128_GCM_SHA256", K::rsa, A::rsa, C::aria_128_gcm, 128, M::aead, 0),
    S(0xC051, "TLS_RSA_WITH_ARIA_256_GCM_SHA384", K::rsa, A::rsa, C::aria_256_gcm, 256, M::aead, 0),
    S(0xC052, "TLS_DHE_RSA_WITH_ARIA_128_GCM_SHA256", K::dhe, A::rsa, C::aria_128_gcm, 128, M::aead, 0),
    S(0xC053, "TLS_DHE_RSA_WITH_ARIA_256_GCM_SHA384", K::dhe, A::rsa, C::aria_256_gcm, 256, M::aead, 0),
    S(0xC054, "TLS_DH_RSA_WITH_ARIA_128_GCM_SHA256", K::dh, A::rsa, C::aria_128_gcm, 128, M::aead, 0),
    S(0xC055, "TLS_DH_RSA_WITH_ARIA_256_GCM_SHA384", K::dh, A::rsa, C::aria_256_gcm, 256, M::aead, 0),
    S(0xC056, "TLS_DHE_DSS_WITH_ARIA_128_GCM_SHA256", K::dhe, A::dss, C::aria_128_gcm, 128, M::aead, 0),
    S(0xC057, "TLS_DHE_DSS_WITH_ARIA_256_GCM_SHA384", K::dhe, A::dss, C::aria_256_gcm, 256, M::aead, 0),
    S(0xC058, "TLS_DH_DSS_WITH_ARIA_128_GCM_SHA256", K::dh, A::dss, C::aria_128_gcm, 128, M::aead, 0),
    S(0xC059, "TLS_DH_DSS_WITH_ARIA_256_GCM_SHA384", K::dh, A::dss, C::aria_256_gcm, 256, M::aead, 0),
    S(0xC05A, "TLS_DH_anon_WITH_ARIA_128_GCM_SHA256", K::dhe, A::anon, C::aria_128_gcm, 128, M::aead, 0),
    S(0xC05B, "TLS_DH_anon_WITH_ARIA_256_GCM_SHA384", K::dhe, A::anon, C::aria_256_gcm, 256, M::aead, 0),
    S(0xC05C, "TLS_ECDHE_ECDSA_WITH_ARIA_128_GCM_SHA256", K::ecdhe, A::ecdsa, C::aria_128_gcm, 128, M::aead, 0),
    S(0xC05D, "TLS_ECDHE_ECDSA_WITH_ARIA_256_GCM_SHA384", K::ecdhe, A::ecdsa, C::aria_256_gcm, 256, M::aead, 0),
    S(0xC05E, "TLS_ECDH_ECDSA_WITH_ARIA_128_GCM_SHA256", K::ecdh, A::ecdsa, C::aria_128_gcm, 128, M::aead, 0),
    S(0xC05F, "TLS_ECDH_ECDSA_WITH_ARIA_256_GCM_SHA384", K::ecdh, A::ecdsa, C::aria_256_gcm, 256, M::aead, 0),
    S(0xC060, "TLS_ECDHE_RSA_WITH_ARIA_128_GCM_SHA256", K::ecdhe, A::rsa, C::aria_128_gcm, 128, M::aead, 0),
    S(0xC061, "TLS_ECDHE_RSA_WITH_ARIA_256_GCM_SHA384", K::ecdhe, A::rsa, C::aria_256_gcm, 256, M::aead, 0),
    S(0xC062, "TLS_ECDH_RSA_WITH_ARIA_128_GCM_SHA256", K::ecdh, A::rsa, C::aria_128_gcm, 128, M::aead, 0),
    S(0xC063, "TLS_ECDH_RSA_WITH_ARIA_256_GCM_SHA384", K::ecdh, A::rsa, C::aria_256_gcm, 256, M::aead, 0),
    S(0xC064, "TLS_PSK_WITH_ARIA_128_CBC_SHA256", K::psk, A::psk, C::aria_128_cbc, 128, M::sha256, 0),
    S(0xC065, "TLS_PSK_WITH_ARIA_256_CBC_SHA384", K::psk, A::psk, C::aria_256_cbc, 256, M::sha384, 0),
    S(0xC066, "TLS_DHE_PSK_WITH_ARIA_128_CBC_SHA256", K::dhe_psk, A::psk, C::aria_128_cbc, 128, M::sha256, 0),
    S(0xC067, "TLS_DHE_PSK_WITH_ARIA_256_CBC_SHA384", K::dhe_psk, A::psk, C::aria_256_cbc, 256, M::sha384, 0),
    S(0xC068, "TLS_RSA_PSK_WITH_ARIA_128_CBC_SHA256", K::rsa_psk, A::rsa, C::aria_128_cbc, 128, M::sha256, 0),
    S(0xC069, "TLS_RSA_PSK_WITH_ARIA_256_CBC_SHA384", K::rsa_psk, A::rsa, C::aria_256_cbc, 256, M::sha384, 0),
    S(0xC06A, "TLS_PSK_WITH_ARIA_128_GCM_SHA256", K::psk, A::psk, C::aria_128_gcm, 128, M::aead, 0),
    S(0xC06B, "TLS_PSK_WITH_ARIA_256_GCM_SHA384", K::psk, A::psk, C::aria_256_gcm, 256, M::aead, 0),
    S(0xC06C, "TLS_DHE_PSK_WITH_ARIA_128_GCM_SHA256", K::dhe_psk, A::psk, C::aria_128_gcm, 128, M::aead, 0),
    S(0xC06D, "TLS_DHE_PSK_WITH_ARIA_256_GCM_SHA384", K::dhe_psk, A::psk, C::aria_256_gcm, 256, M::aead, 0),
    S(0xC06E, "TLS_RSA_PSK_WITH_ARIA_128_GCM_SHA256", K::rsa_psk, A::rsa, C::aria_128_gcm, 128, M::aead, 0),
    S(0xC06F, "TLS_RSA_PSK_WITH_ARIA_256_GCM_SHA384", K::rsa_psk, A::rsa, C::aria_256_gcm, 256, M::aead, 0),
    S(0xC070, "TLS_ECDHE_PSK_WITH_ARIA_128_CBC_SHA256", K::ecdhe_psk, A::psk, C::aria_128_cbc, 128, M::sha256, 0),
    S(0xC071, "TLS_ECDHE_PSK_WITH_ARIA_256_CBC_SHA384", K::ecdhe_psk, A::psk, C::aria_256_cbc, 256, M::sha384, 0),
    S(0xC072, "TLS_ECDHE_ECDSA_WITH_CAMELLIA_128_CBC_SHA256", K::ecdhe, A::ecdsa, C::camellia_128_cbc, 128, M::sha256, 0),
    S(0xC073, "TLS_ECDHE_ECDSA_WITH_CAMELLIA_256_CBC_SHA384", K::ecdhe, A::ecdsa, C::camellia_256_cbc, 256, M::sha384, 0),
    S(0xC074, "TLS_ECDH_ECDSA_WITH_CAMELLIA_128_CBC_SHA256", K::ecdh, A::ecdsa, C::camellia_128_cbc, 128, M::sha256, 0),
    S(0xC075, "TLS_ECDH_ECDSA_WITH_CAMELLIA_256_CBC_SHA384", K::ecdh, A::ecdsa, C::camellia_256_cbc, 256, M::sha384, 0),
    S(0xC076, "TLS_ECDHE_RSA_WITH_CAMELLIA_128_CBC_SHA256", K::ecdhe, A::rsa, C::camellia_128_cbc, 128, M::sha256, 0),
    S(0xC077, "TLS_ECDHE_RSA_WITH_CAMELLIA_256_CBC_SHA384", K::ecdhe, A::rsa, C::camellia_256_cbc, 256, M::sha384, 0),
    S(0xC078, "TLS_ECDH_RSA_WITH_CAMELLIA_128_CBC_SHA256", K::ecdh, A::rsa, C::camellia_128_cbc, 128, M::sha256, 0),
    S(0xC079, "TLS_ECDH_RSA_WITH_CAMELLIA_256_CBC_SHA384", K::ecdh, A::rsa, C::camellia_256_cbc, 256, M::sha384, 0),
    S(0xC07A, "TLS_RSA_WITH_CAMELLIA_128_GCM_SHA256", K::rsa, A::rsa, C::camellia_128_gcm, 128, M::aead, 0),
    S(0xC07B, "TLS_RSA_WITH_CAMELLIA_256_GCM_SHA384", K::rsa, A::rsa, C::camellia_256_gcm, 256, M::aead, 0),
    S(0xC07C, "TLS_DHE_RSA_WITH_CAMELLIA_128_GCM_SHA256", K::dhe, A::rsa, C::camellia_128_gcm, 128, M::aead, 0),
    S(0xC07D, "TLS_DHE_RSA_WITH_CAMELLIA_256_GCM_SHA384", K::dhe, A::rsa, C::camellia_256_gcm, 256, M::aead, 0),
    S(0xC07E, "TLS_DH_RSA_WITH_CAMELLIA_128_GCM_SHA256", K::dh, A::rsa, C::camellia_128_gcm, 128, M::aead, 0),
    S(0xC07F, "TLS_DH_RSA_WITH_CAMELLIA_256_GCM_SHA384", K::dh, A::rsa, C::camellia_256_gcm, 256, M::aead, 0),
    S(0xC080, "TLS_DHE_DSS_WITH_CAMELLIA_128_GCM_SHA256", K::dhe, A::dss, C::camellia_128_gcm, 128, M::aead, 0),
    S(0xC081, "TLS_DHE_DSS_WITH_CAMELLIA_256_GCM_SHA384", K::dhe, A::dss, C::camellia_256_gcm, 256, M::aead, 0),
    S(0xC082, "TLS_DH_DSS_WITH_CAMELLIA_128_GCM_SHA256", K::dh, A::dss, C::camellia_128_gcm, 128, M::aead, 0),
    S(0xC083, "TLS_DH_DSS_WITH_CAMELLIA_256_GCM_SHA384", K::dh, A::dss, C::camellia_256_gcm, 256, M::aead, 0),
    S(0xC084, "TLS_DH_anon_WITH_CAMELLIA_128_GCM_SHA256", K::dhe, A::anon, C::camellia_128_gcm, 128, M::aead, 0),
    S(0xC085, "TLS_DH_anon_WITH_CAMELLIA_256_GCM_SHA384", K::dhe, A::anon, C::camellia_256_gcm, 256, M::aead, 0),
    S(0xC086, "TLS_ECDHE_ECDSA_WITH_CAMELLIA_128_GCM_SHA256", K::ecdhe, A::ecdsa, C::camellia_128_gcm, 128, M::aead, 0),
    S(0xC087, "TLS_ECDHE_ECDSA_WITH_CAMELLIA_256_GCM_SHA384", K::ecdhe, A::ecdsa, C::camellia_256_gcm, 256, M::aead, 0),
    S(0xC088, "TLS_ECDH_ECDSA_WITH_CAMELLIA_128_GCM_SHA256", K::ecdh, A::ecdsa, C::camellia_128_gcm, 128, M::aead, 0),
    S(0xC089, "TLS_ECDH_ECDSA_WITH_CAMELLIA_256_GCM_SHA384", K::ecdh, A::ecdsa, C::camellia_256_gcm, 256, M::aead, 0),
    S(0xC08A, "TLS_ECDHE_RSA_WITH_CAMELLIA_128_GCM_SHA256", K::ecdhe, A::rsa, C::camellia_128_gcm, 128, M::aead, 0),
    S(0xC08B, "TLS_ECDHE_RSA_WITH_CAMELLIA_256_GCM_SHA384", K::ecdhe, A::rsa, C::camellia_256_gcm, 256, M::aead, 0),
    S(0xC08C, "TLS_ECDH_RSA_WITH_CAMELLIA_128_GCM_SHA256", K::ecdh, A::rsa, C::camellia_128_gcm, 128, M::aead, 0),
    S(0xC08D, "TLS_ECDH_RSA_WITH_CAMELLIA_256_GCM_SHA384", K::ecdh, A::rsa, C::camellia_256_gcm, 256, M::aead, 0),
    S(0xC08E, "TLS_PSK_WITH_CAMELLIA_128_GCM_SHA256", K::psk, A::psk, C::camellia_128_gcm, 128, M::aead, 0),
    S(0xC08F, "TLS_PSK_WITH_CAMELLIA_256_GCM_SHA384", K::psk, A::psk, C::camellia_256_gcm, 256, M::aead, 0),
    S(0xC090, "TLS_DHE_PSK_WITH_CAMELLIA_128_GCM_SHA256", K::dhe_psk, A::psk, C::camellia_128_gcm, 128, M::aead, 0),
    S(0xC091, "TLS_DHE_PSK_WITH_CAMELLIA_256_GCM_SHA384", K::dhe_psk, A::psk, C::camellia_256_gcm, 256, M::aead, 0),
    S(0xC092, "TLS_RSA_PSK_WITH_CAMELLIA_128_GCM_SHA256", K::rsa_psk, A::rsa, C::camellia_128_gcm, 128, M::aead, 0),
    S(0xC093, "TLS_RSA_PSK_WITH_CAMELLIA_256_GCM_SHA384", K::rsa_psk, A::rsa, C::camellia_256_gcm, 256, M::aead, 0),
    S(0xC094, "TLS_PSK_WITH_CAMELLIA_128_CBC_SHA256", K::psk, A::psk, C::camellia_128_cbc, 128, M::sha256, 0),
    S(0xC095, "TLS_PSK_WITH_CAMELLIA_256_CBC_SHA384", K::psk, A::psk, C::camellia_256_cbc, 256, M::sha384, 0),
    S(0xC096, "TLS_DHE_PSK_WITH_CAMELLIA_128_CBC_SHA256", K::dhe_psk, A::psk, C::camellia_128_cbc, 128, M::sha256, 0),
    S(0xC097, "TLS_DHE_PSK_WITH_CAMELLIA_256_CBC_SHA384", K::dhe_psk, A::psk, C::camellia_256_cbc, 256, M::sha384, 0),
    S(0xC098, "TLS_RSA_PSK_WITH_CAMELLIA_128_CBC_SHA256", K::rsa_psk, A::rsa, C::camellia_128_cbc, 128, M::sha256, 0),
    S(0xC099, "TLS_RSA_PSK_WITH_CAMELLIA_256_CBC_SHA384", K::rsa_psk, A::rsa, C::camellia_256_cbc, 256, M::sha384, 0),
    S(0xC09A, "TLS_ECDHE_PSK_WITH_CAMELLIA_128_CBC_SHA256", K::ecdhe_psk, A::psk, C::camellia_128_cbc, 128, M::sha256, 0),
    S(0xC09B, "TLS_ECDHE_PSK_WITH_CAMELLIA_256_CBC_SHA384", K::ecdhe_psk, A::psk, C::camellia_256_cbc, 256, M::sha384, 0),
    S(0xC09C, "TLS_RSA_WITH_AES_128_CCM", K::rsa, A::rsa, C::aes_128_ccm, 128, M::aead, 0),
    S(0xC09D, "TLS_RSA_WITH_AES_256_CCM", K::rsa, A::rsa, C::aes_256_ccm, 256, M::aead, 0),
    S(0xC09E, "TLS_DHE_RSA_WITH_AES_128_CCM", K::dhe, A::rsa, C::aes_128_ccm, 128, M::aead, 0),
    S(0xC09F, "TLS_DHE_RSA_WITH_AES_256_CCM", K::dhe, A::rsa, C::aes_256_ccm, 256, M::aead, 0),
    S(0xC0A0, "TLS_RSA_WITH_AES_128_CCM_8", K::rsa, A::rsa, C::aes_128_ccm_8, 128, M::aead, 0),
    S(0xC0A1, "TLS_RSA_WITH_AES_256_CCM_8", K::rsa, A::rsa, C::aes_256_ccm_8, 256, M::aead, 0),
    S(0xC0A2, "TLS_DHE_RSA_WITH_AES_128_CCM_8", K::dhe, A::rsa, C::aes_128_ccm_8, 128, M::aead, 0),
    S(0xC0A3, "TLS_DHE_RSA_WITH_AES_256_CCM_8", K::dhe, A::rsa, C::aes_256_ccm_8, 256, M::aead, 0),
    S(0xC0A4, "TLS_PSK_WITH_AES_128_CCM", K::psk, A::psk, C::aes_128_ccm, 128, M::aead, 0),
    S(0xC0A5, "TLS_PSK_WITH_AES_256_CCM", K::psk, A::psk, C::aes_256_ccm, 256, M::aead, 0),
    S(0xC0A6, "TLS_DHE_PSK_WITH_AES_128_CCM", K::dhe_psk, A::psk, C::aes_128_ccm, 128, M::aead, 0),
    S(0xC0A7, "TLS_DHE_PSK_WITH_AES_256_CCM", K::dhe_psk, A::psk, C::aes_256_ccm, 256, M::aead, 0),
    S(0xC0A8, "TLS_PSK_WITH_AES_128_CCM_8", K::psk, A::psk, C::aes_128_ccm_8, 128, M::aead, 0),
    S(0xC0A9, "TLS_PSK_WITH_AES_256_CCM_8", K::psk, A::psk, C::aes_256_ccm_8, 256, M::aead, 0),
    S(0xC0AA, "TLS_PSK_DHE_WITH_AES_128_CCM_8", K::dhe_psk, A::psk, C::aes_128_ccm_8, 128, M::aead, 0),
    S(0xC0AB, "TLS_PSK_DHE_WITH_AES_256_CCM_8", K::dhe_psk, A::psk, C::aes_256_ccm_8, 256, M::aead, 0),
    S(0xC0AC, "TLS_ECDHE_ECDSA_WITH_AES_128_CCM", K::ecdhe, A::ecdsa, C::aes_128_ccm, 128, M::aead, 0),
    S(0xC0AD, "TLS_ECDHE_ECDSA_WITH_AES_256_CCM", K::ecdhe, A::ecdsa, C::aes_256_ccm, 256, M::aead, 0),
    S(0xC0AE, "TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8", K::ecdhe, A::ecdsa, C::aes_128_ccm_8, 128, M::aead, 0),
    S(0xC0AF, "TLS_ECDHE_ECDSA_WITH_AES_256_CCM_8", K::ecdhe, A::ecdsa, C::aes_256_ccm_8, 256, M::aead, 0),
    S(0xC0B0, "TLS_ECCPWD_WITH_AES_128_GCM_SHA256", K::eccpwd, A::eccpwd, C::aes_128_gcm, 128, M::aead, 0),
    S(0xC0B1, "TLS_ECCPWD_WITH_AES_256_GCM_SHA384", K::eccpwd, A::eccpwd, C::aes_256_gcm, 256, M::aead, 0),
    S(0xC0B2, "TLS_ECCPWD_WITH_AES_128_CCM_SHA256", K::eccpwd, A::eccpwd, C::aes_128_ccm, 128, M::aead, 0),
    S(0xC0B3, "TLS_ECCPWD_WITH_AES_256_CCM_SHA384", K::eccpwd, A::eccpwd, C::aes_256_ccm, 256, M::aead, 0),
    S(0xC0B4, "TLS_SHA256_SHA256", K::tls13, A::tls13, C::null, 0, M::sha256, 0),
    S(0xC0B5, "TLS_SHA384_SHA384", K::tls13, A::tls13, C::null, 0, M::sha384, 0),
    S(0xC100, "TLS_GOSTR341112_256_WITH_KUZNYECHIK_CTR_OMAC", K::gost, A::gost, C::kuznyechik_ctr, 256, M::gost_omac, 0),
    S(0xC101, "TLS_GOSTR341112_256_WITH_MAGMA_CTR_OMAC", K::gost, A::gost, C::magma_ctr, 256, M::gost_omac, 0),
    S(0xC102, "TLS_GOSTR341112_256_WITH_28147_CNT_IMIT", K::gost, A::gost, C::gost28147_cnt, 256, M::gost_imit, 0),
    S(0xC103, "TLS_GOSTR341112_256_WITH_KUZNYECHIK_MGM_L", K::tls13, A::tls13, C::kuznyechik_mgm_l, 256, M::aead, 0),
    S(0xC104, "TLS_GOSTR341112_256_WITH_MAGMA_MGM_L", K::tls13, A::tls13, C::magma_mgm_l, 256, M::aead, 0),
    S(0xC105, "TLS_GOSTR341112_256_WITH_KUZNYECHIK_MGM_S", K::tls13, A::tls13, C::kuznyechik_mgm_s, 256, M::aead, 0),
    S(0xC106, "TLS_GOSTR341112_256_WITH_MAGMA_MGM_S", K::tls13, A::tls13, C::magma_mgm_s, 256, M::aead, 0),
    S(0xCCA8, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", K::ecdhe, A::rsa, C::chacha20_poly1305, 256, M::aead, 0),
    S(0xCCA9, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", K::ecdhe, A::ecdsa, C::chacha20_poly1305, 256, M::aead, 0),
    S(0xCCAA, "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256", K::dhe, A::rsa, C::chacha20_poly1305, 256, M::aead, 0),
    S(0xCCAB, "TLS_PSK_WITH_CHACHA20_POLY1305_SHA256", K::psk, A::psk, C::chacha20_poly1305, 256, M::aead, 0),
    S(0xCCAC, "TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256", K::ecdhe_psk, A::psk, C::chacha20_poly1305, 256, M::aead, 0),
    S(0xCCAD, "TLS_DHE_PSK_WITH_CHACHA20_POLY1305_SHA256", K::dhe_psk, A::psk, C::chacha20_poly1305, 256, M::aead, 0),
    S(0xCCAE, "TLS_RSA_PSK_WITH_CHACHA20_POLY1305_SHA256", K::rsa_psk, A::rsa, C::chacha20_poly1305, 256, M::aead, 0),
    S(0xD001, "TLS_ECDHE_PSK_WITH_AES_128_GCM_SHA256", K::ecdhe_psk, A::psk, C::aes_128_gcm, 128, M::aead, 0),
    S(0xD002, "TLS_ECDHE_PSK_WITH_AES_256_GCM_SHA384", K::ecdhe_psk, A::psk, C::aes_256_gcm, 256, M::aead, 0),
    S(0xD003, "TLS_ECDHE_PSK_WITH_AES_128_CCM_8_SHA256", K::ecdhe_psk, A::psk, C::aes_128_ccm_8, 128, M::aead, 0),
    S(0xD005, "TLS_ECDHE_PSK_WITH_AES_128_CCM_SHA256", K::ecdhe_psk, A::psk, C::aes_128_ccm, 128, M::aead, 0),
    S(0xFEFE, "SSL_RSA_FIPS_WITH_DES_CBC_SHA", K::rsa, A::rsa, C::des_cbc, 56, M::sha1, kNonIana),
    S(0xFEFF, "SSL_RSA_FIPS_WITH_3DES_EDE_CBC_SHA", K::rsa, A::rsa, C::des_ede3_cbc, 112, M::sha1, kNonIana),
};

constexpr bool sorted_unique() {
  for (std::size_t i = 1; i < std::size(kSuites); ++i) {
    if (kSuites[i - 1].code >= kSuites[i].code) return false;
  }
  return true;
}
static_assert(sorted_unique(), "kSuites must be sorted by code, without duplicates");

constexpr std::array kSslv2Kinds = {
    Sslv2CipherKind{0x010080, "SSL_CK_RC4_128_WITH_MD5", 128, false},
    Sslv2CipherKind{0x020080, "SSL_CK_RC4_128_EXPORT40_WITH_MD5", 40, true},
    Sslv2CipherKind{0x030080, "SSL_CK_RC2_128_CBC_WITH_MD5", 128, false},
    Sslv2CipherKind{0x040080, "SSL_CK_RC2_128_CBC_EXPORT40_WITH_MD5", 40, true},
    Sslv2CipherKind{0x050080, "SSL_CK_IDEA_128_CBC_WITH_MD5", 128, false},
    Sslv2CipherKind{0x060040, "SSL_CK_DES_64_CBC_WITH_MD5", 56, false},
    Sslv2CipherKind{0x0700C0, "SSL_CK_DES_192_EDE3_CBC_WITH_MD5", 112, false},
    Sslv2CipherKind{0x080080, "SSL_CK_RC4_64_WITH_MD5", 64, false},
};

std::string hex_code(std::uint32_t code, int digits) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%0*X", digits, static_cast<unsigned>(code));
  return buf;
}

}  // namespace

std::string_view to_string(TlsKex k) noexcept {
  switch (k) {
    case K::null: return "NULL";
    case K::rsa: return "RSA";
    case K::dh: return "DH";
    case K::dhe: return "DHE";
    case K::ecdh: return "ECDH";
    case K::ecdhe: return "ECDHE";
    case K::psk: return "PSK";
    case K::dhe_psk: return "DHE_PSK";
    case K::rsa_psk: return "RSA_PSK";
    case K::ecdhe_psk: return "ECDHE_PSK";
    case K::srp: return "SRP";
    case K::krb5: return "KRB5";
    case K::eccpwd: return "ECCPWD";
    case K::gost: return "GOSTR341112_256";
    case K::tls13: return "TLS13";
  }
  return "?";
}

std::string_view to_string(TlsAuth a) noexcept {
  switch (a) {
    case A::none: return "NULL";
    case A::anon: return "anon";
    case A::rsa: return "RSA";
    case A::dss: return "DSS";
    case A::ecdsa: return "ECDSA";
    case A::psk: return "PSK";
    case A::krb5: return "KRB5";
    case A::srp: return "SRP";
    case A::eccpwd: return "ECCPWD";
    case A::gost: return "GOSTR341012";
    case A::tls13: return "TLS13";
  }
  return "?";
}

std::string_view to_string(TlsCipher c) noexcept {
  switch (c) {
    case C::null: return "NULL";
    case C::rc4_40: return "RC4_40";
    case C::rc4_56: return "RC4_56";
    case C::rc4_128: return "RC4_128";
    case C::rc2_cbc_40: return "RC2_CBC_40";
    case C::rc2_cbc_56: return "RC2_CBC_56";
    case C::des40_cbc: return "DES40_CBC";
    case C::des_cbc_40: return "DES_CBC_40";
    case C::des_cbc: return "DES_CBC";
    case C::des_ede3_cbc: return "3DES_EDE_CBC";
    case C::idea_cbc: return "IDEA_CBC";
    case C::seed_cbc: return "SEED_CBC";
    case C::aes_128_cbc: return "AES_128_CBC";
    case C::aes_256_cbc: return "AES_256_CBC";
    case C::aes_128_gcm: return "AES_128_GCM";
    case C::aes_256_gcm: return "AES_256_GCM";
    case C::aes_128_ccm: return "AES_128_CCM";
    case C::aes_256_ccm: return "AES_256_CCM";
    case C::aes_128_ccm_8: return "AES_128_CCM_8";
    case C::aes_256_ccm_8: return "AES_256_CCM_8";
    case C::camellia_128_cbc: return "CAMELLIA_128_CBC";
    case C::camellia_256_cbc: return "CAMELLIA_256_CBC";
    case C::camellia_128_gcm: return "CAMELLIA_128_GCM";
    case C::camellia_256_gcm: return "CAMELLIA_256_GCM";
    case C::aria_128_cbc: return "ARIA_128_CBC";
    case C::aria_256_cbc: return "ARIA_256_CBC";
    case C::aria_128_gcm: return "ARIA_128_GCM";
    case C::aria_256_gcm: return "ARIA_256_GCM";
    case C::chacha20_poly1305: return "CHACHA20_POLY1305";
    case C::sm4_gcm: return "SM4_GCM";
    case C::sm4_ccm: return "SM4_CCM";
    case C::aegis_256: return "AEGIS_256";
    case C::aegis_128l: return "AEGIS_128L";
    case C::ascon_aead128: return "ASCONAEAD128";
    case C::kuznyechik_ctr: return "KUZNYECHIK_CTR";
    case C::magma_ctr: return "MAGMA_CTR";
    case C::gost28147_cnt: return "28147_CNT";
    case C::kuznyechik_mgm_l: return "KUZNYECHIK_MGM_L";
    case C::magma_mgm_l: return "MAGMA_MGM_L";
    case C::kuznyechik_mgm_s: return "KUZNYECHIK_MGM_S";
    case C::magma_mgm_s: return "MAGMA_MGM_S";
  }
  return "?";
}

std::string_view to_string(TlsMac m) noexcept {
  switch (m) {
    case M::null: return "NULL";
    case M::md5: return "MD5";
    case M::sha1: return "SHA";
    case M::sha256: return "SHA256";
    case M::sha384: return "SHA384";
    case M::aead: return "AEAD";
    case M::gost_omac: return "OMAC";
    case M::gost_imit: return "IMIT";
  }
  return "?";
}

const TlsSuite* find_suite(std::uint16_t code) noexcept {
  const auto it = std::lower_bound(std::begin(kSuites), std::end(kSuites), code,
                                   [](const TlsSuite& s, std::uint16_t c) { return s.code < c; });
  if (it == std::end(kSuites) || it->code != code) return nullptr;
  return &*it;
}

std::span<const TlsSuite> all_suites() noexcept { return kSuites; }

std::string suite_name(std::uint16_t code) {
  if (const TlsSuite* s = find_suite(code)) return std::string(s->name);
  return hex_code(code, 4);
}

bool is_grease(std::uint16_t value) noexcept {
  return (value & 0x0f0f) == 0x0a0a && (value >> 8) == (value & 0xff);
}

bool weak_suite(const TlsSuite& s) noexcept {
  if (s.scsv) return false;
  return s.null_encryption || s.export_grade || s.anonymous || s.rc4 || s.des_or_3des ||
         s.md5_mac || s.cipher == C::idea_cbc || s.cipher == C::rc2_cbc_40 ||
         s.cipher == C::rc2_cbc_56;
}

std::string weak_reason(const TlsSuite& s) {
  if (!weak_suite(s)) return {};
  std::string r;
  const auto add = [&r](std::string_view why) {
    if (!r.empty()) r += ", ";
    r += why;
  };
  if (s.null_encryption) add("NULL encryption");
  if (s.export_grade) add("EXPORT");
  if (s.anonymous) add("anonymous");
  if (s.rc4) add("RC4");
  if (s.cipher == C::des_ede3_cbc) add("3DES");
  else if (s.des_or_3des) add("DES");
  if (s.cipher == C::idea_cbc) add("IDEA");
  if (s.cipher == C::rc2_cbc_40 || s.cipher == C::rc2_cbc_56) add("RC2");
  if (s.md5_mac) add("MD5 MAC");
  return r;
}

std::span<const Sslv2CipherKind> all_sslv2_kinds() noexcept { return kSslv2Kinds; }

const Sslv2CipherKind* find_sslv2_kind(std::uint32_t code) noexcept {
  for (const auto& k : kSslv2Kinds) {
    if (k.code == code) return &k;
  }
  return nullptr;
}

std::string sslv2_kind_name(std::uint32_t code) {
  if (const Sslv2CipherKind* k = find_sslv2_kind(code)) return std::string(k->name);
  if (code <= 0xffff) {
    if (const TlsSuite* s = find_suite(static_cast<std::uint16_t>(code))) {
      return std::string(s->name);
    }
  }
  return hex_code(code & 0xffffff, 6);
}

}  // namespace trustscan
