// Waivers (--waivers, docs/waivers.md): the file's errors, which failures a waiver takes, what an
// expired or unused waiver does, and how waived failures reach the score, the reports and diff.
#include "scanner/report/assess.hpp"
#include "scanner/report/diff.hpp"
#include "scanner/report/waivers.hpp"
#include "trustscan/profile.hpp"
#include "trustscan/report.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <unistd.h>

using namespace trustscan;
using namespace std::chrono;

namespace {

const std::vector<std::string> kKnown = {"svc.telnet", "tls.protocol.legacy", "tls.cipher.weak", "cred.default.telnet"};
const sys_days kToday = sys_days{year{2026} / 12 / 4};

std::string waiver_error(const std::string& yaml) {
  try {
    parse_waivers(yaml, "w.yaml", kKnown);
  } catch (const ProfileError& e) {
    return e.what();
  }
  return "<no error>";
}

Finding failure(const std::string& check, std::optional<std::uint16_t> port, const Address& a,
                Severity sev = Severity::high) {
  Finding f;
  f.check = check;
  f.status = CheckStatus::fail;
  f.severity = sev;
  f.summary = check + " failed";
  if (port) f.endpoint = Endpoint{a, Transport::tcp, *port};
  return f;
}

// Two devices with the same failures: telnet on 23, legacy TLS on 443 and 8443.
Report sample() {
  Report r;
  r.profile = load_profile("ir8425-consumer");
  for (const char* addr : {"198.18.0.10", "198.18.1.10"}) {
    DeviceReport d;
    d.facts.target.address = *Address::parse(addr);
    const auto& a = d.facts.target.address;
    d.results.push_back(failure("svc.telnet", 23, a));
    d.results.push_back(failure("tls.protocol.legacy", 443, a));
    d.results.push_back(failure("tls.protocol.legacy", 8443, a));
    Finding pass = failure("tls.cipher.weak", 443, a);
    pass.status = CheckStatus::pass;
    d.results.push_back(pass);
    r.devices.push_back(d);
  }
  return r;
}

std::string waiver_yaml(const std::string& what, const std::string& expires = "2999-12-31") {
  return "waivers:\n  - " + what + "\n    justification: accepted for the test\n    owner: qa@example.com\n    expires: " +
         expires + "\n";
}

const Finding& result(const Report& r, std::size_t device, const std::string& check, std::uint16_t port) {
  for (const auto& f : r.devices.at(device).results)
    if (f.check == check && f.endpoint && f.endpoint->port == port) return f;
  FAIL("no result " << check << " on " << port);
  return r.devices.at(0).results.at(0);
}

}  // namespace

TEST_CASE("a waiver file's mistakes are one line naming file and line") {
  CHECK(waiver_error("waivers: []\n") == "<no error>");
  CHECK(waiver_error("- a\n") == "w.yaml:1: a waiver file is a mapping with a 'waivers' list");
  CHECK(waiver_error("waivers: {}\nother: 1\n").find("w.yaml:2: unknown waiver file key 'other'") == 0);
  CHECK(waiver_error("waivers:\n  - check: svc.telnet\n    owner: qa\n    expires: 2027-01-01\n") ==
        "w.yaml:2: missing required key 'justification'");
  CHECK(waiver_error(waiver_yaml("check: svc.telnet\n    id: f-0123456789abcdef")) ==
        "w.yaml:2: a waiver names either a finding 'id' (f-…, from a report) or a 'check' id pattern");
  CHECK(waiver_error("waivers:\n  - justification: j\n    owner: o\n    expires: 2027-01-01\n") ==
        "w.yaml:2: a waiver names either a finding 'id' (f-…, from a report) or a 'check' id pattern");
  CHECK(waiver_error(waiver_yaml("id: F-0123456789ABCDEF")) ==
        "w.yaml:2: 'F-0123456789ABCDEF' is not a finding id (f- and 16 lower-case hex digits, as in a report)");
  CHECK(waiver_error(waiver_yaml("id: f-0123456789abcdef\n    port: 23/tcp")).find("give 'device' and 'port' only with 'check'") !=
        std::string::npos);
  CHECK(waiver_error(waiver_yaml("check: svc.telent")) ==
        "w.yaml:2: 'svc.telent' matches no check this run can report (trustscan checks list)");
  CHECK(waiver_error(waiver_yaml("check: svc.telnet\n    device: 198.18.0.300")) ==
        "w.yaml:3: 'device' is an address or a CIDR block (198.18.0.0/24), not '198.18.0.300'");
  CHECK(waiver_error(waiver_yaml("check: svc.telnet\n    port: tcp/23")) ==
        "w.yaml:3: 'port' is PORT/tcp or PORT/udp (23/tcp), not 'tcp/23'");
  CHECK(waiver_error(waiver_yaml("check: svc.telnet\n    port: 0/tcp")).find("'port' is PORT/tcp") != std::string::npos);
  CHECK(waiver_error(waiver_yaml("check: svc.telnet", "2027-02-30")) ==
        "w.yaml:5: 'expires' is a date YYYY-MM-DD, not '2027-02-30'");
  CHECK(waiver_error(waiver_yaml("check: svc.telnet", "31.12.2027")).find("'expires' is a date") != std::string::npos);
  CHECK(waiver_error(waiver_yaml("check: svc.telnet\n    until: 2027-01-01")).find("unknown waiver key 'until'") !=
        std::string::npos);
  CHECK(waiver_error("waivers:\n  - [a\n").find("w.yaml:") == 0);
}

