// trustscan — the intrusive TLS probes (tls_vuln_analyzer.hpp).
//
// Heartbleed and CCS injection follow testssl.sh and nmap (ssl-heartbleed, ssl-ccs-injection):
// a hello, the server's flight up to ServerHelloDone, then the one record under test, sent in
// the clear before any key exchange (a vulnerable OpenSSL handles both there). ROBOT follows the
// paper's scan (robot-detect): per padding variant one connection, a hello offering only the
// RSA key exchange suites accepted, ClientKeyExchange + ChangeCipherSpec + an undecryptable
// Finished, and the server's answer (first alert, close, or silence); answers that differ are
// checked once more before they count as an oracle. Client renegotiation drives OpenSSL's own
// client over memory BIOs on the probe's session (so it is bounded like any probe I/O): a TLS
// 1.2 (or lower) handshake, SSL_renegotiate, and whether the second handshake completes.
#include "probes/tls/tls_vuln_analyzer.hpp"

#include "probes/tls/tls_keys.hpp"
#include "probes/tls/tls_suites.hpp"
#include "probes/tls/tls_vulns.hpp"
#include "trustscan/safety.hpp"

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <algorithm>
#include <cstdio>
#include <memory>

namespace trustscan {

namespace {

using namespace std::chrono_literals;

// Byte cap of a connection: the flight, then at most two records back.
constexpr std::size_t kVulnCap = kTlsMaxFlight + 2 * (kTlsMaxRecordLength + 5);
constexpr std::chrono::milliseconds kVulnWait = 3000ms;
// The wait for an alert to the early ChangeCipherSpec (testssl.sh waits 2 s too).
constexpr std::chrono::milliseconds kCcsWait = 2000ms;
// A close sooner than this after the second ChangeCipherSpec is an answer to it; later, silence
// went before it and it says nothing (an idle timeout).
constexpr std::chrono::milliseconds kPromptClose = 1000ms;

std::string tlsva_hex(Bytes b) {
  std::string out;
  char two[3];
  for (const auto c : b) {
    std::snprintf(two, sizeof two, "%02x", c);
    out += two;
  }
  return out;
}

// A connection that got the server's flight up to ServerHelloDone; `rest` holds what came after it.
struct Handshaken {
  std::optional<TcpSession> session;
  ServerFlight flight;
  std::vector<std::uint8_t> rest;
};

net::awaitable<std::optional<Handshaken>> tlsva_hello(ProbeContext& ctx, const TlsConnect& connect, const ClientHelloSpec& spec) {
  if (ctx.remaining() <= 500ms) co_return std::nullopt;
  Handshaken h;
  h.session = co_await connect(kVulnCap);
  if (!h.session) co_return std::nullopt;
  if ((co_await h.session->send(build_client_hello(spec).bytes)).status != Status::success) co_return std::nullopt;
  std::vector<std::uint8_t> buf;
  std::size_t consumed = 0;
  Parse state = Parse::need_more;
  while (state == Parse::need_more) {
    const IoResult r = co_await h.session->receive_for(buf, std::min(ctx.remaining(), kVulnWait));
    if (r.status != Status::success) co_return std::nullopt;
    state = parse_server_hello_flight(Bytes(buf), h.flight, consumed);
  }
  if (state != Parse::done || !h.flight.server_hello_done || !h.flight.server_hello) co_return std::nullopt;
  h.rest.assign(buf.begin() + static_cast<std::ptrdiff_t>(std::min(consumed, buf.size())), buf.end());
  co_return h;
}

struct Answer {
  TlsReply reply;
  Parse state = Parse::need_more;
  Status status = Status::success;
};

// Reads records after what was sent, at most `wait` (and never past the budget).
net::awaitable<Answer> tlsva_answer(ProbeContext& ctx, TcpSession& s, std::vector<std::uint8_t>& buf,
                                    std::chrono::milliseconds wait) {
  Answer a;
  const auto deadline = SteadyClock::now() + std::min(wait, ctx.remaining());
  std::size_t consumed = 0;
  while ((a.state = parse_tls_reply(Bytes(buf), a.reply, consumed)) == Parse::need_more) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - SteadyClock::now());
    if (left <= 0ms) {
      a.status = Status::io_timeout;
      break;
    }
    const IoResult r = co_await s.receive_for(buf, left);
    if (r.status != Status::success) {
      a.status = r.status;
      break;
    }
  }
  co_return a;
}

