// decode_packet (probes/packet.hpp) on the project's own captures (pcaps/, made by
// pcaps/make_pcaps.sh: real daemons and clients in network namespaces, recorded by tcpdump 4.99.3
// / libpcap 1.10.3 on Debian 12; pcaps/README.md says per file what is in it), every truncation
// of every frame, other link types built by re-framing those real IP packets, and garbage.
#include "packet.hpp"

#include "../support/pcap_file.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstring>
#include <random>
#include <string_view>
#include <vector>

using namespace trustscan;
using test::read_pcap;

namespace {

const Address kDev = *Address::parse("198.19.250.10");
const Address kSrv = *Address::parse("198.19.250.2");
const Address kLoop6 = *Address::parse("::1");
constexpr MacAddress kDevMac{0x00, 0x1a, 0x11, 0x10, 0xfa, 0x0a};
constexpr MacAddress kSrvMac{0x02, 0x00, 0x5e, 0x10, 0xfa, 0x02};

const std::vector<const char*> kCaptures = {
    "http-firmware.pcap", "https-firmware.pcap", "tls10-client.pcap", "dhcp.pcap",
    "ntp.pcap", "dns.pcap", "dns-any-sll2.pcap", "dns-any-sll.pcap", "mqtt-connect.pcap",
    "telnet-login.pcap", "ftp-login.pcap", "frag-ipv4.pcap", "frag-ipv6-lo.pcap"};

DecodedPacket decode_ok(std::uint32_t lt, const std::vector<std::uint8_t>& f) {
  DecodedPacket p;
  REQUIRE(decode_packet(lt, Bytes(f), p) == Parse::done);
  return p;
}

std::string_view text(Bytes b) { return as_text(b); }

/// Every field above the link layer, and the payload bytes.
void check_same_ip(const DecodedPacket& a, const DecodedPacket& b) {
  CHECK(a.ip_version == b.ip_version);
  CHECK(a.src == b.src);
  CHECK(a.dst == b.dst);
  CHECK(a.ip_proto == b.ip_proto);
  CHECK(a.ttl == b.ttl);
  CHECK(a.fragment == b.fragment);
  CHECK(a.later_fragment == b.later_fragment);
  CHECK(a.truncated == b.truncated);
  CHECK(a.has_ports == b.has_ports);
  CHECK(a.src_port == b.src_port);
  CHECK(a.dst_port == b.dst_port);
  CHECK(a.seq == b.seq);
  CHECK(a.ack == b.ack);
  CHECK(a.tcp_flags == b.tcp_flags);
  CHECK(a.window == b.window);
  CHECK(a.icmp_type == b.icmp_type);
  CHECK(std::ranges::equal(a.payload, b.payload));
}

/// The IP packet of an Ethernet frame (after the 14-byte header).
std::vector<std::uint8_t> ip_of(const std::vector<std::uint8_t>& eth) { return {eth.begin() + 14, eth.end()}; }

std::vector<std::uint8_t> with_prefix(std::vector<std::uint8_t> prefix, const std::vector<std::uint8_t>& rest) {
  prefix.insert(prefix.end(), rest.begin(), rest.end());
  return prefix;
}

}  // namespace

