// trustscan — a stop asked for (SIGINT/SIGTERM) before a stage has its own handler.
//
// main() installs a recorder first thing, so Ctrl-C at any moment, even while profiles are still
// loading, is never the default "kill the process": each stage that installs its own handler
// (the scan's signal_set, replay's sigaction) asks stop_requested() right after, and stops at
// once with a report marked incomplete.
#pragma once

namespace trustscan {

/// Records SIGINT and SIGTERM instead of dying; async-signal-safe. Call once, from main().
void install_stop_recorder() noexcept;
/// True once SIGINT or SIGTERM arrived while the recorder was the handler.
bool stop_requested() noexcept;

}  // namespace trustscan
