// The command line: usage errors, scope refusal, exit codes, SIGINT, the demo.
#include "scanner/cli/cli.hpp"
#include "../support/files.hpp"
#include "../support/cli.hpp"

#include "../support/sockets.hpp"
#include "probes/tls/ja_fingerprint.hpp"
#include "trustscan/check.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

using namespace trustscan;
using testsupport::cli;
using namespace std::chrono_literals;
using testsupport::Listener;
using testsupport::run_binary;

namespace {

int lines(const std::string& s) { return static_cast<int>(std::count(s.begin(), s.end(), '\n')); }

using testsupport::temp_path;

nlohmann::json read_json(const std::string& path) {
  std::ifstream in(path);
  REQUIRE(in.good());
  return nlohmann::json::parse(in);
}

}  // namespace

TEST_CASE("bad input: one line on stderr, exit 2, nothing on stdout") {
  const std::vector<std::vector<std::string>> cases = {
      {"scan", "300.1.1.1"},
      {"scan", "10.0.0.0/33"},
      {"scan", "1-2-3"},
      {"scan", "127.0.0.1", "-p", "70000"},
      {"scan", "127.0.0.1", "-p", "22,,80"},
      {"scan", "@/nonexistent/targets.txt"},
      {"scan", "127.0.0.1", "--scope", "10.0.0.0/99"},
      {"scan", "127.0.0.1", "--shard", "3/2"},
      {"scan", "127.0.0.1", "--timeout", "0"},
      {"scan", "127.0.0.1", "--rate", "-5"},
      {"scan", "127.0.0.1", "--profile", "no-such-profile"},
      {"scan", "127.0.0.1", "-o", "report.unknown"},
      {"scan", "127.0.0.1", "--format", "pdf", "-o", "report"},
      {"scan", "127.0.0.1", "--bogus-flag"},
      {"scan", "127.0.0.1", "--declaration", "/nonexistent/declaration.yaml"},
      {"scan", "127.0.0.1", "--attestation", "/nonexistent/attestation.yaml"},
      {"scan", "127.0.0.1", "--creds-parallel", "0"},
      {"scan", "127.0.0.1", "--creds-parallel", "17"},
      {"scan", "127.0.0.1", "--creds-parallel", "4", "--no-creds"},
      {"scan", "127.0.0.1", "--creds-throttle", "--no-creds"},
      {"checks", "list", "--profile", "no-such-profile"},
      {"checks", "show", "no.such.check"},
      {"checks", "show", "svc.telnet", "svc.telnett"},
      {"checks", "show"},
      {"checks", "show", "--all", "svc.telnet"},
      {"scan"},
      {"frobnicate"},
      {},
  };
  for (const auto& args : cases) {
    const auto r = cli(args);
    std::string joined;
    for (const auto& a : args) joined += a + " ";
    CAPTURE(joined);
    CAPTURE(r.err);
    CHECK(r.code == kExitUsage);
    CHECK(lines(r.err) == 1);
    CHECK(r.err.starts_with("trustscan: error: "));
    CHECK(r.out.empty());
  }
}

TEST_CASE("an empty target file is one clear error") {
  const auto path = temp_path(".txt");
  std::ofstream(path) << "# no targets\n";
  const auto r = cli({"scan", "@" + path});
  std::remove(path.c_str());
  CHECK(r.code == kExitUsage);
  CHECK(r.err == "trustscan: error: target file '" + path + "' lists no targets\n");
}

TEST_CASE("scope refusal: exit 2 and not one connection reaches the target") {
  // The listener is on loopback (reachable), but the user's scope excludes it: the scanner must
  // refuse before opening any socket. The listener's accept count proves nothing arrived.
  Listener l;
  const auto r = cli({"scan", "127.0.0.1", "-p", std::to_string(l.port()), "--scope", "198.18.0.0/15"});
  std::this_thread::sleep_for(100ms);
  CHECK(r.code == kExitUsage);
  CHECK(r.err ==
        "trustscan: error: target 127.0.0.1 is outside the scan scope (198.18.0.0/15); nothing was sent. To allow "
        "it, pass --scope 127.0.0.1/32\n");
  CHECK(l.accepted() == 0);

  // The same scan inside the scope connects.
  const auto ok = cli({"scan", "127.0.0.1", "-p", std::to_string(l.port()), "--scope", "127.0.0.0/8", "-q"});
  std::this_thread::sleep_for(100ms);
  CHECK(ok.code == kExitOk);
  CHECK(l.accepted() >= 1);
}

