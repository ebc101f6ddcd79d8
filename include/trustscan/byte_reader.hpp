// trustscan — a bounds-checked big-endian reader over one span, for pure parsers. Sticky
// failure: once a read would pass the end, `ok` is false and every later read returns 0 / an
// empty span, so a parser reads a whole structure and checks `ok` once.
#pragma once

#include "trustscan/parse.hpp"

#include <cstdint>

namespace trustscan {

struct ByteReader {
  Bytes b;
  std::size_t pos = 0;
  bool ok = true;

  std::size_t left() const noexcept { return pos <= b.size() ? b.size() - pos : 0; }
  /// An n-byte (n <= 4) big-endian unsigned integer.
  std::uint32_t u(std::size_t n) noexcept {
    if (!ok || n > 4 || left() < n) {
      ok = false;
      return 0;
    }
    std::uint32_t v = 0;
    for (std::size_t i = 0; i < n; ++i) v = (v << 8) | b[pos + i];
    pos += n;
    return v;
  }
  Bytes take(std::size_t n) noexcept {
    if (!ok || left() < n) {
      ok = false;
      return {};
    }
    const Bytes out = b.subspan(pos, n);
    pos += n;
    return out;
  }
  void skip(std::size_t n) noexcept { (void)take(n); }
};

}  // namespace trustscan
