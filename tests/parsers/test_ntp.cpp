// NTP builders and parsers (probes/ntp/ntp.hpp).
//
// Captured bytes (a python3 UDP socket sent the exact bytes of the builders below and recorded
// the reply):
//   - chrony 4.3 (Debian 12 package, unpacked with `apt-get download chrony; dpkg -x` since it
//     conflicts with ntpsec), run as `chronyd -d -x -u root -f chrony.conf` with `port 11123`,
//     `bindaddress 127.0.0.1`, `allow 127.0.0.1`, `local stratum 8`, `cmdport 0`; -x: it never
//     touched the clock. It answered mode 3; it ignores mode 6 and mode 7 (no reply).
//   - ntpsec 1.2.2 (Debian 12 package `ntpsec`), run as `ntpd -n -c ntp.conf` inside a private
//     network namespace (`unshare -n`, loopback only) because it has no port option and binds
//     123; ntp.conf: `disable kernel`, `disable ntp` (no clock discipline), `restrict default`,
//     `restrict 127.0.0.1` (without the explicit restrict lines it did not answer mode 6), no
//     servers, so it answers unsynchronized (LI 3, stratum 0, kiss code INIT). It answered mode 3
//     and mode 6 READVAR; ntpsec has no mode 7 at all (no reply).
// Mode 7 replies are therefore crafted from ntpd 4.2.x's ntp_request.h (resp_pkt, info_monitor_1
// items of 72 bytes, INFO_ERR_* codes), since no Debian 12 daemon still implements mode 7.
#include "tests/parsers/parser_support.hpp"
#include "probes/ntp/ntp.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

using namespace trustscan;
using trustscan::test::bytes_of;
using trustscan::test::find;

