// trustscan — the scan plan.
#include "scanner/engine/plan.hpp"

#include "probes/tls/ja_fingerprint.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <map>
#include <random>

namespace trustscan {

Shard parse_shard(std::string_view text) {
  const auto bad = [&] {
    return InputError("invalid --shard '" + std::string(text) + "': expected K/N with 1 <= K <= N, e.g. 2/4");
  };
  const auto slash = text.find('/');
  if (slash == std::string_view::npos) throw bad();
  std::uint32_t k = 0, n = 0;
  const auto a = text.substr(0, slash), b = text.substr(slash + 1);
  if (std::from_chars(a.data(), a.data() + a.size(), k).ptr != a.data() + a.size() || a.empty()) throw bad();
  if (std::from_chars(b.data(), b.data() + b.size(), n).ptr != b.data() + b.size() || b.empty()) throw bad();
  if (k < 1 || n < 1 || k > n || n > 65536) throw bad();
  return Shard{k - 1, n};
}

bool is_well_known_port(Transport transport, std::uint16_t port) noexcept {
  // Sorted. TCP: remote access and management (FTP, SSH, Telnet, HTTP(S) and their alternates,
  // RDP, VNC, ADB, TR-069), IoT and media (RTSP, MQTT, CoAP over TCP, Modbus, ONVIF, DVR ports),
  // file and print sharing, mail and databases that firmware leaves on.
  static constexpr std::array<std::uint16_t, 58> kTcp{
      21,   22,   23,   25,   53,   80,   81,   82,   88,   110,  111,  135,  139,  143,  443,
      445,  502,  515,  554,  631,  993,  995,  1080, 1723, 1883, 1900, 2323, 3000, 3306, 3389,
      4443, 5000, 5001, 5353, 5555, 5683, 5900, 6668, 7547, 8000, 8008, 8080, 8081, 8088, 8443,
      8554, 8883, 8888, 8899, 9000, 9100, 9443, 10000, 20000, 37777, 49152, 49153, 50000};
  static constexpr std::array<std::uint16_t, 13> kUdp{53, 67, 69, 123, 161, 500, 1900, 3702, 5353, 5683, 5684, 47808, 49152};
  static_assert(std::is_sorted(kTcp.begin(), kTcp.end()) && std::is_sorted(kUdp.begin(), kUdp.end()));
  if (transport == Transport::tcp) return std::binary_search(kTcp.begin(), kTcp.end(), port);
  return std::binary_search(kUdp.begin(), kUdp.end(), port);
}

bool is_printer_port(const Endpoint& ep) noexcept {
  return ep.transport == Transport::tcp && ((ep.port >= 9100 && ep.port <= 9107) || ep.port == 515 || ep.port == 631);
}

ScanPlan make_plan(std::vector<Target> targets, const PortList& ports, std::uint64_t seed, Shard shard) {
  ScanPlan plan;
  plan.targets = std::move(targets);
  plan.shard = shard;
  plan.seed = seed;
  std::string subject = "trustscan.scan/1\nseed " + std::to_string(seed) + "\nshards " + std::to_string(shard.count) + "\n";
  for (const auto& t : plan.targets) subject += "target " + t.address.to_string() + " " + t.name + "\n";
  for (const auto& [label, list] : {std::pair{"tcp", &ports.tcp}, {"udp", &ports.udp}}) {
    subject += label;
    for (auto port : *list) subject += " " + std::to_string(port);
    subject += "\n";
  }
  plan.identity = sha256_hex(subject).substr(0, 16);

  // Canonical order: device, then TCP ports, then UDP ports. The shard keeps every pair whose
  // canonical position is congruent to its index, so shards are disjoint and cover everything.
  std::vector<std::vector<Endpoint>> per_device(plan.targets.size());
  std::uint64_t position = 0;
  for (std::size_t d = 0; d < plan.targets.size(); ++d) {
    auto add = [&](Transport t, const std::vector<std::uint16_t>& list) {
      for (auto port : list) {
        if (position++ % shard.count == shard.index)
          per_device[d].push_back(Endpoint{plan.targets[d].address, t, port});
      }
    };
    add(Transport::tcp, ports.tcp);
    add(Transport::udp, ports.udp);
  }

  // Seeded Fisher-Yates written out (std::shuffle's algorithm is implementation-defined; the
  // plan must be the same on every standard library).
  for (std::size_t d = 0; d < per_device.size(); ++d) {
    std::mt19937_64 rng(seed ^ (0x9e3779b97f4a7c15ULL * (d + 1)));
    auto& v = per_device[d];
    for (std::size_t i = v.size(); i > 1; --i) {
      const std::size_t j = static_cast<std::size_t>(rng() % i);
      std::swap(v[i - 1], v[j]);
    }
    std::stable_partition(v.begin(), v.end(), [](const Endpoint& e) { return is_well_known_port(e.transport, e.port); });
  }

  // Interleave devices so that the first jobs of the plan reach every device.
  std::size_t longest = 0;
  for (const auto& v : per_device) longest = std::max(longest, v.size());
  for (std::size_t i = 0; i < longest; ++i)
    for (std::size_t d = 0; d < per_device.size(); ++d)
      if (i < per_device[d].size()) {
        const Endpoint& e = per_device[d][i];
        plan.jobs.push_back(ScanJob{static_cast<std::uint32_t>(d), e, is_well_known_port(e.transport, e.port)});
      }
  return plan;
}

std::vector<std::size_t> deal_jobs(const ScanPlan& plan, std::size_t index, std::size_t count) {
  std::vector<std::size_t> mine;
  if (count == 0) return mine;
  std::vector<std::size_t> dealt(plan.targets.size(), 0);
  for (std::size_t i = 0; i < plan.jobs.size(); ++i) {
    const std::size_t d = plan.jobs[i].device;
    if (d >= dealt.size()) dealt.resize(d + 1, 0);
    if (dealt[d]++ % count == index) mine.push_back(i);
  }
  return mine;
}

void print_plan(const ScanPlan& plan, std::ostream& out) {
  out << "plan: " << plan.targets.size() << " device(s), " << plan.jobs.size() << " endpoint(s), shard "
      << plan.shard.index + 1 << "/" << plan.shard.count << ", seed " << plan.seed << "; nothing sent\n";
  std::vector<std::map<Transport, std::vector<std::uint16_t>>> ports(plan.targets.size());
  for (const auto& j : plan.jobs) ports[j.device][j.endpoint.transport].push_back(j.endpoint.port);
  for (std::size_t d = 0; d < plan.targets.size(); ++d) {
    out << "  " << plan.targets[d].address.to_string();
    if (!plan.targets[d].name.empty()) out << " (" << plan.targets[d].name << ")";
    for (auto& [t, list] : ports[d]) {
      std::sort(list.begin(), list.end());
      out << "  " << to_string(t) << ":";
      // Compress runs: 1-1024,8080
      for (std::size_t i = 0; i < list.size();) {
        std::size_t j = i;
        while (j + 1 < list.size() && list[j + 1] == list[j] + 1) ++j;
        out << (i == 0 ? "" : ",") << list[i];
        if (j > i) out << "-" << list[j];
        i = j + 1;
      }
    }
    out << "\n";
  }
}

}  // namespace trustscan
