// ClientHello parsing, against the hellos our own builder makes (which real servers accept:
// tests/parsers/test_tls.cpp captures their answers).
#include "probes/tls/client_hello.hpp"
#include "client_hello_captures.hpp"
#include "probes/tls/tls.hpp"

#include <doctest/doctest.h>

using namespace trustscan;

namespace {
std::vector<std::uint8_t> hello_bytes(TlsVersion v, std::vector<std::uint16_t> suites, std::string sni = {}) {
  ClientHelloSpec spec;
  spec.version = v;
  spec.cipher_suites = std::move(suites);
  spec.server_name = std::move(sni);
  if (v == TlsVersion::sslv3) spec.extensions = false;
  if (v == TlsVersion::tls1_3) spec.supported_versions = {0x0304};
  return build_client_hello(spec).bytes;
}
}  // namespace

TEST_CASE("the builder's hellos parse back to what was offered") {
  const auto b = hello_bytes(TlsVersion::tls1_2, {0xc02f, 0x000a, 0x0005}, "camera.lab");
  ClientHelloInfo h;
  std::size_t used = 0;
  REQUIRE(parse_client_hello(Bytes(b), h, used) == Parse::done);
  CHECK(used == b.size());
  CHECK(h.legacy_version == 0x0303);
  CHECK(h.cipher_suites == std::vector<std::uint16_t>{0xc02f, 0x000a, 0x0005});
  CHECK(h.server_name == "camera.lab");
  CHECK(h.max_version() == 0x0303);

  const auto v3 = hello_bytes(TlsVersion::sslv3, {0x0004, 0x0005});
  REQUIRE(parse_client_hello(Bytes(v3), h, used) == Parse::done);
  CHECK(h.legacy_version == 0x0300);
  CHECK(h.extensions.empty());

  const auto v13 = hello_bytes(TlsVersion::tls1_3, {0x1301});
  REQUIRE(parse_client_hello(Bytes(v13), h, used) == Parse::done);
  CHECK(h.max_version() == 0x0304);
}

TEST_CASE("every truncation needs more, every split gives the same hello") {
  const auto b = hello_bytes(TlsVersion::tls1_0, {0x002f, 0x0035, 0x000a});
  ClientHelloInfo whole;
  std::size_t used = 0;
  REQUIRE(parse_client_hello(Bytes(b), whole, used) == Parse::done);
  for (std::size_t n = 0; n < b.size(); ++n) {
    ClientHelloInfo part;
    CHECK(parse_client_hello(Bytes(b).first(n), part, used) == Parse::need_more);
  }
}

TEST_CASE("garbage and lies are invalid") {
  ClientHelloInfo h;
  std::size_t used = 0;
  const std::string http = "GET / HTTP/1.1\r\n\r\n";
  CHECK(parse_client_hello(as_bytes(http), h, used) == Parse::invalid);
  auto b = hello_bytes(TlsVersion::tls1_2, {0x002f});
  b[5] = 0x02;  // a ServerHello, not a ClientHello
  CHECK(parse_client_hello(Bytes(b), h, used) == Parse::invalid);
  b = hello_bytes(TlsVersion::tls1_2, {0x002f});
  b[6] = 0xff;  // handshake length past the record
  CHECK(parse_client_hello(Bytes(b), h, used) == Parse::invalid);
  const std::uint8_t huge[] = {0x16, 0x03, 0x01, 0xff, 0xff, 0x01};
  CHECK(parse_client_hello(Bytes(huge), h, used) == Parse::invalid);
}

TEST_CASE("captured hellos: groups, point formats, signature algorithms, ALPN, GREASE") {
  using namespace trustscan::captures;
  const auto curl = parsed(kCurlTls13);  // curl 7.88.1 / OpenSSL 3.0 (client_hello_captures.hpp)
  CHECK(curl.server_name == "localhost");
  CHECK(curl.supported_groups ==
        std::vector<std::uint16_t>{0x001d, 0x0017, 0x001e, 0x0019, 0x0018, 0x0100, 0x0101, 0x0102, 0x0103, 0x0104});
  CHECK(curl.ec_point_formats == std::vector<std::uint8_t>{0, 1, 2});
  REQUIRE(curl.signature_algorithms.size() == 20);
  CHECK(curl.signature_algorithms.front() == 0x0403);
  CHECK(curl.signature_algorithms.back() == 0x0602);
  CHECK(curl.alpn_protocols == std::vector<std::string>{"h2", "http/1.1"});
  CHECK(curl.supported_versions == std::vector<std::uint16_t>{0x0304, 0x0303, 0x0302, 0x0301});
  CHECK(curl.max_version() == 0x0304);
  CHECK_FALSE(curl.grease);  // OpenSSL sends no GREASE
  CHECK(curl.raw.size() == 512);  // the 517-byte record's first 512 bytes, for evidence
  CHECK(curl.raw[0] == 0x16);

  const auto mqtt = parsed(kSClientAlpnMqtt);
  CHECK(mqtt.server_name == "camera.lab");
  CHECK(mqtt.alpn_protocols == std::vector<std::string>{"mqtt", "http/1.1"});

  const auto v10 = parsed(kSClientTls10);
  CHECK(v10.legacy_version == 0x0301);
  CHECK(v10.supported_versions.empty());
  CHECK(v10.signature_algorithms.empty());  // TLS 1.0 hellos carry none
  CHECK(v10.server_name.empty());
  CHECK(v10.supported_groups == std::vector<std::uint16_t>{0x001d, 0x0017, 0x001e, 0x0019, 0x0018});
}

TEST_CASE("captured hellos: every proper prefix needs more (the parser keeps no state between calls)") {
  using namespace trustscan::captures;
  for (const auto hex : {kCurlTls13, kSClientTls10}) {
    const auto b = hex_bytes(hex);
    std::size_t used = 0;
    for (std::size_t n = 0; n < b.size(); ++n) {
      ClientHelloInfo part;
      REQUIRE(parse_client_hello(Bytes(b).first(n), part, used) == Parse::need_more);
    }
  }
}

TEST_CASE("hostile extension bodies: a list length past its extension yields no entries") {
  using namespace trustscan::captures;
  auto b = hex_bytes(kCurlTls13);
  // ALPN list length (the u16 after the 0x0010 type and its length) claims more than its body.
  for (std::size_t i = 100; i + 6 < b.size(); ++i)
    if (b[i] == 0x00 && b[i + 1] == 0x10 && b[i + 2] == 0x00 && b[i + 3] == 0x0e) {
      b[i + 5] = 0xff;
      break;
    }
  ClientHelloInfo h;
  std::size_t used = 0;
  REQUIRE(parse_client_hello(Bytes(b), h, used) == Parse::done);  // the extension block itself is sound
  CHECK(h.alpn_protocols.empty());                                  // the lying list yields nothing
}