namespace {

// chrony 4.3, reply to build_ntp_client_request({0xe9c6a5b0, 0x12345678}).
const std::uint8_t kNtpChronyMode4[] = {
    0x24, 0x08, 0x00, 0xe6, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x7f, 0x7f, 0x01, 0x01,
    0xee, 0xb1, 0x28, 0xfc, 0x3e, 0x7d, 0xa1, 0xc1, 0xe9, 0xc6, 0xa5, 0xb0, 0x12, 0x34, 0x56, 0x78,
    0xee, 0xb1, 0x28, 0xfe, 0x10, 0x65, 0xeb, 0x4f, 0xee, 0xb1, 0x28, 0xfe, 0x10, 0x6c, 0xe0, 0x7a,
};
// ntpsec 1.2.2, reply to the same request.
const std::uint8_t kNtpNtpsecMode4[] = {
    0xe4, 0x00, 0x00, 0xe8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x49, 0x4e, 0x49, 0x54,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xe9, 0xc6, 0xa5, 0xb0, 0x12, 0x34, 0x56, 0x78,
    0xee, 0xb1, 0x29, 0x27, 0x88, 0x5c, 0xc5, 0xc7, 0xee, 0xb1, 0x29, 0x27, 0x88, 0x5f, 0xdf, 0xdf,
};
// ntpsec 1.2.2, reply to build_ntp_mode6_readvar() (sequence 1): one fragment, 345 data bytes,
// padded to 360.
const std::uint8_t kNtpNtpsecMode6[] = {
    0xd6, 0x82, 0x00, 0x01, 0xc0, 0x16, 0x00, 0x00, 0x00, 0x00, 0x01, 0x59, 0x6c, 0x65, 0x61, 0x70,
    0x3d, 0x33, 0x2c, 0x20, 0x73, 0x74, 0x72, 0x61, 0x74, 0x75, 0x6d, 0x3d, 0x31, 0x36, 0x2c, 0x20,
    0x70, 0x72, 0x65, 0x63, 0x69, 0x73, 0x69, 0x6f, 0x6e, 0x3d, 0x2d, 0x32, 0x34, 0x2c, 0x20, 0x72,
    0x6f, 0x6f, 0x74, 0x64, 0x65, 0x6c, 0x61, 0x79, 0x3d, 0x30, 0x2e, 0x30, 0x30, 0x30, 0x2c, 0x20,
    0x72, 0x6f, 0x6f, 0x74, 0x64, 0x69, 0x73, 0x70, 0x3d, 0x30, 0x2e, 0x30, 0x34, 0x35, 0x2c, 0x0d,
    0x0a, 0x72, 0x65, 0x66, 0x69, 0x64, 0x3d, 0x49, 0x4e, 0x49, 0x54, 0x2c, 0x20, 0x72, 0x65, 0x66,
    0x74, 0x69, 0x6d, 0x65, 0x3d, 0x30, 0x78, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x2e,
    0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x2c, 0x20, 0x74, 0x63, 0x3d, 0x30, 0x2c, 0x20,
    0x70, 0x65, 0x65, 0x72, 0x3d, 0x30, 0x2c, 0x20, 0x6f, 0x66, 0x66, 0x73, 0x65, 0x74, 0x3d, 0x30,
    0x2e, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x2c, 0x0d, 0x0a, 0x66, 0x72, 0x65, 0x71, 0x75, 0x65,
    0x6e, 0x63, 0x79, 0x3d, 0x30, 0x2e, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x2c, 0x20, 0x73, 0x79,
    0x73, 0x5f, 0x6a, 0x69, 0x74, 0x74, 0x65, 0x72, 0x3d, 0x30, 0x2e, 0x30, 0x30, 0x30, 0x30, 0x30,
    0x30, 0x2c, 0x20, 0x63, 0x6c, 0x6b, 0x5f, 0x6a, 0x69, 0x74, 0x74, 0x65, 0x72, 0x3d, 0x30, 0x2e,
    0x30, 0x30, 0x30, 0x30, 0x36, 0x30, 0x2c, 0x0d, 0x0a, 0x63, 0x6c, 0x6f, 0x63, 0x6b, 0x3d, 0x30,
    0x78, 0x65, 0x65, 0x62, 0x31, 0x32, 0x39, 0x32, 0x37, 0x2e, 0x38, 0x38, 0x38, 0x33, 0x37, 0x39,
    0x65, 0x37, 0x2c, 0x20, 0x70, 0x72, 0x6f, 0x63, 0x65, 0x73, 0x73, 0x6f, 0x72, 0x3d, 0x22, 0x78,
    0x38, 0x36, 0x5f, 0x36, 0x34, 0x22, 0x2c, 0x0d, 0x0a, 0x73, 0x79, 0x73, 0x74, 0x65, 0x6d, 0x3d,
    0x22, 0x4c, 0x69, 0x6e, 0x75, 0x78, 0x2f, 0x36, 0x2e, 0x31, 0x38, 0x2e, 0x34, 0x34, 0x2d, 0x66,
    0x63, 0x2d, 0x76, 0x36, 0x36, 0x39, 0x22, 0x2c, 0x20, 0x76, 0x65, 0x72, 0x73, 0x69, 0x6f, 0x6e,
    0x3d, 0x22, 0x6e, 0x74, 0x70, 0x64, 0x20, 0x6e, 0x74, 0x70, 0x73, 0x65, 0x63, 0x2d, 0x31, 0x2e,
    0x32, 0x2e, 0x32, 0x22, 0x2c, 0x0d, 0x0a, 0x63, 0x6c, 0x6b, 0x5f, 0x77, 0x61, 0x6e, 0x64, 0x65,
    0x72, 0x3d, 0x30, 0x2e, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x2c, 0x20, 0x6d, 0x69, 0x6e, 0x74,
    0x63, 0x3d, 0x30, 0x0d, 0x0a, 0x00, 0x00, 0x00,
};

constexpr NtpTimestamp kOurTransmit{0xe9c6a5b0, 0x12345678};

// A MON_GETLIST_1 reply as ntpd 4.2.6 sends it: R and M bits, version 2, implementation 3,
// request 42, `items` entries of 72 bytes (info_monitor_1) with IPv4 sources 192.0.2.x.
std::vector<std::uint8_t> crafted_monlist(int items, bool more) {
  std::vector<std::uint8_t> v{static_cast<std::uint8_t>(0x80 | (more ? 0x40 : 0) | (2 << 3) | 7), 0x00, 0x03, 42,
                              static_cast<std::uint8_t>(items >> 8), static_cast<std::uint8_t>(items), 0x00, 72};
  for (int i = 0; i < items; ++i) {
    std::vector<std::uint8_t> e(72, 0);
    e[15] = static_cast<std::uint8_t>(i + 1);  // count
    e[16] = 192, e[17] = 0, e[18] = 2, e[19] = static_cast<std::uint8_t>(10 + i);  // addr
    e[28] = 0x00, e[29] = 123;  // port
    e[30] = 3;                  // mode: client
    e[31] = 4;                  // version
    v.insert(v.end(), e.begin(), e.end());
  }
  return v;
}


}  // namespace