TEST_CASE("the default scope refuses public addresses") {
  const auto r = cli({"scan", "8.8.8.8", "-p", "53"});
  CHECK(r.code == kExitUsage);
  CHECK(r.err.find("outside the scan scope (the default non-routable ranges)") != std::string::npos);
  CHECK(r.err.find("--scope 8.8.8.8/32") != std::string::npos);
}

TEST_CASE("a scan writes the JSON report with the interface's fields, sorted") {
  Listener a, b;
  const auto closed = testsupport::closed_port();
  const auto json_path = temp_path(".json");
  const auto jsonl_path = temp_path(".jsonl");
  const auto spec = std::to_string(b.port()) + "," + std::to_string(a.port()) + "," + std::to_string(closed);
  const auto r = cli({"scan", "127.0.0.1", "-p", spec, "-o", json_path, "-o", jsonl_path});
  CHECK(r.code == kExitOk);
  CHECK(r.out.find("svc.inventory") != std::string::npos);

  const auto j = read_json(json_path);
  CHECK(j["schema"] == "trustscan.report/1");
  CHECK(j["tool"]["name"] == "trustscan");
  CHECK(j["mode"] == "scan");
  CHECK(j["vantage"] == "lan");
  CHECK(j["complete"] == true);
  CHECK(j["profile"]["id"] == "ir8425-consumer");
  CHECK(j["started_at"].get<std::string>().ends_with("Z"));
  REQUIRE(j["devices"].size() == 1);
  const auto& d = j["devices"][0];
  CHECK(d["address"] == "127.0.0.1");
  REQUIRE(d["services"].size() == 3);  // few closed ports are listed, not summarised
  std::vector<int> ports;
  for (const auto& s : d["services"]) ports.push_back(s["port"].get<int>());
  CHECK(std::is_sorted(ports.begin(), ports.end()));
  int open = 0;
  for (const auto& s : d["services"]) {
    CHECK(s["transport"] == "tcp");
    if (s["state"] == "open") ++open;
    if (s["port"] == closed) CHECK(s["state"] == "closed");
  }
  CHECK(open == 2);
  std::vector<std::string> checks;
  for (const auto& res : d["results"]) checks.push_back(res["check"]);
  CHECK(std::is_sorted(checks.begin(), checks.end()));
  const auto inv = std::find(checks.begin(), checks.end(), "svc.inventory") - checks.begin();
  REQUIRE(inv < static_cast<long>(checks.size()));
  CHECK(d["results"][inv]["status"] == "info");
  CHECK(d["results"][inv]["evidence"].size() == 2);
  CHECK(d["score"]["verdict"] == "incomplete");  // nothing scored yet is never "conformant"
  CHECK(d["score"]["counts"]["info"] == 1);

  std::ifstream jl(jsonl_path);
  std::string line;
  int records = 0;
  while (std::getline(jl, line)) {
    const auto rec = nlohmann::json::parse(line);
    CHECK(rec["device"] == "127.0.0.1");
    ++records;
  }
  CHECK(records == static_cast<int>(d["results"].size()));
  std::remove(json_path.c_str());
  std::remove(jsonl_path.c_str());
}

