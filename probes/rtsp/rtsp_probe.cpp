// trustscan — RTSP probe: OPTIONS, DESCRIBE without credentials (the login trial is its
// credentials stage, declared in the registry).
//
// Registered in scanner/pipeline/probe_registry.cpp; observations it records: docs/observations.md.
#include "scanner/pipeline/protocol_probes.hpp"
#include "scanner/pipeline/probe_util.hpp"
#include "probes/rtsp/rtsp.hpp"
#include "scanner/credentials/credentials.hpp"
#include "scanner/pipeline/probe_handoff.hpp"
#include "probes/rtsp/rtsp_keys.hpp"

namespace trustscan {

using namespace std::chrono_literals;

net::awaitable<void> rtsp_credentials(ProbeContext& ctx, const ProbeHandoff& handoff, std::vector<Observation>& out) {
  if (handoff.rtsp_describe) co_await try_rtsp_credentials(ctx, handoff.rtsp_url, *handoff.rtsp_describe, out);
}

// ---- RTSP: OPTIONS, then DESCRIBE without credentials (does the camera hand out its stream?) --
net::awaitable<void> probe_rtsp(ProbeContext& ctx, std::vector<Observation>& out) {
  auto s = co_await open(ctx, out, "rtsp");
  if (!s) co_return;
  const std::string url = "rtsp://" + host_header(ctx) + ":" + std::to_string(ctx.endpoint.port) + "/";
  std::vector<std::uint8_t> buf;
  auto exchange = [&](std::string_view method, std::uint32_t cseq,
                      std::span<const std::pair<std::string_view, std::string_view>> extra)
      -> net::awaitable<std::optional<RtspResponse>> {
    if ((co_await s->send(build_rtsp_request(method, url, cseq, extra))).status != Status::success) co_return std::nullopt;
    RtspResponse resp;
    std::size_t consumed = 0;
    auto [state, st] = co_await receive_until(*s, buf, [&](Bytes b) { return parse_rtsp_response(b, resp, consumed); });
    buf.erase(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(std::min(consumed, buf.size())));
    if (state != Parse::done) co_return std::nullopt;
    co_return resp;
  };
  const auto options = co_await exchange("OPTIONS", 1, {});
  if (!options) {
    record_status(ctx, out, "rtsp", Status::protocol_error, "no valid answer to OPTIONS");
    co_return;
  }
  for (auto& o : rtsp_observations(*options, ctx.endpoint)) out.push_back(std::move(o));
  const std::pair<std::string_view, std::string_view> accept[] = {{"Accept", "application/sdp"}};
  if (const auto describe = co_await exchange("DESCRIBE", 2, accept)) {
    const bool sdp = describe->status == 200 && !describe->body.empty();
    out.push_back(make_observation(ctx.endpoint, keys::rtsp::describe_status, std::int64_t{describe->status},
                                   "DESCRIBE " + url + " without credentials", describe->raw_header));
    out.push_back(make_observation(ctx.endpoint, keys::rtsp::stream_unauthenticated, sdp,
                                   sdp ? "the stream description was returned without credentials" : "DESCRIBE refused"));
    s.reset();
    if (ctx.handoff) {  // DESCRIBE's challenge: the credentials stage
      ctx.handoff->rtsp_url = url;
      ctx.handoff->rtsp_describe = *describe;
      ctx.handoff->login_surface = true;
    }
  }
}

}  // namespace trustscan
