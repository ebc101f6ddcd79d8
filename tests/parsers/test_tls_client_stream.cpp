// walk_tls_client_records (probes/tls/tls_client_stream.hpp): what a TLS client sent after its
// hello, from record headers. The streams of real clients are in the captures of
// pcaps/make_tls_validation.sh (tests/unit/test_replay.cpp); here the edges.
#include "probes/tls/tls_client_stream.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <vector>

using namespace trustscan;

namespace {

std::vector<std::uint8_t> tcs_record(std::uint8_t type, std::vector<std::uint8_t> body) {
  // Built in place (g++ 12 at -O2 warns, wrongly, on inserting into a 5-byte list-initialised vector).
  std::vector<std::uint8_t> r;
  r.reserve(5 + body.size());
  for (std::uint8_t b : {type, std::uint8_t{0x03}, std::uint8_t{0x03}, static_cast<std::uint8_t>(body.size() >> 8),
                         static_cast<std::uint8_t>(body.size())})
    r.push_back(b);
  r.insert(r.end(), body.begin(), body.end());
  return r;
}

std::vector<std::uint8_t> tcs_cat(std::initializer_list<std::vector<std::uint8_t>> parts) {
  std::vector<std::uint8_t> out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

}  // namespace

TEST_CASE("tls client records: key exchange, CCS, Finished, then application data") {
  const auto s = tcs_cat({tcs_record(22, std::vector<std::uint8_t>(70, 0x10)), tcs_record(20, {1}),
                          tcs_record(22, std::vector<std::uint8_t>(40, 0xaa)), tcs_record(23, std::vector<std::uint8_t>(93, 0xbb))});
  const auto r = walk_tls_client_records(s);
  CHECK(r.records == 4);
  CHECK(r.handshake_records == 2);
  CHECK(r.change_cipher_spec);
  CHECK(r.application_data_records == 1);
  CHECK(r.application_data_bytes == 93);
  CHECK_FALSE(r.alert);
  CHECK_FALSE(r.truncated);
  CHECK_FALSE(r.invalid);
}

TEST_CASE("tls client records: a cleartext fatal alert, an encrypted one, and what follows is not read") {
  auto r = walk_tls_client_records(tcs_cat({tcs_record(21, {2, 48}), tcs_record(23, {1, 2, 3})}));
  CHECK(r.alert);
  CHECK_FALSE(r.alert_encrypted);
  CHECK(r.alert_level == std::optional<std::uint8_t>(2));
  CHECK(r.alert_description == std::optional<std::uint8_t>(48));  // unknown_ca
  CHECK(r.application_data_records == 0);
  r = walk_tls_client_records(tcs_cat({tcs_record(22, {0x10, 0, 0, 0}), tcs_record(20, {1}), tcs_record(21, std::vector<std::uint8_t>(26, 7))}));
  CHECK(r.alert);
  CHECK(r.alert_encrypted);
  CHECK_FALSE(r.alert_description);
}

TEST_CASE("tls client records: a cut record, a non-TLS header, an oversized length, the record cap") {
  auto s = tcs_cat({tcs_record(22, {1, 2, 3}), tcs_record(23, std::vector<std::uint8_t>(50, 0))});
  s.resize(s.size() - 10);
  auto r = walk_tls_client_records(s);
  CHECK(r.records == 1);
  CHECK(r.truncated);
  CHECK(r.application_data_records == 0);
  r = walk_tls_client_records(tcs_cat({tcs_record(22, {1}), {'G', 'E', 'T', ' ', '/', ' '}}));
  CHECK(r.invalid);
  CHECK(r.records == 1);
  r = walk_tls_client_records(std::vector<std::uint8_t>{23, 3, 3, 0xff, 0xff});
  CHECK(r.invalid);
  CHECK(walk_tls_client_records(std::vector<std::uint8_t>{23, 3}).truncated);
  std::vector<std::uint8_t> many;
  for (int i = 0; i < 5000; ++i) {
    const auto rec = tcs_record(23, {});
    many.insert(many.end(), rec.begin(), rec.end());
  }
  r = walk_tls_client_records(many);
  CHECK(r.records == TlsClientRecords::kMaxRecords);
  CHECK(r.application_data_records == TlsClientRecords::kMaxRecords);
}
