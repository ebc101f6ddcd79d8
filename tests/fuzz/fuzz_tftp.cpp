// libFuzzer harness for the TFTP request parser (probes/tftp/tftp.hpp): a datagram parser never
// answers need_more, and a request it accepts holds what the header promises.
#include "probes/tftp/tftp.hpp"

#include <cstddef>
#include <cstdint>

using namespace trustscan;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  TftpRequest r;
  const Parse p = parse_tftp_request(Bytes(data, size), r);
  if (p == Parse::need_more) __builtin_trap();
  if (p == Parse::done && (r.filename.empty() || r.filename.size() > 255 || r.options > kTftpMaxOptions ||
                           size > kTftpMaxRequest || (r.mode != "octet" && r.mode != "netascii" && r.mode != "mail")))
    __builtin_trap();
  return 0;
}
