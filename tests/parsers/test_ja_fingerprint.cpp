// JA3 / JA4 client fingerprints, against published vectors and hellos captured from real clients.
//
// Sources of the expected values:
//  - JA3: salesforce/ja3 README ("769,47-53-5-10-49161-49162-49171-49172-50-56-19-4,0-10-11,23-24-25,0
//    --> ada70206e40642a3e4461f35503241d5" and "769,4-5-10-9-100-98-3-6-19-18-99,,, -->
//    de350869b8c85de67a350c8d186f11e6"), and for the captured hellos tshark 4.0.17 (Debian 12)
//    `tshark -r hello.pcap -T fields -e tls.handshake.ja3_full -e tls.handshake.ja3`.
//  - JA4: FoxIO-LLC/ja4 technical_details/JA4.md, section "Example" / "Raw Output"
//    (t13d1516h2_8daaf6152771_e5627efa2ab1, its JA4_r and the hashes of its lists). tshark 4.0
//    has no JA4 field; the captured hellos' JA4 were cross-checked with an independent script that
//    applies JA4.md to tshark's dissected fields (tls.handshake.ciphersuite, extension.type,
//    sig_hash_alg, extensions_alpn_str, supported_version), and curl 7.88.1's value
//    t13d3112h2_e8f1e7e78f70_b26ce05bbdd6 is also the one third-party JA4 implementations publish
//    for curl with OpenSSL 3.0. FoxIO-LLC/ja4 python/test/testdata/sigalg-grease.pcapng.json
//    (commit 53567a24) gives JA4, JA4_r and the original order (JA4_ro) of a Chrome hello with a
//    GREASE signature algorithm; the hello is rebuilt from JA4_ro (plus GREASE values) since the
//    pcap itself is not in our reference copy.
//
// Captures: client_hello_captures.hpp.
#include "client_hello_captures.hpp"
#include "probes/tls/ja_fingerprint.hpp"

#include <doctest/doctest.h>

#include <initializer_list>
#include <utility>

using namespace trustscan;
using namespace trustscan::captures;

namespace {

// A ClientHello record from the fields a published vector lists (the vectors come as field
// lists, not bytes): legacy version, suites, then extensions as (type, body) in wire order.
using Ext = std::pair<std::uint16_t, std::vector<std::uint8_t>>;
std::vector<std::uint8_t> hello_record(std::uint16_t version, const std::vector<std::uint16_t>& suites,
                                       const std::vector<Ext>& exts) {
  std::vector<std::uint8_t> body;
  const auto u16 = [](std::vector<std::uint8_t>& v, std::size_t x) {
    v.push_back(static_cast<std::uint8_t>(x >> 8));
    v.push_back(static_cast<std::uint8_t>(x));
  };
  u16(body, version);
  body.insert(body.end(), 32, 0x11);  // random
  body.push_back(0);                  // session id
  u16(body, suites.size() * 2);
  for (const auto s : suites) u16(body, s);
  body.push_back(1);
  body.push_back(0);  // null compression
  std::vector<std::uint8_t> ext;
  for (const auto& [type, data] : exts) {
    u16(ext, type);
    u16(ext, data.size());
    ext.insert(ext.end(), data.begin(), data.end());
  }
  u16(body, ext.size());
  body.insert(body.end(), ext.begin(), ext.end());
  std::vector<std::uint8_t> rec{0x16, 0x03, 0x01};
  u16(rec, body.size() + 4);
  rec.push_back(0x01);
  rec.push_back(0);
  u16(rec, body.size());
  rec.insert(rec.end(), body.begin(), body.end());
  return rec;
}

// An extension body holding a list of 16-bit values behind a `len_bytes` length.
std::vector<std::uint8_t> u16_list(std::initializer_list<std::uint16_t> values, std::size_t len_bytes = 2) {
  std::vector<std::uint8_t> v;
  const std::size_t n = values.size() * 2;
  if (len_bytes == 2) v.push_back(static_cast<std::uint8_t>(n >> 8));
  v.push_back(static_cast<std::uint8_t>(n));
  for (const auto x : values) {
    v.push_back(static_cast<std::uint8_t>(x >> 8));
    v.push_back(static_cast<std::uint8_t>(x));
  }
  return v;
}

JaFingerprint fingerprint_of(const std::vector<std::uint8_t>& rec) {
  ClientHelloInfo h;
  std::size_t used = 0;
  REQUIRE(parse_client_hello(Bytes(rec), h, used) == Parse::done);
  return ja_fingerprint(h);
}

}  // namespace

