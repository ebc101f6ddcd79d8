// trustscan — the IPv6 devices on one link whose addresses are not known: the target
// "ipv6-link:IFACE" (docs/engine.md "Host discovery").
//
// One ICMPv6 echo request to the all-nodes group ff02::1 on IFACE, sent from our own global or
// unique-local address there (so each device answers from its address of the same scope, per
// RFC 6724's source selection, not from its link-local one, which a target cannot name without
// a zone), twice; every echo reply within `wait` names one device. Bounded: at most
// kMaxLinkNeighbors addresses, replies of at most 1280 bytes. Our own addresses and link-local or
// multicast sources are left out. Devices that ignore echo to multicast (some stacks do, and any
// device whose firewall drops it) are not found: name them by address.
#pragma once

#include "scanner/engine/targets.hpp"
#include "trustscan/address.hpp"

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

namespace trustscan {

inline constexpr std::size_t kMaxLinkNeighbors = 4096;

/// The addresses that answered, sorted. Nothing is sent unless our own address on IFACE is inside
/// `scope` (the link's devices are in the same prefix; --scope decides, as for any target).
/// Throws InputError (one line) for an unknown interface, an interface without a global or
/// unique-local IPv6 address, an address outside the scope, no CAP_NET_RAW, or no answer.
std::vector<Address> ipv6_link_neighbors(const std::string& iface, std::chrono::milliseconds wait, const Scope& scope);

}  // namespace trustscan
