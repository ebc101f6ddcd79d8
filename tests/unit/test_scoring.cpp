// Scoring rules (STANDARDS.md §4.5) on hand-built findings, and profile schema errors.
#include "trustscan/profile.hpp"
#include "trustscan/report.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <set>

using namespace trustscan;

namespace {

Profile profile_with(std::vector<ProfileOutcome> outcomes) {
  Profile p;
  p.id = "test";
  p.outcomes = std::move(outcomes);
  return p;
}

ProfileOutcome outcome(const char* id, std::vector<std::string> checks, std::string attestation = {},
                       OutcomeLevel level = OutcomeLevel::required) {
  ProfileOutcome o;
  o.id = id;
  o.title = id;
  o.checks = std::move(checks);
  o.attestation = std::move(attestation);
  o.level = level;
  return o;
}

Finding result(const char* check, CheckStatus st, Severity sev = Severity::high) {
  Finding f;
  f.check = check;
  f.status = st;
  f.severity = sev;
  return f;
}

DeviceReport device(std::vector<Finding> results) {
  DeviceReport d;
  d.results = std::move(results);
  return d;
}

const OutcomeResult& get(const DeviceReport& d, std::string_view id) {
  for (const auto& o : d.outcomes)
    if (o.id == id) return o;
  FAIL("no outcome " << id);
  return d.outcomes.front();
}

}  // namespace

TEST_CASE("an outcome fails when any of its checks fails, and the device is non-conformant") {
  const auto p = profile_with({outcome("O1", {"a", "b"}), outcome("O2", {"c"})});
  auto d = device({result("a", CheckStatus::pass), result("b", CheckStatus::fail), result("c", CheckStatus::pass)});
  score_device(p, d);
  CHECK(get(d, "O1").status == "fail");
  CHECK(get(d, "O1").failed_checks == std::vector<std::string>{"b"});
  CHECK(get(d, "O2").status == "pass");
  CHECK(d.score.verdict == "non-conformant");
}

TEST_CASE("conformant only when every required outcome passes") {
  const auto p = profile_with({outcome("O1", {"a"}), outcome("O2", {"b"}, {}, OutcomeLevel::recommended)});
  auto d = device({result("a", CheckStatus::pass), result("b", CheckStatus::not_tested)});
  score_device(p, d);
  CHECK(get(d, "O1").status == "pass");
  CHECK(get(d, "O2").status == "not_tested");
  CHECK(d.score.verdict == "conformant");  // O2 is only recommended
  CHECK(d.score.grade == "A");
}

TEST_CASE("a sparse scan is incomplete, never conformant, and its coverage shows it") {
  const auto p = profile_with({outcome("O1", {"a", "b", "c", "d"})});
  auto d = device({result("a", CheckStatus::pass), result("b", CheckStatus::pass), result("c", CheckStatus::not_tested),
                   result("d", CheckStatus::not_tested)});
  score_device(p, d);
  CHECK(get(d, "O1").status == "partial");
  CHECK(get(d, "O1").coverage == doctest::Approx(0.5));
  CHECK(d.score.verdict == "incomplete");
  CHECK(d.score.coverage == doctest::Approx(0.5));
  CHECK(d.score.score == doctest::Approx(100.0));  // what ran passed, but coverage is half

  // Checks that never produced a result count as not tested too.
  auto empty = device({});
  score_device(p, empty);
  CHECK(get(empty, "O1").status == "not_tested");
  CHECK(empty.score.verdict == "incomplete");
  CHECK(empty.score.coverage == doctest::Approx(0.0));
}

TEST_CASE("non-network elements need attestation: network evidence alone is partial") {
  const auto p = profile_with({outcome("O1", {"a"}, "vendor"), outcome("DOC", {}, "document")});
  auto d = device({result("a", CheckStatus::pass)});
  score_device(p, d);
  CHECK(get(d, "O1").status == "partial");
  CHECK(get(d, "O1").note.find("attestation") != std::string::npos);
  CHECK(get(d, "DOC").status == "not_tested");
  CHECK(d.score.verdict == "incomplete");
}

TEST_CASE("not_applicable and informational-only outcomes leave a device incomplete") {
  const auto p = profile_with({outcome("O1", {"a"}), outcome("O2", {"b"}), outcome("O3", {"i"})});
  auto d = device({result("a", CheckStatus::pass), result("b", CheckStatus::not_applicable),
                   result("i", CheckStatus::info, Severity::info)});
  score_device(p, d);
  CHECK(get(d, "O2").status == "not_applicable");
  CHECK(get(d, "O3").status == "partial");
  CHECK(d.score.verdict == "incomplete");
}

