// trustscan — the one verdict policy every check kind follows (C++, YAML, credential checks).
//
//   pass            only on evidence: a judge that cites nothing has not judged (not_tested,
//                   "inconclusive:no_evidence"); a pass that rests on absence ("no Telnet among
//                   the open ports") needs a complete inventory, as below.
//   not_applicable  only when the device's inventory is complete — the scan finished, probes
//                   ran, every open endpoint was identified and the transports the check's
//                   services use were scanned — and no endpoint is in the check's scope.
//   not_tested      otherwise, with a reason: the device-level ones of not_judgeable(), then
//                   "not_scanned:udp" / "not_scanned:tcp", then "unidentified_ports".
//   error           a check that throws (evaluate_contained).
// The table with every reason: docs/checks.md "Verdict policy".
#pragma once

#include "trustscan/check.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace trustscan {

/// "23/tcp, 80/tcp": at most eight ports named, then "+N more".
std::string listed_ports(const std::vector<Endpoint>& eps);

/// Open endpoints of the device that no identification named (no `service.name`), in order.
std::vector<Endpoint> unidentified_endpoints(const DeviceFacts& d);

/// Whether a service is (also) spoken over UDP, so its absence needs a UDP scan to be shown.
bool udp_service(std::string_view service);

/// Why the absence of `services` on this device is not proven, or "" when it is: the reasons of
/// not_judgeable(), "not_scanned:udp" / "not_scanned:tcp" when a transport one of `services`
/// uses was not scanned at all (empty `services`: any transport), "unidentified_ports" when an
/// open endpoint was not identified.
std::string absence_unproven(const DeviceFacts& d, const std::vector<std::string_view>& services);

/// The finding of a check that found nothing in its scope: not_applicable, citing the inventory,
/// when absence is proven; otherwise not_tested with absence_unproven()'s reason and a summary
/// naming what was not scanned or not identified. `what` names the scope ("no Telnet service").
Finding nothing_in_scope(const CheckInfo& info, const DeviceFacts& d, const std::vector<std::string_view>& services,
                         const std::string& what);

/// A pass that rests on absence: kept when absence is proven, else turned into not_tested with
/// the reason and the unidentified endpoints in the summary. Other statuses pass through.
void require_complete_inventory(Finding& f, const DeviceFacts& d, const std::vector<std::string_view>& services);

}  // namespace trustscan
