// trustscan — core value types shared by every stage (STYLE.md §2.1).
//
// targets ─scope─► port scan ─► probes ─► Observation ─► Check ─► Finding ─► Score ─► ReportSink
//
// Everything here is a plain value: no sockets, no Asio, no I/O. Parsers, checks and report sinks
// depend on this header only, so they build with clang for the fuzzers.
#pragma once

#include "trustscan/address.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace trustscan {

/// Layer-4 transport of an endpoint.
enum class Transport : std::uint8_t { tcp, udp };
std::string_view to_string(Transport t) noexcept;

/// What the user asked to scan, after expansion and name resolution: one address. `name` keeps
/// the hostname the user typed (for SNI and Host headers in later probes); empty for literals.
struct Target {
  Address address;
  std::string name;

  friend auto operator<=>(const Target& a, const Target& b) { return a.address <=> b.address; }
  friend bool operator==(const Target& a, const Target& b) { return a.address == b.address; }
};

/// One port on one device. Every probe runs against an Endpoint.
struct Endpoint {
  Address address;
  Transport transport = Transport::tcp;
  std::uint16_t port = 0;

  friend auto operator<=>(const Endpoint&, const Endpoint&) = default;
  friend bool operator==(const Endpoint&, const Endpoint&) = default;
};
/// "PORT/TRANSPORT" ("443/tcp"), as reports and findings name a port.
std::string port_label(const Endpoint& ep);

/// Port state as nmap reports it. UDP without an answer is `open_filtered` ("open|filtered").
enum class PortState : std::uint8_t { open, closed, filtered, open_filtered };
std::string_view to_string(PortState s) noexcept;

/// Closed vocabulary of how one network operation ended (modelled on zgrab2's status.go).
/// A failure is a Status value, never an exception.
enum class Status : std::uint8_t {
  success,             ///< the operation completed and the reply was understood
  not_detected,        ///< the peer answered but is not what the probe looks for
  connection_refused,  ///< RST to SYN / ICMP port unreachable
  connection_timeout,  ///< no answer to the connection attempt within the deadline
  io_timeout,          ///< connected, but a read or write missed its deadline
  connection_closed,   ///< the peer closed or reset mid-exchange
  unreachable,         ///< ICMP host/net unreachable, no route
  tls_error,           ///< TLS handshake failed
  protocol_error,      ///< the peer's bytes are invalid or exceed the size cap
  not_observable,      ///< replay: the fact is not visible in the capture (e.g. encrypted)
  internal_error,      ///< a bug or local resource failure; contained to one operation
};
std::string_view to_string(Status s) noexcept;

/// Where a fact came from. `source` is "live" or a capture reference ("pcaps/x.pcap#flow=3").
/// `excerpt` holds at most kMaxExcerpt raw bytes of what the device sent, for the report.
/// `attachment` holds a whole artefact too large for a report (the certificates a TLS server
/// sent, as PEM): only the evidence bundle writes it, as a file named `attachment_name` in the
/// folder of the observation's endpoint (docs/evidence.md); no report format does. Its producer
/// bounds it.
struct Evidence {
  static constexpr std::size_t kMaxExcerpt = 512;
  std::string kind;     ///< "port_scan", "banner", "handshake", "http_response", "credential"…
  std::string source = "live";
  std::string detail;   ///< one human-readable line: what was sent and seen
  std::string excerpt;  ///< raw bytes (printable-escaped in reports), capped at kMaxExcerpt
  std::string username; ///< for credential findings only
  std::string password; ///< for credential findings only; redacted with --redact
  std::string attachment_name;  ///< "certs.pem": a file name, no '/'; "" without an attachment
  std::string attachment;       ///< the file's bytes, for the evidence bundle only
};

/// The value of an observation. Keys document which alternative they carry.
using Value = std::variant<bool, std::int64_t, std::string, std::vector<std::string>>;
/// A value as one line of text: true/false, the number, the string, list items joined by ", ".
std::string to_text(const Value& v);

/// One typed fact about a device: `key` is "<probe>.<field>" in lower_snake
/// ("port.state", "ssh.kex_algorithms"). Checks read observations only; they never see sockets.
struct Observation {
  std::optional<Endpoint> endpoint;  ///< absent for device-wide facts
  std::string key;
  Value value;
  Evidence evidence;
};

/// Result of scanning one endpoint in the port-scan phase.
struct PortResult {
  Endpoint endpoint;
  PortState state = PortState::filtered;
  Status status = Status::connection_timeout;  ///< how the last attempt ended
  int attempts = 0;                            ///< connection attempts made (1 + retries used)
  std::chrono::microseconds rtt{0};            ///< time to the answer that decided the state; 0 if none
};

/// Formats a time point as RFC 3339 UTC with second precision ("2026-11-25T10:00:07Z").
std::string format_utc(std::chrono::system_clock::time_point t);

}  // namespace trustscan
