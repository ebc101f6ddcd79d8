// The evidence bundle (--evidence DIR, docs/evidence.md): what it holds, that `sha256sum -c`
// verifies it, that passwords stay out unless asked, that it is one run's, and that the
// certificates TLS servers sent are in it as PEM that OpenSSL reads.
#include "scanner/report/evidence.hpp"
#include "probes/tls/tls_chain.hpp"
#include "trustscan/profile.hpp"
#include "trustscan/text.hpp"
#include "../support/cli.hpp"
#include "../support/files.hpp"
#include "../support/sockets.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <unistd.h>

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <vector>

using namespace trustscan;
namespace fs = std::filesystem;

namespace {

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// What a shell command prints on stdout.
std::string command_output(const std::string& command) {
  std::string out;
  if (FILE* p = ::popen(command.c_str(), "r")) {
    char buf[4096];
    for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
    ::pclose(p);
  }
  return out;
}

// A self-signed certificate made here (EC P-256, SHA-256), as DER.
std::vector<std::uint8_t> synthesised_certificate(const char* common_name) {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  X509* x = X509_new();
  REQUIRE((key && x));
  X509_set_version(x, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(x), 7);
  X509_gmtime_adj(X509_getm_notBefore(x), 0);
  X509_gmtime_adj(X509_getm_notAfter(x), 60L * 60 * 24);
  X509_set_pubkey(x, key);
  X509_NAME* name = X509_get_subject_name(x);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(common_name), -1, -1, 0);
  X509_set_issuer_name(x, name);
  REQUIRE(X509_sign(x, key, EVP_sha256()) > 0);
  unsigned char* der = nullptr;
  const int n = i2d_X509(x, &der);
  REQUIRE(n > 0);
  std::vector<std::uint8_t> out(der, der + n);
  OPENSSL_free(der);
  X509_free(x);
  EVP_PKEY_free(key);
  return out;
}

// "sha256 Fingerprint=AB:CD:…" (openssl x509 -fingerprint) as chain_sha256 writes it: "abcd…".
std::string plain_fingerprint(const std::string& openssl_line) {
  std::string hex;
  for (const char c : openssl_line.substr(openssl_line.find('=') + 1))
    if (std::isxdigit(static_cast<unsigned char>(c))) hex += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return hex;
}

}  // namespace

TEST_CASE("a certificate chain as PEM and SHA-256: the DER as received, leaf first, read back by OpenSSL") {
  const auto leaf = synthesised_certificate("leaf.example");
  const auto ca = synthesised_certificate("Example CA");
  const auto pem = chain_pem({leaf, ca});
  CHECK(pem.starts_with("-----BEGIN CERTIFICATE-----\n"));
  CHECK(pem.ends_with("-----END CERTIFICATE-----\n"));
  std::istringstream lines(pem);
  for (std::string line; std::getline(lines, line);) CHECK(line.size() <= 64);  // RFC 7468 lines

  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  const auto sums = chain_sha256({leaf, ca});
  REQUIRE(sums.size() == 2);
  for (const auto* want : {&leaf, &ca}) {
    X509* x = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
    REQUIRE(x != nullptr);
    unsigned char* der = nullptr;
    const int n = i2d_X509(x, &der);
    CHECK(std::vector<std::uint8_t>(der, der + n) == *want);
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int md_len = 0;
    X509_digest(x, EVP_sha256(), md, &md_len);
    CHECK(sums[want == &leaf ? 0 : 1] == hex_lower(md, md_len));
    OPENSSL_free(der);
    X509_free(x);
  }
  CHECK(PEM_read_bio_X509(bio, nullptr, nullptr, nullptr) == nullptr);  // two certificates, no more
  BIO_free(bio);

  // Bytes that are not a certificate are archived as they came, not dropped or re-encoded.
  const std::vector<std::uint8_t> junk = {0x30, 0x03, 0x02, 0x01, 0x00, 0xff};
  const auto junk_pem = chain_pem({junk});
  bio = BIO_new_mem_buf(junk_pem.data(), static_cast<int>(junk_pem.size()));
  char* name = nullptr;
  char* header = nullptr;
  unsigned char* data = nullptr;
  long len = 0;
  REQUIRE(PEM_read_bio(bio, &name, &header, &data, &len) == 1);
  CHECK(std::string(name) == "CERTIFICATE");
  CHECK(std::vector<std::uint8_t>(data, data + len) == junk);
  OPENSSL_free(name);
  OPENSSL_free(header);
  OPENSSL_free(data);
  BIO_free(bio);
  CHECK(chain_pem({}).empty());
}

