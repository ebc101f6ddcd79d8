// trustscan — HTTP/2 in cleartext (h2c) seen in a capture: the device's requests and the answers.
//
// parse_h2c_session reads the two directions of one TCP connection (the client's bytes and the
// server's, each from its start, as replay buffers them) and returns its streams as the same
// HttpRequest / HttpResponseHead that HTTP/1.x gives (probes/http/http_request.hpp), so replay
// records them under the same observation keys. Two ways into h2c (RFC 9113 section 3):
//   * prior knowledge: the client's bytes start with the connection preface
//     "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
//   * HTTP/1.1 Upgrade (RFC 7540 section 3.2; RFC 9113 dropped it, devices and curl still send
//     it): an HTTP/1.1 request with "Upgrade: h2c" answered by "HTTP/1.1 101"; that request is
//     stream 1, its response comes as HTTP/2 frames on stream 1, and the client then sends the
//     preface and frames.
//
// Frames (RFC 9113 section 4, 6): every frame is split by its 9-byte header; HEADERS,
// CONTINUATION and PUSH_PROMISE carry header blocks, decoded with nghttp2's HPACK inflater
// (RFC 7541), one per direction for the whole connection (the dynamic table is per direction);
// DATA gives a request's body (kept <= kHttpReqMaxBody: a DoH query) and a response's first
// bytes. PADDED and PRIORITY fields are stripped; other frame types are skipped whole. A header
// block must be followed by its CONTINUATIONs on the same stream, nothing else in between.
// Pseudo-headers map to HttpRequest: :method -> method, :path -> target, :authority -> host
// (and a "host" field, as HTTP/1.1 sends it); :status -> HttpResponseHead::status. Other fields
// go through the HTTP/1 header rules (user-agent, content-type, authorization: Basic decoded).
//
// Bounds (memory is bounded whatever the bytes): a frame longer than kH2MaxFrame, a header block
// (HEADERS + CONTINUATIONs) longer than kH2MaxHeaderBlock, more decoded header bytes than
// kH2MaxDecodedHeaders in one block, more than kH2MaxStreams streams, an HPACK error or a frame
// breaking the rules above: the session is dropped (`dropped` says why, no stream is returned).
// The dynamic tables are at most kH2MaxHeaderTable bytes each whatever SETTINGS says. Bytes cut
// short at the end of a direction (a capture that stops, replay's per-flow cap) end that
// direction quietly: what was whole is returned.
#pragma once

#include "probes/http/http_request.hpp"
#include "trustscan/parse.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace trustscan {

inline constexpr std::size_t kH2MaxFrame = 1u << 20;           ///< frame payload bytes
inline constexpr std::size_t kH2MaxHeaderBlock = 64 * 1024;    ///< one stream's header block (encoded)
inline constexpr std::size_t kH2MaxDecodedHeaders = 256 * 1024;  ///< decoded name+value bytes of one block
inline constexpr std::size_t kH2MaxStreams = 256;              ///< streams tracked per connection
inline constexpr std::size_t kH2MaxHeaderTable = 64 * 1024;    ///< HPACK dynamic table, per direction
inline constexpr std::string_view kH2Preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

/// One stream of an h2c connection.
struct Http2Stream {
  std::uint32_t id = 0;
  bool has_request = false;   ///< the client's HEADERS (or the upgraded HTTP/1.1 request) was read
  bool has_response = false;  ///< the server's HEADERS with a final :status was read
  HttpRequest request;        ///< version_minor 0; raw_head: the decoded fields as text
  HttpResponseHead response;  ///< framing none; first_bytes from DATA
};

struct Http2Session {
  bool upgrade = false;              ///< entered through HTTP/1.1 "Upgrade: h2c" + 101
  std::vector<Http2Stream> streams;  ///< in order of first appearance
  std::uint64_t frames[2] = {0, 0};  ///< frames read from the client, from the server
  std::string dropped;               ///< why the session was dropped ("" when it was not)
};

/// True when `client` starts with the HTTP/2 connection preface (or a prefix of it that long).
bool h2c_prior_knowledge(Bytes client) noexcept;

/// Reads an h2c connection (see the file comment). invalid: the client's bytes are neither the
/// preface nor an upgrade request answered with 101 (not h2c: try HTTP/1). done otherwise, also
/// when the session was dropped at a bound (`out.dropped`).
Parse parse_h2c_session(Bytes client, Bytes server, Http2Session& out) noexcept;

/// The DNS wire message of a DNS-over-HTTPS request (RFC 8484 section 4.1): the body of a POST
/// with content-type application/dns-message, or the base64url "dns" parameter of a GET's query.
/// nullopt for any other request or an undecodable parameter.
std::optional<std::string> doh_query_message(const HttpRequest& r);

}  // namespace trustscan
