// trustscan — the intrusive TLS vulnerability probes, pure part (tls_vulns.hpp).
#include "probes/tls/tls_vulns.hpp"

#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <algorithm>

namespace trustscan {

namespace {

void tlsv_put16(std::vector<std::uint8_t>& out, std::size_t v) {
  out.push_back(static_cast<std::uint8_t>(v >> 8));
  out.push_back(static_cast<std::uint8_t>(v));
}

std::vector<std::uint8_t> tlsv_record(std::uint8_t type, std::uint16_t version, Bytes body) {
  std::vector<std::uint8_t> out{type};
  tlsv_put16(out, version);
  tlsv_put16(out, body.size());
  out.insert(out.end(), body.begin(), body.end());
  return out;
}

// The certificate's public key (caller frees), or null.
EVP_PKEY* tlsv_cert_key(Bytes der) {
  const unsigned char* p = der.data();
  X509* x = d2i_X509(nullptr, &p, static_cast<long>(der.size()));
  if (!x) return nullptr;
  EVP_PKEY* key = X509_get_pubkey(x);
  X509_free(x);
  if (key && EVP_PKEY_get_base_id(key) != EVP_PKEY_RSA) {
    EVP_PKEY_free(key);
    return nullptr;
  }
  return key;
}

}  // namespace

std::vector<std::uint8_t> build_heartbleed_request(std::uint16_t record_version) {
  const std::uint8_t body[kHeartbleedRequestBody] = {1, kHeartbleedClaimedLength >> 8, kHeartbleedClaimedLength & 0xff};
  return tlsv_record(24, record_version, Bytes(body, sizeof body));
}

std::vector<std::uint8_t> build_change_cipher_spec(std::uint16_t record_version) {
  const std::uint8_t body[1] = {1};
  return tlsv_record(20, record_version, Bytes(body, 1));
}

Parse parse_tls_reply(Bytes in, TlsReply& out, std::size_t& consumed) noexcept {
  out = TlsReply{};
  consumed = 0;
  std::size_t at = 0;
  while (true) {
    if (in.size() - at < 5) return Parse::need_more;
    const std::uint8_t type = in[at];
    const std::size_t length = (std::size_t{in[at + 3]} << 8) | in[at + 4];
    if (type < 20 || type > 24 || in[at + 1] != 3 || length == 0 || length > kTlsMaxRecordLength) return Parse::invalid;
    if (in.size() - at - 5 < length) return Parse::need_more;
    const Bytes body = in.subspan(at + 5, length);
    at += 5 + length;
    if (++out.records > kTlsMaxRecords) return Parse::invalid;
    if (type == 21) {
      if (length < 2) return Parse::invalid;
      out.alert = TlsAlert{body[0], body[1]};
      consumed = at;
      return Parse::done;
    }
    if (type == 24) {
      out.heartbeat_length = length;
      const auto keep = std::min(length, kHeartbeatPrefixKept);
      out.heartbeat_prefix.assign(body.begin(), body.begin() + static_cast<std::ptrdiff_t>(keep));
      consumed = at;
      return Parse::done;
    }
    ++out.other_records;
  }
}

bool heartbleed_leaked(const TlsReply& reply) noexcept {
  return reply.heartbeat_length && *reply.heartbeat_length > kHeartbleedRequestBody;
}

std::string_view to_string(RobotVariant v) noexcept {
  switch (v) {
    case RobotVariant::correct: return "correct";
    case RobotVariant::wrong_first: return "wrong first bytes";
    case RobotVariant::zero_misplaced: return "0x00 misplaced";
    case RobotVariant::no_zero: return "no 0x00";
    case RobotVariant::wrong_version: return "wrong version";
  }
  return "?";
}

std::vector<std::uint8_t> robot_plaintext(RobotVariant v, std::size_t modulus_bytes, std::uint16_t client_version,
                                          std::span<const std::uint8_t> filler) {
  if (modulus_bytes < 64) return {};
  std::vector<std::uint8_t> m(modulus_bytes);
  for (std::size_t i = 0; i < m.size(); ++i) {
    const std::uint8_t f = filler.empty() ? static_cast<std::uint8_t>(0x5a + i) : filler[i % filler.size()];
    m[i] = f == 0 ? 0x42 : f;  // nonzero everywhere; the markers below are placed after
  }
  m[0] = 0x00;
  m[1] = 0x02;
  const std::size_t secret = modulus_bytes - 48;  // the 48-byte premaster secret starts here
  m[secret - 1] = 0x00;
  m[secret] = static_cast<std::uint8_t>(client_version >> 8);
  m[secret + 1] = static_cast<std::uint8_t>(client_version);
  switch (v) {
    case RobotVariant::correct: break;
    case RobotVariant::wrong_first:
      m[0] = 0x41;
      m[1] = 0x17;
      break;
    case RobotVariant::zero_misplaced:
      m[secret - 1] = 0x11;
      m[secret - 12] = 0x00;
      break;
    case RobotVariant::no_zero: m[secret - 1] = 0x11; break;
    case RobotVariant::wrong_version:
      m[secret] = 0x02;
      m[secret + 1] = 0x02;
      break;
  }
  return m;
}

std::size_t rsa_modulus_bytes(Bytes certificate_der) {
  EVP_PKEY* key = tlsv_cert_key(certificate_der);
  if (!key) return 0;
  const int n = EVP_PKEY_get_size(key);
  EVP_PKEY_free(key);
  return n > 0 ? static_cast<std::size_t>(n) : 0;
}

std::optional<std::vector<std::uint8_t>> rsa_encrypt_raw(Bytes certificate_der, Bytes plaintext) {
  EVP_PKEY* key = tlsv_cert_key(certificate_der);
  if (!key) return std::nullopt;
  std::optional<std::vector<std::uint8_t>> result;
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new(key, nullptr);
  std::vector<std::uint8_t> out(static_cast<std::size_t>(std::max(EVP_PKEY_get_size(key), 0)));
  std::size_t len = out.size();
  if (ctx && plaintext.size() == out.size() && EVP_PKEY_encrypt_init(ctx) == 1 &&
      EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_NO_PADDING) == 1 &&
      EVP_PKEY_encrypt(ctx, out.data(), &len, plaintext.data(), plaintext.size()) == 1) {
    out.resize(len);
    result = std::move(out);
  }
  EVP_PKEY_CTX_free(ctx);
  EVP_PKEY_free(key);
  return result;
}

