// The stateless half of the SYN scan (scanner/engine/syn_reply.hpp): SipHash-2-4 against the
// published test vectors, the cookie, and which captured frames answer one of our probes.
#include "scanner/engine/syn_reply.hpp"

#include "probes/wire/packet.hpp"

#include <doctest/doctest.h>

#include <fstream>
#include <iterator>
#include <string>
#include <vector>

using namespace trustscan;

namespace {

const Address kSynLocal = *Address::parse("198.18.0.2");
const Address kSynDevice = *Address::parse("198.18.0.16");
constexpr std::uint16_t kSynLport = 45123;
const SynKey kSynTestKey{0x0123456789abcdefULL, 0xfedcba9876543210ULL};
constexpr std::uint8_t kSynAck = tcpflag::syn | tcpflag::ack;
constexpr std::uint8_t kRstAck = tcpflag::rst | tcpflag::ack;

void syn_put16(std::vector<std::uint8_t>& b, std::uint16_t v) {
  b.push_back(static_cast<std::uint8_t>(v >> 8));
  b.push_back(static_cast<std::uint8_t>(v));
}
void syn_put32(std::vector<std::uint8_t>& b, std::uint32_t v) {
  syn_put16(b, static_cast<std::uint16_t>(v >> 16));
  syn_put16(b, static_cast<std::uint16_t>(v));
}
void syn_put_address(std::vector<std::uint8_t>& b, const Address& a) { b.insert(b.end(), a.bytes.begin(), a.bytes.begin() + 4); }

// An IPv4 header (20 bytes) from `src` to `dst` carrying `proto` and `payload` (link type IPV4).
std::vector<std::uint8_t> ipv4(const Address& src, const Address& dst, std::uint8_t proto,
                               const std::vector<std::uint8_t>& payload) {
  std::vector<std::uint8_t> b = {0x45, 0};
  syn_put16(b, static_cast<std::uint16_t>(20 + payload.size()));
  b.insert(b.end(), {0, 1, 0x40, 0, 64, proto, 0, 0});
  syn_put_address(b, src);
  syn_put_address(b, dst);
  b.insert(b.end(), payload.begin(), payload.end());
  return b;
}

std::vector<std::uint8_t> tcp(std::uint16_t sport, std::uint16_t dport, std::uint32_t seq, std::uint32_t ack,
                              std::uint8_t flags) {
  std::vector<std::uint8_t> b;
  syn_put16(b, sport);
  syn_put16(b, dport);
  syn_put32(b, seq);
  syn_put32(b, ack);
  b.insert(b.end(), {0x50, flags, 0xff, 0xff, 0, 0, 0, 0});
  return b;
}

// The device's answer from `port` to our probe of it: flags and the acknowledgement it carries.
std::vector<std::uint8_t> answer(std::uint16_t port, std::uint8_t flags, std::uint32_t ack) {
  return ipv4(kSynDevice, kSynLocal, ipproto::tcp, tcp(port, kSynLport, 777, ack, flags));
}

std::uint32_t cookie(std::uint16_t port) { return syn_cookie(kSynTestKey, kSynLocal, kSynLport, kSynDevice, port); }

// An ICMP destination unreachable (code `code`) from `from`, quoting the first 8 bytes of the TCP
// header of our probe of `port` carrying `seq`.
std::vector<std::uint8_t> unreachable(const Address& from, std::uint8_t code, std::uint16_t port, std::uint32_t seq) {
  auto quoted = ipv4(kSynLocal, kSynDevice, ipproto::tcp, tcp(kSynLport, port, seq, 0, tcpflag::syn));
  quoted.resize(20 + 8);
  std::vector<std::uint8_t> icmp = {3, code, 0, 0, 0, 0, 0, 0};
  icmp.insert(icmp.end(), quoted.begin(), quoted.end());
  return ipv4(from, kSynLocal, ipproto::icmp, icmp);
}

std::optional<SynReply> read(const std::vector<std::uint8_t>& frame) {
  return read_syn_reply(linktype::ipv4, Bytes(frame), kSynTestKey, kSynLocal, kSynLport);
}

}  // namespace

