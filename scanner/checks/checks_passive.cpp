// trustscan — passive checks that need code (the others are data: profiles/checks/passive.yaml).
//
// upd.check.periodic (STANDARDS.md §2.5): the device checks for updates after boot and again
// later. Read from client.update.check_time observations (seconds since the epoch of each
// update request seen in a capture). Absence is never a fail: a longer interval or app-driven
// updates look the same in a short capture, so one sighting or none is not_tested.
//
// tls.client.validation (STANDARDS.md §2, tls.client.cert_validation; issue 18): the device, as a
// TLS client, refuses a certificate that does not verify or does not name the host. Read from
// replay's client.tls.bad_cert_accepted / bad_cert_refused / cert_verified / cert_unjudged
// (docs/replay.md). Fail: application data sent on a bad chain (with the Software Update
// outcomes added when that host is an update host). Pass: only on evidence, a bad chain refused.
// A device only ever shown good chains, or only TLS 1.3 (its certificates are encrypted), is
// not_tested: the capture did not put its validation to the test.
#include "scanner/checks/checks.hpp"
#include "probes/passive/passive_keys.hpp"

#include <algorithm>
#include <set>

namespace trustscan {

namespace {

class UpdateCheckPeriodic final : public CatalogCheck {
 public:
  static constexpr std::int64_t kMinSpacing = 60;  // seconds between two sightings to call it periodic

  UpdateCheckPeriodic() : CatalogCheck("upd.check.periodic") {}

  void evaluate(const DeviceFacts& device, std::vector<Finding>& out) const override {
    const auto i = info();
    std::set<std::int64_t> times;
    std::vector<const Observation*> proof;
    for (const auto* o : device.find(keys::client::update_check_time))
      if (const auto* t = std::get_if<std::int64_t>(&o->value); t && times.insert(*t).second) proof.push_back(o);
    if (times.size() < 2 || *times.rbegin() - *times.begin() < kMinSpacing) {
      auto f = make_finding(i.id, CheckStatus::not_tested, i.severity, i.outcomes,
                            times.empty() ? std::string("no update check was seen in the capture")
                                          : "update checks seen " + std::to_string(times.size()) +
                                                " time(s) within " + std::to_string(*times.rbegin() - *times.begin()) +
                                                " s: too short a window to call it periodic");
      f.reason = times.empty() ? "no_traffic_observed" : "inconclusive:window_too_short";
      for (const auto* o : proof) f.evidence.push_back(evidence_from(*o));
      out.push_back(std::move(f));
      return;
    }
    auto f = make_finding(i.id, CheckStatus::pass, i.severity, i.outcomes,
                          "update checks seen " + std::to_string(times.size()) + " times over " +
                              std::to_string(*times.rbegin() - *times.begin()) + " s");
    for (const auto* o : proof)
      if (f.evidence.size() < 8) f.evidence.push_back(evidence_from(*o));
    out.push_back(std::move(f));
  }
};

class TlsClientValidation final : public CatalogCheck {
 public:
  TlsClientValidation() : CatalogCheck("tls.client.validation") {}

  void evaluate(const DeviceFacts& device, std::vector<Finding>& out) const override {
    const auto i = info();
    const auto accepted = device.find(keys::client::tls_bad_cert_accepted);
    const auto refused = device.find(keys::client::tls_bad_cert_refused);
    const auto verified = device.find(keys::client::tls_cert_verified);
    const auto unjudged = device.find(keys::client::tls_cert_unjudged);
    const auto text = [](const Observation* o) {
      const auto* s = std::get_if<std::string>(&o->value);
      return s ? *s : std::string();
    };
    const auto with_evidence = [](Finding f, const std::vector<const Observation*>& obs) {
      for (const auto* o : obs)
        if (f.evidence.size() < 8) f.evidence.push_back(evidence_from(*o));
      return f;
    };
    if (!accepted.empty()) {
      // A bad chain accepted from an update host: the update channel is open to whoever can
      // stand in for that host (STANDARDS.md upd.tls_validation).
      auto outcomes = i.outcomes;
      bool update = false;
      for (const auto* u : device.find(keys::client::update_host))
        for (const auto* a : accepted) update = update || text(a).starts_with(text(u) + " at ");
      if (update) outcomes.insert(outcomes.end(), {"IR8259A:SU", "IR8425:SU", "IR8425A:R-SU"});
      out.push_back(with_evidence(
          make_finding(i.id, CheckStatus::fail, i.severity, outcomes,
                       "the device sent data over TLS on a certificate it should have refused: " + text(accepted.front()) +
                           (accepted.size() > 1 ? " (and " + std::to_string(accepted.size() - 1) + " more)" : "") +
                           (update ? "; an update host among them" : "")),
          accepted));
      return;
    }
    if (!refused.empty()) {
      out.push_back(with_evidence(make_finding(i.id, CheckStatus::pass, i.severity, i.outcomes,
                                               "the device refused a certificate it should refuse: " + text(refused.front())),
                                  refused));
      return;
    }
    Finding f;
    if (!verified.empty()) {
      f = with_evidence(make_finding(i.id, CheckStatus::not_tested, i.severity, i.outcomes,
                                     "every certificate the device was shown verifies and names its host (" +
                                         text(verified.front()) + "): its validation was not put to the test"),
                        verified);
      f.reason = "inconclusive:only_valid_certificates";
    } else if (!unjudged.empty()) {
      f = with_evidence(make_finding(i.id, CheckStatus::not_tested, i.severity, i.outcomes,
                                     "the device's certificate handling cannot be judged from the capture: " +
                                         text(unjudged.front())),
                        unjudged);
      bool tls13 = true;
      for (const auto* o : unjudged) tls13 = tls13 && text(o).find(": TLS 1.3,") != std::string::npos;
      f.reason = tls13 ? "inconclusive:tls13_certificate_encrypted" : "inconclusive:no_evidence";
    } else {
      f = make_finding(i.id, CheckStatus::not_tested, i.severity, i.outcomes,
                       "no TLS connection from the device with a server certificate was seen");
      f.reason = "no_traffic_observed";
    }
    out.push_back(std::move(f));
  }
};

}  // namespace

void add_passive_checks(std::vector<std::unique_ptr<Check>>& out) {
  out.push_back(std::make_unique<UpdateCheckPeriodic>());
  out.push_back(std::make_unique<TlsClientValidation>());
}

}  // namespace trustscan
