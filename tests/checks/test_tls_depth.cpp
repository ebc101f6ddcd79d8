// The TLS depth checks (scanner/checks/checks_tls_depth.cpp) on hand-built facts: each passes on
// evidence, fails on the flaw with the attack and its ids named, and is not_tested (with a
// reason) when the analyzer did not get the fact. Real servers: tests/unit/test_tls_depth_servers.cpp.
#include "facts.hpp"

#include <doctest/doctest.h>

using namespace checktest;

namespace {

using VS = std::vector<std::string>;

// One open endpoint with `service` and the facts `obs`, and a closed port of the other transport
// (both transports scanned).
DeviceFacts tdd_device(const Endpoint& open, const char* service, const Endpoint& closed,
                       std::initializer_list<std::pair<const char*, Value>> obs) {
  auto d = device();
  port(d, open, PortState::open, service);
  port(d, closed, PortState::closed);
  for (const auto& [k, v] : obs) observe(d, open, k, v);
  return d;
}

DeviceFacts tls_device(std::initializer_list<std::pair<const char*, Value>> obs) { return tdd_device(tcp(443), "https", udp(161), obs); }

}  // namespace

TEST_CASE("tls.renegotiation.secure: pass, fail with CVE-2009-3555, TLS 1.3 only, not_tested") {
  CHECK(one("tls.renegotiation.secure", tls_device({{"tls.versions", VS{"TLSv1.2"}}, {"tls.secure_renegotiation", true}})).status ==
        CheckStatus::pass);
  const auto f = one("tls.renegotiation.secure", tls_device({{"tls.versions", VS{"TLSv1.2", "TLSv1.3"}}, {"tls.secure_renegotiation", false}}));
  CHECK(f.status == CheckStatus::fail);
  CHECK(f.summary.find("CVE-2009-3555") != std::string::npos);
  CHECK(f.summary.find("at TLSv1.2:") != std::string::npos);  // TLS 1.3 has no renegotiation: not named
  CHECK(f.evidence.size() == 2);
  CHECK(one("tls.renegotiation.secure", tls_device({{"tls.versions", VS{"TLSv1.3"}}})).status == CheckStatus::pass);
  const auto u = one("tls.renegotiation.secure", tls_device({{"tls.versions", VS{"TLSv1.2"}}}));
  CHECK(u.status == CheckStatus::not_tested);
  CHECK(u.reason == "inconclusive:probe_incomplete");
  CHECK(one("tls.renegotiation.secure", tls_device({})).status == CheckStatus::not_tested);
}

TEST_CASE("tls.fallback_scsv: honoured, ignored, one version only, no answer") {
  CHECK(one("tls.fallback_scsv", tls_device({{"tls.versions", VS{"TLSv1.2", "TLSv1.3"}}, {"tls.fallback_scsv", true}})).status ==
        CheckStatus::pass);
  const auto f = one("tls.fallback_scsv", tls_device({{"tls.versions", VS{"TLSv1.1", "TLSv1.2"}}, {"tls.fallback_scsv", false}}));
  CHECK(f.status == CheckStatus::fail);
  CHECK(f.summary.find("CWE-757") != std::string::npos);
  // One version of the SSLv3/TLS family (SSLv2 is another protocol): nothing to fall back to.
  const auto one_version = one("tls.fallback_scsv", tls_device({{"tls.versions", VS{"SSLv2", "TLSv1.2"}}}));
  CHECK(one_version.status == CheckStatus::pass);
  CHECK(one_version.summary.find("one protocol version only (TLSv1.2)") != std::string::npos);
  CHECK(one("tls.fallback_scsv", tls_device({{"tls.versions", VS{"TLSv1.2", "TLSv1.3"}}})).status == CheckStatus::not_tested);
}

TEST_CASE("tls.ems: on, off with the triple handshake named, TLS 1.3 only, not read") {
  CHECK(one("tls.ems", tls_device({{"tls.versions", VS{"TLSv1.2"}}, {"tls.extended_master_secret", true}})).status == CheckStatus::pass);
  const auto f = one("tls.ems", tls_device({{"tls.versions", VS{"SSLv3", "TLSv1.2"}}, {"tls.extended_master_secret", false}}));
  CHECK(f.status == CheckStatus::fail);
  CHECK(f.summary.find("CVE-2014-1295") != std::string::npos);
  CHECK(f.summary.find("at TLSv1.2:") != std::string::npos);  // EMS does not exist for SSLv3
  CHECK(one("tls.ems", tls_device({{"tls.versions", VS{"TLSv1.3"}}})).status == CheckStatus::pass);
  CHECK(one("tls.ems", tls_device({{"tls.versions", VS{"SSLv3"}}})).status == CheckStatus::not_tested);
}

