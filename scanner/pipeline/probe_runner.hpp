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
#include "scanner/engine/progress.hpp"
#include "trustscan/check.hpp"
#include "trustscan/net.hpp"
#include "trustscan/observation_key.hpp"
#include "trustscan/probe.hpp"
#include "trustscan/report.hpp"
#include "trustscan/safety.hpp"

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace trustscan {

struct CredentialPolicy;
class AbortGroup;  // session.hpp
struct ProbeHandoff;  // scanner/pipeline/probe_handoff.hpp
struct CompromisedKeys;  // scanner/config/compromised_keys.hpp

/// How a probe reaches its endpoint. The runner hands every probe the dialer of its options (the
/// live network when none is given), so a test hands in a fake one and a probe never opens a
/// socket of its own.
class Dialer {
 public:
  virtual ~Dialer() = default;
  /// A byte stream to `ep` — inside TLS (server name `sni`) when `tls` — connected within
  /// `connect_timeout`, every operation bounded by `budget` and `max_reply` bytes; null, with
  /// the reason in `status`, when it cannot be opened.
  virtual net::awaitable<std::unique_ptr<Session>> dial(const Endpoint& ep, bool tls, const std::string& sni,
                                                         std::chrono::milliseconds connect_timeout,
                                                         std::chrono::milliseconds budget, std::size_t max_reply,
                                                         Status& status, AbortGroup* group) = 0;
};

/// The live network: TcpSession and TlsSession (scanner/engine/session.hpp).
Dialer& live_dialer();

struct ProbeOptions {
  std::chrono::milliseconds connect_timeout{2000};
  std::chrono::milliseconds endpoint_budget{10000};  ///< identification + protocol probe, one endpoint
  std::size_t max_reply = 64 * 1024;                 ///< bytes read per connection
  std::size_t per_device = 4;                        ///< endpoints probed at once on one device
  std::size_t max_inflight = 256;                    ///< endpoints probed at once in all
  bool probes = true;                                ///< false: --no-probes, port scan only
  SafetySelection safety;                            ///< --safety / --allow: what beyond `safe` may run
  const CredentialPolicy* credentials = nullptr;     ///< pairs to try; nullptr: --no-creds
  std::string ca_file;                               ///< --ca-file: verify TLS certificates against it
  /// Keys the TLS analyzer looks certificates up in; nullptr: the built-in list
  /// (--compromised-keys adds a file to it).
  const CompromisedKeys* compromised_keys = nullptr;
  Dialer* dialer = nullptr;                          ///< how probes reach endpoints; nullptr: live_dialer()
  ScanProgress* progress = nullptr;                  ///< counts probed endpoints (the TTY progress line), if set
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
  const ServiceTable* table = nullptr;             ///< the identification table (what speaks inside TLS)
  /// What the probe leaves its follow-on stages (the runner owns it; null outside the runner:
  /// a probe run by hand has no stages): `if (ctx.handoff) ctx.handoff->…`.
  ProbeHandoff* handoff = nullptr;

  /// The dialer every session of this probe goes through.
  Dialer& dialer() const { return options.dialer ? *options.dialer : live_dialer(); }

  /// Time left before `deadline` (zero when past it).
  std::chrono::milliseconds remaining() const {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    return std::max(left, std::chrono::milliseconds(0));
  }
};
using ProtocolProbe = std::function<net::awaitable<void>(ProbeContext& ctx, std::vector<Observation>& out)>;

/// The follow-on stages a registry entry may declare, run by the runner after the probe (the
/// closed list; docs/architecture.md "Probes and their stages").
enum class Stage : std::uint8_t {
  credentials,    ///< default-credential trials on the login surface the probe handed off; not run
                  ///< under --no-creds (checks then say creds_disabled) nor without a surface
  tls_analysis,   ///< versions, suites and certificate of the endpoint's TLS
  inner_service,  ///< what speaks inside TLS, then that service's probe and stages through TLS
};
std::string_view to_string(Stage s) noexcept;

/// A stage's work: the probe's context (its endpoint, deadline and abort group) and what the
/// probe handed off.
using StageRun = std::function<net::awaitable<void>(ProbeContext& ctx, const ProbeHandoff& handoff, std::vector<Observation>& out)>;

/// One follow-on stage of a registry entry.
struct FollowOn {
  Stage stage;
  StageRun run;
  /// Runs from the probe's start, on connections of its own, next to the probe and the stages
  /// after it (at most --per-device at once; one after the other with --per-device 1); what it
  /// records comes after theirs. FTP's explicit FTPS analysis: failed FTP logins take seconds.
  bool alongside = false;
  /// A safety action (trustscan/safety.hpp) the stage needs; empty: safe. Not selected: the stage
  /// is not run and probe.<service>.held says why.
  std::string_view action = {};
};

/// One entry of the probe registry: the probe of a service name, its declared budget, and the
/// stages that follow it, in order.
struct ProbeEntry {
  ProtocolProbe run;
  /// The probe's whole budget on one endpoint (identification excluded); zero: the run's
  /// --probe budget (ProbeOptions::endpoint_budget). The larger of the two applies.
  std::chrono::milliseconds budget{0};
  std::vector<FollowOn> stages = {};
};

/// The protocol probes by service name (scanner/pipeline/probe_registry.cpp: the one list).
const std::map<std::string, ProbeEntry>& protocol_probes();

/// Adds (or replaces) the probe of `service` — a protocol outside the built-in list. Call before
/// a scan starts, from the thread that runs it; identification must name `service` too (a rule
/// in the service table the runner is given).
void register_protocol_probe(const std::string& service, ProbeEntry entry);

/// Runs the probe of `entry` on `ctx`, then its stages in declared order (those declared
/// `alongside` next to it), skipping what the options do not allow; `service` names the entry in
/// what a skip records. The runner calls it for every identified endpoint, the TLS probe's
/// inner_service stage for the service inside TLS.
net::awaitable<void> run_probe_entry(const std::string& service, const ProbeEntry& entry, ProbeContext& ctx,
                                     std::vector<Observation>& out);

/// The registry as a Markdown table: service, budget, stages (docs/architecture.md holds it).
std::string probe_registry_markdown();

/// Identifies and probes every device's services, appending observations to `devices[i].facts`
/// and turning UDP `open|filtered` into `open` where a service answered. Runs on the caller's
/// context; returns when every endpoint is done or `stop` became true.
net::awaitable<void> probe_devices(std::vector<DeviceReport>& devices, const ProbeOptions& options,
                                   const ServiceTable& table, const bool& stop);

/// How a service was identified: the rule that matched, the reply it read and the hello sent.
struct Identified {
  std::optional<Identification> id;
  std::vector<std::uint8_t> reply;  ///< the reply that identified the service (or the first unmatched one)
  std::string hello;                ///< the hello that produced `reply`
  Status status = Status::not_detected;
};

/// The service name of `inner` found inside TLS: "https" for "http", "dns-over-tls" for "dns",
/// else the name with an "s" ("mqtts", "rtsps", "coaps", "imaps").
std::string tls_service_name(std::string_view inner);

/// What an identification shows, as observations: service.name (with its TLS name when
/// `inside_tls`), product and version with the matching rule's line, or the unmatched reply as
/// service.banner.
std::vector<Observation> identification_observations(const Endpoint& ep, const Identified& found, bool inside_tls = false);

/// What speaks inside TLS on the context's endpoint: the table's TCP hellos, each on a TLS session
/// of its own (through the context's dialer), those whose `tls_ports` name the port first, then
/// HTTP, then the rest; every reply is read with its hello's rules, then the banner rules. Stops at
/// the first match, when no TLS session opens, or at the context's deadline.
net::awaitable<Identified> identify_inside_tls(ProbeContext& ctx);

/// Helpers for protocol probes: one observation on the context's endpoint. The key is a declared
/// constant (probes/<protocol>/<protocol>_keys.hpp…) or a filled pattern, never a bare string.
Observation make_observation(const Endpoint& ep, const ObservationKey& key, Value value, std::string detail = {},
                             std::string excerpt = {});
Observation make_observation(const Endpoint& ep, FilledKey key, Value value, std::string detail = {}, std::string excerpt = {});

}  // namespace trustscan