TEST_CASE("a scan writes JUnit XML, SARIF, CSV and HTML from the file names") {
  Listener a;
  const auto xml = temp_path(".xml"), sarif = temp_path(".sarif"), html = temp_path(".html"), csv = temp_path(".csv");
  const auto r = cli({"scan", "127.0.0.1", "-p", std::to_string(a.port()), "-q", "-o", xml, "-o", sarif, "-o", html, "-o", csv});
  CHECK(r.code == kExitOk);
  const auto text = testsupport::read_text;
  const auto x = text(xml);
  CHECK(x.find("<testsuite name=\"127.0.0.1\"") != std::string::npos);
  CHECK(x.find("<testcase classname=\"127.0.0.1\" name=\"svc.inventory\"") != std::string::npos);
  CHECK(nlohmann::json::parse(text(sarif))["version"] == "2.1.0");
  CHECK(text(html).find("<h2>127.0.0.1</h2>") != std::string::npos);
  const auto c = text(csv);
  CHECK(c.starts_with("id,device,check,status,severity,transport,port,summary,reason,outcomes,waiver,remediation\r\n"));
  CHECK(c.find(",127.0.0.1,svc.inventory,") != std::string::npos);
  // --format overrides the extension.
  const auto forced = temp_path(".out");
  CHECK(cli({"scan", "127.0.0.1", "-p", std::to_string(a.port()), "-q", "--format", "csv", "-o", forced}).code == kExitOk);
  CHECK(text(forced).starts_with("id,device,check,"));
  for (const auto& p : {xml, sarif, html, csv, forced}) std::remove(p.c_str());
}

TEST_CASE("--dry-run prints the plan and sends nothing") {
  Listener l;
  const auto r = cli({"scan", "127.0.0.1", "-p", std::to_string(l.port()) + ",1-10", "--dry-run"});
  std::this_thread::sleep_for(50ms);
  CHECK(r.code == kExitOk);
  CHECK(r.out.find("11 endpoint(s)") != std::string::npos);
  CHECK(r.out.find("nothing sent") != std::string::npos);
  CHECK(l.accepted() == 0);
}

TEST_CASE("the binary: version, help, and a usage error without a stack trace") {
  auto r = run_binary({"version"});
  CHECK(r.exit_code == 0);
  CHECK(r.out.starts_with("trustscan 0."));
  CHECK(lines(r.out) == 1);  // the .deb test compares it with the package version
  r = run_binary({"version", "--verbose"});
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("\nsource commit: ") != std::string::npos);
  CHECK(r.out.find("\nbuild: ") != std::string::npos);
  CHECK(r.out.find("\nopenssl: OpenSSL 3") != std::string::npos);

  r = run_binary({"scan", "--help"});
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("--scope") != std::string::npos);

  r = run_binary({"scan", "127.0.0.1", "-p", "70000"});
  CHECK(r.exit_code == 2);
  CHECK(r.err == "trustscan: error: invalid port spec '70000': port 70000 is out of range (1-65535)\n");

  // nmap's "-p-" spelling reaches the port parser as "-".
  Listener l;
  // It is every TCP port plus the profile's UDP ports (9 in ir8425-consumer), not TCP alone.
  r = run_binary({"scan", "127.0.0.1", "-p-", "--dry-run"});
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("65544 endpoint(s)") != std::string::npos);
  r = run_binary({"scan", "127.0.0.1", "-p", "T:-,U:161", "--dry-run"});
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("65536 endpoint(s)") != std::string::npos);
}

TEST_CASE("SIGINT writes a partial report marked incomplete and exits 130") {
  Listener silent(false, 0);
  const auto fillers = testsupport::fill_backlog(silent.port());
  const auto path = temp_path(".json");
  const auto r = run_binary({"scan", "127.0.0.1", "-p", std::to_string(silent.port()), "--timeout", "20000", "-q",
                             "-o", path},
                            500ms);
  for (int fd : fillers) ::close(fd);
  CHECK(r.exit_code == 130);
  const auto j = read_json(path);
  CHECK(j["complete"] == false);
  CHECK(j["devices"][0]["results"][0]["status"] == "not_tested");
  CHECK(j["devices"][0]["results"][0]["reason"] == "inconclusive:interrupted");
  std::remove(path.c_str());
}

