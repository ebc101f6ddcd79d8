// trustscan — the seam between the engine and protocol probes (STYLE.md §2.1).
//
// A probe is a thin coroutine over pure parsers: it sends hello bytes, receives until its parser
// says done or invalid, and turns what it parsed into Observations. It touches the network only
// through a Session, which the runner's Dialer opens (scanner/pipeline/probe_runner.hpp) and
// which enforces the deadline and byte cap of every operation; a test hands in a Dialer of its
// own. A probe never throws; failure is a Status and partial results survive.
#pragma once

#include "trustscan/net.hpp"
#include "trustscan/parse.hpp"
#include "trustscan/types.hpp"

#include <chrono>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace trustscan {

/// Result of one Session operation: how it ended and how many bytes moved.
struct IoResult {
  Status status = Status::success;
  std::size_t bytes = 0;
};

/// A byte stream to one endpoint, owned by the engine. Every operation is bounded by the
/// probe's remaining budget and by its byte cap; when either runs out the operation ends with
/// io_timeout or protocol_error instead of waiting.
class Session {
 public:
  virtual ~Session() = default;
  virtual const Endpoint& endpoint() const noexcept = 0;
  virtual net::awaitable<IoResult> send(std::span<const std::uint8_t> bytes) = 0;
  /// Appends what arrives (at least one byte on success) to `into`, never past the byte cap.
  virtual net::awaitable<IoResult> receive(std::vector<std::uint8_t>& into) = 0;
  /// As receive(), waiting at most `wait` (never past the budget): io_timeout when nothing came.
  /// (A TLS stream whose read timed out this way is not read again: the record layer may be
  /// mid-record.)
  virtual net::awaitable<IoResult> receive_for(std::vector<std::uint8_t>& into, std::chrono::milliseconds wait) = 0;
};

}  // namespace trustscan
