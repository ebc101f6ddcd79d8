// trustscan — host discovery before the port scan: which targets answer at all.
//
// A target is up on the first of: an ICMP echo reply (IPv4, when the process may open a raw ICMP
// socket), or a SYN-ACK or RST from one of a few common TCP ports. No answer within two rounds of
// --timeout: down, and the port scan skips it (a device that is down is reported as down, not as
// 65,535 filtered ports). Loopback targets are up without a packet. --no-discovery (nmap's -Pn)
// treats every target as up.
#pragma once

#include "trustscan/net.hpp"
#include "trustscan/types.hpp"

#include <chrono>
#include <string>
#include <vector>

namespace trustscan {

struct HostState {
  bool up = true;
  std::string reason;  ///< what answered, or what was tried and went unanswered
};

struct DiscoveryOptions {
  std::chrono::milliseconds timeout{1000};  ///< one round's wait
  int rounds = 2;
  std::size_t max_inflight = 64;  ///< targets discovered at once
};

/// The TCP ports a discovery round connects to (besides the ICMP echo).
const std::vector<std::uint16_t>& discovery_ports();

/// One state per target, in the order given. `stop` ends it early (targets not yet decided are
/// reported up, so nothing is skipped for want of an answer that was never waited for).
net::awaitable<std::vector<HostState>> discover_hosts(const std::vector<Target>& targets, DiscoveryOptions options,
                                                      const bool& stop);

}  // namespace trustscan
