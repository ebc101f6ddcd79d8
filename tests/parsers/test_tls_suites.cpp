// Parser tests for probes/tls/tls_suites.hpp: the TLS cipher suite registry and its weak/FS flags.
#include "probes/tls/tls_suites.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>

using namespace trustscan;
using namespace std::literals;

namespace {

bool contains(std::string_view s, std::string_view part) { return s.find(part) != s.npos; }
bool ends_with(std::string_view s, std::string_view tail) {
  return s.size() >= tail.size() && s.substr(s.size() - tail.size()) == tail;
}

const TlsSuite& suite(std::uint16_t code) {
  const TlsSuite* s = find_suite(code);
  REQUIRE(s != nullptr);
  return *s;
}

}  // namespace

TEST_CASE("tls suites: registry size, order and uniqueness") {
  const auto all = all_suites();
  // 356 IANA code points: 149 in 0x00xx (0x0000-0x00C7 minus the reserved gaps, plus 0x00FF),
  // 7 in 0x13xx, 0x5600, 181 in 0xC0xx (0xC001-0xC0B5), 7 in 0xC1xx, 7 in 0xCCxx and 4 in 0xD0xx;
  // plus 9 unregistered legacy suites (0x0060-0x0066, 0xFEFE, 0xFEFF).
  CHECK(all.size() == 365);
  CHECK(std::count_if(all.begin(), all.end(), [](const TlsSuite& s) { return s.iana; }) == 356);
  CHECK(std::count_if(all.begin(), all.end(), [](const TlsSuite& s) { return s.scsv; }) == 2);
  CHECK(std::count_if(all.begin(), all.end(), [](const TlsSuite& s) { return s.tls13_only; }) ==
        19);

  std::set<std::uint16_t> codes;
  std::set<std::string_view> names;
  for (std::size_t i = 0; i < all.size(); ++i) {
    CAPTURE(all[i].name);
    CHECK(codes.insert(all[i].code).second);
    CHECK(names.insert(all[i].name).second);
    if (i > 0) CHECK(all[i - 1].code < all[i].code);
    CHECK(find_suite(all[i].code) == &all[i]);
    CHECK(suite_name(all[i].code) == all[i].name);
    CHECK_FALSE(is_grease(all[i].code));
    // IANA names start with TLS_; the two Netscape FIPS suites keep their SSL_ names.
    CHECK((all[i].name.substr(0, 4) == "TLS_") == (all[i].iana || all[i].code < 0xfe00));
  }
}

TEST_CASE("tls suites: flags agree with the IANA name") {
  for (const TlsSuite& s : all_suites()) {
    CAPTURE(s.name);
    const std::string_view n = s.name;
    CHECK(s.export_grade == contains(n, "EXPORT"));
    CHECK(s.anonymous == (contains(n, "_anon_") || n == "TLS_NULL_WITH_NULL_NULL"));
    CHECK(s.rc4 == contains(n, "_RC4_"));
    CHECK(s.des_or_3des == (contains(n, "_DES") || contains(n, "3DES")));
    CHECK(s.md5_mac == ends_with(n, "_MD5"));
    CHECK((s.mac == TlsMac::md5) == ends_with(n, "_MD5"));
    CHECK(s.scsv == contains(n, "SCSV"));
    CHECK(s.aead == (s.mac == TlsMac::aead));
    CHECK(s.null_encryption == (!s.scsv && s.cipher == TlsCipher::null));
    if (s.null_encryption) CHECK(s.key_bits == 0);
    if (!s.scsv && !s.null_encryption) CHECK(s.key_bits >= 40);
    // The cipher column appears verbatim in every ≤ TLS 1.2 suite name.
    if (!s.tls13_only && !s.scsv && s.code != 0x0000) {
      CHECK(contains(n, "_WITH_"s + std::string(to_string(s.cipher))));
    }
    // Forward secrecy: ephemeral (EC)DH with an authenticated server, or TLS 1.3.
    const bool ephemeral = contains(n, "DHE_") || contains(n, "_DHE_") || contains(n, "ECCPWD") ||
                           s.tls13_only;
    CHECK(s.forward_secret == (ephemeral && !s.anonymous));
    CHECK_FALSE((s.tls13_only && s.tls12_plus));
  }
}

