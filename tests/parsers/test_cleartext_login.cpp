// Cleartext FTP and Telnet logins from both directions of real connections.
//
// Captured on loopback, Debian 12, with daemons in a private mount namespace whose bind-mounted
// /etc/passwd, shadow and group add a test user rdisstest (password Rd1ss-pw) — `unshare -m`
// then `mount --bind`; the host's files are untouched:
//   vsftpd 3.0.3 (listen_address=127.0.0.1, listen_port=42121, local_enable=YES, PAM "vsftpd")
//   busybox 1.35.0 telnetd -F -p 42323 -b 127.0.0.1 -l /bin/login (login 1:4.13, Debian 12)
// `tcpdump -i lo -w login.pcap tcp port 42121 or tcp port 42323`, then
//   kCurlFtpOk*:   curl 7.88.1 ftp://rdisstest:Rd1ss-pw@127.0.0.1:42121/notes.txt
//   kCurlFtpBad*:  curl ftp://rdisstest:wrong@127.0.0.1:42121/notes.txt
//   kFtpRetry*:    printf 'user rdisstest guess1\nuser rdisstest Rd1ss-pw\npwd\nquit\n' | ftp -n -v 127.0.0.1 42121
//   kTelnet*:      busybox telnet 127.0.0.1 42323 fed "rdisstest", "letmein", (5 s) "rdisstest",
//                  "Rd1ss-pw", "id", "exit" one line a second on stdin
// Both directions from `tshark -r login.pcap -z follow,tcp,raw,N -q`.
#include "probes/passive/cleartext_logins.hpp"

#include <doctest/doctest.h>

#include <random>

using namespace trustscan;
using namespace std::string_view_literals;

namespace {

constexpr std::string_view kCurlFtpOkClient =
    "USER rdisstest\r\n"
    "PASS Rd1ss-pw\r\n"
    "PWD\r\n"
    "EPSV\r\n"
    "TYPE I\r\n"
    "SIZE notes.txt\r\n"
    "RETR notes.txt\r\n"
    "QUIT\r\n"sv;
constexpr std::string_view kCurlFtpOkServer =
    "220 (vsFTPd 3.0.3)\r\n"
    "331 Please specify the password.\r\n"
    "230 Login successful.\r\n"
    "257 \"/tmp/rdiss/home/rdisstest\" is the current directory\r\n"
    "229 Entering Extended Passive Mode (|||43912|)\r\n"
    "200 Switching to Binary mode.\r\n"
    "213 6\r\n"
    "150 Opening BINARY mode data connection for notes.txt (6 bytes).\r\n"
    "226 Transfer complete.\r\n"
    "221 Goodbye.\r\n"sv;
constexpr std::string_view kCurlFtpBadClient =
    "USER rdisstest\r\n"
    "PASS wrong\r\n"sv;
constexpr std::string_view kCurlFtpBadServer =
    "220 (vsFTPd 3.0.3)\r\n"
    "331 Please specify the password.\r\n"
    "530 Login incorrect.\r\n"sv;
constexpr std::string_view kFtpRetryClient =
    "USER rdisstest\r\n"
    "PASS guess1\r\n"
    "USER rdisstest\r\n"
    "PASS Rd1ss-pw\r\n"
    "SYST\r\n"
    "FEAT\r\n"
    "PWD\r\n"
    "QUIT\r\n"sv;
constexpr std::string_view kFtpRetryServer =
    "220 (vsFTPd 3.0.3)\r\n"
    "331 Please specify the password.\r\n"
    "530 Login incorrect.\r\n"
    "331 Please specify the password.\r\n"
    "230 Login successful.\r\n"
    "215 UNIX Type: L8\r\n"
    "211-Features:\r\n"
    " EPRT\r\n"
    " EPSV\r\n"
    " MDTM\r\n"
    " PASV\r\n"
    " REST STREAM\r\n"
    " SIZE\r\n"
    " TVFS\r\n"
    "211 End\r\n"
    "257 \"/tmp/rdiss/home/rdisstest\" is the current directory\r\n"
    "221 Goodbye.\r\n"sv;
constexpr std::string_view kTelnetClient =
    "\xff""\xfc""\x01""\xff""\xfb""\x1f""\xff""\xfa""\x1f""\x00""P\x00""\x18""\xff""\xf0""\xff""\xfd""\x01""\xff""\xfd""\x03""rdisstest\r\n"
    "letmein\r\n"
    "rdisstest\r\n"
    "Rd1ss-pw\r\n"
    "id\r\n"
    "exit\r\n"sv;
constexpr std::string_view kTelnetServer =
    "\xff""\xfd""\x01""\xff""\xfd""\x1f""\xff""\xfb""\x01""\xff""\xfb""\x03""\r\r\n"
    "Debian GNU/Linux 12\r\n"
    "\rvm login: rdisstest\r\n"
    "Password: \r\n"
    "\r\n"
    "Login incorrect\r\n"
    "vm login: rdisstest\r\n"
    "Password: \r\n"
    "Linux vm 6.18.44-fc-v669 #1 SMP PREEMPT_DYNAMIC @0 x86_64\r\n"
    "\r\n"
    "The programs included with the Debian GNU/Linux system are free software;\r\n"
    "the exact distribution terms for each program are described in the\r\n"
    "individual files in /usr/share/doc/*/copyright.\r\n"
    "\r\n"
    "Debian GNU/Linux comes with ABSOLUTELY NO WARRANTY, to the extent\r\n"
    "permitted by applicable law.\r\n"
    "Last login: Wed Nov 25 12:19:49 UTC 2026 on pts/0\r\n"
    "$ id\r\n"
    "uid=4242(rdisstest) gid=4242(rdisstest) groups=4242(rdisstest)\r\n"
    "$ exit\r\n"sv;

CleartextLogins ftp(std::string_view client, std::string_view server) {
  CleartextLogins l;
  REQUIRE(parse_ftp_logins(as_bytes(client), as_bytes(server), l) == Parse::done);
  return l;
}

}  // namespace

