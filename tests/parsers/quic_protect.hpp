// The sending side of QUIC Initial packet protection (RFC 9001 section 5), for tests and the
// fuzzer only: one Initial packet (4-byte packet number, no token, no SCID) carrying `payload`
// (padded to the 16 bytes a header protection sample needs), protected with the Initial keys of
// `dcid`. Empty when libcrypto fails. tests/parsers/test_quic.cpp checks it by producing the
// RFC's sample packets byte for byte.
#pragma once

#include "probes/quic/quic_initial.hpp"

#include <openssl/evp.h>

#include <cstdint>
#include <vector>

namespace trustscan::test {

inline std::vector<std::uint8_t> quic_protect_initial(std::uint32_t version, bool server, std::uint64_t pn,
                                                      Bytes payload, Bytes dcid) {
  QuicInitialKeys k;
  if (!quic_initial_keys(version, dcid, server, k)) return {};
  std::vector<std::uint8_t> body(payload.begin(), payload.end());
  if (body.size() < 16) body.resize(16, 0);  // PADDING
  std::vector<std::uint8_t> p = {static_cast<std::uint8_t>(0xc3 | (version == kQuicV2 ? 0x10 : 0)),
                                 static_cast<std::uint8_t>(version >> 24), static_cast<std::uint8_t>(version >> 16),
                                 static_cast<std::uint8_t>(version >> 8), static_cast<std::uint8_t>(version),
                                 static_cast<std::uint8_t>(dcid.size())};
  p.insert(p.end(), dcid.begin(), dcid.end());
  p.push_back(0);               // SCID length
  if (!server) p.push_back(0);  // token length
  const std::size_t len = 4 + body.size() + 16;
  p.push_back(static_cast<std::uint8_t>(0x40 | (len >> 8)));
  p.push_back(static_cast<std::uint8_t>(len));
  const std::size_t pn_at = p.size();
  for (int i = 3; i >= 0; --i) p.push_back(static_cast<std::uint8_t>(pn >> (8 * i)));
  auto nonce = k.iv;
  for (std::size_t i = 0; i < 8; ++i) nonce[11 - i] ^= static_cast<std::uint8_t>(pn >> (8 * i));
  std::vector<std::uint8_t> out(body.size() + 16);
  int n = 0, f = 0;
  EVP_CIPHER_CTX* c = EVP_CIPHER_CTX_new();
  const bool sealed = c && EVP_EncryptInit_ex(c, EVP_aes_128_gcm(), nullptr, k.key.data(), nonce.data()) == 1 &&
                      EVP_EncryptUpdate(c, nullptr, &n, p.data(), static_cast<int>(p.size())) == 1 &&
                      EVP_EncryptUpdate(c, out.data(), &n, body.data(), static_cast<int>(body.size())) == 1 &&
                      EVP_EncryptFinal_ex(c, out.data() + n, &f) == 1 &&
                      EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, 16, out.data() + body.size()) == 1;
  EVP_CIPHER_CTX_free(c);
  if (!sealed) return {};
  p.insert(p.end(), out.begin(), out.end());
  std::uint8_t mask[32];
  c = EVP_CIPHER_CTX_new();
  const bool masked = c && EVP_EncryptInit_ex(c, EVP_aes_128_ecb(), nullptr, k.hp.data(), nullptr) == 1 &&
                      EVP_CIPHER_CTX_set_padding(c, 0) == 1 &&
                      EVP_EncryptUpdate(c, mask, &n, p.data() + pn_at + 4, 16) == 1;
  EVP_CIPHER_CTX_free(c);
  if (!masked) return {};
  p[0] ^= mask[0] & 0x0f;
  for (int i = 0; i < 4; ++i) p[pn_at + i] ^= mask[1 + i];
  return p;
}

}  // namespace trustscan::test
