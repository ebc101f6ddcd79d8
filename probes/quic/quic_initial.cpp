// trustscan — QUIC Initial packets: keys, header protection, AEAD, frames, CRYPTO reassembly.
#include "probes/quic/quic_initial.hpp"

#include "trustscan/byte_reader.hpp"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <memory>

namespace trustscan {

namespace {

// RFC 9001 section 5.2 and RFC 9369 section 3.3.1: the initial salts.
constexpr std::uint8_t kQuicSaltV1[20] = {0x38, 0x76, 0x2c, 0xf7, 0xf5, 0x59, 0x34, 0xb3, 0x4d, 0x17,
                                          0x9a, 0xe6, 0xa4, 0xc8, 0x0c, 0xad, 0xcc, 0xbb, 0x7f, 0x0a};
constexpr std::uint8_t kQuicSaltV2[20] = {0x0d, 0xed, 0xe3, 0xde, 0xf7, 0x00, 0xa6, 0xdb, 0x81, 0x93,
                                          0x81, 0xbe, 0x6e, 0x26, 0x9d, 0xcb, 0xf9, 0xbd, 0x2e, 0xd9};

struct QuicKdfFree {
  void operator()(EVP_KDF_CTX* c) const { EVP_KDF_CTX_free(c); }
};
struct QuicCipherFree {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};

// The HKDF implementation, fetched once (a fetch per packet would cost more than the HKDF).
EVP_KDF* quic_hkdf() {
  static EVP_KDF* const kdf = EVP_KDF_fetch(nullptr, "HKDF", nullptr);
  return kdf;
}

// HKDF-Extract or HKDF-Expand (RFC 5869) with SHA-256 through EVP_KDF.
bool quic_hkdf_run(int mode, Bytes key, Bytes salt_or_info, std::uint8_t* out, std::size_t out_len) {
  EVP_KDF* kdf = quic_hkdf();
  if (kdf == nullptr) return false;
  std::unique_ptr<EVP_KDF_CTX, QuicKdfFree> ctx(EVP_KDF_CTX_new(kdf));
  if (!ctx) return false;
  char digest[] = "SHA256";
  OSSL_PARAM params[5];
  std::size_t n = 0;
  params[n++] = OSSL_PARAM_construct_int(OSSL_KDF_PARAM_MODE, &mode);
  params[n++] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest, 0);
  params[n++] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, const_cast<std::uint8_t*>(key.data()), key.size());
  params[n++] = OSSL_PARAM_construct_octet_string(
      mode == EVP_KDF_HKDF_MODE_EXTRACT_ONLY ? OSSL_KDF_PARAM_SALT : OSSL_KDF_PARAM_INFO,
      const_cast<std::uint8_t*>(salt_or_info.data()), salt_or_info.size());
  params[n] = OSSL_PARAM_construct_end();
  return EVP_KDF_derive(ctx.get(), out, out_len, params) == 1;
}

// HKDF-Expand-Label of TLS 1.3 (RFC 8446 section 7.1) with an empty context.
bool quic_expand_label(Bytes secret, std::string_view label, std::uint8_t* out, std::size_t out_len) {
  std::vector<std::uint8_t> info;
  const std::string full = "tls13 " + std::string(label);
  info.push_back(static_cast<std::uint8_t>(out_len >> 8));
  info.push_back(static_cast<std::uint8_t>(out_len));
  info.push_back(static_cast<std::uint8_t>(full.size()));
  info.insert(info.end(), full.begin(), full.end());
  info.push_back(0);
  return quic_hkdf_run(EVP_KDF_HKDF_MODE_EXPAND_ONLY, secret, info, out, out_len);
}

// Variable-length integer (RFC 9000 section 16).
bool quic_varint(ByteReader& r, std::uint64_t& v) {
  std::uint8_t first = 0;
  if (!r.u8(first)) return false;
  const std::size_t len = std::size_t{1} << (first >> 6);
  v = first & 0x3f;
  for (std::size_t i = 1; i < len; ++i) {
    std::uint8_t b = 0;
    if (!r.u8(b)) return false;
    v = (v << 8) | b;
  }
  return true;
}

