// Parser tests for probes/rtsp/rtsp.hpp: responses, request builder, observations.
#include "probes/rtsp/rtsp.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

using namespace trustscan;
using namespace std::literals;

namespace {

// Captured from GStreamer RTSP server 1.22.0 (Debian packages libgstrtspserver-1.0-0 1.22.0-2
// and gir1.2-gst-rtsp-server-1.0), run from a 20-line python3 script (GstRtspServer.RTSPServer on
// 127.0.0.1, mount /stream = "videotestsrc ! jpegenc ! rtpjpegpay"): port 8554 without auth,
// 8555 with GstRTSPAuth Basic, 8556 with GstRTSPAuth Digest. Each response was read by a python3
// socket client that sent the request build_rtsp_request produces (OPTIONS or DESCRIBE with
// CSeq, User-Agent, Accept). Also in tests/fuzz/corpus/rtsp/.
constexpr std::string_view kGstOptions =
    "RTSP/1.0 200 OK\r\n"
    "CSeq: 1\r\n"
    "Public: OPTIONS, DESCRIBE, ANNOUNCE, GET_PARAMETER, PAUSE, PLAY, RECORD, SETUP, SET_PARAMETER, TEARDOWN\r\n"
    "Server: GStreamer RTSP server\r\n"
    "Date: Wed, 25 Nov 2026 09:42:42 GMT\r\n"
    "\r\n"sv;
constexpr std::string_view kGstDescribe =
    "RTSP/1.0 200 OK\r\n"
    "CSeq: 2\r\n"
    "Content-Type: application/sdp\r\n"
    "Content-Base: rtsp://127.0.0.1:8554/stream/\r\n"
    "Server: GStreamer RTSP server\r\n"
    "Date: Wed, 25 Nov 2026 09:42:44 GMT\r\n"
    "Content-Length: 371\r\n"
    "\r\n"
    "v=0\r\n"
    "o=- 6987340332437866965 1 IN IP4 127.0.0.1\r\n"
    "s=Session streamed with GStreamer\r\n"
    "i=rtsp-server\r\n"
    "t=0 0\r\n"
    "a=tool:GStreamer\r\n"
    "a=type:broadcast\r\n"
    "a=control:*\r\n"
    "a=range:npt=now-\r\n"
    "m=video 0 RTP/AVP 26\r\n"
    "c=IN IP4 0.0.0.0\r\n"
    "a=rtpmap:26 JPEG/90000\r\n"
    "a=framerate:5.000000\r\n"
    "a=control:stream=0\r\n"
    "a=ts-refclk:local\r\n"
    "a=mediaclk:sender\r\n"
    "a=ssrc:2639755056 cname:user2309579046@host-11b88886\r\n"sv;
constexpr std::string_view kGstBasic401 =
    "RTSP/1.0 401 Unauthorized\r\n"
    "CSeq: 2\r\n"
    "WWW-Authenticate: Basic realm=\"GStreamer RTSP Server\"\r\n"
    "Server: GStreamer RTSP server\r\n"
    "Date: Wed, 25 Nov 2026 09:42:46 GMT\r\n"
    "\r\n"sv;
constexpr std::string_view kGstDigest401 =
    "RTSP/1.0 401 Unauthorized\r\n"
    "CSeq: 2\r\n"
    "WWW-Authenticate: Digest realm=\"GStreamer RTSP Server\", nonce=\"42fbc0f98df9fabb\"\r\n"
    "Server: GStreamer RTSP server\r\n"
    "Date: Wed, 25 Nov 2026 09:42:48 GMT\r\n"
    "\r\n"sv;
constexpr std::string_view kGst404 =
    "RTSP/1.0 404 Not Found\r\n"
    "CSeq: 3\r\n"
    "Server: GStreamer RTSP server\r\n"
    "Date: Wed, 25 Nov 2026 09:42:50 GMT\r\n"
    "\r\n"sv;

// Crafted (not captured) following RFC 2326 §7 and §12: a camera offering Digest and Basic in
// two WWW-Authenticate fields, a header folded over two lines, lower-case field names, LF-only
// line endings, and no Server header.
constexpr std::string_view kCrafted401 =
    "RTSP/1.0 401 Unauthorized\n"
    "cseq: 7\n"
    "www-authenticate: Digest realm=\"IP Camera(21388)\", nonce=\"f8a1c9\",\n"
    "   stale=\"FALSE\"\n"
    "WWW-Authenticate: Basic realm=\"IP Camera(21388)\"\n"
    "Public: OPTIONS,  DESCRIBE,,\n"
    "\n"sv;

bool same(const RtspResponse& a, const RtspResponse& b) {
  return a.version == b.version && a.status == b.status && a.reason == b.reason &&
         a.headers == b.headers && a.cseq == b.cseq && a.server == b.server &&
         a.has_public == b.has_public && a.public_methods == b.public_methods &&
         a.www_authenticate == b.www_authenticate && a.content_length == b.content_length &&
         a.content_type == b.content_type && a.body == b.body && a.raw_header == b.raw_header;
}

// Two reads split at every offset, as a probe appends and re-parses; every proper prefix of a
// valid response is need_more.
void check_rtsp_splits(std::string_view all) {
  RtspResponse whole;
  std::size_t whole_used = 0;
  REQUIRE(parse_rtsp_response(as_bytes(all), whole, whole_used) == Parse::done);
  REQUIRE(whole_used == all.size());
  for (std::size_t k = 0; k <= all.size(); ++k) {
    std::string buf(all.substr(0, k));
    RtspResponse r;
    std::size_t used = 0;
    if (k < all.size()) CHECK(parse_rtsp_response(as_bytes(buf), r, used) == Parse::need_more);
    buf += all.substr(k);
    REQUIRE(parse_rtsp_response(as_bytes(buf), r, used) == Parse::done);
    CHECK(used == whole_used);
    CHECK(same(r, whole));
  }
}

std::vector<std::string> keys_of(const std::vector<Observation>& obs) {
  std::vector<std::string> k;
  for (const auto& o : obs) k.push_back(o.key);
  return k;
}

}  // namespace