TEST_CASE("evidence bundle: an observation's attachment is a file in its endpoint's folder, listed and named by its findings") {
  const auto dir = testsupport::temp_path("-evidence");
  const std::vector<std::vector<std::uint8_t>> chain = {synthesised_certificate("cam.example")};
  Report r;
  r.profile = load_profile("ir8425-consumer");
  DeviceReport d;
  d.facts.target.address = *Address::parse("fd00::17");
  const Endpoint ep{d.facts.target.address, Transport::tcp, 8443};
  auto attach = [&](std::optional<Endpoint> where, const std::string& name, const std::string& bytes) {
    Observation o;
    o.endpoint = where;
    o.key = "tls.cert.chain_sha256";
    o.value = chain_sha256(chain);
    o.evidence.attachment_name = name;
    o.evidence.attachment = bytes;
    d.facts.observations.push_back(o);
  };
  attach(ep, "certs.pem", chain_pem(chain));
  attach(ep, "certs.pem", "second");   // the same name on the same endpoint: certs-2.pem
  attach(std::nullopt, "../../x", "device-wide");  // a name cannot leave its folder
  Finding f;
  f.check = "tls.cert.quality";
  f.status = CheckStatus::fail;
  f.endpoint = ep;
  d.results.push_back(f);
  r.devices.push_back(d);
  write_evidence_bundle(r, {dir, false, "", "not captured in this test"});

  const fs::path folder = fs::path(dir) / "endpoints" / "fd00__17";
  REQUIRE(fs::is_regular_file(folder / "8443-tcp" / "certs.pem"));
  CHECK(slurp(folder / "8443-tcp" / "certs.pem") == chain_pem(chain));
  CHECK(slurp(folder / "8443-tcp" / "certs-2.pem") == "second");
  CHECK(slurp(folder / "_.._.._x") == "device-wide");
  const auto sums = slurp(fs::path(dir) / "SHA256SUMS");
  for (const char* listed : {"  endpoints/fd00__17/8443-tcp/certs.pem\n", "  endpoints/fd00__17/8443-tcp/certs-2.pem\n",
                             "  endpoints/fd00__17/_.._.._x\n"})
    CHECK_MESSAGE(sums.find(listed) != std::string::npos, listed);
  CHECK(std::system(("cd '" + dir + "' && sha256sum --quiet -c SHA256SUMS").c_str()) == 0);
  CHECK(std::system(("openssl x509 -in '" + (folder / "8443-tcp" / "certs.pem").string() + "' -noout").c_str()) == 0);
  // The finding on that endpoint names its files; the reports carry the fingerprint, never the PEM.
  const auto finding = slurp(fs::path(dir) / "findings" / (finding_id(d.facts.target.address, f) + ".txt"));
  CHECK(finding.find("file of this endpoint: endpoints/fd00__17/8443-tcp/certs.pem\n") != std::string::npos);
  CHECK(finding.find("file of this endpoint: endpoints/fd00__17/8443-tcp/certs-2.pem\n") != std::string::npos);
  for (const char* report : {"report.json", "report.jsonl", "report.html", "summary.txt"})
    CHECK_MESSAGE(slurp(fs::path(dir) / report).find("BEGIN CERTIFICATE") == std::string::npos, report);
  CHECK(slurp(fs::path(dir) / "report.json").find(chain_sha256(chain).front()) != std::string::npos);
  fs::remove_all(dir);
}

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

  // The certificates each of the demo device's two TLS endpoints sent (https-admin and
  // legacy-tls), as PEM that OpenSSL reads: as many as the report's fingerprints, the leaf's first.
  std::size_t tls_endpoints = 0;
  for (const auto& o : report["devices"][0]["observations"]) {
    if (o["key"] != "tls.cert.chain_sha256") continue;
    ++tls_endpoints;
    const auto pem = (fs::path(dir) / "endpoints" / "127.77.0.1" / (std::to_string(o["port"].get<int>()) + "-tcp") / "certs.pem").string();
    REQUIRE_MESSAGE(fs::is_regular_file(pem), pem);
    CHECK(std::system(("openssl x509 -in '" + pem + "' -noout").c_str()) == 0);
    const auto certs = command_output("openssl crl2pkcs7 -nocrl -certfile '" + pem + "' | openssl pkcs7 -print_certs -noout");
    std::size_t subjects = 0;  // one "subject=" line per certificate
    for (auto at = certs.find("subject="); at != std::string::npos; at = certs.find("subject=", at + 1)) ++subjects;
    CHECK(subjects == o["value"].size());
    CHECK(plain_fingerprint(command_output("openssl x509 -in '" + pem + "' -noout -fingerprint -sha256")) == o["value"][0]);
  }
  CHECK(tls_endpoints == 2);
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
