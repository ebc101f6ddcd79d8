// HTTP/1.x requests and response summaries from a device-as-client capture.
//
// Captured on loopback, Debian 12: lighttpd 1.4.69 (`lighttpd -D -f lighttpd.conf`, docroot with
// fw/cam-2.1.bin = a U-Boot uImage made by `mkimage -A arm -O linux -T kernel -C none -n
// "rdiss-cam 2.1" -d kernel.bin`, fw/update.swu = a newc cpio from `busybox cpio -o -H newc`,
// ota/manifest.json), `tcpdump -i lo -w http.pcap tcp port 48080`, then
//   kCurlTwoRequests: curl 7.88.1 -u admin:s3cr3t -A rdiss-cam-updater/2.1
//                     http://127.0.0.1:48080/fw/cam-2.1.bin http://127.0.0.1:48080/ota/manifest.json
//                     (two requests on one kept-alive connection: the client stream holds both)
//   kCurlFormPost:    curl -d 'user=admin&pass=hunter2' http://127.0.0.1:48080/index.html
//   kWgetRequest:     wget 1.21.3 -O /dev/null http://127.0.0.1:48080/fw/update.swu
// Streams from `tshark -r http.pcap -z follow,tcp,raw,N -q`; the response constants are the
// server streams (firmware responses cut after 96 body bytes: what a bounded replay keeps).
#include "hex_bytes.hpp"
#include "probes/http/http_request.hpp"

#include <doctest/doctest.h>

#include <random>

using namespace trustscan;

namespace {

constexpr std::string_view kCurlTwoRequests =
    "GET /fw/cam-2.1.bin HTTP/1.1\r\n"
    "Host: 127.0.0.1:48080\r\n"
    "Authorization: Basic YWRtaW46czNjcjN0\r\n"
    "User-Agent: rdiss-cam-updater/2.1\r\n"
    "Accept: */*\r\n"
    "\r\n"
    "GET /ota/manifest.json HTTP/1.1\r\n"
    "Host: 127.0.0.1:48080\r\n"
    "Authorization: Basic YWRtaW46czNjcjN0\r\n"
    "User-Agent: rdiss-cam-updater/2.1\r\n"
    "Accept: */*\r\n"
    "\r\n";
constexpr std::string_view kCurlFormPost =
    "POST /index.html HTTP/1.1\r\n"
    "Host: 127.0.0.1:48080\r\n"
    "User-Agent: curl/7.88.1\r\n"
    "Accept: */*\r\n"
    "Content-Length: 23\r\n"
    "Content-Type: application/x-www-form-urlencoded\r\n"
    "\r\n"
    "user=admin&pass=hunter2";
constexpr std::string_view kWgetRequest =
    "GET /fw/update.swu HTTP/1.1\r\n"
    "Host: 127.0.0.1:48080\r\n"
    "User-Agent: Wget/1.21.3\r\n"
    "Accept: */*\r\n"
    "Accept-Encoding: identity\r\n"
    "Connection: Keep-Alive\r\n"
    "\r\n";
constexpr std::string_view kFirmwareResponsePrefix =
    "485454502f312e3120323030204f4b0d0a436f6e74656e742d547970653a206170706c69636174696f6e2f6f63746574"
    "2d73747265616d0d0a455461673a202234303233383432363030220d0a4c6173742d4d6f6469666965643a205765642c"
    "203235204e6f7620323032362031323a31353a323020474d540d0a436f6e74656e742d4c656e6774683a20343136300d"
    "0a4163636570742d52616e6765733a2062797465730d0a446174653a205765642c203235204e6f762032303236203132"
    "3a31353a323120474d540d0a5365727665723a206c696768747470642f312e342e36390d0a0d0a27051956174488306b"
    "06d151000010000000800000008000fd420edf0502020072646973732d63616d20322e31000000000000000000000000"
    "0000000000000038470402988c60c6fdd54f108dc55b3050ef7e9ac2470b5884f4f425914fcf0a";
constexpr std::string_view kManifestResponse =
    "HTTP/1.1 200 OK\r\n"
    "Content-Type: application/json\r\n"
    "ETag: \"2803038033\"\r\n"
    "Last-Modified: Wed, 25 Nov 2026 12:15:20 GMT\r\n"
    "Content-Length: 162\r\n"
    "Accept-Ranges: bytes\r\n"
    "Date: Wed, 25 Nov 2026 12:15:21 GMT\r\n"
    "Server: lighttpd/1.4.69\r\n"
    "\r\n"
    "{\"model\":\"rdiss-cam\",\"version\":\"2.1.0\",\"url\":\"http://127.0.0.1:48080/fw/cam-2.1.bin\",\"sha256\":\"2e065b07518649cf94d5de4c9d43669a7866fda0acae11ca89921309dac41611\"}\n";
constexpr std::string_view kSwuResponsePrefix =
    "485454502f312e3120323030204f4b0d0a436f6e74656e742d547970653a206170706c69636174696f6e2f6f63746574"
    "2d73747265616d0d0a455461673a202231353534313636323336220d0a4c6173742d4d6f6469666965643a205765642c"
    "203235204e6f7620323032362031323a31353a323020474d540d0a436f6e74656e742d4c656e6774683a203439320d0a"
    "4163636570742d52616e6765733a2062797465730d0a446174653a205765642c203235204e6f7620323032362031323a"
    "31353a323120474d540d0a5365727665723a206c696768747470642f312e342e36390d0a0d0a30373037303130304138"
    "303046333030303034314544303030303030303030303030303030303030303030303033364230364431353130303030"
    "3030303030303030303046453030303030303030303030303030303030303030303030303030";


}  // namespace

