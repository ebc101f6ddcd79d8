// libFuzzer harness for probes/quic/quic_initial.hpp. Seeds in corpus/quic/ are the sample
// packets of RFC 9001 / RFC 9369 appendix A (client and server Initials, v1 and v2) and the
// datagrams of pcaps/quic.pcap (ngtcp2 0.12 client and server: Initials, a Retry, Handshake and
// 1-RTT packets), written by tests/fuzz/make_quic_seeds.sh.
//
// The input is read three ways:
//   1. as datagrams of one connection (2-byte length prefix each; the high bit of the length says
//      "from the server"), fed to quic_add_datagram: hostile headers, lengths, coalescing;
//   2. as the plaintext of Initial packets, which the harness protects with the RFC's DCID keys
//      before feeding them, so the frame walker and the CRYPTO reassembly behind the AEAD are
//      reached (a mutated ciphertext never opens);
//   3. as frames for quic_initial_frames and CRYPTO pieces for QuicCryptoStream directly.
// Besides "no crash, no UB", it traps on broken invariants: the caps, the contiguous prefix
// inside what is buffered, the handshake record no longer than a TLS record.
#include "probes/quic/quic_initial.hpp"
#include "probes/tls/client_hello.hpp"
#include "../parsers/quic_protect.hpp"

#include <cstddef>
#include <cstdint>
#include <vector>

using namespace trustscan;

namespace {

void fq_check(const QuicConnection& c) {
  for (const auto* s : {&c.client_crypto, &c.server_crypto}) {
    if (s->buffered() > kQuicMaxCryptoBytes) __builtin_trap();
    if (s->contiguous().size() > s->buffered()) __builtin_trap();
    const auto rec = quic_handshake_record(s->contiguous(), 0x0301);
    if (!rec.empty() && (rec.size() > 5 + 16384 || rec[0] != 22)) __builtin_trap();
    ClientHelloInfo h;
    std::size_t used = 0;
    if (!rec.empty() && parse_client_hello(rec, h, used) == Parse::done && used != rec.size()) __builtin_trap();
  }
  if (c.client_dcid.size() > kQuicMaxCidBytes) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const Bytes in(data, size);
  if (size > 64 * 1024) return 0;

  // 1. Datagrams of one connection; a raw seed (no prefixes) is also tried as one datagram.
  {
    QuicConnection conn;
    (void)quic_add_datagram(conn, in, true);
    fq_check(conn);
    (void)quic_initial_candidate(in);
    QuicLongHeader h;
    if (quic_parse_long_header(in, h) == Parse::done && (h.length > size || h.pn_offset > h.length)) __builtin_trap();
  }
  {
    QuicConnection conn;
    std::size_t pos = 0;
    for (int n = 0; n < 16 && pos + 2 <= size; ++n) {
      const std::size_t len = ((std::size_t{data[pos]} & 0x7f) << 8) | data[pos + 1];
      const bool from_server = (data[pos] & 0x80) != 0;
      pos += 2;
      const std::size_t take = std::min(len, size - pos);
      (void)quic_add_datagram(conn, in.subspan(pos, take), !from_server);
      fq_check(conn);
      pos += take;
    }
  }

  // 2. The input as plaintext behind real protection: split in up to 4 packets, the first byte
  //    choosing the version and whether a piece goes to the server side.
  if (size >= 2) {
    const std::uint32_t version = (data[0] & 1) ? kQuicV2 : kQuicV1;
    const std::vector<std::uint8_t> dcid = {0x83, 0x94, 0xc8, 0xf0, 0x3e, 0x51, 0x57, 0x08};
    QuicConnection conn;
    const std::size_t pieces = 1 + (data[0] >> 1) % 4;
    const std::size_t step = (size - 1 + pieces - 1) / pieces;
    for (std::size_t i = 0; i < pieces; ++i) {
      const std::size_t at = 1 + i * step;
      if (at >= size) break;
      const bool server = i > 0 && ((data[0] >> (3 + i)) & 1) != 0;
      const auto pkt = test::quic_protect_initial(version, server, i, in.subspan(at, std::min(step, size - at)), dcid);
      if (pkt.empty()) continue;
      const Parse r = quic_add_datagram(conn, pkt, !server);
      if (i == 0 && r != Parse::done) __builtin_trap();  // our own protection always opens
      fq_check(conn);
    }
  }

  // 3. Frames and stream pieces directly.
  QuicInitialFrames frames;
  if (quic_initial_frames(in, frames) == Parse::done) {
    if (frames.crypto.size() > QuicInitialFrames::kMaxCrypto) __builtin_trap();
    QuicCryptoStream s;
    for (const auto& f : frames.crypto) {
      if (f.data.data() < data || f.data.data() + f.data.size() > data + size) __builtin_trap();
      s.add(f.offset, f.data);
    }
    if (s.buffered() > kQuicMaxCryptoBytes || s.contiguous().size() > s.buffered()) __builtin_trap();
  }
  {
    QuicCryptoStream s;
    for (std::size_t pos = 0; pos + 3 <= size;) {
      const std::uint64_t off = (std::uint64_t{data[pos]} << 8 | data[pos + 1]) * (data[pos + 2] & 0x80 ? 97 : 1);
      const std::size_t len = std::min<std::size_t>(data[pos + 2] & 0x7f, size - pos - 3);
      s.add(off, in.subspan(pos + 3, len));
      pos += 3 + len;
    }
    if (s.buffered() > kQuicMaxCryptoBytes || s.contiguous().size() > s.buffered()) __builtin_trap();
  }
  return 0;
}
