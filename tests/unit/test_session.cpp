// Sessions: the abort group that ends a credential wave's leftover attempts.
#include "scanner/engine/session.hpp"

#include "../support/sockets.hpp"

#include <doctest/doctest.h>

#include <vector>

using namespace trustscan;
using namespace std::chrono_literals;

TEST_CASE("AbortGroup: sessions waiting on a silent peer end at once, and so does what they try next") {
  testsupport::Listener silent(false);  // the kernel completes the handshake; nobody ever answers
  const Endpoint ep{*Address::parse("127.0.0.1"), Transport::tcp, silent.port()};
  net::io_context io(1);
  AbortGroup group;
  std::vector<Status> in_group;
  Status outside = Status::success, after_abort = Status::success;
  bool connected_after_abort = true;
  const std::vector<std::uint8_t> hello{'h', 'i'};
  // An hour of budget: only the abort can end these reads (if it did not, the test would hang
  // until CTest's timeout).
  auto waiter = [&]() -> net::awaitable<void> {
    Status st = Status::success;
    auto s = co_await TcpSession::connect(ep, 1s, std::chrono::hours(1), 4096, st, &group);
    if (!s) co_return;
    std::vector<std::uint8_t> buf;
    const auto r = co_await s->receive(buf);
    in_group.push_back(r.status);
    const auto w = co_await s->send(hello);
    in_group.push_back(w.status);
  };
  // A session outside the group keeps its own deadline.
  auto bystander = [&]() -> net::awaitable<void> {
    Status st = Status::success;
    auto s = co_await TcpSession::connect(ep, 1s, 300ms, 4096, st);
    if (!s) co_return;
    std::vector<std::uint8_t> buf;
    outside = (co_await s->receive(buf)).status;
  };
  auto aborter = [&]() -> net::awaitable<void> {
    net::steady_timer t(io, 50ms);
    co_await t.async_wait(net::use_awaitable);
    group.abort();
    const auto late = co_await TcpSession::connect(ep, 1s, std::chrono::hours(1), 4096, after_abort, &group);
    connected_after_abort = late.has_value();
  };
  net::co_spawn(io, waiter(), net::detached);
  net::co_spawn(io, waiter(), net::detached);
  net::co_spawn(io, bystander(), net::detached);
  net::co_spawn(io, aborter(), net::detached);
  io.run();
  CHECK(in_group == std::vector<Status>{Status::io_timeout, Status::io_timeout, Status::io_timeout, Status::io_timeout});
  CHECK(outside == Status::io_timeout);  // its own 300 ms budget, not the abort
  CHECK_FALSE(connected_after_abort);
  CHECK(after_abort == Status::connection_timeout);
}
