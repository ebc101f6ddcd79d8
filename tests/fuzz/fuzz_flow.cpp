// libFuzzer harness for FlowTable (probes/wire/flow.hpp): the input is a small configuration and a
// sequence of synthetic TCP/UDP segments over 6 five-tuples (direction, flags, sequence offset
// near a 2^32 wrap, length, time step). Every payload byte is the low byte of its own sequence
// number, so in-order delivery is checkable: inside a run without after_gap each byte is the
// previous one plus 1. Also checked: the delivered-bytes cap, buffer and pool bounds, live flows
// <= max_flows, constant memory, one end per flow and no call after it.
#include "probes/wire/flow.hpp"

#include <cstddef>
#include <cstdint>
#include <map>
#include <set>
#include <utility>
#include <vector>

using namespace trustscan;

namespace {

struct Checker : FlowSink {
  std::size_t cap = 0;
  std::map<std::pair<std::uint64_t, int>, std::uint64_t> delivered;
  std::map<std::pair<std::uint64_t, int>, int> last;  // last byte delivered, per direction
  std::set<std::uint64_t> ended;

  void on_stream(const FlowInfo& f, Direction d, Bytes data, bool after_gap) override {
    if (data.empty() || ended.count(f.id) || f.ip_proto != ipproto::tcp) __builtin_trap();
    const auto key = std::make_pair(f.id, static_cast<int>(d));
    auto& n = delivered[key];
    n += data.size();
    if (n > cap || n != f.stats(d).delivered) __builtin_trap();
    const auto it = last.find(key);
    if (!after_gap && it != last.end() && data[0] != static_cast<std::uint8_t>(it->second + 1)) __builtin_trap();
    for (std::size_t i = 1; i < data.size(); ++i)
      if (data[i] != static_cast<std::uint8_t>(data[i - 1] + 1)) __builtin_trap();
    last[key] = data.back();
  }
  void on_datagram(const FlowInfo& f, Direction, const DecodedPacket&) override {
    if (ended.count(f.id) || f.ip_proto != ipproto::udp) __builtin_trap();
  }
  void on_flow_end(const FlowInfo& f) override {
    if (f.end == FlowEnd::none || !ended.insert(f.id).second) __builtin_trap();
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 8) return 0;
  FlowConfig cfg;
  cfg.max_flows = 1 + data[0] % 4;
  cfg.stream_cap = static_cast<std::size_t>(data[1]) * 64;
  cfg.ooo_cap = static_cast<std::size_t>(data[2] % 8) * 2048;
  cfg.ooo_pool_bytes = static_cast<std::size_t>(data[3] % 16) * 2048;
  cfg.idle_timeout_us = 1'000'000ULL * (1 + data[4] % 16);
  const std::uint32_t base = 0xffffff00u + data[5];  // streams cross the 2^32 wrap early
  Checker sink;
  sink.cap = cfg.stream_cap;
  FlowTable t(cfg, sink);
  const std::size_t mem = t.memory_bytes();

  static std::uint8_t payload[4096 + 256];
  std::uint64_t ts = 0;
  DecodedPacket p;
  p.ip_version = 4;
  p.has_ports = true;
  for (std::size_t i = 6; i + 6 <= size; i += 6) {
    const std::uint8_t* op = data + i;
    const unsigned tuple = op[0] % 6;
    const bool from_client = op[0] & 0x80;
    p.ip_proto = tuple == 5 ? ipproto::udp : ipproto::tcp;
    const Address a = Address::v4(0xc6130000u | (10 + tuple % 3));
    const Address b = Address::v4(0xc6130002u);
    const std::uint16_t cport = static_cast<std::uint16_t>(40000 + tuple);
    p.src = from_client ? a : b;
    p.dst = from_client ? b : a;
    p.src_port = from_client ? cport : 80;
    p.dst_port = from_client ? 80 : cport;
    p.tcp_flags = op[1] & 0x17;  // FIN SYN RST ACK
    const std::uint32_t seq = base + (from_client ? 0u : 0x40000000u) + ((std::uint32_t{op[2]} << 8 | op[3]) & 0x3fff);
    p.seq = seq;
    std::size_t len = op[4] % 3 == 0 ? 0 : static_cast<std::size_t>(op[4]) * ((op[1] & 0x80) ? 16 : 1);
    if (len > 4096) len = 4096;
    // The SYN takes one sequence number: its data starts at seq + 1.
    const std::uint32_t first = seq + ((p.tcp_flags & tcpflag::syn) ? 1u : 0u);
    for (std::size_t k = 0; k < len; ++k) payload[k] = static_cast<std::uint8_t>(first + k);
    p.payload = Bytes(payload, len);
    ts += static_cast<std::uint64_t>(op[5] & 0x7f) * 50'000;
    t.add(p, ts);
    if (t.live_flows() > cfg.max_flows || t.buffered_bytes() > cfg.ooo_pool_bytes || t.memory_bytes() != mem)
      __builtin_trap();
  }
  t.finish();
  if (t.live_flows() != 0 || t.buffered_bytes() != 0 || sink.ended.size() != t.stats().flows) __builtin_trap();
  return 0;
}