// The packet type bits of a long header, in v1 numbering.
QuicPacketType quic_type(std::uint32_t version, std::uint8_t first) {
  const unsigned bits = (first >> 4) & 3;
  if (version == kQuicV2) {  // RFC 9369 section 3.2: Initial 0b01, 0-RTT 0b10, Handshake 0b11, Retry 0b00
    static constexpr QuicPacketType kV2[4] = {QuicPacketType::retry, QuicPacketType::initial, QuicPacketType::zero_rtt,
                                              QuicPacketType::handshake};
    return kV2[bits];
  }
  return static_cast<QuicPacketType>(bits);
}

bool quic_known_version(std::uint32_t v) { return v == kQuicV1 || v == kQuicV2; }

// RFC 9000 appendix A.3: the full packet number closest to the next expected one.
std::uint64_t quic_expand_pn(std::int64_t largest, std::uint64_t truncated, std::size_t pn_bytes) {
  const std::uint64_t expected = static_cast<std::uint64_t>(largest + 1);
  const std::uint64_t win = std::uint64_t{1} << (pn_bytes * 8);
  const std::uint64_t hwin = win / 2, mask = win - 1;
  const std::uint64_t candidate = (expected & ~mask) | truncated;
  if (candidate + hwin <= expected && candidate < (std::uint64_t{1} << 62) - win) return candidate + win;
  if (candidate > expected + hwin && candidate >= win) return candidate - win;
  return candidate;
}

}  // namespace

std::string quic_version_name(std::uint32_t version) {
  if (version == kQuicV1) return "QUICv1";
  if (version == kQuicV2) return "QUICv2";
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08x", version);
  return buf;
}

bool quic_initial_keys(std::uint32_t version, Bytes dcid, bool server, QuicInitialKeys& out) noexcept {
  if (!quic_known_version(version) || dcid.size() > kQuicMaxCidBytes) return false;
  const bool v2 = version == kQuicV2;
  std::uint8_t initial[32], secret[32];
  if (!quic_hkdf_run(EVP_KDF_HKDF_MODE_EXTRACT_ONLY, dcid, Bytes(v2 ? kQuicSaltV2 : kQuicSaltV1), initial, 32))
    return false;
  if (!quic_expand_label(Bytes(initial), server ? "server in" : "client in", secret, 32)) return false;
  const Bytes s(secret);
  return quic_expand_label(s, v2 ? "quicv2 key" : "quic key", out.key.data(), out.key.size()) &&
         quic_expand_label(s, v2 ? "quicv2 iv" : "quic iv", out.iv.data(), out.iv.size()) &&
         quic_expand_label(s, v2 ? "quicv2 hp" : "quic hp", out.hp.data(), out.hp.size());
}

bool quic_initial_candidate(Bytes d) noexcept {
  if (d.size() < 5 || (d[0] & 0xc0) != 0xc0) return false;
  const std::uint32_t v = (std::uint32_t{d[1]} << 24) | (std::uint32_t{d[2]} << 16) | (std::uint32_t{d[3]} << 8) | d[4];
  return quic_known_version(v) && quic_type(v, d[0]) == QuicPacketType::initial;
}

Parse quic_parse_long_header(Bytes in, QuicLongHeader& out) noexcept {
  out = QuicLongHeader{};
  ByteReader r{in};
  std::uint8_t first = 0;
  std::uint32_t version = 0;
  if (!r.u8(first) || !r.u32(version)) return Parse::invalid;
  if ((first & 0xc0) != 0xc0 || !quic_known_version(version)) return Parse::invalid;
  out.version = version;
  out.type = quic_type(version, first);
  if (out.type == QuicPacketType::retry) return Parse::invalid;
  if (!r.vec8(out.dcid) || !r.vec8(out.scid)) return Parse::invalid;
  if (out.dcid.size() > kQuicMaxCidBytes || out.scid.size() > kQuicMaxCidBytes) return Parse::invalid;
  if (out.type == QuicPacketType::initial) {
    std::uint64_t token_len = 0;
    if (!quic_varint(r, token_len) || token_len > r.left()) return Parse::invalid;
    r.take(static_cast<std::size_t>(token_len), out.token);
  }
  std::uint64_t length = 0;
  if (!quic_varint(r, length) || length > r.left()) return Parse::invalid;
  out.pn_offset = r.pos;
  out.length = r.pos + static_cast<std::size_t>(length);
  return Parse::done;
}

