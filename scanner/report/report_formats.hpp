// trustscan — report sinks for other tools (scanner/report/report_formats.cpp): JUnit XML, SARIF 2.1.0,
// self-contained HTML. make_sink() hands them out by format name ("xml", "sarif", "html").
#pragma once

#include "trustscan/report.hpp"

#include <memory>

namespace trustscan {

std::unique_ptr<ReportSink> make_junit_sink();
std::unique_ptr<ReportSink> make_sarif_sink();
std::unique_ptr<ReportSink> make_html_sink();

}  // namespace trustscan
