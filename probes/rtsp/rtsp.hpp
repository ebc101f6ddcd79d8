// trustscan — RTSP/1.0 requests and responses (RFC 2326; pure, no I/O).
//
// The RTSP probe asks an IP camera what it serves and whether it asks for credentials first
// (NIST IR 8425 "access to interfaces is authenticated": a DESCRIBE answered 200 with an SDP
// body means anyone can open the stream; "secure communication": Basic auth over cleartext):
//
//   client ── OPTIONS rtsp://host:554/ RTSP/1.0 (build_rtsp_request) ──►
//   client ◄──────────────── RTSP/1.0 200 OK, Public: … (parse_rtsp_response)
//   client ── DESCRIBE rtsp://host:554/ RTSP/1.0 ──────────────────────►
//   client ◄──── RTSP/1.0 401 Unauthorized, WWW-Authenticate: … or 200 OK + application/sdp
//
// parse_rtsp_response is a stream parser following docs/probes.md: `in` is the bytes received so
// far, starting at a response boundary; `consumed` is set to the size of the response (header
// block + body) on done. It keeps no state, so the answer never depends on how the bytes were
// split; `out` is reset on every call.
//
// Observation keys (rtsp_observations, for one response):
//   rtsp.status        int     status code (200, 401, 404…)
//   rtsp.server        string  Server header; absent when the response has none
//   rtsp.public        list    methods of the Public header ("OPTIONS", "DESCRIBE"…), in order;
//                              absent when the response has no Public header
//   rtsp.auth_schemes  list    one entry per WWW-Authenticate header: the scheme, plus the realm
//                              parameter when present ("Basic realm=\"IP Camera\"",
//                              "Digest realm=\"x\""). Nonces and other parameters are left out so
//                              that repeated scans give identical reports; the full headers are
//                              in RtspResponse::www_authenticate. Absent when there is none.
//   rtsp.sdp_present   bool    the response carries a non-empty body of Content-Type
//                              application/sdp
#pragma once

#include "trustscan/parse.hpp"
#include "trustscan/types.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace trustscan {

/// Largest header block (status line, headers and the empty line), in bytes. A response whose
/// header block is still open after this many bytes is invalid (Beast's header_limit_ too).
inline constexpr std::size_t kRtspMaxHeader = 8 * 1024;
/// Largest body accepted: a Content-Length above it is invalid as soon as the header block ends,
/// and nothing is buffered. An SDP description is a few hundred bytes.
inline constexpr std::size_t kRtspMaxBody = 16 * 1024;
/// Most header fields in one response (continuation lines fold into their field); one more is
/// invalid.
inline constexpr std::size_t kRtspMaxHeaders = 64;
/// Most methods kept from Public and most WWW-Authenticate values kept; more are dropped.
inline constexpr std::size_t kRtspMaxListItems = 32;

/// One response (RFC 2326 §7).
struct RtspResponse {
  std::string version;  ///< "RTSP/1.0"
  int status = 0;       ///< 100..999 on done
  std::string reason;   ///< "OK", "Unauthorized"; may be empty
  /// Every header in order, name as sent, value with surrounding whitespace removed and
  /// continuation lines joined by one space. At most kRtspMaxHeaders.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string cseq;                           ///< CSeq value; empty when absent
  std::string server;                         ///< Server value; empty when absent
  bool has_public = false;                    ///< a Public header was present
  std::vector<std::string> public_methods;    ///< Public split at ',', trimmed, empties dropped
  std::vector<std::string> www_authenticate;  ///< every WWW-Authenticate value, in order
  std::optional<std::size_t> content_length;  ///< absent when no Content-Length header
  std::string content_type;                   ///< Content-Type value; empty when absent
  std::string body;                           ///< content_length bytes (<= kRtspMaxBody)
  std::string raw_header;                     ///< the header block as received, for evidence
};

/// Looks up the first header named `name` (case-insensitive); nullptr when absent.
const std::string* rtsp_header(const RtspResponse& r, std::string_view name) noexcept;

// ---- builders --------------------------------------------------------------------------------

/// "METHOD url RTSP/1.0\r\nCSeq: n\r\nUser-Agent: trustscan/0.1\r\n" + `extra` headers +
/// "\r\n". For DESCRIBE, "Accept: application/sdp" is added unless `extra` has an Accept header.
/// Returns an empty vector when `method` or `url` is empty, or when any method, URL, header name
/// or value contains CR, LF or NUL (which would inject headers), or a space in method or URL.
std::vector<std::uint8_t> build_rtsp_request(
    std::string_view method, std::string_view url, std::uint32_t cseq,
    std::span<const std::pair<std::string_view, std::string_view>> extra = {});

// ---- parsers ---------------------------------------------------------------------------------

/// Parses one response. Lines end in CR LF or LF alone; the header block ends at an empty line.
/// need_more until the header block and Content-Length body bytes are all in `in`. invalid when:
/// the bytes do not start with "RTSP/" (judged from the first byte); the status line is not
/// "RTSP/<d>.<d> <3 digits>[ reason]"; a header line has no ':' or an empty name; the header block
/// exceeds kRtspMaxHeader bytes or kRtspMaxHeaders fields; a NUL byte is in the header block;
/// Content-Length is not a decimal number, is over kRtspMaxBody, or appears twice with different
/// values. Without Content-Length the body is empty (RFC 2326 §4.3: there is no close-delimited
/// body in RTSP).
Parse parse_rtsp_response(Bytes in, RtspResponse& out, std::size_t& consumed) noexcept;

// ---- observations ----------------------------------------------------------------------------

/// Observations for one response (keys at the top of this file), evidence kind "rtsp_response"
/// with the header block as excerpt. Empty when `response` was not parsed (status 0).
std::vector<Observation> rtsp_observations(const RtspResponse& response, const Endpoint& endpoint);

}  // namespace trustscan
