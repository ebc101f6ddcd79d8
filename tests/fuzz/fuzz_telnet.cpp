// libFuzzer harness for probes/telnet.hpp. The input is what a Telnet server sends. Seeds in
// corpus/telnet/ are real captures (GNU inetutils telnetd 2.4, BusyBox 1.35.0 telnetd).
//
// Traps when the state after feeding the input in three reads (split points chosen by the
// input) differs from feeding it at once, or when a cap is exceeded.
#include "probes/telnet/telnet.hpp"

#include <cstddef>
#include <cstdint>
#include <vector>

using namespace trustscan;

namespace {

struct Run {
  Parse last = Parse::need_more;
  TelnetResult result;
  std::vector<std::uint8_t> replies;
};

Run run(Bytes in, std::size_t a, std::size_t b) {
  TelnetParser p;
  Run r;
  for (const Bytes part : {in.first(a), in.subspan(a, b - a), in.subspan(b)}) {
    r.last = p.feed(part);
    const auto rep = p.take_replies();
    r.replies.insert(r.replies.end(), rep.begin(), rep.end());
  }
  r.result = p.result();
  return r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const Bytes in(data, size);
  std::size_t a = size == 0 ? 0 : (data[0] * 131u) % (size + 1);
  std::size_t b = size == 0 ? 0 : (data[size - 1] * 257u) % (size + 1);
  if (a > b) {
    const std::size_t t = a;
    a = b;
    b = t;
  }
  const Run whole = run(in, size, size);
  const Run split = run(in, a, b);
  if (whole.last != split.last || whole.replies != split.replies ||
      whole.result.text != split.result.text || whole.result.tail != split.result.tail ||
      whole.result.options != split.result.options || whole.result.prompt != split.result.prompt ||
      whole.result.text_bytes != split.result.text_bytes) {
    __builtin_trap();
  }
  if (whole.result.text.size() > kTelnetMaxText || whole.result.tail.size() > kTelnetTail ||
      whole.result.options.size() > kTelnetMaxOptions || whole.replies.size() > 3 * 4 * 256) {
    __builtin_trap();
  }
  (void)telnet_observations(whole.result, Endpoint{});
  (void)classify_telnet_prompt(as_text(in));
  return 0;
}
