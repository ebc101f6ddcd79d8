// libFuzzer harness for classify_download: input = "path\ncontent-type\n" + first body bytes.
#include "probes/http/firmware.hpp"

#include <cstdint>
#include <string_view>

using namespace trustscan;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  const auto nl1 = in.find('\n');
  const std::string_view path = in.substr(0, nl1);
  in = nl1 == std::string_view::npos ? std::string_view{} : in.substr(nl1 + 1);
  const auto nl2 = in.find('\n');
  const std::string_view type = in.substr(0, nl2);
  const std::string_view body = nl2 == std::string_view::npos ? std::string_view{} : in.substr(nl2 + 1);
  const DownloadClass c = classify_download(path, type, body);
  if (c.reason.empty()) __builtin_trap();
  return 0;
}
