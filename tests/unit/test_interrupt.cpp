// Interruption in every phase: SIGINT while services are identified and probed, during a
// credential trial, during the TLS analysis, and while a capture is replayed. Each must end with
// exit 130 and a valid partial report marked incomplete — never a half-written file, never
// waiting out the probes' budgets. (The port-scan phase: test_cli.cpp, "SIGINT writes a partial
// report".)
#include "../support/device.hpp"
#include "../support/files.hpp"
#include "../support/process.hpp"
#include "../support/sockets.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/stat.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <fstream>
#include <string>
#include <thread>

using namespace std::chrono_literals;

namespace {

struct Interrupted {
  testsupport::RunResult run;
  std::chrono::milliseconds after_signal{};
  nlohmann::json report;
};

// Runs `args` (an -o JSON report appended), sends SIGINT `after` the phase under test began
// (`ready`), and reads the report.
Interrupted interrupt(std::vector<std::string> args, std::chrono::milliseconds after, const std::function<bool()>& ready) {
  const auto path = testsupport::temp_path(".json");
  args.insert(args.end(), {"-q", "-o", path});
  Interrupted r;
  r.run = testsupport::run_binary(args, after, ready);
  r.after_signal = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - r.run.signalled_at);
  const auto text = testsupport::read_text(path);
  r.report = nlohmann::json::parse(text, nullptr, false);  // a half-written file does not parse
  std::remove(path.c_str());
  return r;
}

void check_partial(const Interrupted& r) {
  INFO("stderr: " << r.run.err);
  CHECK(r.run.exit_code == 130);
  REQUIRE_FALSE(r.report.is_discarded());
  CHECK(r.report["complete"] == false);
  REQUIRE(r.report["devices"].size() == 1);
  for (const auto& f : r.report["devices"][0]["results"]) CHECK(f["status"] != "error");
}

}  // namespace

TEST_CASE("SIGINT while a port is identified and probed: partial report at once, not after the budget") {
  // 1 byte every 5 s: identification waits on it for its whole budget (10 s) unless cut short.
  testsupport::Device trickle([](int fd) {
    for (int i = 0; i < 20; ++i) {
      if (::send(fd, "x", 1, MSG_NOSIGNAL) != 1) return;
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, 5000) > 0) {
        char b[256];
        if (::recv(fd, b, sizeof b, 0) <= 0) return;
      }
    }
  });
  // The phase: the port scan's connection, then identification's.
  const auto r = interrupt({"scan", "127.0.0.1", "-p", std::to_string(trickle.port()), "--no-creds"}, 500ms,
                           [&] { return trickle.connections() >= 2; });
  check_partial(r);
  CHECK(r.report["devices"][0]["services"][0]["state"] == "open");  // what the port scan found stays
  CHECK(r.after_signal < 5000ms);  // the in-flight sessions were ended, not waited out
}

TEST_CASE("SIGINT during a credential trial against a device that delays wrong logins") {
  // HTTP Basic; every login attempt is answered 401 after 3 s.
  std::atomic<bool> trial_started{false};
  testsupport::Device slow_login([&](int fd) {
    char buf[4096];
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 5000) <= 0) return;
    const auto n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) return;
    const std::string req(buf, static_cast<std::size_t>(n));
    if (req.find("Authorization:") != std::string::npos) {
      trial_started = true;
      std::this_thread::sleep_for(3s);
    }
    const std::string reply =
        "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"cam\"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
    ::send(fd, reply.data(), reply.size(), MSG_NOSIGNAL);
  });
  const auto r = interrupt({"scan", "127.0.0.1", "-p", std::to_string(slow_login.port())}, 500ms,
                           [&] { return trial_started.load(); });
  check_partial(r);
  bool cred_not_tested = false;
  for (const auto& f : r.report["devices"][0]["results"])
    if (f["check"] == "cred.default.http") cred_not_tested = f["status"] == "not_tested";
  CHECK(cred_not_tested);
  CHECK(r.after_signal < 5000ms);
}

