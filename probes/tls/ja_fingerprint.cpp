// trustscan — JA3 / JA4 client fingerprints.
#include "probes/tls/ja_fingerprint.hpp"

#include "probes/tls/tls.hpp"         // tls_version_name
#include "probes/tls/tls_suites.hpp"  // is_grease
#include "probes/tls/tls_keys.hpp"
#include "trustscan/text.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <cstdio>

namespace trustscan {

namespace {

std::string digest_hex(std::string_view text, const EVP_MD* md) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (md == nullptr || EVP_Digest(text.data(), text.size(), out, &len, md, nullptr) != 1) return {};
  return hex_lower(out, len);
}

template <typename T>
std::vector<std::uint16_t> without_grease(const std::vector<T>& in) {
  std::vector<std::uint16_t> out;
  for (const T v : in)
    if (!is_grease(static_cast<std::uint16_t>(v))) out.push_back(static_cast<std::uint16_t>(v));
  return out;
}

// "a-b-c" in decimal (JA3) or "000a,0b1c" in 4-digit lower-case hex (JA4).
std::string join(const std::vector<std::uint16_t>& v, bool hex) {
  std::string s;
  char buf[8];
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (i != 0) s += hex ? ',' : '-';
    std::snprintf(buf, sizeof buf, hex ? "%04x" : "%u", unsigned{v[i]});
    s += buf;
  }
  return s;
}

std::string two_digits(std::size_t n) {
  n = std::min<std::size_t>(n, 99);
  return {static_cast<char>('0' + n / 10), static_cast<char>('0' + n % 10)};
}

std::string ja4_version(std::uint16_t v) {
  switch (v) {
    case 0x0304: return "13";
    case 0x0303: return "12";
    case 0x0302: return "11";
    case 0x0301: return "10";
    case 0x0300: return "s3";
    case 0x0002: return "s2";
    case 0xfeff: return "d1";
    case 0xfefd: return "d2";
    case 0xfefc: return "d3";
    default: return "00";
  }
}

bool alnum(unsigned char c) { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }

// First and last character of the first ALPN value; the hex form's ends when either is not
// alphanumeric (JA4.md "ALPN Extension Value").
std::string ja4_alpn(const std::vector<std::string>& alpn) {
  if (alpn.empty() || alpn.front().empty()) return "00";
  const std::string& a = alpn.front();
  const auto first = static_cast<unsigned char>(a.front());
  const auto last = static_cast<unsigned char>(a.back());
  if (alnum(first) && alnum(last)) return {static_cast<char>(first), static_cast<char>(last)};
  static constexpr char kHex[] = "0123456789abcdef";
  return {kHex[first >> 4], kHex[last & 0x0f]};
}

std::string hash12(const std::string& list) {
  return list.empty() ? std::string(12, '0') : sha256_hex(list).substr(0, 12);
}

}  // namespace

Ja3s ja3s_fingerprint(std::uint16_t legacy_version, std::uint16_t cipher_suite, const std::vector<std::uint16_t>& extensions) {
  Ja3s j;
  j.ja3s = std::to_string(legacy_version) + "," + std::to_string(cipher_suite) + "," + join(without_grease(extensions), false);
  j.ja3s_md5 = md5_hex(j.ja3s);
  return j;
}

std::string md5_hex(std::string_view text) { return digest_hex(text, EVP_md5()); }
std::string sha256_hex(std::string_view text) { return digest_hex(text, EVP_sha256()); }

JaFingerprint ja_fingerprint(const ClientHelloInfo& hello, char transport) {
  JaFingerprint fp;
  const auto suites = without_grease(hello.cipher_suites);
  const auto exts = without_grease(hello.extensions);
  fp.ja3 = std::to_string(hello.legacy_version) + ',' + join(suites, false) + ',' + join(exts, false) + ',' +
           join(without_grease(hello.supported_groups), false) + ',' + join(without_grease(hello.ec_point_formats), false);
  fp.ja3_md5 = md5_hex(fp.ja3);

  std::uint16_t version = hello.legacy_version;  // highest non-GREASE supported_versions entry wins
  const auto versions = without_grease(hello.supported_versions);
  if (!versions.empty()) version = *std::max_element(versions.begin(), versions.end());
  const bool sni = std::find(exts.begin(), exts.end(), 0x0000) != exts.end();
  const std::string a = std::string(1, transport) + ja4_version(version) + (sni ? 'd' : 'i') +
                        two_digits(suites.size()) + two_digits(exts.size()) + ja4_alpn(hello.alpn_protocols);

  auto sorted_suites = suites;
  std::sort(sorted_suites.begin(), sorted_suites.end());
  std::vector<std::uint16_t> sorted_exts;
  for (const auto e : exts)
    if (e != 0x0000 && e != 0x0010) sorted_exts.push_back(e);
  std::sort(sorted_exts.begin(), sorted_exts.end());
  const std::string b_raw = join(sorted_suites, true);
  std::string c_raw = join(sorted_exts, true);
  const auto sigalgs = without_grease(hello.signature_algorithms);
  if (!sigalgs.empty()) c_raw += '_' + join(sigalgs, true);
  fp.ja4 = a + '_' + hash12(b_raw) + '_' + (sorted_exts.empty() ? std::string(12, '0') : hash12(c_raw));
  fp.ja4_r = a + '_' + b_raw + '_' + c_raw;
  return fp;
}

std::vector<Observation> tls_client_observations(const ClientHelloInfo& hello, const Endpoint& server) {
  const JaFingerprint fp = ja_fingerprint(hello);
  Evidence ev;
  ev.kind = "handshake";
  ev.source = "capture";
  ev.detail = "TLS ClientHello, JA3 " + fp.ja3 + ", JA4_r " + fp.ja4_r;
  ev.excerpt = printable_excerpt(Bytes(hello.raw), Evidence::kMaxExcerpt);
  std::vector<Observation> out;
  const auto add = [&](const ObservationKey& key, Value v) { out.push_back(Observation{server, key, std::move(v), ev}); };
  add(keys::tls::client_version, tls_version_name(hello.max_version()));
  if (!hello.server_name.empty()) add(keys::tls::client_sni, hello.server_name);
  if (!hello.alpn_protocols.empty()) add(keys::tls::client_alpn, hello.alpn_protocols);
  add(keys::tls::client_ja3, fp.ja3_md5);
  add(keys::tls::client_ja4, fp.ja4);
  return out;
}

}  // namespace trustscan
