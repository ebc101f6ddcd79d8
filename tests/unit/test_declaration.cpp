// Declarations (svc.undeclared, upd.endpoints.declared, id.components) and attestations (how
// they enter the outcome roll-up), on hand-built facts; their file errors with file:line.
#include "trustscan/declaration.hpp"
#include "trustscan/profile.hpp"
#include "trustscan/report.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <sstream>

using namespace trustscan;

namespace {

const Check& check(std::string_view id) {
  for (const auto& c : builtin_checks())
    if (c->id() == id) return *c;
  FAIL("no check " << id);
  return *builtin_checks().front();
}

std::vector<Finding> run(std::string_view id, const DeviceFacts& d) {
  std::vector<Finding> out;
  check(id).evaluate(d, out);
  return out;
}

Endpoint ep(std::uint16_t port, Transport t = Transport::tcp) { return {*Address::parse("198.18.0.11"), t, port}; }

DeviceFacts scanned(std::vector<std::pair<std::uint16_t, std::string>> open) {
  DeviceFacts d;
  d.target.address = *Address::parse("198.18.0.11");
  d.probed = true;
  for (const auto& [port, name] : open) {
    PortResult p;
    p.endpoint = ep(port);
    p.state = PortState::open;
    d.ports.push_back(p);
    if (!name.empty()) d.observations.push_back({ep(port), "service.name", name, {}});
  }
  return d;
}

std::string error_of(const std::string& yaml) {
  try {
    (void)parse_declaration(yaml, "decl.yaml");
  } catch (const ProfileError& e) {
    return e.what();
  }
  return "(no error)";
}

const char* kDeclaration = R"(
device: {vendor: Acme, model: Cam 2}
services:
  - {port: 443, service: https, purpose: local admin and app API}
  - {port: 22, transport: tcp, service: ssh}
update_endpoints: [fw.acme.example, "*.cdn.acme.example"]
cloud_endpoints: [mqtt.acme.example]
)";

}  // namespace

TEST_CASE("declarations are read and validated with file:line") {
  const auto d = parse_declaration(kDeclaration, "decl.yaml");
  CHECK(d.model == "Cam 2");
  REQUIRE(d.services.size() == 2);
  CHECK(d.service_at(ep(443)) != nullptr);
  CHECK(d.service_at(ep(443, Transport::udp)) == nullptr);
  CHECK(Declaration::host_declared("FW.acme.example.", d.update_endpoints));
  CHECK(Declaration::host_declared("eu.cdn.acme.example", d.update_endpoints));
  CHECK(Declaration::host_declared("cdn.acme.example", d.update_endpoints));
  CHECK_FALSE(Declaration::host_declared("evilcdn.acme.example", d.update_endpoints));
  CHECK_FALSE(Declaration::host_declared("fw.acme.example.evil.test", d.update_endpoints));

  CHECK(error_of("services:\n  - {port: 70000}\n") == "decl.yaml:2: 'port' is a number from 1 to 65535");
  CHECK(error_of("services:\n  - {port: 22}\n  - {port: 22}\n") == "decl.yaml:3: port 22/tcp is declared twice");
  CHECK(error_of("servics: []\n").find("decl.yaml:1: unknown declaration key 'servics'") == 0);
  CHECK(error_of("services:\n  - {port: 22, transport: sctp}\n") == "decl.yaml:2: 'transport' is tcp or udp");
  CHECK(error_of("update_endpoints: fw.example\n") == "decl.yaml:1: 'update_endpoints' must be a list of names");
  CHECK(error_of("[1, 2]").find("decl.yaml:1: a declaration is a YAML mapping") == 0);
}

