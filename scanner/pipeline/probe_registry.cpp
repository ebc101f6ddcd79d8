// trustscan — the protocol probes, by service name, with their budgets and follow-on stages: the
// one list (STYLE.md rule 11).
//
// Each probe is a thin coroutine over the pure parsers in probes/: it talks to the endpoint
// through the context's dialer (deadline and byte cap owned by the session) and turns what the
// parsers return into observations. Each probe lives in its protocol's room
// (probes/<protocol>/<protocol>_probe.cpp); add one there and list it below. What follows a probe
// (credential trials, TLS analysis, the service inside TLS) is declared here as its stages, never
// called from the probe's end: the runner runs them in order (run_probe_entry), skips the
// credentials stage under --no-creds, and hands each what the probe left in ProbeHandoff.
#include "scanner/pipeline/protocol_probes.hpp"
#include "scanner/pipeline/probe_handoff.hpp"
#include "probes/tls/tls_analyzer.hpp"
#include "scanner/credentials/credentials.hpp"

namespace trustscan {

namespace {

using namespace std::chrono_literals;

// The TLS probe runs the TLS analyzer (versions and suites by hand-built ClientHellos, the
// certificate) before the application inside: it needs more than the default probe budget.
constexpr std::chrono::milliseconds kTlsBudget = 30s;
// The DTLS probe enumerates the same way over UDP, each hello a cookie exchange and a flight.
constexpr std::chrono::milliseconds kDtlsBudget = 30s;

// A login trial that needs only the context: the probe's hand-off says whether there is a surface.
template <net::awaitable<void> (*Trial)(ProbeContext&, std::vector<Observation>&)>
net::awaitable<void> context_trial(ProbeContext& ctx, const ProbeHandoff&, std::vector<Observation>& out) {
  co_await Trial(ctx, out);
}

std::map<std::string, ProbeEntry>& registry() {
  static std::map<std::string, ProbeEntry> probes = {
      {"coap", {probe_coap}},
      {"dns", {probe_dns}},
      {"dtls", {probe_dtls, kDtlsBudget}},
      // Explicit FTPS next to the FTP probe: servers delay failed logins by a second or more.
      {"ftp", {probe_ftp, 0ms, {{Stage::credentials, context_trial<try_ftp_credentials>}, {Stage::tls_analysis, ftps_analysis, true}}}},
      {"http", {probe_http, 0ms, {{Stage::credentials, http_credentials}}}},
      {"mdns", {probe_mdns}},
      {"mqtt", {probe_mqtt, 0ms, {{Stage::credentials, context_trial<try_mqtt_credentials>}}}},
      {"ntp", {probe_ntp}},
      {"rtsp", {probe_rtsp, 0ms, {{Stage::credentials, rtsp_credentials}}}},
      {"snmp", {probe_snmp}},
      {"ssdp", {probe_ssdp}},
      {"ssh", {probe_ssh, 0ms, {{Stage::credentials, context_trial<try_ssh_credentials>}}}},
      {"telnet", {probe_telnet, 0ms, {{Stage::credentials, context_trial<try_telnet_credentials>}}}},
      {"tls", {probe_tls, kTlsBudget, {{Stage::tls_analysis, tls_analysis}, {Stage::inner_service, tls_inner_service}}}},
  };
  return probes;
}

}  // namespace

const std::map<std::string, ProbeEntry>& protocol_probes() { return registry(); }

void register_protocol_probe(const std::string& service, ProbeEntry entry) { registry()[service] = std::move(entry); }

std::string probe_registry_markdown() {
  std::string md = "| service | budget | stages after the probe |\n|---|---|---|\n";
  for (const auto& [service, entry] : protocol_probes()) {
    std::string stages;
    for (const auto& st : entry.stages) {
      if (!stages.empty()) stages += ", ";
      stages += std::string(to_string(st.stage)) + (st.alongside ? " (alongside)" : "");
      if (!st.action.empty()) stages += " [" + std::string(st.action) + "]";
    }
    const std::string budget = entry.budget.count() ? std::to_string(entry.budget.count() / 1000) + " s" : "--probe";
    md += "| " + service + " | " + budget + " | " + (stages.empty() ? "-" : stages) + " |\n";
  }
  return md;
}

}  // namespace trustscan
