// judge_chain (probes/tls/tls_chain.hpp): the chain a server sent, judged against a --ca-file,
// on certificates the openssl CLI makes at test time (tests/support/pki.hpp).
#include "probes/tls/tls_chain.hpp"

#include "../support/files.hpp"
#include "../support/pki.hpp"

#include <doctest/doctest.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cstdio>
#include <ctime>
#include <string>
#include <vector>

using namespace trustscan;

namespace {

using Der = std::vector<std::uint8_t>;

const std::string& pki() {
  static const std::string dir = [] {
    auto d = testsupport::temp_path("-pki");
    REQUIRE(testsupport::make_test_pki(d));
    return d;
  }();
  return dir;
}

Der der_of(const std::string& name) {
  Der d = testsupport::pem_certificate_der(pki() + "/" + name);
  REQUIRE(!d.empty());
  return d;
}

// `now` 0: the time after the certificates are read (the first call makes them: a default
// argument of std::time(nullptr) would be a second or two before their notBefore).
ChainVerdict judge(const std::vector<std::string>& names, const std::string& ca, std::time_t now = 0) {
  std::vector<Der> chain;
  for (const auto& n : names) chain.push_back(der_of(n));
  return judge_chain(chain, chain.size(), ca.empty() ? "" : pki() + "/" + ca, now ? now : std::time(nullptr));
}

}  // namespace

TEST_CASE("tls chain: a complete chain verifies with the intermediate as untrusted") {
  const auto v = judge({"leaf.pem", "int.pem", "root.pem"}, "root.pem");
  CHECK(v.parsed);
  CHECK(v.sent == 3);
  CHECK(v.complete);
  REQUIRE(v.verified);
  CAPTURE(v.error_text);
  CAPTURE(v.error_depth);
  CHECK(*v.verified);
  CHECK(v.error_code.empty());
  // The root may be left out (RFC 8446 §4.4.2): the intermediate's issuer is in the --ca-file.
  const auto w = judge({"leaf.pem", "int.pem"}, "root.pem");
  CHECK(w.sent == 2);
  CHECK(w.complete);
  CHECK(w.verified == std::optional<bool>(true));
}

TEST_CASE("tls chain: the leaf alone is an incomplete chain") {
  const auto v = judge({"leaf.pem"}, "root.pem");
  CHECK(v.sent == 1);
  CHECK_FALSE(v.complete);
  CHECK(v.verified == std::optional<bool>(false));
  CHECK(v.error_code == "incomplete_chain");
  CHECK(v.error_text == "unable to get local issuer certificate");
  CHECK(v.error_depth == 0);
}

TEST_CASE("tls chain: self-signed leaf, unknown root, expired, scan time, weak key") {
  const auto self = judge({"self.pem"}, "root.pem");
  CHECK(self.complete);  // it ends at a self-signed certificate
  CHECK(self.verified == std::optional<bool>(false));
  CHECK(self.error_code == "self_signed");
  CHECK(self.error_text == "self-signed certificate");

  const auto other = judge({"leaf.pem", "int.pem", "root.pem"}, "other_root.pem");
  CHECK(other.complete);
  CHECK(other.error_code == "unknown_root");
  CHECK(other.error_text == "self-signed certificate in certificate chain");
  const auto other_no_root = judge({"leaf.pem", "int.pem"}, "other_root.pem");
  CHECK_FALSE(other_no_root.complete);
  CHECK(other_no_root.error_code == "incomplete_chain");

  const auto expired = judge({"expired.pem", "int.pem", "root.pem"}, "root.pem");
  CHECK(expired.complete);
  CHECK(expired.error_code == "expired");
  CHECK(expired.error_text == "certificate has expired");

  // The time is the one given: a year on, the 30-day certificates have expired.
  const auto later = judge({"leaf.pem", "int.pem", "root.pem"}, "root.pem", std::time(nullptr) + 365 * 86400);
  CHECK(later.error_code == "expired");

  // An RSA-1024 leaf verifies: weak keys are tls.cert.key_bits, not a verification failure.
  CHECK(judge({"weak.pem", "int.pem"}, "root.pem").verified == std::optional<bool>(true));
}

