// trustscan — report formats for other tools: JUnit XML (CI test reports), SARIF 2.1.0 (code
// scanning dashboards) and CSV (spreadsheets); the HTML page is in report_html.cpp. The JSON
// report stays the complete record; these carry the results, their evidence and the verdicts.
#include "scanner/report/report_formats.hpp"

#include "trustscan/check.hpp"
#include "trustscan/parse.hpp"
#include "trustscan/profile.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <initializer_list>
#include <iomanip>
#include <map>
#include <sstream>
#include <string_view>

namespace trustscan {

namespace format {

std::string escape_markup(std::string_view s) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char ch = s[i];
    const auto c = static_cast<unsigned char>(ch);
    if (c >= 0x80) {
      const std::size_t n = utf8_sequence(as_bytes(s), i);
      if (n == 0) {
        out += "\\x";
        out += hex[c >> 4];
        out += hex[c & 15];
      } else {
        out.append(s.substr(i, n));
        i += n - 1;
      }
      continue;
    }
    switch (ch) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default:
        if ((c < 0x20 && ch != '\n' && ch != '\t') || c == 0x7f) {
          out += "\\x";
          out += hex[c >> 4];
          out += hex[c & 15];
        } else {
          out += ch;
        }
    }
  }
  return out;
}

std::string where(const Finding& f) {
  if (!f.endpoint) return "device";
  return std::string(to_string(f.endpoint->transport)) + "/" + std::to_string(f.endpoint->port);
}

std::string evidence_text(const Evidence& e, bool redact) {
  std::string s = e.kind + " (" + e.source + "): " + e.detail;
  if (!e.username.empty()) s += " [login " + e.username + " / " + (redact ? "<redacted>" : e.password) + "]";
  return s;
}

std::map<std::string, CheckInfo> report_check_catalog(const Report& r) {
  std::map<std::string, CheckInfo> catalog;
  for (const auto* c : checks_of(r.profile)) catalog.emplace(std::string(c->id()), c->info());
  return catalog;
}

std::string remediation_of(const std::map<std::string, CheckInfo>& catalog, const std::string& check) {
  const auto it = catalog.find(check);
  return it == catalog.end() ? std::string() : it->second.remediation;
}

std::string waiver_text(const WaiverMark& w) {
  return (w.expired ? "waiver EXPIRED on " + w.expires + " (the failure counts): " : "waived until " + w.expires + ": ") +
         w.rule + ", owner " + w.owner + ", " + w.source + ": " + w.justification;
}

}  // namespace format