TEST_CASE("rtsp: GStreamer OPTIONS (captured)") {
  RtspResponse r;
  std::size_t used = 0;
  REQUIRE(parse_rtsp_response(as_bytes(kGstOptions), r, used) == Parse::done);
  CHECK(used == kGstOptions.size());
  CHECK(r.version == "RTSP/1.0");
  CHECK(r.status == 200);
  CHECK(r.reason == "OK");
  CHECK(r.cseq == "1");
  CHECK(r.server == "GStreamer RTSP server");
  CHECK(r.public_methods == std::vector<std::string>{"OPTIONS", "DESCRIBE", "ANNOUNCE",
                                                     "GET_PARAMETER", "PAUSE", "PLAY", "RECORD",
                                                     "SETUP", "SET_PARAMETER", "TEARDOWN"});
  CHECK(r.headers.size() == 4);
  CHECK_FALSE(r.content_length);
  CHECK(r.body.empty());

  const auto obs = rtsp_observations(r, Endpoint{});
  CHECK(keys_of(obs) ==
        std::vector<std::string>{"rtsp.status", "rtsp.server", "rtsp.public", "rtsp.sdp_present"});
  CHECK(std::get<std::int64_t>(obs[0].value) == 200);
  CHECK(std::get<std::string>(obs[1].value) == "GStreamer RTSP server");
  CHECK(std::get<std::vector<std::string>>(obs[2].value).size() == 10);
  CHECK_FALSE(std::get<bool>(obs[3].value));
  CHECK(obs[0].evidence.excerpt.starts_with("RTSP/1.0 200 OK\\r\\nCSeq: 1\\r\\n"));
}

TEST_CASE("rtsp: GStreamer DESCRIBE with SDP, no auth (captured)") {
  RtspResponse r;
  std::size_t used = 0;
  REQUIRE(parse_rtsp_response(as_bytes(kGstDescribe), r, used) == Parse::done);
  CHECK(used == kGstDescribe.size());
  CHECK(r.content_type == "application/sdp");
  REQUIRE(r.content_length);
  CHECK(*r.content_length == 371);
  CHECK(r.body.size() == 371);
  CHECK(r.body.starts_with("v=0\r\n"));
  CHECK(r.body.ends_with("host-11b88886\r\n"));
  REQUIRE(rtsp_header(r, "content-base"));
  CHECK(*rtsp_header(r, "content-base") == "rtsp://127.0.0.1:8554/stream/");
  CHECK(rtsp_header(r, "Session") == nullptr);

  const auto obs = rtsp_observations(r, Endpoint{});
  CHECK(keys_of(obs) == std::vector<std::string>{"rtsp.status", "rtsp.server", "rtsp.sdp_present"});
  CHECK(std::get<bool>(obs[2].value));
}

