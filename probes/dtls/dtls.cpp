// trustscan — DTLS record and handshake layer (pure). See dtls.hpp.
#include "probes/dtls/dtls.hpp"

#include <algorithm>
#include <cstdio>

namespace trustscan {

namespace {

void dtls_put8(std::vector<std::uint8_t>& v, std::size_t x) { v.push_back(static_cast<std::uint8_t>(x)); }
void dtls_put16(std::vector<std::uint8_t>& v, std::size_t x) {
  v.push_back(static_cast<std::uint8_t>(x >> 8));
  v.push_back(static_cast<std::uint8_t>(x));
}
void dtls_put24(std::vector<std::uint8_t>& v, std::size_t x) {
  v.push_back(static_cast<std::uint8_t>(x >> 16));
  dtls_put16(v, x & 0xffff);
}
void dtls_put48(std::vector<std::uint8_t>& v, std::uint64_t x) {
  for (int shift = 40; shift >= 0; shift -= 8) v.push_back(static_cast<std::uint8_t>(x >> shift));
}
std::uint32_t dtls_get16(Bytes b, std::size_t at) { return (std::uint32_t{b[at]} << 8) | b[at + 1]; }
std::uint32_t dtls_get24(Bytes b, std::size_t at) { return (std::uint32_t{b[at]} << 16) | dtls_get16(b, at + 1); }

std::uint16_t tls_wire_of(std::uint16_t dtls_wire) {
  const auto v = dtls_tls_equivalent(dtls_wire);
  return v ? static_cast<std::uint16_t>(*v) : dtls_wire;
}

constexpr std::uint8_t kHsClientHello = 1;
constexpr std::uint8_t kHsServerHello = 2;
constexpr std::uint8_t kHsHelloVerifyRequest = 3;
constexpr std::uint8_t kHsCertificate = 11;

}  // namespace

std::string dtls_version_name(std::uint16_t wire) {
  switch (wire) {
    case kDtls10: return "DTLSv1.0";
    case kDtls12: return "DTLSv1.2";
    case kDtls13: return "DTLSv1.3";
    default: break;
  }
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%04X", wire);
  return buf;
}

std::optional<TlsVersion> dtls_tls_equivalent(std::uint16_t wire) noexcept {
  switch (wire) {
    case kDtls10: return TlsVersion::tls1_1;
    case kDtls12: return TlsVersion::tls1_2;
    case kDtls13: return TlsVersion::tls1_3;
    default: return std::nullopt;
  }
}

// ---- ClientHello ----------------------------------------------------------------------------------

DtlsClientHello build_dtls_client_hello(const DtlsHelloSpec& spec) {
  ClientHelloSpec tls = spec.tls;
  tls.padding = false;
  tls.supported_versions.clear();
  tls.version = spec.version == kDtls10 ? TlsVersion::tls1_1 : spec.version == kDtls13 ? TlsVersion::tls1_3 : TlsVersion::tls1_2;
  const auto built = build_client_hello(tls);
  DtlsClientHello out;
  out.offered_suites = built.offered_suites;
  // The TLS hello: record header (5), handshake header (4), then the body.
  const Bytes rec(built.bytes);
  if (rec.size() < 9 + 35) return out;
  const Bytes body = rec.subspan(9);
  std::vector<std::uint8_t> b;
  // client_version: DTLS 1.3 hellos say 1.2 and list 1.3 in supported_versions (RFC 9147 §5.3).
  dtls_put16(b, spec.version == kDtls10 ? kDtls10 : kDtls12);
  std::size_t at = 2;
  b.insert(b.end(), body.begin() + 2, body.begin() + 34);  // random
  at = 34;
  const std::size_t sid = body[at];
  if (at + 1 + sid > body.size()) return out;
  b.insert(b.end(), body.begin() + static_cast<std::ptrdiff_t>(at), body.begin() + static_cast<std::ptrdiff_t>(at + 1 + sid));
  at += 1 + sid;
  const std::size_t cookie = std::min(spec.cookie.size(), kDtlsMaxCookie);
  dtls_put8(b, cookie);
  b.insert(b.end(), spec.cookie.begin(), spec.cookie.begin() + static_cast<std::ptrdiff_t>(cookie));
  // cipher_suites and compression_methods as built.
  if (at + 2 > body.size()) return out;
  const std::size_t suites = dtls_get16(body, at);
  if (at + 2 + suites + 1 > body.size()) return out;
  const std::size_t comp = body[at + 2 + suites];
  const std::size_t ext_at = at + 2 + suites + 1 + comp;
  if (ext_at > body.size()) return out;
  b.insert(b.end(), body.begin() + static_cast<std::ptrdiff_t>(at), body.begin() + static_cast<std::ptrdiff_t>(ext_at));
  // Extensions: supported_versions rewritten for DTLS, server_certificate_type added.
  std::vector<std::uint8_t> exts;
  if (ext_at + 2 <= body.size()) {
    const std::size_t total = dtls_get16(body, ext_at);
    std::size_t e = ext_at + 2;
    const std::size_t end = std::min(body.size(), e + total);
    while (e + 4 <= end) {
      const std::uint32_t type = dtls_get16(body, e);
      const std::size_t len = dtls_get16(body, e + 4 - 2);
      if (e + 4 + len > end) break;
      if (type == 43) {  // supported_versions
        dtls_put16(exts, 43);
        dtls_put16(exts, 3);
        dtls_put8(exts, 2);
        dtls_put16(exts, kDtls13);
      } else {
        exts.insert(exts.end(), body.begin() + static_cast<std::ptrdiff_t>(e), body.begin() + static_cast<std::ptrdiff_t>(e + 4 + len));
      }
      e += 4 + len;
    }
  }
  if (!spec.server_certificate_types.empty()) {
    const std::size_t n = std::min<std::size_t>(spec.server_certificate_types.size(), 8);
    dtls_put16(exts, 20);
    dtls_put16(exts, n + 1);
    dtls_put8(exts, n);
    exts.insert(exts.end(), spec.server_certificate_types.begin(), spec.server_certificate_types.begin() + static_cast<std::ptrdiff_t>(n));
  }
  if (!exts.empty()) {
    dtls_put16(b, exts.size());
    b.insert(b.end(), exts.begin(), exts.end());
  }
  // Handshake header (RFC 6347 §4.2.2): one unfragmented message.
  std::vector<std::uint8_t> hs;
  dtls_put8(hs, kHsClientHello);
  dtls_put24(hs, b.size());
  dtls_put16(hs, spec.message_seq);
  dtls_put24(hs, 0);
  dtls_put24(hs, b.size());
  hs.insert(hs.end(), b.begin(), b.end());
  // Record header: record version 0xFEFF, accepted by every DTLS server for a first hello.
  dtls_put8(out.bytes, 22);
  dtls_put16(out.bytes, kDtls10);
  dtls_put16(out.bytes, 0);  // epoch
  dtls_put48(out.bytes, spec.record_sequence & 0xffffffffffffULL);
  dtls_put16(out.bytes, hs.size());
  out.bytes.insert(out.bytes.end(), hs.begin(), hs.end());
  return out;
}

std::vector<std::uint8_t> build_dtls_alert(std::uint8_t level, std::uint8_t description, std::uint64_t record_sequence) {
  std::vector<std::uint8_t> out;
  dtls_put8(out, 21);
  dtls_put16(out, kDtls10);
  dtls_put16(out, 0);
  dtls_put48(out, record_sequence & 0xffffffffffffULL);
  dtls_put16(out, 2);
  dtls_put8(out, level);
  dtls_put8(out, description);
  return out;
}

// ---- the server's flight ------------------------------------------------------------------------

namespace {

struct DtlsMessage {
  std::uint16_t seq = 0;
  std::uint8_t type = 0;
  std::uint32_t length = 0;
  std::vector<std::uint8_t> body;
  std::vector<std::uint8_t> have;  // one byte per body byte: received
  std::size_t covered = 0;
  std::size_t pieces = 0;
  bool complete() const noexcept { return covered == length; }
};

// One TLS handshake message (4-byte header) as TLS records of at most 16 KiB each.
void dtls_as_tls_records(std::uint8_t type, Bytes body, std::vector<std::uint8_t>& out) {
  std::vector<std::uint8_t> msg;
  dtls_put8(msg, type);
  dtls_put24(msg, body.size());
  msg.insert(msg.end(), body.begin(), body.end());
  for (std::size_t at = 0; at < msg.size(); at += 16384) {
    const std::size_t n = std::min<std::size_t>(16384, msg.size() - at);
    dtls_put8(out, 22);
    dtls_put16(out, 0x0303);
    dtls_put16(out, n);
    out.insert(out.end(), msg.begin() + static_cast<std::ptrdiff_t>(at), msg.begin() + static_cast<std::ptrdiff_t>(at + n));
  }
}

// The ServerHello with its DTLS version codes turned into TLS ones; reads the RFC 7250 types.
// false when it is too short to hold its fixed fields (the TLS parser then says why).
void dtls_server_hello_as_tls(std::vector<std::uint8_t>& b, DtlsFlight& out) {
  if (b.size() < 2) return;
  const std::uint16_t legacy = static_cast<std::uint16_t>(dtls_get16(b, 0));
  out.version = legacy;
  const std::uint16_t mapped = tls_wire_of(legacy);
  b[0] = static_cast<std::uint8_t>(mapped >> 8);
  b[1] = static_cast<std::uint8_t>(mapped);
  std::size_t at = 34;
  if (at >= b.size()) return;
  at += 1 + b[at];       // session id
  at += 2 + 1;           // suite, compression
  if (at + 2 > b.size()) return;
  const std::size_t end = std::min(b.size(), at + 2 + dtls_get16(b, at));
  at += 2;
  while (at + 4 <= end) {
    const std::uint32_t type = dtls_get16(b, at);
    const std::size_t len = dtls_get16(b, at + 2);
    if (at + 4 + len > end) return;
    if (type == 43 && len == 2) {
      const std::uint16_t v = static_cast<std::uint16_t>(dtls_get16(b, at + 4));
      out.version = v;
      const std::uint16_t m = tls_wire_of(v);
      b[at + 4] = static_cast<std::uint8_t>(m >> 8);
      b[at + 5] = static_cast<std::uint8_t>(m);
    } else if (type == 20 && len == 1) {
      out.server_certificate_type = b[at + 4];
    } else if (type == 19 && len == 1) {
      out.client_certificate_type = b[at + 4];
    }
    at += 4 + len;
  }
}

}  // namespace

Parse parse_dtls_flight(Bytes in, DtlsFlight& out) noexcept {
  out = DtlsFlight{};
  try {
    if (in.size() > kDtlsMaxFlight) return Parse::invalid;
    std::vector<DtlsMessage> messages;
    std::vector<std::vector<std::uint8_t>> alerts;  // epoch-0 alert and CCS records, as TLS records
    std::size_t declared = 0;
    std::size_t at = 0;
    while (at < in.size()) {
      const std::uint8_t type = in[at];
      if ((type & 0xe0) == 0x20) {  // DTLS 1.3 unified header: encrypted, its length may be implicit
        ++out.encrypted_records;
        break;
      }
      if (at + 13 > in.size()) break;  // the rest has not arrived
      if (type < 20 || type > 25) return Parse::invalid;
      const std::uint16_t version = static_cast<std::uint16_t>(dtls_get16(in, at + 1));
      if ((version >> 8) != 0xfe) return Parse::invalid;
      const std::uint32_t epoch = dtls_get16(in, at + 3);
      const std::size_t len = dtls_get16(in, at + 11);
      if (len > kTlsMaxRecordLength) return Parse::invalid;
      if (at + 13 + len > in.size()) break;  // the rest has not arrived
      if (++out.records > kDtlsMaxRecords) return Parse::invalid;
      if (out.records == 1) out.record_version = version;
      const Bytes payload = in.subspan(at + 13, len);
      at += 13 + len;
      if (epoch != 0 || type == 25) {
        ++out.encrypted_records;
        continue;
      }
      if (type == 21 || type == 20) {
        if (len == 0) return Parse::invalid;
        std::vector<std::uint8_t> r;
        dtls_put8(r, type);
        dtls_put16(r, 0x0303);
        dtls_put16(r, len);
        r.insert(r.end(), payload.begin(), payload.end());
        alerts.push_back(std::move(r));
        continue;
      }
      if (type != 22) continue;  // application data or heartbeat in epoch 0: nothing to read
      std::size_t p = 0;
      while (p < payload.size()) {
        if (p + 12 > payload.size()) return Parse::invalid;
        if (++out.fragments > kDtlsMaxFragments) return Parse::invalid;
        const std::uint8_t mtype = payload[p];
        const std::uint32_t mlen = dtls_get24(payload, p + 1);
        const std::uint16_t seq = static_cast<std::uint16_t>(dtls_get16(payload, p + 4));
        const std::uint32_t off = dtls_get24(payload, p + 6);
        const std::uint32_t flen = dtls_get24(payload, p + 9);
        p += 12;
        if (mlen > kDtlsMaxMessageLength || p + flen > payload.size() || std::size_t{off} + flen > mlen) return Parse::invalid;
        auto it = std::find_if(messages.begin(), messages.end(), [&](const DtlsMessage& m) { return m.seq == seq; });
        if (it == messages.end()) {
          if (messages.size() == kDtlsMaxMessages) return Parse::invalid;
          declared += mlen;
          if (declared > 2 * kDtlsMaxFlight) return Parse::invalid;
          DtlsMessage m;
          m.seq = seq;
          m.type = mtype;
          m.length = mlen;
          m.body.assign(mlen, 0);
          m.have.assign(mlen, 0);
          messages.push_back(std::move(m));
          it = messages.end() - 1;
        } else if (it->type != mtype || it->length != mlen) {
          return Parse::invalid;
        }
        ++it->pieces;
        for (std::uint32_t i = 0; i < flen; ++i)
          if (!it->have[off + i]) {
            it->have[off + i] = 1;
            it->body[off + i] = payload[p + i];
            ++it->covered;
          }
        p += flen;
      }
    }
    for (const auto& m : messages)
      if (m.pieces > 1 && m.complete()) out.reassembled = true;
    // A HelloVerifyRequest ends the flight: the server keeps no state until the cookie returns.
    for (const auto& m : messages) {
      if (m.type != kHsHelloVerifyRequest || !m.complete()) continue;
      const Bytes b(m.body);
      if (b.size() < 3 || std::size_t{b[2]} + 3 > b.size()) return Parse::invalid;
      out.hello_verify_version = static_cast<std::uint16_t>(dtls_get16(b, 0));
      out.cookie.emplace(b.begin() + 3, b.begin() + 3 + b[2]);
      return Parse::done;
    }
    // From the ServerHello on, complete messages in message_seq order, as TLS records.
    std::sort(messages.begin(), messages.end(), [](const DtlsMessage& a, const DtlsMessage& b) { return a.seq < b.seq; });
    std::vector<std::uint8_t> stream;
    const auto hello = std::find_if(messages.begin(), messages.end(), [](const DtlsMessage& m) { return m.type == kHsServerHello; });
    bool gap = false;
    if (hello != messages.end()) {
      std::uint32_t next = hello->seq;
      for (auto it = hello; it != messages.end(); ++it) {
        if (it->seq != next || !it->complete()) {
          gap = true;
          break;
        }
        ++next;
        std::vector<std::uint8_t> body = it->body;
        if (it->type == kHsServerHello) dtls_server_hello_as_tls(body, out);
        if (it->type == kHsCertificate && out.server_certificate_type == kCertTypeRawPublicKey) {
          // RFC 7250 §3: one SubjectPublicKeyInfo (24-bit length), not a certificate list.
          const Bytes b(body);
          if (b.size() < 3 || dtls_get24(b, 0) + 3 != b.size() || b.size() == 3) return Parse::invalid;
          if (b.size() - 3 <= kTlsMaxCertificateBytes) out.raw_public_key.assign(b.begin() + 3, b.end());
          continue;
        }
        dtls_as_tls_records(it->type, Bytes(body), stream);
      }
    } else if (!messages.empty()) {
      gap = true;  // messages without their ServerHello (lost): wait for the retransmission
    }
    for (const auto& a : alerts) stream.insert(stream.end(), a.begin(), a.end());
    if (stream.empty()) return Parse::need_more;
    std::size_t consumed = 0;
    const Parse state = parse_server_hello_flight(Bytes(stream), out.tls, consumed);
    if (state == Parse::done && gap && !out.tls.alert && !out.tls.server_hello_done) return Parse::need_more;
    return state;
  } catch (...) {
    return Parse::invalid;  // allocation failure
  }
}

}  // namespace trustscan
