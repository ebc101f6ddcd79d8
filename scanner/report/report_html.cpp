// trustscan — the HTML report: one self-contained page for test labs and submissions. No scripts,
// no external resources (styles inline, charts as inline SVG, system fonts), readable on screen
// and printed to PDF. Per device, in this order:
//   1. the verdict and grade, big and coloured, then a short summary (results and outcomes by
//      status, coverage, hard caps, waivers), a chart of the same counts and a chart of the
//      outcomes by capability;
//   2. the failures, worst severity first, one card per check: its title, each port (or the
//      device) that failed it with the summary, evidence and waiver found there, then the
//      check's remediation once;
//   3. the outcomes of the profile with their titles, status, coverage and notes;
//   4. every other result: waived, error, not_tested, pass, info, not_applicable.
// Device text is escaped with format::escape_markup wherever it is written.
#include "scanner/report/report_formats.hpp"

#include "trustscan/check.hpp"
#include "trustscan/profile.hpp"

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <map>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace trustscan {

namespace {

using namespace format;

// Where a result is listed: failures by severity (critical first), then waived, error,
// not_tested, pass, info, not_applicable.
int html_result_order(const Finding& f) {
  if (f.status == CheckStatus::fail) return 4 - static_cast<int>(f.severity);  // critical 0 … info 4
  static constexpr CheckStatus kAfterFailures[] = {CheckStatus::waived, CheckStatus::error, CheckStatus::not_tested,
                                                   CheckStatus::pass,   CheckStatus::info,  CheckStatus::not_applicable};
  return 5 +
         static_cast<int>(std::find(std::begin(kAfterFailures), std::end(kAfterFailures), f.status) - std::begin(kAfterFailures));
}

// Statuses in the order the summary and the charts show them: results, then outcomes.
constexpr std::string_view kHtmlResultStatuses[] = {"fail", "waived", "error", "not_tested", "pass", "info", "not_applicable"};
constexpr std::string_view kHtmlOutcomeStatuses[] = {"fail", "waived", "partial", "not_tested", "pass", "not_applicable"};

// One colour per status (results and outcomes alike); dark enough for white text on it.
std::string_view html_colour(std::string_view status) {
  if (status == "fail") return "#c62828";
  if (status == "waived") return "#5e35b1";
  if (status == "error") return "#e65100";
  if (status == "partial") return "#b7791f";
  if (status == "not_tested") return "#757575";
  if (status == "pass") return "#2e7d32";
  if (status == "info") return "#0277bd";
  return "#90a4ae";  // not_applicable, and anything unknown read back from a report
}

// A CSS class from a status or severity name (ours, or read back from a JSON report: only
// letters, digits, '-' and '_' survive).
std::string html_class(std::string_view s) {
  std::string c;
  for (const char ch : s)
    if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' || ch == '_') c += ch;
  return c;
}

std::string html_percent(double fraction) { return std::to_string(std::lround(fraction * 100)) + "%"; }

// The capability an outcome id belongs to, for the chart: the document prefix (before ':') and
// the outcome's area, which is the id up to its first '.', without the one-letter qualifier IR
// 8425A puts before its router outcomes ("R-"). "IR8425:AI.1" and "IR8425:AI.2" → ("IR8425",
// "AI"); "IR8425A:R-IAC" → ("IR8425A", "IAC"); "IR8259A:LAI" → ("IR8259A", "LAI");
// "EN303645:5.6-1" → ("EN303645", "5").
std::pair<std::string, std::string> html_capability(std::string_view id) {
  const auto colon = id.find(':');
  const std::string_view document = colon == std::string_view::npos ? std::string_view() : id.substr(0, colon);
  std::string_view area = colon == std::string_view::npos ? id : id.substr(colon + 1);
  area = area.substr(0, area.find('.'));
  if (area.size() > 2 && area[1] == '-' && area[0] >= 'A' && area[0] <= 'Z') area.remove_prefix(2);
  return {std::string(document), std::string(area)};
}

// The name of a capability from an outcome's title: the part before ':' or " (" —
// "Asset identification: the product is uniquely identifiable" → "Asset identification".
std::string html_capability_name(std::string_view title) {
  return std::string(title.substr(0, std::min(title.find(':'), title.find(" ("))));
}

// At most `limit` bytes of `s`, cut at a character boundary and marked with an ellipsis: chart
// labels have a fixed column.
std::string html_shorten(std::string s, std::size_t limit) {
  if (s.size() <= limit) return s;
  std::size_t cut = limit - 3;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  return s.substr(0, cut) + "\u2026";
}

// One bar of a chart: a label and counts by status, stacked in the order of `statuses`.
struct HtmlBar {
  std::string label;
  std::map<std::string, int, std::less<>> counts;
  int total() const {
    int n = 0;
    for (const auto& [status, c] : counts) n += c;
    return n;
  }
};

// A horizontal stacked bar chart as inline SVG: a legend (the statuses present), one row per
// bar, counts inside the segments wide enough and the total after the bar. `full`: every bar
// spans the width (shares); otherwise lengths are counts on one scale (the longest bar).
std::string html_bar_chart(const std::vector<HtmlBar>& bars, const std::string_view* statuses, std::size_t n_statuses,
                           std::string_view title, bool full) {
  constexpr int width = 760, label_w = 330, bar_w = 380, row_h = 26, legend_h = 28;
  int longest = 1;
  std::map<std::string_view, bool> present;
  for (const auto& b : bars) {
    longest = std::max(longest, b.total());
    for (const auto& [status, c] : b.counts)
      if (c > 0) present[status] = true;
  }
  const int height = legend_h + static_cast<int>(bars.size()) * row_h + 6;
  std::ostringstream svg;
  svg << std::fixed << std::setprecision(1);
  svg << "<svg class=\"chart\" role=\"img\" viewBox=\"0 0 " << width << " " << height << "\" width=\"" << width << "\" height=\""
      << height << "\" font-family=\"sans-serif\" font-size=\"12\"><title>" << escape_markup(title) << "</title>\n";
  double x = 0;
  for (std::size_t i = 0; i < n_statuses; ++i) {
    if (!present.contains(statuses[i])) continue;
    svg << "<rect x=\"" << x << "\" y=\"6\" width=\"12\" height=\"12\" fill=\"" << html_colour(statuses[i]) << "\"/><text x=\""
        << x + 16 << "\" y=\"16\">" << statuses[i] << "</text>\n";
    x += 16 + 7.0 * static_cast<double>(statuses[i].size()) + 14;
  }
  int y = legend_h;
  for (const auto& b : bars) {
    const int total = b.total();
    svg << "<text x=\"" << label_w - 8 << "\" y=\"" << y + 15 << "\" text-anchor=\"end\">" << escape_markup(b.label)
        << "</text>\n";
    const double scale = static_cast<double>(bar_w) / (full ? std::max(total, 1) : longest);
    double at = label_w;
    for (std::size_t i = 0; i < n_statuses; ++i) {
      const auto it = b.counts.find(statuses[i]);
      if (it == b.counts.end() || it->second <= 0) continue;
      const double w = it->second * scale;
      svg << "<rect x=\"" << at << "\" y=\"" << y + 2 << "\" width=\"" << w << "\" height=\"18\" fill=\""
          << html_colour(statuses[i]) << "\"><title>" << statuses[i] << ": " << it->second << "</title></rect>";
      if (w >= 18)
        svg << "<text x=\"" << at + w / 2 << "\" y=\"" << y + 15 << "\" text-anchor=\"middle\" fill=\"#fff\">" << it->second
            << "</text>";
      svg << "\n";
      at += w;
    }
    if (total == 0)
      svg << "<rect x=\"" << label_w << "\" y=\"" << y + 2 << "\" width=\"" << bar_w
          << "\" height=\"18\" fill=\"none\" stroke=\"#bbb\"/>";
    svg << "<text x=\"" << at + 6 << "\" y=\"" << y + 15 << "\">" << total << "</text>\n";
    y += row_h;
  }
  svg << "</svg>\n";
  return svg.str();
}

// "3 fail, 1 waived, 20 pass": the counts in `statuses` order, zeros left out.
std::string html_counts(const std::map<std::string, int, std::less<>>& counts, const std::string_view* statuses, std::size_t n) {
  std::string s;
  for (std::size_t i = 0; i < n; ++i)
    if (const auto it = counts.find(statuses[i]); it != counts.end() && it->second > 0)
      s += (s.empty() ? "" : ", ") + std::to_string(it->second) + " " + std::string(statuses[i]);
  return s.empty() ? "none" : s;
}

constexpr const char* kHtmlStyle = R"css(
:root{--fail:#c62828;--pass:#2e7d32;--incomplete:#b7791f}
*{-webkit-print-color-adjust:exact;print-color-adjust:exact}
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;margin:2em auto;max-width:1100px;padding:0 1em;color:#1a1a1a;background:#fff;line-height:1.4}
h1{font-size:1.6em;margin-bottom:.2em}h2{margin-top:1.6em;border-bottom:2px solid #ddd;padding-bottom:.2em}
h3{margin:1.4em 0 .5em}
table{border-collapse:collapse;width:100%;font-size:92%}
td,th{border:1px solid #ccc;padding:4px 6px;vertical-align:top;text-align:left}th{background:#f3f3f3}
pre{white-space:pre-wrap;word-break:break-word;margin:.3em 0 0;font-size:88%;background:#f7f7f7;padding:3px 5px}
code{font-size:92%}
.meta{color:#444}
.verdict{display:flex;align-items:center;gap:1.2em;border:3px solid;border-radius:8px;padding:.6em 1em;margin:.6em 0}
.verdict .word{font-size:2.2em;font-weight:700;text-transform:uppercase;letter-spacing:.03em}
.verdict .grade{font-size:2.6em;font-weight:800;border:3px solid;border-radius:50%;width:1.6em;height:1.6em;line-height:1.6em;text-align:center}
.verdict .score{font-size:1.1em}
.v-conformant{color:var(--pass);border-color:var(--pass);background:#eef7ee}
.v-non-conformant{color:var(--fail);border-color:var(--fail);background:#fdeeee}
.v-incomplete{color:var(--incomplete);border-color:var(--incomplete);background:#fdf6e7}
.summary{margin:.4em 0}.summary li{margin:.1em 0}
.banner{border:2px solid var(--incomplete);background:#fdf6e7;padding:.4em .8em}
.finding{border:1px solid #ccc;border-left:8px solid #999;border-radius:4px;padding:.4em .8em;margin:.6em 0}
.finding h4{margin:.1em 0 .3em;font-size:1.05em}
.finding h5{margin:.6em 0 0;font-size:.95em;border-top:1px dotted #ccc;padding-top:.3em}
.sev{display:inline-block;color:#fff;border-radius:3px;padding:0 .4em;font-size:85%;text-transform:uppercase;margin-right:.4em}
.sev-critical{border-left-color:#7f0000}.sev-critical .sev,.sev.sev-critical{background:#7f0000}
.sev-high{border-left-color:#c62828}.sev-high .sev,.sev.sev-high{background:#c62828}
.sev-medium{border-left-color:#e65100}.sev-medium .sev,.sev.sev-medium{background:#e65100}
.sev-low{border-left-color:#b7791f}.sev-low .sev,.sev.sev-low{background:#b7791f}
.sev-info{border-left-color:#607d8b}.sev-info .sev,.sev.sev-info{background:#607d8b}
.remediation{margin:.4em 0 .1em;background:#f1f8e9;border-left:4px solid #2e7d32;padding:.3em .6em}
.waiver{font-style:italic;color:#4527a0}
.st{display:inline-block;color:#fff;border-radius:3px;padding:0 .4em;font-size:85%;white-space:nowrap}
.st-fail{background:#c62828}.st-waived{background:#5e35b1}.st-error{background:#e65100}.st-partial{background:#b7791f}
.st-not_tested{background:#757575}.st-pass{background:#2e7d32}.st-info{background:#0277bd}.st-not_applicable{background:#90a4ae}
svg.chart{max-width:100%;height:auto;display:block;margin:.4em 0;break-inside:avoid}
@page{margin:14mm}
@media print{body{margin:0;max-width:none;font-size:10pt}section.device+section.device{break-before:page}
h2,h3,h4,h5{break-after:avoid}h4,h5,tr,.place,.remediation,svg.chart,.verdict{break-inside:avoid}}
)css";

class HtmlSink final : public ReportSink {
 public:
  void write(const Report& r, std::ostream& out) const override {
    const auto catalog = report_check_catalog(r);
    std::map<std::string, const ProfileOutcome*, std::less<>> outcome_of;
    for (const auto& o : r.profile.outcomes) outcome_of.emplace(o.id, &o);

    out << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
        << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>trustscan " << escape_markup(r.mode)
        << " report</title>\n<style>" << kHtmlStyle << "</style></head><body>\n";
    out << "<header><h1>trustscan " << escape_markup(r.mode) << " report</h1>\n<p class=\"meta\">Profile <strong>"
        << escape_markup(r.profile.id) << "</strong> v" << escape_markup(r.profile.version) << " ("
        << escape_markup(r.profile.title) << "), vantage " << escape_markup(r.vantage) << ", " << r.devices.size()
        << " device(s), started " << escape_markup(format_utc(r.started_at)) << ", trustscan " << TRUSTSCAN_VERSION << "</p>\n";
    if (!r.complete) out << "<p class=\"banner\"><strong>Interrupted: results are partial.</strong></p>\n";
    if (!r.waivers.empty()) {
      std::map<std::string, int> states;
      for (const auto& w : r.waivers) ++states[w.state];
      out << "<p class=\"meta\">Waivers: " << states["applied"] << " applied, " << states["expired"] << " expired, "
          << states["unused"] << " matched no failure.</p>\n";
    }
    if (r.devices.size() > 1) write_overview(r, out);
    out << "</header>\n";
    for (const auto& d : r.devices) write_device(r, d, catalog, outcome_of, out);
    out << "</body></html>\n";
  }

 private:
  using OutcomeIndex = std::map<std::string, const ProfileOutcome*, std::less<>>;

  static void write_overview(const Report& r, std::ostream& out) {
    out << "<table class=\"overview\"><thead><tr><th>device</th><th>verdict</th><th>grade</th><th>score</th>"
           "<th>coverage</th><th>results</th></tr></thead>\n";
    for (const auto& d : r.devices) {
      std::map<std::string, int, std::less<>> counts(d.score.counts.begin(), d.score.counts.end());
      out << "<tr><td>" << escape_markup(d.facts.target.address.to_string()) << "</td><td>" << escape_markup(d.score.verdict)
          << "</td><td>" << escape_markup(d.score.grade.empty() ? "-" : d.score.grade) << "</td><td>" << std::fixed
          << std::setprecision(1) << d.score.score << "</td><td>" << html_percent(d.score.coverage) << "</td><td>"
          << escape_markup(html_counts(counts, kHtmlResultStatuses, std::size(kHtmlResultStatuses))) << "</td></tr>\n";
    }
    out << "</table>\n";
  }

  static void write_device(const Report& r, const DeviceReport& d, const std::map<std::string, CheckInfo>& catalog,
                           const OutcomeIndex& outcome_of, std::ostream& out) {
    const std::string address = d.facts.target.address.to_string();
    out << "<section class=\"device\">\n<h2>" << escape_markup(address)
        << (d.facts.target.name.empty() ? "" : " (" + escape_markup(d.facts.target.name) + ")") << "</h2>\n";

    // 1. Verdict and grade, then the summary.
    const std::string verdict = d.score.verdict;
    const char* tone = verdict == "conformant"       ? "v-conformant"
                       : verdict == "non-conformant" ? "v-non-conformant"
                                                     : "v-incomplete";
    out << "<div class=\"verdict " << tone << "\"><span class=\"word\">" << escape_markup(verdict)
        << "</span><span class=\"grade\" title=\"grade\">" << escape_markup(d.score.grade.empty() ? "-" : d.score.grade)
        << "</span><span class=\"score\">score " << std::fixed << std::setprecision(1) << d.score.score << " / 100<br>coverage "
        << html_percent(d.score.coverage) << "</span></div>\n";

    std::map<std::string, int, std::less<>> result_counts(d.score.counts.begin(), d.score.counts.end());
    if (result_counts.empty())
      for (const auto& f : d.results) ++result_counts[std::string(to_string(f.status))];
    std::map<std::string, int, std::less<>> outcome_counts;
    for (const auto& o : d.outcomes) ++outcome_counts[o.status];
    int waivers_applied = 0, waivers_expired = 0;
    for (const auto& f : d.results)
      if (f.waiver) ++(f.waiver->expired ? waivers_expired : waivers_applied);

    out << "<ul class=\"summary\">\n<li><strong>Results:</strong> "
        << escape_markup(html_counts(result_counts, kHtmlResultStatuses, std::size(kHtmlResultStatuses))) << "</li>\n";
    if (!d.outcomes.empty())
      out << "<li><strong>Outcomes:</strong> "
          << escape_markup(html_counts(outcome_counts, kHtmlOutcomeStatuses, std::size(kHtmlOutcomeStatuses))) << "</li>\n";
    out << "<li><strong>Coverage:</strong> " << html_percent(d.score.coverage) << " of the required checks' weight ran</li>\n";
    for (const auto& cap : d.score.caps) out << "<li><strong>Cap:</strong> " << escape_markup(cap) << "</li>\n";
    if (waivers_applied + waivers_expired > 0)
      out << "<li><strong>Waivers:</strong> " << waivers_applied << " applied, " << waivers_expired
          << " expired (those failures count)</li>\n";
    out << "</ul>\n";
    HtmlBar results_bar{"results", result_counts};
    HtmlBar outcomes_bar{"outcomes", outcome_counts};
    std::vector<HtmlBar> summary_bars{results_bar};
    if (!d.outcomes.empty()) summary_bars.push_back(outcomes_bar);
    // The legend holds the union of both bars' statuses.
    static constexpr std::string_view kAll[] = {"fail",       "waived", "error", "partial",
                                                "not_tested", "pass",   "info",  "not_applicable"};
    out << html_bar_chart(summary_bars, kAll, std::size(kAll), "Results and outcomes of " + address + " by status", true);
    if (!d.outcomes.empty()) out << capability_chart(d, outcome_of, address);

    std::vector<const Finding*> ordered;
    for (const auto& f : d.results) ordered.push_back(&f);
    std::stable_sort(ordered.begin(), ordered.end(),
                     [](const Finding* a, const Finding* b) { return html_result_order(*a) < html_result_order(*b); });
    const auto first_other =
        std::find_if(ordered.begin(), ordered.end(), [](const Finding* f) { return f->status != CheckStatus::fail; });

    // 2. Failures, worst first: one card per check, its places in the order of their severity.
    std::vector<std::vector<const Finding*>> cards;
    std::map<std::string_view, std::size_t> card_of;
    for (auto it = ordered.begin(); it != first_other; ++it) {
      const auto [at, fresh] = card_of.try_emplace((*it)->check, cards.size());
      if (fresh) cards.emplace_back();
      cards[at->second].push_back(*it);
    }
    const auto failures = first_other - ordered.begin();
    out << "<h3>Failures (" << failures;
    if (cards.size() != static_cast<std::size_t>(failures)) out << " results of " << cards.size() << " checks";
    out << ")</h3>\n";
    if (cards.empty()) out << "<p>No check failed.</p>\n";
    for (const auto& card : cards) write_failure(r, card, catalog, out);

    // 3. Outcomes, each with its title.
    if (!d.outcomes.empty()) write_outcome_table(d, outcome_of, out);

    // 4. Everything else.
    out << "<h3>Other results (" << (ordered.end() - first_other) << ")</h3>\n";
    if (first_other != ordered.end()) {
      // thead: printed, the header repeats on every page the table spans.
      out << "<table class=\"results\"><thead><tr><th>status</th><th>check</th><th>where</th><th>severity</th>"
             "<th>summary and evidence</th><th>outcomes</th></tr></thead>\n";
      for (auto it = first_other; it != ordered.end(); ++it) write_result_row(r, **it, catalog, out);
      out << "</table>\n";
    }
    out << "</section>\n";
  }

  static std::string title_of(const std::map<std::string, CheckInfo>& catalog, const std::string& check) {
    const auto it = catalog.find(check);
    return it == catalog.end() ? std::string() : it->second.title;
  }

  static void write_evidence_and_waiver(const Report& r, const Finding& f, std::ostream& out) {
    for (const auto& ev : f.evidence) out << "<pre>" << escape_markup(evidence_text(ev, r.redact)) << "</pre>";
    if (f.waiver) out << "<p class=\"waiver\">" << escape_markup(waiver_text(*f.waiver)) << "</p>";
  }

  static void write_remediation(const std::map<std::string, CheckInfo>& catalog, const Finding& f, std::ostream& out) {
    if (const auto fix = remediation_of(catalog, f.check); !fix.empty())
      out << "<p class=\"remediation\"><strong>Remediation:</strong> " << escape_markup(fix) << "</p>";
  }

  static std::string place(const Finding& f) {
    return escape_markup(where(f)) + (f.vantage.empty() ? "" : " (" + escape_markup(f.vantage) + ")");
  }

  // One check's failures on one device (`found`: worst severity first, at least one): the card
  // takes the worst severity; each place follows with what was found there (a place of a lesser
  // severity says so); the remediation and the outcomes come once, at the end. Printed, a card
  // may break between its places, never inside one or inside the remediation: whole cards kept
  // on one page left most of a page blank before each long one.
  static void write_failure(const Report& r, const std::vector<const Finding*>& found,
                            const std::map<std::string, CheckInfo>& catalog, std::ostream& out) {
    const Finding& first = *found.front();
    const std::string severity(to_string(first.severity));
    const auto title = title_of(catalog, first.check);
    out << "<article class=\"finding sev-" << severity << "\">\n<h4><span class=\"sev\">" << severity << "</span>"
        << escape_markup(title.empty() ? first.check : title) << " <code>" << escape_markup(first.check) << "</code> on ";
    for (std::size_t i = 0; i < found.size(); ++i) out << (i ? ", " : "") << place(*found[i]);
    out << "</h4>\n";
    std::vector<std::string> outcomes;
    for (const auto* f : found) {
      out << "<div class=\"place\">";
      if (found.size() > 1) {
        const std::string own(to_string(f->severity));
        out << "<h5>" << (own == severity ? "" : "<span class=\"sev sev-" + own + "\">" + own + "</span>") << place(*f)
            << "</h5>";
      }
      out << "<p>" << escape_markup(f->summary) << "</p>";
      write_evidence_and_waiver(r, *f, out);
      out << "</div>";
      for (const auto& o : f->outcomes)
        if (std::find(outcomes.begin(), outcomes.end(), o) == outcomes.end()) outcomes.push_back(o);
    }
    write_remediation(catalog, first, out);
    if (!outcomes.empty()) {
      out << "<p class=\"meta\">Outcomes:";
      for (const auto& o : outcomes) out << " " << escape_markup(o);
      out << "</p>";
    }
    out << "\n</article>\n";
  }

  static void write_result_row(const Report& r, const Finding& f, const std::map<std::string, CheckInfo>& catalog,
                               std::ostream& out) {
    const std::string status(to_string(f.status));
    const auto title = title_of(catalog, f.check);
    out << "<tr><td><span class=\"st st-" << status << "\">" << status << "</span>"
        << (f.reason.empty() ? "" : "<br>" + escape_markup(f.reason)) << "</td><td>"
        << (title.empty() ? "" : escape_markup(title) + "<br>") << "<code>" << escape_markup(f.check) << "</code></td><td>"
        << escape_markup(where(f)) << (f.vantage.empty() ? "" : " (" + escape_markup(f.vantage) + ")") << "</td><td>"
        << to_string(f.severity) << "</td><td>" << escape_markup(f.summary);
    write_evidence_and_waiver(r, f, out);
    if (f.status == CheckStatus::waived) write_remediation(catalog, f, out);  // accepted, still a failure
    out << "</td><td>";
    for (const auto& o : f.outcomes) out << escape_markup(o) << " ";
    out << "</td></tr>\n";
  }

  // Outcomes by capability: one bar per capability, in the order the profile first names each.
  static std::string capability_chart(const DeviceReport& d, const OutcomeIndex& outcome_of, const std::string& address) {
    std::vector<HtmlBar> bars;
    std::map<std::pair<std::string, std::string>, std::size_t> bar_of;
    for (const auto& o : d.outcomes) {
      const auto cap = html_capability(o.id);
      auto [it, fresh] = bar_of.try_emplace(cap, bars.size());
      if (fresh) {
        const auto p = outcome_of.find(o.id);
        const std::string name = p == outcome_of.end() ? std::string() : html_capability_name(p->second->title);
        std::string label = cap.first.empty() ? cap.second : cap.first + " " + cap.second;
        if (!name.empty()) label += " \u2014 " + name;
        label = html_shorten(std::move(label), 52);
        bars.push_back({label, {}});
      }
      ++bars[it->second].counts[o.status];
    }
    return "<p class=\"meta\">Outcomes by capability (an outcome id's document and area: IR8425:AI.1 and "
           "IR8425:AI.2 are IR8425 AI):</p>\n" +
           html_bar_chart(bars, kHtmlOutcomeStatuses, std::size(kHtmlOutcomeStatuses),
                          "Outcomes of " + address + " by capability", false);
  }

  // Every outcome with its title, status, coverage and note.
  static void write_outcome_table(const DeviceReport& d, const OutcomeIndex& outcome_of, std::ostream& out) {
    out << "<h3>Outcomes (" << d.outcomes.size() << ")</h3>\n<table class=\"outcomes\"><thead><tr><th>outcome</th><th>title</th>"
        << "<th>status</th><th>coverage</th><th>note</th></tr></thead>\n";
    for (const auto& o : d.outcomes) {
      const auto p = outcome_of.find(o.id);
      out << "<tr><td><code>" << escape_markup(o.id) << "</code></td><td>"
          << (p == outcome_of.end() ? "" : escape_markup(p->second->title)) << "</td><td><span class=\"st st-"
          << html_class(o.status) << "\">" << escape_markup(o.status) << "</span></td><td>" << html_percent(o.coverage)
          << "</td><td>" << escape_markup(o.note);
      if (!o.failed_checks.empty()) {
        out << (o.note.empty() ? "" : "<br>") << "failed:";
        for (const auto& c : o.failed_checks) out << " <code>" << escape_markup(c) << "</code>";
      }
      out << "</td></tr>\n";
    }
    out << "</table>\n";
  }
};

}  // namespace

std::unique_ptr<ReportSink> make_html_sink() { return std::make_unique<HtmlSink>(); }

}  // namespace trustscan
