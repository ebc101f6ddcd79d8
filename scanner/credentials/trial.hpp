// trustscan — internal: what the protocols' login trials (probes/<protocol>/<protocol>_login.cpp)
// share: their budget, a connection per attempt, form submission, one request/one reply, and
// challenge-response state for HTTP and RTSP authentication.
#pragma once

#include "scanner/credentials/credentials.hpp"
#include "scanner/pipeline/probe_util.hpp"
#include "probes/http/http_auth.hpp"
#include "probes/rtsp/rtsp.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace trustscan {

/// A random-looking token, fixed by `seed` (known-bad pairs, Digest cnonces).
std::string random_token(std::uint64_t seed);
/// A context with the trial's own budget (enough for every attempt at its longest).
ProbeContext trial_context(const ProbeContext& ctx);
/// A seed fixed by the endpoint: the same device gets the same random pair in every run.
std::uint64_t endpoint_seed(const ProbeContext& ctx);
/// A connection for one attempt (through the context's dialer, inside TLS when ctx.tls); a refused
/// connection reads as lockout, any other failure as an error, both written into `a`.
net::awaitable<std::unique_ptr<Session>> trial_connect(ProbeContext& ctx, CredentialAnswer& a);
/// A form submission: POST with an urlencoded body, or GET with the body as the query.
net::awaitable<std::optional<HttpResponse>> send_form(ProbeContext& ctx, const std::string& method, const std::string& target,
                                                      const std::string& body);
/// A JSON login: POST `body` (a JSON object) as application/json.
net::awaitable<std::optional<HttpResponse>> send_json(ProbeContext& ctx, const std::string& target, const std::string& body);
/// Waits `d` on the caller's executor.
net::awaitable<void> pause(std::chrono::milliseconds d);

/// The challenges of a 401 answer.
std::vector<AuthChallenge> challenges_of(const HttpResponse& r);
std::vector<AuthChallenge> challenges_of(const RtspResponse& r);
/// The challenge we answer: Digest with SHA-256, then Digest with MD5, then Basic.
std::optional<AuthChallenge> pick_challenge(const std::vector<AuthChallenge>& cs);
/// "HTTP Digest realm=\"x\" SHA-256 on /": how a login surface is named in reports.
std::string surface_name(std::string_view proto, const AuthChallenge& c, std::string_view where);

// Challenge-response state of one login surface: the latest challenge (each 401 brings a fresh
// Digest nonce, so every attempt answers a nonce of its own with nc=1).
struct AuthState {
  AuthChallenge challenge;
  std::uint64_t seed = 0;
  std::uint64_t attempts = 0;

  std::optional<std::string> authorization(const CredentialPair& p, std::string_view method, std::string_view uri) {
    ++attempts;
    if (!challenge.is("Digest")) return build_basic_authorization(p.user, p.password);
    const std::string cnonce = random_token(seed + attempts);
    return build_digest_authorization(challenge, {p.user, p.password, method, uri, cnonce, 1}, digest_hex);
  }
  // A 401 with a new challenge of the same scheme replaces the old one.
  void update(const std::vector<AuthChallenge>& cs) {
    for (const auto& c : cs)
      if (c.is(challenge.scheme) && (!c.is("Digest") || digest_algorithm(c) == digest_algorithm(challenge))) {
        challenge = c;
        return;
      }
  }
};

// Sends `request` and parses one reply with `parse(bytes, reply, consumed)`; nullopt, with the
// reason in a.detail, when the send fails or no complete reply arrives.
template <class Reply, class ParseFn>
net::awaitable<std::optional<Reply>> request_reply(Session& s, const std::vector<std::uint8_t>& request, CredentialAnswer& a,
                                                   ParseFn parse) {
  const IoResult sent = co_await s.send(request);
  if (sent.status != Status::success) {
    a.detail = "send failed";
    co_return std::nullopt;
  }
  std::vector<std::uint8_t> buf;
  Reply r;
  std::size_t consumed = 0;
  auto [parsed, st] = co_await receive_until(s, buf, [&](Bytes b) { return parse(b, r, consumed); });
  if (parsed != Parse::done) {
    a.detail = "no complete reply (" + std::string(to_string(st)) + ")";
    co_return std::nullopt;
  }
  co_return r;
}

}  // namespace trustscan