TEST_CASE("waivers take the failures they name, and only those") {
  Report r = sample();
  const auto telnet_id = finding_id(r.devices[0].facts.target.address, r.devices[0].results[0]);
  const auto ws = parse_waivers(
      "waivers:\n"
      "  - id: " + telnet_id + "\n    justification: factory port\n    owner: qa\n    expires: 2027-01-31\n"
      "  - check: tls.*\n    device: 198.18.1.0/24\n    port: 8443/tcp\n    justification: j\n    owner: o\n    expires: 2026-12-04\n"
      "  - check: tls.cipher.weak\n    justification: j\n    owner: o\n    expires: 2999-01-01\n"
      "  - check: '*'\n    device: 198.18.1.10\n    justification: old\n    owner: o\n    expires: 2026-12-03\n",
      "w.yaml", kKnown);
  REQUIRE(ws.size() == 4);
  apply_waivers(r, ws, kToday);

  SUBCASE("by id: that finding on that device only") {
    const auto& f = result(r, 0, "svc.telnet", 23);
    CHECK(f.status == CheckStatus::waived);
    REQUIRE(f.waiver);
    CHECK(f.waiver->rule == telnet_id);
    CHECK(f.waiver->source == "w.yaml:2");
    CHECK(f.waiver->justification == "factory port");
    CHECK_FALSE(f.waiver->expired);
  }
  SUBCASE("by pattern, narrowed by device and port; in force through its expiry day") {
    CHECK(result(r, 1, "tls.protocol.legacy", 8443).status == CheckStatus::waived);
    CHECK(result(r, 1, "tls.protocol.legacy", 8443).waiver->source == "w.yaml:6");
    CHECK(result(r, 0, "tls.protocol.legacy", 8443).status == CheckStatus::fail);  // other device
    CHECK_FALSE(result(r, 0, "tls.protocol.legacy", 8443).waiver);
  }
  SUBCASE("expired: the failure stays a failure and carries the expired waiver") {
    // Device 2's telnet and legacy 443 match only the '*' waiver, which expired yesterday.
    const auto& f = result(r, 1, "svc.telnet", 23);
    CHECK(f.status == CheckStatus::fail);
    REQUIRE(f.waiver);
    CHECK(f.waiver->expired);
    CHECK(f.waiver->source == "w.yaml:16");
    CHECK(result(r, 1, "tls.protocol.legacy", 443).status == CheckStatus::fail);
  }
  SUBCASE("what each waiver did") {
    REQUIRE(r.waivers.size() == 4);
    CHECK(r.waivers[0].state == "applied");
    CHECK(r.waivers[0].findings == std::vector<std::string>{telnet_id});
    CHECK(r.waivers[1].state == "applied");
    CHECK(r.waivers[2].state == "unused");  // tls.cipher.weak passed everywhere: nothing to waive
    CHECK(r.waivers[2].findings.empty());
    CHECK(r.waivers[3].state == "expired");
    CHECK(r.waivers[3].findings.size() == 2);
  }
  SUBCASE("passes are never waived") {
    CHECK(result(r, 0, "tls.cipher.weak", 443).status == CheckStatus::pass);
    CHECK_FALSE(result(r, 0, "tls.cipher.weak", 443).waiver);
  }
  SUBCASE("applied again (a report read back), every result is judged afresh") {
    apply_waivers(r, {}, kToday);
    CHECK(result(r, 0, "svc.telnet", 23).status == CheckStatus::fail);
    CHECK_FALSE(result(r, 0, "svc.telnet", 23).waiver);
    CHECK(r.waivers.empty());
  }
}

TEST_CASE("the first matching waiver in the file is the one used") {
  Report r = sample();
  const auto ws = parse_waivers(waiver_yaml("check: svc.telnet", "2000-01-01") +
                                    "  - check: 'svc.*'\n    justification: later\n    owner: o\n    expires: 2999-01-01\n",
                                "w.yaml", kKnown);
  apply_waivers(r, ws, kToday);
  CHECK(result(r, 0, "svc.telnet", 23).status == CheckStatus::fail);
  CHECK(result(r, 0, "svc.telnet", 23).waiver->expired);
  CHECK(r.waivers[1].state == "unused");
}

