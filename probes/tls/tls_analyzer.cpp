// trustscan — the TLS analyzer: protocol versions and cipher suites by hand-built ClientHellos
// (the system OpenSSL cannot offer SSLv3, RC4, 3DES or export suites: TOOLCHAIN.md §3), and the
// certificate through an OpenSSL handshake.
//
// Enumeration, per version: offer the suites not yet accepted (at most 128 per hello: some
// stacks choke on long hellos), record the one the server picks, remove it, repeat until the
// server refuses. Then the accepted suites in the order found and reversed: the same pick both
// times is the server's own order (its preferred suite), the client's first both times is the
// client's order. Once the versions are known: a hello at the second highest version with
// TLS_FALLBACK_SCSV (RFC 7507), and one offering DEFLATE (CRIME); then, with what is left of
// the budget, the groups (TLS 1.3 and <= 1.2) and TLS 1.2 signature algorithms the server
// accepts, each list by hellos offering what was not yet chosen (at most 12 hellos per list;
// docs/probes.md). Renegotiation_info and extended_master_secret come from the enumeration's own
// ServerHellos. Every hello is one short
// connection under the probe's deadline and byte cap; versions are enumerated in parallel (at
// most --per-device connections at once); behind FTP AUTH TLS (RFC 4217) each
// connection first reads the greeting and sends AUTH TLS.
#include "probes/tls/tls_analyzer.hpp"

#include "probes/ftp/ftp.hpp"
#include "scanner/config/compromised_keys.hpp"
#include "scanner/pipeline/probe_util.hpp"
#include "probes/tls/dh_primes.hpp"
#include "probes/tls/tls.hpp"
#include "probes/tls/tls_chain.hpp"
#include "probes/tls/tls_suites.hpp"
#include "probes/tls/tls_keys.hpp"
#include "probes/tls/tls_vuln_analyzer.hpp"

#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <ctime>
#include <set>

