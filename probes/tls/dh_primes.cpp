// trustscan — well-known Diffie-Hellman primes (see dh_primes.hpp).
//
// The table holds SHA-256 digests rather than the primes (up to 1 KiB of hex each). Each digest was
// computed from the hex value printed in the RFC named on its row (the same values testssl.sh's
// etc/common-primes.txt carries); tests/unit/test_dh_primes.cpp recomputes every one from OpenSSL's
// own copies of the RFC groups (BN_get_rfc2409_prime_*, BN_get_rfc3526_prime_*, the named FFC
// groups "ffdhe*" and "dh_*"), so a wrong digest fails the build's tests.
#include "probes/tls/dh_primes.hpp"

#include <openssl/evp.h>

namespace trustscan {

namespace {

constexpr WellKnownDhPrime kPrimes[] = {
    // RFC 2409 §6.1, §6.2: the first and second Oakley groups (IKEv1); group 2 is also SSH's
    // diffie-hellman-group1-sha1 (RFC 4253 §8.1) and the prime of most 1024-bit DHE servers.
    {"RFC 2409 Oakley group 1", 768, "b52ba6a3026520a6c49d37e4587601801bee500123b3259b6bf03e7cecc3e63d"},
    {"RFC 2409 Oakley group 2", 1024, "3f35a3f5f6c4376a744acad409bb22f8d897f949d2311d885adaa890981b67a0"},
    // RFC 3526 §2-§7: MODP groups 5, 14 (SSH diffie-hellman-group14-*), 15, 16, 17, 18.
    {"RFC 3526 group 5", 1536, "64fcc83ec403930bf18393dbc883ccaa1fbb08ac876f77f7aa99748ca945019b"},
    {"RFC 3526 group 14", 2048, "d66436f79bbd6b2e38c0ffbd079be904d2641415e2e67140e09448be9a60890e"},
    {"RFC 3526 group 15", 3072, "48cf8b092fbce4359d9871abf74f98e25b6163379eaa15cd9087e800c6d1c55c"},
    {"RFC 3526 group 16", 4096, "4ee95187682bcb230ad26a95205f6920e84708f6251b3894329b09ec23919e33"},
    {"RFC 3526 group 17", 6144, "d1bfe6d0925ce7e4da262b62861514a7755e35831e429f343e7b864848657efd"},
    {"RFC 3526 group 18", 8192, "39ab4feab950a3128fb71accb9fc3965d857012e081998a85996e3ea8b3c3bcf"},
    // RFC 5114 §2.1-§2.3: groups with prime-order subgroups (not safe primes).
    {"RFC 5114 1024-bit group with 160-bit subgroup", 1024, "44c55cfee5c075927cf682da5b681bdecbd5c3eb0784c14f5dce7610f0ef133d"},
    {"RFC 5114 2048-bit group with 224-bit subgroup", 2048, "bfe545862ca102ad1eeddb5fbfa5bf855ac4995c56a8b408ce3fe099dce93a9d"},
    {"RFC 5114 2048-bit group with 256-bit subgroup", 2048, "0b7835722cb619827610c2549fdda5587421686c4409a13865e76225522ddcc9"},
    // RFC 7919 Appendix A.1-A.5: the TLS negotiated FFDHE groups.
    {"RFC 7919 ffdhe2048", 2048, "9cd3b7f336872f46c09428d1bbc19877a4d440512cda8d1c1cf0cd6e33698966"},
    {"RFC 7919 ffdhe3072", 3072, "0eaf67db3a839156d5013494a5318a772b5697d270d721f37f092efc69ea5a17"},
    {"RFC 7919 ffdhe4096", 4096, "4648414224ac881b3d0dc59b466f96d06a558278776807797ecf1f66ff397b3e"},
    {"RFC 7919 ffdhe6144", 6144, "227ac9066b3ddd9e193670cda2388fa884f65ba0cf98b742d1fe77a6687c79c7"},
    {"RFC 7919 ffdhe8192", 8192, "770b14efaf6f049929c523113b3fa99a8d11dab1b18af3609590122075d19833"},
};

}  // namespace

std::span<const WellKnownDhPrime> well_known_dh_primes() noexcept { return kPrimes; }

std::string dh_prime_sha256(Bytes prime) {
  std::size_t i = 0;
  while (i < prime.size() && prime[i] == 0) ++i;
  prime = prime.subspan(i);
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(prime.data(), prime.size(), md, &len, EVP_sha256(), nullptr) != 1) return {};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s;
  for (unsigned int k = 0; k < len; ++k) {
    s += kHex[md[k] >> 4];
    s += kHex[md[k] & 15];
  }
  return s;
}

const WellKnownDhPrime* find_well_known_dh_prime(Bytes prime) {
  const auto digest = dh_prime_sha256(prime);
  for (const auto& p : kPrimes)
    if (p.sha256 == digest) return &p;
  return nullptr;
}

std::string describe_dh_prime(Bytes prime) {
  if (prime.empty()) return {};
  if (const auto* p = find_well_known_dh_prime(prime)) return std::string(p->name);
  return "sha256:" + dh_prime_sha256(prime);
}

}  // namespace trustscan
