// trustscan — after the port scan: service identification and protocol probes.
//
// For every open TCP port (and every UDP port not known to be closed) of every device, the
// runner identifies the service from the data table (profiles/data/services.yaml), then runs
// the protocol probe registered for that service (probes.cpp: the one list). Everything a probe
// learns becomes an Observation on the device; checks read only those.
//
// Limits: a per-device limit (fragile devices), a global limit, a connect timeout and a total
// budget per endpoint, a byte cap per connection. A probe failure is a Status recorded as an
// observation ("probe.<name>.status"), never an exception out of the runner.
#pragma once

#include "probes/identify/identify.hpp"
#include "trustscan/check.hpp"
#include "trustscan/net.hpp"
#include "trustscan/report.hpp"

#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace trustscan {

struct CredentialPolicy;

struct ProbeOptions {
  std::chrono::milliseconds connect_timeout{2000};
  std::chrono::milliseconds endpoint_budget{10000};  ///< identification + protocol probe, one endpoint
  std::size_t max_reply = 64 * 1024;                 ///< bytes read per connection
  std::size_t per_device = 4;                        ///< endpoints probed at once on one device
  std::size_t max_inflight = 256;                    ///< endpoints probed at once in all
  bool probes = true;                                ///< false: --no-probes, port scan only
  bool snmp_write = false;                           ///< --snmp-write: test SET (innocuous, opt-in)
  const CredentialPolicy* credentials = nullptr;     ///< pairs to try; nullptr: --no-creds
  std::string ca_file;                               ///< --ca-file: verify TLS certificates against it
};

/// What a protocol probe gets: the endpoint, how it was identified, the bytes of the reply that
/// identified it, and the options. It appends observations to `out`.
class AbortGroup;  // session.hpp

struct ProbeContext {
  const DeviceFacts& device;
  Endpoint endpoint;
  Identification id;
  std::vector<std::uint8_t> first_reply;
  const ProbeOptions& options;
  std::chrono::steady_clock::time_point deadline;  ///< the protocol probe's whole budget ends here
  bool tls = false;                                ///< application probes speak through TLS
  AbortGroup* abort = nullptr;                     ///< sessions opened for this context join it (credential trials)

  /// Time left before `deadline` (zero when past it).
  std::chrono::milliseconds remaining() const {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    return std::max(left, std::chrono::milliseconds(0));
  }
};
using ProtocolProbe = std::function<net::awaitable<void>(ProbeContext& ctx, std::vector<Observation>& out)>;

/// The protocol probes by service name (probes.cpp).
const std::map<std::string, ProtocolProbe>& protocol_probes();

/// Identifies and probes every device's services, appending observations to `devices[i].facts`
/// and turning UDP `open|filtered` into `open` where a service answered. Runs on the caller's
/// context; returns when every endpoint is done or `stop` became true.
net::awaitable<void> probe_devices(std::vector<DeviceReport>& devices, const ProbeOptions& options,
                                   const ServiceTable& table, const bool& stop);

/// Helpers for protocol probes: one observation on the context's endpoint.
Observation make_observation(const Endpoint& ep, std::string key, Value value, std::string detail = {},
                             std::string excerpt = {});

}  // namespace trustscan
