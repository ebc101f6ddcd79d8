// trustscan — checks that compare what the device does with what its manufacturer declared
// (--declaration; STANDARDS.md §1.6, the TS 103 701 IXIT idea). Without a declaration each is
// not_tested with reason no_declaration and lists what was seen: "found X" alone is not a fail,
// and never a pass.
//
// Passive observation keys they read (device-wide, from `trustscan replay` / --capture):
//   client.update.host   a host the device fetched a software update or manifest from
//   client.dns.query     a name the device looked up
//   client.tls.sni       a server name the device sent in a TLS ClientHello
//   client.http.host     the Host of an HTTP request the device made
#include "scanner/checks/checks.hpp"
#include "probes/identify/service_keys.hpp"
#include "probes/passive/passive_keys.hpp"

#include <map>
#include <set>

namespace trustscan {

namespace {

Finding declaration_missing(std::string_view id, Severity sev, std::vector<std::string> outcomes, std::string seen) {
  auto f = make_finding(id, CheckStatus::not_tested, sev, std::move(outcomes),
                        "no declaration to compare with (--declaration)" + (seen.empty() ? "" : "; seen: " + seen));
  f.reason = "no_declaration";
  return f;
}

// svc.undeclared: every open port is one the manufacturer declared, speaking what it declared.
class UndeclaredServices final : public CatalogCheck {
 public:
  UndeclaredServices() : CatalogCheck("svc.undeclared") {}

  void evaluate(const DeviceFacts& device, std::vector<Finding>& out) const override {
    std::vector<Endpoint> open;
    for (const auto& p : device.ports)
      if (p.state == PortState::open) open.push_back(p.endpoint);
    std::string list;
    for (const auto& ep : open) list += (list.empty() ? "" : ", ") + port_label(ep);
    if (!device.declaration) {
      out.push_back(declaration_missing(id(), meta().severity, meta().outcomes, list));
      return;
    }
    if (!device.scan_complete || device.ports.empty()) {
      auto f = make_finding(id(), CheckStatus::not_tested, meta().severity, meta().outcomes, "the port scan did not complete");
      f.reason = device.ports.empty() ? "not_scanned" : "inconclusive:interrupted";
      out.push_back(std::move(f));
      return;
    }
    bool failed = false;
    for (const auto& ep : open) {
      const auto* declared = device.declaration->service_at(ep);
      const std::string speaks = device.value_at(ep, keys::service::name);
      std::string why;
      if (!declared) why = port_label(ep) + " listens but is not declared";
      else if (!declared->service.empty() && !speaks.empty() && speaks != declared->service)
        why = port_label(ep) + " is declared as " + declared->service + " but speaks " + speaks;
      if (why.empty()) continue;
      failed = true;
      auto f = make_finding(id(), CheckStatus::fail, meta().severity, meta().outcomes, why);
      f.endpoint = ep;
      Evidence e;
      e.kind = "declaration";
      e.detail = why + " (" + device.declaration->origin + ")";
      f.evidence.push_back(std::move(e));
      out.push_back(std::move(f));
    }
    if (failed) return;
    auto f = make_finding(id(), CheckStatus::pass, meta().severity, meta().outcomes,
                          std::to_string(open.size()) + " open port(s), all declared" + (list.empty() ? "" : ": " + list));
    Evidence e;
    e.kind = "declaration";
    e.detail = "every open port of " + std::to_string(device.ports.size()) + " scanned is in " + device.declaration->origin;
    f.evidence.push_back(std::move(e));
    out.push_back(std::move(f));
  }
};

// The hosts seen under some keys, each with the first observation that showed it.
std::map<std::string, const Observation*> hosts_seen(const DeviceFacts& device, const std::vector<std::string_view>& keys) {
  std::map<std::string, const Observation*> out;
  for (const auto key : keys)
    for (const auto* o : device.find(key))
      if (const auto* s = std::get_if<std::string>(&o->value); s && !s->empty()) out.emplace(*s, o);
  return out;
}

std::string join_keys(const std::map<std::string, const Observation*>& m) {
  std::string s;
  for (const auto& [k, o] : m) s += (s.empty() ? "" : ", ") + k;
  return s;
}

// upd.endpoints.declared / id.components: the hosts seen under `keys` must all be declared in
// `allowed(declaration)`.
class DeclaredHosts final : public CatalogCheck {
 public:
  using Allowed = std::vector<std::string> (*)(const Declaration&);
  DeclaredHosts(const char* id, std::initializer_list<std::string_view> keys, Allowed allowed, const char* what)
      : CatalogCheck(id), keys_(keys), allowed_(allowed), what_(what) {}

  void evaluate(const DeviceFacts& device, std::vector<Finding>& out) const override {
    const auto seen = hosts_seen(device, keys_);
    if (seen.empty()) {
      auto f = make_finding(id(), CheckStatus::not_tested, meta().severity, meta().outcomes,
                            std::string("no ") + what_ + " traffic observed (replay a capture or use --capture)");
      f.reason = "no_traffic_observed";
      out.push_back(std::move(f));
      return;
    }
    if (!device.declaration) {
      out.push_back(declaration_missing(id(), meta().severity, meta().outcomes, join_keys(seen)));
      return;
    }
    const auto allowed = allowed_(*device.declaration);
    std::map<std::string, const Observation*> undeclared;
    for (const auto& [host, o] : seen)
      if (!Declaration::host_declared(host, allowed)) undeclared.emplace(host, o);
    if (undeclared.empty()) {
      auto f = make_finding(id(), CheckStatus::pass, meta().severity, meta().outcomes,
                            std::to_string(seen.size()) + " " + what_ + " host(s), all declared: " + join_keys(seen));
      for (const auto& [host, o] : seen)
        if (f.evidence.size() < 8) f.evidence.push_back(evidence_from(*o));
      out.push_back(std::move(f));
      return;
    }
    auto f = make_finding(id(), CheckStatus::fail, meta().severity, meta().outcomes,
                          std::string("undeclared ") + what_ + " host(s): " + join_keys(undeclared));
    for (const auto& [host, o] : undeclared)
      if (f.evidence.size() < 8) f.evidence.push_back(evidence_from(*o));
    out.push_back(std::move(f));
  }

 private:
  std::vector<std::string_view> keys_;
  Allowed allowed_;
  const char* what_;
};

std::vector<std::string> update_hosts(const Declaration& d) { return d.update_endpoints; }

std::vector<std::string> component_hosts(const Declaration& d) {
  std::vector<std::string> all = d.update_endpoints;
  all.insert(all.end(), d.cloud_endpoints.begin(), d.cloud_endpoints.end());
  all.insert(all.end(), d.components.begin(), d.components.end());
  return all;
}

}  // namespace

void add_declaration_checks(std::vector<std::unique_ptr<Check>>& out) {
  out.push_back(std::make_unique<UndeclaredServices>());
  out.push_back(std::make_unique<DeclaredHosts>(
      "upd.endpoints.declared",
      std::initializer_list<std::string_view>{keys::client::update_host}, &update_hosts, "update"));
  out.push_back(std::make_unique<DeclaredHosts>(
      "id.components",
      std::initializer_list<std::string_view>{keys::client::dns_query, keys::client::tls_sni,
                                              keys::client::http_host}, &component_hosts,
      "contacted"));
}

}  // namespace trustscan
