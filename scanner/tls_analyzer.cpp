// trustscan — the TLS analyzer: protocol versions and cipher suites by hand-built ClientHellos
// (the system OpenSSL cannot offer SSLv3, RC4, 3DES or export suites: TOOLCHAIN.md §3), and the
// certificate through an OpenSSL handshake.
//
// Enumeration, per version: offer the suites not yet accepted (at most 128 per hello: some
// stacks choke on long hellos), record the one the server picks, remove it, repeat until the
// server refuses. Every hello is one short connection under the probe's deadline and byte cap.
#include "tls_analyzer.hpp"

#include "probe_util.hpp"
#include "tls.hpp"
#include "tls_suites.hpp"

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

// One ClientHello, one server flight. nullopt when nothing usable came back.
net::awaitable<std::optional<ServerFlight>> hello(ProbeContext& ctx, const std::vector<std::uint8_t>& bytes) {
  Status st = Status::success;
  auto s = co_await TcpSession::connect(ctx.endpoint, std::min(ctx.options.connect_timeout, ctx.remaining()),
                                        std::min<std::chrono::milliseconds>(ctx.remaining(), 4000ms), 80 * 1024, st);
  if (!s) co_return std::nullopt;
  if ((co_await s->send(bytes)).status != Status::success) co_return std::nullopt;
  std::vector<std::uint8_t> buf;
  ServerFlight flight;
  std::size_t consumed = 0;
  auto [state, rst] = co_await receive_until(*s, buf, [&](Bytes b) { return parse_server_hello_flight(b, flight, consumed); });
  // A server that accepted the suite but ended the flight early still told us its choice.
  if (state == Parse::done || flight.server_hello) co_return flight;
  co_return std::nullopt;
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

struct VersionResult {
  TlsVersion version;
  std::vector<std::uint16_t> accepted;
  std::optional<std::uint32_t> dh_bits;  // smallest seen
  std::set<std::uint16_t> curves;
  std::vector<std::uint8_t> certificate;  // leaf, DER (TLS <= 1.2)
  bool secure_renegotiation = false;
};

net::awaitable<std::optional<VersionResult>> enumerate(ProbeContext& ctx, TlsVersion v) {
  VersionResult r{v, {}, {}, {}, {}, false};
  std::vector<std::uint16_t> remaining = tls_candidate_suites(v);
  bool supported = false;
  for (int round = 0; round < kMaxHellosPerVersion && !remaining.empty() && ctx.remaining() > 500ms; ++round) {
    const auto ch = build_client_hello(spec_for(ctx, v, remaining));
    const auto flight = co_await hello(ctx, ch.bytes);
    if (!flight || !flight->server_hello || flight->negotiated_version != static_cast<std::uint16_t>(v)) {
      // Refused, or answered with another version. If a later chunk was never offered, try it.
      if (ch.offered_suites.size() < remaining.size()) {
        remaining.erase(remaining.begin(), remaining.begin() + static_cast<std::ptrdiff_t>(ch.offered_suites.size()));
        continue;
      }
      break;
    }
    const auto picked = flight->server_hello->cipher_suite;
    const auto it = std::find(remaining.begin(), remaining.end(), picked);
    if (it == remaining.end()) break;  // picked something we did not offer: stop, don't loop
    supported = true;
    r.accepted.push_back(picked);
    remaining.erase(it);
    if (flight->dh_prime_bits) r.dh_bits = r.dh_bits ? std::min(*r.dh_bits, *flight->dh_prime_bits) : *flight->dh_prime_bits;
    if (flight->ecdhe_curve) r.curves.insert(*flight->ecdhe_curve);
    if (r.certificate.empty() && !flight->certificates.empty()) r.certificate = flight->certificates.front();
    r.secure_renegotiation = r.secure_renegotiation || flight->server_hello->renegotiation_info;
  }
  if (!supported) co_return std::nullopt;
  co_return r;
}

net::awaitable<bool> sslv2_supported(ProbeContext& ctx) {
  std::array<std::uint8_t, 16> challenge{};
  for (std::size_t i = 0; i < challenge.size(); ++i) challenge[i] = static_cast<std::uint8_t>(0x30 + i);
  const auto specs = sslv2_default_cipher_specs();
  const auto bytes = build_sslv2_client_hello(specs, challenge);
  const auto flight = co_await hello(ctx, bytes);
  co_return flight && flight->sslv2.has_value();
}

std::string asn1_time(const ASN1_TIME* t) {
  std::tm tm{};
  if (!t || ASN1_TIME_to_tm(t, &tm) != 1) return {};
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

void certificate_observations(ProbeContext& ctx, const std::vector<std::uint8_t>& der, std::vector<Observation>& out) {
  const unsigned char* p = der.data();
  X509* x = d2i_X509(nullptr, &p, static_cast<long>(der.size()));
  if (!x) return;
  auto obs = [&](const char* key, Value v) { out.push_back(make_observation(ctx.endpoint, key, std::move(v), "server certificate")); };
  char name[512];
  X509_NAME_oneline(X509_get_subject_name(x), name, sizeof name);
  obs("tls.cert.subject", std::string(name));
  X509_NAME_oneline(X509_get_issuer_name(x), name, sizeof name);
  obs("tls.cert.issuer", std::string(name));
  obs("tls.cert.not_before", asn1_time(X509_get0_notBefore(x)));
  obs("tls.cert.not_after", asn1_time(X509_get0_notAfter(x)));
  obs("tls.cert.expired", X509_cmp_current_time(X509_get0_notAfter(x)) < 0);
  obs("tls.cert.not_yet_valid", X509_cmp_current_time(X509_get0_notBefore(x)) > 0);
  obs("tls.cert.self_signed", X509_NAME_cmp(X509_get_subject_name(x), X509_get_issuer_name(x)) == 0 ||
                                 X509_check_issued(x, x) == X509_V_OK);
  const int sig_nid = X509_get_signature_nid(x);
  obs("tls.cert.signature", std::string(OBJ_nid2ln(sig_nid)));
  if (EVP_PKEY* key = X509_get0_pubkey(x)) {
    const int id = EVP_PKEY_get_base_id(key);
    obs("tls.cert.key_type", std::string(id == EVP_PKEY_RSA ? "RSA" : id == EVP_PKEY_EC ? "EC" : id == EVP_PKEY_DSA ? "DSA" : OBJ_nid2sn(id)));
    obs("tls.cert.key_bits", static_cast<std::int64_t>(EVP_PKEY_get_bits(key)));
  }
  // Hostname / address match, for the name or address the user scanned.
  const std::string host = ctx.device.target.name.empty() ? ctx.endpoint.address.to_string() : ctx.device.target.name;
  const bool match = Address::parse(host) ? X509_check_ip_asc(x, host.c_str(), 0) == 1
                                          : X509_check_host(x, host.c_str(), host.size(), 0, nullptr) == 1;
  obs("tls.cert.name_match", match);
  if (!ctx.options.ca_file.empty()) {
    X509_STORE* store = X509_STORE_new();
    X509_STORE_CTX* sctx = X509_STORE_CTX_new();
    bool ok = false;
    if (store && sctx && X509_STORE_load_file(store, ctx.options.ca_file.c_str()) == 1 &&
        X509_STORE_CTX_init(sctx, store, x, nullptr) == 1)
      ok = X509_verify_cert(sctx) == 1;
    X509_STORE_CTX_free(sctx);
    X509_STORE_free(store);
    obs("tls.cert.verified", ok);
  }
  X509_free(x);
}

// TLS 1.3 hides the certificate: complete a real handshake to read it.
net::awaitable<std::vector<std::uint8_t>> certificate_by_handshake(ProbeContext& ctx) {
  Status st = Status::success;
  auto s = co_await TlsSession::connect(ctx.endpoint, ctx.device.target.name, std::min(ctx.options.connect_timeout, ctx.remaining()),
                                        std::min<std::chrono::milliseconds>(ctx.remaining(), 4000ms), 4096, st);
  std::vector<std::uint8_t> der;
  if (!s) co_return der;
  X509* x = SSL_get1_peer_certificate(static_cast<SSL*>(s->native_handle()));
  if (!x) co_return der;
  unsigned char* buf = nullptr;
  const int n = i2d_X509(x, &buf);
  if (n > 0) der.assign(buf, buf + n);
  OPENSSL_free(buf);
  X509_free(x);
  co_return der;
}

}  // namespace

net::awaitable<void> analyze_tls(ProbeContext& ctx, std::vector<Observation>& out) {
  std::vector<std::string> versions;
  std::vector<std::string> weak;
  std::vector<std::string> suites_all;
  std::optional<std::uint32_t> dh_bits;
  std::set<std::uint16_t> curves;
  std::vector<std::uint8_t> certificate;
  bool forward_secret = false, any_suite = false, secure_reneg = false, legacy_checked = false;

  if (co_await sslv2_supported(ctx)) versions.push_back("SSLv2");
  for (const auto v : {TlsVersion::sslv3, TlsVersion::tls1_0, TlsVersion::tls1_1, TlsVersion::tls1_2, TlsVersion::tls1_3}) {
    const auto r = co_await enumerate(ctx, v);
    if (!r) continue;
    const std::string name = to_string(v);
    versions.push_back(name);
    std::vector<std::string> names;
    for (const auto code : r->accepted) {
      names.push_back(suite_name(code));
      any_suite = true;
      if (const auto* suite = find_suite(code)) {
        if (suite->forward_secret) forward_secret = true;
        if (weak_suite(*suite)) weak.push_back(name + " " + suite_name(code) + " (" + weak_reason(*suite) + ")");
      }
      const std::string tagged = name + " " + suite_name(code);
      suites_all.push_back(tagged);
    }
    out.push_back(make_observation(ctx.endpoint, "tls.ciphers." + name, names, "suites the server accepted at " + name));
    if (r->dh_bits) dh_bits = dh_bits ? std::min(*dh_bits, *r->dh_bits) : *r->dh_bits;
    curves.insert(r->curves.begin(), r->curves.end());
    if (certificate.empty()) certificate = r->certificate;
    if (v != TlsVersion::tls1_3) {
      legacy_checked = true;
      secure_reneg = secure_reneg || r->secure_renegotiation;
    }
  }
  out.push_back(make_observation(ctx.endpoint, "tls.versions", versions, "versions that completed a ServerHello"));
  if (versions.empty()) co_return;
  out.push_back(make_observation(ctx.endpoint, "tls.weak_ciphers", weak, "accepted suites that are NULL, EXPORT, anon, RC4, DES/3DES, IDEA, RC2 or MD5"));
  if (any_suite) out.push_back(make_observation(ctx.endpoint, "tls.forward_secrecy", forward_secret, "an (EC)DHE suite was accepted"));
  if (dh_bits) out.push_back(make_observation(ctx.endpoint, "tls.dh_bits", static_cast<std::int64_t>(*dh_bits), "smallest DHE prime seen"));
  if (!curves.empty()) {
    std::vector<std::string> names;
    std::int64_t smallest = 0;
    for (auto c : curves) {
      names.push_back(named_group_name(c));
      if (const auto* g = find_named_group(c); g && g->bits > 0) smallest = smallest == 0 ? g->bits : std::min<std::int64_t>(smallest, g->bits);
    }
    out.push_back(make_observation(ctx.endpoint, "tls.ecdhe_curves", names, "groups chosen for ECDHE"));
    if (smallest > 0) out.push_back(make_observation(ctx.endpoint, "tls.ecdhe_bits", smallest, "smallest ECDHE group"));
  }
  if (legacy_checked) out.push_back(make_observation(ctx.endpoint, "tls.secure_renegotiation", secure_reneg, "RFC 5746 renegotiation_info in the ServerHello"));
  if (certificate.empty()) certificate = co_await certificate_by_handshake(ctx);
  if (!certificate.empty()) certificate_observations(ctx, certificate, out);
}

}  // namespace trustscan
