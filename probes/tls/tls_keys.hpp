// trustscan — TLS observation keys: the server analysis and ClientHello fingerprints (docs/observations.md).
//
// Producers and C++ checks name these constants, never the strings, so a typo does not compile;
// the catalog (scanner/core/observation_keys.cpp) lists them and generates docs/observations.md.
#pragma once

#include "trustscan/observation_key.hpp"

namespace trustscan::keys::tls {

inline constexpr ObservationKey versions{"tls.versions", ValueType::list,
    "\"SSLv2\" … \"TLSv1.3\": protocol versions that completed a ServerHello", "probes/tls/tls_analyzer.cpp"};
inline constexpr ObservationKey ciphers_at{"tls.ciphers.<version>", ValueType::list,
    "IANA names of the suites accepted at that version, in the order found", "probes/tls/tls_analyzer.cpp"};
inline constexpr ObservationKey cipher_order_at{"tls.cipher_order.<version>", ValueType::string,
    "\"server\" (it keeps its own order) or \"client\", with two suites or more", "probes/tls/tls_analyzer.cpp"};
inline constexpr ObservationKey preferred_at{"tls.preferred.<version>", ValueType::string,
    "the suite the server chose whatever the client's order", "probes/tls/tls_analyzer.cpp"};
inline constexpr ObservationKey weak_ciphers{"tls.weak_ciphers", ValueType::list,
    "\"<version> <suite> (<why>)\" for NULL/EXPORT/anon/RC4/DES/3DES/IDEA/RC2/MD5 suites", "probes/tls/tls_analyzer.cpp"};
inline constexpr ObservationKey forward_secrecy{"tls.forward_secrecy", ValueType::boolean,
    "an (EC)DHE suite was accepted; absent when no suite was", "probes/tls/tls_analyzer.cpp"};
inline constexpr ObservationKey dh_prime{"tls.dh_prime", ValueType::string,
    "the smallest DHE prime's name when it is a published one (\"RFC 2409 Oakley group 2\", \"RFC 7919 ffdhe2048\"…: "
    "probes/tls/dh_primes.cpp), else \"sha256:\" and the prime's SHA-256 in hex", "probes/tls/tls_analyzer.cpp"};
inline constexpr ObservationKey dh_bits{"tls.dh_bits", ValueType::integer,
    "smallest DHE prime seen, in bits", "probes/tls/tls_analyzer.cpp"};
inline constexpr ObservationKey ecdhe_curves{"tls.ecdhe_curves", ValueType::list,
    "groups the server chose for ECDHE", "probes/tls/tls_analyzer.cpp"};
inline constexpr ObservationKey ecdhe_bits{"tls.ecdhe_bits", ValueType::integer,
    "size of the smallest of those groups, in bits", "probes/tls/tls_analyzer.cpp"};
inline constexpr ObservationKey secure_renegotiation{"tls.secure_renegotiation", ValueType::boolean,
    "RFC 5746 renegotiation_info in the ServerHello (TLS <= 1.2)", "probes/tls/tls_analyzer.cpp"};
inline constexpr ObservationKey fallback_scsv{"tls.fallback_scsv", ValueType::boolean,
    "a hello at the second highest version with TLS_FALLBACK_SCSV was refused", "probes/tls/tls_analyzer.cpp"};
inline constexpr ObservationKey compression{"tls.compression", ValueType::boolean,
    "DEFLATE chosen when offered at the highest version <= 1.2 (CRIME)", "probes/tls/tls_analyzer.cpp"};
inline constexpr ObservationKey starttls{"tls.starttls", ValueType::string,
    "\"ftp\": TLS reached through FTP AUTH TLS", "probes/tls/tls_analyzer.cpp"};
inline constexpr ObservationKey cert_subject{"tls.cert.subject", ValueType::string,
    "server certificate's subject name", "probes/tls/tls_analyzer.cpp"};
inline constexpr ObservationKey cert_issuer{"tls.cert.issuer", ValueType::string,
    "its issuer name", "probes/tls/tls_analyzer.cpp"};
inline constexpr ObservationKey cert_not_before{"tls.cert.not_before", ValueType::string,
    "start of its validity", "probes/tls/tls_analyzer.cpp"};
inline constexpr ObservationKey cert_not_after{"tls.cert.not_after", ValueType::string,
    "end of its validity", "probes/tls/tls_analyzer.cpp"};
inline constexpr ObservationKey cert_expired{"tls.cert.expired", ValueType::boolean,
    "notAfter is in the past", "probes/tls/tls_analyzer.cpp"};
inline constexpr ObservationKey cert_not_yet_valid{"tls.cert.not_yet_valid", ValueType::boolean,
    "notBefore is in the future", "probes/tls/tls_analyzer.cpp"};
inline constexpr ObservationKey cert_self_signed{"tls.cert.self_signed", ValueType::boolean,
    "subject equals issuer, or the certificate verifies its own signature", "probes/tls/tls_analyzer.cpp"};
inline constexpr ObservationKey cert_signature{"tls.cert.signature", ValueType::string,
    "signature algorithm (\"sha256WithRSAEncryption\")", "probes/tls/tls_analyzer.cpp"};
inline constexpr ObservationKey cert_key_type{"tls.cert.key_type", ValueType::string,
    "\"RSA\", \"EC\", \"DSA\" or the key's short name", "probes/tls/tls_analyzer.cpp"};
inline constexpr ObservationKey cert_key_bits{"tls.cert.key_bits", ValueType::integer,
    "public key size in bits", "probes/tls/tls_analyzer.cpp"};
inline constexpr ObservationKey cert_name_match{"tls.cert.name_match", ValueType::boolean,
    "the certificate matches the name or address scanned", "probes/tls/tls_analyzer.cpp"};
inline constexpr ObservationKey cert_verified{"tls.cert.verified", ValueType::boolean,
    "the chain the server sent (leaf + the rest as untrusted intermediates) verifies against the --ca-file at scan "
    "time, without OpenSSL's security level (absent without a --ca-file)", "probes/tls/tls_analyzer.cpp"};
inline constexpr ObservationKey cert_verify_error{"tls.cert.verify_error", ValueType::string,
    "why it does not: \"incomplete_chain\" (an issuer neither sent nor in the --ca-file), \"unknown_root\", "
    "\"self_signed\", \"expired\", \"not_yet_valid\", \"bad_signature\", \"invalid_ca\", \"invalid_purpose\", "
    "\"path_length\", \"revoked\", \"other\"; \"ca_file_unreadable\" (no verification)", "probes/tls/tls_analyzer.cpp"};
inline constexpr ObservationKey cert_verify_message{"tls.cert.verify_message", ValueType::string,
    "OpenSSL's text for that error (\"unable to get local issuer certificate\")", "probes/tls/tls_analyzer.cpp"};
inline constexpr ObservationKey cert_chain_length{"tls.cert.chain_length", ValueType::integer,
    "certificates the server sent, leaf included", "probes/tls/tls_analyzer.cpp"};
inline constexpr ObservationKey cert_chain_complete{"tls.cert.chain_complete", ValueType::boolean,
    "the certificates sent lead from the leaf to a self-signed root or to a certificate whose issuer is in the "
    "--ca-file", "probes/tls/tls_analyzer.cpp"};
inline constexpr ObservationKey cert_chain_sha256{"tls.cert.chain_sha256", ValueType::list,
    "SHA-256 (hex) of each certificate the server sent and the scan kept (at most 10, each at most 16 KiB), leaf "
    "first; the certificates themselves are in the evidence bundle as PEM", "probes/tls/tls_analyzer.cpp"};
inline constexpr ObservationKey extended_master_secret{"tls.extended_master_secret", ValueType::boolean,
    "RFC 7627 extended_master_secret in the ServerHello at every version TLS 1.0-1.2 the server speaks (every hello "
    "offers it); absent when it speaks none of them", "probes/tls/tls_analyzer.cpp"};
inline constexpr ObservationKey groups_at{"tls.groups.<version>", ValueType::list,
    "groups the server accepted at TLSv1.3 (named in key_share or HelloRetryRequest) or at the highest version <= 1.2 "
    "with an ECDHE suite (the ServerKeyExchange curve), in the order chosen when each hello offers the rest; at most 12 "
    "hellos", "probes/tls/tls_analyzer.cpp"};
inline constexpr ObservationKey signature_algorithms{"tls.signature_algorithms", ValueType::list,
    "algorithms the server signed its TLSv1.2 ServerKeyExchange with, in the order chosen when each hello offers the "
    "rest (\"rsa_pss_rsae_sha256\", \"rsa_pkcs1_sha1\"); at most 12 hellos", "probes/tls/tls_analyzer.cpp"};
inline constexpr ObservationKey cert_lifetime_days{"tls.cert.lifetime_days", ValueType::integer,
    "the server certificate's validity period, notBefore to notAfter, in whole days", "probes/tls/tls_analyzer.cpp"};
inline constexpr ObservationKey cert_sha256{"tls.cert.sha256", ValueType::string,
    "SHA-256 (hex) of the server certificate's DER", "probes/tls/tls_analyzer.cpp"};
inline constexpr ObservationKey cert_spki_sha256{"tls.cert.spki_sha256", ValueType::string,
    "SHA-256 (hex) of the server certificate's SubjectPublicKeyInfo (DER): the key's fingerprint whatever the "
    "certificate", "probes/tls/tls_analyzer.cpp"};
inline constexpr ObservationKey cert_compromised_key{"tls.cert.compromised_key", ValueType::list,
    "names of the entries of the compromised-key list (profiles/data/compromised-keys.yaml, --compromised-keys) that a "
    "certificate sent or its public key matches; empty: none; absent when the list is empty",
    "probes/tls/tls_analyzer.cpp"};
inline constexpr ObservationKey client_version{"tls.client.version", ValueType::string,
    "highest version a ClientHello offers (\"TLSv1.3\", \"0x7F17\")", "probes/tls/ja_fingerprint.cpp"};
inline constexpr ObservationKey client_sni{"tls.client.sni", ValueType::string,
    "its server name, when sent", "probes/tls/ja_fingerprint.cpp"};
inline constexpr ObservationKey client_alpn{"tls.client.alpn", ValueType::list,
    "its ALPN protocols, when sent", "probes/tls/ja_fingerprint.cpp"};
inline constexpr ObservationKey client_ja3{"tls.client.ja3", ValueType::string,
    "its JA3 fingerprint (MD5)", "probes/tls/ja_fingerprint.cpp"};
inline constexpr ObservationKey client_ja4{"tls.client.ja4", ValueType::string,
    "its JA4 fingerprint", "probes/tls/ja_fingerprint.cpp"};
inline constexpr ObservationKey heartbleed{"tls.heartbleed", ValueType::boolean,
    "true: a heartbeat request claiming 16384 bytes of payload while carrying none got a longer heartbeat response "
    "(Heartbleed, CVE-2014-0160); false: an alert, a close, no answer or no longer response (intrusive: --safety "
    "intrusive or --allow tls.heartbleed)", "probes/tls/tls_vuln_analyzer.cpp"};
inline constexpr ObservationKey ccs_injection{"tls.ccs_injection", ValueType::boolean,
    "true: a ChangeCipherSpec sent right after ServerHelloDone (before any key exchange) got no alert and no close "
    "(CCS injection, CVE-2014-0224); false: an alert or a close (intrusive: --allow tls.ccs_injection)",
    "probes/tls/tls_vuln_analyzer.cpp"};
inline constexpr ObservationKey robot{"tls.robot", ValueType::boolean,
    "true: ClientKeyExchanges with correct and malformed PKCS#1 v1.5 paddings got different answers twice in a row "
    "(ROBOT, CVE-2017-13099); false: the same answer to each (intrusive: --allow tls.robot; only with an RSA key "
    "exchange suite accepted)", "probes/tls/tls_vuln_analyzer.cpp"};
inline constexpr ObservationKey client_renegotiation{"tls.client_renegotiation", ValueType::boolean,
    "true: after a full TLS 1.2 (or lower) handshake, a renegotiation the client asked for completed; false: it was "
    "refused (no_renegotiation alert, another alert, a close, or no answer) (intrusive: --allow tls.renegotiation)",
    "probes/tls/tls_vuln_analyzer.cpp"};
inline constexpr ObservationKey intrusive_skipped{"tls.intrusive_skipped", ValueType::list,
    "ids of the intrusive TLS probes the run did not select (\"tls.heartbleed\"…), with why in the evidence",
    "probes/tls/tls_vuln_analyzer.cpp"};
inline constexpr ObservationKey all[] = {
    versions, ciphers_at, cipher_order_at, preferred_at, weak_ciphers, forward_secrecy, dh_bits, dh_prime, ecdhe_curves, ecdhe_bits,
    secure_renegotiation, fallback_scsv, compression, starttls, cert_subject, cert_issuer, cert_not_before, cert_not_after,
    cert_expired, cert_not_yet_valid, cert_self_signed, cert_signature, cert_key_type, cert_key_bits, cert_name_match,
    cert_verified, cert_verify_error, cert_verify_message, cert_chain_length, cert_chain_complete, cert_chain_sha256,
    extended_master_secret, groups_at, signature_algorithms, cert_lifetime_days, cert_sha256, cert_spki_sha256,
    cert_compromised_key, client_version, client_sni, client_alpn, client_ja3, client_ja4, heartbleed, ccs_injection, robot,
    client_renegotiation, intrusive_skipped
};

}  // namespace trustscan::keys::tls
