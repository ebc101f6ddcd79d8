// trustscan — the stop recorder (stop_request.hpp).
#include "scanner/engine/stop_request.hpp"

#include <csignal>

namespace trustscan {
namespace {
volatile std::sig_atomic_t g_stop = 0;
}  // namespace

void install_stop_recorder() noexcept {
  struct sigaction record {};
  record.sa_handler = [](int) { g_stop = 1; };
  sigemptyset(&record.sa_mask);
  ::sigaction(SIGINT, &record, nullptr);
  ::sigaction(SIGTERM, &record, nullptr);
}

bool stop_requested() noexcept { return g_stop != 0; }

}  // namespace trustscan
