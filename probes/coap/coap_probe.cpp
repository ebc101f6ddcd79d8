// trustscan — CoAP probe: the reply to the identification hello (/.well-known/core).
//
// Registered in scanner/pipeline/probe_registry.cpp; observations it records: docs/observations.md.
#include "scanner/pipeline/protocol_probes.hpp"
#include "scanner/pipeline/probe_util.hpp"
#include "probes/coap/coap.hpp"

namespace trustscan {

using namespace std::chrono_literals;

net::awaitable<void> probe_coap(ProbeContext& ctx, std::vector<Observation>& out) {
  CoapMessage m;
  if (parse_coap_message(Bytes(ctx.first_reply), m) != Parse::done) co_return;
  for (auto& o : coap_observations(m, ctx.endpoint)) out.push_back(std::move(o));
  co_return;
}

}  // namespace trustscan
