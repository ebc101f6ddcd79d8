// SSH host public key blobs (RFC 4253 §6.6, RFC 5656 §3.1): the key sizes and fingerprints the
// host-key analyzer records (probes/ssh/ssh_analyzer.cpp), on keys ssh-keygen (OpenSSH 9.2p1)
// generated, and the fingerprints `ssh-keygen -l -E sha256` printed for them.
#include "probes/ssh/ssh.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace trustscan;

namespace {

struct Known {
  const char* base64;
  const char* type;
  int bits;
  const char* fingerprint;
};

const Known kKeys[] = {
    {"AAAAB3NzaC1yc2EAAAADAQABAAAAgQC6iIuANYOQ14AcfuUAg//SLM8qZxqh0cQo221swLgFjOjDgGNed+pJK97JHttlOYJimvYOpGM2utBv0flysBPFuyolYSqIbXHQ4/d+CCI1heNwDkFnX4Mg362zEz2VJsrfQIU5tS7ddo1cCSzTHoVyM7Vx747Ttyma3RunDivJzQ==",
     "ssh-rsa", 1024, "SHA256:vRHd0AU9byOaPAtYku4qcjQhU2yNn++k9QyhA8FwI8M"},
    {"AAAAB3NzaC1yc2EAAAADAQABAAABgQCq74zF5wjWxW229dSFM6VZ+qCNx0D5jcFZIxiBNBQfmRG608YRfWkyRhovYIwIEkGYeJC3NncAXPYJ+dbMcFBpQLsyAmmHnf5onIkxXvGhWOrovewTv9B8Eik5JlhZC09oxLGkZkUeIek3ytyFWtl3fJpHEvML7h8ziYiGXHM6TI3R+mRf/VUM8o3oIANJvtKjeZe2tKKhg/eOZJrmbkDg1yCWifhJQhqt7HwZkofm+O6g5kMzxBWlU5TgPj/6SpcZd+Ii55Y4jD6f8m3APAraql3UHpNouNx4kqWrjzDsaDAHt80Iv4WoM4uyD1b3y4vfRMh81mvnJ61lKvkPllfO4IaV8MmOi6NgiupG73DjDkh3hGVS1tK9BFvwV/yZvXekJ6dPGdEIcYeL4mkdBbKcfby31Q9G9qvzMe5Er5SjQJWnFbCZKh65x2BMPOaJorsFF392TUETGLREB3KZ0CkC2Zd08UCaI2kCieGNPWRObQD72wq+KCNRHQWMkY4eZn8=",
     "ssh-rsa", 3072, "SHA256:w0Avmi+y3Hpqj9USnKf5Ey8EaedHrPshXswxfIyrSho"},
    {"AAAAB3NzaC1kc3MAAACBALhhZnMTmKq/wjcXZYSE3IxzJXSbU/iwqW2/kUHfBH66iz2BnK8ktufbO9W9ia1sNnRtIz7n19Gu2zuwwt1RnUdujj5i4mGEjyjtocFUDYmV5k20N1x4bZAyZHXD+lREKpUzEmedOkZyyhXXTdbJay2NMOvurYpnplyHzw7PJ6CZAAAAFQCrAJT65JSOy0N/kflzvafYdLCgRwAAAIEArlIAuS0sirxFlX09mgS+BfV1zl7Dwgiwby9R2zUZxtzgLrSksWQzURFkYTziJohysxW4lj1QIgaYjor8F4CoHlAjQDVD8SOsEWLX+lR9sum7Y4ZUv/SCx80R5TAAr8dNk+HNh+mVDK4MFB369uNVd09uS3O1g7XQJdZjQ4aB+T8AAACBAJeSpJk5lIbD3VM3NHnPyKbH9bbD0vDFiZxbL6HiWD597fMqQOG8Pzp1MreUePKvkAFR6X7rij10Cl4ZN6ocDI93evOMPmWmltOavNgDEiGHyHyVXFCfNDKt+6o94IcfW64OCy9IuJ3n8D9tIeMRcu61Z1AC4op83o0vB9yI78ae",
     "ssh-dss", 1024, "SHA256:b6iv3jMDV3fSqYSS0O1dG2tS0xBVWJaos6HTIitzZME"},
    {"AAAAE2VjZHNhLXNoYTItbmlzdHAzODQAAAAIbmlzdHAzODQAAABhBKsXe4PmKswBoISgmNr9EnA5VjdJjGjyOpn2Rtow9Oa4c17+QzrVD1WYVj4bOGaxtyekgV8DpSSFs+L/r4DpQ6SiwgsZ/ldP3Ksrgx9zEqquwPMLDfzmGtkEx/o2J877aA==",
     "ecdsa-sha2-nistp384", 384, "SHA256:6GgJlScwokbA7O572O+Csjun7KV9Hzznny1BIcukdb8"},
    {"AAAAE2VjZHNhLXNoYTItbmlzdHA1MjEAAAAIbmlzdHA1MjEAAACFBAHVFhGILuN1bFb5jVFFtiQusvAPxA7mwhcf16CXwvChj/TgbmG2RM4jhlEcLprCIzDE/j7/WZT99hhZb3XFhz8vSAAReR/8imaXf3JVDq1XZYCTosytGbsaqWudDDhL4nBUv5G+Tev6JaZi2LLWNboTRy6npGTQG1wSlS3uY8zdlqyWnw==",
     "ecdsa-sha2-nistp521", 521, "SHA256:fxXgkmcO0kaG364JLMU+eyHRu50ITB62EsPK4KjlstE"},
    {"AAAAC3NzaC1lZDI1NTE5AAAAICdDVHFntqPdbjNX7RP3ovkZXkihjlTeDmvQNcWl/1vV",
     "ssh-ed25519", 256, "SHA256:e91quOmQ6JSe/7OOgkYqBgPZxLD5BKWMEfPZ/kaC844"},
};

}  // namespace

