// trustscan — the deadline guard every socket operation runs under.
//
// Boost 1.74 has no per-operation cancellation (cancel_after, awaitable operators), so a timer
// cancels the socket when the deadline passes (TOOLCHAIN.md §2). The guard is disarmed before the
// socket dies, so a timer handler already queued never touches a dead socket. Single-threaded
// use per socket (each engine worker owns its context).
#pragma once

#include "trustscan/net.hpp"

#include <chrono>
#include <memory>

namespace trustscan {

template <class Socket>
class Deadline {
 public:
  Deadline(Socket& s, std::chrono::steady_clock::time_point at) : timer_(s.get_executor(), at) {
    timer_.async_wait([&s, armed = armed_](error_code ec) {
      if (!ec && *armed) {
        error_code ignored;
        s.cancel(ignored);
      }
    });
  }
  Deadline(Socket& s, std::chrono::steady_clock::duration d) : Deadline(s, std::chrono::steady_clock::now() + d) {}
  ~Deadline() {
    *armed_ = false;
    timer_.cancel();
  }
  Deadline(const Deadline&) = delete;
  Deadline& operator=(const Deadline&) = delete;
  /// True once the deadline has passed: an operation_aborted then means "timed out".
  bool expired() const { return timer_.expiry() <= std::chrono::steady_clock::now(); }

 private:
  net::steady_timer timer_;
  std::shared_ptr<bool> armed_ = std::make_shared<bool>(true);
};

}  // namespace trustscan
