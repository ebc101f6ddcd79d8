// trustscan — `assess`: several reports of the same devices (LAN scan, WAN scan, capture replay,
// shards of one scan) merged into one scored assessment (INTERFACE.md; docs/profiles.md).
#pragma once

#include "trustscan/report.hpp"

#include <string>
#include <vector>

namespace trustscan {

/// Reads a trustscan.report/1 JSON file back (results, services, observations). Throws
/// InputError with one line naming the file on anything that is not such a report.
Report read_report_file(const std::string& path);

/// Merges reports device by device (by address):
///  - every result is kept, tagged with the vantage of its report;
///  - a check that ran in one report (pass, fail, not_applicable, info) is not held back by
///    another report where the same check could not run (all its results not_tested/error):
///    those results are dropped, so a LAN scan's tls.* and a capture's tls.client.outbound
///    complete each other instead of leaving each other not_tested;
///  - ports: the most open state any vantage saw; observations: all of them;
///  - complete only when every input was complete.
/// Scores are not computed here (the caller scores against its profile).
Report merge_reports(const std::vector<Report>& reports);

}  // namespace trustscan
