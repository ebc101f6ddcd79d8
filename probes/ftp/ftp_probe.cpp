// trustscan — FTP probe: greeting, anonymous login; its stages (the login trial, explicit FTPS
// alongside) are declared in the registry.
//
// Registered in scanner/pipeline/probe_registry.cpp; observations it records: docs/observations.md.
#include "scanner/pipeline/protocol_probes.hpp"
#include "scanner/pipeline/probe_util.hpp"
#include "probes/ftp/ftp.hpp"
#include "scanner/pipeline/probe_handoff.hpp"
#include "probes/ftp/ftp_keys.hpp"

namespace trustscan {

using namespace std::chrono_literals;

// ---- FTP: greeting, then an anonymous login attempt (RFC 959 §4, RFC 1635) --------------------
net::awaitable<void> probe_ftp(ProbeContext& ctx, std::vector<Observation>& out) {
  auto s = co_await open(ctx, out, "ftp");
  if (!s) co_return;
  std::vector<std::uint8_t> buf;
  FtpReply greeting;
  std::size_t consumed = 0;
  auto [state, st] = co_await receive_until(*s, buf, [&](Bytes b) { return parse_ftp_reply(b, greeting, consumed); });
  if (state != Parse::done) {
    record_status(ctx, out, "ftp", state == Parse::invalid ? Status::protocol_error : st, "no valid FTP greeting");
    co_return;
  }
  for (auto& o : ftp_observations(greeting, ctx.endpoint)) out.push_back(std::move(o));
  if (greeting.code != 220) co_return;

  // One command, one reply: anything buffered past a reply belongs to the next one.
  auto command = [&](std::string_view verb, std::string_view arg) -> net::awaitable<std::optional<FtpReply>> {
    buf.erase(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(std::min(consumed, buf.size())));
    consumed = 0;
    if ((co_await s->send(build_ftp_command(verb, arg))).status != Status::success) co_return std::nullopt;
    FtpReply reply;
    auto [rs, rst] = co_await receive_until(*s, buf, [&](Bytes b) { return parse_ftp_reply(b, reply, consumed); });
    if (rs != Parse::done) co_return std::nullopt;
    co_return reply;
  };
  auto user = co_await command("USER", "anonymous");
  if (!user) co_return;
  // A greeting the table named FTP by its "220 " alone (no product): the answer to USER decides.
  if (ctx.id.product.empty() && !is_ftp_user_reply(*user)) {
    const std::string answer = user->lines.empty() ? std::string() : user->lines.front();
    refute_identification(ctx, out, "the greeting reads like FTP's, but USER got '" + printable_excerpt(as_bytes(answer), 120) +
                                        "', not an FTP answer (RFC 959 section 5.4): an SMTP server greets with 220 too");
    (void)co_await s->send(build_ftp_command("QUIT"));
    co_return;
  }
  bool accepted = user->code == 230;  // some servers log anonymous in without a password
  std::string transcript = "USER anonymous -> " + std::to_string(user->code);
  if (user->code == 331) {
    auto pass = co_await command("PASS", "trustscan@example.invalid");
    if (!pass) co_return;
    accepted = pass->code == 230;
    transcript += "; PASS <email> -> " + std::to_string(pass->code) + (pass->lines.empty() ? "" : " " + pass->lines.back());
  }
  auto o = make_observation(ctx.endpoint, keys::ftp::anonymous_login, accepted, transcript);
  o.evidence.kind = "credential";
  if (accepted) {
    o.evidence.username = "anonymous";
    o.evidence.password = "trustscan@example.invalid";
  }
  out.push_back(std::move(o));
  (void)co_await s->send(build_ftp_command("QUIT"));
  s.reset();
  if (ctx.handoff) ctx.handoff->login_surface = true;  // USER/PASS: the credentials stage
}

}  // namespace trustscan