TEST_CASE("svc.undeclared: not_tested without a declaration, fails on an undeclared or mismatched port") {
  auto d = scanned({{22, "ssh"}, {443, "https"}});
  auto got = run("svc.undeclared", d);
  REQUIRE(got.size() == 1);
  CHECK(got[0].status == CheckStatus::not_tested);
  CHECK(got[0].reason == "no_declaration");
  CHECK(got[0].summary.find("22/tcp, 443/tcp") != std::string::npos);

  d.declaration = std::make_shared<const Declaration>(parse_declaration(kDeclaration, "decl.yaml"));
  got = run("svc.undeclared", d);
  REQUIRE(got.size() == 1);
  CHECK(got[0].status == CheckStatus::pass);

  d = scanned({{22, "ssh"}, {443, "telnet"}, {8080, "http"}});
  d.declaration = std::make_shared<const Declaration>(parse_declaration(kDeclaration, "decl.yaml"));
  got = run("svc.undeclared", d);
  REQUIRE(got.size() == 2);
  CHECK(got[0].status == CheckStatus::fail);
  CHECK(got[0].summary == "443/tcp is declared as https but speaks telnet");
  CHECK(got[1].summary == "8080/tcp listens but is not declared");
  CHECK(got[1].endpoint->port == 8080);
}

TEST_CASE("upd.endpoints.declared and id.components judge captured hosts against the declaration") {
  DeviceFacts d;
  auto got = run("upd.endpoints.declared", d);
  REQUIRE(got.size() == 1);
  CHECK(got[0].status == CheckStatus::not_tested);
  CHECK(got[0].reason == "no_traffic_observed");

  Evidence e;
  e.source = "pcap";
  e.detail = "198.18.0.11:40000>198.18.1.2:80 GET /fw.bin";
  d.observations.push_back({std::nullopt, "client.update.host", std::string("fw.acme.example"), e});
  d.observations.push_back({std::nullopt, "client.dns.query", std::string("fw.acme.example"), e});
  d.observations.push_back({std::nullopt, "client.tls.sni", std::string("telemetry.other.example"), e});
  got = run("upd.endpoints.declared", d);
  CHECK(got[0].status == CheckStatus::not_tested);
  CHECK(got[0].reason == "no_declaration");

  d.declaration = std::make_shared<const Declaration>(parse_declaration(kDeclaration, "decl.yaml"));
  got = run("upd.endpoints.declared", d);
  CHECK(got[0].status == CheckStatus::pass);
  REQUIRE(!got[0].evidence.empty());
  CHECK(got[0].evidence[0].source == "pcap");
  got = run("id.components", d);
  CHECK(got[0].status == CheckStatus::fail);
  CHECK(got[0].summary == "undeclared contacted host(s): telemetry.other.example");

  d.observations.push_back({std::nullopt, "client.update.host", std::string("198.18.5.5"), e});
  CHECK(run("upd.endpoints.declared", d)[0].status == CheckStatus::fail);
}

namespace {

Profile attested_profile() {
  return parse_profile(R"(
id: p
version: "1"
title: t
ports: {tcp: [22]}
outcomes:
  - {id: "X:DOC", title: Documentation, attestation: document}
  - {id: "X:IAC", title: Access, checks: [svc.telnet]}
  - {id: "X:SU", title: Updates, checks: [svc.ftp_tftp], attestation: vendor}
)",
                       "p.yaml");
}

Finding result(const char* check, CheckStatus st) {
  Finding f;
  f.check = check;
  f.status = st;
  f.severity = Severity::high;
  return f;
}

std::string status_of(const DeviceReport& d, std::string_view id) {
  for (const auto& o : d.outcomes)
    if (o.id == id) return o.status;
  return "(missing)";
}

}  // namespace

