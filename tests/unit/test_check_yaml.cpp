// Checks as data: the predicate vocabulary on hand-built device facts, and its load-time errors.
#include "scanner/checks/check_yaml.hpp"
#include "trustscan/profile.hpp"
#include "tests/checks/facts.hpp"

#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <string>

using namespace trustscan;
using checktest::tcp;

namespace {

std::unique_ptr<Check> one_check(const std::string& yaml) {
  auto checks = parse_yaml_checks(YAML::Load(yaml), "test.yaml");
  REQUIRE(checks.size() == 1);
  return std::move(checks.front());
}

std::string load_error(const std::string& yaml) {
  try {
    (void)parse_yaml_checks(YAML::Load(yaml), "test.yaml");
  } catch (const ProfileError& e) {
    return e.what();
  }
  return "(no error)";
}

// A probed device with open ports, each identified as the given service.
DeviceFacts device(std::vector<std::pair<std::uint16_t, std::string>> services) {
  DeviceFacts d;
  d.target.address = *Address::parse("198.18.0.10");
  d.probed = true;
  for (const auto& [port, name] : services) {
    PortResult p;
    p.endpoint = tcp(port);
    p.state = PortState::open;
    d.ports.push_back(p);
    if (!name.empty()) d.observations.push_back({tcp(port), "service.name", name, {}});
  }
  return d;
}

std::vector<Finding> run(const Check& c, const DeviceFacts& d) {
  std::vector<Finding> out;
  c.evaluate(d, out);
  return out;
}

const char* kTelnet = R"(
- id: lab.telnet
  title: No Telnet
  severity: high
  outcomes: ["IR8425:IAC.1"]
  fail_when: {service: telnet}
  summary: {fail: "Telnet on {port}/{transport}", pass: "none of {open} open ports"}
)";

}  // namespace

TEST_CASE("a presence check fails per endpoint with the service and passes over a complete inventory") {
  const auto c = one_check(kTelnet);
  auto got = run(*c, device({{23, "telnet"}, {80, "http"}, {2323, "telnet"}}));
  REQUIRE(got.size() == 2);
  CHECK(got[0].status == CheckStatus::fail);
  CHECK(got[0].summary == "Telnet on 23/tcp");
  REQUIRE(got[0].endpoint);
  CHECK(got[1].endpoint->port == 2323);
  CHECK(got[0].severity == Severity::high);
  CHECK(got[0].outcomes == std::vector<std::string>{"IR8425:IAC.1"});
  REQUIRE(!got[0].evidence.empty());

  got = run(*c, device({{80, "http"}, {443, "https"}}));
  REQUIRE(got.size() == 1);
  CHECK(got[0].status == CheckStatus::pass);
  CHECK(got[0].summary == "none of 2 open ports");
}

TEST_CASE("a probe-based check without probes or with an interrupted scan is not_tested, never pass") {
  const auto c = one_check(kTelnet);
  auto d = device({{80, "http"}});
  d.probed = false;
  auto got = run(*c, d);
  REQUIRE(got.size() == 1);
  CHECK(got[0].status == CheckStatus::not_tested);
  CHECK(got[0].reason == "probes_disabled");
  d.probed = true;
  d.scan_complete = false;
  got = run(*c, d);
  CHECK(got[0].status == CheckStatus::not_tested);
  CHECK(got[0].reason == "inconclusive:interrupted");
}

TEST_CASE("applies_when, key predicates, combinators and pass_when") {
  const auto c = one_check(R"(
- id: lab.ssh.version
  title: SSH is a recent OpenSSH
  severity: medium
  applies_when: {service: ssh}
  fail_when:
    any:
      - {matches: {key: ssh.software, regex: "^OpenSSH_[1-7]\\."}}
      - {all: [{has: ssh.legacy}, {not: {equals: {key: ssh.legacy, value: "false"}}}]}
  pass_when: {contains: {key: ssh.software, value: OpenSSH}}
  summary: {fail: "old SSH {value} on {port}"}
)");
  auto d = device({{80, "http"}});
  auto got = run(*c, d);
  REQUIRE(got.size() == 1);
  CHECK(got[0].status == CheckStatus::not_applicable);

  d = device({{22, "ssh"}});
  d.observations.push_back({tcp(22), "ssh.software", std::string("OpenSSH_7.4"), {}});
  got = run(*c, d);
  REQUIRE(got.size() == 1);
  CHECK(got[0].status == CheckStatus::fail);
  CHECK(got[0].summary == "old SSH OpenSSH_7.4 on 22");

  d = device({{22, "ssh"}});
  d.observations.push_back({tcp(22), "ssh.software", std::string("OpenSSH_9.2p1"), {}});
  got = run(*c, d);
  CHECK(got[0].status == CheckStatus::pass);

  d.observations.push_back({tcp(22), "ssh.legacy", true, {}});
  CHECK(run(*c, d)[0].status == CheckStatus::fail);

  // SSH identified but its software unknown: neither fail nor pass evidence → not_tested.
  d = device({{22, "ssh"}});
  got = run(*c, d);
  CHECK(got[0].status == CheckStatus::not_tested);
  CHECK(got[0].reason == "no_evidence");
}

