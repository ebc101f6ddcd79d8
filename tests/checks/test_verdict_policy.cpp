// The one verdict policy (scanner/checks/verdict_policy.hpp, docs/checks.md "Verdict policy"),
// on hand-built facts: pass only on evidence, not_applicable only over a complete inventory,
// not_tested with a reason otherwise, a throwing check an error finding.
#include "scanner/checks/verdict_policy.hpp"

#include "facts.hpp"

#include <doctest/doctest.h>

using namespace checktest;

namespace {

// 22/tcp SSH and 23/tcp Telnet identified, 161/udp scanned and closed: a complete inventory.
DeviceFacts complete_device() {
  auto d = device();
  port(d, tcp(22), PortState::open, "ssh");
  port(d, tcp(23), PortState::open, "telnet");
  port(d, udp(161), PortState::closed);
  return d;
}

}  // namespace

TEST_CASE("policy: not_applicable over a complete inventory, citing it") {
  const auto d = complete_device();
  CHECK(absence_unproven(d, {"snmp"}).empty());
  const auto f = one("svc.snmp.community", d);
  CHECK(f.status == CheckStatus::not_applicable);
  REQUIRE(!f.evidence.empty());
  CHECK(f.evidence[0].detail.find("every open port was identified") != std::string::npos);
  // A pass on absence holds too: no FTP or TFTP among identified ports, UDP scanned.
  CHECK(one("svc.ftp_tftp", d).status == CheckStatus::pass);
  CHECK(one("svc.telnet", d).status == CheckStatus::fail);
}

TEST_CASE("policy: an unidentified open port makes absence unproven (not_tested: unidentified_ports)") {
  auto d = complete_device();
  port(d, tcp(9999), PortState::open);  // open, nothing identified it
  CHECK(unidentified_endpoints(d) == std::vector<Endpoint>{tcp(9999)});
  for (const char* id : {"svc.snmp.community", "ssh.config", "svc.ftp_tftp", "svc.mqtt.cleartext", "cred.default.mqtt",
                         "svc.http.cleartext", "tls.protocol.legacy"}) {
    INFO(id);
    const auto all = judge(id, d);
    REQUIRE(!all.empty());
    // ssh.config still judges 22/tcp; whatever has no endpoint in scope must not be N/A or pass.
    for (const auto& f : all) {
      if (f.endpoint) continue;
      CHECK(f.status == CheckStatus::not_tested);
      CHECK(f.reason == "unidentified_ports");
      CHECK(f.summary.find("9999/tcp") != std::string::npos);
    }
  }
  // The presence check still fails where it has evidence.
  CHECK(one("svc.telnet", d).status == CheckStatus::fail);
}

TEST_CASE("policy: a UDP service is not_tested when no UDP port was scanned (not_scanned:udp)") {
  auto d = device();
  port(d, tcp(22), PortState::open, "ssh");
  for (const char* id : {"svc.snmp.community", "svc.upnp.lan", "svc.ntp.server", "svc.coap.unauth", "svc.ftp_tftp"}) {
    INFO(id);
    const auto f = one(id, d);
    CHECK(f.status == CheckStatus::not_tested);
    CHECK(f.reason == "not_scanned:udp");
  }
  // A TCP-only service over a complete TCP inventory is still not applicable.
  CHECK(one("svc.mqtt.anonymous", d).status == CheckStatus::not_applicable);
}

TEST_CASE("policy: --no-creds does not pass a cleartext HTTP login, and says why trials did not judge") {
  auto d = device();
  d.credentials_tried = false;
  port(d, tcp(80), PortState::open, "http");
  port(d, udp(161), PortState::closed);
  observe(d, tcp(80), "http.status", std::int64_t{401});
  observe(d, tcp(80), "http.auth_schemes", std::vector<std::string>{"Basic realm=\"admin\""});
  const auto clear = one("cred.transport.cleartext", d);
  CHECK(clear.status == CheckStatus::fail);
  CHECK(clear.summary == "HTTP authentication (Basic realm=\"admin\") over plain HTTP on 80/tcp");
  REQUIRE(clear.endpoint);
  CHECK(*clear.endpoint == tcp(80));
  const auto def = one("cred.default.http", d);
  CHECK(def.status == CheckStatus::not_tested);
  CHECK(def.reason == "creds_disabled");

  // A login form read by the HTTP probe is a login surface too.
  auto form = device();
  form.credentials_tried = false;
  port(form, tcp(8080), PortState::open, "http");
  port(form, udp(161), PortState::closed);
  observe(form, tcp(8080), "http.status", std::int64_t{200});
  observe(form, tcp(8080), "http.login_form", true);
  CHECK(one("cred.transport.cleartext", form).status == CheckStatus::fail);

  // Without any login surface and with every port identified, it passes; with an unidentified
  // port it cannot.
  auto none = device();
  port(none, tcp(22), PortState::open, "ssh");
  port(none, udp(161), PortState::closed);
  CHECK(one("cred.transport.cleartext", none).status == CheckStatus::pass);
  port(none, tcp(8443), PortState::open);
  const auto unknown = one("cred.transport.cleartext", none);
  CHECK(unknown.status == CheckStatus::not_tested);
  CHECK(unknown.reason == "unidentified_ports");
}