TEST_CASE("digests: the JA3 README strings hash to its published MD5s, JA4.md's lists to its hashes") {
  CHECK(md5_hex("769,47-53-5-10-49161-49162-49171-49172-50-56-19-4,0-10-11,23-24-25,0") ==
        "ada70206e40642a3e4461f35503241d5");
  CHECK(md5_hex("769,4-5-10-9-100-98-3-6-19-18-99,,,") == "de350869b8c85de67a350c8d186f11e6");
  CHECK(sha256_hex("002f,0035,009c,009d,1301,1302,1303,c013,c014,c02b,c02c,c02f,c030,cca8,cca9").substr(0, 12) ==
        "8daaf6152771");
  CHECK(sha256_hex("0005,000a,000b,000d,0012,0015,0017,001b,0023,002b,002d,0033,4469,ff01_0403,0804,0401,0503,"
                   "0805,0501,0806,0601") ==
        "e5627efa2ab19723084c1033a96c694a45826ab5a460d2d3fd5ffcfe97161c95");
  CHECK(sha256_hex("0005,000a,000b,000d,0012,0015,0017,001b,0023,002b,002d,0033,4469,ff01").substr(0, 12) ==
        "6d807ffa2a79");
}

TEST_CASE("JA3 README example hello: the string and MD5 it publishes") {
  // 769, suites 47-53-5-10-49161-49162-49171-49172-50-56-19-4, extensions server_name,
  // supported_groups {23,24,25}, ec_point_formats {0}; a GREASE suite and extension are added
  // and must vanish.
  const std::vector<std::uint8_t> sni{0, 14, 0, 0, 11, 'e', 'x', 'a', 'm', 'p', 'l', 'e', '.', 'c', 'o', 'm'};
  const auto rec = hello_record(0x0301, {0x2a2a, 47, 53, 5, 10, 49161, 49162, 49171, 49172, 50, 56, 19, 4},
                                {{0x3a3a, {}}, {0x0000, sni}, {0x000a, u16_list({23, 24, 25})}, {0x000b, {1, 0}}});
  const auto fp = fingerprint_of(rec);
  CHECK(fp.ja3 == "769,47-53-5-10-49161-49162-49171-49172-50-56-19-4,0-10-11,23-24-25,0");
  CHECK(fp.ja3_md5 == "ada70206e40642a3e4461f35503241d5");

  const auto bare = fingerprint_of(hello_record(0x0301, {4, 5, 10, 9, 100, 98, 3, 6, 19, 18, 99}, {}));
  CHECK(bare.ja3 == "769,4-5-10-9-100-98-3-6-19-18-99,,,");
  CHECK(bare.ja3_md5 == "de350869b8c85de67a350c8d186f11e6");
  // JA4.md: "If there are no extensions … JA4_c is set to 000000000000"; b = sha256 of
  // "0003,0004,0005,0006,0009,000a,0012,0013,0062,0063,0064" (sha256sum), first 12 digits.
  CHECK(bare.ja4 == "t10i110000_3609b414f052_000000000000");
}

