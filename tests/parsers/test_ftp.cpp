// Parser tests for probes/ftp/ftp.hpp: replies, banner table, command builder.
#include "probes/ftp/ftp.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

using namespace trustscan;
using namespace std::literals;

namespace {

// Captured from vsftpd 3.0.3 (Debian package vsftpd 3.0.3-13+b2), run as
// `vsftpd <own config>` with listen_address=127.0.0.1, listen_port=2121, anonymous_enable=YES,
// and read with a python3 socket client: the greeting on connect, then the reply to each command
// (FEAT; USER anonymous, PASS x@, HELP, SYST on a second connection). Also in
// tests/fuzz/corpus/ftp/.
constexpr std::string_view kVsftpdBanner =
    "220 (vsFTPd 3.0.3)\r\n"sv;
constexpr std::string_view kVsftpdFeat =
    "211-Features:\r\n"
    " EPRT\r\n"
    " MDTM\r\n"
    " REST STREAM\r\n"
    " SIZE\r\n"
    " TVFS\r\n"
    "211 End\r\n"sv;
constexpr std::string_view kVsftpdHelp =
    "214-The following commands are recognized.\r\n"
    " ABOR ACCT ALLO APPE CDUP CWD  DELE EPRT EPSV FEAT HELP LIST MDTM MKD\r\n"
    " MODE NLST NOOP OPTS PASS PASV PORT PWD  QUIT REIN REST RETR RMD  RNFR\r\n"
    " RNTO SITE SIZE SMNT STAT STOR STOU STRU SYST TYPE USER XCUP XCWD XMKD\r\n"
    " XPWD XRMD\r\n"
    "214 Help OK.\r\n"sv;
constexpr std::string_view kVsftpdUser = "331 Please specify the password.\r\n"sv;
constexpr std::string_view kVsftpdPass = "230 Login successful.\r\n"sv;
constexpr std::string_view kVsftpdSyst = "215 UNIX Type: L8\r\n"sv;

bool same(const FtpReply& a, const FtpReply& b) {
  return a.code == b.code && a.lines == b.lines && a.raw == b.raw;
}

// Two reads split at every offset, as a probe appends and re-parses; every proper prefix is
// need_more (these are valid replies, so never invalid either).
void check_ftp_splits(std::string_view all) {
  FtpReply whole;
  std::size_t whole_used = 0;
  REQUIRE(parse_ftp_reply(as_bytes(all), whole, whole_used) == Parse::done);
  REQUIRE(whole_used == all.size());
  for (std::size_t k = 0; k <= all.size(); ++k) {
    std::string buf(all.substr(0, k));
    FtpReply r;
    std::size_t used = 0;
    if (k < all.size()) CHECK(parse_ftp_reply(as_bytes(buf), r, used) == Parse::need_more);
    buf += all.substr(k);
    REQUIRE(parse_ftp_reply(as_bytes(buf), r, used) == Parse::done);
    CHECK(used == whole_used);
    CHECK(same(r, whole));
  }
}

}  // namespace

TEST_CASE("ftp: vsftpd 3.0.3 replies (captured)") {
  FtpReply r;
  std::size_t used = 0;
  REQUIRE(parse_ftp_reply(as_bytes(kVsftpdBanner), r, used) == Parse::done);
  CHECK(r.code == 220);
  CHECK(r.lines == std::vector<std::string>{"220 (vsFTPd 3.0.3)"});
  CHECK(r.raw == kVsftpdBanner);
  CHECK(used == kVsftpdBanner.size());
  const auto id = identify_ftp_server(r.text());
  CHECK(id.product == "vsftpd");
  CHECK(id.version == "3.0.3");

  REQUIRE(parse_ftp_reply(as_bytes(kVsftpdFeat), r, used) == Parse::done);
  CHECK(r.code == 211);
  CHECK(r.lines == std::vector<std::string>{"211-Features:", " EPRT", " MDTM", " REST STREAM",
                                            " SIZE", " TVFS", "211 End"});
  CHECK(r.text() == "211-Features:\n EPRT\n MDTM\n REST STREAM\n SIZE\n TVFS\n211 End");

  REQUIRE(parse_ftp_reply(as_bytes(kVsftpdHelp), r, used) == Parse::done);
  CHECK(r.code == 214);
  CHECK(r.lines.size() == 6);
  CHECK(r.lines.back() == "214 Help OK.");

  for (const auto& [reply, code] : {std::pair{kVsftpdUser, 331}, std::pair{kVsftpdPass, 230},
                                   std::pair{kVsftpdSyst, 215}}) {
    REQUIRE(parse_ftp_reply(as_bytes(reply), r, used) == Parse::done);
    CHECK(r.code == code);
    CHECK(r.lines.size() == 1);
  }
}