TEST_CASE("packet: Ethernet capture of a firmware download over HTTP") {
  const auto cap = read_pcap("http-firmware.pcap");
  REQUIRE(cap.linktype == linktype::en10mb);
  REQUIRE(cap.frames.size() >= 12);

  // ARP first (the device resolves the server): a non-IP frame with both MACs.
  const auto arp = decode_ok(cap.linktype, cap.frames[0].bytes);
  CHECK(arp.ip_version == 0);
  CHECK(arp.ethertype == 0x0806);
  CHECK(arp.has_src_mac);
  CHECK(arp.src_mac == kDevMac);
  CHECK(arp.dst_mac == MacAddress{0xff, 0xff, 0xff, 0xff, 0xff, 0xff});
  CHECK(arp.payload.empty());

  // The TCP handshake from the device, then its GET and the image's first bytes.
  std::vector<DecodedPacket> tcp;
  for (const auto& f : cap.frames) {
    auto p = decode_ok(cap.linktype, f.bytes);
    if (p.ip_proto == ipproto::tcp) tcp.push_back(p);
  }
  REQUIRE(tcp.size() >= 10);
  const auto& syn = tcp[0];
  CHECK(syn.ip_version == 4);
  CHECK(syn.src == kDev);
  CHECK(syn.dst == kSrv);
  CHECK(syn.src_mac == kDevMac);
  CHECK(syn.dst_mac == kSrvMac);
  CHECK(syn.ethertype == 0x0800);
  CHECK(syn.ttl == 64);
  CHECK(syn.dst_port == 80);
  CHECK(syn.tcp_flags == tcpflag::syn);
  CHECK(syn.payload.empty());  // options (MSS, SACK, timestamps, window scale) skipped
  const auto& synack = tcp[1];
  CHECK(synack.src == kSrv);
  CHECK(synack.src_port == 80);
  CHECK(synack.dst_port == syn.src_port);
  CHECK(synack.tcp_flags == (tcpflag::syn | tcpflag::ack));
  CHECK(synack.ack == syn.seq + 1);

  const auto get = std::ranges::find_if(tcp, [](const DecodedPacket& p) { return !p.payload.empty(); });
  REQUIRE(get != tcp.end());
  CHECK(get->src == kDev);
  CHECK(get->seq == syn.seq + 1);
  CHECK(text(get->payload).starts_with("GET /fw-1.2.3.bin HTTP/1.1\r\n"));
  CHECK((get->tcp_flags & tcpflag::psh) != 0);

  // The server's second data segment starts the body: the uImage magic 27 05 19 56.
  std::vector<const DecodedPacket*> from_srv;
  for (const auto& p : tcp)
    if (p.src == kSrv && !p.payload.empty()) from_srv.push_back(&p);
  REQUIRE(from_srv.size() == 2);
  CHECK(text(from_srv[0]->payload).starts_with("HTTP/1.0 200 OK\r\n"));
  CHECK(from_srv[1]->seq == from_srv[0]->seq + from_srv[0]->payload.size());
  REQUIRE(from_srv[1]->payload.size() == 1600);
  CHECK(from_srv[1]->payload[0] == 0x27);
  CHECK(from_srv[1]->payload[3] == 0x56);

  const auto fins = std::ranges::count_if(tcp, [](const DecodedPacket& p) { return (p.tcp_flags & tcpflag::fin) != 0; });
  CHECK(fins == 2);
}

TEST_CASE("packet: UDP (DHCP broadcast, DNS) and ICMP from the captures") {
  const auto dhcp = read_pcap("dhcp.pcap");
  const auto disc = decode_ok(dhcp.linktype, dhcp.frames[0].bytes);
  CHECK(disc.src == *Address::parse("0.0.0.0"));
  CHECK(disc.dst == *Address::parse("255.255.255.255"));
  CHECK(disc.ip_proto == ipproto::udp);
  CHECK(disc.src_port == 68);
  CHECK(disc.dst_port == 67);
  REQUIRE(disc.payload.size() == 300);
  CHECK(disc.payload[0] == 1);  // BOOTREQUEST
  CHECK(std::ranges::equal(disc.payload.subspan(236, 4), std::vector<std::uint8_t>{0x63, 0x82, 0x53, 0x63}));
  // The device answers the unicast OFFER with ICMP port unreachable (udhcpc listens on a raw
  // socket, not on UDP port 68): type 3 code 3, quoting the offer's IP header.
  const auto icmp = decode_ok(dhcp.linktype, dhcp.frames[2].bytes);
  CHECK(icmp.ip_proto == ipproto::icmp);
  CHECK(icmp.icmp_type == 3);
  CHECK(icmp.icmp_code == 3);
  CHECK(!icmp.has_ports);
  REQUIRE(icmp.payload.size() > 24);
  CHECK(icmp.payload[4] == 0x45);  // 4 unused bytes, then the quoted IPv4 header

  const auto dns = read_pcap("dns.pcap");
  REQUIRE(dns.frames.size() == 6);
  for (std::size_t i = 0; i < dns.frames.size(); ++i) {
    const auto p = decode_ok(dns.linktype, dns.frames[i].bytes);
    CHECK(p.ip_proto == ipproto::udp);
    CHECK((i % 2 == 0 ? p.dst_port : p.src_port) == 53);
    // UDP length = 8 + payload, IP total length = 20 + UDP length: nothing beyond.
    CHECK(p.payload.size() + 8 + 20 + 14 == dns.frames[i].bytes.size());
    CHECK(!p.truncated);
  }
}