std::vector<std::uint8_t> build_robot_flight(std::uint16_t record_version, Bytes encrypted) {
  std::vector<std::uint8_t> cke{16};  // ClientKeyExchange
  const bool sslv3 = record_version == 0x0300;  // SSLv3 sends the bare ciphertext
  const std::size_t body = encrypted.size() + (sslv3 ? 0 : 2);
  cke.push_back(static_cast<std::uint8_t>(body >> 16));
  tlsv_put16(cke, body & 0xffff);
  if (!sslv3) tlsv_put16(cke, encrypted.size());
  cke.insert(cke.end(), encrypted.begin(), encrypted.end());
  auto out = tlsv_record(22, record_version, Bytes(cke));
  const auto ccs = build_change_cipher_spec(record_version);
  out.insert(out.end(), ccs.begin(), ccs.end());
  std::uint8_t finished[40];
  for (std::size_t i = 0; i < sizeof finished; ++i) finished[i] = static_cast<std::uint8_t>(0x2f + 3 * i);
  const auto fin = tlsv_record(22, record_version, Bytes(finished, sizeof finished));
  out.insert(out.end(), fin.begin(), fin.end());
  return out;
}

std::string robot_answer(const TlsReply& reply, Parse state, Status status) {
  if (state == Parse::done && reply.alert) return "alert:" + reply.alert->name();
  if (state == Parse::invalid) return "other";
  if (status == Status::io_timeout) return reply.records ? "other" : "timeout";
  if (status == Status::connection_closed) return reply.records ? "other" : "close";
  return "other";
}

bool robot_oracle(const std::vector<std::string>& answers) noexcept {
  return std::adjacent_find(answers.begin(), answers.end(), std::not_equal_to<>()) != answers.end();
}

}  // namespace trustscan
