// libFuzzer harness for probes/http_auth.hpp. The input is one WWW-Authenticate field value as a
// device sends it. Seeds in corpus/http_auth/ are real lighttpd 1.4.69 Basic and Digest (MD5,
// SHA-256) challenges and the GStreamer RTSP server 1.22 Digest challenge.
//
// Traps on broken invariants: caps respected, and a built Digest header never carries CR, LF or
// NUL (a device's nonce or realm must not inject a header line into our request).
#include "probes/http/http_auth.hpp"

#include <cstddef>
#include <cstdint>

using namespace trustscan;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::vector<AuthChallenge> out;
  (void)parse_auth_challenges(Bytes(data, size), out);
  if (out.size() > kAuthMaxChallenges) __builtin_trap();
  const DigestHashFn hash = [](DigestAlgorithm, std::string_view in) { return std::string(in.size() % 7, 'a'); };
  for (const auto& c : out) {
    if (c.params.size() > kAuthMaxParams || c.scheme.empty() || c.scheme.size() > kAuthMaxValue) __builtin_trap();
    for (const auto& [k, v] : c.params)
      if (k.size() > kAuthMaxValue || v.size() > kAuthMaxValue) __builtin_trap();
    const auto h = build_digest_authorization(c, {"admin", "pw", "GET", "/", "cn", 1}, hash);
    if (h && h->find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos) __builtin_trap();
  }
  return 0;
}