TEST_CASE("SIGINT during the TLS analysis of a real TLS server (openssl s_server)") {
  const auto dir = testsupport::temp_path("-tls");
  ::mkdir(dir.c_str(), 0700);
  const auto key = dir + "/key.pem", cert = dir + "/cert.pem";
  REQUIRE(std::system(("openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj /CN=interrupt.test -keyout " + key +
                       " -out " + cert + " >/dev/null 2>&1")
                          .c_str()) == 0);
  testsupport::Process server({"openssl", "s_server", "-quiet", "-accept", "127.0.0.5:18443", "-cert", cert, "-key", key, "-www"},
                              dir + "/s_server.log");
  REQUIRE(testsupport::wait_for_listener_at("127.0.0.5", 18443, 5s));
  // The device: the real server behind a 300 ms pause per connection (a slow embedded TLS stack),
  // so the analyzer's many handshakes take seconds. 8443 is a port the TLS hello names, so
  // identification asks TLS first there.
  testsupport::Device slow([](int fd) {
    std::this_thread::sleep_for(300ms);
    const int up = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_port = htons(18443);
    ::inet_pton(AF_INET, "127.0.0.5", &sa.sin_addr);
    if (::connect(up, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) return ::close(up), void();
    char buf[16384];
    for (;;) {
      pollfd p[2] = {{fd, POLLIN, 0}, {up, POLLIN, 0}};
      if (::poll(p, 2, 5000) <= 0) break;
      const int from = (p[0].revents & (POLLIN | POLLHUP | POLLERR)) ? fd : up, to = from == fd ? up : fd;
      const auto n = ::recv(from, buf, sizeof buf, 0);
      if (n <= 0 || ::send(to, buf, static_cast<std::size_t>(n), MSG_NOSIGNAL) != n) break;
    }
    ::close(up);
  }, "127.0.0.5", 8443);
  // The phase: the analyzer's handshakes (port scan and identification were the first two).
  const auto r = interrupt({"scan", "127.0.0.5", "-p", "8443", "--no-creds"}, 500ms, [&] { return slow.connections() >= 4; });
  check_partial(r);
  CHECK(r.after_signal < 5000ms);
  std::system(("rm -rf " + dir).c_str());
}

TEST_CASE("SIGINT while a capture is replayed from a pipe that stops sending") {
  // A FIFO: the captured packets of a real capture, then nothing more (the writer keeps it open),
  // so the replay waits in read() until the signal.
  const auto fifo = testsupport::temp_path(".pcap");
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  // The phase: everything written has been read (the pipe is empty), and replay waits for more.
  std::atomic<bool> drained{false}, done{false};
  std::thread writer([&] {
    std::ifstream in(TRUSTSCAN_SOURCE_DIR "/pcaps/http-firmware.pcap", std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const int fd = ::open(fifo.c_str(), O_WRONLY);  // blocks until replay opens it
    if (fd < 0) return;
    std::size_t sent = 0;
    while (sent < bytes.size()) {
      const auto n = ::write(fd, bytes.data() + sent, bytes.size() - sent);
      if (n <= 0) break;
      sent += static_cast<std::size_t>(n);
    }
    for (int queued = 1; queued > 0 && !done;) {
      if (::ioctl(fd, FIONREAD, &queued) != 0) break;
      if (queued > 0) std::this_thread::sleep_for(10ms);
    }
    drained = true;
    while (!done) std::this_thread::sleep_for(10ms);  // holds the pipe open past the signal
    ::close(fd);
  });
  const auto r = interrupt({"replay", fifo}, 300ms, [&] { return drained.load(); });
  done = true;
  writer.join();
  std::remove(fifo.c_str());
  INFO("stderr: " << r.run.err);
  CHECK(r.run.exit_code == 130);
  REQUIRE_FALSE(r.report.is_discarded());
  CHECK(r.report["complete"] == false);
  CHECK(r.report["devices"].size() >= 1);  // what was read before the signal was analysed
}
