// trustscan — the protocol probes, by service name: the one list (STYLE.md rule 11).
//
// Each probe is a thin coroutine over the pure parsers in probes/: it talks to the endpoint
// through a TcpSession or udp_exchange (deadline and byte cap owned by the session) and turns
// what the parsers return into observations. Add a probe: write it here and list it below.
#include "probe_runner.hpp"
#include "session.hpp"

namespace trustscan {

const std::map<std::string, ProtocolProbe>& protocol_probes() {
  static const std::map<std::string, ProtocolProbe> probes = {
  };
  return probes;
}

}  // namespace trustscan
