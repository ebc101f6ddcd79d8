// libFuzzer harness for probes/ssh.hpp. The input is what an SSH server sends from the start of
// the connection: identification (after optional other lines), then binary packets (the KEXINIT,
// then a group-exchange answer: KEX_DH_GEX_GROUP or DISCONNECT, RFC 4419); the same
// bytes are also read as a host public key blob and as its base64 text (the host-key analyzer). Seeds in
// corpus/ssh/ are real captures (OpenSSH 9.2p1, Dropbear 2022.83).
//
// Besides "no crash, no UB", it traps on broken contract invariants: consumed within the input,
// caps respected, and incremental consistency (a prefix is never done unless it holds the whole
// message, and then gives the same answer as the full input).
#include "probes/ssh/ssh.hpp"
#include "probes/tls/dh_primes.hpp"

#include <cstddef>
#include <cstdint>

using namespace trustscan;

namespace {

void check_kex(const SshKexInit& k) {
  for (const auto* l : {&k.kex_algorithms, &k.server_host_key_algorithms, &k.encryption_c2s,
                        &k.encryption_s2c, &k.mac_c2s, &k.mac_s2c, &k.compression_c2s,
                        &k.compression_s2c, &k.languages_c2s, &k.languages_s2c}) {
    if (l->size() > kSshMaxNames) __builtin_trap();
    for (const auto& n : *l) {
      if (n.empty() || n.size() > kSshMaxNameLength) __builtin_trap();
    }
  }
}

void check_gex(Bytes in, std::size_t split) {
  SshGexReply g;
  std::size_t used = 0;
  const Parse r = parse_ssh_gex_reply(in, g, used);
  if (r == Parse::done) {
    if (used == 0 || used > in.size()) __builtin_trap();
    if (!g.disconnected) {
      if (g.prime_bits <= 0 || g.prime_bits > kSshMaxGexPrimeBits || g.prime.empty() || g.prime[0] == 0 ||
          (g.prime.back() & 1) == 0 || g.generator.empty())
        __builtin_trap();
      (void)describe_dh_prime(Bytes(g.prime.data(), g.prime.size()));
    }
    if (g.description.size() > 256) __builtin_trap();
  }
  SshGexReply pg;
  std::size_t pused = 0;
  const Parse pr = parse_ssh_gex_reply(in.first(std::min(split, in.size())), pg, pused);
  if (pr == Parse::done && (r != Parse::done || pused != used || pg.prime != g.prime)) __builtin_trap();
  if (r == Parse::done && split >= used && pr != Parse::done) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const Bytes in(data, size);
  // A split point chosen by the input itself, so the fuzzer explores it too.
  const std::size_t split = size == 0 ? 0 : (data[0] * 131u + data[size - 1]) % (size + 1);

  SshResult result;
  std::size_t used = 0;
  const Parse r = parse_ssh_ident(in, result.ident, used);
  if (r == Parse::done) {
    if (used == 0 || used > size || result.ident.line.size() > kSshMaxIdentLine) __builtin_trap();
    if (result.ident.proto_version.empty()) __builtin_trap();
    SshKexInit kex;
    std::size_t kex_used = 0;
    if (parse_ssh_kexinit(in.subspan(used), kex, kex_used) == Parse::done) {
      if (kex_used > size - used) __builtin_trap();
      check_kex(kex);
      result.kexinit = kex;
      const std::size_t after = used + kex_used;
      check_gex(in.subspan(after), split > after ? split - after : 0);
    }
    (void)ssh_observations(result, Endpoint{});
  }
  SshIdent prefix_ident;
  std::size_t prefix_used = 0;
  const Parse pr = parse_ssh_ident(in.first(split), prefix_ident, prefix_used);
  if (pr == Parse::done && (r != Parse::done || prefix_used != used || prefix_ident.line != result.ident.line)) {
    __builtin_trap();
  }
  if (r == Parse::done && split >= used && pr != Parse::done) __builtin_trap();
  if (r == Parse::invalid && pr == Parse::done) __builtin_trap();

  // The binary part alone, from the first byte: reaches the packet parser without an ident.
  SshKexInit kex;
  const Parse k = parse_ssh_kexinit(in, kex, used);
  if (k == Parse::done) {
    if (used > size) __builtin_trap();
    check_kex(kex);
  }
  SshKexInit prefix_kex;
  const Parse pk = parse_ssh_kexinit(in.first(split), prefix_kex, prefix_used);
  if (pk == Parse::done && (k != Parse::done || prefix_used != used ||
                            prefix_kex.kex_algorithms != kex.kex_algorithms)) {
    __builtin_trap();
  }
  if (k == Parse::done && split >= used && pk != Parse::done) __builtin_trap();
  check_gex(in, split);

  // The same bytes as a host public key blob (RFC 4253 §6.6), and as its base64 text.
  if (const auto key = parse_ssh_host_key(in)) {
    if (key->bits <= 0 || key->bits > 16 * 1024 * 8 || key->type.empty()) __builtin_trap();
    if (ssh_host_key_type(key->type).empty()) __builtin_trap();
    if (!ssh_fingerprint_sha256(in).starts_with("SHA256:")) __builtin_trap();
  }
  if (const auto blob = ssh_base64_decode(as_text(in))) {
    if (blob->size() > size) __builtin_trap();
    (void)parse_ssh_host_key(Bytes(blob->data(), blob->size()));
  }
  return 0;
}
