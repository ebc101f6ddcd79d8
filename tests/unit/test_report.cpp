// Report sinks, atomic writes, and profile loading errors.
#include "trustscan/profile.hpp"
#include "trustscan/report.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <dirent.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <vector>

using namespace trustscan;

namespace {

std::string profile_error(const std::string& yaml) {
  try {
    parse_profile(yaml, "p.yaml");
  } catch (const ProfileError& e) {
    return e.what();
  }
  return "<no error>";
}

Report sample_report() {
  Report r;
  r.profile = load_profile("ir8425-consumer");
  for (const char* addr : {"198.18.0.20", "198.18.0.10"}) {
    DeviceReport d;
    d.facts.target.address = *Address::parse(addr);
    for (std::uint16_t p : {std::uint16_t{443}, std::uint16_t{22}}) {
      PortResult pr;
      pr.endpoint = Endpoint{d.facts.target.address, Transport::tcp, p};
      pr.state = PortState::open;
      pr.status = Status::success;
      d.facts.ports.push_back(pr);
    }
    Finding f;
    f.check = "zz.last";
    f.status = CheckStatus::fail;
    Evidence e;
    e.kind = "credential";
    e.username = "admin";
    e.password = "admin";
    e.excerpt = std::string("\xff\xfe banner", 9);  // not UTF-8: the report must stay valid JSON
    f.evidence.push_back(e);
    d.results.push_back(f);
    f.check = "aa.first";
    f.evidence.clear();
    d.results.push_back(f);
    r.devices.push_back(d);
  }
  return r;
}

}  // namespace

TEST_CASE("JSON sink: sorted devices and results, valid UTF-8, redaction") {
  auto r = sample_report();
  sort_report(r);
  std::ostringstream out;
  make_sink("json")->write(r, out);
  const auto j = nlohmann::json::parse(out.str());
  CHECK(j["devices"][0]["address"] == "198.18.0.10");
  CHECK(j["devices"][0]["results"][0]["check"] == "aa.first");
  CHECK(j["devices"][0]["services"][0]["port"] == 22);
  CHECK(j["devices"][0]["results"][1]["evidence"][0]["password"] == "admin");

  r.redact = true;
  std::ostringstream redacted;
  make_sink("json")->write(r, redacted);
  CHECK(redacted.str().find("\"admin\"") != std::string::npos);  // the user name stays
  CHECK(nlohmann::json::parse(redacted.str())["devices"][0]["results"][1]["evidence"][0]["password"] == "<redacted>");
}

TEST_CASE("the same report renders byte-identically twice") {
  auto a = sample_report(), b = sample_report();
  sort_report(a);
  sort_report(b);
  std::ostringstream x, y;
  make_sink("json")->write(a, x);
  make_sink("json")->write(b, y);
  CHECK(x.str() == y.str());
}

TEST_CASE("formats from file names") {
  CHECK(format_for_path("out/r.json") == "json");
  CHECK(format_for_path("R.JSONL") == "jsonl");
  CHECK(format_for_path("summary.txt") == "txt");
  CHECK(format_for_path("report") == "");
  CHECK(format_for_path("dir.json/report") == "");
  CHECK(format_for_path("x.pdf") == "");
  CHECK(make_sink("pdf") == nullptr);
  CHECK(format_for_path("ci/junit.xml") == "xml");
  CHECK(format_for_path("scan.sarif") == "sarif");
  CHECK(format_for_path("lab/report.HTML") == "html");
  CHECK(format_for_path("results.csv") == "csv");
}

