// trustscan — the bounds-checked big-endian reader over one span that every pure parser of
// device bytes uses (DNS, TLS, MQTT, the ClientHello and CONNECT dissectors). Two styles:
// - sticky: u(n), take(n), skip(n). Once a read would pass the end, `ok` is false and every later
//   read returns 0 / an empty span, so a parser reads a whole structure and checks `ok` once;
// - checked: u8(x), u16(x), u24(x), u32(x), take(n, out), vec8(out), vec16(out) return false and
//   leave the position unchanged when the bytes are not there, for parsers that decide at each
//   field. Positions are absolute offsets into `b` (DNS compression pointers rely on it).
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
  bool skip(std::size_t n) noexcept {
    (void)take(n);
    return ok;
  }

  bool u8(std::uint8_t& x) noexcept { return checked(1, x); }
  bool u16(std::uint16_t& x) noexcept { return checked(2, x); }
  bool u24(std::uint32_t& x) noexcept { return checked(3, x); }
  bool u32(std::uint32_t& x) noexcept { return checked(4, x); }
  bool take(std::size_t n, Bytes& out) noexcept {
    if (left() < n) return false;
    out = b.subspan(pos, n);
    pos += n;
    return true;
  }
  /// A vector with a 1- or 2-byte length prefix (TLS).
  bool vec8(Bytes& out) noexcept { return vec(1, out); }
  bool vec16(Bytes& out) noexcept { return vec(2, out); }

 private:
  template <class T>
  bool checked(std::size_t n, T& x) noexcept {
    if (left() < n) return false;
    std::uint32_t v = 0;
    for (std::size_t i = 0; i < n; ++i) v = (v << 8) | b[pos + i];
    pos += n;
    x = static_cast<T>(v);
    return true;
  }
  bool vec(std::size_t prefix, Bytes& out) noexcept {
    const std::size_t save = pos;
    std::uint32_t n = 0;
    if (!checked(prefix, n) || !take(n, out)) return (pos = save, false);
    return true;
  }
};

}  // namespace trustscan
