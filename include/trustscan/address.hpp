// trustscan — IP addresses and CIDR blocks.
//
// A small value type of our own instead of asio::ip::address so that every parser and the scope
// logic stay free of Asio (clang 14 builds them for the fuzzers) and so that addresses compare,
// sort and hash the same way everywhere in the report.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace trustscan {

/// An IPv4 or IPv6 address. IPv4 is stored in the first 4 bytes of `bytes`.
/// Ordering: every IPv4 address sorts before every IPv6 address, then by bytes (network order),
/// which is the order of the report.
struct Address {
  std::array<std::uint8_t, 16> bytes{};
  bool v6 = false;

  /// Parses a literal address ("198.18.0.10", "::1", "fe80::1"). No zone ids, no names,
  /// no shorthand such as "127.1": the scope check must see exactly what the user meant.
  static std::optional<Address> parse(std::string_view text) noexcept;
  static Address v4(std::uint32_t host_order) noexcept;

  /// Width in bits: 32 or 128.
  int bits() const noexcept { return v6 ? 128 : 32; }
  /// The IPv4 address as a host-order integer (meaningless for IPv6).
  std::uint32_t v4_value() const noexcept;
  /// Canonical text form (RFC 5952 for IPv6).
  std::string to_string() const;

  friend std::strong_ordering operator<=>(const Address& a, const Address& b) noexcept {
    if (a.v6 != b.v6) return a.v6 ? std::strong_ordering::greater : std::strong_ordering::less;
    return a.bytes <=> b.bytes;
  }
  friend bool operator==(const Address&, const Address&) = default;
};

/// A CIDR block. The address is stored with its host bits cleared.
struct Cidr {
  Address base;
  int prefix = 0;  ///< 0..32 for IPv4, 0..128 for IPv6

  /// "198.18.0.0/15", "fc00::/7", or a bare address (a /32 or /128). Host bits set in the text
  /// ("10.0.0.1/8") are accepted and cleared, as nmap and ip(8) do.
  static std::optional<Cidr> parse(std::string_view text) noexcept;
  bool contains(const Address& a) const noexcept;
  std::string to_string() const;

  friend bool operator==(const Cidr&, const Cidr&) = default;
};

/// Adds `n` to an address (wrapping is the caller's concern: ranges are validated first).
Address address_add(const Address& a, std::uint64_t n) noexcept;

}  // namespace trustscan
