// Test helper: run a scan that writes its JSON report to a file, then read the first device's
// observations and results by port (the tests against real TLS and DTLS servers on loopback).
#pragma once

#include "cli.hpp"
#include "files.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <map>
#include <string>
#include <vector>

namespace testsupport {

struct PortReport {
  std::map<int, std::map<std::string, nlohmann::json>> facts;    // port -> key -> value
  std::map<int, std::map<std::string, nlohmann::json>> results;  // port -> check -> result
};

/// Runs `trustscan <args>` (the args name the report: `-o path`), requires exit 0 or 1 (1: some
/// check failed), and reads the report at `path`.
inline PortReport scan_by_port(const std::vector<std::string>& args, const std::string& path) {
  const auto run = cli(args);
  REQUIRE_MESSAGE((run.code == 0 || run.code == 1), run.err);
  PortReport s;
  const auto j = nlohmann::json::parse(read_text(path));
  for (const auto& o : j["devices"][0]["observations"])
    if (o.contains("port")) s.facts[o["port"].get<int>()][o["key"].get<std::string>()] = o["value"];
  for (const auto& r : j["devices"][0]["results"])
    if (r.contains("port")) s.results[r["port"].get<int>()][r["check"].get<std::string>()] = r;
  return s;
}

}  // namespace testsupport