TEST_CASE("demo --profile en303645: the demo device judged provision by provision") {
  const auto path = temp_path(".json");
  const auto r = run_binary({"demo", "-q", "--profile", "en303645", "-o", path});
  CHECK(r.exit_code == 1);
  const auto j = read_json(path);
  REQUIRE(j["devices"].size() == 1);
  const auto& d = j["devices"][0];
  CHECK(d["score"]["verdict"] == "non-conformant");
  std::map<std::string, std::string> status, note;
  for (const auto& o : d["outcomes"]) {
    status[o["id"].get<std::string>()] = o["status"].get<std::string>();
    note[o["id"].get<std::string>()] = o.value("note", "");
  }
  CHECK(status.size() == 62);  // every provision of clause 5
  // Default passwords accepted (Telnet, HTTP): no universal default passwords, 5.1-1 and 5.1-2.
  CHECK(status["EN303645:5.1-1"] == "fail");
  CHECK(status["EN303645:5.1-2"] == "fail");
  // HTTP Basic over cleartext, legacy TLS and weak suites, Telnet: 5.1-3, 5.5-1, 5.5-7.
  CHECK(status["EN303645:5.1-3"] == "fail");
  CHECK(status["EN303645:5.5-1"] == "fail");
  CHECK(status["EN303645:5.5-7"] == "fail");
  CHECK(status["EN303645:5.5-4"] == "fail");  // MQTT accepts anonymous clients
  CHECK(status["EN303645:5.6-1"] == "fail");  // Telnet enabled
  CHECK(status["EN303645:5.4-3"] == "pass");  // no certificate key from the compromised-key list
  // Not network-observable: not assessable without an attestation.
  for (const char* id : {"EN303645:5.2-1", "EN303645:5.3-13", "EN303645:5.11-1", "EN303645:5.8-3"}) {
    INFO(id);
    CHECK(status[id] == "not_tested");
    CHECK(note[id].starts_with("needs attestation"));
  }
  std::remove(path.c_str());
}

TEST_CASE("demo: starts the device on loopback, scans it, reports its services and flaws") {
  const auto path = temp_path(".json");
  const auto r = run_binary({"demo", "-o", path});
  CHECK(r.exit_code == 1);  // the demo device fails checks, as a weak product does
  CHECK(r.out.find("demo") != std::string::npos);
  const auto j = read_json(path);
  CHECK(j["mode"] == "demo");
  REQUIRE(j["devices"].size() == 1);
  CHECK(j["devices"][0]["address"] == "127.77.0.1");
  int open = 0;
  for (const auto& s : j["devices"][0]["services"]) open += s["state"] == "open";
  CHECK(open == 5);
  std::set<std::string> services, failed;
  for (const auto& s : j["devices"][0]["services"]) services.insert(s.value("service", ""));
  for (const auto& res : j["devices"][0]["results"])
    if (res["status"] == "fail") failed.insert(res["check"].get<std::string>());
  CHECK(services == std::set<std::string>{"http", "https", "mqtt", "telnet", "tls"});
  for (const char* check : {"svc.telnet", "svc.mqtt.cleartext", "svc.mqtt.anonymous", "cred.default.http",
                            "cred.default.telnet", "cred.transport.cleartext", "svc.http.cleartext", "tls.http.redirect",
                            "tls.protocol.legacy", "tls.kex.weak", "tls.cert.quality", "tls.cipher.weak",
                            "tls.protocol.modern"})
    CHECK_MESSAGE(failed.count(check), check);
  // The byte-level legacy responder shows what OpenSSL 3 cannot serve: SSLv3, RC4, 3DES.
  std::string legacy;
  for (const auto& res : j["devices"][0]["results"])
    if (res["check"] == "tls.protocol.legacy" && res["status"] == "fail") legacy += res["summary"].get<std::string>();
  CHECK(legacy.find("SSLv3") != std::string::npos);
  CHECK_FALSE(failed.count("svc.ftp_tftp"));
  std::remove(path.c_str());
}

TEST_CASE("profiles: list and show the built-in ones") {
  auto r = cli({"profiles", "list"});
  CHECK(r.code == 0);
  for (const char* id : {"ir8259a-core", "ir8425-consumer", "ir8425a-router", "en303645"}) CHECK(r.out.find(id) != std::string::npos);
  r = cli({"profiles", "show", "ir8425a-router"});
  CHECK(r.code == 0);
  CHECK(r.out.find("7547") != std::string::npos);
}

