// Parser tests for the SSH Diffie-Hellman group exchange (RFC 4419; probes/ssh/ssh.hpp) and the
// well-known prime table (probes/tls/dh_primes.hpp), whose digests are recomputed here from
// OpenSSL's own copies of the RFC groups.
#include "probes/ssh/ssh.hpp"
#include "probes/tls/dh_primes.hpp"

#include <doctest/doctest.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>

#include <cstdint>
#include <string>
#include <vector>

using namespace trustscan;

namespace {

std::vector<std::uint8_t> sshgex_bn_bytes(const BIGNUM* n) {
  std::vector<std::uint8_t> v(static_cast<std::size_t>(BN_num_bytes(n)));
  BN_bn2bin(n, v.data());
  return v;
}

std::vector<std::uint8_t> sshgex_rfc(BIGNUM* (*f)(BIGNUM*)) {
  BIGNUM* p = f(nullptr);
  REQUIRE(p);
  auto v = sshgex_bn_bytes(p);
  BN_free(p);
  return v;
}

// p of an OpenSSL named FFC group ("ffdhe2048", "dh_1024_160"…), from its own tables.
std::vector<std::uint8_t> sshgex_named(const char* group) {
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_name(nullptr, "DH", nullptr);
  REQUIRE(ctx);
  EVP_PKEY* key = nullptr;
  OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, const_cast<char*>(group), 0),
                         OSSL_PARAM_construct_end()};
  REQUIRE(EVP_PKEY_paramgen_init(ctx) == 1);
  REQUIRE(EVP_PKEY_CTX_set_params(ctx, params) == 1);
  REQUIRE(EVP_PKEY_paramgen(ctx, &key) == 1);
  BIGNUM* p = nullptr;
  REQUIRE(EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_FFC_P, &p) == 1);
  auto v = sshgex_bn_bytes(p);
  BN_free(p);
  EVP_PKEY_free(key);
  EVP_PKEY_CTX_free(ctx);
  return v;
}

void sshgex_be32(std::vector<std::uint8_t>& v, std::uint32_t x) {
  for (int i = 3; i >= 0; --i) v.push_back(static_cast<std::uint8_t>(x >> (8 * i)));
}

void sshgex_string(std::vector<std::uint8_t>& v, const std::vector<std::uint8_t>& s) {
  sshgex_be32(v, static_cast<std::uint32_t>(s.size()));
  v.insert(v.end(), s.begin(), s.end());
}

// An mpint as RFC 4251 §5 writes a positive number: a 0x00 first when the top bit is set.
std::vector<std::uint8_t> sshgex_mpint(std::vector<std::uint8_t> n) {
  if (!n.empty() && (n[0] & 0x80)) n.insert(n.begin(), 0);
  return n;
}

std::vector<std::uint8_t> sshgex_packet(const std::vector<std::uint8_t>& payload) {
  std::vector<std::uint8_t> p;
  sshgex_be32(p, static_cast<std::uint32_t>(1 + payload.size() + 4));
  p.push_back(4);
  p.insert(p.end(), payload.begin(), payload.end());
  p.insert(p.end(), 4, 0);
  return p;
}

std::vector<std::uint8_t> sshgex_group(const std::vector<std::uint8_t>& p, const std::vector<std::uint8_t>& g) {
  std::vector<std::uint8_t> payload{kSshMsgKexDhGexGroup};
  sshgex_string(payload, sshgex_mpint(p));
  sshgex_string(payload, sshgex_mpint(g));
  return sshgex_packet(payload);
}

}  // namespace

