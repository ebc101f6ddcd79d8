// trustscan — Telnet login trials (cred.default.telnet): prompts, password, shell prompt.
#include "scanner/credentials/credentials.hpp"
#include "scanner/credentials/trial.hpp"
#include "scanner/pipeline/probe_util.hpp"
#include "probes/telnet/telnet.hpp"

#include <functional>

namespace trustscan {

using namespace std::chrono_literals;

// ---- Telnet -----------------------------------------------------------------------------------

namespace {

// Reads until the text that arrived since the call shows a prompt accepted by `want`, or `wait`
// passes. Only new text counts: the echo of what we typed must not be read as the old prompt
// again (after a password, the echoed CRLF leaves "Password:" as the last line for a moment).
net::awaitable<TelnetPrompt> await_prompt(Session& s, TelnetParser& p, std::function<bool(TelnetPrompt)> want,
                                          std::chrono::milliseconds wait) {
  const auto until = SteadyClock::now() + wait;
  const auto seen = p.result().text_bytes;
  auto fresh_prompt = [&] {
    const auto& tail = p.result().tail;
    const auto delta = std::min<std::size_t>(p.result().text_bytes - seen, tail.size());
    const std::string_view fresh = std::string_view(tail).substr(tail.size() - delta);
    if (fresh.find_first_not_of(" \t\r\n") == std::string_view::npos) return TelnetPrompt::none;
    return classify_telnet_prompt(fresh);
  };
  std::vector<std::uint8_t> buf;
  while (SteadyClock::now() < until) {
    if (const auto k = fresh_prompt(); k != TelnetPrompt::none && want(k)) co_return k;
    buf.clear();
    const auto r = co_await s.receive_for(buf, std::chrono::duration_cast<std::chrono::milliseconds>(until - SteadyClock::now()));
    if (r.status != Status::success) break;
    if (p.feed(Bytes(buf)) == Parse::invalid) break;
    if (auto replies = p.take_replies(); !replies.empty()) (void)co_await s.send(replies);
  }
  co_return fresh_prompt();
}

net::awaitable<CredentialAnswer> telnet_attempt(ProbeContext& ctx, const CredentialPair& pair) {
  CredentialAnswer a;
  auto s = co_await trial_connect(ctx, a);
  if (!s) co_return a;
  TelnetParser p;
  auto any = [](TelnetPrompt t) { return t != TelnetPrompt::none; };
  auto prompt = co_await await_prompt(*s, p, any, 5000ms);
  if (prompt == TelnetPrompt::shell) {  // a shell before any login: no authentication at all
    a.kind = CredentialAnswer::Kind::answered;
    a.success = true;
    a.signature = "shell before login";
    a.detail = "shell prompt without a login";
    co_return a;
  }
  if (prompt == TelnetPrompt::login) {
    const std::string line = pair.user + "\r\n";
    (void)co_await s->send(as_bytes(line));
    prompt = co_await await_prompt(*s, p, any, 5000ms);
  }
  if (prompt != TelnetPrompt::password) {
    a.detail = "no password prompt (" + std::string(to_string(prompt)) + ")";
    co_return a;
  }
  const std::string line = pair.password + "\r\n";
  (void)co_await s->send(as_bytes(line));
  prompt = co_await await_prompt(*s, p, any, 6000ms);
  a.kind = CredentialAnswer::Kind::answered;
  a.success = prompt == TelnetPrompt::shell;
  a.conclusive = true;
  a.signature = std::string(to_string(prompt));
  const auto& tail = p.result().tail;
  a.detail = "after the password: " + std::string(to_string(prompt)) + " prompt, \"" +
             printable_excerpt(as_bytes(std::string_view(tail).substr(tail.size() > 60 ? tail.size() - 60 : 0)), 60) + "\"";
  co_return a;
}

}  // namespace

net::awaitable<void> try_telnet_credentials(ProbeContext& probe_ctx, std::vector<Observation>& out) {
  if (!probe_ctx.options.credentials) co_return;
  // No cap of its own: busybox telnetd's stalls (2 of 7 simultaneous sessions without a prompt)
  // came from connections opened in the same millisecond, which run_wave spaces (kWaveSpacing).
  ProbeContext ctx = trial_context(probe_ctx);
  Authenticator attempt = [&ctx](const CredentialPair& p) -> net::awaitable<CredentialAnswer> { co_return co_await telnet_attempt(ctx, p); };
  co_await run_credential_trials(ctx, "Telnet login", attempt, out);
}

}  // namespace trustscan