TEST_CASE("profiles lint: the shipped profiles pass, a broken one fails with file:line") {
  for (const char* id : {"ir8259a-core", "ir8425-consumer", "ir8425a-router", "en303645"}) {
    const auto r = cli({"profiles", "lint", std::string(TRUSTSCAN_SOURCE_DIR) + "/profiles/" + id + ".yaml"});
    CHECK(r.code == 0);
    CHECK(r.out.find(": ok (") != std::string::npos);
  }
  const auto path = temp_path(".yaml");
  std::ofstream(path) << "id: broken\nversion: 1\ntitle: t\nports: {tcp: [22]}\noutcomes:\n  - {id: X, title: x, checks: [svc.nope]}\n";
  const auto r = cli({"profiles", "lint", path});
  std::remove(path.c_str());
  CHECK(r.code == kExitUsage);
  CHECK(r.err == "trustscan: error: " + path + ":6: unknown check 'svc.nope' (see: trustscan checks list)\n");
}

TEST_CASE("--declaration: undeclared listeners fail svc.undeclared, --attestation errors name file:line") {
  Listener declared, undeclared;
  const auto decl = temp_path(".yaml");
  std::ofstream(decl) << "services:\n  - {port: " << declared.port() << "}\n";
  const auto json_path = temp_path(".json");
  const auto spec = std::to_string(declared.port()) + "," + std::to_string(undeclared.port());
  auto r = cli({"scan", "127.0.0.1", "-p", spec, "--no-probes", "--declaration", decl, "-o", json_path, "-q"});
  CHECK(r.code == kExitFailed);
  auto j = read_json(json_path);
  CHECK(j["declaration"] == decl);
  int fails = 0;
  for (const auto& res : j["devices"][0]["results"])
    if (res["check"] == "svc.undeclared") {
      CHECK(res["status"] == "fail");
      CHECK(res["port"] == undeclared.port());
      ++fails;
    }
  CHECK(fails == 1);

  // Without the declaration the same scan cannot judge it.
  r = cli({"scan", "127.0.0.1", "-p", spec, "--no-probes", "-o", json_path, "-q"});
  j = read_json(json_path);
  for (const auto& res : j["devices"][0]["results"])
    if (res["check"] == "svc.undeclared") CHECK(res["reason"] == "no_declaration");

  const auto att = temp_path(".yaml");
  std::ofstream(att) << "attestations:\n  - {outcome: \"IR8425:IAC.1\", status: pass, evidence: e, by: b}\n";
  r = cli({"scan", "127.0.0.1", "-p", spec, "--attestation", att});
  CHECK(r.code == kExitUsage);
  CHECK(r.err == "trustscan: error: " + att + ":2: 'IR8425:IAC.1' is judged from the network alone in profile "
                 "ir8425-consumer; it takes no attestation\n");
  std::remove(decl.c_str());
  std::remove(att.c_str());
  std::remove(json_path.c_str());
}

TEST_CASE("checks list --profile: only the profile's checks, with the outcomes each evidences") {
  const auto all = cli({"checks", "list", "--json"});
  const auto router = cli({"checks", "list", "--json", "--profile", "ir8425a-router"});
  REQUIRE(all.code == kExitOk);
  REQUIRE(router.code == kExitOk);
  CHECK(lines(router.out) <= lines(all.out));
  std::istringstream in(router.out);
  int n = 0;
  for (std::string line; std::getline(in, line); ++n) {
    const auto c = nlohmann::json::parse(line);
    REQUIRE(c["profile_outcomes"].size() >= 1);
    for (const auto& o : c["profile_outcomes"]) CHECK(o.get<std::string>().starts_with("IR8425A:"));
  }
  CHECK(n > 20);
}

TEST_CASE("checks list: every id stands in its own column, apart from its severity, however long") {
  const auto text = cli({"checks", "list"});
  const auto listed = cli({"checks", "list", "--json"});
  REQUIRE(text.code == kExitOk);
  std::set<std::string> ids;
  std::istringstream j(listed.out);
  for (std::string line; std::getline(j, line);) ids.insert(nlohmann::json::parse(line)["id"].get<std::string>());
  static const std::set<std::string> severities = {"info", "low", "medium", "high", "critical"};
  std::istringstream in(text.out);
  std::size_t rows = 0;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == ' ') continue;  // an outcomes line
    std::istringstream words(line);
    std::string id, severity;
    words >> id >> severity;
    CHECK_MESSAGE(ids.count(id) == 1, line);
    CHECK_MESSAGE(severities.count(severity) == 1, line);
    ++rows;
  }
  CHECK(rows == ids.size());
}