TEST_CASE("ftp: every split point gives the same result (captured replies)") {
  for (const auto reply : {kVsftpdBanner, kVsftpdFeat, kVsftpdHelp, kVsftpdUser, kVsftpdSyst}) {
    check_ftp_splits(reply);
  }
}

TEST_CASE("ftp: two replies in one read: consumed is the first one") {
  const std::string both = std::string(kVsftpdUser) + std::string(kVsftpdPass);
  FtpReply r;
  std::size_t used = 0;
  REQUIRE(parse_ftp_reply(as_bytes(both), r, used) == Parse::done);
  CHECK(r.code == 331);
  CHECK(used == kVsftpdUser.size());
  REQUIRE(parse_ftp_reply(as_bytes(both).subspan(used), r, used) == Parse::done);
  CHECK(r.code == 230);
}

TEST_CASE("ftp: reply shapes") {
  FtpReply r;
  std::size_t used = 0;
  SUBCASE("LF-only endings and a bare code") {
    REQUIRE(parse_ftp_reply(as_bytes("220\n"), r, used) == Parse::done);
    CHECK(r.code == 220);
    CHECK(r.lines == std::vector<std::string>{"220"});
  }
  SUBCASE("inner lines with other codes and NNN- prefixes do not end the reply") {
    const auto in = "220-first\r\n220-second\r\n230 not the end\r\n220-\r\n220 last\r\nX"sv;
    REQUIRE(parse_ftp_reply(as_bytes(in), r, used) == Parse::done);
    CHECK(r.lines.size() == 5);
    CHECK(used == in.size() - 1);
  }
  SUBCASE("multi-line reply ending in a bare code") {
    REQUIRE(parse_ftp_reply(as_bytes("211-a\r\n211\r\n"), r, used) == Parse::done);
    CHECK(r.lines.size() == 2);
  }
  SUBCASE("not FTP: judged from the first bytes") {
    for (const auto bad : {"H"sv, "SSH-2.0-x\r\n"sv, "2x"sv, "600 no\r\n"sv, "099 no\r\n"sv,
                           "220x\r\n"sv, "220\rX\n"sv, "22\r\n"sv, "220 a\0b\r\n"sv,
                           "HTTP/1.1 200 OK\r\n"sv}) {
      CHECK(parse_ftp_reply(as_bytes(bad), r, used) == Parse::invalid);
      CHECK(r.lines.empty());
    }
  }
  SUBCASE("incomplete") {
    for (const auto part : {""sv, "2"sv, "220"sv, "220 "sv, "220 ready\r"sv, "220-a\r\n220-b\r\n"sv}) {
      CHECK(parse_ftp_reply(as_bytes(part), r, used) == Parse::need_more);
    }
  }
}

TEST_CASE("ftp: hostile replies are bounded") {
  FtpReply r;
  std::size_t used = 0;
  SUBCASE("1 MiB of 'A'") {
    const std::string big(1 << 20, 'A');
    CHECK(parse_ftp_reply(as_bytes(big), r, used) == Parse::invalid);
  }
  SUBCASE("1 MiB line after a valid code") {
    const std::string big = "220 " + std::string(1 << 20, 'A');
    CHECK(parse_ftp_reply(as_bytes(big), r, used) == Parse::invalid);
    CHECK(parse_ftp_reply(as_bytes(big.substr(0, kFtpMaxReply - 1)), r, used) == Parse::need_more);
  }
  SUBCASE("a multi-line reply that never ends") {
    std::string lines = "220-start\r\n";
    while (lines.size() < 2 * kFtpMaxReply) lines += "220-more\r\n";
    CHECK(parse_ftp_reply(as_bytes(lines), r, used) == Parse::invalid);
  }
  SUBCASE("too many short lines") {
    std::string lines = "220-start\n";
    for (std::size_t i = 0; i < kFtpMaxLines; ++i) lines += "\n";
    lines += "220 end\n";
    CHECK(lines.size() < kFtpMaxReply);
    CHECK(parse_ftp_reply(as_bytes(lines), r, used) == Parse::invalid);
  }
  SUBCASE("random bytes") {
    std::mt19937 rng(959);
    for (int round = 0; round < 500; ++round) {
      std::vector<std::uint8_t> junk(1 + rng() % 2048);
      for (auto& b : junk) b = static_cast<std::uint8_t>(rng());
      CHECK(parse_ftp_reply(junk, r, used) == Parse::invalid);
    }
  }
}