std::string tlsva_describe(const Answer& a) {
  if (a.state == Parse::done && a.reply.alert)
    return std::string(a.reply.alert->fatal() ? "fatal" : "warning") + " alert " + a.reply.alert->name();
  if (a.state == Parse::done && a.reply.heartbeat_length)
    return "a heartbeat response of " + std::to_string(*a.reply.heartbeat_length) + " bytes";
  if (a.state == Parse::invalid) return "bytes that are not TLS records";
  if (a.status == Status::io_timeout) return "no answer within the wait";
  if (a.status == Status::connection_closed) return "the connection closed";
  return std::string(to_string(a.status));
}

// ---- Heartbleed ------------------------------------------------------------------------------

net::awaitable<void> tlsva_heartbleed(ProbeContext& ctx, const TlsVulnTarget& t, const TlsConnect& connect,
                                      std::vector<Observation>& out) {
  auto spec = t.hello;
  spec.heartbeat = true;
  auto h = co_await tlsva_hello(ctx, connect, spec);
  if (!h) co_return;
  const auto mode = h->flight.server_hello->heartbeat_mode;
  if ((co_await h->session->send(build_heartbleed_request(h->flight.negotiated_version))).status != Status::success) co_return;
  auto a = co_await tlsva_answer(ctx, *h->session, h->rest, kVulnWait);
  if (a.state == Parse::invalid) co_return;  // not TLS: no conclusion
  const bool leaked = heartbleed_leaked(a.reply);
  // Silence from a server that took the heartbeat extension proves nothing (a slow or hung
  // device looks the same): only a leak, an answer that is no leak, an alert or a close judge.
  const bool answered = a.state == Parse::done || a.status == Status::connection_closed;
  if (!leaked && !answered && mode) co_return;
  std::string detail = tls_version_name(h->flight.negotiated_version) + " hello offering heartbeat; ServerHello " +
                       (mode ? "accepted it (mode " + std::to_string(*mode) + ")" : "without it") +
                       "; a heartbeat request of 3 bytes claiming 16384 got " + tlsva_describe(a) +
                       (leaked ? ": the server read past the request (Heartbleed)" : "");
  // Only the length and a short prefix of what leaked; the buffers are wiped.
  const std::string excerpt = leaked ? "first bytes: " + tlsva_hex(Bytes(a.reply.heartbeat_prefix)) : "";
  OPENSSL_cleanse(h->rest.data(), h->rest.size());
  out.push_back(make_observation(ctx.endpoint, keys::tls::heartbleed, leaked, detail, excerpt));
}

// ---- CCS injection ---------------------------------------------------------------------------

net::awaitable<void> tlsva_ccs(ProbeContext& ctx, const TlsVulnTarget& t, const TlsConnect& connect,
                               std::vector<Observation>& out) {
  auto h = co_await tlsva_hello(ctx, connect, t.hello);
  if (!h) co_return;
  const auto ccs = build_change_cipher_spec(h->flight.negotiated_version);
  if ((co_await h->session->send(ccs)).status != Status::success) co_return;
  auto first = co_await tlsva_answer(ctx, *h->session, h->rest, kCcsWait);
  if (first.state == Parse::invalid) co_return;
  const bool refused = (first.state == Parse::done && first.reply.alert) || first.status == Status::connection_closed;
  std::string detail = tls_version_name(h->flight.negotiated_version) +
                       " ChangeCipherSpec sent right after ServerHelloDone (before ClientKeyExchange): " + tlsva_describe(first);
  if (!refused && first.status != Status::io_timeout) co_return;  // records but no alert: no conclusion
  bool vulnerable = false;
  if (!refused) {
    // Accepted in silence: a second record shows what the server now expects. A vulnerable
    // OpenSSL has switched to keys derived from an empty master secret and fails to decrypt it:
    // bad_record_mac (20) or decryption_failed (21), the answer nmap's ssl-ccs-injection and
    // testssl.sh read as vulnerable. Any other alert or a close is a refusal; silence again,
    // or records that are no alert, judge nothing (a stack that waits for Finished, or a hung
    // device, is silent too, and neither peer calls silence vulnerable).
    // A close counts as a refusal only when it is prompt: a close after seconds of silence is a
    // device's idle timeout as likely as an answer to the record.
    std::vector<std::uint8_t> more;
    if ((co_await h->session->send(ccs)).status != Status::success) co_return;
    const auto sent = std::chrono::steady_clock::now();
    const auto second = co_await tlsva_answer(ctx, *h->session, more, kVulnWait);
    const bool prompt = std::chrono::steady_clock::now() - sent < kPromptClose;
    detail += "; a second ChangeCipherSpec got " + tlsva_describe(second);
    if (second.state == Parse::done && second.reply.alert) {
      const auto d = second.reply.alert->description;
      vulnerable = d == 20 || d == 21;
    } else if (second.status != Status::connection_closed || !prompt) {
      co_return;
    }
  }
  out.push_back(make_observation(ctx.endpoint, keys::tls::ccs_injection, vulnerable, detail));
}

