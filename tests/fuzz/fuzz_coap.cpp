// libFuzzer harness for CoAP messages and the link format (probes/coap/coap.hpp): the message parser
// sees every input, and so does the link-format parser (as a payload on its own); caps checked.
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
