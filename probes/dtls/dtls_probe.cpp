// trustscan — DTLS probe (CoAPS, LwM2M): versions, cipher suites, authentication mode and
// certificate of a DTLS server over UDP, by hand-built ClientHellos (probes/dtls/dtls.hpp).
//
// Each hello is one short exchange on a UDP socket of its own: the hello, a HelloVerifyRequest
// and the hello again with its cookie (RFC 6347 §4.2.1), then the server's flight, read until
// ServerHelloDone or an alert. A hello with no complete answer is sent again after 1 s, then 2 s
// (RFC 6347 §4.2.4.1 timers), at most three times, never past the probe's deadline; each socket
// reads at most kDtlsMaxReply bytes. The probe leaves every handshake it started with a fatal
// user_canceled alert, so the server forgets it at once instead of retransmitting.
//
// Enumeration per version (DTLS 1.2, then 1.0), as the TLS analyzer does it: offer the suites not
// yet accepted (at most 128 per hello), record the one the server picks, remove it, repeat until
// the server refuses (the bookkeeping of each ServerHello is the TLS analyzer's: EnumeratedSuites,
// EnumerationSummary in tls_analyzer.hpp). One hello offering supported_versions {DTLS 1.3}
// detects 1.3. Then, as for TLS, a hello at the second highest version with TLS_FALLBACK_SCSV
// (RFC 7507 names DTLS 1.0 and 1.2) and one offering DEFLATE (CRIME). One hello
// offering only raw public keys (RFC 7250) with the accepted certificate suites tells whether
// the server has one. Versions, suites, key exchange and the certificate go under the tls.*
// keys with DTLS version names, through the TLS analyzer's certificate analysis, so the tls.*
// checks judge them under the crypto policy; dtls.* keys hold the rest.
//
// Registered in scanner/pipeline/probe_registry.cpp; observations it records: docs/observations.md.
#include "probes/dtls/dtls.hpp"
#include "probes/dtls/dtls_keys.hpp"
#include "probes/tls/tls_analyzer.hpp"
#include "probes/tls/tls_chain.hpp"
#include "probes/tls/tls_keys.hpp"
#include "probes/tls/tls_suites.hpp"
#include "scanner/engine/session.hpp"
#include "scanner/pipeline/probe_util.hpp"
#include "scanner/pipeline/protocol_probes.hpp"

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <algorithm>
#include <set>

