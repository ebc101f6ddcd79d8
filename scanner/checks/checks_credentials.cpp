// trustscan — credential checks (STANDARDS.md §2.1) over the cred.* observations of the trials
// (scanner/credentials/credentials.hpp) and what the protocol probes saw.
#include "scanner/checks/checks.hpp"
#include "scanner/checks/verdict_policy.hpp"
#include "probes/ftp/ftp_keys.hpp"
#include "probes/http/http_keys.hpp"
#include "probes/identify/service_keys.hpp"
#include "probes/mqtt/mqtt_keys.hpp"
#include "probes/passive/passive_keys.hpp"
#include "probes/rtsp/rtsp_keys.hpp"
#include "probes/snmp/snmp_keys.hpp"
#include "probes/ssh/ssh_keys.hpp"
#include "probes/telnet/telnet_keys.hpp"
#include "scanner/credentials/credential_keys.hpp"

#include <algorithm>

namespace trustscan {

namespace {

bool is_true(const Observation* o) { return o && std::holds_alternative<bool>(o->value) && std::get<bool>(o->value); }


std::vector<Endpoint> endpoints_with(const DeviceFacts& d, std::initializer_list<std::string_view> services) {
  return d.endpoints_of(services);
}

// cred.default.<proto>: per endpoint of the protocol, from the trial's observations.
// `what` names the service in summaries ("no SSH service").
class DefaultCredentials final : public CatalogCheck {
 public:
  DefaultCredentials(const char* id, const char* what, std::vector<std::string_view> services)
      : CatalogCheck(id), what_(what), services_(std::move(services)) {}
  void evaluate(const DeviceFacts& d, std::vector<Finding>& out) const override {
    const auto& i = meta();
    auto finding = [&](CheckStatus st, std::string summary) { return make_finding(i.id, st, i.severity, i.outcomes, std::move(summary)); };
    if (const auto why = not_judgeable(d); !why.empty()) {
      auto f = finding(CheckStatus::not_tested, "device not fully probed");
      f.reason = why;
      out.push_back(std::move(f));
      return;
    }
    std::vector<Endpoint> eps;
    for (const auto* o : d.find(keys::service::name)) {
      const auto& name = std::get<std::string>(o->value);
      if (o->endpoint && std::find(services_.begin(), services_.end(), name) != services_.end() &&
          std::find(eps.begin(), eps.end(), *o->endpoint) == eps.end())
        eps.push_back(*o->endpoint);
    }
    if (eps.empty()) {
      out.push_back(nothing_in_scope(i, d, services_, std::string("no ") + what_ + " service"));
      return;
    }
    for (const auto& ep : eps) {
      Finding f;
      const auto* surface = d.at(ep, keys::cred::surface);
      const auto* accepted = d.at(ep, keys::cred::accepted);
      const auto* inconclusive = d.at(ep, keys::cred::inconclusive);
      const auto* anon = d.at(ep, keys::ftp::anonymous_login);
      if (is_true(anon)) {
        f = finding(CheckStatus::fail, "anonymous login accepted on " + port_label(ep));
        f.evidence.push_back(evidence_from(*anon));
      } else if (is_true(accepted)) {
        f = finding(CheckStatus::fail, "default credentials " + accepted->evidence.username + "/" +
                                           (accepted->evidence.password.empty() ? "(blank)" : "…") + " accepted on " + port_label(ep));
        f.evidence.push_back(evidence_from(*accepted));
      } else if (const auto* open = d.at(ep, keys::mqtt::anonymous_accepted); is_true(open)) {
        f = finding(CheckStatus::not_applicable, "the broker takes anonymous clients on " + port_label(ep) + " (see svc.mqtt.anonymous)");
        f.evidence.push_back(evidence_from(*open));
      } else if (is_true(d.at(ep, keys::cred::no_auth))) {
        f = finding(CheckStatus::not_applicable, "no authentication at all on " + port_label(ep) + " (see cred.unauth.mgmt)");
        f.evidence.push_back(evidence_from(*d.at(ep, keys::cred::no_auth)));
      } else if (const auto* pw = d.at(ep, keys::ssh::password_auth); pw && !is_true(pw)) {
        f = finding(CheckStatus::pass, "no password logins offered (keys only) on " + port_label(ep));
        f.evidence.push_back(evidence_from(*pw));
        if (const auto* m = d.at(ep, keys::ssh::auth_methods)) f.evidence.push_back(evidence_from(*m));
      } else if (inconclusive) {
        f = finding(CheckStatus::not_tested, "trial stopped early on " + port_label(ep));
        f.reason = "inconclusive:" + std::get<std::string>(inconclusive->value);
        f.evidence.push_back(evidence_from(*inconclusive));
      } else if (accepted && surface) {
        // The accepted=false observation names the list: "6 of 6 pairs rejected (6 general from …)".
        f = finding(CheckStatus::pass, "every pair tried was rejected on " + port_label(ep) + ": " + accepted->evidence.detail);
        f.evidence.push_back(evidence_from(*surface));
        f.evidence.push_back(evidence_from(*accepted));
      } else {
        f = finding(CheckStatus::not_tested, "no login surface recognised on " + port_label(ep));
        f.reason = !d.credentials_tried ? "creds_disabled" : "inconclusive:no_login_surface";
        if (!d.credentials_tried) f.summary = "credential trials disabled (--no-creds) on " + port_label(ep);
      }
      f.endpoint = ep;
      out.push_back(std::move(f));
    }
  }

