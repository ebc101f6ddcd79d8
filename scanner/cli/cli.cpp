// trustscan — the command line.
#include "scanner/cli/cli.hpp"
#include "scanner/pipeline/pipeline.hpp"

#include "scanner/report/assess.hpp"
#include "scanner/report/shard_merge.hpp"
#include "scanner/engine/capture.hpp"
#include "scanner/credentials/credentials.hpp"
#include "scanner/report/diff.hpp"
#include "scanner/report/manifest.hpp"
#include "scanner/cli/demo.hpp"
#include "scanner/engine/link_discovery.hpp"
#include "scanner/engine/plan.hpp"
#include "scanner/engine/stop_request.hpp"
#include "scanner/engine/syn_scan.hpp"
#include "scanner/replay/replay.hpp"
#include "probes/tls/tls_chain.hpp"
#include "scanner/config/compromised_keys.hpp"
#include "scanner/config/service_table.hpp"
#include "scanner/config/yaml_util.hpp"
#include "scanner/engine/targets.hpp"
#include "scanner/policy/crypto_policy.hpp"
#include "trustscan/observation_key.hpp"
#include "trustscan/profile.hpp"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iomanip>
#include <optional>
#include <mutex>
#include <condition_variable>
#include <sstream>
#include <thread>

#include <csignal>
#include <signal.h>
#include <unistd.h>
#include <iostream>
#include <map>
#include <set>

namespace trustscan {

namespace {

struct ScanArgs {
  std::vector<std::string> targets;
  std::string ports;
  std::string scope;
  std::string scope_file;
  std::string profile = kDefaultProfile;
  std::vector<std::string> crypto_policy;
  std::string vantage = "lan";
  std::string shard = "1/1";
  std::uint64_t seed = 0;
  bool dry_run = false;
  EngineOptions engine;
  std::size_t max_inflight = 0;  // 0: not given (1024 connect, 65536 with --syn)
  std::size_t per_device = 0;    // 0: not given (512 connect, 1024 with --syn)
  int timeout_ms = 1000;
  int min_timeout_ms = 0;  // 0: not given (100 ms, or --timeout when that is shorter)
  ProbeOptions probe;
  bool no_probes = false;
  bool no_discovery = false;
  bool no_creds = false;
  bool creds_throttle = false;
  bool probe_printers = false;
  bool snmp_write = false;
  std::string safety = "safe";
  std::vector<std::string> allow;
  int creds_parallel = 0;
  int creds_max = 0;
  std::string creds_file;
  std::string compromised_keys_file;
  std::string declaration;
  std::string attestation;
  std::string capture_iface;
  int capture_for = 0;
};

// --declaration and --attestation: side files for the scoring, read before anything is sent.
void add_assessment_options(CLI::App& cmd, std::string& declaration, std::string& attestation) {
  cmd.add_option("--declaration", declaration,
                 "Manufacturer's declaration (YAML): expected services, update and cloud endpoints (docs/profiles.md)");
  cmd.add_option("--attestation", attestation,
                 "Attestations (YAML) for the profile's non-network outcomes (docs/profiles.md)");
}

// --crypto-policy NAME|FILE[,…]: replaces the profile's crypto policy, part by part.
void add_crypto_policy_option(CLI::App& cmd, std::vector<std::string>& names) {
  cmd.add_option("--crypto-policy", names,
                 "Crypto policy the tls.* and ssh.* checks judge against: a built-in id (trustscan policy list) or a YAML "
                 "file; repeatable or comma-separated. Replaces the TLS and/or SSH part of the profile's policy "
                 "(docs/crypto-policies.md)");
}

// The profile, with --crypto-policy applied: the parts the named policies have replace the profile's.
Profile load_profile_with_policy(const std::string& id_or_path, const std::vector<std::string>& crypto_policy) {
  Profile p = load_profile(id_or_path);
  if (!crypto_policy.empty()) {
    const auto over = resolve_crypto_policy(crypto_policy);
    p.crypto_policy = std::make_shared<const CryptoPolicy>(override_crypto_policy(*p.crypto_policy, over));
  }
  return p;
}

void add_output_options(CLI::App& cmd, OutputOptions& o) {
  cmd.add_option(
      "-o,--output", o.files,
      "Write the report to FILE (repeatable); format from the extension: .json .jsonl .txt .xml (JUnit) .sarif .csv .html");
  cmd.add_option("--format", o.format, "Format for every -o file, overriding the extension")
      ->check(CLI::IsMember({"json", "jsonl", "txt", "xml", "sarif", "csv", "html"}));
  cmd.add_flag("-q,--quiet", o.quiet, "No summary on stdout");
  cmd.add_flag("--redact", o.redact, "Hide found passwords in the report");
  cmd.add_option("--evidence", o.evidence_dir,
                 "Write an evidence bundle to this new directory: reports, every finding's evidence in full, "
                 "observations, the traffic with the devices (root), SHA256SUMS (docs/evidence.md)");
  cmd.add_flag("--evidence-secrets", o.evidence_secrets, "Keep found passwords in the evidence bundle (redacted by default)");
  cmd.add_option("--waivers", o.waivers_file,
                 "Accepted risks (YAML): failures named by finding id or check, with justification, owner and expiry; "
                 "reported as waived, they do not fail the run until they expire (docs/waivers.md)");
  cmd.add_option("--fail-on", o.fail_on, "Exit 1 when a check fails with at least this severity, or 'never'")
      ->check(CLI::IsMember({"fail", "critical", "high", "medium", "low", "info", "never"}));
}

// The progress line on stderr while a scan runs, when stderr is a terminal and not -q
// (docs/engine.md "Progress"): redrawn four times a second in place, erased at the end, so
// nothing of it is left in the terminal's scrollback or reaches a file or pipe.
class ProgressLine {
 public:
  explicit ProgressLine(const ScanProgress& p) : progress_(p), thread_([this] { loop(); }) {}
  ~ProgressLine() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
    put("\r\033[K");
  }
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

 private:
  static void put(const std::string& s) { (void)!::write(2, s.data(), s.size()); }
  void loop() {
    using Clock = std::chrono::steady_clock;
    auto phase = progress_.phase.load();
    auto since = Clock::now();
    std::unique_lock lock(mu_);
    while (!cv_.wait_for(lock, std::chrono::milliseconds(250), [this] { return stop_; })) {
      const auto now_phase = progress_.phase.load();
      if (now_phase != phase) {
        phase = now_phase;
        since = Clock::now();
      }
      const bool ports = phase == ScanPhase::port_scan;
      const auto done = ports ? progress_.ports_done.load() : progress_.probes_done.load();
      const auto total = ports ? progress_.ports_total.load() : progress_.probes_total.load();
      const double secs = std::chrono::duration<double>(Clock::now() - since).count();
      put("\r\033[K" + format_progress(phase, progress_.devices.load(), done, total, secs));
    }
  }

  const ScanProgress& progress_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;  // last: started once the rest exists
};

// One line on what the port scan did and how the adaptive timing spent it (docs/engine.md).
void write_engine_summary(const EngineStats& s, std::chrono::steady_clock::duration took, std::ostream& out) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(took).count();
  out << "port scan and probes: " << s.endpoints << " endpoint(s)";
  if (s.syn_endpoints > 0) out << " (" << s.syn_endpoints << " by the SYN scan)";
  out << ", " << s.attempts << " attempt(s) in " << ms / 1000 << "." << (ms % 1000) / 100 << " s; " << s.adaptive_deadlines
      << " with a deadline learnt from the device's answers, " << s.retries_skipped
      << " timeout(s) not retried (retries did not pay on that device)";
  if (s.discovery_timed > 0) out << "; " << s.discovery_timed << " device(s) timed from host discovery's round trip";
  out << "\n";
  if (!s.syn_fallback.empty()) out << "the SYN scan did not run (" << s.syn_fallback << "): connect scan instead\n";
  for (const auto& [address, why] : s.hosts_down) out << "host " << address << " is down, not port-scanned: " << why << "\n";
}

