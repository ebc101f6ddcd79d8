// trustscan — pcapng block reader. See pcapng.hpp for the contract.
#include "probes/wire/pcapng.hpp"

#include <algorithm>

namespace trustscan {

namespace {

constexpr std::uint32_t kSectionHeader = kPcapngMagic;
constexpr std::uint32_t kInterfaceDescription = 1;
constexpr std::uint32_t kObsoletePacket = 2;
constexpr std::uint32_t kSimplePacket = 3;
constexpr std::uint32_t kEnhancedPacket = 6;
constexpr std::uint32_t kByteOrderMagic = 0x1A2B3C4D;
constexpr std::uint16_t kOptEnd = 0;
constexpr std::uint16_t kOptTsresol = 9;
constexpr std::uint16_t kOptTsoffset = 14;

std::uint32_t le32(Bytes b, std::size_t at) noexcept {
  return std::uint32_t{b[at]} | std::uint32_t{b[at + 1]} << 8 | std::uint32_t{b[at + 2]} << 16 | std::uint32_t{b[at + 3]} << 24;
}

constexpr std::size_t pad4(std::size_t n) noexcept { return (n + 3) & ~std::size_t{3}; }

__extension__ typedef unsigned __int128 u128;  // GCC and clang: exact tick conversion at any resolution
__extension__ typedef __int128 i128;

// Ticks since the epoch to microseconds, without overflow for any resolution.
std::uint64_t to_us(std::uint64_t ticks, const PcapngInterface& i) noexcept {
  const u128 us = static_cast<u128>(ticks) * 1'000'000u / i.ticks_per_second;
  const i128 total = static_cast<i128>(us) + static_cast<i128>(i.offset_seconds) * 1'000'000;
  if (total < 0) return 0;
  return total > static_cast<i128>(UINT64_MAX) ? UINT64_MAX : static_cast<std::uint64_t>(total);
}

}  // namespace

std::uint16_t PcapngReader::u16(Bytes b, std::size_t at) const noexcept {
  const auto v = static_cast<std::uint16_t>(b[at] | b[at + 1] << 8);
  return swapped_ ? static_cast<std::uint16_t>(v >> 8 | v << 8) : v;
}

std::uint32_t PcapngReader::u32(Bytes b, std::size_t at) const noexcept {
  const auto v = le32(b, at);
  return swapped_ ? __builtin_bswap32(v) : v;
}

std::uint64_t PcapngReader::u64(Bytes b, std::size_t at) const noexcept {
  // Two 32-bit words in the section's order, most significant first when big-endian.
  const std::uint64_t a = u32(b, at), c = u32(b, at + 4);
  return swapped_ ? (a << 32 | c) : (c << 32 | a);
}

bool PcapngReader::read_interface(Bytes body) {
  if (body.size() < 8 || interfaces_.size() >= kPcapngMaxInterfaces) return false;
  PcapngInterface i;
  i.link_type = u16(body, 0);
  i.snaplen = u32(body, 4);
  // Options: code, length, value padded to 4 bytes; opt_endofopt or the end of the block ends them.
  for (std::size_t at = 8; at + 4 <= body.size();) {
    const std::uint16_t code = u16(body, at), len = u16(body, at + 2);
    at += 4;
    if (code == kOptEnd) break;
    if (len > body.size() - at) return false;
    if (code == kOptTsresol && len >= 1) {
      const std::uint8_t r = body[at];
      const unsigned n = r & 0x7f;
      if (r & 0x80) {
        if (n > 63) return false;
        i.ticks_per_second = std::uint64_t{1} << n;
      } else {
        if (n > 19) return false;  // 10^19 is the largest power of ten in 64 bits
        std::uint64_t t = 1;
        for (unsigned k = 0; k < n; ++k) t *= 10;
        i.ticks_per_second = t;
      }
    } else if (code == kOptTsoffset && len >= 8) {
      i.offset_seconds = static_cast<std::int64_t>(u64(body, at));
    }
    at += pad4(len);
  }
  interfaces_.push_back(i);
  return true;
}

Parse PcapngReader::read_packet(std::uint32_t type, Bytes body, PcapngPacket& packet) {
  std::uint32_t iface = 0;
  std::uint64_t ticks = 0;
  std::size_t header = 0;
  std::uint32_t caplen = 0, origlen = 0;
  if (type == kEnhancedPacket || type == kObsoletePacket) {
    if (body.size() < 20) return Parse::invalid;
    iface = type == kEnhancedPacket ? u32(body, 0) : u16(body, 0);
    ticks = std::uint64_t{u32(body, 4)} << 32 | u32(body, 8);
    caplen = u32(body, 12);
    origlen = u32(body, 16);
    header = 20;
    if (caplen > body.size() - header) return Parse::invalid;
  } else {  // Simple Packet Block: interface 0, the captured length is what the block holds
    if (body.size() < 4) return Parse::invalid;
    origlen = u32(body, 0);
    header = 4;
    caplen = static_cast<std::uint32_t>(std::min<std::size_t>(origlen, body.size() - header));
  }
  if (iface >= interfaces_.size()) return Parse::invalid;
  const auto& i = interfaces_[iface];
  if (type == kSimplePacket && i.snaplen != 0) caplen = std::min(caplen, i.snaplen);
  packet.interface = iface;
  packet.link_type = i.link_type;
  packet.ts_us = type == kSimplePacket ? 0 : to_us(ticks, i);
  packet.original_length = origlen;
  packet.data = body.subspan(header, caplen);
  return Parse::done;
}

Parse PcapngReader::next(Bytes in, PcapngPacket& packet, bool& has_packet, std::size_t& consumed) {
  has_packet = false;
  consumed = 0;
  if (in.size() < 8) return Parse::need_more;
  if (le32(in, 0) == kSectionHeader) {
    if (in.size() < 12) return Parse::need_more;
    const std::uint32_t magic = le32(in, 8);
    if (magic == kByteOrderMagic) swapped_ = false;
    else if (magic == __builtin_bswap32(kByteOrderMagic)) swapped_ = true;
    else return Parse::invalid;
  } else if (sections_ == 0) {
    return Parse::invalid;  // a pcapng file starts with a Section Header Block
  }
  const std::uint32_t type = u32(in, 0);
  const std::uint32_t total = u32(in, 4);
  if (total < 12 || total % 4 != 0 || total > kPcapngMaxBlock) return Parse::invalid;
  if (in.size() < total) return Parse::need_more;
  if (u32(in, total - 4) != total) return Parse::invalid;  // the trailing copy of the length
  const Bytes body = in.subspan(8, total - 12);
  Parse result = Parse::done;
  if (type == kSectionHeader) {
    // byte-order magic, major and minor version, section length, options
    if (body.size() < 16 || u16(body, 4) != 1) return Parse::invalid;
    ++sections_;
    interfaces_.clear();
  } else if (type == kInterfaceDescription) {
    if (!read_interface(body)) return Parse::invalid;
  } else if (type == kEnhancedPacket || type == kSimplePacket || type == kObsoletePacket) {
    result = read_packet(type, body, packet);
    has_packet = result == Parse::done;
  }
  if (result == Parse::done) consumed = total;
  return result;
}

}  // namespace trustscan
