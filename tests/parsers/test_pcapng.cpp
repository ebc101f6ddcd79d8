// pcapng block reader (probes/wire/pcapng.hpp): the committed multi-interface capture
// (pcaps/multi-interface.pcapng, written by mergecap 4.0.17 from two of our captures with
// different link types and snapshot lengths: pcaps/README.md) against the classic captures it
// was merged from, hand-built sections in both byte orders with other timestamp resolutions,
// every prefix, and malformed blocks.
#include "probes/wire/pcapng.hpp"
#include "probes/wire/packet.hpp"

#include "../support/pcap_file.hpp"

#include <doctest/doctest.h>

#include <fstream>
#include <iterator>
#include <string>
#include <vector>

using namespace trustscan;

namespace {

std::vector<std::uint8_t> file_bytes(const std::string& name) {
  std::ifstream f(std::string(TRUSTSCAN_SOURCE_DIR) + "/pcaps/" + name, std::ios::binary);
  REQUIRE(f.good());
  return {std::istreambuf_iterator<char>(f), {}};
}

struct Read {
  std::vector<PcapngPacket> packets;
  Parse last = Parse::done;
  std::size_t used = 0;
};

// Every block of `in`, in order, until the end, need_more or invalid.
Read read_all(Bytes in, PcapngReader& r) {
  Read out;
  while (out.used < in.size()) {
    PcapngPacket p;
    bool has = false;
    std::size_t n = 0;
    out.last = r.next(in.subspan(out.used), p, has, n);
    if (out.last != Parse::done) break;
    if (has) out.packets.push_back(p);
    out.used += n;
  }
  return out;
}

// A block builder in either byte order.
struct Blocks {
  bool big = false;
  std::vector<std::uint8_t> out;

  void u16(std::vector<std::uint8_t>& b, std::uint32_t v) const {
    if (big) b.insert(b.end(), {static_cast<std::uint8_t>(v >> 8), static_cast<std::uint8_t>(v)});
    else b.insert(b.end(), {static_cast<std::uint8_t>(v), static_cast<std::uint8_t>(v >> 8)});
  }
  void u32(std::vector<std::uint8_t>& b, std::uint32_t v) const {
    if (big) {
      u16(b, v >> 16);
      u16(b, v & 0xffff);
    } else {
      u16(b, v & 0xffff);
      u16(b, v >> 16);
    }
  }
  void block(std::uint32_t type, std::vector<std::uint8_t> body) {
    while (body.size() % 4) body.push_back(0);
    const auto total = static_cast<std::uint32_t>(body.size() + 12);
    u32(out, type);
    u32(out, total);
    out.insert(out.end(), body.begin(), body.end());
    u32(out, total);
  }
  void section() {
    std::vector<std::uint8_t> b;
    u32(b, 0x1A2B3C4D);
    u16(b, 1);
    u16(b, 0);
    u32(b, 0xffffffff);
    u32(b, 0xffffffff);  // section length: unknown
    block(0x0A0D0D0A, b);
  }
  // An interface with optional if_tsresol and if_tsoffset.
  void interface(std::uint16_t link, std::uint32_t snaplen, int tsresol = -1, std::int64_t tsoffset = 0) {
    std::vector<std::uint8_t> b;
    u16(b, link);
    u16(b, 0);
    u32(b, snaplen);
    if (tsresol >= 0) {
      u16(b, 9);
      u16(b, 1);
      b.insert(b.end(), {static_cast<std::uint8_t>(tsresol), 0, 0, 0});
    }
    if (tsoffset != 0) {
      u16(b, 14);
      u16(b, 8);
      const auto v = static_cast<std::uint64_t>(tsoffset);
      if (big) {
        u32(b, static_cast<std::uint32_t>(v >> 32));
        u32(b, static_cast<std::uint32_t>(v));
      } else {
        u32(b, static_cast<std::uint32_t>(v));
        u32(b, static_cast<std::uint32_t>(v >> 32));
      }
    }
    u16(b, 0);
    u16(b, 0);
    block(1, b);
  }
  void enhanced(std::uint32_t iface, std::uint64_t ticks, const std::vector<std::uint8_t>& data) {
    std::vector<std::uint8_t> b;
    u32(b, iface);
    u32(b, static_cast<std::uint32_t>(ticks >> 32));
    u32(b, static_cast<std::uint32_t>(ticks));
    u32(b, static_cast<std::uint32_t>(data.size()));
    u32(b, static_cast<std::uint32_t>(data.size() + 100));
    b.insert(b.end(), data.begin(), data.end());
    block(6, b);
  }
  void simple(const std::vector<std::uint8_t>& data) {
    std::vector<std::uint8_t> b;
    u32(b, static_cast<std::uint32_t>(data.size()));
    b.insert(b.end(), data.begin(), data.end());
    block(3, b);
  }
};

}  // namespace

