// trustscan — FTP login trials (cred.default.ftp): USER/PASS.
#include "scanner/credentials/credentials.hpp"
#include "scanner/credentials/trial.hpp"
#include "scanner/pipeline/probe_util.hpp"
#include "probes/ftp/ftp.hpp"

namespace trustscan {

using namespace std::chrono_literals;

// ---- FTP --------------------------------------------------------------------------------------

net::awaitable<void> try_ftp_credentials(ProbeContext& probe_ctx, std::vector<Observation>& out) {
  if (!probe_ctx.options.credentials) co_return;
  ProbeContext ctx = trial_context(probe_ctx);
  Authenticator attempt = [&ctx](const CredentialPair& pair) -> net::awaitable<CredentialAnswer> {
    CredentialAnswer a;
    auto s = co_await trial_connect(ctx, a);
    if (!s) co_return a;
    std::vector<std::uint8_t> buf;
    std::size_t consumed = 0;
    auto reply = [&]() -> net::awaitable<std::optional<FtpReply>> {
      buf.erase(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(std::min(consumed, buf.size())));
      consumed = 0;
      FtpReply r;
      auto [state, rst] = co_await receive_until(*s, buf, [&](Bytes b) { return parse_ftp_reply(b, r, consumed); });
      if (state != Parse::done) co_return std::nullopt;
      co_return r;
    };
    const auto greeting = co_await reply();
    if (!greeting || greeting->code != 220) {
      a.kind = greeting && greeting->code == 421 ? CredentialAnswer::Kind::lockout : CredentialAnswer::Kind::error;
      a.detail = "greeting " + (greeting ? std::to_string(greeting->code) : std::string("missing"));
      co_return a;
    }
    (void)co_await s->send(build_ftp_command("USER", pair.user));
    auto user = co_await reply();
    if (!user) co_return a;
    int code = user->code;
    if (code == 331) {
      (void)co_await s->send(build_ftp_command("PASS", pair.password));
      const auto pass = co_await reply();
      if (!pass) co_return a;
      code = pass->code;
    }
    a.kind = code == 421 ? CredentialAnswer::Kind::lockout : CredentialAnswer::Kind::answered;
    a.success = code == 230;
    a.conclusive = true;
    a.signature = std::to_string(code);
    a.detail = "USER/PASS -> " + std::to_string(code);
    co_return a;
  };
  co_await run_credential_trials(ctx, "FTP USER/PASS", attempt, out);
}

}  // namespace trustscan
