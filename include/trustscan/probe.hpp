// trustscan — the seam between the engine and protocol probes (STYLE.md §2.1).
//
// A probe is a thin coroutine over pure parsers: it sends hello bytes, receives until its parser
// says done or invalid, and turns what it parsed into Observations. It touches the network only
// through a Session, which the engine owns and which enforces the deadline and byte cap of every
// operation. A probe never throws; failure is a Status and partial results survive.
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

/// Static description of a probe: applicability is data, apart from the work (STYLE.md rule 10).
struct ProbeSpec {
  std::string name;                        ///< "ssh", "http"… also the observation key prefix
  Transport transport = Transport::tcp;
  std::vector<std::uint16_t> ports;        ///< ports where the probe runs by default
  std::chrono::milliseconds budget{3000};  ///< total time the probe may take on one endpoint
  std::size_t max_reply = 64 * 1024;       ///< bytes the probe may read in all
};

/// Outcome of running one probe on one endpoint.
struct ProbeResult {
  Status status = Status::internal_error;
  std::vector<Observation> observations;  ///< may be non-empty when status is a failure
  std::string detail;                     ///< one line for the report when status != success
};

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
};

class Probe {
 public:
  virtual ~Probe() = default;
  virtual const ProbeSpec& spec() const noexcept = 0;
  virtual net::awaitable<ProbeResult> run(Session& session) const = 0;
};

}  // namespace trustscan
