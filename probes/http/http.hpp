// trustscan — HTTP/1.0 and HTTP/1.1 response parser and request builder (pure, no I/O).
//
// The http probe sends `build_http_request("GET", host, "/")` over TCP (or TLS), feeds every byte
// it has received so far to `parse_http_response` until `done` or `invalid`, and calls
// `finish_at_eof` when the peer closes. It is our own small strict parser (not Beast) because the
// parsers must build with clang 14 for the fuzzers, where Asio and Beast's networking are absent.
//
// What it accepts (RFC 9112, with the leniencies embedded devices need):
//   - status line "HTTP/1.<digit> <3 digits>[ <reason>]"; lines end in CRLF or a bare LF;
//   - header fields "name: value" with a token name; a line starting with SP/HTAB (obsolete
//     line folding), a space before the colon, a NUL or a bare CR anywhere is `invalid`;
//   - interim 1xx responses (except 101) are skipped, at most kHttpMaxInterim of them;
//   - body framing: none (HEAD, 1xx, 204, 304), Transfer-Encoding ending in chunked (decoded),
//     Content-Length (all copies must agree), or read until the connection closes.
//
// Caps: header block (status line + fields + blank line) ≤ kHttpMaxHeaderBlock bytes and
// ≤ kHttpMaxHeaders fields, else `invalid`. The body kept is at most kHttpMaxBody bytes: a longer
// body ends the parse early with `done` and `body_truncated = true` (the probe stops reading;
// it never buffers more). Raw bytes of one message (chunk framing included) ≤ kHttpMaxMessage.
//
// Observation keys (`http_observations`); a key whose fact is absent is not emitted:
//   http.status          int64   status code of the final response (200, 401, 301…)
//   http.server          string  Server header (≤ 256 bytes)
//   http.title           string  text of the first <title> in the body, whitespace-collapsed,
//                                trimmed, 5 basic entities decoded, ≤ 256 bytes
//   http.auth_schemes    list    one entry per WWW-Authenticate challenge: `Basic realm="admin"`,
//                                or just the scheme when it has no realm (`Negotiate`)
//   http.location        string  Location header (redirect target, ≤ 256 bytes)
//   http.hsts            bool    Strict-Transport-Security present (always emitted)
//   http.hsts_max_age    int64   its max-age directive in seconds, when present and numeric
//   http.content_type    string  Content-Type header value
//   http.login_form      bool    the body has a <form> containing <input type=password> (always)
//   http.powered_by      string  X-Powered-By header
#pragma once

#include "trustscan/parse.hpp"
#include "trustscan/types.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace trustscan {

/// Status line + header fields + the blank line, in bytes. Beyond this: `invalid`.
inline constexpr std::size_t kHttpMaxHeaderBlock = 16 * 1024;
/// Header fields in one response (trailer fields of a chunked body are capped alike).
inline constexpr std::size_t kHttpMaxHeaders = 100;
/// Body bytes kept (after chunk decoding). Beyond this: `done` with `body_truncated`.
inline constexpr std::size_t kHttpMaxBody = 64 * 1024;
/// Raw bytes of one response including chunk framing; a longer unfinished message is `invalid`
/// (guards against a body of one-byte chunks that never reaches kHttpMaxBody quickly).
inline constexpr std::size_t kHttpMaxMessage = 1024 * 1024;
/// Interim 1xx responses skipped before the final one.
inline constexpr std::size_t kHttpMaxInterim = 8;
/// Cap of every derived string (server, title, location, realm…), in bytes.
inline constexpr std::size_t kHttpMaxField = 256;
/// Cap of WWW-Authenticate challenges kept.
inline constexpr std::size_t kHttpMaxChallenges = 16;

/// One header field. `name` is lowercased ASCII; `value` has surrounding SP/HTAB removed.
struct HttpHeader {
  std::string name;
  std::string value;
};

/// One WWW-Authenticate challenge: `scheme` as sent ("Basic", "Digest"), `realm` unquoted.
struct HttpAuthChallenge {
  std::string scheme;               ///< ≤ 64 bytes
  std::optional<std::string> realm; ///< absent when the challenge has no realm parameter
};

