#!/usr/bin/env bash
# Benchmark of decode_packet alone (probes/wire/packet.cpp, replay's per-packet hot path): the
# code of two git revisions side by side on the same frames, alternating, best of 9 passes each.
#
#   tests/bench/decode_packet.sh [OLD_REV] [NEW_REV] [PACKETS]   (default main, HEAD, 1000000)
#
# The capture is tests/bench/make_big_pcap.py's (the project's own Ethernet captures that OLD_REV
# has, rewritten into many conversations), and a second one from the tunnel captures
# (pcaps/tunnel-*.pcap) when NEW_REV has them (there the checksums differ: only the new decoder
# takes the tunnels off). Each revision's packet.cpp/.hpp is compiled with g++ -O2 into a small program
# that decodes every frame and prints nanoseconds per packet and a checksum of the results. No
# network, no root. Run it on a quiet machine: other builds make single passes vary by 2x.
set -euo pipefail
cd "$(dirname "$0")/../.."
OLD=${1:-main} NEW=${2:-HEAD} PACKETS=${3:-1000000}
WORK=$(mktemp -d /tmp/trustscan-bench-decode.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
cat >"$WORK/bench.cpp" <<'CPP'
#include "probes/wire/packet.hpp"
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <vector>
using namespace trustscan;
int main(int, char** argv) {
  std::ifstream f(argv[1], std::ios::binary);
  const std::vector<std::uint8_t> d{std::istreambuf_iterator<char>(f), {}};
  std::vector<Bytes> frames;
  for (std::size_t o = 24; o + 16 <= d.size();) {
    const std::uint32_t n = d[o + 8] | (d[o + 9] << 8) | (d[o + 10] << 16) | (std::uint32_t{d[o + 11]} << 24);
    frames.emplace_back(d.data() + o + 16, n);
    o += 16 + n;
  }
  double best = 1e18;
  unsigned long long sum = 0;
  for (int pass = 0; pass < 9; ++pass) {
    sum = 0;
    const auto t0 = std::chrono::steady_clock::now();
    DecodedPacket p;
    for (const auto fr : frames)
      if (decode_packet(1, fr, p) == Parse::done) sum += p.src_port + p.payload.size();
    const double ns = std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - t0).count();
    if (ns < best) best = ns;
  }
  std::printf("%.2f ns/packet  (%zu frames, checksum %llu)\n", best / static_cast<double>(frames.size()), frames.size(), sum);
}
CPP
for rev in "$OLD" "$NEW"; do
  mkdir -p "$WORK/$rev/probes/wire"
  for f in packet.cpp packet.hpp; do git show "$rev:probes/wire/$f" >"$WORK/$rev/probes/wire/$f"; done
  g++ -std=c++20 -O2 -DNDEBUG -Iinclude -I"$WORK/$rev" "$WORK/bench.cpp" "$WORK/$rev/probes/wire/packet.cpp" \
    scanner/core/address.cpp -o "$WORK/bench-$rev"
done
# The plain capture from the captures OLD_REV already had (as make_big_pcap.py reads them), so
# both revisions decode the same frames the same way: equal checksums.
mapfile -t plain < <(git ls-tree --name-only "$OLD" pcaps/ | grep '\.pcap$')
python3 tests/bench/make_big_pcap.py "$WORK/big.pcap" "$PACKETS" "${plain[@]}" >&2
captures=("$WORK/big.pcap")
if git cat-file -e "$NEW:pcaps/tunnel-vxlan.pcap" 2>/dev/null; then
  python3 tests/bench/make_big_pcap.py "$WORK/tunnels.pcap" "$PACKETS" pcaps/tunnel-vxlan.pcap pcaps/tunnel-gre.pcap \
    pcaps/tunnel-geneve.pcap >&2
  captures+=("$WORK/tunnels.pcap")
fi
for cap in "${captures[@]}"; do
  echo "$(basename "$cap"):"
  for round in 1 2 3; do
    for rev in "$OLD" "$NEW"; do printf '  %-8s %s\n' "$rev" "$("$WORK/bench-$rev" "$cap")"; done
  done
done
