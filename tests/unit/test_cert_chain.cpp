// Certificate verdicts from the certificates received (issue 15), against real servers on
// loopback: openssl s_server and gnutls-serv, at TLS 1.2 (the chain read from the raw server
// flight) and TLS 1.3 (read through a handshake), sending the full chain, the leaf alone, a
// self-signed leaf, and an expired leaf; the PKI is made at test time (tests/support/pki.hpp).
// A GnuTLS server sending a complete chain was once reported as "does not verify against the
// --ca-file": only the leaf was verified, without the intermediates it sent.
#include "trustscan/check.hpp"

#include "../support/cli.hpp"
#include "../support/files.hpp"
#include "../support/pki.hpp"
#include "../support/process.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <map>
#include <memory>
#include <string>
#include <vector>

using namespace trustscan;
using namespace std::chrono_literals;

namespace {

constexpr const char* kChainHost = "127.0.0.11";

struct Server {
  int port;
  std::vector<std::string> argv;  // without the listen address / port
  bool gnutls = false;
};

// port -> key -> value, and port -> the tls.cert.quality result.
struct ChainScan {
  std::map<int, std::map<std::string, nlohmann::json>> facts;
  std::map<int, nlohmann::json> quality;
};

ChainScan chain_scan(const std::string& dir, const std::string& ports, const std::vector<std::string>& extra) {
  const auto path = dir + "/report" + std::to_string(extra.size()) + ".json";
  std::vector<std::string> args = {"scan", kChainHost, "-p", ports, "-q", "--no-creds", "-o", path};
  args.insert(args.end(), extra.begin(), extra.end());
  testsupport::cli(args);
  ChainScan s;
  const auto j = nlohmann::json::parse(testsupport::read_text(path));
  const auto& d = j["devices"][0];
  for (const auto& o : d["observations"])
    if (o.contains("port")) s.facts[o["port"].get<int>()][o["key"].get<std::string>()] = o["value"];
  for (const auto& r : d["results"])
    if (r["check"] == "tls.cert.quality") s.quality[r.value("port", 0)] = r;
  return s;
}

}  // namespace

