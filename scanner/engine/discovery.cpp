// trustscan — host discovery (discovery.hpp).
#include "scanner/engine/discovery.hpp"

#include "probes/icmp/icmp.hpp"
#include "probes/neighbor/neighbor.hpp"
#include "scanner/engine/concurrency.hpp"
#include "scanner/engine/session.hpp"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <unistd.h>

#include <array>
#include <cstring>
#include <map>
#include <memory>
#include <optional>

namespace trustscan {

namespace ip = net::ip;

const std::vector<std::uint16_t>& discovery_ports() {
  // nmap's TCP pings (80, 443) and the management ports of devices (SSH, Telnet, RTSP, the web
  // UI's alternate port, TR-069).
  static const std::vector<std::uint16_t> ports = {80, 443, 22, 23, 554, 8080, 7547};
  return ports;
}

namespace {

bool is_loopback(const Address& a) noexcept {
  if (!a.v6) return (a.v4_value() >> 24) == 127;
  for (std::size_t i = 0; i + 1 < a.bytes.size(); ++i)
    if (a.bytes[i] != 0) return false;
  return a.bytes.back() == 1;
}

// The interface whose own prefix holds `target`: the device is on the scanner's segment, where
// ARP (IPv4) or Neighbor Discovery (IPv6) reach it below any IP filter. Loopback, point-to-point
// peers and the scanner's own addresses are not neighbours.
struct Link {
  std::string name;
  unsigned index = 0;
  std::uint32_t v4 = 0;  // our address on it, host order (IPv4 targets)
  std::optional<Mac> mac;
};

// One address of one of our interfaces that is up and not loopback, with the link's MAC address
// when it has one (ARP and ND need it). Read once per discovery, not once per target.
struct LocalPrefix {
  Link link;
  bool v6 = false;
  std::array<std::uint8_t, 16> address{};
  std::array<std::uint8_t, 16> mask{};
  int bits = 0;
};

std::vector<LocalPrefix> local_prefixes() {
  std::vector<LocalPrefix> out;
  ifaddrs* list = nullptr;
  if (::getifaddrs(&list) != 0) return out;
  std::map<std::string, Mac> macs;
  for (auto* i = list; i; i = i->ifa_next)
    if (i->ifa_addr && i->ifa_addr->sa_family == AF_PACKET) {
      const auto* ll = reinterpret_cast<const sockaddr_ll*>(i->ifa_addr);
      if (ll->sll_halen != 6) continue;
      Mac m;
      std::memcpy(m.data(), ll->sll_addr, 6);
      macs[i->ifa_name] = m;
    }
  for (auto* i = list; i; i = i->ifa_next) {
    if (!i->ifa_addr || !i->ifa_netmask || (i->ifa_flags & IFF_LOOPBACK) || !(i->ifa_flags & IFF_UP)) continue;
    const int family = i->ifa_addr->sa_family;
    if (family != AF_INET && family != AF_INET6) continue;
    const auto mac = macs.find(i->ifa_name);
    LocalPrefix p;
    p.v6 = family == AF_INET6;
    const std::size_t n = p.v6 ? 16 : 4;
    std::memcpy(p.address.data(), p.v6 ? static_cast<const void*>(&reinterpret_cast<sockaddr_in6*>(i->ifa_addr)->sin6_addr)
                                       : static_cast<const void*>(&reinterpret_cast<sockaddr_in*>(i->ifa_addr)->sin_addr), n);
    std::memcpy(p.mask.data(), p.v6 ? static_cast<const void*>(&reinterpret_cast<sockaddr_in6*>(i->ifa_netmask)->sin6_addr)
                                    : static_cast<const void*>(&reinterpret_cast<sockaddr_in*>(i->ifa_netmask)->sin_addr), n);
    for (std::size_t b = 0; b < n; ++b) p.bits += __builtin_popcount(p.mask[b]);
    p.link.name = i->ifa_name;
    p.link.index = ::if_nametoindex(i->ifa_name);
    if (mac != macs.end()) p.link.mac = mac->second;
    if (!p.v6) p.link.v4 = (std::uint32_t{p.address[0]} << 24) | (std::uint32_t{p.address[1]} << 16) | (std::uint32_t{p.address[2]} << 8) | p.address[3];
    out.push_back(std::move(p));
  }
  ::freeifaddrs(list);
  return out;
}

std::optional<Link> on_link(const std::vector<LocalPrefix>& prefixes, const Address& target) {
  const LocalPrefix* best = nullptr;
  for (const auto& p : prefixes) {
    if (p.v6 != target.v6) continue;
    const std::size_t n = p.v6 ? 16 : 4;
    bool inside = true, self = true;
    for (std::size_t b = 0; b < n; ++b) {
      inside = inside && (p.address[b] & p.mask[b]) == (target.bytes[b] & p.mask[b]);
      self = self && p.address[b] == target.bytes[b];
    }
    // The longest prefix that holds it; none when it is our own address or a /31-/32 peer.
    if (!inside || self || p.bits == 0 || p.bits >= static_cast<int>(n * 8) - 1) continue;
    if (!best || p.bits > best->bits) best = &p;
  }
  // The route to it leaves by that interface; without a MAC there (a tunnel) there is no ARP/ND.
  if (!best || best->link.index == 0 || !best->link.mac) return std::nullopt;
  return best->link;
}

using PacketProtocol = net::generic::datagram_protocol;

// One round against one target: every probe in flight at once, the first answer decides.
struct Round : std::enable_shared_from_this<Round> {
  explicit Round(net::any_io_executor ex) : decided(ex), icmp(ex), arp(ex) {}

