// trustscan — the built-in demo device: an emulated IoT device on 127.0.0.1.
//
// Product code, not test code: `trustscan demo` starts it and scans it so a new user sees the
// whole product work in seconds with no root and no network. Every service binds kDemoAddress
// (loopback) on the port such a device would use, or an ephemeral port when that one is taken.
#pragma once

#include "trustscan/net.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace trustscan {

/// Where the demo device listens: a loopback address of its own, so its usual ports (8080,
/// 8443, 2323, 1883) are unlikely to be taken by anything else on the machine.
inline constexpr const char* kDemoAddress = "127.77.0.1";

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