bool quic_open_initial(Bytes packet, const QuicLongHeader& h, const QuicInitialKeys& keys, std::int64_t largest_pn,
                       std::uint64_t& pn, std::vector<std::uint8_t>& plaintext) noexcept {
  plaintext.clear();
  pn = 0;
  // The sample starts 4 bytes after the packet number's start, whatever its length (RFC 9001 5.4.2).
  if (h.length > packet.size() || h.pn_offset + 4 + 16 > h.length) return false;
  std::uint8_t mask[32] = {};
  int len = 0;
  std::unique_ptr<EVP_CIPHER_CTX, QuicCipherFree> ctx(EVP_CIPHER_CTX_new());
  if (!ctx || EVP_EncryptInit_ex(ctx.get(), EVP_aes_128_ecb(), nullptr, keys.hp.data(), nullptr) != 1 ||
      EVP_CIPHER_CTX_set_padding(ctx.get(), 0) != 1 ||
      EVP_EncryptUpdate(ctx.get(), mask, &len, packet.data() + h.pn_offset + 4, 16) != 1 || len != 16)
    return false;
  std::vector<std::uint8_t> header(packet.begin(), packet.begin() + static_cast<std::ptrdiff_t>(h.pn_offset + 4));
  header[0] ^= mask[0] & 0x0f;
  const std::size_t pn_len = (header[0] & 3u) + 1;
  std::uint64_t truncated = 0;
  for (std::size_t i = 0; i < pn_len; ++i) {
    header[h.pn_offset + i] ^= mask[1 + i];
    truncated = (truncated << 8) | header[h.pn_offset + i];
  }
  header.resize(h.pn_offset + pn_len);
  const std::size_t payload_at = h.pn_offset + pn_len;
  if (payload_at + 16 > h.length) return false;
  pn = quic_expand_pn(largest_pn, truncated, pn_len);
  std::array<std::uint8_t, 12> nonce = keys.iv;
  for (std::size_t i = 0; i < 8; ++i) nonce[11 - i] ^= static_cast<std::uint8_t>(pn >> (8 * i));

  const std::size_t cipher_len = h.length - payload_at - 16;
  plaintext.resize(cipher_len + 16);
  ctx.reset(EVP_CIPHER_CTX_new());
  int out_len = 0, final_len = 0;
  std::uint8_t tag[16];
  std::memcpy(tag, packet.data() + h.length - 16, 16);
  const bool ok = ctx && EVP_DecryptInit_ex(ctx.get(), EVP_aes_128_gcm(), nullptr, nullptr, nullptr) == 1 &&
                  EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, 12, nullptr) == 1 &&
                  EVP_DecryptInit_ex(ctx.get(), nullptr, nullptr, keys.key.data(), nonce.data()) == 1 &&
                  EVP_DecryptUpdate(ctx.get(), nullptr, &out_len, header.data(), static_cast<int>(header.size())) == 1 &&
                  EVP_DecryptUpdate(ctx.get(), plaintext.data(), &out_len, packet.data() + payload_at,
                                    static_cast<int>(cipher_len)) == 1 &&
                  EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, 16, tag) == 1 &&
                  EVP_DecryptFinal_ex(ctx.get(), plaintext.data() + out_len, &final_len) == 1;
  if (!ok) {
    plaintext.clear();
    return false;
  }
  plaintext.resize(static_cast<std::size_t>(out_len + final_len));
  return true;
}

