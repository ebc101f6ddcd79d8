// The progress line (scanner/engine/progress.hpp): its format, and that `trustscan scan` draws it
// on a terminal only (a pseudo-terminal from util-linux's `script`), erased at the end.
#include "scanner/engine/progress.hpp"

#include "../support/files.hpp"
#include "../support/sockets.hpp"

#include <doctest/doctest.h>

#include <cstdlib>
#include <string>

using namespace trustscan;

TEST_CASE("progress: counts grouped, percent, rate and ETA once a second has passed") {
  CHECK(format_progress(ScanPhase::port_scan, 1, 12345, 65535, 2.0) ==
        "port scan: 12,345/65,535 endpoints (18%), 6,172/s, ETA 9 s");
  CHECK(format_progress(ScanPhase::port_scan, 1, 12345, 65535, 0.5) == "port scan: 12,345/65,535 endpoints (18%)");
  CHECK(format_progress(ScanPhase::port_scan, 1, 0, 65535, 3.0) == "port scan: 0/65,535 endpoints (0%)");
  CHECK(format_progress(ScanPhase::probes, 3, 10, 10, 4.0) == "probes: 10/10 endpoints (100%), 2/s");
  CHECK(format_progress(ScanPhase::probes, 3, 1, 200, 10.0) == "probes: 1/200 endpoints (0%), 0/s, ETA 33 min 10 s");
  CHECK(format_progress(ScanPhase::port_scan, 1, 1, 1'000'000, 10.0) ==
        "port scan: 1/1,000,000 endpoints (0%), 0/s, ETA 2777 h 46 min");
  CHECK(format_progress(ScanPhase::probes, 1, 0, 0, 1.0) == "probes: 0/0 endpoints");
  CHECK(format_progress(ScanPhase::discovery, 1024, 0, 0, 1.0) == "host discovery: 1,024 device(s)");
  CHECK(format_progress(ScanPhase::liveness, 2, 0, 0, 1.0) == "liveness: 2 device(s)");
}

TEST_CASE("progress: drawn on a terminal, erased at the end, never in a pipe or with -q") {
  if (std::system("command -v script >/dev/null 2>&1") != 0) {
    MESSAGE("skipped: util-linux's script is not installed");
    return;
  }
  testsupport::Listener open_port;
  const std::string typescript = testsupport::temp_path(".typescript");
  const std::string base = std::string(TRUSTSCAN_BINARY) + " scan 127.0.0.1 -p 1-3000," +
                           std::to_string(open_port.port()) + " --no-probes";
  // script(1) runs the command on a pseudo-terminal and records what it printed.
  const auto on_tty = [&](const std::string& args) {
    const std::string cmd = "script -qefc '" + base + args + "' " + typescript + " >/dev/null 2>&1";
    REQUIRE(std::system(cmd.c_str()) == 0);
    return testsupport::read_text(typescript);
  };
  const std::string shown = on_tty(" --rate 2000");  // 1.5 s at least: the line is drawn
  CHECK(shown.find("\r\033[Kport scan: ") != std::string::npos);
  CHECK(shown.find(" endpoints (") != std::string::npos);
  CHECK(shown.find("\r\033[K") != std::string::npos);
  CHECK(shown.find("port scan and probes: ") != std::string::npos);  // the summary still follows
  const std::string quiet = on_tty(" --rate 2000 -q");
  CHECK(quiet.find("port scan: ") == std::string::npos);
  // Not a terminal: nothing on stderr.
  const std::string err = testsupport::temp_path(".err");
  REQUIRE(std::system((base + " --rate 2000 >/dev/null 2>" + err).c_str()) == 0);
  CHECK(testsupport::read_text(err).empty());
  std::remove(typescript.c_str());
  std::remove(err.c_str());
}
