// trustscan — HTTP/1.x requests seen in a capture (the device as a client: update checks,
// firmware downloads, cloud APIs, logins), and a summary of the responses they got.
//
// parse_http_request reads one request from the client→server stream (docs/probes.md stream
// form); parse_http_requests loops over pipelined requests. The response side,
// parse_http_response_head, reuses probes/http/http.hpp's parser and reports status, content type,
// length and the first bytes of the body, which is what probes/http/firmware.hpp classifies, without
// buffering a multi-megabyte download.
//
// What a request may be (RFC 9112, lenient like devices): "<token> <target> HTTP/1.<digit>",
// lines ending in CRLF or bare LF, header fields "name: value" (token name, no obsolete folding,
// no NUL or bare CR). Body framing: Transfer-Encoding chunked, else Content-Length, else none.
//
// Edge cases (issue 18; docs/replay.md "HTTP/1 edge cases" says why each is read so):
// - CONNECT host:port (authority-form, RFC 9112 section 3.2.3): the target is the authority;
//   parse_http_requests stops after it, since after a 2xx answer the connection is a tunnel
//   (section 9.3.6 of RFC 9110). The caller, which sees the response, may go on after a refusal.
// - Upgrade (RFC 9110 section 7.8: websocket, RFC 6455): parse_http_requests stops after the
//   request too, since after a 101 answer the bytes are the new protocol's; the caller goes on
//   when the server answered otherwise (it may ignore the field).
// - HTTP/0.9 simple request "GET /path" + line end (no version): version_major 0, minor 9, no
//   headers, no body; only GET, a target of visible ASCII starting with '/'. It ends the stream.
// - Spaces inside the target ("GET /a b HTTP/1.1", invalid by RFC 9112 section 3.2): read as
//   tshark does, the target being everything between the first space and the last " HTTP/1.x";
//   an anomaly says so.
// - Content-Length (RFC 9112 section 6.3): repeated fields or a list with one value are that
//   value; different values or one that is not a number make the framing unknowable: the
//   request is returned with framing_unknown, no body, and parse_http_requests stops after it.
//   Transfer-Encoding with Content-Length: TE wins, an anomaly says so, and the stream ends
//   there (the server must close after answering it). A Transfer-Encoding whose last coding is
//   not chunked, chunked twice, TE in an HTTP/1.0 request (section 6.1), or a chunked body that
//   does not parse: framing_unknown.
//
// Caps: request line + headers ≤ kHttpReqMaxHead bytes and ≤ kHttpReqMaxHeaders fields, else
// invalid; header values kept ≤ kHttpReqMaxValue bytes; the body kept ≤ kHttpReqMaxBody bytes.
// A Content-Length body longer than kHttpReqMaxBody ends the parse early: `done` with
// body_truncated and `consumed` = the whole message's length, which may exceed the bytes given
// (the caller skips the rest of the body as it streams by). A chunked body must complete within
// kHttpReqMaxMessage raw bytes, else invalid.
//
// Observation keys (http_request_observations; absent facts are not emitted):
//   http.request.method      string  "GET", "POST"…
//   http.request.url         string  "http://<host><target>" (target as sent when absolute)
//   http.request.user_agent  string  User-Agent
//   http.request.basic_user  string  user name of an Authorization: Basic header (the password
//                                    goes to Evidence.password, for credential findings)
//   http.request.content_type string Content-Type of a request with a body
#pragma once

#include "probes/http/http.hpp"
#include "trustscan/text.hpp"
#include "trustscan/parse.hpp"
#include "trustscan/types.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace trustscan {

inline constexpr std::size_t kHttpReqMaxHead = 16 * 1024;
inline constexpr std::size_t kHttpReqMaxHeaders = 100;
inline constexpr std::size_t kHttpReqMaxValue = 1024;
inline constexpr std::size_t kHttpReqMaxBody = 4096;
inline constexpr std::size_t kHttpReqMaxMessage = 1024 * 1024;
/// Requests returned by one parse_http_requests call.
inline constexpr std::size_t kHttpReqMaxPipelined = 64;
/// Body bytes kept by parse_http_response_head.
inline constexpr std::size_t kHttpFirstBodyBytes = 64;
/// CR/LF bytes skipped before a request line (RFC 9112 §2.2); more is invalid.
inline constexpr std::size_t kHttpReqMaxBlankLead = 4;