TEST_CASE("device-scope checks over passive observations and numeric bounds") {
  const auto c = one_check(R"(
- id: lab.time
  title: Time is synchronised
  severity: low
  requires: none
  scope: device
  fail_when: {below: {key: ntp.version, value: 3}}
  pass_when: {at_least: {key: ntp.version, value: 3}}
)");
  DeviceFacts d;
  auto got = run(*c, d);
  REQUIRE(got.size() == 1);
  CHECK(got[0].status == CheckStatus::not_tested);  // no traffic is not a pass
  d.observations.push_back({std::nullopt, "ntp.version", std::int64_t{4}, {}});
  CHECK(run(*c, d)[0].status == CheckStatus::pass);
  d.observations.push_back({std::nullopt, "ntp.version", std::int64_t{1}, {}});
  CHECK(run(*c, d)[0].status == CheckStatus::fail);
}

TEST_CASE("check definitions are validated at load time with file:line") {
  CHECK(load_error("- {id: a.b, title: t, severity: high, fail_when: {servce: telnet}}") ==
        "test.yaml:1: unknown predicate 'servce' (known: service, port, transport, has, equals, contains, matches, "
        "at_least, below, all, any, not)");
  CHECK(load_error("- id: a.b\n  title: t\n  severity: urgent\n  fail_when: {service: x}\n") ==
        "test.yaml:3: severity is critical, high, medium, low or info");
  CHECK(load_error("- id: a.b\n  title: t\n  severity: low\n").find("test.yaml:1: check 'a.b' needs 'fail_when' (what fails it), 'pass_when' (what passes it), or both") == 0);
  CHECK(load_error("- id: a.b\n  title: t\n  severity: low\n  fail_when: {matches: {key: k, regex: \"(\"}}\n")
            .find("test.yaml:4: invalid regex '('") == 0);
  CHECK(load_error("- id: a.b\n  title: t\n  severity: low\n  requires: none\n  fail_when: {has: k}\n")
            .find("needs 'pass_when'") != std::string::npos);
  CHECK(load_error("- {id: Bad, title: t, severity: low, fail_when: {has: k}}").find("dotted lower_snake") != std::string::npos);
  CHECK(load_error("- {id: a.b, title: t, severity: low, fail_when: {port: 70000}}") == "test.yaml:1: port '70000' is not 1-65535");
  CHECK(load_error("- {id: a.b, title: t, severity: low, fail_when: {has: k}, colour: red}")
            .find("test.yaml:1: unknown check key 'colour'") == 0);
  CHECK(load_error("- {id: a.b, title: t, severity: low, fail_when: {has: k}}\n- {id: a.b, title: t, severity: low, fail_when: {has: k}}")
            .find("test.yaml:2: duplicate check 'a.b'") == 0);
}

TEST_CASE("a profile's own checks run with the built-in ones and map to its outcomes") {
  const auto p = parse_profile(R"(
id: lab-profile
version: "1"
title: Lab profile
ports: {tcp: [23]}
checks:
  - {id: lab.no_http_8080, title: No HTTP on 8080, severity: medium, outcomes: ["LAB:1"],
     fail_when: {all: [{port: 8080}, {service: http}]}}
outcomes:
  - {id: "LAB:1", title: Lab outcome}
)",
                               "lab.yaml");
  REQUIRE(p.outcomes.size() == 1);
  CHECK(p.outcomes[0].checks == std::vector<std::string>{"lab.no_http_8080"});
  const auto all = checks_of(p);
  CHECK(all.back()->id() == "lab.no_http_8080");
  CHECK(all.size() == checks_of(Profile{}).size() + 1);

  try {
    (void)parse_profile("id: x\nversion: '1'\ntitle: t\nports: {tcp: [1]}\nchecks:\n  - {id: svc.telnet, title: t, severity: low, fail_when: {has: k}}\n",
                        "clash.yaml");
    FAIL("a profile may not redefine a built-in check");
  } catch (const ProfileError& e) {
    CHECK(std::string(e.what()) == "clash.yaml:6: check 'svc.telnet' is built in; give the profile's own check another id");
  }
}

TEST_CASE("the full profile example of docs/profiles.md loads, with its own check mapped") {
  std::ifstream in(TRUSTSCAN_SOURCE_DIR "/docs/profiles.md");
  REQUIRE(in.good());
  std::stringstream text;
  text << in.rdbuf();
  const std::string doc = text.str();
  const auto start = doc.find("```yaml\n", doc.find("## The profile file"));
  REQUIRE(start != std::string::npos);
  const auto end = doc.find("```", start + 8);
  const auto p = parse_profile(doc.substr(start + 8, end - start - 8), "docs/profiles.md");
  CHECK(p.id == "acme-camera");
  REQUIRE(p.own_checks.size() == 1);
  bool mapped = false;
  for (const auto& o : p.outcomes)
    if (o.id == "ACME:STREAM") mapped = o.checks == std::vector<std::string>{"acme.no_rtsp_without_tls"};
  CHECK(mapped);
}
