// trustscan — checks judged per endpoint from what the protocol probes observed (the shape of
// every check here: scanner/checks/endpoint_check.hpp).
#include "scanner/checks/checks.hpp"
#include "scanner/checks/endpoint_check.hpp"
#include "scanner/checks/verdict_policy.hpp"
#include "scanner/policy/crypto_policy.hpp"
#include "probes/coap/coap_keys.hpp"
#include "probes/dtls/dtls_keys.hpp"
#include "probes/http/http_keys.hpp"
#include "probes/identify/service_keys.hpp"
#include "probes/mqtt/mqtt_keys.hpp"
#include "probes/ntp/ntp_keys.hpp"
#include "probes/rtsp/rtsp_keys.hpp"
#include "probes/snmp/snmp_keys.hpp"
#include "probes/ssdp/ssdp_keys.hpp"
#include "probes/ssh/ssh.hpp"
#include "probes/ssh/ssh_keys.hpp"
#include "probes/tls/tls_keys.hpp"
#include "scanner/credentials/credential_keys.hpp"
#include "trustscan/safety.hpp"

#include <cstdio>
#include <functional>
#include <optional>

namespace trustscan {

namespace {

// Plain HTTP is acceptable only as a redirect to HTTPS.
Verdict judge_http_cleartext(const DeviceFacts& d, const Endpoint& ep) {
  const auto* status = d.at(ep, keys::http::status);
  if (!status) return untested("the HTTP probe got no complete response");
  const auto code = std::get<std::int64_t>(status->value);
  const auto* loc = d.at(ep, keys::http::location);
  const bool to_https = loc && std::get<std::string>(loc->value).starts_with("https://");
  if (code >= 300 && code < 400 && to_https) return verdict(CheckStatus::pass, "plain HTTP only redirects to HTTPS", {status, loc});
  std::vector<const Observation*> proof{status};
  if (const auto* auth = d.at(ep, keys::http::auth_schemes)) proof.push_back(auth);
  if (const auto* title = d.at(ep, keys::http::title)) proof.push_back(title);
  return verdict(CheckStatus::fail, "content served over plain HTTP (status " + std::to_string(code) + ")", proof);
}

// tls.http.redirect: an admin UI or API reached over plain HTTP must redirect to HTTPS (or be
// refused) before any credential is asked for. A page that serves nothing (404) is no UI.
Verdict judge_http_redirect(const DeviceFacts& d, const Endpoint& ep) {
  const auto* status = d.at(ep, keys::http::status);
  if (!status) return untested("the HTTP probe got no complete response");
  const auto code = std::get<std::int64_t>(status->value);
  const auto* loc = d.at(ep, keys::http::location);
  if (code >= 300 && code < 400) {
    if (loc && std::get<std::string>(loc->value).starts_with("https://"))
      return verdict(CheckStatus::pass, "plain HTTP redirects to HTTPS", {status, loc});
    return verdict(CheckStatus::fail, "plain HTTP redirects, but not to HTTPS", {status, loc ? loc : status});
  }
  if (code == 404 || code == 410) return verdict(CheckStatus::not_applicable, "no UI or API served over plain HTTP (status " + std::to_string(code) + ")", {status});
  std::vector<const Observation*> proof{status};
  for (const ObservationKey& k : {keys::http::auth_schemes, keys::http::login_form, keys::http::title})
    if (const auto* o = d.at(ep, k)) proof.push_back(o);
  return verdict(CheckStatus::fail, "the UI is served over plain HTTP without a redirect to HTTPS (status " + std::to_string(code) + ")", proof);
}

Verdict judge_exposed(const DeviceFacts& d, const Endpoint& ep, std::string_view key, const char* what) {
  if (!d.at(ep, keys::http::status)) return untested("the HTTP probe got no complete response");
  if (const auto* o = d.at(ep, key)) {
    std::string paths;
    for (const auto& p : std::get<std::vector<std::string>>(o->value)) paths += (paths.empty() ? "" : ", ") + p;
    return verdict(CheckStatus::fail, std::string(what) + " readable without authentication: " + paths, {o});
  }
  const auto* redirect = d.at(ep, keys::http::location);
  if (redirect) return untested("the site redirects; judged at the redirect target", "inconclusive:redirect");
  return verdict(CheckStatus::pass, std::string("no ") + what + " at the known paths", {d.at(ep, keys::http::status)});
}

Verdict judge_mqtt_anonymous(const DeviceFacts& d, const Endpoint& ep) {
  const auto accepted = flag(d, ep, keys::mqtt::anonymous_accepted);
  if (!accepted) return untested("the MQTT probe got no CONNACK");
  const auto* o = d.at(ep, keys::mqtt::anonymous_accepted);
  if (!*accepted) return verdict(CheckStatus::pass, "the broker refuses clients without credentials", {o});
  auto v = verdict(CheckStatus::fail, "the broker accepts clients without credentials", {o});
  const auto* topics = d.at(ep, keys::mqtt::topics_seen);
  if (topics && !std::get<std::vector<std::string>>(topics->value).empty()) {
    v.summary += " and publishes device data to them";
    v.cite(topics);
  }
  return v;
}

Verdict judge_rtsp(const DeviceFacts& d, const Endpoint& ep) {
  const auto open = flag(d, ep, keys::rtsp::stream_unauthenticated);
  if (!open) return untested("the RTSP probe got no answer to DESCRIBE");
  const auto* o = d.at(ep, keys::rtsp::stream_unauthenticated);
  if (*open) return verdict(CheckStatus::fail, "the stream description is served without credentials", {o});
  // Credential trials on DESCRIBE (scanner/credentials/credentials.cpp): a default pair opens the stream too.
  if (const auto acc = flag(d, ep, keys::cred::accepted); acc && *acc)
    return verdict(CheckStatus::fail, "the stream opens with default credentials", {d.at(ep, keys::cred::accepted)});
  if (const auto* inc = d.at(ep, keys::cred::inconclusive))
    return untested("credential trial stopped early", "inconclusive:" + std::get<std::string>(inc->value));
  return verdict(CheckStatus::pass, "DESCRIBE without credentials is refused",
                 {o, d.at(ep, keys::rtsp::describe_status)});
}

// ---- crypto policy (scanner/policy/crypto_policy.hpp) -----------------------------------------

const CryptoPolicy& policy_of(const DeviceFacts& d) { return d.crypto_policy ? *d.crypto_policy : default_crypto_policy(); }

std::string joined(const std::vector<std::string>& v);

// A judge's list of failures under a policy: each line names the rule and where it comes from.
struct PolicyFailures {
  std::vector<std::string> lines;
  std::vector<const Observation*> proof;
  void add(std::string line, const Observation* o) {
    lines.push_back(std::move(line));
    if (o && std::find(proof.begin(), proof.end(), o) == proof.end()) proof.push_back(o);
  }
  std::string text() const {
    std::string s;
    for (const auto& l : lines) s += (s.empty() ? "" : "; ") + l;
    return s;
  }
};

// The policy's name in a pass summary: "(policy nist-sp800-52r2)".
std::string under(const CryptoPolicyFile* f) { return f ? " (policy " + f->id + ")" : ""; }

// Not algorithms: extension markers a KEXINIT carries in kex_algorithms (RFC 8308 ext-info, the
// OpenSSH strict key exchange of CVE-2023-48795). No policy judges them.
bool ssh_marker(std::string_view name) {
  return name == "ext-info-s" || name == "ext-info-c" || name.starts_with("kex-strict-");
}

// ssh.config: the protocol version, then every algorithm the server's KEXINIT offers and every
// host key size the probe read, against the SSH part of the crypto policy.
Verdict judge_ssh(const DeviceFacts& d, const Endpoint& ep) {
  const auto* proto = d.at(ep, keys::ssh::proto_version);
  if (!proto) return untested("no SSH identification line");
  const auto& pv = std::get<std::string>(proto->value);
  if (pv.starts_with("1.") && pv != "1.99") return verdict(CheckStatus::fail, "SSH protocol 1 only (" + pv + ")", {proto});
  const auto& policy = policy_of(d);
  if (!policy.ssh) return untested("the crypto policy (" + policy.name() + ") has no SSH rules", "not_in_policy");
  const auto& file = *policy.ssh;
  const auto& rules = *file.ssh;
  PolicyFailures bad;
  std::vector<const Observation*> seen{proto};
  bool have_lists = false;
  const std::pair<const ObservationKey*, const NameRules*> lists[] = {
      {&keys::ssh::kex_algorithms, &rules.kex}, {&keys::ssh::host_key_algorithms, &rules.host_keys},
      {&keys::ssh::ciphers, &rules.ciphers}, {&keys::ssh::macs, &rules.macs}};
  for (const auto& [key, nr] : lists) {
    const auto* o = d.at(ep, *key);
    if (!o || !std::holds_alternative<std::vector<std::string>>(o->value)) continue;
    have_lists = true;
    seen.push_back(o);
    std::vector<std::string> names;
    for (const auto& a : std::get<std::vector<std::string>>(o->value))
      if (!ssh_marker(a)) names.push_back(a);
    for (const auto& v : judge_names(*nr, names)) bad.add(describe_violation(file, v), o);
  }
  if (!have_lists) return untested("the server's KEXINIT was not received");
  // Host key sizes, one key exchange per host-key algorithm (probes/ssh/ssh_analyzer.cpp).
  for (const auto& o : d.observations) {
    if (!o.endpoint || *o.endpoint != ep || !keys::ssh::host_key_bits_at.matches(o.key) ||
        !std::holds_alternative<std::int64_t>(o.value))
      continue;
    const std::string alg = o.key.substr(std::string_view("ssh.host_key_bits.").size());
    const std::string type = ssh_host_key_type(alg);
    const auto it = rules.min_host_key_bits.find(type);
    if (it == rules.min_host_key_bits.end() || !it->second) continue;
    const auto bits = std::get<std::int64_t>(o.value);
    seen.push_back(&o);
    if (bits < it->second.value)
      bad.add(alg + " host key of " + std::to_string(bits) + " bits below the " + std::to_string(it->second.value) +
                  " bits of " + cite_rule(file, it->second.source),
              &o);
  }
  if (bad.lines.empty()) return verdict(CheckStatus::pass, "every SSH algorithm offered is allowed" + under(&file), seen);
  auto v = verdict(CheckStatus::fail, "SSH algorithms outside the policy: " + bad.text(), bad.proof);
  v.cite(proto);
  v.severity = Severity::medium;
  v.severity_set = true;
  return v;
}

// ssh.terrapin (CVE-2023-48795, Bäumer, Brinkmann, Schwenk 2023): an attacker in the path can
// delete packets at the start of the secure channel when it is protected by
// chacha20-poly1305@openssh.com, or by a CBC cipher with an encrypt-then-MAC MAC, unless both
// sides use OpenSSH's strict key exchange. The server's half: its KEXINIT offers such a mode and
// no kex-strict-s-v00@openssh.com. Not policy: a vulnerability, judged the same under every policy.
Verdict judge_ssh_terrapin(const DeviceFacts& d, const Endpoint& ep) {
  const auto* kex = d.at(ep, keys::ssh::kex_algorithms);
  const auto* ciphers = d.at(ep, keys::ssh::ciphers);
  const auto* macs = d.at(ep, keys::ssh::macs);
  if (!kex || !ciphers || !macs) return untested("the server's KEXINIT was not received");
  const auto& k = std::get<std::vector<std::string>>(kex->value);
  const auto& c = std::get<std::vector<std::string>>(ciphers->value);
  const auto& m = std::get<std::vector<std::string>>(macs->value);
  const bool strict = std::find(k.begin(), k.end(), "kex-strict-s-v00@openssh.com") != k.end();
  std::vector<std::string> modes;
  if (std::find(c.begin(), c.end(), "chacha20-poly1305@openssh.com") != c.end()) modes.push_back("chacha20-poly1305@openssh.com");
  std::vector<std::string> cbc, etm;
  for (const auto& x : c)
    if (x.find("-cbc") != std::string::npos) cbc.push_back(x);
  for (const auto& x : m)
    if (x.ends_with("-etm@openssh.com")) etm.push_back(x);
  if (!cbc.empty() && !etm.empty()) modes.push_back("CBC (" + joined(cbc) + ") with encrypt-then-MAC (" + joined(etm) + ")");
  if (modes.empty())
    return verdict(CheckStatus::pass, "no cipher mode Terrapin (CVE-2023-48795) attacks is offered", {ciphers, macs});
  if (strict)
    return verdict(CheckStatus::pass,
                   "strict key exchange (kex-strict-s-v00@openssh.com) offered: " + joined(modes) +
                       " is not exposed to Terrapin (CVE-2023-48795) with a client that supports it",
                   {kex, ciphers});
  auto v = verdict(CheckStatus::fail,
                   "Terrapin (CVE-2023-48795) prefix truncation: " + joined(modes) +
                       " offered and no strict key exchange (kex-strict-s-v00@openssh.com) in the server's KEXINIT",
                   {kex, ciphers});
  if (!cbc.empty() && !etm.empty()) v.cite(macs);
  return v;
}

// ssh.gex.prime: the smallest prime a diffie-hellman-group-exchange server handed out (RFC 4419;
// ssh-audit's gex test), against the SSH policy's gex_prime_bits. Opt-in (action ssh.gex): not
// tested when the run did not allow it.
Verdict judge_ssh_gex(const DeviceFacts& d, const Endpoint& ep) {
  const auto* kex = d.at(ep, keys::ssh::kex_algorithms);
  if (!kex || !std::holds_alternative<std::vector<std::string>>(kex->value)) return untested("the server's KEXINIT was not received");
  std::vector<std::string> gex;
  for (const auto& a : std::get<std::vector<std::string>>(kex->value))
    if (a == "diffie-hellman-group-exchange-sha256" || a == "diffie-hellman-group-exchange-sha1") gex.push_back(a);
  if (gex.empty())
    return verdict(CheckStatus::pass, "no diffie-hellman-group-exchange key exchange offered: the server picks no prime", {kex});
  const auto* bits = d.at(ep, keys::ssh::gex_prime_bits);
  const auto* groups = d.at(ep, keys::ssh::gex_groups);
  if (!bits || !std::holds_alternative<std::int64_t>(bits->value)) {
    if (const auto* skipped = d.at(ep, keys::ssh::intrusive_skipped);
        skipped && std::holds_alternative<std::vector<std::string>>(skipped->value)) {
      const auto& ids = std::get<std::vector<std::string>>(skipped->value);
      if (std::find(ids.begin(), ids.end(), std::string(actions::ssh_gex)) != ids.end())
        return untested(joined(gex) + " offered; the group-exchange test " + SafetySelection::not_selected_reason(actions::ssh_gex),
                        "opt_in:--safety intrusive");
    }
    auto v = untested(groups ? "no group-exchange request got a group" : "the group-exchange test did not run");
    v.cite(groups);
    return v;
  }
  const auto& policy = policy_of(d);
  if (!policy.ssh) return untested("the crypto policy (" + policy.name() + ") has no SSH rules", "not_in_policy");
  const auto& file = *policy.ssh;
  const auto& limit = file.ssh->min_gex_prime_bits;
  if (!limit) return untested("the SSH policy (" + file.id + ") sets no group-exchange prime size", "not_in_policy");
  const auto b = std::get<std::int64_t>(bits->value);
  if (b < limit.value) {
    auto v = verdict(CheckStatus::fail,
                     "the server sent a " + std::to_string(b) + "-bit group-exchange prime, below the " + std::to_string(limit.value) +
                         " bits of " + cite_rule(file, limit.source) + (limit.why.empty() ? "" : ": " + limit.why),
                     {bits, groups});
    return v;
  }
  return verdict(CheckStatus::pass,
                 "smallest group-exchange prime " + std::to_string(b) + " bits, at least the " + std::to_string(limit.value) +
                     " bits of " + cite_rule(file, limit.source),
                 {bits, groups});
}

Verdict judge_snmp(const DeviceFacts& d, const Endpoint& ep) {
  const auto* comms = d.at(ep, keys::snmp::communities);
  if (!comms) return untested("no SNMP answer to any community tried");
  if (!std::holds_alternative<std::vector<std::string>>(comms->value)) return untested("snmp.communities is not a list");
  const auto& list = std::get<std::vector<std::string>>(comms->value);
  // Each community is a found credential: in the evidence as a password (redacted with
  // --redact), never in the summary, so tools read it without parsing prose.
  const auto credential = [](const std::string& community, const char* what) {
    Evidence e;
    e.kind = "credential";
    e.detail = what;
    e.password = community;
    return e;
  };
  auto v = verdict(CheckStatus::fail,
                   "SNMPv1/v2c readable with " + std::to_string(list.size()) + " default communit" + (list.size() > 1 ? "ies" : "y"),
                   {comms});
  for (const auto& c : list) v.evidence.push_back(credential(c, "SNMP community: a SNMPv2c GET of the system group answered"));
  v.severity = Severity::high;
  v.severity_set = true;
  if (const auto* w = d.at(ep, keys::snmp::write_communities);
      w && std::holds_alternative<std::vector<std::string>>(w->value) && !std::get<std::vector<std::string>>(w->value).empty()) {
    v.summary += "; writable with one of them";
    v.severity = Severity::critical;
    v.cite(w);
    for (const auto& c : std::get<std::vector<std::string>>(w->value))
      v.evidence.push_back(credential(c, "SNMP write community: a SET of a system object to its own value was accepted"));
  } else if (const auto t = flag(d, ep, keys::snmp::write_tested); t && !*t) {
    v.summary += " (write access not tested: --snmp-write)";
  }
  return v;
}

// UPnP IGD defines no authentication: a LAN-side IGD lets any host open ports through the router.
Verdict judge_upnp(const DeviceFacts& d, const Endpoint& ep) {
  const auto igd = flag(d, ep, keys::upnp::igd);
  const auto* server = d.at(ep, keys::ssdp::server);
  if (igd && *igd) {
    auto v = verdict(CheckStatus::fail, "UPnP Internet Gateway Device enabled: port mappings without authentication",
                     {d.at(ep, keys::upnp::igd)});
    if (const auto* s = d.at(ep, keys::upnp::services)) v.cite(s);
    return v;
  }
  if (!igd) {
    auto v = verdict(CheckStatus::info, "UPnP answers M-SEARCH; no device description could be read", {});
    if (server) v.cite(server);
    return v;
  }
  return verdict(CheckStatus::info, "UPnP device (not a gateway) answers M-SEARCH", {d.at(ep, keys::upnp::igd)});
}

Verdict judge_ntp(const DeviceFacts& d, const Endpoint& ep) {
  if (const auto m = flag(d, ep, keys::ntp::monlist); m && *m)
    return verdict(CheckStatus::fail, "answers NTP mode 7 monlist (traffic amplification)",
                   {d.at(ep, keys::ntp::monlist)});
  std::vector<const Observation*> proof;
  if (const auto* mode = d.at(ep, keys::ntp::mode)) proof.push_back(mode);
  if (const auto* m6 = d.at(ep, keys::ntp::mode6)) proof.push_back(m6);
  return verdict(CheckStatus::info, "serves time to the LAN; no monlist", proof);
}

std::string joined(const std::vector<std::string>& v);

// CoAP on 5683/udp is plain: a device whose resources are readable there serves them to anyone
// on the LAN without DTLS (RFC 7252 §9 NoSec mode). The discovery list itself is the evidence;
// whether a resource also acts (PUT/POST) is not tested.
Verdict judge_coap(const DeviceFacts& d, const Endpoint& ep) {
  const auto* res = d.at(ep, keys::coap::resources);
  const auto* list = res ? std::get_if<std::vector<std::string>>(&res->value) : nullptr;
  // Over UDP the secure channel is DTLS; over TCP (RFC 8323) it is TLS ("coaps" endpoints are
  // not judged here: their channel is the TLS checks').
  const std::string_view channel = ep.transport == Transport::udp ? "DTLS" : "TLS";
  if (!list || list->empty()) {
    // Identified (a reply to the hello, a CSM over TCP) but no answer to GET: nothing to judge.
    const auto* code = d.at(ep, keys::coap::code);
    if (!code) return untested("the CoAP probe got no answer to GET /.well-known/core");
    return verdict(CheckStatus::info, "CoAP answers without " + std::string(channel) + "; no resources listed", {code});
  }
  return verdict(CheckStatus::fail, "CoAP resources served without " + std::string(channel) + ": " + joined(*list), {res});
}

// ---- TLS (from the TLS analyzer's observations) ----------------------------------------------

const std::vector<std::string>* list_at(const DeviceFacts& d, const Endpoint& ep, std::string_view key) {
  const auto* o = d.at(ep, key);
  return o && std::holds_alternative<std::vector<std::string>>(o->value) ? &std::get<std::vector<std::string>>(o->value) : nullptr;
}

std::optional<std::int64_t> int_at(const DeviceFacts& d, const Endpoint& ep, std::string_view key) {
  const auto* o = d.at(ep, key);
  if (!o || !std::holds_alternative<std::int64_t>(o->value)) return std::nullopt;
  return std::get<std::int64_t>(o->value);
}

std::string joined(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

// The TLS part of the policy, or null (a policy with only SSH rules judges no TLS).
const CryptoPolicyFile* tls_policy(const DeviceFacts& d) {
  const auto& p = policy_of(d);
  return p.tls && p.tls->tls ? p.tls.get() : nullptr;
}

Verdict no_tls_rules(const DeviceFacts& d) {
  return untested("the crypto policy (" + policy_of(d).name() + ") has no TLS rules", "not_in_policy");
}

// DTLS endpoints (probes/dtls/dtls_probe.cpp) record their versions as "DTLSv1.0" … under the
// same keys. A policy names TLS versions: a DTLS version is judged as the TLS version it is built
// on (RFC 6347 §1: DTLS 1.0 is TLS 1.1, DTLS 1.2 is TLS 1.2; RFC 9147: DTLS 1.3 is TLS 1.3),
// unless a rule names the DTLS version itself.
std::string dtls_as_tls(const std::string& v) {
  if (v == "DTLSv1.0") return "TLSv1.1";
  if (v == "DTLSv1.2") return "TLSv1.2";
  if (v == "DTLSv1.3") return "TLSv1.3";
  return v;
}
bool version_rule_matches(const PolicyRule& r, const std::string& v) { return r.matches(v) || r.matches(dtls_as_tls(v)); }
// "DTLSv1.0 (as TLSv1.1, RFC 6347 §1)" for a DTLS version, the name otherwise.
std::string version_as_judged(const std::string& v) {
  const auto tls = dtls_as_tls(v);
  return tls == v ? v : v + " (as " + tls + (v == "DTLSv1.3" ? ", RFC 9147 §1)" : ", RFC 6347 §1)");
}

// tls.protocol.legacy: the versions the policy forbids. Severity critical for SSL, high otherwise.
Verdict judge_tls_legacy(const DeviceFacts& d, const Endpoint& ep) {
  const auto* versions = list_at(d, ep, keys::tls::versions);
  if (!versions || versions->empty()) return untested("no TLS version completed a ServerHello");
  const auto* file = tls_policy(d);
  if (!file) return no_tls_rules(d);
  const auto* proof = d.at(ep, keys::tls::versions);
  std::vector<std::string> lines;
  bool ssl = false;
  for (const auto& v : *versions)
    for (const auto& r : file->tls->forbid_versions)
      if (version_rule_matches(r, v)) {
        lines.push_back(describe_violation(*file, {version_as_judged(v), &r, false}));
        ssl = ssl || v.starts_with("SSL");
        break;
      }
  if (lines.empty())
    return verdict(CheckStatus::pass, "no protocol version the policy forbids is accepted (" + joined(*versions) + ")" + under(file), {proof});
  std::string text;
  for (const auto& l : lines) text += (text.empty() ? "" : "; ") + l;
  auto v = verdict(CheckStatus::fail, "legacy protocol versions accepted: " + text, {proof});
  v.severity = ssl ? Severity::critical : Severity::high;
  v.severity_set = true;
  return v;
}

// tls.protocol.modern: each `require` rule of the policy needs one of its versions accepted.
Verdict judge_tls_modern(const DeviceFacts& d, const Endpoint& ep) {
  const auto* versions = list_at(d, ep, keys::tls::versions);
  if (!versions || versions->empty()) return untested("no TLS version completed a ServerHello");
  const auto* file = tls_policy(d);
  if (!file) return no_tls_rules(d);
  const auto* proof = d.at(ep, keys::tls::versions);
  std::vector<std::string> missing;
  for (const auto& r : file->tls->require_versions)
    if (std::none_of(versions->begin(), versions->end(), [&](const std::string& v) { return version_rule_matches(r, v); }))
      missing.push_back((r.names.size() == 1 ? r.names[0] + " not accepted" : "none of " + joined(r.names) + " accepted") +
                        ": required by " + cite_rule(*file, r.source) +
                        (r.why.empty() ? "" : " (" + r.why + ")"));
  if (missing.empty())
    return verdict(CheckStatus::pass, "the versions the policy requires are accepted (" + joined(*versions) + ")" + under(file), {proof});
  std::string text;
  for (const auto& m : missing) text += (text.empty() ? "" : "; ") + m;
  return verdict(CheckStatus::fail, text, {proof});
}

// tls.cipher.weak: every suite accepted at every version against the policy's suite rules, and
// TLS compression (CRIME: DEFLATE before encryption lets an attacker who injects text learn
// secrets from record sizes, RFC 7457 §2.6) when the policy forbids it.
Verdict judge_tls_ciphers(const DeviceFacts& d, const Endpoint& ep) {
  const auto* versions = list_at(d, ep, keys::tls::versions);
  if (!versions || versions->empty()) return untested("no TLS version completed a ServerHello");
  const auto* file = tls_policy(d);
  if (!file) return no_tls_rules(d);
  PolicyFailures bad;
  std::vector<const Observation*> seen;
  bool any_list = false;
  for (const auto& version : *versions) {
    const auto* o = d.at(ep, keys::tls::ciphers_at.with(version).name);
    if (!o || !std::holds_alternative<std::vector<std::string>>(o->value)) continue;
    any_list = true;
    seen.push_back(o);
    for (const auto& v : judge_names(file->tls->suites, std::get<std::vector<std::string>>(o->value)))
      bad.add(version + " " + describe_violation(*file, v), o);
  }
  if (!any_list) return untested("no suite enumeration");
  const auto* compression = d.at(ep, keys::tls::compression);
  const bool deflate = compression && std::holds_alternative<bool>(compression->value) && std::get<bool>(compression->value);
  if (deflate && file->tls->no_compression)
    bad.add("TLS compression (DEFLATE) accepted, CRIME: forbidden by " + cite_rule(*file, file->tls->no_compression->source),
            compression);
  if (bad.lines.empty()) return verdict(CheckStatus::pass, "every suite accepted is allowed" + under(file), seen);
  return verdict(CheckStatus::fail, std::to_string(bad.lines.size()) + " finding(s): " + bad.text(), bad.proof);
}

// tls.kex.weak: the server key, the DHE and ECDHE groups against the policy's minimum sizes,
// then forward secrecy when the policy requires it.
Verdict judge_tls_kex(const DeviceFacts& d, const Endpoint& ep) {
  if (!list_at(d, ep, keys::tls::versions)) return untested("no TLS version completed a ServerHello");
  const auto* file = tls_policy(d);
  if (!file) return no_tls_rules(d);
  const auto& t = *file->tls;
  PolicyFailures bad;
  const auto below = [&](const std::string& what, std::int64_t bits, const Limit& l, const Observation* o) {
    if (l && bits < l.value)
      bad.add(what + " of " + std::to_string(bits) + " bits below the " + std::to_string(l.value) + " bits of " +
                  cite_rule(*file, l.source),
              o);
  };
  const auto* key_type = d.at(ep, keys::tls::cert_key_type);
  const auto key_bits = int_at(d, ep, keys::tls::cert_key_bits);
  if (key_type && key_bits && (std::get<std::string>(key_type->value) == "RSA" || std::get<std::string>(key_type->value) == "DSA"))
    below(std::get<std::string>(key_type->value) + " key", *key_bits, t.min_rsa_bits, d.at(ep, keys::tls::cert_key_bits));
  if (const auto dh = int_at(d, ep, keys::tls::dh_bits)) below("DH group", *dh, t.min_dh_bits, d.at(ep, keys::tls::dh_bits));
  if (const auto ec = int_at(d, ep, keys::tls::ecdhe_bits))
    below("ECDH group", *ec, t.min_ecdhe_bits, d.at(ep, keys::tls::ecdhe_bits));
  if (!bad.lines.empty()) {
    auto v = verdict(CheckStatus::fail, "weak key exchange: " + bad.text(), bad.proof);
    v.severity = Severity::high;
    v.severity_set = true;
    return v;
  }
  const auto* fs = d.at(ep, keys::tls::forward_secrecy);
  if (fs && !std::get<bool>(fs->value) && t.forward_secrecy) {
    auto v = verdict(CheckStatus::fail, "no forward-secret suite accepted: required by " + cite_rule(*file, t.forward_secrecy->source), {fs});
    v.severity = Severity::medium;
    v.severity_set = true;
    return v;
  }
  if (!fs) return untested("no cipher suite was accepted, so forward secrecy is unknown");
  std::vector<const Observation*> proof{fs};
  for (const ObservationKey& k : {keys::tls::cert_key_bits, keys::tls::dh_bits, keys::tls::ecdhe_bits})
    if (const auto* o = d.at(ep, k)) proof.push_back(o);
  return verdict(CheckStatus::pass,
                 std::string("key and group sizes within the policy") + (std::get<bool>(fs->value) ? ", with forward secrecy" : "") +
                     under(file),
                 proof);
}

// Days from 1970-01-01 of "YYYY-MM-DDTHH:MM:SSZ" (tls.cert.not_before/not_after), or nothing.
std::optional<long> iso_day(const std::string& s) {
  int y = 0, m = 0, dd = 0;
  if (s.size() < 10 || std::sscanf(s.c_str(), "%4d-%2d-%2d", &y, &m, &dd) != 3 || m < 1 || m > 12 || dd < 1 || dd > 31)
    return std::nullopt;
  // Howard Hinnant's days_from_civil.
  y -= m <= 2;
  const long era = (y >= 0 ? y : y - 399) / 400;
  const long yoe = y - era * 400;
  const long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + dd - 1;
  const long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

// tls.cert.quality: validity dates (always), then the policy's signature, key size and lifetime
// rules, then the chain against --ca-file.
Verdict judge_tls_cert(const DeviceFacts& d, const Endpoint& ep) {
  const auto* subject = d.at(ep, keys::tls::cert_subject);
  if (!subject) {
    // A DTLS server authenticating by pre-shared key or raw public key has no certificate.
    const auto* modes = list_at(d, ep, keys::dtls::mode);
    if (modes && !modes->empty() && std::find(modes->begin(), modes->end(), "certificate") == modes->end())
      return untested("no certificate to judge: the DTLS server authenticates by " + joined(*modes) +
                          " (dtls.mode); its suites and key exchange are judged by tls.cipher.weak and tls.kex.weak",
                      "inconclusive:no_certificate");
    return untested("no certificate was read");
  }
  std::vector<std::string> why;
  std::vector<const Observation*> proof{subject};
  auto flag_true = [&](const ObservationKey& key, const char* text) {
    if (const auto* o = d.at(ep, key); o && std::get<bool>(o->value)) {
      why.push_back(text);
      proof.push_back(o);
    }
  };
  flag_true(keys::tls::cert_expired, "expired");
  flag_true(keys::tls::cert_not_yet_valid, "not yet valid");
  if (const auto* file = tls_policy(d)) {
    const auto& t = *file->tls;
    if (const auto* sig = d.at(ep, keys::tls::cert_signature))
      for (const auto& v : judge_names(t.cert_signatures, {std::get<std::string>(sig->value)})) {
        why.push_back("signature " + describe_violation(*file, v));
        proof.push_back(sig);
      }
    const auto* kt = d.at(ep, keys::tls::cert_key_type);
    if (const auto bits = int_at(d, ep, keys::tls::cert_key_bits); kt && bits) {
      const auto& type = std::get<std::string>(kt->value);
      const Limit& l = type == "RSA" ? t.cert_min_rsa_bits : type == "EC" ? t.cert_min_ec_bits : Limit{};
      if (l && *bits < l.value) {
        why.push_back(type + " key of " + std::to_string(*bits) + " bits below the " + std::to_string(l.value) + " bits of " +
                      cite_rule(*file, l.source));
        proof.push_back(d.at(ep, keys::tls::cert_key_bits));
      }
    }
    const auto* nb = d.at(ep, keys::tls::cert_not_before);
    const auto* na = d.at(ep, keys::tls::cert_not_after);
    if (t.cert_max_lifetime_days && nb && na) {
      const auto from = iso_day(std::get<std::string>(nb->value));
      const auto to = iso_day(std::get<std::string>(na->value));
      if (from && to && *to - *from > t.cert_max_lifetime_days.value) {
        why.push_back("lifetime of " + std::to_string(*to - *from) + " days above the " +
                      std::to_string(t.cert_max_lifetime_days.value) + " days of " +
                      cite_rule(*file, t.cert_max_lifetime_days.source));
        proof.push_back(nb);
        proof.push_back(na);
      }
    }
  }
  // The chain the server sent, verified against --ca-file (absent without one, or when nothing
  // was received): the failure names the error and what the chain facts show.
  const auto* verified = d.at(ep, keys::tls::cert_verified);
  const auto* sent = d.at(ep, keys::tls::cert_chain_length);
  const auto* complete = d.at(ep, keys::tls::cert_chain_complete);
  const auto count = int_at(d, ep, keys::tls::cert_chain_length);
  const std::string sent_text =
      count ? "the server sent " + std::to_string(*count) + (*count == 1 ? " certificate" : " certificates") : "";
  if (verified && !std::get<bool>(verified->value)) {
    const auto* code = d.at(ep, keys::tls::cert_verify_error);
    const auto* message = d.at(ep, keys::tls::cert_verify_message);
    const std::string c = code ? std::get<std::string>(code->value) : "";
    std::string text = "chain does not verify against --ca-file: " +
                       (message ? std::get<std::string>(message->value) : std::string("error not recorded"));
    std::string cause;
    if (c == "incomplete_chain")
      cause = "incomplete chain: " + (sent_text.empty() ? std::string("the server") : sent_text) +
              ", and the issuer of the last one was neither sent nor is in the --ca-file";
    else if (c == "unknown_root")
      cause = "the chain sent is complete but ends at a root the --ca-file does not hold";
    else if (!c.empty())
      cause = c + (sent_text.empty() ? "" : "; " + sent_text);
    if (!cause.empty()) text += " (" + cause + ")";
    why.push_back(text);
    for (const auto* o : {verified, code, message, sent, complete})
      if (o) proof.push_back(o);
  }
  if (!why.empty()) return verdict(CheckStatus::fail, "certificate " + joined(why), proof);
  std::string note;
  if (const auto* ss = d.at(ep, keys::tls::cert_self_signed); ss && std::get<bool>(ss->value))
    note = " (self-signed: informational on a LAN device)";
  if (verified) {
    note += "; the chain sent" + (count ? " (" + std::to_string(*count) + (*count == 1 ? " certificate)" : " certificates)") : std::string()) +
            " verifies against the --ca-file";
    proof.push_back(verified);
    if (sent) proof.push_back(sent);
  }
  return verdict(CheckStatus::pass, "certificate valid, strong key and signature" + note, proof);
}

}  // namespace

void add_protocol_checks(std::vector<std::unique_ptr<Check>>& out) {
  // Each check's title, severity and outcomes: profiles/checks/catalog.yaml.
  out.push_back(std::make_unique<EndpointCheck>(EndpointRule{
      "svc.http.cleartext", {"http"},
      judge_http_cleartext}));
  out.push_back(std::make_unique<EndpointCheck>(EndpointRule{
      "tls.http.redirect", {"http"}, judge_http_redirect}));
  out.push_back(std::make_unique<EndpointCheck>(EndpointRule{
      "tls.protocol.legacy", {"tls", "https", "dtls"},
      judge_tls_legacy, keys::tls::starttls}));
  out.push_back(std::make_unique<EndpointCheck>(EndpointRule{
      "tls.protocol.modern", {"tls", "https", "dtls"},
      judge_tls_modern, keys::tls::starttls}));
  out.push_back(std::make_unique<EndpointCheck>(EndpointRule{
      "tls.cipher.weak", {"tls", "https", "dtls"},
      judge_tls_ciphers, keys::tls::starttls}));
  out.push_back(std::make_unique<EndpointCheck>(EndpointRule{
      "tls.kex.weak", {"tls", "https", "dtls"},
      judge_tls_kex, keys::tls::starttls}));
  out.push_back(std::make_unique<EndpointCheck>(EndpointRule{
      "tls.cert.quality", {"tls", "https", "dtls"},
      judge_tls_cert, keys::tls::starttls}));
  out.push_back(std::make_unique<EndpointCheck>(EndpointRule{
      "log.exposed", {"http", "https"},
      [](const DeviceFacts& d, const Endpoint& ep) { return judge_exposed(d, ep, keys::http::exposed_logs, "logs"); }}));
  out.push_back(std::make_unique<EndpointCheck>(EndpointRule{
      "cfg.backup.exposure", {"http", "https"}, [](const DeviceFacts& d, const Endpoint& ep) {
        return judge_exposed(d, ep, keys::http::exposed_backups, "configuration backups");
      }}));
  out.push_back(std::make_unique<EndpointCheck>(EndpointRule{
      "svc.mqtt.anonymous", {"mqtt", "mqtts"}, judge_mqtt_anonymous}));
  out.push_back(std::make_unique<EndpointCheck>(EndpointRule{
      "cred.default.media", {"rtsp", "rtsps"}, judge_rtsp}));
  out.push_back(std::make_unique<EndpointCheck>(EndpointRule{
      "svc.snmp.community", {"snmp"}, judge_snmp}));
  out.push_back(std::make_unique<EndpointCheck>(EndpointRule{
      "svc.upnp.lan", {"ssdp"},
      judge_upnp}));
  out.push_back(std::make_unique<EndpointCheck>(EndpointRule{
      "svc.ntp.server", {"ntp"},
      judge_ntp}));
  out.push_back(std::make_unique<EndpointCheck>(EndpointRule{
      "svc.coap.unauth", {"coap"}, judge_coap}));
  out.push_back(std::make_unique<EndpointCheck>(EndpointRule{
      "ssh.config", {"ssh"},
      judge_ssh}));
  out.push_back(std::make_unique<EndpointCheck>(EndpointRule{
      "ssh.terrapin", {"ssh"}, judge_ssh_terrapin}));
  out.push_back(std::make_unique<EndpointCheck>(EndpointRule{
      "ssh.gex.prime", {"ssh"}, judge_ssh_gex}));
}

}  // namespace trustscan