TEST_CASE("two requests on one connection: method, target, headers, Basic credentials") {
  std::vector<HttpRequest> reqs;
  std::size_t used = 0;
  CHECK(parse_http_requests(as_bytes(kCurlTwoRequests), reqs, used) == Parse::need_more);  // nothing after them
  CHECK(used == kCurlTwoRequests.size());
  REQUIRE(reqs.size() == 2);
  CHECK(reqs[0].method == "GET");
  CHECK(reqs[0].target == "/fw/cam-2.1.bin");
  CHECK(reqs[0].version_minor == 1);
  CHECK(reqs[0].host == std::optional<std::string>{"127.0.0.1:48080"});
  CHECK(reqs[0].user_agent == std::optional<std::string>{"rdiss-cam-updater/2.1"});
  CHECK(reqs[0].auth_scheme == "Basic");
  CHECK(reqs[0].basic_user == std::optional<std::string>{"admin"});
  CHECK(reqs[0].basic_password == std::optional<std::string>{"s3cr3t"});
  CHECK(reqs[0].url() == "http://127.0.0.1:48080/fw/cam-2.1.bin");
  CHECK(reqs[1].url() == "http://127.0.0.1:48080/ota/manifest.json");
  CHECK_FALSE(reqs[0].content_length);

  const auto obs = http_request_observations(reqs[0], Endpoint{});
  REQUIRE(obs.size() == 4);
  CHECK(obs[1].key == "http.request.url");
  CHECK(obs[3].key == "http.request.basic_user");
  CHECK(obs[3].evidence.kind == "credential");
  CHECK(obs[3].evidence.password == "s3cr3t");
}

TEST_CASE("a form POST keeps its body, wget's request parses") {
  HttpRequest r;
  std::size_t used = 0;
  REQUIRE(parse_http_request(as_bytes(kCurlFormPost), r, used) == Parse::done);
  CHECK(used == kCurlFormPost.size());
  CHECK(r.method == "POST");
  CHECK(r.content_length == std::optional<std::uint64_t>{23});
  CHECK(r.content_type == std::optional<std::string>{"application/x-www-form-urlencoded"});
  CHECK(r.body == "user=admin&pass=hunter2");
  CHECK_FALSE(r.basic_user);
  const auto obs = http_request_observations(r, Endpoint{});
  CHECK(obs.back().key == "http.request.content_type");

  REQUIRE(parse_http_request(as_bytes(kWgetRequest), r, used) == Parse::done);
  CHECK(r.user_agent == std::optional<std::string>{"Wget/1.21.3"});
  CHECK(r.headers.size() == 5);
  CHECK(r.headers[4].name == "connection");
}