Parse quic_initial_frames(Bytes payload, QuicInitialFrames& out) noexcept {
  out = QuicInitialFrames{};
  ByteReader r{payload};
  while (r.left() > 0) {
    std::uint64_t type = 0;
    if (!quic_varint(r, type)) return Parse::invalid;
    if (type == 0x00) {  // PADDING: runs of zero bytes, counted as one frame each
      ++out.padding;
      while (r.left() > 0 && r.b[r.pos] == 0) ++r.pos;
    } else if (type == 0x01) {
      ++out.pings;
    } else if (type == 0x02 || type == 0x03) {  // ACK (with ECN counts for 0x03)
      std::uint64_t largest = 0, delay = 0, count = 0, first = 0;
      if (!quic_varint(r, largest) || !quic_varint(r, delay) || !quic_varint(r, count) || !quic_varint(r, first))
        return Parse::invalid;
      if (count > r.left()) return Parse::invalid;  // every range takes two bytes at least
      for (std::uint64_t i = 0; i < count; ++i) {
        std::uint64_t gap = 0, range = 0;
        if (!quic_varint(r, gap) || !quic_varint(r, range)) return Parse::invalid;
      }
      if (type == 0x03) {
        std::uint64_t ect0 = 0, ect1 = 0, ce = 0;
        if (!quic_varint(r, ect0) || !quic_varint(r, ect1) || !quic_varint(r, ce)) return Parse::invalid;
      }
      ++out.acks;
    } else if (type == 0x06) {  // CRYPTO
      std::uint64_t offset = 0, length = 0;
      Bytes data;
      if (!quic_varint(r, offset) || !quic_varint(r, length) || length > r.left()) return Parse::invalid;
      r.take(static_cast<std::size_t>(length), data);
      if (offset > (std::uint64_t{1} << 62) - 1 - length) return Parse::invalid;  // RFC 9000 19.6
      if (out.crypto.size() >= QuicInitialFrames::kMaxCrypto) return Parse::invalid;
      out.crypto.push_back({offset, data});
    } else if (type == 0x1c) {  // CONNECTION_CLOSE of the transport (0x1d may not be in Initial)
      std::uint64_t code = 0, frame = 0, reason_len = 0;
      Bytes reason;
      if (!quic_varint(r, code) || !quic_varint(r, frame) || !quic_varint(r, reason_len) || reason_len > r.left())
        return Parse::invalid;
      r.take(static_cast<std::size_t>(reason_len), reason);
      out.close_error = code;
      out.close_reason = printable_excerpt(reason, 128);
    } else {
      return Parse::invalid;
    }
  }
  return Parse::done;
}

void QuicCryptoStream::add(std::uint64_t offset, Bytes data) noexcept {
  if (data.empty()) return;
  if (offset >= kQuicMaxCryptoBytes) {
    truncated_ = true;
    return;
  }
  const std::size_t begin = static_cast<std::size_t>(offset);
  std::size_t end = begin + std::min(data.size(), kQuicMaxCryptoBytes - begin);
  if (end - begin < data.size()) truncated_ = true;
  // The parts of [begin, end) no range holds yet are copied; the ranges are then merged.
  std::vector<std::pair<std::size_t, std::size_t>> fresh;
  std::size_t at = begin;
  for (const auto& [b, e] : ranges_) {
    if (e <= at) continue;
    if (b >= end) break;
    if (b > at) fresh.emplace_back(at, b);
    at = std::max(at, e);
  }
  if (at < end) fresh.emplace_back(at, end);
  if (fresh.empty()) return;
  if (ranges_.size() + fresh.size() > kQuicMaxCryptoRanges) {
    truncated_ = true;
    return;
  }
  if (data_.size() < end) data_.resize(end);
  for (const auto& [b, e] : fresh) std::memcpy(data_.data() + b, data.data() + (b - begin), e - b);
  ranges_.insert(ranges_.end(), fresh.begin(), fresh.end());
  std::sort(ranges_.begin(), ranges_.end());
  std::vector<std::pair<std::size_t, std::size_t>> merged;
  for (const auto& r : ranges_) {
    if (!merged.empty() && r.first <= merged.back().second) merged.back().second = std::max(merged.back().second, r.second);
    else merged.push_back(r);
  }
  ranges_ = std::move(merged);
}

