// trustscan — the built-in demo device.
//
// "DemoCam IPC-100", a camera that gets everything wrong the way real products do: an HTTP
// admin page behind Basic authentication with admin/admin, the same admin page over TLS 1.0
// with a 1024-bit self-signed certificate made at start, a Telnet login that takes admin/admin
// and gives a shell prompt, and an MQTT broker that accepts anonymous clients and publishes
// the camera's status to whoever subscribes. Every exchange is bounded in time and size like
// the scanner itself, so a stuck client cannot pin the demo.
#include "scanner/cli/demo.hpp"

#include "probes/tls/client_hello.hpp"
#include "scanner/engine/deadline.hpp"

#include <boost/asio/ssl.hpp>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <functional>
#include <string_view>

namespace trustscan {

namespace {

using net::ip::tcp;
using namespace std::chrono_literals;

constexpr std::size_t kMaxRequest = 8 * 1024;
constexpr auto kConnectionLife = 20s;

const char kAdminPage[] =
    "<html><head><title>DemoCam IPC-100 admin</title></head><body><h1>DemoCam IPC-100</h1>"
    "<p>Firmware 2.1.7 &mdash; stream rtsp://demo/live</p></body></html>";

// Reads into `buf` until `done(buf)` or the cap; false when the peer went away or the cap hit.
template <class Stream>
net::awaitable<bool> read_until(Stream& s, std::string& buf, std::function<bool(const std::string&)> done) {
  std::array<char, 1024> chunk;
  while (!done(buf)) {
    if (buf.size() >= kMaxRequest) co_return false;
    error_code ec;
    const auto n = co_await s.async_read_some(net::buffer(chunk), net::redirect_error(net::use_awaitable, ec));
    if (ec) co_return false;
    buf.append(chunk.data(), n);
  }
  co_return true;
}

template <class Stream>
net::awaitable<void> write(Stream& s, std::string_view text) {
  error_code ec;
  co_await net::async_write(s, net::buffer(text), net::redirect_error(net::use_awaitable, ec));
}

std::string base64_decode(std::string_view in) {
  std::string out;
  int val = 0, bits = -8;
  for (const unsigned char c : in) {
    int d;
    if (c >= 'A' && c <= 'Z') d = c - 'A';
    else if (c >= 'a' && c <= 'z') d = c - 'a' + 26;
    else if (c >= '0' && c <= '9') d = c - '0' + 52;
    else if (c == '+') d = 62;
    else if (c == '/') d = 63;
    else break;
    val = (val << 6) + d;
    bits += 6;
    if (bits >= 0) {
      out += static_cast<char>((val >> bits) & 0xff);
      bits -= 8;
    }
  }
  return out;
}

// HTTP admin (plain or inside TLS): 401 unless Basic admin/admin; the admin page otherwise.
template <class Stream>
net::awaitable<void> serve_http(Stream& s) {
  std::string req;
  if (!co_await read_until(s, req, [](const std::string& b) { return b.find("\r\n\r\n") != std::string::npos; })) co_return;
  std::string auth;
  for (std::size_t pos = 0; (pos = req.find("\r\n", pos)) != std::string::npos;) {
    pos += 2;
    if (req.compare(pos, 21, "Authorization: Basic ") == 0) {
      const auto end = req.find("\r\n", pos);
      auth = base64_decode(std::string_view(req).substr(pos + 21, end - pos - 21));
    }
  }
  const bool root = req.starts_with("GET / ") || req.starts_with("GET /index");
  if (auth == "admin:admin" && root) {
    co_await write(s, std::string("HTTP/1.1 200 OK\r\nServer: DemoCam-httpd/1.0\r\nContent-Type: text/html\r\nContent-Length: ") +
                          std::to_string(sizeof kAdminPage - 1) + "\r\nConnection: close\r\n\r\n" + kAdminPage);
  } else if (root) {
    co_await write(s, "HTTP/1.1 401 Unauthorized\r\nServer: DemoCam-httpd/1.0\r\nWWW-Authenticate: Basic realm=\"DemoCam admin\"\r\n"
                      "Content-Length: 0\r\nConnection: close\r\n\r\n");
  } else {
    co_await write(s, "HTTP/1.1 404 Not Found\r\nServer: DemoCam-httpd/1.0\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
  }
}

// Telnet: a login that takes admin/admin and answers with a shell prompt; three tries.
net::awaitable<void> serve_telnet(tcp::socket& s) {
  co_await write(s, "\r\nDemoCam IPC-100 (firmware 2.1.7)\r\n");
  for (int tries = 0; tries < 3; ++tries) {
    co_await write(s, "login: ");
    std::string user, pass;
    if (!co_await read_until(s, user, [](const std::string& b) { return b.find('\n') != std::string::npos; })) co_return;
    co_await write(s, "Password: ");
    if (!co_await read_until(s, pass, [](const std::string& b) { return b.find('\n') != std::string::npos; })) co_return;
    auto trim = [](std::string v) {
      while (!v.empty() && (v.back() == '\n' || v.back() == '\r' || v.back() == '\0')) v.pop_back();
      return v;
    };
    if (trim(user) == "admin" && trim(pass) == "admin") {
      co_await write(s, "\r\n\r\nBusyBox v1.35.0 built-in shell (ash)\r\n# ");
      std::string ignored;
      (void)co_await read_until(s, ignored, [](const std::string& b) { return b.find('\n') != std::string::npos; });
      co_return;
    }
    co_await write(s, "\r\nLogin incorrect\r\n");
  }
}

// MQTT: CONNACK 0 to any CONNECT; SUBACK to a SUBSCRIBE, then the camera's status topics.
net::awaitable<void> serve_mqtt(tcp::socket& s) {
  std::string buf;
  auto packet_complete = [](const std::string& b) {
    if (b.size() < 2) return false;
    std::size_t len = 0, mult = 1, i = 1;
    for (; i < b.size() && i < 5; ++i) {
      len += (static_cast<unsigned char>(b[i]) & 0x7f) * mult;
      if (!(static_cast<unsigned char>(b[i]) & 0x80)) break;
      mult *= 128;
    }
    return i < b.size() && b.size() >= i + 1 + len;
  };
  if (!co_await read_until(s, buf, packet_complete) || (static_cast<unsigned char>(buf[0]) >> 4) != 1) co_return;
  co_await write(s, std::string("\x20\x02\x00\x00", 4));
  std::string sub;
  if (!co_await read_until(s, sub, packet_complete) || (static_cast<unsigned char>(sub[0]) >> 4) != 8 || sub.size() < 4) co_return;
  const std::string packet_id = sub.substr(2, 2);
  co_await write(s, std::string("\x90\x03", 2) + packet_id + std::string("\x00", 1));
  for (const auto& [topic, payload] : {std::pair<std::string, std::string>{"democam/status", "{\"recording\":true}"},
                                       {"democam/wifi", "{\"ssid\":\"HomeNet\",\"psk\":\"hunter22\"}"}}) {
    std::string body = std::string(1, '\0') + static_cast<char>(topic.size()) + topic + payload;
    co_await write(s, std::string(1, '\x30') + static_cast<char>(body.size()) + body);
  }
  std::string rest;
  (void)co_await read_until(s, rest, [](const std::string& b) { return !b.empty(); });
}

// A 1024-bit RSA key and a self-signed SHA-1 certificate, made at start: what many devices ship.
struct WeakIdentity {
  std::string cert_pem, key_pem, cert_der;
};

WeakIdentity make_weak_identity() {
  WeakIdentity id;
  EVP_PKEY* key = EVP_RSA_gen(1024);
  X509* x = X509_new();
  if (!key || !x) throw std::runtime_error("demo: cannot create a key");
  X509_set_version(x, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
  X509_gmtime_adj(X509_getm_notBefore(x), 0);
  X509_gmtime_adj(X509_getm_notAfter(x), 60L * 60 * 24 * 365 * 10);
  X509_set_pubkey(x, key);
  X509_NAME* name = X509_get_subject_name(x);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("DemoCam"), -1, -1, 0);
  X509_set_issuer_name(x, name);
  X509_sign(x, key, EVP_sha1());
  auto pem = [](auto write_fn) {
    BIO* bio = BIO_new(BIO_s_mem());
    write_fn(bio);
    char* data = nullptr;
    const long n = BIO_get_mem_data(bio, &data);
    std::string out(data, static_cast<std::size_t>(n));
    BIO_free(bio);
    return out;
  };
  id.cert_pem = pem([&](BIO* b) { PEM_write_bio_X509(b, x); });
  id.key_pem = pem([&](BIO* b) { PEM_write_bio_PrivateKey(b, key, nullptr, nullptr, 0, nullptr, nullptr); });
  unsigned char* der = nullptr;
  const int n = i2d_X509(x, &der);
  if (n > 0) id.cert_der.assign(reinterpret_cast<const char*>(der), static_cast<std::size_t>(n));
  OPENSSL_free(der);
  X509_free(x);
  EVP_PKEY_free(key);
  return id;
}

std::unique_ptr<net::ssl::context> make_legacy_server_context(const WeakIdentity& id) {
  auto ctx = std::make_unique<net::ssl::context>(net::ssl::context::tls_server);
  SSL_CTX* raw = ctx->native_handle();
  // TLS 1.0 and 1.1 still accepted, every suite OpenSSL 3 can still do (TOOLCHAIN.md §3).
  SSL_CTX_set_security_level(raw, 0);
  SSL_CTX_set_cipher_list(raw, "ALL:@SECLEVEL=0");
  SSL_CTX_set_min_proto_version(raw, TLS1_VERSION);
  ctx->use_certificate_chain(net::buffer(id.cert_pem));
  ctx->use_private_key(net::buffer(id.key_pem), net::ssl::context::pem);
  return ctx;
}

// The legacy TLS responder: OpenSSL 3 cannot serve SSLv3, RC4 or 3DES (TOOLCHAIN.md §3), so this
// port answers ClientHellos byte by byte: SSLv3 or TLS 1.0, RC4/3DES/DES/export suites only,
// with a ServerHello, the weak certificate and ServerHelloDone — enough for any enumerator to
// see what such a device accepts. It never completes a handshake.
constexpr std::uint16_t kLegacySuites[] = {0x0004, 0x0005, 0x000a, 0x0009, 0x0003};

std::string record(std::uint16_t version, std::uint8_t type, const std::string& body) {
  std::string r;
  r += static_cast<char>(type);
  r += static_cast<char>(version >> 8);
  r += static_cast<char>(version & 0xff);
  r += static_cast<char>(body.size() >> 8);
  r += static_cast<char>(body.size() & 0xff);
  return r + body;
}

std::string handshake(std::uint8_t type, const std::string& body) {
  std::string h(1, static_cast<char>(type));
  h += static_cast<char>((body.size() >> 16) & 0xff);
  h += static_cast<char>((body.size() >> 8) & 0xff);
  h += static_cast<char>(body.size() & 0xff);
  return h + body;
}

net::awaitable<void> serve_legacy_tls(tcp::socket& s, const std::string& cert_der) {
  std::string buf;
  ClientHelloInfo hello;
  std::size_t used = 0;
  Parse state = Parse::need_more;
  std::array<char, 2048> chunk;
  while (state == Parse::need_more && buf.size() < 16384 + 5) {
    error_code ec;
    const auto n = co_await s.async_read_some(net::buffer(chunk), net::redirect_error(net::use_awaitable, ec));
    if (ec) co_return;
    buf.append(chunk.data(), n);
    state = parse_client_hello(as_bytes(buf), hello, used);
  }
  if (state != Parse::done) co_return;
  const std::uint16_t version = hello.max_version() >= 0x0301 ? 0x0301 : hello.max_version() == 0x0300 ? 0x0300 : 0;
  std::uint16_t suite = 0;
  for (const auto offered : hello.cipher_suites)
    if (std::find(std::begin(kLegacySuites), std::end(kLegacySuites), offered) != std::end(kLegacySuites)) {
      suite = offered;
      break;
    }
  if (version == 0 || suite == 0) {
    // handshake_failure, fatal
    co_await write(s, record(version ? version : 0x0301, 0x15, std::string("\x02\x28", 2)));
    co_return;
  }
  std::string sh;
  sh += static_cast<char>(version >> 8);
  sh += static_cast<char>(version & 0xff);
  for (int i = 0; i < 32; ++i) sh += static_cast<char>(0x40 + i);
  sh += '\0';  // no session id
  sh += static_cast<char>(suite >> 8);
  sh += static_cast<char>(suite & 0xff);
  sh += '\0';  // null compression
  std::string certs;
  const std::string one = std::string(1, static_cast<char>((cert_der.size() >> 16) & 0xff)) +
                          static_cast<char>((cert_der.size() >> 8) & 0xff) + static_cast<char>(cert_der.size() & 0xff) + cert_der;
  certs += static_cast<char>((one.size() >> 16) & 0xff);
  certs += static_cast<char>((one.size() >> 8) & 0xff);
  certs += static_cast<char>(one.size() & 0xff);
  certs += one;
  co_await write(s, record(version, 0x16, handshake(2, sh)) + record(version, 0x16, handshake(11, certs)) +
                        record(version, 0x16, handshake(14, "")));
  std::string ignored;
  (void)co_await read_until(s, ignored, [](const std::string& b) { return !b.empty(); });
}

enum class Kind { http, https, telnet, mqtt, legacy_tls };

struct ServiceDef {
  const char* name;
  Kind kind;
  std::uint16_t port;  // the port such a device uses (unprivileged); ephemeral when taken
};

}  // namespace

struct DemoDevice::Impl {
  std::vector<std::unique_ptr<tcp::acceptor>> acceptors;
  std::vector<Service> services;
  WeakIdentity identity = make_weak_identity();
  std::unique_ptr<net::ssl::context> tls = make_legacy_server_context(identity);

