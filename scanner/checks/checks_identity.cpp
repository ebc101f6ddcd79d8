// trustscan — device-wide checks over everything observed: what the device discloses without
// authentication (svc.info_disclosure) and how it identifies itself (id.model,
// id.logical_identifier).
#include "scanner/checks/checks.hpp"
#include "scanner/checks/verdict_policy.hpp"

#include <algorithm>
#include "probes/dhcp/dhcp_keys.hpp"
#include "scanner/pipeline/probe_keys.hpp"
#include "scanner/credentials/credential_keys.hpp"
#include "probes/dns/dns_keys.hpp"
#include "probes/http/http_keys.hpp"
#include "probes/ntp/ntp_keys.hpp"
#include "probes/passive/passive_keys.hpp"
#include "probes/snmp/snmp_keys.hpp"
#include "probes/ssdp/ssdp_keys.hpp"

namespace trustscan {

namespace {

// Facts that identify firmware, model or unit and that no protocol requires a device to send
// before authentication. Protocol-mandated version strings (the SSH identification line, HTTP
// Server headers) are left out: every conformant server sends them.
constexpr std::string_view kDisclosures[] = {
    keys::snmp::sys_descr,        // SNMP with a default community
    keys::upnp::serial_number,    // UPnP description
    keys::upnp::model_description,
    keys::upnp::model_number,
    keys::ntp::mode6_version,     // NTP control queries
    keys::ntp::mode6_system,
    keys::dns::version_bind,      // DNS CHAOS queries
};

// The services that answer with those facts: their absence must be proven for a pass.
const std::vector<std::string_view> kDisclosingServices = {"snmp", "upnp", "ssdp", "ntp", "dns"};

std::string value_text(const Observation& o) {
  if (const auto* s = std::get_if<std::string>(&o.value)) return *s;
  return {};
}

class InfoDisclosure final : public CatalogCheck {
 public:
  InfoDisclosure() : CatalogCheck("svc.info_disclosure") {}
  void evaluate(const DeviceFacts& d, std::vector<Finding>& out) const override {
    const auto i = info();
    if (untested_when_unjudgeable(i, d, out)) return;
    std::vector<const Observation*> found;
    for (const auto& o : d.observations)
      for (auto k : kDisclosures)
        if (o.key == k && !value_text(o).empty()) found.push_back(&o);
    if (found.empty()) {
      // A pass on absence (verdict_policy.hpp): it cites the inventory, and holds only when the
      // inventory is complete for the services that disclose (else not_tested with the reason).
      auto f = make_finding(i.id, CheckStatus::pass, i.severity, i.outcomes,
                            "no firmware, model or serial details found in unauthenticated answers");
      Evidence e;
      e.kind = "service_identification";
      e.detail = "svc.inventory: every open port was identified; no SNMP, UPnP, NTP or DNS answer disclosed firmware, "
                 "model or serial details";
      f.evidence.push_back(std::move(e));
      require_complete_inventory(f, d, kDisclosingServices);
      out.push_back(std::move(f));
      return;
    }
    std::string what;
    for (const auto* o : found) {
      const std::string item = o->key + (o->endpoint ? "@" + std::to_string(o->endpoint->port) : "");
      what += (what.empty() ? "" : ", ") + item;
    }
    auto f = make_finding(i.id, CheckStatus::fail, i.severity, i.outcomes, "disclosed without authentication: " + what);
    for (const auto* o : found) {
      Evidence e = evidence_from(*o);
      e.detail = o->key + " = " + value_text(*o);
      f.evidence.push_back(std::move(e));
    }
    out.push_back(std::move(f));
  }
};

// Informational facts that identify the device: reported with their sources, never pass/fail,
// because every source a network scan reaches here is unauthenticated (STANDARDS.md §2.6).
class IdentityFacts final : public CatalogCheck {
 public:
  IdentityFacts(const char* id, std::vector<std::string_view> keys) : CatalogCheck(id), keys_(std::move(keys)) {}
  void evaluate(const DeviceFacts& d, std::vector<Finding>& out) const override {
    std::vector<const Observation*> found;
    for (const auto& o : d.observations)
      if (std::find(keys_.begin(), keys_.end(), o.key) != keys_.end() && !value_text(o).empty()) found.push_back(&o);
    if (found.empty()) {
      auto f = make_finding(id(), CheckStatus::not_tested, meta().severity, meta().outcomes, "no source of this fact answered");
      f.reason = d.probed ? "inconclusive:not_disclosed" : d.passive ? "no_traffic_observed" : not_judgeable(d);
      out.push_back(std::move(f));
      return;
    }
    std::string summary;
    for (const auto* o : found) {
      const auto item = o->key + " = " + value_text(*o);
      if (summary.find(item) == std::string::npos) summary += (summary.empty() ? "" : "; ") + item;
    }
    auto f = make_finding(id(), CheckStatus::info, meta().severity, meta().outcomes, summary + " (unauthenticated sources)");
    for (const auto* o : found) f.evidence.push_back(evidence_from(*o));
    out.push_back(std::move(f));
  }

