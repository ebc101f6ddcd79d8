// trustscan — NTP probe: mode 6 read variables and mode 7 monlist.
//
// Registered in scanner/pipeline/probe_registry.cpp; observations it records: docs/observations.md.
#include "scanner/pipeline/protocol_probes.hpp"
#include "scanner/pipeline/probe_util.hpp"
#include "probes/ntp/ntp.hpp"
#include "probes/ntp/ntp_keys.hpp"

namespace trustscan {

using namespace std::chrono_literals;

// NTP: the time reply (from identification), then mode 6 (read variables) and mode 7 monlist,
// the amplification vector (svc.ntp.server).
net::awaitable<void> probe_ntp(ProbeContext& ctx, std::vector<Observation>& out) {
  NtpPacket p;
  if (parse_ntp_response(Bytes(ctx.first_reply), p) == Parse::done)
    for (auto& o : ntp_observations(p, ctx.endpoint)) out.push_back(std::move(o));
  if (const auto r6 = co_await udp_ask(ctx, build_ntp_mode6_readvar())) {
    NtpControlResponse c;
    if (parse_ntp_mode6(Bytes(*r6), c) == Parse::done)
      for (auto& o : ntp_observations(c, ctx.endpoint)) out.push_back(std::move(o));
  }
  bool monlist = false;
  if (const auto r7 = co_await udp_ask(ctx, build_ntp_mode7_monlist())) {
    NtpMode7Response m;
    if (parse_ntp_mode7(Bytes(*r7), m) == Parse::done) {
      for (auto& o : ntp_observations(m, ctx.endpoint)) out.push_back(std::move(o));
      monlist = true;
    }
  }
  if (!monlist) out.push_back(make_observation(ctx.endpoint, keys::ntp::monlist, false,
                                               "no answer to a mode 7 MON_GETLIST request"));
}

}  // namespace trustscan
