// The evidence bundle (--evidence DIR, docs/evidence.md): what it holds, that `sha256sum -c`
// verifies it, that passwords stay out unless asked, and that it is one run's.
#include "scanner/report/evidence.hpp"
#include "../support/cli.hpp"
#include "../support/files.hpp"
#include "../support/sockets.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

using namespace trustscan;
namespace fs = std::filesystem;

namespace {

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

TEST_CASE("hex_dump shows offsets, hex pairs and printable bytes as xxd does") {
  CHECK(hex_dump("") == "");
  CHECK(hex_dump("AB\x01") == "00000000: 4142 01                                  AB.\n");
  const auto two = hex_dump(std::string(17, 'x'));
  CHECK(two.find("00000010: 78") != std::string::npos);
  CHECK(two.substr(0, two.find('\n')).ends_with(" xxxxxxxxxxxxxxxx"));
}

TEST_CASE("--evidence: a bundle of the run that sha256sum -c verifies, passwords redacted unless asked") {
  const auto dir = testsupport::temp_path("-evidence");
  const auto r = testsupport::run_binary({"demo", "-q", "--evidence", dir});
  REQUIRE_MESSAGE(r.exit_code == 1, r.err);  // the demo device fails checks
  for (const char* f : {"report.json", "report.jsonl", "report.html", "summary.txt", "README.txt", "SHA256SUMS"})
    CHECK_MESSAGE(fs::is_regular_file(fs::path(dir) / f), f);

  // Every file is in SHA256SUMS, and sha256sum itself agrees with it.
  std::size_t listed = 0;
  std::istringstream sums(slurp(fs::path(dir) / "SHA256SUMS"));
  for (std::string line; std::getline(sums, line);) ++listed;
  std::size_t on_disk = 0;
  for (const auto& e : fs::recursive_directory_iterator(dir)) on_disk += e.is_regular_file();
  CHECK(listed == on_disk - 1);  // all but SHA256SUMS itself
  CHECK(std::system(("cd '" + dir + "' && sha256sum --quiet -c SHA256SUMS").c_str()) == 0);

  // One finding file per result, named by its stable id, with the evidence in full.
  const auto report = nlohmann::json::parse(slurp(fs::path(dir) / "report.json"));
  std::size_t results = 0;
  for (const auto& res : report["devices"][0]["results"]) {
    ++results;
    const auto path = fs::path(dir) / "findings" / (res["id"].get<std::string>() + ".txt");
    REQUIRE_MESSAGE(fs::is_regular_file(path), path);
    const auto text = slurp(path);
    CHECK(text.find("check     " + res["check"].get<std::string>() + "\n") != std::string::npos);
    CHECK(text.find("status    " + res["status"].get<std::string>() + "\n") != std::string::npos);
  }
  CHECK(results == static_cast<std::size_t>(std::distance(fs::directory_iterator(fs::path(dir) / "findings"), {})));
  CHECK(fs::is_regular_file(fs::path(dir) / "observations" / "127.77.0.1.jsonl"));

  // The Telnet default login the demo device accepts: named, its password redacted everywhere.
  bool telnet = false;
  for (const auto& res : report["devices"][0]["results"])
    if (res["check"] == "cred.default.telnet" && res["status"] == "fail") {
      telnet = true;
      const auto text = slurp(fs::path(dir) / "findings" / (res["id"].get<std::string>() + ".txt"));
      CHECK(text.find("login: admin / <redacted") != std::string::npos);
      CHECK(res["evidence"][0]["password"] == "<redacted>");
    }
  CHECK(telnet);

  // The traffic: captured as root, otherwise the README says why not.
  if (::geteuid() == 0) {
    CHECK(fs::file_size(fs::path(dir) / "traffic.pcap") > 24);
  } else {
    CHECK(slurp(fs::path(dir) / "README.txt").find("No traffic.pcap: ") != std::string::npos);
  }

  SUBCASE("a bundle is one run's: the same directory again is refused before anything is sent") {
    const auto again = testsupport::run_binary({"demo", "-q", "--evidence", dir});
    CHECK(again.exit_code == 2);
    CHECK(again.err == "trustscan: error: evidence directory '" + dir + "' is not empty: give a new one (a bundle holds one run)\n");
  }
  SUBCASE("--evidence-secrets keeps the password; alone it is a usage error") {
    const auto dir2 = testsupport::temp_path("-evidence");
    REQUIRE(testsupport::run_binary({"demo", "-q", "--evidence", dir2, "--evidence-secrets"}).exit_code == 1);
    CHECK(slurp(fs::path(dir2) / "report.json").find("\"password\": \"admin\"") != std::string::npos);
    fs::remove_all(dir2);
    const auto alone = testsupport::cli({"demo", "-q", "--evidence-secrets"});
    CHECK(alone.code == 2);
    CHECK(alone.err == "trustscan: error: --evidence-secrets needs --evidence DIR\n");
  }
  fs::remove_all(dir);
}