TEST_CASE("syn: SipHash-2-4 gives the published test vectors") {
  // Key 00 01 .. 0f; messages of 0 and 15 bytes 00 01 .. (Aumasson and Bernstein, appendix A and
  // the reference vectors).
  const SynKey key{0x0706050403020100ULL, 0x0f0e0d0c0b0a0908ULL};
  CHECK(siphash24(key, Bytes()) == 0x726fdb47dd0e0e31ULL);
  std::vector<std::uint8_t> m;
  for (std::uint8_t i = 0; i < 15; ++i) m.push_back(i);
  CHECK(siphash24(key, Bytes(m)) == 0xa129ca6149be45e5ULL);
}

TEST_CASE("syn: the cookie depends on the key and on every part of the 4-tuple") {
  const auto base = cookie(80);
  CHECK(syn_cookie(kSynTestKey, kSynLocal, kSynLport, kSynDevice, 80) == base);
  CHECK(syn_cookie(SynKey{1, 2}, kSynLocal, kSynLport, kSynDevice, 80) != base);
  CHECK(syn_cookie(kSynTestKey, kSynDevice, kSynLport, kSynDevice, 80) != base);
  CHECK(syn_cookie(kSynTestKey, kSynLocal, kSynLport + 1, kSynDevice, 80) != base);
  CHECK(syn_cookie(kSynTestKey, kSynLocal, kSynLport, kSynLocal, 80) != base);
  CHECK(cookie(81) != base);
}

TEST_CASE("syn: a SYN-ACK acknowledging the cookie is an open port, a RST a closed one") {
  const auto open = read(answer(80, kSynAck, cookie(80) + 1));
  REQUIRE(open);
  CHECK(open->answer == SynAnswer::syn_ack);
  CHECK(open->device == kSynDevice);
  CHECK(open->port == 80);
  const auto closed = read(answer(81, kRstAck, cookie(81) + 1));
  REQUIRE(closed);
  CHECK(closed->answer == SynAnswer::rst);
  CHECK(closed->port == 81);
}

TEST_CASE("syn: answers that do not match a probe of ours are not read") {
  // The acknowledgement of another port's cookie, of the cookie itself, of another key.
  CHECK_FALSE(read(answer(80, kSynAck, cookie(81) + 1)));
  CHECK_FALSE(read(answer(80, kSynAck, cookie(80))));
  CHECK_FALSE(read_syn_reply(linktype::ipv4, Bytes(answer(80, kSynAck, cookie(80) + 1)),
                             SynKey{9, 9}, kSynLocal, kSynLport));
  // To another port of ours, or to another address.
  CHECK_FALSE(read_syn_reply(linktype::ipv4, Bytes(answer(80, kSynAck, cookie(80) + 1)), kSynTestKey,
                             kSynLocal, kSynLport + 1));
  CHECK_FALSE(read_syn_reply(linktype::ipv4, Bytes(answer(80, kSynAck, cookie(80) + 1)), kSynTestKey,
                             kSynDevice, kSynLport));
  // Our own SYN as a loopback capture sees it (no ACK), a bare RST, a plain ACK.
  CHECK_FALSE(read(ipv4(kSynLocal, kSynDevice, ipproto::tcp, tcp(kSynLport, 80, cookie(80), 0, tcpflag::syn))));
  CHECK_FALSE(read(answer(80, tcpflag::rst, 0)));
  CHECK_FALSE(read(answer(80, tcpflag::ack, cookie(80) + 1)));
  // A UDP datagram to our port, a truncated frame, garbage.
  CHECK_FALSE(read(ipv4(kSynDevice, kSynLocal, ipproto::udp, {0, 80, 0xb0, 0x43, 0, 8, 0, 0})));
  auto cut = answer(80, kSynAck, cookie(80) + 1);
  cut.resize(30);
  CHECK_FALSE(read(cut));
  CHECK_FALSE(read({1, 2, 3}));
}