// ---- client-initiated renegotiation ----------------------------------------------------------

struct TlsvaSsl {
  SSL_CTX* ctx = nullptr;
  SSL* ssl = nullptr;
  BIO* in = nullptr;   // what the server sent, for OpenSSL to read
  BIO* out = nullptr;  // what OpenSSL wrote, to send
  ~TlsvaSsl() {
    SSL_free(ssl);  // frees the BIOs
    SSL_CTX_free(ctx);
  }
};

// Runs `step` (SSL_do_handshake) until it completes, moving bytes between the BIOs and the
// session; "" on success, else why it failed.
net::awaitable<std::string> tlsva_drive(ProbeContext& ctx, TcpSession& s, TlsvaSsl& t, SteadyClock::time_point deadline) {
  std::vector<std::uint8_t> buf;
  while (true) {
    ERR_clear_error();
    const int r = SSL_do_handshake(t.ssl);
    const int err = r == 1 ? SSL_ERROR_NONE : SSL_get_error(t.ssl, r);
    const unsigned long queued = ERR_peek_error();
    std::uint8_t chunk[4096];
    int n = 0;
    while ((n = BIO_read(t.out, chunk, sizeof chunk)) > 0)
      if ((co_await s.send(std::span<const std::uint8_t>(chunk, static_cast<std::size_t>(n)))).status != Status::success)
        co_return "the connection closed while sending";
    if (r == 1) co_return "";
    if (err != SSL_ERROR_WANT_READ) {
      const char* reason = queued ? ERR_reason_error_string(queued) : nullptr;
      co_return std::string("OpenSSL: ") + (reason ? reason : "handshake failed");
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - SteadyClock::now());
    if (left <= 0ms) co_return "no answer within the wait";
    buf.clear();
    const IoResult io = co_await s.receive_for(buf, std::min(left, ctx.remaining()));
    if (io.status == Status::io_timeout) co_return "no answer within the wait";
    if (io.status != Status::success) co_return "the connection closed";
    BIO_write(t.in, buf.data(), static_cast<int>(buf.size()));
  }
}

net::awaitable<void> tlsva_renegotiation(ProbeContext& ctx, const TlsConnect& connect, std::vector<Observation>& out) {
  if (ctx.remaining() <= 500ms) co_return;
  TlsvaSsl t;
  t.ctx = SSL_CTX_new(TLS_client_method());
  if (!t.ctx) co_return;
  // Whatever a legacy device speaks up to TLS 1.2 (renegotiation does not exist in 1.3), even
  // without RFC 5746: the question is whether it renegotiates at all.
  SSL_CTX_set_max_proto_version(t.ctx, TLS1_2_VERSION);
  SSL_CTX_set_security_level(t.ctx, 0);
  SSL_CTX_set_cipher_list(t.ctx, "ALL:@SECLEVEL=0");
  SSL_CTX_set_options(t.ctx, SSL_OP_LEGACY_SERVER_CONNECT | SSL_OP_ALLOW_UNSAFE_LEGACY_RENEGOTIATION);
  SSL_CTX_set_verify(t.ctx, SSL_VERIFY_NONE, nullptr);
  t.ssl = SSL_new(t.ctx);
  t.in = BIO_new(BIO_s_mem());
  t.out = BIO_new(BIO_s_mem());
  if (!t.ssl || !t.in || !t.out) {
    BIO_free(t.in);
    BIO_free(t.out);
    co_return;
  }
  SSL_set_bio(t.ssl, t.in, t.out);
  SSL_set_connect_state(t.ssl);
  if (!ctx.device.target.name.empty() && !Address::parse(ctx.device.target.name))
    SSL_set_tlsext_host_name(t.ssl, ctx.device.target.name.c_str());
  auto s = co_await connect(kVulnCap);
  if (!s) co_return;
  const auto deadline = SteadyClock::now() + std::min<std::chrono::milliseconds>(ctx.remaining(), 2 * kVulnWait);
  if (!(co_await tlsva_drive(ctx, *s, t, deadline)).empty()) co_return;  // no first handshake: no conclusion
  const std::string first = std::string(SSL_get_version(t.ssl)) + " handshake (" + SSL_get_cipher_name(t.ssl) + ")";
  if (SSL_renegotiate(t.ssl) != 1) co_return;
  const auto again = co_await tlsva_drive(ctx, *s, t, SteadyClock::now() + std::min(ctx.remaining(), kVulnWait));
  const bool accepted = again.empty() && SSL_renegotiate_pending(t.ssl) == 0;
  out.push_back(make_observation(ctx.endpoint, keys::tls::client_renegotiation, accepted,
                                 first + ", then a renegotiation asked by the client: " +
                                     (accepted ? "a second handshake completed" : "refused (" + again + ")")));
}

