// TLS wherever it is (issue 15): a real nginx serving TLS on a port no hello names and on a port
// the plain HTTP hello names (8080), next to plain HTTP on a port no hello names. nginx answers a
// plain request on its TLS ports with "400 The plain HTTP request was sent to HTTPS port"; before
// identification tried TLS first, both TLS ports were reported as cleartext HTTP and failed
// svc.http.cleartext and tls.http.redirect.
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

constexpr const char* kHost = "127.0.0.6";

// nginx in the foreground, one process (ended by its PID), everything under `dir`.
void write_nginx_conf(const std::string& dir) {
  std::ofstream conf(dir + "/nginx.conf");
  conf << "daemon off;\nmaster_process off;\nworker_processes 1;\n"
       << "pid " << dir << "/nginx.pid;\nerror_log " << dir << "/error.log;\n"
       << "events { worker_connections 64; }\n"
       << "http {\n  access_log off;\n"
       << "  client_body_temp_path " << dir << "/body; proxy_temp_path " << dir << "/proxy;\n"
       << "  fastcgi_temp_path " << dir << "/fcgi; uwsgi_temp_path " << dir << "/uwsgi; scgi_temp_path " << dir
       << "/scgi;\n"
       << "  server {\n    listen " << kHost << ":10443 ssl; listen " << kHost << ":8080 ssl;\n"
       << "    ssl_certificate " << dir << "/cert.pem; ssl_certificate_key " << dir << "/key.pem;\n"
       << "    location / { return 200 \"camera\\n\"; }\n  }\n"
       << "  server { listen " << kHost << ":8181; location / { return 200 \"plain\\n\"; } }\n}\n";
}

}  // namespace

TEST_CASE("TLS on any port: real nginx with TLS on 10443 and 8080 is TLS, plain HTTP on 8181 is HTTP") {
  const auto dir = testsupport::temp_path("-nginx");
  ::mkdir(dir.c_str(), 0700);
  REQUIRE(std::system(("openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj /CN=camera.test -keyout " + dir +
                       "/key.pem -out " + dir + "/cert.pem >/dev/null 2>&1")
                          .c_str()) == 0);
  write_nginx_conf(dir);
  testsupport::Process nginx({"nginx", "-p", dir, "-c", dir + "/nginx.conf", "-e", dir + "/error.log"}, dir + "/out.log");
  for (const int port : {10443, 8080, 8181})
    REQUIRE_MESSAGE(testsupport::wait_for_listener_at(kHost, static_cast<std::uint16_t>(port), 5s),
                    "nginx did not start: " << testsupport::read_text(dir + "/error.log"));

  const auto path = dir + "/report.json";
  const auto r = testsupport::cli({"scan", kHost, "-p", "8080,8181,10443", "-q", "--no-creds", "-o", path});
  CHECK(r.code == kExitFailed);  // 8181 serves plain HTTP: that one fails, as it should
  const auto j = nlohmann::json::parse(testsupport::read_text(path));
  std::map<int, std::string> service;
  for (const auto& s : j["devices"][0]["services"]) service[s["port"].get<int>()] = s.value("service", "");
  CHECK(service[10443] == "https");
  CHECK(service[8080] == "https");
  CHECK(service[8181] == "http");

  // The plain-HTTP checks fail only where plain HTTP is; the TLS checks judged both TLS ports
  // (pass or fail, with the port named), and read the certificate nginx sent (self-signed, which
  // tls.cert.quality reports as informational on a LAN device).
  std::set<int> cleartext_ports, tls_judged_ports, cert_read_ports;
  for (const auto& f : j["devices"][0]["results"]) {
    const std::string check = f["check"];
    const int port = f.value("port", 0);
    const std::string status = f["status"];
    if ((check == "svc.http.cleartext" || check == "tls.http.redirect") && status == "fail") cleartext_ports.insert(port);
    if (check.rfind("tls.", 0) == 0 && check != "tls.http.redirect" && (status == "pass" || status == "fail"))
      tls_judged_ports.insert(port);
    if (check == "tls.cert.quality" && f.value("summary", "").find("self-signed") != std::string::npos)
      cert_read_ports.insert(port);
  }
  CHECK(cleartext_ports == std::set<int>{8181});
  CHECK(tls_judged_ports == std::set<int>{8080, 10443});
  CHECK(cert_read_ports == std::set<int>{8080, 10443});
}