namespace {

using json = nlohmann::json;
using namespace format;

// Results of one check on one device, in report order: JUnit has one testcase per check and
// device (INTERFACE.md), the worst status decides it.
struct CheckGroup {
  std::string check;
  std::vector<const Finding*> findings;
};
std::vector<CheckGroup> group_by_check(const DeviceReport& d) {
  std::vector<CheckGroup> groups;
  std::map<std::string, std::size_t> index;
  for (const auto& f : d.results) {
    auto [it, fresh] = index.try_emplace(f.check, groups.size());
    if (fresh) groups.push_back({f.check, {}});
    groups[it->second].findings.push_back(&f);
  }
  return groups;
}

// fail > error > waived > pass > info > not_applicable > not_tested: what a CI reader must see first.
int rank(CheckStatus s) {
  switch (s) {
    case CheckStatus::fail: return 6;
    case CheckStatus::error: return 5;
    case CheckStatus::waived: return 4;
    case CheckStatus::pass: return 3;
    case CheckStatus::info: return 2;
    case CheckStatus::not_applicable: return 1;
    case CheckStatus::not_tested: return 0;
  }
  return 0;
}

class JUnitSink final : public ReportSink {
 public:
  void write(const Report& r, std::ostream& out) const override {
    std::ostringstream suites;
    int tests = 0, failures = 0, errors = 0, skipped = 0;
    const double secs = std::chrono::duration<double>(r.finished_at - r.started_at).count();
    const auto catalog = report_check_catalog(r);
    for (const auto& d : r.devices) {
      const std::string device = d.facts.target.address.to_string();
      const auto groups = group_by_check(d);
      int t = 0, f = 0, e = 0, s = 0;
      std::ostringstream cases;
      for (const auto& g : groups) {
        const Finding* worst = g.findings.front();
        for (const auto* x : g.findings)
          if (rank(x->status) > rank(worst->status)) worst = x;
        ++t;
        cases << "    <testcase classname=\"" << escape_markup(device) << "\" name=\"" << escape_markup(g.check) << "\" time=\"0\">\n";
        std::string body;
        for (const auto* x : g.findings) {
          body += where(*x) + ": " + std::string(to_string(x->status)) + " - " + x->summary + "\n";
          for (const auto& ev : x->evidence) body += "  " + evidence_text(ev, r.redact) + "\n";
          if (x->waiver) body += "  " + waiver_text(*x->waiver) + "\n";
          if (!x->outcomes.empty()) {
            body += "  outcomes:";
            for (const auto& o : x->outcomes) body += " " + o;
            body += "\n";
          }
        }
        if (worst->status == CheckStatus::fail) {
          ++f;
          if (const auto fix = remediation_of(catalog, g.check); !fix.empty()) body += "Remediation: " + fix + "\n";
          cases << "      <failure message=\"" << escape_markup(worst->summary) << "\" type=\""
                << escape_markup(to_string(worst->severity)) << "\">" << escape_markup(body) << "</failure>\n";
        } else if (worst->status == CheckStatus::error) {
          ++e;
          cases << "      <error message=\"" << escape_markup(worst->summary) << "\">" << escape_markup(body) << "</error>\n";
        } else if (worst->status == CheckStatus::waived) {
          // An accepted risk: skipped, so CI stays green, with the waiver in the message.
          ++s;
          cases << "      <skipped message=\"" << escape_markup(worst->waiver ? waiver_text(*worst->waiver) : "waived") << "\"/>\n"
                << "      <system-out>" << escape_markup(body) << "</system-out>\n";
        } else if (worst->status == CheckStatus::not_tested || worst->status == CheckStatus::not_applicable) {
          ++s;
          cases << "      <skipped message=\"" << escape_markup(std::string(to_string(worst->status)) +
                                                           (worst->reason.empty() ? "" : ": " + worst->reason))
                << "\"/>\n";
        } else {
          cases << "      <system-out>" << escape_markup(body) << "</system-out>\n";
        }
        cases << "    </testcase>\n";
      }
      tests += t, failures += f, errors += e, skipped += s;
      suites << "  <testsuite name=\"" << escape_markup(device) << "\" tests=\"" << t << "\" failures=\"" << f << "\" errors=\""
             << e << "\" skipped=\"" << s << "\" time=\"" << std::fixed << std::setprecision(3) << secs << "\">\n"
             << "    <properties>\n"
             << "      <property name=\"profile\" value=\"" << escape_markup(r.profile.id) << "\"/>\n"
             << "      <property name=\"verdict\" value=\"" << escape_markup(d.score.verdict) << "\"/>\n"
             << "      <property name=\"coverage\" value=\"" << std::setprecision(3) << d.score.coverage << "\"/>\n"
             << "      <property name=\"complete\" value=\"" << (r.complete ? "true" : "false") << "\"/>\n"
             << "    </properties>\n"
             << cases.str() << "  </testsuite>\n";
    }
    out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        << "<testsuites name=\"trustscan " << escape_markup(r.mode) << "\" tests=\"" << tests << "\" failures=\"" << failures
        << "\" errors=\"" << errors << "\" skipped=\"" << skipped << "\" time=\"" << std::fixed << std::setprecision(3) << secs
        << "\">\n"
        << suites.str() << "</testsuites>\n";
  }
};

// SARIF levels by severity of the failure; `security-severity` (0-10) lets dashboards rank.
const char* sarif_level(Severity s) {
  switch (s) {
    case Severity::critical:
    case Severity::high: return "error";
    case Severity::medium: return "warning";
    case Severity::low:
    case Severity::info: return "note";
  }
  return "note";
}
const char* security_severity(Severity s) {
  switch (s) {
    case Severity::critical: return "9.5";
    case Severity::high: return "8.0";
    case Severity::medium: return "5.5";
    case Severity::low: return "2.5";
    case Severity::info: return "0.0";
  }
  return "0.0";
}

class SarifSink final : public ReportSink {
 public:
  void write(const Report& r, std::ostream& out) const override {
    const auto catalog = report_check_catalog(r);
    json rules = json::array(), results = json::array();
    std::map<std::string, std::size_t> rule_index;
    for (const auto& d : r.devices)
      for (const auto& f : d.results) {
        // Failures, and waived failures as suppressed results; the JSON report has every other status.
        if (f.status != CheckStatus::fail && f.status != CheckStatus::waived) continue;
        auto [it, fresh] = rule_index.try_emplace(f.check, rules.size());
        if (fresh) {
          const auto c = catalog.find(f.check);
          const std::string title = c != catalog.end() ? c->second.title : f.check;
          json rule = {{"id", f.check},
                       {"shortDescription", {{"text", title}}},
                       {"properties", {{"outcomes", f.outcomes}, {"security-severity", security_severity(f.severity)}}}};
          std::string outcomes;
          for (const auto& o : f.outcomes) outcomes += (outcomes.empty() ? "" : ", ") + o;
          rule["fullDescription"] = {{"text", title + (outcomes.empty() ? "." : ". Evidences " + outcomes + ".")}};
          // help: what to change on the device (profiles/checks/catalog.yaml).
          if (const auto fix = remediation_of(catalog, f.check); !fix.empty()) {
            std::string md = "**Remediation.** " + fix;
            if (!outcomes.empty()) {
              md += "\n\nOutcomes:";
              for (const auto& o : f.outcomes) md += " `" + o + "`";
            }
            rule["help"] = {{"text", fix}, {"markdown", md}};
          }
          rules.push_back(std::move(rule));
        }
        const std::string device = d.facts.target.address.to_string();
        json evidence = json::array();
        for (const auto& ev : f.evidence) evidence.push_back(evidence_text(ev, r.redact));
        std::string uri = f.endpoint ? std::string(to_string(f.endpoint->transport)) + "://" +
                                           (f.endpoint->address.v6 ? "[" + device + "]" : device) + ":" +
                                           std::to_string(f.endpoint->port)
                                     : "device://" + device;
        results.push_back({{"ruleId", f.check},
                           {"ruleIndex", it->second},
                           // The stable finding id: code-scanning tools match results across runs by it.
                           {"partialFingerprints", {{"trustscanFindingId/v1", finding_id(d.facts.target.address, f)}}},
                           {"level", sarif_level(f.severity)},
                           {"message", {{"text", f.summary}}},
                           {"locations",
                            {{{"physicalLocation", {{"artifactLocation", {{"uri", uri}}}}},
                              {"logicalLocations", {{{"name", device + " " + where(f)}, {"kind", "endpoint"}}}}}}},
                           {"properties",
                            {{"device", device}, {"severity", to_string(f.severity)}, {"outcomes", f.outcomes}, {"evidence", evidence}}}});
        if (f.waiver) {
          auto& res = results.back();
          res["properties"]["waiver"] = waiver_text(*f.waiver);
          // SARIF 2.1.0 §3.35: an accepted, external suppression keeps the result visible but closed.
          if (f.status == CheckStatus::waived)
            res["suppressions"] = {{{"kind", "external"}, {"status", "accepted"},
                                    {"justification", f.waiver->justification + " (owner " + f.waiver->owner +
                                                          ", until " + f.waiver->expires + ", " + f.waiver->source + ")"}}};
        }
      }
    json sarif = {{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
                  {"version", "2.1.0"},
                  {"runs",
                   {{{"tool", {{"driver", {{"name", "trustscan"}, {"version", TRUSTSCAN_VERSION}, {"rules", rules}}}}},
                     {"invocations", {{{"executionSuccessful", r.complete}}}},
                     {"properties", {{"mode", r.mode}, {"profile", r.profile.id}}},
                     {"results", results}}}}};
    out << sarif.dump(2, ' ', false, json::error_handler_t::replace) << "\n";
  }
};

// CSV (RFC 4180) for spreadsheets: a header, then one row per result with CRLF line ends.
// A field is quoted when it holds a comma, a quote, CR or LF, its quotes doubled. Device text is
// hostile: a field that starts with = + - @ TAB or CR would be read as a formula by a
// spreadsheet (CSV injection), so it gets a leading apostrophe; control bytes other than TAB, CR
// and LF and bytes that are not UTF-8 are shown as \xNN, as in the markup formats.
std::string csv_field(std::string_view s) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string text;
  text.reserve(s.size() + 1);
  if (!s.empty() && std::string_view("=+-@\t\r").find(s.front()) != std::string_view::npos) text += '\'';
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    const std::size_t n = c >= 0x80 ? utf8_sequence(as_bytes(s), i) : 1;
    if (n == 0 || (c < 0x20 && c != '\t' && c != '\r' && c != '\n') || c == 0x7f) {
      text += "\\x";
      text += hex[c >> 4];
      text += hex[c & 15];
      continue;
    }
    text.append(s.substr(i, n));
    i += n - 1;
  }
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (const char ch : text) {
    if (ch == '"') quoted += '"';
    quoted += ch;
  }
  return quoted + "\"";
}