TEST_CASE("policy: a pass with nothing to cite is not a pass (the TLS reply that crashed 0.1.0)") {
  // A TLS endpoint where a version list exists but no suite was accepted: no forward-secrecy
  // observation, nothing to cite for a pass of tls.kex.weak.
  auto d = device();
  port(d, tcp(443), PortState::open, "tls");
  port(d, udp(161), PortState::closed);
  observe(d, tcp(443), "tls.versions", std::vector<std::string>{});
  const auto f = one("tls.kex.weak", d);
  CHECK(f.status == CheckStatus::not_tested);
  CHECK(f.reason == "inconclusive:probe_incomplete");
  for (const char* id : {"tls.protocol.legacy", "tls.protocol.modern", "tls.cipher.weak", "tls.cert.quality"}) {
    INFO(id);
    CHECK(one(id, d).status == CheckStatus::not_tested);
  }
}

TEST_CASE("policy: an observation of an unexpected type is an error finding, not a crash") {
  auto d = device();
  port(d, tcp(443), PortState::open, "tls");
  port(d, udp(161), PortState::closed);
  observe(d, tcp(443), "tls.versions", std::vector<std::string>{"TLSv1.2"});
  observe(d, tcp(443), "tls.cert.subject", std::string("CN=x"));
  observe(d, tcp(443), "tls.cert.expired", std::string("not a bool"));  // judged with std::get<bool>
  const auto f = one("tls.cert.quality", d);
  CHECK(f.status == CheckStatus::error);
  CHECK(f.reason == "check_error");
  CHECK(f.endpoint == std::nullopt);
}

TEST_CASE("policy: an interrupted or unprobed device is never not_applicable") {
  auto d = complete_device();
  d.scan_complete = false;
  CHECK(one("svc.snmp.community", d).reason == "inconclusive:interrupted");
  auto p = complete_device();
  p.probed = false;
  CHECK(one("svc.snmp.community", p).reason == "probes_disabled");
}

// Found by tests/fuzz/fuzz_pipeline.cpp: svc.info_disclosure passed on absence citing nothing,
// and without a complete inventory.
TEST_CASE("policy: svc.info_disclosure passes on absence only citing a complete inventory") {
  auto d = complete_device();
  port(d, udp(123), PortState::open, "ntp");
  auto f = one("svc.info_disclosure", d);
  CHECK(f.status == CheckStatus::pass);
  REQUIRE(!f.evidence.empty());
  CHECK(f.evidence[0].kind == "service_identification");
  // No UDP port scanned: SNMP, NTP, DNS absence is not shown.
  auto tcp_only = device();
  port(tcp_only, tcp(22), PortState::open, "ssh");
  f = one("svc.info_disclosure", tcp_only);
  CHECK(f.status == CheckStatus::not_tested);
  CHECK(f.reason == "not_scanned:udp");
  // An unidentified open port could be the one that discloses.
  port(d, tcp(9999), PortState::open);
  f = one("svc.info_disclosure", d);
  CHECK(f.status == CheckStatus::not_tested);
  CHECK(f.reason == "unidentified_ports");
  // A disclosure is still a fail with its evidence.
  observe(d, udp(123), "ntp.mode6_system", std::string("Linux/4.14"));
  f = one("svc.info_disclosure", d);
  CHECK(f.status == CheckStatus::fail);
  CHECK(f.evidence.size() == 1);
}

// Found by tests/fuzz/fuzz_pipeline.cpp: cred.blank passed ("empty passwords rejected") citing
// nothing when cred.blank_tested had no cred.blank_accepted beside it.
TEST_CASE("policy: cred.blank cites the recorded answer, and without one has not judged") {
  auto d = complete_device();
  port(d, tcp(80), PortState::open, "http");
  observe(d, tcp(80), "cred.surface", std::string("HTTP Basic realm=\"x\" on /"));
  observe(d, tcp(80), "cred.blank_tested", true);
  auto f = one("cred.blank", d);
  CHECK(f.status == CheckStatus::not_tested);
  CHECK(f.reason == "inconclusive:no_evidence");
  CHECK(!f.evidence.empty());
  observe(d, tcp(80), "cred.blank_accepted", false);
  f = one("cred.blank", d);
  CHECK(f.status == CheckStatus::pass);
  CHECK(!f.evidence.empty());
}
