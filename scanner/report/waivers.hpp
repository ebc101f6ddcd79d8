// trustscan — waivers: accepted risks that survive from one run to the next (--waivers;
// docs/waivers.md).
//
// A waiver names failures by stable finding id ("f-…", the same in every run) or by check id
// pattern, optionally narrowed to devices (address or CIDR) and a port; it carries a
// justification, an owner and an expiry date. While in force, a matched failure is reported as
// `waived` with its waiver and fails neither the exit code nor the profile; past its date the
// failure fails again and the report says which waiver expired. Pure: no I/O but reading the file.
#pragma once

#include "trustscan/address.hpp"
#include "trustscan/report.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace trustscan {

struct Waiver {
  WaiverMark mark;                     ///< rule, justification, owner, expires, source
  std::string id;                      ///< a finding id, or "" when `check` names the failures
  std::string check;                   ///< a check id pattern (`*` and `?` as in file names), or ""
  std::optional<Cidr> device;          ///< only failures of these devices
  std::optional<Endpoint> port;        ///< only failures on this port/transport (address unused)
  std::chrono::sys_days expires{};     ///< in force through this day (UTC)
};

/// Parses a waiver file; `origin` names it in errors. `known_checks` are the check ids the run
/// can produce: a pattern that matches none of them is an error (a typo would silently waive
/// nothing). Throws ProfileError "ORIGIN:LINE: what".
std::vector<Waiver> parse_waivers(const std::string& text, const std::string& origin,
                                  const std::vector<std::string>& known_checks);
std::vector<Waiver> load_waivers(const std::string& path, const std::vector<std::string>& known_checks);

/// Applies `waivers` to the report's failures as of `today` and records what each waiver did in
/// `report.waivers`. The first waiver in file order that matches a failure is the one used.
/// Results already `waived` (a report read back) are judged afresh. Call before scoring.
void apply_waivers(Report& report, const std::vector<Waiver>& waivers, std::chrono::sys_days today);

/// The UTC day of a time point.
std::chrono::sys_days utc_day(std::chrono::system_clock::time_point t);

}  // namespace trustscan