struct HttpRequest {
  std::string method;              ///< ≤ 32 bytes, a token
  std::string target;              ///< ≤ kHttpReqMaxValue bytes ("/fw/v2.bin", "http://h/x", "*")
  int version_major = 1;           ///< 0 for an HTTP/0.9 simple request (version_minor 9)
  int version_minor = 0;
  std::vector<HttpHeader> headers; ///< name lowercased, value trimmed and capped
  std::optional<std::string> host, user_agent, content_type, authorization;
  std::optional<std::uint64_t> content_length;
  bool chunked = false;
  std::string auth_scheme;         ///< first word of Authorization ("Basic", "Bearer")
  std::optional<std::string> basic_user, basic_password;  ///< decoded Basic credentials
  /// Basic credentials of a Proxy-Authorization field (RFC 9110 section 11.7.2): for the proxy.
  std::optional<std::string> proxy_basic_user, proxy_basic_password;
  std::string body;                ///< ≤ kHttpReqMaxBody bytes (chunked: decoded)
  bool body_truncated = false;
  std::string raw_head;            ///< first Evidence::kMaxExcerpt bytes of the request
  std::optional<std::string> transfer_encoding;  ///< the Transfer-Encoding fields, joined by ", "
  /// What in the request breaks RFC 9112 but was read anyway, or ended the stream (≤ 4 notes:
  /// "spaces in the request target", "Content-Length 5 and 6 disagree"…).
  std::vector<std::string> anomalies;
  /// The message's length cannot be known: nothing after it in the stream is a request.
  bool framing_unknown = false;
  /// A Transfer-Encoding and a Content-Length together (TE was used).
  bool te_and_length = false;

  /// "http://host/target" when Host is known and the target is origin-form; else the target.
  std::string url() const;
  /// The Upgrade field's value ("websocket", "h2c"; RFC 9110 section 7.8): after a 101 answer
  /// the connection speaks that protocol, so the bytes after this request are not HTTP/1.
  std::optional<std::string> upgrade;

  /// Whether parse_http_requests stops after this request: framing unknown, TE with
  /// Content-Length, HTTP/0.9, CONNECT, Upgrade.
  bool ends_stream() const;
  bool is_connect() const { return method == "CONNECT"; }
};

/// One request at the start of `in`. done: `consumed` = its length (see the header's caps for
/// a truncated body). need_more while incomplete; invalid when not an HTTP/1.x request.
Parse parse_http_request(Bytes in, HttpRequest& out, std::size_t& consumed) noexcept;

/// Every complete request at the start of `in`, in order (at most kHttpReqMaxPipelined).
/// `consumed` = bytes of the requests returned. The result is need_more when the bytes after
/// them are an incomplete request (or there are none), invalid when they are not a request
/// (requests before that point are still returned), done when the cap was reached or the last
/// request ends the stream (HttpRequest::ends_stream).
Parse parse_http_requests(Bytes in, std::vector<HttpRequest>& out, std::size_t& consumed) noexcept;


/// Applies one header field to `r` by the rules above (name lowercased, value capped; Host,
/// User-Agent, Content-Type, Authorization with Basic decoded, Content-Length, Transfer-Encoding).
/// False when the field breaks the framing rules (a bad or conflicting Content-Length: then
/// framing_unknown is set and an anomaly says why). HTTP/2
/// (probes/http/http2.hpp) gives its decoded fields to it.
bool add_http_request_header(HttpRequest& r, std::string_view name, std::string_view value);

/// "user:password" of a Basic credential's base64 token, or nullopt when it is not valid base64
/// or has no ':'.
std::optional<std::pair<std::string, std::string>> decode_basic_credentials(std::string_view token);

/// What replay needs of a response.
struct HttpResponseHead {
  int status = 0;
  std::optional<std::string> content_type, location, server;
  std::optional<std::uint64_t> content_length;
  HttpFraming framing = HttpFraming::none;
  std::string first_bytes;        ///< first ≤ kHttpFirstBodyBytes bytes of the (decoded) body
  std::size_t head_length = 0;    ///< bytes of status line + headers (+ skipped 1xx responses)
};

/// The response at the start of `in`, via parse_http_response. done once the whole response is
/// there, or — for a Content-Length body — once its first min(length, kHttpFirstBodyBytes)
/// bytes are: then `consumed` = head + Content-Length, possibly beyond `in` (skip the rest).
/// Chunked and until-close bodies: as parse_http_response (done when complete, at eof, or at its
/// kHttpMaxBody cap: then `consumed` is where reading stopped, inside the body, and the rest of
/// that direction cannot be resynchronised: the caller stops parsing it).
Parse parse_http_response_head(Bytes in, HttpResponseHead& out, std::size_t& consumed,
                               HttpParseOptions opts = {}) noexcept;

/// The keys listed above; the Basic password, when any, in evidence.password.
std::vector<Observation> http_request_observations(const HttpRequest& r, const Endpoint& server);

}  // namespace trustscan
