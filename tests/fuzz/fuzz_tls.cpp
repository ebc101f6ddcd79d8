// libFuzzer harness for probes/tls.hpp. The input is what a server sends after our hello (TLS
// records, or an SSLv2 record); seeds in corpus/tls/ are real replies of OpenSSL 3.0 s_server and
// GnuTLS 3.7.9 gnutls-serv (TLS 1.0-1.3, HRR, DHE, 3DES, RC4, alerts), and the ServerHello
// records OpenSSL sent with and without -serverpref (cipher order), and a TLS 1.2 flight of
// gnutls-serv with %DISABLE_SAFE_RENEGOTIATION:%NO_SESSION_HASH (no renegotiation_info, no
// extended_master_secret: gnutls_tls12_no_reneg_no_ems.bin).
//
// Besides "no crash, no UB", it traps on broken contract invariants: consumed within the input,
// caps respected, and incremental consistency (a prefix shorter than the done message is
// need_more, a longer one is done with the same answer; an invalid input has no done prefix).
// The input is also read as a bare handshake stream re-wrapped into records of an input-chosen
// size, which reaches the Certificate / ServerKeyExchange parsers far more often, and as a
// ClientHelloSpec for the builder (the result must stay one well-formed record ≤ 16 KiB).
#include "probes/tls/tls.hpp"
#include "probes/tls/tls_chain.hpp"
#include "probes/tls/tls_suites.hpp"

#include <cstddef>
#include <cstdint>
#include <vector>

using namespace trustscan;

