// libFuzzer harness for probes/rtsp.hpp. The input is what an RTSP server sends: one or more
// responses. Seeds in corpus/rtsp/ are real GStreamer RTSP server 1.22 responses plus one
// crafted per RFC 2326 (folded header, two challenges, LF endings).
//
// Traps on broken invariants: consumed within the input, caps respected, and incremental
// consistency (a prefix is never done unless it holds the whole response, and then agrees).
#include "probes/rtsp/rtsp.hpp"

#include <cstddef>
#include <cstdint>

using namespace trustscan;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Bytes in(data, size);
  const std::size_t split = size == 0 ? 0 : (data[0] * 131u + data[size - 1]) % (size + 1);

  RtspResponse whole;
  std::size_t used = 0;
  const Parse r = parse_rtsp_response(in, whole, used);
  RtspResponse prefix;
  std::size_t prefix_used = 0;
  const Parse pr = parse_rtsp_response(in.first(split), prefix, prefix_used);
  if (pr == Parse::done && (r != Parse::done || prefix_used != used || prefix.headers != whole.headers ||
                            prefix.body != whole.body)) {
    __builtin_trap();
  }
  if (r == Parse::done && split >= used && pr != Parse::done) __builtin_trap();
  if (r == Parse::invalid && pr == Parse::done) __builtin_trap();

  for (int n = 0; n < 16; ++n) {
    RtspResponse resp;
    if (parse_rtsp_response(in, resp, used) != Parse::done) break;
    if (used == 0 || used > in.size() || used > kRtspMaxHeader + kRtspMaxBody) __builtin_trap();
    if (resp.headers.size() > kRtspMaxHeaders || resp.body.size() > kRtspMaxBody ||
        resp.public_methods.size() > kRtspMaxListItems || resp.www_authenticate.size() > kRtspMaxListItems ||
        resp.status < 100 || resp.status > 999) {
      __builtin_trap();
    }
    (void)rtsp_observations(resp, Endpoint{});
    in = in.subspan(used);
  }
  return 0;
}
