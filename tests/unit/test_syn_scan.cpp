// The SYN scan (`--syn`, scanner/engine/syn_scan.hpp) on loopback: open, closed and filtered
// ports read from raw answers, no connection ever completed (the listener accepts nothing, where
// the connect scan's attempt is accepted), and without CAP_NET_RAW a notice and the connect scan.
// Needs root (CI runs the suite as root; said so when skipped).
#include "scanner/cli/cli.hpp"
#include "../support/cli.hpp"
#include "../support/files.hpp"
#include "../support/sockets.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <fstream>
#include <map>
#include <thread>

#include <sys/wait.h>
#include <unistd.h>

using namespace trustscan;
using testsupport::cli;
using testsupport::Listener;

namespace {

// Port -> state of every port the report lists (open and closed are listed here: few ports).
std::map<int, std::string> syn_states(const std::string& report) {
  std::ifstream in(report);
  const auto j = nlohmann::json::parse(in);
  std::map<int, std::string> states;
  for (const auto& s : j["devices"][0]["services"]) states[s["port"].get<int>()] = s["state"].get<std::string>();
  return states;
}

}  // namespace

TEST_CASE("scan --syn: open, closed and filtered on loopback, and no connection completed") {
  if (::geteuid() != 0) {
    MESSAGE("skipped: the SYN scan needs root or CAP_NET_RAW (CI runs the suite as root)");
    return;
  }
  Listener open_port;                    // accepts and counts connections
  Listener full(false, 0);               // backlog 0, queue filled: SYNs dropped = filtered
  const auto fillers = testsupport::fill_backlog(full.port());
  const std::uint16_t closed = testsupport::closed_port();
  const std::string ports = std::to_string(open_port.port()) + "," + std::to_string(closed) + "," + std::to_string(full.port());
  const std::string out = testsupport::temp_path(".json");
  const auto r = cli({"scan", "127.0.0.1", "-p", ports, "--syn", "--no-probes", "--timeout", "300", "-o", out});
  CHECK(r.err.empty());
  CHECK(r.out.find("3 endpoint(s) (3 by the SYN scan)") != std::string::npos);
  const auto states = syn_states(out);
  CHECK(states.at(open_port.port()) == "open");
  CHECK(states.at(closed) == "closed");
  CHECK(states.at(full.port()) == "filtered");
  // Half-open: the SYN-ACK got a RST, so the listener never had a connection to accept.
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  CHECK(open_port.accepted() == 0);
  // The connect scan of the same port completes a handshake: the test can tell the two apart.
  const auto c = cli({"scan", "127.0.0.1", "-p", std::to_string(open_port.port()), "--no-probes", "-q"});
  CHECK(c.code == kExitOk);
  for (int i = 0; i < 40 && open_port.accepted() == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(25));
  CHECK(open_port.accepted() == 1);
  for (int fd : fillers) ::close(fd);
  std::remove(out.c_str());
}

TEST_CASE("scan --syn without CAP_NET_RAW: one notice line, then the connect scan finds the same port") {
  if (::geteuid() != 0) {
    MESSAGE("skipped: dropping to an unprivileged user needs root (CI runs the suite as root)");
    return;
  }
  Listener open_port;
  const std::string out = testsupport::temp_path(".json"), err = testsupport::temp_path(".err");
  // setpriv (util-linux) drops to nobody: a change of uid from 0 clears every capability.
  const std::string cmd = std::string("setpriv --reuid=65534 --regid=65534 --clear-groups ") + TRUSTSCAN_BINARY +
                          " scan 127.0.0.1 -p " + std::to_string(open_port.port()) + " --syn --no-probes -q -o " + out +
                          " 2>" + err;
  const int status = std::system(cmd.c_str());
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == kExitOk);
  const std::string notice = testsupport::read_text(err);
  CHECK(notice ==
        "trustscan: notice: --syn: a raw socket needs CAP_NET_RAW (run as root, or setcap cap_net_raw+ep); running "
        "the connect scan\n");
  CHECK(syn_states(out).at(open_port.port()) == "open");
  CHECK(open_port.accepted() >= 1);  // the connect scan's handshake
  std::remove(out.c_str());
  std::remove(err.c_str());
}
