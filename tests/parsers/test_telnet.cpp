// Parser tests for probes/telnet/telnet.hpp: option negotiation, replies, prompt classification.
#include "probes/telnet/telnet.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

using namespace trustscan;
using namespace std::literals;

namespace {

// Every byte the server sent, in order, captured with a python3 socket client that answers
// negotiation with the same policy as TelnetParser (DO→WONT, WILL→DONT except WILL ECHO/SGA→DO,
// once per pair), waits for the login prompt, sends "nobodyx\r\n", then "wrongpass\r\n"
// (not echoed), and reads the second login prompt. Also in tests/fuzz/corpus/telnet/.
//
// GNU inetutils telnetd 2.4 (Debian package inetutils-telnetd 2:2.4-2+deb12u3), run under
// `socat TCP-LISTEN:2323,bind=127.0.0.1,fork EXEC:"/usr/sbin/telnetd -E /bin/login"`.
constexpr std::string_view kInetutils =
    "\xff\xfb%\xff\xfb&\xff\xfd\x18\xff\xfd \xff\xfd#\xff\xfd'\xff\xfd$\xff\xfb\x03\xff\xfd\x01\xff\xfd\"\xff\xfd\x1f\xff\xfb\x05\xff\xfd!\xff\xfb\x01\xff\xfd\x06\xff\xfd\x00\r\n"
    "Linux 6.18.44-fc-v669 (localhost) (pts/0)\r\n"
    "\r\n"
    "vm login: nobodyx\r\n"
    "Password: \r\n"
    "\r\n"
    "Login incorrect\r\n"
    "vm login: "sv;  // 155 bytes
// BusyBox v1.35.0 telnetd (Debian package busybox 1:1.35.0-4+deb12u1+b1), run as
// `busybox telnetd -p 2324 -b 127.0.0.1 -F -l /bin/login`.
constexpr std::string_view kBusyboxLogin =
    "\xff\xfd\x01\xff\xfd\x1f\xff\xfb\x01\xff\xfb\x03\r\r\n"
    "Debian GNU/Linux 12\r\n"
    "\rvm login: nobodyx\r\n"
    "Password: \r\n"
    "\r\n"
    "Login incorrect\r\n"
    "vm login: "sv;  // 97 bytes
// The same BusyBox telnetd run as `busybox telnetd -p 2325 -b 127.0.0.1 -F -l /bin/sh`: a root
// shell with no login at all (dash prints "# "). Captured until the prompt.
constexpr std::string_view kBusyboxSh =
    "\xff\xfd\x01\xff\xfd\x1f\xff\xfb\x01\xff\xfb\x03\r\r\n"
    "Debian GNU/Linux 12\r\n"
    "\r# "sv;  // 39 bytes

struct Fed {
  Parse last = Parse::need_more;
  TelnetResult result;
  std::vector<std::uint8_t> replies;
};

// Feeds `parts` in order, collecting every reply as a client would send it.
Fed feed_all(std::initializer_list<std::string_view> parts) {
  TelnetParser p;
  Fed f;
  for (const auto part : parts) {
    f.last = p.feed(as_bytes(part));
    const auto r = p.take_replies();
    f.replies.insert(f.replies.end(), r.begin(), r.end());
  }
  f.result = p.result();
  return f;
}

bool same(const Fed& a, const Fed& b) {
  return a.last == b.last && a.replies == b.replies && a.result.text == b.result.text &&
         a.result.tail == b.result.tail && a.result.text_bytes == b.result.text_bytes &&
         a.result.options == b.result.options && a.result.raw == b.result.raw &&
         a.result.prompt == b.result.prompt;
}

void check_telnet_splits(std::string_view all) {
  const Fed whole = feed_all({all});
  for (std::size_t k = 0; k <= all.size(); ++k) {
    CHECK(same(feed_all({all.substr(0, k), all.substr(k)}), whole));
  }
  // And one byte per read, the worst case for a command split across reads.
  TelnetParser p;
  Fed bytes;
  for (const char c : all) {
    bytes.last = p.feed(as_bytes(std::string_view(&c, 1)));
    const auto r = p.take_replies();
    bytes.replies.insert(bytes.replies.end(), r.begin(), r.end());
  }
  bytes.result = p.result();
  CHECK(same(bytes, whole));
}

std::vector<std::uint8_t> iac(std::initializer_list<std::uint8_t> cmds) {
  std::vector<std::uint8_t> v;
  for (auto it = cmds.begin(); it != cmds.end(); it += 2) v.insert(v.end(), {kTelnetIac, *it, *(it + 1)});
  return v;
}

}  // namespace