TEST_CASE("every split point: prefixes need more, the whole stream gives the same requests") {
  for (const auto stream : {kCurlTwoRequests, kCurlFormPost}) {
    std::vector<HttpRequest> whole;
    std::size_t whole_used = 0;
    parse_http_requests(as_bytes(stream), whole, whole_used);
    for (std::size_t n = 0; n < stream.size(); ++n) {
      std::vector<HttpRequest> part;
      std::size_t used = 0;
      REQUIRE(parse_http_requests(as_bytes(stream.substr(0, n)), part, used) == Parse::need_more);
      CHECK(part.size() < whole.size());
      // Feed the rest after what was consumed: together they are the whole stream.
      std::vector<HttpRequest> rest;
      std::size_t rest_used = 0;
      parse_http_requests(as_bytes(stream.substr(used)), rest, rest_used);
      CHECK(part.size() + rest.size() == whole.size());
      CHECK(used + rest_used == whole_used);
      if (!rest.empty()) CHECK(rest.back().target == whole.back().target);
    }
  }
}

TEST_CASE("chunked bodies, long bodies, hostile requests") {
  const std::string chunked =
      "POST /api/log HTTP/1.1\r\nHost: cloud\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\n3;x=y\r\nefg\r\n0\r\n\r\n"
      "GET /next HTTP/1.1\r\n\r\n";
  std::vector<HttpRequest> reqs;
  std::size_t used = 0;
  CHECK(parse_http_requests(as_bytes(chunked), reqs, used) == Parse::need_more);
  REQUIRE(reqs.size() == 2);
  CHECK(reqs[0].body == "abcdefg");
  CHECK(reqs[1].target == "/next");
  CHECK(reqs[1].url() == "/next");  // no Host: the target as sent

  // An extra CRLF after a body before the next request line (RFC 9112 §2.2) is skipped.
  const std::string extra = std::string(kCurlFormPost) + "\r\n" + std::string(kWgetRequest);
  CHECK(parse_http_requests(as_bytes(extra), reqs, used) == Parse::need_more);
  REQUIRE(reqs.size() == 2);
  CHECK(used == extra.size());
  CHECK(reqs[1].user_agent == std::optional<std::string>{"Wget/1.21.3"});

  // A 10 MB upload: done after kHttpReqMaxBody bytes, consumed = the whole message.
  std::string upload = "PUT /fw HTTP/1.1\r\nContent-Length: 10000000\r\n\r\n";
  const std::size_t head = upload.size();
  upload.append(kHttpReqMaxBody, 'x');
  HttpRequest r;
  REQUIRE(parse_http_request(as_bytes(upload), r, used) == Parse::done);
  CHECK(r.body_truncated);
  CHECK(r.body.size() == kHttpReqMaxBody);
  CHECK(used == head + 10000000);
  CHECK(parse_http_requests(as_bytes(upload), reqs, used) == Parse::need_more);
  CHECK(reqs.size() == 1);

  for (const std::string& bad : std::vector<std::string>{"HTTP/1.1 200 OK\r\n\r\n", "GET / HTTP/2.0\r\n\r\n", "POST /\r\n\r\n",
                                "G(T / HTTP/1.1\r\n", "GET / HTTP/1.1\r\n folded: x\r\n\r\n",
                                std::string("GET / HTTP/1.1\r\nX: a\0b\r\n\r\n", 26), "\x16\x03\x01"}) {
    CHECK_MESSAGE(parse_http_request(as_bytes(bad), r, used) == Parse::invalid, bad);
  }
  std::string endless = "GET / HTTP/1.1\r\n";
  while (endless.size() <= kHttpReqMaxHead) endless += "X-Pad: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n";
  CHECK(parse_http_request(as_bytes(endless), r, used) == Parse::invalid);

  std::mt19937 rng(3);
  std::string noise(300, ' ');
  for (int i = 0; i < 300; ++i) {
    for (auto& c : noise) c = static_cast<char>(rng());
    (void)parse_http_requests(as_bytes(noise), reqs, used);
    CHECK(used <= noise.size());
  }
}