TEST_CASE("packet: Linux cooked v1 and v2 captures of the same traffic") {
  const auto v2 = read_pcap("dns-any-sll2.pcap");
  const auto v1 = read_pcap("dns-any-sll.pcap");
  REQUIRE(v2.linktype == linktype::linux_sll2);
  REQUIRE(v1.linktype == linktype::linux_sll);
  REQUIRE(v1.frames.size() == v2.frames.size());
  std::size_t v4 = 0, v6 = 0;
  for (std::size_t i = 0; i < v2.frames.size(); ++i) {
    const auto a = decode_ok(v2.linktype, v2.frames[i].bytes);
    const auto b = decode_ok(v1.linktype, v1.frames[i].bytes);
    check_same_ip(a, b);
    CHECK(!a.has_dst_mac);
    CHECK(a.has_src_mac == b.has_src_mac);
    CHECK(a.src_mac == b.src_mac);
    if (a.ip_version == 4) {
      ++v4;
      CHECK(a.src_mac == (a.src == kDev ? kDevMac : kSrvMac));
      CHECK((a.src_port == 53 || a.dst_port == 53));
    } else {
      ++v6;
      CHECK(a.ip_version == 6);
      CHECK(a.src == kLoop6);
      CHECK(a.dst == kLoop6);
      CHECK(a.ip_proto == ipproto::tcp);
      CHECK((a.src_port == 8080 || a.dst_port == 8080));
      CHECK(a.ttl == 64);
    }
  }
  CHECK(v4 == 6);
  CHECK(v6 >= 8);
}

TEST_CASE("packet: fragments (IPv4 over the lab link, IPv6 over loopback)") {
  const auto f4 = read_pcap("frag-ipv4.pcap");
  REQUIRE(f4.frames.size() == 6);
  const auto first = decode_ok(f4.linktype, f4.frames[0].bytes);
  CHECK(first.fragment);
  CHECK(!first.later_fragment);
  CHECK(first.icmp_type == 8);  // echo request, decoded from the first fragment
  CHECK(first.payload.size() == 1480 - 4);
  for (std::size_t i : {1u, 2u, 4u, 5u}) {
    const auto p = decode_ok(f4.linktype, f4.frames[i].bytes);
    CHECK(p.fragment);
    CHECK(p.later_fragment);
    CHECK(p.icmp_type == 0);  // not interpreted
    CHECK(p.payload.size() == f4.frames[i].bytes.size() - 34);
  }
  CHECK(decode_ok(f4.linktype, f4.frames[3].bytes).icmp_type == 0);  // echo reply, first fragment

  const auto f6 = read_pcap("frag-ipv6-lo.pcap");
  REQUIRE(f6.frames.size() == 6);
  const auto h = decode_ok(f6.linktype, f6.frames[0].bytes);
  CHECK(h.ip_version == 6);
  CHECK(h.fragment);
  CHECK(!h.later_fragment);
  CHECK(h.ip_proto == ipproto::icmpv6);
  CHECK(h.icmp_type == 128);
  const auto t = decode_ok(f6.linktype, f6.frames[1].bytes);
  CHECK(t.later_fragment);
  CHECK(t.ip_proto == ipproto::icmpv6);  // the fragment header's next header
  CHECK(t.payload.size() == 1448);
  CHECK(decode_ok(f6.linktype, f6.frames[3].bytes).icmp_type == 129);
}

