// Parser tests for probes/tls/tls_vulns.hpp: the records the intrusive TLS probes send, the
// reading of the server's answer, and ROBOT's paddings and raw RSA. The alerts are the bytes
// Debian 12's OpenSSL 3.0.22 s_server sent (tests/unit/test_tls_vulns_servers.cpp scans it);
// the RSA key is made here with OpenSSL and the encryption checked by decrypting it.
#include "probes/tls/tls_vulns.hpp"

#include <doctest/doctest.h>

#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <algorithm>
#include <memory>
#include <vector>

using namespace trustscan;

namespace {

using TvpBytes = std::vector<std::uint8_t>;

TvpBytes tvp_record(std::uint8_t type, TvpBytes body) {
  TvpBytes r = {type, 3, 3, static_cast<std::uint8_t>(body.size() >> 8), static_cast<std::uint8_t>(body.size())};
  r.insert(r.end(), body.begin(), body.end());
  return r;
}

}  // namespace

TEST_CASE("tls_vulns: the Heartbleed request claims 16384 bytes and carries none, the CCS is one byte") {
  CHECK(build_heartbleed_request(0x0302) == TvpBytes{24, 3, 2, 0, 3, 1, 0x40, 0});
  CHECK(build_change_cipher_spec(0x0303) == TvpBytes{20, 3, 3, 0, 1, 1});
}

TEST_CASE("tls_vulns: parse_tls_reply stops at the first alert or heartbeat record") {
  TlsReply r;
  std::size_t used = 0;
  // OpenSSL 3.0's answer to a heartbeat request or an early CCS: fatal unexpected_message.
  const auto alert = tvp_record(21, {2, 10});
  CHECK(parse_tls_reply(Bytes(alert), r, used) == Parse::done);
  CHECK(used == alert.size());
  REQUIRE(r.alert);
  CHECK(r.alert->name() == "unexpected_message");
  CHECK_FALSE(heartbleed_leaked(r));
  // Byte by byte: need_more until the record is whole.
  for (std::size_t n = 0; n < alert.size(); ++n)
    CHECK(parse_tls_reply(Bytes(alert).first(n), r, used) == Parse::need_more);
  // A leaking heartbeat response: counted, 8 bytes kept, nothing else.
  TvpBytes body = {2, 0x40, 0};
  body.resize(3 + 0x4000 + 16, 0xab);
  auto leak = tvp_record(22, {14, 0, 0, 0});
  const auto hb = tvp_record(24, body);
  leak.insert(leak.end(), hb.begin(), hb.end());
  CHECK(parse_tls_reply(Bytes(leak), r, used) == Parse::done);
  CHECK(used == leak.size());
  CHECK(r.heartbeat_length == body.size());
  CHECK(r.heartbeat_prefix == TvpBytes{2, 0x40, 0, 0xab, 0xab, 0xab, 0xab, 0xab});
  CHECK(r.other_records == 1);
  CHECK(heartbleed_leaked(r));
  // A heartbeat response no longer than the request is no leak.
  const auto fair = tvp_record(24, {2, 0, 0});
  CHECK(parse_tls_reply(Bytes(fair), r, used) == Parse::done);
  CHECK_FALSE(heartbleed_leaked(r));
  // Not TLS, a 3.x version missing, an empty or oversized record: invalid.
  for (const TvpBytes& bad : {TvpBytes{0x48, 0x54, 0x54, 0x50, 0x2f}, TvpBytes{21, 2, 0, 0, 2, 2, 10}, TvpBytes{21, 3, 3, 0, 0},
                             TvpBytes{23, 3, 3, 0x48, 0x01}, TvpBytes{21, 3, 3, 0, 1, 2}}) {
    CAPTURE(bad.size());
    CHECK(parse_tls_reply(Bytes(bad), r, used) == Parse::invalid);
  }
  // Endless small records: invalid after kTlsMaxRecords.
  TvpBytes many;
  for (std::size_t i = 0; i <= kTlsMaxRecords; ++i) {
    const auto one = tvp_record(23, {0});
    many.insert(many.end(), one.begin(), one.end());
  }
  CHECK(parse_tls_reply(Bytes(many), r, used) == Parse::invalid);
}

TEST_CASE("tls_vulns: ROBOT answers and the oracle") {
  TlsReply r;
  r.alert = TlsAlert{2, 20};
  CHECK(robot_answer(r, Parse::done, Status::success) == "alert:bad_record_mac");
  CHECK(robot_answer(TlsReply{}, Parse::need_more, Status::io_timeout) == "timeout");
  CHECK(robot_answer(TlsReply{}, Parse::need_more, Status::connection_closed) == "close");
  CHECK_FALSE(robot_oracle({"alert:bad_record_mac", "alert:bad_record_mac", "alert:bad_record_mac"}));
  CHECK(robot_oracle({"alert:bad_record_mac", "alert:handshake_failure", "alert:bad_record_mac"}));
  CHECK(robot_oracle({"alert:bad_record_mac", "alert:bad_record_mac", "timeout"}));
}

