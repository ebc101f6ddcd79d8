// trustscan — the device.mac / device.mac_vendor observations (id.mac_oui), made the same way
// whoever saw the MAC: a capture's source address (replay) or host discovery's ARP reply or
// neighbour advertisement (scan).
#pragma once

#include "probes/identify/oui.hpp"
#include "trustscan/types.hpp"

#include <vector>

namespace trustscan {

/// Appends device.mac (its detail is `evidence.detail`, noting a locally administered address)
/// and, for a vendor-assigned address that the registry knows, device.mac_vendor.
void add_mac_observations(std::vector<Observation>& out, const Mac& mac, const OuiTable& oui, Evidence evidence);

}  // namespace trustscan
