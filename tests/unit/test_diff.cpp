// diff: run-to-run changes, regressions first, exit 1 when something got worse.
#include "scanner/cli/cli.hpp"
#include "../support/files.hpp"
#include "../support/cli.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <unistd.h>

#include <fstream>
#include <sstream>

using namespace trustscan;
using testsupport::cli;
using json = nlohmann::json;

namespace {

using testsupport::write_temp;

json result(const char* check, const char* status, int port = 0) {
  json r = {{"check", check}, {"status", status}, {"severity", "high"}, {"outcomes", json::array()},
            {"summary", std::string(check) + " is " + status}, {"evidence", json::array()}};
  if (port) r["transport"] = "tcp", r["port"] = port;
  return r;
}

std::string report(json results, std::vector<int> open_ports, const char* verdict) {
  json services = json::array();
  for (int p : open_ports) services.push_back({{"transport", "tcp"}, {"port", p}, {"state", "open"}});
  return json{{"schema", "trustscan.report/1"},
              {"mode", "scan"},
              {"vantage", "lan"},
              {"started_at", "2026-11-25T10:00:00Z"},
              {"finished_at", "2026-11-25T10:00:07Z"},
              {"complete", true},
              {"profile", {{"id", "ir8425-consumer"}}},
              {"devices",
               {{{"address", "198.18.0.10"}, {"services", services}, {"results", results},
                 {"score", {{"verdict", verdict}, {"grade", "B"}}}}}}}
      .dump();
}

}  // namespace

TEST_CASE("diff: regressions first, then new listeners, then fixes, exit 1") {
  const auto before = write_temp(report({result("tls.protocol.legacy", "pass", 443), result("svc.telnet", "fail", 23),
                                         result("id.model", "info")},
                                        {23, 443}, "incomplete"));
  const auto after = write_temp(report({result("tls.protocol.legacy", "fail", 443), result("svc.telnet", "pass"),
                                        result("id.model", "info")},
                                       {443, 8080}, "non-conformant"));
  auto r = cli({"diff", before, after});
  CHECK(r.code == kExitFailed);
  CHECK(r.err.empty());
  std::istringstream lines(r.out);
  std::vector<std::string> got;
  for (std::string l; std::getline(lines, l);) got.push_back(l);
  REQUIRE(got.size() >= 5);
  CHECK(got[0].starts_with("REGRESSION   198.18.0.10  tls.protocol.legacy 443/tcp: pass -> fail"));
  CHECK(got[1].starts_with("REGRESSION   198.18.0.10  verdict: incomplete B -> non-conformant B"));
  CHECK(got[2].starts_with("PORT_OPENED  198.18.0.10  8080/tcp: not scanned -> open"));
  CHECK(got[3].starts_with("FIXED        198.18.0.10  svc.telnet 23/tcp: fail -> absent"));
  CHECK(r.out.find("id.model") == std::string::npos);  // unchanged results are not listed

  r = cli({"diff", before, before});
  CHECK(r.code == kExitOk);
  CHECK(r.out == "no change\n");

  r = cli({"diff", after, before, "--json"});
  CHECK(r.code == kExitFailed);  // 23/tcp open again is a new listener
  std::istringstream jl(r.out);
  std::string first;
  std::getline(jl, first);
  CHECK(json::parse(first)["kind"] == "regression");

  const auto garbage = write_temp("[]");
  r = cli({"diff", before, garbage});
  CHECK(r.code == kExitUsage);
  CHECK(r.err.starts_with("trustscan: error: " + garbage + ": "));
  for (const auto& f : {before, after, garbage}) std::remove(f.c_str());
}
