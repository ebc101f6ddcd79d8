// scan --capture: the device's own traffic during the scan window, recorded with libpcap on
// loopback and judged with the scan (needs root: as CI and the lab run; said so when skipped).
#include "scanner/cli/cli.hpp"
#include "../support/files.hpp"
#include "../support/cli.hpp"

#include "../support/sockets.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <unistd.h>

#include <fstream>
#include <sstream>

using namespace trustscan;
using testsupport::cli;
using testsupport::Listener;

namespace {

// An "update server" on loopback that answers every request, for 4 s, with the start of a
// uImage (the scanner's own connection, which sends nothing, just closes).
void serve_firmware(int listen_fd) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(4);
  while (std::chrono::steady_clock::now() < until) {
    pollfd p{listen_fd, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    const int c = ::accept(listen_fd, nullptr, nullptr);
    if (c < 0) continue;
    timeval tv{1, 0};
    ::setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    char buf[2048];
    if (::recv(c, buf, sizeof buf, 0) > 0) {
      std::string reply = "HTTP/1.0 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: 64\r\n\r\n";
      reply += std::string("\x27\x05\x19\x56", 4) + std::string(60, 'A');
      (void)::send(c, reply.data(), reply.size(), MSG_NOSIGNAL);
    }
    ::close(c);
  }
}

// The device fetching its firmware over plain HTTP, a moment after the scan started.
void fetch_firmware(std::uint16_t port) {
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  const int s = ::socket(AF_INET, SOCK_STREAM, 0);
  timeval tv{3, 0};
  ::setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(port);
  ::inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
  if (::connect(s, reinterpret_cast<sockaddr*>(&sa), sizeof sa) == 0) {
    const std::string req = "GET /firmware/cam-2.1.0.bin HTTP/1.0\r\nHost: 127.0.0.1\r\nUser-Agent: AcmeCam/2.1\r\n\r\n";
    (void)::send(s, req.data(), req.size(), MSG_NOSIGNAL);
    char buf[512];
    while (::recv(s, buf, sizeof buf, 0) > 0) {
    }
  }
  ::close(s);
}

}  // namespace

TEST_CASE("scan --capture: a firmware download during the scan window fails upd.cleartext") {
  if (::geteuid() != 0) {
    MESSAGE("skipped: capturing on loopback needs root (CI runs the suite as root)");
    return;
  }
  Listener server(false);
  std::thread srv(serve_firmware, server.fd());
  std::thread dev(fetch_firmware, server.port());
  const std::string out = testsupport::temp_path(".json");
  const auto r = cli({"scan", "127.0.0.1", "-p", std::to_string(server.port()), "--no-probes", "--capture", "lo",
                      "--capture-for", "2", "-q", "-o", out});
  dev.join();
  srv.join();
  CHECK(r.err.empty());
  CHECK(r.code == kExitFailed);
  std::ifstream in(out);
  const auto j = nlohmann::json::parse(in);
  bool failed = false;
  for (const auto& res : j["devices"][0]["results"])
    if (res["check"] == "upd.cleartext") {
      failed = res["status"] == "fail";
      REQUIRE(!res["evidence"].empty());
      CHECK(res["evidence"][0]["source"] == "capture");
    }
  CHECK(failed);
  std::remove(out.c_str());
}

TEST_CASE("scan --capture: a bad interface is one clear error before anything is sent") {
  const auto r = cli({"scan", "127.0.0.1", "-p", "1", "--capture", "no-such-if0"});
  CHECK(r.code == kExitUsage);
  CHECK(r.err.starts_with("trustscan: error: cannot capture on 'no-such-if0': "));
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  const auto r2 = cli({"scan", "127.0.0.1", "-p", "1", "--capture-for", "5"});
  CHECK(r2.code == kExitUsage);
  CHECK(r2.err == "trustscan: error: --capture-for needs --capture IFACE\n");
}
