// svc.debug and svc.remote_desktop can fail: the services they look for are identified — real
// daemons where Debian has one (gdbserver, xrdp), an emulation from the protocol's own
// description where it has none (adbd is not packaged for Debian 12).
#include "scanner/config/service_table.hpp"
#include "scanner/pipeline/probe_runner.hpp"
#include "trustscan/check.hpp"

#include "../support/cli.hpp"
#include "../support/device.hpp"
#include "../support/files.hpp"
#include "../support/process.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <string>

using namespace trustscan;
using namespace std::chrono_literals;

namespace {

// The findings of `check` in a JSON report.
std::vector<nlohmann::json> findings_of(const std::string& report_path, const std::string& check) {
  const auto j = nlohmann::json::parse(testsupport::read_text(report_path));
  std::vector<nlohmann::json> out;
  for (const auto& f : j["devices"][0]["results"])
    if (f["check"] == check) out.push_back(f);
  return out;
}

}  // namespace

TEST_CASE("svc.remote_desktop fails on a real RDP server (xrdp)") {
  const auto port = testsupport::closed_port();
  const auto log = testsupport::temp_path(".log");
  testsupport::Process xrdp({"xrdp", "--nodaemon", "--port", std::to_string(port)}, log);
  REQUIRE_MESSAGE(testsupport::wait_for_listener(port, 5s), "xrdp did not start: " << testsupport::read_text(log));
  const auto path = testsupport::temp_path(".json");
  const auto r = testsupport::cli({"scan", "127.0.0.1", "-p", std::to_string(port), "-q", "--no-creds", "-o", path});
  CHECK(r.code == kExitFailed);
  const auto rd = findings_of(path, "svc.remote_desktop");
  REQUIRE(rd.size() == 1);
  CHECK(rd[0]["status"] == "fail");
  CHECK(rd[0]["summary"].get<std::string>().find("rdp") != std::string::npos);
  std::remove(path.c_str());
  std::remove(log.c_str());
}

TEST_CASE("svc.debug fails on an ADB daemon (emulated: CNXN answered with AUTH, as adbd asks for a key)") {
  testsupport::Device adbd([](int fd) {
    char buf[256];
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 3000) <= 0) return;
    const auto n = ::recv(fd, buf, sizeof buf, 0);
    if (n < 24 || std::string_view(buf, 4) != "CNXN") return;  // only ADB gets an answer
    // AUTH TOKEN(1), 20 random bytes of token: header (24 bytes) then the payload.
    const std::string reply = std::string("AUTH\x01\x00\x00\x00\x00\x00\x00\x00\x14\x00\x00\x00\x00\x00\x00\x00\xbe\xaa\xab\xb7", 24) +
                              std::string(20, '\x5a');
    ::send(fd, reply.data(), reply.size(), MSG_NOSIGNAL);
    ::poll(&p, 1, 1000);
  });
  const auto path = testsupport::temp_path(".json");
  const auto r = testsupport::cli({"scan", "127.0.0.1", "-p", std::to_string(adbd.port()), "-q", "--no-creds", "-o", path});
  CHECK(r.code == kExitFailed);
  const auto dbg = findings_of(path, "svc.debug");
  REQUIRE(dbg.size() == 1);
  CHECK(dbg[0]["status"] == "fail");
  CHECK(dbg[0]["summary"].get<std::string>().find("adb") != std::string::npos);
  std::remove(path.c_str());
}

TEST_CASE("a real gdbserver is identified on its first connection") {
  // gdbserver serves exactly one connection: after it ends, the port stays closed (seen with
  // gdbserver 13.1 --multi). A full scan's port-scan connection would use it up, so this test
  // runs identification directly, as on a port the scan found open; the gdb-rsp hello, which
  // names port 2345, goes first there.
  const Endpoint ep{*Address::parse("127.0.0.3"), Transport::tcp, 2345};
  const auto log = testsupport::temp_path(".log");
  testsupport::Process gdb({"gdbserver", "--multi", "127.0.0.3:2345"}, log);
  // Wait for "Listening on port" without connecting (a connection would use the session up).
  for (int i = 0; i < 100 && testsupport::read_text(log).find("Listening on port") == std::string::npos; ++i)
    std::this_thread::sleep_for(50ms);
  REQUIRE_MESSAGE(testsupport::read_text(log).find("Listening on port 2345") != std::string::npos, testsupport::read_text(log));
  std::vector<DeviceReport> devices(1);
  auto& facts = devices[0].facts;
  facts.target.address = ep.address;
  PortResult p;
  p.endpoint = ep;
  p.state = PortState::open;
  facts.ports.push_back(p);
  ProbeOptions options;
  net::io_context io(1);
  bool stop = false;
  net::co_spawn(io, probe_devices(devices, options, builtin_service_table(), stop), [](std::exception_ptr e) { REQUIRE_FALSE(e); });
  io.run();
  CHECK(facts.value_at(ep, "service.name") == "gdbserver");
  facts.scan_complete = true;
  std::vector<Finding> out;
  for (const auto& c : builtin_checks())
    if (c->id() == "svc.debug") evaluate_contained(*c, facts, out);
  REQUIRE(out.size() == 1);
  CHECK(out[0].status == CheckStatus::fail);
  std::remove(log.c_str());
}