TEST_CASE("Basic credentials decode") {
  CHECK(decode_basic_credentials("YWRtaW46czNjcjN0") == std::optional<std::pair<std::string, std::string>>{{"admin", "s3cr3t"}});
  CHECK(decode_basic_credentials("cm9vdDo=") == std::optional<std::pair<std::string, std::string>>{{"root", ""}});
  CHECK(decode_basic_credentials("dXNlcg==") == std::nullopt);  // "user": no colon
  CHECK(decode_basic_credentials("not base64!") == std::nullopt);
  CHECK(decode_basic_credentials("YW=Rt") == std::nullopt);
}

TEST_CASE("response heads: a firmware download summarised from its first bytes") {
  const auto fw = test::hex_bytes(kFirmwareResponsePrefix);
  HttpResponseHead h;
  std::size_t used = 0;
  REQUIRE(parse_http_response_head(Bytes(fw), h, used) == Parse::done);
  CHECK(h.status == 200);
  CHECK(h.content_type == std::optional<std::string>{"application/octet-stream"});
  CHECK(h.content_length == std::optional<std::uint64_t>{4160});
  CHECK(h.server == std::optional<std::string>{"lighttpd/1.4.69"});
  CHECK(h.head_length == 231);
  CHECK(used == 231 + 4160);  // past the bytes given: the caller skips the rest of the body
  REQUIRE(h.first_bytes.size() == kHttpFirstBodyBytes);
  CHECK(h.first_bytes.substr(0, 4) == std::string("\x27\x05\x19\x56"));

  // Before the first 64 body bytes are in: need more.
  for (std::size_t n = 0; n < 231 + kHttpFirstBodyBytes; ++n)
    CHECK(parse_http_response_head(Bytes(fw).first(n), h, used) == Parse::need_more);

  REQUIRE(parse_http_response_head(as_bytes(kManifestResponse), h, used) == Parse::done);
  CHECK(used == kManifestResponse.size());
  CHECK(h.content_type == std::optional<std::string>{"application/json"});
  CHECK(h.first_bytes.substr(0, 20) == "{\"model\":\"rdiss-cam\"");

  const auto swu = test::hex_bytes(kSwuResponsePrefix);
  REQUIRE(parse_http_response_head(Bytes(swu), h, used) == Parse::done);
  CHECK(h.first_bytes.substr(0, 6) == "070701");

  // A body past http.hpp's 64 KiB cap, all in the buffer: still skipped by its Content-Length,
  // and the next response on the connection is found.
  std::string big = "HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n";
  const std::size_t big_head = big.size();
  big.append(100000, 'x');
  big += "HTTP/1.1 204 No Content\r\n\r\n";
  REQUIRE(parse_http_response_head(as_bytes(big), h, used) == Parse::done);
  CHECK(h.head_length == big_head);
  CHECK(used == big_head + 100000);
  REQUIRE(parse_http_response_head(as_bytes(big).subspan(used), h, used) == Parse::done);
  CHECK(h.status == 204);

  const std::string empty = "HTTP/1.1 204 No Content\r\n\r\n";
  REQUIRE(parse_http_response_head(as_bytes(empty), h, used) == Parse::done);
  CHECK(h.status == 204);
  CHECK(h.first_bytes.empty());
  CHECK(parse_http_response_head(as_bytes(kCurlFormPost), h, used) == Parse::invalid);
}