TEST_CASE("tls suites: well-known codes") {
  const TlsSuite& aes = suite(0x002F);
  CHECK(aes.name == "TLS_RSA_WITH_AES_128_CBC_SHA");
  CHECK(aes.kex == TlsKex::rsa);
  CHECK(aes.auth == TlsAuth::rsa);
  CHECK(aes.cipher == TlsCipher::aes_128_cbc);
  CHECK(aes.key_bits == 128);
  CHECK(aes.mac == TlsMac::sha1);
  CHECK_FALSE(aes.forward_secret);
  CHECK_FALSE(aes.tls12_plus);
  CHECK_FALSE(weak_suite(aes));  // CBC-SHA1 is not "weak" in the catalog
  CHECK(weak_reason(aes).empty());

  const TlsSuite& tdes = suite(0x000A);
  CHECK(tdes.name == "TLS_RSA_WITH_3DES_EDE_CBC_SHA");
  CHECK(tdes.cipher == TlsCipher::des_ede3_cbc);
  CHECK(tdes.key_bits == 112);
  CHECK(tdes.des_or_3des);
  CHECK(weak_suite(tdes));
  CHECK(weak_reason(tdes) == "3DES");

  const TlsSuite& rc4 = suite(0x0005);
  CHECK(rc4.name == "TLS_RSA_WITH_RC4_128_SHA");
  CHECK(rc4.rc4);
  CHECK(weak_suite(rc4));
  CHECK(weak_reason(rc4) == "RC4");

  const TlsSuite& exp = suite(0x0003);
  CHECK(exp.name == "TLS_RSA_EXPORT_WITH_RC4_40_MD5");
  CHECK(exp.export_grade);
  CHECK(exp.key_bits == 40);
  CHECK(weak_suite(exp));
  CHECK(weak_reason(exp) == "EXPORT, RC4, MD5 MAC");

  const TlsSuite& gcm = suite(0xC02F);
  CHECK(gcm.name == "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
  CHECK(gcm.kex == TlsKex::ecdhe);
  CHECK(gcm.forward_secret);
  CHECK(gcm.aead);
  CHECK(gcm.tls12_plus);
  CHECK_FALSE(weak_suite(gcm));

  const TlsSuite& t13 = suite(0x1301);
  CHECK(t13.name == "TLS_AES_128_GCM_SHA256");
  CHECK(t13.tls13_only);
  CHECK(t13.kex == TlsKex::tls13);
  CHECK(t13.forward_secret);
  CHECK(t13.aead);
  CHECK_FALSE(weak_suite(t13));
  CHECK(suite(0x1303).name == "TLS_CHACHA20_POLY1305_SHA256");
  CHECK(suite(0x1305).name == "TLS_AES_128_CCM_8_SHA256");

  CHECK(suite(0xCCA8).name == "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");
  CHECK(suite(0xCCA8).cipher == TlsCipher::chacha20_poly1305);
  CHECK(suite(0xCCA8).key_bits == 256);
  CHECK(suite(0xC0AC).name == "TLS_ECDHE_ECDSA_WITH_AES_128_CCM");
  CHECK(suite(0xC0AC).aead);
  CHECK(suite(0x0096).name == "TLS_RSA_WITH_SEED_CBC_SHA");
  CHECK(suite(0x0041).name == "TLS_RSA_WITH_CAMELLIA_128_CBC_SHA");
  CHECK(suite(0xC050).name == "TLS_RSA_WITH_ARIA_128_GCM_SHA256");
  CHECK(suite(0x008C).name == "TLS_PSK_WITH_AES_128_CBC_SHA");
  CHECK(suite(0x008C).kex == TlsKex::psk);
  CHECK(suite(0xC01E).name == "TLS_SRP_SHA_RSA_WITH_AES_128_CBC_SHA");
  CHECK(suite(0x0020).name == "TLS_KRB5_WITH_RC4_128_SHA");
  CHECK(suite(0xD005).name == "TLS_ECDHE_PSK_WITH_AES_128_CCM_SHA256");
  CHECK(find_suite(0xD004) == nullptr);  // unassigned between its neighbours

  // Anonymous: "ephemeral" but not forward secret for the checks.
  const TlsSuite& adh = suite(0x0034);
  CHECK(adh.name == "TLS_DH_anon_WITH_AES_128_CBC_SHA");
  CHECK(adh.anonymous);
  CHECK(adh.kex == TlsKex::dhe);
  CHECK_FALSE(adh.forward_secret);
  CHECK(weak_reason(adh) == "anonymous");

  const TlsSuite& null_sha = suite(0x0002);
  CHECK(null_sha.null_encryption);
  CHECK(weak_reason(null_sha) == "NULL encryption");
  CHECK(weak_reason(suite(0x0000)) == "NULL encryption, anonymous");
  CHECK(weak_reason(suite(0x0009)) == "DES");
  CHECK(weak_reason(suite(0x0007)) == "IDEA");
  CHECK(weak_reason(suite(0x0006)) == "EXPORT, RC2, MD5 MAC");
  CHECK(weak_reason(suite(0x0004)) == "RC4, MD5 MAC");
  CHECK(weak_reason(suite(0xC0B4)) == "NULL encryption");  // RFC 9150 integrity-only

  // The EXPORT1024 suites are not registered but old servers pick them.
  CHECK(suite(0x0062).name == "TLS_RSA_EXPORT1024_WITH_DES_CBC_SHA");
  CHECK_FALSE(suite(0x0062).iana);
  CHECK(suite(0x0062).export_grade);
  CHECK(suite(0x0062).key_bits == 56);
}

TEST_CASE("tls suites: SCSVs, unknown codes, GREASE") {
  const TlsSuite& reneg = suite(0x00FF);
  CHECK(reneg.name == "TLS_EMPTY_RENEGOTIATION_INFO_SCSV");
  CHECK(reneg.scsv);
  CHECK_FALSE(weak_suite(reneg));
  CHECK_FALSE(reneg.null_encryption);
  CHECK(suite(0x5600).name == "TLS_FALLBACK_SCSV");
  CHECK_FALSE(weak_suite(suite(0x5600)));

  CHECK(find_suite(0xC0FF) == nullptr);
  CHECK(suite_name(0xC0FF) == "0xC0FF");
  CHECK(suite_name(0x001C) == "0x001C");  // reserved (SSLv3 Fortezza)
  CHECK(suite_name(0x0a0a) == "0x0A0A");
  CHECK(is_grease(0x0a0a));
  CHECK(is_grease(0xfafa));
  CHECK_FALSE(is_grease(0x0a1a));
  CHECK_FALSE(is_grease(0x1301));
}

TEST_CASE("tls suites: enum names are the IANA fragments") {
  CHECK(to_string(TlsKex::ecdhe) == "ECDHE");
  CHECK(to_string(TlsKex::dhe_psk) == "DHE_PSK");
  CHECK(to_string(TlsAuth::anon) == "anon");
  CHECK(to_string(TlsAuth::ecdsa) == "ECDSA");
  CHECK(to_string(TlsCipher::des_ede3_cbc) == "3DES_EDE_CBC");
  CHECK(to_string(TlsCipher::des40_cbc) == "DES40_CBC");
  CHECK(to_string(TlsCipher::rc2_cbc_40) == "RC2_CBC_40");
  CHECK(to_string(TlsMac::sha1) == "SHA");
  CHECK(to_string(TlsMac::aead) == "AEAD");
}

TEST_CASE("tls suites: SSLv2 cipher kinds") {
  const auto kinds = all_sslv2_kinds();
  CHECK(kinds.size() == 8);
  for (std::size_t i = 1; i < kinds.size(); ++i) CHECK(kinds[i - 1].code < kinds[i].code);
  const Sslv2CipherKind* rc4 = find_sslv2_kind(0x010080);
  REQUIRE(rc4 != nullptr);
  CHECK(rc4->name == "SSL_CK_RC4_128_WITH_MD5");
  CHECK(rc4->key_bits == 128);
  const Sslv2CipherKind* exp = find_sslv2_kind(0x020080);
  REQUIRE(exp != nullptr);
  CHECK(exp->name == "SSL_CK_RC4_128_EXPORT40_WITH_MD5");
  CHECK(exp->export_grade);
  CHECK(exp->key_bits == 40);
  CHECK(sslv2_kind_name(0x0700C0) == "SSL_CK_DES_192_EDE3_CBC_WITH_MD5");
  CHECK(sslv2_kind_name(0x060040) == "SSL_CK_DES_64_CBC_WITH_MD5");
  CHECK(sslv2_kind_name(0x00002F) == "TLS_RSA_WITH_AES_128_CBC_SHA");  // TLS suite in v2 form
  CHECK(sslv2_kind_name(0x090080) == "0x090080");
  CHECK(find_sslv2_kind(0x090080) == nullptr);
}