void add_engine_options(CLI::App& cmd, ScanArgs& a) {
  cmd.add_option("--rate", a.engine.rate, "New connections per second, all devices (0: unlimited)")
      ->check(CLI::Range(0.0, 10'000'000.0));
  cmd.add_option("--max-inflight", a.max_inflight, "Operations in flight, all devices (default 1024; 65536 with --syn)")
      ->check(CLI::Range(1, 1'000'000));
  cmd.add_option("--per-device", a.per_device,
                 "Operations in flight against one device (default 512; 1024 with --syn)")
      ->check(CLI::Range(1, 100'000));
  cmd.add_flag("--syn", a.engine.syn,
               "SYN scan of TCP ports, IPv4 and IPv6 (raw socket: root or CAP_NET_RAW; without it, a notice and the connect scan)");
  cmd.add_option("--timeout", a.timeout_ms,
                 "Longest deadline of one port-scan attempt, and the first one before a device has answered (unless host discovery timed it) (ms)")
      ->check(CLI::Range(1, 600'000));
  cmd.add_option("--min-timeout", a.min_timeout_ms,
                 "Shortest deadline the round-trip times a device shows may bring TCP attempts down to (ms)")
      ->check(CLI::Range(1, 600'000));
  cmd.add_option("--retries", a.engine.retries, "Most extra attempts after a timeout (fewer where retries do not pay)")
      ->check(CLI::Range(0, 10));
  cmd.add_flag("--no-probes", a.no_probes, "Port scan only: no service identification or protocol probes");
  cmd.add_flag("--no-discovery", a.no_discovery,
               "No host discovery: port-scan every target, even one that answers nothing (nmap's -Pn)");
  cmd.add_option("--safety", a.safety,
                 "Device safety classes the scan may use, comma-separated: safe (always), intrusive (changes state, "
                 "attack-shaped probes), dos (may lock or crash a device); see: trustscan safety")
      ->capture_default_str();
  cmd.add_option("--allow", a.allow, "One action beyond the selected classes, by id (see: trustscan safety)")
      ->delimiter(',');
  cmd.add_flag("--probe-printers", a.probe_printers,
               "Send identification hellos to printer ports too (9100-9107, 515, 631: a raw printer prints them; "
               "= --allow printer.hello)");
  cmd.add_option("--ca-file", a.probe.ca_file, "CA certificates (PEM) to verify device TLS certificates against")
      ->check(CLI::ExistingFile);
  cmd.add_option("--compromised-keys", a.compromised_keys_file,
                 "More compromised device keys (YAML, docs/probes.md) to look TLS certificates up in, besides the built-in list")
      ->check(CLI::ExistingFile);
  cmd.add_flag("--no-creds", a.no_creds, "Try no credentials (default and blank logins are not tested)");
  cmd.add_option("--creds-file", a.creds_file, "Credential list to try instead of the built-in one (YAML, see docs)");
  cmd.add_option("--creds-parallel", a.creds_parallel,
                 "Login attempts in flight on one surface, 1-16 (default 1: one at a time, lockout-safe; the list's `parallel`)")
      ->check(CLI::Range(1, 16));
  cmd.add_option("--creds-max", a.creds_max,
                 "Pairs tried per login surface, 1-200, for every protocol (default: the list's max_attempts: 6, Telnet 40, SSH 20)")
      ->check(CLI::Range(1, 200));
  cmd.add_flag("--creds-throttle", a.creds_throttle,
               "Test throttling: 20 rapid wrong passwords per login surface (cred.bruteforce.throttle; may lock accounts)");
  cmd.add_flag("--snmp-write", a.snmp_write,
               "Test whether SNMP communities can write (sets sysContact.0 or sysLocation.0 to its current value; "
               "= --allow snmp.write)");
  cmd.add_option("--threads", a.engine.threads, "Engine threads for the port scan (0: one per core, at most 4)")
      ->check(CLI::Range(0, 64));
}

// The evidence directory is made before anything is sent: a new or empty directory, so a bundle
// is exactly one run's.
void prepare_evidence_dir(const OutputOptions& o) {
  if (o.evidence_dir.empty()) {
    if (o.evidence_secrets) throw InputError("--evidence-secrets needs --evidence DIR");
    return;
  }
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path dir(o.evidence_dir);
  if (fs::exists(dir, ec)) {
    if (!fs::is_directory(dir, ec)) throw InputError("evidence path '" + o.evidence_dir + "' exists and is not a directory");
    if (!fs::is_empty(dir, ec))
      throw InputError("evidence directory '" + o.evidence_dir + "' is not empty: give a new one (a bundle holds one run)");
  }
  fs::create_directories(dir, ec);
  if (ec) throw InputError("cannot create evidence directory '" + o.evidence_dir + "': " + ec.message());
}

// What the outputs need settled before anything is sent, once the profile is known: the waiver
// file, read and validated against the checks `profile` runs, and the evidence directory.
void settle_outputs(OutputOptions& o, const Profile& profile) {
  if (!o.waivers_file.empty()) {
    std::vector<std::string> ids;
    for (const auto* c : checks_of(profile)) ids.emplace_back(c->id());
    o.waivers = load_waivers(o.waivers_file, ids);
  }
  prepare_evidence_dir(o);  // last: a broken waiver file leaves no empty directory behind
}

// Every output file's format is settled before anything is sent: a typo in -o must not cost a
// whole scan.
void validate_outputs(const OutputOptions& o) {
  for (const auto& f : o.files) {
    if (f.empty()) throw InputError("empty output file name");
    if (o.format.empty() && format_for_path(f).empty())
      throw InputError("cannot tell the format of output '" + f +
                       "' (use .json, .jsonl, .txt, .xml, .sarif, .csv or .html, or --format)");
  }
}

// The traffic with the devices, for the evidence bundle: recorded on the interface that holds
// the source address towards the first device. Without permission (not root) or an interface,
// `note` says why and the bundle goes without.
std::unique_ptr<LiveCapture> start_evidence_capture(const std::vector<Address>& hosts, std::string& note) {
  if (hosts.empty()) {
    note = "no device to capture the traffic of";
    return nullptr;
  }
  const auto src = source_address_for(hosts.front());
  const std::string iface = src ? interface_with_address(*src) : std::string();
  if (iface.empty()) {
    note = "no local interface found on the route to " + hosts.front().to_string();
    return nullptr;
  }
  try {
    return std::make_unique<LiveCapture>(iface, hosts);
  } catch (const std::exception& e) {
    note = e.what();
    return nullptr;
  }
}

int run_scan(const ScanArgs& a, OutputOptions output, std::ostream& out, std::ostream& err) {
  const Profile profile = load_profile_with_policy(a.profile, a.crypto_policy);
  const PortList ports = ports_to_scan(a.ports, PortList{profile.ports.tcp, profile.ports.udp});
  if (!a.scope.empty() && !a.scope_file.empty()) throw InputError("give --scope or --scope-file, not both");
  if (a.min_timeout_ms > a.timeout_ms)
    throw InputError("--min-timeout " + std::to_string(a.min_timeout_ms) + " is above --timeout " +
                     std::to_string(a.timeout_ms) + ": the shortest deadline cannot exceed the longest");
  const Scope scope = !a.scope.empty() ? Scope::parse(a.scope)
                      : !a.scope_file.empty() ? Scope::from_file(a.scope_file)
                                              : Scope::defaults();
  const Shard shard = parse_shard(a.shard);
  validate_outputs(output);
  settle_outputs(output, profile);
  std::shared_ptr<const Declaration> declaration;
  if (!a.declaration.empty()) declaration = std::make_shared<const Declaration>(load_declaration(a.declaration));
  std::vector<Attestation> attestations;
  if (!a.attestation.empty()) attestations = load_attestations(a.attestation, profile);
  if (a.no_creds && !a.creds_file.empty()) throw InputError("give --no-creds or --creds-file, not both");
  std::optional<CredentialPolicy> creds_from_file;
  if (!a.creds_file.empty()) creds_from_file = load_credentials_file(a.creds_file);
  if (a.creds_throttle && a.no_creds) throw InputError("give --no-creds or --creds-throttle, not both");
  SafetySelection safety;
  if (const auto e = SafetySelection::parse(a.safety, safety); !e.empty()) throw InputError(e);
  for (const auto& id : a.allow)
    if (!safety.allow(id)) throw InputError("--allow: unknown action '" + id + "' (see: trustscan safety)");
  if (a.probe_printers) safety.allow(actions::printer_hello);
  if (a.snmp_write) safety.allow(actions::snmp_write);
  if (a.creds_throttle) safety.allow(actions::cred_throttle);
  if (safety.allows(actions::cred_throttle) && !a.no_creds) {
    if (!creds_from_file) creds_from_file = builtin_credentials();
    creds_from_file->throttle_test = true;
  }
  if (a.creds_max > 0 && a.no_creds) throw InputError("give --no-creds or --creds-max, not both");
  if (a.creds_max > 0) {
    if (!creds_from_file) creds_from_file = builtin_credentials();
    creds_from_file->max_override = static_cast<std::size_t>(a.creds_max);
  }
  if (a.creds_parallel > 0 && a.no_creds) throw InputError("give --no-creds or --creds-parallel, not both");
  if (a.creds_parallel > 0) {
    if (!creds_from_file) creds_from_file = builtin_credentials();
    creds_from_file->parallel = static_cast<std::size_t>(a.creds_parallel);
  }
  std::optional<CompromisedKeys> compromised_keys;
  if (!a.compromised_keys_file.empty())
    compromised_keys = merged_compromised_keys(
        parse_compromised_keys(read_config_file(a.compromised_keys_file, "compromised-key list"), a.compromised_keys_file));
  // Scope is enforced here, before the engine exists: an out-of-scope target throws and no
  // socket is ever opened.
  // ipv6-link:IFACE targets are found by one multicast echo, after the scope of the named
  // targets was checked (a --dry-run sends nothing, so it refuses them).
  Resolver link_neighbors;
  if (!a.dry_run)
    link_neighbors = [&](const std::string& iface) {
      return ipv6_link_neighbors(iface, std::chrono::milliseconds(a.timeout_ms), scope);
    };
  auto targets = expand_targets(parse_targets(a.targets), scope, system_resolve, std::size_t{1} << 20, link_neighbors);
  const ScanPlan plan = make_plan(std::move(targets), ports, a.seed, shard);
  if (a.capture_for > 0 && a.capture_iface.empty()) throw InputError("--capture-for needs --capture IFACE");
  if (a.dry_run) {
    print_plan(plan, out);
    return kExitOk;
  }
  // The capture starts before the first probe, so the device's own traffic during the whole
  // window is recorded; it is analysed with the replay pipeline once the scan is done.
  std::unique_ptr<LiveCapture> capture;
  std::vector<Address> hosts;
  for (const auto& t : plan.targets) hosts.push_back(t.address);
  if (!a.capture_iface.empty()) capture = std::make_unique<LiveCapture>(a.capture_iface, hosts);
  std::unique_ptr<LiveCapture> evidence_capture;
  if (!output.evidence_dir.empty() && !capture) evidence_capture = start_evidence_capture(hosts, output.evidence_traffic_note);
  const auto capture_until = std::chrono::steady_clock::now() + std::chrono::seconds(a.capture_for);

  EngineOptions engine = a.engine;
  engine.timeout = std::chrono::milliseconds(a.timeout_ms);
  engine.min_timeout = std::chrono::milliseconds(a.min_timeout_ms > 0 ? a.min_timeout_ms : std::min(100, a.timeout_ms));
  engine.discovery = !a.no_discovery;
  if (engine.syn) {
    std::string why;
    if (!syn_scan_available(why)) {
      err << "trustscan: notice: --syn: " << why << "; running the connect scan\n";
      engine.syn = false;
    }
  }
  // Given limits hold for both scans; the defaults differ (docs/engine.md "SYN scan").
  if (a.per_device) engine.per_device = engine.syn_per_device = a.per_device;
  if (a.max_inflight) engine.max_inflight = engine.syn_max_inflight = a.max_inflight;
  engine.max_inflight = std::min(engine.max_inflight, raise_fd_limit());  // a connect holds a descriptor

  Report report;
  report.mode = "scan";
  report.vantage = a.vantage;
  report.profile = profile;
  report.declaration = a.declaration;
  report.attestations = std::move(attestations);
  report.redact = output.redact;
  if (plan.shard.count > 1) report.shard = ShardInfo{plan.shard.index + 1, plan.shard.count, plan.seed, plan.identity};
  if (!output.command.empty()) {
    manifest_add_profile(report.manifest, a.profile);
    manifest_add_crypto_policy(report.manifest, *profile.crypto_policy);
    for (const auto& t : a.targets)
      if (t.size() > 1 && t.front() == '@') manifest_add_file(report.manifest, "targets", t.substr(1));
    for (const auto& [role, path] : {std::pair{"scope", a.scope_file}, {"declaration", a.declaration},
                                     {"attestation", a.attestation}, {"credentials", a.creds_file},
                                     {"compromised-keys", a.compromised_keys_file},
                                     {"ca-file", a.probe.ca_file}})
      if (!path.empty()) manifest_add_file(report.manifest, role, path);
    // The routes of the first 256 targets: one syscall pair each, not one per address of a /16.
    std::set<Address> sources;
    for (std::size_t i = 0; i < plan.targets.size() && i < 256 && sources.size() < 64; ++i)
      if (const auto src = source_address_for(plan.targets[i].address)) sources.insert(*src);
    for (const auto& src : sources) report.manifest.source_addresses.push_back(src.to_string());
  }
  report.started_at = std::chrono::system_clock::now();
  net::io_context io(1);
  bool interrupted = false;
  ProbeOptions probe = a.probe;
  probe.safety = safety;
  report.manifest.safety_classes = safety.class_names();
  report.manifest.safety_actions = safety.allowed_actions();
  probe.probes = !a.no_probes;
  probe.credentials = a.no_creds ? nullptr : creds_from_file ? &*creds_from_file : &builtin_credentials();
  probe.per_device = std::min(probe.per_device, engine.per_device);
  if (compromised_keys) probe.compromised_keys = &*compromised_keys;
  EngineStats engine_stats;
  const auto scan_start = std::chrono::steady_clock::now();
  ScanProgress progress;
  std::optional<ProgressLine> progress_line;
  if (!output.quiet && ::isatty(2)) {
    engine.progress = probe.progress = &progress;
    progress_line.emplace(progress);
  }
  report.devices = run_active_scan(io, plan, engine, probe, interrupted, &engine_stats);
  progress_line.reset();
  for (auto& d : report.devices) d.facts.declaration = declaration;
  if (!output.quiet) write_engine_summary(engine_stats, std::chrono::steady_clock::now() - scan_start, out);
  if (capture) {
    while (!interrupted && std::chrono::steady_clock::now() < capture_until)
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    ReplayOptions opt;
    for (const auto& h : hosts) opt.devices.push_back(h.to_string());
    opt.source = "capture";
    if (!a.probe.ca_file.empty()) opt.ca_path = a.probe.ca_file;  // the scan's CA store judges the device's own TLS too
    ReplayStats stats;
    output.evidence_traffic = capture->stop();
    const auto seen = replay_captures({output.evidence_traffic}, opt, stats);
    for (auto& d : report.devices)
      for (const auto& c : seen)
        if (c.facts.target.address == d.facts.target.address)
          d.facts.observations.insert(d.facts.observations.end(), c.facts.observations.begin(), c.facts.observations.end());
    for (auto& d : report.devices) d.facts.order_observations();
    if (!output.quiet)
      out << "capture on " << a.capture_iface << ": " << stats.packets << " packet(s), " << stats.flows << " flow(s)\n";
  }
  if (evidence_capture) output.evidence_traffic = evidence_capture->stop();
  report.finished_at = std::chrono::system_clock::now();
  return finish_report(report, output, interrupted, out, err);
}

int run_demo(bool serve, const std::string& profile_id, const std::vector<std::string>& crypto_policy, OutputOptions output,
             std::ostream& out, std::ostream& err) {
  const Profile profile = load_profile_with_policy(profile_id, crypto_policy);
  validate_outputs(output);
  settle_outputs(output, profile);
  net::io_context io(1);
  DemoDevice device(io);
  if (serve) {
    out << "demo device listening on " << kDemoAddress << ":";
    for (const auto& s : device.services()) out << " " << s.name << "=" << s.port;
    out << "\nscan it with: trustscan scan " << kDemoAddress << " -p ";
    for (std::size_t i = 0; i < device.services().size(); ++i) out << (i ? "," : "") << device.services()[i].port;
    out << "\nCtrl-C stops it." << std::endl;
    net::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&](error_code, int) { io.stop(); });
    if (!stop_requested()) io.run();
    return kExitOk;
  }

  PortList ports;
  for (const auto& s : device.services()) ports.tcp.push_back(s.port);
  std::sort(ports.tcp.begin(), ports.tcp.end());
  const ScanPlan plan = make_plan({Target{*Address::parse(kDemoAddress), "demo-device"}}, ports, 0, Shard{});

  Report report;
  report.mode = "demo";
  report.profile = profile;
  if (!output.command.empty()) {
    manifest_add_profile(report.manifest, profile_id);
    manifest_add_crypto_policy(report.manifest, *profile.crypto_policy);
    if (const auto src = source_address_for(*Address::parse(kDemoAddress)))
      report.manifest.source_addresses.push_back(src->to_string());
  }
  report.redact = output.redact;
  report.started_at = std::chrono::system_clock::now();
  bool interrupted = false;
  EngineOptions engine;
  engine.max_inflight = std::min(engine.max_inflight, raise_fd_limit());
  ProbeOptions probe;
  probe.credentials = &builtin_credentials();
  std::unique_ptr<LiveCapture> evidence_capture;
  if (!output.evidence_dir.empty())
    evidence_capture = start_evidence_capture({*Address::parse(kDemoAddress)}, output.evidence_traffic_note);
  report.devices = run_active_scan(io, plan, engine, probe, interrupted);
  if (evidence_capture) output.evidence_traffic = evidence_capture->stop();
  report.finished_at = std::chrono::system_clock::now();
  device.close();
  return finish_report(report, output, interrupted, out, err);
}

struct AssessArgs {
  std::vector<std::string> reports;
  std::string profile;  // default: the profile of the first report
  std::string attestation;
};

// assess: reports from several vantages of the same devices → one scored assessment.
int run_assess(const AssessArgs& a, OutputOptions output, std::ostream& out, std::ostream& err) {
  validate_outputs(output);
  std::vector<Report> inputs;
  for (const auto& path : a.reports) {
    inputs.push_back(read_report_file(path));
    if (const auto& sh = inputs.back().shard)
      throw InputError(path + " is shard " + std::to_string(sh->index) + "/" + std::to_string(sh->count) +
                       " of a scan: merge the shards first (trustscan merge), then assess the merged report");
  }
  std::string profile_id = a.profile;
  if (profile_id.empty()) {
    profile_id = inputs.front().profile.id;
    const auto ids = builtin_profile_ids();
    if (std::find(ids.begin(), ids.end(), profile_id) == ids.end())
      throw InputError(a.reports.front() + " was scored with profile '" + profile_id +
                       "', which is not built in: name it with --profile FILE");
  }
  Report report = merge_reports(inputs);
  report.profile = load_profile(profile_id);
  // assess re-scores, it does not re-judge: the crypto policy is the one the inputs' verdicts were
  // judged against when they agree on it, and none is named when they differ.
  report.profile.crypto_policy = inputs.front().profile.crypto_policy;
  for (const auto& in : inputs) {
    const auto& p = in.profile.crypto_policy;
    if (!p || !report.profile.crypto_policy || p->name() != report.profile.crypto_policy->name()) report.profile.crypto_policy = nullptr;
  }
  settle_outputs(output, report.profile);
  report.redact = output.redact;
  report.inputs = a.reports;
  if (!a.attestation.empty()) report.attestations = load_attestations(a.attestation, report.profile);
  apply_output_waivers(report, output);
  for (auto& d : report.devices) score_device(report.profile, d, report.attestations);
  if (!output.command.empty()) {
    manifest_add_profile(report.manifest, profile_id);
    for (const auto& path : a.reports) manifest_add_file(report.manifest, "report", path);
    if (!a.attestation.empty()) manifest_add_file(report.manifest, "attestation", a.attestation);
  }
  complete_manifest(report, output);
  output.evidence_traffic_note = "assess merges reports and sends nothing; they are listed, with their SHA-256, in the manifest";
  sort_report(report);
  return write_outputs(report, output, !report.complete, out, err);
}

struct MergeArgs {
  std::vector<std::string> shards;
  std::string profile;
  std::vector<std::string> crypto_policy;
  std::string declaration;
  std::string attestation;
};

// merge: the shard reports of one scan → the report the unsharded scan writes (docs/sharding.md).
// The shards' verdicts are dropped; the profile's checks judge the merged facts, as in scan.
int run_merge(const MergeArgs& a, OutputOptions output, std::ostream& out, std::ostream& err) {
  validate_outputs(output);
  std::vector<Report> shards;
  for (const auto& path : a.shards) shards.push_back(read_report_file(path));
  check_shards(shards, a.shards);
  const Report& first = shards.front();
  std::string profile_id = a.profile;
  if (profile_id.empty()) {
    profile_id = first.profile.id;
    const auto ids = builtin_profile_ids();
    if (std::find(ids.begin(), ids.end(), profile_id) == ids.end())
      throw InputError(a.shards.front() + " was scanned with profile '" + profile_id +
                       "', which is not built in: name it with --profile FILE");
  }
  Report report = merge_shard_facts(shards, a.shards);
  report.profile = load_profile_with_policy(profile_id, a.crypto_policy);
  // The merged report must be the unsharded one: the same profile, policy and declaration.
  if (report.profile.id != first.profile.id)
    throw InputError("--profile " + profile_id + " is '" + report.profile.id + "', the shards were scanned with '" +
                     first.profile.id + "'");
  const std::string policy = report.profile.crypto_policy ? report.profile.crypto_policy->name() : "";
  const std::string shard_policy = first.profile.crypto_policy ? first.profile.crypto_policy->name() : policy;
  if (policy != shard_policy)
    throw InputError("the shards were judged against crypto policy '" + shard_policy + "', this merge against '" + policy +
                     "': give merge the scan's --crypto-policy");
  if (first.declaration.empty() != a.declaration.empty())
    throw InputError(first.declaration.empty()
                         ? "the shards were scanned without --declaration: merge them without it"
                         : "the shards were scanned with --declaration " + first.declaration + ": give merge the same file");
  std::shared_ptr<const Declaration> declaration;
  if (!a.declaration.empty()) declaration = std::make_shared<const Declaration>(load_declaration(a.declaration));
  for (auto& d : report.devices) d.facts.declaration = declaration;
  if (!a.attestation.empty()) report.attestations = load_attestations(a.attestation, report.profile);
  settle_outputs(output, report.profile);
  report.redact = output.redact;
  if (!output.command.empty()) {
    manifest_add_profile(report.manifest, profile_id);
    manifest_add_crypto_policy(report.manifest, *report.profile.crypto_policy);
    for (const auto& path : a.shards) manifest_add_file(report.manifest, "report", path);
    if (!a.declaration.empty()) manifest_add_file(report.manifest, "declaration", a.declaration);
    if (!a.attestation.empty()) manifest_add_file(report.manifest, "attestation", a.attestation);
  }
  output.evidence_traffic_note = "merge joins shard reports and sends nothing; they are listed, with their SHA-256, in the manifest";
  return finish_report(report, output, !report.complete, out, err);
}

struct ReplayArgs {
  std::vector<std::string> captures;
  std::vector<std::string> devices;
  std::string profile = kDefaultProfile;
  std::vector<std::string> crypto_policy;
  std::string declaration;
  std::string attestation;
  std::string ca_file;  // empty: the system store (ReplayOptions::ca_path)
};

// replay: captures → the device's own traffic → the same checks and profile.
int run_replay(const ReplayArgs& a, OutputOptions output, std::ostream& out, std::ostream& err) {
  const Profile profile = load_profile_with_policy(a.profile, a.crypto_policy);
  validate_outputs(output);
  settle_outputs(output, profile);
  std::shared_ptr<const Declaration> declaration;
  if (!a.declaration.empty()) declaration = std::make_shared<const Declaration>(load_declaration(a.declaration));
  Report report;
  report.mode = "replay";
  report.vantage = "pcap";
  report.profile = profile;
  report.redact = output.redact;
  report.inputs = a.captures;
  report.declaration = a.declaration;
  if (!a.attestation.empty()) report.attestations = load_attestations(a.attestation, profile);
  report.started_at = std::chrono::system_clock::now();
  if (!output.command.empty()) {
    manifest_add_profile(report.manifest, a.profile);
    manifest_add_crypto_policy(report.manifest, *profile.crypto_policy);
    for (const auto& [role, path] : {std::pair{"declaration", a.declaration}, {"attestation", a.attestation}})
      if (!path.empty()) manifest_add_file(report.manifest, role, path);
    if (!a.ca_file.empty() && !std::filesystem::is_directory(a.ca_file)) manifest_add_file(report.manifest, "ca-file", a.ca_file);
  }
  ReplayOptions opt;
  opt.devices = a.devices;
  if (!a.ca_file.empty()) {
    if (!TrustStore(a.ca_file).loaded())
      throw InputError("--ca-file '" + a.ca_file + "': no CA certificate OpenSSL can read (PEM file or hashed directory)");
    opt.ca_path = a.ca_file;
  }
  // SIGINT/SIGTERM: stop reading, analyse what was read, write the report marked incomplete.
  // No SA_RESTART: a read blocked on a pipe or a slow disk returns, so the stop is seen.
  static volatile std::sig_atomic_t replay_stop = 0;
  replay_stop = 0;
  opt.stop = &replay_stop;
  struct sigaction on_stop {}, previous_int {}, previous_term {};
  on_stop.sa_handler = [](int) { replay_stop = 1; };
  sigemptyset(&on_stop.sa_mask);
  ::sigaction(SIGINT, &on_stop, &previous_int);
  ::sigaction(SIGTERM, &on_stop, &previous_term);
  if (stop_requested()) replay_stop = 1;  // Ctrl-C before this handler existed
  const auto restore = [&] {
    ::sigaction(SIGINT, &previous_int, nullptr);
    ::sigaction(SIGTERM, &previous_term, nullptr);
  };
  ReplayStats stats;
  try {
    report.devices = replay_captures(a.captures, opt, stats);
  } catch (...) {
    restore();
    throw;
  }
  restore();
  if (!output.command.empty())
    for (const auto& path : a.captures) manifest_add_file(report.manifest, "capture", path);
  output.evidence_traffic_note = "a replay sends nothing; the captures it read are listed, with their SHA-256, in the manifest";
  for (auto& d : report.devices) d.facts.declaration = declaration;
  report.finished_at = std::chrono::system_clock::now();
  if (stats.truncated) {
    err << "trustscan: warning: " << stats.warning << "\n";
    report.complete = false;
  }
  if (stats.untracked_devices > 0) {
    err << "trustscan: warning: " << stats.untracked_devices
        << " more device(s) in the capture were not analysed (the first 1024 were); name the ones you need with --device\n";
    report.complete = false;
  }
  if (stats.http2_dropped > 0)
    err << "trustscan: warning: " << stats.http2_dropped
        << " HTTP/2 connection(s) went past a bound (streams, header bytes, frame size) or broke the framing rules and "
           "were not analysed (docs/replay.md)\n";
  if (report.devices.empty() && !output.quiet)
    out << "no device traffic in " << stats.packets << " packet(s): nothing initiated a connection"
        << (a.devices.empty() ? "" : " from the --device given") << "\n";
  return finish_report(report, output, stats.interrupted, out, err);
}

// diff: what changed between two runs, regressions first; exit 1 when something got worse.
int run_diff(const std::string& before_path, const std::string& after_path, bool as_json, std::ostream& out) {
  const Report before = read_report_file(before_path), after = read_report_file(after_path);
  const auto changes = diff_reports(before, after);
  bool worse = false;
  for (const auto& c : changes) {
    worse = worse || c.kind == "regression" || c.kind == "port_opened";
    if (as_json) {
      nlohmann::json j{{"kind", c.kind},     {"device", c.device}, {"subject", c.subject},
                       {"before", c.before}, {"after", c.after},   {"summary", c.summary}};
      if (!c.id.empty()) j["id"] = c.id;
      out << j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
      continue;
    }
    std::string kind = c.kind;
    std::transform(kind.begin(), kind.end(), kind.begin(), [](unsigned char ch) { return static_cast<char>(std::toupper(ch)); });
    out << std::left << std::setw(12) << kind << " " << c.device << "  " << c.subject << ": " << c.before << " -> " << c.after
        << (c.summary.empty() ? "" : "  (" + c.summary + ")") << "\n";
  }
  if (!as_json && changes.empty()) out << "no change\n";
  return worse ? kExitFailed : kExitOk;
}

int list_crypto_policies(std::ostream& out) {
  for (const auto& id : builtin_crypto_policy_ids()) {
    const auto f = load_crypto_policy_file(id);
    out << f.id << "  " << (f.tls && f.ssh ? "TLS+SSH" : f.tls ? "TLS" : "SSH") << "  " << f.title << "\n";
  }
  return kExitOk;
}

// One policy's rules, one per line with its source, as a lab reads them next to the document.
int show_crypto_policy(const std::string& name, std::ostream& out) {
  const auto f = load_crypto_policy_file(name);
  out << f.id << ": " << f.title << "\ndocument: " << f.document << "\n";
  if (!f.url.empty()) out << "url: " << f.url << "\n";
  if (!f.provenance.empty()) out << "provenance: " << f.provenance << "\n";
  const auto rule = [&](const std::string& what, const PolicyRule& r) {
    out << "  " << what << " " << [&] {
      std::string s;
      for (const auto& n : r.names) s += (s.empty() ? "" : ", ") + n;
      return s;
    }() << "  [" << r.source << "]" << (r.why.empty() ? "" : " " + r.why) << "\n";
  };
  const auto names = [&](const std::string& what, const NameRules& n) {
    if (n.allow) rule(what + " allow:", *n.allow);
    for (const auto& r : n.forbid) rule(what + " forbid:", r);
  };
  const auto limit = [&](const std::string& what, const Limit& l) {
    if (l) out << "  " << what << " " << l.value << "  [" << l.source << "]" << (l.why.empty() ? "" : " " + l.why) << "\n";
  };
  if (f.tls) {
    const auto& t = *f.tls;
    out << "TLS:\n";
    for (const auto& r : t.forbid_versions) rule("versions forbid:", r);
    for (const auto& r : t.require_versions) rule("versions require one of:", r);
    names("suites", t.suites);
    if (t.forward_secrecy) out << "  forward secrecy required  [" << t.forward_secrecy->source << "] " << t.forward_secrecy->why << "\n";
    if (t.no_compression) out << "  no TLS compression  [" << t.no_compression->source << "] " << t.no_compression->why << "\n";
    limit("minimum RSA/DSA key bits:", t.min_rsa_bits);
    limit("minimum DHE group bits:", t.min_dh_bits);
    limit("minimum ECDHE group bits:", t.min_ecdhe_bits);
    names("certificate signatures", t.cert_signatures);
    limit("minimum certificate RSA bits:", t.cert_min_rsa_bits);
    limit("minimum certificate EC bits:", t.cert_min_ec_bits);
    limit("maximum certificate lifetime (days):", t.cert_max_lifetime_days);
  }
  if (f.ssh) {
    const auto& h = *f.ssh;
    out << "SSH:\n";
    names("kex", h.kex);
    names("host keys", h.host_keys);
    names("ciphers", h.ciphers);
    names("macs", h.macs);
    for (const auto& [type, l] : h.min_host_key_bits) limit("minimum " + type + " host key bits:", l);
  }
  return kExitOk;
}

struct PolicyFromArgs {
  std::string report;
  std::string output;
  std::string device;
  std::string id;
};

// `policy from REPORT.json`: the golden unit's observed TLS/SSH configuration as a policy.
int run_policy_from(const PolicyFromArgs& a, std::ostream& out) {
  const Report r = read_report_file(a.report);
  const DeviceReport* device = nullptr;
  for (const auto& d : r.devices) {
    if (!a.device.empty() && d.facts.target.address.to_string() != a.device) continue;
    if (device) throw InputError(a.report + " has several devices: name the one to pin with --device ADDRESS");
    device = &d;
  }
  if (!device)
    throw InputError(a.device.empty() ? a.report + " has no device" : "device " + a.device + " is not in " + a.report);
  const auto seen = observed_crypto(device->facts);
  if (seen.tls_versions.empty() && seen.ssh_kex.empty() && seen.ssh_ciphers.empty())
    throw InputError(a.report + ": no TLS or SSH configuration was observed on " +
                     device->facts.target.address.to_string() + ", so there is nothing to pin");
  const std::string address = device->facts.target.address.to_string();
  const std::string text = pinned_policy_yaml(a.id.empty() ? "golden-" + address : a.id,
                                              address + " in " + a.report, seen);
  (void)parse_crypto_policy(text, "generated policy");  // what we write must load
  if (a.output.empty()) {
    out << text;
    return kExitOk;
  }
  const std::string tmp = a.output + ".tmp";
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    if (!(f << text) || !f.flush()) throw InputError("cannot write " + a.output);
  }
  if (std::rename(tmp.c_str(), a.output.c_str()) != 0) throw InputError("cannot write " + a.output);
  out << "wrote " << a.output << "\n";
  return kExitOk;
}

// The safety catalog: each action beyond the safe default, its class and how to allow it.
int list_safety_actions(std::ostream& out) {
  out << "Identification hellos, handshakes, read-only queries and the bounded default-credential trials are\n"
         "class safe and always run. These run only when selected (--safety CLASS, or --allow ID):\n\n";
  for (const auto& a : safety_actions()) {
    out << "  " << a.id << "  [" << to_string(a.cls) << "]  --allow " << a.id;
    if (!a.legacy_flag.empty()) out << " or " << a.legacy_flag;
    out << "\n      " << a.what << "\n";
  }
  return kExitOk;
}

int list_profiles(std::ostream& out) {
  for (const auto& id : builtin_profile_ids()) {
    const Profile p = load_profile(id);
    out << p.id << "  v" << p.version << "  " << p.title << "  (" << p.ports.tcp.size() << " TCP, "
        << p.ports.udp.size() << " UDP ports)\n";
  }
  return kExitOk;
}

// The catalog, or with a profile: the checks the profile runs that evidence one of its outcomes,
// each with those outcomes.
int list_checks(bool as_json, bool long_form, const std::string& profile_id, std::ostream& out) {
  std::optional<Profile> profile;
  if (!profile_id.empty()) profile = load_profile(profile_id);
  const auto checks = profile ? checks_of(*profile) : checks_of(Profile{});
  // The id column fits the longest id (dp.cleartext.sensitive is 22 characters): columns never run
  // into each other.
  std::size_t id_width = 22;
  for (const auto* c : checks) id_width = std::max(id_width, c->info().id.size() + 2);
  for (const auto* c : checks) {
    const auto i = c->info();
    std::vector<std::string> in_profile;
    if (profile) {
      for (const auto& o : profile->outcomes)
        if (std::find(o.checks.begin(), o.checks.end(), i.id) != o.checks.end()) in_profile.push_back(o.id);
      if (in_profile.empty()) continue;
    }
    if (as_json) {
      nlohmann::json j{{"id", i.id}, {"title", i.title}, {"severity", std::string(to_string(i.severity))},
                       {"outcomes", i.outcomes}, {"remediation", i.remediation}};
      if (profile) j["profile_outcomes"] = in_profile;
      out << j.dump() << "\n";
      continue;
    }
    out << std::left << std::setw(static_cast<int>(id_width)) << i.id << std::setw(10) << to_string(i.severity) << i.title
        << "\n"
        << std::setw(static_cast<int>(id_width + 10)) << "" << (profile ? "evidences:" : "outcomes:");
    for (const auto& o : profile ? in_profile : i.outcomes) out << " " << o;
    out << "\n";
    if (long_form && !i.remediation.empty())
      out << std::setw(static_cast<int>(id_width + 10)) << "" << "remediation: " << i.remediation << "\n";
  }
  return kExitOk;
}

// One check or every check in full: id, title, severity, outcomes and remediation. --markdown
// prints the "Remediation" section that ends docs/checks.md; a unit test compares the two.
int show_checks(const std::vector<std::string>& ids, bool all, bool markdown, std::ostream& out) {
  const auto catalog = checks_of(Profile{});
  std::vector<CheckInfo> shown;
  if (all) {
    if (!ids.empty()) throw InputError("checks show: give check ids or --all, not both");
    for (const auto* c : catalog) shown.push_back(c->info());
  } else {
    if (ids.empty()) throw InputError("checks show: name a check id (see: trustscan checks list) or --all");
    for (const auto& id : ids) {
      const auto it = std::find_if(catalog.begin(), catalog.end(), [&](const Check* c) { return c->id() == id; });
      if (it == catalog.end()) throw InputError("unknown check '" + id + "' (see: trustscan checks list)");
      shown.push_back((*it)->info());
    }
  }
  const auto joined = [](const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
    return s;
  };
  if (!markdown) {
    for (std::size_t n = 0; n < shown.size(); ++n) {
      const auto& i = shown[n];
      out << (n ? "\n" : "") << "id:          " << i.id << "\ntitle:       " << i.title << "\nseverity:    "
          << to_string(i.severity) << "\noutcomes:    " << joined(i.outcomes)
          << "\nremediation: " << (i.remediation.empty() ? "(none)" : i.remediation) << "\n";
    }
    return kExitOk;
  }
  out << "## Remediation\n\n"
      << "<!-- Generated by `trustscan checks show --all --markdown` from profiles/checks/catalog.yaml:\n"
      << "     edit that file, then replace this section (to the end of the page) with the command's output. -->\n\n"
      << "What to change on the device when a check fails, and which of the check's outcomes the change\n"
      << "serves. The same text is printed by `trustscan checks show ID`, and carried by SARIF rules\n"
      << "(`help`, `fullDescription`), the JUnit `<failure>` text (a `Remediation:` line) and the HTML\n"
      << "report (under each failing finding).\n";
  // A paragraph wrapped at 100 columns, like the hand-written pages; no '<' a renderer would take
  // for an HTML tag.
  const auto paragraph = [](const std::string& text) {
    std::string s, line, word;
    std::istringstream words(text);
    while (words >> word) {
      std::string w;
      for (const char c : word) w += c == '<' ? std::string("\\<") : std::string(1, c);
      if (!line.empty() && line.size() + 1 + w.size() > 100) s += line + "\n", line.clear();
      line += (line.empty() ? "" : " ") + w;
    }
    return s + line + "\n";
  };
  for (const auto& i : shown)
    out << "\n### `" << i.id << "`: " << i.title << "\n\n"
        << "Severity of a failure: " << to_string(i.severity) << ". Outcomes: " << joined(i.outcomes) << ".\n\n"
        << paragraph(i.remediation.empty() ? "(none)" : i.remediation);
  return kExitOk;
}

// The catalog of declared observation keys, room by room. --markdown prints docs/observations.md,
// which a unit test compares with this output so that the page cannot go stale.
int list_observations(bool markdown, std::ostream& out) {
  const auto& rooms = observation_rooms();
  if (!markdown) {
    for (const auto& r : rooms) {
      out << r.header.substr(0, r.header.rfind('/')) << "  (" << r.header << ")\n";
      for (const auto keys : r.keys)
        for (const auto& k : keys)
          out << "  " << std::left << std::setw(38) << k.name << std::setw(8) << to_string(k.type) << k.doc << "  [" << k.source
              << "]\n";
    }
    return kExitOk;
  }
  // A table cell: no raw '|', and no '<' that a renderer would take for an HTML tag.
  const auto cell = [](std::string_view text) {
    std::string s;
    for (const char c : text) {
      if (c == '|' || c == '<') s += '\\';
      s += c;
    }
    return s;
  };
  out << "# Observation keys\n\n"
      << "<!-- Generated by `trustscan observations --markdown`: edit the key headers, not this page. -->\n\n"
      << "Every fact a probe, a credential trial or a capture dissector records is an Observation\n"
      << "(include/trustscan/types.hpp) whose key is declared once, as a constant in the header of the room\n"
      << "that produces it (include/trustscan/observation_key.hpp). Producers and C++ checks name the\n"
      << "constants; the YAML checks of profiles/checks/ name the strings, and a unit test fails on one this\n"
      << "catalog lacks. A `<placeholder>` makes a key a pattern: `tls.ciphers.<version>` is recorded as\n"
      << "`tls.ciphers.TLSv1.2`.\n\n"
      << all_observation_keys().size() << " keys in " << rooms.size() << " rooms.\n";
  for (const auto& r : rooms) {
    out << "\n## " << r.header.substr(0, r.header.rfind('/')) << "\n\nDeclared in `" << r.header << "`.\n\n"
        << "| key | type | meaning | produced in |\n|---|---|---|---|\n";
    for (const auto keys : r.keys)
      for (const auto& k : keys)
        out << "| `" << k.name << "` | " << to_string(k.type) << " | " << cell(k.doc) << " | " << k.source << " |\n";
  }
  return kExitOk;
}

int show_profile(const std::string& id, std::ostream& out) {
  const Profile p = load_profile(id);
  out << "id: " << p.id << "\nversion: " << p.version << "\ntitle: " << p.title << "\nsource: " << p.source
      << "\norigin: " << p.origin << "\nports:\n  tcp:";
  for (auto port : p.ports.tcp) out << " " << port;
  out << "\n  udp:";
  for (auto port : p.ports.udp) out << " " << port;
  out << "\noutcomes:\n";
  for (const auto& o : p.outcomes) {
    out << "  " << o.id << " [" << to_string(o.level) << "] " << o.title;
    if (!o.attestation.empty()) out << " (attestation: " << o.attestation << ")";
    out << "\n    checks:";
    for (const auto& c : o.checks) out << " " << c;
    out << "\n";
  }
  return kExitOk;
}

}  // namespace

// `trustscan completion bash`: completion generated from the command line's own definition, so
// it names every command and option there is (a test checks it against --help).
int write_bash_completion(CLI::App& app, std::ostream& out) {
  auto options_of = [](const CLI::App* cmd) {
    std::string words;
    for (const auto* o : cmd->get_options()) {
      for (const auto& l : o->get_lnames()) words += " --" + l;
      for (const auto& sn : o->get_snames()) words += " -" + sn;
    }
    return words;
  };
  out << "# bash completion for trustscan (generated by `trustscan completion bash`)\n"
         "_trustscan() {\n"
         "  local cur=${COMP_WORDS[COMP_CWORD]} cmd='' sub='' i\n"
         "  for ((i = 1; i < COMP_CWORD; i++)); do\n"
         "    case ${COMP_WORDS[i]} in -*) ;; *) if [ -z \"$cmd\" ]; then cmd=${COMP_WORDS[i]}; elif [ -z \"$sub\" ]; then sub=${COMP_WORDS[i]}; fi ;; esac\n"
         "  done\n"
         "  local words\n"
         "  case \"$cmd $sub\" in\n";
  std::string top;
  for (const auto* cmd : app.get_subcommands([](const CLI::App*) { return true; })) {
    top += " " + cmd->get_name();
    std::string subs;
    for (const auto* sub : cmd->get_subcommands([](const CLI::App*) { return true; })) {
      subs += " " + sub->get_name();
      out << "    \"" << cmd->get_name() << " " << sub->get_name() << "\") words=\"" << options_of(sub) << "\" ;;\n";
    }
    out << "    \"" << cmd->get_name() << " \"*) words=\"" << subs << options_of(cmd) << "\" ;;\n";
  }
  out << "    *) words=\"" << top << options_of(&app) << "\" ;;\n"
         "  esac\n"
         "  case $cur in\n"
         "    -*) ;;\n"
         "    *) if [ -n \"$cmd\" ]; then compopt -o default 2>/dev/null; fi ;;\n"
         "  esac\n"
         "  COMPREPLY=($(compgen -W \"$words\" -- \"$cur\"))\n"
         "}\n"
         "complete -F _trustscan trustscan\n";
  return kExitOk;
}

int run_cli(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
  CLI::App app{"trustscan — network conformance scanner for IoT devices and routers (NIST IR 8259A, 8425, 8425A)",
               "trustscan"};
  app.require_subcommand(1);
  app.set_help_all_flag("--help-all", "Help for every command");

  ScanArgs scan_args;
  OutputOptions scan_output;
  auto* scan = app.add_subcommand("scan", "Active scan of devices, scored against a profile");
  scan->add_option("targets", scan_args.targets,
                   "Addresses, CIDR blocks (198.18.0.0/24), ranges (198.18.0.10-20), hostnames, @FILE")
      ->required();
  scan->add_option("-p,--ports", scan_args.ports, "Ports, nmap syntax: 22,80,443  1-1024  -  T:23,U:161 (default: the profile's). "
                 "- (every TCP port) keeps the profile's UDP ports unless U: ports are named");
  scan->add_option("--scope", scan_args.scope, "Ranges the scan may reach, CIDR[,CIDR…] (default: non-routable ranges)");
  scan->add_option("--scope-file", scan_args.scope_file, "File of CIDR blocks the scan may reach, one per line");
  scan->add_option("--profile", scan_args.profile, "Profile id or YAML path")->capture_default_str();
  add_crypto_policy_option(*scan, scan_args.crypto_policy);
  scan->add_option("--vantage", scan_args.vantage, "Where the scanner sits relative to the device")
      ->check(CLI::IsMember({"lan", "wan"}))
      ->capture_default_str();
  scan->add_option("--seed", scan_args.seed, "Seed of the port order (runs with the same seed are identical)");
  scan->add_option("--shard", scan_args.shard, "Scan only part K of N of the (device, port) space");
  scan->add_flag("--dry-run", scan_args.dry_run, "Print the plan and send nothing");
  add_engine_options(*scan, scan_args);
  add_assessment_options(*scan, scan_args.declaration, scan_args.attestation);
  scan->add_option("--capture", scan_args.capture_iface,
                   "Record the devices' own traffic on this interface during the scan and analyse it (root)");
  scan->add_option("--capture-for", scan_args.capture_for,
                   "Keep capturing at least this many seconds from the start (e.g. while the device boots)")
      ->check(CLI::Range(0, 86400));
  add_output_options(*scan, scan_output);

  bool demo_serve = false;
  std::string demo_profile = kDefaultProfile;
  OutputOptions demo_output;
  auto* demo = app.add_subcommand("demo", "Start the built-in emulated device on 127.0.0.1 and scan it");
  demo->add_flag("--serve", demo_serve, "Keep the device running for manual scans instead");
  demo->add_option("--profile", demo_profile, "Profile id or YAML path")->capture_default_str();
  std::vector<std::string> demo_crypto_policy;
  add_crypto_policy_option(*demo, demo_crypto_policy);
  add_output_options(*demo, demo_output);

  ReplayArgs replay_args;
  OutputOptions replay_output;
  auto* replay = app.add_subcommand("replay", "Passive analysis of packet captures (pcap, pcapng): the device's own traffic");
  replay->add_option("captures", replay_args.captures, "Capture files, read in order")->required()->check(CLI::ExistingFile);
  replay->add_option("--device", replay_args.devices,
                     "Only this device (IP or MAC address; repeatable). Default: every address that opens connections");
  replay->add_option("--profile", replay_args.profile, "Profile id or YAML path")->capture_default_str();
  add_crypto_policy_option(*replay, replay_args.crypto_policy);
  replay->add_option("--ca-file", replay_args.ca_file,
                     "CA certificates (PEM file, or a directory of hashed links) to verify the certificates servers "
                     "showed the device against (default: the system store /etc/ssl/certs)")
      ->check(CLI::ExistingPath);
  add_assessment_options(*replay, replay_args.declaration, replay_args.attestation);
  add_output_options(*replay, replay_output);

  AssessArgs assess_args;
  OutputOptions assess_output;
  auto* assess = app.add_subcommand("assess", "Merge reports of the same devices from several vantages into one scored assessment");
  assess->add_option("reports", assess_args.reports, "trustscan JSON reports (scan, replay, assess)")
      ->required()
      ->check(CLI::ExistingFile);
  assess->add_option("--profile", assess_args.profile, "Profile id or YAML path (default: the first report's)");
  assess->add_option("--attestation", assess_args.attestation,
                     "Attestations (YAML) for the profile's non-network outcomes (docs/profiles.md)");
  add_output_options(*assess, assess_output);

  MergeArgs merge_args;
  OutputOptions merge_output;
  auto* merge = app.add_subcommand(
      "merge", "Join the shard reports of one scan (scan --shard K/N) into the report the unsharded scan writes");
  merge->add_option("shards", merge_args.shards, "Every shard's JSON report, in any order")->required()->check(CLI::ExistingFile);
  merge->add_option("--profile", merge_args.profile, "The scan's profile id or YAML path (default: the shards')");
  add_crypto_policy_option(*merge, merge_args.crypto_policy);
  add_assessment_options(*merge, merge_args.declaration, merge_args.attestation);
  add_output_options(*merge, merge_output);

  std::string diff_before, diff_after;
  bool diff_json = false;
  auto* diff = app.add_subcommand("diff", "What changed between two reports of the same devices (regressions first; exit 1 if any)");
  diff->add_option("old", diff_before, "The earlier report (JSON)")->required()->check(CLI::ExistingFile);
  diff->add_option("new", diff_after, "The later report (JSON)")->required()->check(CLI::ExistingFile);
  diff->add_flag("--json", diff_json, "One JSON object per change");

  auto* profiles = app.add_subcommand("profiles", "List or show the built-in profiles");
  profiles->require_subcommand(1);
  auto* profiles_list = profiles->add_subcommand("list", "List the built-in profiles");
  std::string profile_to_show;
  auto* profiles_show = profiles->add_subcommand("show", "Show one profile");
  profiles_show->add_option("profile", profile_to_show, "Profile id or YAML path")->required();

  auto* checks = app.add_subcommand("checks", "The check catalog");
  checks->require_subcommand(1);
  auto* checks_list = checks->add_subcommand("list", "List every check with its severity and outcome mapping");
  bool checks_json = false;
  checks_list->add_flag("--json", checks_json, "One JSON object per line");
  std::string checks_profile;
  checks_list->add_option("--profile", checks_profile,
                          "Only the checks this profile (id or YAML path) runs, with the outcomes each evidences");
  bool checks_long = false;
  checks_list->add_flag("--long", checks_long, "Each check's remediation too");
  auto* checks_show = checks->add_subcommand("show", "Show checks in full: title, severity, outcomes and remediation");
  std::vector<std::string> checks_to_show;
  checks_show->add_option("ids", checks_to_show, "Check ids (see: trustscan checks list)");
  bool checks_all = false, checks_markdown = false;
  checks_show->add_flag("--all", checks_all, "Every built-in check");
  checks_show->add_flag("--markdown", checks_markdown, "As the Remediation section of docs/checks.md, which is generated from it");

  auto* observations = app.add_subcommand("observations", "The catalog of observation keys: type, meaning, producer");
  bool observations_markdown = false;
  observations->add_flag("--markdown", observations_markdown, "As docs/observations.md, which is generated from it");

  std::string profile_to_lint;
  auto* profiles_lint = profiles->add_subcommand("lint", "Validate a profile file; errors name file:line");
  profiles_lint->add_option("file", profile_to_lint, "Profile YAML file")->required();

  auto* policy = app.add_subcommand("policy", "Crypto policies: list, show, check a file, or pin a golden unit's configuration");
  policy->require_subcommand(1);
  auto* policy_list = policy->add_subcommand("list", "List the built-in crypto policies");
  std::string policy_name;
  auto* policy_show = policy->add_subcommand("show", "Show one crypto policy's rules, each with its source");
  policy_show->add_option("policy", policy_name, "Policy id or YAML path")->required();
  auto* policy_lint = policy->add_subcommand("lint", "Validate a crypto policy file; errors name file:line");
  policy_lint->add_option("file", policy_name, "Policy YAML file")->required();
  PolicyFromArgs policy_from_args;
  auto* policy_from = policy->add_subcommand(
      "from", "Write the TLS/SSH configuration a report observed as a policy: a later scan with it fails on any drift");
  policy_from->add_option("report", policy_from_args.report, "A trustscan JSON report")->required()->check(CLI::ExistingFile);
  policy_from->add_option("-o,--output", policy_from_args.output, "Write the policy here (default: stdout)");
  policy_from->add_option("--device", policy_from_args.device, "The device (address) to pin, when the report has several");
  policy_from->add_option("--id", policy_from_args.id, "The policy's id (default: golden-ADDRESS)");

  auto* safety_cmd = app.add_subcommand("safety", "Device safety: each action beyond the safe default, its class and how to allow it");
  auto* version = app.add_subcommand("version", "Print the version");
  bool version_verbose = false;
  version->add_flag("-v,--verbose", version_verbose, "Also the source commit, the build and the library versions");
  auto* completion = app.add_subcommand("completion", "Print a bash completion script (installed with the package)");
  std::string completion_shell;
  completion->add_option("shell", completion_shell, "The shell: bash")->required()->check(CLI::IsMember({"bash"}));

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e, out, err);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e, out, err);
  } catch (const CLI::ParseError& e) {
    err << "trustscan: error: " << e.what() << " (see trustscan --help)\n";
    return kExitUsage;
  }

  // The manifest of every report records the command line exactly as given.
  const std::vector<std::string> command(argv, argv + argc);
  for (auto* o : {&scan_output, &replay_output, &assess_output, &merge_output, &demo_output}) o->command = command;

  try {
    if (completion->parsed()) return write_bash_completion(app, out);
    if (version->parsed()) {
      out << "trustscan " << TRUSTSCAN_VERSION << "\n";
      if (version_verbose) {
        RunManifest m;
        manifest_add_build(m);
        out << "source commit: " << m.source_commit << "\nbuild: " << m.build << "\n";
        for (const auto& [name, text] : m.libraries) out << name << ": " << text << "\n";
      }
      return kExitOk;
    }
    if (scan->parsed()) return run_scan(scan_args, scan_output, out, err);
    if (replay->parsed()) return run_replay(replay_args, replay_output, out, err);
    if (diff->parsed()) return run_diff(diff_before, diff_after, diff_json, out);
    if (assess->parsed()) return run_assess(assess_args, assess_output, out, err);
    if (merge->parsed()) return run_merge(merge_args, merge_output, out, err);
    if (demo->parsed()) return run_demo(demo_serve, demo_profile, demo_crypto_policy, demo_output, out, err);
    if (profiles_list->parsed()) return list_profiles(out);
    if (safety_cmd->parsed()) return list_safety_actions(out);
    if (policy_list->parsed()) return list_crypto_policies(out);
    if (policy_show->parsed()) return show_crypto_policy(policy_name, out);
    if (policy_lint->parsed()) {
      const auto f = load_crypto_policy_file(policy_name);
      out << policy_name << ": ok (" << f.id << ", " << (f.tls ? "TLS" : "") << (f.tls && f.ssh ? " and " : "")
          << (f.ssh ? "SSH" : "") << " rules)\n";
      return kExitOk;
    }
    if (policy_from->parsed()) return run_policy_from(policy_from_args, out);
    if (checks_list->parsed()) return list_checks(checks_json, checks_long, checks_profile, out);
    if (checks_show->parsed()) return show_checks(checks_to_show, checks_all, checks_markdown, out);
    if (observations->parsed()) return list_observations(observations_markdown, out);
    if (profiles_show->parsed()) return show_profile(profile_to_show, out);
    if (profiles_lint->parsed()) {
      const Profile p = load_profile(profile_to_lint);
      std::size_t mapped = 0;
      for (const auto& o : p.outcomes) mapped += o.checks.size();
      out << profile_to_lint << ": ok (" << p.id << " v" << p.version << ", " << p.outcomes.size() << " outcomes, " << mapped
          << " check mappings)\n";
      return kExitOk;
    }
  } catch (const InputError& e) {
    err << "trustscan: error: " << e.what() << "\n";
    return kExitUsage;
  } catch (const ProfileError& e) {
    err << "trustscan: error: " << e.what() << "\n";
    return kExitUsage;
  } catch (const std::exception& e) {
    err << "trustscan: runtime error: " << e.what() << "\n";
    return kExitRuntime;
  }
  err << "trustscan: error: no command (see trustscan --help)\n";
  return kExitUsage;
}

}  // namespace trustscan
