// QUIC Initial decoder (probes/quic/quic_initial.hpp) against the sample packets of RFC 9001
// appendix A (v1) and RFC 9369 appendix A (v2): keys, header protection, AEAD, frames, the TLS
// hellos in them; reassembly across packets and datagrams; truncated and damaged packets.
#include "probes/quic/quic_initial.hpp"
#include "probes/tls/client_hello.hpp"
#include "probes/tls/ja_fingerprint.hpp"
#include "probes/tls/tls.hpp"

#include "hex_bytes.hpp"
#include "quic_protect.hpp"
#include "quic_vectors.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

using namespace trustscan;
using trustscan::test::hex_bytes;

namespace {

std::string quict_hex(const std::uint8_t* p, std::size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string s;
  for (std::size_t i = 0; i < n; ++i) {
    s += kDigits[p[i] >> 4];
    s += kDigits[p[i] & 15];
  }
  return s;
}

template <std::size_t N>
std::string quict_hex(const std::array<std::uint8_t, N>& a) {
  return quict_hex(a.data(), N);
}

const std::vector<std::uint8_t> kQuictDcid = hex_bytes(test::kQuicRfcDcid);

std::vector<std::uint8_t> quict_protect(std::uint32_t version, bool server, std::uint64_t pn,
                                        const std::vector<std::uint8_t>& payload) {
  auto p = test::quic_protect_initial(version, server, pn, payload, kQuictDcid);
  REQUIRE_FALSE(p.empty());
  return p;
}

// A CRYPTO frame (2-byte varints) holding `data` at `offset`.
std::vector<std::uint8_t> quict_crypto(std::uint64_t offset, const std::vector<std::uint8_t>& data) {
  std::vector<std::uint8_t> f = {0x06, static_cast<std::uint8_t>(0x40 | (offset >> 8)), static_cast<std::uint8_t>(offset),
                                 static_cast<std::uint8_t>(0x40 | (data.size() >> 8)),
                                 static_cast<std::uint8_t>(data.size())};
  f.insert(f.end(), data.begin(), data.end());
  return f;
}

std::vector<std::uint8_t> quict_rfc_hello() {  // the ClientHello of A.2, without its frame header
  const auto frame = hex_bytes(test::kQuicRfcClientCrypto);
  return {frame.begin() + 4, frame.end()};
}

ClientHelloInfo quict_hello_of(const QuicConnection& c) {
  const auto rec = quic_handshake_record(c.client_crypto.contiguous(), 0x0301);
  ClientHelloInfo h;
  std::size_t used = 0;
  REQUIRE(parse_client_hello(rec, h, used) == Parse::done);
  return h;
}

}  // namespace

TEST_CASE("quic: Initial keys of RFC 9001 A.1 (v1) and RFC 9369 A.1 (v2)") {
  QuicInitialKeys c, s;
  REQUIRE(quic_initial_keys(kQuicV1, kQuictDcid, false, c));
  REQUIRE(quic_initial_keys(kQuicV1, kQuictDcid, true, s));
  CHECK(quict_hex(c.key) == "1f369613dd76d5467730efcbe3b1a22d");
  CHECK(quict_hex(c.iv) == "fa044b2f42a3fd3b46fb255c");
  CHECK(quict_hex(c.hp) == "9f50449e04a0e810283a1e9933adedd2");
  CHECK(quict_hex(s.key) == "cf3a5331653c364c88f0f379b6067e37");
  CHECK(quict_hex(s.iv) == "0ac1493ca1905853b0bba03e");
  CHECK(quict_hex(s.hp) == "c206b8d9b9f0f37644430b490eeaa314");
  REQUIRE(quic_initial_keys(kQuicV2, kQuictDcid, false, c));
  CHECK(quict_hex(c.key) == "8b1a0bc121284290a29e0971b5cd045d");
  CHECK(quict_hex(c.iv) == "91f73e2351d8fa91660e909f");
  CHECK(quict_hex(c.hp) == "45b95e15235d6f45a6b19cbcb0294ba9");
  // Unknown versions and over-long connection IDs have no keys.
  CHECK_FALSE(quic_initial_keys(0xff00001d, kQuictDcid, false, c));
  CHECK_FALSE(quic_initial_keys(kQuicV1, std::vector<std::uint8_t>(21, 1), false, c));
  CHECK(quic_version_name(kQuicV1) == "QUICv1");
  CHECK(quic_version_name(kQuicV2) == "QUICv2");
  CHECK(quic_version_name(0xff00001d) == "0xff00001d");
}

