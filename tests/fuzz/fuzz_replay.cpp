// libFuzzer harness for passive analysis end to end (issue 14): the input is a capture file
// (pcap or pcapng) read from an in-memory file (pcap by libpcap, pcapng by probes/wire/pcapng.hpp); replay_captures
// (scanner/replay/replay.cpp) decodes, reassembles and dissects it into devices, every check of
// the default profile judges them, they are scored and the report is rendered in every format.
//
// A file libpcap cannot read is an InputError (documented); a capture cut short is a partial
// result. Anything else traps, and so do broken invariants: every device is passive and every
// observation comes from the capture (evidence source "pcap"); every finding has a known status
// and a pass cites evidence; the JSON report parses back.
//
// Seeds: tests/fuzz/corpus/replay/ (the captures of pcaps/; see .README.md there). libpcap is not
// instrumented, so coverage counts only trustscan's side of the reading.
#include "scanner/replay/replay.hpp"
#include "scanner/engine/targets.hpp"
#include "trustscan/check.hpp"
#include "trustscan/profile.hpp"
#include "trustscan/report.hpp"

#include <nlohmann/json.hpp>

#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <sstream>
#include <string>
#include <vector>

using namespace trustscan;

namespace {

std::string memfile_path(const std::uint8_t* data, std::size_t size) {
  static const int fd = ::memfd_create("fuzz_replay_capture", 0);
  if (fd < 0) __builtin_trap();
  if (::ftruncate(fd, 0) != 0) __builtin_trap();
  std::size_t done = 0;
  while (done < size) {
    const auto n = ::pwrite(fd, data + done, size - done, static_cast<off_t>(done));
    if (n <= 0) __builtin_trap();
    done += static_cast<std::size_t>(n);
  }
  return "/proc/self/fd/" + std::to_string(fd);
}

const Profile& profile() {
  static const Profile p = load_profile(kDefaultProfile);
  return p;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  ReplayOptions options;
  options.oui_dir = "/nonexistent";  // the IEEE registry has its own harness (fuzz_oui); reading it per input is slow
  options.max_flows = 256;
  options.ooo_pool_bytes = 256 * 1024;  // the 16 MiB default is allocated and cleared per run: 5 runs/s
  ReplayStats stats;
  Report report;
  report.mode = "replay";
  report.vantage = "pcap";
  report.profile = profile();
  const auto path = memfile_path(data, size);
  report.inputs = {path};
  try {
    report.devices = replay_captures({path}, options, stats);
  } catch (const InputError& e) {
    return 0;  // not a capture libpcap can read: documented
  } catch (const std::exception& e) {
    std::fprintf(stderr, "replay: unexpected exception: %s\n", e.what());
    __builtin_trap();
  }
  if (stats.truncated != !stats.warning.empty()) __builtin_trap();
  if (stats.undecodable > stats.packets) __builtin_trap();

  for (auto& d : report.devices) {
    if (!d.facts.passive) __builtin_trap();
    for (const auto& o : d.facts.observations) {
      if (o.key.empty()) __builtin_trap();
      if (o.evidence.source != options.source) {
        std::fprintf(stderr, "%s: evidence source '%s'\n", o.key.c_str(), o.evidence.source.c_str());
        __builtin_trap();
      }
    }
    for (const auto* c : checks_of(report.profile)) evaluate_contained(*c, d.facts, d.results);
    for (const auto& f : d.results) {
      if (static_cast<int>(f.status) > static_cast<int>(CheckStatus::info)) __builtin_trap();
      if (f.status == CheckStatus::pass && f.evidence.empty()) {
        std::fprintf(stderr, "%s: pass without evidence: %s\n", f.check.c_str(), f.summary.c_str());
        __builtin_trap();
      }
    }
    score_device(report.profile, d, {});
  }
  sort_report(report);
  for (const char* format : {"json", "jsonl", "txt", "xml", "sarif", "csv", "html"}) {
    std::ostringstream out;
    make_sink(format)->write(report, out);
    if (std::string_view(format) == "json" && !nlohmann::json::accept(out.str())) __builtin_trap();
    // FUZZ_REPLAY_DUMP=1: print the text report, to see what a capture reaches.
    static const bool dump = std::getenv("FUZZ_REPLAY_DUMP") != nullptr;
    if (dump && std::string_view(format) == "txt") std::fprintf(stderr, "%s\n", out.str().c_str());
  }
  return 0;
}
