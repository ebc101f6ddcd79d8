// trustscan — internal: the shape of a check judged per endpoint from what the protocol probes
// observed (checks_protocols.cpp, checks_tls_depth.cpp): the services it applies to; for each
// such endpoint a verdict from that endpoint's observations (pass / fail / not_tested when the
// probe did not get far enough); not_applicable when the device has no such service (citing the
// inventory); not_tested when the device could not be judged at all (interrupted, probes
// disabled). A pass that cites nothing is turned into not_tested (verdict_policy.hpp).
#pragma once

#include "scanner/checks/checks.hpp"

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace trustscan {

/// The verdict on one endpoint: status, summary, and the evidence that proves it. Evidence is
/// copied out of the observations when cited (values, never pointers into the facts), and citing
/// an observation that is absent cites nothing: a judge cannot build a proof that dangles.
struct Verdict {
  CheckStatus status = CheckStatus::not_tested;
  std::string summary;
  std::vector<Evidence> evidence;
  std::string reason;  // for not_tested
  Severity severity;   // of this failure, when it differs from the check's
  bool severity_set = false;

  void cite(const Observation* o) {
    if (o) evidence.push_back(evidence_from(*o));
  }
};

/// What the code of a per-endpoint check holds: its id and how it judges. Its title, severity
/// and outcomes are in the catalog (profiles/checks/catalog.yaml).
struct EndpointRule {
  const char* id;
  std::vector<std::string_view> services;
  std::function<Verdict(const DeviceFacts&, const Endpoint&)> judge;
  /// Endpoints carrying this observation are judged too, whatever their service (TLS behind
  /// STARTTLS on an FTP port: "tls.starttls").
  std::string_view also_with = {};
};

class EndpointCheck final : public CatalogCheck {
 public:
  explicit EndpointCheck(EndpointRule r) : CatalogCheck(r.id), rule_(std::move(r)) {}
  void evaluate(const DeviceFacts& device, std::vector<Finding>& out) const override;

 private:
  EndpointRule rule_;
};

/// not_tested with a reason ("inconclusive:probe_incomplete" unless given).
Verdict untested(std::string summary, std::string reason = "inconclusive:probe_incomplete");

/// `st` with the summary, citing each observation of `proof` that is present.
Verdict verdict(CheckStatus st, std::string summary, const std::vector<const Observation*>& proof);

/// The boolean observation `key` of `ep`, or nullopt when absent or not a boolean.
std::optional<bool> flag(const DeviceFacts& d, const Endpoint& ep, std::string_view key);

}  // namespace trustscan
