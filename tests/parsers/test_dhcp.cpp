// DHCPv4 parsing against a real exchange.
//
// Captured in network namespaces of our own (rdiss-srv 198.19.251.1/24 <-veth-> rdiss-cli, no
// route out), Debian 12: server `dnsmasq 2.90 --no-daemon --no-ping --port=0 --interface=rdiss-a
// --dhcp-range=198.19.251.50,198.19.251.99,255.255.255.0,1h --dhcp-option=option:router,198.19.251.1
// --dhcp-option=option:dns-server,198.19.251.1 --dhcp-option=option:ntp-server,198.19.251.1
// --dhcp-option=option:domain-name,lab.test`, client `busybox 1.35.0 udhcpc -f -q -n -i rdiss-b
// -s /bin/true -x hostname:rdiss-cam -V ACME-IPCam-2.1 -F rdiss-cam.lab.test -O ntpsrv` on MAC
// 02:00:c6:13:fb:10, `tcpdump -i rdiss-a -w dhcp.pcap udp port 67 or udp port 68`, then each
// frame's UDP payload (tshark -e udp.payload).
#include "probes/dhcp/dhcp.hpp"
#include "hex_bytes.hpp"

#include <doctest/doctest.h>

#include <random>

using namespace trustscan;

namespace {

constexpr std::string_view kUdhcpcDiscover =
    "01010600ab48793f00000000000000000000000000000000000000000200c613fb100000000000000000000000000000"
    "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000063825363"
    "3501013902024037070103060c0f1c2a0c0972646973732d63616d3c0e41434d452d495043616d2d322e313d07010200"
    "c613fb10511501000072646973732d63616d2e6c61622e74657374ff";
constexpr std::string_view kDnsmasqOffer =
    "02010600ab48793f0000000000000000c613fb44c613fb01000000000200c613fb100000000000000000000000000000"
    "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000063825363"
    "3501023604c613fb01330400000e103a04000007083b0400000c4e0104ffffff001c04c613fbff0c0972646973732d63"
    "616d510c01ffff72646973732d63616d0f086c61622e746573742a04c613fb010604c613fb010304c613fb01ff";
constexpr std::string_view kUdhcpcRequest =
    "01010600ab48793f00000000000000000000000000000000000000000200c613fb100000000000000000000000000000"
    "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000063825363"
    "3501033204c613fb443604c613fb013902024037070103060c0f1c2a0c0972646973732d63616d3c0e41434d452d4950"
    "43616d2d322e313d07010200c613fb10511501000072646973732d63616d2e6c61622e74657374ff";
constexpr std::string_view kDnsmasqAck =
    "02010600ab48793f0000000000000000c613fb44c613fb01000000000200c613fb100000000000000000000000000000"
    "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000063825363"
    "3501053604c613fb01330400000e103a04000007083b0400000c4e0104ffffff001c04c613fbff0c0972646973732d63"
    "616d510c01ffff72646973732d63616d0f086c61622e746573742a04c613fb010604c613fb010304c613fb01ff";


DhcpMessage parse_ok(const std::vector<std::uint8_t>& b) {
  DhcpMessage m;
  REQUIRE(parse_dhcp(Bytes(b), m) == Parse::done);
  return m;
}

std::string value_of(const std::vector<Observation>& obs, std::string_view key) {
  for (const auto& o : obs)
    if (o.key == key) {
      if (const auto* s = std::get_if<std::string>(&o.value)) return *s;
      if (const auto* l = std::get_if<std::vector<std::string>>(&o.value)) {
        std::string joined;
        for (const auto& x : *l) joined += (joined.empty() ? "" : " ") + x;
        return joined;
      }
    }
  return "<absent>";
}

}  // namespace