TEST_CASE("packet: raw IP, IPv4/IPv6 and NULL/LOOP link types carry the same packets") {
  for (const char* name : {"http-firmware.pcap", "frag-ipv4.pcap", "frag-ipv6-lo.pcap"}) {
    const auto cap = read_pcap(name);
    for (const auto& f : cap.frames) {
      DecodedPacket eth;
      REQUIRE(decode_packet(cap.linktype, Bytes(f.bytes), eth) == Parse::done);
      if (eth.ip_version == 0) continue;
      const auto ip = ip_of(f.bytes);
      for (std::uint32_t lt : {linktype::raw, linktype::raw_bsd, linktype::raw_14}) check_same_ip(decode_ok(lt, ip), eth);
      const std::uint32_t exact = eth.ip_version == 4 ? linktype::ipv4 : linktype::ipv6;
      const std::uint32_t wrong = eth.ip_version == 4 ? linktype::ipv6 : linktype::ipv4;
      check_same_ip(decode_ok(exact, ip), eth);
      DecodedPacket p;
      CHECK(decode_packet(wrong, Bytes(ip), p) == Parse::invalid);
      // NULL: AF_INET 2 / AF_INET6 (30 on macOS) little-endian; LOOP: big-endian.
      const std::uint8_t af = eth.ip_version == 4 ? 2 : 30;
      const auto null_hdr = with_prefix({af, 0, 0, 0}, ip);
      const auto loop_hdr = with_prefix({0, 0, 0, af}, ip);
      check_same_ip(decode_ok(linktype::null, null_hdr), eth);
      check_same_ip(decode_ok(linktype::loop, loop_hdr), eth);
      CHECK(!decode_ok(linktype::null, null_hdr).has_src_mac);
    }
  }
  // An unknown address family is a non-IP frame; an unknown link type is invalid.
  DecodedPacket p;
  const std::vector<std::uint8_t> ipx{23, 0, 0, 0, 0x45, 0};
  CHECK(decode_packet(linktype::null, Bytes(ipx), p) == Parse::done);
  CHECK(p.ip_version == 0);
  CHECK(decode_packet(147, Bytes(ipx), p) == Parse::invalid);
  CHECK(decode_packet(linktype::raw, Bytes(ipx).subspan(4), p) == Parse::invalid);
}

TEST_CASE("packet: 802.1Q and 802.1ad tags inserted into a real frame") {
  // The lab kernel has no 8021q module, so tags are inserted into a captured frame.
  const auto cap = read_pcap("http-firmware.pcap");
  const auto& frame = cap.frames[5].bytes;  // the GET
  const auto plain = decode_ok(cap.linktype, frame);
  const auto tagged = [&](std::vector<std::vector<std::uint8_t>> tags) {
    std::vector<std::uint8_t> f(frame.begin(), frame.begin() + 12);
    for (const auto& t : tags) f.insert(f.end(), t.begin(), t.end());
    f.insert(f.end(), frame.begin() + 12, frame.end());
    return f;
  };
  const auto one = decode_ok(cap.linktype, tagged({{0x81, 0x00, 0x20, 0x64}}));  // PCP 1, VLAN 100
  check_same_ip(one, plain);
  CHECK(one.vlan_count == 1);
  CHECK(one.vlan_ids[0] == 100);
  CHECK(one.ethertype == 0x0800);
  const auto two = decode_ok(cap.linktype, tagged({{0x88, 0xa8, 0x00, 0x0a}, {0x81, 0x00, 0x0f, 0xff}}));
  check_same_ip(two, plain);
  CHECK(two.vlan_count == 2);
  CHECK(two.vlan_ids[0] == 10);
  CHECK(two.vlan_ids[1] == 4095);
  CHECK(decode_ok(cap.linktype, tagged({{0x91, 0x00, 0x00, 0x05}, {0x81, 0x00, 0x00, 0x06}})).vlan_ids[1] == 6);
  DecodedPacket p;
  const auto three = tagged({{0x88, 0xa8, 0, 1}, {0x81, 0x00, 0, 2}, {0x81, 0x00, 0, 3}});
  CHECK(decode_packet(cap.linktype, Bytes(three), p) == Parse::invalid);
  // A tag cut short.
  const std::vector<std::uint8_t> cut(three.begin(), three.begin() + 16);
  CHECK(decode_packet(cap.linktype, Bytes(cut), p) == Parse::invalid);
  // 802.3 length field: LLC, not IP.
  auto llc = frame;
  llc[12] = 0x00;
  llc[13] = 0x40;
  CHECK(decode_ok(cap.linktype, llc).ip_version == 0);
  CHECK(decode_ok(cap.linktype, llc).ethertype == 0);
}

