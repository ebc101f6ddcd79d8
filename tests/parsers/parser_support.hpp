// What the parser tests share: captured bytes as a span, and the first observation of a key.
#pragma once

#include "trustscan/parse.hpp"
#include "trustscan/types.hpp"

#include <cstdint>
#include <string_view>
#include <vector>

namespace trustscan::test {

template <std::size_t N>
Bytes bytes_of(const std::uint8_t (&a)[N]) {
  return {a, N};
}

/// The first observation with this key, or nullptr.
inline const Observation* find(const std::vector<Observation>& obs, std::string_view key) {
  for (const auto& o : obs)
    if (o.key == key) return &o;
  return nullptr;
}

}  // namespace trustscan::test
