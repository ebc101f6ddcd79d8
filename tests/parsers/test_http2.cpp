// HTTP/2 in cleartext (probes/http/http2.hpp): frames, HPACK through nghttp2's inflater, bounds.
//
// The header blocks here are made by nghttp2's own HPACK encoder (nghttp2_hd_deflate_hd, the
// encoder nghttp, nghttpd and curl use), one deflater per direction kept for the whole
// connection as a real peer keeps it: a second request is then encoded with references to the
// first one's fields in the dynamic table. Frame headers are written by the test from RFC 9113
// section 4.1. The whole path from a real capture (nghttp, curl, nghttpd, nghttpx) is in
// tests/unit/test_replay.cpp on pcaps/h2c.pcap.
#include "probes/http/http2.hpp"

#include <nghttp2/nghttp2.h>

#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

using namespace trustscan;

namespace {

using H2tFields = std::vector<std::pair<std::string, std::string>>;

struct H2tDeflater {
  nghttp2_hd_deflater* d = nullptr;
  H2tDeflater() { REQUIRE(nghttp2_hd_deflate_new(&d, 4096) == 0); }
  ~H2tDeflater() { nghttp2_hd_deflate_del(d); }
  H2tDeflater(const H2tDeflater&) = delete;
  H2tDeflater& operator=(const H2tDeflater&) = delete;

  std::string block(const H2tFields& fields) {
    std::vector<nghttp2_nv> nv;
    for (const auto& [n, v] : fields)
      nv.push_back({reinterpret_cast<std::uint8_t*>(const_cast<char*>(n.data())),
                    reinterpret_cast<std::uint8_t*>(const_cast<char*>(v.data())), n.size(), v.size(),
                    NGHTTP2_NV_FLAG_NONE});
    std::string out(nghttp2_hd_deflate_bound(d, nv.data(), nv.size()), '\0');
    const auto n = nghttp2_hd_deflate_hd(d, reinterpret_cast<std::uint8_t*>(out.data()), out.size(), nv.data(), nv.size());
    REQUIRE(n >= 0);
    out.resize(static_cast<std::size_t>(n));
    return out;
  }
};

std::string h2t_frame(std::uint8_t type, std::uint8_t flags, std::uint32_t stream, std::string_view payload) {
  std::string f;
  f += static_cast<char>((payload.size() >> 16) & 0xff);
  f += static_cast<char>((payload.size() >> 8) & 0xff);
  f += static_cast<char>(payload.size() & 0xff);
  f += static_cast<char>(type);
  f += static_cast<char>(flags);
  for (int s = 24; s >= 0; s -= 8) f += static_cast<char>((stream >> s) & 0xff);
  f += payload;
  return f;
}

constexpr std::uint8_t kH2tData = 0, kH2tHeaders = 1, kH2tSettings = 4, kH2tContinuation = 9;
constexpr std::uint8_t kH2tEndStream = 1, kH2tEndHeaders = 4, kH2tPadded = 8, kH2tPriority = 0x20;

const std::string kH2tSettingsFrame = h2t_frame(kH2tSettings, 0, 0, "");

H2tFields h2t_request(const std::string& path, const std::string& method = "GET") {
  return {{":method", method},
          {":scheme", "http"},
          {":authority", "fw.acme-cam.example"},
          {":path", path},
          {"user-agent", "AcmeCam/2.1"},
          {"accept", "*/*"}};
}

Http2Session h2t_parse(const std::string& client, const std::string& server) {
  Http2Session s;
  REQUIRE(parse_h2c_session(as_bytes(client), as_bytes(server), s) == Parse::done);
  return s;
}

}  // namespace

TEST_CASE("h2c: prior knowledge, two requests with their responses, the dynamic table kept across streams") {
  H2tDeflater up, down;
  std::string client = std::string(kH2Preface) + kH2tSettingsFrame;
  const auto first = up.block(h2t_request("/fw-1.2.3.bin"));
  const auto second = up.block(h2t_request("/config.json"));
  // The second block leans on the dynamic table the first one filled: much shorter.
  CHECK(second.size() < first.size() / 2);
  client += h2t_frame(kH2tHeaders, kH2tEndHeaders | kH2tEndStream, 1, first);
  client += h2t_frame(kH2tHeaders, kH2tEndHeaders | kH2tEndStream, 3, second);
  std::string server = kH2tSettingsFrame;
  server += h2t_frame(kH2tHeaders, kH2tEndHeaders, 1,
                      down.block({{":status", "200"}, {"server", "nghttpd nghttp2/1.52.0"},
                                  {"content-type", "application/octet-stream"}, {"content-length", "23"}}));
  server += h2t_frame(kH2tData, kH2tEndStream, 1, "AcmeCam firmware 1.2.3\n");
  server += h2t_frame(kH2tHeaders, kH2tEndHeaders | kH2tEndStream, 3,
                      down.block({{":status", "404"}, {"server", "nghttpd nghttp2/1.52.0"}}));

  const auto s = h2t_parse(client, server);
  CHECK(s.dropped.empty());
  CHECK_FALSE(s.upgrade);
  REQUIRE(s.streams.size() == 2);
  const auto& a = s.streams[0];
  CHECK(a.id == 1);
  CHECK(a.has_request);
  CHECK(a.request.method == "GET");
  CHECK(a.request.target == "/fw-1.2.3.bin");
  CHECK(a.request.host == "fw.acme-cam.example");
  CHECK(a.request.user_agent == "AcmeCam/2.1");
  CHECK(a.request.url() == "http://fw.acme-cam.example/fw-1.2.3.bin");
  CHECK(a.request.raw_head.starts_with("GET /fw-1.2.3.bin HTTP/2\r\n:authority: fw.acme-cam.example\r\n"));
  REQUIRE(a.has_response);
  CHECK(a.response.status == 200);
  CHECK(a.response.server == "nghttpd nghttp2/1.52.0");
  CHECK(a.response.content_type == "application/octet-stream");
  CHECK(a.response.content_length == 23u);
  CHECK(a.response.first_bytes == "AcmeCam firmware 1.2.3\n");
  const auto& b = s.streams[1];
  CHECK(b.id == 3);
  CHECK(b.request.target == "/config.json");
  CHECK(b.request.user_agent == "AcmeCam/2.1");  // from the dynamic table
  CHECK(b.request.host == "fw.acme-cam.example");
  CHECK(b.response.status == 404);
  CHECK(s.frames[0] == 3);
  CHECK(s.frames[1] == 4);
}