// Issue 18: the request edge cases tshark shows and replay skipped or misread (RFC 9112). Each
// comment says what the parser did before.
namespace {

struct HttpEdgeParsed {
  Parse result;
  std::vector<HttpRequest> reqs;
  std::size_t used = 0;
};

HttpEdgeParsed http_edge_parse(std::string_view stream) {
  HttpEdgeParsed p;
  p.result = parse_http_requests(as_bytes(stream), p.reqs, p.used);
  return p;
}

}  // namespace

TEST_CASE("issue 18: CONNECT keeps its authority and ends the stream (a tunnel may follow)") {
  // Before: the CONNECT parsed, then the tunnel's TLS bytes made the stream invalid (replay kept
  // nothing), and a tunnel carrying HTTP was read as more requests of the device to the proxy.
  const std::string connect = "CONNECT fw.example:443 HTTP/1.1\r\nHost: fw.example:443\r\nProxy-Authorization: Basic YWRtaW46czNjcjN0\r\n\r\n";
  auto p = http_edge_parse(connect + "\x16\x03\x01\x00\x05hello");
  CHECK(p.result == Parse::done);
  REQUIRE(p.reqs.size() == 1);
  CHECK(p.used == connect.size());
  CHECK(p.reqs[0].is_connect());
  CHECK(p.reqs[0].target == "fw.example:443");
  CHECK(p.reqs[0].url() == "fw.example:443");
  CHECK(p.reqs[0].ends_stream());
  CHECK(p.reqs[0].anomalies.empty());
  p = http_edge_parse(connect + "GET /inner HTTP/1.1\r\nHost: fw.example\r\n\r\n");
  CHECK(p.reqs.size() == 1);  // the tunnel's request is not the device's request to the proxy
  CHECK(p.used == connect.size());
}

TEST_CASE("issue 18: an HTTP/0.9 simple request is GET and a path, nothing else") {
  // Before: invalid (no version), so the request was not reported.
  auto p = http_edge_parse("GET /fw/cam-2.1.bin\r\n");
  CHECK(p.result == Parse::done);
  REQUIRE(p.reqs.size() == 1);
  CHECK(p.reqs[0].method == "GET");
  CHECK(p.reqs[0].target == "/fw/cam-2.1.bin");
  CHECK(p.reqs[0].version_major == 0);
  CHECK(p.reqs[0].version_minor == 9);
  CHECK(p.reqs[0].headers.empty());
  CHECK(p.reqs[0].body.empty());
  CHECK(p.used == 21);
  p = http_edge_parse("GET /x\nHost: h\r\n\r\nGET /y HTTP/1.1\r\n\r\n");  // bare LF; what follows is not read
  REQUIRE(p.reqs.size() == 1);
  CHECK(p.reqs[0].target == "/x");
  CHECK(p.used == 7);
  CHECK(http_edge_parse("GET /fw").result == Parse::need_more);
  // Strict: only GET, a '/' target of visible ASCII, one line.
  for (const std::string& bad : {std::string("POST /x\r\n"), std::string("GET x\r\n"), std::string("GET /a b\r\n"),
                                 std::string("GET /\x01\x02\r\n"), std::string("GET /\xff\r\n"), std::string("GET \r\n"),
                                 std::string("get /x\r\n"), "GET /" + std::string(kHttpReqMaxValue, 'a') + "\r\n"}) {
    HttpRequest r;
    std::size_t used = 0;
    CHECK_MESSAGE(parse_http_request(as_bytes(bad), r, used) == Parse::invalid, bad);
  }
}

