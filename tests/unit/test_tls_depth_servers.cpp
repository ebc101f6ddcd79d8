// TLS depth against real servers started by the test on loopback (127.0.0.13): secure
// renegotiation, extended master secret, TLS_FALLBACK_SCSV, groups, signature algorithms,
// certificate lifetime and fingerprints, the compromised-key lookup and the attack table, each
// verdict shown both ways where real software shows it:
//
//   14451 openssl s_server, TLS 1.2 + 1.3 (Debian's defaults): RFC 5746 yes, EMS yes, SCSV honoured
//   14452 gnutls-serv NORMAL:%DISABLE_SAFE_RENEGOTIATION:%NO_SESSION_HASH, TLS 1.0-1.3 with 3DES:
//         no renegotiation_info, no EMS; SWEET32 and BEAST preconditions
//   14453 openssl s_server with Options = -ExtendedMasterSecret (OPENSSL_CONF): EMS off in OpenSSL
//   14454 openssl s_server -tls1_3: TLS 1.3 only (no renegotiation, EMS built in, one version)
//
// No packaged server ignores TLS_FALLBACK_SCSV (OpenSSL, GnuTLS and tlslite-ng all honour it):
// the fail side of tls.fallback_scsv is shown on facts only (tests/checks/test_tls_depth.cpp).
// The compromised-key verdict fails once the test's own leaf key is given in a
// --compromised-keys file (its SPKI SHA-256 computed with the openssl CLI, not by trustscan).
#include "../support/cli.hpp"
#include "../support/files.hpp"
#include "../support/pki.hpp"
#include "../support/port_report.hpp"
#include "../support/process.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>
#include <openssl/bn.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

using namespace std::chrono_literals;

namespace {

constexpr const char* kDepthHost = "127.0.0.13";

using DepthScan = testsupport::PortReport;

DepthScan depth_scan(const std::string& path, const std::vector<std::string>& extra) {
  std::vector<std::string> args = {"scan", kDepthHost, "-p", "14451,14452,14453,14454", "-q", "--no-creds", "-o", path};
  args.insert(args.end(), extra.begin(), extra.end());
  return testsupport::scan_by_port(args, path);
}

// The first line a shell command prints (the test's own openssl CLI computations).
std::string shell(const std::string& cmd) {
  std::string out;
  if (FILE* p = ::popen(cmd.c_str(), "r")) {
    char buf[256];
    if (std::fgets(buf, sizeof buf, p)) out = buf;
    ::pclose(p);
  }
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ' || out.back() == '-')) out.pop_back();
  return out;
}

bool contains(const nlohmann::json& list, const char* v) {
  return list.is_array() && std::find(list.begin(), list.end(), v) != list.end();
}

}  // namespace

