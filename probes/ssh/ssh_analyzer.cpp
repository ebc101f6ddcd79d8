// trustscan — SSH host keys through libssh: one key exchange per host-key type the server offers
// (ssh-audit's host-key test does the same), the key's size and fingerprint from the public key
// blob (parse_ssh_host_key, pure and fuzzed). No authentication is attempted; with credential
// trials off, the first session also asks "none" for the methods offered.
#include "probes/ssh/ssh.hpp"
#include "probes/ssh/ssh_keys.hpp"
#include "probes/ssh/ssh_libssh.hpp"
#include "probes/tls/dh_primes.hpp"
#include "scanner/pipeline/probe_util.hpp"
#include "trustscan/safety.hpp"

#include <openssl/rand.h>

#include <map>

namespace trustscan {

namespace {

// Key exchanges, ciphers and MACs libssh is told to offer, old ones included, so a server that
// offers only legacy algorithms still completes a key exchange (unknown names are dropped by
// libssh). The host key algorithm is the one under test.
constexpr const char* kKex =
    "curve25519-sha256,curve25519-sha256@libssh.org,ecdh-sha2-nistp256,ecdh-sha2-nistp384,ecdh-sha2-nistp521,"
    "diffie-hellman-group18-sha512,diffie-hellman-group16-sha512,diffie-hellman-group-exchange-sha256,"
    "diffie-hellman-group14-sha256,diffie-hellman-group14-sha1,diffie-hellman-group-exchange-sha1,diffie-hellman-group1-sha1";
constexpr const char* kCiphers =
    "chacha20-poly1305@openssh.com,aes256-gcm@openssh.com,aes128-gcm@openssh.com,aes256-ctr,aes192-ctr,aes128-ctr,"
    "aes256-cbc,aes192-cbc,aes128-cbc,3des-cbc";
constexpr const char* kMacs =
    "hmac-sha2-256-etm@openssh.com,hmac-sha2-512-etm@openssh.com,hmac-sha1-etm@openssh.com,hmac-sha2-256,hmac-sha2-512,hmac-sha1";
constexpr std::size_t kMaxExchanges = 6;

struct HostKeyAttempt {
  bool connected = false;
  std::string base64;  // the public key as ssh_pki_export_pubkey_base64 writes it
  int methods = -1;    // after "none", when asked
  std::string error;
};

HostKeyAttempt host_key_try(const std::string& host, std::uint16_t port, const std::string& algorithm, long timeout_s,
                            bool list_methods) {
  HostKeyAttempt a;
  const auto s = new_ssh_session(host, port, "trustscan", timeout_s);
  if (!s) {
    a.error = "ssh_new failed";
    return a;
  }
  ssh_options_set(s.get(), SSH_OPTIONS_KEY_EXCHANGE, kKex);
  ssh_options_set(s.get(), SSH_OPTIONS_CIPHERS_C_S, kCiphers);
  ssh_options_set(s.get(), SSH_OPTIONS_CIPHERS_S_C, kCiphers);
  ssh_options_set(s.get(), SSH_OPTIONS_HMAC_C_S, kMacs);
  ssh_options_set(s.get(), SSH_OPTIONS_HMAC_S_C, kMacs);
  if (ssh_options_set(s.get(), SSH_OPTIONS_HOSTKEYS, algorithm.c_str()) != SSH_OK) {
    a.error = "libssh does not implement " + algorithm;
    return a;
  }
  if (ssh_connect(s.get()) != SSH_OK) {
    a.error = ssh_get_error(s.get());
    return a;
  }
  a.connected = true;
  ssh_key key = nullptr;
  if (ssh_get_server_publickey(s.get(), &key) == SSH_OK && key) {
    char* b64 = nullptr;
    if (ssh_pki_export_pubkey_base64(key, &b64) == SSH_OK && b64) {
      a.base64 = b64;
      ssh_string_free_char(b64);
    }
    ssh_key_free(key);
  }
  if (list_methods) {
    (void)ssh_userauth_none(s.get(), nullptr);
    a.methods = ssh_userauth_list(s.get(), nullptr);
  }
  ssh_disconnect(s.get());
  return a;
}

// A named coroutine with by-value parameters (g++ 12 and capturing lambdas in co_await: ssh_login.cpp).
net::awaitable<HostKeyAttempt> host_key_job(std::string host, std::uint16_t port, std::string algorithm, long timeout_s,
                                            bool list_methods) {
  co_return host_key_try(host, port, algorithm, timeout_s, list_methods);
}

// Which algorithm to try for each key: the host-key type, except that each ECDSA curve is a key
// of its own. Certificates are skipped (their key is the same as the plain algorithm's).
std::string key_group(const std::string& algorithm) {
  const auto type = ssh_host_key_type(algorithm);
  if (type.empty() || algorithm.find("-cert-") != std::string::npos || algorithm.starts_with("x509v3-") ||
      algorithm.starts_with("sk-"))
    return {};
  return type == "ecdsa" ? algorithm : type;
}

// RSA: the SHA-2 signature algorithms first (libssh and OpenSSH prefer them; the key is the same).
int preference(const std::string& algorithm) {
  return algorithm == "rsa-sha2-512" ? 0 : algorithm == "rsa-sha2-256" ? 1 : algorithm == "ssh-rsa" ? 2 : 0;
}

}  // namespace

net::awaitable<void> analyze_ssh_host_keys(ProbeContext& ctx, std::vector<std::string> algorithms,
                                           std::vector<Observation>& out) {
  std::map<std::string, std::string> pick;  // group → algorithm
  for (const auto& a : algorithms) {
    const auto g = key_group(a);
    if (g.empty()) continue;
    const auto it = pick.find(g);
    if (it == pick.end()) pick[g] = a;
    else if (preference(a) < preference(it->second)) it->second = a;
  }
  bool list_methods = ctx.options.credentials == nullptr;
  std::size_t done = 0;
  for (const auto& [group, algorithm] : pick) {
    if (done++ >= kMaxExchanges) break;
    const auto left = std::chrono::duration_cast<std::chrono::seconds>(ctx.remaining()).count();
    if (left < 1) break;
    const long timeout_s = std::min<long>(5, left);
    auto job = host_key_job(ctx.endpoint.address.to_string(), ctx.endpoint.port, algorithm, timeout_s, list_methods);
    const auto a = co_await net::co_spawn(ssh_pool().get_executor(), std::move(job), net::use_awaitable);
    if (!a.connected || a.base64.empty()) continue;
    if (list_methods && a.methods >= 0) {
      out.push_back(make_observation(ctx.endpoint, keys::ssh::auth_methods, ssh_method_names(a.methods),
                                     "methods offered after the 'none' request"));
      list_methods = false;
    }
    const auto blob = ssh_base64_decode(a.base64);
    if (!blob) continue;
    const auto key = parse_ssh_host_key(Bytes(blob->data(), blob->size()));
    if (!key) continue;
    const std::string fp = ssh_fingerprint_sha256(Bytes(blob->data(), blob->size()));
    const std::string detail = key->type + " host key (" + std::to_string(key->bits) + " bits, " + fp +
                               ") sent when only " + algorithm + " was offered";
    out.push_back(make_observation(ctx.endpoint, keys::ssh::host_key_bits_at.with(algorithm),
                                   static_cast<std::int64_t>(key->bits), detail));
    out.push_back(make_observation(ctx.endpoint, keys::ssh::host_key_sha256_at.with(algorithm), fp, detail));
  }
}

// ---- Diffie-Hellman group exchange (RFC 4419) ----------------------------------------------------

namespace {

struct GexAsk {
  std::uint32_t min, n, max;
};
// What an ordinary client asks (OpenSSH: 2048/3072-8192 by cipher), then a request for a small
// prime only (ssh-audit's first request): a server that honours it hands out < 2048-bit groups.
constexpr GexAsk kGexAsks[] = {{1024, 2048, 8192}, {512, 1024, 1536}};
constexpr auto kGexExchangeTime = std::chrono::seconds(5);

struct GexAnswer {
  bool answered = false;  // a GROUP or a DISCONNECT was parsed
  SshGexReply reply;
  std::string failure;    // why there is no answer
};

net::awaitable<GexAnswer> gex_once(ProbeContext& ctx, const SshKexInit& server, const std::string& alg, GexAsk ask) {
  GexAnswer a;
  const auto budget = std::min<std::chrono::milliseconds>(kGexExchangeTime, ctx.remaining());
  if (budget < std::chrono::milliseconds(500)) {
    a.failure = "the probe's budget ran out";
    co_return a;
  }
  Status st = Status::success;
  auto s = co_await ctx.dialer().dial(ctx.endpoint, ctx.tls, ctx.device.target.name,
                                      std::min(ctx.options.connect_timeout, budget), budget, ctx.options.max_reply, st,
                                      ctx.abort);
  if (!s) {
    a.failure = "could not connect (" + std::string(to_string(st)) + ")";
    co_return a;
  }
  std::vector<std::uint8_t> buf;
  SshIdent ident;
  std::size_t at = 0;
  if ((co_await receive_until(*s, buf, [&](Bytes b) { return parse_ssh_ident(b, ident, at); })).first != Parse::done) {
    a.failure = "no identification line";
    co_return a;
  }
  std::array<std::uint8_t, 16> cookie{};
  (void)RAND_bytes(cookie.data(), static_cast<int>(cookie.size()));
  auto hello = build_ssh_ident();
  const auto kexinit = build_ssh_kexinit_for(server, alg, cookie);
  hello.insert(hello.end(), kexinit.begin(), kexinit.end());
  if ((co_await s->send(hello)).status != Status::success) {
    a.failure = "send failed";
    co_return a;
  }
  SshKexInit theirs;
  std::size_t used = 0;
  if ((co_await receive_until(*s, buf, [&](Bytes b) { return parse_ssh_kexinit(b.subspan(at), theirs, used); })).first !=
      Parse::done) {
    a.failure = "no KEXINIT";
    co_return a;
  }
  at += used;
  if ((co_await s->send(build_ssh_gex_request(ask.min, ask.n, ask.max))).status != Status::success) {
    a.failure = "send failed";
    co_return a;
  }
  const auto [state, rst] =
      co_await receive_until(*s, buf, [&](Bytes b) { return parse_ssh_gex_reply(b.subspan(at), a.reply, used); });
  if (state == Parse::done) a.answered = true;
  else if (state == Parse::invalid) a.failure = "not a KEX_DH_GEX_GROUP";
  else if (rst == Status::connection_closed) a.failure = "the server closed the connection";
  else a.failure = "no answer (" + std::string(to_string(rst)) + ")";
  co_return a;
}

}  // namespace

net::awaitable<void> analyze_ssh_gex(ProbeContext& ctx, const SshKexInit& server, std::vector<Observation>& out) {
  std::vector<std::string> algs;
  for (const char* name : {"diffie-hellman-group-exchange-sha256", "diffie-hellman-group-exchange-sha1"})
    if (std::find(server.kex_algorithms.begin(), server.kex_algorithms.end(), name) != server.kex_algorithms.end())
      algs.emplace_back(name);
  if (algs.empty()) co_return;
  if (!ctx.options.safety.allows(actions::ssh_gex)) {
    out.push_back(make_observation(ctx.endpoint, keys::ssh::intrusive_skipped, std::vector<std::string>{std::string(actions::ssh_gex)},
                                   std::string(actions::ssh_gex) + " " + SafetySelection::not_selected_reason(actions::ssh_gex)));
    co_return;
  }
  std::vector<std::string> groups;
  std::optional<int> smallest;
  std::string smallest_text;
  for (const auto& alg : algs) {
    for (const auto ask : kGexAsks) {
      const auto a = co_await gex_once(ctx, server, alg, ask);
      std::string line = alg + " " + std::to_string(ask.min) + "/" + std::to_string(ask.n) + "/" + std::to_string(ask.max) + ": ";
      if (!a.answered) {
        line += "no group (" + a.failure + ")";
      } else if (a.reply.disconnected) {
        line += "disconnect (" + printable_excerpt(as_bytes(a.reply.description), 120) + ")";
      } else {
        line += std::to_string(a.reply.prime_bits) + "-bit prime";
        const Bytes p(a.reply.prime.data(), a.reply.prime.size());
        if (const auto* known = find_well_known_dh_prime(p)) line += " (" + std::string(known->name) + ")";
        else line += " (sha256 " + dh_prime_sha256(p).substr(0, 16) + ")";
        if (!smallest || a.reply.prime_bits < *smallest) {
          smallest = a.reply.prime_bits;
          smallest_text = line;
        }
      }
      groups.push_back(std::move(line));
    }
  }
  std::string all;
  for (const auto& g : groups) all += (all.empty() ? "" : "; ") + g;
  out.push_back(make_observation(ctx.endpoint, keys::ssh::gex_groups, groups, "SSH_MSG_KEX_DH_GEX_REQUEST min/n/max and the answer"));
  if (smallest)
    out.push_back(make_observation(ctx.endpoint, keys::ssh::gex_prime_bits, static_cast<std::int64_t>(*smallest), smallest_text));
}

}  // namespace trustscan