TEST_CASE("udhcpc DISCOVER and REQUEST: what the client says about itself") {
  const auto d = test::hex_bytes(kUdhcpcDiscover);
  const auto m = parse_ok(d);
  CHECK(m.op == 1);
  CHECK(m.xid == 0xab48793f);
  CHECK(m.message_type == std::optional<std::uint8_t>{1});
  CHECK(m.host_name == "rdiss-cam");
  CHECK(m.vendor_class == "ACME-IPCam-2.1");
  CHECK(m.client_id == std::vector<std::uint8_t>{0x01, 0x02, 0x00, 0xc6, 0x13, 0xfb, 0x10});
  CHECK(m.client_fqdn == "rdiss-cam.lab.test");
  CHECK(m.client_fqdn_flags == 0x01);
  CHECK(m.parameter_request_list == std::vector<std::uint8_t>{1, 3, 6, 12, 15, 28, 42});
  CHECK_FALSE(m.requested_ip);
  const auto obs = dhcp_observations(m, Endpoint{});
  CHECK(value_of(obs, "dhcp.message_type") == "DISCOVER");
  CHECK(value_of(obs, "dhcp.client_mac") == "02:00:c6:13:fb:10");
  CHECK(value_of(obs, "dhcp.client_id") == "010200c613fb10");
  CHECK(value_of(obs, "dhcp.parameter_request_list") == "1,3,6,12,15,28,42");
  CHECK(value_of(obs, "dhcp.requested_ip") == "<absent>");
  CHECK(value_of(obs, "dhcp.your_ip") == "<absent>");  // a client message
  CHECK(obs.front().evidence.excerpt.substr(0, 12) == "\\x01\\x01\\x06");  // op, htype, hlen

  const auto r = test::hex_bytes(kUdhcpcRequest);
  const auto req = parse_ok(r);
  CHECK(req.message_type == std::optional<std::uint8_t>{3});
  REQUIRE(req.requested_ip);
  CHECK(req.requested_ip->to_string() == "198.19.251.68");
  REQUIRE(req.server_id);
  CHECK(req.server_id->to_string() == "198.19.251.1");
  CHECK(req.option_codes == std::vector<std::uint8_t>{53, 50, 54, 57, 55, 12, 60, 61, 81});
}

TEST_CASE("dnsmasq OFFER and ACK: address, DNS and NTP servers handed out") {
  for (const auto hex : {kDnsmasqOffer, kDnsmasqAck}) {
    const auto b = test::hex_bytes(hex);
    const auto m = parse_ok(b);
    CHECK(m.op == 2);
    CHECK(m.yiaddr.to_string() == "198.19.251.68");
    const auto obs = dhcp_observations(m, Endpoint{});
    CHECK(value_of(obs, "dhcp.your_ip") == "198.19.251.68");
    CHECK(value_of(obs, "dhcp.server_id") == "198.19.251.1");
    CHECK(value_of(obs, "dhcp.dns_servers") == "198.19.251.1");
    CHECK(value_of(obs, "dhcp.ntp_servers") == "198.19.251.1");
    CHECK(value_of(obs, "dhcp.hostname") == "rdiss-cam");
    CHECK(value_of(obs, "dhcp.vendor_class") == "<absent>");
  }
  CHECK(value_of(dhcp_observations(parse_ok(test::hex_bytes(kDnsmasqAck)), Endpoint{}), "dhcp.message_type") == "ACK");
}

TEST_CASE("option overload: options continued in the file and sname fields") {
  // The captured DISCOVER with its host name option moved into `file` and the vendor class into
  // `sname`, announced by option 52 = 3 where the host name was.
  auto b = test::hex_bytes(kUdhcpcDiscover);
  const std::size_t opts = 240;
  std::size_t at = opts;
  while (b[at] != 12) at += 2u + b[at + 1];  // find option 12 (the capture has no pad before it)
  const std::size_t host_len = 2u + b[at + 1];
  std::copy(b.begin() + static_cast<std::ptrdiff_t>(at), b.begin() + static_cast<std::ptrdiff_t>(at + host_len),
            b.begin() + 108);
  b[108 + host_len] = 255;
  b[at] = 52;
  b[at + 1] = 1;
  b[at + 2] = 3;
  for (std::size_t i = at + 3; i < at + host_len; ++i) b[i] = 0;  // pad
  std::size_t v = at + host_len;
  REQUIRE(b[v] == 60);
  const std::size_t vendor_len = 2u + b[v + 1];
  std::copy(b.begin() + static_cast<std::ptrdiff_t>(v), b.begin() + static_cast<std::ptrdiff_t>(v + vendor_len),
            b.begin() + 44);
  b[44 + vendor_len] = 255;
  for (std::size_t i = v; i < v + vendor_len; ++i) b[i] = 0;
  const auto m = parse_ok(b);
  CHECK(m.overload == 3);
  CHECK(m.host_name == "rdiss-cam");
  CHECK(m.vendor_class == "ACME-IPCam-2.1");
  CHECK(m.client_fqdn == "rdiss-cam.lab.test");

  b[at + 2] = 4;  // not an overload value
  DhcpMessage bad;
  CHECK(parse_dhcp(Bytes(b), bad) == Parse::invalid);
}

