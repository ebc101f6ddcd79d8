// trustscan — flow table and bounded TCP reassembly (see flow.hpp). All memory is allocated in
// the constructor; add() only moves indices between free lists, so it never allocates.
#include "probes/wire/flow.hpp"

#include <algorithm>
#include <cstring>

namespace trustscan {
namespace {

/// Serial-number difference a - b (RFC 1982): negative when a is before b, across the wrap.
inline std::int32_t seq_diff(std::uint32_t a, std::uint32_t b) noexcept {
  return static_cast<std::int32_t>(a - b);
}

/// MurmurHash3's 64-bit finalizer: cheap and mixes every input bit.
inline std::uint64_t fmix(std::uint64_t x) noexcept {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  x ^= x >> 33;
  return x;
}

inline std::uint64_t endpoint_hash(const Address& a, std::uint16_t port) noexcept {
  std::uint64_t lo = 0, hi = 0;
  std::memcpy(&lo, a.bytes.data(), 8);
  std::memcpy(&hi, a.bytes.data() + 8, 8);
  return fmix(lo ^ fmix(hi ^ ((std::uint64_t{port} << 1) | (a.v6 ? 1u : 0u))));
}

/// Symmetric in the two endpoints, so both directions of a flow hash alike.
inline std::uint64_t flow_hash(const DecodedPacket& p) noexcept {
  return fmix(endpoint_hash(p.src, p.src_port) + endpoint_hash(p.dst, p.dst_port) + p.ip_proto);
}

inline std::size_t idx(Direction d) noexcept { return static_cast<std::size_t>(d); }

}  // namespace

FlowTable::FlowTable(const FlowConfig& cfg, FlowSink& sink) : cfg_(cfg), sink_(sink) {
  cfg_.max_flows = std::clamp<std::size_t>(cfg_.max_flows, 1, kNone / 2);
  cfg_.ooo_cap = std::min<std::size_t>(cfg_.ooo_cap, kNone / 2);
  flows_.resize(cfg_.max_flows);
  for (std::size_t i = 0; i < flows_.size(); ++i)
    flows_[i].next = i + 1 < flows_.size() ? static_cast<std::uint32_t>(i + 1) : kNone;
  free_flow_ = 0;
  std::size_t cap = 16;
  while (cap < 2 * cfg_.max_flows) cap *= 2;  // load factor <= 1/2: short probes, never full
  slots_.assign(cap, kNone);
  mask_ = cap - 1;

  const std::size_t chunks = std::min<std::size_t>(cfg_.ooo_pool_bytes / kChunk, kNone / 2);
  chunk_data_.resize(chunks * kChunk);
  chunk_next_.resize(chunks);
  segs_.resize(chunks);  // a segment holds at least one chunk
  for (std::size_t i = 0; i < chunks; ++i) {
    const std::uint32_t n = i + 1 < chunks ? static_cast<std::uint32_t>(i + 1) : kNone;
    chunk_next_[i] = n;
    segs_[i].next = n;
  }
  free_chunk_ = free_seg_ = chunks ? 0 : kNone;
  free_chunks_ = chunks;
}

std::size_t FlowTable::memory_bytes() const noexcept {
  return flows_.capacity() * sizeof(Flow) + slots_.capacity() * sizeof(std::uint32_t) +
         segs_.capacity() * sizeof(Segment) + chunk_data_.capacity() + chunk_next_.capacity() * sizeof(std::uint32_t);
}

// ---- table: hash slots and LRU list ----------------------------------------------------------

std::uint32_t FlowTable::find(const DecodedPacket& p, std::uint64_t hash, Direction& dir) const noexcept {
  for (std::uint64_t i = hash & mask_;; i = (i + 1) & mask_) {
    const std::uint32_t f = slots_[i];
    if (f == kNone) return kNone;
    const Flow& fl = flows_[f];
    if (fl.hash != hash || fl.info.ip_proto != p.ip_proto) continue;
    const FlowInfo& in = fl.info;
    if (p.src_port == in.client_port && p.dst_port == in.server_port && p.src == in.client && p.dst == in.server) {
      dir = Direction::to_server;
      return f;
    }
    if (p.src_port == in.server_port && p.dst_port == in.client_port && p.src == in.server && p.dst == in.client) {
      dir = Direction::to_client;
      return f;
    }
  }
}

std::uint32_t FlowTable::create(const DecodedPacket& p, std::uint64_t hash, std::uint64_t ts_us, Direction& dir) noexcept {
  if (live_ == cfg_.max_flows) {
    ++stats_.evicted;
    end_flow(lru_tail_, FlowEnd::evicted);
  }
  const std::uint32_t f = free_flow_;
  free_flow_ = flows_[f].next;
  Flow& fl = flows_[f];
  fl = Flow{};
  fl.hash = hash;
  FlowInfo& in = fl.info;
  in.id = next_id_++;
  in.ip_proto = p.ip_proto;
  in.first_us = in.last_us = ts_us;
  // Orientation rules 1-3 of flow.hpp.
  bool src_is_client = true;
  if (p.ip_proto == ipproto::tcp && (p.tcp_flags & tcpflag::syn)) {
    in.syn_seen = true;
    src_is_client = (p.tcp_flags & tcpflag::ack) == 0;
  } else if (p.src_port != p.dst_port) {
    src_is_client = p.src_port > p.dst_port;
  }
  dir = src_is_client ? Direction::to_server : Direction::to_client;
  in.client = src_is_client ? p.src : p.dst;
  in.server = src_is_client ? p.dst : p.src;
  in.client_port = src_is_client ? p.src_port : p.dst_port;
  in.server_port = src_is_client ? p.dst_port : p.src_port;

  std::uint64_t i = hash & mask_;
  while (slots_[i] != kNone) i = (i + 1) & mask_;
  slots_[i] = f;
  fl.slot = static_cast<std::uint32_t>(i);
  fl.prev = fl.next = kNone;
  touch(f);
  ++live_;
  ++stats_.flows;
  return f;
}

void FlowTable::unlink(std::uint32_t f) noexcept {
  Flow& fl = flows_[f];
  if (fl.prev != kNone) flows_[fl.prev].next = fl.next;
  else if (lru_head_ == f) lru_head_ = fl.next;
  if (fl.next != kNone) flows_[fl.next].prev = fl.prev;
  else if (lru_tail_ == f) lru_tail_ = fl.prev;
  fl.prev = fl.next = kNone;
}

void FlowTable::touch(std::uint32_t f) noexcept {
  if (lru_head_ == f) return;
  unlink(f);
  Flow& fl = flows_[f];
  fl.next = lru_head_;
  if (lru_head_ != kNone) flows_[lru_head_].prev = f;
  lru_head_ = f;
  if (lru_tail_ == kNone) lru_tail_ = f;
}

/// Linear-probing deletion by backward shift: later entries of the probe run move up, so no
/// tombstones accumulate however many flows come and go.
void FlowTable::slot_erase(std::uint32_t slot) noexcept {
  std::uint64_t i = slot;
  slots_[i] = kNone;
  for (std::uint64_t j = (i + 1) & mask_;; j = (j + 1) & mask_) {
    const std::uint32_t f = slots_[j];
    if (f == kNone) return;
    const std::uint64_t home = flows_[f].hash & mask_;
    const bool movable = i <= j ? (home <= i || home > j) : (home <= i && home > j);
    if (!movable) continue;
    slots_[i] = f;
    flows_[f].slot = static_cast<std::uint32_t>(i);
    slots_[j] = kNone;
    i = j;
  }
}

void FlowTable::end_flow(std::uint32_t f, FlowEnd why) noexcept {
  Flow& fl = flows_[f];
  for (Direction d : {Direction::to_server, Direction::to_client}) {
    while (fl.st[idx(d)].ooo_head != kNone && !fl.info.dir[idx(d)].capped) skip_to_buffered(fl, d);
    free_buffer(fl.st[idx(d)]);
  }
  fl.info.end = why;
  sink_.on_flow_end(fl.info);
  slot_erase(fl.slot);
  unlink(f);
  fl.next = free_flow_;
  free_flow_ = f;
  --live_;
}

void FlowTable::finish() noexcept {
  while (lru_tail_ != kNone) end_flow(lru_tail_, FlowEnd::capture_end);
}

// ---- packets -----------------------------------------------------------------------------------

void FlowTable::add(const DecodedPacket& p, std::uint64_t ts_us) noexcept {
  while (lru_tail_ != kNone) {
    const std::uint64_t last = flows_[lru_tail_].info.last_us;
    if (ts_us <= last || ts_us - last <= cfg_.idle_timeout_us) break;
    ++stats_.expired;
    end_flow(lru_tail_, FlowEnd::idle);
  }
  const bool tcp_packet = p.ip_proto == ipproto::tcp;
  if (!p.has_ports || p.later_fragment || (!tcp_packet && p.ip_proto != ipproto::udp)) {
    ++stats_.ignored;
    return;
  }
  const std::uint64_t hash = flow_hash(p);
  Direction d = Direction::to_server;
  std::uint32_t f = find(p, hash, d);
  if (tcp_packet) {
    const bool opening = (p.tcp_flags & (tcpflag::syn | tcpflag::ack)) == tcpflag::syn;
    if (f != kNone && opening) {
      // A client SYN on a live flow is a new connection on the same 5-tuple unless it is a
      // retransmission of the flow's own SYN.
      const DirState& c = flows_[f].st[0];
      if (d == Direction::to_client || (c.syn && p.seq != c.isn) || (!c.syn && c.started)) {
        end_flow(f, FlowEnd::reused);
        f = kNone;
      }
    }
    if (f == kNone && !(p.tcp_flags & tcpflag::syn) && p.payload.empty()) {
      ++stats_.ignored;  // a bare ACK/FIN/RST: typically the tail of a flow already ended
      return;
    }
  }
  if (f == kNone) f = create(p, hash, ts_us, d);
  Flow& fl = flows_[f];
  FlowInfo& in = fl.info;
  in.last_us = std::max(in.last_us, ts_us);
  touch(f);
  FlowDirStats& st = in.dir[idx(d)];
  ++st.packets;
  st.bytes_seen += p.payload.size();
  if (p.has_src_mac) {
    const bool from_client = d == Direction::to_server;
    (from_client ? in.has_client_mac : in.has_server_mac) = true;
    (from_client ? in.client_mac : in.server_mac) = p.src_mac;
  }
  if (tcp_packet) tcp(fl, d, p, f);
  else sink_.on_datagram(in, d, p);
}

void FlowTable::tcp(Flow& fl, Direction d, const DecodedPacket& p, std::uint32_t f) noexcept {
  DirState& ds = fl.st[idx(d)];
  std::uint32_t data_seq = p.seq;
  if (p.tcp_flags & tcpflag::syn) {
    if (!ds.syn && !ds.started) {
      ds.syn = ds.started = true;
      ds.isn = p.seq;
      ds.next_seq = p.seq + 1;
    }
    data_seq = p.seq + 1;  // the SYN takes one sequence number (TFO data follows it)
  }
  if (!p.payload.empty()) stream(fl, d, data_seq, p.payload);
  if ((p.tcp_flags & (tcpflag::fin | tcpflag::rst)) && fl.info.dir[idx(d)].close_us == 0)
    fl.info.dir[idx(d)].close_us = std::max<std::uint64_t>(fl.info.last_us, 1);
  if ((p.tcp_flags & tcpflag::fin) && !ds.fin) {
    ds.fin = true;
    ds.fin_seq = data_seq + static_cast<std::uint32_t>(p.payload.size());
  }
  if (p.tcp_flags & tcpflag::rst) {
    end_flow(f, FlowEnd::rst);
    return;
  }
  if (closed(fl, Direction::to_server) && closed(fl, Direction::to_client)) end_flow(f, FlowEnd::fin);
}

bool FlowTable::closed(const Flow& fl, Direction d) const noexcept {
  const DirState& ds = fl.st[idx(d)];
  if (!ds.fin) return false;
  if (fl.info.dir[idx(d)].capped || !ds.started) return true;
  return ds.ooo_head == kNone && ds.next_seq == ds.fin_seq;
}

// ---- reassembly ------------------------------------------------------------------------------

void FlowTable::stream(Flow& fl, Direction d, std::uint32_t seq, Bytes data) noexcept {
  DirState& ds = fl.st[idx(d)];
  FlowDirStats& st = fl.info.dir[idx(d)];
  if (!ds.started) {  // joined mid-stream: what came before is unknown
    ds.started = ds.gap_next = true;
    ds.next_seq = seq;
  }
  for (;;) {
    if (st.capped) return;  // past stream_cap: ignored cheaply
    const std::int32_t rel = seq_diff(seq, ds.next_seq);
    if (rel <= 0) {
      const std::size_t dup = static_cast<std::size_t>(-static_cast<std::int64_t>(rel));
      if (dup >= data.size()) {
        stats_.duplicate_bytes += data.size();
        return;
      }
      stats_.duplicate_bytes += dup;
      data = data.subspan(dup);
      ds.next_seq += static_cast<std::uint32_t>(data.size());
      deliver(fl, d, data);
      drain(fl, d);
      return;
    }
    if (buffer(ds, seq, data)) return;
    // No room: give up on the missing bytes before the lowest segment we hold (this one or a
    // buffered one), then try again.
    if (ds.ooo_head == kNone || seq_diff(seq, segs_[ds.ooo_head].seq) < 0) {
      st.gap_bytes += static_cast<std::uint32_t>(rel);
      ds.next_seq = seq;
      ds.gap_next = true;
    } else {
      skip_to_buffered(fl, d);
    }
  }
}

void FlowTable::deliver(Flow& fl, Direction d, Bytes data) noexcept {
  DirState& ds = fl.st[idx(d)];
  FlowDirStats& st = fl.info.dir[idx(d)];
  const std::size_t room = cfg_.stream_cap - std::min<std::size_t>(st.delivered, cfg_.stream_cap);
  const std::size_t n = std::min(room, data.size());
  if (n) {
    const bool gap = ds.gap_next;
    ds.gap_next = false;
    st.delivered += n;
    sink_.on_stream(fl.info, d, data.first(n), gap);
  }
  if (st.delivered >= cfg_.stream_cap) {
    st.capped = true;
    free_buffer(ds);
  }
}

void FlowTable::drain(Flow& fl, Direction d) noexcept {
  DirState& ds = fl.st[idx(d)];
  while (ds.ooo_head != kNone && !fl.info.dir[idx(d)].capped) {
    const std::uint32_t s = ds.ooo_head;
    const Segment seg = segs_[s];
    if (seq_diff(seg.seq, ds.next_seq) > 0) return;  // still a hole before it
    ds.ooo_head = seg.next;
    const std::int32_t beyond = seq_diff(seg.seq + seg.len, ds.next_seq);
    if (beyond > 0) {
      ds.next_seq = seg.seq + seg.len;
      stats_.duplicate_bytes += seg.len - static_cast<std::uint32_t>(beyond);
      deliver_segment(fl, d, s, seg.len - static_cast<std::uint32_t>(beyond));
    } else {
      stats_.duplicate_bytes += seg.len;
    }
    free_segment(ds, s);
  }
}

void FlowTable::skip_to_buffered(Flow& fl, Direction d) noexcept {
  DirState& ds = fl.st[idx(d)];
  const std::int32_t gap = seq_diff(segs_[ds.ooo_head].seq, ds.next_seq);
  if (gap > 0) {
    fl.info.dir[idx(d)].gap_bytes += static_cast<std::uint32_t>(gap);
    ds.next_seq = segs_[ds.ooo_head].seq;
    ds.gap_next = true;
  }
  drain(fl, d);
}

/// Delivers bytes [from, len) of buffered segment `s`, chunk by chunk (the sink sees one call
/// per chunk: stream consumers are incremental anyway).
void FlowTable::deliver_segment(Flow& fl, Direction d, std::uint32_t s, std::uint32_t from) noexcept {
  std::uint32_t left = segs_[s].len;
  for (std::uint32_t c = segs_[s].chunk; c != kNone && left > 0 && !fl.info.dir[idx(d)].capped; c = chunk_next_[c]) {
    const std::uint32_t n = std::min<std::uint32_t>(left, kChunk);
    if (from < n) deliver(fl, d, Bytes(chunk_data_.data() + std::size_t{c} * kChunk + from, n - from));
    from = from > n ? from - n : 0;
    left -= n;
  }
}

bool FlowTable::buffer(DirState& ds, std::uint32_t seq, Bytes data) noexcept {
  const std::size_t chunks = (data.size() + kChunk - 1) / kChunk;
  const std::size_t bytes = chunks * kChunk;  // the cap counts pool bytes held, not payload
  // Insertion point (sorted by sequence number), and drop a segment already fully held.
  const std::uint32_t len = static_cast<std::uint32_t>(data.size());
  std::uint32_t prev = kNone;
  for (std::uint32_t c = ds.ooo_head; c != kNone; c = segs_[c].next) {
    const Segment& s = segs_[c];
    if (seq_diff(s.seq, seq) <= 0 && seq_diff(s.seq + s.len, seq + len) >= 0) {
      ++stats_.ooo_dropped;
      stats_.duplicate_bytes += len;
      return true;
    }
    if (seq_diff(s.seq, seq) > 0) break;
    prev = c;
  }
  if (ds.ooo_bytes + bytes > cfg_.ooo_cap || chunks > free_chunks_ || free_seg_ == kNone) return false;

  const std::uint32_t s = free_seg_;
  free_seg_ = segs_[s].next;
  Segment& seg = segs_[s];
  seg.seq = seq;
  seg.len = len;
  seg.chunk = free_chunk_;
  std::uint32_t c = free_chunk_;
  for (std::size_t off = 0; off < data.size(); off += kChunk) {
    std::memcpy(chunk_data_.data() + std::size_t{c} * kChunk, data.data() + off, std::min(kChunk, data.size() - off));
    const std::uint32_t next = chunk_next_[c];
    if (off + kChunk >= data.size()) chunk_next_[c] = kNone;
    c = next;
  }
  free_chunk_ = c;
  free_chunks_ -= chunks;
  ds.ooo_bytes += static_cast<std::uint32_t>(bytes);
  buffered_ += bytes;
  seg.next = prev == kNone ? ds.ooo_head : segs_[prev].next;
  (prev == kNone ? ds.ooo_head : segs_[prev].next) = s;
  return true;
}

void FlowTable::free_segment(DirState& ds, std::uint32_t s) noexcept {
  Segment& seg = segs_[s];
  std::size_t chunks = 0;
  std::uint32_t last = kNone;
  for (std::uint32_t c = seg.chunk; c != kNone; c = chunk_next_[c]) {
    ++chunks;
    last = c;
  }
  if (last != kNone) {
    chunk_next_[last] = free_chunk_;
    free_chunk_ = seg.chunk;
  }
  free_chunks_ += chunks;
  ds.ooo_bytes -= static_cast<std::uint32_t>(chunks * kChunk);
  buffered_ -= chunks * kChunk;
  seg.chunk = kNone;
  seg.next = free_seg_;
  free_seg_ = s;
}

void FlowTable::free_buffer(DirState& ds) noexcept {
  while (ds.ooo_head != kNone) {
    const std::uint32_t s = ds.ooo_head;
    ds.ooo_head = segs_[s].next;
    free_segment(ds, s);
  }
}

}  // namespace trustscan