  net::steady_timer decided;  // cancelled on the first answer; expires at the round's end
  std::vector<std::unique_ptr<ip::tcp::socket>> tcp;
  ip::icmp::socket icmp;
  std::array<std::uint8_t, 1500> buf{};
  ip::icmp::endpoint from;
  std::string answer;
  std::chrono::steady_clock::time_point sent = std::chrono::steady_clock::now();
  std::chrono::microseconds rtt{0};  // sent .. the first answer
  std::optional<Mac> mac;            // from an ARP reply or a neighbour advertisement
  bool want_mac = false;             // an ARP request or solicitation went out: wait briefly for it
  std::uint32_t target_v4 = 0;
  std::uint16_t id = 0;
  bool v6 = false;
  Ipv6Bytes target_v6{};
  std::string link_name;
  PacketProtocol::socket arp;  // AF_PACKET, ARP frames of one interface (IPv4 on-link targets)
  std::array<std::uint8_t, 256> arp_buf{};

  bool listening() const { return answer.empty() || (want_mac && !mac); }

  void answered(std::string what) {
    if (!answer.empty()) return;
    answer = std::move(what);
    rtt = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - sent);
    decided.cancel();
  }

  void receive_icmp() {
    icmp.async_receive_from(net::buffer(buf), from, [self = shared_from_this()](error_code ec, std::size_t n) {
      if (ec) return;
      const Bytes got(self->buf.data(), n);
      if (self->v6) {
        // A raw ICMPv6 socket hands over the message without the IPv6 header.
        std::uint16_t echo_id = 0, echo_seq = 0;
        NeighborAdvertisement na;
        const bool from_target = self->from.address().is_v6() && self->from.address().to_v6().to_bytes() == self->target_v6;
        if (from_target && parse_icmpv6_echo_reply(got, echo_id, echo_seq) == Parse::done && echo_id == self->id) {
          self->answered("ICMPv6 echo reply");
        }
        if (parse_neighbor_advertisement(got, na) == Parse::done && na.target == self->target_v6) {
          if (na.has_mac) self->mac = na.mac;
          if (!self->answer.empty()) {  // the device was up already: this was the MAC's wait
            self->decided.cancel();
            return;
          }
          self->answered("IPv6 neighbour advertisement" + (na.has_mac ? " from " + format_mac(na.mac) : std::string()) +
                         " on " + self->link_name + " (on-link)");
          return;
        }
      } else {
        IcmpEchoReply r;
        if (parse_icmp_echo_reply(got, r) == Parse::done && r.source == self->target_v4 && r.id == self->id) {
          self->answered("ICMP echo reply");
        }
      }
      if (self->listening()) self->receive_icmp();
    });
  }

