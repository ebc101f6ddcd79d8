// trustscan — the scan pipeline (pipeline.hpp).
#include "scanner/pipeline/pipeline.hpp"

#include "probes/identify/mac_facts.hpp"
#include "scanner/config/service_table.hpp"
#include "scanner/engine/concurrency.hpp"
#include "scanner/engine/discovery.hpp"
#include "scanner/engine/plan.hpp"
#include "scanner/engine/session.hpp"
#include "scanner/engine/stop_request.hpp"
#include "scanner/engine/syn_scan.hpp"
#include "scanner/pipeline/probe_keys.hpp"
#include "scanner/report/evidence.hpp"
#include "scanner/report/manifest.hpp"
#include "trustscan/profile.hpp"

#include <atomic>
#include <csignal>
#include <map>
#include <thread>

namespace trustscan {

bool fails(const Finding& f, const std::string& fail_on) {
  if (f.status != CheckStatus::fail || fail_on == "never") return false;
  if (fail_on == "fail") return true;
  static const std::map<std::string, Severity> levels = {{"info", Severity::info},     {"low", Severity::low},
                                                         {"medium", Severity::medium}, {"high", Severity::high},
                                                         {"critical", Severity::critical}};
  return f.severity >= levels.at(fail_on);
}

namespace {

// Liveness after the probes and trials (dev.liveness): a connection to the ports that were open
// at the port scan, at most three (well-known first; printer ports, which nothing else touched,
// skipped), each within 3 s; the first that connects ends it ("answered"). When none connects,
// host discovery asks whether the device answers at all: "host_up" (a service stopped, or the
// device refuses this scanner now) or "silent" (it crashed, hung, rebooted, or drops this
// scanner). SIGINT ends it through `abort`.
net::awaitable<void> check_liveness(DeviceReport& device, const ProbeOptions& options, const EngineOptions& engine,
                                    AbortGroup& abort, const bool& interrupted) {
  constexpr auto kConnect = std::chrono::milliseconds(3000);
  std::vector<Endpoint> open;
  for (const auto& p : device.facts.ports)
    if (p.endpoint.transport == Transport::tcp && p.state == PortState::open && !is_printer_port(p.endpoint))
      open.push_back(p.endpoint);
  if (open.empty() || interrupted) co_return;
  std::stable_partition(open.begin(), open.end(), [](const Endpoint& e) { return is_well_known_port(e.transport, e.port); });
  if (open.size() > 3) open.resize(3);
  std::string tried;
  for (const auto& ep : open) {
    Status status = Status::success;
    auto session = co_await TcpSession::connect(ep, kConnect, std::chrono::milliseconds(100), options.max_reply, status, &abort);
    if (interrupted) co_return;
    if (session) {
      device.facts.observations.push_back(make_observation(
          ep, keys::probe::liveness, std::string("answered"),
          port_label(ep) + " accepted a connection after every probe and trial"));
      co_return;
    }
    tried += (tried.empty() ? "" : ", ") + port_label(ep) + " " + std::string(to_string(status));
  }
  DiscoveryOptions d;
  d.timeout = engine.timeout;
  const std::vector<Target> just_this(1, device.facts.target);
  const auto host = co_await discover_hosts(just_this, d, interrupted);
  if (interrupted) co_return;
  const bool up = host.front().up;
  device.facts.observations.push_back(make_observation(
      open.front(), keys::probe::liveness, std::string(up ? "host_up" : "silent"),
      "open at the port scan, no connection after the probes and trials (" + std::to_string(kConnect.count()) +
          " ms each): " + tried + (up ? "; the host still answers (" + host.front().reason + ")" : "; " + host.front().reason)));
}

// The SYN scan of a plan's TCP jobs, on a thread of its own (it does not use Asio); the
// connect engine runs the rest meanwhile. Stopped and joined however the scan ends.
struct SynRun {
  std::unique_ptr<SynScanner> scanner;
  std::atomic<bool> stop{false};
  std::atomic<bool> done{false};
  std::thread thread;
  void start() {
    thread = std::thread([this] {
      scanner->run(stop);
      done = true;
    });
  }
  ~SynRun() {
    stop = true;
    if (thread.joinable()) thread.join();
  }
};

// Splits `plan` for --syn: the TCP jobs (IPv4 and IPv6) go to the SYN scan, the UDP jobs stay.
ScanPlan take_syn_jobs(ScanPlan& plan) {
  ScanPlan syn = plan;
  syn.jobs.clear();
  std::vector<ScanJob> rest;
  for (const auto& j : plan.jobs)
    (j.endpoint.transport == Transport::tcp ? syn.jobs : rest).push_back(j);
  plan.jobs = std::move(rest);
  return syn;
}

}  // namespace

std::vector<DeviceReport> run_active_scan(net::io_context& io, const ScanPlan& plan, const EngineOptions& options,
                                          const ProbeOptions& probe, bool& interrupted, EngineStats* stats) {
  // Load the identification table before anything is sent: a broken table is a usage error.
  const ServiceTable* table = probe.probes ? &builtin_service_table() : nullptr;
  std::unique_ptr<PortScanner> scanner;  // made once discovery has decided which devices to scan
  SynRun syn;                            // --syn: the TCP jobs, when the SYN scan can run
  AbortGroup liveness_abort;
  ScanPlan scanned = plan;               // the plan without the jobs of devices found down
  std::vector<DeviceReport> devices(plan.targets.size());
  net::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](error_code ec, int) {
    if (ec) return;
    interrupted = true;
    if (scanner) scanner->stop();
    syn.stop = true;
    liveness_abort.abort();
  });
  // A stop that came before the signal set existed (main's recorder caught it): nothing is sent.
  const bool stopped_early = stop_requested();
  if (stopped_early) interrupted = true;
  ScanProgress* progress = options.progress;
  if (progress) progress->devices = plan.targets.size();
  auto job = [&]() -> net::awaitable<void> {
    std::vector<HostState> hosts(plan.targets.size());
    if (!stopped_early && options.discovery) {
      DiscoveryOptions d;
      d.timeout = options.timeout;
      d.max_inflight = std::max<std::size_t>(1, std::min<std::size_t>(64, options.max_inflight / 8));
      hosts = co_await discover_hosts(plan.targets, d, interrupted);
    }
    scanned.jobs.clear();
    for (const auto& j : plan.jobs)
      if (hosts[j.device].up) scanned.jobs.push_back(j);
    scanned.rtt_hints.assign(plan.targets.size(), std::chrono::microseconds(0));
    for (std::size_t d = 0; d < hosts.size() && d < plan.targets.size(); ++d) scanned.rtt_hints[d] = hosts[d].rtt;
    if (progress) {
      progress->ports_total = scanned.jobs.size();
      progress->phase = ScanPhase::port_scan;
    }
    ScanPlan syn_plan;
    if (options.syn && !stopped_early && !interrupted) {
      syn_plan = take_syn_jobs(scanned);
      std::string why;
      syn.scanner = SynScanner::open(syn_plan, options, why);
      if (syn.scanner) {
        syn.start();
      } else {
        // Checked before the scan (the CLI's notice); a failure here leaves the jobs to connect.
        scanned.jobs.insert(scanned.jobs.end(), syn_plan.jobs.begin(), syn_plan.jobs.end());
        if (stats) stats->syn_fallback = why;
      }
    }
    scanner = std::make_unique<PortScanner>(scanned, options);
    if (!stopped_early && !interrupted) co_await scanner->run();
    if (syn.thread.joinable()) {
      net::steady_timer poll(co_await net::this_coro::executor);
      while (!syn.done) {
        poll.expires_after(std::chrono::milliseconds(20));
        error_code ignored;
        co_await poll.async_wait(net::redirect_error(net::use_awaitable, ignored));
      }
      syn.thread.join();
    }
    if (stats) {
      const std::string fallback = stats->syn_fallback;
      *stats = scanner->stats();
      stats->syn_fallback = fallback;
      for (std::size_t d = 0; d < hosts.size(); ++d) stats->discovery_timed += hosts[d].up && hosts[d].rtt.count() > 0;
      if (syn.scanner) add_syn_stats(*stats, syn.scanner->stats(), syn.scanner->late_answers());
    }
    for (std::size_t d = 0; d < plan.targets.size(); ++d) {
      devices[d].facts.target = plan.targets[d];
      devices[d].facts.scan_complete =
          !stopped_early && !interrupted && scanner->complete() && (!syn.scanner || syn.scanner->complete());
      if (options.discovery && !stopped_early) {
        Observation o;
        o.key = keys::probe::discovery.name;
        o.value = std::string(hosts[d].up ? "up" : "down");
        o.evidence.kind = "host_discovery";
        o.evidence.detail = hosts[d].reason;
        devices[d].facts.observations.push_back(std::move(o));
      }
      if (hosts[d].mac) {
        // The registries are read once, and only when a device on our segment gave its MAC.
        static const OuiTable oui = [] {
          OuiTable t;
          t.add_dir(kDefaultOuiDir);
          return t;
        }();
        Evidence e;
        e.kind = "host_discovery";
        e.detail = plan.targets[d].address.v6 ? "target link-layer address of its neighbour advertisement"
                                                          : "sender MAC of its ARP reply";
        add_mac_observations(devices[d].facts.observations, *hosts[d].mac, oui, std::move(e));
      }
      if (stats && !hosts[d].up) stats->hosts_down.emplace_back(plan.targets[d].address.to_string(), hosts[d].reason);
    }
    std::map<Address, std::size_t> index;
    for (std::size_t d = 0; d < plan.targets.size(); ++d) index[plan.targets[d].address] = d;
    for (auto& r : scanner->results()) devices[index.at(r.endpoint.address)].facts.ports.push_back(r);
    if (syn.scanner)
      for (auto& r : syn.scanner->results()) devices[index.at(r.endpoint.address)].facts.ports.push_back(r);
    for (auto& d : devices) std::sort(d.facts.ports.begin(), d.facts.ports.end(), [](const PortResult& a, const PortResult& b) {
      return a.endpoint < b.endpoint;
    });
    if (table && !interrupted) co_await probe_devices(devices, probe, *table, interrupted);
    if (progress && table && !interrupted) progress->phase = ScanPhase::liveness;
    if (table && !interrupted)
      co_await for_each_concurrently(devices.size(), probe.max_inflight, [&](std::size_t i) {
        return check_liveness(devices[i], probe, options, liveness_abort, interrupted);
      });
    for (auto& d : devices) d.facts.order_observations();
  };
  std::exception_ptr failure;
  net::co_spawn(io, job(), [&](std::exception_ptr e) {
    failure = e;
    error_code ignored;
    signals.cancel(ignored);
    io.stop();  // the demo device's listeners keep the context busy; the scan is what we wait for
  });
  io.run();
  io.restart();
  if (failure) std::rethrow_exception(failure);
  return devices;
}

