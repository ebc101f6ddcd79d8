// libFuzzer harness for probes/dtls/dtls.hpp. The input is what a DTLS server sends after our
// hello (datagrams appended: a record stream); seeds in corpus/dtls/ are real replies of Debian
// 12's openssl s_server -dtls1_2 and libcoap's coap-server-openssl / -gnutls (HelloVerifyRequest,
// certificate and PSK flights, alerts: make_dtls_seeds.py) and crafted fragmented flights.
//
// Besides "no crash, no UB", it traps on broken invariants: caps respected, a done answer keeps
// no cookie and ServerHello together, and the answer never depends on where a record stream is
// cut (a prefix of a done input at a record boundary is need_more or the same done), and the
// builder's hello (every option driven by the input) is one well-formed record the parser never
// takes for a server flight.
#include "probes/dtls/dtls.hpp"

#include <cstddef>
#include <cstdint>
#include <vector>

using namespace trustscan;

namespace {

void fuzz_dtls_caps(const DtlsFlight& f) {
  if (f.records > kDtlsMaxRecords || f.fragments > kDtlsMaxFragments) __builtin_trap();
  if (f.cookie && f.cookie->size() > kDtlsMaxCookie) __builtin_trap();
  if (f.raw_public_key.size() > kTlsMaxCertificateBytes) __builtin_trap();
  if (f.tls.certificates.size() > kTlsMaxCertificates) __builtin_trap();
  (void)dtls_version_name(f.version);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const Bytes in(data, size);
  DtlsFlight whole;
  const Parse r = parse_dtls_flight(in, whole);
  fuzz_dtls_caps(whole);
  if (r == Parse::done && whole.cookie && whole.tls.server_hello) __builtin_trap();
  // Prefixes ending at each record boundary: a done input is never invalid earlier.
  if (r == Parse::done) {
    std::size_t at = 0;
    while (at + 13 <= size) {
      const std::size_t len = (std::size_t{data[at + 11]} << 8) | data[at + 12];
      at += 13 + len;
      if (at > size) break;
      DtlsFlight part;
      const Parse pr = parse_dtls_flight(in.first(at), part);
      fuzz_dtls_caps(part);
      if (pr == Parse::invalid) __builtin_trap();
    }
  }
  // The input as the handshake payload of one record.
  if (size > 0 && size < 16384) {
    std::vector<std::uint8_t> rec = {22, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 1,
                                     static_cast<std::uint8_t>(size >> 8), static_cast<std::uint8_t>(size)};
    rec.insert(rec.end(), data, data + size);
    DtlsFlight f;
    (void)parse_dtls_flight(rec, f);
    fuzz_dtls_caps(f);
  }
  // The builder.
  if (size >= 4) {
    DtlsHelloSpec spec;
    const std::uint8_t opt = data[0];
    spec.version = (opt & 3) == 0 ? kDtls10 : (opt & 3) == 1 ? kDtls13 : kDtls12;
    spec.tls.max_suites = data[1];
    for (std::size_t i = 2; i + 1 < size; i += 2) spec.tls.cipher_suites.push_back(static_cast<std::uint16_t>((data[i] << 8) | data[i + 1]));
    spec.cookie.assign(data, data + std::min<std::size_t>(size, 300));
    spec.server_certificate_types.assign(data, data + std::min<std::size_t>(size, data[2] % 12));
    spec.message_seq = data[3];
    spec.tls.server_name.assign(reinterpret_cast<const char*>(data), std::min<std::size_t>(size, 64));
    const auto h = build_dtls_client_hello(spec);
    const auto& b = h.bytes;
    if (b.size() < 25 || b[0] != 22 || b[1] != 0xfe) __builtin_trap();
    if (((std::size_t{b[11]} << 8) | b[12]) != b.size() - 13) __builtin_trap();
    const std::size_t len = (std::size_t{b[14]} << 16) | (std::size_t{b[15]} << 8) | b[16];
    if (len != b.size() - 25) __builtin_trap();
    DtlsFlight echo;
    if (parse_dtls_flight(b, echo) == Parse::done) __builtin_trap();
  }
  return 0;
}
