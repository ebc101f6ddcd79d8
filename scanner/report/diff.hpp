// trustscan — `diff OLD.json NEW.json`: what changed between two runs of the same devices
// (nightly CI gates), regressions first.
#pragma once

#include "trustscan/report.hpp"

#include <string>
#include <vector>

namespace trustscan {

struct ReportChange {
  std::string kind;     ///< regression | fixed | waived | changed | new_finding | gone | port_opened | port_closed
  std::string id;       ///< the finding's stable id (finding_id) for result changes; "" otherwise
  std::string device;   ///< address
  std::string subject;  ///< "tls.protocol.legacy 443/tcp", "23/tcp", "verdict"
  std::string before, after;
  std::string summary;  ///< the new result's summary (or the old one when gone)
};

/// Compares two reports device by device. A regression is a result that is now `fail` (or
/// `error`) and was not before (an expired waiver included), or a device whose verdict got
/// worse; `fixed` is the reverse; `waived` a failure now accepted by a waiver. Results are
/// matched by their stable finding ids.
/// Sorted: regressions, then new ports, then fixes, then the rest; each group by device and
/// subject, so the output of two diffs of the same reports is identical.
std::vector<ReportChange> diff_reports(const Report& before, const Report& after);

}  // namespace trustscan