/// How the body of a response was delimited.
enum class HttpFraming : std::uint8_t { none, content_length, chunked, until_close };

/// A parsed HTTP/1.x response. Only `Parse::done` guarantees it is complete; after `need_more`
/// or `invalid` it holds whatever was parsed so far (the status line and headers once the header
/// block was complete), which a probe may report as a partial result.
struct HttpResponse {
  int version_minor = 0;           ///< 0 for HTTP/1.0, 1 for HTTP/1.1
  int status = 0;                  ///< 100..999
  std::string reason;              ///< reason phrase, ≤ kHttpMaxField bytes
  std::vector<HttpHeader> headers; ///< in order received, ≤ kHttpMaxHeaders
  HttpFraming framing = HttpFraming::none;
  std::string body;                ///< decoded body, ≤ kHttpMaxBody bytes
  bool body_truncated = false;     ///< the body was longer than kHttpMaxBody; reading stopped
  std::size_t interim_responses = 0;  ///< 1xx responses skipped before this one
  std::string raw_head;            ///< first Evidence::kMaxExcerpt raw bytes of this response

  // Derived from headers (filled as soon as the header block is complete).
  std::optional<std::string> server;        ///< Server
  std::optional<std::string> location;      ///< Location
  std::optional<std::string> content_type;  ///< Content-Type
  std::optional<std::string> powered_by;    ///< X-Powered-By
  std::vector<HttpAuthChallenge> auth_challenges;  ///< from every WWW-Authenticate, in order
  bool hsts = false;                        ///< Strict-Transport-Security present
  std::optional<std::int64_t> hsts_max_age; ///< its max-age, seconds

  // Derived from the body (filled on `done`).
  std::optional<std::string> title;         ///< first <title>…</title>, cleaned
  bool login_form = false;                  ///< a <form> with an <input type=password>

  /// The first header with this (lowercase) name, or nullptr.
  const std::string* header(std::string_view lower_name) const noexcept;
};

/// What the caller knows that the bytes do not say.
struct HttpParseOptions {
  bool head_request = false;  ///< the request was HEAD: the response has no body
  bool at_eof = false;        ///< the peer closed: no more bytes will come
};

/// Parses the response at the start of `in` (all bytes received so far on the connection).
/// Returns `done` with `consumed` = bytes of the response (trailing bytes are not ours),
/// `need_more` while incomplete, `invalid` when the bytes are not an HTTP/1.x response or break
/// a cap. A body delimited by the connection close stays `need_more` until `opts.at_eof` is set
/// (or until kHttpMaxBody body bytes arrived: then `done` with `body_truncated`).
/// With `opts.at_eof`, a response still incomplete (header block, chunked or Content-Length body)
/// is `invalid`.
Parse parse_http_response(Bytes in, HttpResponse& out, std::size_t& consumed,
                          HttpParseOptions opts = {}) noexcept;

/// The peer closed the connection: same as `parse_http_response` with `opts.at_eof = true`.
/// A read-until-close body ends here with `done`.
Parse finish_at_eof(Bytes in, HttpResponse& out, std::size_t& consumed,
                    HttpParseOptions opts = {}) noexcept;

/// Builds an HTTP/1.1 request: "<method> <path> HTTP/1.1", then Host, User-Agent
/// "trustscan/0.1", Accept "*/*", the `extra` headers in order, "Connection: close", blank line.
/// `host` is sent as given (the caller adds ":port" and IPv6 brackets). An empty path becomes "/".
/// CR, LF and NUL are removed from every input so a value can never inject a header line.
std::vector<std::uint8_t> build_http_request(std::string_view method, std::string_view host,
                                             std::string_view path,
                                             std::span<const HttpHeader> extra = {});

/// The observations listed in this header's comment, each with kind "http_response",
/// detail = the status line, excerpt = printable_excerpt(raw_head).
std::vector<Observation> http_observations(const HttpResponse& r, const Endpoint& ep);

}  // namespace trustscan