TEST_CASE("attestations decide non-network outcomes and complete partial ones, never override a network fail") {
  const auto p = attested_profile();
  DeviceReport d;
  d.results = {result("svc.telnet", CheckStatus::pass), result("svc.ftp_tftp", CheckStatus::pass)};
  score_device(p, d);
  CHECK(status_of(d, "X:DOC") == "not_tested");
  CHECK(status_of(d, "X:SU") == "partial");
  CHECK(d.score.verdict == "incomplete");

  const auto att = parse_attestations(R"(
attestations:
  - {outcome: "X:DOC", status: pass, evidence: "Security guide v2 §3", by: "A. Reviewer, 2026-11-20"}
  - {outcome: "X:SU", status: pass, evidence: "Signed-update design review", by: "A. Reviewer"}
)",
                                      "att.yaml", p);
  score_device(p, d, att);
  CHECK(status_of(d, "X:DOC") == "pass");
  CHECK(status_of(d, "X:SU") == "pass");
  CHECK(d.score.verdict == "conformant");

  // The network still wins: a failed check fails the outcome whatever is attested.
  d.results = {result("svc.telnet", CheckStatus::pass), result("svc.ftp_tftp", CheckStatus::fail)};
  score_device(p, d, att);
  CHECK(status_of(d, "X:SU") == "fail");
  CHECK(d.score.verdict == "non-conformant");

  // An attested fail fails the outcome.
  const auto bad = parse_attestations("attestations:\n  - {outcome: \"X:DOC\", status: fail, evidence: none, by: lab}\n",
                                      "att.yaml", p);
  d.results = {result("svc.telnet", CheckStatus::pass), result("svc.ftp_tftp", CheckStatus::pass)};
  score_device(p, d, bad);
  CHECK(status_of(d, "X:DOC") == "fail");
  CHECK(d.score.verdict == "non-conformant");

  // Checks that did not run are not completed by an attestation.
  d.results = {result("svc.telnet", CheckStatus::pass), result("svc.ftp_tftp", CheckStatus::not_tested)};
  score_device(p, d, att);
  CHECK(status_of(d, "X:SU") == "not_tested");
  CHECK(d.score.verdict == "incomplete");
}

TEST_CASE("attestation files are validated against the profile with file:line") {
  const auto p = attested_profile();
  auto error = [&](const std::string& yaml) {
    try {
      (void)parse_attestations(yaml, "att.yaml", p);
    } catch (const ProfileError& e) {
      return std::string(e.what());
    }
    return std::string("(no error)");
  };
  CHECK(error("attestations:\n  - {outcome: \"X:IAC\", status: pass, evidence: e, by: b}\n") ==
        "att.yaml:2: 'X:IAC' is judged from the network alone in profile p; it takes no attestation");
  CHECK(error("attestations:\n  - {outcome: \"Y:1\", status: pass, evidence: e, by: b}\n") ==
        "att.yaml:2: 'Y:1' is not an outcome of profile p");
  CHECK(error("attestations:\n  - {outcome: \"X:DOC\", status: maybe, evidence: e, by: b}\n") ==
        "att.yaml:2: status is pass or fail");
  CHECK(error("attestations:\n  - {outcome: \"X:DOC\", status: pass, by: b}\n") == "att.yaml:2: missing required key 'evidence'");
  CHECK(error("other: 1\n").find("att.yaml:1: an attestation file is a mapping with an 'attestations' list") == 0);
}

TEST_CASE("the declaration and attestation examples of docs/profiles.md load") {
  std::ifstream in(TRUSTSCAN_SOURCE_DIR "/docs/profiles.md");
  REQUIRE(in.good());
  std::stringstream text;
  text << in.rdbuf();
  const std::string doc = text.str();
  auto block = [&](const char* heading) {
    const auto start = doc.find("```yaml\n", doc.find(heading));
    REQUIRE(start != std::string::npos);
    return doc.substr(start + 8, doc.find("```", start + 8) - start - 8);
  };
  const auto d = parse_declaration(block("## Declarations"), "docs/profiles.md");
  CHECK(d.services.size() == 2);
  CHECK(Declaration::host_declared("eu.cdn.acme.example", d.update_endpoints));
  const auto a = parse_attestations(block("## Attestations"), "docs/profiles.md", load_profile("ir8425-consumer"));
  REQUIRE(a.size() == 1);
  CHECK(a[0].outcome == "IR8425:DOC");
}