TEST_CASE("host key blobs: type, size and fingerprint of real keys") {
  for (const auto& k : kKeys) {
    CAPTURE(k.type);
    CAPTURE(k.bits);
    const auto blob = ssh_base64_decode(k.base64);
    REQUIRE(blob);
    const Bytes b(blob->data(), blob->size());
    const auto key = parse_ssh_host_key(b);
    REQUIRE(key);
    CHECK(key->type == k.type);
    CHECK(key->bits == k.bits);
    CHECK(ssh_fingerprint_sha256(b) == k.fingerprint);
  }
}

TEST_CASE("host key blobs: truncated, trailing garbage in the length, unknown types are refused") {
  const auto blob = ssh_base64_decode(kKeys[1].base64);
  REQUIRE(blob);
  for (std::size_t cut = 0; cut < blob->size(); cut += 7) {
    CAPTURE(cut);
    CHECK_FALSE(parse_ssh_host_key(Bytes(blob->data(), cut)));
  }
  auto big = *blob;
  big[3] = 0xff;  // type length runs past the end
  CHECK_FALSE(parse_ssh_host_key(Bytes(big.data(), big.size())));
  const std::vector<std::uint8_t> unknown = {0, 0, 0, 3, 'f', 'o', 'o', 0, 0, 0, 1, 1};
  CHECK_FALSE(parse_ssh_host_key(Bytes(unknown.data(), unknown.size())));
  CHECK_FALSE(ssh_base64_decode("AAAA*"));
  CHECK_FALSE(ssh_base64_decode("AA==AA"));
}

TEST_CASE("host-key algorithm to key type, as crypto policies name them") {
  CHECK(ssh_host_key_type("rsa-sha2-512") == "rsa");
  CHECK(ssh_host_key_type("ssh-rsa") == "rsa");
  CHECK(ssh_host_key_type("ssh-rsa-cert-v01@openssh.com") == "rsa");
  CHECK(ssh_host_key_type("ssh-dss") == "dsa");
  CHECK(ssh_host_key_type("ecdsa-sha2-nistp256") == "ecdsa");
  CHECK(ssh_host_key_type("ssh-ed25519") == "ed25519");
  CHECK(ssh_host_key_type("sntrup761x25519-sha512@openssh.com").empty());
}
