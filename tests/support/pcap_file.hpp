// Test-only reader of classic pcap files (the committed captures in pcaps/), so parser tests use
// real frames without libpcap (parser_tests links only the pure parsers). Not for production:
// replay reads captures with libpcap. Handles both byte orders and the micro/nanosecond magics.
#pragma once

#include <cstdint>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <vector>

namespace trustscan::test {

struct PcapFrame {
  std::uint64_t ts_us = 0;           ///< timestamp, microseconds since the epoch
  std::vector<std::uint8_t> bytes;   ///< the captured bytes (incl_len)
};

struct PcapFile {
  std::uint32_t linktype = 0;
  std::vector<PcapFrame> frames;
};

/// Reads `pcaps/<name>` from the source tree; throws std::runtime_error on a malformed file.
inline PcapFile read_pcap(const std::string& name) {
  const std::string path = std::string(TRUSTSCAN_SOURCE_DIR) + "/pcaps/" + name;
  std::ifstream f(path, std::ios::binary);
  if (!f) throw std::runtime_error("cannot open " + path);
  const std::vector<std::uint8_t> d{std::istreambuf_iterator<char>(f), {}};
  if (d.size() < 24) throw std::runtime_error("short pcap header: " + path);
  const std::uint32_t magic_le = d[0] | (d[1] << 8) | (d[2] << 16) | (std::uint32_t{d[3]} << 24);
  bool swap = false, nano = false;
  switch (magic_le) {
    case 0xa1b2c3d4: break;
    case 0xa1b23c4d: nano = true; break;
    case 0xd4c3b2a1: swap = true; break;
    case 0x4d3cb2a1: swap = true; nano = true; break;
    default: throw std::runtime_error("not a classic pcap: " + path);
  }
  const auto u32 = [&](std::size_t o) {
    const std::uint32_t le = d[o] | (d[o + 1] << 8) | (d[o + 2] << 16) | (std::uint32_t{d[o + 3]} << 24);
    return swap ? __builtin_bswap32(le) : le;
  };
  PcapFile out;
  out.linktype = u32(20) & 0x0fffffff;
  for (std::size_t o = 24; o < d.size();) {
    if (o + 16 > d.size()) throw std::runtime_error("short record header: " + path);
    const std::uint32_t incl = u32(o + 8);
    if (o + 16 + incl > d.size()) throw std::runtime_error("short record: " + path);
    PcapFrame fr;
    fr.ts_us = std::uint64_t{u32(o)} * 1000000 + (nano ? u32(o + 4) / 1000 : u32(o + 4));
    fr.bytes.assign(d.begin() + static_cast<std::ptrdiff_t>(o + 16),
                    d.begin() + static_cast<std::ptrdiff_t>(o + 16 + incl));
    out.frames.push_back(std::move(fr));
    o += 16 + incl;
  }
  return out;
}

/// Writes `cap` as a classic little-endian microsecond pcap (snapshot length 262144): the tests'
/// way to replay a real capture with frames reordered or left out.
inline void write_pcap(const std::string& path, const PcapFile& cap) {
  std::ofstream f(path, std::ios::binary);
  const auto u32 = [&](std::uint32_t v) {
    const char b[4] = {static_cast<char>(v), static_cast<char>(v >> 8), static_cast<char>(v >> 16),
                       static_cast<char>(v >> 24)};
    f.write(b, 4);
  };
  u32(0xa1b2c3d4);
  u32(0x00040002);  // version 2.4
  u32(0);
  u32(0);
  u32(262144);
  u32(cap.linktype);
  for (const auto& fr : cap.frames) {
    u32(static_cast<std::uint32_t>(fr.ts_us / 1000000));
    u32(static_cast<std::uint32_t>(fr.ts_us % 1000000));
    u32(static_cast<std::uint32_t>(fr.bytes.size()));
    u32(static_cast<std::uint32_t>(fr.bytes.size()));
    f.write(reinterpret_cast<const char*>(fr.bytes.data()), static_cast<std::streamsize>(fr.bytes.size()));
  }
  if (!f) throw std::runtime_error("cannot write " + path);
}

}  // namespace trustscan::test
