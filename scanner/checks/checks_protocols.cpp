// trustscan — checks judged per endpoint from what the protocol probes observed (the shape of
// every check here: scanner/checks/endpoint_check.hpp).
#include "scanner/checks/checks.hpp"
#include "scanner/checks/endpoint_check.hpp"
#include "scanner/checks/verdict_policy.hpp"
#include "probes/coap/coap_keys.hpp"
#include "probes/http/http_keys.hpp"
#include "probes/identify/service_keys.hpp"
#include "probes/mqtt/mqtt_keys.hpp"
#include "probes/ntp/ntp_keys.hpp"
#include "probes/rtsp/rtsp_keys.hpp"
#include "probes/snmp/snmp_keys.hpp"
#include "probes/ssdp/ssdp_keys.hpp"
#include "probes/ssh/ssh_keys.hpp"
#include "probes/tls/tls_keys.hpp"
#include "scanner/credentials/credential_keys.hpp"

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

// SSH algorithms that current guidance (RFC 9142 for key exchange, RFC 8758 for arcfour, NIST
// SP 800-131A for SHA-1 and 3DES) says to turn off.
bool weak_ssh_algorithm(std::string_view a) {
  static constexpr std::string_view weak_exact[] = {
      "diffie-hellman-group1-sha1", "diffie-hellman-group14-sha1", "diffie-hellman-group-exchange-sha1",
      "ssh-dss", "3des-cbc", "blowfish-cbc", "cast128-cbc", "arcfour", "arcfour128", "arcfour256",
      "hmac-md5", "hmac-md5-96", "hmac-sha1-96", "hmac-md5-etm@openssh.com", "hmac-md5-96-etm@openssh.com",
      "hmac-sha1-96-etm@openssh.com", "none"};
  for (auto w : weak_exact)
    if (a == w) return true;
  return a.ends_with("-cbc") || a.starts_with("arcfour");
}

