// ARP and IPv6 Neighbor Discovery messages of host discovery (probes/neighbor/neighbor.cpp).
#include "probes/neighbor/neighbor.hpp"

#include <doctest/doctest.h>

#include <vector>

using namespace trustscan;

namespace {

const Mac kNeighborOurMac = {0x02, 0x42, 0xc6, 0x12, 0x00, 0x02};

// An ARP reply as a device sends it (RFC 826): 198.18.0.19 is at 00:1a:11:22:33:44.
std::vector<std::uint8_t> neighbor_arp_reply() {
  return {0x00, 0x01, 0x08, 0x00, 6, 4, 0x00, 0x02,           // Ethernet, IPv4, reply
          0x00, 0x1a, 0x11, 0x22, 0x33, 0x44, 198, 18, 0, 19,  // sender
          0x02, 0x42, 0xc6, 0x12, 0x00, 0x02, 198, 18, 0, 2};  // target: us
}

Ipv6Bytes neighbor_v6(std::uint8_t last) {
  Ipv6Bytes a{0xfd, 0x00, 0x74, 0x73, 0x00, 0x6c, 0, 0, 0, 0, 0, 0, 0, 0, 0x12, last};
  return a;
}

// A solicited Neighbor Advertisement for fd00:7473:6c::12:19 with its Target Link-Layer option.
std::vector<std::uint8_t> neighbor_na(bool with_option = true) {
  std::vector<std::uint8_t> m = {136, 0, 0x12, 0x34, 0x60, 0, 0, 0};  // solicited + override
  const auto t = neighbor_v6(0x19);
  m.insert(m.end(), t.begin(), t.end());
  if (with_option) m.insert(m.end(), {2, 1, 0x00, 0x1a, 0x11, 0x22, 0x33, 0x44});
  return m;
}

}  // namespace

TEST_CASE("arp: the request is RFC 826 who-has, from our addresses, broadcast target hardware zero") {
  const auto m = arp_request(kNeighborOurMac, 0xc6120002, 0xc6120013);
  const std::vector<std::uint8_t> want = {0x00, 0x01, 0x08, 0x00, 6, 4, 0x00, 0x01, 0x02, 0x42, 0xc6, 0x12, 0x00, 0x02,
                                          198,  18,   0,    2,    0, 0, 0,    0,    0,    0,    198,  18,   0,    19};
  CHECK(m == want);
}

TEST_CASE("arp: a reply gives the sender MAC and address, and requests and other kinds are not replies") {
  ArpReply r;
  REQUIRE(parse_arp_reply(Bytes(neighbor_arp_reply()), r) == Parse::done);
  CHECK(format_mac(r.sender_mac) == "00:1a:11:22:33:44");
  CHECK(r.sender_ip == 0xc6120013);
  CHECK(r.target_ip == 0xc6120002);

  // Our own request (a packet socket sees outgoing frames too) is not an answer.
  CHECK(parse_arp_reply(Bytes(arp_request(kNeighborOurMac, 0xc6120002, 0xc6120013)), r) == Parse::invalid);
  auto m = neighbor_arp_reply();
  m[1] = 6;  // IEEE 802 hardware type
  CHECK(parse_arp_reply(Bytes(m), r) == Parse::invalid);
  m = neighbor_arp_reply();
  m[2] = 0x86;  // protocol type IPv6
  CHECK(parse_arp_reply(Bytes(m), r) == Parse::invalid);
  m = neighbor_arp_reply();
  m[4] = 8;  // hardware length
  CHECK(parse_arp_reply(Bytes(m), r) == Parse::invalid);
  m = neighbor_arp_reply();
  for (std::size_t n = 0; n < m.size(); ++n)
    CHECK(parse_arp_reply(Bytes(m.data(), n), r) == Parse::invalid);  // every truncation
  m.resize(60, 0);  // Ethernet padding after the message is fine
  CHECK(parse_arp_reply(Bytes(m), r) == Parse::done);
}

TEST_CASE("ndp: solicited-node multicast and the neighbour solicitation") {
  const auto t = neighbor_v6(0x19);
  const Ipv6Bytes group = {0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0xff, 0x00, 0x12, 0x19};
  CHECK(solicited_node_multicast(t) == group);
  const auto ns = ndp_neighbor_solicitation(t, kNeighborOurMac);
  REQUIRE(ns.size() == 32);
  CHECK(ns[0] == 135);
  CHECK(ns[1] == 0);
  CHECK(std::vector<std::uint8_t>(ns.begin() + 8, ns.begin() + 24) == std::vector<std::uint8_t>(t.begin(), t.end()));
  CHECK(ns[24] == 1);  // Source Link-Layer Address option, 8 bytes
  CHECK(ns[25] == 1);
  CHECK(std::vector<std::uint8_t>(ns.begin() + 26, ns.end()) ==
        std::vector<std::uint8_t>(kNeighborOurMac.begin(), kNeighborOurMac.end()));
}

TEST_CASE("ndp: an advertisement gives its target, flags and link-layer address, and malformed options are refused") {
  NeighborAdvertisement na;
  REQUIRE(parse_neighbor_advertisement(Bytes(neighbor_na()), na) == Parse::done);
  CHECK(na.target == neighbor_v6(0x19));
  CHECK(na.solicited);
  CHECK_FALSE(na.router);
  REQUIRE(na.has_mac);
  CHECK(format_mac(na.mac) == "00:1a:11:22:33:44");

  REQUIRE(parse_neighbor_advertisement(Bytes(neighbor_na(false)), na) == Parse::done);
  CHECK_FALSE(na.has_mac);

  auto m = neighbor_na();
  m[25] = 0;  // option length 0: RFC 4861 says drop
  CHECK(parse_neighbor_advertisement(Bytes(m), na) == Parse::invalid);
  m = neighbor_na();
  m[25] = 2;  // option runs past the message
  CHECK(parse_neighbor_advertisement(Bytes(m), na) == Parse::invalid);
  m = neighbor_na();
  m.push_back(1);  // a lone option byte
  CHECK(parse_neighbor_advertisement(Bytes(m), na) == Parse::invalid);
  m = neighbor_na();
  m[0] = 135;  // a solicitation is not an advertisement
  CHECK(parse_neighbor_advertisement(Bytes(m), na) == Parse::invalid);
  m = neighbor_na();
  m[1] = 1;
  CHECK(parse_neighbor_advertisement(Bytes(m), na) == Parse::invalid);
  m = neighbor_na(false);
  for (std::size_t n = 0; n < m.size(); ++n) CHECK(parse_neighbor_advertisement(Bytes(m.data(), n), na) == Parse::invalid);
}

TEST_CASE("icmpv6: echo request and reply") {
  const auto req = icmpv6_echo_request(0x1234, 7);
  REQUIRE(req.size() == 24);
  CHECK(req[0] == 128);
  std::uint16_t id = 0, seq = 0;
  CHECK(parse_icmpv6_echo_reply(Bytes(req), id, seq) == Parse::invalid);  // our own request
  auto reply = req;
  reply[0] = 129;
  REQUIRE(parse_icmpv6_echo_reply(Bytes(reply), id, seq) == Parse::done);
  CHECK(id == 0x1234);
  CHECK(seq == 7);
  CHECK(parse_icmpv6_echo_reply(Bytes(reply.data(), 7), id, seq) == Parse::invalid);
}
