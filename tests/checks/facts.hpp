// Test helper for check tests: hand-built device facts (facts in, findings out).
#pragma once

#include "trustscan/check.hpp"

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace checktest {

using namespace trustscan;

inline Endpoint tcp(std::uint16_t port) { return Endpoint{*Address::parse("198.18.0.10"), Transport::tcp, port}; }
inline Endpoint udp(std::uint16_t port) { return Endpoint{*Address::parse("198.18.0.10"), Transport::udp, port}; }

/// A fully probed device (scan complete, credential trials allowed) with no port yet.
inline DeviceFacts device() {
  DeviceFacts d;
  d.target.address = *Address::parse("198.18.0.10");
  d.probed = true;
  d.credentials_tried = true;
  return d;
}

inline void observe(DeviceFacts& d, const Endpoint& ep, std::string key, Value v) {
  Observation o{ep, std::move(key), std::move(v), {}};
  o.evidence.kind = "probe";
  o.evidence.detail = "test";
  d.observations.push_back(std::move(o));
}

/// Adds a scanned port; `service` non-empty also records its identification.
inline void port(DeviceFacts& d, const Endpoint& ep, PortState st, const std::string& service = {}) {
  PortResult p;
  p.endpoint = ep;
  p.state = st;
  d.ports.push_back(p);
  std::sort(d.ports.begin(), d.ports.end(), [](const PortResult& a, const PortResult& b) { return a.endpoint < b.endpoint; });
  if (!service.empty()) observe(d, ep, "service.name", service);
}

/// Runs the built-in check `id` on `d`, contained as the pipeline runs it.
inline std::vector<Finding> judge(const std::string& id, const DeviceFacts& d) {
  std::vector<Finding> out;
  for (const auto& c : builtin_checks())
    if (c->id() == id) evaluate_contained(*c, d, out);
  return out;
}

/// The one finding of check `id` (on `ep` when given); a default Finding when there is none.
inline Finding one(const std::string& id, const DeviceFacts& d) {
  const auto all = judge(id, d);
  return all.size() == 1 ? all.front() : Finding{};
}

}  // namespace checktest
