// Service identification: the built-in table against real replies, hostile replies, and the
// table loader's errors.
#include "scanner/config/service_table.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace trustscan;

namespace {

std::optional<Identification> id(std::string_view hello, std::string_view reply) {
  return identify(builtin_service_table(), hello, as_bytes(reply));
}

std::string table_error(const std::string& yaml) {
  try {
    parse_service_table(yaml, "s.yaml");
  } catch (const ProfileError& e) {
    return e.what();
  }
  return "<no error>";
}

}  // namespace

TEST_CASE("real banners and replies are identified, with product and version") {
  // OpenSSH 9.2p1 on Debian 12, as sent by sshd on connect.
  auto r = id("banner", "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n");
  REQUIRE(r);
  CHECK(r->service == "ssh");
  CHECK(r->product == "OpenSSH");
  CHECK(r->version == "9.2p1");
  CHECK(r->rule_line > 0);

  r = id("banner", "SSH-2.0-dropbear_2022.83\r\n");
  REQUIRE(r);
  CHECK(r->product == "Dropbear");
  CHECK(r->version == "2022.83");

  // vsftpd 3.0.3's default greeting.
  r = id("banner", "220 (vsFTPd 3.0.3)\r\n");
  REQUIRE(r);
  CHECK(r->service == "ftp");
  CHECK(r->product == "vsftpd");
  CHECK(r->version == "3.0.3");

  r = id("banner", "220 mail.lab ESMTP Postfix (Debian/GNU)\r\n");
  REQUIRE(r);
  CHECK(r->service == "smtp");

  // Telnet servers open with option negotiation (IAC DO ...), or with a bare prompt.
  r = id("banner", std::string("\xff\xfd\x18\xff\xfd\x20", 6));
  REQUIRE(r);
  CHECK(r->service == "telnet");
  r = id("banner", "\r\nDemoCam IPC-100\r\nLogin: ");
  REQUIRE(r);
  CHECK(r->service == "telnet");

  // lighttpd's answer to our GET.
  r = id("http", "HTTP/1.0 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"admin\"\r\nContent-Type: text/html\r\n"
                 "Server: lighttpd/1.4.69\r\n\r\n");
  REQUIRE(r);
  CHECK(r->service == "http");
  CHECK(r->product == "lighttpd");
  CHECK(r->version == "1.4.69");

  r = id("http", "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
  REQUIRE(r);
  CHECK(r->service == "http");
  CHECK(r->product.empty());

  r = id("http", "RTSP/1.0 400 Bad Request\r\nCSeq: 0\r\n\r\n");
  REQUIRE(r);
  CHECK(r->service == "rtsp");

  r = id("tls", std::string("\x16\x03\x03\x00\x5d\x02\x00\x00\x59\x03\x03", 11));
  REQUIRE(r);
  CHECK(r->service == "tls");
  r = id("tls", std::string("\x15\x03\x01\x00\x02\x02\x46", 7));  // handshake_failure alert
  REQUIRE(r);
  CHECK(r->service == "tls");

  // TLS servers that answer a plain GET in HTTP, in their own words (nginx 1.22.1, captured;
  // Apache httpd 2.4 and Go net/http, from their sources' error texts).
  for (const char* tell :
       {"HTTP/1.1 400 Bad Request\r\nServer: nginx/1.22.1\r\nContent-Type: text/html\r\nContent-Length: 255\r\n"
        "Connection: close\r\n\r\n<html>\r\n<head><title>400 The plain HTTP request was sent to HTTPS port</title></head>\r\n",
        "HTTP/1.1 400 Bad Request\r\nServer: Apache/2.4.57\r\n\r\n<p>Your browser sent a request that this server could "
        "not understand.<br />\nReason: You're speaking plain HTTP to an SSL-enabled server port.<br />\n",
        "HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS server.\n"}) {
    r = id("http", tell);
    REQUIRE(r);
    CHECK_MESSAGE(r->service == "tls", tell);
  }
  r = id("http", "HTTP/1.1 400 Bad Request\r\nServer: nginx/1.22.1\r\n\r\n<title>400 Bad Request</title>");
  REQUIRE(r);
  CHECK(r->service == "http");  // a plain 400: the TLS hello decides (probe_runner.cpp)

  r = id("mqtt", std::string("\x20\x02\x00\x00", 4));  // CONNACK accepted
  REQUIRE(r);
  CHECK(r->service == "mqtt");

  r = id("ntp", std::string("\x24\x02\x00\xe7", 4));
  REQUIRE(r);
  CHECK(r->service == "ntp");
}

TEST_CASE("replies that are not what a rule wants are not identified") {
  CHECK_FALSE(id("banner", ""));
  CHECK_FALSE(id("banner", "hello there\r\n"));
  CHECK_FALSE(id("http", "SSH-2.0-OpenSSH_9.2p1\r\n"));  // right bytes, wrong hello
  CHECK_FALSE(id("tls", "HTTP/1.1 200 OK\r\n\r\n"));
  CHECK_FALSE(id("mqtt", std::string("\x30\x02\x00\x00", 4)));
}

TEST_CASE("hostile replies: huge, binary, and pathological inputs end quickly without a match or a crash") {
  const std::string huge(1 << 20, 'A');
  CHECK_FALSE(id("banner", huge));
  // Only the first 2048 bytes are looked at: still an HTTP reply, found without scanning 1 MiB.
  auto big = id("http", "HTTP/1.1 200 OK\r\n" + std::string(1 << 20, 'x'));
  REQUIRE(big);
  CHECK(big->service == "http");
  std::string noise;
  for (int i = 0; i < 4096; ++i) noise += static_cast<char>((i * 7919) & 0xff);
  for (const char* h : {"banner", "http", "tls", "rtsp", "mqtt", "snmp", "ntp"}) (void)id(h, noise);
  // A header block of many short lines makes the lazy Server: search walk the whole window.
  std::string many = "HTTP/1.1 200 OK\r\n";
  while (many.size() < 4096) many += "X: y\r\n";
  auto r = id("http", many);
  REQUIRE(r);
  CHECK(r->service == "http");
  CHECK(r->product.empty());
}

TEST_CASE("extracted versions are printable and short") {
  auto r = id("banner", "SSH-2.0-OpenSSH_" + std::string(500, 'v') + "\r\n");
  REQUIRE(r);
  CHECK(r->version.size() <= 128);
}

TEST_CASE("service table errors carry file:line") {
  CHECK(table_error("hellos:\n  - name: banner\nrules:\n  - {service: x, hello: nope, prefix: a}\n") ==
        "s.yaml:4: rule names unknown hello 'nope'");
  CHECK(table_error("hellos:\n  - name: banner\nrules:\n  - {service: x, hello: banner, regex: '(unclosed'}\n")
            .starts_with("s.yaml:4: regex does not compile"));
  CHECK(table_error("hellos:\n  - name: banner\nrules:\n  - {service: x, hello: banner}\n") ==
        "s.yaml:4: a rule needs exactly one of prefix, prefix_hex, contains, regex");
  CHECK(table_error("hellos:\n  - name: u\n    transport: udp\nrules: []\n") == "s.yaml:2: a UDP hello must send something");
  CHECK(table_error("hellos:\n  - name: h\n    send_hex: 'zz'\nrules: []\n") == "s.yaml:3: 'z' is not a hex digit");
  CHECK(table_error("hellos:\n  - name: h\n    colour: red\nrules: []\n") == "s.yaml:3: unknown key 'colour'");
  CHECK(table_error("hellos:\n  - name: h\n  - name: h\nrules: []\n") == "s.yaml:3: duplicate hello 'h'");
}

TEST_CASE("the built-in table loads and every hello has a rule") {
  const auto& t = builtin_service_table();
  CHECK(t.hellos.size() >= 10);
  for (const auto& h : t.hellos) {
    const bool ruled = std::any_of(t.rules.begin(), t.rules.end(), [&](const MatchRule& r) { return r.hello == h.name; });
    CHECK_MESSAGE(ruled, h.name);
  }
}
