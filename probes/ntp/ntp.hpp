// trustscan — NTP client/server (mode 3/4), control (mode 6) and private (mode 7) messages.
// Pure builders and datagram parsers, no I/O.
//
// The ntp probe sends three UDP datagrams to port 123, one at a time:
//   1. `build_ntp_client_request()`  — does the device serve time? (`parse_ntp_response`)
//   2. `build_ntp_mode6_readvar()`   — does it answer control queries, and disclose its version
//                                      and OS? (`parse_ntp_mode6`; ntpq's "rv")
//   3. `build_ntp_mode7_monlist()`   — does it answer MON_GETLIST_1, the DDoS amplification
//                                      request of CVE-2013-5211? (`parse_ntp_mode7`; ntpdc's
//                                      "monlist")
// A datagram cannot grow, so these parsers return `done` or `invalid`, never `need_more`.
//
// Observation keys (three `ntp_observations` overloads, one per reply):
//   ntp.mode           int64   mode of the time reply (4 = server)
//   ntp.stratum        int64   0 (unspecified / kiss-o'-death), 1 (primary), 2..15, 16
//   ntp.version        int64   version number of the time reply
//   ntp.refid          string  stratum 0/1: ASCII ("GPS", kiss code "INIT"); else dotted IPv4
//   ntp.mode6          bool    the device answered a mode 6 control query (always true when
//                              emitted: a reply, even an error reply, was received)
//   ntp.mode6_version  string  the `version` system variable ("ntpd ntpsec-1.2.2")
//   ntp.mode6_system   string  the `system` system variable ("Linux/6.1.0") — OS disclosure
//   ntp.monlist        bool    a mode 7 MON_GETLIST reply without error was received;
//                              false for a mode 7 error reply (no reply: key absent)
//   ntp.monlist_items  int64   number of monitor entries in that reply (this datagram only)
#pragma once

#include "trustscan/parse.hpp"
#include "trustscan/types.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace trustscan {

/// Largest NTP datagram accepted (48-byte header plus extension fields / MAC). Larger: `invalid`.
inline constexpr std::size_t kNtpMaxDatagram = 2048;
/// Variables kept from a mode 6 reply, and the caps of each name and value, in bytes.
inline constexpr std::size_t kNtpMaxVariables = 64;
inline constexpr std::size_t kNtpMaxVarName = 64;
inline constexpr std::size_t kNtpMaxVarValue = 256;

/// 64-bit NTP timestamp: seconds since 1900-01-01 (era 0) and a binary fraction of a second.
struct NtpTimestamp {
  std::uint32_t seconds = 0;
  std::uint32_t fraction = 0;

  /// Seconds since the Unix epoch, assuming a date between 1968 and 2104 (seconds < 2^31 are
  /// taken as era 1, after 2036-02-07). 0 when the timestamp is zero (unset).
  std::int64_t unix_seconds() const noexcept;
  friend bool operator==(const NtpTimestamp&, const NtpTimestamp&) = default;
};

/// An NTP packet header (RFC 5905 §7.3) from a time reply.
struct NtpPacket {
  int leap = 0;       ///< LI: 0 no warning, 1/2 leap second, 3 unsynchronized
  int version = 0;    ///< VN, 1..4
  int mode = 0;       ///< 1 sym. active, 2 sym. passive, 4 server, 5 broadcast
  int stratum = 0;    ///< 0..255 as sent
  int poll = 0;       ///< log2 seconds, signed
  int precision = 0;  ///< log2 seconds, signed (-24 ≈ 60 ns)
  std::uint32_t root_delay = 0;       ///< NTP short format, 16.16 seconds
  std::uint32_t root_dispersion = 0;  ///< NTP short format, 16.16 seconds
  std::uint32_t refid_raw = 0;        ///< reference ID, network order decoded
  std::string refid;                  ///< rendered as described for `ntp.refid`
  NtpTimestamp reference, origin, receive, transmit;
  std::size_t extension_bytes = 0;    ///< bytes after the 48-byte header (extensions, MAC)
  std::string raw;                    ///< first Evidence::kMaxExcerpt bytes of the datagram
};

