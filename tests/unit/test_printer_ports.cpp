// Device safety (issue 16): a raw printer port prints whatever it is sent, so identification
// sends printer ports nothing unless --probe-printers; the report says so, and no check treats
// the port as identified.
#include "scanner/engine/plan.hpp"

#include "../support/cli.hpp"
#include "../support/device.hpp"
#include "../support/files.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <poll.h>
#include <sys/socket.h>

#include <atomic>
#include <string>

using namespace trustscan;

namespace {

// A JetDirect-like port: it "prints" (counts) every byte it is sent.
struct RawPrinter {
  std::atomic<long> printed{0};
  testsupport::Device device{[this](int fd) {
                               char buf[4096];
                               pollfd p{fd, POLLIN, 0};
                               while (::poll(&p, 1, 1500) > 0) {
                                 const auto n = ::recv(fd, buf, sizeof buf, 0);
                                 if (n <= 0) return;
                                 printed += n;
                               }
                             },
                             "127.0.0.9", 9100};
};

}  // namespace

TEST_CASE("printer ports are the raw, LPD and IPP ports, TCP only") {
  const auto tcp = [](int port) { return Endpoint{*Address::parse("127.0.0.1"), Transport::tcp, static_cast<std::uint16_t>(port)}; };
  for (int p : {9100, 9103, 9107, 515, 631}) CHECK(is_printer_port(tcp(p)));
  for (int p : {9099, 9108, 80, 516}) CHECK_FALSE(is_printer_port(tcp(p)));
  CHECK_FALSE(is_printer_port(Endpoint{*Address::parse("127.0.0.1"), Transport::udp, 631}));
}

TEST_CASE("a raw printer port is sent nothing unless --probe-printers") {
  RawPrinter printer;
  const auto path = testsupport::temp_path(".json");

  SUBCASE("by default: open, held, unidentified, and the report says why") {
    const auto r = testsupport::cli({"scan", "127.0.0.9", "-p", "9100", "-q", "--no-creds", "-o", path});
    CHECK((r.code == 0 || r.code == 1));
    CHECK(printer.printed == 0);
    const auto j = nlohmann::json::parse(testsupport::read_text(path));
    const auto& d = j["devices"][0];
    REQUIRE(d["services"].size() == 1);
    CHECK(d["services"][0]["state"] == "open");
    CHECK_FALSE(d["services"][0].contains("service"));
    bool held = false;
    for (const auto& o : d["observations"]) held = held || (o["key"] == "service.held" && o["port"] == 9100);
    CHECK(held);
    bool explained = false;
    for (const auto& f : d["results"])
      explained = explained || (f["status"] == "not_tested" &&
                                f["summary"].get<std::string>().find("--probe-printers") != std::string::npos);
    CHECK(explained);
    CHECK(j["manifest"]["safety"]["classes"] == nlohmann::json::array({"safe"}));
    CHECK(j["manifest"]["safety"]["actions"].empty());
  }
  SUBCASE("--safety intrusive: the hellos are sent, and the manifest says which actions were allowed") {
    const auto r = testsupport::cli({"scan", "127.0.0.9", "-p", "9100", "-q", "--no-creds", "--safety", "safe,intrusive", "-o", path});
    CHECK((r.code == 0 || r.code == 1));
    CHECK(printer.printed > 0);
    const auto j = nlohmann::json::parse(testsupport::read_text(path));
    CHECK(j["manifest"]["safety"]["classes"] == nlohmann::json::array({"safe", "intrusive"}));
    CHECK(j["manifest"]["safety"]["actions"] == nlohmann::json::array({"printer.hello", "snmp.write", "tls.heartbleed",
                                                                       "tls.ccs_injection", "tls.robot", "tls.renegotiation",
                                                                       "ssh.gex"}));
  }
  SUBCASE("--allow printer.hello: that action alone") {
    const auto r = testsupport::cli({"scan", "127.0.0.9", "-p", "9100", "-q", "--no-creds", "--allow", "printer.hello", "-o", path});
    CHECK((r.code == 0 || r.code == 1));
    CHECK(printer.printed > 0);
    const auto j = nlohmann::json::parse(testsupport::read_text(path));
    CHECK(j["manifest"]["safety"]["actions"] == nlohmann::json::array({"printer.hello"}));
  }
  SUBCASE("--probe-printers: the hellos are sent (and printed)") {
    const auto r = testsupport::cli({"scan", "127.0.0.9", "-p", "9100", "-q", "--no-creds", "--probe-printers", "-o", path});
    CHECK((r.code == 0 || r.code == 1));
    CHECK(printer.printed > 0);
  }
  std::remove(path.c_str());
}