  void receive_arp() {
    arp.async_receive(net::buffer(arp_buf), [self = shared_from_this()](error_code ec, std::size_t n) {
      if (ec) return;
      ArpReply r;
      if (parse_arp_reply(Bytes(self->arp_buf.data(), n), r) == Parse::done && r.sender_ip == self->target_v4) {
        self->mac = r.sender_mac;
        if (!self->answer.empty()) {  // the device was up already: this was the MAC's wait
          self->decided.cancel();
          return;
        }
        self->answered("ARP reply from " + format_mac(r.sender_mac) + " on " + self->link_name + " (on-link)");
        return;
      }
      if (self->listening()) self->receive_arp();
    });
  }

  void close_all() {
    error_code ignored;
    for (auto& s : tcp) s->close(ignored);
    icmp.close(ignored);
    arp.close(ignored);
  }
};

net::awaitable<HostState> discover_one(const Target& target, const std::vector<LocalPrefix>& prefixes,
                                       const DiscoveryOptions& opt, std::uint16_t id, const bool& stop) {
  auto ex = co_await net::this_coro::executor;
  HostState st;
  if (is_loopback(target.address)) {
    st.reason = "loopback";
    co_return st;
  }
  const auto addr = to_asio_address(target.address);
  const auto link = on_link(prefixes, target.address);
  bool icmp_tried = false, neighbour_tried = false;
  for (int round = 0; round < opt.rounds && !stop; ++round) {
    auto r = std::make_shared<Round>(ex);
    r->id = id;
    error_code ec;
    if (!target.address.v6) {
      r->icmp.open(ip::icmp::v4(), ec);  // a raw socket: needs CAP_NET_RAW
      if (!ec) {
        icmp_tried = true;
        r->target_v4 = target.address.v4_value();
        const auto request = icmp_echo_request(id, static_cast<std::uint16_t>(round));
        r->icmp.send_to(net::buffer(request), ip::icmp::endpoint(addr, 0), 0, ec);
        if (!ec) r->receive_icmp();
      }
      // ARP: a device on our segment answers it whatever its IP firewall drops.
      if (link) r->arp.open(PacketProtocol(AF_PACKET, htons(ETH_P_ARP)), ec);
      if (link && !ec) {
        sockaddr_ll ll{};
        ll.sll_family = AF_PACKET;
        ll.sll_protocol = htons(ETH_P_ARP);
        ll.sll_ifindex = static_cast<int>(link->index);
        r->arp.bind(PacketProtocol::endpoint(&ll, sizeof ll, htons(ETH_P_ARP)), ec);
        ll.sll_halen = 6;
        std::memset(ll.sll_addr, 0xff, 6);
        const auto request = arp_request(*link->mac, link->v4, target.address.v4_value());
        if (!ec) r->arp.send_to(net::buffer(request), PacketProtocol::endpoint(&ll, sizeof ll, htons(ETH_P_ARP)), 0, ec);
        if (!ec) {
          neighbour_tried = r->want_mac = true;
          r->link_name = link->name;
          r->target_v4 = target.address.v4_value();
          r->receive_arp();
        }
      }
    } else {
      r->icmp.open(ip::icmp::v6(), ec);  // raw ICMPv6: needs CAP_NET_RAW
      if (!ec) {
        icmp_tried = true;
        r->v6 = true;
        r->target_v6 = addr.to_v6().to_bytes();
        const auto request = icmpv6_echo_request(id, static_cast<std::uint16_t>(round));
        r->icmp.send_to(net::buffer(request), ip::icmp::endpoint(addr, 0), 0, ec);
        if (link) {
          // Neighbor Solicitation to the target's solicited-node group, hop limit 255 (RFC 4861).
          error_code e2;
          r->icmp.set_option(ip::multicast::hops(255), e2);
          if (!e2) r->icmp.set_option(ip::multicast::outbound_interface(link->index), e2);
          const auto group = ip::address_v6(solicited_node_multicast(r->target_v6), link->index);
          if (!e2) r->icmp.send_to(net::buffer(ndp_neighbor_solicitation(r->target_v6, *link->mac)), ip::icmp::endpoint(group, 0), 0, e2);
          if (!e2) {
            neighbour_tried = r->want_mac = true;
            r->link_name = link->name;
          }
        }
        r->receive_icmp();
      }
    }
    for (const auto port : discovery_ports()) {
      auto s = std::make_unique<ip::tcp::socket>(ex);
      s->open(addr.is_v6() ? ip::tcp::v6() : ip::tcp::v4(), ec);
      if (ec) continue;
      s->async_connect(ip::tcp::endpoint(addr, port), [r, port](error_code e) {
        if (!e) r->answered("tcp/" + std::to_string(port) + " accepted a connection");
        else if (e == net::error::connection_refused) r->answered("tcp/" + std::to_string(port) + " refused (RST): the host is up");
      });
      r->tcp.push_back(std::move(s));
    }
    r->decided.expires_after(opt.timeout);
    co_await r->decided.async_wait(net::redirect_error(net::use_awaitable, ec));
    if (!r->answer.empty() && r->want_mac && !r->mac && !stop) {
      // Up by ICMP or TCP before our ARP reply or advertisement came (the device answers both
      // at once): a short wait for it, so the report has the device's MAC address.
      r->decided.expires_after(std::chrono::milliseconds(100));
      co_await r->decided.async_wait(net::redirect_error(net::use_awaitable, ec));
    }
    r->close_all();
    if (!r->answer.empty()) {
      st.reason = r->answer;
      st.rtt = std::max(r->rtt, std::chrono::microseconds(1));
      st.mac = r->mac;
      co_return st;
    }
  }
  if (stop) {
    st.reason = "discovery interrupted";
    co_return st;
  }
  st.up = false;
  std::string ports;
  for (const auto p : discovery_ports()) ports += (ports.empty() ? "" : ",") + std::to_string(p);
  const char* neighbour = target.address.v6 ? "neighbour solicitation, " : "ARP, ";
  st.reason = std::string("no answer to ") + (neighbour_tried ? neighbour : "") + (icmp_tried ? "ICMP echo or " : "") +
              "TCP " + ports + " in " + std::to_string(opt.rounds) + " round(s) of " + std::to_string(opt.timeout.count()) +
              " ms" + (icmp_tried ? "" : " (ICMP echo and ARP need CAP_NET_RAW)") + "; --no-discovery scans it anyway";
  co_return st;
}

}  // namespace

net::awaitable<std::vector<HostState>> discover_hosts(const std::vector<Target>& targets, DiscoveryOptions options,
                                                      const bool& stop) {
  // A target whose discovery fails (it never does on purpose) is scanned: nothing is skipped for
  // want of an answer that was never waited for.
  HostState failed;
  failed.reason = "discovery failed; scanned anyway";
  std::vector<HostState> out(targets.size(), failed);
  const auto base = static_cast<std::uint16_t>(::getpid());
  const auto prefixes = local_prefixes();
  co_await for_each_concurrently(targets.size(), options.max_inflight, [&](std::size_t i) -> net::awaitable<void> {
    out[i] = co_await discover_one(targets[i], prefixes, options, static_cast<std::uint16_t>(base + i), stop);
  });
  co_return out;
}

}  // namespace trustscan
