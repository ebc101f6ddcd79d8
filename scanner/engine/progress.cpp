// trustscan — the progress line (progress.hpp).
#include "scanner/engine/progress.hpp"

#include <cmath>

namespace trustscan {

namespace {

// 65535 -> "65,535": long counts read at a glance on a line that changes four times a second.
std::string grouped(std::size_t n) {
  std::string digits = std::to_string(n), out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string duration(double seconds) {
  const auto s = static_cast<long long>(std::ceil(seconds));
  if (s < 60) return std::to_string(s) + " s";
  if (s < 3600) return std::to_string(s / 60) + " min " + std::to_string(s % 60) + " s";
  return std::to_string(s / 3600) + " h " + std::to_string(s % 3600 / 60) + " min";
}

}  // namespace

std::string format_progress(ScanPhase phase, std::size_t devices, std::size_t done, std::size_t total, double seconds) {
  const char* what = "";
  const char* unit = "endpoints";
  switch (phase) {
    case ScanPhase::discovery: return "host discovery: " + grouped(devices) + " device(s)";
    case ScanPhase::port_scan: what = "port scan"; break;
    case ScanPhase::probes: what = "probes"; break;
    case ScanPhase::liveness: return "liveness: " + grouped(devices) + " device(s)";
    case ScanPhase::done: return "done";
  }
  std::string line = std::string(what) + ": " + grouped(done) + "/" + grouped(total) + " " + unit;
  if (total > 0) line += " (" + std::to_string(done * 100 / total) + "%)";
  if (seconds >= 1 && done > 0 && done <= total) {
    const double rate = static_cast<double>(done) / seconds;
    line += ", " + grouped(static_cast<std::size_t>(rate)) + "/s";
    if (done < total) line += ", ETA " + duration(static_cast<double>(total - done) / rate);
  }
  return line;
}

}  // namespace trustscan
