// trustscan — flow table and bounded TCP reassembly for `trustscan replay`.
//
// Input: packets decoded by `decode_packet` (probes/wire/packet.hpp), in capture order, with their
// timestamps. Output: calls on a `FlowSink` — the in-order bytes of each TCP direction, each UDP
// datagram, and the end of each flow. Dissectors only need the start of a stream, so everything
// is capped, and the memory is allocated once, in the constructor, whatever the capture size:
//
//   * at most `max_flows` flows; a new flow when the table is full evicts the flow seen least
//     recently (it ends with FlowEnd::evicted, its buffered bytes delivered first);
//   * a flow idle for `idle_timeout_us` of *capture* time (packet timestamps, not the wall clock)
//     ends with FlowEnd::idle;
//   * each direction delivers at most `stream_cap` bytes; after that its payload is ignored
//     cheaply (one compare) and counted in `FlowDirStats::bytes_seen` only;
//   * each direction buffers at most `ooo_cap` bytes of out-of-order segments, taken from one
//     pool of `ooo_pool_bytes` shared by all flows, in 2 KiB chunks (the caps count chunk bytes
//     held, so a storm of tiny segments cannot pin more memory than its share).
//
// Flow key and orientation. A flow is the 5-tuple (addresses, ports, TCP or UDP); both directions
// find the same flow. The *client* is:
//   1. the sender of a SYN without ACK (or the receiver of a SYN-ACK) when the flow starts there;
//   2. otherwise, when the ports differ, the endpoint with the higher port (servers listen on
//      low, well-known ports; clients use ephemeral ones): DHCP 68 -> 67, DNS 53, NTP 123,
//      MQTT 1883 from an ephemeral port. Wrong for a server on a high port seen mid-stream
//      talking to a client on a lower one (rare: ephemeral ranges start at 32768 or 49152);
//   3. otherwise (equal ports, e.g. NTP 123 <-> 123) the sender of the first packet seen.
// VLAN ids and MAC addresses are not part of the key (they are reported in FlowInfo).
//
// TCP reassembly, per direction (sequence numbers compared modulo 2^32, RFC 1982):
//   * the stream starts after the SYN's sequence number; when the SYN was not captured it starts
//     at the first segment with payload, and that first delivery says `after_gap` (bytes before
//     it are unknown);
//   * a segment at the expected sequence number is delivered at once, then any buffered
//     segments it makes contiguous;
//   * bytes already delivered (retransmissions, overlaps) are dropped: the first copy wins;
//   * a segment ahead of the expected number is buffered; one fully inside an already buffered
//     segment is dropped;
//   * when buffering a segment would exceed `ooo_cap` (or the pool is empty), the direction gives
//     up on the missing bytes: it skips to the lowest buffered segment, delivers it with
//     `after_gap = true`, and so on, then handles the new segment (buffering it or, the buffer
//     being empty, skipping to it). The end of a flow does the same with whatever is buffered;
//   * a TCP flow is created only by a SYN or a segment with payload, so the last ACKs after a
//     close do not open a new flow; it ends (FlowEnd::fin) once both directions have delivered up
//     to their FIN, or at once on RST (FlowEnd::rst). A SYN from the client with a new initial
//     sequence number on a live flow (port reuse) ends the old flow (FlowEnd::reused) first.
//
// Not flows: ICMP and other IP protocols, non-IP frames, later IP fragments (no ports), invalid
// packets. The caller handles those from the DecodedPacket if it needs them.
//
// Threading: one FlowTable per thread. A sink must not call back into the table it is fed by.
#pragma once

#include "probes/wire/packet.hpp"
#include "trustscan/address.hpp"
#include "trustscan/parse.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace trustscan {

/// Which way a packet or stream goes, relative to the flow's client (see the file comment).
enum class Direction : std::uint8_t { to_server = 0, to_client = 1 };

/// Why a flow ended (`FlowInfo::end`).
enum class FlowEnd : std::uint8_t {
  none,         ///< still live
  fin,          ///< both directions closed by FIN (TCP)
  rst,          ///< a RST was seen (TCP)
  idle,         ///< no packet for `idle_timeout_us` of capture time
  evicted,      ///< the table was full and this flow was seen least recently
  reused,       ///< a new SYN with another initial sequence number on the same 5-tuple
  capture_end,  ///< still live at `FlowTable::finish()`
};

