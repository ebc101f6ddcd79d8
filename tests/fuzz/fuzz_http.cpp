// libFuzzer harness for the HTTP/1.x response parser (probes/http/http.hpp).
//
// Beyond "no crash, no UB", it checks the incremental contract on every input: a prefix that is
// already invalid stays invalid when more bytes come, a prefix shorter than a complete response is
// never done, the response alone (without what follows it) parses to the same result, and every
// cap holds. The split point is derived from the input so the fuzzer explores it too.
#include "probes/http/http.hpp"

#include <cstddef>
#include <cstdint>

using namespace trustscan;

namespace {

void check_caps(const HttpResponse& r) {
  if (r.body.size() > kHttpMaxBody || r.headers.size() > kHttpMaxHeaders) __builtin_trap();
  if (r.title && r.title->size() > kHttpMaxField) __builtin_trap();
  if (r.server && r.server->size() > kHttpMaxField) __builtin_trap();
  if (r.auth_challenges.size() > kHttpMaxChallenges) __builtin_trap();
  for (const auto& c : r.auth_challenges)
    if (c.realm && c.realm->size() > kHttpMaxField) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const Bytes in(data, size);
  HttpResponse full;
  std::size_t consumed = 0;
  const Parse p = parse_http_response(in, full, consumed);
  check_caps(full);
  if (p == Parse::done && (consumed == 0 || consumed > size)) __builtin_trap();

  const std::size_t k = size == 0 ? 0 : (static_cast<std::size_t>(data[0]) * 131 + size / 2) % (size + 1);
  HttpResponse part;
  std::size_t part_consumed = 0;
  const Parse pp = parse_http_response(in.first(k), part, part_consumed);
  if (pp == Parse::invalid && p != Parse::invalid) __builtin_trap();  // invalid is final
  if (p == Parse::done && k < consumed && pp == Parse::done) __builtin_trap();

  if (p == Parse::done) {
    HttpResponse alone;
    std::size_t alone_consumed = 0;
    if (parse_http_response(in.first(consumed), alone, alone_consumed) != Parse::done) __builtin_trap();
    if (alone_consumed != consumed || alone.body != full.body || alone.status != full.status) __builtin_trap();
    (void)http_observations(full, Endpoint{});
  }

  HttpResponse eof;
  const Parse pe = finish_at_eof(in, eof, consumed);
  check_caps(eof);
  if (pe == Parse::done) (void)http_observations(eof, Endpoint{});
  HttpResponse head;
  (void)parse_http_response(in, head, consumed, {.head_request = true});
  return 0;
}