TEST_CASE("tls chain: without a --ca-file, the chain facts and no verdict") {
  const auto full = judge({"leaf.pem", "int.pem", "root.pem"}, "");
  CHECK(full.complete);
  CHECK_FALSE(full.verified);
  const auto no_root = judge({"leaf.pem", "int.pem"}, "");
  CHECK_FALSE(no_root.complete);  // nothing says who issued the intermediate
  CHECK_FALSE(no_root.verified);
  // Listed but not kept (past kTlsMaxCertificates): the count is the server's.
  CHECK(judge_chain({der_of("leaf.pem")}, 12, "", std::time(nullptr)).sent == 12);
}

TEST_CASE("tls chain: garbage, an unreadable --ca-file, an unknown error") {
  const auto junk = judge_chain({Der{0x30, 0x03, 0x01, 0x01, 0xff}}, 1, "", std::time(nullptr));
  CHECK_FALSE(junk.parsed);
  CHECK_FALSE(junk.complete);
  CHECK(junk.sent == 1);
  CHECK(judge_chain({}, 0, "", 0).sent == 0);
  const auto unreadable = judge_chain({der_of("leaf.pem")}, 1, "/nonexistent/ca.pem", std::time(nullptr));
  CHECK(unreadable.ca_file_unreadable);
  CHECK_FALSE(unreadable.verified);
  CHECK(chain_error_code(9999, false) == "other");
}

TEST_CASE("tls chain: a store loaded once, from a PEM file or from a hashed directory") {
  const TrustStore file(pki() + "/root.pem");
  REQUIRE(file.loaded());
  const std::vector<Der> chain = {der_of("leaf.pem"), der_of("int.pem")};
  CHECK(judge_chain(chain, 2, file, std::time(nullptr)).verified == std::optional<bool>(true));
  // A directory of hashed links, as Debian's /etc/ssl/certs: OpenSSL finds the root by name.
  const auto dir = pki() + "/hashed";
  REQUIRE(std::system(("mkdir -p " + dir + " && cp " + pki() + "/root.pem " + dir + "/ && openssl rehash " + dir +
                       " 2>/dev/null")
                          .c_str()) == 0);
  const TrustStore hashed(dir);
  REQUIRE(hashed.loaded());
  const auto v = judge_chain(chain, 2, hashed, std::time(nullptr));
  CHECK(v.complete);  // the issuer of the intermediate is found through the directory's lookup
  CHECK(v.verified == std::optional<bool>(true));
  CHECK(judge_chain({der_of("self.pem")}, 1, hashed, std::time(nullptr)).error_code == "self_signed");
  CHECK_FALSE(TrustStore(pki() + "/no-such-file.pem").loaded());
  CHECK_FALSE(TrustStore("").loaded());
}

TEST_CASE("tls chain: what a certificate says of itself, and whether it names a host") {
  const auto leaf = certificate_summary(der_of("leaf.pem"));
  REQUIRE(leaf.parsed);
  CHECK(leaf.subject == "CN=device");
  CHECK(leaf.issuer == "CN=Test Intermediate");
  CHECK(leaf.sans == std::vector<std::string>{"IP:127.0.0.1", "IP:127.0.0.11", "IP:127.0.0.12"});
  CHECK(leaf.not_before.size() == 20);
  CHECK(leaf.not_after > leaf.not_before);
  REQUIRE(leaf.not_before_time);
  REQUIRE(leaf.not_after_time);
  CHECK(*leaf.not_after_time - *leaf.not_before_time == 30 * 86400);  // -days 30
  CHECK(leaf.sha256 == chain_sha256({der_of("leaf.pem")}).front());
  CHECK(certificate_names_host(der_of("leaf.pem"), "127.0.0.11"));
  CHECK_FALSE(certificate_names_host(der_of("leaf.pem"), "127.0.0.2"));
  // No DNS SAN: the CN is read (RFC 6125 6.4.4, OpenSSL's and curl's default); another name is not named.
  CHECK(certificate_names_host(der_of("leaf.pem"), "device"));
  CHECK_FALSE(certificate_names_host(der_of("leaf.pem"), "device.example"));
  CHECK_FALSE(certificate_names_host(der_of("leaf.pem"), ""));
  CHECK_FALSE(certificate_summary(Der{0x30, 0x03, 0x01, 0x01, 0xff}).parsed);
  CHECK_FALSE(certificate_names_host(Der{0x30, 0x03, 0x01, 0x01, 0xff}, "device"));
}
