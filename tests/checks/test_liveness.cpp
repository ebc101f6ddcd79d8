// dev.liveness, facts in, findings out: the liveness observation the pipeline makes after every
// probe and trial decides it; without one it is not_tested, never a pass; it fails only on a
// device that answers nothing and had no login attempt that could make it block the scanner.
#include "facts.hpp"

#include <doctest/doctest.h>

using namespace checktest;

TEST_CASE("dev.liveness: answered passes, silent fails, nothing to connect to is not tested") {
  auto d = device();
  port(d, tcp(80), PortState::open, "http");
  SUBCASE("answered") {
    observe(d, tcp(80), "probe.liveness", std::string("answered"));
    const auto f = one("dev.liveness", d);
    CHECK(f.status == CheckStatus::pass);
    REQUIRE(f.endpoint);
    CHECK(f.endpoint->port == 80);
    REQUIRE(f.evidence.size() == 1);
    CHECK(f.evidence[0].kind == "liveness");
  }
  SUBCASE("silent") {
    observe(d, tcp(80), "probe.liveness", std::string("silent"));
    const auto f = one("dev.liveness", d);
    CHECK(f.status == CheckStatus::fail);
    CHECK(f.severity == Severity::high);
    CHECK(f.summary.find("stopped answering") != std::string::npos);
  }
  SUBCASE("ports refuse but the host answers: not tested, not a failure") {
    observe(d, tcp(80), "probe.liveness", std::string("host_up"));
    const auto f = one("dev.liveness", d);
    CHECK(f.status == CheckStatus::not_tested);
    CHECK(f.reason == "inconclusive:ports_closed_host_up");
  }
  SUBCASE("silent after login attempts: a lockout by address is as likely as a crash") {
    observe(d, tcp(80), "cred.attempts", std::int64_t{6});
    observe(d, tcp(80), "probe.liveness", std::string("silent"));
    const auto f = one("dev.liveness", d);
    CHECK(f.status == CheckStatus::not_tested);
    CHECK(f.reason == "inconclusive:silent_after_logins");
  }
  SUBCASE("no liveness observation: not tested, with the reason") {
    const auto f = one("dev.liveness", d);
    CHECK(f.status == CheckStatus::not_tested);
    CHECK(f.reason == "no_open_tcp_port");
  }
  SUBCASE("probes disabled: not tested") {
    d.probed = false;
    observe(d, tcp(80), "probe.liveness", std::string("answered"));
    const auto f = one("dev.liveness", d);
    CHECK(f.status == CheckStatus::not_tested);
    CHECK(f.reason == "probes_disabled");
  }
}
