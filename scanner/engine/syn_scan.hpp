// trustscan — the SYN scan (`--syn`, docs/engine.md "SYN scan"): half-open TCP probes crafted with
// libtins and sent on a raw IPv4 or IPv6 socket, answers read with libpcap (immediate mode, a BPF
// filter for our source port and ICMP / ICMPv6 destination-unreachable errors) and validated statelessly (scanner/engine/syn_reply.hpp).
//
// It runs the TCP jobs of a plan on one thread of its own, without Asio: one loop sends while
// the device's window and the rate allow, reads what the capture holds, and retries or gives up
// on probes whose deadline passed. Deadlines, windows and retries follow each device's answers
// exactly as the connect scan's do (scanner/engine/timing.hpp). Every SYN-ACK gets a RST (the
// kernel sends one too: no socket of ours owns the source port, which a bound socket reserves
// against other programs), so no half-open session stays on the device.
//
// States are the connect scan's: SYN-ACK open, RST closed, ICMP unreachable or silence
// filtered; the report does not say which scan found them, the run's command line does.
#pragma once

#include "scanner/engine/engine.hpp"
#include "scanner/engine/plan.hpp"

#include <atomic>
#include <memory>
#include <string>
#include <vector>

namespace trustscan {

/// Whether this process may send raw IPv4 packets (tries to open a raw socket; sends nothing).
bool syn_scan_available(std::string& why);

class SynScanner {
 public:
  /// Opens the raw socket and the captures the plan's targets need. nullptr with `why` (one
  /// line) when this process cannot: no CAP_NET_RAW, no route or interface for a target, a job
  /// that is not TCP.
  static std::unique_ptr<SynScanner> open(const ScanPlan& plan, const EngineOptions& options, std::string& why);
  ~SynScanner();
  SynScanner(const SynScanner&) = delete;
  SynScanner& operator=(const SynScanner&) = delete;

  /// Runs every job; returns when all are decided or `stop` is set (the results then hold the
  /// decided ones only).
  void run(const std::atomic<bool>& stop);

  bool complete() const noexcept;
  /// Results of the decided jobs, sorted by endpoint.
  std::vector<PortResult> results() const;
  /// attempts, adaptive_deadlines, retries_skipped, endpoints, max_inflight_seen, max_per_device_seen.
  const EngineStats& stats() const noexcept;
  /// Answers that came after their job was given up as filtered (the state is then corrected).
  std::size_t late_answers() const noexcept;

 private:
  struct State;
  explicit SynScanner(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace trustscan
