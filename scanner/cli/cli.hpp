// trustscan — the command line (INTERFACE.md "Commands", "Exit codes").
#pragma once

#include "scanner/pipeline/pipeline.hpp"

#include <ostream>
#include <string>
#include <vector>

namespace trustscan {

/// Runs trustscan with the given arguments (argv[0] is the program name) and returns the exit
/// code. Never throws; every error becomes one line on `err` and an exit code.
int run_cli(int argc, const char* const* argv, std::ostream& out, std::ostream& err);

}  // namespace trustscan