namespace {

void check_caps(const ServerFlight& f) {
  if (f.certificates.size() > kTlsMaxCertificates) __builtin_trap();
  if (f.certificates.size() > f.certificate_count) __builtin_trap();
  for (const auto& c : f.certificates) {
    if (c.empty() || c.size() > kTlsMaxCertificateBytes) __builtin_trap();
  }
  if (f.warnings.size() > kTlsMaxWarningAlerts) __builtin_trap();
  if (f.records > kTlsMaxRecords) __builtin_trap();
  if (f.server_hello) {
    if (f.server_hello->extensions.size() > kTlsMaxExtensions) __builtin_trap();
    if (f.server_hello->session_id.size() > 32) __builtin_trap();
    if (f.server_hello->ec_point_formats.size() > 16) __builtin_trap();
    if (f.server_hello->alpn && (f.server_hello->alpn->empty() || f.server_hello->alpn->size() > 255)) {
      __builtin_trap();
    }
    (void)suite_name(f.server_hello->cipher_suite);
  }
  if (f.sslv2) {
    if (f.sslv2->cipher_kinds.size() > kSslv2MaxCipherKinds) __builtin_trap();
    if (f.sslv2->certificate.size() > kTlsMaxCertificateBytes) __builtin_trap();
    for (const auto k : f.sslv2->cipher_kinds) (void)sslv2_kind_name(k);
  }
  if (f.alert) (void)f.alert->name();
  // The certificates as the analyzer judges them (d2i_X509 of device bytes): no --ca-file, so
  // never a verification verdict; the count is at least what was kept; nothing unparsed is complete.
  if (!f.certificates.empty()) {
    const auto v = judge_chain(f.certificates, f.certificate_count, {}, 1700000000);
    if (v.verified || v.sent < f.certificates.size() || (!v.parsed && v.complete)) __builtin_trap();
  }
  if (f.ecdhe_curve) (void)named_group_name(*f.ecdhe_curve);
  // What the analyzer reads from each certificate: the key fingerprint only of a certificate
  // that parses, a 64-digit one; the ECDSA curve only of a named P-curve.
  for (const auto& c : f.certificates) {
    const auto k = certificate_key(c);
    if (!k.parsed && (!k.spki_sha256.empty() || k.lifetime_days || k.ec_group)) __builtin_trap();
    if (!k.spki_sha256.empty() && k.spki_sha256.size() != 64) __builtin_trap();
    if (k.ec_group && (*k.ec_group < 0x0017 || *k.ec_group > 0x0019)) __builtin_trap();
  }
  // The names the group and signature-algorithm enumeration reports.
  if (f.ske_signature_algorithm && signature_scheme_name(*f.ske_signature_algorithm).empty()) __builtin_trap();
  if (f.server_hello && f.server_hello->key_share_group && named_group_name(*f.server_hello->key_share_group).empty())
    __builtin_trap();
  // What the analyzer concludes from one flight agrees with the flight.
  if (tls_compression_accepted(f) && (!f.server_hello || f.server_hello->compression != 1)) __builtin_trap();
  switch (tls_fallback_answer(f, f.negotiated_version == 0 ? 0x0302 : f.negotiated_version)) {
    case TlsFallbackAnswer::refused:
      if (f.server_hello || !f.alert || f.alert->description != 86) __builtin_trap();
      break;
    case TlsFallbackAnswer::accepted:
      if (!f.server_hello) __builtin_trap();
      break;
    case TlsFallbackAnswer::other: break;
  }
  if (f.server_hello) {
    const std::uint16_t offered[] = {f.server_hello->cipher_suite, 0x002f};
    if (tls_cipher_order(offered, f.server_hello->cipher_suite, f.server_hello->cipher_suite) != TlsCipherOrder::server) {
      __builtin_trap();
    }
  }
  (void)tls_version_name(f.negotiated_version);
}

bool same(const ServerFlight& a, const ServerFlight& b) {
  if (a.server_hello.has_value() != b.server_hello.has_value()) return false;
  if (a.server_hello && (a.server_hello->cipher_suite != b.server_hello->cipher_suite ||
                         a.server_hello->random != b.server_hello->random ||
                         a.server_hello->extensions != b.server_hello->extensions)) {
    return false;
  }
  if (a.alert.has_value() != b.alert.has_value()) return false;
  if (a.alert && a.alert->description != b.alert->description) return false;
  return a.negotiated_version == b.negotiated_version && a.certificates == b.certificates &&
         a.certificate_count == b.certificate_count && a.dh_prime_bits == b.dh_prime_bits &&
         a.ecdhe_curve == b.ecdhe_curve && a.server_hello_done == b.server_hello_done &&
         a.sslv2.has_value() == b.sslv2.has_value();
}

// The whole input, and one prefix chosen by the input, against the stream contract.
void check_stream(Bytes in, std::size_t split) {
  ServerFlight whole;
  std::size_t used = 0;
  const Parse r = parse_server_hello_flight(in, whole, used);
  if (r == Parse::done) {
    if (used == 0 || used > in.size()) __builtin_trap();
    check_caps(whole);
  } else if (used != 0) {
    __builtin_trap();
  }
  ServerFlight part;
  std::size_t part_used = 0;
  const Parse pr = parse_server_hello_flight(in.first(split), part, part_used);
  if (r == Parse::invalid && pr == Parse::done) __builtin_trap();
  if (r == Parse::done) {
    if (split < used && pr != Parse::need_more) __builtin_trap();
    if (split >= used && (pr != Parse::done || part_used != used || !same(part, whole))) {
      __builtin_trap();
    }
  }
  if (r == Parse::need_more && pr != Parse::need_more) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const Bytes in(data, size);
  const std::size_t split = size == 0 ? 0 : (data[0] * 131u + data[size - 1]) % (size + 1);
  check_stream(in, split);

  // The input as a handshake stream behind a TLS 1.2 record layer.
  if (size >= 2) {
    const std::size_t chunk = 1 + (data[size - 1] % 64) * 97 % 16384;
    std::vector<std::uint8_t> recs;
    for (std::size_t p = 0; p < size; p += chunk) {
      const std::size_t n = std::min(chunk, size - p);
      recs.insert(recs.end(), {22, 3, 3, static_cast<std::uint8_t>(n >> 8),
                               static_cast<std::uint8_t>(n)});
      recs.insert(recs.end(), data + p, data + p + n);
    }
    check_stream(recs, split * recs.size() / (size + 1));
  }

  // The builder: every option and list driven by the input.
  if (size >= 4) {
    ClientHelloSpec spec;
    const std::uint8_t f = data[0];
    spec.version = static_cast<TlsVersion>(0x0300 + data[1] % 5);
    spec.extensions = (f & 1) == 0;
    spec.deflate = (f & 2) != 0;
    spec.fallback_scsv = (f & 4) != 0;
    spec.status_request = spec.session_ticket = (f & 8) != 0;
    spec.heartbeat = spec.encrypt_then_mac = (f & 16) != 0;
    spec.padding = (f & 32) != 0;
    spec.renegotiation = static_cast<TlsRenegotiationSignal>((f >> 6) % 3);
    spec.max_suites = data[2] * 4u;
    for (std::size_t i = 3; i + 1 < size; i += 2) {
      spec.cipher_suites.push_back(static_cast<std::uint16_t>((data[i] << 8) | data[i + 1]));
    }
    spec.server_name.assign(reinterpret_cast<const char*>(data), std::min<std::size_t>(size, 300));
    if ((f & 8) != 0) spec.supported_versions.assign(spec.cipher_suites.begin(), spec.cipher_suites.end());
    if ((f & 16) != 0) spec.alpn.assign(data[3], std::string(data[2], 'a'));
    spec.session_id.assign(data, data + std::min<std::size_t>(size, 40));
    const ClientHello h = build_client_hello(spec);
    const auto& b = h.bytes;
    if (b.size() < 9 || b.size() > 5 + 16384 || b[0] != 22) __builtin_trap();
    if (static_cast<std::size_t>((b[3] << 8) | b[4]) != b.size() - 5) __builtin_trap();
    if (h.offered_suites.size() > kTlsMaxHelloSuites) __builtin_trap();
    // Our own hello is never mistaken for a server reply.
    ServerFlight echo;
    std::size_t used = 0;
    if (parse_server_hello_flight(b, echo, used) != Parse::invalid) __builtin_trap();

    std::vector<std::uint32_t> specs;
    for (std::size_t i = 0; i + 2 < size; i += 3) {
      specs.push_back((std::uint32_t{data[i]} << 16) | (std::uint32_t{data[i + 1]} << 8) | data[i + 2]);
    }
    const auto v2 = build_sslv2_client_hello(specs, in.first(std::min<std::size_t>(size, 32)));
    if (size >= 16 && (v2.size() < 2 || ((v2[0] & 0x7fu) << 8 | v2[1]) != v2.size() - 2)) {
      __builtin_trap();
    }
  }
  return 0;
}
