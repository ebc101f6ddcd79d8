// trustscan — adaptive timing of the port scan (rules in timing.hpp).
#include "scanner/engine/timing.hpp"

#include <algorithm>
#include <cmath>

namespace trustscan {

namespace {
// Retries of a device that are always made, to learn whether its timeouts are losses.
constexpr std::uint64_t kLearningRetries = 16;
// Retries keep going while the losses so far are at least one per this many retries that timed
// out since the last loss.
constexpr std::uint64_t kPayingRatio = 32;
// Otherwise one timeout in this many is still retried, so a loss that begins later is seen.
constexpr std::uint64_t kSampleEvery = 8;
}  // namespace

DeviceTiming::DeviceTiming(TimingLimits limits) : limits_(limits) {
  limits_.max_window = std::max<std::size_t>(1, limits_.max_window);
  limits_.ceiling = std::max(limits_.ceiling, std::chrono::microseconds(1));
  limits_.floor = std::min(limits_.floor, limits_.ceiling);
  window_ = limits_.max_window;
}

void DeviceTiming::seed(std::chrono::microseconds rtt) noexcept {
  if (samples_ > 0 || rtt.count() <= 0) return;
  const double r = static_cast<double>(rtt.count());
  srtt_us_ = r;
  rttvar_us_ = r / 2;
  seeded_ = true;
}

std::chrono::microseconds DeviceTiming::deadline(bool retry) const noexcept {
  if (samples_ == 0 && (!seeded_ || retry)) return limits_.ceiling;
  const double rto = srtt_us_ + 4 * rttvar_us_;
  const double bounded = std::clamp(rto, static_cast<double>(limits_.floor.count()),
                                    static_cast<double>(limits_.ceiling.count()));
  return std::chrono::microseconds(static_cast<std::int64_t>(std::ceil(bounded)));
}

bool DeviceTiming::should_retry(int retries_left, bool always) noexcept {
  if (retries_left <= 0) return false;
  const bool silent = answers_ == 0 && timeouts_ >= limits_.max_window;
  bool retry = false;
  if (silent) retry = false;
  else if (always || retry_timeouts_ < kLearningRetries) retry = true;
  else if (losses_ > 0 && losses_ * kPayingRatio >= retry_timeouts_) retry = true;
  else retry = ++retry_decisions_ % kSampleEvery == 0;
  if (!retry) ++retries_skipped_;
  return retry;
}

void DeviceTiming::on_answer(std::chrono::microseconds rtt, bool on_retry) noexcept {
  const double r = static_cast<double>(std::max<std::int64_t>(0, rtt.count()));
  // The first answer to a retry while only the seed was known says the seed was too short, not
  // that the path lost the first attempt (its retry waited the ceiling).
  const bool guessed = samples_ == 0 && seeded_;
  seeded_ = false;
  if (samples_ == 0) {
    srtt_us_ = r;
    rttvar_us_ = r / 2;
  } else {
    rttvar_us_ = 0.75 * rttvar_us_ + 0.25 * std::abs(srtt_us_ - r);
    srtt_us_ = 0.875 * srtt_us_ + 0.125 * r;
  }
  ++samples_;
  ++answers_;
  if (on_retry && !guessed) {
    // A loss: retries pay here. Timed-out retries are counted afresh from now on, so a path
    // that begins to drop late in a scan gets its retries back at once.
    ++losses_;
    retry_timeouts_ = 0;
    window_ = std::max<std::size_t>(1, window_ / 2);
  } else if (!on_retry && window_ < limits_.max_window) {
    ++window_;
  }
}

void DeviceTiming::on_timeout(bool on_retry) noexcept {
  ++timeouts_;
  if (on_retry) ++retry_timeouts_;
}

}  // namespace trustscan