TEST_CASE("certificate chain: s_server and gnutls-serv at TLS 1.2 and 1.3, full, leaf only, self-signed, expired") {
  const auto dir = testsupport::temp_path("-chain");
  REQUIRE_MESSAGE(testsupport::make_test_pki(dir), testsupport::read_text(dir + "/openssl.log"));
  const std::string d = dir + "/";
  auto ossl = [&](const char* version, const std::string& cert, const std::string& key, const std::string& chain) {
    std::vector<std::string> a = {"openssl", "s_server", "-quiet", "-www", version, "-no-CAfile", "-no-CApath", "-no-CAstore",
                                  "-cert", d + cert, "-key", d + key};
    if (!chain.empty()) {
      a.push_back("-cert_chain");
      a.push_back(d + chain);
    }
    return a;
  };
  const std::vector<Server> servers = {
      {14431, ossl("-tls1_2", "leaf.pem", "leaf.key", "int_root.pem")},
      {14432, ossl("-tls1_2", "leaf.pem", "leaf.key", "")},
      {14433, ossl("-tls1_2", "self.pem", "self.key", "")},
      {14434, ossl("-tls1_2", "expired.pem", "expired.key", "int_root.pem")},
      {14435, ossl("-tls1_3", "leaf.pem", "leaf.key", "int_root.pem")},
      {14436, ossl("-tls1_3", "leaf.pem", "leaf.key", "")},
      {14437, ossl("-tls1_3", "self.pem", "self.key", "")},
      // gnutls-serv has no listen-address option: it listens on every address (the test only
      // connects to loopback). The whole chain in one file, leaf first.
      {14441, {"gnutls-serv", "--x509certfile=" + d + "chain_full.pem", "--x509keyfile=" + d + "leaf.key",
               "--priority=NORMAL:-VERS-ALL:+VERS-TLS1.2"}, true},
      {14442, {"gnutls-serv", "--x509certfile=" + d + "chain_full.pem", "--x509keyfile=" + d + "leaf.key",
               "--priority=NORMAL:-VERS-ALL:+VERS-TLS1.3"}, true},
  };
  std::vector<std::unique_ptr<testsupport::Process>> running;
  std::string ports;
  for (const auto& s : servers) {
    auto argv = s.argv;
    if (s.gnutls) {
      argv.push_back("--port=" + std::to_string(s.port));
    } else {
      argv.push_back("-accept");
      argv.push_back(std::string(kChainHost) + ":" + std::to_string(s.port));
    }
    running.push_back(std::make_unique<testsupport::Process>(argv, d + "server" + std::to_string(s.port) + ".log"));
    ports += (ports.empty() ? "" : ",") + std::to_string(s.port);
  }
  for (const auto& s : servers)
    REQUIRE_MESSAGE(testsupport::wait_for_listener_at(kChainHost, static_cast<std::uint16_t>(s.port), 5s),
                    "server on " << s.port << " did not start: " << testsupport::read_text(d + "server" + std::to_string(s.port) + ".log"));

  const auto with_ca = chain_scan(dir, ports, {"--ca-file", d + "root.pem"});
  auto fact = [&](int port, const char* key) {
    const auto& f = with_ca.facts.at(port);
    const auto it = f.find(key);
    return it == f.end() ? nlohmann::json() : it->second;
  };
  auto summary = [&](int port) {  // without the " on <port>/tcp" every endpoint verdict ends with
    auto text = with_ca.quality.at(port).value("summary", "");
    const auto suffix = " on " + std::to_string(port) + "/tcp";
    if (text.ends_with(suffix)) text.resize(text.size() - suffix.size());
    return text;
  };
  auto status = [&](int port) { return with_ca.quality.at(port).value("status", ""); };

  // The full chain verifies, at either version, from either server.
  for (const int port : {14431, 14435, 14441, 14442}) {
    CAPTURE(port);
    CHECK(fact(port, "tls.cert.chain_length") == 3);
    CHECK(fact(port, "tls.cert.chain_complete") == true);
    CHECK(fact(port, "tls.cert.verified") == true);
    CHECK(fact(port, "tls.cert.verify_error").is_null());
    CHECK(status(port) == "pass");
    CHECK(summary(port) == "certificate valid, strong key and signature; the chain sent (3 certificates) verifies against the --ca-file");
  }
  // The leaf alone: an incomplete chain, named as such.
  for (const int port : {14432, 14436}) {
    CAPTURE(port);
    CHECK(fact(port, "tls.cert.chain_length") == 1);
    CHECK(fact(port, "tls.cert.chain_complete") == false);
    CHECK(fact(port, "tls.cert.verified") == false);
    CHECK(fact(port, "tls.cert.verify_error") == "incomplete_chain");
    CHECK(fact(port, "tls.cert.verify_message") == "unable to get local issuer certificate");
    CHECK(status(port) == "fail");
    CHECK(summary(port) == "certificate chain does not verify against --ca-file: unable to get local issuer certificate "
                           "(incomplete chain: the server sent 1 certificate, and the issuer of the last one was neither "
                           "sent nor is in the --ca-file)");
  }
  // A self-signed leaf: complete (it ends at itself), not trusted by the --ca-file.
  for (const int port : {14433, 14437}) {
    CAPTURE(port);
    CHECK(fact(port, "tls.cert.chain_length") == 1);
    CHECK(fact(port, "tls.cert.chain_complete") == true);
    CHECK(fact(port, "tls.cert.self_signed") == true);
    CHECK(fact(port, "tls.cert.verified") == false);
    CHECK(fact(port, "tls.cert.verify_error") == "self_signed");
    CHECK(status(port) == "fail");
    CHECK(summary(port) == "certificate chain does not verify against --ca-file: self-signed certificate "
                           "(self_signed; the server sent 1 certificate)");
  }
  // An expired leaf in a full chain: both the expiry fact and the verification name it.
  CHECK(fact(14434, "tls.cert.expired") == true);
  CHECK(fact(14434, "tls.cert.chain_complete") == true);
  CHECK(fact(14434, "tls.cert.verify_error") == "expired");
  CHECK(status(14434) == "fail");
  CHECK(summary(14434) == "certificate expired, chain does not verify against --ca-file: certificate has expired "
                          "(expired; the server sent 3 certificates)");

  // Without --ca-file: no verification verdict, the chain facts all the same.
  const auto without = chain_scan(dir, "14431,14432,14436", {});
  for (const int port : {14431, 14432, 14436}) {
    CAPTURE(port);
    const auto& f = without.facts.at(port);
    CHECK(f.count("tls.cert.verified") == 0);
    CHECK(f.count("tls.cert.verify_error") == 0);
    CHECK(f.at("tls.cert.chain_complete") == (port == 14431));
    CHECK(f.at("tls.cert.chain_length") == (port == 14431 ? 3 : 1));
    CHECK(without.quality.at(port).value("status", "") == "pass");
  }
}