TEST_CASE("rtsp: GStreamer 401 challenges and 404 (captured)") {
  RtspResponse r;
  std::size_t used = 0;
  REQUIRE(parse_rtsp_response(as_bytes(kGstBasic401), r, used) == Parse::done);
  CHECK(r.status == 401);
  CHECK(r.reason == "Unauthorized");
  CHECK(r.www_authenticate == std::vector<std::string>{"Basic realm=\"GStreamer RTSP Server\""});
  auto obs = rtsp_observations(r, Endpoint{});
  CHECK(keys_of(obs) ==
        std::vector<std::string>{"rtsp.status", "rtsp.server", "rtsp.auth_schemes", "rtsp.sdp_present"});
  CHECK(std::get<std::vector<std::string>>(obs[2].value) ==
        std::vector<std::string>{"Basic realm=\"GStreamer RTSP Server\""});

  REQUIRE(parse_rtsp_response(as_bytes(kGstDigest401), r, used) == Parse::done);
  CHECK(r.www_authenticate ==
        std::vector<std::string>{"Digest realm=\"GStreamer RTSP Server\", nonce=\"42fbc0f98df9fabb\""});
  obs = rtsp_observations(r, Endpoint{});
  // The nonce is left out of the observation so that two scans report the same value.
  CHECK(std::get<std::vector<std::string>>(obs[2].value) ==
        std::vector<std::string>{"Digest realm=\"GStreamer RTSP Server\""});

  REQUIRE(parse_rtsp_response(as_bytes(kGst404), r, used) == Parse::done);
  CHECK(r.status == 404);
  CHECK(r.reason == "Not Found");
}

TEST_CASE("rtsp: crafted 401 with two challenges, folding and LF endings") {
  RtspResponse r;
  std::size_t used = 0;
  REQUIRE(parse_rtsp_response(as_bytes(kCrafted401), r, used) == Parse::done);
  CHECK(used == kCrafted401.size());
  CHECK(r.cseq == "7");
  CHECK(r.server.empty());
  REQUIRE(r.www_authenticate.size() == 2);
  CHECK(r.www_authenticate[0] == "Digest realm=\"IP Camera(21388)\", nonce=\"f8a1c9\", stale=\"FALSE\"");
  CHECK(r.public_methods == std::vector<std::string>{"OPTIONS", "DESCRIBE"});
  const auto obs = rtsp_observations(r, Endpoint{});
  CHECK(keys_of(obs) == std::vector<std::string>{"rtsp.status", "rtsp.public", "rtsp.auth_schemes",
                                                 "rtsp.sdp_present"});
  CHECK(std::get<std::vector<std::string>>(obs[2].value) ==
        std::vector<std::string>{"Digest realm=\"IP Camera(21388)\"", "Basic realm=\"IP Camera(21388)\""});
}

TEST_CASE("rtsp: every split point gives the same result") {
  for (const auto resp : {kGstOptions, kGstDescribe, kGstBasic401, kGstDigest401, kGst404, kCrafted401}) {
    check_rtsp_splits(resp);
  }
}

TEST_CASE("rtsp: pipelined responses: consumed is the first one") {
  const std::string both = std::string(kGstDescribe) + std::string(kGstOptions);
  RtspResponse r;
  std::size_t used = 0;
  REQUIRE(parse_rtsp_response(as_bytes(both), r, used) == Parse::done);
  CHECK(used == kGstDescribe.size());
  REQUIRE(parse_rtsp_response(as_bytes(both).subspan(used), r, used) == Parse::done);
  CHECK(r.cseq == "1");
}

TEST_CASE("rtsp: invalid responses") {
  RtspResponse r;
  std::size_t used = 0;
  for (const auto bad : {
           "H"sv, "HTTP/1.1 200 OK\r\n\r\n"sv, "SSH-2.0-x\r\n"sv, "RTSP/1.0 20 OK\r\n\r\n"sv,
           "RTSP/1.0 099 x\r\n\r\n"sv, "RTSP/1.0 200OK\r\n\r\n"sv, "RTSP/x.0 200 OK\r\n\r\n"sv,
           "RTSP/1.0 200 OK\r\nno colon here\r\n\r\n"sv, "RTSP/1.0 200 OK\r\n: empty name\r\n\r\n"sv,
           "RTSP/1.0 200 OK\r\n folded first\r\n\r\n"sv, "RTSP/1.0 200 OK\r\nCSeq: 1\0\r\n\r\n"sv,
           "RTSP/1.0 200 OK\r\nContent-Length: -1\r\n\r\n"sv,
           "RTSP/1.0 200 OK\r\nContent-Length: 1 2\r\n\r\n"sv,
           "RTSP/1.0 200 OK\r\nContent-Length: 16385\r\n\r\n"sv,
           "RTSP/1.0 200 OK\r\nContent-Length: 99999999999999999999999\r\n\r\n"sv,
           "RTSP/1.0 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab"sv}) {
    CHECK(parse_rtsp_response(as_bytes(bad), r, used) == Parse::invalid);
    CHECK(r.status == 0);
  }
  // Same length twice is not ambiguous; the status line without reason is legal.
  CHECK(parse_rtsp_response(as_bytes("RTSP/1.0 200\r\nContent-Length: 1\r\ncontent-length: 1\r\n\r\nx"),
                            r, used) == Parse::done);
  CHECK(r.body == "x");
}

