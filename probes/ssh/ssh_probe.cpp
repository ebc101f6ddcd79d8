// trustscan — SSH probe: identification line and KEXINIT (RFC 4253), host key sizes (the login
// trial is its credentials stage, declared in the registry).
//
// Registered in scanner/pipeline/probe_registry.cpp; observations it records: docs/observations.md.
#include "scanner/pipeline/protocol_probes.hpp"
#include "scanner/pipeline/probe_util.hpp"
#include "probes/ssh/ssh.hpp"
#include "probes/ssh/ssh_libssh.hpp"
#include "scanner/pipeline/probe_handoff.hpp"

namespace trustscan {

using namespace std::chrono_literals;

// ---- SSH: identification line, then the server's KEXINIT (RFC 4253 §4.2, §7.1) ----------------
net::awaitable<void> probe_ssh(ProbeContext& ctx, std::vector<Observation>& out) {
  auto s = co_await open(ctx, out, "ssh");
  if (!s) co_return;
  std::vector<std::uint8_t> buf;
  SshResult result;
  std::size_t consumed = 0;
  auto [state, st] = co_await receive_until(*s, buf, [&](Bytes b) { return parse_ssh_ident(b, result.ident, consumed); });
  if (state != Parse::done) {
    record_status(ctx, out, "ssh", state == Parse::invalid ? Status::protocol_error : st, "no valid SSH identification line");
    co_return;
  }
  // Our identification makes the server send its KEXINIT (it may already have).
  (void)co_await s->send(build_ssh_ident());
  std::vector<std::uint8_t> rest(buf.begin() + static_cast<std::ptrdiff_t>(consumed), buf.end());
  SshKexInit kex;
  std::size_t used = 0;
  auto [kstate, kst] = co_await receive_until(*s, rest, [&](Bytes b) { return parse_ssh_kexinit(b, kex, used); });
  if (kstate == Parse::done) result.kexinit = std::move(kex);
  else record_status(ctx, out, "ssh", kstate == Parse::invalid ? Status::protocol_error : kst, "no KEXINIT after the identification");
  for (auto& o : ssh_observations(result, ctx.endpoint)) out.push_back(std::move(o));
  s.reset();
  // Host key sizes: one key exchange per host-key type offered (protocol 2 servers only).
  if (result.kexinit && !result.kexinit->server_host_key_algorithms.empty())
    co_await analyze_ssh_host_keys(ctx, result.kexinit->server_host_key_algorithms, out);
  // The group-exchange primes (opt-in: ssh.gex).
  if (result.kexinit) co_await analyze_ssh_gex(ctx, *result.kexinit, out);
  if (ctx.handoff) ctx.handoff->login_surface = true;
}

}  // namespace trustscan
