// trustscan — the contract of every pure parser (STYLE.md rule 1).
//
// A parser takes the bytes received so far, returns done / need_more / invalid, is noexcept,
// never reads past the span, and never includes Asio: clang builds parsers for the fuzzers.
// Parsers are incremental: called again with more bytes after need_more, they give the same
// answer as if all the bytes had arrived at once (tests split every input at every offset).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace trustscan {

/// Tri-state result of an incremental parser (Envoy ParseState, Suricata ok/incomplete/err).
enum class Parse : std::uint8_t { done, need_more, invalid };

using Bytes = std::span<const std::uint8_t>;

inline Bytes as_bytes(std::string_view s) noexcept {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}
inline std::string_view as_text(Bytes b) noexcept {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

/// Length of the well-formed UTF-8 sequence starting at b[i] (no overlongs, no surrogates,
/// <= U+10FFFF), or 0 (also for ASCII bytes, which callers handle first). Device text reaches
/// JSON, XML and HTML reports, which must stay valid UTF-8. Requires i < b.size().
std::size_t utf8_sequence(Bytes b, std::size_t i) noexcept;

/// Printable excerpt of device bytes for evidence: at most `max` input bytes; \r \n \t and
/// non-printable bytes escaped (\x1b), so reports stay one-line-safe and valid UTF-8.
std::string printable_excerpt(Bytes b, std::size_t max = 512);

}  // namespace trustscan