TEST_CASE("repeated options concatenate (RFC 3396), FQDN in DNS wire form") {
  auto b = test::hex_bytes(kUdhcpcDiscover);
  b.resize(240);
  const std::uint8_t more[] = {12, 3, 'c', 'a', 'm', 12, 2, '-', '1', 81, 10, 0x05, 0, 0, 3, 'c', 'a', 'm', 1, 'x', 0, 255};
  b.insert(b.end(), std::begin(more), std::end(more));
  const auto m = parse_ok(b);
  CHECK(m.host_name == "cam-1");
  CHECK(m.client_fqdn == "cam.x");
  CHECK_FALSE(m.message_type);
  CHECK(value_of(dhcp_observations(m, Endpoint{}), "dhcp.message_type") == "<absent>");
}

TEST_CASE("every truncation of a datagram is invalid or a shorter, sound message, garbage is invalid") {
  const auto b = test::hex_bytes(kUdhcpcRequest);
  for (std::size_t n = 0; n < b.size(); ++n) {
    DhcpMessage m;
    const Parse p = parse_dhcp(Bytes(b).first(n), m);
    CHECK(p != Parse::need_more);  // datagrams are whole or nothing
    if (n < 240) CHECK(p == Parse::invalid);  // no room for header + cookie
    if (p == Parse::done) CHECK((!m.message_type || *m.message_type == 3));  // a cut option is never misread
  }
  DhcpMessage m;
  auto bad = b;
  bad[236] = 0;  // no magic cookie
  CHECK(parse_dhcp(Bytes(bad), m) == Parse::invalid);
  bad = b;
  bad[0] = 3;  // neither request nor reply
  CHECK(parse_dhcp(Bytes(bad), m) == Parse::invalid);
  bad = b;
  bad[2] = 17;  // hardware address longer than chaddr
  CHECK(parse_dhcp(Bytes(bad), m) == Parse::invalid);
  bad = b;
  bad[241] = 2;  // message type (53) must be one byte
  CHECK(parse_dhcp(Bytes(bad), m) == Parse::invalid);
  bad = b;
  bad.resize(240);
  bad.push_back(12);
  bad.push_back(200);  // host name runs past the datagram
  CHECK(parse_dhcp(Bytes(bad), m) == Parse::invalid);

  std::mt19937 rng(8);
  std::vector<std::uint8_t> noise(600);
  for (int round = 0; round < 200; ++round) {
    for (auto& x : noise) x = static_cast<std::uint8_t>(rng());
    (void)parse_dhcp(Bytes(noise), m);
    // Random options behind a valid header and cookie: done or invalid, lists capped.
    std::copy(b.begin(), b.begin() + 240, noise.begin());
    if (parse_dhcp(Bytes(noise), m) == Parse::done) {
      CHECK(m.dns_servers.size() <= kDhcpMaxList);
      CHECK(m.host_name.size() <= kDhcpMaxOptionData);
    }
  }
  std::vector<std::uint8_t> huge(kDhcpMaxMessage + 1, 0);
  std::copy(b.begin(), b.begin() + 240, huge.begin());
  CHECK(parse_dhcp(Bytes(huge), m) == Parse::invalid);
}
