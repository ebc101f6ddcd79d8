// libFuzzer harness: IEEE registry CSV parsing and lookups (probes/identify/oui.hpp).
#include "probes/identify/oui.hpp"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  trustscan::OuiTable t;
  (void)t.add_csv({data, size});
  if (size >= 6) {
    trustscan::Mac m{};
    for (std::size_t i = 0; i < 6; ++i) m[i] = data[i];
    (void)t.vendor(m);
  }
  (void)trustscan::parse_mac(trustscan::as_text({data, size < 64 ? size : 64}));
  return 0;
}
