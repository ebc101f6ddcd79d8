// Test helper: run the command line in-process (run_cli) and capture its exit code and output.
#pragma once

#include "scanner/cli/cli.hpp"  // not "cli.hpp": that would find this file

#include <sstream>
#include <string>
#include <vector>

namespace testsupport {

struct CliRun {
  int code = -1;
  std::string out;
  std::string err;
};

/// `cli({"scan", "127.0.0.1"})` runs `trustscan scan 127.0.0.1`.
inline CliRun cli(std::vector<std::string> args) {
  args.insert(args.begin(), "trustscan");
  std::vector<const char*> argv;
  for (const auto& a : args) argv.push_back(a.c_str());
  std::ostringstream out, err;
  CliRun r;
  r.code = trustscan::run_cli(static_cast<int>(argv.size()), argv.data(), out, err);
  r.out = out.str();
  r.err = err.str();
  return r;
}

}  // namespace testsupport