TEST_CASE("tls.cert.compromised_key: listed, not listed, no list, no certificate") {
  const std::string fp(64, 'c');
  const auto f = one("tls.cert.compromised_key",
                     tls_device({{"tls.cert.sha256", fp}, {"tls.cert.compromised_key", VS{"Vendor X firmware 1.0 key"}}}));
  CHECK(f.status == CheckStatus::fail);
  CHECK(f.summary.find("Vendor X firmware 1.0 key") != std::string::npos);
  CHECK(f.summary.find("CWE-321") != std::string::npos);
  CHECK(one("tls.cert.compromised_key", tls_device({{"tls.cert.sha256", fp}, {"tls.cert.compromised_key", VS{}}})).status ==
        CheckStatus::pass);
  const auto no_list = one("tls.cert.compromised_key", tls_device({{"tls.cert.sha256", fp}}));
  CHECK(no_list.status == CheckStatus::not_tested);
  CHECK(no_list.reason == "inconclusive:no_key_list");
  CHECK(one("tls.cert.compromised_key", tls_device({{"tls.versions", VS{"TLSv1.2"}}})).status == CheckStatus::not_tested);
}

TEST_CASE("tls.attacks.known: each attack from the facts, with its CVE") {
  auto attacks = [](std::initializer_list<std::pair<const char*, Value>> obs) { return one("tls.attacks.known", tls_device(obs)); };
  const auto clean = attacks({{"tls.versions", VS{"TLSv1.2", "TLSv1.3"}},
                              {"tls.ciphers.TLSv1.2", VS{"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_RSA_WITH_AES_128_CBC_SHA"}},
                              {"tls.ciphers.TLSv1.3", VS{"TLS_AES_128_GCM_SHA256"}},
                              {"tls.dh_bits", std::int64_t{2048}}});
  CHECK(clean.status == CheckStatus::pass);
  CHECK(clean.evidence.size() == 4);
  struct Case {
    const char* name;
    std::vector<std::pair<const char*, Value>> obs;
    const char* expect;
  };
  const std::vector<Case> cases = {
      {"DROWN", {{"tls.versions", VS{"SSLv2"}}}, "DROWN precondition (CVE-2016-0800"},
      {"POODLE", {{"tls.versions", VS{"SSLv3"}}, {"tls.ciphers.SSLv3", VS{"TLS_RSA_WITH_AES_128_CBC_SHA"}}}, "POODLE (CVE-2014-3566"},
      {"BEAST", {{"tls.versions", VS{"TLSv1.0"}}, {"tls.ciphers.TLSv1.0", VS{"TLS_RSA_WITH_AES_128_CBC_SHA"}}}, "BEAST (CVE-2011-3389"},
      {"SWEET32", {{"tls.versions", VS{"TLSv1.2"}}, {"tls.ciphers.TLSv1.2", VS{"TLS_RSA_WITH_3DES_EDE_CBC_SHA"}}}, "SWEET32 (CVE-2016-2183"},
      {"FREAK", {{"tls.versions", VS{"TLSv1.2"}}, {"tls.ciphers.TLSv1.2", VS{"TLS_RSA_EXPORT_WITH_RC4_40_MD5"}}}, "FREAK (CVE-2015-0204"},
      {"LOGJAM export",
       {{"tls.versions", VS{"TLSv1.2"}}, {"tls.ciphers.TLSv1.2", VS{"TLS_DHE_RSA_EXPORT_WITH_DES40_CBC_SHA"}}},
       "LOGJAM (CVE-2015-4000, CWE-327): export DHE"},
      {"LOGJAM 768",
       {{"tls.versions", VS{"TLSv1.2"}}, {"tls.ciphers.TLSv1.2", VS{"TLS_DHE_RSA_WITH_AES_128_GCM_SHA256"}}, {"tls.dh_bits", std::int64_t{768}}},
       "a 768-bit DH group"},
      {"RC4", {{"tls.versions", VS{"TLSv1.2"}}, {"tls.ciphers.TLSv1.2", VS{"TLS_RSA_WITH_RC4_128_SHA"}}}, "CVE-2015-2808"},
      {"CRIME",
       {{"tls.versions", VS{"TLSv1.2"}}, {"tls.ciphers.TLSv1.2", VS{"TLS_RSA_WITH_AES_128_GCM_SHA256"}}, {"tls.compression", true}},
       "CRIME (CVE-2012-4929"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.name);
    auto d = tls_device({});
    for (const auto& [k, v] : c.obs) observe(d, tcp(443), k, v);
    const auto f = one("tls.attacks.known", d);
    CHECK(f.status == CheckStatus::fail);
    CHECK(f.summary.find(c.expect) != std::string::npos);
    CHECK(!f.evidence.empty());
  }
  // 1024-bit DH is tls.kex.weak's, not LOGJAM's threshold; CBC at TLS 1.2 is no BEAST.
  CHECK(attacks({{"tls.versions", VS{"TLSv1.2"}},
                 {"tls.ciphers.TLSv1.2", VS{"TLS_DHE_RSA_WITH_AES_128_CBC_SHA"}},
                 {"tls.dh_bits", std::int64_t{1024}}})
            .status == CheckStatus::pass);
  // A version whose suites were not enumerated: no judgement.
  const auto partial = attacks({{"tls.versions", VS{"TLSv1.0", "TLSv1.2"}}, {"tls.ciphers.TLSv1.2", VS{"TLS_AES_128_GCM_SHA256"}}});
  CHECK(partial.status == CheckStatus::not_tested);
}

