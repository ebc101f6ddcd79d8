// trustscan — the scan pipeline every command shares (docs/architecture.md): port scan, then
// identification and protocol probes (with their follow-on stages), then checks, scoring and
// the report sinks, and the exit code. The command line (scanner/cli/) only parses and calls.
#pragma once

#include "scanner/engine/engine.hpp"
#include "scanner/pipeline/probe_runner.hpp"
#include "scanner/report/waivers.hpp"
#include "trustscan/report.hpp"

#include <ostream>
#include <string>
#include <vector>

namespace trustscan {

/// Exit codes of INTERFACE.md.
enum ExitCode : int {
  kExitOk = 0,           ///< ran to completion; no check failed (per --fail-on)
  kExitFailed = 1,       ///< ran to completion; at least one check failed
  kExitUsage = 2,        ///< usage or input error; one line on stderr
  kExitRuntime = 3,      ///< runtime error; partial report written
  kExitInterrupted = 130 ///< interrupted; partial report written
};

/// Output options shared by scan, demo (and later replay, assess).
struct OutputOptions {
  std::vector<std::string> files;  ///< -o, repeatable
  std::string format;              ///< --format, overrides the extension
  bool quiet = false;              ///< -q: no summary on stdout
  bool redact = false;             ///< --redact: hide found passwords
  std::string fail_on = "fail";    ///< --fail-on: fail|critical|high|medium|low|never
  std::string waivers_file;        ///< --waivers: accepted risks (docs/waivers.md), or ""
  std::vector<Waiver> waivers;     ///< loaded from waivers_file before anything is sent
  std::vector<std::string> command;  ///< the command line, for the report's manifest ("" : none)
  std::string evidence_dir;          ///< --evidence: the bundle's directory (docs/evidence.md), or ""
  bool evidence_secrets = false;     ///< --evidence-secrets: keep found passwords in the bundle
  std::string evidence_traffic;      ///< the run's traffic capture to put in the bundle, or ""
  std::string evidence_traffic_note; ///< why there is none
};

/// The tail every mode shares: checks on each device, waivers, scoring, sorting, writing every
/// output file and the summary, and the exit code.
int finish_report(Report& report, const OutputOptions& output, bool interrupted, std::ostream& out,
                  std::ostream& err);

/// Fills the report's manifest (when `output.command` is set): the command, build, libraries,
/// host and embedded data, and the waiver file. The modes add their own inputs before.
void complete_manifest(Report& report, const OutputOptions& output);

/// Applies the waivers of `output` (when a file was given) as of today, before scoring.
void apply_output_waivers(Report& report, const OutputOptions& output);

/// Writes every output file and the summary of a scored report; warns on stderr about expired
/// waivers and waivers that matched no failure; returns the exit code.
int write_outputs(const Report& report, const OutputOptions& output, bool interrupted, std::ostream& out,
                  std::ostream& err);

/// Runs the port scan of `plan` on `io` (which may also serve other work, e.g. the demo
/// device), then identifies and probes the services found (unless `probe.probes` is false), and
/// returns the report's devices. `interrupted` is set when SIGINT/SIGTERM stopped it; `stats`,
/// when given, receives what the port-scan engine did.
std::vector<DeviceReport> run_active_scan(net::io_context& io, const ScanPlan& plan, const EngineOptions& options,
                                          const ProbeOptions& probe, bool& interrupted, EngineStats* stats = nullptr);

/// Whether `f` fails the run under --fail-on `fail_on` (fail|critical|high|medium|low|info|never).
bool fails(const Finding& f, const std::string& fail_on);

}  // namespace trustscan