 private:
  std::vector<std::string_view> keys_;
};

}  // namespace

// dev.liveness: the device still answers after the assessment. A device that crashes, hangs or
// reboots under a conformance scan's probes and login attempts fails input validation and
// resilience outcomes (STANDARDS.md res.input_fuzz_light: crash detection by liveness probes).
class Liveness final : public CatalogCheck {
 public:
  Liveness() : CatalogCheck("dev.liveness") {}
  void evaluate(const DeviceFacts& d, std::vector<Finding>& out) const override {
    const auto i = info();
    if (untested_when_unjudgeable(i, d, out)) return;
    const auto seen = d.find(keys::probe::liveness.name);
    if (seen.empty()) {
      auto f = make_finding(i.id, CheckStatus::not_tested, i.severity, i.outcomes,
                            "no TCP port was open to check the device's liveness on");
      f.reason = "no_open_tcp_port";
      out.push_back(std::move(f));
      return;
    }
    const Observation& o = *seen.back();
    const std::string state = value_text(o);
    // Only a device that answers nothing at all, when no login attempt could have made it block
    // this scanner, fails: a port that now refuses while the host answers may be a one-shot
    // service or a refusal by address, and silence after login attempts may be a lockout by
    // address (fail2ban and the like) as well as a crash.
    bool logins_tried = false;
    for (const auto* a : d.find(keys::cred::attempts.name))
      if (const auto* n = std::get_if<std::int64_t>(&a->value); n && *n > 0) logins_tried = true;
    Finding f;
    if (state == "answered") {
      f = make_finding(i.id, CheckStatus::pass, i.severity, i.outcomes, "the device still answered after the assessment");
    } else if (state == "host_up") {
      f = make_finding(i.id, CheckStatus::not_tested, i.severity, i.outcomes,
                       "the open ports no longer accept connections, but the host still answers: a service stopped, "
                       "or the device refuses this scanner now");
      f.reason = "inconclusive:ports_closed_host_up";
    } else if (logins_tried) {
      f = make_finding(i.id, CheckStatus::not_tested, i.severity, i.outcomes,
                       "the device answers nothing since the login attempts: it crashed or rebooted, or it blocks this "
                       "scanner's address after failed logins");
      f.reason = "inconclusive:silent_after_logins";
    } else {
      f = make_finding(i.id, CheckStatus::fail, i.severity, i.outcomes,
                       "the device stopped answering during the assessment (crashed, hung or rebooted)");
    }
    f.endpoint = o.endpoint;
    Evidence e = o.evidence;
    e.kind = "liveness";
    f.evidence.push_back(std::move(e));
    out.push_back(std::move(f));
  }
};

void add_identity_checks(std::vector<std::unique_ptr<Check>>& out) {
  out.push_back(std::make_unique<InfoDisclosure>());
  out.push_back(std::make_unique<Liveness>());
  out.push_back(std::make_unique<IdentityFacts>(
      "id.model",
      std::vector<std::string_view>{keys::upnp::model_name, keys::upnp::model_number, keys::upnp::friendly_name,
                                    keys::snmp::sys_name, keys::http::title,
                                    keys::dhcp::vendor_class, keys::dhcp::hostname, keys::http::user_agent}));
  out.push_back(std::make_unique<IdentityFacts>(
      "id.logical_identifier",
      std::vector<std::string_view>{keys::upnp::udn, keys::upnp::serial_number, keys::ssdp::usn, keys::mdns::instances,
                                    keys::dhcp::client_id}));
  // id.mac_oui (STANDARDS.md §2.6): the vendor of the device's MAC from the IEEE registries, seen
  // in a capture; a locally administered (randomised) MAC is reported as such.
  out.push_back(std::make_unique<IdentityFacts>(
      "id.mac_oui",
      std::vector<std::string_view>{keys::device::mac_vendor, keys::device::mac}));
}

}  // namespace trustscan
