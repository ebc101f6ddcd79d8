// trustscan — the protocol probes, by service name: the one list (STYLE.md rule 11).
//
// Each probe is a thin coroutine over the pure parsers in probes/: it talks to the endpoint
// through a TcpSession or udp_exchange (deadline and byte cap owned by the session) and turns
// what the parsers return into observations. Each probe lives in its protocol's room (probes/<protocol>/<protocol>_probe.cpp); add one
// there and list it below.
#include "scanner/pipeline/protocol_probes.hpp"

namespace trustscan {

namespace {

using namespace std::chrono_literals;

// The TLS probe runs the TLS analyzer (versions and suites by hand-built ClientHellos, the
// certificate) before the application inside: it needs more than the default probe budget.
constexpr std::chrono::milliseconds kTlsBudget = 30s;
// The DTLS probe enumerates the same way over UDP, each hello a cookie exchange and a flight.
constexpr std::chrono::milliseconds kDtlsBudget = 30s;

std::map<std::string, ProbeEntry>& registry() {
  static std::map<std::string, ProbeEntry> probes = {
      {"coap", {probe_coap}}, {"dns", {probe_dns}},   {"dtls", {probe_dtls, kDtlsBudget}},   {"ftp", {probe_ftp}},   {"http", {probe_http}},
      {"mdns", {probe_mdns}}, {"mqtt", {probe_mqtt}}, {"ntp", {probe_ntp}},   {"rtsp", {probe_rtsp}},
      {"snmp", {probe_snmp}}, {"ssdp", {probe_ssdp}}, {"ssh", {probe_ssh}},   {"telnet", {probe_telnet}},
      {"tls", {probe_tls, kTlsBudget}},
  };
  return probes;
}

}  // namespace

const std::map<std::string, ProbeEntry>& protocol_probes() { return registry(); }

void register_protocol_probe(const std::string& service, ProbeEntry entry) { registry()[service] = std::move(entry); }

}  // namespace trustscan