TEST_CASE("JA4.md example hello: JA4, JA4_r as published, GREASE everywhere ignored") {
  // The example's suites and extensions in their original order (JA4_ro), with GREASE values
  // a Chromium client would add; ALPN h2, supported_versions {GREASE, 1.3, 1.2}.
  const std::vector<std::uint8_t> sni{0, 8, 0, 0, 5, 'a', '.', 'c', 'o', 'm'};
  const std::vector<std::uint8_t> alpn{0, 12, 2, 'h', '2', 8, 'h', 't', 't', 'p', '/', '1', '.', '1'};
  const auto rec = hello_record(
      0x0303,
      {0x4a4a, 0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8, 0xc013, 0xc014, 0x009c,
       0x009d, 0x002f, 0x0035},
      {{0x0a0a, {}}, {0x001b, {2, 0, 2}}, {0x0000, sni}, {0x0033, {0, 0}}, {0x0010, alpn}, {0x4469, {}},
       {0x0017, {}}, {0x002d, {1, 1}}, {0x000d, u16_list({0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601})},
       {0x0005, {1, 0, 0, 0, 0}}, {0x0023, {}}, {0x0012, {}}, {0x002b, u16_list({0x7a7a, 0x0304, 0x0303}, 1)},
       {0xff01, {0}}, {0x000b, {1, 0}}, {0x000a, u16_list({0x8a8a, 0x001d, 0x0017, 0x0018})}, {0x0015, {}},
       {0xfafa, {0}}});
  ClientHelloInfo h;
  std::size_t used = 0;
  REQUIRE(parse_client_hello(Bytes(rec), h, used) == Parse::done);
  CHECK(h.grease);
  CHECK(h.alpn_protocols == std::vector<std::string>{"h2", "http/1.1"});
  const auto fp = ja_fingerprint(h);
  CHECK(fp.ja4 == "t13d1516h2_8daaf6152771_e5627efa2ab1");
  CHECK(fp.ja4_r ==
        "t13d1516h2_002f,0035,009c,009d,1301,1302,1303,c013,c014,c02b,c02c,c02f,c030,cca8,cca9_0005,000a,000b,000d,"
        "0012,0015,0017,001b,0023,002b,002d,0033,4469,ff01_0403,0804,0401,0503,0805,0501,0806,0601");
  CHECK(ja_fingerprint(h, 'q').ja4.substr(0, 10) == "q13d1516h2");
}

TEST_CASE("FoxIO test data sigalg-grease: a GREASE signature algorithm is ignored") {
  const std::vector<std::uint8_t> sni{0, 38, 0, 0, 35, 'o', 'p', 't', 'i', 'm', 'i', 'z', 'a', 't', 'i', 'o', 'n', 'g', 'u', 'i',
                                      'd', 'e', '-', 'p', 'a', '.', 'g', 'o', 'o', 'g', 'l', 'e', 'a', 'p', 'i', 's', '.', 'c',
                                      'o', 'm'};
  const std::vector<std::uint8_t> alpn{0, 12, 2, 'h', '2', 8, 'h', 't', 't', 'p', '/', '1', '.', '1'};
  const std::vector<Ext> exts{
      {0x2a2a, {}}, {0xfe0d, {0}}, {0x0010, alpn}, {0x0017, {}}, {0x0033, {0, 0}}, {0x44cd, {}}, {0xff01, {0}},
      {0x000a, u16_list({0x3a3a, 0x001d, 0x0017, 0x0018})},
      {0x000d, u16_list({0x5a5a, 0x0904, 0x0905, 0x0906, 0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601})},
      {0x0023, {}}, {0x002b, u16_list({0x6a6a, 0x0304, 0x0303}, 1)}, {0x000b, {1, 0}}, {0xca34, {}}, {0x002d, {1, 1}},
      {0x0000, sni}, {0x0005, {1, 0, 0, 0, 0}}, {0x001b, {2, 0, 2}}, {0x0012, {}}, {0x9a9a, {0}}};
  const auto fp = fingerprint_of(hello_record(0x0303,
                                              {0x7a7a, 0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9,
                                               0xcca8, 0xc013, 0xc014, 0x009c, 0x009d, 0x002f, 0x0035},
                                              exts));
  CHECK(fp.ja4 == "t13d1517h2_8daaf6152771_cb7bf5808d99");
  CHECK(fp.ja4_r ==
        "t13d1517h2_002f,0035,009c,009d,1301,1302,1303,c013,c014,c02b,c02c,c02f,c030,cca8,cca9_0005,000a,000b,000d,"
        "0012,0017,001b,0023,002b,002d,0033,44cd,ca34,fe0d,ff01_0904,0905,0906,0403,0804,0401,0503,0805,0501,0806,0601");
}

