// trustscan — the built-in demo device.
#include "demo.hpp"

#include <array>
#include <chrono>
#include <functional>
#include <string_view>

namespace trustscan {

namespace {

using net::ip::tcp;
using namespace std::chrono_literals;

// How a demo service answers one connection: what it reads (bounded) decides what it writes.
using Responder = std::function<std::string(std::string_view request)>;

struct ServiceDef {
  const char* name;
  const char* greeting;  // sent on connect, before reading (Telnet, FTP); may be empty
  Responder respond;     // answer to what the client sent; empty string: close
};

// The demo device's personality: a camera-like device with a web admin page behind Basic
// authentication, a Telnet login and an MQTT broker that accepts anonymous clients. The protocol
// probes and checks of later issues judge these; the port scan sees them as open ports.
std::vector<ServiceDef> personality() {
  return {
      {"http-admin", "",
       [](std::string_view) {
         return std::string(
             "HTTP/1.1 401 Unauthorized\r\nServer: DemoCam-httpd/1.0\r\n"
             "WWW-Authenticate: Basic realm=\"DemoCam admin\"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
       }},
      {"telnet", "\r\nDemoCam IPC-100 (firmware 2.1.7)\r\nlogin: ", [](std::string_view) { return std::string(); }},
      {"mqtt", "",
       [](std::string_view req) {
         // CONNECT is packet type 1; answer CONNACK "accepted" whatever the credentials.
         if (!req.empty() && (static_cast<unsigned char>(req[0]) >> 4) == 1) return std::string("\x20\x02\x00\x00", 4);
         return std::string();
       }},
  };
}

// One connection: greet, read once (at most 4 KiB, 5 s), answer, close. Bounded in time and
// size like everything else in trustscan, so a stuck client cannot pin the demo.
net::awaitable<void> serve_one(tcp::socket sock, const ServiceDef& def) {
  error_code ec;
  net::steady_timer deadline(sock.get_executor(), 5s);
  deadline.async_wait([&sock](error_code e) {
    if (!e) {
      error_code ignored;
      sock.cancel(ignored);
    }
  });
  if (*def.greeting)
    co_await net::async_write(sock, net::buffer(std::string_view(def.greeting)), net::redirect_error(net::use_awaitable, ec));
  std::array<char, 4096> buf;
  std::size_t n = 0;
  if (!ec) n = co_await sock.async_read_some(net::buffer(buf), net::redirect_error(net::use_awaitable, ec));
  if (!ec) {
    const std::string reply = def.respond(std::string_view(buf.data(), n));
    if (!reply.empty()) co_await net::async_write(sock, net::buffer(reply), net::redirect_error(net::use_awaitable, ec));
  }
  deadline.cancel();
  sock.shutdown(tcp::socket::shutdown_both, ec);
}

net::awaitable<void> accept_loop(tcp::acceptor& acceptor, const ServiceDef& def) {
  for (;;) {
    error_code ec;
    tcp::socket sock = co_await acceptor.async_accept(net::redirect_error(net::use_awaitable, ec));
    if (ec == net::error::operation_aborted || !acceptor.is_open()) co_return;
    if (ec) continue;  // e.g. the peer reset before accept: keep serving
    net::co_spawn(acceptor.get_executor(), serve_one(std::move(sock), def), net::detached);
  }
}

}  // namespace

struct DemoDevice::Impl {
  std::vector<ServiceDef> defs = personality();
  std::vector<std::unique_ptr<tcp::acceptor>> acceptors;
  std::vector<Service> services;
};

DemoDevice::DemoDevice(net::io_context& io) : impl_(std::make_unique<Impl>()) {
  for (const auto& def : impl_->defs) {
    auto acc = std::make_unique<tcp::acceptor>(io, tcp::endpoint(net::ip::address_v4::loopback(), 0));
    impl_->services.push_back(Service{def.name, acc->local_endpoint().port()});
    net::co_spawn(io, accept_loop(*acc, def), net::detached);
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
