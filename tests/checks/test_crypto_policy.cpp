// Crypto policies as data (issue 17): the loader's errors, composition, and the verdicts of the
// tls.* and ssh.* checks on the same hand-built facts under each shipped policy where they differ.
// Every failing verdict names the rule's document, section and policy id.
#include "probes/tls/tls_suites.hpp"
#include "scanner/policy/crypto_policy.hpp"
#include "trustscan/profile.hpp"

#include "facts.hpp"

#include <doctest/doctest.h>

#include <memory>

using namespace checktest;

namespace {

using VS = std::vector<std::string>;

std::shared_ptr<const CryptoPolicy> policy(std::vector<std::string> names) {
  return std::make_shared<const CryptoPolicy>(resolve_crypto_policy(names));
}

DeviceFacts tls_device(std::shared_ptr<const CryptoPolicy> p) {
  auto d = device();
  port(d, tcp(443), PortState::open, "https");
  d.crypto_policy = std::move(p);
  return d;
}

// OpenSSL 3.0's default server on Debian 12 (TLS 1.2 and 1.3, ECDHE with AES-GCM and ChaCha20,
// a P-256 key signed with SHA-256, X25519 chosen), with a certificate valid for 825 days.
DeviceFacts modern_openssl(std::shared_ptr<const CryptoPolicy> p) {
  auto d = tls_device(std::move(p));
  observe(d, tcp(443), "tls.versions", VS{"TLSv1.2", "TLSv1.3"});
  observe(d, tcp(443), "tls.ciphers.TLSv1.2",
          VS{"TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
             "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"});
  observe(d, tcp(443), "tls.ciphers.TLSv1.3", VS{"TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256", "TLS_AES_128_GCM_SHA256"});
  observe(d, tcp(443), "tls.weak_ciphers", VS{});
  observe(d, tcp(443), "tls.forward_secrecy", true);
  observe(d, tcp(443), "tls.ecdhe_bits", std::int64_t{255});
  observe(d, tcp(443), "tls.cert.subject", std::string("/CN=camera"));
  observe(d, tcp(443), "tls.cert.signature", std::string("ecdsa-with-SHA256"));
  observe(d, tcp(443), "tls.cert.key_type", std::string("EC"));
  observe(d, tcp(443), "tls.cert.key_bits", std::int64_t{256});
  observe(d, tcp(443), "tls.cert.not_before", std::string("2026-01-01T00:00:00Z"));
  observe(d, tcp(443), "tls.cert.not_after", std::string("2028-04-05T00:00:00Z"));
  observe(d, tcp(443), "tls.cert.expired", false);
  observe(d, tcp(443), "tls.cert.not_yet_valid", false);
  return d;
}

// A legacy device: TLS 1.0 to 1.2, RSA key transport and 3DES, a 2048-bit RSA key, DHE 1024.
DeviceFacts legacy_server(std::shared_ptr<const CryptoPolicy> p) {
  auto d = tls_device(std::move(p));
  observe(d, tcp(443), "tls.versions", VS{"TLSv1.0", "TLSv1.1", "TLSv1.2"});
  for (const char* v : {"tls.ciphers.TLSv1.0", "tls.ciphers.TLSv1.1", "tls.ciphers.TLSv1.2"})
    observe(d, tcp(443), v, VS{"TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "TLS_RSA_WITH_AES_128_CBC_SHA", "TLS_RSA_WITH_3DES_EDE_CBC_SHA"});
  observe(d, tcp(443), "tls.forward_secrecy", true);
  observe(d, tcp(443), "tls.dh_bits", std::int64_t{1024});
  observe(d, tcp(443), "tls.cert.key_type", std::string("RSA"));
  observe(d, tcp(443), "tls.cert.key_bits", std::int64_t{2048});
  return d;
}

DeviceFacts ssh_device(std::shared_ptr<const CryptoPolicy> p, VS kex, VS hostkeys, VS ciphers, VS macs) {
  auto d = device();
  port(d, tcp(22), PortState::open, "ssh");
  observe(d, tcp(22), "ssh.proto_version", std::string("2.0"));
  observe(d, tcp(22), "ssh.kex_algorithms", std::move(kex));
  observe(d, tcp(22), "ssh.host_key_algorithms", std::move(hostkeys));
  observe(d, tcp(22), "ssh.ciphers", std::move(ciphers));
  observe(d, tcp(22), "ssh.macs", std::move(macs));
  d.crypto_policy = std::move(p);
  return d;
}

// Debian 12's sshd as installed (OpenSSH 9.2p1, deb12u2 and later: strict kex).
DeviceFacts debian_sshd(std::shared_ptr<const CryptoPolicy> p) {
  return ssh_device(std::move(p),
                    {"sntrup761x25519-sha512@openssh.com", "curve25519-sha256", "curve25519-sha256@libssh.org",
                     "ecdh-sha2-nistp256", "ecdh-sha2-nistp384", "ecdh-sha2-nistp521", "diffie-hellman-group-exchange-sha256",
                     "diffie-hellman-group16-sha512", "diffie-hellman-group18-sha512", "diffie-hellman-group14-sha256",
                     "ext-info-s", "kex-strict-s-v00@openssh.com"},
                    {"rsa-sha2-512", "rsa-sha2-256", "ecdsa-sha2-nistp256", "ssh-ed25519"},
                    {"chacha20-poly1305@openssh.com", "aes128-ctr", "aes192-ctr", "aes256-ctr", "aes128-gcm@openssh.com",
                     "aes256-gcm@openssh.com"},
                    {"umac-64-etm@openssh.com", "umac-128-etm@openssh.com", "hmac-sha2-256-etm@openssh.com",
                     "hmac-sha2-512-etm@openssh.com", "hmac-sha1-etm@openssh.com", "umac-64@openssh.com", "umac-128@openssh.com",
                     "hmac-sha2-256", "hmac-sha2-512", "hmac-sha1"});
}

}  // namespace

TEST_CASE("every shipped crypto policy loads, names its document and has rules") {
  const auto ids = builtin_crypto_policy_ids();
  CHECK(ids == VS{"bsi-tr-02102-2", "bsi-tr-02102-4", "mozilla-intermediate", "mozilla-modern", "mozilla-old", "nist-sp800-52r2",
                  "ssh-baseline", "trustscan-baseline"});
  for (const auto& id : ids) {
    CAPTURE(id);
    const auto f = load_crypto_policy_file(id);
    CHECK(f.id == id);
    CHECK(!f.document.empty());
    CHECK(!f.provenance.empty());
    CHECK((f.tls || f.ssh));
    if (f.tls) {
      for (const auto& r : f.tls->forbid_versions) CHECK(!r.source.empty());
      for (const auto& r : f.tls->suites.forbid) CHECK(!r.source.empty());
      if (f.tls->suites.allow) CHECK(!f.tls->suites.allow->source.empty());
    }
  }
  // The shipped profiles name the defaults explicitly.
  for (const auto& id : builtin_profile_ids()) {
    const auto p = load_profile(id);
    REQUIRE(p.crypto_policy);
    CHECK(p.crypto_policy->name() == "trustscan-baseline + ssh-baseline");
  }
}

TEST_CASE("trustscan-baseline forbids exactly the suites the analyzer's catalog calls weak (the verdicts before policies)") {
  const auto f = load_crypto_policy_file("trustscan-baseline");
  REQUIRE(f.tls);
  std::size_t weak = 0;
  for (const auto& suite : all_suites()) {
    if (suite.scsv) continue;
    const std::string name(suite.name);
    CAPTURE(name);
    const bool forbidden = !judge_names(f.tls->suites, {name}).empty();
    CHECK(forbidden == weak_suite(suite));
    weak += weak_suite(suite) ? 1 : 0;
  }
  CHECK(weak > 50);
}

TEST_CASE("a malformed policy is one error line with file:line") {
  const auto fails = [](const std::string& text, const std::string& needle) {
    try {
      (void)parse_crypto_policy(text, "bad.yaml");
      FAIL("accepted: " << text);
    } catch (const ProfileError& e) {
      const std::string what = e.what();
      CHECK_MESSAGE(what.find(needle) != std::string::npos, what);
      CHECK(what.starts_with("bad.yaml"));
      CHECK(what.find('\n') == std::string::npos);
    }
  };
  fails("id: x\ntitle: t\ndocument: d\n", "neither 'tls' nor 'ssh'");
  fails("id: x\ntitle: t\ndocument: d\ntls:\n  versions:\n    forbid:\n      - {names: [TLSv1.4], source: s}\n", "bad.yaml:7: unknown protocol version 'TLSv1.4'");
  fails("id: x\ntitle: t\ndocument: d\ntls:\n  suites: {allow: {names: [A]}}\n", "missing required key 'source'");
  fails("id: x\ntitle: t\ndocument: d\nssh:\n  host_key_sizes: {rsa: {min: -3, source: s}}\n", "must be a number from 1 to 1000000");
  fails("id: x\ntitle: t\ndocument: d\nssh:\n  kexes: {}\n", "unknown ssh key 'kexes'");
  fails("id: x\ntitle: [t\n", "invalid YAML");
  CHECK_THROWS_WITH_AS(load_crypto_policy_file("nist-800"), doctest::Contains("unknown crypto policy 'nist-800' (built-in:"), ProfileError);
  CHECK_THROWS_AS(resolve_crypto_policy({"/nonexistent/policy.yaml"}), ProfileError);
}

TEST_CASE("composition: TLS from the first file with TLS rules, SSH from the first with SSH rules") {
  const auto p = resolve_crypto_policy({"nist-sp800-52r2,bsi-tr-02102-4", "ssh-baseline"});
  REQUIRE(p.tls);
  REQUIRE(p.ssh);
  CHECK(p.tls->id == "nist-sp800-52r2");
  CHECK(p.ssh->id == "bsi-tr-02102-4");
  CHECK(p.name() == "nist-sp800-52r2 + bsi-tr-02102-4");
  // --crypto-policy with only TLS rules keeps the profile's SSH rules.
  const auto o = override_crypto_policy(default_crypto_policy(), resolve_crypto_policy({"mozilla-old"}));
  CHECK(o.name() == "mozilla-old + ssh-baseline");
}

TEST_CASE("glob matching") {
  CHECK(glob_match("*_RC4_*", "TLS_RSA_WITH_RC4_128_SHA"));
  CHECK_FALSE(glob_match("*_RC4_*", "TLS_RSA_WITH_AES_128_CBC_SHA"));
  CHECK(glob_match("hmac-sha1*", "hmac-sha1-etm@openssh.com"));
  CHECK_FALSE(glob_match("hmac-sha1*", "hmac-sha2-256"));
  CHECK(glob_match("a?c", "abc"));
  CHECK(glob_match("*", ""));
  CHECK_FALSE(glob_match("abc", "abcd"));
}

TEST_CASE("tls.protocol.*: TLS 1.0 fails NIST and the baseline but passes Mozilla old, and NIST requires TLS 1.3") {
  const auto nist = one("tls.protocol.legacy", legacy_server(policy({"nist-sp800-52r2"})));
  CHECK(nist.status == CheckStatus::fail);
  CHECK(nist.summary.find("TLSv1.0 forbidden by NIST SP 800-52 Rev. 2 §3.1 (policy nist-sp800-52r2)") != std::string::npos);
  CHECK(nist.summary.find("TLSv1.1 forbidden by NIST SP 800-52 Rev. 2 §3.1") != std::string::npos);
  const auto base = one("tls.protocol.legacy", legacy_server(nullptr));  // no policy on the facts: the default
  CHECK(base.status == CheckStatus::fail);
  CHECK(base.summary.find("RFC 8996 §4, §5 (policy trustscan-baseline)") != std::string::npos);
  CHECK(one("tls.protocol.legacy", legacy_server(policy({"mozilla-old"}))).status == CheckStatus::pass);

  // TLS 1.2 only: the baseline and Mozilla intermediate are content, NIST requires 1.3 too.
  auto only12 = [](std::shared_ptr<const CryptoPolicy> p) {
    auto d = tls_device(std::move(p));
    observe(d, tcp(443), "tls.versions", VS{"TLSv1.2"});
    return d;
  };
  CHECK(one("tls.protocol.modern", only12(nullptr)).status == CheckStatus::pass);
  CHECK(one("tls.protocol.modern", only12(policy({"mozilla-intermediate"}))).status == CheckStatus::pass);
  const auto n = one("tls.protocol.modern", only12(policy({"nist-sp800-52r2"})));
  CHECK(n.status == CheckStatus::fail);
  CHECK(n.summary.find("TLSv1.3 not accepted: required by NIST SP 800-52 Rev. 2 §3.1 (policy nist-sp800-52r2)") != std::string::npos);
  // Mozilla modern forbids TLS 1.2 itself.
  const auto m = one("tls.protocol.legacy", only12(policy({"mozilla-modern"})));
  CHECK(m.status == CheckStatus::fail);
  CHECK(m.summary.find("TLSv1.2 forbidden by Mozilla Server Side TLS 5.7 (modern), 5.7.json configurations.modern.tls_versions") !=
        std::string::npos);
}

TEST_CASE("tls.cipher.weak: suites against each policy's lists") {
  // ChaCha20 is on Mozilla's list and not on NIST's or BSI's.
  CHECK(one("tls.cipher.weak", modern_openssl(nullptr)).status == CheckStatus::pass);
  CHECK(one("tls.cipher.weak", modern_openssl(policy({"mozilla-intermediate"}))).status == CheckStatus::pass);
  const auto nist = one("tls.cipher.weak", modern_openssl(policy({"nist-sp800-52r2"})));
  CHECK(nist.status == CheckStatus::fail);
  CHECK(nist.summary.find("TLSv1.2 TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256 not on the allowed list of NIST SP 800-52 Rev. 2 "
                          "§3.3.1.1.1, §3.3.1.1.2, §3.3.1.2 (policy nist-sp800-52r2)") != std::string::npos);
  CHECK(nist.summary.find("TLSv1.3 TLS_CHACHA20_POLY1305_SHA256 not on the allowed list") != std::string::npos);
  CHECK(nist.summary.find("AES_256_GCM") == std::string::npos);
  CHECK(one("tls.cipher.weak", modern_openssl(policy({"bsi-tr-02102-2"}))).status == CheckStatus::fail);

  // 3DES and RSA key transport: forbidden by the baseline (3DES), allowed by Mozilla old, not on
  // NIST's list.
  const auto base = one("tls.cipher.weak", legacy_server(nullptr));
  CHECK(base.status == CheckStatus::fail);
  CHECK(base.summary.find("TLS_RSA_WITH_3DES_EDE_CBC_SHA forbidden by trustscan baseline, RFC 5469 §1, RFC 9325 §4.1 "
                          "(policy trustscan-baseline)") != std::string::npos);
  CHECK(base.summary.find("TLS_RSA_WITH_AES_128_CBC_SHA") == std::string::npos);
  CHECK(one("tls.cipher.weak", legacy_server(policy({"mozilla-old"}))).status == CheckStatus::pass);
  const auto nist_legacy = one("tls.cipher.weak", legacy_server(policy({"nist-sp800-52r2"})));
  CHECK(nist_legacy.status == CheckStatus::fail);
  CHECK(nist_legacy.summary.find("TLS_RSA_WITH_AES_128_CBC_SHA not on the allowed list") != std::string::npos);
  CHECK(nist_legacy.summary.find("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA not") == std::string::npos);
}

TEST_CASE("tls.kex.weak and tls.cert.quality: sizes and lifetime by policy") {
  // DHE 1024: Mozilla old allows it, intermediate and NIST do not.
  CHECK(one("tls.kex.weak", legacy_server(policy({"mozilla-old"}))).status == CheckStatus::pass);
  const auto inter = one("tls.kex.weak", legacy_server(policy({"mozilla-intermediate"})));
  CHECK(inter.status == CheckStatus::fail);
  CHECK(inter.summary.find("DH group of 1024 bits below the 2048 bits of Mozilla Server Side TLS 5.7 (intermediate), "
                           "5.7.json configurations.intermediate.dh_param_size (policy mozilla-intermediate)") != std::string::npos);
  // RSA 2048: enough for NIST, below BSI's 3000.
  const auto bsi = one("tls.kex.weak", legacy_server(policy({"bsi-tr-02102-2"})));
  CHECK(bsi.status == CheckStatus::fail);
  CHECK(bsi.summary.find("RSA key of 2048 bits below the 3000 bits of BSI TR-02102-2 (2024-01) §3.6.1 (Table 13)") != std::string::npos);
  // X25519 (255 bits) under Mozilla (255) passes; NIST's P-256 minimum fails it, and so does BSI:
  // TR-02102-2 recommends only NIST and Brainpool curves of 256 bits and more (Tables 5 and 9).
  CHECK(one("tls.kex.weak", modern_openssl(policy({"mozilla-intermediate"}))).status == CheckStatus::pass);
  CHECK(one("tls.kex.weak", modern_openssl(policy({"nist-sp800-52r2"}))).status == CheckStatus::fail);
  const auto bsi_x25519 = one("tls.kex.weak", modern_openssl(policy({"bsi-tr-02102-2"})));
  CHECK(bsi_x25519.status == CheckStatus::fail);
  CHECK(bsi_x25519.summary.find("below the 256 bits of BSI TR-02102-2 (2024-01) §3.3.2 (Table 5), §3.4.2 (Table 9)") != std::string::npos);

  // An 825-day certificate: fine for the baseline and NIST (no lifetime rule), too long for Mozilla.
  CHECK(one("tls.cert.quality", modern_openssl(nullptr)).status == CheckStatus::pass);
  CHECK(one("tls.cert.quality", modern_openssl(policy({"nist-sp800-52r2"}))).status == CheckStatus::pass);
  const auto moz = one("tls.cert.quality", modern_openssl(policy({"mozilla-intermediate"})));
  CHECK(moz.status == CheckStatus::fail);
  CHECK(moz.summary.find("lifetime of 825 days above the 366 days of Mozilla Server Side TLS 5.7 (intermediate)") != std::string::npos);

  // Certificate signatures: BSI TR-02102-2 (2024-01) recommended RSA with PKCS#1 v1.5 padding
  // only until 2025 (Tables 6 and 11); ECDSA with SHA-256 passes, sha256WithRSAEncryption fails.
  // NIST's certificate profile takes SHA-256 or stronger with RSA, RSA-PSS, ECDSA or DSA.
  const auto signed_with = [](std::shared_ptr<const CryptoPolicy> p, const std::string& sig) {
    auto d = modern_openssl(std::move(p));
    for (auto& o : d.observations)
      if (o.key == "tls.cert.signature") o.value = sig;
    return d;
  };
  CHECK(one("tls.cert.quality", modern_openssl(policy({"bsi-tr-02102-2"}))).status == CheckStatus::pass);
  const auto bsi_sig = one("tls.cert.quality", signed_with(policy({"bsi-tr-02102-2"}), "sha256WithRSAEncryption"));
  CHECK(bsi_sig.status == CheckStatus::fail);
  CHECK(bsi_sig.summary.find("sha256WithRSAEncryption") != std::string::npos);
  CHECK(bsi_sig.summary.find("BSI TR-02102-2 (2024-01) §3.3.3 (Tables 6, 7), §3.4.3 (Table 11)") != std::string::npos);
  CHECK(one("tls.cert.quality", signed_with(policy({"bsi-tr-02102-2"}), "rsassaPss")).status == CheckStatus::pass);
  CHECK(one("tls.cert.quality", signed_with(policy({"nist-sp800-52r2"}), "sha256WithRSAEncryption")).status == CheckStatus::pass);
  CHECK(one("tls.cert.quality", signed_with(policy({"nist-sp800-52r2"}), "dsa_with_SHA256")).status == CheckStatus::pass);
}

TEST_CASE("a policy without TLS rules leaves the tls.* checks not_tested, naming the policy") {
  const auto f = one("tls.protocol.legacy", legacy_server(policy({"ssh-baseline"})));
  CHECK(f.status == CheckStatus::not_tested);
  CHECK(f.reason == "not_in_policy");
  CHECK(f.summary.find("ssh-baseline") != std::string::npos);
}

TEST_CASE("ssh.config: Debian 12's default sshd against the SSH policies") {
  // ssh-baseline (ssh-audit's fail class): hmac-sha1 and hmac-sha1-etm fail; the markers ext-info-s
  // and kex-strict-s-v00@openssh.com are never judged.
  const auto base = one("ssh.config", debian_sshd(nullptr));
  CHECK(base.status == CheckStatus::fail);
  CHECK(base.severity == Severity::medium);
  CHECK(base.summary.find("hmac-sha1-etm@openssh.com forbidden by SSH current guidance, ssh-audit ssh2_kexdb (fail: SHA-1) "
                          "(policy ssh-baseline): SHA-1 MAC") != std::string::npos);
  CHECK(base.summary.find("hmac-sha1 forbidden") != std::string::npos);
  CHECK(base.summary.find("ext-info") == std::string::npos);
  CHECK(base.summary.find("kex-strict") == std::string::npos);
  CHECK(base.summary.find("umac") == std::string::npos);
  // BSI TR-02102-4 allows far less: curve25519, ed25519, chacha20 and umac are not on its lists.
  const auto bsi = one("ssh.config", debian_sshd(policy({"bsi-tr-02102-4"})));
  CHECK(bsi.status == CheckStatus::fail);
  CHECK(bsi.summary.find("curve25519-sha256 not on the allowed list of BSI TR-02102-4 (2024-01) §3.3 (Table 1)") != std::string::npos);
  CHECK(bsi.summary.find("chacha20-poly1305@openssh.com not on the allowed list") != std::string::npos);
  CHECK(bsi.summary.find("aes128-ctr") == std::string::npos);

  // The same server with SHA-2 MACs only passes the baseline.
  auto sha2 = ssh_device(nullptr, {"curve25519-sha256", "kex-strict-s-v00@openssh.com"}, {"ssh-ed25519", "rsa-sha2-512"},
                         {"aes256-gcm@openssh.com", "aes128-ctr"}, {"hmac-sha2-256-etm@openssh.com"});
  const auto pass = one("ssh.config", sha2);
  CHECK(pass.status == CheckStatus::pass);
  CHECK(pass.summary.find("(policy ssh-baseline)") != std::string::npos);

  // SHA-1 host keys and key exchange, CBC: each named with its source.
  auto old = ssh_device(nullptr, {"diffie-hellman-group14-sha1", "diffie-hellman-group1-sha1"}, {"ssh-rsa"},
                        {"aes128-cbc", "3des-cbc"}, {"hmac-sha1"});
  const auto f = one("ssh.config", old);
  CHECK(f.status == CheckStatus::fail);
  CHECK(f.summary.find("ssh-rsa forbidden by SSH current guidance, OpenSSH 8.8 release notes (policy ssh-baseline)") != std::string::npos);
  CHECK(f.summary.find("diffie-hellman-group1-sha1 forbidden by SSH current guidance, RFC 9142 §4") != std::string::npos);
  CHECK(f.summary.find("aes128-cbc forbidden by SSH current guidance, OpenSSH 6.7 release notes") != std::string::npos);
  CHECK(f.summary.find("3des-cbc forbidden by SSH current guidance, ssh-audit ssh2_kexdb (fail)") != std::string::npos);
}

TEST_CASE("ssh.config: host key sizes by key type") {
  auto d = debian_sshd(policy({"bsi-tr-02102-4"}));
  observe(d, tcp(22), "ssh.host_key_bits.rsa-sha2-512", std::int64_t{2048});
  observe(d, tcp(22), "ssh.host_key_bits.ecdsa-sha2-nistp256", std::int64_t{256});
  const auto bsi = one("ssh.config", d);
  CHECK(bsi.summary.find("rsa-sha2-512 host key of 2048 bits below the 3000 bits of BSI TR-02102-4 (2024-01) §3.6") != std::string::npos);
  CHECK(bsi.summary.find("nistp256 host key") == std::string::npos);
  auto small = ssh_device(nullptr, {"curve25519-sha256"}, {"rsa-sha2-256"}, {"aes128-ctr"}, {"hmac-sha2-256"});
  observe(small, tcp(22), "ssh.host_key_bits.rsa-sha2-256", std::int64_t{1024});
  const auto base = one("ssh.config", small);
  CHECK(base.status == CheckStatus::fail);
  CHECK(base.summary.find("rsa-sha2-256 host key of 1024 bits below the 2048 bits of SSH current guidance, NIST SP 800-57 Part 1 "
                          "Rev. 5 §5.6.1.1 Table 2 (policy ssh-baseline)") != std::string::npos);
}

TEST_CASE("ssh.terrapin: ChaCha20 or CBC with EtM, without strict kex, is CVE-2023-48795") {
  const auto t = [](VS kex, VS ciphers, VS macs) {
    return one("ssh.terrapin", ssh_device(nullptr, std::move(kex), {"ssh-ed25519"}, std::move(ciphers), std::move(macs)));
  };
  const auto chacha = t({"curve25519-sha256", "ext-info-s"}, {"chacha20-poly1305@openssh.com", "aes128-ctr"}, {"hmac-sha2-256"});
  CHECK(chacha.status == CheckStatus::fail);
  CHECK(chacha.summary.find("Terrapin (CVE-2023-48795)") != std::string::npos);
  CHECK(chacha.summary.find("chacha20-poly1305@openssh.com offered and no strict key exchange") != std::string::npos);
  const auto cbc_etm = t({"curve25519-sha256"}, {"aes128-cbc"}, {"hmac-sha2-256-etm@openssh.com"});
  CHECK(cbc_etm.status == CheckStatus::fail);
  CHECK(cbc_etm.summary.find("CBC (aes128-cbc) with encrypt-then-MAC (hmac-sha2-256-etm@openssh.com)") != std::string::npos);
  // CBC with encrypt-and-MAC only, or CTR with EtM: not the vulnerable modes.
  CHECK(t({"curve25519-sha256"}, {"aes128-cbc"}, {"hmac-sha2-256"}).status == CheckStatus::pass);
  CHECK(t({"curve25519-sha256"}, {"aes128-ctr"}, {"hmac-sha2-256-etm@openssh.com"}).status == CheckStatus::pass);
  // Strict kex offered: the server side is patched.
  const auto strict = t({"curve25519-sha256", "kex-strict-s-v00@openssh.com"}, {"chacha20-poly1305@openssh.com"}, {"hmac-sha2-256"});
  CHECK(strict.status == CheckStatus::pass);
  CHECK(strict.summary.find("strict key exchange (kex-strict-s-v00@openssh.com) offered") != std::string::npos);
  // Same verdict whatever the policy: a vulnerability, not a policy rule.
  CHECK(one("ssh.terrapin", ssh_device(policy({"bsi-tr-02102-4"}), {"curve25519-sha256"}, {"ssh-ed25519"},
                                       {"chacha20-poly1305@openssh.com"}, {"hmac-sha2-256"}))
            .status == CheckStatus::fail);
}

TEST_CASE("ssh.gex.prime: the smallest group-exchange prime against the policy, opt-in") {
  const VS gex{"curve25519-sha256", "diffie-hellman-group-exchange-sha256"};
  const auto dev = [&](std::shared_ptr<const CryptoPolicy> p) {
    return ssh_device(std::move(p), gex, {"ssh-ed25519"}, {"aes128-ctr"}, {"hmac-sha2-256"});
  };
  // Not allowed to run: not tested, and the reason names the opt-in.
  auto skipped = dev(nullptr);
  observe(skipped, tcp(22), "ssh.intrusive_skipped", VS{"ssh.gex"});
  const auto s = one("ssh.gex.prime", skipped);
  CHECK(s.status == CheckStatus::not_tested);
  CHECK(s.reason == "opt_in:--safety intrusive");
  CHECK(s.summary.find("--allow ssh.gex") != std::string::npos);
  // A 1024-bit prime fails the baseline with the rule's source; 2048 passes.
  auto small = dev(nullptr);
  observe(small, tcp(22), "ssh.gex.prime_bits", std::int64_t{1024});
  observe(small, tcp(22), "ssh.gex.groups", VS{"diffie-hellman-group-exchange-sha256 512/1024/1536: 1024-bit prime (RFC 2409 Oakley group 2)"});
  const auto f = one("ssh.gex.prime", small);
  CHECK(f.status == CheckStatus::fail);
  CHECK(f.summary.find("1024-bit group-exchange prime, below the 2048 bits of SSH current guidance, RFC 8270 §4") != std::string::npos);
  auto ok = dev(nullptr);
  observe(ok, tcp(22), "ssh.gex.prime_bits", std::int64_t{2048});
  CHECK(one("ssh.gex.prime", ok).status == CheckStatus::pass);
  // No group exchange offered: no prime to judge.
  const auto none = one("ssh.gex.prime", ssh_device(nullptr, {"curve25519-sha256"}, {"ssh-ed25519"}, {"aes128-ctr"}, {"hmac-sha2-256"}));
  CHECK(none.status == CheckStatus::pass);
  // A policy without a group-exchange rule does not judge it.
  auto bsi = dev(policy({"bsi-tr-02102-4"}));
  observe(bsi, tcp(22), "ssh.gex.prime_bits", std::int64_t{1024});
  CHECK(one("ssh.gex.prime", bsi).reason == "not_in_policy");
  // Allowed but no group came back: inconclusive, not a pass.
  auto silent = dev(nullptr);
  observe(silent, tcp(22), "ssh.gex.groups", VS{"diffie-hellman-group-exchange-sha256 1024/2048/8192: no group (no KEXINIT)"});
  CHECK(one("ssh.gex.prime", silent).status == CheckStatus::not_tested);
}

TEST_CASE("golden-unit pinning: the observed configuration as a policy passes itself and fails on drift") {
  const auto golden = modern_openssl(nullptr);
  auto with_ssh = golden;
  port(with_ssh, tcp(22), PortState::open, "ssh");
  for (const auto& o : debian_sshd(nullptr).observations)
    if (o.key.starts_with("ssh.")) with_ssh.observations.push_back(o);
  const auto yaml = pinned_policy_yaml("golden-cam", "198.18.0.10 in golden.json", observed_crypto(with_ssh));
  const auto pinned = std::make_shared<const CryptoPolicy>([&] {
    CryptoPolicy p;
    auto f = std::make_shared<const CryptoPolicyFile>(parse_crypto_policy(yaml, "golden.yaml"));
    p.tls = f;
    p.ssh = f;
    p.files = {f};
    return p;
  }());
  auto same = with_ssh;
  same.crypto_policy = pinned;
  for (const char* id : {"tls.protocol.legacy", "tls.protocol.modern", "tls.cipher.weak", "tls.kex.weak", "tls.cert.quality"}) {
    CAPTURE(id);
    CHECK(one(id, same).status == CheckStatus::pass);
  }
  const auto ssh = judge("ssh.config", same);
  REQUIRE(ssh.size() == 1);
  CHECK(ssh[0].status == CheckStatus::pass);

  // Drift: a new suite, TLS 1.3 gone, a new SSH MAC.
  auto drift = modern_openssl(pinned);
  drift.observations.erase(std::remove_if(drift.observations.begin(), drift.observations.end(),
                                          [](const Observation& o) { return o.key == "tls.versions" || o.key == "tls.ciphers.TLSv1.2"; }),
                           drift.observations.end());
  observe(drift, tcp(443), "tls.versions", VS{"TLSv1.2"});
  observe(drift, tcp(443), "tls.ciphers.TLSv1.2", VS{"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA"});
  const auto suites = one("tls.cipher.weak", drift);
  CHECK(suites.status == CheckStatus::fail);
  CHECK(suites.summary.find("TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA not on the allowed list of golden unit 198.18.0.10 in golden.json, "
                            "tls.ciphers (policy golden-cam)") != std::string::npos);
  const auto versions = one("tls.protocol.modern", drift);
  CHECK(versions.status == CheckStatus::fail);
  CHECK(versions.summary.find("TLSv1.3 not accepted") != std::string::npos);
  auto ssh_drift = ssh_device(pinned, {"curve25519-sha256"}, {"ssh-ed25519"}, {"aes128-ctr"}, {"hmac-md5"});
  const auto mac = one("ssh.config", ssh_drift);
  CHECK(mac.status == CheckStatus::fail);
  CHECK(mac.summary.find("hmac-md5 not on the allowed list") != std::string::npos);
}
