// TFTP request parser (probes/tftp/tftp.hpp). The RRQ is the one busybox 1.35's `tftp -g`
// sends (as in pcaps/ftp-download.pcap: blksize is not asked unless -b is given, tsize is).
#include "probes/tftp/tftp.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace trustscan;

namespace {

// A string literal with its embedded NULs (without the terminating one).
template <std::size_t N>
std::string tftp_lit(const char (&s)[N]) {
  return std::string(s, N - 1);
}

Parse tftp_parse(const std::string& bytes, TftpRequest& r) {
  return parse_tftp_request(Bytes(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()), r);
}

}  // namespace

TEST_CASE("TFTP: read and write requests, with and without RFC 2347 options") {
  TftpRequest r;
  REQUIRE(tftp_parse(tftp_lit("\0\1fw-1.2.3.bin\0octet\0tsize\0" "0\0"), r) == Parse::done);
  CHECK_FALSE(r.write);
  CHECK(r.filename == "fw-1.2.3.bin");
  CHECK(r.mode == "octet");
  CHECK(r.options == 1);
  REQUIRE(tftp_parse(tftp_lit("\0\2/cfg/backup.txt\0NetASCII\0"), r) == Parse::done);
  CHECK(r.write);
  CHECK(r.filename == "/cfg/backup.txt");
  CHECK(r.mode == "netascii");
  CHECK(r.options == 0);
}

TEST_CASE("TFTP: what is not a request is invalid") {
  TftpRequest r;
  CHECK(tftp_parse(tftp_lit("\0\3\0\1data"), r) == Parse::invalid);               // DATA
  CHECK(tftp_parse(tftp_lit("\0\1name\0oct"), r) == Parse::invalid);             // mode unterminated
  CHECK(tftp_parse(tftp_lit("\0\1name\0binary\0"), r) == Parse::invalid);        // unknown mode
  CHECK(tftp_parse(tftp_lit("\0\1\0octet\0"), r) == Parse::invalid);              // empty name
  CHECK(tftp_parse(tftp_lit("\0\1a\tb\0octet\0"), r) == Parse::invalid);         // control byte in the name
  CHECK(tftp_parse(tftp_lit("\0\1a\0octet\0blksize\0"), r) == Parse::invalid);   // option without value
  CHECK(tftp_parse(tftp_lit("\0\1") + std::string(256, 'a') + tftp_lit("\0octet\0"), r) == Parse::invalid);
  std::string many("\0\1a\0octet\0", 10);
  for (int i = 0; i < 17; ++i) many += tftp_lit("o\0v\0");
  CHECK(tftp_parse(many, r) == Parse::invalid);  // more than kTftpMaxOptions pairs
  CHECK(tftp_parse(std::string(kTftpMaxRequest + 1, '\0'), r) == Parse::invalid);
  CHECK(r.filename.empty());
}