Bytes QuicCryptoStream::contiguous() const noexcept {
  if (ranges_.empty() || ranges_.front().first != 0) return {};
  return Bytes(data_).first(ranges_.front().second);
}

Parse quic_add_datagram(QuicConnection& conn, Bytes datagram, bool from_client) noexcept {
  const std::size_t side = from_client ? 0 : 1;
  bool any_long = false, opened = false;
  std::vector<std::uint8_t> plaintext;
  Bytes rest = datagram;
  for (std::size_t n = 0; n < kQuicMaxCoalesced && !rest.empty(); ++n) {
    QuicLongHeader h;
    if (quic_parse_long_header(rest, h) != Parse::done) break;  // short header, padding or damage: the end
    any_long = true;
    const Bytes packet = rest.first(h.length);
    rest = rest.subspan(h.length);
    if (h.type != QuicPacketType::initial) {
      ++conn.other_packets;
      continue;
    }
    if (conn.version != 0 && h.version != conn.version) {  // a second version on one flow: not ours to mix
      ++conn.undecryptable;
      continue;
    }
    // Keys: the client's first DCID for both sides. A client Initial no key opens under a new
    // DCID is the one after a Retry (RFC 9001 section 5.2): its DCID becomes the keys' input.
    auto open_with = [&](const std::optional<QuicInitialKeys>& k, std::uint64_t& pn) {
      return k && quic_open_initial(packet, h, *k, conn.largest_pn[side], pn, plaintext);
    };
    std::uint64_t pn = 0;
    bool ok = open_with(from_client ? conn.client_keys : conn.server_keys, pn);
    if (!ok && from_client &&
        (!conn.client_keys || !std::equal(h.dcid.begin(), h.dcid.end(), conn.client_dcid.begin(), conn.client_dcid.end()))) {
      QuicInitialKeys ck, sk;
      if (quic_initial_keys(h.version, h.dcid, false, ck) && quic_initial_keys(h.version, h.dcid, true, sk) &&
          quic_open_initial(packet, h, ck, -1, pn, plaintext)) {
        conn.client_dcid.assign(h.dcid.begin(), h.dcid.end());
        conn.client_keys = ck;
        conn.server_keys = sk;
        conn.version = h.version;
        ok = true;
      }
    }
    if (!ok) {
      ++conn.undecryptable;
      continue;
    }
    conn.largest_pn[side] = std::max(conn.largest_pn[side], static_cast<std::int64_t>(pn));
    ++conn.initial_packets[side];
    opened = true;
    QuicInitialFrames frames;
    if (quic_initial_frames(plaintext, frames) != Parse::done) continue;  // authenticated but odd: skip it
    auto& stream = from_client ? conn.client_crypto : conn.server_crypto;
    for (const auto& f : frames.crypto) stream.add(f.offset, f.data);
    if (frames.close_error) {
      conn.close_error = frames.close_error;
      conn.close_reason = frames.close_reason;
    }
  }
  if (!any_long) return Parse::invalid;
  return opened ? Parse::done : Parse::need_more;
}

std::vector<std::uint8_t> quic_handshake_record(Bytes crypto, std::uint16_t record_version) {
  if (crypto.size() < 4) return {};
  const std::size_t len = 4 + ((std::size_t{crypto[1]} << 16) | (std::size_t{crypto[2]} << 8) | crypto[3]);
  if (len > crypto.size() || len > 16384) return {};
  std::vector<std::uint8_t> rec = {22, static_cast<std::uint8_t>(record_version >> 8),
                                   static_cast<std::uint8_t>(record_version), static_cast<std::uint8_t>(len >> 8),
                                   static_cast<std::uint8_t>(len)};
  rec.insert(rec.end(), crypto.begin(), crypto.begin() + static_cast<std::ptrdiff_t>(len));
  return rec;
}

}  // namespace trustscan