TEST_CASE("syn: an ICMP unreachable quoting our probe is a filtered port, from whoever sent it") {
  const Address router = *Address::parse("198.18.0.1");
  const auto r = read(unreachable(router, 13, 8080, cookie(8080)));
  REQUIRE(r);
  CHECK(r->answer == SynAnswer::unreachable);
  CHECK(r->device == kSynDevice);
  CHECK(r->port == 8080);
  CHECK(r->icmp_code == 13);
  CHECK(r->icmp_from == router);
  for (const int code : {0, 1, 2, 3, 9, 10, 13}) CHECK(read(unreachable(kSynDevice, static_cast<std::uint8_t>(code), 22, cookie(22))));
  // Fragmentation needed (4), source route failed (5) and the like say nothing about a filter.
  CHECK_FALSE(read(unreachable(kSynDevice, 4, 22, cookie(22))));
  CHECK_FALSE(read(unreachable(kSynDevice, 5, 22, cookie(22))));
  // Quoting a sequence number that is not our cookie: someone else's probe, or forged.
  CHECK_FALSE(read(unreachable(kSynDevice, 13, 22, cookie(23))));
  // Quoting fewer than the 8 bytes of TCP header RFC 792 promises.
  auto short_quote = unreachable(kSynDevice, 13, 22, cookie(22));
  short_quote.resize(short_quote.size() - 4);
  short_quote[2] = 0;
  short_quote[3] = static_cast<std::uint8_t>(short_quote.size());
  CHECK_FALSE(read(short_quote));
}

TEST_CASE("syn: the link types a capture on 'any' or an interface gives are read") {
  const auto ip = answer(443, kSynAck, cookie(443) + 1);
  // Ethernet (an interface, or Linux loopback).
  std::vector<std::uint8_t> eth(12, 0);
  eth.insert(eth.end(), {0x08, 0x00});
  eth.insert(eth.end(), ip.begin(), ip.end());
  CHECK(read_syn_reply(linktype::en10mb, Bytes(eth), kSynTestKey, kSynLocal, kSynLport));
  // Linux cooked v2 (pcap_create("any") with libpcap 1.10).
  std::vector<std::uint8_t> sll2 = {0x08, 0x00, 0, 0, 0, 0, 0, 2, 0, 1, 0, 6, 0, 0, 0, 0, 0, 0, 0, 0};
  sll2.insert(sll2.end(), ip.begin(), ip.end());
  CHECK(read_syn_reply(linktype::linux_sll2, Bytes(sll2), kSynTestKey, kSynLocal, kSynLport));
}

