// trustscan — checks implemented in C++, and the one list of them.
//
// Checks that are predicates over observations live in profiles/checks/*.yaml (check_yaml.cpp);
// the ones in C++ need code. svc.inventory summarises the port scan itself.
#include "scanner/checks/check_yaml.hpp"
#include "scanner/checks/checks.hpp"
#include "scanner/pipeline/probe_keys.hpp"

#include <string>

namespace trustscan {

namespace {

// svc.inventory (STANDARDS.md §2.3): the baseline of every svc.* check. Informational by
// definition; not_tested when the scan of this device did not finish, because a partial
// inventory must never read as a complete one.
class ServiceInventory final : public CatalogCheck {
 public:
  ServiceInventory() : CatalogCheck("svc.inventory") {}

  void evaluate(const DeviceFacts& device, std::vector<Finding>& out) const override {
    Finding f;
    f.check = std::string(id());
    f.severity = meta().severity;
    f.outcomes = meta().outcomes;
    if (device.ports.empty()) {
      f.status = CheckStatus::not_tested;
      f.reason = device.passive ? "out_of_vantage" : device.scan_complete ? "not_scanned" : "inconclusive:interrupted";
      f.summary = "no port of this device was scanned";
      out.push_back(std::move(f));
      return;
    }
    std::size_t open_tcp = 0, open_udp = 0, ambiguous = 0, filtered = 0;
    std::string list;
    for (const auto& p : device.ports) {
      if (p.state == PortState::filtered) ++filtered;
      if (p.state == PortState::open_filtered) ++ambiguous;
      if (p.state != PortState::open) continue;
      (p.endpoint.transport == Transport::tcp ? open_tcp : open_udp) += 1;
      const std::string name = port_label(p.endpoint);
      list += (list.empty() ? "" : ", ") + name;
      Evidence e;
      e.kind = "port_scan";
      e.detail = name + " open (" + (p.endpoint.transport == Transport::tcp ? "connection accepted" : "reply received") +
                 " after " + std::to_string(p.rtt.count()) + " us)";
      f.evidence.push_back(std::move(e));
    }
    f.summary = std::to_string(open_tcp) + " open TCP, " + std::to_string(open_udp) + " open UDP of " +
                std::to_string(device.ports.size()) + " scanned" + (list.empty() ? "" : ": " + list);
    if (ambiguous) f.summary += "; " + std::to_string(ambiguous) + " UDP open|filtered";
    if (filtered) f.summary += "; " + std::to_string(filtered) + " filtered";
    if (!device.scan_complete) {
      f.status = CheckStatus::not_tested;
      f.reason = "inconclusive:interrupted";
    } else {
      f.status = CheckStatus::info;
    }
    out.push_back(std::move(f));
  }
};

}  // namespace

Finding make_finding(std::string_view id, CheckStatus status, Severity severity, std::vector<std::string> outcomes,
                     std::string summary) {
  Finding f;
  f.check = std::string(id);
  f.status = status;
  f.severity = severity;
  f.outcomes = std::move(outcomes);
  f.summary = std::move(summary);
  return f;
}

Evidence evidence_from(const Observation& o) {
  Evidence e = o.evidence;
  if (e.kind.empty()) e.kind = "probe";
  return e;
}

void evaluate_contained(const Check& check, const DeviceFacts& device, std::vector<Finding>& out) noexcept {
  const auto before = out.size();
  std::string what;
  try {
    check.evaluate(device, out);
    return;
  } catch (const std::exception& e) {
    what = e.what();
  } catch (...) {
    what = "unknown exception";
  }
  out.resize(before);
  try {
    const auto info = check.info();
    auto f = make_finding(info.id, CheckStatus::error, info.severity, info.outcomes,
                          "the check could not judge this device: " + what);
    f.reason = "check_error";
    out.push_back(std::move(f));
  } catch (...) {
    // Out of memory while reporting a failure: the finding is lost, the scan goes on.
  }
}

std::string not_judgeable(const DeviceFacts& device) {
  if (device.passive) return "out_of_vantage";  // a capture cannot show what probing would
  if (!device.scan_complete) return "inconclusive:interrupted";
  for (const auto* o : device.find(keys::probe::discovery.name))
    if (const auto* v = std::get_if<std::string>(&o->value); v && *v == "down") return "device_down";
  if (device.ports.empty()) return "not_scanned";
  if (!device.probed) return "probes_disabled";
  return {};
}

bool untested_when_unjudgeable(const CheckInfo& info, const DeviceFacts& device, std::vector<Finding>& out) {
  auto why = not_judgeable(device);
  if (why.empty()) return false;
  auto f = make_finding(info.id, CheckStatus::not_tested, info.severity, info.outcomes, "device not fully probed");
  f.reason = std::move(why);
  out.push_back(std::move(f));
  return true;
}

namespace {

// A check as data with its remediation text from the catalog (profiles/checks/catalog.yaml) in
// info(): its definition says what it judges, the catalog what to do about a failure, and this
// is the one place that joins them. C++ checks get all of their CheckInfo from the catalog.
class WithRemediation final : public Check {
 public:
  WithRemediation(std::unique_ptr<Check> check, std::string remediation)
      : check_(std::move(check)), remediation_(std::move(remediation)) {}
  std::string_view id() const noexcept override { return check_->id(); }
  CheckInfo info() const override {
    auto i = check_->info();
    i.remediation = remediation_;
    return i;
  }
  void evaluate(const DeviceFacts& device, std::vector<Finding>& out) const override { check_->evaluate(device, out); }

 private:
  std::unique_ptr<Check> check_;
  std::string remediation_;
};

}  // namespace

void add_inventory_checks(std::vector<std::unique_ptr<Check>>& out) { out.push_back(std::make_unique<ServiceInventory>()); }

const std::vector<std::unique_ptr<Check>>& builtin_checks() {
  static const std::vector<std::unique_ptr<Check>> checks = [] {
    std::vector<std::unique_ptr<Check>> v;
    std::vector<std::string> cpp_ids, data_ids;
    // The C++ checks take their metadata from the catalog as they are built; a check as data gets
    // its remediation from it here.
    const auto& catalog = builtin_catalog();
    const auto add_data_checks = [&] {
      std::vector<std::unique_ptr<Check>> data;
      add_yaml_checks(data);  // profiles/checks/*.yaml: checks as data
      for (auto& c : data) {
        data_ids.emplace_back(c->id());
        const auto it = catalog.entries.find(c->id());
        v.push_back(std::make_unique<WithRemediation>(std::move(c), it == catalog.entries.end() ? std::string() : it->second.info.remediation));
      }
    };
    // The groups of C++ checks: add a group here, a check to its group's file and its metadata
    // to profiles/checks/catalog.yaml.
    add_inventory_checks(v);
    const auto before_data = v.size();
    add_data_checks();
    add_protocol_checks(v);
    add_tls_depth_checks(v);
    add_identity_checks(v);
    add_credential_checks(v);
    add_declaration_checks(v);
    add_passive_checks(v);
    for (std::size_t i = 0; i < v.size(); ++i)
      if (i < before_data || i >= before_data + data_ids.size()) cpp_ids.emplace_back(v[i]->id());
    verify_catalog(catalog, cpp_ids, data_ids);
    return v;
  }();
  return checks;
}

}  // namespace trustscan
