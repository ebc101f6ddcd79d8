// trustscan — run-to-run differences (diff.hpp).
#include "scanner/report/diff.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace trustscan {

namespace {

std::string subject_of(const Finding& f) {
  if (!f.endpoint) return f.check;
  return f.check + " " + port_label(*f.endpoint);
}

bool bad(CheckStatus s) { return s == CheckStatus::fail || s == CheckStatus::error; }

int verdict_rank(const std::string& v) { return v == "conformant" ? 2 : v == "incomplete" ? 1 : 0; }

int group(const std::string& kind) {
  if (kind == "regression") return 0;
  if (kind == "port_opened") return 1;
  if (kind == "fixed") return 2;
  if (kind == "waived") return 3;
  return 4;
}

}  // namespace

std::vector<ReportChange> diff_reports(const Report& before, const Report& after) {
  std::vector<ReportChange> out;
  std::map<Address, const DeviceReport*> old_devices, new_devices;
  for (const auto& d : before.devices) old_devices[d.facts.target.address] = &d;
  for (const auto& d : after.devices) new_devices[d.facts.target.address] = &d;
  std::set<Address> all;
  for (const auto& [a, d] : old_devices) all.insert(a);
  for (const auto& [a, d] : new_devices) all.insert(a);

  for (const auto& addr : all) {
    const std::string dev = addr.to_string();
    const auto* o = old_devices.count(addr) ? old_devices.at(addr) : nullptr;
    const auto* n = new_devices.count(addr) ? new_devices.at(addr) : nullptr;
    if (!o || !n) {
      out.push_back({o ? "gone" : "changed", "", dev, "device", o ? "present" : "absent", n ? "present" : "absent",
                     o ? "the device is not in the new report" : "the device is new in this report"});
      continue;
    }
    // Results, keyed by check and endpoint (a check may have several results per key: the worst counts).
    auto index = [&addr](const DeviceReport& d) {
      std::map<std::string, const Finding*> m;
      for (const auto& f : d.results) {
        auto& slot = m[finding_id(addr, f)];
        if (!slot || (bad(f.status) && !bad(slot->status))) slot = &f;
      }
      return m;
    };
    const auto om = index(*o), nm = index(*n);
    std::set<std::string> keys;
    for (const auto& [k, f] : om) keys.insert(k);
    for (const auto& [k, f] : nm) keys.insert(k);
    for (const auto& k : keys) {
      const Finding* of = om.count(k) ? om.at(k) : nullptr;
      const Finding* nf = nm.count(k) ? nm.at(k) : nullptr;
      const std::string ob = of ? std::string(to_string(of->status)) : "absent";
      const std::string na = nf ? std::string(to_string(nf->status)) : "absent";
      if (ob == na) continue;
      std::string kind;
      if (nf && bad(nf->status) && !(of && bad(of->status))) kind = "regression";
      else if (nf && nf->status == CheckStatus::waived && of && bad(of->status)) kind = "waived";
      else if (of && bad(of->status) && !(nf && bad(nf->status))) kind = "fixed";
      else if (!of) kind = "new_finding";
      else if (!nf) kind = "gone";
      else kind = "changed";
      const Finding& f = nf ? *nf : *of;
      out.push_back({kind, k, dev, subject_of(f), ob, na, f.summary});
    }
    // Ports.
    std::map<Endpoint, PortState> op, np;
    for (const auto& p : o->facts.ports) op[p.endpoint] = p.state;
    for (const auto& p : n->facts.ports) np[p.endpoint] = p.state;
    for (const auto& [ep, st] : np) {
      const bool was_open = op.count(ep) && op.at(ep) == PortState::open;
      if (st == PortState::open && !was_open)
        out.push_back({"port_opened", "", dev, port_label(ep),
                       op.count(ep) ? std::string(to_string(op.at(ep))) : "not scanned", "open", "a new listener"});
    }
    for (const auto& [ep, st] : op)
      if (st == PortState::open && np.count(ep) && np.at(ep) != PortState::open)
        out.push_back({"port_closed", "", dev, port_label(ep), "open",
                       std::string(to_string(np.at(ep))), "no longer listening"});
    // Verdict.
    if (o->score.verdict != n->score.verdict || o->score.grade != n->score.grade) {
      const int d = verdict_rank(n->score.verdict) - verdict_rank(o->score.verdict);
      out.push_back({d < 0 ? "regression" : d > 0 ? "fixed" : "changed", "", dev, "verdict",
                     o->score.verdict + (o->score.grade.empty() ? "" : " " + o->score.grade),
                     n->score.verdict + (n->score.grade.empty() ? "" : " " + n->score.grade), "profile verdict and grade"});
    }
  }
  // Ordering keys computed once per change, not in every comparison.
  using Key = std::tuple<int, Address, std::string>;
  std::vector<std::pair<Key, ReportChange>> keyed;
  for (auto& c : out) {
    Key k{group(c.kind), Address::parse(c.device).value_or(Address{}), c.subject};
    keyed.emplace_back(std::move(k), std::move(c));
  }
  std::stable_sort(keyed.begin(), keyed.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  out.clear();
  for (auto& [k, c] : keyed) out.push_back(std::move(c));
  return out;
}

}  // namespace trustscan