int finish_report(Report& report, const OutputOptions& output, bool interrupted, std::ostream& out,
                  std::ostream& err) {
  report.complete = report.complete && !interrupted;
  for (auto& d : report.devices) {
    d.facts.scan_complete = d.facts.scan_complete && !interrupted;
    if (!d.facts.crypto_policy) d.facts.crypto_policy = report.profile.crypto_policy;
    for (const auto* check : checks_of(report.profile)) evaluate_contained(*check, d.facts, d.results);
  }
  apply_output_waivers(report, output);
  for (auto& d : report.devices) score_device(report.profile, d, report.attestations);
  complete_manifest(report, output);
  sort_report(report);
  return write_outputs(report, output, interrupted, out, err);
}

void complete_manifest(Report& report, const OutputOptions& output) {
  if (output.command.empty()) return;
  manifest_add_run(report.manifest, output.command);
  if (!output.waivers_file.empty()) manifest_add_file(report.manifest, "waivers", output.waivers_file);
}

void apply_output_waivers(Report& report, const OutputOptions& output) {
  if (!output.waivers_file.empty())
    apply_waivers(report, output.waivers, utc_day(std::chrono::system_clock::now()));
}

int write_outputs(const Report& report, const OutputOptions& output, bool interrupted, std::ostream& out,
                  std::ostream& err) {
  int code = kExitOk;
  for (const auto& file : output.files) {
    const auto sink = make_sink(output.format.empty() ? format_for_path(file) : output.format);
    try {
      write_report_file(report, *sink, file);
    } catch (const std::exception& e) {
      err << "trustscan: error: " << e.what() << "\n";
      code = kExitRuntime;
    }
  }
  if (!output.evidence_dir.empty()) {
    try {
      write_evidence_bundle(report, {output.evidence_dir, output.evidence_secrets, output.evidence_traffic,
                                     output.evidence_traffic_note});
    } catch (const std::exception& e) {
      err << "trustscan: error: " << e.what() << "\n";
      code = kExitRuntime;
    }
  }
  if (!output.quiet) write_summary(report, out);
  // Waivers that no longer do what their owner thinks: on stderr even with -q, for CI logs.
  for (const auto& w : report.waivers) {
    if (w.state == "expired")
      err << "trustscan: warning: waiver " << w.waiver.source << " (" << w.waiver.rule << ") expired on "
          << w.waiver.expires << ": " << w.findings.size() << " failure(s) count again\n";
    else if (w.state == "unused")
      err << "trustscan: warning: waiver " << w.waiver.source << " (" << w.waiver.rule
          << ") matched no failure: the finding passed, was not reported, or the id is wrong\n";
  }
  if (code != kExitOk) return code;
  if (interrupted) return kExitInterrupted;
  for (const auto& d : report.devices)
    for (const auto& f : d.results)
      if (fails(f, output.fail_on)) return kExitFailed;
  return kExitOk;
}

}  // namespace trustscan
