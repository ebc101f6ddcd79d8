// trustscan — Address and Cidr.
#include "trustscan/address.hpp"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>

namespace trustscan {

std::optional<Address> Address::parse(std::string_view text) noexcept {
  // inet_pton wants a NUL-terminated string; anything longer than an IPv6 literal is not one.
  char buf[INET6_ADDRSTRLEN + 1];
  if (text.empty() || text.size() >= sizeof buf) return std::nullopt;
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  Address a;
  if (::inet_pton(AF_INET, buf, a.bytes.data()) == 1) return a;
  if (::inet_pton(AF_INET6, buf, a.bytes.data()) == 1) {
    // An IPv4-mapped address (::ffff:8.8.8.8) reaches the IPv4 host: treat it as that IPv4
    // address so the scope check cannot be bypassed by writing it the IPv6 way.
    static constexpr std::uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (std::memcmp(a.bytes.data(), mapped, 12) == 0) {
      Address v4;
      std::memcpy(v4.bytes.data(), a.bytes.data() + 12, 4);
      return v4;
    }
    a.v6 = true;
    return a;
  }
  return std::nullopt;
}

Address Address::v4(std::uint32_t host_order) noexcept {
  Address a;
  a.bytes[0] = static_cast<std::uint8_t>(host_order >> 24);
  a.bytes[1] = static_cast<std::uint8_t>(host_order >> 16);
  a.bytes[2] = static_cast<std::uint8_t>(host_order >> 8);
  a.bytes[3] = static_cast<std::uint8_t>(host_order);
  return a;
}

std::uint32_t Address::v4_value() const noexcept {
  return (std::uint32_t{bytes[0]} << 24) | (std::uint32_t{bytes[1]} << 16) |
         (std::uint32_t{bytes[2]} << 8) | std::uint32_t{bytes[3]};
}

std::string Address::to_string() const {
  char buf[INET6_ADDRSTRLEN];
  if (::inet_ntop(v6 ? AF_INET6 : AF_INET, bytes.data(), buf, sizeof buf) == nullptr) return "?";
  return buf;
}

Address address_add(const Address& a, std::uint64_t n) noexcept {
  Address r = a;
  int i = a.v6 ? 15 : 3;
  std::uint64_t carry = n;
  for (; i >= 0 && carry != 0; --i) {
    std::uint64_t sum = std::uint64_t{r.bytes[static_cast<std::size_t>(i)]} + (carry & 0xff);
    r.bytes[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(sum);
    carry = (carry >> 8) + (sum >> 8);
  }
  return r;
}

namespace {
void clear_host_bits(Address& a, int prefix) noexcept {
  const int bits = a.bits();
  for (int bit = prefix; bit < bits; ++bit)
    a.bytes[static_cast<std::size_t>(bit / 8)] &= static_cast<std::uint8_t>(~(0x80u >> (bit % 8)));
}
}  // namespace

std::optional<Cidr> Cidr::parse(std::string_view text) noexcept {
  const auto slash = text.find('/');
  auto addr = Address::parse(text.substr(0, slash));
  if (!addr) return std::nullopt;
  Cidr c{*addr, addr->bits()};
  if (slash != std::string_view::npos) {
    const auto digits = text.substr(slash + 1);
    if (digits.empty() || digits.size() > 3) return std::nullopt;
    int prefix = -1;
    const auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), prefix);
    if (ec != std::errc{} || p != digits.data() + digits.size()) return std::nullopt;
    if (prefix < 0 || prefix > addr->bits()) return std::nullopt;
    // "::ffff:10.0.0.0/104" was mapped to IPv4 by Address::parse; its prefix counts IPv6 bits.
    if (!addr->v6 && text.substr(0, slash).find(':') != std::string_view::npos) return std::nullopt;
    c.prefix = prefix;
  }
  clear_host_bits(c.base, c.prefix);
  return c;
}

bool Cidr::contains(const Address& a) const noexcept {
  if (a.v6 != base.v6) return false;
  const int full = prefix / 8;
  if (std::memcmp(a.bytes.data(), base.bytes.data(), static_cast<std::size_t>(full)) != 0)
    return false;
  const int rest = prefix % 8;
  if (rest == 0) return true;
  const auto mask = static_cast<std::uint8_t>(0xff00u >> rest);
  return (a.bytes[static_cast<std::size_t>(full)] & mask) ==
         (base.bytes[static_cast<std::size_t>(full)] & mask);
}

std::string Cidr::to_string() const { return base.to_string() + "/" + std::to_string(prefix); }

}  // namespace trustscan