TEST_CASE("TLS depth on real servers: renegotiation, EMS, fallback SCSV, groups, sigalgs, certificate, attacks") {
  const auto dir = testsupport::temp_path("-tlsdepth");
  REQUIRE_MESSAGE(testsupport::make_test_pki(dir), testsupport::read_text(dir + "/openssl.log"));
  const std::string d = dir + "/";
  std::ofstream(d + "noems.cnf") << "openssl_conf = o\n[o]\nssl_conf = s\n[s]\nsystem_default = d\n[d]\n"
                                    "Options = -ExtendedMasterSecret\n";
  auto ossl = [&](int port, std::vector<std::string> more) {
    std::vector<std::string> a = {"openssl", "s_server", "-quiet", "-www", "-no-CAfile", "-no-CApath", "-no-CAstore",
                                  "-cert", d + "leaf.pem", "-key", d + "leaf.key", "-accept", std::string(kDepthHost) + ":" + std::to_string(port)};
    a.insert(a.end(), more.begin(), more.end());
    return a;
  };
  auto noems = ossl(14453, {});
  noems.insert(noems.begin(), {"env", "OPENSSL_CONF=" + d + "noems.cnf"});
  const std::vector<std::pair<int, std::vector<std::string>>> servers = {
      {14451, ossl(14451, {})},
      // gnutls-serv listens on every address (no option to choose); the test connects to loopback only.
      {14452, {"gnutls-serv", "--port=14452", "--x509certfile=" + d + "leaf.pem", "--x509keyfile=" + d + "leaf.key",
               "--priority=NORMAL:+VERS-TLS1.0:+VERS-TLS1.1:+3DES-CBC:%DISABLE_SAFE_RENEGOTIATION:%NO_SESSION_HASH"}},
      {14453, noems},
      {14454, ossl(14454, {"-tls1_3"})},
  };
  std::vector<std::unique_ptr<testsupport::Process>> running;
  for (const auto& [port, argv] : servers)
    running.push_back(std::make_unique<testsupport::Process>(argv, d + "server" + std::to_string(port) + ".log"));
  for (const auto& [port, argv] : servers)
    REQUIRE_MESSAGE(testsupport::wait_for_listener_at(kDepthHost, static_cast<std::uint16_t>(port), 5s),
                    "server on " << port << " did not start: " << testsupport::read_text(d + "server" + std::to_string(port) + ".log"));

  const auto s = depth_scan(d + "report.json", {});
  auto fact = [&](int port, const char* key) {
    const auto& f = s.facts.at(port);
    const auto it = f.find(key);
    return it == f.end() ? nlohmann::json() : it->second;
  };
  auto status = [&](const DepthScan& sc, int port, const char* check) { return sc.results.at(port).at(check).value("status", ""); };
  auto summary = [&](const DepthScan& sc, int port, const char* check) { return sc.results.at(port).at(check).value("summary", ""); };

  {  // secure renegotiation: OpenSSL sends renegotiation_info, GnuTLS with %DISABLE_SAFE_RENEGOTIATION does not
    CHECK(fact(14451, "tls.secure_renegotiation") == true);
    CHECK(status(s, 14451, "tls.renegotiation.secure") == "pass");
    CHECK(fact(14452, "tls.secure_renegotiation") == false);
    CHECK(status(s, 14452, "tls.renegotiation.secure") == "fail");
    CHECK(summary(s, 14452, "tls.renegotiation.secure").find("CVE-2009-3555") != std::string::npos);
    CHECK(fact(14454, "tls.secure_renegotiation").is_null());
    CHECK(status(s, 14454, "tls.renegotiation.secure") == "pass");  // TLS 1.3 only
  }
  {  // extended master secret: on in OpenSSL, off in GnuTLS %NO_SESSION_HASH and OpenSSL -ExtendedMasterSecret
    CHECK(fact(14451, "tls.extended_master_secret") == true);
    CHECK(status(s, 14451, "tls.ems") == "pass");
    for (const int port : {14452, 14453}) {
      CAPTURE(port);
      CHECK(fact(port, "tls.extended_master_secret") == false);
      CHECK(status(s, port, "tls.ems") == "fail");
      CHECK(summary(s, port, "tls.ems").find("CVE-2014-1295") != std::string::npos);
    }
    CHECK(fact(14454, "tls.extended_master_secret").is_null());
    CHECK(status(s, 14454, "tls.ems") == "pass");
  }
  {  // TLS_FALLBACK_SCSV: honoured by OpenSSL and GnuTLS; one version only has nothing to fall back to
    for (const int port : {14451, 14452}) {
      CAPTURE(port);
      CHECK(fact(port, "tls.fallback_scsv") == true);
      CHECK(status(s, port, "tls.fallback_scsv") == "pass");
    }
    CHECK(fact(14454, "tls.fallback_scsv").is_null());
    CHECK(status(s, 14454, "tls.fallback_scsv") == "pass");
    CHECK(summary(s, 14454, "tls.fallback_scsv").starts_with("one protocol version only (TLSv1.3)"));
  }
  {  // groups and signature algorithms enumerated, not only the one chosen
    for (const int port : {14451, 14452}) {
      CAPTURE(port);
      const auto g13 = fact(port, "tls.groups.TLSv1.3");
      CHECK(g13.size() >= 5);
      CHECK(contains(g13, "x25519"));
      CHECK(contains(g13, "secp384r1"));
      CHECK(contains(g13, "ffdhe2048"));
      // TLS 1.2 with a P-256 ECDSA certificate: OpenSSL refuses without P-256 offered, so the
      // analyzer keeps offering it and still finds the curves after it.
      const auto g12 = fact(port, "tls.groups.TLSv1.2");
      CHECK(contains(g12, "secp256r1"));
      CHECK(contains(g12, "secp384r1"));
      const auto sig = fact(port, "tls.signature_algorithms");
      CHECK(contains(sig, "ecdsa_secp256r1_sha256"));
      CHECK(!contains(sig, "rsa_pkcs1_sha256"));  // an EC key cannot sign with RSA
    }
  }
  {  // certificate lifetime and fingerprints, as the openssl CLI computes them
    const auto cert = shell("openssl x509 -in " + d + "leaf.pem -outform DER | sha256sum");
    const auto spki = shell("openssl x509 -in " + d + "leaf.pem -noout -pubkey | openssl pkey -pubin -outform DER | sha256sum");
    REQUIRE(cert.size() == 64);
    for (const int port : {14451, 14452, 14454}) {
      CAPTURE(port);
      CHECK(fact(port, "tls.cert.lifetime_days") == 30);
      CHECK(fact(port, "tls.cert.sha256") == cert);
      CHECK(fact(port, "tls.cert.spki_sha256") == spki);
      CHECK(fact(port, "tls.cert.compromised_key") == nlohmann::json::array());
      CHECK(status(s, port, "tls.cert.compromised_key") == "pass");
    }
    // The test's leaf key listed as compromised: every server using it fails, naming the entry.
    std::ofstream(d + "keys.yaml") << "keys:\n  - name: test firmware key\n    source: made by this test\n    spki_sha256: "
                                   << spki << "\n";
    const auto listed = depth_scan(d + "report-listed.json", {"--compromised-keys", d + "keys.yaml"});
    for (const int port : {14451, 14452, 14454}) {
      CAPTURE(port);
      CHECK(status(listed, port, "tls.cert.compromised_key") == "fail");
      CHECK(summary(listed, port, "tls.cert.compromised_key").find("test firmware key") != std::string::npos);
    }
    // A malformed list: one clear line, exit 2, nothing scanned.
    std::ofstream(d + "bad.yaml") << "keys:\n  - name: x\n    source: y\n    spki_sha256: 1234\n";
    const auto bad = testsupport::cli({"scan", kDepthHost, "-p", "14451", "-q", "--compromised-keys", d + "bad.yaml"});
    CHECK(bad.code == 2);
    CHECK(bad.err.find("bad.yaml:4: 'spki_sha256' must be a SHA-256") != std::string::npos);
  }
  {  // named attacks: SWEET32 and BEAST on GnuTLS with 3DES and TLS 1.0, none on OpenSSL's defaults
    CHECK(status(s, 14452, "tls.attacks.known") == "fail");
    CHECK(summary(s, 14452, "tls.attacks.known").find("SWEET32 (CVE-2016-2183") != std::string::npos);
    CHECK(summary(s, 14452, "tls.attacks.known").find("BEAST (CVE-2011-3389") != std::string::npos);
    CHECK(status(s, 14451, "tls.attacks.known") == "pass");
    CHECK(status(s, 14454, "tls.attacks.known") == "pass");
  }
}

