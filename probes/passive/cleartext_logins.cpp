// trustscan — cleartext FTP and Telnet logins from the two directions of a connection.
#include "probes/passive/cleartext_logins.hpp"
#include "probes/passive/passive_keys.hpp"

#include "probes/ftp/ftp.hpp"
#include "probes/http/http_request.hpp"  // ascii_lower
#include "probes/telnet/telnet.hpp"

#include <algorithm>

namespace trustscan {

namespace {

std::string capped(std::string_view s) { return std::string(s.substr(0, kLoginMaxField)); }

// Lines of text split at CR, LF or CR LF; a final unterminated line is kept when `keep_partial`.
std::vector<std::string_view> split_lines(std::string_view text, bool keep_partial) {
  std::vector<std::string_view> lines;
  std::size_t start = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\r' && text[i] != '\n') continue;
    lines.push_back(text.substr(start, i - start));
    if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
    start = i + 1;
  }
  if (keep_partial && start < text.size()) lines.push_back(text.substr(start));
  return lines;
}

// ---- FTP -------------------------------------------------------------------------------------

// The server's final replies in order (1xx skipped); stops at the first incomplete one.
std::vector<FtpReply> final_replies(Bytes server) {
  std::vector<FtpReply> replies;
  std::size_t pos = 0;
  while (pos < server.size() && replies.size() < 1024) {
    FtpReply r;
    std::size_t used = 0;
    if (parse_ftp_reply(server.subspan(pos), r, used) != Parse::done) break;
    pos += used;
    if (r.code >= 200) replies.push_back(std::move(r));
  }
  return replies;
}

bool ftp_verb(std::string_view v) {
  return v.size() >= 3 && v.size() <= 4 &&
         std::all_of(v.begin(), v.end(), [](char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); });
}

// Walks one FTP control connection: each command line of the client, with its verb (lower
// case), its argument and its final reply (nullptr when the capture has not got it; 1xx replies
// skipped, the greeting not paired). `step` returns false to stop. false when a line is not an
// FTP command (the walk ends there).
template <class Step>
bool walk_ftp_commands(Bytes client, Bytes server, Step&& step) {
  const auto replies = final_replies(server.first(std::min(server.size(), kLoginMaxStream)));
  const auto commands = split_lines(as_text(client.first(std::min(client.size(), kLoginMaxStream))), false);
  std::size_t reply = 1;  // replies[0] is the greeting
  for (const auto cmd_line : commands) {
    if (cmd_line.empty()) continue;
    const auto sp = cmd_line.find(' ');
    const std::string verb = ascii_lower(cmd_line.substr(0, sp));
    const std::string_view arg = sp == std::string_view::npos ? std::string_view{} : cmd_line.substr(sp + 1);
    if (!ftp_verb(verb)) return false;
    const FtpReply* answer = reply < replies.size() ? &replies[reply] : nullptr;
    ++reply;
    if (!step(verb, arg, answer)) break;
  }
  return true;
}

// "h1,h2,h3,h4,p1,p2" somewhere in `text` (PORT's argument, PASV's 227 reply: RFC 959 §4.1.2 and
// §4.2 leave the reply's wording free, so the first run of six comma-separated numbers counts).
bool ftp_host_port(std::string_view text, std::string& host, std::uint16_t& port) {
  for (std::size_t start = 0; start < text.size(); ++start) {
    if (text[start] < '0' || text[start] > '9' || (start > 0 && text[start - 1] >= '0' && text[start - 1] <= '9')) continue;
    unsigned v[6] = {};
    std::size_t i = start, n = 0;
    for (; n < 6; ++n) {
      std::size_t digits = 0;
      while (i < text.size() && text[i] >= '0' && text[i] <= '9' && digits < 4) {
        v[n] = v[n] * 10 + unsigned(text[i++] - '0');
        ++digits;
      }
      if (digits == 0 || digits > 3 || v[n] > 255) break;
      if (n < 5) {
        if (i >= text.size() || text[i] != ',') break;
        ++i;
      }
    }
    if (n != 6) continue;
    host = std::to_string(v[0]) + "." + std::to_string(v[1]) + "." + std::to_string(v[2]) + "." + std::to_string(v[3]);
    port = static_cast<std::uint16_t>(v[4] * 256 + v[5]);
    return port != 0;
  }
  return false;
}