TEST_CASE("rtsp: hostile responses are bounded") {
  RtspResponse r;
  std::size_t used = 0;
  SUBCASE("1 MiB of 'A'") {
    const std::string big(1 << 20, 'A');
    CHECK(parse_rtsp_response(as_bytes(big), r, used) == Parse::invalid);
  }
  SUBCASE("a header block that never ends") {
    std::string h = "RTSP/1.0 200 OK\r\n";
    while (h.size() <= kRtspMaxHeader) h += "X-Pad: " + std::string(250, 'a') + "\r\n";
    CHECK(parse_rtsp_response(as_bytes(h), r, used) == Parse::invalid);
    CHECK(parse_rtsp_response(as_bytes(h.substr(0, kRtspMaxHeader - 1)), r, used) == Parse::need_more);
  }
  SUBCASE("1 MiB status line") {
    const std::string h = "RTSP/1.0 200 " + std::string(1 << 20, 'k');
    CHECK(parse_rtsp_response(as_bytes(h), r, used) == Parse::invalid);
  }
  SUBCASE("too many header fields") {
    std::string h = "RTSP/1.0 200 OK\r\n";
    for (std::size_t i = 0; i <= kRtspMaxHeaders; ++i) h += "A: b\r\n";
    CHECK(parse_rtsp_response(as_bytes(h + "\r\n"), r, used) == Parse::invalid);
  }
  SUBCASE("the largest body is accepted, and waited for") {
    const std::string h = "RTSP/1.0 200 OK\r\nContent-Length: 16384\r\n\r\n";
    CHECK(parse_rtsp_response(as_bytes(h + std::string(16383, 'b')), r, used) == Parse::need_more);
    REQUIRE(parse_rtsp_response(as_bytes(h + std::string(16384, 'b')), r, used) == Parse::done);
    CHECK(r.body.size() == kRtspMaxBody);
  }
  SUBCASE("random bytes") {
    std::mt19937 rng(2326);
    for (int round = 0; round < 500; ++round) {
      std::vector<std::uint8_t> junk(1 + rng() % 4096);
      for (auto& b : junk) b = static_cast<std::uint8_t>(rng());
      CHECK(parse_rtsp_response(junk, r, used) == Parse::invalid);
    }
    // Random bytes after a valid status line: anything but a crash or an unbounded result.
    for (int round = 0; round < 500; ++round) {
      std::string s = "RTSP/1.0 200 OK\r\n";
      const std::size_t n = 1 + rng() % 4096;
      for (std::size_t i = 0; i < n; ++i) s += static_cast<char>(rng() % 3 == 0 ? '\n' : rng());
      if (parse_rtsp_response(as_bytes(s), r, used) == Parse::done) {
        CHECK(r.headers.size() <= kRtspMaxHeaders);
        CHECK(used <= s.size());
      }
    }
  }
}

TEST_CASE("rtsp: request builder") {
  const auto s = [](const std::vector<std::uint8_t>& v) { return std::string(v.begin(), v.end()); };
  CHECK(s(build_rtsp_request("OPTIONS", "rtsp://127.0.0.1:8554/stream", 1)) ==
        "OPTIONS rtsp://127.0.0.1:8554/stream RTSP/1.0\r\nCSeq: 1\r\nUser-Agent: trustscan/0.1\r\n\r\n");
  CHECK(s(build_rtsp_request("DESCRIBE", "rtsp://127.0.0.1:8554/stream", 2)) ==
        "DESCRIBE rtsp://127.0.0.1:8554/stream RTSP/1.0\r\nCSeq: 2\r\nUser-Agent: trustscan/0.1\r\n"
        "Accept: application/sdp\r\n\r\n");
  const std::pair<std::string_view, std::string_view> auth[] = {
      {"Authorization", "Basic YWRtaW46YWRtaW4="}, {"accept", "application/sdp"}};
  CHECK(s(build_rtsp_request("DESCRIBE", "rtsp://h/", 3, auth)) ==
        "DESCRIBE rtsp://h/ RTSP/1.0\r\nCSeq: 3\r\nUser-Agent: trustscan/0.1\r\n"
        "Authorization: Basic YWRtaW46YWRtaW4=\r\naccept: application/sdp\r\n\r\n");
  CHECK(build_rtsp_request("", "rtsp://h/", 1).empty());
  CHECK(build_rtsp_request("OPTIONS", "", 1).empty());
  CHECK(build_rtsp_request("OPTIONS", "rtsp://h/ RTSP/1.0\r\nX: y", 1).empty());
  CHECK(build_rtsp_request("OPT IONS", "rtsp://h/", 1).empty());
  const std::pair<std::string_view, std::string_view> inject[] = {{"X", "a\r\nCSeq: 9"}};
  CHECK(build_rtsp_request("OPTIONS", "rtsp://h/", 1, inject).empty());
  const std::pair<std::string_view, std::string_view> bad_name[] = {{"X: y", "z"}};
  CHECK(build_rtsp_request("OPTIONS", "rtsp://h/", 1, bad_name).empty());
}
