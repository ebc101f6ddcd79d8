// What speaks inside TLS (issue 15), and CoAP over TCP (RFC 8323), against real daemons on
// loopback: Mosquitto with two TLS listeners (8883, anonymous; an unnamed port, a password file
// holding a default pair), and libcoap's example server (CoAP over UDP and TCP on 5683, over DTLS
// and TLS on 5684). Before, a TLS port only ever had HTTP tried inside it: both MQTT listeners
// were "tls" with no verdict on who may connect, and CoAP over TCP was unnamed.
#include "trustscan/check.hpp"

#include "../support/cli.hpp"
#include "../support/files.hpp"
#include "../support/process.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <string>

using namespace trustscan;
using namespace std::chrono_literals;

namespace {

// A self-signed certificate and key in `dir`, readable by a daemon that drops root (Mosquitto).
void make_cert(const std::string& dir, const std::string& cn) {
  REQUIRE(std::system(("openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj /CN=" + cn + " -keyout " + dir +
                       "/key.pem -out " + dir + "/cert.pem >/dev/null 2>&1 && chmod 644 " + dir + "/key.pem && chmod 755 " + dir)
                          .c_str()) == 0);
}

struct Result {
  std::string status;
  std::string summary;
};

// check → port → result (port 0: a device-level result).
std::map<std::string, std::map<int, Result>> results_of(const nlohmann::json& j) {
  std::map<std::string, std::map<int, Result>> out;
  for (const auto& f : j["devices"][0]["results"])
    out[f["check"].get<std::string>()][f.value("port", 0)] = {f["status"].get<std::string>(), f.value("summary", "")};
  return out;
}

std::map<int, std::string> services_of(const nlohmann::json& j) {
  std::map<int, std::string> out;
  for (const auto& s : j["devices"][0]["services"]) out[s["port"].get<int>()] = s.value("service", "");
  return out;
}

}  // namespace

TEST_CASE("Inside TLS: real Mosquitto over TLS on 8883 (anonymous) and on a port no table names (default pair)") {
  constexpr const char* kHost = "127.0.0.31";
  const auto dir = testsupport::temp_path("-mqtts");
  ::mkdir(dir.c_str(), 0755);
  make_cert(dir, "broker.test");
  // The default pair: one from profiles/credentials/defaults.yaml's MQTT list.
  REQUIRE(std::system(("mosquitto_passwd -c -b " + dir + "/pw admin admin >/dev/null 2>&1 && chmod 644 " + dir + "/pw").c_str()) == 0);
  {
    std::ofstream conf(dir + "/mosquitto.conf");
    conf << "per_listener_settings true\n"
         << "listener 8883 " << kHost << "\nallow_anonymous true\ncertfile " << dir << "/cert.pem\nkeyfile " << dir << "/key.pem\n"
         << "listener 18884 " << kHost << "\nallow_anonymous false\npassword_file " << dir << "/pw\ncertfile " << dir
         << "/cert.pem\nkeyfile " << dir << "/key.pem\n";
  }
  testsupport::Process broker({"mosquitto", "-c", dir + "/mosquitto.conf"}, dir + "/mosquitto.log");
  for (const int port : {8883, 18884})
    REQUIRE_MESSAGE(testsupport::wait_for_listener_at(kHost, static_cast<std::uint16_t>(port), 5s),
                    "mosquitto did not start: " << testsupport::read_text(dir + "/mosquitto.log"));

  const auto path = dir + "/report.json";
  const auto r = testsupport::cli({"scan", kHost, "-p", "T:8883,18884", "-q", "-o", path});
  CHECK(r.code == kExitFailed);
  const auto j = nlohmann::json::parse(testsupport::read_text(path));
  const auto service = services_of(j);
  CHECK(service.at(8883) == "mqtts");
  CHECK(service.at(18884) == "mqtts");
  auto res = results_of(j);
  // Who may connect is judged inside TLS as in the clear…
  CHECK(res["svc.mqtt.anonymous"][8883].status == "fail");
  CHECK(res["svc.mqtt.anonymous"][18884].status == "pass");
  CHECK(res["cred.default.mqtt"][18884].status == "fail");
  CHECK(res["cred.default.mqtt"][18884].summary.find("admin/") != std::string::npos);
  // …the transport is not cleartext…
  CHECK(res["svc.mqtt.cleartext"][0].status == "pass");
  CHECK(res["cred.transport.cleartext"].count(8883) == 0);
  CHECK(res["cred.transport.cleartext"].count(18884) == 0);
  // …and the TLS checks judged both listeners.
  for (const int port : {8883, 18884}) {
    CAPTURE(port);
    CHECK(res["tls.protocol.legacy"][port].status == "pass");
    CHECK(res["tls.cert.quality"][port].status != "");
  }
}

TEST_CASE("CoAP over TCP and TLS (RFC 8323): real libcoap coap-server, 5683/tcp in the clear, 5684/tcp inside TLS") {
  constexpr const char* kHost = "127.0.0.32";
  const auto dir = testsupport::temp_path("-coap");
  ::mkdir(dir.c_str(), 0755);
  make_cert(dir, "sensor.test");
  testsupport::Process coap({"coap-server-openssl", "-A", kHost, "-c", dir + "/cert.pem", "-j", dir + "/key.pem", "-v", "3"},
                            dir + "/coap.log");
  for (const int port : {5683, 5684})
    REQUIRE_MESSAGE(testsupport::wait_for_listener_at(kHost, static_cast<std::uint16_t>(port), 5s),
                    "coap-server did not start: " << testsupport::read_text(dir + "/coap.log"));

  const auto path = dir + "/report.json";
  const auto r = testsupport::cli({"scan", kHost, "-p", "T:5683,5684,U:5683", "-q", "--no-creds", "-o", path});
  CHECK(r.code == kExitFailed);
  const auto j = nlohmann::json::parse(testsupport::read_text(path));
  std::map<std::pair<std::string, int>, std::string> service;
  for (const auto& s : j["devices"][0]["services"])
    service[{s["transport"].get<std::string>(), s["port"].get<int>()}] = s.value("service", "");
  CHECK(service[{"tcp", 5683}] == "coap");
  CHECK(service[{"tcp", 5684}] == "coaps");
  CHECK(service[{"udp", 5683}] == "coap");
  // The resources were read over TCP and inside TLS alike.
  std::map<int, std::string> resources;
  for (const auto& o : j["devices"][0]["observations"])
    if (o["key"] == "coap.resources" && o.value("transport", "") == "tcp") resources[o["port"].get<int>()] = o["value"].dump();
  CHECK(resources[5683].find("/time") != std::string::npos);
  CHECK(resources[5684].find("/time") != std::string::npos);

  // Resources without a secure channel fail on UDP (no DTLS) and on TCP (no TLS); the TLS
  // endpoint is judged by the TLS checks instead.
  std::map<std::string, std::string> coap_unauth;
  for (const auto& f : j["devices"][0]["results"])
    if (f["check"] == "svc.coap.unauth") coap_unauth[f.value("transport", "") + "/" + std::to_string(f.value("port", 0))] = f["summary"];
  REQUIRE(coap_unauth.count("tcp/5683") == 1);
  CHECK(coap_unauth["tcp/5683"].find("without TLS") != std::string::npos);
  REQUIRE(coap_unauth.count("udp/5683") == 1);
  CHECK(coap_unauth["udp/5683"].find("without DTLS") != std::string::npos);
  CHECK(coap_unauth.count("tcp/5684") == 0);
  auto res = results_of(j);
  CHECK(res["tls.protocol.modern"][5684].status == "pass");
}