TEST_CASE("packet: IPv6 extension headers are skipped, and bounded") {
  const auto cap = read_pcap("dns-any-sll2.pcap");
  const auto it = std::ranges::find_if(cap.frames, [&](const test::PcapFrame& f) {
    DecodedPacket p;
    return decode_packet(cap.linktype, Bytes(f.bytes), p) == Parse::done && p.ip_version == 6 && !p.payload.empty();
  });
  REQUIRE(it != cap.frames.end());
  const auto plain = decode_ok(cap.linktype, it->bytes);
  const std::vector<std::uint8_t> ip(it->bytes.begin() + 20, it->bytes.end());
  // Insert n extension headers (hop-by-hop first, then destination options and routing, each
  // 8 or 16 bytes of PadN) between the fixed header and TCP.
  const auto with_ext = [&](std::size_t n) {
    std::vector<std::uint8_t> v(ip.begin(), ip.begin() + 40);
    const std::uint8_t kinds[] = {0, 60, 43};
    v[6] = 0;
    for (std::size_t k = 0; k < n; ++k) {
      const std::uint8_t next = k + 1 < n ? kinds[(k + 1) % 3] : std::uint8_t{ipproto::tcp};
      const std::uint8_t units = k % 2;  // 8 or 16 bytes
      std::vector<std::uint8_t> h{next, units, 1, static_cast<std::uint8_t>(4 + 8 * units)};
      h.resize(8 + 8 * units, 0);
      v.insert(v.end(), h.begin(), h.end());
    }
    v.insert(v.end(), ip.begin() + 40, ip.end());
    const std::size_t plen = v.size() - 40;
    v[4] = static_cast<std::uint8_t>(plen >> 8);
    v[5] = static_cast<std::uint8_t>(plen);
    return v;
  };
  for (std::size_t n = 1; n <= kMaxIpv6ExtHeaders; ++n) check_same_ip(decode_ok(linktype::ipv6, with_ext(n)), plain);
  DecodedPacket p;
  const auto too_many = with_ext(kMaxIpv6ExtHeaders + 1);
  CHECK(decode_packet(linktype::ipv6, Bytes(too_many), p) == Parse::invalid);
  // An extension header whose length runs past the packet.
  auto overlong = with_ext(1);
  overlong[41] = 200;
  CHECK(decode_packet(linktype::ipv6, Bytes(overlong), p) == Parse::invalid);
  // No next header (59): no transport.
  auto none = ip;
  none[6] = 59;
  const auto q = decode_ok(linktype::ipv6, none);
  CHECK(q.ip_proto == 59);
  CHECK(!q.has_ports);
}

TEST_CASE("packet: every truncation of every captured frame") {
  for (const char* name : kCaptures) {
    const std::string capture_name = name;
    CAPTURE(capture_name);
    const auto cap = read_pcap(name);
    for (const auto& f : cap.frames) {
      const auto full = decode_ok(cap.linktype, f.bytes);
      CHECK(!full.truncated);
      const std::size_t off = full.ip_version == 0 ? 14 : static_cast<std::size_t>(full.payload.data() - f.bytes.data());
      for (std::size_t len = 0; len < f.bytes.size(); ++len) {
        // A copy of exactly `len` bytes: ASan sees any read past the prefix.
        const std::vector<std::uint8_t> cut(f.bytes.begin(), f.bytes.begin() + static_cast<std::ptrdiff_t>(len));
        DecodedPacket p;
        const Parse r = decode_packet(cap.linktype, Bytes(cut), p);
        if (len < off) {
          CHECK(r == Parse::invalid);
          continue;
        }
        REQUIRE(r == Parse::done);
        if (full.ip_version == 0) {
          CHECK(p.ethertype == full.ethertype);
          continue;
        }
        CHECK(p.truncated);
        CHECK(p.payload.size() == len - off);
        CHECK(p.src == full.src);
        CHECK(p.src_port == full.src_port);
        CHECK(p.seq == full.seq);
        CHECK(p.icmp_type == full.icmp_type);
      }
    }
  }
}

