// trustscan — the one place Boost.Asio is included.
//
// Boost 1.74's awaitable.hpp uses std::exchange without including <utility>, and libstdc++ 12
// no longer pulls it in transitively (TOOLCHAIN.md §2), so <utility> must come first.
// Only engine code (g++) includes this header; parsers must not (clang 14 builds them).
#pragma once

#ifdef TRUSTSCAN_PURE
#error "a pure file (parsers, checks, reports, YAML loaders, replay) must not include Asio (trustscan/net.hpp)"
#endif

#include <utility>

#include <boost/asio.hpp>

namespace trustscan {
namespace net = boost::asio;
using boost::system::error_code;
}  // namespace trustscan
