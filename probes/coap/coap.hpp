// trustscan — CoAP (RFC 7252) messages and CoRE Link Format (RFC 6690). Pure, no I/O.
//
// The coap probe sends `build_coap_get(id, token, {".well-known", "core"})` as one UDP datagram
// to port 5683, parses the reply with `parse_coap_message`, and lists the resources the device
// advertises with `parse_link_format` (called by `coap_observations`). An open, unauthenticated
// CoAP endpoint that lists its resources is an exposed service (and a reflection vector).
//
// A datagram cannot grow, so `parse_coap_message` returns `done` or `invalid`, never
// `need_more`. A CoAP payload runs to the end of the datagram, so a datagram cut inside the
// payload (or exactly between two options) still parses: only cuts inside the header, token or
// an option are detectable, and those are `invalid`.
//
// Observation keys (`coap_observations`):
//   coap.code            string  response code "class.detail" ("2.05" Content, "4.04"…)
//   coap.resources       list    link targets from a link-format payload ("/sensors/temp"),
//                                ≤ kCoapMaxLinks; absent when the payload is not link-format
//   coap.resource_count  int64   number of links in that payload (≤ kCoapMaxLinks)
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

/// Largest datagram accepted (the UDP maximum is 65,507 bytes). Larger: `invalid`.
inline constexpr std::size_t kCoapMaxDatagram = 64 * 1024;
/// Options in one message; more: `invalid`.
inline constexpr std::size_t kCoapMaxOptions = 64;
/// Links kept from a link-format payload, attributes kept per link, and the byte cap of each
/// target, attribute name and attribute value (longer ones are cut).
inline constexpr std::size_t kCoapMaxLinks = 256;
inline constexpr std::size_t kCoapMaxLinkAttributes = 16;
inline constexpr std::size_t kCoapMaxLinkField = 256;

/// Option numbers used here (RFC 7252 §5.10).
inline constexpr std::uint16_t kCoapOptionUriPath = 11;
inline constexpr std::uint16_t kCoapOptionContentFormat = 12;
/// Content-Format of application/link-format (RFC 7252 §12.3).
inline constexpr std::uint32_t kCoapFormatLinkFormat = 40;

/// Message type, the 2-bit T field.
enum class CoapType : std::uint8_t { confirmable = 0, non_confirmable = 1, acknowledgement = 2, reset = 3 };

/// One option: its absolute number (after delta decoding) and raw value.
struct CoapOption {
  std::uint16_t number = 0;
  std::vector<std::uint8_t> value;
};

/// A parsed CoAP message (version 1).
struct CoapMessage {
  CoapType type = CoapType::confirmable;
  std::vector<std::uint8_t> token;   ///< 0..8 bytes
  std::uint8_t code_class = 0;       ///< 0 request/empty, 2 success, 4 client error, 5 server error
  std::uint8_t code_detail = 0;      ///< 0..31
  std::uint16_t message_id = 0;
  std::vector<CoapOption> options;   ///< in wire order (ascending numbers), ≤ kCoapMaxOptions
  std::vector<std::uint8_t> payload; ///< bytes after the 0xFF marker; empty if none
  std::string raw;                   ///< first Evidence::kMaxExcerpt bytes of the datagram

  /// "2.05": class, dot, two-digit detail.
  std::string code() const;
  /// The first option with this number, or nullptr.
  const CoapOption* option(std::uint16_t number) const noexcept;
  /// Content-Format option as an unsigned integer (0..4 bytes); nullopt if absent or longer.
  std::optional<std::uint32_t> content_format() const noexcept;
};

/// A GET request: version 1, CON (or NON when `confirmable` is false), code 0.01, the given
/// message ID, the token (first 8 bytes), one Uri-Path option per segment (each cut to 255
/// bytes, at most 16 segments), no payload.
std::vector<std::uint8_t> build_coap_get(std::uint16_t message_id, const std::vector<std::uint8_t>& token,
                                         const std::vector<std::string_view>& path,
                                         bool confirmable = true);

/// CoAP over TCP and over TLS (RFC 8323 §3.2): no type or message ID; a length nibble (13, 14, 15:
/// one, two or four extended bytes) frames the options and payload. Code 7.01 is the
/// Capabilities and Settings Message (CSM) each side sends first.
inline constexpr std::uint8_t kCoapCodeCsm = 0xE1;
/// A CSM with no options (the defaults: 1152-byte messages, no block-wise transfer).
std::vector<std::uint8_t> build_coap_tcp_csm();
/// A GET over TCP with the token (first 8 bytes) and one Uri-Path option per segment.
std::vector<std::uint8_t> build_coap_tcp_get(const std::vector<std::uint8_t>& token, const std::vector<std::string_view>& path);
/// Parses the first message of a TCP byte stream: `need_more` until it is whole, `done` with
/// `consumed` = its size, `invalid` for a token length above 8, a reserved code class (1, 6), a
/// length above kCoapMaxDatagram or options that do not parse (the rules of parse_coap_message).
/// `type` and `message_id` stay at their defaults.
Parse parse_coap_tcp_message(Bytes stream, CoapMessage& out, std::size_t& consumed) noexcept;

/// Parses one datagram: `done` for a well-formed version-1 message (RFC 7252 §3: token length
/// ≤ 8, option nibbles 15 only as the payload marker, extended deltas/lengths (13, 14) present,
/// every option inside the datagram, option numbers ≤ 65535, a payload marker followed by at
/// least one byte, an Empty message (0.00) with nothing after the message ID, no reserved code
/// class 1, 6 or 7); `invalid` otherwise.
Parse parse_coap_message(Bytes datagram, CoapMessage& out) noexcept;

/// One link of a link-format document: `</sensors/temp>;rt="temperature";obs`.
struct CoapLink {
  std::string target;  ///< between '<' and '>', e.g. "/sensors/temp"
  /// Parameters in order; a parameter without '=' ("obs") has an empty value; quotes removed.
  std::vector<std::pair<std::string, std::string>> attributes;
};

/// Parses a whole RFC 6690 payload (comma-separated links; whitespace around separators is
/// tolerated, as is a trailing comma). `done` with at most kCoapMaxLinks links (extra links are
/// checked but not kept); `invalid` on a syntax error (missing '<' or '>', unterminated quoted
/// string, empty parameter name) or a payload larger than kCoapMaxDatagram. Empty payload: `done`
/// with no links.
Parse parse_link_format(Bytes payload, std::vector<CoapLink>& out) noexcept;

/// coap.code always; coap.resources and coap.resource_count when the Content-Format is
/// link-format (or absent and the payload starts with '<') and the payload parses.
std::vector<Observation> coap_observations(const CoapMessage& m, const Endpoint& ep);

}  // namespace trustscan
