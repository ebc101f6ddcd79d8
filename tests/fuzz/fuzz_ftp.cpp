// libFuzzer harness for probes/ftp.hpp. The input is what an FTP server sends on the control
// connection: one or more replies. Seeds in corpus/ftp/ are real vsftpd 3.0.3 replies.
//
// Traps on broken invariants: consumed within the input, caps respected, and incremental
// consistency (a prefix is never done unless it holds the whole reply, and then agrees).
#include "probes/ftp/ftp.hpp"

#include <cstddef>
#include <cstdint>

using namespace trustscan;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Bytes in(data, size);
  const std::size_t split = size == 0 ? 0 : (data[0] * 131u + data[size - 1]) % (size + 1);

  FtpReply whole;
  std::size_t used = 0;
  const Parse r = parse_ftp_reply(in, whole, used);
  FtpReply prefix;
  std::size_t prefix_used = 0;
  const Parse pr = parse_ftp_reply(in.first(split), prefix, prefix_used);
  if (pr == Parse::done && (r != Parse::done || prefix_used != used || prefix.lines != whole.lines)) {
    __builtin_trap();
  }
  if (r == Parse::done && split >= used && pr != Parse::done) __builtin_trap();
  if (r == Parse::invalid && pr == Parse::done) __builtin_trap();

  // Walk successive replies as a probe would after several commands.
  for (int n = 0; n < 64; ++n) {
    FtpReply reply;
    if (parse_ftp_reply(in, reply, used) != Parse::done) break;
    if (used == 0 || used > in.size() || used > kFtpMaxReply) __builtin_trap();
    if (reply.code < 100 || reply.code > 599 || reply.lines.empty() || reply.lines.size() > kFtpMaxLines) {
      __builtin_trap();
    }
    (void)ftp_observations(reply, Endpoint{});
    in = in.subspan(used);
  }
  (void)identify_ftp_server(as_text(Bytes(data, size)));
  return 0;
}