TEST_CASE("dh primes: every digest of the table is the RFC prime OpenSSL carries") {
  const std::vector<std::pair<std::string, std::vector<std::uint8_t>>> want = {
      {"RFC 2409 Oakley group 1", sshgex_rfc(BN_get_rfc2409_prime_768)},
      {"RFC 2409 Oakley group 2", sshgex_rfc(BN_get_rfc2409_prime_1024)},
      {"RFC 3526 group 5", sshgex_rfc(BN_get_rfc3526_prime_1536)},
      {"RFC 3526 group 14", sshgex_rfc(BN_get_rfc3526_prime_2048)},
      {"RFC 3526 group 15", sshgex_rfc(BN_get_rfc3526_prime_3072)},
      {"RFC 3526 group 16", sshgex_rfc(BN_get_rfc3526_prime_4096)},
      {"RFC 3526 group 17", sshgex_rfc(BN_get_rfc3526_prime_6144)},
      {"RFC 3526 group 18", sshgex_rfc(BN_get_rfc3526_prime_8192)},
      {"RFC 5114 1024-bit group with 160-bit subgroup", sshgex_named("dh_1024_160")},
      {"RFC 5114 2048-bit group with 224-bit subgroup", sshgex_named("dh_2048_224")},
      {"RFC 5114 2048-bit group with 256-bit subgroup", sshgex_named("dh_2048_256")},
      {"RFC 7919 ffdhe2048", sshgex_named("ffdhe2048")},
      {"RFC 7919 ffdhe3072", sshgex_named("ffdhe3072")},
      {"RFC 7919 ffdhe4096", sshgex_named("ffdhe4096")},
      {"RFC 7919 ffdhe6144", sshgex_named("ffdhe6144")},
      {"RFC 7919 ffdhe8192", sshgex_named("ffdhe8192")},
  };
  REQUIRE(well_known_dh_primes().size() == want.size());
  for (const auto& [name, prime] : want) {
    CAPTURE(name);
    const auto* p = find_well_known_dh_prime(Bytes(prime.data(), prime.size()));
    REQUIRE(p);
    CHECK(p->name == name);
    CHECK(p->bits == static_cast<int>(prime.size() * 8));
    CHECK(describe_dh_prime(Bytes(prime.data(), prime.size())) == name);
  }
  // Leading zero bytes do not change the prime; one bit more does.
  auto oakley = sshgex_rfc(BN_get_rfc2409_prime_1024);
  auto padded = oakley;
  padded.insert(padded.begin(), 2, 0);
  CHECK(find_well_known_dh_prime(Bytes(padded.data(), padded.size())) == find_well_known_dh_prime(Bytes(oakley.data(), oakley.size())));
  oakley.back() ^= 2;
  CHECK_FALSE(find_well_known_dh_prime(Bytes(oakley.data(), oakley.size())));
  const auto other = describe_dh_prime(Bytes(oakley.data(), oakley.size()));
  CHECK(other.starts_with("sha256:"));
  CHECK(other.size() == 7 + 64);
  CHECK(describe_dh_prime({}).empty());
}

TEST_CASE("ssh gex: builders") {
  const auto req = build_ssh_gex_request(512, 1024, 1536);
  CHECK(req.size() % 8 == 0);
  CHECK(req[5] == kSshMsgKexDhGexRequest);
  CHECK(std::vector<std::uint8_t>(req.begin() + 6, req.begin() + 18) ==
        std::vector<std::uint8_t>{0, 0, 2, 0, 0, 0, 4, 0, 0, 0, 6, 0});

  SshKexInit server;
  server.kex_algorithms = {"curve25519-sha256", "diffie-hellman-group-exchange-sha256"};
  server.server_host_key_algorithms = {"rsa-sha2-512", "ssh-ed25519"};
  server.encryption_c2s = server.encryption_s2c = {"aes128-ctr"};
  server.mac_c2s = {"hmac-sha2-256"};
  server.mac_s2c = {"hmac-sha2-512"};
  server.compression_c2s = server.compression_s2c = {"none"};
  const auto pkt = build_ssh_kexinit_for(server, "diffie-hellman-group-exchange-sha256");
  SshKexInit k;
  std::size_t used = 0;
  REQUIRE(parse_ssh_kexinit(pkt, k, used) == Parse::done);
  CHECK(used == pkt.size());
  CHECK(k.kex_algorithms == std::vector<std::string>{"diffie-hellman-group-exchange-sha256"});
  CHECK(k.server_host_key_algorithms == server.server_host_key_algorithms);
  CHECK(k.mac_s2c == std::vector<std::string>{"hmac-sha2-512"});
}