// LOGJAM's common prime and LUCKY13's precondition on real OpenSSL servers (TLS 1.2, DHE-RSA):
//   14455 -dhparam RFC 2409 Oakley group 2 (the prime written from OpenSSL's own copy through
//         `openssl asn1parse -genconf`), AES-GCM only: LOGJAM (common prime), no LUCKY13
//   14456 -dhparam a 1024-bit prime of its own (p and g of `openssl dhparam -dsaparam 1024`, fast,
//         rewritten as PKCS#3 DH parameters: s_server ignores X9.42 ones and falls back to
//         ffdhe2048), AES-GCM and AES-CBC: no LOGJAM (the prime is shared with no one), LUCKY13
//         named, still a pass
// @SECLEVEL=0: Debian's OpenSSL otherwise refuses a 1024-bit group.
TEST_CASE("TLS DHE prime on real servers: LOGJAM names the common RFC 2409 prime, not a private one") {
  const auto dir = testsupport::temp_path("-tlsdhprime");
  const std::string d = dir + "/";
  const std::string oakley2_hex = [] {
    BIGNUM* p = BN_get_rfc2409_prime_1024(nullptr);
    char* hex = BN_bn2hex(p);
    std::string h = hex;
    OPENSSL_free(hex);
    BN_free(p);
    return h;
  }();
  REQUIRE(std::system(("mkdir -p " + dir).c_str()) == 0);
  std::ofstream(d + "dh.cnf") << "asn1=SEQUENCE:dh\n[dh]\np=INTEGER:0x" << oakley2_hex << "\ng=INTEGER:2\n";
  const std::string cmd =
      "cd " + dir + " && openssl asn1parse -genconf dh.cnf -out dh.der >/dev/null && openssl dhparam -inform DER -in dh.der -out oakley2.pem"
      " 2>/dev/null && openssl dhparam -dsaparam -out x942.pem 1024 2>/dev/null && openssl asn1parse -in x942.pem | awk -F: "
      "'/INTEGER/ {n++; if (n == 1) p = $NF; if (n == 2) g = $NF} END {print \"asn1=SEQUENCE:dh\\n[dh]\\np=INTEGER:0x\" p "
      "\"\\ng=INTEGER:0x\" g}' > own.cnf && openssl asn1parse -genconf own.cnf -out own.der >/dev/null && openssl dhparam -inform DER"
      " -in own.der -out private.pem 2>/dev/null && openssl req -x509 -newkey rsa:2048 -nodes"
      " -subj /CN=device -days 2 -keyout rsa.key -out rsa.pem 2>/dev/null";
  REQUIRE(std::system(cmd.c_str()) == 0);
  auto server = [&](int port, const std::string& dh, const std::string& ciphers) {
    return std::make_unique<testsupport::Process>(
        std::vector<std::string>{"openssl", "s_server", "-quiet", "-www", "-no-CAfile", "-no-CApath", "-no-CAstore", "-cert", d + "rsa.pem",
                                 "-key", d + "rsa.key", "-tls1_2", "-cipher", ciphers + ":@SECLEVEL=0", "-dhparam", d + dh, "-accept",
                                 std::string(kDepthHost) + ":" + std::to_string(port)},
        d + "server" + std::to_string(port) + ".log");
  };
  const auto common = server(14455, "oakley2.pem", "DHE-RSA-AES128-GCM-SHA256");
  const auto own = server(14456, "private.pem", "DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES128-SHA");
  for (const int port : {14455, 14456})
    REQUIRE_MESSAGE(testsupport::wait_for_listener_at(kDepthHost, static_cast<std::uint16_t>(port), 5s),
                    testsupport::read_text(d + "server" + std::to_string(port) + ".log"));
  const auto run = testsupport::cli({"scan", kDepthHost, "-p", "14455,14456", "-q", "--no-creds", "-o", d + "report.json"});
  REQUIRE_MESSAGE((run.code == 0 || run.code == 1), run.err);
  const auto j = nlohmann::json::parse(testsupport::read_text(d + "report.json"));
  std::map<int, std::map<std::string, nlohmann::json>> facts, results;
  for (const auto& o : j["devices"][0]["observations"])
    if (o.contains("port")) facts[o["port"].get<int>()][o["key"].get<std::string>()] = o["value"];
  for (const auto& r : j["devices"][0]["results"])
    if (r.contains("port")) results[r["port"].get<int>()][r["check"].get<std::string>()] = r;

  CHECK(facts[14455]["tls.dh_bits"] == 1024);
  CHECK(facts[14455]["tls.dh_prime"] == "RFC 2409 Oakley group 2");
  const auto& a = results[14455]["tls.attacks.known"];
  CHECK(a["status"] == "fail");
  CHECK(a["summary"].get<std::string>().find("LOGJAM (CVE-2015-4000, CWE-327): a 1024-bit common DH prime (RFC 2409 Oakley group 2)") !=
        std::string::npos);
  CHECK(a["summary"].get<std::string>().find("LUCKY13") == std::string::npos);

  CHECK(facts[14456]["tls.dh_bits"] == 1024);
  const std::string own_prime = facts[14456]["tls.dh_prime"];
  CHECK(own_prime.starts_with("sha256:"));
  const auto& b = results[14456]["tls.attacks.known"];
  CHECK(b["status"] == "pass");
  CHECK(b["summary"].get<std::string>().find("LUCKY13 precondition only (CVE-2013-0169") != std::string::npos);
  CHECK(b["summary"].get<std::string>().find("TLS_DHE_RSA_WITH_AES_128_CBC_SHA") != std::string::npos);
  // The 1024-bit size itself is tls.kex.weak's, under the default policy, either way.
  CHECK(results[14456]["tls.kex.weak"]["status"] == "fail");
}