TEST_CASE("telnet: BusyBox telnetd login (captured)") {
  const std::string_view first = kBusyboxLogin.substr(0, kBusyboxLogin.find("nobodyx"));
  const Fed f = feed_all({first});
  CHECK(f.last == Parse::done);
  CHECK(f.result.prompt == TelnetPrompt::login);
  CHECK(f.result.options == std::vector<std::string>{"DO ECHO", "DO NAWS", "WILL ECHO", "WILL SGA"});
  // WONT ECHO, WONT NAWS, DO ECHO, DO SGA: what the capture client sent too.
  CHECK(f.replies == iac({kTelnetWont, 1, kTelnetWont, 31, kTelnetDo, 1, kTelnetDo, 3}));
  CHECK(f.result.text == "\r\r\nDebian GNU/Linux 12\r\n\rvm login: ");
  const auto obs = telnet_observations(f.result, Endpoint{});
  REQUIRE(obs.size() == 3);
  CHECK(obs[0].key == "telnet.banner");
  CHECK(std::get<std::string>(obs[0].value) == "Debian GNU/Linux 12");
  CHECK(obs[1].key == "telnet.options");
  CHECK(std::get<std::vector<std::string>>(obs[1].value).size() == 4);
  CHECK(obs[2].key == "telnet.prompt");
  CHECK(std::get<std::string>(obs[2].value) == "login");
  CHECK(obs[2].evidence.excerpt.starts_with("\\xff\\xfd\\x01"));

  const Fed whole = feed_all({kBusyboxLogin});
  CHECK(whole.last == Parse::done);
  CHECK(whole.result.prompt == TelnetPrompt::login);
  CHECK(whole.replies == f.replies);  // nothing new to answer after the prompt

  const std::string_view to_password = kBusyboxLogin.substr(0, kBusyboxLogin.find("\r\n\r\nLogin"));
  CHECK(feed_all({to_password}).result.prompt == TelnetPrompt::password);
  const std::string_view to_echo = kBusyboxLogin.substr(0, kBusyboxLogin.find("Password"));
  CHECK(feed_all({to_echo}).last == Parse::need_more);  // last line is the echoed "nobodyx"
}

TEST_CASE("telnet: GNU inetutils telnetd login (captured)") {
  const std::string_view first = kInetutils.substr(0, kInetutils.find("nobodyx"));
  const Fed f = feed_all({first});
  CHECK(f.last == Parse::done);
  CHECK(f.result.prompt == TelnetPrompt::login);
  CHECK(f.result.options ==
        std::vector<std::string>{"WILL AUTHENTICATION", "WILL ENCRYPT", "DO TTYPE", "DO TSPEED",
                                 "DO XDISPLOC", "DO NEW-ENVIRON", "DO OLD-ENVIRON", "WILL SGA",
                                 "DO ECHO", "DO LINEMODE", "DO NAWS", "WILL STATUS", "DO LFLOW",
                                 "WILL ECHO", "DO TIMING-MARK", "DO BINARY"});
  CHECK(f.replies == iac({kTelnetDont, 37, kTelnetDont, 38, kTelnetWont, 24, kTelnetWont, 32,
                          kTelnetWont, 35, kTelnetWont, 39, kTelnetWont, 36, kTelnetDo, 3,
                          kTelnetWont, 1, kTelnetWont, 34, kTelnetWont, 31, kTelnetDont, 5,
                          kTelnetWont, 33, kTelnetDo, 1, kTelnetWont, 6, kTelnetWont, 0}));
  const auto obs = telnet_observations(f.result, Endpoint{});
  REQUIRE(obs.size() == 3);
  CHECK(std::get<std::string>(obs[0].value) == "Linux 6.18.44-fc-v669 (localhost) (pts/0)");
  CHECK(feed_all({kInetutils}).result.prompt == TelnetPrompt::login);
}

