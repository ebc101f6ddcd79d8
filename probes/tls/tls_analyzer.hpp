// trustscan — the TLS analyzer (tls.* checks).
//
// Observation keys (per TLS endpoint):
//   tls.versions              list    "SSLv2", "SSLv3", "TLSv1.0" … "TLSv1.3" that completed a ServerHello
//   tls.ciphers.<version>     list    IANA names of the suites accepted at that version, in the order found
//   tls.weak_ciphers          list    "<version> <suite> (<why>)" for NULL/EXPORT/anon/RC4/DES/3DES/IDEA/RC2/MD5
//   tls.forward_secrecy       bool    an (EC)DHE suite was accepted
//   tls.dh_bits               int     smallest DHE prime seen
//   tls.ecdhe_curves          list    groups chosen for ECDHE; tls.ecdhe_bits: the smallest
//   tls.secure_renegotiation  bool    RFC 5746 support (TLS <= 1.2)
//   tls.cipher_order.<version> string "server" (it keeps its own order) or "client"; absent with one
//                             suite or when the two picks fit neither
//   tls.preferred.<version>   string  the suite chosen whatever the client's order (server order),
//                             or the only suite accepted
//   tls.extended_master_secret bool   RFC 7627 in the ServerHello at every version TLS 1.0-1.2
//   tls.groups.<version>      list    groups accepted at TLSv1.3 / the highest <= 1.2 with ECDHE
//   tls.signature_algorithms  list    TLS 1.2 ServerKeyExchange signature algorithms accepted
//   tls.cert.lifetime_days, tls.cert.sha256, tls.cert.spki_sha256: the leaf's validity span and
//                             fingerprints; tls.cert.compromised_key: compromised-key list matches
//   tls.fallback_scsv         bool    true: a hello at the second highest version with
//                             TLS_FALLBACK_SCSV got inappropriate_fallback; false: a ServerHello
//   tls.compression           bool    true: DEFLATE chosen when offered (CRIME) at the highest <= 1.2
//   tls.starttls              string  "ftp": TLS reached through FTP AUTH TLS (ftps_analysis)
//   tls.cert.*                subject, issuer, not_before, not_after, expired, not_yet_valid,
//                             self_signed, signature, key_type, key_bits, name_match, verified
//                             (verified only with --ca-file), chain_length, chain_complete
//   tls.cert.chain_sha256     list    SHA-256 of each certificate kept, leaf first; its evidence
//                             carries them as PEM, the attachment "certs.pem" that only the
//                             evidence bundle writes (at most kTlsMaxCertificates, each at most
//                             kTlsMaxCertificateBytes, from the flight or a handshake alike)
#pragma once

#include "probes/tls/tls.hpp"
#include "scanner/pipeline/probe_runner.hpp"

#include <optional>
#include <set>
#include <string>
#include <vector>

namespace trustscan {

/// How each connection reaches TLS: at once, or after FTP's AUTH TLS (RFC 4217, a 234 reply).
enum class StartTls : std::uint8_t { none, ftp };

/// Enumerates versions and suites of the context's endpoint and reads its certificate (behind
/// STARTTLS only from a TLS <= 1.2 flight: no OpenSSL handshake is made there).
net::awaitable<void> analyze_tls(ProbeContext& ctx, std::vector<Observation>& out, StartTls starttls = StartTls::none);

/// The tls.cert.* observations of a chain (DER, leaf first; `sent` certificates listed by the
/// server, `how` says where it came from, for the evidence): fingerprints, compromised keys, the
/// leaf's facts, the chain against --ca-file. The DTLS probe uses it too.
void certificate_observations(ProbeContext& ctx, const std::vector<std::vector<std::uint8_t>>& chain, std::size_t sent,
                              const std::string& how, std::vector<Observation>& out);

/// tls.dh_bits (the smallest DHE prime seen), tls.dh_prime (that prime, describe_dh_prime; when
/// given) and tls.ecdhe_curves / tls.ecdhe_bits (the groups chosen for ECDHE, the smallest's size);
/// nothing for what was not seen.
void key_exchange_observations(const Endpoint& ep, std::optional<std::uint32_t> dh_bits, const std::set<std::uint16_t>& curves,
                               std::vector<Observation>& out, const std::string& dh_prime = {});

/// What the ServerHellos of one version's suite enumeration showed, TLS and DTLS alike
/// (tls_analyzer.cpp, probes/dtls/dtls_probe.cpp): the suites accepted in the order found, the
/// smallest DHE prime, the ECDHE groups, the first chain, RFC 5746 and RFC 7627 in any ServerHello.
struct EnumeratedSuites {
  bool supported = false;
  std::vector<std::uint16_t> accepted;
  std::optional<std::uint32_t> dh_bits;  // smallest seen
  std::string dh_prime;                  // that prime: describe_dh_prime (probes/tls/dh_primes.hpp)
  std::set<std::uint16_t> curves;
  std::vector<std::vector<std::uint8_t>> chain;  // as sent, DER, leaf first (TLS <= 1.2)
  std::size_t chain_sent = 0;                     // certificates listed, kept or not
  bool secure_renegotiation = false;
  bool extended_master_secret = false;  // RFC 7627 in a ServerHello (every hello offers it)

  /// One flight with a ServerHello: the suite it picked is accepted and removed from `remaining`,
  /// and the flight's facts are kept. false (nothing kept) when the pick is not in `remaining`:
  /// the server chose something not offered, the enumeration stops.
  bool take(const ServerFlight& flight, std::vector<std::uint16_t>& remaining);
};

/// The enumerated versions together: the smallest DHE prime, every ECDHE group, the first chain
/// (`chain_how` names its version), RFC 5746 at any version before 1.3, RFC 7627 at every
/// version it applies to.
struct EnumerationSummary {
  std::optional<std::uint32_t> dh_bits;
  std::string dh_prime;  // the smallest prime's name or digest
  std::set<std::uint16_t> curves;
  std::vector<std::vector<std::uint8_t>> chain;
  std::size_t chain_sent = 0;
  std::string chain_how;
  bool secure_renegotiation = false, renegotiation_checked = false;
  bool ems = true, ems_checked = false;
  std::string ems_detail;  // "TLSv1.2 yes, TLSv1.1 no"

  /// A supported version named `name`; `before_13`: renegotiation_info counts there; `ems_applies`:
  /// extended_master_secret is required there.
  void add(const EnumeratedSuites& r, const std::string& name, bool before_13, bool ems_applies);
  /// key_exchange_observations, then tls.secure_renegotiation and tls.extended_master_secret
  /// when a version showed them.
  void observations(const Endpoint& ep, std::vector<Observation>& out) const;
};

/// FTP's tls_analysis stage, declared `alongside` the FTP probe (probe_registry.cpp): the
/// greeting and AUTH TLS (RFC 4217) on a connection of its own; on a 234 reply the observation
/// tls.starttls = "ftp" (evidence: the reply) and analyze_tls(StartTls::ftp) with its own budget
/// and at most --per-device - 1 connections at once (the FTP probe holds one).
net::awaitable<void> ftps_analysis(ProbeContext& ctx, const ProbeHandoff& handoff, std::vector<Observation>& out);

}  // namespace trustscan