Verdict judge_ssh(const DeviceFacts& d, const Endpoint& ep) {
  const auto* proto = d.at(ep, keys::ssh::proto_version);
  if (!proto) return untested("no SSH identification line");
  const auto& pv = std::get<std::string>(proto->value);
  if (pv.starts_with("1.") && pv != "1.99") {
    auto v = verdict(CheckStatus::fail, "SSH protocol 1 only (" + pv + ")", {proto});
    return v;
  }
  std::vector<std::string> weak;
  std::vector<const Observation*> proof{proto};
  bool have_lists = false;
  for (const ObservationKey& key : {keys::ssh::kex_algorithms, keys::ssh::host_key_algorithms, keys::ssh::ciphers,
                                    keys::ssh::macs}) {
    const auto* o = d.at(ep, key);
    if (!o) continue;
    have_lists = true;
    bool any = false;
    for (const auto& a : std::get<std::vector<std::string>>(o->value))
      if (weak_ssh_algorithm(a)) weak.push_back(a), any = true;
    if (any) proof.push_back(o);
  }
  if (!have_lists) return untested("the server's KEXINIT was not received");
  if (weak.empty()) return verdict(CheckStatus::pass, "no weak SSH algorithms offered", proof);
  std::string list;
  for (const auto& w : weak) list += (list.empty() ? "" : ", ") + w;
  auto v = verdict(CheckStatus::fail, "weak SSH algorithms offered: " + list, proof);
  v.severity = Severity::medium;
  v.severity_set = true;
  return v;
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

Verdict judge_tls_legacy(const DeviceFacts& d, const Endpoint& ep) {
  const auto* versions = list_at(d, ep, keys::tls::versions);
  if (!versions || versions->empty()) return untested("no TLS version completed a ServerHello");
  std::vector<std::string> legacy;
  bool ssl = false;
  for (const auto& v : *versions)
    if (v == "SSLv2" || v == "SSLv3" || v == "TLSv1.0" || v == "TLSv1.1") {
      legacy.push_back(v);
      ssl = ssl || v.starts_with("SSL");
    }
  const auto* proof = d.at(ep, keys::tls::versions);
  if (legacy.empty()) return verdict(CheckStatus::pass, "only TLS 1.2 or later accepted (" + joined(*versions) + ")", {proof});
  auto v = verdict(CheckStatus::fail, "legacy protocol versions accepted: " + joined(legacy), {proof});
  v.severity = ssl ? Severity::critical : Severity::high;
  v.severity_set = true;
  return v;
}

Verdict judge_tls_modern(const DeviceFacts& d, const Endpoint& ep) {
  const auto* versions = list_at(d, ep, keys::tls::versions);
  if (!versions || versions->empty()) return untested("no TLS version completed a ServerHello");
  const auto* proof = d.at(ep, keys::tls::versions);
  const bool v12 = std::find(versions->begin(), versions->end(), "TLSv1.2") != versions->end();
  const bool v13 = std::find(versions->begin(), versions->end(), "TLSv1.3") != versions->end();
  if (v12 || v13) return verdict(CheckStatus::pass, std::string("TLS 1.2 or 1.3 supported") + (v13 ? "" : " (no TLS 1.3)"), {proof});
  return verdict(CheckStatus::fail, "neither TLS 1.2 nor TLS 1.3 supported", {proof});
}

// Record protection: weak suites, and TLS compression (CRIME: DEFLATE before encryption lets an
// attacker who injects text learn secrets from record sizes, RFC 7457 §2.6).
Verdict judge_tls_ciphers(const DeviceFacts& d, const Endpoint& ep) {
  const auto* weak = list_at(d, ep, keys::tls::weak_ciphers);
  if (!weak) return untested("no suite enumeration");
  const auto* proof = d.at(ep, keys::tls::weak_ciphers);
  const auto* compression = d.at(ep, keys::tls::compression);
  const bool deflate = compression && std::holds_alternative<bool>(compression->value) && std::get<bool>(compression->value);
  if (weak->empty() && !deflate) return verdict(CheckStatus::pass, "no weak cipher suite accepted", {proof});
  std::vector<std::string> why;
  std::vector<const Observation*> proofs;
  if (!weak->empty()) {
    why.push_back(std::to_string(weak->size()) + " weak suite(s) accepted: " + joined(*weak));
    proofs.push_back(proof);
  }
  if (deflate) {
    why.push_back("TLS compression (DEFLATE) accepted: CRIME");
    proofs.push_back(compression);
  }
  std::string summary;
  for (const auto& w : why) summary += (summary.empty() ? "" : "; ") + w;
  return verdict(CheckStatus::fail, summary, proofs);
}

Verdict judge_tls_kex(const DeviceFacts& d, const Endpoint& ep) {
  if (!list_at(d, ep, keys::tls::versions)) return untested("no TLS version completed a ServerHello");
  std::vector<std::string> why;
  std::vector<const Observation*> proof;
  const auto key_type = d.at(ep, keys::tls::cert_key_type);
  const auto key_bits = int_at(d, ep, keys::tls::cert_key_bits);
  if (key_type && key_bits && (std::get<std::string>(key_type->value) == "RSA" || std::get<std::string>(key_type->value) == "DSA") &&
      *key_bits < 2048) {
    why.push_back(std::get<std::string>(key_type->value) + " key of " + std::to_string(*key_bits) + " bits");
    proof.push_back(d.at(ep, keys::tls::cert_key_bits));
  }
  if (const auto dh = int_at(d, ep, keys::tls::dh_bits); dh && *dh < 2048) {
    why.push_back("DH group of " + std::to_string(*dh) + " bits");
    proof.push_back(d.at(ep, keys::tls::dh_bits));
  }
  if (const auto ec = int_at(d, ep, keys::tls::ecdhe_bits); ec && *ec < 224) {
    why.push_back("ECDH group of " + std::to_string(*ec) + " bits");
    proof.push_back(d.at(ep, keys::tls::ecdhe_bits));
  }
  if (!why.empty()) {
    auto v = verdict(CheckStatus::fail, "weak key exchange: " + joined(why), proof);
    v.severity = Severity::high;
    v.severity_set = true;
    return v;
  }
  if (const auto* fs = d.at(ep, keys::tls::forward_secrecy); fs && !std::get<bool>(fs->value)) {
    auto v = verdict(CheckStatus::fail, "no forward-secret suite accepted", {fs});
    v.severity = Severity::medium;
    v.severity_set = true;
    return v;
  }
  const auto* fs = d.at(ep, keys::tls::forward_secrecy);
  if (!fs) return untested("no cipher suite was accepted, so forward secrecy is unknown");
  return verdict(CheckStatus::pass, "keys and groups of at least 2048 (RSA/DH) or 224 (EC) bits, with forward secrecy", {fs});
}

Verdict judge_tls_cert(const DeviceFacts& d, const Endpoint& ep) {
  const auto* subject = d.at(ep, keys::tls::cert_subject);
  if (!subject) return untested("no certificate was read");
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
  if (const auto* sig = d.at(ep, keys::tls::cert_signature)) {
    const auto& s = std::get<std::string>(sig->value);
    if (s.find("md5") != std::string::npos || s.find("sha1") != std::string::npos || s.find("SHA1") != std::string::npos) {
      why.push_back("signed with " + s);
      proof.push_back(sig);
    }
  }
  const auto* kt = d.at(ep, keys::tls::cert_key_type);
  if (const auto bits = int_at(d, ep, keys::tls::cert_key_bits);
      kt && bits && std::get<std::string>(kt->value) == "RSA" && *bits < 2048) {
    why.push_back("RSA key of " + std::to_string(*bits) + " bits");
    proof.push_back(d.at(ep, keys::tls::cert_key_bits));
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
  const std::vector<std::string> iac = {"IR8259A:LAI", "IR8425:IAC.1", "IR8425A:R-IAC"};
  auto with = [](std::vector<std::string> base, std::initializer_list<const char*> more) {
    for (const char* m : more) base.emplace_back(m);
    return base;
  };
  out.push_back(std::make_unique<EndpointCheck>(EndpointRule{
      "svc.http.cleartext", "Plain HTTP only redirects to HTTPS", Severity::medium,
      {"IR8259A:LAI", "IR8259A:DP", "IR8425:IAC.1", "IR8425:DP.3", "IR8425A:R-IAC", "EN303645:5.5-1"}, {"http"},
      judge_http_cleartext}));
  out.push_back(std::make_unique<EndpointCheck>(EndpointRule{
      "tls.http.redirect", "Plain HTTP redirects to HTTPS before any login", Severity::high,
      {"IR8259A:DP", "IR8259A:LAI", "IR8425:DP.3", "IR8425:IAC.1", "IR8425A:R-DP", "EN303645:5.1-3", "EN303645:5.5-1"},
      {"http"}, judge_http_redirect}));
  const std::vector<std::string> dp3 = {"IR8259A:DP", "IR8425:DP.3", "IR8425A:R-DP", "EN303645:5.5-1"};
  out.push_back(std::make_unique<EndpointCheck>(EndpointRule{
      "tls.protocol.legacy", "No SSLv2/SSLv3/TLS 1.0/TLS 1.1", Severity::high, dp3, {"tls", "https"},
      judge_tls_legacy, keys::tls::starttls}));
  out.push_back(std::make_unique<EndpointCheck>(EndpointRule{
      "tls.protocol.modern", "TLS 1.2 or 1.3 supported", Severity::high, dp3, {"tls", "https"},
      judge_tls_modern, keys::tls::starttls}));
  out.push_back(std::make_unique<EndpointCheck>(EndpointRule{
      "tls.cipher.weak", "No NULL, EXPORT, anon, RC4, DES/3DES or MD5 suites, no TLS compression", Severity::high, dp3, {"tls", "https"},
      judge_tls_ciphers, keys::tls::starttls}));
  out.push_back(std::make_unique<EndpointCheck>(EndpointRule{
      "tls.kex.weak", "Strong key exchange with forward secrecy", Severity::high, dp3, {"tls", "https"},
      judge_tls_kex, keys::tls::starttls}));
  out.push_back(std::make_unique<EndpointCheck>(EndpointRule{
      "tls.cert.quality", "Certificate valid with a strong key and signature", Severity::medium, dp3, {"tls", "https"},
      judge_tls_cert, keys::tls::starttls}));
  out.push_back(std::make_unique<EndpointCheck>(EndpointRule{
      "log.exposed", "No logs readable without authentication", Severity::high,
      {"IR8259A:CSA", "IR8259A:DP", "IR8425:DP.1", "IR8425A:R-DP", "EN303645:5.6-2"}, {"http", "https"},
      [](const DeviceFacts& d, const Endpoint& ep) { return judge_exposed(d, ep, keys::http::exposed_logs, "logs"); }}));
  out.push_back(std::make_unique<EndpointCheck>(EndpointRule{
      "cfg.backup.exposure", "No configuration backup downloadable without authentication", Severity::critical,
      {"IR8259A:DC", "IR8259A:DP", "IR8425:PC.1", "IR8425:DP.1", "IR8425A:R-DP", "EN303645:5.5-5", "EN303645:5.5-7"},
      {"http", "https"}, [](const DeviceFacts& d, const Endpoint& ep) {
        return judge_exposed(d, ep, keys::http::exposed_backups, "configuration backups");
      }}));
  out.push_back(std::make_unique<EndpointCheck>(EndpointRule{
      "svc.mqtt.anonymous", "MQTT broker refuses anonymous clients", Severity::critical,
      with(iac, {"EN303645:5.5-4", "EN303645:5.1-1"}), {"mqtt", "mqtts"}, judge_mqtt_anonymous}));
  out.push_back(std::make_unique<EndpointCheck>(EndpointRule{
      "cred.default.media", "Camera streams need credentials", Severity::critical,
      {"IR8259A:LAI", "IR8425:IAC.1", "EN303645:5.1-1", "EN303645:5.5-4"}, {"rtsp", "rtsps"}, judge_rtsp}));
  out.push_back(std::make_unique<EndpointCheck>(EndpointRule{
      "svc.snmp.community", "SNMP does not answer default communities", Severity::high,
      with(iac, {"EN303645:5.1-1", "EN303645:5.6-1"}), {"snmp"}, judge_snmp}));
  out.push_back(std::make_unique<EndpointCheck>(EndpointRule{
      "svc.upnp.lan", "No unauthenticated UPnP port mapping", Severity::medium, with(iac, {"EN303645:5.6-1"}), {"ssdp"},
      judge_upnp}));
  out.push_back(std::make_unique<EndpointCheck>(EndpointRule{
      "svc.ntp.server", "NTP service does not amplify", Severity::medium, with(iac, {"EN303645:5.6-5"}), {"ntp"},
      judge_ntp}));
  out.push_back(std::make_unique<EndpointCheck>(EndpointRule{
      "svc.coap.unauth", "CoAP resources need DTLS", Severity::medium,
      {"IR8259A:LAI", "IR8425:IAC.1", "EN303645:5.5-4"}, {"coap"}, judge_coap}));
  out.push_back(std::make_unique<EndpointCheck>(EndpointRule{
      "ssh.config", "SSH offers only current protocol and algorithms", Severity::high,
      {"IR8259A:DP", "IR8259A:LAI", "IR8425:DP.3", "IR8425:IAC.1", "IR8425A:R-DP", "EN303645:5.5-1"}, {"ssh"},
      judge_ssh}));
}

}  // namespace trustscan
