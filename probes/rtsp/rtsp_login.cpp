// trustscan — RTSP login trials on DESCRIBE (cred.default.media): Basic and Digest.
#include "scanner/credentials/credentials.hpp"
#include "scanner/credentials/trial.hpp"
#include "scanner/pipeline/probe_util.hpp"
#include "probes/rtsp/rtsp.hpp"
#include "probes/http/http_auth.hpp"

namespace trustscan {

using namespace std::chrono_literals;

// ---- RTSP -------------------------------------------------------------------------------------

namespace {

net::awaitable<CredentialAnswer> rtsp_attempt(ProbeContext& ctx, AuthState& state, const std::string& url, const CredentialPair& p) {
  CredentialAnswer a;
  const auto auth = state.authorization(p, "DESCRIBE", url);
  if (!auth) {
    a.detail = "cannot answer the challenge";
    co_return a;
  }
  auto s = co_await trial_connect(ctx, a);
  if (!s) co_return a;
  const std::pair<std::string_view, std::string_view> headers[] = {{"Accept", "application/sdp"}, {"Authorization", *auth}};
  const auto request = build_rtsp_request("DESCRIBE", url, 1, headers);
  const auto reply = co_await request_reply<RtspResponse>(*s, request, a, [](Bytes b, RtspResponse& r, std::size_t& n) {
    return parse_rtsp_response(b, r, n);
  });
  if (!reply) co_return a;
  const RtspResponse& r = *reply;
  if (r.status == 401) state.update(challenges_of(r));
  a.kind = (r.status == 429 || (r.status == 503 && rtsp_header(r, "Retry-After"))) ? CredentialAnswer::Kind::lockout
                                                                                     : CredentialAnswer::Kind::answered;
  a.success = r.status == 200;
  a.conclusive = true;
  a.signature = std::to_string(r.status);
  a.detail = "DESCRIBE -> RTSP " + std::to_string(r.status) + (a.success && !r.body.empty() ? " with the stream description" : "");
  co_return a;
}

}  // namespace

net::awaitable<void> try_rtsp_credentials(ProbeContext& probe_ctx, const std::string& url, const RtspResponse& describe,
                                          std::vector<Observation>& out) {
  if (!probe_ctx.options.credentials || describe.status != 401) co_return;
  const auto challenge = pick_challenge(challenges_of(describe));
  if (!challenge) co_return;
  ProbeContext ctx = trial_context(probe_ctx);
  AuthState state{*challenge, endpoint_seed(ctx)};
  Authenticator attempt = [&ctx, &state, &url](const CredentialPair& p) -> net::awaitable<CredentialAnswer> {
    co_return co_await rtsp_attempt(ctx, state, url, p);
  };
  co_await run_credential_trials(ctx, surface_name("RTSP", *challenge, "DESCRIBE " + url), attempt, out);
}

}  // namespace trustscan