 private:
  const char* what_;
  std::vector<std::string_view> services_;
};

// cred.blank: every surface where a blank password was tried.
class BlankPassword final : public CatalogCheck {
 public:
  BlankPassword() : CatalogCheck("cred.blank") {}
  void evaluate(const DeviceFacts& d, std::vector<Finding>& out) const override {
    const auto i = info();
    bool any = false;
    for (const auto* t : d.find(keys::cred::blank_tested)) {
      if (!t->endpoint || !is_true(t)) continue;
      any = true;
      const auto* acc = d.at(*t->endpoint, keys::cred::blank_accepted);
      const auto* surface = d.at(*t->endpoint, keys::cred::surface);
      const bool bad = is_true(acc);
      auto f = make_finding(i.id, bad ? CheckStatus::fail : CheckStatus::pass, i.severity, i.outcomes,
                            (bad ? "empty password accepted by " : "empty passwords rejected by ") +
                                (surface ? std::get<std::string>(surface->value) : std::string("login")) + " on " + port_label(*t->endpoint));
      f.endpoint = t->endpoint;
      if (!acc) {
        // The trial records cred.blank_accepted with every blank attempt: without it there is
        // no answer to cite, and a judge that cites nothing has not judged (verdict_policy.hpp).
        f.status = CheckStatus::not_tested;
        f.reason = "inconclusive:no_evidence";
        f.summary = "a blank password was tried on " + port_label(*t->endpoint) + ", but its answer was not recorded";
        f.evidence.push_back(evidence_from(*t));
        out.push_back(std::move(f));
        continue;
      }
      if (bad)
        for (const auto* a : d.find(keys::cred::accepted))
          if (a->endpoint == t->endpoint && is_true(a)) f.evidence.push_back(evidence_from(*a));
      f.evidence.push_back(evidence_from(*acc));
      out.push_back(std::move(f));
    }
    if (!any) {
      auto f = make_finding(i.id, CheckStatus::not_tested, i.severity, i.outcomes, "no login surface took a blank password trial");
      f.reason = not_judgeable(d).empty() ? "inconclusive:no_login_surface" : not_judgeable(d);
      out.push_back(std::move(f));
    }
  }
};

// cred.unauth.mgmt: management reachable with no credentials at all.
class UnauthenticatedManagement final : public CatalogCheck {
 public:
  UnauthenticatedManagement() : CatalogCheck("cred.unauth.mgmt") {}
  void evaluate(const DeviceFacts& d, std::vector<Finding>& out) const override {
    const auto i = info();
    if (untested_when_unjudgeable(i, d, out)) return;
    bool failed = false;
    for (const auto* o : d.find(keys::cred::no_auth)) {
      if (!o->endpoint || !is_true(o)) continue;
      failed = true;
      auto f = make_finding(i.id, CheckStatus::fail, i.severity, i.outcomes, "any credentials are accepted on " + port_label(*o->endpoint));
      f.endpoint = o->endpoint;
      f.evidence.push_back(evidence_from(*o));
      out.push_back(std::move(f));
    }
    for (const auto* o : d.find(keys::telnet::prompt)) {
      if (!o->endpoint || std::get<std::string>(o->value) != "shell") continue;
      failed = true;
      auto f = make_finding(i.id, CheckStatus::fail, i.severity, i.outcomes, "a shell without login on " + port_label(*o->endpoint));
      f.endpoint = o->endpoint;
      f.evidence.push_back(evidence_from(*o));
      out.push_back(std::move(f));
    }
    if (failed) return;
    const auto surfaces = d.find(keys::cred::surface);
    if (surfaces.empty()) {
      auto f = make_finding(i.id, CheckStatus::not_tested, i.severity, i.outcomes, "no management login surface recognised");
      f.reason = "inconclusive:no_login_surface";
      out.push_back(std::move(f));
      return;
    }
    // A surface whose answer to the random pair only read as a success proves neither way.
    for (const auto* kb : d.find(keys::cred::known_bad)) {
      if (!kb->endpoint || !std::holds_alternative<std::string>(kb->value) || std::get<std::string>(kb->value) != "unproven")
        continue;
      auto f = make_finding(i.id, CheckStatus::not_tested, i.severity, i.outcomes,
                            "a random pair's answer on " + port_label(*kb->endpoint) +
                                " reads as a success but shows no protected content: not judged");
      f.reason = "inconclusive:unproven_access";
      f.endpoint = kb->endpoint;
      f.evidence.push_back(evidence_from(*kb));
      out.push_back(std::move(f));
      return;
    }
    auto f = make_finding(i.id, CheckStatus::pass, i.severity, i.outcomes,
                          std::to_string(surfaces.size()) + " login surface(s) refused a random user name and password");
    for (const auto* s : surfaces) f.evidence.push_back(evidence_from(*s));
    out.push_back(std::move(f));
  }
};

// cred.transport.cleartext: a login surface (or SNMP community) on a cleartext transport.
class CleartextCredentials final : public CatalogCheck {
 public:
  CleartextCredentials() : CatalogCheck("cred.transport.cleartext") {}
  void evaluate(const DeviceFacts& d, std::vector<Finding>& out) const override {
    const auto i = info();
    // Seen on the wire (replay, --capture): a login to this device that crossed in cleartext.
    const auto wire = d.find(keys::server::credentials_cleartext);
    for (const auto* o : wire) {
      auto f = make_finding(i.id, CheckStatus::fail, i.severity, i.outcomes,
                            "credentials seen in cleartext: " + std::get<std::string>(o->value));
      f.endpoint = o->endpoint;
      f.evidence.push_back(evidence_from(*o));
      out.push_back(std::move(f));
    }
    if (const auto why = not_judgeable(d); !why.empty()) {
      if (!wire.empty()) return;
      auto f = make_finding(i.id, CheckStatus::not_tested, i.severity, i.outcomes, "device not fully probed");
      f.reason = why;
      out.push_back(std::move(f));
      return;
    }
    std::size_t found = 0;
    auto report = [&](const Endpoint& ep, const std::string& what, const Observation* proof) {
      ++found;
      auto f = make_finding(i.id, CheckStatus::fail, i.severity, i.outcomes, what + " on " + port_label(ep));
      f.endpoint = ep;
      if (!proof) proof = d.at(ep, keys::service::name);  // no prompt or banner read: the identification proves it
      if (proof) f.evidence.push_back(evidence_from(*proof));
      out.push_back(std::move(f));
    };
    // Login surfaces as the protocol probes recorded them, whether or not trials ran (--no-creds):
    // a trial's surface when there is one, else the probe's own reading of the page or reply.
    for (const auto& ep : endpoints_with(d, {"http"})) {
      if (const auto* s = d.at(ep, keys::cred::surface)) {
        report(ep, std::get<std::string>(s->value) + " over plain HTTP", s);
      } else if (const auto* a = d.at(ep, keys::http::auth_schemes)) {
        std::string schemes;
        if (const auto* v = std::get_if<std::vector<std::string>>(&a->value))
          for (const auto& x : *v) schemes += (schemes.empty() ? "" : ", ") + x;
        report(ep, "HTTP authentication (" + schemes + ") over plain HTTP", a);
      } else if (const auto* form = d.at(ep, keys::http::login_form); is_true(form)) {
        report(ep, "HTML login form over plain HTTP", form);
      }
    }
    // Telnet carries a login only where it asked for one: a server that negotiated options and
    // showed no prompt (or whose probe ended early) proves nothing either way; one that opened
    // a shell without asking takes no credentials (cred.unauth.mgmt judges that).
    std::vector<Endpoint> unsure;
    for (const auto& ep : endpoints_with(d, {"telnet"})) {
      const auto* prompt = d.at(ep, keys::telnet::prompt);
      const auto* kind = prompt ? std::get_if<std::string>(&prompt->value) : nullptr;
      if (kind && (*kind == "login" || *kind == "password")) report(ep, "Telnet login (cleartext)", prompt);
      else if (!kind || *kind != "shell") unsure.push_back(ep);
    }
    for (const auto& ep : endpoints_with(d, {"ftp"})) report(ep, "FTP USER/PASS (cleartext)", d.at(ep, keys::ftp::banner));
    for (const auto& ep : endpoints_with(d, {"mqtt", "rtsp"})) {
      if (const auto* s = d.at(ep, keys::cred::surface)) {
        report(ep, std::get<std::string>(s->value) + " (cleartext)", s);
      } else if (const auto* anon = d.at(ep, keys::mqtt::anonymous_accepted); anon && !is_true(anon)) {
        report(ep, "MQTT CONNECT asks for credentials (cleartext)", anon);
      } else if (const auto* ds = d.at(ep, keys::rtsp::describe_status);
                 ds && std::holds_alternative<std::int64_t>(ds->value) && std::get<std::int64_t>(ds->value) == 401) {
        report(ep, "RTSP authentication on DESCRIBE (cleartext)", ds);
      }
    }
    for (const auto& ep : endpoints_with(d, {"snmp"}))
      if (const auto* c = d.at(ep, keys::snmp::communities)) report(ep, "SNMPv1/v2c community strings (cleartext)", c);
    if (found == 0 && wire.empty() && !unsure.empty()) {
      auto f = make_finding(i.id, CheckStatus::not_tested, i.severity, i.outcomes,
                            "Telnet on " + listed_ports(unsure) + " showed no login prompt (option negotiation only), "
                            "so whether it takes credentials is unknown");
      f.reason = "inconclusive:no_login_prompt";
      for (const auto& ep : unsure)
        if (const auto* o = d.at(ep, keys::telnet::prompt); o || (o = d.at(ep, keys::service::name)))
          f.evidence.push_back(evidence_from(*o));
      out.push_back(std::move(f));
      return;
    }
    if (found == 0 && wire.empty()) {
      auto f = make_finding(i.id, CheckStatus::pass, i.severity, i.outcomes,
                            "no login surface on a cleartext transport among the services found");
      Evidence e;
      e.kind = "service_identification";
      e.detail = "every open port identified; no plain HTTP, Telnet, FTP, MQTT, RTSP or SNMP login surface";
      f.evidence.push_back(std::move(e));
      require_complete_inventory(f, d, {"http", "telnet", "ftp", "mqtt", "rtsp", "snmp"});
      out.push_back(std::move(f));
    }
  }
};

// cred.bruteforce.throttle (opt-in, --creds-throttle): per login surface, what the throttling
// test saw (scanner/credentials/credentials.cpp).
class BruteforceThrottle final : public CatalogCheck {
 public:
  BruteforceThrottle() : CatalogCheck("cred.bruteforce.throttle") {}
  void evaluate(const DeviceFacts& d, std::vector<Finding>& out) const override {
    const auto i = info();
    auto untested = [&](std::string summary, std::string reason) {
      auto f = make_finding(i.id, CheckStatus::not_tested, i.severity, i.outcomes, std::move(summary));
      f.reason = std::move(reason);
      out.push_back(std::move(f));
    };
    if (const auto why = not_judgeable(d); !why.empty()) return untested("device not fully probed", why);
    bool opted_in = false, judged = false;
    for (const auto* t : d.find(keys::cred::throttle_tested)) {
      if (!t->endpoint || !is_true(t)) continue;
      opted_in = true;
      const auto* v = d.at(*t->endpoint, keys::cred::throttle);
      if (!v) continue;
      const auto& reading = std::get<std::string>(v->value);
      const auto* surface = d.at(*t->endpoint, keys::cred::surface);
      const std::string what = (surface ? std::get<std::string>(surface->value) : std::string("login")) + " on " + port_label(*t->endpoint);
      Finding f;
      if (reading == "lockout" || reading == "delay") {
        f = make_finding(i.id, CheckStatus::pass, i.severity, i.outcomes,
                         (reading == "lockout" ? "throttling or lockout after wrong passwords: " : "answers slow down after wrong passwords: ") + what);
      } else if (reading == "none") {
        const auto* n = d.at(*t->endpoint, keys::cred::throttle_attempts);
        f = make_finding(i.id, CheckStatus::fail, i.severity, i.outcomes,
                         std::to_string(n ? std::get<std::int64_t>(n->value) : 0) + " wrong passwords in a row, no throttling: " + what);
      } else {
        f = make_finding(i.id, CheckStatus::not_tested, i.severity, i.outcomes, "throttling test without usable answers: " + what);
        f.reason = "inconclusive:" + reading;
      }
      judged = true;
      f.endpoint = t->endpoint;
      f.evidence.push_back(evidence_from(*v));
      out.push_back(std::move(f));
    }
    if (judged) return;
    if (!opted_in && !d.find(keys::cred::surface).empty())
      return untested("opt-in: wrong-password attempts can lock the device (class dos: --safety dos, --allow cred.throttle or --creds-throttle)", "opt_in:--creds-throttle");
    untested("no login surface to test", "inconclusive:no_login_surface");
  }
};

}  // namespace

void add_credential_checks(std::vector<std::unique_ptr<Check>>& out) {
  out.push_back(std::make_unique<BlankPassword>());
  out.push_back(std::make_unique<DefaultCredentials>("cred.default.http", "HTTP logins",
                                                     std::vector<std::string_view>{"http", "https"}));
  out.push_back(std::make_unique<DefaultCredentials>("cred.default.telnet", "Telnet",
                                                     std::vector<std::string_view>{"telnet"}));
  out.push_back(std::make_unique<DefaultCredentials>("cred.default.ssh", "SSH",
                                                     std::vector<std::string_view>{"ssh"}));
  out.push_back(std::make_unique<DefaultCredentials>("cred.default.ftp", "FTP (anonymous included)",
                                                     std::vector<std::string_view>{"ftp"}));
  out.push_back(std::make_unique<DefaultCredentials>("cred.default.mqtt", "MQTT",
                                                     std::vector<std::string_view>{"mqtt", "mqtts"}));
  out.push_back(std::make_unique<BruteforceThrottle>());
  out.push_back(std::make_unique<CleartextCredentials>());
  out.push_back(std::make_unique<UnauthenticatedManagement>());
}

}  // namespace trustscan
