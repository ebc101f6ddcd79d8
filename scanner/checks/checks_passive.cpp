// trustscan — passive checks that need code (the others are data: profiles/checks/passive.yaml).
//
// upd.check.periodic (STANDARDS.md §2.5): the device checks for updates after boot and again
// later. Read from client.update.check_time observations (seconds since the epoch of each
// update request seen in a capture). Absence is never a fail: a longer interval or app-driven
// updates look the same in a short capture, so one sighting or none is not_tested.
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

}  // namespace

void add_passive_checks(std::vector<std::unique_ptr<Check>>& out) { out.push_back(std::make_unique<UpdateCheckPeriodic>()); }

}  // namespace trustscan