TEST_CASE("quic: the RFC client Initials open to their ClientHello (v1 and v2)") {
  for (const char* hex : {test::kQuicV1ClientInitial, test::kQuicV2ClientInitial}) {
    const auto pkt = hex_bytes(hex);
    CAPTURE(pkt[0]);
    REQUIRE(pkt.size() == 1200);
    CHECK(quic_initial_candidate(pkt));
    QuicLongHeader h;
    REQUIRE(quic_parse_long_header(pkt, h) == Parse::done);
    CHECK(h.type == QuicPacketType::initial);
    CHECK(quict_hex(h.dcid.data(), h.dcid.size()) == test::kQuicRfcDcid);
    CHECK(h.scid.empty());
    CHECK(h.token.empty());
    CHECK(h.pn_offset == 18);
    CHECK(h.length == 1200);
    QuicInitialKeys k;
    REQUIRE(quic_initial_keys(h.version, h.dcid, false, k));
    std::uint64_t pn = 0;
    std::vector<std::uint8_t> plain;
    REQUIRE(quic_open_initial(pkt, h, k, -1, pn, plain));
    CHECK(pn == 2);  // header protection removed: the 4-byte packet number 2 of A.2
    REQUIRE(plain.size() == 1162);
    const auto crypto = hex_bytes(test::kQuicRfcClientCrypto);
    CHECK(std::equal(crypto.begin(), crypto.end(), plain.begin()));
    CHECK(std::all_of(plain.begin() + static_cast<std::ptrdiff_t>(crypto.size()), plain.end(),
                      [](std::uint8_t b) { return b == 0; }));
    QuicInitialFrames f;
    REQUIRE(quic_initial_frames(plain, f) == Parse::done);
    REQUIRE(f.crypto.size() == 1);
    CHECK(f.crypto[0].offset == 0);
    CHECK(f.crypto[0].data.size() == 241);
    CHECK(f.padding == 1);

    QuicConnection conn;
    REQUIRE(quic_add_datagram(conn, pkt, true) == Parse::done);
    CHECK(conn.version == h.version);
    CHECK(conn.initial_packets[0] == 1);
    const auto hello = quict_hello_of(conn);
    CHECK(hello.server_name == "example.com");
    CHECK(hello.alpn_protocols == std::vector<std::string>{"alpn"});
    CHECK(hello.max_version() == 0x0304);
    const auto fp = ja_fingerprint(hello, 'q');
    CHECK(fp.ja4.starts_with("q13d0211an_"));  // 2 suites, 11 extensions, ALPN "alpn": a…n
    CHECK(fp.ja4_r.starts_with("q13d0211an_1301,1302_"));
  }
}

TEST_CASE("quic: the RFC server Initials open to an ACK and the ServerHello (v1 and v2)") {
  for (const auto& [client, server] : {std::pair{test::kQuicV1ClientInitial, test::kQuicV1ServerInitial},
                                       std::pair{test::kQuicV2ClientInitial, test::kQuicV2ServerInitial}}) {
    const auto spkt = hex_bytes(server);
    QuicLongHeader h;
    REQUIRE(quic_parse_long_header(spkt, h) == Parse::done);
    CHECK(h.dcid.empty());
    CHECK(quict_hex(h.scid.data(), h.scid.size()) == "f067a5502a4262b5");
    QuicInitialKeys k;
    REQUIRE(quic_initial_keys(h.version, kQuictDcid, true, k));
    std::uint64_t pn = 0;
    std::vector<std::uint8_t> plain;
    REQUIRE(quic_open_initial(spkt, h, k, -1, pn, plain));
    CHECK(pn == 1);
    CHECK(plain == hex_bytes(test::kQuicRfcServerPayload));
    // The client's keys do not open the server's packet.
    QuicInitialKeys wrong;
    REQUIRE(quic_initial_keys(h.version, kQuictDcid, false, wrong));
    CHECK_FALSE(quic_open_initial(spkt, h, wrong, -1, pn, plain));

    // Both through one connection: the server side is keyed by the client's DCID.
    QuicConnection conn;
    REQUIRE(quic_add_datagram(conn, hex_bytes(client), true) == Parse::done);
    REQUIRE(quic_add_datagram(conn, spkt, false) == Parse::done);
    CHECK(conn.initial_packets[1] == 1);
    const auto rec = quic_handshake_record(conn.server_crypto.contiguous(), 0x0303);
    ServerFlight sf;
    std::size_t used = 0;
    REQUIRE(parse_server_hello_flight(rec, sf, used) != Parse::invalid);
    REQUIRE(sf.server_hello);
    CHECK(sf.server_hello->cipher_suite == 0x1301);
    CHECK(sf.negotiated_version == 0x0304);
  }
}

