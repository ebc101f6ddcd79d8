// trustscan — the report and its sinks.
//
// A Report is the complete result of one run (scan, replay, demo). Sinks render it; the JSON
// sink is the contract of INTERFACE.md ("trustscan.report/1"). Every sink sorts what it writes
// (device address, check id, transport, port) so two runs on the same device diff cleanly.
#pragma once

#include "trustscan/check.hpp"
#include "trustscan/profile.hpp"

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace trustscan {

struct DeviceReport {
  DeviceFacts facts;
  std::vector<Finding> results;
  std::vector<OutcomeResult> outcomes;
  Score score;
};

/// Rolls a device's results up to the profile's outcomes and scores the device
/// (STANDARDS.md §4.5; docs/profiles.md). Fills `device.outcomes` and `device.score`.
void score_device(const Profile& profile, DeviceReport& device, const std::vector<Attestation>& attestations = {});

/// What one waiver of --waivers did in a run (docs/waivers.md).
struct WaiverUse {
  WaiverMark waiver;
  std::string state;                  ///< applied | expired | unused (matched no failure)
  std::vector<std::string> findings;  ///< ids of the failures it matched
};

/// What exactly ran (docs/architecture.md "Run manifest"): enough for a lab to say which
/// inputs, data and build produced a report, and to check its files later by SHA-256.
struct RunManifest {
  struct File {
    std::string role;    ///< profile, data, declaration, waivers, capture, report, ca-file…
    std::string name;    ///< "builtin:profiles/ir8425-consumer.yaml" or the path as given
    std::uint64_t bytes = 0;
    std::string sha256;  ///< lower-case hex
  };
  std::vector<std::string> command;              ///< argv as given, argv[0] included
  std::string build;                             ///< compiler and build flavour
  std::string source_commit;                     ///< git commit built from ("-dirty": edited), or "unknown"
  std::map<std::string, std::string> libraries;  ///< library → version string at run time
  std::string host;                              ///< the scanning machine's host name
  std::vector<std::string> source_addresses;     ///< scan: the addresses packets left from
  std::vector<File> files;                       ///< every data file and input file used
  std::vector<std::string> safety_classes;       ///< scan: the device safety classes selected (--safety)
  std::vector<std::string> safety_actions;       ///< scan: the actions beyond `safe` allowed (class or --allow)
};

/// A report of one shard of a scan (`scan --shard K/N` with N > 1; docs/sharding.md). Such a
/// report also carries what `trustscan merge` needs to judge the merged devices again: every
/// port it scanned, each observation's evidence in full, the device's probe flags.
struct ShardInfo {
  std::uint32_t index = 1;  ///< K, 1-based
  std::uint32_t count = 1;  ///< N
  std::uint64_t seed = 0;
  std::string scan;         ///< ScanPlan::identity: the same in every shard of one scan
};

struct Report {
  std::string mode = "scan";      ///< scan | replay | assess | demo
  std::string vantage = "lan";
  std::chrono::system_clock::time_point started_at{};
  std::chrono::system_clock::time_point finished_at{};
  bool complete = true;           ///< false: interrupted or a runtime error cut the run short
  Profile profile;
  std::vector<DeviceReport> devices;  ///< sorted by address
  bool redact = false;            ///< hide found passwords in evidence
  std::vector<Attestation> attestations;  ///< --attestation: non-network outcomes attested
  std::string declaration;        ///< --declaration: the file the checks compared against, or ""
  std::vector<std::string> inputs;  ///< assess: the reports merged; replay: the captures read
  std::vector<WaiverUse> waivers;   ///< --waivers: every waiver and what it matched
  RunManifest manifest;             ///< written when `manifest.command` is set (every CLI run)
  std::optional<ShardInfo> shard;   ///< scan --shard K/N with N > 1
};

/// Renders a Report in one format. Implementations write to the stream they are given; writing
/// a file atomically is the caller's job (write_report_file).
class ReportSink {
 public:
  virtual ~ReportSink() = default;
  virtual void write(const Report& report, std::ostream& out) const = 0;
};

/// The sink for a format name ("json", "jsonl", "txt", "xml" (JUnit), "sarif", "csv", "html"), or nullptr if unknown.
std::unique_ptr<ReportSink> make_sink(std::string_view format);
/// The format implied by a file name's extension ("out/r.json" → "json"), or "" if none fits.
std::string format_for_path(std::string_view path);
/// Writes the report to `path` atomically (temporary file in the same folder, then rename).
/// Throws std::runtime_error with a one-line message on failure.
void write_report_file(const Report& report, const ReportSink& sink, const std::string& path);
/// The short human summary printed on stdout.
void write_summary(const Report& report, std::ostream& out);

/// The finding's stable id: "f-" and 16 hex digits of SHA-256 over the device address, the check
/// and the endpoint ("-" for a device-wide finding). Not over run order, time or wording, so the
/// same finding on the same device has the same id in every run (waivers and diffs key on it).
std::string finding_id(const Address& device, const Finding& f);

/// Sorts results (check id, transport, port) and devices (address) in place.
void sort_report(Report& report);

}  // namespace trustscan