TEST_CASE("checks show: id, title, severity, outcomes and remediation, an unknown id is one line and exit 2") {
  const auto r = cli({"checks", "show", "svc.telnet"});
  REQUIRE(r.code == kExitOk);
  CHECK(r.err.empty());
  std::istringstream in(r.out);
  std::map<std::string, std::string> field;
  for (std::string line; std::getline(in, line);) {
    const auto colon = line.find(':');
    REQUIRE(colon != std::string::npos);
    const auto value = line.substr(line.find_first_not_of(' ', colon + 1));
    field[line.substr(0, colon)] = value;
  }
  CHECK(field.size() == 5);
  CHECK(field["id"] == "svc.telnet");
  CHECK(field["title"] == "No Telnet on the device");
  CHECK(field["severity"] == "high");
  CHECK(field["outcomes"] == "IR8259A:LAI, IR8425:IAC.1, IR8425A:R-IAC, EN303645:5.6-1, EN303645:5.5-1");
  CHECK(field["remediation"].starts_with("Disable the Telnet daemon in the firmware image"));
  CHECK(field["remediation"].find("EN303645:5.6-1") != std::string::npos);

  const auto two = cli({"checks", "show", "svc.telnet", "cred.blank"});
  CHECK(two.code == kExitOk);
  CHECK(two.out.starts_with(r.out + "\nid:          cred.blank\n"));

  const auto bad = cli({"checks", "show", "svc.telnett"});
  CHECK(bad.code == kExitUsage);
  CHECK(bad.err == "trustscan: error: unknown check 'svc.telnett' (see: trustscan checks list)\n");
  CHECK(bad.out.empty());
}

TEST_CASE("checks list --long and --json carry every check's remediation, the same as checks show") {
  const auto listed = cli({"checks", "list", "--json"});
  const auto long_form = cli({"checks", "list", "--long"});
  REQUIRE(listed.code == kExitOk);
  REQUIRE(long_form.code == kExitOk);
  std::istringstream j(listed.out);
  int n = 0;
  for (std::string line; std::getline(j, line); ++n) {
    const auto c = nlohmann::json::parse(line);
    const auto fix = c["remediation"].get<std::string>();
    CAPTURE(c["id"]);
    CHECK_FALSE(fix.empty());
    CHECK(long_form.out.find("remediation: " + fix + "\n") != std::string::npos);
    CHECK(cli({"checks", "show", c["id"].get<std::string>()}).out.find("\nremediation: " + fix + "\n") != std::string::npos);
  }
  CHECK(n >= 44);
  CHECK(std::count(long_form.out.begin(), long_form.out.end(), '\n') == 3 * n);
  CHECK(cli({"checks", "list"}).out.find("remediation:") == std::string::npos);  // only with --long
}

TEST_CASE("docs/checks.md ends with the output of `trustscan checks show --all --markdown`") {
  const auto r = cli({"checks", "show", "--all", "--markdown"});
  REQUIRE(r.code == kExitOk);
  std::ifstream in(TRUSTSCAN_SOURCE_DIR "/docs/checks.md");
  REQUIRE(in.good());
  std::stringstream doc;
  doc << in.rdbuf();
  const auto at = doc.str().find("\n## Remediation\n");
  REQUIRE(at != std::string::npos);
  // On a difference: sed -i '/^## Remediation$/,$d' docs/checks.md && trustscan checks show --all --markdown >> docs/checks.md
  CHECK(doc.str().substr(at + 1) == r.out);
  for (const auto& c : builtin_checks()) CHECK(r.out.find("\n### `" + std::string(c->id()) + "`: ") != std::string::npos);
}

TEST_CASE("--min-timeout above --timeout is one clear line and exit 2, before anything is sent") {
  const auto r = cli({"scan", "127.0.0.1", "-p", "1", "--timeout", "50", "--min-timeout", "500", "-q"});
  CHECK(r.code == kExitUsage);
  CHECK(r.err == "trustscan: error: --min-timeout 500 is above --timeout 50: the shortest deadline cannot exceed the longest\n");
}

