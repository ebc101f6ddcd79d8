// trustscan — IPv6 devices of one link by the all-nodes multicast echo (link_discovery.hpp).
#include "scanner/engine/link_discovery.hpp"

#include "probes/neighbor/neighbor.hpp"
#include "scanner/engine/targets.hpp"

#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <optional>

namespace trustscan {

namespace {

bool link_local_or_multicast(const Address& a) noexcept {
  return a.bytes[0] == 0xff || (a.bytes[0] == 0xfe && (a.bytes[1] & 0xc0) == 0x80);
}

// Our global or unique-local addresses, and the first of them on `iface`.
std::vector<Address> own_ipv6(const std::string& iface, std::optional<Address>& on_iface) {
  std::vector<Address> own;
  ifaddrs* list = nullptr;
  if (::getifaddrs(&list) != 0) return own;
  for (auto* i = list; i; i = i->ifa_next) {
    if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET6) continue;
    Address a;
    a.v6 = true;
    std::memcpy(a.bytes.data(), &reinterpret_cast<const sockaddr_in6*>(i->ifa_addr)->sin6_addr, 16);
    own.push_back(a);
    if (!on_iface && iface == i->ifa_name && !link_local_or_multicast(a) && a != *Address::parse("::1")) on_iface = a;
  }
  ::freeifaddrs(list);
  return own;
}

}  // namespace

std::vector<Address> ipv6_link_neighbors(const std::string& iface, std::chrono::milliseconds wait, const Scope& scope) {
  const std::string what = "ipv6-link:" + iface;
  const unsigned index = ::if_nametoindex(iface.c_str());
  if (index == 0) throw InputError(what + ": no such network interface");
  std::optional<Address> source;
  const auto own = own_ipv6(iface, source);
  if (!source)
    throw InputError(what + ": the interface has no global or unique-local IPv6 address to ask from (devices would "
                            "answer from link-local addresses, which need a zone; name them by address instead)");
  // The scope gate comes first: a typo in the interface name must not ask someone else's link.
  if (!scope.contains(*source))
    throw InputError(what + ": our address " + source->to_string() + " on " + iface + " is outside the scan scope (" +
                     scope.describe() + "), and so is that link; nothing was sent. To allow it, pass --scope with its prefix");
  const int fd = ::socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMPV6);
  if (fd < 0) {
    const int e = errno;
    throw InputError(what + (e == EPERM || e == EACCES ? ": the multicast echo needs a raw socket (root or CAP_NET_RAW)"
                                                       : ": raw ICMPv6 socket: " + std::string(std::strerror(e))));
  }
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  sockaddr_in6 from{};
  from.sin6_family = AF_INET6;
  std::memcpy(&from.sin6_addr, source->bytes.data(), 16);
  const int hops = 1, loop = 0;
  icmp6_filter filter;
  ICMP6_FILTER_SETBLOCKALL(&filter);
  ICMP6_FILTER_SETPASS(ICMP6_ECHO_REPLY, &filter);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&from), sizeof from) != 0 ||
      ::setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &index, sizeof index) != 0 ||
      ::setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops, sizeof hops) != 0 ||
      ::setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, &loop, sizeof loop) != 0 ||
      ::setsockopt(fd, IPPROTO_ICMPV6, ICMP6_FILTER, &filter, sizeof filter) != 0)
    throw InputError(what + ": cannot prepare the multicast echo: " + std::strerror(errno));
  const auto id = static_cast<std::uint16_t>(::getpid() ^ 0x6c6b);
  sockaddr_in6 all_nodes{};
  all_nodes.sin6_family = AF_INET6;
  all_nodes.sin6_scope_id = index;
  const Address group = *Address::parse("ff02::1");
  std::memcpy(&all_nodes.sin6_addr, group.bytes.data(), 16);
  for (std::uint16_t seq = 0; seq < 2; ++seq) {  // twice: one multicast frame may be lost
    const auto request = icmpv6_echo_request(id, seq);
    if (::sendto(fd, request.data(), request.size(), 0, reinterpret_cast<sockaddr*>(&all_nodes), sizeof all_nodes) < 0)
      throw InputError(what + ": the multicast echo could not be sent: " + std::strerror(errno));
  }
  std::vector<Address> found;
  const auto deadline = std::chrono::steady_clock::now() + wait;
  std::array<std::uint8_t, 1280> buf{};
  while (found.size() < kMaxLinkNeighbors) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
    sockaddr_in6 peer{};
    socklen_t len = sizeof peer;
    const auto n = ::recvfrom(fd, buf.data(), buf.size(), MSG_DONTWAIT, reinterpret_cast<sockaddr*>(&peer), &len);
    if (n <= 0) continue;
    std::uint16_t rid = 0, rseq = 0;
    if (parse_icmpv6_echo_reply(Bytes(buf.data(), static_cast<std::size_t>(n)), rid, rseq) != Parse::done || rid != id) continue;
    Address a;
    a.v6 = true;
    std::memcpy(a.bytes.data(), &peer.sin6_addr, 16);
    if (link_local_or_multicast(a) || std::find(own.begin(), own.end(), a) != own.end()) continue;
    if (std::find(found.begin(), found.end(), a) == found.end()) found.push_back(a);
  }
  if (found.empty())
    throw InputError(what + ": no IPv6 device answered the all-nodes echo within " + std::to_string(wait.count()) +
                     " ms (devices that ignore it, or drop it, must be named by address)");
  std::sort(found.begin(), found.end());
  return found;
}

}  // namespace trustscan
