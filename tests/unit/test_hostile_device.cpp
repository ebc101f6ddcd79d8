// Hostile devices on loopback: replies built to break a scanner. Every scan of them must end with
// a complete report, a status for every check, and no crash.
#include "trustscan/check.hpp"

#include "../support/device.hpp"
#include "../support/files.hpp"
#include "../support/sockets.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <random>
#include <set>
#include <variant>
#include <string>

using namespace std::chrono_literals;
using testsupport::Device;

namespace {

// Waits up to `limit` for the peer to send something (the ClientHello); returns what came.
std::string read_some(int fd, std::chrono::milliseconds limit) {
  pollfd p{fd, POLLIN, 0};
  if (::poll(&p, 1, static_cast<int>(limit.count())) <= 0) return {};
  char buf[4096];
  const auto n = ::recv(fd, buf, sizeof buf, 0);
  return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : std::string();
}

// Holds the connection until the peer closes it or `limit` passes.
void hold(int fd, std::chrono::milliseconds limit) {
  const auto end = std::chrono::steady_clock::now() + limit;
  char buf[4096];
  while (std::chrono::steady_clock::now() < end) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 50) > 0 && ::recv(fd, buf, sizeof buf, 0) <= 0) return;
  }
}

}  // namespace

// The reply that crashed 0.1.0 with SIGSEGV in the TLS checks (a verdict cited an observation
// that did not exist): a handshake record claiming 65535 bytes holding a ServerHello claiming
// 16 MB, then 2,000 random bytes, and the connection held open 30 s.
TEST_CASE("a TLS reply with huge record and handshake lengths ends in a complete report") {
  std::mt19937 rng(8259);  // the random tail is fixed, so a failure reproduces
  std::string tail(2000, '\0');
  for (auto& c : tail) c = static_cast<char>(rng() & 0xff);
  const std::string reply = std::string("\x16\x03\x03\xff\xff\x02\xff\xff\xff", 9) + tail;
  int greeted = 0;
  std::mutex mu;
  Device dev([&](int fd) {
    if (read_some(fd, 5s).empty()) return;  // a plain probe that sends nothing first: no answer
    {
      std::lock_guard lock(mu);
      ++greeted;
    }
    ::send(fd, reply.data(), reply.size(), MSG_NOSIGNAL);
    hold(fd, 30s);
  });
  const auto path = testsupport::temp_path(".json");
  const auto r = testsupport::run_binary({"scan", "127.0.0.1", "-p", std::to_string(dev.port()), "-q", "--no-creds", "-o", path});
  INFO("stderr: " << r.err);
  CHECK(r.exit_code != 128 + SIGSEGV);
  CHECK(r.exit_code != 128 + SIGABRT);
  REQUIRE((r.exit_code == 0 || r.exit_code == 1));
  CHECK(greeted >= 1);
  const auto j = nlohmann::json::parse(testsupport::read_text(path));
  CHECK(j["complete"] == true);
  REQUIRE(j["devices"].size() == 1);
  const auto& d = j["devices"][0];
  std::set<std::string> statuses{"pass", "fail", "not_applicable", "not_tested", "error", "info"};
  bool tls_judged = false;
  for (const auto& f : d["results"]) {
    CHECK(statuses.count(f["status"].get<std::string>()) == 1);
    const auto check = f["check"].get<std::string>();
    if (!check.starts_with("tls.")) continue;
    tls_judged = true;
    // Nothing about this endpoint's TLS was established: no TLS check may pass on it.
    CHECK_MESSAGE(f["status"] != "pass", check);
  }
  CHECK(tls_judged);
  std::remove(path.c_str());
}

namespace {

// A check that writes a partial finding and then throws, as a judge reading a value of an
// unexpected type would (std::bad_variant_access).
class ThrowingCheck final : public trustscan::Check {
 public:
  std::string_view id() const noexcept override { return "test.throws"; }
  trustscan::CheckInfo info() const override {
    return {"test.throws", "Throws", trustscan::Severity::high, {"IR8425:IAC.1"}};
  }
  void evaluate(const trustscan::DeviceFacts&, std::vector<trustscan::Finding>& out) const override {
    trustscan::Finding partial;
    partial.check = "test.throws";
    partial.status = trustscan::CheckStatus::pass;
    out.push_back(partial);
    throw std::bad_variant_access();
  }
};

}  // namespace

TEST_CASE("a check that throws is an error finding for that check, and the others still run") {
  trustscan::DeviceFacts facts;
  std::vector<trustscan::Finding> out(1);  // an earlier check's finding stays
  out[0].check = "earlier";
  trustscan::evaluate_contained(ThrowingCheck(), facts, out);
  REQUIRE(out.size() == 2);
  CHECK(out[0].check == "earlier");
  CHECK(out[1].check == "test.throws");
  CHECK(out[1].status == trustscan::CheckStatus::error);  // its partial "pass" is gone
  CHECK(out[1].reason == "check_error");
  CHECK(out[1].severity == trustscan::Severity::high);
  CHECK(out[1].outcomes == std::vector<std::string>{"IR8425:IAC.1"});
  CHECK(out[1].summary.find("could not judge") != std::string::npos);
}