TEST_CASE("FTP: accepted, refused, and a retry after a refusal") {
  auto l = ftp(kCurlFtpOkClient, kCurlFtpOkServer);
  REQUIRE(l.attempts.size() == 1);
  CHECK(l.attempts[0].username == "rdisstest");
  CHECK(l.attempts[0].password == std::optional<std::string>{"Rd1ss-pw"});
  CHECK(l.attempts[0].accepted == std::optional<bool>{true});
  CHECK(l.attempts[0].detail == "USER rdisstest → 331 Please specify the password. / PASS → 230 Login successful.");

  l = ftp(kCurlFtpBadClient, kCurlFtpBadServer);
  REQUIRE(l.attempts.size() == 1);
  CHECK(l.attempts[0].password == std::optional<std::string>{"wrong"});
  CHECK(l.attempts[0].accepted == std::optional<bool>{false});

  l = ftp(kFtpRetryClient, kFtpRetryServer);
  REQUIRE(l.attempts.size() == 2);
  CHECK(l.attempts[0].password == std::optional<std::string>{"guess1"});
  CHECK(l.attempts[0].accepted == std::optional<bool>{false});
  CHECK(l.attempts[1].password == std::optional<std::string>{"Rd1ss-pw"});
  CHECK(l.attempts[1].accepted == std::optional<bool>{true});

  const auto obs = cleartext_login_observations(l, Endpoint{});
  REQUIRE(obs.size() == 4);
  CHECK(obs[0].key == "ftp.cleartext_login");
  CHECK(std::get<std::string>(obs[0].value) == "rdisstest");
  CHECK(obs[0].evidence.password == "guess1");
  CHECK(obs[3].key == "ftp.cleartext_login_accepted");
  CHECK(std::get<bool>(obs[3].value));
}

