// trustscan — TLS stages: the TLS analyzer, then what speaks inside (HTTPS, MQTT, RTSP, CoAP over
// TLS, or any service the identification table knows), and that protocol's probe and stages
// through TLS (the registry declares both after the TLS probe, which has nothing left to do).
//
// Registered in scanner/pipeline/probe_registry.cpp; observations it records: docs/observations.md.
#include "scanner/pipeline/protocol_probes.hpp"
#include "scanner/pipeline/probe_util.hpp"
#include "probes/tls/tls_analyzer.hpp"

#include <algorithm>
#include <array>

namespace trustscan {

using namespace std::chrono_literals;

namespace {

// The protocols whose probes (and credential trials) speak through the context's dialer, so they
// run inside TLS as they run in the clear. Any other service found inside TLS is named, not probed.
constexpr std::array<std::string_view, 4> kProbedInsideTls = {"http", "mqtt", "rtsp", "coap"};

}  // namespace

// The TLS handshake identified the service: the work is in the two stages the registry declares.
net::awaitable<void> probe_tls(ProbeContext&, std::vector<Observation>&) { co_return; }

// The TLS configuration first, with a budget of its own.
net::awaitable<void> tls_analysis(ProbeContext& ctx, const ProbeHandoff&, std::vector<Observation>& out) {
  ProbeContext analysis = ctx;
  analysis.deadline = SteadyClock::now() + std::max<std::chrono::milliseconds>(ctx.options.endpoint_budget, 20s);
  co_await analyze_tls(analysis, out);
}

// Then what speaks inside, with at least the run's per-endpoint budget left, and its probe and
// stages through TLS.
net::awaitable<void> tls_inner_service(ProbeContext& ctx, const ProbeHandoff&, std::vector<Observation>& out) {
  ProbeContext inner = ctx;
  inner.tls = true;
  inner.deadline = std::max(ctx.deadline, SteadyClock::now() + ctx.options.endpoint_budget);
  const auto found = co_await identify_inside_tls(inner);
  for (auto& o : identification_observations(ctx.endpoint, found, true)) out.push_back(std::move(o));
  if (!found.id) {
    record_status(ctx, out, "tls", Status::not_detected,
                  found.reply.empty() ? "no hello inside TLS got an answer (" + std::string(to_string(found.status)) + ")"
                                      : "no rule matched the answer to '" + found.hello + "' inside TLS");
    co_return;
  }
  const auto& id = *found.id;
  if (std::find(kProbedInsideTls.begin(), kProbedInsideTls.end(), id.service) == kProbedInsideTls.end()) co_return;

  inner.id = id;
  inner.first_reply = found.reply;
  const auto& probes = protocol_probes();
  if (const auto it = probes.find(id.service); it != probes.end()) {
    inner.deadline = std::max(inner.deadline, SteadyClock::now() + it->second.budget);
    co_await run_probe_entry(id.service, it->second, inner, out);
  }
}

}  // namespace trustscan