TEST_CASE("--waivers: waived failures do not fail the run until they expire, mistakes are exit 2") {
  const auto write = [](const std::string& text) { return testsupport::write_temp(text, ".yaml"); };
  const std::string rest = "    justification: accepted for the test\n    owner: qa@example.com\n";
  const auto report = temp_path(".json");

  SUBCASE("an expired waiver comes first: its failures count again, and an unknown id is named") {
    const auto w = write("waivers:\n"
                         "  - check: 'cred.*'\n" + rest + "    expires: 2000-01-01\n"
                         "  - check: '*'\n    device: 127.77.0.0/16\n" + rest + "    expires: 2999-12-31\n"
                         "  - id: f-0000000000000000\n" + rest + "    expires: 2999-12-31\n");
    const auto r = run_binary({"demo", "-q", "--waivers", w, "-o", report});
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("waiver " + w + ":2 (check cred.*) expired on 2000-01-01") != std::string::npos);
    CHECK(r.err.find("waiver " + w + ":11 (f-0000000000000000) matched no failure") != std::string::npos);
    const auto j = read_json(report);
    std::set<std::string> failed, waived;
    for (const auto& res : j["devices"][0]["results"]) {
      if (res["status"] == "fail") {
        failed.insert(res["check"].get<std::string>());
        CHECK(res["waiver"]["expired"] == true);
      }
      if (res["status"] == "waived") waived.insert(res["check"].get<std::string>());
    }
    CHECK(failed == std::set<std::string>{"cred.default.http", "cred.default.telnet", "cred.transport.cleartext"});
    CHECK(waived.count("svc.telnet"));
    CHECK(waived.count("tls.protocol.legacy"));
    REQUIRE(j["waivers"].size() == 3);
    CHECK(j["waivers"][0]["state"] == "expired");
    CHECK(j["waivers"][1]["state"] == "applied");
    CHECK(j["waivers"][2]["state"] == "unused");
    std::remove(w.c_str());
  }
  SUBCASE("every failure waived: exit 0, the failures still in the report") {
    const auto w = write("waivers:\n  - check: '*'\n" + rest + "    expires: 2999-12-31\n");
    const auto r = run_binary({"demo", "-q", "--waivers", w, "-o", report});
    CHECK(r.exit_code == 0);
    CHECK(r.err.empty());
    const auto j = read_json(report);
    int waived = 0;
    for (const auto& res : j["devices"][0]["results"]) {
      CHECK(res["status"] != "fail");
      waived += res["status"] == "waived";
    }
    CHECK(waived >= 13);
    CHECK(j["devices"][0]["score"]["counts"]["waived"] == waived);
    std::remove(w.c_str());
  }
  SUBCASE("a broken waiver file: one line, exit 2, nothing scanned or written") {
    const auto w = write("waivers:\n  - check: svc.telent\n" + rest + "    expires: 2999-12-31\n");
    const auto r = run_binary({"demo", "--waivers", w, "-o", report});
    CHECK(r.exit_code == kExitUsage);
    CHECK(r.err == "trustscan: error: " + w + ":2: 'svc.telent' matches no check this run can report (trustscan checks list)\n");
    CHECK(r.out.empty());
    CHECK_FALSE(std::ifstream(report).good());
    std::remove(w.c_str());
  }
  std::remove(report.c_str());
}

