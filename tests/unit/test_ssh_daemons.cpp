// SSH depth against real daemons (issue 17): Debian 12's OpenSSH started by the test on loopback
// with SHA-1/CBC algorithms added, or hardened; Debian 12's tinysshd (20230101, released before
// the strict key exchange) behind tcpserver. Each verdict is asserted under each shipped SSH
// policy where they differ, and a golden-unit policy pinned from a real scan fails on drift.
//
// Group exchange (ssh.gex, RFC 4419): OpenSSH 9.2 clamps every request to 2048..8192 bits
// (DH_GRP_MIN, kexgexs.c) and refuses one whose max is below 2048, whatever its ModuliFile holds,
// so it cannot be made to send a small prime; Debian 12's python3-paramiko (2.12) server honours a
// request down to 1024 bits from its moduli file, so it is the real server that hands one out.
//
// Terrapin: the installed openssh-server (9.2p1-2+deb12u2 and later) and dropbear-bin
// (2022.83-1+deb12u1 and later) both send kex-strict-s-v00@openssh.com; tinysshd 20230101-1 does
// not and offers only chacha20-poly1305@openssh.com, so it is the real vulnerable server here.
#include "scanner/policy/crypto_policy.hpp"
#include "scanner/report/assess.hpp"
#include "trustscan/check.hpp"
#include "trustscan/profile.hpp"

#include "../support/cli.hpp"
#include "../support/files.hpp"
#include "../support/process.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <openssl/bn.h>
#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
#include <memory>
#include <optional>

using namespace trustscan;
using namespace std::chrono_literals;

