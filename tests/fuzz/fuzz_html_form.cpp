// libFuzzer harness for login-form extraction from device pages.
#include "probes/http/html_form.hpp"

#include <cstdint>

using namespace trustscan;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view page(reinterpret_cast<const char*>(data), size);
  const auto forms = find_forms(page);
  if (forms.size() > kMaxForms) __builtin_trap();
  for (const auto& f : forms) {
    if (f.inputs.size() > kMaxInputs) __builtin_trap();
    (void)f.user_field();
    (void)resolve_action(f.action, "/a/b.html", "198.18.0.12");
    for (const auto& i : f.inputs)
      if (i.value.size() > kMaxValue + 8) __builtin_trap();
  }
  (void)form_urlencode(page.substr(0, 256));
  return 0;
}