TEST_CASE("h2c: CONTINUATION, padding and priority fields") {
  H2tDeflater up;
  const auto block = up.block(h2t_request("/status?id=7"));
  std::string client = std::string(kH2Preface) + kH2tSettingsFrame;
  // HEADERS with PADDED (3 bytes of padding) and PRIORITY (5 bytes), then two CONTINUATIONs.
  std::string headers;
  headers += '\x03';
  headers += std::string("\x00\x00\x00\x00\x10", 5);
  headers += block.substr(0, 4);
  headers += std::string(3, '\0');
  client += h2t_frame(kH2tHeaders, kH2tPadded | kH2tPriority | kH2tEndStream, 5, headers);
  client += h2t_frame(kH2tContinuation, 0, 5, block.substr(4, 5));
  client += h2t_frame(kH2tContinuation, kH2tEndHeaders, 5, block.substr(9));
  const auto s = h2t_parse(client, "");
  REQUIRE(s.streams.size() == 1);
  CHECK(s.streams[0].request.target == "/status?id=7");
  CHECK(s.streams[0].request.user_agent == "AcmeCam/2.1");
  CHECK_FALSE(s.streams[0].has_response);

  SUBCASE("another frame inside a header block drops the session") {
    H2tDeflater fresh;
    const auto b2 = fresh.block(h2t_request("/x"));
    std::string c = std::string(kH2Preface);
    c += h2t_frame(kH2tHeaders, 0, 1, b2.substr(0, 3));
    c += h2t_frame(kH2tData, 0, 1, "body");
    c += h2t_frame(kH2tContinuation, kH2tEndHeaders, 1, b2.substr(3));
    const auto d = h2t_parse(c, "");
    CHECK(d.dropped == "a header block interrupted by another frame");
    CHECK(d.streams.empty());
  }
  SUBCASE("a CONTINUATION on another stream drops it too") {
    H2tDeflater fresh;
    const auto b2 = fresh.block(h2t_request("/x"));
    std::string c = std::string(kH2Preface);
    c += h2t_frame(kH2tHeaders, 0, 1, b2.substr(0, 3));
    c += h2t_frame(kH2tContinuation, kH2tEndHeaders, 3, b2.substr(3));
    CHECK(h2t_parse(c, "").dropped == "a header block interrupted by another frame");
  }
  SUBCASE("padding longer than the frame") {
    std::string c = std::string(kH2Preface) + h2t_frame(kH2tHeaders, kH2tPadded | kH2tEndHeaders, 1, "\x09xyz");
    CHECK(h2t_parse(c, "").dropped == "padding longer than its frame");
  }
}

TEST_CASE("h2c: HTTP/1.1 Upgrade answered with 101, the request is stream 1") {
  H2tDeflater down;
  const std::string client =
      "GET /fw-1.2.3.bin HTTP/1.1\r\nHost: fw.acme-cam.example:8080\r\nUser-Agent: AcmeCam/2.1\r\n"
      "Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQCAAAAAAIAAAAA\r\n\r\n" +
      std::string(kH2Preface) + kH2tSettingsFrame;
  const std::string server = "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n" +
                             kH2tSettingsFrame +
                             h2t_frame(kH2tHeaders, kH2tEndHeaders, 1, down.block({{":status", "200"}, {"server", "nghttpx"}}));
  const auto s = h2t_parse(client, server);
  CHECK(s.upgrade);
  REQUIRE(s.streams.size() == 1);
  CHECK(s.streams[0].request.method == "GET");
  CHECK(s.streams[0].request.host == "fw.acme-cam.example:8080");
  CHECK(s.streams[0].request.user_agent == "AcmeCam/2.1");
  CHECK(s.streams[0].response.status == 200);
  CHECK(s.streams[0].response.server == "nghttpx");

  Http2Session not_h2;
  const std::string refused = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
  CHECK(parse_h2c_session(as_bytes(client), as_bytes(refused), not_h2) == Parse::invalid);
  const std::string plain = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
  CHECK(parse_h2c_session(as_bytes(plain), as_bytes(server), not_h2) == Parse::invalid);
}

