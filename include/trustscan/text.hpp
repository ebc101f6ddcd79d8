// trustscan — the text helpers every parser shares: ASCII classes, case folding, trimming and
// XML/HTML entities. Pure,
// noexcept, no locale (protocol text is ASCII by definition; std::tolower depends on the locale
// and is undefined for negative chars).
#pragma once

#include <algorithm>
#include <string>
#include <string_view>
#include <utility>

namespace trustscan {

/// '0'-'9'.
constexpr bool is_ascii_digit(char c) noexcept { return c >= '0' && c <= '9'; }
constexpr bool is_ascii_digit(unsigned char c) noexcept { return c >= '0' && c <= '9'; }

/// RFC 9110 tchar: the characters of a token (methods, header names, auth schemes).
constexpr bool is_tchar(char c) noexcept {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c != '\0' && std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos);
}
constexpr bool is_tchar(unsigned char c) noexcept { return is_tchar(static_cast<char>(c)); }

/// RFC 9110 OWS characters: space and tab.
constexpr bool is_ows(char c) noexcept { return c == ' ' || c == '\t'; }

constexpr char ascii_lower(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

/// ASCII lower case of `s`.
inline std::string ascii_lower(std::string_view s) {
  std::string r(s);
  for (auto& c : r) c = ascii_lower(c);
  return r;
}

/// ASCII case-insensitive equality (header names, schemes, tokens).
/// Bytes as lower-case hex ("0aff…"), as digests are written in reports.
inline std::string hex_lower(const unsigned char* bytes, std::size_t n) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * n);
  for (std::size_t i = 0; i < n; ++i) {
    out += kHex[bytes[i] >> 4];
    out += kHex[bytes[i] & 0x0f];
  }
  return out;
}

constexpr bool iequals(std::string_view a, std::string_view b) noexcept {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return ascii_lower(x) == ascii_lower(y); });
}

/// `needle` occurs in `hay`, ASCII case-insensitively.
constexpr bool icontains(std::string_view hay, std::string_view needle) noexcept {
  if (needle.size() > hay.size()) return false;
  for (std::size_t i = 0; i + needle.size() <= hay.size(); ++i)
    if (iequals(hay.substr(i, needle.size()), needle)) return true;
  return false;
}

/// `s` ends with `suffix`, ASCII case-insensitively.
constexpr bool iends_with(std::string_view s, std::string_view suffix) noexcept {
  return s.size() >= suffix.size() && iequals(s.substr(s.size() - suffix.size()), suffix);
}

/// Without leading and trailing optional whitespace (RFC 9110 OWS: space and tab).
constexpr std::string_view trim_ows(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

/// Without leading and trailing space, tab, CR and LF (lines of files, free-form fields).
constexpr std::string_view trim_space(std::string_view s) noexcept {
  constexpr auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

/// `s` with the five XML entities (and `&#39;`, the apostrophe HTML writers use) decoded; other
/// `&` sequences are kept as they are. At most `cap` bytes are produced.
inline std::string decode_entities(std::string_view s, std::size_t cap = std::string::npos) {
  static constexpr std::pair<std::string_view, char> kEntities[] = {
      {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}, {"&#39;", '\''}};
  std::string r;
  r.reserve(std::min(s.size(), cap));
  for (std::size_t i = 0; i < s.size() && r.size() < cap;) {
    bool hit = false;
    if (s[i] == '&') {
      for (const auto& [ent, ch] : kEntities) {
        if (s.substr(i, ent.size()) == ent) {
          r += ch;
          i += ent.size();
          hit = true;
          break;
        }
      }
    }
    if (!hit) r += s[i++];
  }
  return r;
}

}  // namespace trustscan