TEST_CASE("issue 18: spaces inside the target are read as tshark reads them, with an anomaly") {
  // Before: invalid (RFC 9112 section 3.2 allows no space in the target), request not reported.
  auto p = http_edge_parse("GET /cgi-bin/snap shot.cgi?ch=1 HTTP/1.1\r\nHost: cam\r\n\r\nGET /next HTTP/1.1\r\n\r\n");
  CHECK(p.result == Parse::need_more);
  REQUIRE(p.reqs.size() == 2);
  CHECK(p.reqs[0].target == "/cgi-bin/snap shot.cgi?ch=1");
  CHECK(p.reqs[0].url() == "http://cam/cgi-bin/snap shot.cgi?ch=1");
  CHECK(p.reqs[0].version_minor == 1);
  REQUIRE(p.reqs[0].anomalies.size() == 1);
  CHECK(p.reqs[0].anomalies[0].find("spaces in the request target") != std::string::npos);
  CHECK_FALSE(p.reqs[0].ends_stream());
  CHECK(p.reqs[1].anomalies.empty());
  const auto obs = http_request_observations(p.reqs[0], Endpoint{});
  REQUIRE(!obs.empty());
  CHECK(obs[0].evidence.detail.find("spaces in the request target") != std::string::npos);
  // The version must still be HTTP/1.x at the end; a line of spaces is no target.
  CHECK(http_edge_parse("GET /a b HTTP/2.0\r\n\r\n").result == Parse::invalid);
  CHECK(http_edge_parse("GET    HTTP/1.1\r\n\r\n").result == Parse::invalid);
}

TEST_CASE("issue 18: duplicate Content-Length, Transfer-Encoding with Content-Length") {
  // Equal values, as fields or as a list (RFC 9112 section 6.3): accepted. Before: the list was invalid.
  for (const std::string& same : {std::string("POST /x HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\nabcde"),
                                  std::string("POST /x HTTP/1.1\r\nContent-Length: 5, 5\r\n\r\nabcde")}) {
    auto p = http_edge_parse(same + "GET /y HTTP/1.1\r\n\r\n");
    REQUIRE(p.reqs.size() == 2);
    CHECK(p.reqs[0].body == "abcde");
    CHECK(p.reqs[0].anomalies.empty());
    CHECK(p.reqs[1].target == "/y");
  }
  // Different values: the request is reported, marked, and nothing after it is read (it could
  // be a smuggled request). Before: invalid, and replay reported nothing of the connection.
  const std::string smuggle =
      "POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nContent-Length: 38\r\n\r\nabcdeGET /smuggled HTTP/1.1\r\nHost: h\r\n\r\n";
  auto p = http_edge_parse(smuggle);
  CHECK(p.result == Parse::done);
  REQUIRE(p.reqs.size() == 1);
  CHECK(p.reqs[0].framing_unknown);
  CHECK(p.reqs[0].body.empty());
  REQUIRE(p.reqs[0].anomalies.size() == 1);
  CHECK(p.reqs[0].anomalies[0] == "Content-Length 5 and 38 disagree (RFC 9112 section 6.3): framing unknown");
  for (const std::string& unknown : {std::string("POST /x HTTP/1.1\r\nContent-Length: 5, 6\r\n\r\nabcdefGET / HTTP/1.1\r\n\r\n"),
                                     std::string("POST /x HTTP/1.1\r\nContent-Length: -1\r\n\r\nGET / HTTP/1.1\r\n\r\n"),
                                     std::string("POST /x HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\nGET / HTTP/1.1\r\n\r\n"),
                                     std::string("POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET / HTTP/1.1\r\n\r\n"),
                                     std::string("POST /x HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET / HTTP/1.1\r\n\r\n"),
                                     std::string("POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nGET / HTTP/1.1\r\n\r\n")}) {
    p = http_edge_parse(unknown);
    CHECK_MESSAGE(p.result == Parse::done, unknown);
    REQUIRE_MESSAGE(p.reqs.size() == 1, unknown);
    CHECK(p.reqs[0].framing_unknown);
    CHECK(p.reqs[0].anomalies.size() == 1);
  }
  // TE and CL: the chunked body is used (TE wins), the request is marked, and the stream ends
  // there (the server must close after answering). Before: the smuggled GET was a second request.
  const std::string te_cl =
      "POST /x HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n3\r\nabc\r\n0\r\n\r\n";
  p = http_edge_parse(te_cl + "GET /smuggled HTTP/1.1\r\nHost: h\r\n\r\n");
  CHECK(p.result == Parse::done);
  REQUIRE(p.reqs.size() == 1);
  CHECK(p.used == te_cl.size());
  CHECK(p.reqs[0].body == "abc");
  CHECK(p.reqs[0].te_and_length);
  CHECK_FALSE(p.reqs[0].framing_unknown);
  REQUIRE(p.reqs[0].anomalies.size() == 1);
  CHECK(p.reqs[0].anomalies[0].find("Transfer-Encoding used") != std::string::npos);
  // The notes are bounded however many bad fields come.
  std::string many = "POST /x HTTP/1.1\r\n";
  for (int i = 0; i < 50; ++i) many += "Content-Length: " + std::to_string(i) + "\r\n";
  p = http_edge_parse(many + "\r\n");
  REQUIRE(p.reqs.size() == 1);
  CHECK(p.reqs[0].anomalies.size() <= 4);
}