// ---- mode 3 / 4 --------------------------------------------------------------------------------

TEST_CASE("ntp: build_ntp_client_request") {
  const auto req = build_ntp_client_request(kOurTransmit);
  REQUIRE(req.size() == 48);
  CHECK(req[0] == 0x23);
  for (std::size_t i = 1; i < 40; ++i) CHECK(req[i] == 0);
  CHECK(std::vector<std::uint8_t>(req.begin() + 40, req.end()) ==
        std::vector<std::uint8_t>{0xe9, 0xc6, 0xa5, 0xb0, 0x12, 0x34, 0x56, 0x78});
  const auto zero = build_ntp_client_request();
  CHECK(zero == std::vector<std::uint8_t>([] {
          std::vector<std::uint8_t> v(48, 0);
          v[0] = 0x23;
          return v;
        }()));
}

TEST_CASE("ntp: chrony 4.3 server reply") {
  NtpPacket p;
  REQUIRE(parse_ntp_response(bytes_of(kNtpChronyMode4), p) == Parse::done);
  CHECK(p.leap == 0);
  CHECK(p.version == 4);
  CHECK(p.mode == 4);
  CHECK(p.stratum == 8);
  CHECK(p.poll == 0);
  CHECK(p.precision == -26);
  CHECK(p.refid_raw == 0x7f7f0101);
  CHECK(p.refid == "127.127.1.1");
  CHECK(p.origin == kOurTransmit);  // chrony copied our transmit timestamp
  CHECK(p.transmit.seconds == 0xeeb128fe);
  CHECK(p.transmit.unix_seconds() == 1795598974);  // 2026-11-25, when it was captured
  CHECK(p.extension_bytes == 0);

  const auto obs = ntp_observations(p, Endpoint{});
  CHECK(std::get<std::int64_t>(find(obs, "ntp.mode")->value) == 4);
  CHECK(std::get<std::int64_t>(find(obs, "ntp.stratum")->value) == 8);
  CHECK(std::get<std::int64_t>(find(obs, "ntp.version")->value) == 4);
  CHECK(std::get<std::string>(find(obs, "ntp.refid")->value) == "127.127.1.1");
  CHECK(find(obs, "ntp.mode")->evidence.kind == "ntp_response");
  CHECK(find(obs, "ntp.mode")->evidence.excerpt.rfind("$\\x08\\x00\\xe6", 0) == 0);
}

TEST_CASE("ntp: ntpsec 1.2.2 unsynchronized reply (kiss code)") {
  NtpPacket p;
  REQUIRE(parse_ntp_response(bytes_of(kNtpNtpsecMode4), p) == Parse::done);
  CHECK(p.leap == 3);
  CHECK(p.version == 4);
  CHECK(p.mode == 4);
  CHECK(p.stratum == 0);
  CHECK(p.precision == -24);
  CHECK(p.refid == "INIT");
  CHECK(p.origin == kOurTransmit);
  CHECK(p.reference.unix_seconds() == 0);
}

TEST_CASE("ntp: refid rendering") {
  std::vector<std::uint8_t> pkt(48, 0);
  pkt[0] = 0x24;
  pkt[1] = 1;
  pkt[12] = 'G', pkt[13] = 'P', pkt[14] = 'S';
  NtpPacket p;
  REQUIRE(parse_ntp_response(pkt, p) == Parse::done);
  CHECK(p.refid == "GPS");
  pkt[12] = 0x7f;
  REQUIRE(parse_ntp_response(pkt, p) == Parse::done);
  CHECK(p.refid == "\\x7fPS");  // escaped, never raw control bytes
  pkt[1] = 2;
  pkt[12] = 192, pkt[13] = 0, pkt[14] = 2, pkt[15] = 1;
  REQUIRE(parse_ntp_response(pkt, p) == Parse::done);
  CHECK(p.refid == "192.0.2.1");
}

