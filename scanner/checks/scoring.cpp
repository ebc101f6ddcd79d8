// trustscan — from check results to outcomes to a profile verdict (STANDARDS.md §4.5).
//
// Three numbers, never one blended number:
//  1. the verdict: conformant only when every required outcome passes (or does not apply);
//     non-conformant when one fails; incomplete otherwise — a sparse scan never looks complete;
//  2. hard caps: a failed check of critical severity makes the device non-conformant with
//     grade F whatever else passed (SSL Labs' lesson: averages hide critical defects);
//  3. a weighted score over the checks that ran, shown with its coverage (the share of the
//     profile's check weight that actually ran), so that not_tested stays in view.
#include "trustscan/report.hpp"
#include "scanner/credentials/credential_keys.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

namespace trustscan {

namespace {

// The worst-first summary of one check's results on a device (a check may have one result per
// endpoint).
CheckStatus combine(const std::vector<const Finding*>& results) {
  if (results.empty()) return CheckStatus::not_tested;
  auto has = [&](CheckStatus s) { return std::any_of(results.begin(), results.end(), [&](auto* f) { return f->status == s; }); };
  if (has(CheckStatus::fail)) return CheckStatus::fail;
  if (has(CheckStatus::error)) return CheckStatus::error;
  if (has(CheckStatus::not_tested)) return CheckStatus::not_tested;
  if (has(CheckStatus::waived)) return CheckStatus::waived;
  if (has(CheckStatus::pass)) return CheckStatus::pass;
  if (has(CheckStatus::info)) return CheckStatus::info;
  return CheckStatus::not_applicable;
}

// The profile's own requirements on results: a cred.default.* pass on a surface where fewer
// than `credentials.min_pairs` pairs were tried is not_tested (inconclusive:too_few_pairs). Part of
// scoring, so scans, replays and assess (which re-scores reports) all apply it.
void apply_profile_requirements(const Profile& profile, DeviceReport& device) {
  if (profile.min_credential_pairs == 0) return;
  const auto min = static_cast<std::int64_t>(profile.min_credential_pairs);
  for (auto& f : device.results) {
    if (f.status != CheckStatus::pass || !f.check.starts_with("cred.default.") || !f.endpoint) continue;
    // A pass without a trial (SSH that offers no password login) stands: there was nothing to try.
    const auto* attempts = device.facts.at(*f.endpoint, keys::cred::attempts);
    const auto* tried = attempts ? std::get_if<std::int64_t>(&attempts->value) : nullptr;
    if (tried == nullptr || *tried >= min) continue;
    f.status = CheckStatus::not_tested;
    f.reason = "inconclusive:too_few_pairs";
    f.summary = "only " + std::to_string(*tried) + " pairs tried on " + port_label(*f.endpoint) + ", profile " + profile.id +
                " asks for at least " + std::to_string(min) + " before a pass counts (" + f.summary + ")";
  }
}

}  // namespace

void score_device(const Profile& profile, DeviceReport& device, const std::vector<Attestation>& attestations) {
  apply_profile_requirements(profile, device);
  Score score;
  for (auto st : {CheckStatus::pass, CheckStatus::fail, CheckStatus::not_applicable, CheckStatus::not_tested,
                  CheckStatus::error, CheckStatus::info})
    score.counts[std::string(to_string(st))] = 0;
  for (const auto& f : device.results) ++score.counts[std::string(to_string(f.status))];

  std::map<std::string, std::vector<const Finding*>> by_check;
  for (const auto& f : device.results) by_check[f.check].push_back(&f);
  // In report order (device-wide first, then by transport and port; sort_report), not in the
  // order the checks met the endpoints, which follows the order probes finished: a check's
  // weight below is its first finding's, and must not change from run to run (or between a
  // scan and the merge of its shards, docs/sharding.md).
  for (auto& [id, list] : by_check)
    std::stable_sort(list.begin(), list.end(), [](const Finding* a, const Finding* b) {
      const auto key = [](const Finding* f) {
        return std::make_pair(f->endpoint ? int(f->endpoint->transport) : -1, f->endpoint ? int(f->endpoint->port) : -1);
      };
      return key(a) < key(b);
    });
  auto weight = [&](const Finding& f) {
    const auto it = profile.weights.find(f.severity);
    return it == profile.weights.end() ? 0.0 : it->second;
  };

  // Hard caps first: any critical failure, wherever it comes from.
  for (const auto& f : device.results)
    if (f.status == CheckStatus::fail && f.severity == Severity::critical &&
        std::find(score.caps.begin(), score.caps.end(), "critical failure: " + f.check) == score.caps.end())
      score.caps.push_back("critical failure: " + f.check);

  // Outcomes.
  device.outcomes.clear();
  bool any_required_fail = false, all_required_pass = true;
  std::size_t required_passed = 0;
  std::set<std::string> profile_checks;
  for (const auto& o : profile.outcomes) {
    OutcomeResult r;
    r.id = o.id;
    const auto att_it = std::find_if(attestations.begin(), attestations.end(),
                                     [&](const Attestation& a) { return a.outcome == o.id; });
    const Attestation* att = att_it == attestations.end() ? nullptr : &*att_it;
    const std::string attested = att ? "attested " + att->status + ": " + att->evidence + " (" + att->by + ")" : "";
    std::size_t executed = 0, not_applicable = 0, passed = 0;
    std::vector<std::string> waived;
    for (const auto& c : o.checks) {
      profile_checks.insert(c);
      const auto it = by_check.find(c);
      const CheckStatus st = it == by_check.end() ? CheckStatus::not_tested : combine(it->second);
      if (check_ran(st)) ++executed;
      if (st == CheckStatus::fail) r.failed_checks.push_back(c);
      if (st == CheckStatus::not_applicable) ++not_applicable;
      if (st == CheckStatus::pass) ++passed;
      if (st == CheckStatus::waived) waived.push_back(c);
    }
    r.coverage = o.checks.empty() ? 0.0 : static_cast<double>(executed) / static_cast<double>(o.checks.size());
    if (!r.failed_checks.empty()) {
      r.status = "fail";
      if (att) r.note = attested;
    } else if (att && att->status == "fail") {
      r.status = "fail";
      r.note = attested;
    } else if (o.checks.empty()) {
      // Nothing the network can show: the attestation alone decides.
      r.status = att ? "pass" : "not_tested";
      r.note = att ? attested
                   : "needs attestation: " + (o.attestation.empty() ? std::string("not network-observable") : o.attestation);
    } else if (executed == 0) {
      r.status = "not_tested";
    } else if (not_applicable == o.checks.size()) {
      r.status = o.attestation.empty() ? "not_applicable" : att ? "pass" : "partial";
      if (att) r.note = attested;
    } else if (executed < o.checks.size()) {
      r.status = "partial";
    } else if (!o.attestation.empty() && !att) {
      r.status = "partial";
      r.note = "network evidence only; needs attestation: " + o.attestation;
    } else if (passed == 0 && waived.empty()) {
      // Only informational facts (and inapplicable checks): observed, never judged a pass.
      r.status = "partial";
      r.note = "informational evidence only";
    } else if (!waived.empty()) {
      // Every check ran and none failed but for accepted risks: not a pass, and not a failure
      // while the waivers are in force (docs/waivers.md).
      r.status = "waived";
      r.note = "failed but waived:";
      for (const auto& c : waived) r.note += " " + c;
      if (att) r.note += "; " + attested;
    } else {
      r.status = "pass";
      if (att) r.note = "network evidence and " + attested;
    }
    // not_applicable, explicitly (docs/checks.md "Verdict policy"): the checks' own policy makes it
    // evidence-backed (a complete inventory with nothing in scope). A "required if applicable"
    // outcome that does not apply does not block conformance; a "required" one must pass, so
    // there N/A reads as incomplete; and a device is conformant only when at least one required
    // outcome actually passed.
    const bool required = o.level == OutcomeLevel::required || o.level == OutcomeLevel::required_if_applicable;
    if (required) {
      if (r.status == "fail") any_required_fail = true;
      const bool satisfied = r.status == "pass" || r.status == "waived" ||
                             (r.status == "not_applicable" && o.level == OutcomeLevel::required_if_applicable);
      if (!satisfied) all_required_pass = false;
      if (r.status == "pass") ++required_passed;
    }
    device.outcomes.push_back(std::move(r));
  }

  // Weighted score over the profile's checks that ran; coverage over all of them.
  double earned = 0, possible = 0, executed_weight = 0, total_weight = 0;
  for (const auto& c : profile_checks) {
    const auto it = by_check.find(c);
    if (it == by_check.end()) {
      // Never produced: weight unknown without a result; counts against coverage with the
      // catalog's default weight for a high-severity check.
      total_weight += profile.weights.count(Severity::high) ? profile.weights.at(Severity::high) : 1.0;
      continue;
    }
    const Finding& first = *it->second.front();
    const double w = weight(first);
    const CheckStatus st = combine(it->second);
    total_weight += w;
    if (check_ran(st)) executed_weight += w;
    if (st == CheckStatus::pass) earned += w, possible += w;
    // A waived failure is still a failure in the score: the waiver keeps it from failing the
    // verdict and the run, not from lowering the number (an all-waived device is no grade A).
    if (st == CheckStatus::fail || st == CheckStatus::waived) {
      double worst = 0;
      for (const auto* f : it->second)
        if (f->status == CheckStatus::fail || f->status == CheckStatus::waived) worst = std::max(worst, weight(*f));
      possible += worst;
    }
  }
  score.score = possible > 0 ? std::round(1000.0 * earned / possible) / 10.0 : 0.0;
  score.coverage = total_weight > 0 ? std::round(1000.0 * executed_weight / total_weight) / 1000.0 : 0.0;

  if (any_required_fail || !score.caps.empty()) score.verdict = "non-conformant";
  else if (all_required_pass && required_passed > 0) score.verdict = "conformant";
  else score.verdict = "incomplete";

  if (!score.caps.empty() || possible == 0) {
    score.grade = score.caps.empty() ? "" : "F";
  } else {
    score.grade = "F";
    for (const auto& [letter, min] : profile.grades)
      if (score.score >= min) {
        score.grade = letter;
        break;
      }
  }
  device.score = std::move(score);
}

}  // namespace trustscan
