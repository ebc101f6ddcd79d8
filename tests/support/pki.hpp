// Test helper: a small PKI made at test time with the openssl CLI (EC P-256 keys, a second or
// two), in a directory of its own:
//   root.pem/.key        self-signed CA "Test Root"
//   int.pem/.key         CA "Test Intermediate", issued by the root
//   leaf.pem/.key        "device", SAN IP:127.0.0.1 and the test hosts, issued by the intermediate
//   expired.pem/.key     like leaf, but notAfter a day before notBefore (openssl x509 -days -1)
//   weak.pem/.key        like leaf, with an RSA-1024 key
//   self.pem/.key        self-signed "device" leaf, same SANs
//   other_root.pem       an unrelated CA (a --ca-file that trusts none of the above)
//   chain_full.pem       leaf + intermediate + root;  int_root.pem: intermediate + root
#pragma once

#include <sys/stat.h>

#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

namespace testsupport {

/// Makes the PKI above in `dir` (created); false when openssl failed.
inline bool make_test_pki(const std::string& dir) {
  ::mkdir(dir.c_str(), 0700);
  std::ofstream(dir + "/ext.cnf") << "[ca]\nbasicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n"
                                     "subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n"
                                     "[leaf]\nbasicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n"
                                     "extendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,IP:127.0.0.11,IP:127.0.0.12\n"
                                     "subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n";
  const std::string d = dir + "/";
  const std::string ec = " -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes ";
  const std::string q = " >>" + d + "openssl.log 2>&1";
  const std::string ca_ext = " -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign";
  const std::string cmds[] = {
      "openssl req -x509" + ec + "-days 30 -subj /CN=Test\\ Root" + ca_ext + " -keyout " + d + "root.key -out " + d + "root.pem",
      "openssl req -x509" + ec + "-days 30 -subj /CN=Other\\ Root" + ca_ext + " -keyout " + d + "other_root.key -out " + d +
          "other_root.pem",
      "openssl req" + ec + "-subj /CN=Test\\ Intermediate -keyout " + d + "int.key -out " + d + "int.csr",
      "openssl x509 -req -in " + d + "int.csr -CA " + d + "root.pem -CAkey " + d + "root.key -CAcreateserial -days 30 -extfile " +
          d + "ext.cnf -extensions ca -out " + d + "int.pem",
      "openssl req" + ec + "-subj /CN=device -keyout " + d + "leaf.key -out " + d + "leaf.csr",
      "openssl x509 -req -in " + d + "leaf.csr -CA " + d + "int.pem -CAkey " + d + "int.key -CAcreateserial -days 30 -extfile " +
          d + "ext.cnf -extensions leaf -out " + d + "leaf.pem",
      "openssl req" + ec + "-subj /CN=device -keyout " + d + "expired.key -out " + d + "expired.csr",
      "openssl x509 -req -in " + d + "expired.csr -CA " + d + "int.pem -CAkey " + d + "int.key -CAcreateserial -days -1 -extfile " +
          d + "ext.cnf -extensions leaf -out " + d + "expired.pem",
      "openssl req -newkey rsa:1024 -nodes -subj /CN=device -keyout " + d + "weak.key -out " + d + "weak.csr",
      "openssl x509 -req -in " + d + "weak.csr -CA " + d + "int.pem -CAkey " + d + "int.key -CAcreateserial -days 30 -extfile " +
          d + "ext.cnf -extensions leaf -out " + d + "weak.pem",
      "openssl req -x509" + ec + "-days 30 -subj /CN=device -addext subjectAltName=IP:127.0.0.1,IP:127.0.0.11,IP:127.0.0.12 -keyout " +
          d + "self.key -out " + d + "self.pem",
  };
  for (const auto& c : cmds)
    if (std::system((c + q).c_str()) != 0) return false;
  auto cat = [&](std::initializer_list<const char*> names, const char* to) {
    std::ofstream out(d + to);
    for (const char* n : names) out << std::ifstream(d + n).rdbuf();
    return static_cast<bool>(out);
  };
  return cat({"leaf.pem", "int.pem", "root.pem"}, "chain_full.pem") && cat({"int.pem", "root.pem"}, "int_root.pem");
}

/// The DER of the first certificate in a PEM file; empty when it cannot be read.
inline std::vector<std::uint8_t> pem_certificate_der(const std::string& path) {
  std::vector<std::uint8_t> der;
  FILE* f = std::fopen(path.c_str(), "r");
  if (!f) return der;
  X509* x = PEM_read_X509(f, nullptr, nullptr, nullptr);
  std::fclose(f);
  unsigned char* buf = nullptr;
  const int n = x ? i2d_X509(x, &buf) : 0;
  if (n > 0) der.assign(buf, buf + n);
  OPENSSL_free(buf);
  X509_free(x);
  return der;
}

}  // namespace testsupport
