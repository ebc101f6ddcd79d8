// Parser tests for the bytes of explicit FTPS (RFC 4217) that the TLS analyzer reads before its
// ClientHello: the AUTH TLS command and the replies of real vsftpd servers.
#include "probes/ftp/ftp.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

using namespace trustscan;
using namespace std::literals;

namespace {

// Captured from vsftpd 3.0.3 (Debian 3.0.3-13+b2) on 127.0.0.1 with the lab plug's FTPS
// configuration (tests/lab/lab.sh setup_plug: ssl_enable=YES, ssl_tlsv1=NO), then the same with
// ssl_tlsv1=YES, then with ssl_enable=NO; a python3 socket client sent FEAT, then AUTH TLS.
constexpr std::string_view kFeatTlsv1Off =
    "211-Features:\r\n EPRT\r\n EPSV\r\n MDTM\r\n PASV\r\n PBSZ\r\n PROT\r\n REST STREAM\r\n SIZE\r\n"
    " TVFS\r\n211 End\r\n"sv;
constexpr std::string_view kFeatTlsv1On =
    "211-Features:\r\n AUTH TLS\r\n EPRT\r\n EPSV\r\n MDTM\r\n PASV\r\n PBSZ\r\n PROT\r\n"
    " REST STREAM\r\n SIZE\r\n TVFS\r\n211 End\r\n"sv;
constexpr std::string_view kAuthTlsAccepted = "234 Proceed with negotiation.\r\n"sv;
constexpr std::string_view kAuthTlsNoSsl = "530 Please login with USER and PASS.\r\n"sv;

FtpReply parse_whole(std::string_view text, std::size_t& consumed) {
  FtpReply r;
  const std::vector<std::uint8_t> bytes(text.begin(), text.end());
  REQUIRE(parse_ftp_reply(Bytes(bytes), r, consumed) == Parse::done);
  return r;
}

bool lists_auth_tls(const FtpReply& r) {
  return std::any_of(r.lines.begin(), r.lines.end(), [](const std::string& l) { return l.find("AUTH TLS") != std::string::npos; });
}

}  // namespace

TEST_CASE("ftps: the AUTH TLS command") {
  const auto cmd = build_ftp_command("AUTH", "TLS");
  CHECK(std::string(cmd.begin(), cmd.end()) == "AUTH TLS\r\n");
}

TEST_CASE("ftps: vsftpd answers 234 to AUTH TLS even when FEAT does not list it") {
  std::size_t consumed = 0;
  const FtpReply off = parse_whole(kFeatTlsv1Off, consumed);
  CHECK(off.code == 211);
  CHECK(consumed == kFeatTlsv1Off.size());
  CHECK_FALSE(lists_auth_tls(off));  // FEAT is advisory: the analyzer asks with AUTH TLS itself
  const FtpReply on = parse_whole(kFeatTlsv1On, consumed);
  CHECK(lists_auth_tls(on));

  const FtpReply ok = parse_whole(kAuthTlsAccepted, consumed);
  CHECK(ok.code == 234);
  CHECK(consumed == kAuthTlsAccepted.size());  // nothing after it: the ClientHello goes next
  REQUIRE_FALSE(ok.lines.empty());
  CHECK(ok.lines.back() == "234 Proceed with negotiation.");

  const FtpReply no = parse_whole(kAuthTlsNoSsl, consumed);
  CHECK(no.code == 530);
}

TEST_CASE("ftps: a 234 reply cut anywhere is need_more, with a TLS record behind it still one reply") {
  for (std::size_t k = 0; k < kAuthTlsAccepted.size(); ++k) {
    const std::vector<std::uint8_t> part(kAuthTlsAccepted.begin(), kAuthTlsAccepted.begin() + static_cast<std::ptrdiff_t>(k));
    FtpReply r;
    std::size_t consumed = 0;
    CAPTURE(k);
    CHECK(parse_ftp_reply(Bytes(part), r, consumed) == Parse::need_more);
  }
  // A server that sent bytes after its 234 (here the start of a TLS record): the reply ends at
  // its CR LF, and the analyzer refuses the connection because bytes are left over.
  std::vector<std::uint8_t> more(kAuthTlsAccepted.begin(), kAuthTlsAccepted.end());
  more.insert(more.end(), {0x16, 0x03, 0x03, 0x00, 0x51});
  FtpReply r;
  std::size_t consumed = 0;
  CHECK(parse_ftp_reply(Bytes(more), r, consumed) == Parse::done);
  CHECK(r.code == 234);
  CHECK(consumed == kAuthTlsAccepted.size());
  CHECK(consumed < more.size());
}