TEST_CASE("pcapng: mergecap's two-interface capture gives every frame of both inputs, each with its own link type") {
  const auto bytes = file_bytes("multi-interface.pcapng");
  PcapngReader r;
  const auto got = read_all(Bytes(bytes), r);
  REQUIRE(got.last == Parse::done);
  CHECK(got.used == bytes.size());
  REQUIRE(r.interfaces().size() == 2);
  CHECK(r.interfaces()[0].link_type == linktype::en10mb);
  CHECK(r.interfaces()[0].snaplen == 262144);
  CHECK(r.interfaces()[1].link_type == linktype::linux_sll2);
  CHECK(r.interfaces()[1].snaplen == 9999);

  // The same frames, with the same timestamps, as the classic captures it was merged from
  // (mergecap interleaves them by time).
  const auto mqtt = test::read_pcap("mqtt-connect.pcap");
  const auto dns = test::read_pcap("dns-any-sll2.pcap");
  REQUIRE(got.packets.size() == mqtt.frames.size() + dns.frames.size());
  std::size_t m = 0, d = 0;
  for (const auto& p : got.packets) {
    const auto& from = p.link_type == linktype::en10mb ? mqtt.frames.at(m++) : dns.frames.at(d++);
    CHECK(p.ts_us == from.ts_us);
    CHECK(std::vector<std::uint8_t>(p.data.begin(), p.data.end()) == from.bytes);
    DecodedPacket decoded;
    CHECK(decode_packet(p.link_type, p.data, decoded) == Parse::done);
  }
  CHECK(m == mqtt.frames.size());
  CHECK(d == dns.frames.size());
}

TEST_CASE("pcapng: editcap's single-interface copy equals the classic capture") {
  const auto bytes = file_bytes("http-firmware.pcapng");
  PcapngReader r;
  const auto got = read_all(Bytes(bytes), r);
  REQUIRE(got.last == Parse::done);
  const auto classic = test::read_pcap("http-firmware.pcap");
  REQUIRE(got.packets.size() == classic.frames.size());
  for (std::size_t i = 0; i < got.packets.size(); ++i) {
    CHECK(got.packets[i].ts_us == classic.frames[i].ts_us);
    CHECK(got.packets[i].data.size() == classic.frames[i].bytes.size());
  }
}