// The fields of an RFC 2428 "<d>f1<d>f2<d>f3<d>" argument (EPRT's, or EPSV's "(|||port|)" with
// empty first two): the delimiter is the first character, any of ASCII 33-126.
bool ftp_extended(std::string_view text, std::string& host, std::uint16_t& port) {
  if (text.size() < 5 || text[0] < 33 || text[0] > 126) return false;
  const char d = text[0];
  std::string_view f[3];
  std::size_t pos = 1;
  for (auto& field : f) {
    const auto end = text.find(d, pos);
    if (end == std::string_view::npos) return false;
    field = text.substr(pos, end - pos);
    pos = end + 1;
  }
  if (f[2].empty() || f[2].size() > 5 || f[1].size() > 64) return false;
  unsigned p = 0;
  for (const char c : f[2]) {
    if (c < '0' || c > '9') return false;
    p = p * 10 + unsigned(c - '0');
  }
  if (p == 0 || p > 65535) return false;
  host = std::string(f[1]);
  port = static_cast<std::uint16_t>(p);
  return true;
}

// ---- Telnet ----------------------------------------------------------------------------------

enum class Event { login, password, failure, success };

// Telnet text of one direction (commands removed, CR NUL → CR).
std::string telnet_text(Bytes in) {
  TelnetParser p;
  (void)p.feed(in);
  return p.result().text;
}

// Applies backspace (0x08) and DEL (0x7f) editing to a typed line.
std::string edited(std::string_view typed) {
  std::string out;
  for (const char c : typed) {
    if (c == '\x08' || c == '\x7f') {
      if (!out.empty()) out.pop_back();
    } else {
      out += c;
    }
  }
  return out;
}

// Events of one server line, in order of position.
void line_events(std::string_view line, std::vector<Event>& events) {
  const std::string l = ascii_lower(line);
  for (const char* word : {"incorrect", "failed", "denied", "invalid"})
    if (l.find(word) != std::string::npos) {
      events.push_back(Event::failure);
      return;
    }
  if (l.find("last login") != std::string::npos) {
    events.push_back(Event::success);
    return;
  }
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    const bool follows_ok = i + 1 == line.size() || line[i + 1] == ' ';
    if (c == ':') {
      const TelnetPrompt p = classify_telnet_prompt(line.substr(0, i + 1));
      if (p == TelnetPrompt::login) events.push_back(Event::login);
      if (p == TelnetPrompt::password) events.push_back(Event::password);
      if (p == TelnetPrompt::login || p == TelnetPrompt::password) return;
    } else if ((c == '#' || c == '$' || c == '>') && follows_ok &&
               classify_telnet_prompt(line.substr(0, i + 1)) == TelnetPrompt::shell) {
      events.push_back(Event::success);
      return;
    }
  }
}

}  // namespace

Parse parse_ftp_logins(Bytes client, Bytes server, CleartextLogins& out) noexcept {
  out = CleartextLogins{};
  out.protocol = "ftp";
  const bool ftp = walk_ftp_commands(client, server, [&](const std::string& verb, std::string_view arg, const FtpReply* answer) {
    const auto note = [&](CleartextLogin& a, const char* what) {
      a.detail += std::string(a.detail.empty() ? "" : " / ") + what;
      if (answer) a.detail += " → " + std::string(answer->lines.empty() ? "" : answer->lines.back());
    };
    if (verb == "user") {
      if (out.attempts.size() >= kLoginMaxAttempts) return false;
      CleartextLogin a;
      a.username = capped(arg);
      note(a, ("USER " + a.username).c_str());
      if (answer && answer->code == 230) a.accepted = true;
      if (answer && answer->code >= 400) a.accepted = false;
      out.attempts.push_back(std::move(a));
    } else if (verb == "pass" && !out.attempts.empty() && !out.attempts.back().password) {
      CleartextLogin& a = out.attempts.back();
      a.password = capped(arg);
      note(a, "PASS");
      if (answer) {
        if (answer->code == 230 || answer->code == 202) a.accepted = true;
        else if (answer->code >= 400) a.accepted = false;
      }
    } else if (verb == "auth" && answer && answer->code == 234) {
      out.tls_upgraded = true;
      return false;
    }
    return true;
  });
  if (!ftp && out.attempts.empty()) return Parse::invalid;
  return out.attempts.empty() ? Parse::need_more : Parse::done;
}