/// A 48-byte client request: LI 0, version 4, mode 3, everything else zero except the transmit
/// timestamp (a server copies it into `origin`, which lets the probe match the reply).
std::vector<std::uint8_t> build_ntp_client_request(NtpTimestamp transmit = {});

/// `done` for a datagram ≥ 48 bytes with version 1..4 and mode 1, 2, 4 or 5; `invalid` otherwise
/// (mode 3 is a request, modes 6/7 have their own parsers).
Parse parse_ntp_response(Bytes datagram, NtpPacket& out) noexcept;

/// A mode 6 control message header and its data (RFC 1305 appendix B, RFC 9327).
struct NtpControlResponse {
  int version = 0;
  bool error = false;     ///< E bit: the server refused; `data` is empty or an error text
  bool more = false;      ///< M bit: more fragments follow (only this datagram is parsed)
  int opcode = 0;         ///< 2 = READVAR
  std::uint16_t sequence = 0;
  std::uint16_t status = 0;
  std::uint16_t association_id = 0;
  std::uint16_t offset = 0;  ///< offset of this fragment's data in the whole reply
  std::string data;          ///< `count` bytes of data (bounded by kNtpMaxDatagram)
  /// "name=value" pairs from `data`, quotes removed, ≤ kNtpMaxVariables, capped as above.
  std::vector<std::pair<std::string, std::string>> variables;
  std::string raw;           ///< first Evidence::kMaxExcerpt bytes of the datagram

  /// The value of a variable, or nullptr.
  const std::string* variable(std::string_view name) const noexcept;
};

/// READVAR (opcode 2) for association 0 (the system variables), version 2, 12 bytes: what
/// `ntpq -c rv` sends.
std::vector<std::uint8_t> build_ntp_mode6_readvar(std::uint16_t sequence = 1);

/// `done` for a mode 6 datagram with the response bit set whose `count` fits the datagram;
/// `invalid` otherwise (a request echoed back, truncated data, oversize).
Parse parse_ntp_mode6(Bytes datagram, NtpControlResponse& out) noexcept;

/// A mode 7 (ntpd private, "ntpdc") response header (ntpd's ntp_request.h `resp_pkt`).
struct NtpMode7Response {
  bool more = false;        ///< M bit: more datagrams follow
  int version = 0;
  bool authenticated = false;
  int sequence = 0;         ///< 0..127
  int implementation = 0;   ///< 0 universal, 2 old xntpd, 3 xntpd
  int request = 0;          ///< 42 = MON_GETLIST_1, 20 = MON_GETLIST
  int error = 0;            ///< 0 ok, 1 implementation, 2 request, 3 format, 4 no data, 7 auth
  int item_count = 0;       ///< items in this datagram, 0..4095
  int item_size = 0;        ///< bytes per item (72 for MON_GETLIST_1)
  std::string raw;          ///< first Evidence::kMaxExcerpt bytes of the datagram

  /// A monitor list came back: the amplification vector is open.
  bool monlist() const noexcept { return error == 0 && (request == 42 || request == 20); }
};

/// MON_GETLIST_1 (request 42) for implementation 3 (XNTPD), version 2: the 8-byte header then
/// zeros up to 48 bytes (xntpd's request length without MAC).
std::vector<std::uint8_t> build_ntp_mode7_monlist();

/// `done` for a mode 7 datagram with the response bit set, a known implementation number, and
/// item_count × item_size bytes of data present; `invalid` otherwise.
Parse parse_ntp_mode7(Bytes datagram, NtpMode7Response& out) noexcept;

std::vector<Observation> ntp_observations(const NtpPacket& p, const Endpoint& ep);
std::vector<Observation> ntp_observations(const NtpControlResponse& r, const Endpoint& ep);
std::vector<Observation> ntp_observations(const NtpMode7Response& r, const Endpoint& ep);

}  // namespace trustscan
