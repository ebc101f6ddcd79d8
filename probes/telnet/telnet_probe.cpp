// trustscan — Telnet probe: option negotiation to the first prompt (the login trial is its
// credentials stage, declared in the registry).
//
// Registered in scanner/pipeline/probe_registry.cpp; observations it records: docs/observations.md.
#include "scanner/pipeline/protocol_probes.hpp"
#include "scanner/pipeline/probe_util.hpp"
#include "probes/telnet/telnet.hpp"
#include "scanner/pipeline/probe_handoff.hpp"

namespace trustscan {

using namespace std::chrono_literals;

// ---- Telnet: negotiate options (refusing them), read to the first prompt (RFC 854) -------------
net::awaitable<void> probe_telnet(ProbeContext& ctx, std::vector<Observation>& out) {
  auto s = co_await open(ctx, out, "telnet");
  if (!s) co_return;
  TelnetParser parser;
  std::vector<std::uint8_t> buf;
  Parse state = Parse::need_more;
  const auto until = SteadyClock::now() + 5s;  // a prompt comes within seconds or not at all
  while (state == Parse::need_more && SteadyClock::now() < until) {
    buf.clear();
    const auto r = co_await s->receive_for(buf, std::chrono::duration_cast<std::chrono::milliseconds>(until - SteadyClock::now()));
    if (r.status != Status::success) break;
    state = parser.feed(Bytes(buf));
    if (auto replies = parser.take_replies(); !replies.empty())
      if ((co_await s->send(replies)).status != Status::success) break;
  }
  if (state == Parse::invalid) record_status(ctx, out, "telnet", Status::protocol_error, "invalid option negotiation");
  for (auto& o : telnet_observations(parser.result(), ctx.endpoint)) out.push_back(std::move(o));
  s.reset();  // one connection at a time: each login attempt opens its own
  if (parser.prompt() != TelnetPrompt::none && ctx.handoff) ctx.handoff->login_surface = true;
}

}  // namespace trustscan