TEST_CASE("packet: Ethernet padding is cut by the IP length; a zero length (TSO) keeps the capture") {
  const auto cap = read_pcap("http-firmware.pcap");
  const auto& ack = cap.frames[4].bytes;  // the device's bare ACK: 66 bytes, no payload
  REQUIRE(decode_ok(cap.linktype, ack).payload.empty());
  auto padded = ack;
  padded.resize(ack.size() + 10, 0);
  const auto p = decode_ok(cap.linktype, padded);
  CHECK(p.payload.empty());
  CHECK(!p.truncated);
  auto tso = cap.frames[9].bytes;  // the 1600-byte body segment, total length zeroed
  tso[16] = tso[17] = 0;
  CHECK(decode_ok(cap.linktype, tso).payload.size() == 1600);
}

TEST_CASE("packet: inconsistent headers are invalid") {
  const auto cap = read_pcap("http-firmware.pcap");
  const auto& get = cap.frames[5].bytes;
  const auto udp = read_pcap("dns.pcap").frames[0].bytes;
  DecodedPacket p;
  const auto invalid = [&](std::vector<std::uint8_t> f, std::size_t at, std::uint8_t v) {
    f[at] = v;
    return decode_packet(linktype::en10mb, Bytes(f), p) == Parse::invalid;
  };
  CHECK(invalid(get, 14, 0x44));  // IHL 4
  CHECK(invalid(get, 14, 0x55));  // version 5 behind EtherType IPv4
  CHECK(invalid(get, 16, 0x00) == false);  // total length 0 is TSO, accepted
  {
    auto f = get;
    f[16] = 0;
    f[17] = 19;  // total length < IHL
    CHECK(decode_packet(linktype::en10mb, Bytes(f), p) == Parse::invalid);
  }
  CHECK(invalid(get, 14 + 20 + 12, 0x40));  // TCP data offset 4
  CHECK(invalid(cap.frames[4].bytes, 14 + 20 + 12, 0xf0));  // data offset 60 > a 32-byte bare ACK
  CHECK(invalid(cap.frames[4].bytes, 14, 0x4f));  // IHL 60 > the 52-byte datagram
  {
    auto f = udp;
    f[14 + 20 + 4] = 0;
    f[14 + 20 + 5] = 7;  // UDP length 7
    CHECK(decode_packet(linktype::en10mb, Bytes(f), p) == Parse::invalid);
    f[14 + 20 + 5] = 255;  // UDP length beyond the datagram: truncated, not invalid
    REQUIRE(decode_packet(linktype::en10mb, Bytes(f), p) == Parse::done);
    CHECK(p.truncated);
  }
  CHECK(decode_packet(linktype::en10mb, Bytes(), p) == Parse::invalid);
  CHECK(decode_packet(linktype::raw, Bytes(), p) == Parse::invalid);
  CHECK(decode_packet(linktype::linux_sll2, Bytes(get).first(19), p) == Parse::invalid);
  CHECK(decode_packet(linktype::linux_sll, Bytes(get).first(15), p) == Parse::invalid);
}

TEST_CASE("packet: garbage never crashes and spans stay inside the frame") {
  std::mt19937 rng(8);
  const std::uint32_t types[] = {0, 1, 12, 14, 101, 108, 113, 228, 229, 276, 2, 0xffffffff};
  std::vector<std::uint8_t> buf;
  for (int i = 0; i < 20000; ++i) {
    buf.resize(rng() % 200);
    for (auto& b : buf) b = static_cast<std::uint8_t>(rng());
    // Bias towards plausible headers so the deeper layers are reached.
    if (buf.size() > 24 && i % 2) {
      buf[12] = 0x08;
      buf[13] = 0x00;
      buf[14] = static_cast<std::uint8_t>(0x45 + (rng() % 3));
      buf[0] = 0x45;
    }
    const std::vector<std::uint8_t> exact(buf);
    DecodedPacket p;
    const Parse r = decode_packet(types[i % std::size(types)], Bytes(exact), p);
    REQUIRE(r != Parse::need_more);
    if (r == Parse::done && !p.payload.empty()) {
      CHECK(p.payload.data() >= exact.data());
      CHECK(p.payload.data() + p.payload.size() <= exact.data() + exact.size());
    }
  }
}
