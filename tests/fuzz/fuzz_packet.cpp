// libFuzzer harness for decode_packet (probes/wire/packet.hpp). The first input byte picks the link
// type (every supported one plus an unknown one), the rest is the frame. Checks: never
// need_more, spans stay inside the frame, fields agree with the result, the encapsulations taken
// off stay within their bound. Seeds (tests/fuzz/corpus/packet/): frames of the captures, and
// tunnel-*.bin, every encapsulation around a real packet (tests/fuzz/make_packet_seeds.py).
#include "probes/wire/packet.hpp"

#include <cstddef>
#include <cstdint>

using namespace trustscan;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  static constexpr std::uint32_t kTypes[] = {linktype::null,      linktype::en10mb, linktype::raw_bsd,
                                             linktype::raw_14,    linktype::raw,    linktype::loop,
                                             linktype::linux_sll, linktype::ipv4,   linktype::ipv6,
                                             linktype::linux_sll2, 147,
                                             linktype::ppp,       linktype::ppp_hdlc, linktype::ppp_ether,
                                             linktype::c_hdlc,    linktype::ieee802_11, linktype::ieee802_11_radiotap};
  const std::uint32_t lt = kTypes[data[0] % (sizeof kTypes / sizeof kTypes[0])];
  const Bytes frame(data + 1, size - 1);
  DecodedPacket p;
  const Parse r = decode_packet(lt, frame, p);
  if (r == Parse::need_more) __builtin_trap();
  if (r == Parse::invalid) return 0;
  if (!p.payload.empty() &&
      (p.payload.data() < frame.data() || p.payload.data() + p.payload.size() > frame.data() + frame.size()))
    __builtin_trap();
  if (p.vlan_count > kMaxVlanTags) __builtin_trap();
  if (p.encap_count > kMaxEncapsulations) __builtin_trap();
  for (std::size_t i = 0; i < kMaxEncapsulations; ++i)
    if ((i < p.encap_count) != (p.encaps[i] != Encap::none)) __builtin_trap();
  if (p.ip_version != 0 && p.ip_version != 4 && p.ip_version != 6) __builtin_trap();
  if (p.ip_version == 0 && (p.has_ports || !p.payload.empty())) __builtin_trap();
  if (p.later_fragment && (!p.fragment || p.has_ports)) __builtin_trap();
  if (p.ip_version != 0 && p.src.v6 != (p.ip_version == 6)) __builtin_trap();
  return 0;
}
