// trustscan — what a TLS client did after the server's first flight, read from the records it
// sent (capture replay, issue 18: the device as a TLS client).
//
// The client's stream is a run of TLS records: its ClientHello, then (TLS <= 1.2) its
// ClientKeyExchange, ChangeCipherSpec and encrypted Finished, then application data. Whether the
// device went on to send application data, or sent an alert first, tells whether it accepted
// the certificate it was shown. Only record headers are read (5 bytes each: type, version,
// length); the contents after ChangeCipherSpec are encrypted and are not looked into, except
// that a cleartext alert's level and description are kept.
//
// Bounded and pure: at most kMaxRecords records of at most kTlsMaxRecordLength each are walked
// from the start of `in` (the first bytes the device sent on the connection, as kept by replay);
// a record cut by the end of `in` stops the walk (`truncated`), a header that is not TLS stops
// it (`invalid`). Nothing is allocated.
#pragma once

#include "trustscan/parse.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>

namespace trustscan {

struct TlsClientRecords {
  static constexpr std::size_t kMaxRecords = 4096;
  std::size_t records = 0;            ///< whole records walked
  std::size_t handshake_records = 0;  ///< content type 22
  bool change_cipher_spec = false;    ///< the client sent ChangeCipherSpec (20)
  /// The first alert (21) the client sent. `alert_encrypted`: it came after the client's
  /// ChangeCipherSpec, so level and description are not readable (0).
  std::optional<std::uint8_t> alert_level, alert_description;
  bool alert = false;
  bool alert_encrypted = false;
  std::size_t application_data_records = 0;  ///< content type 23, before the first alert
  std::size_t application_data_bytes = 0;    ///< their record payload bytes
  bool truncated = false;  ///< the walk stopped at a record cut by the end of the bytes
  bool invalid = false;    ///< the walk stopped at a header that is not a TLS record
};

/// Walks the records of a client's stream from its first byte (see above). Stops at the first
/// alert (what the client did first is what counts), at kMaxRecords, at a cut or a non-TLS header.
TlsClientRecords walk_tls_client_records(Bytes in) noexcept;

}  // namespace trustscan
