// trustscan — entry point.
#include "scanner/cli/cli.hpp"

#include <iostream>

int main(int argc, char** argv) { return trustscan::run_cli(argc, argv, std::cout, std::cerr); }