TEST_CASE("a critical failure caps the grade at F whatever else passed") {
  const auto p = profile_with({outcome("O1", {"a", "b", "c", "d", "e"})});
  auto d = device({result("a", CheckStatus::pass, Severity::critical), result("b", CheckStatus::pass, Severity::critical),
                   result("c", CheckStatus::pass, Severity::critical), result("d", CheckStatus::pass, Severity::critical),
                   result("e", CheckStatus::fail, Severity::critical)});
  score_device(p, d);
  CHECK(d.score.score == doctest::Approx(80.0));  // 4 of 5 equal weights
  CHECK(d.score.grade == "F");
  CHECK(d.score.caps == std::vector<std::string>{"critical failure: e"});
  CHECK(d.score.verdict == "non-conformant");
}

TEST_CASE("weights follow severity, a check with several endpoints counts once, at its worst") {
  const auto p = profile_with({outcome("O1", {"hi", "lo"})});
  auto d = device({result("hi", CheckStatus::pass, Severity::high), result("lo", CheckStatus::fail, Severity::low),
                   result("lo", CheckStatus::pass, Severity::low)});
  score_device(p, d);
  CHECK(d.score.score == doctest::Approx(87.5));  // 7 / (7 + 1)
  CHECK(d.score.grade == "B");
  CHECK(d.score.counts.at("fail") == 1);
  CHECK(d.score.counts.at("pass") == 2);
}

TEST_CASE("profile outcomes: schema errors carry file:line") {
  auto err = [](const std::string& yaml) {
    try {
      parse_profile("id: x\nversion: 1\ntitle: t\nports: {tcp: [22]}\n" + yaml, "p.yaml");
    } catch (const ProfileError& e) {
      return std::string(e.what());
    }
    return std::string("<no error>");
  };
  CHECK(err("outcomes:\n  - {id: A, title: a, checks: [no.such.check]}\n") ==
        "p.yaml:6: unknown check 'no.such.check' (see: trustscan checks list)");
  CHECK(err("outcomes:\n  - {id: A, title: a, level: mandatory, checks: [svc.telnet]}\n") ==
        "p.yaml:6: level must be required, required-if-applicable, recommended or informational");
  CHECK(err("outcomes:\n  - {id: NOTHING, title: a}\n") ==
        "p.yaml:6: outcome 'NOTHING' has no check and no attestation: it could never be judged");
  CHECK(err("outcomes:\n  - {id: A, title: a, checks: [svc.telnet]}\n  - {id: A, title: b, checks: [svc.telnet]}\n") ==
        "p.yaml:7: duplicate outcome 'A'");
  CHECK(err("scoring:\n  weights: {severe: 3}\n") == "p.yaml:6: weights are per severity: critical, high, medium, low, info");
  CHECK(err("scoring:\n  grades: {A: 120}\n") == "p.yaml:6: a grade's minimum score is 0-100");
}

TEST_CASE("the shipped profiles map every check to at least one outcome") {
  for (const auto& id : builtin_profile_ids()) {
    const auto p = load_profile(id);
    CHECK_FALSE(p.outcomes.empty());
    std::set<std::string> mapped;
    for (const auto& o : p.outcomes) mapped.insert(o.checks.begin(), o.checks.end());
    for (const auto& c : builtin_checks()) {
      const auto info = c->info();
      const bool applies = std::any_of(info.outcomes.begin(), info.outcomes.end(), [&](const std::string& o) {
        return o.starts_with(id == "ir8259a-core"     ? "IR8259A:"
                             : id == "ir8425a-router" ? "IR8425A:"
                             : id == "en303645"       ? "EN303645:"
                                                      : "IR8425:");
      });
      if (applies) CHECK_MESSAGE(mapped.count(info.id), id << " does not map " << info.id);
    }
  }
}

TEST_CASE("not_applicable is explicit: it passes a required-if-applicable outcome, never a required one") {
  // Required if applicable: an outcome whose checks do not apply does not block conformance.
  const auto lenient = profile_with({outcome("O1", {"a"}), outcome("O2", {"b"}, {}, OutcomeLevel::required_if_applicable)});
  auto d = device({result("a", CheckStatus::pass), result("b", CheckStatus::not_applicable)});
  score_device(lenient, d);
  CHECK(get(d, "O2").status == "not_applicable");
  CHECK(d.score.verdict == "conformant");
  // Required: the same N/A outcome leaves the device incomplete.
  const auto strict = profile_with({outcome("O1", {"a"}), outcome("O2", {"b"})});
  auto s = device({result("a", CheckStatus::pass), result("b", CheckStatus::not_applicable)});
  score_device(strict, s);
  CHECK(s.score.verdict == "incomplete");
  // Nothing passed at all (everything N/A): never conformant.
  const auto only_na = profile_with({outcome("O2", {"b"}, {}, OutcomeLevel::required_if_applicable)});
  auto n = device({result("b", CheckStatus::not_applicable)});
  score_device(only_na, n);
  CHECK(n.score.verdict == "incomplete");
}
