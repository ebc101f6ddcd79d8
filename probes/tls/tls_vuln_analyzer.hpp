// trustscan — the intrusive TLS probes (Heartbleed, CCS injection, ROBOT, client-initiated
// renegotiation): each runs only when the run's safety selection allows its action
// (include/trustscan/safety.hpp), on connections of its own, after the TLS analysis found a
// version up to TLS 1.2. The records and the reading of answers are pure (tls_vulns.hpp).
//
// Observation keys (per TLS endpoint, keys in tls_keys.hpp): tls.heartbleed, tls.ccs_injection,
// tls.robot, tls.client_renegotiation (booleans: true = the weakness was seen), and
// tls.intrusive_skipped (the ids of the probes not selected, with the flag that selects them).
#pragma once

#include "probes/tls/tls.hpp"
#include "scanner/engine/session.hpp"
#include "scanner/pipeline/probe_runner.hpp"

#include <functional>

namespace trustscan {

/// What the intrusive probes hello with: the highest version up to TLS 1.2 the server
/// accepted, a hello spec for it offering its accepted suites, and which of those use RSA key
/// exchange (ROBOT's precondition).
struct TlsVulnTarget {
  TlsVersion version = TlsVersion::tls1_2;
  ClientHelloSpec hello;
  std::vector<std::uint16_t> rsa_suites;
};

/// Opens one connection ready for a ClientHello (behind STARTTLS: after it), with the byte cap
/// given; nullopt when it could not.
using TlsConnect = std::function<net::awaitable<std::optional<TcpSession>>(std::size_t max_reply)>;

/// Runs the probes the selection allows, in order Heartbleed, CCS injection, client
/// renegotiation, ROBOT, each bounded by min(its wait, what is left of the budget); appends
/// their observations and tls.intrusive_skipped.
net::awaitable<void> analyze_tls_vulns(ProbeContext& ctx, const TlsVulnTarget& target, TlsConnect connect,
                                       std::vector<Observation>& out);

}  // namespace trustscan