TEST_CASE("ftp: banner table") {
  const auto id = [](std::string_view t) { return identify_ftp_server(t); };
  CHECK(id("220 ProFTPD 1.3.5e Server (Debian) [::ffff:10.0.0.1]").product == "ProFTPD");
  CHECK(id("220 ProFTPD 1.3.5e Server (Debian) [::ffff:10.0.0.1]").version == "1.3.5e");
  CHECK(id("220 ProFTPD Server (ProFTPD Default Installation) [10.0.0.1]").version.empty());
  CHECK(id("220---------- Welcome to Pure-FTPd [privsep] [TLS] ----------").product == "Pure-FTPd");
  CHECK(id("220-FileZilla Server version 0.9.41 beta").version == "0.9.41");
  CHECK(id("220-FileZilla Server 1.7.0\n220 Please visit").version == "1.7.0");
  CHECK(id("220 Microsoft FTP Service").product == "Microsoft FTP Service");
  CHECK(id("220 Serv-U FTP Server v15.1 ready...").version == "15.1");
  CHECK(id("220 cam FTP server (Version wu-2.6.2(1) Mon Dec 3 2001) ready.").product == "wu-ftpd");
  CHECK(id("220 cam FTP server (Version wu-2.6.2(1) Mon Dec 3 2001) ready.").version == "2.6.2");
  CHECK(id("220 vm FTP server (GNU inetutils 2.4) ready.").version == "2.4");
  CHECK(id("220 BusyBox v1.35.0 ftpd").version == "1.35.0");
  CHECK(id("220 wu-tang ftp").product.empty());  // "wu-" needs a version after it
  CHECK(id("220 Operation successful").product.empty());
}

TEST_CASE("ftp: command builder") {
  const auto s = [](const std::vector<std::uint8_t>& v) { return std::string(v.begin(), v.end()); };
  CHECK(s(build_ftp_command("USER", "anonymous")) == "USER anonymous\r\n");
  CHECK(s(build_ftp_command("QUIT")) == "QUIT\r\n");
  CHECK(build_ftp_command("").empty());
  CHECK(build_ftp_command("USER", "x\r\nDELE y").empty());
  CHECK(build_ftp_command("US\nER").empty());
  CHECK(build_ftp_command("PASS", "a\0b"sv).empty());
}

TEST_CASE("ftp: observations") {
  FtpReply r;
  std::size_t used = 0;
  REQUIRE(parse_ftp_reply(as_bytes(kVsftpdBanner), r, used) == Parse::done);
  const auto obs = ftp_observations(r, Endpoint{});
  REQUIRE(obs.size() == 4);
  CHECK(obs[0].key == "ftp.banner");
  CHECK(std::get<std::string>(obs[0].value) == "220 (vsFTPd 3.0.3)");
  CHECK(obs[0].evidence.excerpt == "220 (vsFTPd 3.0.3)\\r\\n");
  CHECK(obs[1].key == "ftp.banner_code");
  CHECK(std::get<std::int64_t>(obs[1].value) == 220);
  CHECK(obs[2].key == "ftp.product");
  CHECK(std::get<std::string>(obs[2].value) == "vsftpd");
  CHECK(obs[3].key == "ftp.version");
  CHECK(std::get<std::string>(obs[3].value) == "3.0.3");

  REQUIRE(parse_ftp_reply(as_bytes("220 Welcome\r\n"), r, used) == Parse::done);
  CHECK(ftp_observations(r, Endpoint{}).size() == 2);  // no product, no version: absent
  CHECK(ftp_observations(FtpReply{}, Endpoint{}).empty());
}