TEST_CASE("every report carries a manifest: command, build, libraries, and the SHA-256 of each file used") {
  const auto file_sha256 = [](const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return sha256_hex(text.str());
  };
  const auto find = [](const nlohmann::json& m, const std::string& role, const std::string& name) {
    for (const auto& f : m["files"])
      if (f["role"] == role && f["name"] == name) return f;
    FAIL("no " << role << " " << name << " in the manifest");
    return nlohmann::json();
  };
  const auto declaration = testsupport::write_temp("device: {vendor: Acme, model: C1}\nservices: []\n", ".yaml");
  const auto waivers = testsupport::write_temp(
      "waivers:\n  - check: svc.telnet\n    justification: j\n    owner: o\n    expires: 2999-01-01\n", ".yaml");
  const auto report = temp_path(".json");
  const auto r = cli({"scan", "127.0.0.1", "-p", "1", "--no-discovery", "-q", "--declaration", declaration, "--waivers",
                      waivers, "-o", report});
  REQUIRE_MESSAGE(r.code == 0, r.err);
  const auto m = read_json(report)["manifest"];
  CHECK(m["command"] == nlohmann::json::array({"trustscan", "scan", "127.0.0.1", "-p", "1", "--no-discovery", "-q",
                                                "--declaration", declaration, "--waivers", waivers, "-o", report}));
  const auto build = m["build"].get<std::string>();
  CHECK((build.find("optimised") != std::string::npos || build.find("assertions on") != std::string::npos));
  CHECK(m["libraries"]["openssl"].get<std::string>().starts_with("OpenSSL 3"));
  CHECK(m["libraries"]["libpcap"].get<std::string>().starts_with("libpcap version"));
  // The commit of the source tree the binary was built from (asked of git at every build): a
  // commit of that checkout, HEAD or before (one made after the build is not in the binary);
  // "unknown" only for a source tree that is no checkout of its own (a tarball: no .git).
  const auto commit = m["source_commit"].get<std::string>();
  CHECK(std::regex_match(commit, std::regex("([0-9a-f]{40}|[0-9a-f]{64})(-dirty)?|unknown")));
  if (commit == "unknown")
    CHECK_FALSE(std::filesystem::exists(TRUSTSCAN_SOURCE_DIR "/.git"));
  else
    CHECK_MESSAGE(std::system(("git -c safe.directory='*' -C '" TRUSTSCAN_SOURCE_DIR "' merge-base --is-ancestor " + commit.substr(0, commit.find('-')) +
                               " HEAD")
                                  .c_str()) == 0,
                  commit);
  CHECK(m["source_addresses"] == nlohmann::json::array({"127.0.0.1"}));
  // The files as given, and the embedded data as in the source tree.
  CHECK(find(m, "declaration", declaration)["sha256"] == file_sha256(declaration));
  CHECK(find(m, "waivers", waivers)["sha256"] == file_sha256(waivers));
  CHECK(find(m, "profile", "builtin:profiles/ir8425-consumer.yaml")["sha256"] ==
        file_sha256(TRUSTSCAN_SOURCE_DIR "/profiles/ir8425-consumer.yaml"));
  for (const char* data : {"profiles/data/services.yaml", "profiles/credentials/defaults.yaml",
                           "profiles/checks/catalog.yaml"}) {
    const auto f = find(m, "data", std::string("builtin:") + data);
    CHECK(f["sha256"] == file_sha256(std::string(TRUSTSCAN_SOURCE_DIR "/") + data));
    CHECK(f["bytes"] == std::filesystem::file_size(std::string(TRUSTSCAN_SOURCE_DIR "/") + data));
  }
  for (const auto* p : {&declaration, &waivers, &report}) std::remove(p->c_str());
}

TEST_CASE("finding ids are the same in two scans that visit the ports in a different order") {
  Listener a, b, c;
  const auto spec = std::to_string(a.port()) + "," + std::to_string(b.port()) + "," + std::to_string(c.port()) + "," +
                    std::to_string(testsupport::closed_port());
  std::map<std::string, std::string> ids[2];
  for (int run = 0; run < 2; ++run) {
    const auto path = temp_path(".json");
    // Different seeds: a different port order (the plan is shuffled by --seed).
    const auto r = cli({"scan", "127.0.0.1", "-p", spec, "--seed", run == 0 ? "1" : "987654321", "--no-discovery", "-q",
                        "-o", path});
    REQUIRE_MESSAGE((r.code == 0 || r.code == 1), r.err);
    const auto report = read_json(path);  // kept: a range-for over a temporary's member dangles
    for (const auto& res : report["devices"][0]["results"])
      ids[run][res["id"].get<std::string>()] =
          res["check"].get<std::string>() + (res.contains("port") ? " " + std::to_string(res["port"].get<int>()) : "");
    std::remove(path.c_str());
  }
  CHECK(ids[0].size() > 10);
  CHECK(ids[0] == ids[1]);
}
