// assess: reports from several vantages merged into one scored assessment; bad reports are one
// clear error (exit 2).
#include "scanner/report/assess.hpp"
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
  json r = {{"check", check}, {"status", status}, {"severity", "high"}, {"outcomes", {"IR8425:DP.3"}},
            {"summary", std::string(check) + " " + status}, {"evidence", json::array()}};
  if (port) r["transport"] = "tcp", r["port"] = port;
  if (std::string(status) == "not_tested") r["reason"] = "out_of_vantage";
  return r;
}

std::string report(const char* vantage, json results, json services = json::array()) {
  return json{{"schema", "trustscan.report/1"},
              {"tool", {{"name", "trustscan"}, {"version", "0.1.0"}}},
              {"mode", std::string(vantage) == "pcap" ? "replay" : "scan"},
              {"vantage", vantage},
              {"started_at", "2026-11-25T10:00:00Z"},
              {"finished_at", "2026-11-25T10:00:07Z"},
              {"complete", true},
              {"profile", {{"id", "ir8425-consumer"}, {"version", "1"}, {"title", "t"}}},
              {"devices",
               {{{"address", "198.18.0.10"},
                 {"services", services},
                 {"results", results},
                 {"observations", {{{"key", "client.tls.sni"}, {"value", "fw.example.test"}, {"source", "pcap"}}}}}}}}
      .dump();
}

}  // namespace

TEST_CASE("assess: a LAN scan and a capture complete each other instead of leaving each other not_tested") {
  const auto lan = write_temp(report("lan",
                                     {result("tls.protocol.legacy", "pass", 443), result("cred.transport.cleartext", "not_tested")},
                                     {{{"transport", "tcp"}, {"port", 443}, {"state", "open"}, {"service", "https"}}}));
  const auto pcap = write_temp(report("pcap", {result("tls.protocol.legacy", "not_tested"), result("cred.transport.cleartext", "fail")}));
  const auto merged_path = write_temp("") + ".json";
  const auto r = cli({"assess", lan, pcap, "-o", merged_path, "-q"});
  CHECK(r.err.empty());
  CHECK(r.code == kExitFailed);  // cred.transport.cleartext failed in the capture
  std::ifstream in(merged_path);
  const auto j = json::parse(in);
  CHECK(j["mode"] == "assess");
  CHECK(j["vantage"] == "lan+pcap");
  CHECK(j["inputs"] == json::array({lan, pcap}));
  REQUIRE(j["devices"].size() == 1);
  const auto& d = j["devices"][0];
  std::map<std::string, std::string> status;
  for (const auto& res : d["results"]) {
    CHECK(!status.count(res["check"]));  // the not_tested half of each pair was dropped
    status[res["check"]] = res["status"];
    CHECK(res.contains("vantage"));
  }
  CHECK(status["tls.protocol.legacy"] == "pass");
  CHECK(status["cred.transport.cleartext"] == "fail");
  CHECK(d["services"][0]["state"] == "open");
  CHECK(d["observations"].size() == 2);
  bool dp3_failed = false;
  for (const auto& o : d["outcomes"])
    if (o["id"] == "IR8425:DP.3") dp3_failed = o["status"] == "fail";
  CHECK(dp3_failed);
  CHECK(d["score"]["verdict"] == "non-conformant");
  for (const auto& f : {lan, pcap, merged_path}) std::remove(f.c_str());
}

TEST_CASE("assess: a check that could not run anywhere stays not_tested, a partial run keeps its gaps") {
  const auto a = write_temp(report("lan", {result("tls.protocol.legacy", "pass", 443), result("tls.protocol.legacy", "not_tested", 8443),
                                           result("svc.telnet", "not_tested")}));
  const auto b = write_temp(report("wan", {result("svc.telnet", "not_tested")}));
  std::vector<Report> in = {read_report_file(a), read_report_file(b)};
  const auto m = merge_reports(in);
  REQUIRE(m.devices.size() == 1);
  int legacy = 0, telnet = 0;
  for (const auto& f : m.devices[0].results) {
    legacy += f.check == "tls.protocol.legacy";
    telnet += f.check == "svc.telnet";
  }
  CHECK(legacy == 2);  // the 8443 gap of the same report is not hidden by its 443 pass
  CHECK(telnet == 2);
  std::remove(a.c_str());
  std::remove(b.c_str());
}

TEST_CASE("assess: anything but a trustscan report is one clear error, exit 2") {
  const auto garbage = write_temp("{not json");
  const auto other = write_temp(R"({"schema": "something-else/1", "devices": []})");
  const auto bad_status = write_temp(report("lan", {result("svc.telnet", "maybe")}));
  // Found by fuzz_yaml_inputs: a service without a port was read through an empty optional.
  const auto no_port = write_temp(report("lan", json::array(), {{{"transport", "tcp"}, {"state", "open"}}}));
  for (const auto& f : {garbage, other, bad_status, no_port}) {
    const auto r = cli({"assess", f});
    CAPTURE(r.err);
    CHECK(r.code == kExitUsage);
    CHECK(r.err.starts_with("trustscan: error: " + f + ": "));
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
    std::remove(f.c_str());
  }
  const auto r = cli({"assess", "/nonexistent/report.json"});
  CHECK(r.code == kExitUsage);
}
