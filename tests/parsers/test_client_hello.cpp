// ClientHello parsing, against the hellos our own builder makes (which real servers accept:
// tests/parsers/test_tls.cpp captures their answers).
#include "client_hello.hpp"
#include "tls.hpp"

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
