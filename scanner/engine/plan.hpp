// trustscan — the scan plan: which (device, endpoint) pairs this run probes, in which order.
//
// Deterministic by construction (STYLE.md rule 12): the same targets, ports, --seed and
// --shard always give the same plan, and the N shards of a plan partition it exactly.
#pragma once

#include "scanner/engine/targets.hpp"
#include "trustscan/types.hpp"

#include <chrono>
#include <cstdint>
#include <ostream>
#include <string_view>
#include <vector>

namespace trustscan {

/// --shard K/N as parsed: `index` is 0-based (K-1).
struct Shard {
  std::uint32_t index = 0;
  std::uint32_t count = 1;
};
/// Parses "K/N" with 1 <= K <= N <= 65536. Throws InputError.
Shard parse_shard(std::string_view text);

struct ScanJob {
  std::uint32_t device = 0;  ///< index into ScanPlan::targets
  Endpoint endpoint;
  bool well_known = false;   ///< a port devices often serve: scanned first, retried always
};

/// The ports devices most often serve (management, IoT, the peers' top ports). A plan scans
/// them first, so the adaptive timing learns a device's round-trip time from the first answers,
/// and their timeouts keep their retries.
bool is_well_known_port(Transport transport, std::uint16_t port) noexcept;

/// Printer ports (raw JetDirect 9100-9107, LPD 515, IPP 631): a raw printer prints whatever it is
/// sent, so identification sends them nothing unless asked (--probe-printers; nmap's users had
/// pages printed).
bool is_printer_port(const Endpoint& ep) noexcept;

struct ScanPlan {
  std::vector<Target> targets;  ///< sorted by address
  std::vector<ScanJob> jobs;    ///< per device in seeded order, devices interleaved
  Shard shard;
  std::uint64_t seed = 0;
  /// What every shard of one scan shares: 16 hex digits of SHA-256 over the seed, the shard
  /// count, every target and the port list (not the shard index). `trustscan merge` accepts
  /// only shards with the same identity (docs/sharding.md).
  std::string identity;
  /// Per target (same index), a round-trip time measured before the port scan (host discovery);
  /// zero or missing: none. It seeds the device's adaptive timing (scanner/engine/timing.hpp).
  std::vector<std::chrono::microseconds> rtt_hints;
};

/// Builds the plan. Within one device the port order is a seeded permutation (so a scan does
/// not walk a device's ports in order, which some devices rate-limit) with the well-known ports
/// moved to the front in their seeded order; the (device, endpoint) space is split between
/// shards by the position of each pair in the canonical order.
ScanPlan make_plan(std::vector<Target> targets, const PortList& ports, std::uint64_t seed, Shard shard);

/// The jobs (indices into plan.jobs, in plan order) that engine worker `index` of `count` runs:
/// each device's jobs are dealt to the workers in turn, so every worker holds its share of every
/// device and a device's window, split evenly between the workers, is used whole. (Dealing the
/// plan's interleaved order instead gave a worker whole devices whenever the device count and
/// the worker count share a factor: two firewalled devices then took twice as long as one.)
std::vector<std::size_t> deal_jobs(const ScanPlan& plan, std::size_t index, std::size_t count);

/// Prints the plan for --dry-run: one line per device with its ports, nothing sent.
void print_plan(const ScanPlan& plan, std::ostream& out);

}  // namespace trustscan