// ---- ROBOT -----------------------------------------------------------------------------------

// One variant on a connection of its own; nullopt when no ServerHelloDone with an RSA certificate.
net::awaitable<std::optional<std::string>> tlsva_robot_once(ProbeContext& ctx, const TlsVulnTarget& t, const TlsConnect& connect,
                                                            RobotVariant v) {
  auto spec = t.hello;
  spec.cipher_suites = t.rsa_suites;
  auto h = co_await tlsva_hello(ctx, connect, spec);
  if (!h || h->flight.certificates.empty()) co_return std::nullopt;
  const auto* suite = find_suite(h->flight.server_hello->cipher_suite);
  if (!suite || suite->kex != TlsKex::rsa) co_return std::nullopt;
  const Bytes leaf(h->flight.certificates.front());
  const std::size_t k = rsa_modulus_bytes(leaf);
  std::array<std::uint8_t, 61> filler{};
  for (std::size_t i = 0; i < filler.size(); ++i) filler[i] = static_cast<std::uint8_t>(0x9b + 7 * i);
  const auto m = robot_plaintext(v, k, static_cast<std::uint16_t>(t.version), filler);
  const auto c = m.empty() ? std::nullopt : rsa_encrypt_raw(leaf, Bytes(m));
  if (!c) co_return std::nullopt;
  if ((co_await h->session->send(build_robot_flight(h->flight.negotiated_version, Bytes(*c)))).status != Status::success)
    co_return std::nullopt;
  const auto a = co_await tlsva_answer(ctx, *h->session, h->rest, kVulnWait);
  co_return robot_answer(a.reply, a.state, a.status);
}

net::awaitable<void> tlsva_robot(ProbeContext& ctx, const TlsVulnTarget& t, const TlsConnect& connect,
                                 std::vector<Observation>& out) {
  if (t.rsa_suites.empty()) co_return;
  std::vector<std::string> rounds[2];
  for (int round = 0; round < 2; ++round) {
    for (const auto v : kRobotVariants) {
      const auto a = co_await tlsva_robot_once(ctx, t, connect, v);
      if (!a) co_return;  // a variant not sent: no comparison
      rounds[round].push_back(*a);
    }
    if (!robot_oracle(rounds[0])) break;  // the same answer to every variant: no second round
  }
  std::string detail = tls_version_name(static_cast<std::uint16_t>(t.version)) +
                       " RSA key exchange, ClientKeyExchange + ChangeCipherSpec + Finished per PKCS#1 v1.5 padding: ";
  for (std::size_t i = 0; i < rounds[0].size(); ++i)
    detail += (i ? ", " : "") + std::string(to_string(kRobotVariants[i])) + " -> " + rounds[0][i];
  // Records that are not an answer (no alert, not TLS): nothing to compare.
  if (std::find(rounds[0].begin(), rounds[0].end(), "other") != rounds[0].end()) co_return;
  const bool oracle = robot_oracle(rounds[0]);
  if (oracle && rounds[1] != rounds[0]) co_return;  // not reproducible: no conclusion
  if (oracle) detail += " (the same again on a second round): a padding oracle";
  out.push_back(make_observation(ctx.endpoint, keys::tls::robot, oracle, detail));
}

}  // namespace

net::awaitable<void> analyze_tls_vulns(ProbeContext& ctx, const TlsVulnTarget& target, TlsConnect connect,
                                       std::vector<Observation>& out) {
  std::vector<std::string> skipped;
  std::string why;
  for (const auto id : {actions::tls_heartbleed, actions::tls_ccs_injection, actions::tls_renegotiation, actions::tls_robot}) {
    if (ctx.options.safety.allows(id)) continue;
    skipped.emplace_back(id);
    why += (why.empty() ? "" : "; ") + std::string(id) + " " + SafetySelection::not_selected_reason(id);
  }
  if (!skipped.empty()) out.push_back(make_observation(ctx.endpoint, keys::tls::intrusive_skipped, skipped, why));
  if (ctx.options.safety.allows(actions::tls_heartbleed)) co_await tlsva_heartbleed(ctx, target, connect, out);
  if (ctx.options.safety.allows(actions::tls_ccs_injection)) co_await tlsva_ccs(ctx, target, connect, out);
  if (ctx.options.safety.allows(actions::tls_renegotiation)) co_await tlsva_renegotiation(ctx, connect, out);
  if (ctx.options.safety.allows(actions::tls_robot)) co_await tlsva_robot(ctx, target, connect, out);
}

}  // namespace trustscan