TEST_CASE("captured hellos: JA3 as tshark 4.0 computes it, JA4 per JA4.md") {
  struct Case {
    std::string_view hex, ja3, ja3_md5, ja4;
  };
  const Case cases[] = {
      {kCurlTls13,
       "771,4866-4867-4865-49196-49200-159-52393-52392-52394-49195-49199-158-49188-49192-107-49187-49191-103-49162-"
       "49172-57-49161-49171-51-157-156-61-60-53-47-255,0-11-10-16-22-23-49-13-43-45-51-21,29-23-30-25-24-256-257-"
       "258-259-260,0-1-2",
       "0149f47eabf9a20d0893e2a44e5a6323", "t13d3112h2_e8f1e7e78f70_b26ce05bbdd6"},
      {kSClientAlpnMqtt,
       "771,4866-4867-4865-49196-49200-159-52393-52392-52394-49195-49199-158-49188-49192-107-49187-49191-103-49162-"
       "49172-57-49161-49171-51-157-156-61-60-53-47-255,0-11-10-35-16-22-23-13-43-45-51,29-23-30-25-24-256-257-258-"
       "259-260,0-1-2",
       "5a1edc7f170af1014fc65c994878e63c", "t13d3111mt_e8f1e7e78f70_1f22a2ca17c4"},
      {kSClientTls10,
       "769,49162-49172-57-56-136-135-49177-58-137-49161-49171-51-50-69-68-49176-52-70-53-132-47-65-255,11-10-35-22-"
       "23,29-23-30-25-24,0-1-2",
       "4921a5a1f7b5423a19d0db34c56c09f0", "t10i230500_44099cda8a52_195413a0cc0f"},
      {kSClientTls12NoSni,
       "771,49196-49200-159-52393-52392-52394-49195-49199-158-49188-49192-107-49187-49191-103-49162-49172-57-49161-"
       "49171-51-157-156-61-60-53-47-255,11-10-35-22-23-13,29-23-30-25-24,0-1-2",
       "fbe7e189e37a07ee33706f86bc746344", "t12i280600_d943125447b4_e7e480e5a997"},
  };
  for (const auto& c : cases) {
    const auto fp = ja_fingerprint(parsed(c.hex));
    CHECK(fp.ja3 == c.ja3);
    CHECK(fp.ja3_md5 == c.ja3_md5);
    CHECK(fp.ja4 == c.ja4);
  }
}

TEST_CASE("JA4 ALPN characters: single character, non-alphanumeric ends in hex, none") {
  const auto with_alpn = [](std::vector<std::uint8_t> name) {
    std::vector<std::uint8_t> body{0, static_cast<std::uint8_t>(name.size() + 1), static_cast<std::uint8_t>(name.size())};
    body.insert(body.end(), name.begin(), name.end());
    return fingerprint_of(hello_record(0x0303, {0x002f}, {{0x0010, body}})).ja4.substr(8, 2);
  };
  // JA4.md's own examples for the hex rule.
  CHECK(with_alpn({0xab}) == "ab");
  CHECK(with_alpn({0xab, 0xcd}) == "ad");
  CHECK(with_alpn({0x30, 0xab}) == "3b");
  CHECK(with_alpn({0x30, 0x31, 0xab, 0xcd}) == "3d");
  CHECK(with_alpn({0x30, 0xab, 0xcd, 0x31}) == "01");
  CHECK(with_alpn({'x'}) == "xx");
  CHECK(fingerprint_of(hello_record(0x0303, {0x002f}, {{0x0017, {}}})).ja4.substr(8, 2) == "00");
}

TEST_CASE("tls_client_observations: version, SNI, ALPN, JA3, JA4 of a captured hello") {
  const auto obs = tls_client_observations(parsed(kSClientAlpnMqtt), Endpoint{});
  REQUIRE(obs.size() == 5);
  CHECK(obs[0].key == "tls.client.version");
  CHECK(std::get<std::string>(obs[0].value) == "TLSv1.3");
  CHECK(std::get<std::string>(obs[1].value) == "camera.lab");
  CHECK(std::get<std::vector<std::string>>(obs[2].value) == std::vector<std::string>{"mqtt", "http/1.1"});
  CHECK(std::get<std::string>(obs[3].value) == "5a1edc7f170af1014fc65c994878e63c");
  CHECK(std::get<std::string>(obs[4].value) == "t13d3111mt_e8f1e7e78f70_1f22a2ca17c4");
  CHECK(obs[0].evidence.source == "capture");
  CHECK_FALSE(obs[0].evidence.excerpt.empty());
  // No SNI, no ALPN: those keys are absent.
  CHECK(tls_client_observations(parsed(kSClientTls12NoSni), Endpoint{}).size() == 3);
}
