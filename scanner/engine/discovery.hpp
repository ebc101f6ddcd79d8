// trustscan — host discovery before the port scan: which targets answer at all.
//
// A target is up on the first of: an ARP reply (IPv4) or neighbour advertisement (IPv6) when it is
// on one of the scanner's own segments (these sit below any IP firewall, so a device that drops
// every IP packet is still found), an ICMP or ICMPv6 echo reply (ARP, ND and echo need a raw
// socket: root or CAP_NET_RAW), or a SYN-ACK or RST from one of a few common TCP ports (a connect:
// no privilege needed). No answer within two rounds of
// --timeout: down, and the port scan skips it (a device that is down is reported as down, not as
// 65,535 filtered ports). Loopback targets are up without a packet. --no-discovery (nmap's -Pn)
// treats every target as up.
#pragma once

#include "probes/identify/oui.hpp"
#include "trustscan/net.hpp"
#include "trustscan/types.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace trustscan {

struct HostState {
  bool up = true;
  std::string reason;  ///< what answered, or what was tried and went unanswered
  /// Time from the round's probes to the answer that decided it (zero: none, or loopback). It
  /// seeds the port scan's timing of the device (ScanPlan::rtt_hints).
  std::chrono::microseconds rtt{0};
  /// The MAC address an ARP reply or a neighbour advertisement gave (on-link targets only).
  std::optional<Mac> mac;
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