TEST_CASE("tls_vulns: ROBOT paddings, encrypted with the certificate's RSA key") {
  const TvpBytes filler = {0, 1, 2, 3, 0xfe};
  const std::size_t k = 256;
  const auto correct = robot_plaintext(RobotVariant::correct, k, 0x0303, filler);
  REQUIRE(correct.size() == k);
  CHECK(correct[0] == 0);
  CHECK(correct[1] == 2);
  for (std::size_t i = 2; i < k - 49; ++i) CHECK(correct[i] != 0);  // nonzero padding
  CHECK(correct[k - 49] == 0);
  CHECK(correct[k - 48] == 3);
  CHECK(correct[k - 47] == 3);
  const auto first = robot_plaintext(RobotVariant::wrong_first, k, 0x0303, filler);
  CHECK(first[0] == 0x41);
  CHECK(first[1] == 0x17);
  const auto misplaced = robot_plaintext(RobotVariant::zero_misplaced, k, 0x0303, filler);
  CHECK(misplaced[k - 49] != 0);
  CHECK(misplaced[k - 60] == 0);
  const auto none = robot_plaintext(RobotVariant::no_zero, k, 0x0303, filler);
  CHECK(std::count(none.begin() + 1, none.end(), 0) == 0);
  const auto version = robot_plaintext(RobotVariant::wrong_version, k, 0x0303, filler);
  CHECK(version[k - 48] == 2);
  CHECK(version[k - 47] == 2);
  CHECK(robot_plaintext(RobotVariant::correct, 32, 0x0303, filler).empty());

  // A self-signed RSA-2048 certificate made here.
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(EVP_RSA_gen(2048), EVP_PKEY_free);
  REQUIRE(key);
  std::unique_ptr<X509, decltype(&X509_free)> x(X509_new(), X509_free);
  X509_set_version(x.get(), 2);
  X509_gmtime_adj(X509_getm_notBefore(x.get()), 0);
  X509_gmtime_adj(X509_getm_notAfter(x.get()), 3600);
  X509_set_pubkey(x.get(), key.get());
  REQUIRE(X509_sign(x.get(), key.get(), EVP_sha256()) > 0);
  unsigned char* buf = nullptr;
  const int n = i2d_X509(x.get(), &buf);
  const TvpBytes der(buf, buf + n);
  OPENSSL_free(buf);
  CHECK(rsa_modulus_bytes(Bytes(der)) == 256);
  const auto c = rsa_encrypt_raw(Bytes(der), Bytes(correct));
  REQUIRE(c);
  CHECK(c->size() == 256);
  // Decrypted without padding, it is the plaintext again.
  std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> ctx(EVP_PKEY_CTX_new(key.get(), nullptr), EVP_PKEY_CTX_free);
  TvpBytes m(256);
  std::size_t mlen = m.size();
  REQUIRE(EVP_PKEY_decrypt_init(ctx.get()) == 1);
  REQUIRE(EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_NO_PADDING) == 1);
  REQUIRE(EVP_PKEY_decrypt(ctx.get(), m.data(), &mlen, c->data(), c->size()) == 1);
  CHECK(m == correct);
  // Wrong size, not a certificate: nothing.
  CHECK_FALSE(rsa_encrypt_raw(Bytes(der), Bytes(correct).first(255)));
  CHECK_FALSE(rsa_encrypt_raw(Bytes(correct), Bytes(correct)));
  CHECK(rsa_modulus_bytes(Bytes(correct)) == 0);

  // The flight: ClientKeyExchange with the 2-byte length, CCS, a 40-byte Finished record.
  const auto flight = build_robot_flight(0x0303, Bytes(*c));
  REQUIRE(flight.size() == 5 + 4 + 2 + 256 + 6 + 45);
  CHECK(flight[0] == 22);
  CHECK(flight[5] == 16);
  CHECK(flight[9] == 1);  // 256 = 0x0100
  CHECK(flight[10] == 0);
  CHECK(flight[5 + 4 + 2 + 256] == 20);
  // SSLv3: the ciphertext without its length.
  const auto v3 = build_robot_flight(0x0300, Bytes(*c));
  CHECK(v3.size() == flight.size() - 2);
  CHECK(v3[8] == 0);  // handshake length 0x000100
  CHECK(v3[9] == c->front());
}
