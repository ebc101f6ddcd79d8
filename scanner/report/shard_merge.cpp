// trustscan — merging the shards of one scan (shard_merge.hpp).
#include "scanner/report/shard_merge.hpp"

#include "scanner/engine/plan.hpp"
#include "scanner/pipeline/probe_keys.hpp"
#include "scanner/policy/crypto_policy.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <type_traits>

namespace trustscan {

namespace {

std::string shard_label(const ShardInfo& s) { return std::to_string(s.index) + "/" + std::to_string(s.count); }

std::string policy_name(const Report& r) { return r.profile.crypto_policy ? r.profile.crypto_policy->name() : ""; }

// Everything an observation says, as one string: two shards' identical observations (a device-wide
// fact each shard made) are kept once.
std::string observation_identity(const Observation& o) {
  std::string v;
  std::visit(
      [&](const auto& x) {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, bool>) v = x ? "b1" : "b0";
        else if constexpr (std::is_same_v<T, std::int64_t>) v = "i" + std::to_string(x);
        else if constexpr (std::is_same_v<T, std::string>) v = "s" + x;
        else for (const auto& e : x) v += "l" + std::to_string(e.size()) + ":" + e;
      },
      o.value);
  const auto& e = o.evidence;
  const std::string& value = v;
  std::string id;
  for (const std::string* part : {&o.key, &value, &e.kind, &e.source, &e.detail, &e.excerpt, &e.username, &e.password})
    id += std::to_string(part->size()) + ":" + *part;
  return id + (o.endpoint ? port_label(*o.endpoint) + "@" + o.endpoint->address.to_string() : "-");
}

std::string text_value(const Observation& o) {
  const auto* s = std::get_if<std::string>(&o.value);
  return s ? *s : std::string();
}

// The order in which the scan's liveness step tries a device's open ports (pipeline.cpp
// check_liveness): well-known ports first, then by endpoint.
bool liveness_before(const Endpoint& a, const Endpoint& b) {
  const bool wa = is_well_known_port(a.transport, a.port), wb = is_well_known_port(b.transport, b.port);
  if (wa != wb) return wa;
  return a < b;
}

// Each shard checks the liveness of each device on its own open ports. The unsharded scan tries
// the device's first open ports in liveness order and records the first that answers: that is
// the "answered" observation on the earliest port in that order. When no shard's port answered,
// the observation of the shard whose port comes first (its detail names that shard's ports).
const Observation* pick_liveness(const std::vector<const Observation*>& seen) {
  const Observation* best = nullptr;
  for (const auto* o : seen) {
    if (!best) {
      best = o;
      continue;
    }
    const bool oa = text_value(*o) == "answered", ba = text_value(*best) == "answered";
    if (oa != ba) {
      if (oa) best = o;
      continue;
    }
    if (o->endpoint && best->endpoint && liveness_before(*o->endpoint, *best->endpoint)) best = o;
  }
  return best;
}

// probe.discovery: one per device in every shard; "up" when any shard found the device up.
const Observation* pick_discovery(const std::vector<const Observation*>& seen) {
  for (const auto* o : seen)
    if (text_value(*o) == "up") return o;
  return seen.empty() ? nullptr : seen.front();
}

}  // namespace