TEST_CASE("tls.attacks.known: LOGJAM names a 1024-bit common prime, not a private one") {
  auto attacks = [](std::initializer_list<std::pair<const char*, Value>> obs) { return one("tls.attacks.known", tls_device(obs)); };
  const auto oakley = attacks({{"tls.versions", VS{"TLSv1.2"}},
                               {"tls.ciphers.TLSv1.2", VS{"TLS_DHE_RSA_WITH_AES_128_GCM_SHA256"}},
                               {"tls.dh_bits", std::int64_t{1024}},
                               {"tls.dh_prime", std::string("RFC 2409 Oakley group 2")}});
  CHECK(oakley.status == CheckStatus::fail);
  CHECK(oakley.summary.find("LOGJAM (CVE-2015-4000, CWE-327): a 1024-bit common DH prime (RFC 2409 Oakley group 2)") != std::string::npos);
  CHECK(oakley.evidence.size() == 3);  // versions, dh_bits, dh_prime
  // The same size with a prime of its own (only its hash known): no common prime, no LOGJAM.
  CHECK(attacks({{"tls.versions", VS{"TLSv1.2"}},
                 {"tls.ciphers.TLSv1.2", VS{"TLS_DHE_RSA_WITH_AES_128_GCM_SHA256"}},
                 {"tls.dh_bits", std::int64_t{1024}},
                 {"tls.dh_prime", std::string("sha256:" + std::string(64, 'a'))}})
            .status == CheckStatus::pass);
  // A well-known prime above 1024 bits (RFC 7919 ffdhe2048): not LOGJAM's.
  CHECK(attacks({{"tls.versions", VS{"TLSv1.2"}},
                 {"tls.ciphers.TLSv1.2", VS{"TLS_DHE_RSA_WITH_AES_128_GCM_SHA256"}},
                 {"tls.dh_bits", std::int64_t{2048}},
                 {"tls.dh_prime", std::string("RFC 7919 ffdhe2048")}})
            .status == CheckStatus::pass);
  // Below 1024 bits the common prime is named too.
  const auto group1 = attacks({{"tls.versions", VS{"TLSv1.2"}},
                               {"tls.ciphers.TLSv1.2", VS{"TLS_DHE_RSA_WITH_AES_128_GCM_SHA256"}},
                               {"tls.dh_bits", std::int64_t{768}},
                               {"tls.dh_prime", std::string("RFC 2409 Oakley group 1")}});
  CHECK(group1.summary.find("a 768-bit DH group (common prime: RFC 2409 Oakley group 1)") != std::string::npos);
}