TEST_CASE("Proxy-Authorization: Basic credentials for the proxy are kept apart from Authorization") {
  // The shape curl -x http://cam:proxy@proxy:3128 -p sends (RFC 9110 section 11.7.2).
  HttpRequest r;
  std::size_t used = 0;
  REQUIRE(parse_http_request(as_bytes("CONNECT update.acme-cam.example:443 HTTP/1.1\r\n"
                                      "Host: update.acme-cam.example:443\r\n"
                                      "Proxy-Authorization: Basic Y2FtOnByb3h5\r\n\r\n"sv),
                             r, used) == Parse::done);
  CHECK(r.proxy_basic_user == std::optional<std::string>{"cam"});
  CHECK(r.proxy_basic_password == std::optional<std::string>{"proxy"});
  CHECK_FALSE(r.basic_user);
  // Another scheme, or a value that is not base64 "user:password", gives nothing.
  REQUIRE(parse_http_request(as_bytes("GET http://x/ HTTP/1.1\r\nProxy-Authorization: Digest a=b\r\n\r\n"sv), r, used) ==
          Parse::done);
  CHECK_FALSE(r.proxy_basic_user);
  REQUIRE(parse_http_request(as_bytes("GET http://x/ HTTP/1.1\r\nProxy-Authorization: Basic !!!\r\n\r\n"sv), r, used) ==
          Parse::done);
  CHECK_FALSE(r.proxy_basic_user);
}

TEST_CASE("Upgrade: the request list stops after it, the field's value is kept") {
  // Paho 1.6's WebSocket opening handshake (pcaps/mqtt-ws.pcap), then the first masked frame.
  std::vector<HttpRequest> reqs;
  std::size_t used = 0;
  const auto head = "GET /mqtt HTTP/1.1\r\nHost: 198.19.250.2:8080\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    "Sec-Websocket-Version: 13\r\nSec-Websocket-Protocol: mqtt\r\n\r\n"sv;
  const std::string stream = std::string(head) + "\x82\xa6\x46\x30\xf4\xf9";
  REQUIRE(parse_http_requests(as_bytes(std::string_view(stream)), reqs, used) == Parse::done);
  REQUIRE(reqs.size() == 1);
  CHECK(used == head.size());
  CHECK(reqs[0].upgrade == std::optional<std::string>{"websocket"});
  CHECK(reqs[0].ends_stream());
  // Without the field, the frame bytes are an invalid request after a valid one.
  const std::string plain = "GET /mqtt HTTP/1.1\r\nHost: x\r\n\r\n\x82\xa6\x46\x30";
  REQUIRE(parse_http_requests(as_bytes(std::string_view(plain)), reqs, used) == Parse::invalid);
  CHECK(reqs.size() == 1);
  CHECK_FALSE(reqs[0].upgrade);
}
