// trustscan — SSH observation keys (docs/observations.md).
//
// Producers and C++ checks name these constants, never the strings, so a typo does not compile;
// the catalog (scanner/core/observation_keys.cpp) lists them and generates docs/observations.md.
#pragma once

#include "trustscan/observation_key.hpp"

namespace trustscan::keys::ssh {

inline constexpr ObservationKey proto_version{"ssh.proto_version", ValueType::string,
    "protoversion of the identification line: \"2.0\", \"1.99\", \"1.5\"", "probes/ssh/ssh.cpp"};
inline constexpr ObservationKey software{"ssh.software", ValueType::string,
    "softwareversion: \"OpenSSH_9.2p1\"", "probes/ssh/ssh.cpp"};
inline constexpr ObservationKey product{"ssh.product", ValueType::string,
    "product from the software table: \"OpenSSH\", \"Dropbear\"…", "probes/ssh/ssh.cpp"};
inline constexpr ObservationKey version{"ssh.version", ValueType::string,
    "version from the software table: \"9.2p1\", \"2022.83\"", "probes/ssh/ssh.cpp"};
inline constexpr ObservationKey comments{"ssh.comments", ValueType::string,
    "comments after the software: \"Debian-2+deb12u3\"", "probes/ssh/ssh.cpp"};
inline constexpr ObservationKey kex_algorithms{"ssh.kex_algorithms", ValueType::list,
    "KEXINIT kex_algorithms, in the server's preference order", "probes/ssh/ssh.cpp"};
inline constexpr ObservationKey host_key_algorithms{"ssh.host_key_algorithms", ValueType::list,
    "KEXINIT server_host_key_algorithms", "probes/ssh/ssh.cpp"};
inline constexpr ObservationKey ciphers{"ssh.ciphers", ValueType::list,
    "encryption algorithms, client-to-server then any new server-to-client ones", "probes/ssh/ssh.cpp"};
inline constexpr ObservationKey macs{"ssh.macs", ValueType::list,
    "MAC algorithms, union of both directions", "probes/ssh/ssh.cpp"};
inline constexpr ObservationKey compression{"ssh.compression", ValueType::list,
    "compression algorithms, union of both directions", "probes/ssh/ssh.cpp"};
inline constexpr ObservationKey auth_methods{"ssh.auth_methods", ValueType::string,
    "methods the \"none\" authentication request lists, comma-separated", "probes/ssh/ssh_login.cpp"};
inline constexpr ObservationKey password_auth{"ssh.password_auth", ValueType::boolean,
    "password or keyboard-interactive login is offered", "probes/ssh/ssh_login.cpp"};
inline constexpr ObservationKey host_key_bits_at{"ssh.host_key_bits.<algorithm>", ValueType::integer,
    "size in bits of the host key the server signed with when only that host-key algorithm was offered (RSA modulus, "
    "DSA p, ECDSA curve, Ed25519 256)", "probes/ssh/ssh_analyzer.cpp"};
inline constexpr ObservationKey host_key_sha256_at{"ssh.host_key_sha256.<algorithm>", ValueType::string,
    "that host key's SHA-256 fingerprint, as OpenSSH prints it (\"SHA256:…\", base64 without padding)",
    "probes/ssh/ssh_analyzer.cpp"};
inline constexpr ObservationKey gex_prime_bits{"ssh.gex.prime_bits", ValueType::integer,
    "smallest prime (bits) the server sent in SSH_MSG_KEX_DH_GEX_GROUP for any group-exchange request (intrusive: "
    "--allow ssh.gex)", "probes/ssh/ssh_analyzer.cpp"};
inline constexpr ObservationKey gex_groups{"ssh.gex.groups", ValueType::list,
    "one entry per group-exchange request: \"<algorithm> <min>/<n>/<max>: <bits>-bit prime[ (<well-known name>)]\" "
    "or \": disconnect (<description>)\" or \": no group (<why>)\"", "probes/ssh/ssh_analyzer.cpp"};
inline constexpr ObservationKey intrusive_skipped{"ssh.intrusive_skipped", ValueType::list,
    "ids of the intrusive SSH probes the run did not select (\"ssh.gex\"), with why in the evidence",
    "probes/ssh/ssh_analyzer.cpp"};
inline constexpr ObservationKey all[] = {
    proto_version, software, product, version, comments, kex_algorithms, host_key_algorithms, ciphers, macs, compression,
    auth_methods, password_auth, host_key_bits_at, host_key_sha256_at, gex_prime_bits, gex_groups, intrusive_skipped
};

}  // namespace trustscan::keys::ssh
