// trustscan — progress of a scan, for the line `trustscan scan` keeps on stderr when it is a
// terminal (docs/engine.md "Progress"): which phase, how much of it is done, how fast, how long
// still. The engine's threads, the SYN scan's thread and the probes count into atomics; the
// printer reads them. Pure (no Asio): the line's format is unit-tested.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <string>

namespace trustscan {

enum class ScanPhase : int { discovery, port_scan, probes, liveness, done };

struct ScanProgress {
  std::atomic<ScanPhase> phase{ScanPhase::discovery};
  std::atomic<std::size_t> devices{0};      ///< devices in the plan
  std::atomic<std::size_t> ports_total{0};  ///< endpoints the port scan runs (down devices' left out)
  std::atomic<std::size_t> ports_done{0};
  std::atomic<std::size_t> probes_total{0};  ///< endpoints identified and probed
  std::atomic<std::size_t> probes_done{0};
};

/// One progress line (no line end): "port scan: 12,345/65,535 endpoints (18%), 8,120/s, ETA 7 s".
/// `done`/`total` of the current phase, `seconds` since the phase began (the rate and ETA are
/// left out until a second has passed and something is done).
std::string format_progress(ScanPhase phase, std::size_t devices, std::size_t done, std::size_t total, double seconds);

}  // namespace trustscan