TEST_CASE("tls.attacks.known: LUCKY13 is named as a precondition, never a failure") {
  auto attacks = [](std::initializer_list<std::pair<const char*, Value>> obs) { return one("tls.attacks.known", tls_device(obs)); };
  // CBC at TLS 1.2 only: still a pass, with LUCKY13 named and not judged.
  const auto cbc = attacks({{"tls.versions", VS{"TLSv1.2", "TLSv1.3"}},
                            {"tls.ciphers.TLSv1.2", VS{"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"}},
                            {"tls.ciphers.TLSv1.3", VS{"TLS_AES_128_GCM_SHA256"}}});
  CHECK(cbc.status == CheckStatus::pass);
  CHECK(cbc.summary.find("LUCKY13 precondition only (CVE-2013-0169, CWE-203: CBC suites at TLS 1.2 or lower: TLSv1.2 "
                         "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA)") != std::string::npos);
  CHECK(cbc.summary.find("not judged") != std::string::npos);
  // AEAD only: no LUCKY13 note.
  const auto gcm = attacks({{"tls.versions", VS{"TLSv1.2"}}, {"tls.ciphers.TLSv1.2", VS{"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"}}});
  CHECK(gcm.status == CheckStatus::pass);
  CHECK(gcm.summary.find("LUCKY13") == std::string::npos);
  // With a real failure (BEAST at TLS 1.0) the note follows the attacks.
  const auto beast = attacks({{"tls.versions", VS{"TLSv1.0"}}, {"tls.ciphers.TLSv1.0", VS{"TLS_RSA_WITH_AES_128_CBC_SHA"}}});
  CHECK(beast.status == CheckStatus::fail);
  CHECK(beast.summary.find("BEAST (CVE-2011-3389") < beast.summary.find("LUCKY13 precondition only"));
}

#include "scanner/config/compromised_keys.hpp"
#include "trustscan/profile.hpp"

TEST_CASE("compromised-key list: the shipped entries, the format's errors, lookups") {
  const auto& builtin = builtin_compromised_keys();
  REQUIRE(!builtin.keys.empty());
  for (const auto& k : builtin.keys) {
    CHECK(!k.source.empty());
    CHECK((k.spki_sha256.size() == 64 || k.cert_sha256.size() == 64));
  }
  const std::string fp = "AB:" + std::string(62, 'c');  // colons and upper case are accepted
  const auto list = parse_compromised_keys("keys:\n  - name: k1\n    source: s\n    spki_sha256: " + fp + "\n", "t.yaml");
  REQUIRE(list.keys.size() == 1);
  CHECK(list.keys[0].spki_sha256 == "ab" + std::string(62, 'c'));
  CHECK(find_compromised(list, {"ab" + std::string(62, 'c')}, {}).size() == 1);
  CHECK(find_compromised(list, {}, {"ab" + std::string(62, 'c')}).empty());  // a key fingerprint is not a certificate's
  const auto merged = merged_compromised_keys(list);
  CHECK(merged.keys.size() == builtin.keys.size() + 1);
  CHECK(merged.origins.back() == "t.yaml");
  struct Bad {
    std::string yaml;
    const char* error;
  };
  const std::string ok(64, 'd');
  for (const auto& b : std::vector<Bad>{
           {"keys:\n  - name: k\n    spki_sha256: " + ok + "\n", "t.yaml:2: missing required key 'source'"},
           {"keys:\n  - name: k\n    source: s\n", "t.yaml:2: entry 'k' has no fingerprint (spki_sha256 or cert_sha256)"},
           {"keys:\n  - name: k\n    source: s\n    cert_sha256: 12\n", "t.yaml:4: 'cert_sha256' must be a SHA-256: 64 hex digits, colons allowed"},
           {"keys:\n  - {name: a, source: s, spki_sha256: " + ok + "}\n  - {name: b, source: s, cert_sha256: " + ok + "}\n",
            "is listed twice"},
           {"keys:\n  - {name: a, source: s, sha1: x}\n", "unknown entry key 'sha1'"},
           {"other: 1\n", "a compromised-key list is a mapping with the key 'keys'"},
       }) {
    CAPTURE(b.yaml);
    try {
      (void)parse_compromised_keys(b.yaml, "t.yaml");
      FAIL("accepted");
    } catch (const ProfileError& e) {
      CHECK(std::string(e.what()).find(b.error) != std::string::npos);
    }
  }
}

