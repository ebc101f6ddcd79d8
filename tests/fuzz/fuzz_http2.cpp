// libFuzzer harness for HTTP/2 in cleartext (probes/http/http2.hpp): frames, CONTINUATION,
// HPACK through nghttp2's inflater, the Upgrade path and DoH. Input: a 2-byte big-endian length
// n, n bytes of the client's stream, then the server's stream (the seed corpus,
// tests/fuzz/make_http2_seeds.py, holds the connections of pcaps/h2c.pcap in this layout).
#include "probes/http/http2.hpp"

#include <algorithm>
#include <cstdint>

using namespace trustscan;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const std::size_t n = std::min<std::size_t>((std::size_t{data[0]} << 8) | data[1], size - 2);
  const Bytes client(data + 2, n), server(data + 2 + n, size - 2 - n);
  Http2Session s;
  if (parse_h2c_session(client, server, s) != Parse::done) return 0;
  if (s.streams.size() > kH2MaxStreams) __builtin_trap();
  if (!s.dropped.empty() && !s.streams.empty()) __builtin_trap();
  for (const auto& st : s.streams) {
    if (st.request.body.size() > kHttpReqMaxBody || st.response.first_bytes.size() > kHttpFirstBodyBytes) __builtin_trap();
    if (st.request.headers.size() > kHttpReqMaxHeaders || st.request.raw_head.size() > Evidence::kMaxExcerpt + 64)
      __builtin_trap();
    for (const auto& h : st.request.headers)
      if (h.value.size() > kHttpReqMaxValue) __builtin_trap();
    (void)doh_query_message(st.request);
  }
  return 0;
}
