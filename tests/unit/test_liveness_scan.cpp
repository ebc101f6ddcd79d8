// dev.liveness end to end: a device that dies at the first bytes it is sent (emulated: no real
// daemon crashes on demand) fails the check, with the port that stopped answering; a device that
// keeps answering passes it.
#include "../support/cli.hpp"
#include "../support/files.hpp"
#include "../support/sockets.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <string>
#include <thread>

namespace {

// A web server on 127.0.0.10 that answers one request with a page, or, when `fragile`, stops
// listening for good at the first bytes a client sends (connections that send nothing, like the
// port scan's, are just closed).
class WebDevice {
 public:
  explicit WebDevice(bool fragile) : listener_(false, 128, "127.0.0.10", 0), fragile_(fragile) {
    thread_ = std::thread([this] {
      while (!stop_) {
        pollfd p{listener_.fd(), POLLIN, 0};
        if (::poll(&p, 1, 50) <= 0) continue;
        const int c = ::accept(listener_.fd(), nullptr, nullptr);
        if (c < 0) continue;
        char buf[2048];
        pollfd q{c, POLLIN, 0};
        const bool sent = ::poll(&q, 1, 500) > 0 && ::recv(c, buf, sizeof buf, 0) > 0;
        if (sent && fragile_) {
          ::shutdown(listener_.fd(), SHUT_RDWR);  // the "crash": new connections are refused
          ::close(c);
          crashed_ = true;
          return;
        }
        if (sent) {
          const std::string page = "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 40\r\nConnection: close\r\n\r\n"
                                   "<html><title>Cam</title><body></body></html>";
          ::send(c, page.data(), page.size(), MSG_NOSIGNAL);
        }
        ::close(c);
      }
    });
  }
  ~WebDevice() {
    stop_ = true;
    thread_.join();
  }
  std::uint16_t port() const { return listener_.port(); }
  bool crashed() const { return crashed_; }

 private:
  testsupport::Listener listener_;
  bool fragile_;
  std::atomic<bool> stop_{false}, crashed_{false};
  std::thread thread_;
};

nlohmann::json liveness_of(const std::string& path) {
  const auto j = nlohmann::json::parse(testsupport::read_text(path));
  for (const auto& f : j["devices"][0]["results"])
    if (f["check"] == "dev.liveness") return f;
  return {};
}

}  // namespace

TEST_CASE("dev.liveness fails on a device that stops answering during the scan, passes on one that does not") {
  const auto path = testsupport::temp_path(".json");
  SUBCASE("fragile") {
    WebDevice dev(true);
    testsupport::cli({"scan", "127.0.0.10", "-p", std::to_string(dev.port()), "-q", "--no-creds", "-o", path});
    CHECK(dev.crashed());
    const auto f = liveness_of(path);
    REQUIRE(f.is_object());
    CHECK(f["status"] == "fail");
    CHECK(f["port"] == dev.port());
    CHECK(f["evidence"][0]["detail"].get<std::string>().find("connection_refused") != std::string::npos);
  }
  SUBCASE("sturdy") {
    WebDevice dev(false);
    testsupport::cli({"scan", "127.0.0.10", "-p", std::to_string(dev.port()), "-q", "--no-creds", "-o", path});
    const auto f = liveness_of(path);
    REQUIRE(f.is_object());
    CHECK(f["status"] == "pass");
  }
  std::remove(path.c_str());
}
