// trustscan — report sinks for other tools: JUnit XML, SARIF 2.1.0 and CSV
// (scanner/report/report_formats.cpp), one self-contained HTML page (scanner/report/report_html.cpp).
// make_sink() hands them out by format name ("xml", "sarif", "csv", "html").
#pragma once

#include "trustscan/report.hpp"

#include <map>
#include <memory>
#include <string>
#include <string_view>

namespace trustscan {

std::unique_ptr<ReportSink> make_junit_sink();
std::unique_ptr<ReportSink> make_sarif_sink();
std::unique_ptr<ReportSink> make_csv_sink();
std::unique_ptr<ReportSink> make_html_sink();

/// What the sinks of other formats share (report_formats.cpp); not part of the public API.
namespace format {

/// XML and HTML text: the five special characters escaped; control characters (not allowed in
/// XML 1.0) and bytes that are not UTF-8 shown as \xNN, so device bytes never break the document.
std::string escape_markup(std::string_view s);
/// "tcp/23", or "device" for a device-wide finding.
std::string where(const Finding& f);
/// One evidence line: kind (source): detail [login user / password-or-<redacted>].
std::string evidence_text(const Evidence& e, bool redact);
/// What the report's checks are (title, outcomes, remediation): the built-in catalog and the
/// profile's own checks, by id.
std::map<std::string, CheckInfo> report_check_catalog(const Report& r);
/// The remediation of a check, or "" (an unknown check, or a profile's own without one).
std::string remediation_of(const std::map<std::string, CheckInfo>& catalog, const std::string& check);
/// One line on a finding's waiver, for the text-like formats.
std::string waiver_text(const WaiverMark& w);

}  // namespace format

}  // namespace trustscan
