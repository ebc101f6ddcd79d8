// The defaults that ship (issue 15): the credential list gives Telnet and SSH the pairs of the
// public Mirai list after the general ones, each surface within its own budget, --creds-max sets
// every budget, and a pass names what was tried. The device: real busybox telnetd whose login
// program accepts root/xc3511, the pair XiongMai-based cameras shipped (and Mirai tried first);
// the general list of six misses it.
#include "scanner/credentials/credential_list.hpp"
#include "trustscan/check.hpp"
#include "trustscan/profile.hpp"

#include "../support/cli.hpp"
#include "../support/files.hpp"
#include "../support/process.hpp"
#include "../support/sockets.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <sys/stat.h>

#include <algorithm>
#include <fstream>
#include <string>

using namespace trustscan;
using namespace std::chrono_literals;

namespace {

bool has(const std::vector<CredentialPair>& list, const std::string& user, const std::string& password) {
  return std::any_of(list.begin(), list.end(), [&](const CredentialPair& p) { return p.user == user && p.password == password; });
}

// The finding of `check` in a JSON report (null when absent).
nlohmann::json finding(const std::string& report_path, const std::string& check) {
  const auto j = nlohmann::json::parse(testsupport::read_text(report_path));
  for (const auto& f : j["devices"][0]["results"])
    if (f["check"] == check) return f;
  return nullptr;
}

// A camera's login program for busybox telnetd -l: a prompt, root/xc3511 gets a shell prompt,
// anything else "Login incorrect". Nothing typed is run: only compared and printed.
void write_camera_login(const std::string& path) {
  std::ofstream f(path);
  f << "#!/bin/sh\n"
       "printf 'IPCamera login: '\nIFS= read -r user || exit 0\nuser=$(printf '%s' \"$user\" | tr -d '\\r')\n"
       "printf 'Password: '\nIFS= read -r pass || exit 0\npass=$(printf '%s' \"$pass\" | tr -d '\\r')\n"
       "if [ \"$user\" = root ] && [ \"$pass\" = xc3511 ]; then\n"
       "  printf '\\n\\nBusyBox v1.20.2 (2016-05-04 11:41:05 CST) built-in shell (ash)\\n# '\n"
       "  while IFS= read -r line; do printf '# '; done\n"
       "else\n  printf '\\nLogin incorrect\\n'\nfi\n";
  f.close();
  ::chmod(path.c_str(), 0755);
}

}  // namespace

TEST_CASE("credential lists: Telnet and SSH get the Mirai pairs after the general ones, each within its budget") {
  const auto& creds = builtin_credentials();
  const auto telnet = pairs_for(creds, "telnet");
  CHECK(telnet.size() == 40);
  CHECK(telnet.front().user == creds.pairs.front().user);  // the general pairs come first
  CHECK(telnet.front().password == creds.pairs.front().password);
  CHECK(has(telnet, "root", "xc3511"));
  CHECK(has(telnet, "root", "vizxv"));
  const auto ssh = pairs_for(creds, "ssh");
  CHECK(ssh.size() == 20);
  CHECK(has(ssh, "root", "xc3511"));
  const auto http = pairs_for(creds, "http");
  CHECK(http.size() == creds.max_attempts);
  CHECK_FALSE(has(http, "root", "xc3511"));
  for (std::size_t i = 0; i < telnet.size(); ++i)  // each pair once, though the lists overlap
    for (std::size_t k = i + 1; k < telnet.size(); ++k)
      CHECK_FALSE((telnet[i].user == telnet[k].user && telnet[i].password == telnet[k].password));

  CredentialPolicy all = creds;
  all.max_override = 100;
  CHECK(pairs_for(all, "telnet").size() > 40);
  CHECK(pairs_for(all, "http").size() == creds.pairs.size());

  CHECK_THROWS_WITH_AS(parse_credentials("pairs: [[a, b]]\nprotocols:\n  gopher:\n    pairs: [[c, d]]\n", "c.yaml"),
                       "c.yaml:3: unknown protocol 'gopher' (one of telnet, ssh, ftp, http, rtsp, mqtt)", ProfileError);
  CHECK_THROWS_WITH_AS(parse_credentials("pairs: [[a, b]]\nprotocols:\n  telnet:\n    max_attempts: 0\n    pairs: [[c, d]]\n",
                                         "c.yaml"),
                       "c.yaml:4: max_attempts must be 1-200", ProfileError);
  CHECK_THROWS_WITH_AS(parse_credentials("pairs: [[a, b]]\nprotocols:\n  telnet: {}\n", "c.yaml"),
                       "c.yaml:3: 'pairs' must be a non-empty list of [user, password]", ProfileError);
}

