// trustscan — the asynchronous port-scan engine (TCP connect and UDP).
//
// One io_context on one thread drives every socket; concurrency is coroutines bounded by a
// global in-flight limit, a per-device limit and a token-bucket rate (DESIGN.md "Engine").
// Every operation has an engine-owned deadline: a device that never answers becomes `filtered`
// after its retries, never a hang. TCP deadlines, the per-device window and retries adapt to
// each device's answers (scanner/engine/timing.hpp).
#pragma once

#include "scanner/engine/plan.hpp"
#include "scanner/engine/progress.hpp"
#include "trustscan/net.hpp"
#include "trustscan/types.hpp"

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace trustscan {

struct EngineOptions {
  std::size_t max_inflight = 1024;      ///< --max-inflight: operations in flight, all devices
  /// --per-device: operations in flight against one device. Only a device that does not answer
  /// fills it (an answered attempt frees its slot at once), so it bounds how long a firewall that
  /// drops takes: 65,535 ports x the 100 ms floor / 512 = 13 s (docs/engine.md).
  std::size_t per_device = 512;
  double rate = 0;                      ///< --rate: new operations per second, 0 = unlimited
  std::chrono::milliseconds timeout{1000};  ///< --timeout: longest deadline of one attempt
  std::chrono::milliseconds min_timeout{100};  ///< --min-timeout: shortest adaptive TCP deadline
  int retries = 1;                      ///< --retries: most extra attempts after a timeout
  std::size_t threads = 0;              ///< --threads: engine threads, 0 = one per core (at most 4)
  bool discovery = true;                ///< host discovery first (--no-discovery: every target is up)
  bool syn = false;                     ///< --syn: TCP ports (IPv4, IPv6) by the SYN scan (scanner/engine/syn_scan.hpp)
  /// The SYN scan's limits (--per-device / --max-inflight when given): a half-open probe holds no
  /// descriptor, and nothing on a device that answers it, so only a silent device fills them.
  std::size_t syn_per_device = 1024;
  std::size_t syn_max_inflight = 65536;
  ScanProgress* progress = nullptr;     ///< counts decided endpoints (the TTY progress line), if set
};

/// Counters of what the engine did; tests use them to prove what was (not) sent.
struct EngineStats {
  std::size_t attempts = 0;        ///< connection attempts / datagrams sent
  std::size_t local_retries = 0;   ///< attempts repeated because a local resource ran out
  std::size_t adaptive_deadlines = 0;  ///< TCP attempts whose deadline was below --timeout
  std::size_t retries_skipped = 0;     ///< timeouts not retried: retries did not pay on that device
  std::size_t discovery_timed = 0;     ///< port-scanned devices whose timing host discovery seeded
  std::size_t endpoints = 0;           ///< endpoints in the plan the engine ran (down devices' left out)
  std::vector<std::pair<std::string, std::string>> hosts_down;  ///< (address, why): not port-scanned
  std::size_t max_inflight_seen = 0;    ///< summed over threads: an upper bound of the total
  std::size_t max_per_device_seen = 0;  ///< summed over threads: an upper bound of the total
  std::size_t syn_endpoints = 0;        ///< endpoints the SYN scan decided (part of `endpoints`)
  std::size_t late_answers = 0;         ///< SYN scan: answers after the port was given up as filtered
  std::string syn_fallback;             ///< --syn asked for but not run: why (the connect scan ran)
};

/// Adds what the SYN scan did to the connect engine's counters.
void add_syn_stats(EngineStats& total, const EngineStats& syn, std::size_t late_answers);

/// Runs a plan's jobs. Create it, co_spawn run() on an io_context, run the context. stop() may be
/// called from a signal handler on the same context: no new job starts, and results() keeps what
/// finished (the report is then marked incomplete).
class PortScanner {
 public:
  PortScanner(const ScanPlan& plan, EngineOptions options);
  ~PortScanner();
  PortScanner(const PortScanner&) = delete;
  PortScanner& operator=(const PortScanner&) = delete;

  /// Runs every job; co_await it on the caller's context. Stats and results are final when it
  /// returns.
  net::awaitable<void> run();
  /// Called on the caller's context (e.g. from a signal handler there): no new job starts.
  void stop();

  /// True when every job of the plan finished.
  bool complete() const noexcept;
  /// Results of the finished jobs, sorted by endpoint.
  std::vector<PortResult> results() const;
  const EngineStats& stats() const noexcept;
  const EngineOptions& options() const noexcept;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

/// Raises the open-files soft limit to the hard limit and returns the usable in-flight maximum
/// (the limit less a reserve for the files the process needs besides sockets).
std::size_t raise_fd_limit();

}  // namespace trustscan