TEST_CASE("intrusive TLS checks: fail with the CVE, pass on evidence, TLS 1.3 only, not selected, no conclusion") {
  const std::pair<const char*, const char*> cases[] = {{"tls.heartbleed", "tls.heartbleed"},
                                                       {"tls.ccs_injection", "tls.ccs_injection"},
                                                       {"tls.robot", "tls.robot"},
                                                       {"tls.renegotiation.client", "tls.client_renegotiation"}};
  const char* ids[] = {"CVE-2014-0160", "CVE-2014-0224", "CVE-2017-13099", "CVE-2011-1473"};
  const char* actions[] = {"tls.heartbleed", "tls.ccs_injection", "tls.robot", "tls.renegotiation"};
  for (std::size_t i = 0; i < std::size(cases); ++i) {
    const auto [check, key] = cases[i];
    CAPTURE(check);
    const auto f = one(check, tls_device({{"tls.versions", VS{"TLSv1.2"}}, {key, true}}));
    CHECK(f.status == CheckStatus::fail);
    CHECK(f.summary.find(ids[i]) != std::string::npos);
    CHECK(f.evidence.size() == 2);
    CHECK(one(check, tls_device({{"tls.versions", VS{"TLSv1.2"}}, {key, false}})).status == CheckStatus::pass);
    const auto tls13 = one(check, tls_device({{"tls.versions", VS{"TLSv1.3"}}}));
    CHECK(tls13.status == CheckStatus::pass);
    CHECK(tls13.summary.starts_with("TLS 1.3 only"));
    // Not selected: the reason names the class and the flags; never a pass.
    const auto skipped = one(check, tls_device({{"tls.versions", VS{"TLSv1.2"}},
                                                {"tls.ciphers.TLSv1.2", VS{"TLS_RSA_WITH_AES_128_GCM_SHA256"}},
                                                {"tls.intrusive_skipped", VS{actions[i]}}}));
    CHECK(skipped.status == CheckStatus::not_tested);
    CHECK(skipped.reason == "opt_in:--safety intrusive");
    CHECK(skipped.summary.find(std::string("--allow ") + actions[i]) != std::string::npos);
    // Selected, but the probe got no answer to judge.
    const auto none = one(check, tls_device({{"tls.versions", VS{"TLSv1.2"}},
                                             {"tls.ciphers.TLSv1.2", VS{"TLS_RSA_WITH_AES_128_GCM_SHA256"}}}));
    CHECK(none.status == CheckStatus::not_tested);
    CHECK(none.reason == "inconclusive:probe_incomplete");
  }
  // ROBOT needs an RSA key exchange suite: without one it passes on the suites, probe or not.
  const auto no_rsa = one("tls.robot", tls_device({{"tls.versions", VS{"TLSv1.2"}},
                                                   {"tls.ciphers.TLSv1.2", VS{"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"}},
                                                   {"tls.intrusive_skipped", VS{"tls.robot"}}}));
  CHECK(no_rsa.status == CheckStatus::pass);
  CHECK(no_rsa.summary.find("no RSA key exchange suite") != std::string::npos);
}

namespace {

DeviceFacts dtls_device(std::initializer_list<std::pair<const char*, Value>> obs) { return tdd_device(udp(5684), "dtls", tcp(443), obs); }

bool tdd_over_dtls(const Finding& f) { return f.summary.find("judged over DTLS (") != std::string::npos; }

}  // namespace