TEST_CASE("telnet: BusyBox telnetd with a shell and no login (captured)") {
  const Fed f = feed_all({kBusyboxSh});
  CHECK(f.last == Parse::done);
  CHECK(f.result.prompt == TelnetPrompt::shell);
  const auto obs = telnet_observations(f.result, Endpoint{});
  REQUIRE(obs.size() == 3);
  CHECK(std::get<std::string>(obs[0].value) == "Debian GNU/Linux 12");
  CHECK(std::get<std::string>(obs[2].value) == "shell");
}

TEST_CASE("telnet: every split point gives the same state (captured streams)") {
  check_telnet_splits(kBusyboxLogin);
  check_telnet_splits(kInetutils);
  check_telnet_splits(kBusyboxSh);
}

TEST_CASE("telnet: prefixes never fail and show no prompt before the real one") {
  for (const auto& [all, marker] : {std::pair{kBusyboxLogin, "login:"sv},
                                     std::pair{kInetutils, "login:"sv}, std::pair{kBusyboxSh, "# "sv}}) {
    const std::size_t prompt_at = all.find(marker);
    REQUIRE(prompt_at > 20);
    for (std::size_t k = 0; k < all.size(); ++k) {
      const Fed f = feed_all({all.substr(0, k)});
      CHECK(f.last != Parse::invalid);
      if (k <= prompt_at) CHECK(f.last == Parse::need_more);
    }
  }
}

TEST_CASE("telnet: command handling") {
  SUBCASE("IAC IAC is a data 0xff; NUL is dropped; NOP and GA are ignored") {
    const Fed f = feed_all({"a\xff\xff" "b\0c\xff\xf1" "d\xff\xf9"sv});
    CHECK(f.result.text == "a\xff" "bcd");
    CHECK(f.result.options.empty());
    CHECK(f.replies.empty());
  }
  SUBCASE("subnegotiation is skipped and recorded") {
    const Fed f = feed_all({"x\xff\xfa\x18\x01\xff\xff\xff\xf0y"sv});
    CHECK(f.result.text == "xy");
    CHECK(f.result.options == std::vector<std::string>{"SB TTYPE"});
  }
  SUBCASE("each request is answered once: no negotiation loops") {
    const Fed f = feed_all({"\xff\xfd\x18\xff\xfd\x18\xff\xfb\x01\xff\xfb\x01\xff\xfb\x2a\xff\xfb\x2a"sv});
    CHECK(f.replies == iac({kTelnetWont, 24, kTelnetDo, 1, kTelnetDont, 42}));
    CHECK(f.result.options == std::vector<std::string>{"DO TTYPE", "WILL ECHO", "WILL 42"});
  }
  SUBCASE("WONT after our DO is acknowledged; DONT and unrequested WONT are not answered") {
    const Fed f = feed_all({"\xff\xfb\x03\xff\xfc\x03\xff\xfc\x01\xff\xfe\x01"sv});
    CHECK(f.replies == iac({kTelnetDo, 3, kTelnetDont, 3}));
  }
}

