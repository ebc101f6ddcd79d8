// trustscan — TFTP read and write requests (RFC 1350 §5, option extension RFC 2347), as a capture
// shows a device asking for a file. Pure, no I/O.
//
// TFTP has no authentication and no encryption: a device that fetches its firmware or its
// configuration over TFTP takes whatever answers on UDP 69. Replay reads the request the device
// sends to port 69 (the transfer itself runs between two other ports, the "transfer identifiers",
// and is not followed):
//
//   | opcode (2 bytes: 1 RRQ, 2 WRQ) | filename | 0 | mode | 0 | [option | 0 | value | 0]... |
//
// A datagram cannot grow, so the parser returns done or invalid, never need_more.
#pragma once

#include "trustscan/parse.hpp"
#include "trustscan/types.hpp"

#include <cstddef>
#include <string>

namespace trustscan {

inline constexpr std::size_t kTftpMaxRequest = 1024;  ///< bytes; RFC 2348 blocks start at 512, requests are short
inline constexpr std::size_t kTftpMaxOptions = 16;

struct TftpRequest {
  bool write = false;     ///< WRQ (the device sends a file) rather than RRQ (it fetches one)
  std::string filename;   ///< as sent: printable ASCII, 1..255 bytes
  std::string mode;       ///< lower case: "octet", "netascii" or "mail"
  std::size_t options = 0;  ///< RFC 2347 option pairs after the mode (blksize, tsize…)
};

/// done for an RRQ or WRQ whose filename is 1..255 printable ASCII bytes, whose mode is one of
/// RFC 1350's three (any case) and whose optional RFC 2347 pairs are NUL-terminated (at most
/// kTftpMaxOptions); invalid for anything else, a datagram over kTftpMaxRequest bytes included.
Parse parse_tftp_request(Bytes in, TftpRequest& out) noexcept;

}  // namespace trustscan
