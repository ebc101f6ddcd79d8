// libFuzzer harness for the device as a TLS client (issue 18, tls.client.validation): the
// server's first flight with its Certificate message (parse_server_hello_flight), what each
// certificate says of itself (certificate_summary, certificate_names_host: OpenSSL's DER
// decoder), the chain judged without a CA store (judge_chain), and the client's records after
// its hello (walk_tls_client_records).
//
// Input: a 2-byte big-endian length n, then n bytes of the server's stream, then the client's
// stream after its ClientHello. Broken invariants trap: more records than the cap, more
// application data than input, an alert that is both readable and encrypted, more SANs kept
// than the cap, a verdict without a CA store.
//
// Seeds: tests/fuzz/corpus/tls_client/ (tests/fuzz/make_tls_client_seeds.py, from the
// captures pcaps/make_tls_validation.sh made).
#include "probes/tls/tls.hpp"
#include "probes/tls/tls_chain.hpp"
#include "probes/tls/tls_client_stream.hpp"

#include <algorithm>
#include <cstdint>

using namespace trustscan;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const std::size_t n = std::min<std::size_t>((std::size_t{data[0]} << 8) | data[1], size - 2);
  const Bytes server(data + 2, n), client(data + 2 + n, size - 2 - n);

  ServerFlight sf;
  std::size_t used = 0;
  (void)parse_server_hello_flight(server, sf, used);
  if (sf.certificates.size() > kTlsMaxCertificates) __builtin_trap();
  for (const auto& der : sf.certificates) {
    const auto c = certificate_summary(der);
    if (c.sans.size() > CertificateSummary::kMaxSans || c.subject.size() > 256 || c.issuer.size() > 256) __builtin_trap();
    if (c.parsed && c.sha256.size() != 64) __builtin_trap();
    (void)certificate_names_host(der, "update.acme-iot.test");
    (void)certificate_names_host(der, "198.19.250.2");
  }
  static const TrustStore none("");
  const auto v = judge_chain(sf.certificates, sf.certificate_count, none, 1'796'000'000);
  if (v.verified) __builtin_trap();

  const auto r = walk_tls_client_records(client);
  if (r.records > TlsClientRecords::kMaxRecords || r.application_data_bytes > client.size()) __builtin_trap();
  if (r.alert_encrypted && r.alert_description) __builtin_trap();
  if (r.handshake_records + r.application_data_records > r.records) __builtin_trap();
  return 0;
}