TEST_CASE("FTP: the answer not captured yet, prefixes of either direction, not FTP") {
  // The client stream complete, the server's only up to the 331: password seen, outcome unknown.
  const auto upto331 = kCurlFtpOkServer.substr(0, kCurlFtpOkServer.find("230"));
  auto l = ftp(kCurlFtpOkClient, upto331);
  REQUIRE(l.attempts.size() == 1);
  CHECK(l.attempts[0].password == std::optional<std::string>{"Rd1ss-pw"});
  CHECK_FALSE(l.attempts[0].accepted);

  // Every split point of the client stream: never a wrong outcome, and the whole gives the result.
  for (std::size_t n = 0; n <= kFtpRetryClient.size(); ++n) {
    CleartextLogins part;
    const Parse p = parse_ftp_logins(as_bytes(kFtpRetryClient.substr(0, n)), as_bytes(kFtpRetryServer), part);
    CHECK(p != Parse::invalid);
    for (const auto& a : part.attempts)
      if (a.accepted && *a.accepted) CHECK(a.password == std::optional<std::string>{"Rd1ss-pw"});
  }
  for (std::size_t n = 0; n <= kFtpRetryServer.size(); ++n) {
    CleartextLogins part;
    (void)parse_ftp_logins(as_bytes(kFtpRetryClient), as_bytes(kFtpRetryServer.substr(0, n)), part);
    for (const auto& a : part.attempts)
      if (a.accepted && *a.accepted) CHECK(a.password == std::optional<std::string>{"Rd1ss-pw"});
  }

  CleartextLogins bad;
  CHECK(parse_ftp_logins(as_bytes("GET / HTTP/1.1\r\nHost: x\r\n\r\n"sv), {}, bad) == Parse::invalid);
  const auto tls = "AUTH TLS\r\nUSER x\r\n"sv;
  CHECK(parse_ftp_logins(as_bytes(tls), as_bytes("220 hi\r\n234 Proceed\r\n"sv), bad) == Parse::need_more);
  CHECK(bad.tls_upgraded);
  CHECK(bad.attempts.empty());
}

TEST_CASE("Telnet: a refused then an accepted login through /bin/login") {
  CleartextLogins l;
  REQUIRE(parse_telnet_logins(as_bytes(kTelnetClient), as_bytes(kTelnetServer), l) == Parse::done);
  REQUIRE(l.attempts.size() == 2);
  CHECK(l.attempts[0].username == "rdisstest");
  CHECK(l.attempts[0].password == std::optional<std::string>{"letmein"});
  CHECK(l.attempts[0].accepted == std::optional<bool>{false});
  CHECK(l.attempts[1].username == "rdisstest");
  CHECK(l.attempts[1].password == std::optional<std::string>{"Rd1ss-pw"});
  CHECK(l.attempts[1].accepted == std::optional<bool>{true});
  const auto obs = cleartext_login_observations(l, Endpoint{});
  REQUIRE(obs.size() == 4);
  CHECK(obs[2].key == "telnet.cleartext_login");
  CHECK(obs[2].evidence.password == "Rd1ss-pw");

  // Server output cut before the shell: the second attempt's outcome is unknown.
  const auto cut = kTelnetServer.substr(0, kTelnetServer.rfind("Password:") + 10);
  REQUIRE(parse_telnet_logins(as_bytes(kTelnetClient), as_bytes(cut), l) == Parse::done);
  REQUIRE(l.attempts.size() == 2);
  CHECK_FALSE(l.attempts[1].accepted);
}

TEST_CASE("Telnet: editing keys, password-only prompts, nothing typed, garbage") {
  CleartextLogins l;
  const auto server = "\r\nPassword: \r\n# "sv;
  const auto client = "adnin\x7f\x7f\x7fmin\r\x00"sv;  // NVT CR NUL line end, DEL editing
  REQUIRE(parse_telnet_logins(as_bytes(client), as_bytes(server), l) == Parse::done);
  REQUIRE(l.attempts.size() == 1);
  CHECK(l.attempts[0].username.empty());
  CHECK(l.attempts[0].password == std::optional<std::string>{"admin"});
  CHECK(l.attempts[0].accepted == std::optional<bool>{true});

  CHECK(parse_telnet_logins({}, as_bytes(kTelnetServer), l) == Parse::need_more);
  CHECK(parse_telnet_logins(as_bytes(kTelnetClient), {}, l) == Parse::need_more);

  std::mt19937 rng(5);
  std::string a(400, ' '), b(400, ' ');
  for (int i = 0; i < 300; ++i) {
    for (auto& c : a) c = static_cast<char>(rng() % 4 == 0 ? '\n' : 'a' + rng() % 26);
    for (auto& c : b) c = static_cast<char>(rng());
    (void)parse_telnet_logins(as_bytes(a), as_bytes(b), l);
    (void)parse_ftp_logins(as_bytes(a), as_bytes(b), l);
    CHECK(l.attempts.size() <= kLoginMaxAttempts);
  }
}

