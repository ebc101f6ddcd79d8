// Parser tests for probes/dtls/dtls.hpp: the DTLS ClientHello builder and the server flight
// parser (records, HelloVerifyRequest, fragments reassembled, DTLS versions read as TLS, raw
// public keys). Crafted bytes, built field by field below from RFC 6347 §4.1/§4.2 and RFC 7250
// §3; the real servers' flights are read by the DTLS probe's tests against openssl s_server and
// libcoap (tests/integration/test_dtls_servers.cpp).
#include "probes/dtls/dtls.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <vector>

using namespace trustscan;

namespace {

using DtlsBuf = std::vector<std::uint8_t>;

void dt_put16(DtlsBuf& v, std::size_t x) {
  v.push_back(static_cast<std::uint8_t>(x >> 8));
  v.push_back(static_cast<std::uint8_t>(x));
}
void dt_put24(DtlsBuf& v, std::size_t x) {
  v.push_back(static_cast<std::uint8_t>(x >> 16));
  dt_put16(v, x & 0xffff);
}

// A record: type, version, epoch, 48-bit sequence, payload.
DtlsBuf dt_record(std::uint8_t type, const DtlsBuf& payload, std::uint16_t version = 0xfefd, std::uint16_t epoch = 0,
                  std::uint64_t seq = 0) {
  DtlsBuf r{type};
  dt_put16(r, version);
  dt_put16(r, epoch);
  for (int s = 40; s >= 0; s -= 8) r.push_back(static_cast<std::uint8_t>(seq >> s));
  dt_put16(r, payload.size());
  r.insert(r.end(), payload.begin(), payload.end());
  return r;
}

// One handshake fragment: body[off, off+len) of a message of body.size() bytes.
DtlsBuf dt_fragment(std::uint8_t type, std::uint16_t msg_seq, const DtlsBuf& body, std::size_t off, std::size_t len) {
  DtlsBuf f{type};
  dt_put24(f, body.size());
  dt_put16(f, msg_seq);
  dt_put24(f, off);
  dt_put24(f, len);
  f.insert(f.end(), body.begin() + static_cast<std::ptrdiff_t>(off), body.begin() + static_cast<std::ptrdiff_t>(off + len));
  return f;
}
DtlsBuf dt_message(std::uint8_t type, std::uint16_t msg_seq, const DtlsBuf& body) {
  return dt_fragment(type, msg_seq, body, 0, body.size());
}

// A ServerHello body: version, random, empty session id, suite, null compression, extensions.
DtlsBuf dt_server_hello(std::uint16_t version, std::uint16_t suite, const DtlsBuf& extensions) {
  DtlsBuf b;
  dt_put16(b, version);
  for (int i = 0; i < 32; ++i) b.push_back(static_cast<std::uint8_t>(0x40 + i));
  b.push_back(0);
  dt_put16(b, suite);
  b.push_back(0);
  dt_put16(b, extensions.size());
  b.insert(b.end(), extensions.begin(), extensions.end());
  return b;
}
DtlsBuf dt_ext(std::uint16_t type, const DtlsBuf& data) {
  DtlsBuf e;
  dt_put16(e, type);
  dt_put16(e, data.size());
  e.insert(e.end(), data.begin(), data.end());
  return e;
}
DtlsBuf dt_cat(std::initializer_list<DtlsBuf> parts) {
  DtlsBuf out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

// renegotiation_info (empty) + extended_master_secret.
const DtlsBuf kDtRenegEms = dt_cat({dt_ext(0xff01, {0}), dt_ext(23, {})});

Parse dt_parse(const DtlsBuf& in, DtlsFlight& f) { return parse_dtls_flight(Bytes(in), f); }

}  // namespace

TEST_CASE("dtls: the ClientHello is one record holding one unfragmented hello, with the cookie after the session id") {
  DtlsHelloSpec spec;
  spec.tls.cipher_suites = {0xc0a8, 0xc0ae, 0xc02b};
  spec.cookie = {0xaa, 0xbb, 0xcc};
  spec.message_seq = 1;
  spec.record_sequence = 1;
  const auto h = build_dtls_client_hello(spec);
  const auto& b = h.bytes;
  REQUIRE(b.size() > 13 + 12 + 40);
  CHECK(b[0] == 22);
  CHECK(b[1] == 0xfe);
  CHECK(b[2] == 0xff);  // record version DTLS 1.0: what every server accepts in a first hello
  CHECK(b[10] == 1);    // sequence number 1
  CHECK(((b[11] << 8) | b[12]) == static_cast<int>(b.size() - 13));
  const std::size_t hs = 13;
  CHECK(b[hs] == 1);  // ClientHello
  const std::size_t len = (std::size_t{b[hs + 1]} << 16) | (b[hs + 2] << 8) | b[hs + 3];
  CHECK(len == b.size() - 25);
  CHECK(((b[hs + 4] << 8) | b[hs + 5]) == 1);                                    // message_seq
  CHECK(((b[hs + 6] << 16) | (b[hs + 7] << 8) | b[hs + 8]) == 0);                // fragment offset
  CHECK(((std::size_t{b[hs + 9]} << 16) | (b[hs + 10] << 8) | b[hs + 11]) == len);  // fragment length
  const std::size_t body = hs + 12;
  CHECK(b[body] == 0xfe);
  CHECK(b[body + 1] == 0xfd);  // client_version DTLS 1.2
  CHECK(b[body + 34] == 0);    // empty session id
  CHECK(b[body + 35] == 3);    // cookie length
  CHECK(b[body + 36] == 0xaa);
  CHECK(b[body + 38] == 0xcc);
  const std::size_t suites = body + 39;
  CHECK(((b[suites] << 8) | b[suites + 1]) >= 6);
  CHECK(((b[suites + 2] << 8) | b[suites + 3]) == 0xc0a8);
  CHECK(h.offered_suites == std::vector<std::uint16_t>{0xc0a8, 0xc0ae, 0xc02b});
  // Our own hello is never taken for a server's flight.
  DtlsFlight f;
  CHECK(dt_parse(b, f) != Parse::done);
}

TEST_CASE("dtls: DTLS 1.0 hellos say 0xFEFF, DTLS 1.3 hellos list 0xFEFC in supported_versions, RFC 7250 types are sent") {
  DtlsHelloSpec spec;
  spec.tls.cipher_suites = {0x002f};
  spec.version = kDtls10;
  auto b = build_dtls_client_hello(spec).bytes;
  CHECK(b[25] == 0xfe);
  CHECK(b[26] == 0xff);
  spec.version = kDtls13;
  spec.tls.cipher_suites = {0x1301};
  spec.server_certificate_types = {kCertTypeRawPublicKey};
  b = build_dtls_client_hello(spec).bytes;
  CHECK(b[25] == 0xfe);
  CHECK(b[26] == 0xfd);
  const DtlsBuf sv = {0x00, 0x2b, 0x00, 0x03, 0x02, 0xfe, 0xfc};
  CHECK(std::search(b.begin(), b.end(), sv.begin(), sv.end()) != b.end());
  const DtlsBuf ct = {0x00, 0x14, 0x00, 0x02, 0x01, 0x02};
  CHECK(std::search(b.begin(), b.end(), ct.begin(), ct.end()) != b.end());
  const DtlsBuf tls13 = {0x03, 0x04};  // the TLS 1.3 code never goes out
  CHECK(std::search(b.begin(), b.end(), sv.begin(), sv.begin() + 4) != b.end());
  CHECK(std::search(b.begin() + 27, b.end(), tls13.begin(), tls13.end()) == b.end());
}

TEST_CASE("dtls: a HelloVerifyRequest ends the flight with its cookie") {
  DtlsBuf hvr{0xfe, 0xff, 4, 1, 2, 3, 4};
  const auto in = dt_record(22, dt_message(3, 0, hvr), 0xfeff);
  DtlsFlight f;
  CHECK(dt_parse(in, f) == Parse::done);
  REQUIRE(f.cookie);
  CHECK(*f.cookie == DtlsBuf{1, 2, 3, 4});
  CHECK(f.hello_verify_version == 0xfeff);
  CHECK(f.record_version == 0xfeff);
  // Cut anywhere: need_more, never a wrong answer.
  for (std::size_t n = 0; n < in.size(); ++n) {
    DtlsFlight part;
    CHECK(parse_dtls_flight(Bytes(in).first(n), part) == Parse::need_more);
  }
  // A cookie longer than its message is invalid.
  hvr[2] = 9;
  CHECK(dt_parse(dt_record(22, dt_message(3, 0, hvr)), f) == Parse::invalid);
}

TEST_CASE("dtls: ServerHello, Certificate, ServerHelloDone read as TLS 1.2 with the DTLS version kept") {
  const auto sh = dt_server_hello(0xfefd, 0xc02f, kDtRenegEms);
  const DtlsBuf cert_der = {0x30, 0x03, 0x02, 0x01, 0x05};  // not a certificate: the list is what is read
  DtlsBuf cert;
  dt_put24(cert, cert_der.size() + 3);
  dt_put24(cert, cert_der.size());
  cert.insert(cert.end(), cert_der.begin(), cert_der.end());
  const auto in = dt_cat({dt_record(22, dt_cat({dt_message(2, 1, sh), dt_message(11, 2, cert)}), 0xfefd, 0, 1),
                          dt_record(22, dt_message(14, 3, {}), 0xfefd, 0, 2)});
  DtlsFlight f;
  REQUIRE(dt_parse(in, f) == Parse::done);
  CHECK(f.version == kDtls12);
  REQUIRE(f.tls.server_hello);
  CHECK(f.tls.negotiated_version == 0x0303);
  CHECK(f.tls.server_hello->cipher_suite == 0xc02f);
  CHECK(f.tls.server_hello->renegotiation_info);
  CHECK(f.tls.server_hello->extended_master_secret);
  CHECK(f.tls.server_hello_done);
  REQUIRE(f.tls.certificates.size() == 1);
  CHECK(f.tls.certificates[0] == cert_der);
  CHECK(f.records == 2);
  CHECK_FALSE(f.reassembled);
  // Without the ServerHelloDone record: need_more.
  DtlsFlight part;
  CHECK(parse_dtls_flight(Bytes(in).first(in.size() - 25), part) == Parse::need_more);
}

TEST_CASE("dtls: fragments out of order and retransmitted are reassembled, and a missing one waits") {
  const auto sh = dt_server_hello(0xfefd, 0x00a8, kDtRenegEms);  // TLS_PSK_WITH_AES_128_GCM_SHA256
  REQUIRE(sh.size() > 45);
  const auto a = dt_record(22, dt_fragment(2, 1, sh, 0, 20));
  const auto b = dt_record(22, dt_fragment(2, 1, sh, 20, 20));
  const auto c = dt_record(22, dt_fragment(2, 1, sh, 40, sh.size() - 40));
  const auto done = dt_record(22, dt_message(14, 2, {}));
  DtlsFlight f;
  REQUIRE(dt_parse(dt_cat({c, done, a, a, b}), f) == Parse::done);
  CHECK(f.reassembled);
  CHECK(f.fragments == 5);
  REQUIRE(f.tls.server_hello);
  CHECK(f.tls.server_hello->cipher_suite == 0x00a8);
  // Overlapping fragments are fine too.
  CHECK(dt_parse(dt_cat({dt_record(22, dt_fragment(2, 1, sh, 0, 30)), dt_record(22, dt_fragment(2, 1, sh, 10, sh.size() - 10)), done}), f) ==
        Parse::done);
  // The middle never came: the flight is not done, even with ServerHelloDone there.
  CHECK(dt_parse(dt_cat({a, c, done}), f) == Parse::need_more);
  CHECK_FALSE(f.tls.server_hello);
  // The ServerHello lost, the rest there: wait for the retransmission.
  CHECK(dt_parse(done, f) == Parse::need_more);
}

TEST_CASE("dtls: an alert in epoch 0 ends the flight, records of later epochs are skipped") {
  const auto alert = dt_record(21, {2, 40});
  DtlsFlight f;
  REQUIRE(dt_parse(alert, f) == Parse::done);
  REQUIRE(f.tls.alert);
  CHECK(f.tls.alert->name() == "handshake_failure");
  CHECK_FALSE(f.tls.server_hello);
  const auto encrypted = dt_record(23, {1, 2, 3, 4, 5, 6, 7, 8}, 0xfefd, 1);
  CHECK(dt_parse(dt_cat({encrypted, alert}), f) == Parse::done);
  CHECK(f.encrypted_records == 1);
}

TEST_CASE("dtls: a DTLS 1.3 ServerHello (supported_versions 0xFEFC) is done, its encrypted rest skipped") {
  const auto sh = dt_server_hello(0xfefd, 0x1301, dt_cat({dt_ext(43, {0xfe, 0xfc}), dt_ext(51, {0, 0x1d, 0, 1, 9})}));
  const DtlsBuf unified = {0x2c, 0x00, 0x01, 0x00, 0x05, 1, 2, 3, 4, 5};  // RFC 9147 §4 unified header
  DtlsFlight f;
  REQUIRE(dt_parse(dt_cat({dt_record(22, dt_message(2, 0, sh)), unified}), f) == Parse::done);
  CHECK(f.version == kDtls13);
  CHECK(f.tls.negotiated_version == 0x0304);
  CHECK(dtls_version_name(f.version) == "DTLSv1.3");
  CHECK(f.encrypted_records == 1);
}

TEST_CASE("dtls: a raw public key (RFC 7250) is read as one SubjectPublicKeyInfo, not a certificate list") {
  const auto sh = dt_server_hello(0xfefd, 0xc0ae, dt_cat({kDtRenegEms, dt_ext(20, {kCertTypeRawPublicKey})}));
  const DtlsBuf spki = {0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01};
  DtlsBuf cert;
  dt_put24(cert, spki.size());
  cert.insert(cert.end(), spki.begin(), spki.end());
  const auto in = dt_record(22, dt_cat({dt_message(2, 1, sh), dt_message(11, 2, cert), dt_message(14, 3, {})}));
  DtlsFlight f;
  REQUIRE(dt_parse(in, f) == Parse::done);
  CHECK(f.server_certificate_type == kCertTypeRawPublicKey);
  CHECK(f.raw_public_key == spki);
  CHECK(f.tls.certificates.empty());
  // A length that disagrees with the message is invalid.
  cert[2] = static_cast<std::uint8_t>(cert[2] + 1);
  CHECK(dt_parse(dt_record(22, dt_cat({dt_message(2, 1, sh), dt_message(11, 2, cert)})), f) == Parse::invalid);
}

TEST_CASE("dtls: malformed records and fragments are invalid, caps hold") {
  DtlsFlight f;
  const auto sh = dt_server_hello(0xfefd, 0xc02f, {});
  CHECK(dt_parse(dt_record(22, dt_message(2, 1, sh), 0x0303), f) == Parse::invalid);  // a TLS record version
  CHECK(dt_parse(dt_record(19, {1}), f) == Parse::invalid);                           // not a content type
  auto beyond = dt_fragment(2, 1, sh, 10, 20);
  beyond[3] = 15;  // message length 15 < offset + length
  CHECK(dt_parse(dt_record(22, beyond), f) == Parse::invalid);
  // Two fragments of one message_seq that disagree on the length.
  auto other = dt_fragment(2, 1, sh, 0, 10);
  other[3] = static_cast<std::uint8_t>(other[3] + 1);
  CHECK(dt_parse(dt_cat({dt_record(22, dt_fragment(2, 1, sh, 10, 10)), dt_record(22, other)}), f) == Parse::invalid);
  // A fragment header cut inside its record.
  CHECK(dt_parse(dt_record(22, {2, 0, 0, 5, 0}), f) == Parse::invalid);
  // A message longer than the cap.
  DtlsBuf huge{2};
  dt_put24(huge, kDtlsMaxMessageLength + 1);
  dt_put16(huge, 1);
  dt_put24(huge, 0);
  dt_put24(huge, 0);
  CHECK(dt_parse(dt_record(22, huge), f) == Parse::invalid);
  // More distinct messages than the cap.
  DtlsBuf many;
  for (std::size_t i = 0; i <= kDtlsMaxMessages; ++i) {
    const auto r = dt_record(22, dt_fragment(12, static_cast<std::uint16_t>(i), DtlsBuf(4, 0), 0, 1));
    many.insert(many.end(), r.begin(), r.end());
  }
  CHECK(dt_parse(many, f) == Parse::invalid);
  // More records than the cap.
  DtlsBuf records;
  for (std::size_t i = 0; i <= kDtlsMaxRecords; ++i) {
    const auto r = dt_record(23, {0}, 0xfefd, 1);
    records.insert(records.end(), r.begin(), r.end());
  }
  CHECK(dt_parse(records, f) == Parse::invalid);
  CHECK(parse_dtls_flight(Bytes(DtlsBuf(kDtlsMaxFlight + 1, 0x16)), f) == Parse::invalid);
}

TEST_CASE("dtls: version names and the TLS versions they are built on") {
  CHECK(dtls_version_name(kDtls10) == "DTLSv1.0");
  CHECK(dtls_version_name(kDtls12) == "DTLSv1.2");
  CHECK(dtls_version_name(0xfefe) == "0xFEFE");
  CHECK(dtls_tls_equivalent(kDtls10) == TlsVersion::tls1_1);
  CHECK(dtls_tls_equivalent(kDtls12) == TlsVersion::tls1_2);
  CHECK(dtls_tls_equivalent(kDtls13) == TlsVersion::tls1_3);
  CHECK_FALSE(dtls_tls_equivalent(0x0303));
  const auto alert = build_dtls_alert(2, 90, 7);
  CHECK(alert == DtlsBuf{21, 0xfe, 0xff, 0, 0, 0, 0, 0, 0, 0, 7, 0, 2, 2, 90});
}