void check_shards(const std::vector<Report>& shards, const std::vector<std::string>& paths) {
  if (shards.empty()) throw InputError("no shard report given");
  for (std::size_t i = 0; i < shards.size(); ++i)
    if (!shards[i].shard || shards[i].mode != "scan")
      throw InputError(paths[i] + " is not a shard report (written by scan --shard K/N with N > 1)");
  const Report& first = *shards.begin();
  const ShardInfo& one = *first.shard;
  std::map<std::uint32_t, std::size_t> seen;
  for (std::size_t i = 0; i < shards.size(); ++i) {
    const Report& r = shards[i];
    if (r.shard->scan != one.scan || r.shard->count != one.count || r.shard->seed != one.seed)
      throw InputError(paths[i] + " is shard " + shard_label(*r.shard) + " of another scan than " + paths[0] +
                       " (other targets, ports, --seed or shard count)");
    const auto differs = [&](const char* what, const std::string& a, const std::string& b) {
      if (a != b)
        throw InputError(paths[i] + " and " + paths[0] + " differ in " + what + " ('" + b + "' and '" + a +
                         "'): the shards of one scan share every option");
    };
    differs("vantage", first.vantage, r.vantage);
    differs("profile", first.profile.id, r.profile.id);
    differs("crypto policy", policy_name(first), policy_name(r));
    differs("declaration", first.declaration, r.declaration);
    const auto [at, fresh] = seen.emplace(r.shard->index, i);
    if (!fresh)
      throw InputError(paths[at->second] + " and " + paths[i] + " are both shard " + shard_label(*r.shard));
  }
  std::string missing;
  std::size_t n_missing = 0;
  for (std::uint32_t k = 1; k <= one.count; ++k)
    if (!seen.count(k) && ++n_missing <= 8) missing += (missing.empty() ? "" : ", ") + std::to_string(k) + "/" + std::to_string(one.count);
  if (n_missing > 8) missing += ", +" + std::to_string(n_missing - 8) + " more";
  if (n_missing)
    throw InputError(std::string(n_missing == 1 ? "shard " : "shards ") + missing + (n_missing == 1 ? " is" : " are") +
                     " missing: merge needs all " + std::to_string(one.count) + " shards of the scan");
}

Report merge_shard_facts(const std::vector<Report>& shards, const std::vector<std::string>& paths) {
  check_shards(shards, paths);
  // Shards in index order, so the merged observations do not depend on the order given.
  std::vector<const Report*> order;
  for (const auto& r : shards) order.push_back(&r);
  std::sort(order.begin(), order.end(), [](const Report* a, const Report* b) { return a->shard->index < b->shard->index; });

  Report out;
  const Report& first = *order.front();
  out.mode = "scan";
  out.vantage = first.vantage;
  out.profile = first.profile;
  out.declaration = first.declaration;
  out.attestations = first.attestations;
  out.inputs = paths;
  out.complete = true;
  out.started_at = first.started_at;
  out.finished_at = first.finished_at;
  std::map<Address, DeviceFacts> devices;
  std::map<Address, std::vector<const Observation*>> liveness, discovery;
  std::map<Address, std::set<std::string>> kept;
  for (const Report* r : order) {
    out.complete = out.complete && r->complete;
    out.started_at = std::min(out.started_at, r->started_at);
    out.finished_at = std::max(out.finished_at, r->finished_at);
    for (const auto& d : r->devices) {
      const Address& a = d.facts.target.address;
      const bool fresh = !devices.count(a);
      auto& m = devices[a];
      if (fresh) {
        m.target = d.facts.target;
        m.probed = m.credentials_tried = m.scan_complete = true;
      }
      m.probed = m.probed && d.facts.probed;
      m.credentials_tried = m.credentials_tried && d.facts.credentials_tried;
      m.scan_complete = m.scan_complete && d.facts.scan_complete && r->complete;
      m.ports.insert(m.ports.end(), d.facts.ports.begin(), d.facts.ports.end());
      for (const auto& o : d.facts.observations) {
        if (o.key == keys::probe::liveness.name) liveness[a].push_back(&o);
        else if (o.key == keys::probe::discovery.name && !o.endpoint) discovery[a].push_back(&o);
        else if (kept[a].insert(observation_identity(o)).second)
          m.observations.push_back(o);
      }
    }
  }
  for (auto& [a, facts] : devices) {
    // The port scan's discovery comes first and the liveness check last, as in one scan.
    if (const auto* o = pick_discovery(discovery[a])) facts.observations.insert(facts.observations.begin(), *o);
    if (const auto* o = pick_liveness(liveness[a])) facts.observations.push_back(*o);
    std::stable_sort(facts.ports.begin(), facts.ports.end(),
                     [](const PortResult& x, const PortResult& y) { return x.endpoint < y.endpoint; });
    facts.order_observations();  // as the scan orders them: the same evidence order
    DeviceReport d;
    d.facts = std::move(facts);
    out.devices.push_back(std::move(d));
  }
  return out;
}

}  // namespace trustscan
