// trustscan — entry point.
#include "scanner/cli/cli.hpp"
#include "scanner/engine/stop_request.hpp"

#include <iostream>

int main(int argc, char** argv) {
  trustscan::install_stop_recorder();  // before anything slow: Ctrl-C during start-up still gets a report
  return trustscan::run_cli(argc, argv, std::cout, std::cerr);
}