/// Counters of one direction of a flow.
struct FlowDirStats {
  std::uint64_t packets = 0;     ///< packets in this direction
  std::uint64_t bytes_seen = 0;  ///< transport payload bytes in this direction (all copies)
  std::uint64_t delivered = 0;   ///< stream bytes delivered to `on_stream` (<= stream_cap)
  std::uint64_t gap_bytes = 0;   ///< stream bytes known missing (skipped at a gap)
  bool capped = false;           ///< `stream_cap` reached: later payload ignored
  /// Capture time (µs) of this direction's first FIN or RST; 0 while it has sent neither. Tells
  /// which side closed first (a TLS client that hangs up on a certificate it refuses).
  std::uint64_t close_us = 0;
};

/// What a sink learns about a flow; valid during the callback only.
struct FlowInfo {
  std::uint64_t id = 0;           ///< 1, 2, … in order of creation
  std::uint8_t ip_proto = 0;      ///< ipproto::tcp or ipproto::udp
  Address client;
  Address server;
  std::uint16_t client_port = 0;
  std::uint16_t server_port = 0;
  bool syn_seen = false;          ///< TCP: orientation from the handshake (rule 1)
  bool has_client_mac = false;    ///< from the last Ethernet/SLL frame the client sent
  bool has_server_mac = false;
  MacAddress client_mac{};
  MacAddress server_mac{};
  std::uint64_t first_us = 0;     ///< timestamp of the first packet, µs
  std::uint64_t last_us = 0;      ///< timestamp of the latest packet, µs
  std::array<FlowDirStats, 2> dir{};  ///< indexed by Direction
  FlowEnd end = FlowEnd::none;

  const FlowDirStats& stats(Direction d) const noexcept { return dir[static_cast<std::size_t>(d)]; }
};

/// Receives what a FlowTable reassembles. Spans are valid during the call only.
struct FlowSink {
  virtual ~FlowSink() = default;
  /// In-order bytes of one TCP direction. `after_gap`: bytes before `data` are missing (not
  /// captured, skipped at the buffer cap, or the stream was joined mid-way).
  virtual void on_stream(const FlowInfo& flow, Direction dir, Bytes data, bool after_gap) = 0;
  /// One UDP datagram (payload in `packet.payload`; a first IP fragment carries only a part).
  virtual void on_datagram(const FlowInfo& flow, Direction dir, const DecodedPacket& packet) = 0;
  /// The flow ended (`flow.end` says why); no call for it follows.
  virtual void on_flow_end(const FlowInfo& flow) = 0;
};

/// Limits of a FlowTable; all memory is sized from them in the constructor.
struct FlowConfig {
  std::size_t max_flows = 65536;                  ///< live flows at most (>= 1)
  std::size_t stream_cap = 256 * 1024;            ///< bytes delivered per TCP direction
  std::size_t ooo_cap = 64 * 1024;                ///< out-of-order bytes buffered per direction
  std::size_t ooo_pool_bytes = 16 * 1024 * 1024;  ///< out-of-order bytes buffered in all
  std::uint64_t idle_timeout_us = 300'000'000;    ///< capture-time idle limit (5 min)
};

/// Table-wide counters.
struct FlowTableStats {
  std::uint64_t flows = 0;           ///< flows created
  std::uint64_t evicted = 0;         ///< ended by FlowEnd::evicted
  std::uint64_t expired = 0;         ///< ended by FlowEnd::idle
  std::uint64_t ignored = 0;         ///< packets not for the table (non-TCP/UDP, later fragments,
                                     ///< bare ACK/FIN/RST without a flow)
  std::uint64_t duplicate_bytes = 0; ///< retransmitted / overlapping bytes dropped
  std::uint64_t ooo_dropped = 0;     ///< buffered-segment candidates dropped as fully covered
};

/// Flow table with bounded TCP reassembly (see the file comment).
class FlowTable {
 public:
  /// Allocates every table, list and buffer for `cfg` (max_flows 0 is taken as 1). The sink
  /// must outlive the table.
  FlowTable(const FlowConfig& cfg, FlowSink& sink);
  FlowTable(const FlowTable&) = delete;
  FlowTable& operator=(const FlowTable&) = delete;

