// Test helper: an emulated device on loopback. Each accepted connection runs `serve(fd)` on its
// own thread; the device closes the connection when `serve` returns. Tests own it by handle.
#pragma once

#include "sockets.hpp"

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace testsupport {

class Device {
 public:
  /// On an ephemeral port of 127.0.0.1, or on `addr`:`port`.
  explicit Device(std::function<void(int)> serve, const char* addr = "127.0.0.1", std::uint16_t port = 0)
      : listener_(false, 128, addr, port), serve_(std::move(serve)) {
    thread_ = std::thread([this] {
      while (!stop_) {
        pollfd p{listener_.fd(), POLLIN, 0};
        if (::poll(&p, 1, 20) <= 0) continue;
        const int c = ::accept(listener_.fd(), nullptr, nullptr);
        if (c < 0) {
          std::this_thread::sleep_for(std::chrono::milliseconds(20));  // after stop_listening()
          continue;
        }
        ++connections_;
        std::lock_guard lock(mu_);
        conns_.emplace_back([this, c] {
          serve_(c);
          ::close(c);
        });
      }
    });
  }
  ~Device() {
    stop_ = true;
    thread_.join();
    std::lock_guard lock(mu_);
    for (auto& t : conns_) t.join();
  }
  std::uint16_t port() const { return listener_.port(); }
  /// Connections accepted so far.
  int connections() const { return connections_; }
  /// The device stops listening for good (a crashed service): later connections are refused.
  /// Safe from `serve`.
  void stop_listening() { ::shutdown(listener_.fd(), SHUT_RDWR); }

 private:
  Listener listener_;
  std::function<void(int)> serve_;
  std::atomic<bool> stop_{false};
  std::atomic<int> connections_{0};
  std::mutex mu_;
  std::vector<std::thread> conns_;
  std::thread thread_;
};

}  // namespace testsupport
