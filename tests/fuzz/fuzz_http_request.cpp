// libFuzzer harness for the HTTP request parser and the response summary (capture replay).
#include "probes/http/http_request.hpp"

#include <cstdint>

using namespace trustscan;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::vector<HttpRequest> reqs;
  std::size_t used = 0;
  (void)parse_http_requests(Bytes(data, size), reqs, used);
  if (reqs.size() > kHttpReqMaxPipelined) __builtin_trap();
  for (const auto& r : reqs) {
    if (r.body.size() > kHttpReqMaxBody || r.headers.size() > kHttpReqMaxHeaders) __builtin_trap();
    (void)http_request_observations(r, Endpoint{});
  }
  HttpResponseHead h;
  if (parse_http_response_head(Bytes(data, size), h, used) == Parse::done && h.first_bytes.size() > kHttpFirstBodyBytes)
    __builtin_trap();
  return 0;
}