class CsvSink final : public ReportSink {
 public:
  void write(const Report& r, std::ostream& out) const override {
    const auto catalog = report_check_catalog(r);
    const auto row = [&out](std::initializer_list<std::string_view> fields) {
      bool first = true;
      for (const auto f : fields) {
        if (!first) out << ',';
        out << csv_field(f);
        first = false;
      }
      out << "\r\n";
    };
    row({"id", "device", "check", "status", "severity", "transport", "port", "summary", "reason", "outcomes", "waiver",
         "remediation"});
    for (const auto& d : r.devices) {
      const std::string device = d.facts.target.address.to_string();
      for (const auto& f : d.results) {
        std::string outcomes;
        for (const auto& o : f.outcomes) outcomes += (outcomes.empty() ? "" : " ") + o;
        const std::string waiver =
            f.waiver ? f.waiver->rule + (f.waiver->expired ? "; expired " : "; until ") + f.waiver->expires : "";
        // What to change: for a failure, and for a waived one (an accepted failure is still one).
        const bool failed = f.status == CheckStatus::fail || f.status == CheckStatus::waived;
        row({finding_id(d.facts.target.address, f), device, f.check, to_string(f.status), to_string(f.severity),
             f.endpoint ? to_string(f.endpoint->transport) : "", f.endpoint ? std::to_string(f.endpoint->port) : "", f.summary,
             f.reason, outcomes, waiver, failed ? remediation_of(catalog, f.check) : ""});
      }
    }
  }
};
}  // namespace

std::unique_ptr<ReportSink> make_junit_sink() { return std::make_unique<JUnitSink>(); }
std::unique_ptr<ReportSink> make_sarif_sink() { return std::make_unique<SarifSink>(); }
std::unique_ptr<ReportSink> make_csv_sink() { return std::make_unique<CsvSink>(); }

}  // namespace trustscan