TEST_CASE("quic: protecting the RFC's client payload gives its packet (the test helper is right)") {
  const auto crypto = hex_bytes(test::kQuicRfcClientCrypto);
  std::vector<std::uint8_t> payload = crypto;
  payload.resize(1162, 0);
  CHECK(quict_protect(kQuicV1, false, 2, payload) == hex_bytes(test::kQuicV1ClientInitial));
  CHECK(quict_protect(kQuicV2, false, 2, payload) == hex_bytes(test::kQuicV2ClientInitial));
}

TEST_CASE("quic: CRYPTO reassembled across packets, coalesced packets and datagrams in any order") {
  const auto hello = quict_rfc_hello();
  const std::vector<std::uint8_t> a(hello.begin(), hello.begin() + 100), b(hello.begin() + 100, hello.begin() + 180),
      c(hello.begin() + 180, hello.end());
  std::vector<std::uint8_t> p1 = {0x01};  // PING, then the last part
  const auto cf = quict_crypto(180, c);
  p1.insert(p1.end(), cf.begin(), cf.end());
  // An ACK (with a gap range) and the middle part, then the first part, in one packet.
  std::vector<std::uint8_t> p2 = {0x02, 0x05, 0x00, 0x01, 0x00, 0x01, 0x01};
  const auto bf = quict_crypto(100, b), af = quict_crypto(0, a);
  p2.insert(p2.end(), bf.begin(), bf.end());
  p2.insert(p2.end(), af.begin(), af.end());
  p2.resize(p2.size() + 900, 0);  // PADDING
  for (const std::uint32_t v : {kQuicV1, kQuicV2}) {
    CAPTURE(v);
    // Datagram 1: the last part alone; datagram 2: two coalesced Initial packets, the second a
    // retransmission of the first (duplicates keep the first bytes).
    auto d1 = quict_protect(v, false, 0, p1);
    auto d2 = quict_protect(v, false, 1, p2);
    const auto again = quict_protect(v, false, 2, p1);
    d2.insert(d2.end(), again.begin(), again.end());
    QuicConnection conn;
    REQUIRE(quic_add_datagram(conn, d1, true) == Parse::done);
    CHECK(conn.client_crypto.contiguous().empty());
    CHECK(quic_handshake_record(conn.client_crypto.contiguous(), 0x0301).empty());
    REQUIRE(quic_add_datagram(conn, d2, true) == Parse::done);
    CHECK(conn.initial_packets[0] == 3);
    CHECK(conn.largest_pn[0] == 2);
    const auto got = conn.client_crypto.contiguous();
    CHECK(std::vector<std::uint8_t>(got.begin(), got.end()) == hello);
    CHECK(quict_hello_of(conn).server_name == "example.com");
  }
}

TEST_CASE("quic: a Handshake packet coalesced after the Initial is skipped, a short header ends the datagram") {
  auto d = hex_bytes(test::kQuicV1ServerInitial);
  // A Handshake packet (type 2): its keys are not derivable, it is counted and passed over.
  const std::vector<std::uint8_t> hs = {0xe0, 0, 0, 0, 1, 0, 0, 0x05, 1, 2, 3, 4, 5};
  d.insert(d.end(), hs.begin(), hs.end());
  d.insert(d.end(), {0x40, 0x01, 0x02});  // a 1-RTT packet: short header
  QuicConnection conn;
  REQUIRE(quic_add_datagram(conn, hex_bytes(test::kQuicV1ClientInitial), true) == Parse::done);
  REQUIRE(quic_add_datagram(conn, d, false) == Parse::done);
  CHECK(conn.other_packets == 1);
  CHECK(conn.initial_packets[1] == 1);
}

