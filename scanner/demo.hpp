// trustscan — the built-in demo device: an emulated IoT device on 127.0.0.1.
//
// Product code, not test code: `trustscan demo` starts it and scans it so a new user sees the
// whole product work in seconds with no root and no network. Every service binds 127.0.0.1 on
// an ephemeral port, so it never collides with what else runs on the machine.
#pragma once

#include "trustscan/net.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace trustscan {

class DemoDevice {
 public:
  struct Service {
    std::string name;       ///< "http-admin", "telnet"…
    std::uint16_t port = 0; ///< bound ephemeral port
  };

  /// Binds every service on 127.0.0.1 and starts serving on `io`. Throws std::system_error if a
  /// socket cannot be bound.
  explicit DemoDevice(net::io_context& io);
  ~DemoDevice();
  DemoDevice(const DemoDevice&) = delete;
  DemoDevice& operator=(const DemoDevice&) = delete;

  const std::vector<Service>& services() const noexcept;
  /// Closes every listener (connections in progress end at their own deadlines).
  void close();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace trustscan