TEST_CASE("pcapng: both byte orders, nanosecond and power-of-two resolutions, an offset, simple packets, two sections") {
  for (const bool big : {false, true}) {
    CAPTURE(big);
    Blocks b{big, {}};
    b.section();
    b.interface(1, 65535, 9);                // nanoseconds
    b.interface(101, 128, 0x80 | 10, 3600);  // 1/1024 s, one hour ahead
    b.block(4, std::vector<std::uint8_t>(8, 0));  // a name resolution block: skipped
    b.enhanced(0, 1'700'000'000'123'456'789ull, {1, 2, 3});
    b.enhanced(1, 1024ull * 10 + 512, {4, 5, 6, 7, 8});
    b.section();  // a new section forgets the interfaces
    b.interface(113, 0);
    b.simple({9, 9, 9, 9, 9, 9});
    PcapngReader r;
    const auto got = read_all(Bytes(b.out), r);
    REQUIRE(got.last == Parse::done);
    CHECK(r.sections() == 2);
    REQUIRE(got.packets.size() == 3);
    CHECK(got.packets[0].link_type == 1);
    CHECK(got.packets[0].ts_us == 1'700'000'000'123'456ull);
    CHECK(got.packets[0].data.size() == 3);
    CHECK(got.packets[0].original_length == 103);
    CHECK(got.packets[1].link_type == 101);
    CHECK(got.packets[1].ts_us == 3600'000'000ull + 10'500'000ull);
    CHECK(got.packets[2].link_type == 113);
    CHECK(got.packets[2].ts_us == 0);
    CHECK(got.packets[2].data.size() == 6);

    // Every prefix is need_more at its first unfinished block, never invalid.
    for (std::size_t n = 0; n < b.out.size(); ++n) {
      PcapngReader p;
      const auto part = read_all(Bytes(b.out).first(n), p);
      CHECK(part.last != Parse::invalid);
    }
  }
}

TEST_CASE("pcapng: malformed and hostile blocks are invalid, an oversized one before it is read") {
  auto verdict = [](const std::vector<std::uint8_t>& bytes) {
    PcapngReader r;
    return read_all(Bytes(bytes), r).last;
  };
  Blocks ok{false, {}};
  ok.section();
  ok.interface(1, 0);
  ok.enhanced(0, 0, {1, 2, 3, 4});
  REQUIRE(verdict(ok.out) == Parse::done);

  Blocks no_section{false, {}};
  no_section.interface(1, 0);
  CHECK(verdict(no_section.out) == Parse::invalid);

  auto bad_magic = ok.out;
  bad_magic[8] = 0x00;
  CHECK(verdict(bad_magic) == Parse::invalid);

  Blocks no_interface{false, {}};
  no_interface.section();
  no_interface.enhanced(0, 0, {1});
  CHECK(verdict(no_interface.out) == Parse::invalid);

  Blocks wrong_interface{false, {}};
  wrong_interface.section();
  wrong_interface.interface(1, 0);
  wrong_interface.enhanced(1, 0, {1});
  CHECK(verdict(wrong_interface.out) == Parse::invalid);

  auto trailer = ok.out;
  trailer.back() ^= 0x01;  // the trailing copy of the last block's length differs
  CHECK(verdict(trailer) == Parse::invalid);

  auto caplen = ok.out;
  // The EPB's captured length (after SHB 28 bytes, IDB 24 bytes: EPB body starts at 52 + 8) beyond its block.
  caplen[60 + 12] = 0xff;
  CHECK(verdict(caplen) == Parse::invalid);

  Blocks odd{false, {}};
  odd.section();
  odd.out.insert(odd.out.end(), {1, 0, 0, 0, 13, 0, 0, 0, 0, 0, 0, 0, 0, 13, 0, 0, 0});
  CHECK(verdict(odd.out) == Parse::invalid);  // a length that is not a multiple of 4

  Blocks huge{false, {}};
  huge.section();
  huge.out.insert(huge.out.end(), {6, 0, 0, 0, 0, 0, 0, 0x7f});  // claims 2 GiB: not waited for
  CHECK(verdict(huge.out) == Parse::invalid);

  Blocks fine{false, {}};
  fine.section();
  fine.interface(1, 0, 20);  // 10^20 ticks per second does not fit 64 bits
  CHECK(verdict(fine.out) == Parse::invalid);

  Blocks many{false, {}};
  many.section();
  for (std::size_t i = 0; i <= kPcapngMaxInterfaces; ++i) many.interface(1, 0);
  CHECK(verdict(many.out) == Parse::invalid);
}
