// trustscan — internal: the groups of C++ checks that builtin_checks() lists, and the helpers
// they share. Checks that are predicates over observations are data: profiles/checks/*.yaml.
#pragma once

#include "scanner/checks/catalog.hpp"
#include "trustscan/check.hpp"

#include <memory>
#include <string>
#include <vector>

namespace trustscan {

void add_inventory_checks(std::vector<std::unique_ptr<Check>>& out);
void add_protocol_checks(std::vector<std::unique_ptr<Check>>& out);
void add_tls_depth_checks(std::vector<std::unique_ptr<Check>>& out);
void add_identity_checks(std::vector<std::unique_ptr<Check>>& out);
void add_credential_checks(std::vector<std::unique_ptr<Check>>& out);
void add_declaration_checks(std::vector<std::unique_ptr<Check>>& out);
void add_passive_checks(std::vector<std::unique_ptr<Check>>& out);

/// A C++ check: its id, and its metadata (title, severity, outcomes, remediation) from the
/// catalog (profiles/checks/catalog.yaml). The constructor looks the id up, so a check without an
/// entry cannot be built; subclasses add only the judging logic.
class CatalogCheck : public Check {
 public:
  explicit CatalogCheck(std::string_view id) : info_(catalog_info(id)) {}
  std::string_view id() const noexcept override { return info_.id; }
  CheckInfo info() const override { return info_; }

 protected:
  const CheckInfo& meta() const noexcept { return info_; }

 private:
  CheckInfo info_;
};

/// A finding with the check's fixed fields filled in.
Finding make_finding(std::string_view id, CheckStatus status, Severity severity, std::vector<std::string> outcomes,
                     std::string summary);

/// The evidence an observation carries, as found-on-this-endpoint evidence for a finding.
Evidence evidence_from(const Observation& o);

/// The reason a probe-based check cannot judge this device, or "" when it can.
std::string not_judgeable(const DeviceFacts& device);

/// When the device cannot be judged (not_judgeable), appends the check's not_tested finding
/// ("device not fully probed", with the reason) and returns true.
bool untested_when_unjudgeable(const CheckInfo& info, const DeviceFacts& device, std::vector<Finding>& out);

}  // namespace trustscan