namespace trustscan {

namespace {

using namespace std::chrono_literals;

constexpr std::size_t kDtlsSuitesPerHello = 128;
constexpr int kDtlsMaxHellosPerVersion = 48;
constexpr std::size_t kDtlsMaxReply = 64 * 1024;
constexpr auto kDtlsFirstTimer = 1000ms;
constexpr int kDtlsSends = 3;
constexpr std::uint8_t kDtlsAlertUserCanceled = 90;

struct DtlsExchange {
  DtlsFlight flight;
  bool cookie = false;  // a HelloVerifyRequest came first
};

// Sends `hello` and reads the answer into `buf` until the flight parser is done; sends it again
// when the timer runs out (1 s, then 2 s). need_more when nothing complete came.
net::awaitable<Parse> dtls_round(ProbeContext& ctx, UdpSession& s, const std::vector<std::uint8_t>& hello,
                                 std::vector<std::uint8_t>& buf, DtlsFlight& flight) {
  auto timer = kDtlsFirstTimer;
  for (int send = 0; send < kDtlsSends && ctx.remaining() > 0ms; ++send, timer *= 2) {
    if ((co_await s.send(hello)).status != Status::success) co_return Parse::need_more;
    const auto until = SteadyClock::now() + timer;
    for (;;) {
      const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(until - SteadyClock::now());
      if (wait <= 0ms) break;
      const auto r = co_await s.receive_for(buf, wait);
      if (r.status == Status::io_timeout) break;
      if (r.status != Status::success) co_return Parse::need_more;  // port unreachable, byte cap
      const auto state = parse_dtls_flight(Bytes(buf), flight);
      if (state != Parse::need_more) co_return state;
    }
  }
  co_return Parse::need_more;
}

// One hello (and its repetition with the cookie); nullopt when no ServerHello or alert came.
net::awaitable<std::optional<DtlsExchange>> dtls_hello(ProbeContext& ctx, DtlsHelloSpec spec) {
  Status st = Status::success;
  const auto executor = co_await net::this_coro::executor;
  auto s = UdpSession::open(executor, ctx.endpoint, std::min<std::chrono::milliseconds>(ctx.remaining(), 8000ms), kDtlsMaxReply, st,
                            ctx.abort);
  if (!s) co_return std::nullopt;
  DtlsExchange ex;
  std::vector<std::uint8_t> buf;
  spec.cookie.clear();
  spec.message_seq = 0;
  spec.record_sequence = 0;
  auto state = co_await dtls_round(ctx, *s, build_dtls_client_hello(spec).bytes, buf, ex.flight);
  if (state == Parse::done && ex.flight.cookie) {
    ex.cookie = true;
    spec.cookie = *ex.flight.cookie;
    spec.message_seq = 1;
    spec.record_sequence = 1;
    buf.clear();
    ex.flight = DtlsFlight{};
    state = co_await dtls_round(ctx, *s, build_dtls_client_hello(spec).bytes, buf, ex.flight);
    if (ex.flight.cookie) co_return std::nullopt;  // a second HelloVerifyRequest: the cookie was refused
  }
  // Leave: a server that answered holds (or may hold) a handshake for us.
  if ((ex.cookie || ex.flight.tls.server_hello) && !ex.flight.tls.alert)
    co_await s->send(build_dtls_alert(2, kDtlsAlertUserCanceled, spec.record_sequence + 1));
  if (state == Parse::invalid && !ex.flight.tls.server_hello) co_return std::nullopt;
  if (!ex.flight.tls.server_hello && !ex.flight.tls.alert) co_return std::nullopt;
  co_return ex;
}

DtlsHelloSpec dtls_spec(const ProbeContext& ctx, std::uint16_t version, std::vector<std::uint16_t> suites) {
  DtlsHelloSpec spec;
  spec.version = version;
  spec.tls.cipher_suites = std::move(suites);
  spec.tls.max_suites = kDtlsSuitesPerHello;
  for (std::size_t i = 0; i < spec.tls.random.size(); ++i) spec.tls.random[i] = static_cast<std::uint8_t>(0x64 + i);
  spec.tls.server_name = ctx.device.target.name;
  for (std::size_t i = 0; i < spec.tls.x25519_key_share.size(); ++i) spec.tls.x25519_key_share[i] = static_cast<std::uint8_t>(9 + i);
  return spec;
}

// The suites a DTLS server may choose: those of the TLS version it is built on, without RC4
// (stream ciphers are forbidden in DTLS, RFC 6347 §4.1.2.2).
std::vector<std::uint16_t> dtls_candidate_suites(std::uint16_t version) {
  std::vector<std::uint16_t> out;
  for (const auto code : tls_candidate_suites(*dtls_tls_equivalent(version)))
    if (const auto* s = find_suite(code); s && !s->rc4) out.push_back(code);
  return out;
}

struct DtlsVersionResult : EnumeratedSuites {
  std::uint16_t version = kDtls12;
  bool cookie = false;
  bool answered = false;      // any ServerHello or alert at all
  std::string refusal;        // the alert that ended the enumeration
};

net::awaitable<void> dtls_enumerate(ProbeContext& ctx, std::uint16_t v, DtlsVersionResult& r) {
  r = DtlsVersionResult{};
  r.version = v;
  auto remaining = v == kDtls13 ? tls_candidate_suites(TlsVersion::tls1_3) : dtls_candidate_suites(v);
  for (int round = 0; round < kDtlsMaxHellosPerVersion && !remaining.empty() && ctx.remaining() > 500ms; ++round) {
    const auto spec = dtls_spec(ctx, v, remaining);
    const auto offered = build_dtls_client_hello(spec).offered_suites.size();
    const auto ex = co_await dtls_hello(ctx, spec);
    if (ex) {
      r.answered = true;
      r.cookie = r.cookie || ex->cookie;
    }
    if (!ex || !ex->flight.tls.server_hello || ex->flight.version != v) {
      if (ex && ex->flight.tls.alert) r.refusal = ex->flight.tls.alert->name();
      if (offered < remaining.size()) {
        remaining.erase(remaining.begin(), remaining.begin() + static_cast<std::ptrdiff_t>(offered));
        continue;
      }
      break;
    }
    // A DTLS 1.3 ServerHello is detection only: the rest is encrypted (no chain, key exchange or
    // ≤ 1.2 extensions to keep).
    if (!r.take(ex->flight.tls, remaining) || v == kDtls13) break;
  }
}

// What two more hellos tell once the versions are known, as the TLS analyzer does it: the second
// highest version with TLS_FALLBACK_SCSV (RFC 7507 §1 covers DTLS 1.0 and 1.2), and DEFLATE at
// the highest version up to DTLS 1.2 (CRIME: DTLS may compress as TLS does).
net::awaitable<void> dtls_downgrade_and_compression(ProbeContext& ctx, const std::vector<DtlsVersionResult>& found,
                                                    std::vector<Observation>& out) {
  std::vector<const DtlsVersionResult*> up;  // supported, lowest first
  for (const auto v : {kDtls10, kDtls12, kDtls13})
    for (const auto& r : found)
      if (r.version == v && r.supported && !r.accepted.empty()) up.push_back(&r);
  if (up.size() >= 2 && up[up.size() - 2]->version != kDtls13 && ctx.remaining() > 500ms) {
    const auto& lower = *up[up.size() - 2];
    auto spec = dtls_spec(ctx, lower.version, lower.accepted);
    spec.tls.fallback_scsv = true;
    const auto ex = co_await dtls_hello(ctx, spec);
    // The flight's versions are the TLS ones DTLS is built on (parse_dtls_flight).
    const auto offered = static_cast<std::uint16_t>(*dtls_tls_equivalent(lower.version));
    const auto answer = ex ? tls_fallback_answer(ex->flight.tls, offered) : TlsFallbackAnswer::other;
    if (answer != TlsFallbackAnswer::other)
      out.push_back(make_observation(ctx.endpoint, keys::tls::fallback_scsv, answer == TlsFallbackAnswer::refused,
                                     dtls_version_name(lower.version) + " hello with TLS_FALLBACK_SCSV: " +
                                         (answer == TlsFallbackAnswer::refused ? "inappropriate_fallback alert" : "ServerHello")));
  }
  const DtlsVersionResult* legacy = nullptr;  // highest <= DTLS 1.2
  for (const auto* r : up)
    if (r->version != kDtls13) legacy = r;
  if (legacy && ctx.remaining() > 500ms) {
    auto spec = dtls_spec(ctx, legacy->version, legacy->accepted);
    spec.tls.deflate = true;
    const auto ex = co_await dtls_hello(ctx, spec);
    if (ex && ex->flight.tls.server_hello && ex->flight.version == legacy->version) {
      const bool deflate = tls_compression_accepted(ex->flight.tls);
      out.push_back(make_observation(ctx.endpoint, keys::tls::compression, deflate,
                                     dtls_version_name(legacy->version) + " hello offering DEFLATE and null: ServerHello chose " +
                                         (deflate ? "DEFLATE (CRIME)" : "null")));
    }
  }
}

// The raw public key's facts (RFC 7250): fingerprint, type and size.
void dtls_rpk_observations(ProbeContext& ctx, const std::vector<std::uint8_t>& spki, const std::string& how,
                           std::vector<Observation>& out) {
  const unsigned char* p = spki.data();
  EVP_PKEY* key = d2i_PUBKEY(nullptr, &p, static_cast<long>(spki.size()));
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_Digest(spki.data(), spki.size(), md, &n, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < n; ++i) {
    hex += kHex[md[i] >> 4];
    hex += kHex[md[i] & 15];
  }
  out.push_back(make_observation(ctx.endpoint, keys::dtls::rpk_spki_sha256, hex, how));
  if (!key) return;
  const int id = EVP_PKEY_get_base_id(key);
  out.push_back(make_observation(ctx.endpoint, keys::dtls::rpk_key_type,
                                 std::string(id == EVP_PKEY_RSA ? "RSA" : id == EVP_PKEY_EC ? "EC" : OBJ_nid2sn(id)), how));
  out.push_back(make_observation(ctx.endpoint, keys::dtls::rpk_key_bits, static_cast<std::int64_t>(EVP_PKEY_get_bits(key)), how));
  EVP_PKEY_free(key);
}

}  // namespace

net::awaitable<void> probe_dtls(ProbeContext& ctx, std::vector<Observation>& out) {
  if (ctx.endpoint.transport != Transport::udp) co_return;
  // Highest first: DTLS 1.2, then 1.0, then the 1.3 detection hello; one after the other (a
  // constrained device serves one handshake at a time).
  static constexpr std::uint16_t kOrder[] = {kDtls12, kDtls10, kDtls13};
  std::vector<DtlsVersionResult> found(std::size(kOrder));
  for (std::size_t i = 0; i < found.size() && ctx.remaining() > 500ms; ++i) co_await dtls_enumerate(ctx, kOrder[i], found[i]);

  std::vector<std::string> versions, weak, modes;
  EnumerationSummary sum;
  bool forward_secret = false, any_suite = false, cookie = false, answered = false;
  std::string refusal;
  std::vector<std::uint16_t> cert_suites;  // accepted suites with a server certificate, highest version
  std::uint16_t cert_version = 0;
  auto add_mode = [&](const char* m) {
    if (std::find(modes.begin(), modes.end(), m) == modes.end()) modes.emplace_back(m);
  };
  for (const auto& r : found) {
    answered = answered || r.answered;
    cookie = cookie || r.cookie;
    if (refusal.empty()) refusal = r.refusal;
    if (!r.supported) continue;
    const std::string name = dtls_version_name(r.version);
    versions.push_back(name);
    std::vector<std::string> names;
    for (const auto code : r.accepted) {
      names.push_back(suite_name(code));
      any_suite = true;
      const auto* s = find_suite(code);
      if (!s) continue;
      forward_secret = forward_secret || s->forward_secret;
      if (weak_suite(*s)) weak.push_back(name + " " + suite_name(code) + " (" + weak_reason(*s) + ")");
      if (s->kex == TlsKex::psk || s->kex == TlsKex::dhe_psk || s->kex == TlsKex::ecdhe_psk || s->kex == TlsKex::rsa_psk) add_mode("psk");
      if (s->auth == TlsAuth::anon) add_mode("anonymous");
      if ((s->auth == TlsAuth::rsa || s->auth == TlsAuth::dss || s->auth == TlsAuth::ecdsa) && r.version != kDtls13) {
        add_mode("certificate");
        if (cert_version == 0 || cert_version == r.version) {
          cert_version = r.version;
          cert_suites.push_back(code);
        }
      }
    }
    out.push_back(make_observation(ctx.endpoint, keys::tls::ciphers_at.with(name), names, "suites the DTLS server accepted at " + name));
    if (r.accepted.size() == 1)
      out.push_back(make_observation(ctx.endpoint, keys::tls::preferred_at.with(name), suite_name(r.accepted.front()), "the only suite accepted"));
    sum.add(r, name, r.version != kDtls13, r.version != kDtls13);
  }
  out.push_back(make_observation(ctx.endpoint, keys::tls::versions, versions, "DTLS versions that completed a ServerHello"));
  if (answered)
    out.push_back(make_observation(ctx.endpoint, keys::dtls::cookie, cookie,
                                   cookie ? "a HelloVerifyRequest with a cookie came before the ServerHello"
                                          : "the server answered the first ClientHello without a cookie exchange"));
  if (versions.empty()) {
    record_status(ctx, out, "dtls", answered ? Status::protocol_error : Status::not_detected,
                  answered ? "every DTLS hello was refused" + (refusal.empty() ? std::string() : " (" + refusal + ")") +
                                 ": the server has no suite in common with the hellos (a PSK or raw-public-key server may want an identity or key type not offered)"
                           : "no DTLS hello got a ServerHello or an alert");
    co_return;
  }
  // Raw public keys (RFC 7250): one hello offering only them, with the certificate suites.
  std::vector<std::uint8_t> rpk;
  if (!cert_suites.empty() && ctx.remaining() > 500ms) {
    auto spec = dtls_spec(ctx, cert_version, cert_suites);
    spec.server_certificate_types = {kCertTypeRawPublicKey};
    const auto ex = co_await dtls_hello(ctx, spec);
    if (ex && ex->flight.tls.server_hello && ex->flight.server_certificate_type == kCertTypeRawPublicKey) {
      add_mode("raw_public_key");
      rpk = ex->flight.raw_public_key;
    }
  }
  out.push_back(make_observation(ctx.endpoint, keys::dtls::mode, modes,
                                 "from the suites accepted (PSK, certificate, anonymous) and a hello offering only a raw public key (RFC 7250)"));
  out.push_back(make_observation(ctx.endpoint, keys::tls::weak_ciphers, weak,
                                 "accepted suites that are NULL, EXPORT, anon, DES/3DES, IDEA, RC2 or MD5"));
  if (any_suite)
    out.push_back(make_observation(ctx.endpoint, keys::tls::forward_secrecy, forward_secret, "an (EC)DHE suite was accepted"));
  sum.observations(ctx.endpoint, out);
  co_await dtls_downgrade_and_compression(ctx, found, out);
  if (!sum.chain.empty()) certificate_observations(ctx, sum.chain, sum.chain_sent, sum.chain_how, out);
  if (!rpk.empty()) dtls_rpk_observations(ctx, rpk, "raw public key in the " + dtls_version_name(cert_version) + " server flight", out);
}

}  // namespace trustscan
