// trustscan — TLS depth: what the TLS analyzer's extra hellos and the certificate show, judged
// per TLS endpoint (the shape: endpoint_check.hpp). Each finding names the attack and its
// CVE/CWE ids where one applies:
//
//   tls.renegotiation.secure   RFC 5746 renegotiation_info (insecure renegotiation, CVE-2009-3555)
//   tls.fallback_scsv          RFC 7507 downgrade protection (CWE-757)
//   tls.ems                    RFC 7627 extended master secret (triple handshake, CVE-2014-1295)
//   tls.cert.compromised_key   the certificate's key is a published firmware key (CWE-321)
//   tls.attacks.known          the preconditions of named attacks on the versions and suites
//                              accepted: DROWN, POODLE, BEAST, SWEET32, FREAK, LOGJAM (export, < 1024
//                              bits, or a 1024-bit common prime), RC4, CRIME; LUCKY13 named, not judged
//
// and what the intrusive probes saw (run only when selected: --safety intrusive or --allow ID;
// not_tested "opt_in:--safety intrusive" otherwise):
//
//   tls.heartbleed             Heartbleed (CVE-2014-0160, CWE-126)
//   tls.ccs_injection          CCS injection (CVE-2014-0224, CWE-696)
//   tls.robot                  ROBOT, a Bleichenbacher padding oracle (CVE-2017-13099, CWE-203)
//   tls.renegotiation.client   client-initiated renegotiation (CVE-2011-1473, CWE-400)
//
// DTLS endpoints (probes/dtls/dtls_probe.cpp: the same tls.* keys, "DTLSv1.0"-style version
// names) are judged by the first five, their summaries saying DTLS: renegotiation_info, EMS and
// TLS_FALLBACK_SCSV exist in DTLS 1.0/1.2 as in TLS (RFC 6347 §4.1; RFC 7627 §1; RFC 7507 §1);
// of the attacks, SWEET32, FREAK, LOGJAM and CRIME apply, while DROWN, POODLE and BEAST need
// SSLv2, SSLv3 or TLS 1.0, which DTLS has no counterpart of (DTLS 1.0 is TLS 1.1), and RC4 is
// forbidden in DTLS (RFC 6347 §4.1.2.2) and never offered. The intrusive probes run over TCP
// only: on a DTLS endpoint they are not_tested ("not_probed:dtls"), never passed.
#include "scanner/checks/checks.hpp"
#include "scanner/checks/endpoint_check.hpp"
#include "probes/dtls/dtls_keys.hpp"
#include "probes/tls/tls_keys.hpp"
#include "probes/tls/tls_suites.hpp"
#include "trustscan/observation_key.hpp"
#include "trustscan/safety.hpp"

#include <algorithm>
#include <functional>
#include <map>