  net::awaitable<void> serve(tcp::socket sock, Kind kind) {
    // One deadline for the whole connection: the demo never waits on a client for long.
    Deadline<tcp::socket> life(sock, kConnectionLife);
    switch (kind) {
      case Kind::http: co_await serve_http(sock); break;
      case Kind::telnet: co_await serve_telnet(sock); break;
      case Kind::mqtt: co_await serve_mqtt(sock); break;
      case Kind::legacy_tls: co_await serve_legacy_tls(sock, identity.cert_der); break;
      case Kind::https: {
        net::ssl::stream<tcp::socket&> stream(sock, *tls);
        error_code ec;
        co_await stream.async_handshake(net::ssl::stream_base::server, net::redirect_error(net::use_awaitable, ec));
        if (!ec) co_await serve_http(stream);
        break;
      }
    }
    error_code ignored;
    sock.shutdown(tcp::socket::shutdown_both, ignored);
  }

  net::awaitable<void> accept_loop(tcp::acceptor& acceptor, Kind kind) {
    for (;;) {
      error_code ec;
      tcp::socket sock = co_await acceptor.async_accept(net::redirect_error(net::use_awaitable, ec));
      if (ec == net::error::operation_aborted || !acceptor.is_open()) co_return;
      if (ec) continue;  // e.g. the peer reset before accept: keep serving
      net::co_spawn(acceptor.get_executor(), serve(std::move(sock), kind), net::detached);
    }
  }
};

DemoDevice::DemoDevice(net::io_context& io) : impl_(std::make_unique<Impl>()) {
  static constexpr ServiceDef defs[] = {{"http-admin", Kind::http, 8080},
                                        {"https-admin", Kind::https, 8443},
                                        {"telnet", Kind::telnet, 2323},
                                        {"mqtt", Kind::mqtt, 1883},
                                        {"legacy-tls", Kind::legacy_tls, 4443}};
  const auto address = net::ip::make_address_v4(kDemoAddress);
  for (const auto& def : defs) {
    // The usual port when it is free (identification is immediate there), else any port.
    auto acc = std::make_unique<tcp::acceptor>(io);
    error_code ec;
    acc->open(tcp::v4(), ec);
    if (!ec) acc->bind(tcp::endpoint(address, def.port), ec);
    if (ec) {
      acc = std::make_unique<tcp::acceptor>(io, tcp::endpoint(address, 0));
    } else {
      acc->listen(net::socket_base::max_listen_connections, ec);
      if (ec) throw std::system_error(ec);
    }
    impl_->services.push_back(Service{def.name, acc->local_endpoint().port()});
    net::co_spawn(io, impl_->accept_loop(*acc, def.kind), net::detached);
    impl_->acceptors.push_back(std::move(acc));
  }
}

DemoDevice::~DemoDevice() { close(); }

const std::vector<DemoDevice::Service>& DemoDevice::services() const noexcept { return impl_->services; }

void DemoDevice::close() {
  for (auto& acc : impl_->acceptors) {
    error_code ignored;
    acc->close(ignored);
  }
}

}  // namespace trustscan
