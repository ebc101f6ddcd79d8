// ICMPv4 echo for host discovery (probes/icmp/icmp.hpp): the request's checksum, and the reader
// of raw-socket datagrams.
#include "probes/icmp/icmp.hpp"

#include "parser_support.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <iterator>

using namespace trustscan;

namespace {

// An IPv4 header (20 bytes, protocol ICMP, source 198.18.0.10) followed by `icmp`.
std::vector<std::uint8_t> datagram(std::vector<std::uint8_t> icmp, std::uint8_t protocol = 1) {
  const std::uint8_t header[] = {0x45, 0, 0, 0, 0, 0, 0, 0, 64, protocol, 0, 0, 198, 18, 0, 10, 198, 18, 0, 2};
  // Sized once and filled: g++ 12 -O2 reports a false -Warray-bounds on insert() after an
  // initializer list of 20 bytes.
  std::vector<std::uint8_t> d(sizeof header + icmp.size());
  std::copy(std::begin(header), std::end(header), d.begin());
  std::copy(icmp.begin(), icmp.end(), d.begin() + sizeof header);
  return d;
}

}  // namespace

TEST_CASE("icmp: the echo request checksums to zero and carries id and sequence") {
  const auto m = icmp_echo_request(0x1234, 7);
  REQUIRE(m.size() == 24);
  CHECK(m[0] == 8);
  CHECK(m[4] == 0x12);
  CHECK(m[5] == 0x34);
  CHECK(m[7] == 7);
  CHECK(internet_checksum(Bytes(m)) == 0);
  // RFC 1071's example: 00 01 f2 03 f4 f5 f6 f7 sums to ddf2, checksum 220d.
  const std::vector<std::uint8_t> rfc = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
  CHECK(internet_checksum(Bytes(rfc)) == 0x220d);
}

TEST_CASE("icmp: an echo reply is read with its source, id and sequence, anything else is not") {
  auto reply = icmp_echo_request(0xbeef, 1);
  reply[0] = 0;  // echo reply
  IcmpEchoReply r;
  REQUIRE(parse_icmp_echo_reply(Bytes(datagram(reply)), r) == Parse::done);
  CHECK(r.source == ((198u << 24) | (18u << 16) | 10u));
  CHECK(r.id == 0xbeef);
  CHECK(r.seq == 1);

  CHECK(parse_icmp_echo_reply(Bytes(datagram(icmp_echo_request(1, 1))), r) == Parse::invalid);  // a request
  auto unreachable = reply;
  unreachable[0] = 3;
  CHECK(parse_icmp_echo_reply(Bytes(datagram(unreachable)), r) == Parse::invalid);
  CHECK(parse_icmp_echo_reply(Bytes(datagram(reply, 6)), r) == Parse::invalid);  // not ICMP
  const auto whole = datagram(reply);
  for (std::size_t n = 0; n < 28; ++n) CHECK(parse_icmp_echo_reply(Bytes(whole.data(), n), r) == Parse::invalid);
  auto bad_ihl = whole;
  bad_ihl[0] = 0x44;  // IHL 16 bytes: below the minimum
  CHECK(parse_icmp_echo_reply(Bytes(bad_ihl), r) == Parse::invalid);
  auto long_ihl = whole;
  long_ihl[0] = 0x4f;  // IHL 60 bytes: longer than the datagram allows for the ICMP header
  CHECK(parse_icmp_echo_reply(Bytes(long_ihl), r) == Parse::invalid);
}