TEST_CASE("telnet: hostile streams stay bounded") {
  SUBCASE("1 MiB of 'A'") {
    TelnetParser p;
    const std::string big(1 << 20, 'A');
    CHECK(p.feed(as_bytes(big)) == Parse::need_more);
    CHECK(p.result().text.size() == kTelnetMaxText);
    CHECK(p.result().tail.size() == kTelnetTail);
    CHECK(p.result().text_bytes == big.size());
    CHECK(p.result().raw.size() == Evidence::kMaxExcerpt);
  }
  SUBCASE("a subnegotiation that never ends is invalid, for good") {
    TelnetParser p;
    std::string sb = "\xff\xfa\x18";
    sb += std::string(kTelnetMaxSubneg - 1, 'x');
    CHECK(p.feed(as_bytes(sb)) == Parse::need_more);
    CHECK(p.feed(as_bytes("y")) == Parse::invalid);
    CHECK(p.feed(as_bytes("\xff\xf0login: ")) == Parse::invalid);
  }
  SUBCASE("the state at the failure does not depend on read boundaries (fuzzer regression)") {
    const std::string all = "login: \xff\xfa\x18" + std::string(kTelnetMaxSubneg + 10, 'x');
    const std::string_view v = all;
    for (const std::size_t k : {std::size_t{0}, std::size_t{7}, std::size_t{12}, all.size()}) {
      const Fed f = feed_all({v.substr(0, k), v.substr(k)});
      CHECK(f.last == Parse::invalid);
      CHECK(f.result.prompt == TelnetPrompt::login);
    }
  }
  SUBCASE("a negotiation flood: replies and options are capped") {
    std::string flood;
    for (int i = 0; i < 100000; ++i) {
      flood += "\xff";
      flood += static_cast<char>(kTelnetWill + i % 4);
      flood += static_cast<char>(i % 256);
    }
    TelnetParser p;
    CHECK(p.feed(as_bytes(flood)) == Parse::need_more);
    CHECK(p.take_replies().size() <= 3 * 4 * 256);
    CHECK(p.result().options.size() == kTelnetMaxOptions);
  }
  SUBCASE("random bytes") {
    std::mt19937 rng(854);
    for (int round = 0; round < 300; ++round) {
      TelnetParser p;
      std::vector<std::uint8_t> junk(1 + rng() % 8192);
      for (auto& b : junk) b = static_cast<std::uint8_t>(rng() % 4 == 0 ? 0xff : rng());
      (void)p.feed(junk);
      CHECK(p.result().text.size() <= kTelnetMaxText);
      CHECK(p.result().tail.size() <= kTelnetTail);
      CHECK(p.result().options.size() <= kTelnetMaxOptions);
      CHECK(p.take_replies().size() <= 3 * 4 * 256);
      (void)telnet_observations(p.result(), Endpoint{});
    }
  }
}

TEST_CASE("telnet: prompt classification") {
  const auto c = [](std::string_view t) { return classify_telnet_prompt(t); };
  CHECK(c("") == TelnetPrompt::none);
  CHECK(c("\r\n\r\n  \r\n") == TelnetPrompt::none);
  CHECK(c("vm login: ") == TelnetPrompt::login);
  CHECK(c("Welcome\r\nUsername:") == TelnetPrompt::login);
  CHECK(c("User Name:  ") == TelnetPrompt::login);
  CHECK(c("USER:") == TelnetPrompt::login);
  CHECK(c("login as: ") == TelnetPrompt::login);
  CHECK(c("Password: ") == TelnetPrompt::password);
  CHECK(c("Login password:") == TelnetPrompt::password);
  CHECK(c("admin's PASSWORD:\t") == TelnetPrompt::password);
  CHECK(c("login: admin\r\nPassword: \r\n") == TelnetPrompt::password);  // last non-empty line
  CHECK(c("root@camera:~# ") == TelnetPrompt::shell);
  CHECK(c("\r\n$ ") == TelnetPrompt::shell);
  CHECK(c("RouterOS>") == TelnetPrompt::shell);
  CHECK(c("Last login: Tue Nov 25 09:00:00 2025 from 10.0.0.2") == TelnetPrompt::none);
  CHECK(c("Login incorrect") == TelnetPrompt::none);
  CHECK(c(std::string(200, '=') + "#") == TelnetPrompt::none);  // too long for a prompt
  CHECK(c("user:\r\nthanks") == TelnetPrompt::none);
  CHECK(to_string(TelnetPrompt::password) == "password");
}