  /// Feeds one decoded packet (`decode_packet` returned done) captured at `ts_us`. Ends the flows
  /// idle for longer than the timeout first. Never allocates.
  void add(const DecodedPacket& packet, std::uint64_t ts_us) noexcept;
  /// Ends every live flow (FlowEnd::capture_end), delivering buffered bytes after their gaps.
  void finish() noexcept;

  std::size_t live_flows() const noexcept { return live_; }
  /// Out-of-order bytes buffered now, over all flows (<= ooo_pool_bytes).
  std::size_t buffered_bytes() const noexcept { return buffered_; }
  const FlowTableStats& stats() const noexcept { return stats_; }
  const FlowConfig& config() const noexcept { return cfg_; }
  /// Bytes the table allocated in its constructor: constant for its life.
  std::size_t memory_bytes() const noexcept;

 private:
  static constexpr std::uint32_t kNone = 0xffffffffu;
  static constexpr std::size_t kChunk = 2048;  ///< bytes per out-of-order pool chunk

  struct Segment {  ///< one buffered out-of-order segment: a chain of chunks
    std::uint32_t seq = 0;
    std::uint32_t len = 0;
    std::uint32_t next = kNone;   ///< next segment of the direction, by sequence number
    std::uint32_t chunk = kNone;  ///< first chunk (chunk_next_ links the rest)
  };
  struct DirState {
    std::uint32_t next_seq = 0;   ///< next stream byte expected
    std::uint32_t fin_seq = 0;    ///< sequence number of the FIN (valid when fin)
    std::uint32_t isn = 0;        ///< initial sequence number (valid when syn)
    std::uint32_t ooo_head = kNone;
    std::uint32_t ooo_bytes = 0;
    bool started = false;         ///< next_seq is known
    bool syn = false;
    bool fin = false;
    bool gap_next = false;        ///< the next delivery follows missing bytes
  };
  struct Flow {
    FlowInfo info;
    std::array<DirState, 2> st{};
    std::uint64_t hash = 0;
    std::uint32_t slot = kNone;   ///< index in slots_
    std::uint32_t prev = kNone;   ///< LRU list: towards the most recent
    std::uint32_t next = kNone;   ///< LRU list: towards the least recent
  };

  std::uint32_t find(const DecodedPacket& p, std::uint64_t hash, Direction& dir) const noexcept;
  std::uint32_t create(const DecodedPacket& p, std::uint64_t hash, std::uint64_t ts_us, Direction& dir) noexcept;
  void end_flow(std::uint32_t f, FlowEnd why) noexcept;
  void touch(std::uint32_t f) noexcept;
  void unlink(std::uint32_t f) noexcept;
  void slot_erase(std::uint32_t slot) noexcept;

  void tcp(Flow& fl, Direction d, const DecodedPacket& p, std::uint32_t f) noexcept;
  void stream(Flow& fl, Direction d, std::uint32_t seq, Bytes data) noexcept;
  void deliver(Flow& fl, Direction d, Bytes data) noexcept;
  void drain(Flow& fl, Direction d) noexcept;
  void skip_to_buffered(Flow& fl, Direction d) noexcept;
  bool buffer(DirState& ds, std::uint32_t seq, Bytes data) noexcept;
  void deliver_segment(Flow& fl, Direction d, std::uint32_t s, std::uint32_t from) noexcept;
  void free_segment(DirState& ds, std::uint32_t s) noexcept;
  void free_buffer(DirState& ds) noexcept;
  bool closed(const Flow& fl, Direction d) const noexcept;

  FlowConfig cfg_;
  FlowSink& sink_;
  std::vector<Flow> flows_;
  std::vector<std::uint32_t> slots_;       ///< open addressing (linear probing), flow indices
  std::uint64_t mask_ = 0;
  std::uint32_t free_flow_ = kNone;        ///< free list through Flow::next
  std::uint32_t lru_head_ = kNone;         ///< most recently seen
  std::uint32_t lru_tail_ = kNone;         ///< least recently seen
  std::vector<Segment> segs_;
  std::uint32_t free_seg_ = kNone;         ///< free list through Segment::next
  std::vector<std::uint8_t> chunk_data_;
  std::vector<std::uint32_t> chunk_next_;
  std::uint32_t free_chunk_ = kNone;
  std::size_t free_chunks_ = 0;
  std::size_t live_ = 0;
  std::size_t buffered_ = 0;
  std::uint64_t next_id_ = 1;
  FlowTableStats stats_;
};

}  // namespace trustscan