TEST_CASE("ntp: what is not a time reply") {
  NtpPacket p;
  for (std::size_t k = 0; k < sizeof kNtpChronyMode4; ++k) {
    CAPTURE(k);
    CHECK(parse_ntp_response(bytes_of(kNtpChronyMode4).first(k), p) == Parse::invalid);
  }
  auto pkt = std::vector<std::uint8_t>(std::begin(kNtpChronyMode4), std::end(kNtpChronyMode4));
  pkt[0] = 0x23;  // our own request reflected
  CHECK(parse_ntp_response(pkt, p) == Parse::invalid);
  pkt[0] = 0x04;  // version 0
  CHECK(parse_ntp_response(pkt, p) == Parse::invalid);
  pkt[0] = 0x3c;  // version 7
  CHECK(parse_ntp_response(pkt, p) == Parse::invalid);
  CHECK(parse_ntp_response(bytes_of(kNtpNtpsecMode6), p) == Parse::invalid);
  pkt[0] = 0x24;
  pkt.resize(48 + 20, 0);  // extension bytes are fine
  REQUIRE(parse_ntp_response(pkt, p) == Parse::done);
  CHECK(p.extension_bytes == 20);
  pkt.resize(1 << 20);
  CHECK(parse_ntp_response(pkt, p) == Parse::invalid);
}

// ---- mode 6 ------------------------------------------------------------------------------------

TEST_CASE("ntp: build_ntp_mode6_readvar") {
  CHECK(build_ntp_mode6_readvar() == std::vector<std::uint8_t>{0x16, 0x02, 0x00, 0x01, 0, 0, 0, 0, 0, 0, 0, 0});
  CHECK(build_ntp_mode6_readvar(0x1234)[2] == 0x12);
}

TEST_CASE("ntp: ntpsec mode 6 READVAR reply") {
  NtpControlResponse r;
  REQUIRE(parse_ntp_mode6(bytes_of(kNtpNtpsecMode6), r) == Parse::done);
  CHECK(r.version == 2);
  CHECK_FALSE(r.error);
  CHECK_FALSE(r.more);
  CHECK(r.opcode == 2);
  CHECK(r.sequence == 1);
  CHECK(r.status == 0xc016);
  CHECK(r.association_id == 0);
  CHECK(r.data.size() == 345);
  REQUIRE(r.variable("version") != nullptr);
  CHECK(*r.variable("version") == "ntpd ntpsec-1.2.2");
  CHECK(*r.variable("system") == "Linux/6.18.44-fc-v669");
  CHECK(*r.variable("processor") == "x86_64");
  CHECK(*r.variable("stratum") == "16");
  CHECK(*r.variable("refid") == "INIT");
  CHECK(r.variables.size() == 19);

  const auto obs = ntp_observations(r, Endpoint{});
  CHECK(std::get<bool>(find(obs, "ntp.mode6")->value));
  CHECK(std::get<std::string>(find(obs, "ntp.mode6_version")->value) == "ntpd ntpsec-1.2.2");
  CHECK(std::get<std::string>(find(obs, "ntp.mode6_system")->value) == "Linux/6.18.44-fc-v669");
}

TEST_CASE("ntp: mode 6 truncations, requests and errors") {
  NtpControlResponse r;
  const Bytes full = bytes_of(kNtpNtpsecMode6);
  const std::size_t data_end = 12 + 345;
  for (std::size_t k = 0; k < full.size(); ++k) {
    CAPTURE(k);
    const Parse p = parse_ntp_mode6(full.first(k), r);
    if (k < data_end) {
      CHECK(p == Parse::invalid);
    } else {
      // Only the 32-bit padding is missing: the same data.
      REQUIRE(p == Parse::done);
      CHECK(r.data.size() == 345);
    }
  }
  const auto req = build_ntp_mode6_readvar();
  CHECK(parse_ntp_mode6(req, r) == Parse::invalid);  // a request, R bit clear
  const std::vector<std::uint8_t> err{0x16, 0xc2, 0x00, 0x01, 0x04, 0x00, 0, 0, 0, 0, 0, 0};
  REQUIRE(parse_ntp_mode6(err, r) == Parse::done);
  CHECK(r.error);
  const auto obs = ntp_observations(r, Endpoint{});
  CHECK(obs.size() == 1);  // ntp.mode6 only
  CHECK(parse_ntp_mode6(bytes_of(kNtpChronyMode4), r) == Parse::invalid);
}

