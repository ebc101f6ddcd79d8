// trustscan — the protocol probes, by service name: the one list (STYLE.md rule 11).
//
// Each probe is a thin coroutine over the pure parsers in probes/: it talks to the endpoint
// through a TcpSession or udp_exchange (deadline and byte cap owned by the session) and turns
// what the parsers return into observations. Each probe lives in its protocol's room (probes/<protocol>/<protocol>_probe.cpp); add one
// there and list it below.
#include "scanner/pipeline/protocol_probes.hpp"

namespace trustscan {

const std::map<std::string, ProtocolProbe>& protocol_probes() {
  static const std::map<std::string, ProtocolProbe> probes = {
      {"coap", probe_coap}, {"dns", probe_dns},   {"ftp", probe_ftp},   {"http", probe_http},
      {"mdns", probe_mdns}, {"mqtt", probe_mqtt}, {"ntp", probe_ntp},   {"rtsp", probe_rtsp},
      {"snmp", probe_snmp}, {"ssdp", probe_ssdp}, {"ssh", probe_ssh},   {"telnet", probe_telnet},
      {"tls", probe_tls},
  };
  return probes;
}

}  // namespace trustscan