namespace trustscan {

namespace {

const std::vector<std::string>* list_of(const Observation* o) {
  return o ? std::get_if<std::vector<std::string>>(&o->value) : nullptr;
}

std::string comma(const std::vector<std::string>& v, std::size_t most = 8) {
  std::string out;
  for (std::size_t i = 0; i < v.size() && i < most; ++i) out += (i ? ", " : "") + v[i];
  if (v.size() > most) out += " (+" + std::to_string(v.size() - most) + " more)";
  return out;
}

// The protocol versions that completed a ServerHello, or why there are none to judge.
struct Versions {
  const Observation* obs = nullptr;
  std::vector<std::string> names;
  bool dtls = false;  // the versions are DTLS ones (the DTLS probe's endpoint)
  bool has(std::string_view v) const { return std::find(names.begin(), names.end(), v) != names.end(); }
  // Versions of the SSLv3/TLS family (SSLv2 is another protocol).
  std::vector<std::string> tls_family() const {
    std::vector<std::string> out;
    for (const auto& n : names)
      if (n != "SSLv2") out.push_back(n);
    return out;
  }
  // Of those, the ones before TLS 1.3 (and after SSLv3 when `sslv3` is false).
  std::vector<std::string> before_tls13(bool sslv3 = true) const {
    std::vector<std::string> out;
    for (const auto& n : tls_family())
      if (n != "TLSv1.3" && n != "DTLSv1.3" && (sslv3 || n != "SSLv3")) out.push_back(n);
    return out;
  }
  // "; judged over DTLS (DTLSv1.2)" for a DTLS endpoint ("; on DTLS (…)" when `judged` is
  // false: a not_tested verdict), "" otherwise.
  std::string over(bool judged = true) const {
    if (!dtls) return {};
    std::string out = judged ? "; judged over DTLS (" : "; on DTLS (";
    for (std::size_t i = 0; i < names.size(); ++i) out += (i ? ", " : "") + names[i];
    return out + ")";
  }
};

std::optional<Versions> versions_of(const DeviceFacts& d, const Endpoint& ep) {
  Versions v;
  v.obs = d.at(ep, keys::tls::versions);
  const auto* names = list_of(v.obs);
  if (!names || names->empty()) return std::nullopt;
  v.names = *names;
  v.dtls = std::any_of(v.names.begin(), v.names.end(), [](const std::string& n) { return n.starts_with("DTLS"); });
  return v;
}

// A yes/no fact of the TLS analysis (tls.secure_renegotiation, tls.fallback_scsv,
// tls.extended_master_secret): pass or fail on it, citing it and tls.versions; without it, the
// versions may settle it (`without`: a TLS 1.3-only or single-version server), else not_tested.
struct FlagRule {
  const ObservationKey& key;
  const char* pass;
  std::function<std::string(const Versions&)> fail;
  std::function<std::optional<std::string>(const Versions&)> without;  // a pass summary, or nullopt
  std::string untested;
};

Verdict judge_flag(const FlagRule& rule, const DeviceFacts& d, const Endpoint& ep) {
  const auto v = versions_of(d, ep);
  if (!v) return untested("the TLS analysis got no ServerHello");
  const auto* fact = d.at(ep, rule.key);
  if (const auto yes = flag(d, ep, rule.key))
    return verdict(*yes ? CheckStatus::pass : CheckStatus::fail, (*yes ? std::string(rule.pass) : rule.fail(*v)) + v->over(),
                   {fact, v->obs});
  if (const auto pass = rule.without(*v)) return verdict(CheckStatus::pass, *pass + v->over(), {v->obs});
  return untested(rule.untested + v->over(false));
}

std::function<std::optional<std::string>(const Versions&)> tls13_only(const char* why) {
  return [why](const Versions& v) -> std::optional<std::string> {
    if (v.names == std::vector<std::string>{"TLSv1.3"}) return std::string("TLS 1.3 only: ") + why;
    if (v.names == std::vector<std::string>{"DTLSv1.3"}) return std::string("DTLS 1.3 only: ") + why;
    return std::nullopt;
  };
}

const FlagRule kRenegotiation{
    keys::tls::secure_renegotiation, "RFC 5746 secure renegotiation: renegotiation_info in the ServerHello",
    [](const Versions& v) {
      return "no RFC 5746 renegotiation_info in the ServerHello at " + comma(v.before_tls13()) +
             ": insecure renegotiation lets a man in the middle prefix the client's traffic (CVE-2009-3555, CWE-310)";
    },
    tls13_only("the protocol has no renegotiation"), "no ServerHello at TLS 1.2 or earlier to read renegotiation_info from"};

const FlagRule kFallback{
    keys::tls::fallback_scsv, "TLS_FALLBACK_SCSV honoured: a hello below the highest version got inappropriate_fallback",
    [](const Versions&) {
      return std::string("TLS_FALLBACK_SCSV ignored: a hello below the highest version with the SCSV was accepted, so a "
                         "man in the middle can force a downgrade (RFC 7507; CWE-757)");
    },
    [](const Versions& v) -> std::optional<std::string> {
      if (const auto family = v.tls_family(); family.size() == 1)
        return "one protocol version only (" + family.front() + "): nothing lower to fall back to";
      return std::nullopt;
    },
    "the hello with TLS_FALLBACK_SCSV got neither inappropriate_fallback nor a ServerHello"};

const FlagRule kEms{
    keys::tls::extended_master_secret, "RFC 7627 extended master secret at every TLS version up to 1.2",
    [](const Versions& v) {
      return "no RFC 7627 extended master secret in the ServerHello at " + comma(v.before_tls13(false)) +
             ": the master secret is not bound to the handshake (triple handshake attack, CVE-2014-1295, CWE-310)";
    },
    tls13_only("the key schedule binds the handshake transcript"), "no ServerHello at TLS 1.0-1.2 to read extended_master_secret from"};

// ---- tls.cert.compromised_key ----------------------------------------------------------------

Verdict judge_compromised_key(const DeviceFacts& d, const Endpoint& ep) {
  const auto* lookup = d.at(ep, keys::tls::cert_compromised_key);
  const auto* matched = list_of(lookup);
  const auto* cert = d.at(ep, keys::tls::cert_sha256);
  const auto* spki = d.at(ep, keys::tls::cert_spki_sha256);
  if (!matched) {
    // A DTLS server authenticating by pre-shared key or raw public key has no certificate.
    const auto* modes = list_of(d.at(ep, keys::dtls::mode));
    if (!cert && modes && !modes->empty() && std::find(modes->begin(), modes->end(), "certificate") == modes->end())
      return untested("no certificate to look up: the DTLS server authenticates by " + comma(*modes) + " (dtls.mode)",
                      "inconclusive:no_certificate");
    if (!cert) return untested("no server certificate was read");
    return untested("the certificate was not looked up: the compromised-key list is empty", "inconclusive:no_key_list");
  }
  const auto v = versions_of(d, ep);
  const std::string over = v ? v->over() : "";
  if (matched->empty())
    return verdict(CheckStatus::pass, "certificate and key not in the compromised-key list (" + lookup->evidence.detail + ")" + over,
                   {lookup, cert, spki});
  return verdict(CheckStatus::fail,
                 "the server's key is a published device key: " + comma(*matched) +
                     "; anyone can impersonate this device or, with RSA key exchange, decrypt its traffic "
                     "(CWE-321 hard-coded cryptographic key)" + over,
                 {lookup, cert, spki});
}

// ---- tls.attacks.known -----------------------------------------------------------------------

const TlsSuite* suite_named(std::string_view name) {
  static const std::map<std::string_view, const TlsSuite*> by_name = [] {
    std::map<std::string_view, const TlsSuite*> m;
    for (const auto& s : all_suites()) m.emplace(s.name, &s);
    return m;
  }();
  const auto it = by_name.find(name);
  return it == by_name.end() ? nullptr : it->second;
}

bool cbc(const TlsSuite& s) { return to_string(s.cipher).find("CBC") != std::string_view::npos; }
bool block64(const TlsSuite& s) {
  return s.des_or_3des || s.cipher == TlsCipher::idea_cbc || s.cipher == TlsCipher::rc2_cbc_40 || s.cipher == TlsCipher::rc2_cbc_56;
}

// One attack whose precondition the facts can show: its name, ids, and which accepted suites (at
// which versions) meet it. `versions` empty: any version.
struct Attack {
  const char* name;
  const char* ids;
  const char* what;
  std::vector<std::string_view> versions;
  std::function<bool(const TlsSuite&)> suite;
};

const std::vector<Attack>& suite_attacks() {
  static const std::vector<Attack> table = {
      {"POODLE", "CVE-2014-3566, CWE-327", "SSLv3 with CBC suites", {"SSLv3"}, cbc},
      {"BEAST", "CVE-2011-3389, CWE-327", "CBC suites at TLS 1.0 or SSLv3 (precondition; clients mitigate with 1/n-1 splitting)",
       {"SSLv3", "TLSv1.0"}, cbc},
      {"SWEET32", "CVE-2016-2183, CWE-327", "64-bit block ciphers (3DES, DES, IDEA, RC2)", {}, block64},
      {"FREAK", "CVE-2015-0204, CWE-327", "export RSA key exchange", {},
       [](const TlsSuite& s) { return s.export_grade && (s.kex == TlsKex::rsa); }},
      {"LOGJAM", "CVE-2015-4000, CWE-327", "export DHE key exchange", {},
       [](const TlsSuite& s) { return s.export_grade && (s.kex == TlsKex::dhe || s.kex == TlsKex::dh); }},
      {"RC4 biases (Bar Mitzvah, NOMORE)", "CVE-2013-2566, CVE-2015-2808, CWE-327", "RC4 suites", {},
       [](const TlsSuite& s) { return s.rc4; }},
  };
  return table;
}

Verdict judge_attacks(const DeviceFacts& d, const Endpoint& ep) {
  const auto v = versions_of(d, ep);
  if (!v) return untested("the TLS analysis got no ServerHello");
  std::vector<const Observation*> proof{v->obs};
  std::vector<std::string> found;
  std::vector<const Observation*> cited;
  auto cite = [&](const Observation* o) {
    if (o && std::find(cited.begin(), cited.end(), o) == cited.end()) cited.push_back(o);
  };
  if (v->has("SSLv2")) found.push_back("DROWN precondition (CVE-2016-0800, CWE-327): SSLv2 accepted");
  std::map<std::string, const std::vector<std::string>*> suites;  // version -> accepted suite names
  for (const auto& version : v->tls_family()) {
    const auto* o = d.at(ep, keys::tls::ciphers_at.with(version).name);
    if (!list_of(o)) return untested("the suites accepted at " + version + " were not enumerated" + v->over(false));
    suites[version] = list_of(o);
    proof.push_back(o);
  }
  for (const auto& a : suite_attacks()) {
    std::vector<std::string> hits;
    for (const auto& [version, names] : suites) {
      if (!a.versions.empty() && std::find(a.versions.begin(), a.versions.end(), version) == a.versions.end()) continue;
      bool here = false;
      for (const auto& n : *names)
        if (const auto* s = suite_named(n); s && a.suite(*s)) {
          hits.push_back(version + " " + n);
          here = true;
        }
      if (here) cite(d.at(ep, keys::tls::ciphers_at.with(version).name));
    }
    if (!hits.empty()) found.push_back(std::string(a.name) + " (" + a.ids + "): " + a.what + ": " + comma(hits, 3));
  }
  const auto* dh = d.at(ep, keys::tls::dh_bits);
  const auto* prime = d.at(ep, keys::tls::dh_prime);
  const auto* prime_name = prime ? std::get_if<std::string>(&prime->value) : nullptr;
  // A published prime (not "sha256:…", see probes/tls/dh_primes.hpp) is shared with every server
  // that uses it: at 1024 bits, one precomputation breaks them all (the Logjam paper's "common
  // prime"; testssl.sh's LOGJAM-common_primes).
  const bool common = prime_name && !prime_name->starts_with("sha256:");
  if (const auto* bits = dh ? std::get_if<std::int64_t>(&dh->value) : nullptr; bits && *bits < 1024) {
    found.push_back("LOGJAM (CVE-2015-4000, CWE-327): a " + std::to_string(*bits) + "-bit DH group" +
                    (common ? " (common prime: " + *prime_name + ")" : ""));
    cite(dh);
    if (common) cite(prime);
  } else if (bits && *bits == 1024 && common) {
    found.push_back("LOGJAM (CVE-2015-4000, CWE-327): a 1024-bit common DH prime (" + *prime_name +
                    "), shared with every server that uses it: one precomputation breaks them all");
    cite(dh);
    cite(prime);
  }
  // LUCKY13 (CVE-2013-0169) is a timing side channel of a CBC implementation's MAC check: CBC
  // suites at TLS 1.2 or lower are its precondition, which testssl.sh reports as "potentially
  // vulnerable"; whether the implementation is constant-time no accepted suite shows. Named in the
  // summary, never a failure.
  std::vector<std::string> lucky;
  for (const auto& [version, names] : suites) {
    if (version == "TLSv1.3") continue;
    for (const auto& n : *names)
      if (const auto* s = suite_named(n); s && cbc(*s)) lucky.push_back(version + " " + n);
  }
  const std::string lucky_note =
      lucky.empty() ? ""
                    : "; LUCKY13 precondition only (CVE-2013-0169, CWE-203: CBC suites at TLS 1.2 or lower: " + comma(lucky, 3) +
                          "), a timing side channel of the implementation that the suites cannot show: not judged";
  const auto* compression = d.at(ep, keys::tls::compression);
  if (flag(d, ep, keys::tls::compression).value_or(false)) {
    found.push_back("CRIME (CVE-2012-4929, CWE-310): TLS compression (DEFLATE) accepted");
    cite(compression);
  }
  if (found.empty()) {
    if (dh) proof.push_back(dh);
    if (prime) proof.push_back(prime);
    if (compression) proof.push_back(compression);
    if (v->dtls)
      return verdict(CheckStatus::pass,
                     "no precondition of SWEET32, FREAK or LOGJAM in the DTLS versions and suites accepted" +
                         std::string(compression ? ", nor of CRIME (DEFLATE refused)" : " (CRIME not tested: no compression answer)") +
                         "; DROWN, POODLE and BEAST need SSLv2, SSLv3 or TLS 1.0, which DTLS has no counterpart of (DTLS 1.0 "
                         "is TLS 1.1), and RC4 is forbidden in DTLS (RFC 6347 §4.1.2.2) and was not offered" + lucky_note + v->over(),
                     proof);
    return verdict(CheckStatus::pass,
                   "no precondition of DROWN, POODLE, BEAST, SWEET32, FREAK, LOGJAM, RC4 or CRIME in the versions and suites "
                   "accepted" + lucky_note,
                   proof);
  }
  cited.insert(cited.begin(), v->obs);
  std::string summary = "known attacks apply: ";
  for (std::size_t i = 0; i < found.size(); ++i) summary += (i ? "; " : "") + found[i];
  return verdict(CheckStatus::fail, summary + lucky_note + v->over(), cited);
}

// ---- the intrusive probes ---------------------------------------------------------------------

// A yes/no fact of an intrusive probe (true: the weakness was seen), the action that makes it,
// and what settles the check without it: TLS 1.3 only (none of these exist there), or, for
// ROBOT, no RSA key exchange suite accepted.
struct IntrusiveRule {
  const ObservationKey& key;
  std::string_view action;
  const char* pass;
  const char* fail;
  bool needs_rsa_kex = false;
};

// The accepted suites (at every version up to 1.2) with RSA key exchange, citing their lists;
// nullopt when a version's suites were not enumerated.
std::optional<std::vector<std::string>> rsa_kex_suites(const DeviceFacts& d, const Endpoint& ep, const Versions& v,
                                                       std::vector<const Observation*>& proof) {
  std::vector<std::string> found;
  for (const auto& version : v.before_tls13()) {
    const auto* o = d.at(ep, keys::tls::ciphers_at.with(version).name);
    const auto* names = list_of(o);
    if (!names) return std::nullopt;
    proof.push_back(o);
    for (const auto& n : *names)
      if (const auto* s = suite_named(n); s && s->kex == TlsKex::rsa && !s->export_grade) found.push_back(version + " " + n);
  }
  return found;
}

Verdict judge_intrusive(const IntrusiveRule& rule, const DeviceFacts& d, const Endpoint& ep) {
  const auto v = versions_of(d, ep);
  if (!v) return untested("the TLS analysis got no ServerHello");
  if (v->dtls)
    return untested("not probed over DTLS: the intrusive probes run over TLS (TCP) only, and the weakness may exist in a "
                    "DTLS stack too" + v->over(false),
                    "not_probed:dtls");
  const auto* fact = d.at(ep, rule.key);
  if (const auto seen = flag(d, ep, rule.key))
    return verdict(*seen ? CheckStatus::fail : CheckStatus::pass, *seen ? rule.fail : rule.pass, {fact, v->obs});
  if (v->before_tls13().empty())
    return verdict(CheckStatus::pass, "TLS 1.3 only (" + comma(v->names) + "): the weakness is one of TLS 1.2 and earlier",
                   {v->obs});
  if (rule.needs_rsa_kex) {
    std::vector<const Observation*> proof{v->obs};
    if (const auto rsa = rsa_kex_suites(d, ep, *v, proof); rsa && rsa->empty())
      return verdict(CheckStatus::pass, "no RSA key exchange suite accepted: no PKCS#1 v1.5 decryption to make an oracle of",
                     proof);
  }
  if (const auto* skipped = list_of(d.at(ep, keys::tls::intrusive_skipped));
      skipped && std::find(skipped->begin(), skipped->end(), rule.action) != skipped->end())
    return untested(SafetySelection::not_selected_reason(rule.action), "opt_in:--safety intrusive");
  return untested("the probe did not get a conclusive answer (no handshake up to ServerHelloDone, the budget ran out, or "
                  "answers that did not repeat)");
}

const IntrusiveRule kHeartbleed{
    keys::tls::heartbleed, actions::tls_heartbleed,
    "no Heartbleed (CVE-2014-0160): a heartbeat request claiming 16384 bytes while carrying none got no longer answer",
    "Heartbleed (CVE-2014-0160, CWE-126): a heartbeat request claiming more than it carried got a longer heartbeat "
    "response: the server returns up to 64 KiB of its memory per request (private keys, passwords, session data)"};
const IntrusiveRule kCcsInjection{
    keys::tls::ccs_injection, actions::tls_ccs_injection,
    "no CCS injection (CVE-2014-0224): a ChangeCipherSpec before the key exchange was refused",
    "CCS injection (CVE-2014-0224, CWE-696): a ChangeCipherSpec before the key exchange got no alert: a man in the "
    "middle can make the server switch to keys it can compute and read or change the traffic"};
const IntrusiveRule kRobot{
    keys::tls::robot, actions::tls_robot,
    "no ROBOT oracle (CVE-2017-13099): the same answer to correct and malformed PKCS#1 v1.5 paddings",
    "ROBOT (CVE-2017-13099, CWE-203): the answers to RSA ClientKeyExchanges differ by PKCS#1 v1.5 padding: a "
    "Bleichenbacher oracle lets an attacker decrypt recorded RSA key exchange sessions and sign with the server's key",
    true};
const IntrusiveRule kClientRenegotiation{
    keys::tls::client_renegotiation, actions::tls_renegotiation,
    "client-initiated renegotiation refused",
    "client-initiated renegotiation accepted (CVE-2011-1473, CWE-400): each renegotiation costs the server a "
    "handshake's public-key operation and the client next to nothing, so one client can exhaust the device "
    "(THC-SSL-DOS)"};

}  // namespace

void add_tls_depth_checks(std::vector<std::unique_ptr<Check>>& out) {
  // Each check's title, severity and outcomes: profiles/checks/catalog.yaml.
  const std::vector<std::string_view> tls = {"tls", "https", "dtls"};
  out.push_back(std::make_unique<EndpointCheck>(EndpointRule{
      "tls.renegotiation.secure", tls, [](const DeviceFacts& d, const Endpoint& ep) { return judge_flag(kRenegotiation, d, ep); },
      keys::tls::starttls}));
  out.push_back(std::make_unique<EndpointCheck>(EndpointRule{
      "tls.fallback_scsv", tls, [](const DeviceFacts& d, const Endpoint& ep) { return judge_flag(kFallback, d, ep); },
      keys::tls::starttls}));
  out.push_back(std::make_unique<EndpointCheck>(EndpointRule{
      "tls.ems", tls, [](const DeviceFacts& d, const Endpoint& ep) { return judge_flag(kEms, d, ep); }, keys::tls::starttls}));
  out.push_back(std::make_unique<EndpointCheck>(EndpointRule{
      "tls.cert.compromised_key", tls,
      judge_compromised_key, keys::tls::starttls}));
  out.push_back(std::make_unique<EndpointCheck>(EndpointRule{
      "tls.attacks.known", tls, judge_attacks, keys::tls::starttls}));
  for (const auto& [id, rule] : {std::pair{"tls.heartbleed", &kHeartbleed}, std::pair{"tls.ccs_injection", &kCcsInjection},
                                 std::pair{"tls.robot", &kRobot}, std::pair{"tls.renegotiation.client", &kClientRenegotiation}})
    out.push_back(std::make_unique<EndpointCheck>(EndpointRule{
        id, tls, [r = rule](const DeviceFacts& d, const Endpoint& ep) { return judge_intrusive(*r, d, ep); },
        keys::tls::starttls}));
}

}  // namespace trustscan
