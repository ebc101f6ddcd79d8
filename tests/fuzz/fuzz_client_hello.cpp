// libFuzzer harness for the ClientHello parser (the demo's legacy TLS responder reads it).
#include "probes/tls/client_hello.hpp"

#include <cstdint>

using namespace trustscan;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  ClientHelloInfo h;
  std::size_t used = 0;
  const Parse p = parse_client_hello(Bytes(data, size), h, used);
  if (p == Parse::done && (used > size || used < 9)) __builtin_trap();
  if (h.cipher_suites.size() > ClientHelloInfo::kMaxOfferedSuites) __builtin_trap();
  (void)h.max_version();
  return 0;
}