TEST_CASE("FTP transfers: EPSV then RETR, as curl and vsftpd 3.0.3 spoke") {
  std::vector<FtpTransfer> t;
  REQUIRE(parse_ftp_transfers(as_bytes(kCurlFtpOkClient), as_bytes(kCurlFtpOkServer), t) == Parse::done);
  REQUIRE(t.size() == 1);
  CHECK(t[0].verb == "RETR");
  CHECK(t[0].path == "notes.txt");
  CHECK(t[0].reply == 226);
  CHECK(t[0].passive);
  CHECK(t[0].data_host.empty());  // EPSV names no address: the control connection's server
  CHECK(t[0].data_port == 43912);
}

TEST_CASE("FTP transfers: PASV, PORT and EPRT announce the data connection of the next transfer only") {
  // Command and reply shapes of RFC 959 §4.1.2/§4.2 and RFC 2428 §2-3, written here; the PASV
  // reply and PORT command are those of vsftpd 3.0.3 and curl in pcaps/ftp-download.pcap.
  const auto client =
      "USER anonymous\r\nPASS x@\r\nPASV\r\nRETR fw.bin\r\nLIST\r\nPORT 198,19,250,10,200,17\r\nSTOR snap.jpg\r\n"
      "EPRT |2|fd00::10|5282|\r\nRETR /pub/image\r\nPASV\r\nRETR gone.bin\r\nQUIT\r\n"sv;
  const auto server =
      "220 hi\r\n331 pw\r\n230 ok\r\n227 Entering Passive Mode (198,19,250,2,195,80).\r\n150 go\r\n226 done\r\n"
      "150 go\r\n226 listed\r\n200 PORT command successful.\r\n150 go\r\n226 stored\r\n200 EPRT ok\r\n"
      "150 go\r\n226 done\r\n227 =198,19,250,2,4,1\r\n550 Failed to open file.\r\n221 bye\r\n"sv;
  std::vector<FtpTransfer> t;
  REQUIRE(parse_ftp_transfers(as_bytes(client), as_bytes(server), t) == Parse::done);
  REQUIRE(t.size() == 5);
  CHECK((t[0].verb == "RETR" && t[0].path == "fw.bin" && t[0].passive && t[0].reply == 226));
  CHECK(t[0].data_host == "198.19.250.2");
  CHECK(t[0].data_port == 195 * 256 + 80);
  CHECK(t[1].verb == "LIST");  // no PASV before it: nothing announced
  CHECK(t[1].data_port == 0);
  CHECK(t[1].path.empty());
  CHECK((t[2].verb == "STOR" && !t[2].passive && t[2].data_host == "198.19.250.10" && t[2].data_port == 200 * 256 + 17));
  CHECK((t[3].path == "/pub/image" && t[3].data_host == "fd00::10" && t[3].data_port == 5282 && !t[3].passive));
  CHECK((t[4].path == "gone.bin" && t[4].reply == 550 && t[4].data_port == 4 * 256 + 1));

  // Nothing announced that does not parse: a port of 0, a number above 255, a PORT refused.
  t.clear();
  REQUIRE(parse_ftp_transfers(as_bytes("PASV\r\nRETR a\r\nPORT 1,2,3,4,0,0\r\nRETR b\r\nPORT 1,2,3,256,1,1\r\nRETR c\r\n"
                                       "EPRT |1|1.2.3.4|99999|\r\nRETR d\r\nPORT 1,2,3,4,5,6\r\nRETR e\r\n"sv),
                              as_bytes("220 hi\r\n227 no numbers here\r\n550 x\r\n200 ok\r\n550 x\r\n200 ok\r\n550 x\r\n"
                                       "200 ok\r\n550 x\r\n500 PORT refused\r\n550 x\r\n"sv),
                              t) == Parse::done);
  REQUIRE(t.size() == 5);
  for (const auto& x : t) {
    CHECK(x.data_port == 0);
    CHECK(x.data_host.empty());
  }
  CHECK(t[0].passive);

  // Not FTP, and an FTP session without transfers.
  CHECK(parse_ftp_transfers(as_bytes("\x16\x03\x01\x02\x00\r\n"sv), as_bytes(""sv), t) == Parse::invalid);
  CHECK(parse_ftp_transfers(as_bytes(kCurlFtpBadClient), as_bytes(kCurlFtpBadServer), t) != Parse::invalid);
}
