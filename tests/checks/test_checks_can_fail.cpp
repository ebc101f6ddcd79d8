// Every check in the catalog can fail: for each one, hand-built facts of a device with the flaw
// it looks for, and the check must say `fail` (a check that cannot fail is a defect: it can only
// ever hide a problem). Checks that by design never fail are listed apart, each with its reason,
// so a new check lands in one list or the other or this test fails.
#include "scanner/checks/verdict_policy.hpp"

#include "facts.hpp"

#include <doctest/doctest.h>

#include <functional>
#include <map>
#include <memory>
#include <set>

using namespace checktest;

namespace {

using Build = std::function<DeviceFacts()>;

// A probed device with one identified service (and UDP scanned, so the inventory is complete).
DeviceFacts with(const Endpoint& ep, const std::string& service) {
  auto d = device();
  port(d, ep, PortState::open, service);
  if (ep.transport == Transport::tcp) port(d, udp(161), PortState::closed);
  else port(d, tcp(22), PortState::closed);
  return d;
}

DeviceFacts tls_with(std::initializer_list<std::pair<const char*, Value>> obs) {
  auto d = with(tcp(443), "tls");
  for (const auto& [k, v] : obs) observe(d, tcp(443), k, v);
  return d;
}

DeviceFacts cred_accepted(const Endpoint& ep, const std::string& service) {
  auto d = with(ep, service);
  observe(d, ep, "cred.surface", std::string("login"));
  observe(d, ep, "cred.attempts", std::int64_t{3});
  Observation o{ep, "cred.accepted", true, {}};
  o.evidence.kind = "credential";
  o.evidence.username = "admin";
  o.evidence.password = "admin";
  d.observations.push_back(o);
  return d;
}

DeviceFacts declared(DeviceFacts d, Declaration decl) {
  decl.origin = "test-declaration.yaml";
  d.declaration = std::make_shared<const Declaration>(std::move(decl));
  return d;
}

using VS = std::vector<std::string>;

const std::map<std::string, Build>& flawed_devices() {
  static const std::map<std::string, Build> m = {
      {"svc.telnet", [] { return with(tcp(23), "telnet"); }},
      {"svc.ftp_tftp", [] { return with(tcp(21), "ftp"); }},
      {"svc.mqtt.cleartext", [] { return with(tcp(1883), "mqtt"); }},
      {"svc.remote_desktop", [] { return with(tcp(3389), "rdp"); }},
      {"svc.debug", [] { return with(tcp(5555), "adb"); }},
      {"svc.http.cleartext", [] { auto d = with(tcp(80), "http"); observe(d, tcp(80), "http.status", std::int64_t{200}); return d; }},
      {"tls.http.redirect", [] { auto d = with(tcp(80), "http"); observe(d, tcp(80), "http.status", std::int64_t{200}); return d; }},
      {"tls.protocol.legacy", [] { return tls_with({{"tls.versions", VS{"TLSv1.0", "TLSv1.2"}}}); }},
      {"tls.protocol.modern", [] { return tls_with({{"tls.versions", VS{"TLSv1.0"}}}); }},
      {"tls.cipher.weak", [] {
         // Judged from the suites accepted per version (tls.ciphers.<version>) against the crypto policy.
         return tls_with({{"tls.versions", VS{"TLSv1.2"}}, {"tls.ciphers.TLSv1.2", VS{"TLS_RSA_WITH_RC4_128_SHA"}},
                          {"tls.weak_ciphers", VS{"TLSv1.2 TLS_RSA_WITH_RC4_128_SHA (RC4)"}}});
       }},
      {"tls.kex.weak", [] { return tls_with({{"tls.versions", VS{"TLSv1.2"}}, {"tls.dh_bits", std::int64_t{1024}}}); }},
      {"tls.cert.quality", [] { return tls_with({{"tls.cert.subject", std::string("CN=cam")}, {"tls.cert.expired", true}}); }},
      {"tls.renegotiation.secure", [] { return tls_with({{"tls.versions", VS{"TLSv1.2"}}, {"tls.secure_renegotiation", false}}); }},
      {"tls.fallback_scsv", [] { return tls_with({{"tls.versions", VS{"TLSv1.1", "TLSv1.2"}}, {"tls.fallback_scsv", false}}); }},
      {"tls.ems", [] { return tls_with({{"tls.versions", VS{"TLSv1.2"}}, {"tls.extended_master_secret", false}}); }},
      {"tls.cert.compromised_key", [] {
         return tls_with({{"tls.cert.sha256", std::string(64, 'a')}, {"tls.cert.compromised_key", VS{"vendor firmware key"}}});
       }},
      {"tls.heartbleed", [] { return tls_with({{"tls.versions", VS{"TLSv1.2"}}, {"tls.heartbleed", true}}); }},
      {"tls.ccs_injection", [] { return tls_with({{"tls.versions", VS{"TLSv1.2"}}, {"tls.ccs_injection", true}}); }},
      {"tls.robot", [] { return tls_with({{"tls.versions", VS{"TLSv1.2"}}, {"tls.robot", true}}); }},
      {"tls.renegotiation.client", [] { return tls_with({{"tls.versions", VS{"TLSv1.2"}}, {"tls.client_renegotiation", true}}); }},
      {"tls.attacks.known", [] {
         return tls_with({{"tls.versions", VS{"TLSv1.2"}}, {"tls.ciphers.TLSv1.2", VS{"TLS_RSA_WITH_3DES_EDE_CBC_SHA"}}});
       }},
      {"log.exposed", [] {
         auto d = with(tcp(80), "http");
         observe(d, tcp(80), "http.status", std::int64_t{200});
         observe(d, tcp(80), "http.exposed_logs", VS{"/log/messages"});
         return d;
       }},
      {"cfg.backup.exposure", [] {
         auto d = with(tcp(80), "http");
         observe(d, tcp(80), "http.status", std::int64_t{200});
         observe(d, tcp(80), "http.exposed_backups", VS{"/backup.cfg"});
         return d;
       }},
      {"svc.mqtt.anonymous", [] { auto d = with(tcp(1883), "mqtt"); observe(d, tcp(1883), "mqtt.anonymous_accepted", true); return d; }},
      {"cred.default.media", [] { auto d = with(tcp(554), "rtsp"); observe(d, tcp(554), "rtsp.stream_unauthenticated", true); return d; }},
      {"svc.snmp.community", [] { auto d = with(udp(161), "snmp"); observe(d, udp(161), "snmp.communities", VS{"public"}); return d; }},
      {"svc.upnp.lan", [] { auto d = with(udp(1900), "ssdp"); observe(d, udp(1900), "upnp.igd", true); return d; }},
      {"svc.ntp.server", [] { auto d = with(udp(123), "ntp"); observe(d, udp(123), "ntp.monlist", true); return d; }},
      {"svc.coap.unauth", [] { auto d = with(udp(5683), "coap"); observe(d, udp(5683), "coap.resources", VS{"/light"}); return d; }},
      {"ssh.config", [] {
         auto d = with(tcp(22), "ssh");
         observe(d, tcp(22), "ssh.proto_version", std::string("2.0"));
         observe(d, tcp(22), "ssh.ciphers", VS{"aes128-ctr", "3des-cbc"});
         return d;
       }},
      {"ssh.terrapin", [] {
         auto d = with(tcp(22), "ssh");
         observe(d, tcp(22), "ssh.kex_algorithms", VS{"curve25519-sha256", "ext-info-s"});
         observe(d, tcp(22), "ssh.ciphers", VS{"chacha20-poly1305@openssh.com", "aes128-ctr"});
         observe(d, tcp(22), "ssh.macs", VS{"hmac-sha2-256"});
         return d;
       }},
      {"ssh.gex.prime", [] {
         auto d = with(tcp(22), "ssh");
         observe(d, tcp(22), "ssh.kex_algorithms", VS{"diffie-hellman-group-exchange-sha256"});
         observe(d, tcp(22), "ssh.gex.prime_bits", std::int64_t{1024});
         return d;
       }},
      {"dev.liveness", [] { auto d = with(tcp(80), "http"); observe(d, tcp(80), "probe.liveness", std::string("silent")); return d; }},
      {"svc.info_disclosure", [] { auto d = with(udp(53), "dns"); observe(d, udp(53), "dns.version_bind", std::string("9.18.1")); return d; }},
      {"cred.blank", [] {
         auto d = with(tcp(23), "telnet");
         observe(d, tcp(23), "cred.surface", std::string("Telnet login"));
         observe(d, tcp(23), "cred.blank_tested", true);
         observe(d, tcp(23), "cred.blank_accepted", true);
         return d;
       }},
      {"cred.default.http", [] { return cred_accepted(tcp(80), "http"); }},
      {"cred.default.telnet", [] { return cred_accepted(tcp(23), "telnet"); }},
      {"cred.default.ssh", [] { return cred_accepted(tcp(22), "ssh"); }},
      {"cred.default.ftp", [] { return cred_accepted(tcp(21), "ftp"); }},
      {"cred.default.mqtt", [] { return cred_accepted(tcp(1883), "mqtt"); }},
      {"cred.bruteforce.throttle", [] {
         auto d = with(tcp(80), "http");
         observe(d, tcp(80), "cred.surface", std::string("HTTP Basic on /"));
         observe(d, tcp(80), "cred.throttle_tested", true);
         observe(d, tcp(80), "cred.throttle", std::string("none"));
         observe(d, tcp(80), "cred.throttle_attempts", std::int64_t{20});
         return d;
       }},
      // A Telnet login prompt: Telnet that showed none is not judged (inconclusive:no_login_prompt).
      {"cred.transport.cleartext", [] {
         auto d = with(tcp(23), "telnet");
         observe(d, tcp(23), "telnet.prompt", std::string("login"));
         return d;
       }},
      {"cred.unauth.mgmt", [] { auto d = with(tcp(80), "http"); observe(d, tcp(80), "cred.no_auth", true); return d; }},
      {"svc.undeclared", [] { return declared(with(tcp(8080), "http"), Declaration{}); }},
      {"upd.endpoints.declared", [] {
         auto d = device();
         d.passive = true;
         d.observations.push_back({std::nullopt, "client.update.host", std::string("updates.example.net"), {"flow", "capture", "GET /fw.bin", {}, {}, {}, {}, {}}});
         Declaration decl;
         decl.update_endpoints = {"updates.vendor.example"};
         return declared(d, decl);
       }},
      {"id.components", [] {
         auto d = device();
         d.passive = true;
         d.observations.push_back({std::nullopt, "client.dns.query", std::string("tracker.example.org"), {"flow", "capture", "A query", {}, {}, {}, {}, {}}});
         Declaration decl;
         decl.components = {"*.vendor.example"};
         return declared(d, decl);
       }},
      {"tls.client.outbound", [] {
         auto d = device();
         d.passive = true;
         d.observations.push_back({std::nullopt, "client.tls.max_version", std::string("TLSv1.0"), {"flow", "capture", "ClientHello", {}, {}, {}, {}, {}}});
         return d;
       }},
      {"tls.client.validation", [] {
         auto d = device();
         d.passive = true;
         d.observations.push_back({std::nullopt, "client.tls.bad_cert_accepted",
                                   std::string("update.example.net at 198.18.0.2:443: the chain does not verify (self_signed: "
                                               "self-signed certificate); then sent 1 application data record(s), 93 bytes"),
                                   {"flow", "capture", "Certificate", {}, {}, {}, {}, {}}});
         return d;
       }},
      {"upd.cleartext", [] {
         auto d = device();
         d.passive = true;
         d.observations.push_back({std::nullopt, "client.update.cleartext", std::string("http://updates.example.net/fw.bin"), {"flow", "capture", "GET", {}, {}, {}, {}, {}}});
         return d;
       }},
      {"dp.cleartext.sensitive", [] {
         auto d = device();
         d.passive = true;
         d.observations.push_back({std::nullopt, "client.credentials.cleartext", std::string("HTTP Basic to cloud.example.net"), {"flow", "capture", "Authorization", {}, {}, {}, {}, {}}});
         return d;
       }},
  };
  return m;
}

// Checks that never fail, by design, and why. Each is a fact for the report, not a verdict.
const std::map<std::string, std::string>& never_fail() {
  static const std::map<std::string, std::string> m = {
      {"svc.inventory", "informational: the inventory every svc.* verdict cites"},
      {"id.model", "informational: whether the model is discoverable is a fact for the asset record"},
      {"id.logical_identifier", "informational: an identifier seen, for the asset record"},
      {"id.mac_oui", "informational: the vendor registered for the MAC address"},
      {"upd.check.periodic", "a capture shows update checks, never their absence: pass or not_tested (the window is unknown)"},
      {"time.sync", "a capture shows an NTP exchange, never its absence: pass or not_tested"},
  };
  return m;
}

}  // namespace

TEST_CASE("every check in the catalog can fail on a device with its flaw") {
  std::set<std::string> ids;
  for (const auto& c : builtin_checks()) ids.insert(std::string(c->id()));
  for (const auto& id : ids) {
    INFO("check: " << id);
    const bool by_design = never_fail().count(id) == 1;
    const auto it = flawed_devices().find(id);
    CHECK_MESSAGE((by_design || it != flawed_devices().end()), "no flawed device for this check: add one here");
    if (it == flawed_devices().end()) continue;
    const auto findings = judge(id, it->second());
    REQUIRE(!findings.empty());
    bool failed = false;
    for (const auto& f : findings) {
      INFO("finding: " << to_string(f.status) << " " << f.reason << " " << f.summary);
      failed = failed || f.status == CheckStatus::fail;
      if (f.status == CheckStatus::fail) CHECK(!f.evidence.empty());  // a failure cites its proof
    }
    CHECK_MESSAGE(failed, "the check did not fail on its flawed device");
  }
  for (const auto& [id, why] : never_fail()) CHECK_MESSAGE(ids.count(id) == 1, id << " is listed as never failing but is not a check");
}
