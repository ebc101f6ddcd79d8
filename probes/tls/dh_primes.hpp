// trustscan — well-known finite-field Diffie-Hellman primes, identified by value (pure, no I/O).
//
// A server that uses a published prime shares it with every other server that does: the
// precomputation of the Logjam attack (Adrian et al., "Imperfect Forward Secrecy", CCS 2015) is
// done once per prime, which is why testssl.sh and ssh-audit name such "common primes". TLS
// ServerKeyExchange (tls.dh_prime) and the SSH group exchange (ssh.gex.*) look their primes up here.
#pragma once

#include "trustscan/parse.hpp"

#include <span>
#include <string>
#include <string_view>

namespace trustscan {

struct WellKnownDhPrime {
  std::string_view name;    ///< "RFC 2409 Oakley group 2"
  int bits;                 ///< size of the prime
  std::string_view sha256;  ///< SHA-256 of the prime, big-endian without leading zero bytes, lowercase hex
};

/// Every prime of the table: RFC 2409 §6.1/§6.2 (Oakley groups 1, 2), RFC 3526 §2-§7 (groups 5, 14,
/// 15, 16, 17, 18), RFC 5114 §2.1-§2.3 (1024/160, 2048/224, 2048/256) and RFC 7919 Appendix A
/// (ffdhe2048 … ffdhe8192).
std::span<const WellKnownDhPrime> well_known_dh_primes() noexcept;

/// Lowercase hex SHA-256 of `prime` (big-endian; leading zero bytes are dropped first).
std::string dh_prime_sha256(Bytes prime);

/// The table's entry for `prime` (big-endian, leading zero bytes ignored), or nullptr.
const WellKnownDhPrime* find_well_known_dh_prime(Bytes prime);

/// The entry's name ("RFC 2409 Oakley group 2") when `prime` is well known, else "sha256:" and
/// dh_prime_sha256 (tls.dh_prime); "" for an empty prime.
std::string describe_dh_prime(Bytes prime);

}  // namespace trustscan
