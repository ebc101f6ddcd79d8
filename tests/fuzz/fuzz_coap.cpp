// libFuzzer harness for CoAP messages and the link format (probes/coap/coap.hpp): the datagram
// parser, the TCP stream parser (RFC 8323 framing, every message of the input in turn, as the
// probe reads them) and the link-format parser (as a payload on its own) see every input; caps
// checked.
#include "probes/coap/coap.hpp"

#include <cstddef>
#include <cstdint>

using namespace trustscan;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const Bytes in(data, size);
  CoapMessage m;
  const Parse p = parse_coap_message(in, m);
  if (p == Parse::need_more) __builtin_trap();
  if (p == Parse::done) {
    if (m.token.size() > 8 || m.options.size() > kCoapMaxOptions || m.payload.size() > size) __builtin_trap();
    (void)m.content_format();
    (void)coap_observations(m, Endpoint{});
  }
  Bytes stream = in;
  for (int n = 0; n < 64; ++n) {
    std::size_t used = 0;
    const Parse t = parse_coap_tcp_message(stream, m, used);
    if (t != Parse::done) break;
    if (used == 0 || used > stream.size() || m.token.size() > 8 || m.options.size() > kCoapMaxOptions) __builtin_trap();
    (void)coap_observations(m, Endpoint{});
    stream = stream.subspan(used);
  }
  std::vector<CoapLink> links;
  if (parse_link_format(in, links) == Parse::done) {
    if (links.size() > kCoapMaxLinks) __builtin_trap();
    for (const auto& l : links) {
      if (l.target.size() > kCoapMaxLinkField || l.attributes.size() > kCoapMaxLinkAttributes) __builtin_trap();
      for (const auto& [n, v] : l.attributes)
        if (n.size() > kCoapMaxLinkField || v.size() > kCoapMaxLinkField) __builtin_trap();
    }
  }
  return 0;
}
