// trustscan — checks and findings.
//
// A Check reads what was observed about one device and produces Findings. It never touches the
// network and never knows whether a fact came from a live probe or a capture (DESIGN.md).
#pragma once

#include "trustscan/declaration.hpp"
#include "trustscan/types.hpp"

#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace trustscan {

struct CryptoPolicy;  // scanner/policy/crypto_policy.hpp

/// Result state of a check (STANDARDS.md §4.5). Absence of evidence is never `pass`.
/// `waived`: a failure the user accepted with a waiver in force (--waivers, docs/waivers.md);
/// it stays in the report with its waiver and does not fail the run. Checks never produce it.
enum class CheckStatus : std::uint8_t { pass, fail, not_applicable, not_tested, error, info, waived };
std::string_view to_string(CheckStatus s) noexcept;
/// Whether a result means the check ran on the device: it produced a verdict (pass, fail, waived,
/// an inventory-backed not_applicable) or an informational fact. not_tested and error did not run.
bool check_ran(CheckStatus s) noexcept;

/// Severity of a *failure* of the check, aligned to the CVSS v3.1 qualitative bands.
enum class Severity : std::uint8_t { info, low, medium, high, critical };
std::string_view to_string(Severity s) noexcept;

/// Everything known about one device when checks run: the port scan and the observations of
/// every probe (active) or dissector (passive). Checks take it by const reference.
struct DeviceFacts {
  Target target;
  std::vector<PortResult> ports;          ///< sorted by endpoint
  std::vector<Observation> observations;  ///< in the order they were made
  bool scan_complete = true;              ///< false when the run was interrupted
  bool probed = false;                    ///< service identification and protocol probes ran
  bool credentials_tried = false;         ///< credential trials were allowed to run (not --no-creds)
  bool passive = false;                   ///< facts from a capture (replay): nothing was sent
  /// The manufacturer's declaration for this device (--declaration), or null.
  std::shared_ptr<const Declaration> declaration;
  /// The crypto policy the tls.* and ssh.* checks judge against (the profile's `crypto_policy`,
  /// or --crypto-policy); null: the default (scanner/policy/crypto_policy.hpp).
  std::shared_ptr<const CryptoPolicy> crypto_policy;

  /// The observations with `key`, in order.
  std::vector<const Observation*> find(std::string_view key) const;
  /// The first observation of `key` on `ep`, or null.
  const Observation* at(const Endpoint& ep, std::string_view key) const;
  /// The string value of `key` on `ep`, or "" when absent.
  std::string value_at(const Endpoint& ep, std::string_view key) const;
  /// Endpoints whose `service.name` is one of `services`.
  std::vector<Endpoint> endpoints_of(std::initializer_list<std::string_view> services) const;
  /// Puts the observations in report order: device-wide ones first, then by endpoint, each
  /// endpoint's in the order they were made (stable). A scan's probes finish in any order; after
  /// this the order, and so every check's evidence order, is the same in every run and in the
  /// merge of a scan's shards (docs/sharding.md).
  void order_observations();
};

/// An accepted risk, as it applies to one finding (--waivers; docs/waivers.md).
struct WaiverMark {
  std::string rule;           ///< what the waiver names: "f-0123456789abcdef" or "check svc.telnet, device …, port …"
  std::string justification;
  std::string owner;
  std::string expires;        ///< YYYY-MM-DD: in force through that day (UTC)
  bool expired = false;       ///< past its date: the finding fails again, the waiver is still shown
  std::string source;         ///< FILE:LINE of the waiver
};

/// One check's verdict on one device (and optionally one endpoint).
struct Finding {
  std::string check;                  ///< stable id, e.g. "svc.inventory"
  CheckStatus status = CheckStatus::not_tested;
  Severity severity = Severity::info;
  std::optional<Endpoint> endpoint;   ///< absent for device-wide findings
  std::vector<std::string> outcomes;  ///< "IR8259A:LAI", "IR8425:IAC.1", "EN303645:5.6-1"…
  std::string summary;                ///< one line for humans
  std::string reason;                 ///< machine reason for not_tested / error ("out_of_vantage")
  std::vector<Evidence> evidence;
  std::string vantage;                ///< assess: the vantage of the report it came from; else ""
  std::optional<WaiverMark> waiver;   ///< the waiver that matched this failure (in force or expired)
};

/// What a check is, for `trustscan checks list` and reports: id, title, severity of a failure,
/// the outcomes of the documents it evidences, and what to change on the device when it fails.
struct CheckInfo {
  std::string id;
  std::string title;
  Severity severity = Severity::info;
  std::vector<std::string> outcomes;
  /// What to change on the device, and the outcomes that serves. From the check catalog
  /// (profiles/checks/catalog.yaml, one entry per built-in check, enforced by a unit test), which
  /// also holds the title, severity and outcomes of every C++ check. "" for a profile's own checks.
  std::string remediation = {};
};

/// A check implemented in C++. Most checks will be YAML predicates (profiles issue); the ones
/// that need code implement this interface. Implementations are immutable and thread-compatible.
class Check {
 public:
  virtual ~Check() = default;
  virtual std::string_view id() const noexcept = 0;
  virtual CheckInfo info() const = 0;
  /// Appends zero or more findings for `device`. Must not throw.
  virtual void evaluate(const DeviceFacts& device, std::vector<Finding>& out) const = 0;
};

/// Runs `check` on `device`, containing its failure: a check that throws leaves none of its own
/// partial findings behind and appends one `error` finding for itself instead (reason
/// "check_error", the exception's text as summary). One broken check never ends a scan.
void evaluate_contained(const Check& check, const DeviceFacts& device, std::vector<Finding>& out) noexcept;

/// The checks built into the binary, in a fixed order ("add your check here" lives in the .cpp),
/// each with its remediation text in info(). Throws ProfileError when the embedded check data or
/// catalog is malformed or does not match the checks (a unit test keeps that from shipping).
const std::vector<std::unique_ptr<Check>>& builtin_checks();

}  // namespace trustscan
