// Report sinks, atomic writes, and profile loading errors.
#include "trustscan/profile.hpp"
#include "trustscan/report.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <dirent.h>

#include <algorithm>
#include <filesystem>
#include <set>
#include <fstream>
#include <sstream>

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
  CHECK(h.find("Verdict <strong>non-conformant</strong>") != std::string::npos);
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

TEST_CASE("JUnit XML: a failure's text ends with the check's remediation; other outcomes carry none") {
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
  const auto row = h.find("<td>svc.telnet</td>");
  REQUIRE(row != std::string::npos);
  const auto end = h.find("</tr>", row);
  CHECK(h.substr(row, end - row).find("<strong>Remediation:</strong> " + fix + "</p>") != std::string::npos);
  CHECK(h.find("<script") == std::string::npos);
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
  REQUIRE(ids.size() == 3);
  for (const auto& id : ids) {
    const auto p = load_profile(id);
    CHECK(p.id == id);
    CHECK_FALSE(p.ports.tcp.empty());
    CHECK(std::is_sorted(p.ports.tcp.begin(), p.ports.tcp.end()));
  }
}

TEST_CASE("profile errors carry file:line") {
  CHECK(profile_error("id: x\nversion: 1\ntitle: t\nports: {tcp: [22]}\ncolour: red\n") ==
        "p.yaml:5: unknown key 'colour' (known: id, version, title, source, ports, checks, outcomes, scoring)");
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

TEST_CASE("finding ids: the same device, check and endpoint give the same id in every run; anything else another") {
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
