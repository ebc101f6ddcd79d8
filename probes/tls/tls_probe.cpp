// trustscan — TLS probe: the TLS analyzer, then what speaks inside (HTTPS).
//
// Registered in scanner/pipeline/probe_registry.cpp; observations it records: docs/observations.md.
#include "scanner/pipeline/protocol_probes.hpp"
#include "scanner/pipeline/probe_util.hpp"
#include "probes/tls/tls_analyzer.hpp"
#include "probes/http/http.hpp"
#include "probes/identify/service_keys.hpp"

namespace trustscan {

using namespace std::chrono_literals;

// ---- TLS: what speaks inside it. HTTPS gets the HTTP probe through the TLS session. The TLS
// configuration itself is judged by the TLS analyzer. --------------------------------------------
net::awaitable<void> probe_tls(ProbeContext& ctx, std::vector<Observation>& out) {
  {
    // The TLS configuration first, with a budget of its own.
    ProbeContext analysis = ctx;
    analysis.deadline = SteadyClock::now() + std::max<std::chrono::milliseconds>(ctx.options.endpoint_budget, 20s);
    co_await analyze_tls(analysis, out);
  }
  ProbeContext inner = ctx;
  inner.tls = true;
  const auto root = co_await http_request(inner, "GET", "/");
  if (!root) {
    record_status(ctx, out, "tls", Status::not_detected, "no HTTP response inside TLS");
    co_return;
  }
  out.push_back(make_observation(ctx.endpoint, keys::service::name, std::string("https"), "an HTTP response to GET / inside TLS",
                                 root->raw_head));
  co_await http_probe_body(inner, *root, out);
}

}  // namespace trustscan
