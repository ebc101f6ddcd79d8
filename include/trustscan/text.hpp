// trustscan — the text helpers every parser shares: ASCII case folding and trimming. Pure,
// noexcept, no locale (protocol text is ASCII by definition; std::tolower depends on the locale
// and is undefined for negative chars).
#pragma once

#include <algorithm>
#include <string>
#include <string_view>

namespace trustscan {

constexpr char ascii_lower(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

/// ASCII lower case of `s`.
inline std::string ascii_lower(std::string_view s) {
  std::string r(s);
  for (auto& c : r) c = ascii_lower(c);
  return r;
}

/// ASCII case-insensitive equality (header names, schemes, tokens).
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

}  // namespace trustscan
