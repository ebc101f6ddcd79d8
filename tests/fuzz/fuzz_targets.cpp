// libFuzzer harness for everything a user types or a file holds that becomes targets, ports or
// scope: target tokens, port specs, CIDR scope lists. Each must either parse or throw
// InputError — never crash, hang, or throw anything else.
//
// Input layout: three fields separated by '\n' — target token, port spec, scope list.
#include "scanner/engine/plan.hpp"
#include "scanner/engine/targets.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

using namespace trustscan;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  const auto nl1 = in.find('\n');
  const auto token = in.substr(0, nl1);
  const auto rest = nl1 == std::string_view::npos ? std::string_view{} : in.substr(nl1 + 1);
  const auto nl2 = rest.find('\n');
  const auto ports = rest.substr(0, nl2);
  const auto scope = nl2 == std::string_view::npos ? std::string_view{} : rest.substr(nl2 + 1);

  try {
    const auto spec = parse_target_spec(token);
    (void)spec.size();
    // Expansion against a scope, bounded so that the harness stays fast; never resolves names.
    const auto s = scope.empty() ? Scope::defaults() : Scope::parse(scope);
    (void)expand_targets({spec}, s, [](const std::string&) -> std::vector<Address> { return {}; }, 4096);
  } catch (const InputError&) {
  }
  try {
    const auto p = parse_port_spec(ports);
    if (p.size() > 65535 * 2) __builtin_trap();
  } catch (const InputError&) {
  }
  try {
    (void)parse_shard(ports);
  } catch (const InputError&) {
  }
  if (const auto c = Cidr::parse(token)) {
    if (!c->contains(c->base)) __builtin_trap();  // a block contains its own base address
  }
  return 0;
}
