// dev.liveness end to end against a web server that dies at the first bytes it is sent
// (emulated: no real daemon crashes on demand) and one that keeps answering. On loopback the
// host itself always answers, so the dead service reads as "the ports refuse, the host answers":
// not_tested with that reason and the port's status in the evidence, never a pass. (The check's
// fail on a device that answers nothing is shown on facts: tests/checks/test_liveness.cpp.)
#include "../support/cli.hpp"
#include "../support/device.hpp"
#include "../support/files.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <poll.h>
#include <sys/socket.h>

#include <atomic>
#include <functional>
#include <string>

namespace {

// Serves one page per request; when `fragile`, stops listening at the first request instead
// (`self` is set once the device exists; the port scan's connections send nothing).
std::function<void(int)> web_serve(bool fragile, std::atomic<testsupport::Device*>& self, std::atomic<bool>& crashed) {
  return [fragile, &self, &crashed](int c) {
    char buf[2048];
    pollfd q{c, POLLIN, 0};
    if (::poll(&q, 1, 500) <= 0 || ::recv(c, buf, sizeof buf, 0) <= 0) return;
    if (fragile) {
      self.load()->stop_listening();
      crashed = true;
      return;
    }
    const std::string page = "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 40\r\nConnection: close\r\n\r\n"
                             "<html><title>Cam</title><body></body></html>";
    ::send(c, page.data(), page.size(), MSG_NOSIGNAL);
  };
}

nlohmann::json liveness_of(const std::string& path) {
  const auto j = nlohmann::json::parse(testsupport::read_text(path));
  for (const auto& f : j["devices"][0]["results"])
    if (f["check"] == "dev.liveness") return f;
  return {};
}

}  // namespace

TEST_CASE("dev.liveness: a service that dies during the scan is never a pass, one that keeps answering passes") {
  const auto path = testsupport::temp_path(".json");
  std::atomic<bool> crashed{false};
  std::atomic<testsupport::Device*> self{nullptr};
  SUBCASE("fragile") {
    testsupport::Device dev(web_serve(true, self, crashed), "127.0.0.10");
    self = &dev;
    testsupport::cli({"scan", "127.0.0.10", "-p", std::to_string(dev.port()), "-q", "--no-creds", "-o", path});
    CHECK(crashed);
    const auto f = liveness_of(path);
    REQUIRE(f.is_object());
    CHECK(f["status"] == "not_tested");
    CHECK(f["reason"] == "inconclusive:ports_closed_host_up");
    CHECK(f["port"] == dev.port());
    CHECK(f["evidence"][0]["detail"].get<std::string>().find("connection_refused") != std::string::npos);
  }
  SUBCASE("sturdy") {
    testsupport::Device dev(web_serve(false, self, crashed), "127.0.0.10");
    self = &dev;
    testsupport::cli({"scan", "127.0.0.10", "-p", std::to_string(dev.port()), "-q", "--no-creds", "-o", path});
    const auto f = liveness_of(path);
    REQUIRE(f.is_object());
    CHECK(f["status"] == "pass");
  }
  std::remove(path.c_str());
}