TEST_CASE("ntp: mode 6 variable list is bounded") {
  std::vector<std::uint8_t> pkt{0x16, 0x82, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0};
  std::string data;
  for (int i = 0; i < 200; ++i) data += "v" + std::to_string(i) + "=\"" + std::string(300, 'x') + ",y\", ";
  data.resize(kNtpMaxDatagram - 12);
  pkt[10] = static_cast<std::uint8_t>(data.size() >> 8);
  pkt[11] = static_cast<std::uint8_t>(data.size());
  pkt.insert(pkt.end(), data.begin(), data.end());
  NtpControlResponse r;
  REQUIRE(parse_ntp_mode6(pkt, r) == Parse::done);
  CHECK(r.variables.size() <= kNtpMaxVariables);
  for (const auto& [n, v] : r.variables) CHECK(v.size() <= kNtpMaxVarValue);
  CHECK(r.variables[0].second.size() == 256);  // the quoted comma did not split the value
}

// ---- mode 7 ------------------------------------------------------------------------------------

TEST_CASE("ntp: build_ntp_mode7_monlist") {
  const auto req = build_ntp_mode7_monlist();
  REQUIRE(req.size() == 48);
  CHECK(req[0] == 0x17);
  CHECK(req[1] == 0x00);
  CHECK(req[2] == 0x03);
  CHECK(req[3] == 0x2a);
  for (std::size_t i = 4; i < 48; ++i) CHECK(req[i] == 0);
  NtpMode7Response r;
  CHECK(parse_ntp_mode7(req, r) == Parse::invalid);  // a request is not a response
}

TEST_CASE("ntp: mode 7 monlist reply (crafted from ntp_request.h)") {
  const auto pkt = crafted_monlist(6, true);
  REQUIRE(pkt.size() == 8 + 6 * 72);
  NtpMode7Response r;
  REQUIRE(parse_ntp_mode7(pkt, r) == Parse::done);
  CHECK(r.more);
  CHECK(r.version == 2);
  CHECK(r.implementation == 3);
  CHECK(r.request == 42);
  CHECK(r.error == 0);
  CHECK(r.item_count == 6);
  CHECK(r.item_size == 72);
  CHECK(r.monlist());
  const auto obs = ntp_observations(r, Endpoint{});
  CHECK(std::get<bool>(find(obs, "ntp.monlist")->value));
  CHECK(std::get<std::int64_t>(find(obs, "ntp.monlist_items")->value) == 6);

  for (std::size_t k = 0; k < pkt.size(); ++k) {
    CAPTURE(k);
    CHECK(parse_ntp_mode7(std::span(pkt).first(k), r) == Parse::invalid);
  }
}

TEST_CASE("ntp: mode 7 error reply and junk") {
  // INFO_ERR_IMPL (1): the daemon speaks mode 7 but refuses.
  const std::vector<std::uint8_t> err{0x97, 0x00, 0x03, 0x2a, 0x10, 0x00, 0x00, 0x00};
  NtpMode7Response r;
  REQUIRE(parse_ntp_mode7(err, r) == Parse::done);
  CHECK(r.error == 1);
  CHECK_FALSE(r.monlist());
  const auto obs = ntp_observations(r, Endpoint{});
  CHECK_FALSE(std::get<bool>(find(obs, "ntp.monlist")->value));
  CHECK(find(obs, "ntp.monlist_items") == nullptr);

  auto bad = crafted_monlist(1, false);
  bad[2] = 9;  // unknown implementation
  CHECK(parse_ntp_mode7(bad, r) == Parse::invalid);
  bad = crafted_monlist(1, false);
  bad[4] = 0x0f, bad[5] = 0xff, bad[6] = 0x0f, bad[7] = 0xff;  // 4095 items of 4095 bytes
  CHECK(parse_ntp_mode7(bad, r) == Parse::invalid);
  CHECK(parse_ntp_mode7(bytes_of(kNtpChronyMode4), r) == Parse::invalid);
  CHECK(parse_ntp_mode7(bytes_of(kNtpNtpsecMode6), r) == Parse::invalid);
}

TEST_CASE("ntp: random datagrams never crash") {
  std::uint32_t seed = 99;
  for (int round = 0; round < 2000; ++round) {
    std::vector<std::uint8_t> junk(static_cast<std::size_t>(round % 120));
    for (auto& b : junk) {
      seed = seed * 1103515245u + 12345u;
      b = static_cast<std::uint8_t>(seed >> 16);
    }
    NtpPacket p;
    NtpControlResponse c;
    NtpMode7Response m;
    (void)parse_ntp_response(junk, p);
    (void)parse_ntp_mode6(junk, c);
    (void)parse_ntp_mode7(junk, m);
  }
}
