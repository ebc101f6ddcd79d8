// trustscan — adaptive timing of the port scan: what one device's answers teach about the next
// attempt's deadline, the number of attempts in flight and whether a timeout is worth a retry.
//
// Pure (no Asio, no clock): the engine feeds it what happened and asks it what to do, so the
// model is tested with made-up histories. The rules (docs/engine.md "Adaptive timing"):
// - Deadline: RFC 6298's smoothed round-trip time and its variance, from every answer (SYN-ACK,
//   RST, ICMP unreachable); the deadline is srtt + 4 * rttvar, kept between a floor and the
//   ceiling (--timeout). Before the first answer the deadline is the ceiling, unless host
//   discovery measured the device's round-trip time (ICMP echo, ARP, a TCP ping): that time
//   seeds the estimate, as nmap seeds its port scan with its ping times, so a device that drops
//   every SYN but answers ping does not cost the ceiling per port. The seed is a stand-in: the
//   first TCP answer replaces it, and while the device has given no TCP answer its retries wait
//   the ceiling (a device whose TCP stack is slower than its ping still gets its ports found).
// - Window (attempts in flight): starts at the ceiling the user allows (--per-device), halves
//   on a loss, grows by one per answer. A loss is a retry that was answered: the first attempt
//   was dropped on the way, not by a filter. A timeout alone is not a loss (a firewall that drops
//   unsolicited SYNs times out every closed port; shrinking on that would stall the scan).
// - Retries: a timeout is retried while retries have paid here (some retry was answered), for
//   the first retries of a device and after each loss (to learn whether they pay), for ports
//   marked `always` (the well-known ports, which are the likely open ones), and for one timeout
//   in eight as a sample.
//   A device that has answered nothing after a full window of timeouts gets no retries at all
//   until it answers.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>

namespace trustscan {

struct TimingLimits {
  std::chrono::microseconds floor{100'000};      ///< shortest deadline
  std::chrono::microseconds ceiling{1'000'000};  ///< --timeout: longest deadline, first deadline
  std::size_t max_window = 128;                  ///< --per-device (this worker's share)
};

class DeviceTiming {
 public:
  explicit DeviceTiming(TimingLimits limits = {});

  /// Seeds the round-trip estimate with a time measured before the port scan (host discovery).
  /// Ignored once a TCP answer has been timed.
  void seed(std::chrono::microseconds rtt) noexcept;
  /// Deadline of the next attempt; `retry` when it repeats one that timed out.
  std::chrono::microseconds deadline(bool retry = false) const noexcept;
  /// Attempts allowed in flight against the device now (1..max_window).
  std::size_t window() const noexcept { return window_; }
  /// Whether the timeout of an attempt (`retry_index`-th retry so far, 0 = first attempt) on a
  /// port should be tried again, given `retries_left` (from --retries). `always` marks ports
  /// that keep their retries whatever the history.
  bool should_retry(int retries_left, bool always) noexcept;

  /// An answer came `rtt` after the attempt began; `on_retry` when that attempt was a retry.
  void on_answer(std::chrono::microseconds rtt, bool on_retry) noexcept;
  /// An attempt reached its deadline unanswered; `on_retry` when it was a retry.
  void on_timeout(bool on_retry) noexcept;

  std::uint64_t answers() const noexcept { return answers_; }
  std::uint64_t losses() const noexcept { return losses_; }
  std::uint64_t retries_skipped() const noexcept { return retries_skipped_; }
  bool has_rtt() const noexcept { return samples_ > 0 || seeded_; }

 private:
  TimingLimits limits_;
  double srtt_us_ = 0;
  double rttvar_us_ = 0;
  std::uint64_t samples_ = 0;  // TCP answers timed
  bool seeded_ = false;        // srtt/rttvar hold discovery's round-trip time, no TCP sample yet
  std::uint64_t answers_ = 0;
  std::uint64_t timeouts_ = 0;
  std::uint64_t retry_timeouts_ = 0;  // retries that timed out too, since the last loss
  std::uint64_t losses_ = 0;          // retries that were answered
  std::uint64_t retry_decisions_ = 0;
  std::uint64_t retries_skipped_ = 0;
  std::size_t window_;
};

}  // namespace trustscan
