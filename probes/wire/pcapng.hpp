// trustscan — pcapng blocks (IETF draft-ietf-opsawg-pcapng), read for `trustscan replay`.
//
// libpcap 1.10 reads a pcapng file only when every interface has the link type and snapshot
// length of the first one ("an interface has a snapshot length 9999 different from the snapshot
// length of the first interface"), so a capture written by `mergecap`, or by dumpcap from several
// interfaces, stopped replay after 0 packets. This reader keeps one record per interface (link
// type, snapshot length, timestamp resolution and offset) and gives every packet its own
// interface's link type. docs/dependencies.md says why it is ours and not libwiretap.
//
// Pure and incremental: `next` reads one block from the front of what the caller has buffered;
// `need_more` until the block is whole; `done` with `consumed` = the block's size (and a packet
// when the block carried one); `invalid` when the bytes cannot be pcapng. Every length is
// checked against the block before use; a block is at most kPcapngMaxBlock bytes, a section has
// at most kPcapngMaxInterfaces interfaces; options are walked within their block.
//
// Blocks: Section Header (a new section: byte order and interfaces start again), Interface
// Description (if_tsresol, if_tsoffset read), Enhanced Packet, Simple Packet (interface 0, no
// timestamp), obsolete Packet; every other block (name resolution, statistics, decryption
// secrets, custom) is skipped whole. A packet whose interface was not described is `invalid`.
#pragma once

#include "trustscan/parse.hpp"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace trustscan {

/// Largest block read (a packet of 16 MiB is far beyond any link's MTU); larger: invalid.
inline constexpr std::size_t kPcapngMaxBlock = 16 * 1024 * 1024;
/// Interfaces one section may describe; more: invalid.
inline constexpr std::size_t kPcapngMaxInterfaces = 4096;
/// The first four bytes of every pcapng file (the Section Header Block type, a palindrome).
inline constexpr std::uint32_t kPcapngMagic = 0x0A0D0D0A;

/// One interface of the current section.
struct PcapngInterface {
  std::uint32_t link_type = 0;
  std::uint32_t snaplen = 0;                   ///< 0: no limit
  std::uint64_t ticks_per_second = 1'000'000;  ///< if_tsresol: 10^n or 2^n (default microseconds)
  std::int64_t offset_seconds = 0;             ///< if_tsoffset
};

/// A packet of an EPB, SPB or PB: `data` points into the caller's buffer.
struct PcapngPacket {
  std::uint32_t interface = 0;
  std::uint32_t link_type = 0;
  std::uint64_t ts_us = 0;  ///< microseconds since the epoch (0 for a Simple Packet Block)
  std::uint32_t original_length = 0;
  Bytes data;
};

class PcapngReader {
 public:
  /// Reads the block at the front of `in` (see the file comment). `has_packet` says whether
  /// `packet` was filled. The first block of a file must be a Section Header Block.
  Parse next(Bytes in, PcapngPacket& packet, bool& has_packet, std::size_t& consumed);

  /// The interfaces of the current section.
  const std::vector<PcapngInterface>& interfaces() const noexcept { return interfaces_; }
  /// Sections read so far.
  std::size_t sections() const noexcept { return sections_; }

 private:
  std::uint16_t u16(Bytes b, std::size_t at) const noexcept;
  std::uint32_t u32(Bytes b, std::size_t at) const noexcept;
  std::uint64_t u64(Bytes b, std::size_t at) const noexcept;
  bool read_interface(Bytes body);
  Parse read_packet(std::uint32_t type, Bytes body, PcapngPacket& packet);

  bool swapped_ = false;  ///< the section is big-endian (fields are read as little-endian otherwise)
  std::size_t sections_ = 0;
  std::vector<PcapngInterface> interfaces_;
};

}  // namespace trustscan