namespace {

constexpr const char* kSshdHost = "127.0.0.1";

bool have(const char* path) { return ::access(path, X_OK) == 0; }

// Debian's openssh-server is a test dependency (setup.sh); without it these tests say so and stop.
bool sshd_missing() {
  if (have("/usr/sbin/sshd")) return false;
  MESSAGE("openssh-server not installed (setup.sh TEST_DEPS)");
  return true;
}

// A directory with host keys: RSA 2048, ECDSA P-256, Ed25519.
std::string host_keys(const std::string& suffix) {
  const auto dir = testsupport::temp_path(suffix.c_str());
  const std::string cmd = "mkdir -p " + dir + " && ssh-keygen -q -t rsa -b 2048 -N '' -f " + dir + "/rsa && ssh-keygen -q -t ecdsa -b 256 -N '' -f " +
                          dir + "/ecdsa && ssh-keygen -q -t ed25519 -N '' -f " + dir + "/ed25519";
  REQUIRE(std::system(cmd.c_str()) == 0);
  return dir;
}

// sshd on 127.0.0.1:port with the host keys of `dir` and `extra` lines of configuration.
std::unique_ptr<testsupport::Process> start_sshd(const std::string& dir, std::uint16_t port, const std::string& extra) {
  ::mkdir("/run/sshd", 0755);  // the privilege-separation directory the openssh-server package makes
  {
    std::ofstream c(dir + "/sshd_config");
    c << "Port " << port << "\nListenAddress " << kSshdHost << "\nHostKey " << dir << "/rsa\nHostKey " << dir << "/ecdsa\nHostKey " << dir
      << "/ed25519\nPidFile " << dir << "/sshd.pid\nUsePAM no\nStrictModes no\nPasswordAuthentication yes\n"
      << "KbdInteractiveAuthentication no\nLogLevel VERBOSE\n"
      << extra;
  }
  auto p = std::make_unique<testsupport::Process>(std::vector<std::string>{"/usr/sbin/sshd", "-D", "-e", "-f", dir + "/sshd_config"},
                                                  dir + "/sshd.log");
  REQUIRE_MESSAGE(testsupport::wait_for_listener_at(kSshdHost, port, 5s), "sshd did not start: " << testsupport::read_text(dir + "/sshd.log"));
  return p;
}

struct Scan {
  nlohmann::json report;
  DeviceFacts facts;
};

// `trustscan scan` of one port, JSON report read back both as JSON and as facts.
Scan scan(std::uint16_t port, const std::vector<std::string>& more = {}) {
  const auto out = testsupport::temp_path("-ssh-report.json");
  std::vector<std::string> args{"scan", kSshdHost, "-p", std::to_string(port), "--no-discovery", "--no-creds", "-q", "--fail-on", "never",
                                "-o", out};
  args.insert(args.end(), more.begin(), more.end());
  const auto r = testsupport::cli(args);
  REQUIRE_MESSAGE(r.code == 0, r.err);
  Scan s;
  s.report = nlohmann::json::parse(testsupport::read_text(out));
  const auto back = read_report_file(out);
  REQUIRE(back.devices.size() == 1);
  s.facts = back.devices[0].facts;
  return s;
}

const nlohmann::json* result(const Scan& s, const std::string& check) {
  for (const auto& r : s.report["devices"][0]["results"])
    if (r["check"] == check) return &r;
  return nullptr;
}

// The check `id` on the scanned facts, judged under `policy`.
Finding judged(const Scan& s, const std::string& id, const std::vector<std::string>& policy) {
  DeviceFacts d = s.facts;
  d.crypto_policy = std::make_shared<const CryptoPolicy>(resolve_crypto_policy(policy));
  std::vector<Finding> out;
  for (const auto& c : builtin_checks())
    if (c->id() == id) evaluate_contained(*c, d, out);
  REQUIRE(out.size() == 1);
  return out[0];
}

std::vector<std::string> list_of(const Scan& s, const std::string& key) {
  for (const auto& o : s.facts.observations)
    if (o.key == key) return std::get<std::vector<std::string>>(o.value);
  return {};
}

std::optional<std::int64_t> int_of(const Scan& s, const std::string& key) {
  for (const auto& o : s.facts.observations)
    if (o.key == key) return std::get<std::int64_t>(o.value);
  return std::nullopt;
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// One /etc/ssh/moduli line (ssh-keygen -M screen format: safe prime, Miller-Rabin tested, size
// field one less than the bits) for an RFC prime OpenSSL carries, generator 2.
std::string sshd_moduli_line(BIGNUM* (*rfc_prime)(BIGNUM*)) {
  BIGNUM* p = rfc_prime(nullptr);
  REQUIRE(p);
  char* hex = BN_bn2hex(p);
  const std::string line = "20240101000000 2 6 100 " + std::to_string(BN_num_bits(p) - 1) + " 2 " + hex + "\n";
  OPENSSL_free(hex);
  BN_free(p);
  return line;
}

bool paramiko_missing() {
  if (std::system("/usr/bin/python3 -c 'import paramiko' >/dev/null 2>&1") == 0) return false;
  MESSAGE("python3-paramiko not installed (setup.sh TEST_DEPS)");
  return true;
}


}  // namespace

TEST_CASE("Debian 12 sshd with SHA-1 and CBC algorithms: each named with its source, host keys per type, strict kex") {
  if (sshd_missing()) return;
  const auto dir = host_keys("-sshd-legacy");
  constexpr std::uint16_t kPort = 22917;
  const auto sshd = start_sshd(dir, kPort,
                               "KexAlgorithms +diffie-hellman-group14-sha1,diffie-hellman-group1-sha1\n"
                               "Ciphers +aes128-cbc,3des-cbc\nHostKeyAlgorithms +ssh-rsa\nMACs +hmac-sha1\n");
  const auto s = scan(kPort);

  // What the server's KEXINIT offered, as sshd_config made it.
  const auto kex = list_of(s, "ssh.kex_algorithms");
  CHECK(std::find(kex.begin(), kex.end(), "diffie-hellman-group1-sha1") != kex.end());
  CHECK(std::find(kex.begin(), kex.end(), "kex-strict-s-v00@openssh.com") != kex.end());

  // The default profile's policy (ssh-baseline) fails it, naming each algorithm, rule and source.
  const auto* cfg = result(s, "ssh.config");
  REQUIRE(cfg);
  CHECK((*cfg)["status"] == "fail");
  const std::string summary = (*cfg)["summary"];
  CHECK(contains(summary, "diffie-hellman-group1-sha1 forbidden by SSH current guidance, RFC 9142 §4 (policy ssh-baseline)"));
  CHECK(contains(summary, "diffie-hellman-group14-sha1 forbidden by SSH current guidance, ssh-audit ssh2_kexdb (fail: SHA-1)"));
  CHECK(contains(summary, "ssh-rsa forbidden by SSH current guidance, OpenSSH 8.8 release notes"));
  CHECK(contains(summary, "aes128-cbc forbidden by SSH current guidance, OpenSSH 6.7 release notes"));
  CHECK(contains(summary, "3des-cbc forbidden"));
  CHECK(contains(summary, "hmac-sha1 forbidden"));
  CHECK(s.report["profile"]["crypto_policy"]["ssh"]["id"] == "ssh-baseline");

  // One key exchange per host-key type: the sizes of the keys this test generated.
  CHECK(int_of(s, "ssh.host_key_bits.rsa-sha2-512") == 2048);
  CHECK(int_of(s, "ssh.host_key_bits.ecdsa-sha2-nistp256") == 256);
  CHECK(int_of(s, "ssh.host_key_bits.ssh-ed25519") == 256);
  // The fingerprint is the one ssh-keygen prints for the key.
  std::string want;
  {
    const auto tmp = dir + "/ed25519.fp";
    REQUIRE(std::system(("ssh-keygen -l -E sha256 -f " + dir + "/ed25519.pub | cut -d' ' -f2 > " + tmp).c_str()) == 0);
    want = testsupport::read_text(tmp);
    while (!want.empty() && (want.back() == '\n' || want.back() == '\r')) want.pop_back();
  }
  bool fp_found = false;
  for (const auto& o : s.facts.observations)
    if (o.key == "ssh.host_key_sha256.ssh-ed25519") fp_found = std::get<std::string>(o.value) == want;
  CHECK_MESSAGE(fp_found, "ssh-keygen says " << want);
  // The authentication methods, read from a "none" request while credential trials are off.
  for (const auto& o : s.facts.observations)
    if (o.key == "ssh.auth_methods") CHECK(contains(std::get<std::string>(o.value), "password"));

  // BSI TR-02102-4 fails the 2048-bit RSA host key (3000 bits); ssh-baseline (2048) does not.
  const auto bsi = judged(s, "ssh.config", {"bsi-tr-02102-4"});
  CHECK(contains(bsi.summary, "rsa-sha2-512 host key of 2048 bits below the 3000 bits of BSI TR-02102-4 (2024-01) §3.6"));
  CHECK_FALSE(contains(summary, "host key of"));

  // Patched OpenSSH: chacha20-poly1305 offered, but with strict kex.
  const auto* terrapin = result(s, "ssh.terrapin");
  REQUIRE(terrapin);
  CHECK((*terrapin)["status"] == "pass");
  CHECK(contains((*terrapin)["summary"], "kex-strict-s-v00@openssh.com"));
}

TEST_CASE("an sshd offering only legacy algorithms (as old firmware does): the host key is still read, through SHA-1 kex") {
  if (sshd_missing()) return;
  const auto dir = host_keys("-sshd-old");
  constexpr std::uint16_t kPort = 22921;
  const auto sshd = start_sshd(dir, kPort,
                               "KexAlgorithms diffie-hellman-group1-sha1,diffie-hellman-group14-sha1\nHostKeyAlgorithms ssh-rsa\n"
                               "Ciphers aes128-cbc,3des-cbc\nMACs hmac-sha1\n");
  const auto s = scan(kPort);
  CHECK(list_of(s, "ssh.host_key_algorithms") == std::vector<std::string>{"ssh-rsa"});
  CHECK(int_of(s, "ssh.host_key_bits.ssh-rsa") == 2048);
  const std::string summary = result(s, "ssh.config")->at("summary");
  for (const char* alg : {"diffie-hellman-group1-sha1", "diffie-hellman-group14-sha1", "ssh-rsa", "aes128-cbc", "3des-cbc", "hmac-sha1"})
    CHECK_MESSAGE(contains(summary, std::string(alg) + " forbidden by SSH current guidance, "), alg);
  // CBC with encrypt-and-MAC only: not a mode Terrapin attacks.
  CHECK(result(s, "ssh.terrapin")->at("status") == "pass");
}

TEST_CASE("hardened Debian 12 sshd: passes ssh-baseline, fails BSI TR-02102-4 (curve25519, ed25519 not on its lists)") {
  if (sshd_missing()) return;
  const auto dir = host_keys("-sshd-hard");
  constexpr std::uint16_t kPort = 22918;
  const auto sshd = start_sshd(dir, kPort,
                               "KexAlgorithms curve25519-sha256,ecdh-sha2-nistp256\nCiphers aes256-gcm@openssh.com,aes128-ctr\n"
                               "MACs hmac-sha2-256-etm@openssh.com,hmac-sha2-256\nHostKeyAlgorithms ssh-ed25519,ecdsa-sha2-nistp256\n");
  const auto s = scan(kPort, {"--crypto-policy", "bsi-tr-02102-4"});
  // --crypto-policy replaced the SSH part only; the report and the manifest say so.
  CHECK(s.report["profile"]["crypto_policy"]["name"] == "trustscan-baseline + bsi-tr-02102-4");
  bool in_manifest = false;
  for (const auto& f : s.report["manifest"]["files"])
    in_manifest = in_manifest || (f["role"] == "crypto-policy" && f["name"] == "builtin:profiles/crypto/bsi-tr-02102-4.yaml");
  CHECK(in_manifest);
  const auto* cfg = result(s, "ssh.config");
  REQUIRE(cfg);
  CHECK((*cfg)["status"] == "fail");
  CHECK(contains((*cfg)["summary"], "curve25519-sha256 not on the allowed list of BSI TR-02102-4 (2024-01) §3.3 (Table 1) (policy bsi-tr-02102-4)"));
  CHECK(contains((*cfg)["summary"], "ssh-ed25519 not on the allowed list"));
  CHECK_FALSE(contains((*cfg)["summary"], "aes128-ctr"));
  // The same facts under ssh-baseline: nothing to object to.
  CHECK(judged(s, "ssh.config", {"ssh-baseline"}).status == CheckStatus::pass);
  CHECK(judged(s, "ssh.terrapin", {"ssh-baseline"}).status == CheckStatus::pass);
}

TEST_CASE("tinysshd 20230101 (Debian 12): chacha20-poly1305 without strict kex is Terrapin (CVE-2023-48795) on a real server") {
  if (!have("/usr/sbin/tinysshd") || !have("/usr/bin/tcpserver")) {
    MESSAGE("tinysshd or ucspi-tcp not installed (setup.sh TEST_DEPS)");
    return;
  }
  const auto dir = testsupport::temp_path("-tinyssh");
  REQUIRE(std::system(("mkdir -p " + dir + " && tinysshd-makekey " + dir + "/keys >/dev/null 2>&1").c_str()) == 0);
  constexpr std::uint16_t kPort = 22919;
  testsupport::Process server({"/usr/bin/tcpserver", "-HRDl0", kSshdHost, std::to_string(kPort), "/usr/sbin/tinysshd", dir + "/keys"},
                              dir + "/tcpserver.log");
  REQUIRE_MESSAGE(testsupport::wait_for_listener_at(kSshdHost, kPort, 5s), testsupport::read_text(dir + "/tcpserver.log"));
  const auto s = scan(kPort);
  const auto kex = list_of(s, "ssh.kex_algorithms");
  CHECK(std::find(kex.begin(), kex.end(), "kex-strict-s-v00@openssh.com") == kex.end());
  const auto* t = result(s, "ssh.terrapin");
  REQUIRE(t);
  CHECK((*t)["status"] == "fail");
  CHECK(contains((*t)["summary"], "Terrapin (CVE-2023-48795) prefix truncation: chacha20-poly1305@openssh.com offered and no strict key exchange"));
  // Its algorithms are all current: ssh.config passes the baseline; BSI objects to them.
  CHECK(result(s, "ssh.config")->at("status") == "pass");
  CHECK(judged(s, "ssh.config", {"bsi-tr-02102-4"}).status == CheckStatus::fail);
  // The Ed25519 host key, read by its own key exchange.
  CHECK(int_of(s, "ssh.host_key_bits.ssh-ed25519") == 256);
}

TEST_CASE("golden-unit pinning end to end: policy from a real scan passes the unit and fails its drifted configuration") {
  if (sshd_missing()) return;
  const auto dir = host_keys("-sshd-golden");
  constexpr std::uint16_t kPort = 22920;
  const std::string golden_config =
      "KexAlgorithms curve25519-sha256\nCiphers aes256-gcm@openssh.com,aes128-ctr\nMACs hmac-sha2-256-etm@openssh.com\n"
      "HostKeyAlgorithms ssh-ed25519,rsa-sha2-512\n";
  const auto report = testsupport::temp_path("-golden.json");
  const auto pinned = testsupport::temp_path("-golden-policy.yaml");
  {
    const auto sshd = start_sshd(dir, kPort, golden_config);
    const auto r = testsupport::cli({"scan", kSshdHost, "-p", std::to_string(kPort), "--no-discovery", "--no-creds", "-q", "-o", report});
    REQUIRE_MESSAGE(r.code == 0, r.err);
  }
  const auto from = testsupport::cli({"policy", "from", report, "-o", pinned, "--id", "golden-cam-fw1.2"});
  REQUIRE_MESSAGE(from.code == 0, from.err);
  const auto text = testsupport::read_text(pinned);
  CHECK(contains(text, "id: golden-cam-fw1.2"));
  CHECK(contains(text, "hmac-sha2-256-etm@openssh.com"));
  CHECK(testsupport::cli({"policy", "lint", pinned}).code == 0);

  // The same unit again: every SSH verdict passes under its own pinned policy.
  {
    const auto sshd = start_sshd(dir, kPort, golden_config);
    const auto s = scan(kPort, {"--crypto-policy", pinned});
    CHECK(s.report["profile"]["crypto_policy"]["ssh"]["id"] == "golden-cam-fw1.2");
    CHECK(result(s, "ssh.config")->at("status") == "pass");
  }
  // The nightly firmware that re-enabled CBC and hmac-sha2-512: drift, named against the pin.
  {
    const auto sshd = start_sshd(dir, kPort,
                                 "KexAlgorithms curve25519-sha256\nCiphers aes256-gcm@openssh.com,aes128-ctr,aes128-cbc\n"
                                 "MACs hmac-sha2-256-etm@openssh.com,hmac-sha2-512\nHostKeyAlgorithms ssh-ed25519,rsa-sha2-512\n");
    const auto s = scan(kPort, {"--crypto-policy", pinned});
    const auto* cfg = result(s, "ssh.config");
    REQUIRE(cfg);
    CHECK((*cfg)["status"] == "fail");
    CHECK(contains((*cfg)["summary"], "aes128-cbc not on the allowed list of golden unit 127.0.0.1 in " + report +
                                          ", ssh.ciphers (policy golden-cam-fw1.2)"));
    CHECK(contains((*cfg)["summary"], "hmac-sha2-512 not on the allowed list"));
  }
  // A malformed policy file: one line, exit 2, nothing scanned.
  {
    std::ofstream(pinned) << "id: broken\ntitle: t\ndocument: d\nssh: {kex: {allow: {names: [], source: s}}}\n";
    const auto r = testsupport::cli({"scan", kSshdHost, "-p", std::to_string(kPort), "--crypto-policy", pinned});
    CHECK(r.code == 2);
    CHECK(contains(r.err, pinned + ":4: ssh.kex.allow.names must be a non-empty list"));
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  }
}

TEST_CASE("group exchange on Debian 12 sshd: opt-in, and OpenSSH never hands out a prime below 2048 bits") {
  if (sshd_missing()) return;
  const auto dir = host_keys("-sshd-gex");
  constexpr std::uint16_t kPort = 22922;
  // Only RFC 3526 group 14 (2048 bits) in the moduli file: the one prime it can send.
  { std::ofstream(dir + "/moduli") << sshd_moduli_line(BN_get_rfc3526_prime_2048); }
  const auto sshd = start_sshd(dir, kPort, "KexAlgorithms diffie-hellman-group-exchange-sha256,curve25519-sha256\nModuliFile " + dir + "/moduli\n");
  // Without --allow ssh.gex: not tested, with the opt-in as reason.
  {
    const auto s = scan(kPort);
    const auto* g = result(s, "ssh.gex.prime");
    REQUIRE(g);
    CHECK((*g)["status"] == "not_tested");
    CHECK((*g)["reason"] == "opt_in:--safety intrusive");
    CHECK(list_of(s, "ssh.intrusive_skipped") == std::vector<std::string>{"ssh.gex"});
    CHECK_FALSE(int_of(s, "ssh.gex.prime_bits"));
  }
  const auto s = scan(kPort, {"--allow", "ssh.gex"});
  const auto groups = list_of(s, "ssh.gex.groups");
  REQUIRE(groups.size() == 2);
  CHECK(groups[0] == "diffie-hellman-group-exchange-sha256 1024/2048/8192: 2048-bit prime (RFC 3526 group 14)");
  // The small request (max 1536 < DH_GRP_MIN): OpenSSH closes the connection ("DH GEX group out
  // of range" in its log, no SSH_MSG_DISCONNECT) rather than answer.
  CHECK(groups[1] == "diffie-hellman-group-exchange-sha256 512/1024/1536: no group (the server closed the connection)");
  CHECK(int_of(s, "ssh.gex.prime_bits") == 2048);
  const auto* g = result(s, "ssh.gex.prime");
  REQUIRE(g);
  CHECK((*g)["status"] == "pass");
  CHECK(contains((*g)["summary"], "smallest group-exchange prime 2048 bits, at least the 2048 bits of SSH current guidance, RFC 8270 §4"));
}

TEST_CASE("group exchange on a paramiko server with 1024-bit primes: ssh.gex.prime fails, naming RFC 2409 Oakley group 2") {
  if (sshd_missing() || paramiko_missing()) return;
  const auto dir = host_keys("-paramiko-gex");
  constexpr std::uint16_t kPort = 22923;
  {
    std::ofstream m(dir + "/moduli");
    m << sshd_moduli_line(BN_get_rfc2409_prime_1024) << sshd_moduli_line(BN_get_rfc3526_prime_2048);
  }
  testsupport::Process server({"/usr/bin/python3", std::string(TRUSTSCAN_SOURCE_DIR) + "/tests/support/paramiko_server.py",
                               std::to_string(kPort), dir + "/rsa", dir + "/moduli"},
                              dir + "/paramiko.log");
  REQUIRE_MESSAGE(testsupport::wait_for_listener_at(kSshdHost, kPort, 10s), testsupport::read_text(dir + "/paramiko.log"));
  const auto s = scan(kPort, {"--allow", "ssh.gex"});
  const auto groups = list_of(s, "ssh.gex.groups");
  REQUIRE(groups.size() == 4);  // -sha256 and -sha1, two requests each
  CHECK(groups[0] == "diffie-hellman-group-exchange-sha256 1024/2048/8192: 2048-bit prime (RFC 3526 group 14)");
  CHECK(groups[1] == "diffie-hellman-group-exchange-sha256 512/1024/1536: 1024-bit prime (RFC 2409 Oakley group 2)");
  CHECK(groups[3] == "diffie-hellman-group-exchange-sha1 512/1024/1536: 1024-bit prime (RFC 2409 Oakley group 2)");
  CHECK(int_of(s, "ssh.gex.prime_bits") == 1024);
  const auto* g = result(s, "ssh.gex.prime");
  REQUIRE(g);
  CHECK((*g)["status"] == "fail");
  CHECK(contains((*g)["summary"], "the server sent a 1024-bit group-exchange prime, below the 2048 bits of SSH current guidance, RFC 8270 §4"));
}
