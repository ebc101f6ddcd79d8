// libFuzzer harness for the HTTP request parser and the response summary (capture replay).
#include "probes/http/http_request.hpp"

#include <cstdint>

using namespace trustscan;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::vector<HttpRequest> reqs;
  std::size_t used = 0;
  (void)parse_http_requests(Bytes(data, size), reqs, used);
  if (reqs.size() > kHttpReqMaxPipelined) __builtin_trap();
  for (std::size_t i = 0; i < reqs.size(); ++i) {
    const auto& r = reqs[i];
    if (r.body.size() > kHttpReqMaxBody || r.headers.size() > kHttpReqMaxHeaders || r.anomalies.size() > 4) __builtin_trap();
    // A request after which the stream cannot be read (framing unknown, TE with CL, HTTP/0.9,
    // CONNECT) is the last one returned; one with unknown framing keeps no body.
    if ((r.ends_stream() && i + 1 != reqs.size()) || (r.framing_unknown && !r.body.empty())) __builtin_trap();
    if (r.version_major == 0 && (!r.headers.empty() || r.method != "GET" || !r.target.starts_with("/"))) __builtin_trap();
    (void)http_request_observations(r, Endpoint{});
  }
  HttpResponseHead h;
  if (parse_http_response_head(Bytes(data, size), h, used) == Parse::done && h.first_bytes.size() > kHttpFirstBodyBytes)
    __builtin_trap();
  return 0;
}