TEST_CASE("h2c: bounds drop the session") {
  SUBCASE("more streams than kH2MaxStreams") {
    H2tDeflater up;
    std::string client(kH2Preface);
    for (std::uint32_t i = 0; i <= kH2MaxStreams; ++i)
      client += h2t_frame(kH2tHeaders, kH2tEndHeaders | kH2tEndStream, 1 + 2 * i, up.block(h2t_request("/poll")));
    const auto s = h2t_parse(client, "");
    CHECK(s.dropped == "more than 256 streams");
    CHECK(s.streams.empty());
  }
  SUBCASE("a header block longer than kH2MaxHeaderBlock") {
    std::string client(kH2Preface);
    const std::string chunk(16 * 1024, 'x');
    client += h2t_frame(kH2tHeaders, 0, 1, chunk);
    for (int i = 0; i < 4; ++i) client += h2t_frame(kH2tContinuation, 0, 1, chunk);
    CHECK(h2t_parse(client, "").dropped == "a header block of more than 65536 bytes");
  }
  SUBCASE("a frame longer than kH2MaxFrame") {
    std::string client(kH2Preface);
    client += std::string("\x10\x00\x01\x00\x00\x00\x00\x00\x01", 9);
    CHECK(h2t_parse(client, "").dropped == "a frame of 1048577 bytes (more than 1048576)");
  }
  SUBCASE("an HPACK error (index beyond both tables)") {
    std::string client(kH2Preface);
    client += h2t_frame(kH2tHeaders, kH2tEndHeaders, 1, "\xff\x7f");
    CHECK(h2t_parse(client, "").dropped.starts_with("HPACK: "));
  }
  SUBCASE("one indexed field repeated: decoded bytes are capped") {
    // One 3000-byte field added to the dynamic table (nghttp2 indexes fields up to 3/4 of the
    // table), then referenced 100 times, one byte each: 300 KB decoded from 3 KB.
    H2tDeflater up;
    std::string block = up.block({{"x-big", std::string(3000, 'a')}});
    block += std::string(100, static_cast<char>(0x80 | 62));  // indexed: the newest dynamic entry
    std::string client(kH2Preface);
    client += h2t_frame(kH2tHeaders, kH2tEndHeaders, 1, block);
    CHECK(h2t_parse(client, "").dropped == "a header block decoding to more than 262144 bytes");
  }
}

TEST_CASE("h2c: bytes cut short keep what was whole") {
  H2tDeflater up;
  std::string client(kH2Preface);
  client += h2t_frame(kH2tHeaders, kH2tEndHeaders | kH2tEndStream, 1, up.block(h2t_request("/a")));
  const auto second = h2t_frame(kH2tHeaders, kH2tEndHeaders | kH2tEndStream, 3, up.block(h2t_request("/b")));
  client += second.substr(0, second.size() - 2);
  const auto s = h2t_parse(client, "");
  CHECK(s.dropped.empty());
  REQUIRE(s.streams.size() == 1);
  CHECK(s.streams[0].request.target == "/a");
  // Not h2c at all, or a preface cut short: invalid.
  Http2Session n;
  CHECK(parse_h2c_session(as_bytes(std::string_view("PRI * HTTP/2.0\r\n")), {}, n) == Parse::invalid);
  CHECK(parse_h2c_session(as_bytes(std::string_view("\x16\x03\x01")), {}, n) == Parse::invalid);
}

TEST_CASE("DoH in clear: the DNS message of a POST or a GET ?dns=") {
  // RFC 8484 section 4.1.1's example: a query for www.example.com A, and its base64url form.
  const std::string wire("\x00\x00\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\x03www\x07"
                         "example\x03"
                         "com\x00\x00\x01\x00\x01",
                         33);
  HttpRequest get;
  get.method = "GET";
  get.target = "/dns-query?dns=AAABAAABAAAAAAAAA3d3dwdleGFtcGxlA2NvbQAAAQAB";
  CHECK(doh_query_message(get) == wire);
  get.target = "/dns-query?ct=x&dns=AAABAAABAAAAAAAAA3d3dwdleGFtcGxlA2NvbQAAAQAB";
  CHECK(doh_query_message(get) == wire);
  get.target = "/dns-query?dns=AA*B";
  CHECK_FALSE(doh_query_message(get));
  get.target = "/search?q=dns";
  CHECK_FALSE(doh_query_message(get));

  HttpRequest post;
  post.method = "POST";
  post.content_type = "application/dns-message";
  post.body = wire;
  CHECK(doh_query_message(post) == wire);
  post.content_type = "application/json";
  CHECK_FALSE(doh_query_message(post));
}
