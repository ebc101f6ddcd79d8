// trustscan — what protocol probes and credential trials share: receiving until a parser is
// satisfied, opening a session within the probe's budget, and one HTTP request/response.
#pragma once

#include "probes/http/http.hpp"
#include "scanner/pipeline/probe_runner.hpp"
#include "scanner/engine/session.hpp"

#include <algorithm>
#include <exception>
#include <optional>
#include <string>
#include <vector>

namespace trustscan {

/// Receives into `buf` until `parse(buf)` is done or invalid, or the session ends. Returns the
/// last parse state (need_more when the session ended first) and the session's status.
template <class SessionT, class ParseFn>
net::awaitable<std::pair<Parse, Status>> receive_until(SessionT& s, std::vector<std::uint8_t>& buf, ParseFn parse) {
  Parse state = buf.empty() ? Parse::need_more : parse(Bytes(buf));
  while (state == Parse::need_more) {
    const IoResult r = co_await s.receive(buf);
    if (r.status != Status::success) co_return std::make_pair(state, r.status);
    state = parse(Bytes(buf));
  }
  co_return std::make_pair(state, Status::success);
}

/// A session to the context's endpoint (through its dialer, inside TLS when ctx.tls) within what
/// is left of its budget;
/// on failure records "probe.<probe>.status" in `out` and returns null.
net::awaitable<std::unique_ptr<Session>> open(ProbeContext& ctx, std::vector<Observation>& out, const char* probe);

/// The protocol probe found that the endpoint does not speak the protocol identification named
/// (a bare "220 " greeting that answers USER like an SMTP server): removes the identification's
/// service.name/product/version for the endpoint from `out` (the runner's list for this endpoint)
/// and records the identifying reply as an unmatched banner, with why. The port then counts as
/// unidentified, so no check of that protocol judges it.
void refute_identification(ProbeContext& ctx, std::vector<Observation>& out, const std::string& why);

/// Records "probe.<probe>.status" = status, with why.
void record_status(ProbeContext& ctx, std::vector<Observation>& out, const char* probe, Status st, const std::string& why);

/// The Host header value for the device (the name the user gave, else the address literal).
std::string host_header(const ProbeContext& ctx);

/// One HTTP request on its own connection (TLS when ctx.tls), with an optional body; nullopt
/// when no complete response arrived within the budget.
net::awaitable<std::optional<HttpResponse>> http_request(ProbeContext& ctx, std::string_view method, std::string_view path,
                                                         std::span<const HttpHeader> extra = {}, std::string_view body = {});

/// One datagram exchange with the context's endpoint (at most `wait`, never past the context's
/// deadline); the first reply, or nullopt.
net::awaitable<std::optional<std::vector<std::uint8_t>>> udp_ask(ProbeContext& ctx, const std::vector<std::uint8_t>& payload,
                                                                 std::chrono::milliseconds wait = std::chrono::milliseconds(1500));

// Runs task(0) … task(n-1), at most `limit` at once, on the caller's executor; returns when all
// are done. The first exception a task threw is rethrown then.
template <class Task>
net::awaitable<void> run_bounded(std::size_t n, std::size_t limit, Task task) {
  auto ex = co_await net::this_coro::executor;
  net::steady_timer wake(ex);
  std::size_t next = 0, running = 0;
  std::exception_ptr first_error;
  limit = std::max<std::size_t>(limit, 1);
  while (next < n || running > 0) {
    while (next < n && running < limit) {
      ++running;
      auto job = task(next++);  // named first: g++ 12 and temporaries inside co_spawn/co_await
      net::co_spawn(ex, std::move(job), [&](std::exception_ptr e) {
        if (e && !first_error) first_error = e;
        --running;
        wake.cancel();
      });
    }
    wake.expires_at(SteadyClock::time_point::max());
    error_code ec;
    co_await wake.async_wait(net::redirect_error(net::use_awaitable, ec));
  }
  if (first_error) std::rethrow_exception(first_error);
}

}  // namespace trustscan