namespace {

// The sample plus what the other formats must survive: markup and control characters and
// bytes that are not UTF-8 in a summary and an evidence line, a pass and a not_tested result.
Report tricky_report() {
  auto r = sample_report();
  sort_report(r);
  auto& d = r.devices[0];
  d.results[1].summary = "banner <b>&\"x\"</b>\x01\xff end";
  d.results[1].severity = Severity::critical;
  d.results[1].endpoint = Endpoint{d.facts.target.address, Transport::tcp, 23};
  d.results[1].outcomes = {"IR8425:IAC.1"};
  d.results[1].evidence[0].detail = "login prompt </failure><script>alert(1)</script>";
  Finding ok;
  ok.check = "mm.middle";
  ok.status = CheckStatus::pass;
  ok.summary = "fine";
  d.results.push_back(ok);
  Finding skip;
  skip.check = "nn.skipped";
  skip.status = CheckStatus::not_tested;
  skip.reason = "opt_in:--creds-throttle";
  d.results.push_back(skip);
  d.score.verdict = "non-conformant";
  return r;
}

std::string render(const Report& r, const char* format) {
  std::ostringstream out;
  make_sink(format)->write(r, out);
  return out.str();
}

std::size_t count(const std::string& s, const std::string& what) {
  std::size_t n = 0;
  for (auto at = s.find(what); at != std::string::npos; at = s.find(what, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("JUnit XML: one testcase per check and device, failures with evidence, skips with reasons") {
  auto r = tricky_report();
  const auto x = render(r, "xml");
  CHECK(x.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites "));
  CHECK(count(x, "<testsuite ") == 2);
  CHECK(count(x, "<testcase ") == 2 + 4);  // aa.first, zz.last on the second device; + mm, nn on the first
  CHECK(count(x, "<failure ") == 4);
  CHECK(count(x, "<skipped message=\"not_tested: opt_in:--creds-throttle\"/>") == 1);
  CHECK(x.find("tests=\"6\" failures=\"4\" errors=\"0\" skipped=\"1\"") != std::string::npos);
  CHECK(x.find("<property name=\"verdict\" value=\"non-conformant\"/>") != std::string::npos);
  // Device text is escaped: no markup of its own, no control characters, no broken UTF-8.
  CHECK(x.find("banner &lt;b&gt;&amp;&quot;x&quot;&lt;/b&gt;\\x01\\xff end") != std::string::npos);
  CHECK(x.find("<script>") == std::string::npos);
  CHECK(count(x, "</failure>") == 4);
  CHECK(x.find('\x01') == std::string::npos);
  CHECK(x.find('\xff') == std::string::npos);
  CHECK(x.find("login admin / admin") != std::string::npos);
  r.redact = true;
  CHECK(render(r, "xml").find("login admin / &lt;redacted&gt;") != std::string::npos);
}

TEST_CASE("SARIF 2.1.0: failed checks as results with rules, levels by severity, endpoint locations") {
  auto r = tricky_report();
  const auto j = nlohmann::json::parse(render(r, "sarif"));
  CHECK(j["version"] == "2.1.0");
  const auto& run = j["runs"][0];
  CHECK(run["tool"]["driver"]["name"] == "trustscan");
  CHECK(run["results"].size() == 4);  // only failures; the JSON report has the rest
  CHECK(run["tool"]["driver"]["rules"].size() == 2);
  const auto& first = run["results"][1];  // zz.last on 198.18.0.10, critical, on tcp/23
  CHECK(first["ruleId"] == "zz.last");
  CHECK(first["level"] == "error");
  CHECK(first["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "tcp://198.18.0.10:23");
  CHECK(first["properties"]["outcomes"][0] == "IR8425:IAC.1");
  CHECK(run["results"][0]["level"] == "note");  // aa.first: severity info
  CHECK(run["invocations"][0]["executionSuccessful"] == true);
}

TEST_CASE("HTML: one self-contained page, device text escaped") {
  const auto h = render(tricky_report(), "html");
  CHECK(h.starts_with("<!DOCTYPE html>"));
  CHECK(count(h, "<h2>") == 2);
  CHECK(h.find("<script") == std::string::npos);  // neither ours nor the device's
  CHECK(h.find("&lt;script&gt;alert(1)&lt;/script&gt;") != std::string::npos);
  CHECK(h.find("http://") == std::string::npos);  // nothing fetched from elsewhere
  CHECK(h.find("<div class=\"verdict v-non-conformant\"><span class=\"word\">non-conformant</span>") != std::string::npos);
}

namespace {

// The tricky report plus a failing built-in check (svc.telnet on tcp/23) and a passing one.
Report report_with_builtin_failure() {
  auto r = tricky_report();
  auto& d = r.devices[0];
  Finding telnet;
  telnet.check = "svc.telnet";
  telnet.status = CheckStatus::fail;
  telnet.severity = Severity::high;
  telnet.endpoint = Endpoint{d.facts.target.address, Transport::tcp, 23};
  telnet.outcomes = {"IR8259A:LAI", "IR8425:IAC.1"};
  telnet.summary = "Telnet (telnet) offered on 23/tcp";
  d.results.push_back(telnet);
  telnet.check = "svc.ftp_tftp";  // a built-in check that passed: no remediation shown for it
  telnet.status = CheckStatus::pass;
  d.results.push_back(telnet);
  sort_report(r);
  return r;
}

std::string remediation_of(std::string_view id) {
  for (const auto& c : builtin_checks())
    if (c->id() == id) return c->info().remediation;
  return {};
}

}  // namespace

TEST_CASE("SARIF: a failing check's rule carries its remediation as help, and a fullDescription") {
  const auto fix = remediation_of("svc.telnet");
  REQUIRE(fix.starts_with("Disable the Telnet daemon"));
  const auto j = nlohmann::json::parse(render(report_with_builtin_failure(), "sarif"));
  const auto& rules = j["runs"][0]["tool"]["driver"]["rules"];
  const nlohmann::json* telnet = nullptr;
  for (const auto& rule : rules) {
    CHECK(rule["fullDescription"]["text"].get<std::string>().size() > 0);
    if (rule["id"] == "svc.telnet") telnet = &rule;
    if (rule["id"] == "zz.last") CHECK_FALSE(rule.contains("help"));  // not a built-in check: no text to give
  }
  REQUIRE(telnet != nullptr);
  CHECK((*telnet)["shortDescription"]["text"] == "No Telnet on the device");
  CHECK((*telnet)["fullDescription"]["text"] == "No Telnet on the device. Evidences IR8259A:LAI, IR8425:IAC.1.");
  CHECK((*telnet)["help"]["text"] == fix);
  const auto md = (*telnet)["help"]["markdown"].get<std::string>();
  CHECK(md.find(fix) != std::string::npos);
  CHECK(md.find("`IR8425:IAC.1`") != std::string::npos);
  // The result points at the rule that has the help.
  for (const auto& res : j["runs"][0]["results"])
    if (res["ruleId"] == "svc.telnet") CHECK(rules[res["ruleIndex"].get<std::size_t>()]["help"]["text"] == fix);
}

TEST_CASE("JUnit XML: a failure's text ends with the check's remediation, other outcomes carry none") {
  const auto fix = remediation_of("svc.telnet");
  const auto x = render(report_with_builtin_failure(), "xml");
  const auto at = x.find("name=\"svc.telnet\"");
  REQUIRE(at != std::string::npos);
  const auto failure = x.substr(at, x.find("</testcase>", at) - at);
  CHECK(failure.find("<failure ") != std::string::npos);
  CHECK(failure.find("Remediation: " + fix + "\n</failure>") != std::string::npos);
  CHECK(count(x, "Remediation: ") == 1);  // the passing svc.ftp_tftp and the unknown zz.last have none
}

TEST_CASE("HTML: remediation under each failing finding, escaped, and nowhere else") {
  const auto fix = remediation_of("svc.telnet");
  const auto h = render(report_with_builtin_failure(), "html");
  CHECK(count(h, "<p class=\"remediation\">") == 1);
  const auto card = h.find("<code>svc.telnet</code> on tcp/23</h4>");
  REQUIRE(card != std::string::npos);
  const auto end = h.find("</article>", card);
  CHECK(h.substr(card, end - card).find("<strong>Remediation:</strong> " + fix + "</p>") != std::string::npos);
  CHECK(h.find("<script") == std::string::npos);
}

namespace {

// The HTML of one device: from its <section> to the next.
std::string device_section(const std::string& h, std::size_t index) {
  std::size_t at = 0;
  for (std::size_t i = 0; i <= index; ++i) {
    at = h.find("<section class=\"device\">", at + (i ? 1 : 0));
    REQUIRE(at != std::string::npos);
  }
  return h.substr(at, h.find("</section>", at) - at);
}

// RFC 4180 read back: records of fields, CRLF between records, quoted fields may hold
// commas, CR, LF and doubled quotes.
std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
  std::vector<std::vector<std::string>> rows(1);
  std::string field;
  bool quoted = false, was_quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c != '"')
        field += c;
      else if (i + 1 < text.size() && text[i + 1] == '"')
        field += '"', ++i;
      else
        quoted = false;
    } else if (c == '"') {
      REQUIRE(field.empty());  // a quote only opens a field
      quoted = was_quoted = true;
    } else if (c == ',') {
      rows.back().push_back(std::move(field));
      field.clear();
      was_quoted = false;
    } else if (c == '\r') {
      REQUIRE((i + 1 < text.size() && text[i + 1] == '\n'));  // a bare CR only inside quotes
      rows.back().push_back(std::move(field));
      field.clear();
      was_quoted = false;
      rows.emplace_back();
      ++i;
    } else {
      REQUIRE(c != '\n');  // a bare LF only inside quotes
      field += c;
    }
  }
  REQUIRE_FALSE(quoted);
  (void)was_quoted;
  if (rows.back().empty() && field.empty()) rows.pop_back();
  return rows;
}

}  // namespace

TEST_CASE("HTML: verdict first, failures by severity before everything else, then outcomes and the rest") {
  auto r = report_with_builtin_failure();
  for (auto& d : r.devices) score_device(r.profile, d);
  const auto h = device_section(render(r, "html"), 0);  // 198.18.0.10
  const auto at = [&](const std::string& what) {
    const auto p = h.find(what);
    CHECK_MESSAGE(p != std::string::npos, what);
    return p;
  };
  const auto verdict = at("<div class=\"verdict ");
  const auto critical = at("<code>zz.last</code>");  // critical failure
  const auto high = at("<code>svc.telnet</code>");   // high
  const auto info = at("<code>aa.first</code>");     // failure of severity info
  const auto outcomes = at("<h3>Outcomes (");
  const auto not_tested = at("<code>nn.skipped</code>");
  const auto pass = at("<code>mm.middle</code>");
  CHECK(verdict < at("<h3>Failures (3)</h3>"));
  CHECK(verdict < at("by status</title>"));
  CHECK(at("by status</title>") < at("by capability</title>"));
  CHECK(at("by capability</title>") < critical);
  CHECK(critical < high);
  CHECK(high < info);
  CHECK(info < outcomes);
  CHECK(outcomes < not_tested);
  CHECK(not_tested < pass);
  CHECK(h.find("Cap:</strong> critical failure: zz.last") != std::string::npos);
}

TEST_CASE("HTML: one card per failing check and device, its ports listed, the remediation once") {
  auto r = report_with_builtin_failure();
  auto& d = r.devices[0];
  Finding other_port = *std::find_if(d.results.begin(), d.results.end(), [](const Finding& f) { return f.check == "svc.telnet"; });
  other_port.endpoint->port = 2323;
  other_port.severity = Severity::medium;  // a lesser severity on this port: said at its place
  other_port.summary = "Telnet (telnet) offered on 2323/tcp";
  other_port.outcomes.push_back("EN303645:5.6-1");
  d.results.push_back(other_port);
  sort_report(r);
  for (auto& dev : r.devices) score_device(r.profile, dev);
  const auto h = device_section(render(r, "html"), 0);
  CHECK(h.find("<h3>Failures (4 results of 3 checks)</h3>") != std::string::npos);
  CHECK(count(h, "<code>svc.telnet</code> on ") == 1);  // one card
  CHECK(count(h, "<p class=\"remediation\">") == 1);
  const auto card = h.find("<article class=\"finding sev-high\">\n<h4><span class=\"sev\">high</span>No Telnet on the device "
                           "<code>svc.telnet</code> on tcp/23, tcp/2323</h4>");
  REQUIRE(card != std::string::npos);
  const auto text = h.substr(card, h.find("</article>", card) - card);
  const auto at23 = text.find("<h5>tcp/23</h5><p>Telnet (telnet) offered on 23/tcp</p>");
  const auto at2323 = text.find("<h5><span class=\"sev sev-medium\">medium</span>tcp/2323</h5><p>Telnet (telnet) offered on 2323/tcp</p>");
  const auto fix = text.find("<strong>Remediation:</strong> " + remediation_of("svc.telnet") + "</p>");
  CHECK(at23 < at2323);  // worst first
  CHECK(at2323 < fix);   // the remediation after every place
  CHECK(fix != std::string::npos);
  CHECK(text.find("Outcomes: IR8259A:LAI IR8425:IAC.1 EN303645:5.6-1</p>") != std::string::npos);  // each outcome once
}

TEST_CASE("HTML: outcomes with their titles, charts as inline SVG, nothing fetched, no script") {
  auto r = report_with_builtin_failure();
  for (auto& d : r.devices) score_device(r.profile, d);
  const auto h = render(r, "html");
  // Every outcome of the profile with its title.
  for (const auto& o : r.profile.outcomes) {
    CHECK(h.find("<td><code>" + o.id + "</code></td><td>" + o.title + "</td>") != std::string::npos);
  }
  // The charts: a summary and one by capability per device, grouped by document and area.
  CHECK(count(h, "<svg class=\"chart\"") == 4);
  CHECK(h.find("<title>Outcomes of 198.18.0.10 by capability</title>") != std::string::npos);
  CHECK(h.find(">IR8425 AI \u2014 Asset identification</text>") != std::string::npos);
  CHECK(h.find(">IR8425 IAC \u2014 Interface access control</text>") != std::string::npos);
  CHECK(count(h, ">IR8425 AI ") == 2);  // AI.1 and AI.2 share a bar, once per device
  // Nothing runs and nothing is fetched: no script, no URL, no CSS import or url().
  for (const char* absent : {"<script", "http://", "https://", "url(", "@import", "<link", "src="})
    CHECK_MESSAGE(h.find(absent) == std::string::npos, absent);
  CHECK(h.find("@media print") != std::string::npos);
  CHECK(h.find("section.device+section.device{break-before:page}") != std::string::npos);
}

TEST_CASE("HTML: hostile summary text is escaped, in the failure cards and the tables") {
  auto r = report_with_builtin_failure();
  r.devices[0].results[0].summary = "<script>alert('x')</script>";  // a failure
  r.devices[0].facts.target.name = "<img src=x onerror=alert(1)>";
  for (auto& f : r.devices[0].results)
    if (f.status == CheckStatus::pass) f.summary = "</td></table><script src=//evil>";
  const auto h = render(r, "html");
  for (const char* absent : {"<script", "<img", "</td></table>"}) CHECK_MESSAGE(h.find(absent) == std::string::npos, absent);
  for (const char* escaped : {"&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;",
                              "&lt;/td&gt;&lt;/table&gt;&lt;script src=//evil&gt;", "&lt;img src=x onerror=alert(1)&gt;"})
    CHECK_MESSAGE(h.find(escaped) != std::string::npos, escaped);
}

TEST_CASE("HTML: a waived failure is listed first among the rest, with its waiver and remediation") {
  auto r = report_with_builtin_failure();
  for (auto& f : r.devices[0].results)
    if (f.check == "svc.telnet") {
      f.status = CheckStatus::waived;
      f.waiver = WaiverMark{"check svc.telnet", "lab device", "qa@example.com", "2999-12-31", false, "w.yaml:2"};
    }
  for (auto& d : r.devices) score_device(r.profile, d);
  const auto h = device_section(render(r, "html"), 0);
  CHECK(h.find("<h3>Failures (2)</h3>") != std::string::npos);
  CHECK(h.find("<strong>Waivers:</strong> 1 applied, 0 expired") != std::string::npos);
  const auto waived = h.find("<span class=\"st st-waived\">waived</span>");
  REQUIRE(waived != std::string::npos);
  const auto others = h.find("<h3>Other results");
  CHECK(others < waived);
  CHECK(waived < h.find("<span class=\"st st-not_tested\">", others));
  const auto row = h.substr(waived, h.find("</tr>", waived) - waived);
  CHECK(row.find("waived until 2999-12-31: check svc.telnet, owner qa@example.com") != std::string::npos);
  CHECK(row.find("<strong>Remediation:</strong> " + remediation_of("svc.telnet")) != std::string::npos);
}

TEST_CASE("CSV: a header, one row per result, RFC 4180 quoting and formula injection neutralised") {
  auto r = report_with_builtin_failure();
  auto& results = r.devices[0].results;
  const std::vector<std::string> hostile = {
      "a, b",  "say \"hi\"", "two\r\nlines",     "lf\nonly", "=HYPERLINK(\"http://x\",\"y\")", "+1+1", "-2", "@SUM(A1)",
      "\tTAB", "\rCR",       "ctl\x01 bad \xff", "plain"};
  for (std::size_t i = 0; i < hostile.size(); ++i) {
    Finding f;
    f.check = "zz.hostile" + std::to_string(100 + i);
    f.status = CheckStatus::info;
    f.summary = hostile[i];
    results.push_back(f);
  }
  results.back().reason = "=1+1";
  sort_report(r);
  const auto text = render(r, "csv");
  CHECK(text.starts_with("id,device,check,status,severity,transport,port,summary,reason,outcomes,waiver,remediation\r\n"));
  const auto rows = parse_csv(text);
  std::size_t results_count = 0;
  for (const auto& d : r.devices) results_count += d.results.size();
  REQUIRE(rows.size() == 1 + results_count);
  for (const auto& row : rows) CHECK(row.size() == 12);
  std::map<std::string, std::vector<std::string>> by_check;
  for (const auto& row : rows)
    if (row[1] == "198.18.0.10") by_check[row[2]] = row;
  const std::vector<std::string> expected = {
      "a, b",   "say \"hi\"", "two\r\nlines",       "lf\nonly", "'=HYPERLINK(\"http://x\",\"y\")", "'+1+1", "'-2", "'@SUM(A1)",
      "'\tTAB", "'\rCR",      "ctl\\x01 bad \\xff", "plain"};
  for (std::size_t i = 0; i < hostile.size(); ++i) {
    const auto& row = by_check["zz.hostile" + std::to_string(100 + i)];
    REQUIRE(row.size() == 12);
    CHECK(row[7] == expected[i]);
  }
  CHECK(by_check["zz.hostile111"][8] == "'=1+1");
  // Raw: quoted where needed, quotes doubled.
  CHECK(text.find(",\"say \"\"hi\"\"\",") != std::string::npos);
  CHECK(text.find(",\"a, b\",") != std::string::npos);
  // A failure: its endpoint, outcomes space-joined, the remediation; a pass has none.
  const auto& telnet = by_check["svc.telnet"];
  for (const auto& f : r.devices[0].results)
    if (f.check == "svc.telnet") CHECK(telnet[0] == finding_id(r.devices[0].facts.target.address, f));
  CHECK(telnet[3] == "fail");
  CHECK(telnet[4] == "high");
  CHECK(telnet[5] == "tcp");
  CHECK(telnet[6] == "23");
  CHECK(telnet[9] == "IR8259A:LAI IR8425:IAC.1");
  CHECK(telnet[10] == "");
  CHECK(telnet[11] == remediation_of("svc.telnet"));
  CHECK(by_check["svc.ftp_tftp"][11] == "");
  CHECK(by_check["nn.skipped"][8] == "opt_in:--creds-throttle");
  CHECK(by_check["aa.first"][5] == "");  // device-wide: no transport, no port
  CHECK(by_check["aa.first"][6] == "");
}

TEST_CASE("CSV: a waived finding's row carries its waiver and remediation, an expired one fails with it") {
  auto r = report_with_builtin_failure();
  for (auto& f : r.devices[0].results) {
    if (f.check == "svc.telnet") {
      f.status = CheckStatus::waived;
      f.waiver = WaiverMark{"check svc.telnet", "lab device", "qa@example.com", "2999-12-31", false, "w.yaml:2"};
    }
    if (f.check == "zz.last")
      f.waiver = WaiverMark{"f-0123456789abcdef", "old", "qa@example.com", "2001-01-01", true, "w.yaml:7"};
  }
  const auto rows = parse_csv(render(r, "csv"));
  bool waived = false, expired = false;
  for (const auto& row : rows) {
    if (row[1] != "198.18.0.10") continue;
    if (row[2] == "svc.telnet") {
      waived = true;
      CHECK(row[3] == "waived");
      CHECK(row[10] == "check svc.telnet; until 2999-12-31");
      CHECK(row[11] == remediation_of("svc.telnet"));
    }
    if (row[2] == "zz.last") {
      expired = true;
      CHECK(row[3] == "fail");
      CHECK(row[10] == "f-0123456789abcdef; expired 2001-01-01");
    }
  }
  CHECK(waived);
  CHECK(expired);
}

TEST_CASE("JSON report: unchanged by remediation (the catalog has it: trustscan checks show)") {
  const auto j = nlohmann::json::parse(render(report_with_builtin_failure(), "json"));
  for (const auto& d : j["devices"])
    for (const auto& res : d["results"]) CHECK_FALSE(res.contains("remediation"));
}

TEST_CASE("report files are written atomically and leave no temporary files") {
  namespace fs = std::filesystem;
  const auto dir = fs::temp_directory_path() / ("trustscan-report-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const auto path = (dir / "r.json").string();
  auto r = sample_report();
  write_report_file(r, *make_sink("json"), path);
  CHECK(fs::exists(path));
  std::size_t files = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir)) ++files;
  CHECK(files == 1);
  CHECK_THROWS_WITH_AS(write_report_file(r, *make_sink("json"), (dir / "missing" / "r.json").string()),
                       doctest::Contains("cannot write report"), std::runtime_error);
  fs::remove_all(dir);
}

TEST_CASE("built-in profiles load and their ids match their file names") {
  const auto ids = builtin_profile_ids();
  REQUIRE(ids.size() == 4);  // ir8259a-core, ir8425-consumer, ir8425a-router, en303645
  for (const auto& id : ids) {
    const auto p = load_profile(id);
    CHECK(p.id == id);
    CHECK_FALSE(p.ports.tcp.empty());
    CHECK(std::is_sorted(p.ports.tcp.begin(), p.ports.tcp.end()));
  }
}

TEST_CASE("profile errors carry file:line") {
  CHECK(profile_error("id: x\nversion: 1\ntitle: t\nports: {tcp: [22]}\ncolour: red\n") ==
        "p.yaml:5: unknown key 'colour' (known: id, version, title, source, ports, checks, outcomes, scoring, credentials, crypto_policy)");
  CHECK(profile_error("id: x\ntitle: t\nports: {tcp: [22]}\n") == "p.yaml:1: missing required key 'version'");
  CHECK(profile_error("id: x\nversion: 1\ntitle: t\nports:\n  tcp: [22, 70000]\n") ==
        "p.yaml:5: invalid port spec '70000': port 70000 is out of range (1-65535)");
  CHECK(profile_error("id: x\nversion: 1\ntitle: t\nports:\n  tcp: [22]\n  sctp: [1]\n") ==
        "p.yaml:6: unknown key 'ports.sctp' (known: tcp, udp)");
  CHECK(profile_error("id: x\nversion: 1\ntitle: t\nports: {tcp: ['U:22']}\n").find("no T:/U: prefix") !=
        std::string::npos);
  CHECK(profile_error("id: [unclosed\n").starts_with("p.yaml:"));
  CHECK(profile_error("- a\n- b\n") == "p.yaml:1: a profile must be a YAML mapping (id, version, title, ports…)");
  CHECK(profile_error("id: x\nversion: 1\ntitle: t\n") == "p.yaml:1: the profile names no ports to scan ('ports')");
  CHECK_THROWS_WITH_AS(load_profile("/nonexistent/p.yaml"), doctest::Contains("cannot read profile"), ProfileError);
}

TEST_CASE("docs/checks.md lists every check the binary has") {
  std::ifstream in(TRUSTSCAN_SOURCE_DIR "/docs/checks.md");
  REQUIRE(in.good());
  std::stringstream text;
  text << in.rdbuf();
  for (const auto& c : builtin_checks()) CHECK_MESSAGE(text.str().find("`" + std::string(c->id()) + "`") != std::string::npos, c->id());
}

TEST_CASE("JSON sink: services[].tls from the tls.* observations of that endpoint") {
  Report r;
  r.profile = load_profile("ir8425-consumer");
  DeviceReport d;
  d.facts.target.address = *Address::parse("198.18.0.12");
  const Endpoint ftp{d.facts.target.address, Transport::tcp, 21};
  const Endpoint ssh{d.facts.target.address, Transport::tcp, 22};
  for (const auto& ep : {ftp, ssh}) {
    PortResult pr;
    pr.endpoint = ep;
    pr.state = PortState::open;
    pr.status = Status::success;
    d.facts.ports.push_back(pr);
  }
  auto add = [&](const Endpoint& ep, std::string key, Value v) {
    Observation o;
    o.endpoint = ep;
    o.key = std::move(key);
    o.value = std::move(v);
    d.facts.observations.push_back(std::move(o));
  };
  add(ftp, "service.name", std::string("ftp"));
  add(ftp, "tls.starttls", std::string("ftp"));
  add(ftp, "tls.ciphers.TLSv1.2", std::vector<std::string>{"TLS_RSA_WITH_AES_256_CBC_SHA", "TLS_RSA_WITH_AES_128_CBC_SHA"});
  add(ftp, "tls.cipher_order.TLSv1.2", std::string("client"));
  add(ftp, "tls.ciphers.TLSv1.3", std::vector<std::string>{"TLS_AES_256_GCM_SHA384"});
  add(ftp, "tls.preferred.TLSv1.3", std::string("TLS_AES_256_GCM_SHA384"));
  add(ftp, "tls.versions", std::vector<std::string>{"TLSv1.2", "TLSv1.3"});
  add(ftp, "tls.fallback_scsv", true);
  add(ftp, "tls.compression", false);
  add(ftp, "tls.dh_bits", std::int64_t{1024});
  add(ftp, "tls.cert.subject", std::string("/O=Trustscan Lab Plugs/CN=plug.trustscan.test"));
  add(ftp, "tls.cert.not_after", std::string("2027-11-25T12:00:00Z"));
  add(ftp, "tls.cert.key_type", std::string("RSA"));
  add(ftp, "tls.cert.key_bits", std::int64_t{2048});
  add(ftp, "tls.cert.signature", std::string("sha256WithRSAEncryption"));
  add(ftp, "tls.cert.self_signed", true);
  add(ssh, "service.name", std::string("ssh"));
  add(ssh, "ssh.kex", std::vector<std::string>{"curve25519-sha256"});
  r.devices.push_back(d);
  sort_report(r);
  std::ostringstream out;
  make_sink("json")->write(r, out);
  const auto j = nlohmann::json::parse(out.str());
  const auto& services = j["devices"][0]["services"];
  REQUIRE(services.size() == 2);
  const auto& s21 = services[0]["port"] == 21 ? services[0] : services[1];
  const auto& s22 = services[0]["port"] == 21 ? services[1] : services[0];
  CHECK_FALSE(s22.contains("tls"));
  REQUIRE(s21.contains("tls"));
  const auto& tls = s21["tls"];
  CHECK(tls["versions"] == nlohmann::json({"TLSv1.2", "TLSv1.3"}));
  CHECK(tls["ciphers"]["TLSv1.2"] == nlohmann::json({"TLS_RSA_WITH_AES_256_CBC_SHA", "TLS_RSA_WITH_AES_128_CBC_SHA"}));
  CHECK(tls["ciphers"]["TLSv1.3"][0] == "TLS_AES_256_GCM_SHA384");
  CHECK(tls["cipher_order"]["TLSv1.2"] == "client");
  CHECK(tls["preferred"]["TLSv1.3"] == "TLS_AES_256_GCM_SHA384");
  CHECK_FALSE(tls["preferred"].contains("TLSv1.2"));
  CHECK(tls["fallback_scsv"] == true);
  CHECK(tls["compression"] == false);
  CHECK(tls["dh_bits"] == 1024);
  CHECK(tls["starttls"] == "ftp");
  const auto& cert = tls["certificate"];
  CHECK(cert["subject"] == "/O=Trustscan Lab Plugs/CN=plug.trustscan.test");
  CHECK(cert["not_after"] == "2027-11-25T12:00:00Z");
  CHECK(cert["key_type"] == "RSA");
  CHECK(cert["key_bits"] == 2048);
  CHECK(cert["signature"] == "sha256WithRSAEncryption");
  CHECK(cert["self_signed"] == true);
  // Nothing but tls.* facts: the ssh and service observations stay out of it.
  CHECK_FALSE(tls.contains("name"));
  CHECK_FALSE(tls.contains("kex"));
}

TEST_CASE("finding ids: the same device, check and endpoint give the same id in every run, anything else another") {
  const auto addr = *Address::parse("198.18.0.10");
  Finding f;
  f.check = "svc.telnet";
  f.endpoint = Endpoint{addr, Transport::tcp, 23};
  f.status = CheckStatus::fail;
  f.summary = "Telnet open";
  const auto id = finding_id(addr, f);
  CHECK(id.size() == 18);
  CHECK(id.starts_with("f-"));
  // Wording, status, severity and evidence are not part of it: a fixed finding keeps its id.
  Finding g = f;
  g.summary = "other words";
  g.status = CheckStatus::pass;
  g.severity = Severity::critical;
  g.evidence.push_back(Evidence{});
  CHECK(finding_id(addr, g) == id);
  Finding other_port = f;
  other_port.endpoint->port = 2323;
  CHECK(finding_id(addr, other_port) != id);
  Finding other_check = f;
  other_check.check = "svc.ftp_tftp";
  CHECK(finding_id(addr, other_check) != id);
  Finding device_wide = f;
  device_wide.endpoint.reset();
  CHECK(finding_id(addr, device_wide) != id);
  CHECK(finding_id(*Address::parse("198.18.0.11"), f) != id);

  // In the JSON report every result carries its id, and two runs in another order agree.
  auto a = sample_report(), b = sample_report();
  std::reverse(b.devices.begin(), b.devices.end());
  for (auto& d : b.devices) std::reverse(d.results.begin(), d.results.end());
  std::ostringstream x, y;
  make_sink("json")->write(a, x);
  make_sink("json")->write(b, y);
  std::set<std::string> ids_a, ids_b;
  const auto ja = nlohmann::json::parse(x.str()), jb = nlohmann::json::parse(y.str());  // kept: loops below
  for (const auto& d : ja["devices"])
    for (const auto& r : d["results"]) ids_a.insert(r["id"].get<std::string>());
  for (const auto& d : jb["devices"])
    for (const auto& r : d["results"]) ids_b.insert(r["id"].get<std::string>());
  CHECK(ids_a.size() == 4);
  CHECK(ids_a == ids_b);
  // SARIF carries it as the partial fingerprint code-scanning tools match runs by.
  std::ostringstream s;
  make_sink("sarif")->write(a, s);
  const auto sarif = nlohmann::json::parse(s.str());
  REQUIRE(sarif["runs"][0]["results"].size() == 4);
  for (const auto& r : sarif["runs"][0]["results"])
    CHECK(ids_a.count(r["partialFingerprints"]["trustscanFindingId/v1"].get<std::string>()) == 1);
}
