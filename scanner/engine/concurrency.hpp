// trustscan — running one coroutine per item, a bounded number at once, and waiting for all.
//
// Boost 1.74 has no awaitable operators (TOOLCHAIN.md), so `limit` workers share an index and
// the caller waits on a timer the last worker cancels. Single-threaded: every worker runs on the
// caller's executor.
#pragma once

#include "trustscan/net.hpp"

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <exception>

namespace trustscan {

/// Runs `co_await task(i)` for every i in [0, n), at most `limit` at once; returns when all have
/// ended. A task that throws ends only itself: its result stays as the caller initialised it.
template <class Task>
net::awaitable<void> for_each_concurrently(std::size_t n, std::size_t limit, Task task) {
  std::size_t running = std::min(n, std::max<std::size_t>(1, limit));
  if (running == 0) co_return;
  auto ex = co_await net::this_coro::executor;
  std::size_t next = 0;
  net::steady_timer all_done(ex, std::chrono::steady_clock::time_point::max());
  auto worker = [&]() -> net::awaitable<void> {
    while (next < n) {
      const std::size_t i = next++;
      try {
        co_await task(i);
      } catch (const std::exception&) {
        // contained to item i (STYLE.md rule 5)
      }
    }
  };
  for (std::size_t w = running; w > 0; --w)
    net::co_spawn(ex, worker(), [&](std::exception_ptr) {
      if (--running == 0) all_done.cancel();
    });
  error_code ec;
  co_await all_done.async_wait(net::redirect_error(net::use_awaitable, ec));
}

}  // namespace trustscan