Parse parse_ftp_transfers(Bytes client, Bytes server, std::vector<FtpTransfer>& out) noexcept {
  out.clear();
  FtpTransfer next;  // where the next transfer's data connection goes
  const bool ftp = walk_ftp_commands(client, server, [&](const std::string& verb, std::string_view arg, const FtpReply* answer) {
    const std::string_view answer_text = answer && !answer->lines.empty() ? std::string_view(answer->lines.back()) : "";
    if (verb == "pasv" || verb == "epsv") {
      next = FtpTransfer{};
      next.passive = true;
      if (answer && answer->code == 227) (void)ftp_host_port(answer_text.substr(std::min<std::size_t>(4, answer_text.size())), next.data_host, next.data_port);
      if (answer && answer->code == 229)
        if (const auto open = answer_text.find('('); open != std::string_view::npos)
          (void)ftp_extended(answer_text.substr(open + 1), next.data_host, next.data_port);
      if (next.data_port == 0) next.data_host.clear();
    } else if (verb == "port" || verb == "eprt") {
      next = FtpTransfer{};
      const bool ok = verb == "port" ? ftp_host_port(arg, next.data_host, next.data_port) : ftp_extended(arg, next.data_host, next.data_port);
      if (!ok || (answer && answer->code >= 400)) next = FtpTransfer{};
    } else if (verb == "retr" || verb == "stor" || verb == "stou" || verb == "appe" || verb == "list" || verb == "nlst" ||
               verb == "mlsd") {
      if (out.size() >= kFtpMaxTransfers) return false;
      FtpTransfer t = next;
      t.verb = verb;
      std::transform(t.verb.begin(), t.verb.end(), t.verb.begin(), [](char c) { return char(c - 'a' + 'A'); });
      t.path = capped(arg);
      t.reply = answer ? answer->code : 0;
      out.push_back(std::move(t));
      next = FtpTransfer{};  // a data connection serves one transfer (RFC 959 §3.2)
    } else if (verb == "auth" && answer && answer->code == 234) {
      return false;
    }
    return true;
  });
  if (!ftp && out.empty()) return Parse::invalid;
  return out.empty() ? Parse::need_more : Parse::done;
}

Parse parse_telnet_logins(Bytes client, Bytes server, CleartextLogins& out) noexcept {
  out = CleartextLogins{};
  out.protocol = "telnet";
  const std::string server_text = telnet_text(server.first(std::min(server.size(), kLoginMaxStream)));
  const std::string client_text = telnet_text(client.first(std::min(client.size(), kLoginMaxStream)));
  std::vector<Event> events;
  for (const auto line : split_lines(server_text, true)) line_events(line, events);
  const auto typed = split_lines(client_text, false);
  std::size_t next_line = 0;
  const auto take_line = [&]() -> std::optional<std::string> {
    if (next_line >= typed.size()) return std::nullopt;
    return capped(edited(typed[next_line++]));
  };
  CleartextLogin* open = nullptr;  // the attempt waiting for its outcome
  for (const Event e : events) {
    if (e == Event::login) {
      const auto name = take_line();
      if (!name || out.attempts.size() >= kLoginMaxAttempts) break;
      out.attempts.push_back(CleartextLogin{*name, std::nullopt, std::nullopt, "login: " + *name});
      open = nullptr;
    } else if (e == Event::password) {
      const auto pw = take_line();
      if (!pw) break;
      if (out.attempts.empty() || out.attempts.back().password) {  // a password-only prompt
        if (out.attempts.size() >= kLoginMaxAttempts) break;
        out.attempts.push_back(CleartextLogin{"", std::nullopt, std::nullopt, ""});
      }
      open = &out.attempts.back();
      open->password = *pw;
      open->detail += std::string(open->detail.empty() ? "" : " / ") + "Password:";
    } else if (open) {
      open->accepted = e == Event::success;
      open->detail += e == Event::success ? " → shell" : " → refused";
      open = nullptr;
    }
  }
  return out.attempts.empty() ? Parse::need_more : Parse::done;
}

std::vector<Observation> cleartext_login_observations(const CleartextLogins& logins, const Endpoint& server) {
  std::vector<Observation> out;
  for (const auto& a : logins.attempts) {
    Evidence ev;
    ev.kind = "credential";
    ev.source = "capture";
    ev.detail = logins.protocol + " login in cleartext: " + a.detail;
    ev.username = a.username;
    ev.password = a.password.value_or("");
    out.push_back(Observation{server, keys::passive::cleartext_login.with(logins.protocol), a.username, ev});
    if (a.accepted)
      out.push_back(Observation{server, keys::passive::cleartext_login_accepted.with(logins.protocol), *a.accepted, ev});
  }
  return out;
}

}  // namespace trustscan