TEST_CASE("syn: the fuzz seeds (tests/fuzz/make_syn_reply_seeds.py) are answers under the harness's key") {
  // The seed writer computes cookies in Python: this keeps both SipHash implementations equal.
  const SynKey key{0x0123456789abcdefULL, 0xfedcba9876543210ULL};
  const std::string dir = std::string(TRUSTSCAN_SOURCE_DIR) + "/tests/fuzz/corpus/syn_reply/";
  const auto load = [&](const std::string& name) {
    std::ifstream in(dir + name, std::ios::binary);
    REQUIRE_MESSAGE(in, "missing seed " << name);
    return std::vector<std::uint8_t>(std::istreambuf_iterator<char>(in), {});
  };
  const std::pair<const char*, std::uint32_t> links[] = {{"_sll2", linktype::linux_sll2}, {"_eth", linktype::en10mb},
                                                          {"_ip", linktype::ipv4}};
  for (const auto& [suffix, link] : links) {
    const auto answer_of = [&](const std::string& name) {
      const auto frame = load(name + suffix);
      return read_syn_reply(link, Bytes(frame), key, kSynLocal, kSynLport);
    };
    const auto open = answer_of("syn_ack");
    REQUIRE(open);
    CHECK(open->answer == SynAnswer::syn_ack);
    const auto closed = answer_of("rst");
    REQUIRE(closed);
    CHECK(closed->answer == SynAnswer::rst);
    const auto filtered = answer_of("icmp_prohibited");
    REQUIRE(filtered);
    CHECK(filtered->port == 8080);
    CHECK_FALSE(answer_of("wrong_ack"));
    CHECK_FALSE(answer_of("own_syn"));
  }
  // IPv6: the seeds' SYN-ACK, RST and ICMPv6 unreachable, answers to a probe from the lab's IPv6
  // scanner address only (for the IPv4 one they are another IP version: not ours).
  const Address local6 = *Address::parse("fd00:7473:6c::2");
  const Address device6 = *Address::parse("fd00:7473:6c::19");
  const std::pair<const char*, std::uint32_t> links6[] = {{"_sll2", linktype::linux_sll2}, {"_eth", linktype::en10mb},
                                                           {"_ip", linktype::ipv6}};
  for (const auto& [suffix, link] : links6) {
    CAPTURE(suffix);
    const auto answer_of = [&](const std::string& name, const Address& local) {
      const auto frame = load(name + suffix);
      return read_syn_reply(link, Bytes(frame), key, local, kSynLport);
    };
    const auto open = answer_of("v6_syn_ack", local6);
    REQUIRE(open);
    CHECK(open->answer == SynAnswer::syn_ack);
    CHECK(open->device == device6);
    CHECK(open->port == 8443);
    const auto closed = answer_of("v6_rst", local6);
    REQUIRE(closed);
    CHECK(closed->answer == SynAnswer::rst);
    const auto filtered = answer_of("v6_icmp_prohibited", local6);
    REQUIRE(filtered);
    CHECK(filtered->answer == SynAnswer::unreachable);
    CHECK(filtered->device == device6);
    CHECK(filtered->port == 8080);
    CHECK(filtered->icmp_type == 1);
    CHECK(filtered->icmp_code == 1);
    CHECK(filtered->icmp_from == *Address::parse("fd00:7473:6c::1"));
    CHECK_FALSE(answer_of("v6_syn_ack", kSynLocal));
    CHECK_FALSE(answer_of("v6_syn_ack", device6));
  }
}

TEST_CASE("syn: an ICMPv6 unreachable that quotes another probe, or is no unreachable, is not read") {
  const SynKey key{0x0123456789abcdefULL, 0xfedcba9876543210ULL};
  const Address local6 = *Address::parse("fd00:7473:6c::2");
  const std::string dir = std::string(TRUSTSCAN_SOURCE_DIR) + "/tests/fuzz/corpus/syn_reply/";
  std::ifstream in(dir + "v6_icmp_prohibited_ip", std::ios::binary);
  REQUIRE(in);
  const std::vector<std::uint8_t> good(std::istreambuf_iterator<char>(in), {});
  REQUIRE(read_syn_reply(linktype::ipv6, Bytes(good), key, local6, kSynLport));
  auto other_type = good;
  other_type[40] = 3;  // time exceeded
  CHECK_FALSE(read_syn_reply(linktype::ipv6, Bytes(other_type), key, local6, kSynLport));
  auto other_seq = good;
  other_seq[40 + 8 + 44] ^= 1;  // the quoted sequence number (40 IPv6 + 8 ICMPv6 + 40 quoted IPv6 + 4)
  CHECK_FALSE(read_syn_reply(linktype::ipv6, Bytes(other_seq), key, local6, kSynLport));
  auto udp_quoted = good;
  udp_quoted[40 + 8 + 6] = 17;  // the quoted packet was UDP
  CHECK_FALSE(read_syn_reply(linktype::ipv6, Bytes(udp_quoted), key, local6, kSynLport));
  auto short_quote = good;
  short_quote.resize(short_quote.size() - 4);
  short_quote[5] = static_cast<std::uint8_t>(short_quote.size() - 40);
  CHECK_FALSE(read_syn_reply(linktype::ipv6, Bytes(short_quote), key, local6, kSynLport));
}
