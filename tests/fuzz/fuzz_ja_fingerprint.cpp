// libFuzzer harness for JA3/JA4 over any ClientHello the parser accepts (capture replay).
#include "probes/tls/ja_fingerprint.hpp"

#include <cstdint>

using namespace trustscan;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  ClientHelloInfo h;
  std::size_t used = 0;
  if (parse_client_hello(Bytes(data, size), h, used) != Parse::done) return 0;
  if (h.alpn_protocols.size() > ClientHelloInfo::kMaxAlpn || h.signature_algorithms.size() > ClientHelloInfo::kMaxListEntries)
    __builtin_trap();
  const JaFingerprint fp = ja_fingerprint(h);
  // JA4 "a" is always 10 characters and the hashes 12: 10 + 1 + 12 + 1 + 12.
  if (fp.ja4.size() != 36 || fp.ja3_md5.size() != 32) __builtin_trap();
  (void)tls_client_observations(h, Endpoint{});
  return 0;
}