TEST_CASE("a waived failure fails neither the verdict nor a cap, but still counts in the score") {
  const Profile profile = load_profile("ir8425-consumer");
  DeviceReport d;
  d.facts.target.address = *Address::parse("198.18.0.10");
  d.results.push_back(failure("cred.default.telnet", 23, d.facts.target.address, Severity::critical));
  Report r;
  r.profile = profile;
  r.devices.push_back(d);
  score_device(profile, r.devices[0]);
  const Score failed = r.devices[0].score;
  CHECK(failed.verdict == "non-conformant");
  CHECK(failed.caps.size() == 1);

  apply_waivers(r, parse_waivers(waiver_yaml("check: cred.default.telnet"), "w.yaml", kKnown), kToday);
  score_device(profile, r.devices[0]);
  const Score& waived = r.devices[0].score;
  CHECK(waived.verdict != "non-conformant");
  CHECK(waived.caps.empty());
  CHECK(waived.counts.at("waived") == 1);
  CHECK(waived.counts.at("fail") == 0);
  CHECK(waived.score == doctest::Approx(failed.score));  // no better than the failure it is
  bool outcome_waived = false;
  for (const auto& o : r.devices[0].outcomes) outcome_waived = outcome_waived || o.status == "fail";
  CHECK_FALSE(outcome_waived);
}

TEST_CASE("waivers in the reports: JSON round trip, SARIF suppressions, JUnit skipped") {
  Report r = sample();
  apply_waivers(r,
                parse_waivers(waiver_yaml("check: svc.telnet") +
                                  "  - check: 'tls.*'\n    justification: j\n    owner: o\n    expires: 2001-01-01\n",
                              "w.yaml", kKnown),
                kToday);
  for (auto& d : r.devices) score_device(r.profile, d);
  sort_report(r);

  std::ostringstream json_out;
  make_sink("json")->write(r, json_out);
  const auto j = nlohmann::json::parse(json_out.str());
  REQUIRE(j["waivers"].size() == 2);
  CHECK(j["waivers"][0]["state"] == "applied");
  CHECK(j["waivers"][0]["findings"].size() == 2);
  CHECK(j["waivers"][1]["state"] == "expired");
  bool seen_waived = false, seen_expired = false;
  for (const auto& f : j["devices"][0]["results"]) {
    if (f["status"] == "waived") {
      seen_waived = true;
      CHECK(f["waiver"]["owner"] == "qa@example.com");
      CHECK(f["waiver"]["expired"] == false);
    }
    if (f["status"] == "fail" && f.contains("waiver")) seen_expired = f["waiver"]["expired"] == true;
  }
  CHECK(seen_waived);
  CHECK(seen_expired);

  // Read back (assess, diff): the waived status and its waiver survive.
  char path[] = "/tmp/trustscan-waivers-XXXXXX";
  const int fd = ::mkstemp(path);
  REQUIRE(fd >= 0);
  ::close(fd);
  std::ofstream(path) << json_out.str();
  const Report back = read_report_file(path);
  std::remove(path);
  CHECK(result(back, 0, "svc.telnet", 23).status == CheckStatus::waived);
  CHECK(result(back, 0, "svc.telnet", 23).waiver->justification == "accepted for the test");
  CHECK(result(back, 0, "tls.protocol.legacy", 443).waiver->expired);

  std::ostringstream sarif_out;
  make_sink("sarif")->write(r, sarif_out);
  const auto s = nlohmann::json::parse(sarif_out.str());
  std::size_t suppressed = 0, open_results = 0;
  for (const auto& res : s["runs"][0]["results"]) {
    if (res.contains("suppressions")) {
      ++suppressed;
      CHECK(res["ruleId"] == "svc.telnet");
      CHECK(res["suppressions"][0]["kind"] == "external");
      CHECK(res["suppressions"][0]["status"] == "accepted");
    } else {
      ++open_results;
    }
  }
  CHECK(suppressed == 2);
  CHECK(open_results == 4);  // the legacy TLS failures, whose waiver expired

  std::ostringstream junit_out;
  make_sink("xml")->write(r, junit_out);
  CHECK(junit_out.str().find("<skipped message=\"waived until 2999-12-31: check svc.telnet") != std::string::npos);
}

TEST_CASE("diff keys on finding ids and names a newly waived failure and an expired waiver") {
  Report before = sample();
  for (auto& d : before.devices) score_device(before.profile, d);
  Report after = before;
  apply_waivers(after, parse_waivers(waiver_yaml("check: svc.telnet\n    device: 198.18.0.10"), "w.yaml", kKnown), kToday);
  for (auto& d : after.devices) score_device(after.profile, d);

  auto changes = diff_reports(before, after);
  REQUIRE(changes.size() == 1);
  CHECK(changes[0].kind == "waived");
  CHECK(changes[0].subject == "svc.telnet 23/tcp");
  CHECK(changes[0].id == finding_id(before.devices[0].facts.target.address, before.devices[0].results[0]));

  changes = diff_reports(after, before);  // the waiver expired: a regression
  REQUIRE(changes.size() == 1);
  CHECK(changes[0].kind == "regression");
  CHECK(changes[0].before == "waived");
  CHECK(changes[0].after == "fail");
}