TEST_CASE("ssh gex: KEX_DH_GEX_GROUP, DISCONNECT, and what is refused") {
  const auto p14 = sshgex_rfc(BN_get_rfc3526_prime_2048);
  const std::vector<std::uint8_t> two{2};
  SshGexReply r;
  std::size_t used = 0;

  const auto group = sshgex_group(p14, two);
  REQUIRE(parse_ssh_gex_reply(group, r, used) == Parse::done);
  CHECK(used == group.size());
  CHECK_FALSE(r.disconnected);
  CHECK(r.prime_bits == 2048);
  CHECK(r.prime == p14);
  CHECK(r.generator == two);
  CHECK(find_well_known_dh_prime(Bytes(r.prime.data(), r.prime.size()))->name == "RFC 3526 group 14");
  for (std::size_t n = 0; n < group.size(); ++n) CHECK(parse_ssh_gex_reply(Bytes(group).first(n), r, used) == Parse::need_more);

  SUBCASE("IGNORE and DEBUG before the group are skipped; the fifth is too many") {
    std::vector<std::uint8_t> in;
    for (int i = 0; i < 4; ++i) {
      const auto ig = sshgex_packet({static_cast<std::uint8_t>(i % 2 ? kSshMsgDebug : kSshMsgIgnore), 0, 0, 0, 0});
      in.insert(in.end(), ig.begin(), ig.end());
    }
    auto ok = in;
    ok.insert(ok.end(), group.begin(), group.end());
    REQUIRE(parse_ssh_gex_reply(ok, r, used) == Parse::done);
    CHECK(used == ok.size());
    const auto ig = sshgex_packet({kSshMsgIgnore, 0, 0, 0, 0});
    in.insert(in.end(), ig.begin(), ig.end());
    CHECK(parse_ssh_gex_reply(in, r, used) == Parse::invalid);
  }
  SUBCASE("a DISCONNECT is an answer (OpenSSH refusing max < 2048)") {
    std::vector<std::uint8_t> payload{kSshMsgDisconnect};
    sshgex_be32(payload, 3);
    const std::string why = "DH_GEX group out of range";
    sshgex_string(payload, std::vector<std::uint8_t>(why.begin(), why.end()));
    sshgex_string(payload, {});
    REQUIRE(parse_ssh_gex_reply(sshgex_packet(payload), r, used) == Parse::done);
    CHECK(r.disconnected);
    CHECK(r.reason == 3);
    CHECK(r.description == why);
    CHECK(r.prime.empty());
  }
  SUBCASE("malformed groups") {
    auto even = p14;
    even.back() ^= 1;
    CHECK(parse_ssh_gex_reply(sshgex_group(even, two), r, used) == Parse::invalid);
    CHECK(parse_ssh_gex_reply(sshgex_group(p14, {1}), r, used) == Parse::invalid);  // g = 1
    CHECK(parse_ssh_gex_reply(sshgex_group(p14, {}), r, used) == Parse::invalid);   // g = 0
    CHECK(parse_ssh_gex_reply(sshgex_group(p14, p14), r, used) == Parse::invalid);  // g = p
    CHECK(parse_ssh_gex_reply(sshgex_group({}, two), r, used) == Parse::invalid);   // p = 0
    // A negative mpint: top bit set without the 0x00.
    std::vector<std::uint8_t> payload{kSshMsgKexDhGexGroup};
    sshgex_string(payload, p14);
    sshgex_string(payload, two);
    CHECK(parse_ssh_gex_reply(sshgex_packet(payload), r, used) == Parse::invalid);
    // Over kSshMaxGexPrimeBits.
    std::vector<std::uint8_t> huge(kSshMaxGexPrimeBits / 8 + 1, 0x7f);
    CHECK(parse_ssh_gex_reply(sshgex_group(huge, two), r, used) == Parse::invalid);
    // g missing.
    std::vector<std::uint8_t> short_payload{kSshMsgKexDhGexGroup};
    sshgex_string(short_payload, sshgex_mpint(p14));
    CHECK(parse_ssh_gex_reply(sshgex_packet(short_payload), r, used) == Parse::invalid);
    // Another message (a KEXINIT again, KEX_DH_GEX_REPLY 33).
    CHECK(parse_ssh_gex_reply(sshgex_packet({33, 0, 0, 0, 0}), r, used) == Parse::invalid);
    CHECK(parse_ssh_gex_reply(sshgex_packet({kSshMsgKexInit, 0}), r, used) == Parse::invalid);
    CHECK(r.prime.empty());
  }
}