// The DTLS probe records the same tls.* facts with DTLS version names; the checks judge them and
// say so. Real servers: tests/unit/test_dtls_servers.cpp. The fail side of tls.fallback_scsv is
// shown here only: OpenSSL and GnuTLS honour the SCSV over DTLS too.
TEST_CASE("TLS depth over DTLS: each check judges a dtls endpoint and says DTLS, or is not_tested") {
  const auto reneg = one("tls.renegotiation.secure", dtls_device({{"tls.versions", VS{"DTLSv1.0", "DTLSv1.2"}},
                                                                  {"tls.secure_renegotiation", false}}));
  CHECK(reneg.status == CheckStatus::fail);
  CHECK(reneg.summary.find("at DTLSv1.0, DTLSv1.2:") != std::string::npos);
  CHECK(tdd_over_dtls(reneg));
  CHECK(reneg.endpoint == udp(5684));
  const auto ems = one("tls.ems", dtls_device({{"tls.versions", VS{"DTLSv1.2"}}, {"tls.extended_master_secret", true}}));
  CHECK(ems.status == CheckStatus::pass);
  CHECK(tdd_over_dtls(ems));
  CHECK(one("tls.ems", dtls_device({{"tls.versions", VS{"DTLSv1.2"}}, {"tls.extended_master_secret", false}})).status ==
        CheckStatus::fail);
  // DTLS 1.3 only: the key schedule binds the transcript, no renegotiation.
  const auto d13 = one("tls.ems", dtls_device({{"tls.versions", VS{"DTLSv1.3"}}}));
  CHECK(d13.status == CheckStatus::pass);
  CHECK(d13.summary.find("DTLS 1.3 only") != std::string::npos);
  // DTLS 1.2 without the fact: not a pass.
  CHECK(one("tls.ems", dtls_device({{"tls.versions", VS{"DTLSv1.2"}}})).status == CheckStatus::not_tested);

  const auto scsv = one("tls.fallback_scsv", dtls_device({{"tls.versions", VS{"DTLSv1.0", "DTLSv1.2"}}, {"tls.fallback_scsv", false}}));
  CHECK(scsv.status == CheckStatus::fail);
  CHECK(tdd_over_dtls(scsv));
  const auto single = one("tls.fallback_scsv", dtls_device({{"tls.versions", VS{"DTLSv1.2"}}}));
  CHECK(single.status == CheckStatus::pass);
  CHECK(single.summary.find("one protocol version only (DTLSv1.2)") != std::string::npos);

  // SWEET32 applies to DTLS; BEAST needs TLS 1.0, which DTLS 1.0 (TLS 1.1) is not.
  const auto sweet = one("tls.attacks.known", dtls_device({{"tls.versions", VS{"DTLSv1.0"}},
                                                           {"tls.ciphers.DTLSv1.0", VS{"TLS_RSA_WITH_3DES_EDE_CBC_SHA"}}}));
  CHECK(sweet.status == CheckStatus::fail);
  CHECK(sweet.summary.find("SWEET32") != std::string::npos);
  CHECK(sweet.summary.find("BEAST") == std::string::npos);
  CHECK(tdd_over_dtls(sweet));
  const auto clean = one("tls.attacks.known", dtls_device({{"tls.versions", VS{"DTLSv1.0"}},
                                                           {"tls.ciphers.DTLSv1.0", VS{"TLS_RSA_WITH_AES_128_CBC_SHA"}},
                                                           {"tls.compression", false}}));
  CHECK(clean.status == CheckStatus::pass);
  CHECK(clean.summary.find("RC4 is forbidden in DTLS") != std::string::npos);
  CHECK(clean.summary.find("nor of CRIME") != std::string::npos);
  CHECK(clean.summary.find("no precondition of DROWN, POODLE, BEAST") == std::string::npos);  // not claimed as tested

  // A PSK server has no certificate to look up.
  const auto psk = one("tls.cert.compromised_key", dtls_device({{"tls.versions", VS{"DTLSv1.2"}}, {"dtls.mode", VS{"psk"}}}));
  CHECK(psk.status == CheckStatus::not_tested);
  CHECK(psk.reason == "inconclusive:no_certificate");
  CHECK(psk.summary.find("authenticates by psk") != std::string::npos);

  // The intrusive probes run over TCP only: never a pass on a DTLS endpoint, even a DTLS 1.3 one.
  for (const char* id : {"tls.heartbleed", "tls.ccs_injection", "tls.robot", "tls.renegotiation.client"}) {
    CAPTURE(id);
    for (const auto& versions : {VS{"DTLSv1.2"}, VS{"DTLSv1.3"}}) {
      const auto f = one(id, dtls_device({{"tls.versions", versions}}));
      CHECK(f.status == CheckStatus::not_tested);
      CHECK(f.reason == "not_probed:dtls");
      CHECK(f.summary.find("; on DTLS (") != std::string::npos);
    }
  }
}
