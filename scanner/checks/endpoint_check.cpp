// trustscan — the per-endpoint check (scanner/checks/endpoint_check.hpp).
#include "scanner/checks/endpoint_check.hpp"

#include "scanner/checks/verdict_policy.hpp"
#include "probes/identify/service_keys.hpp"

#include <algorithm>

namespace trustscan {

void EndpointCheck::evaluate(const DeviceFacts& device, std::vector<Finding>& out) const {
  if (const auto why = not_judgeable(device); !why.empty()) {
    auto f = make_finding(id(), CheckStatus::not_tested, meta().severity, meta().outcomes, "device not fully probed");
    f.reason = why;
    out.push_back(std::move(f));
    return;
  }
  std::vector<Endpoint> eps;
  for (const auto* o : device.find(keys::service::name)) {
    const auto& name = std::get<std::string>(o->value);
    if (o->endpoint && std::find(rule_.services.begin(), rule_.services.end(), name) != rule_.services.end() &&
        std::find(eps.begin(), eps.end(), *o->endpoint) == eps.end())
      eps.push_back(*o->endpoint);
  }
  if (!rule_.also_with.empty())
    for (const auto* o : device.find(rule_.also_with))
      if (o->endpoint && std::find(eps.begin(), eps.end(), *o->endpoint) == eps.end()) eps.push_back(*o->endpoint);
  if (eps.empty()) {
    out.push_back(nothing_in_scope(meta(), device, rule_.services, "no such service"));
    return;
  }
  for (const auto& ep : eps) {
    Verdict v = rule_.judge(device, ep);
    auto f = make_finding(id(), v.status, v.severity_set ? v.severity : meta().severity, meta().outcomes,
                          v.summary + " on " + port_label(ep));
    f.endpoint = ep;
    f.reason = v.reason;
    f.evidence = std::move(v.evidence);
    // Absence of evidence is never a pass: a judge that found nothing to cite has not judged.
    if (f.status == CheckStatus::pass && f.evidence.empty()) {
      f.status = CheckStatus::not_tested;
      f.reason = "inconclusive:no_evidence";
    }
    out.push_back(std::move(f));
  }
}

Verdict untested(std::string summary, std::string reason) {
  Verdict v;
  v.status = CheckStatus::not_tested;
  v.summary = std::move(summary);
  v.reason = std::move(reason);
  return v;
}

Verdict verdict(CheckStatus st, std::string summary, const std::vector<const Observation*>& proof) {
  Verdict v;
  v.status = st;
  v.summary = std::move(summary);
  for (const auto* o : proof) v.cite(o);
  return v;
}

std::optional<bool> flag(const DeviceFacts& d, const Endpoint& ep, std::string_view key) {
  const auto* o = d.at(ep, key);
  if (!o || !std::holds_alternative<bool>(o->value)) return std::nullopt;
  return std::get<bool>(o->value);
}

}  // namespace trustscan
