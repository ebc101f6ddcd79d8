// trustscan — FTP reply parser and command builder (see ftp.hpp for the contract).
#include "probes/ftp/ftp.hpp"
#include "trustscan/text.hpp"
#include "probes/ftp/ftp_keys.hpp"

#include <algorithm>
#include <utility>

namespace trustscan {
namespace {


// Checks the first min(4, size) bytes of the first line: "NNN" then ' ', '-' or the line end.
// Judging them as they arrive lets a non-FTP peer (an HTTP or SSH banner) fail at once instead of
// waiting for a reply that never comes.
bool plausible_start(Bytes in) noexcept {
  if (!in.empty() && (in[0] < '1' || in[0] > '5')) return false;
  for (std::size_t i = 1; i < 3 && i < in.size(); ++i) {
    if (!is_ascii_digit(in[i])) return false;
  }
  if (in.size() >= 4) {
    const std::uint8_t c = in[3];
    if (c != ' ' && c != '-' && c != '\r' && c != '\n') return false;
  }
  return true;
}

// True for the last line of a multi-line reply: the same code followed by ' ' or nothing.
bool is_last_line(std::string_view line, std::string_view code) noexcept {
  return line.size() >= 3 && line.substr(0, 3) == code && (line.size() == 3 || line[3] == ' ');
}

bool is_token_char(char c) noexcept {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         c == '.' || c == '_' || c == '-' || c == '+';
}

// The version token right after a product marker: "3.0.3" in "(vsFTPd 3.0.3)", "15.1" in
// "Serv-U FTP Server v15.1 ready", "0.9.41" in "FileZilla Server version 0.9.41 beta".
std::string version_after(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  if (s.starts_with("version ")) s.remove_prefix(8);
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  if (s.size() >= 2 && (s[0] == 'v' || s[0] == 'V') && s[1] >= '0' && s[1] <= '9') s.remove_prefix(1);
  if (s.empty() || s.front() < '0' || s.front() > '9') return {};
  std::size_t n = 0;
  while (n < s.size() && n < 64 && is_token_char(s[n])) ++n;
  // Sentence punctuation is not part of the version: "ready at 1.2." / "2.4-".
  while (n > 0 && (s[n - 1] == '.' || s[n - 1] == '-')) --n;
  return std::string(s.substr(0, n));
}

struct BannerRule {
  std::string_view marker;
  std::string_view product;
  bool needs_version;  // short markers ("wu-") only count when a version follows them
};

constexpr BannerRule kBannerRules[] = {
    {"vsFTPd", "vsftpd", false},
    {"ProFTPD", "ProFTPD", false},
    {"Pure-FTPd", "Pure-FTPd", false},
    {"FileZilla Server", "FileZilla Server", false},
    {"Microsoft FTP Service", "Microsoft FTP Service", false},
    {"Serv-U FTP Server", "Serv-U", false},
    {"GNU inetutils", "GNU inetutils ftpd", false},
    {"bftpd", "bftpd", false},
    {"BusyBox", "BusyBox ftpd", false},
    {"wu-", "wu-ftpd", true},
};

}  // namespace

std::string FtpReply::text() const {
  std::string s;
  for (const auto& l : lines) {
    if (!s.empty()) s += '\n';
    s += l;
  }
  return s;
}

FtpServerId identify_ftp_server(std::string_view text) {
  for (const auto& rule : kBannerRules) {
    const auto at = text.find(rule.marker);
    if (at == std::string_view::npos) continue;
    std::string version = version_after(text.substr(at + rule.marker.size()));
    if (rule.needs_version && version.empty()) continue;
    return {std::string(rule.product), std::move(version)};
  }
  return {};
}

bool is_ftp_user_reply(const FtpReply& reply) noexcept {
  static constexpr int kUserReplies[] = {230, 331, 332, 421, 500, 501, 530};
  if (std::find(std::begin(kUserReplies), std::end(kUserReplies), reply.code) == std::end(kUserReplies)) return false;
  if (reply.lines.empty()) return true;
  // "500 5.5.1 …": the first word after the code is digit '.' digits '.' digits.
  const std::string_view line = reply.lines.front();
  if (line.size() < 9) return true;
  const std::string_view w = line.substr(4);
  const auto digit = [](char c) { return c >= '0' && c <= '9'; };
  std::size_t i = 0;
  int dots = 0;
  while (i < w.size() && w[i] != ' ' && (digit(w[i]) || w[i] == '.')) dots += w[i++] == '.';
  const bool enhanced = i >= 5 && dots == 2 && digit(w[0]) && w[1] == '.' && digit(w[i - 1]);
  return !enhanced;
}

std::vector<std::uint8_t> build_ftp_command(std::string_view verb, std::string_view arg) {
  if (verb.empty()) return {};
  for (const std::string_view s : {verb, arg}) {
    if (s.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos) return {};
  }
  std::vector<std::uint8_t> out(verb.begin(), verb.end());
  if (!arg.empty()) {
    out.push_back(' ');
    out.insert(out.end(), arg.begin(), arg.end());
  }
  out.push_back('\r');
  out.push_back('\n');
  return out;
}

Parse parse_ftp_reply(Bytes in, FtpReply& out, std::size_t& consumed) noexcept {
  out = FtpReply{};
  consumed = 0;
  if (!plausible_start(in)) return Parse::invalid;
  const std::string_view all = as_text(in);
  std::size_t pos = 0;
  std::size_t lines = 0;
  std::size_t end = 0;  // one past the reply's last LF, once found
  while (end == 0) {
    std::size_t lf = pos;
    for (; lf < all.size(); ++lf) {
      if (all[lf] == '\0' || lf + 1 > kFtpMaxReply) return Parse::invalid;
      if (all[lf] == '\n') break;
    }
    if (lf == all.size()) return Parse::need_more;
    if (++lines > kFtpMaxLines) return Parse::invalid;
    std::string_view line = all.substr(pos, lf - pos);
    if (line.ends_with('\r')) line.remove_suffix(1);
    if (pos == 0) {
      // "220\rX" passed the 4-byte check; a first line is "NNN", "NNN text" or "NNN-text".
      if (line.size() > 3 && line[3] != ' ' && line[3] != '-') return Parse::invalid;
      if (line.size() < 3) return Parse::invalid;
      if (line.size() == 3 || line[3] == ' ') end = lf + 1;
    } else if (is_last_line(line, all.substr(0, 3))) {
      end = lf + 1;
    }
    pos = lf + 1;
  }
  try {
    out.code = (all[0] - '0') * 100 + (all[1] - '0') * 10 + (all[2] - '0');
    out.raw = all.substr(0, end);
    for (std::size_t p = 0; p < end;) {
      const std::size_t lf = all.find('\n', p);
      std::string_view line = all.substr(p, lf - p);
      if (line.ends_with('\r')) line.remove_suffix(1);
      out.lines.emplace_back(line);
      p = lf + 1;
    }
  } catch (...) {  // std::bad_alloc only: the reply is at most kFtpMaxReply bytes
    out = FtpReply{};
    return Parse::invalid;
  }
  consumed = end;
  return Parse::done;
}

std::vector<Observation> ftp_observations(const FtpReply& greeting, const Endpoint& endpoint) {
  std::vector<Observation> obs;
  if (greeting.code == 0) return obs;  // not a parsed reply: nothing to say
  const Evidence ev{"banner", "live", "FTP greeting",
                    printable_excerpt(as_bytes(greeting.raw), Evidence::kMaxExcerpt), {}, {}, {}, {}};
  const std::string text = greeting.text();
  obs.push_back(Observation{endpoint, keys::ftp::banner, Value{text}, ev});
  obs.push_back(Observation{endpoint, keys::ftp::banner_code, Value{std::int64_t{greeting.code}}, ev});
  auto id = identify_ftp_server(text);
  if (!id.product.empty()) {
    obs.push_back(Observation{endpoint, keys::ftp::product, Value{std::move(id.product)}, ev});
  }
  if (!id.version.empty()) {
    obs.push_back(Observation{endpoint, keys::ftp::version, Value{std::move(id.version)}, ev});
  }
  return obs;
}

}  // namespace trustscan