TEST_CASE("quic: CONNECTION_CLOSE and the frames an Initial may not hold") {
  QuicInitialFrames f;
  const std::vector<std::uint8_t> close = {0x1c, 0x0a, 0x06, 0x03, 'b', 'a', 'd'};
  REQUIRE(quic_initial_frames(close, f) == Parse::done);
  REQUIRE(f.close_error);
  CHECK(*f.close_error == 10);
  CHECK(f.close_reason == "bad");
  for (const std::vector<std::uint8_t>& bad :
       {std::vector<std::uint8_t>{0x08, 0x00}, {0x1d, 0, 0}, {0x06, 0x00, 0x05, 1}, {0x02, 0x00},
        {0x1c, 0x01, 0x00, 0x09, 'x'}, {0x03, 0, 0, 0, 0, 0, 0}}) {
    CAPTURE(bad[0]);
    CHECK(quic_initial_frames(bad, f) == Parse::invalid);
  }
  // A CONNECTION_CLOSE inside a protected client Initial reaches the connection.
  QuicConnection conn;
  std::vector<std::uint8_t> payload = close;
  payload.resize(60, 0);
  REQUIRE(quic_add_datagram(conn, quict_protect(kQuicV1, false, 0, payload), true) == Parse::done);
  REQUIRE(conn.close_error);
  CHECK(*conn.close_error == 10);
}

TEST_CASE("quic: the stream keeps at most its cap and range count") {
  QuicCryptoStream s;
  const std::vector<std::uint8_t> one(1, 0x55);
  for (std::size_t i = 0; i < 2 * kQuicMaxCryptoRanges; ++i) s.add(100 + 2 * i, one);
  CHECK(s.truncated());
  CHECK(s.contiguous().empty());
  QuicCryptoStream big;
  big.add(0, std::vector<std::uint8_t>(kQuicMaxCryptoBytes + 50, 1));
  big.add(kQuicMaxCryptoBytes * 4, one);
  big.add(std::uint64_t{1} << 61, one);
  CHECK(big.truncated());
  CHECK(big.contiguous().size() == kQuicMaxCryptoBytes);
  CHECK(big.buffered() == kQuicMaxCryptoBytes);
}

TEST_CASE("quic: every truncation and every one-byte change of an RFC packet is refused, never read past") {
  for (const char* hex : {test::kQuicV1ClientInitial, test::kQuicV2ServerInitial}) {
    const auto pkt = hex_bytes(hex);
    const bool client = pkt.size() == 1200;
    for (std::size_t n = 0; n < pkt.size(); ++n) {
      QuicConnection conn;
      if (!client) REQUIRE(quic_add_datagram(conn, hex_bytes(test::kQuicV2ClientInitial), true) == Parse::done);
      // A datagram cut short: the Length points past its end, so nothing is read.
      const std::vector<std::uint8_t> cut(pkt.begin(), pkt.begin() + static_cast<std::ptrdiff_t>(n));
      CHECK(quic_add_datagram(conn, cut, client) == Parse::invalid);
      CHECK(conn.initial_packets[client ? 0 : 1] == 0);
    }
    for (std::size_t i = 0; i < pkt.size(); i += 7) {
      auto bad = pkt;
      bad[i] ^= 0x21;
      QuicConnection conn;
      if (!client) REQUIRE(quic_add_datagram(conn, hex_bytes(test::kQuicV2ClientInitial), true) == Parse::done);
      CHECK(quic_add_datagram(conn, bad, client) != Parse::done);
    }
  }
}

TEST_CASE("quic: the candidate test refuses what is not a v1 or v2 Initial") {
  CHECK_FALSE(quic_initial_candidate({}));
  const auto v1 = hex_bytes(test::kQuicV1ClientInitial);
  auto other = v1;
  other[4] = 0x02;  // version 2 is not QUIC v2 (that is 0x6b3343cf)
  CHECK_FALSE(quic_initial_candidate(other));
  other = v1;
  other[0] = 0xe0;  // v1 Handshake
  CHECK_FALSE(quic_initial_candidate(other));
  other = v1;
  other[0] = 0x40;  // short header
  CHECK_FALSE(quic_initial_candidate(other));
  const std::vector<std::uint8_t> dns = {0x12, 0x34, 0x01, 0x00, 0x00, 0x01};
  CHECK_FALSE(quic_initial_candidate(dns));
}