namespace trustscan {

namespace {

using namespace std::chrono_literals;

constexpr std::size_t kSuitesPerHello = 128;
constexpr int kMaxHellosPerVersion = 48;

// The reply to one hello: what was parsed, and the bytes that carried it (evidence).
struct Exchange {
  ServerFlight flight;
  std::vector<std::uint8_t> raw;
};

// FTP explicit TLS (RFC 4217 §4): the 220 greeting, AUTH TLS, a 234 reply (its text goes to
// `reply_text` when given); the hello follows on the same connection.
net::awaitable<bool> ftp_auth_tls(TcpSession& s, std::string* reply_text = nullptr) {
  std::vector<std::uint8_t> buf;
  FtpReply reply;
  std::size_t consumed = 0;
  auto [gs, gst] = co_await receive_until(s, buf, [&](Bytes b) { return parse_ftp_reply(b, reply, consumed); });
  if (gs != Parse::done || reply.code != 220 || consumed != buf.size()) co_return false;
  buf.clear();
  if ((co_await s.send(build_ftp_command("AUTH", "TLS"))).status != Status::success) co_return false;
  auto [as, ast] = co_await receive_until(s, buf, [&](Bytes b) { return parse_ftp_reply(b, reply, consumed); });
  if (reply_text && as == Parse::done && !reply.lines.empty()) *reply_text = reply.lines.back();
  // Bytes past the 234 reply would be the server talking before our hello: not a TLS server.
  co_return as == Parse::done && reply.code == 234 && consumed == buf.size();
}

// One ClientHello, one server flight. nullopt when nothing usable came back.
net::awaitable<std::optional<Exchange>> hello(ProbeContext& ctx, StartTls starttls, const std::vector<std::uint8_t>& bytes) {
  Status st = Status::success;
  auto s = co_await TcpSession::connect(ctx.endpoint, std::min(ctx.options.connect_timeout, ctx.remaining()),
                                        std::min<std::chrono::milliseconds>(ctx.remaining(), 4000ms), 80 * 1024, st, ctx.abort);
  if (!s) co_return std::nullopt;
  if (starttls == StartTls::ftp && !co_await ftp_auth_tls(*s)) co_return std::nullopt;
  if ((co_await s->send(bytes)).status != Status::success) co_return std::nullopt;
  Exchange ex;
  std::size_t consumed = 0;
  auto [state, rst] = co_await receive_until(*s, ex.raw, [&](Bytes b) { return parse_server_hello_flight(b, ex.flight, consumed); });
  // A server that accepted the suite but ended the flight early still told us its choice.
  if (state != Parse::done && !ex.flight.server_hello) co_return std::nullopt;
  if (state == Parse::done) ex.raw.resize(std::min(consumed, ex.raw.size()));
  co_return ex;
}

ClientHelloSpec spec_for(const ProbeContext& ctx, TlsVersion v, std::vector<std::uint16_t> suites) {
  ClientHelloSpec spec;
  spec.version = v;
  spec.cipher_suites = std::move(suites);
  spec.max_suites = kSuitesPerHello;
  for (std::size_t i = 0; i < spec.random.size(); ++i) spec.random[i] = static_cast<std::uint8_t>(0x74 + i);
  spec.server_name = ctx.device.target.name;
  if (v == TlsVersion::sslv3) spec.extensions = false;
  if (v == TlsVersion::tls1_3) {
    spec.supported_versions = {static_cast<std::uint16_t>(TlsVersion::tls1_3)};
    for (std::size_t i = 0; i < spec.x25519_key_share.size(); ++i) spec.x25519_key_share[i] = static_cast<std::uint8_t>(9 + i);
  }
  return spec;
}

// The suite a server picks from `suites` offered in this order at version v (nullopt: refused).
net::awaitable<std::optional<std::uint16_t>> pick(ProbeContext& ctx, StartTls starttls, TlsVersion v, std::vector<std::uint16_t> suites) {
  const auto ch = build_client_hello(spec_for(ctx, v, std::move(suites)));
  const auto ex = co_await hello(ctx, starttls, ch.bytes);
  if (!ex || !ex->flight.server_hello || ex->flight.negotiated_version != static_cast<std::uint16_t>(v)) co_return std::nullopt;
  co_return ex->flight.server_hello->cipher_suite;
}

struct VersionResult : EnumeratedSuites {
  TlsVersion version = TlsVersion::tls1_2;
  TlsCipherOrder order = TlsCipherOrder::unknown;
  std::optional<std::uint16_t> preferred;  // the server's choice whatever the client's order
};

net::awaitable<void> enumerate(ProbeContext& ctx, StartTls starttls, TlsVersion v, VersionResult& r) {
  r = VersionResult{};
  r.version = v;
  std::vector<std::uint16_t> remaining = tls_candidate_suites(v);
  for (int round = 0; round < kMaxHellosPerVersion && !remaining.empty() && ctx.remaining() > 500ms; ++round) {
    const auto ch = build_client_hello(spec_for(ctx, v, remaining));
    const auto ex = co_await hello(ctx, starttls, ch.bytes);
    if (!ex || !ex->flight.server_hello || ex->flight.negotiated_version != static_cast<std::uint16_t>(v)) {
      // Refused, or answered with another version. If a later chunk was never offered, try it.
      if (ch.offered_suites.size() < remaining.size()) {
        remaining.erase(remaining.begin(), remaining.begin() + static_cast<std::ptrdiff_t>(ch.offered_suites.size()));
        continue;
      }
      break;
    }
    if (!r.take(ex->flight, remaining)) break;  // picked something we did not offer: stop, don't loop
  }
  // Whose order: the accepted suites in the order found, then reversed (sslscan, testssl.sh).
  if (r.accepted.size() == 1) r.preferred = r.accepted.front();
  if (r.accepted.size() < 2 || ctx.remaining() <= 500ms) co_return;
  std::vector<std::uint16_t> reversed(r.accepted.rbegin(), r.accepted.rend());
  const auto forward_pick = co_await pick(ctx, starttls, v, r.accepted);
  const auto reversed_pick = co_await pick(ctx, starttls, v, std::move(reversed));
  if (!forward_pick || !reversed_pick) co_return;
  r.order = tls_cipher_order(r.accepted, *forward_pick, *reversed_pick);
  if (r.order == TlsCipherOrder::server) r.preferred = forward_pick;
}

net::awaitable<void> sslv2_supported(ProbeContext& ctx, StartTls starttls, VersionResult& r) {
  r = VersionResult{};
  r.version = TlsVersion::sslv2;
  std::array<std::uint8_t, 16> challenge{};
  for (std::size_t i = 0; i < challenge.size(); ++i) challenge[i] = static_cast<std::uint8_t>(0x30 + i);
  const auto specs = sslv2_default_cipher_specs();
  const auto bytes = build_sslv2_client_hello(specs, challenge);
  const auto ex = co_await hello(ctx, starttls, bytes);
  r.supported = ex && ex->flight.sslv2.has_value();
}

std::string asn1_time(const ASN1_TIME* t) {
  std::tm tm{};
  if (!t || ASN1_TIME_to_tm(t, &tm) != 1) return {};
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// The leaf's fingerprints, and whether any certificate sent (or the leaf's public key) is in the
// compromised-key list. No lookup observation when the list is empty: nothing was compared.
void compromised_key_observations(ProbeContext& ctx, const std::vector<std::vector<std::uint8_t>>& kept,
                                  std::vector<Observation>& out) {
  if (kept.empty()) return;
  const auto certs = chain_sha256(kept);
  std::vector<std::string> spkis;
  for (const auto& der : kept)
    if (auto k = certificate_key(der); !k.spki_sha256.empty()) spkis.push_back(std::move(k.spki_sha256));
  out.push_back(make_observation(ctx.endpoint, keys::tls::cert_sha256, certs.front(), "SHA-256 of the server certificate (DER)"));
  const auto leaf = certificate_key(kept.front());
  if (!leaf.spki_sha256.empty())
    out.push_back(make_observation(ctx.endpoint, keys::tls::cert_spki_sha256, leaf.spki_sha256,
                                   "SHA-256 of the server certificate's SubjectPublicKeyInfo (DER)"));
  const CompromisedKeys& list = ctx.options.compromised_keys ? *ctx.options.compromised_keys : builtin_compromised_keys();
  if (list.keys.empty()) return;
  std::vector<std::string> matched;
  std::string sources;
  for (const auto* k : find_compromised(list, spkis, certs)) {
    matched.push_back(k->name);
    sources += (sources.empty() ? "" : "; ") + k->name + ": " + k->source;
  }
  std::string origins;
  for (const auto& o : list.origins) origins += (origins.empty() ? "" : ", ") + o;
  std::string detail = std::to_string(kept.size()) + (kept.size() == 1 ? " certificate" : " certificates") +
                       " and their public keys looked up in " + std::to_string(list.keys.size()) +
                       (list.keys.size() == 1 ? " known-compromised key (" : " known-compromised keys (") + origins + ")";
  out.push_back(make_observation(ctx.endpoint, keys::tls::cert_compromised_key, matched,
                                 detail + (matched.empty() ? ": no match" : ": listed: " + sources)));
}

// What the certificates the server sent show: their fingerprints, with the certificates
// themselves as PEM for the evidence bundle (even when the leaf does not parse: it is what the
// server sent), then the leaf's own facts, then the chain (how many were sent, whether they
// form a complete path, whether it verifies against --ca-file). `how` says where the chain came
// from (the raw flight or a handshake), for the evidence.
}  // namespace

void certificate_observations(ProbeContext& ctx, const std::vector<std::vector<std::uint8_t>>& chain, std::size_t sent,
                              const std::string& how, std::vector<Observation>& out) {
  // The archive has the flight parser's bounds whichever way the chain came: at most
  // kTlsMaxCertificates (both ways keep no more), none larger than kTlsMaxCertificateBytes.
  std::vector<std::vector<std::uint8_t>> kept;
  for (const auto& c : chain)
    if (c.size() <= kTlsMaxCertificateBytes && kept.size() < kTlsMaxCertificates) kept.push_back(c);
  if (!kept.empty()) {
    auto archived = make_observation(ctx.endpoint, keys::tls::cert_chain_sha256, chain_sha256(kept),
                                     std::to_string(kept.size()) + (kept.size() == 1 ? " certificate " : " certificates ") +
                                         how + ", as PEM in the evidence bundle (certs.pem)");
    archived.evidence.attachment_name = "certs.pem";
    archived.evidence.attachment = chain_pem(kept);
    out.push_back(std::move(archived));
  }
  compromised_key_observations(ctx, kept, out);
  const auto& der = chain.front();
  const unsigned char* p = der.data();
  X509* x = d2i_X509(nullptr, &p, static_cast<long>(der.size()));
  if (!x) return;
  auto obs = [&](const ObservationKey& key, Value v) {
    out.push_back(make_observation(ctx.endpoint, key, std::move(v), "server certificate"));
  };
  char name[512];
  X509_NAME_oneline(X509_get_subject_name(x), name, sizeof name);
  obs(keys::tls::cert_subject, std::string(name));
  X509_NAME_oneline(X509_get_issuer_name(x), name, sizeof name);
  obs(keys::tls::cert_issuer, std::string(name));
  obs(keys::tls::cert_not_before, asn1_time(X509_get0_notBefore(x)));
  obs(keys::tls::cert_not_after, asn1_time(X509_get0_notAfter(x)));
  if (const auto lifetime = certificate_key(der).lifetime_days)
    out.push_back(make_observation(ctx.endpoint, keys::tls::cert_lifetime_days, *lifetime,
                                   "server certificate: notBefore " + asn1_time(X509_get0_notBefore(x)) + " to notAfter " +
                                       asn1_time(X509_get0_notAfter(x))));
  obs(keys::tls::cert_expired, X509_cmp_current_time(X509_get0_notAfter(x)) < 0);
  obs(keys::tls::cert_not_yet_valid, X509_cmp_current_time(X509_get0_notBefore(x)) > 0);
  obs(keys::tls::cert_self_signed, X509_NAME_cmp(X509_get_subject_name(x), X509_get_issuer_name(x)) == 0 ||
                                       X509_check_issued(x, x) == X509_V_OK);
  const int sig_nid = X509_get_signature_nid(x);
  obs(keys::tls::cert_signature, std::string(OBJ_nid2ln(sig_nid)));
  if (EVP_PKEY* key = X509_get0_pubkey(x)) {
    const int id = EVP_PKEY_get_base_id(key);
    obs(keys::tls::cert_key_type,
        std::string(id == EVP_PKEY_RSA ? "RSA" : id == EVP_PKEY_EC ? "EC" : id == EVP_PKEY_DSA ? "DSA" : OBJ_nid2sn(id)));
    obs(keys::tls::cert_key_bits, static_cast<std::int64_t>(EVP_PKEY_get_bits(key)));
  }
  // Hostname / address match, for the name or address the user scanned.
  const std::string host = ctx.device.target.name.empty() ? ctx.endpoint.address.to_string() : ctx.device.target.name;
  const bool match = Address::parse(host) ? X509_check_ip_asc(x, host.c_str(), 0) == 1
                                          : X509_check_host(x, host.c_str(), host.size(), 0, nullptr) == 1;
  obs(keys::tls::cert_name_match, match);
  const auto v = judge_chain(chain, sent, ctx.options.ca_file, std::time(nullptr));
  const std::string sent_text = std::to_string(v.sent) + (v.sent == 1 ? " certificate" : " certificates") + " " + how;
  out.push_back(make_observation(ctx.endpoint, keys::tls::cert_chain_length, static_cast<std::int64_t>(v.sent), sent_text));
  out.push_back(make_observation(ctx.endpoint, keys::tls::cert_chain_complete, v.complete,
                                 v.complete ? "the certificates sent lead from the leaf to a self-signed root or to an issuer in the --ca-file"
                                            : "the certificates sent stop at a certificate whose issuer was neither sent nor is in the --ca-file"));
  if (v.verified) {
    const std::string detail = "the chain sent (leaf + " + std::to_string(v.sent > 0 ? v.sent - 1 : 0) +
                               " as untrusted intermediates) against " + ctx.options.ca_file + " at scan time";
    out.push_back(make_observation(ctx.endpoint, keys::tls::cert_verified, *v.verified, detail));
    if (!*v.verified) {
      const std::string at = "at depth " + std::to_string(v.error_depth);
      out.push_back(make_observation(ctx.endpoint, keys::tls::cert_verify_error, v.error_code, at, v.error_text));
      out.push_back(make_observation(ctx.endpoint, keys::tls::cert_verify_message, v.error_text, at));
    }
  } else if (v.ca_file_unreadable) {
    out.push_back(make_observation(ctx.endpoint, keys::tls::cert_verify_error, std::string("ca_file_unreadable"),
                                   "no verification: " + ctx.options.ca_file + " could not be loaded"));
  }
  X509_free(x);
}

bool EnumeratedSuites::take(const ServerFlight& flight, std::vector<std::uint16_t>& remaining) {
  const auto picked = flight.server_hello->cipher_suite;
  const auto it = std::find(remaining.begin(), remaining.end(), picked);
  if (it == remaining.end()) return false;
  supported = true;
  accepted.push_back(picked);
  remaining.erase(it);
  if (flight.dh_prime_bits && (!dh_bits || *flight.dh_prime_bits < *dh_bits)) {
    dh_bits = *flight.dh_prime_bits;
    dh_prime = describe_dh_prime(Bytes(flight.dh_prime.data(), flight.dh_prime.size()));
  }
  if (flight.ecdhe_curve) curves.insert(*flight.ecdhe_curve);
  if (chain.empty() && !flight.certificates.empty()) {
    chain = flight.certificates;
    chain_sent = flight.certificate_count;
  }
  secure_renegotiation = secure_renegotiation || flight.server_hello->renegotiation_info;
  extended_master_secret = extended_master_secret || flight.server_hello->extended_master_secret;
  return true;
}

void EnumerationSummary::add(const EnumeratedSuites& r, const std::string& name, bool before_13, bool ems_applies) {
  if (r.dh_bits && (!dh_bits || *r.dh_bits < *dh_bits)) {
    dh_bits = *r.dh_bits;
    dh_prime = r.dh_prime;
  }
  curves.insert(r.curves.begin(), r.curves.end());
  if (chain.empty() && !r.chain.empty()) {
    chain = r.chain;
    chain_sent = r.chain_sent;
    chain_how = "in the " + name + " server flight";
  }
  if (before_13) {
    renegotiation_checked = true;
    secure_renegotiation = secure_renegotiation || r.secure_renegotiation;
  }
  if (ems_applies) {
    ems_checked = true;
    ems = ems && r.extended_master_secret;
    ems_detail += (ems_detail.empty() ? "" : ", ") + name + (r.extended_master_secret ? " yes" : " no");
  }
}

void EnumerationSummary::observations(const Endpoint& ep, std::vector<Observation>& out) const {
  key_exchange_observations(ep, dh_bits, curves, out, dh_prime);
  if (renegotiation_checked)
    out.push_back(make_observation(ep, keys::tls::secure_renegotiation, secure_renegotiation, "RFC 5746 renegotiation_info in the ServerHello"));
  if (ems_checked)
    out.push_back(make_observation(ep, keys::tls::extended_master_secret, ems,
                                   "RFC 7627 extended_master_secret in the ServerHello to hellos offering it: " + ems_detail));
}

void key_exchange_observations(const Endpoint& ep, std::optional<std::uint32_t> dh_bits, const std::set<std::uint16_t>& curves,
                               std::vector<Observation>& out, const std::string& dh_prime) {
  if (dh_bits) out.push_back(make_observation(ep, keys::tls::dh_bits, static_cast<std::int64_t>(*dh_bits), "smallest DHE prime seen"));
  if (dh_bits && !dh_prime.empty())
    out.push_back(make_observation(ep, keys::tls::dh_prime, dh_prime,
                                   "the " + std::to_string(*dh_bits) + "-bit DHE prime of ServerKeyExchange, by name when well known"));
  if (curves.empty()) return;
  std::vector<std::string> names;
  std::int64_t smallest = 0;
  for (auto c : curves) {
    names.push_back(named_group_name(c));
    if (const auto* g = find_named_group(c); g && g->bits > 0) smallest = smallest == 0 ? g->bits : std::min<std::int64_t>(smallest, g->bits);
  }
  out.push_back(make_observation(ep, keys::tls::ecdhe_curves, names, "groups chosen for ECDHE"));
  if (smallest > 0) out.push_back(make_observation(ep, keys::tls::ecdhe_bits, smallest, "smallest ECDHE group"));
}

namespace {

// TLS 1.3 hides the certificate: complete a real handshake to read the chain the server sent
// (SSL_get_peer_cert_chain: on a client, leaf first). No verification here: judge_chain does that.
net::awaitable<std::vector<std::vector<std::uint8_t>>> chain_by_handshake(ProbeContext& ctx) {
  Status st = Status::success;
  auto s = co_await TlsSession::connect(ctx.endpoint, ctx.device.target.name, std::min(ctx.options.connect_timeout, ctx.remaining()),
                                        std::min<std::chrono::milliseconds>(ctx.remaining(), 4000ms), 4096, st, ctx.abort);
  std::vector<std::vector<std::uint8_t>> chain;
  if (!s) co_return chain;
  SSL* ssl = static_cast<SSL*>(s->native_handle());
  auto add = [&](X509* x) {
    unsigned char* buf = nullptr;
    const int n = i2d_X509(x, &buf);
    if (n > 0) chain.emplace_back(buf, buf + n);
    OPENSSL_free(buf);
  };
  if (STACK_OF(X509)* sk = SSL_get_peer_cert_chain(ssl); sk && sk_X509_num(sk) > 0) {
    for (int i = 0; i < sk_X509_num(sk) && chain.size() < kTlsMaxCertificates; ++i) add(sk_X509_value(sk, i));
  } else if (X509* x = SSL_get1_peer_certificate(ssl)) {
    add(x);
    X509_free(x);
  }
  co_return chain;
}

// What two more hellos tell once the versions are known: TLS_FALLBACK_SCSV at the second
// highest version, and DEFLATE at the highest version up to TLS 1.2.
net::awaitable<void> downgrade_and_compression(ProbeContext& ctx, StartTls starttls, const std::vector<VersionResult>& found,
                                               std::vector<Observation>& out) {
  std::vector<const VersionResult*> tls;  // SSLv3 and later, lowest first
  for (const auto& r : found)
    if (r.supported && r.version != TlsVersion::sslv2 && !r.accepted.empty()) tls.push_back(&r);
  auto excerpt = [](const std::vector<std::uint8_t>& raw) {
    return std::string(raw.begin(), raw.begin() + static_cast<std::ptrdiff_t>(std::min<std::size_t>(raw.size(), 96)));
  };
  if (tls.size() >= 2 && ctx.remaining() > 500ms) {
    const auto& lower = *tls[tls.size() - 2];
    auto spec = spec_for(ctx, lower.version, lower.accepted);
    spec.fallback_scsv = true;
    const auto ch = build_client_hello(spec);
    const auto ex = co_await hello(ctx, starttls, ch.bytes);
    const auto answer = ex ? tls_fallback_answer(ex->flight, static_cast<std::uint16_t>(lower.version)) : TlsFallbackAnswer::other;
    if (answer != TlsFallbackAnswer::other)
      out.push_back(make_observation(ctx.endpoint, keys::tls::fallback_scsv, answer == TlsFallbackAnswer::refused,
                                     to_string(lower.version) + " hello with TLS_FALLBACK_SCSV: " +
                                         (answer == TlsFallbackAnswer::refused ? "inappropriate_fallback alert" : "ServerHello"),
                                     excerpt(ex->raw)));
  }
  const VersionResult* legacy = nullptr;  // highest <= TLS 1.2
  for (const auto* r : tls)
    if (r->version != TlsVersion::tls1_3) legacy = r;
  if (legacy && ctx.remaining() > 500ms) {
    auto spec = spec_for(ctx, legacy->version, legacy->accepted);
    spec.deflate = true;
    const auto ch = build_client_hello(spec);
    const auto ex = co_await hello(ctx, starttls, ch.bytes);
    if (ex && ex->flight.server_hello && ex->flight.negotiated_version == static_cast<std::uint16_t>(legacy->version)) {
      const bool deflate = tls_compression_accepted(ex->flight);
      out.push_back(make_observation(ctx.endpoint, keys::tls::compression, deflate,
                                     to_string(legacy->version) + " hello offering DEFLATE and null: ServerHello chose " +
                                         (deflate ? "DEFLATE (CRIME)" : "null"),
                                     excerpt(ex->raw)));
    }
  }
}

// ---- what a server accepts of a list: groups, signature algorithms ---------------------------

constexpr int kMaxListHellos = 12;

// Groups a TLS 1.3 server may name in its key_share or HelloRetryRequest: the curves of RFC 8446
// §4.2.7, FFDHE (RFC 7919), the hybrid ML-KEM groups and the TLS 1.3 brainpool curves (RFC 8734).
constexpr std::uint16_t kTls13Groups[] = {0x001d, 0x0017, 0x0018, 0x0019, 0x001e, 0x0100, 0x0101, 0x0102,
                                          0x0103, 0x0104, 0x11ec, 0x11eb, 0x11ed, 0x001f, 0x0020, 0x0021};

struct ListResult {
  std::vector<std::uint16_t> accepted;  // in the order the server chose them
  int hellos = 0;
  std::string end = "the budget ran out";  // why the list ends here (evidence)
};

// Offers `base` with `field` set to the candidates not yet chosen, records the one the server's
// flight names (`chosen`), removes it, repeats until the server refuses, names something not
// offered, or kMaxListHellos hellos were sent. `keep`, once chosen, stays offered last (the
// curve of an ECDSA certificate, without which a TLS <= 1.2 server must refuse); the server
// choosing it again ends the list.
template <class Chosen>
net::awaitable<ListResult> accepted_of_list(ProbeContext& ctx, StartTls starttls, ClientHelloSpec base,
                                            std::vector<std::uint16_t> ClientHelloSpec::*field,
                                            std::vector<std::uint16_t> remaining, Chosen chosen,
                                            std::optional<std::uint16_t> keep = std::nullopt) {
  ListResult r;
  const auto version = static_cast<std::uint16_t>(base.version);
  while (!remaining.empty() && ctx.remaining() > 500ms) {
    if (r.hellos == kMaxListHellos) {
      r.end = "stopped at " + std::to_string(kMaxListHellos) + " hellos";
      co_return r;
    }
    base.*field = remaining;
    const bool kept = keep && std::find(r.accepted.begin(), r.accepted.end(), *keep) != r.accepted.end();
    if (kept) (base.*field).push_back(*keep);
    const auto ch = build_client_hello(base);
    ++r.hellos;
    const auto ex = co_await hello(ctx, starttls, ch.bytes);
    if (!ex || !ex->flight.server_hello) {
      r.end = "the last, offering the rest, was refused";
      co_return r;
    }
    if (ex->flight.negotiated_version != version) {
      r.end = "the last was answered at another version";
      co_return r;
    }
    const std::optional<std::uint16_t> pick = chosen(ex->flight);
    const auto it = pick ? std::find(remaining.begin(), remaining.end(), *pick) : remaining.end();
    if (it == remaining.end()) {
      r.end = kept && pick == keep ? "the last, offering the rest and the certificate's curve again, chose that curve"
                                   : "the last chose nothing that was offered";
      co_return r;
    }
    r.accepted.push_back(*pick);
    remaining.erase(it);
  }
  if (remaining.empty()) r.end = "every candidate was chosen";
  co_return r;
}

// The accepted suites of `r` whose key exchange is `kex` with a server signature (not anon, not PSK).
std::vector<std::uint16_t> signed_suites(const VersionResult& r, std::initializer_list<TlsKex> kex) {
  std::vector<std::uint16_t> out;
  for (const auto code : r.accepted)
    if (const auto* s = find_suite(code);
        s && std::find(kex.begin(), kex.end(), s->kex) != kex.end() &&
        (s->auth == TlsAuth::rsa || s->auth == TlsAuth::dss || s->auth == TlsAuth::ecdsa))
      out.push_back(code);
  return out;
}

std::string list_evidence(const ListResult& r, const std::string& what) {
  return std::to_string(r.hellos) + (r.hellos == 1 ? " hello" : " hellos") + ", each offering the " + what +
         " not yet chosen; " + r.end;
}

// Groups at TLS 1.3 (key_share / HelloRetryRequest) and at the highest version <= 1.2 with an
// ECDHE suite (ServerKeyExchange curve); signature algorithms of the TLS 1.2 ServerKeyExchange
// (TLS 1.3 signs inside the encrypted flight: not observable without a full handshake).
net::awaitable<void> groups_and_sigalgs(ProbeContext& ctx, StartTls starttls, const std::vector<VersionResult>& found,
                                        std::vector<Observation>& out) {
  const VersionResult* tls13 = nullptr;
  const VersionResult* ecdhe = nullptr;  // highest <= 1.2 with a signed ECDHE suite
  const VersionResult* tls12 = nullptr;
  for (const auto& r : found) {
    if (!r.supported || r.accepted.empty()) continue;
    if (r.version == TlsVersion::tls1_3) tls13 = &r;
    if (r.version == TlsVersion::tls1_2 && !signed_suites(r, {TlsKex::ecdhe, TlsKex::dhe}).empty()) tls12 = &r;
    if (r.version != TlsVersion::tls1_3 && r.version != TlsVersion::sslv3 && !signed_suites(r, {TlsKex::ecdhe}).empty()) ecdhe = &r;
  }
  std::array<ListResult, 3> results;
  std::array<std::string, 3> versions;
  auto task = [&](std::size_t i) -> net::awaitable<void> {
    if (i == 0 && tls13) {
      auto spec = spec_for(ctx, TlsVersion::tls1_3, tls13->accepted);
      versions[i] = to_string(TlsVersion::tls1_3);
      results[i] = co_await accepted_of_list(ctx, starttls, spec, &ClientHelloSpec::supported_groups,
                                             {std::begin(kTls13Groups), std::end(kTls13Groups)},
                                             [](const ServerFlight& f) { return f.server_hello->key_share_group; });
    } else if (i == 1 && ecdhe) {
      auto spec = spec_for(ctx, ecdhe->version, signed_suites(*ecdhe, {TlsKex::ecdhe}));
      versions[i] = to_string(ecdhe->version);
      const auto cert_curve = ecdhe->chain.empty() ? std::nullopt : certificate_key(ecdhe->chain.front()).ec_group;
      results[i] = co_await accepted_of_list(ctx, starttls, spec, &ClientHelloSpec::supported_groups,
                                             {std::begin(kTlsAllCurves), std::end(kTlsAllCurves)},
                                             [](const ServerFlight& f) { return f.ecdhe_curve; }, cert_curve);
    } else if (i == 2 && tls12) {
      auto spec = spec_for(ctx, TlsVersion::tls1_2, signed_suites(*tls12, {TlsKex::ecdhe, TlsKex::dhe}));
      versions[i] = to_string(TlsVersion::tls1_2);
      results[i] = co_await accepted_of_list(ctx, starttls, spec, &ClientHelloSpec::signature_algorithms,
                                             {std::begin(kTlsDefaultSigalgs), std::end(kTlsDefaultSigalgs)},
                                             [](const ServerFlight& f) { return f.ske_signature_algorithm; });
    }
  };
  co_await run_bounded(results.size(), ctx.options.per_device, task);
  for (std::size_t i = 0; i < 2; ++i) {
    if (results[i].accepted.empty()) continue;
    std::vector<std::string> names;
    for (const auto g : results[i].accepted) names.push_back(named_group_name(g));
    out.push_back(make_observation(ctx.endpoint, keys::tls::groups_at.with(versions[i]), names,
                                   versions[i] + (i == 0 ? " hellos (the group named in key_share or HelloRetryRequest): "
                                                         : " hellos with ECDHE suites only (the curve of ServerKeyExchange): ") +
                                       list_evidence(results[i], "groups")));
  }
  if (!results[2].accepted.empty()) {
    std::vector<std::string> names;
    for (const auto a : results[2].accepted) names.push_back(signature_scheme_name(a));
    out.push_back(make_observation(ctx.endpoint, keys::tls::signature_algorithms, names,
                                   "TLSv1.2 hellos with (EC)DHE suites only (the algorithm that signed ServerKeyExchange): " +
                                       list_evidence(results[2], "signature algorithms")));
  }
}

// The intrusive probes (tls_vuln_analyzer.hpp) at the highest version up to TLS 1.2 with the
// suites accepted there; each on connections of its own, behind STARTTLS too.
net::awaitable<void> intrusive_probes(ProbeContext& ctx, StartTls starttls, const std::vector<VersionResult>& found,
                                      std::vector<Observation>& out) {
  const VersionResult* legacy = nullptr;
  for (const auto& r : found)
    if (r.supported && r.version != TlsVersion::sslv2 && r.version != TlsVersion::tls1_3 && !r.accepted.empty()) legacy = &r;
  if (!legacy) co_return;
  TlsVulnTarget target;
  target.version = legacy->version;
  target.hello = spec_for(ctx, legacy->version, legacy->accepted);
  for (const auto code : legacy->accepted)
    if (const auto* suite = find_suite(code); suite && suite->kex == TlsKex::rsa && !suite->export_grade)
      target.rsa_suites.push_back(code);
  auto connect = [&ctx, starttls](std::size_t cap) -> net::awaitable<std::optional<TcpSession>> {
    Status st = Status::success;
    auto s = co_await TcpSession::connect(ctx.endpoint, std::min(ctx.options.connect_timeout, ctx.remaining()),
                                          std::min<std::chrono::milliseconds>(ctx.remaining(), 8000ms), cap, st, ctx.abort);
    if (s && starttls == StartTls::ftp && !co_await ftp_auth_tls(*s)) co_return std::nullopt;
    co_return s;
  };
  co_await analyze_tls_vulns(ctx, target, connect, out);
}

}  // namespace

net::awaitable<void> analyze_tls(ProbeContext& ctx, std::vector<Observation>& out, StartTls starttls) {
  static constexpr TlsVersion kVersions[] = {TlsVersion::sslv2,  TlsVersion::sslv3,  TlsVersion::tls1_0,
                                             TlsVersion::tls1_1, TlsVersion::tls1_2, TlsVersion::tls1_3};
  // Every version on its own connections, at most --per-device of them at once (the limit a
  // fragile device was given); hellos within one version stay sequential.
  std::vector<VersionResult> found(std::size(kVersions));
  auto version_task = [&](std::size_t i) {
    if (kVersions[i] == TlsVersion::sslv2) return sslv2_supported(ctx, starttls, found[i]);
    return enumerate(ctx, starttls, kVersions[i], found[i]);
  };
  co_await run_bounded(found.size(), ctx.options.per_device, version_task);

  std::vector<std::string> versions;
  std::vector<std::string> weak;
  EnumerationSummary sum;
  bool forward_secret = false, any_suite = false;
  for (const auto& r : found) {
    if (!r.supported) continue;
    const std::string name = to_string(r.version);
    versions.push_back(name);
    if (r.version == TlsVersion::sslv2) continue;
    std::vector<std::string> names;
    for (const auto code : r.accepted) {
      names.push_back(suite_name(code));
      any_suite = true;
      if (const auto* suite = find_suite(code)) {
        if (suite->forward_secret) forward_secret = true;
        if (weak_suite(*suite)) weak.push_back(name + " " + suite_name(code) + " (" + weak_reason(*suite) + ")");
      }
    }
    out.push_back(make_observation(ctx.endpoint, keys::tls::ciphers_at.with(name), names,
                                   "suites the server accepted at " + name));
    if (r.order != TlsCipherOrder::unknown)
      out.push_back(make_observation(ctx.endpoint, keys::tls::cipher_order_at.with(name), std::string(to_string(r.order)),
                                     "the accepted suites offered in the order found and reversed"));
    if (r.preferred)
      out.push_back(make_observation(ctx.endpoint, keys::tls::preferred_at.with(name), suite_name(*r.preferred),
                                     r.accepted.size() == 1 ? "the only suite accepted" : "chosen whatever the client's order"));
    // EMS at every version TLS 1.0-1.2 (SSLv3 has no extensions to carry it).
    sum.add(r, name, r.version != TlsVersion::tls1_3,
            r.version != TlsVersion::tls1_3 && r.version != TlsVersion::sslv3 && !r.accepted.empty());
  }
  out.push_back(make_observation(ctx.endpoint, keys::tls::versions, versions, "versions that completed a ServerHello"));
  if (versions.empty()) co_return;
  out.push_back(make_observation(ctx.endpoint, keys::tls::weak_ciphers, weak,
                                 "accepted suites that are NULL, EXPORT, anon, RC4, DES/3DES, IDEA, RC2 or MD5"));
  if (any_suite) out.push_back(make_observation(ctx.endpoint, keys::tls::forward_secrecy, forward_secret,
                                                "an (EC)DHE suite was accepted"));
  sum.observations(ctx.endpoint, out);
  co_await downgrade_and_compression(ctx, starttls, found, out);
  co_await intrusive_probes(ctx, starttls, found, out);
  // TLS 1.3 hides the certificate: a real handshake reads it (not behind STARTTLS).
  if (sum.chain.empty() && starttls == StartTls::none) {
    sum.chain = co_await chain_by_handshake(ctx);
    sum.chain_sent = sum.chain.size();
    sum.chain_how = "in a TLS handshake";
  }
  if (!sum.chain.empty()) certificate_observations(ctx, sum.chain, sum.chain_sent, sum.chain_how, out);
  // Last: what is left of the budget after the facts the checks judge.
  co_await groups_and_sigalgs(ctx, starttls, found, out);
}

// AUTH TLS on a connection of its own, then the analysis.
net::awaitable<void> ftps_analysis(ProbeContext& ctx, const ProbeHandoff&, std::vector<Observation>& out) {
  ProbeOptions options = ctx.options;
  options.per_device = options.per_device > 1 ? options.per_device - 1 : 1;
  ProbeContext analysis{ctx.device, ctx.endpoint, ctx.id, {}, options,
                        SteadyClock::now() + std::max<std::chrono::milliseconds>(ctx.options.endpoint_budget, 20s), false};
  Status st = Status::success;
  auto s = co_await TcpSession::connect(ctx.endpoint, std::min(ctx.options.connect_timeout, analysis.remaining()),
                                        std::min<std::chrono::milliseconds>(analysis.remaining(), 4000ms), 4096, st, analysis.abort);
  if (!s) co_return;
  std::string reply;
  if (!co_await ftp_auth_tls(*s, &reply)) co_return;
  s.reset();
  out.push_back(make_observation(ctx.endpoint, keys::tls::starttls, std::string("ftp"), "explicit FTPS (RFC 4217)",
                                 "AUTH TLS -> " + reply));
  co_await analyze_tls(analysis, out, StartTls::ftp);
}

}  // namespace trustscan