TEST_CASE("cred.default.telnet: a camera's root/xc3511 on real busybox telnetd is found, six general pairs would pass it") {
  const auto dir = testsupport::temp_path("-camera");
  ::mkdir(dir.c_str(), 0700);
  write_camera_login(dir + "/login.sh");
  const auto port = testsupport::closed_port();
  testsupport::Process telnetd({"busybox", "telnetd", "-F", "-b", "127.0.0.1:" + std::to_string(port), "-l", dir + "/login.sh"},
                               dir + "/telnetd.log");
  REQUIRE_MESSAGE(testsupport::wait_for_listener(port, 5s), "busybox telnetd did not start: " << testsupport::read_text(dir + "/telnetd.log"));

  const auto path = dir + "/report.json";
  auto r = testsupport::cli({"scan", "127.0.0.1", "-p", std::to_string(port), "-q", "-o", path});
  CHECK(r.code == kExitFailed);
  auto f = finding(path, "cred.default.telnet");
  REQUIRE(f.is_object());
  CHECK(f["status"] == "fail");
  bool root_cited = false;
  for (const auto& e : f["evidence"]) root_cited = root_cited || (e.value("username", "") == "root" && e.value("password", "") == "xc3511");
  CHECK(root_cited);

  // The general list alone (--creds-max 6) misses it, and its pass says exactly what was tried.
  r = testsupport::cli({"scan", "127.0.0.1", "-p", std::to_string(port), "-q", "--creds-max", "6", "-o", path});
  f = finding(path, "cred.default.telnet");
  REQUIRE(f.is_object());
  CHECK(f["status"] == "pass");
  const std::string summary = f["summary"];
  CHECK_MESSAGE(summary.find("6 of 6 pairs rejected (6 general from builtin:defaults.yaml)") != std::string::npos, summary);

  r = testsupport::cli({"scan", "127.0.0.1", "-p", std::to_string(port), "--creds-max", "0"});
  CHECK(r.code == kExitUsage);
}

TEST_CASE("credential lists: vendors need a name, match strings of 3-64 bytes, known protocols and pairs") {
  const std::string head = "pairs:\n  - [admin, admin]\nvendors:\n";
  auto error_of = [&](const std::string& body) {
    try {
      (void)parse_credentials(head + body, "v.yaml");
    } catch (const ProfileError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  CHECK(error_of("  - {match: [acme], pairs: [[a, b]]}\n") == "v.yaml:4: a vendor needs a 'name'");
  CHECK(error_of("  - {name: Acme, pairs: [[a, b]]}\n") == "v.yaml:4: vendor 'Acme' needs 'match' (what identification shows of it)");
  CHECK(error_of("  - {name: Acme, match: [ac], pairs: [[a, b]]}\n").starts_with("v.yaml:4: each 'match' entry is a string of 3-64 bytes"));
  CHECK(error_of("  - {name: Acme, match: [acme], protocols: [smtp], pairs: [[a, b]]}\n").starts_with("v.yaml:4: unknown protocol 'smtp'"));
  CHECK(error_of("  - {name: Acme, match: [acme]}\n").find("'pairs' must be a non-empty list") != std::string::npos);
  CHECK(error_of("  - {name: Acme, match: [acme], pairs: [[a, b]], colour: red}\n") == "v.yaml:4: unknown key 'colour'");
  const auto p = parse_credentials(head + "  - {name: Acme, match: [ACME-httpd], protocols: [http], pairs: [[svc, acme1]]}\n", "v.yaml");
  REQUIRE(p.vendors.size() == 1);
  CHECK(p.vendors[0].match == std::vector<std::string>{"acme-httpd"});
  CHECK(p.vendors[0].where == "v.yaml:4");
  const auto plan = plan_pairs(p, "http", {{"telnet.banner", "x"}, {"http.title", "Acme-HTTPD login"}});
  CHECK(plan.pairs.size() == 2);
  CHECK(plan.pairs[1].user == "svc");
  CHECK(plan_pairs(p, "telnet", {{"http.title", "Acme-HTTPD login"}}).pairs.size() == 1);
  // --creds-max caps the vendor's pairs too.
  auto capped = p;
  capped.max_override = 1;
  CHECK(plan_pairs(capped, "http", {{"http.title", "Acme-HTTPD login"}}).pairs.size() == 1);
}
