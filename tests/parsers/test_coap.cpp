// CoAP builder, message parser and link-format parser (probes/coap/coap.hpp).
//
// Captured bytes: libcoap 4.3.1's example server (Debian 12 package libcoap3-bin), run as
// `coap-server-notls -A 127.0.0.1 -p 15683 -v 3` from an empty directory. A python3 UDP socket
// sent the exact bytes of the build_coap_get calls below (and one version-0 datagram) and
// recorded each reply.
#include "tests/parsers/hex_bytes.hpp"
#include "tests/parsers/parser_support.hpp"
#include "probes/coap/coap.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

using namespace trustscan;
using trustscan::test::bytes_of;
using trustscan::test::find;

namespace {

// GET /.well-known/core, CON, message ID 0x1234, token be ef → ACK 2.05, Content-Format 40.
const std::uint8_t kCoapWellKnown[] = {
    0x62, 0x45, 0x12, 0x34, 0xbe, 0xef, 0xc1, 0x28, 0xff, 0x3c, 0x2f, 0x3e, 0x3b, 0x74, 0x69, 0x74,
    0x6c, 0x65, 0x3d, 0x22, 0x47, 0x65, 0x6e, 0x65, 0x72, 0x61, 0x6c, 0x20, 0x49, 0x6e, 0x66, 0x6f,
    0x22, 0x3b, 0x63, 0x74, 0x3d, 0x30, 0x2c, 0x3c, 0x2f, 0x74, 0x69, 0x6d, 0x65, 0x3e, 0x3b, 0x69,
    0x66, 0x3d, 0x22, 0x63, 0x6c, 0x6f, 0x63, 0x6b, 0x22, 0x3b, 0x72, 0x74, 0x3d, 0x22, 0x74, 0x69,
    0x63, 0x6b, 0x73, 0x22, 0x3b, 0x74, 0x69, 0x74, 0x6c, 0x65, 0x3d, 0x22, 0x49, 0x6e, 0x74, 0x65,
    0x72, 0x6e, 0x61, 0x6c, 0x20, 0x43, 0x6c, 0x6f, 0x63, 0x6b, 0x22, 0x3b, 0x63, 0x74, 0x3d, 0x30,
    0x3b, 0x6f, 0x62, 0x73, 0x2c, 0x3c, 0x2f, 0x61, 0x73, 0x79, 0x6e, 0x63, 0x3e, 0x3b, 0x63, 0x74,
    0x3d, 0x30, 0x2c, 0x3c, 0x2f, 0x65, 0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65, 0x5f, 0x64, 0x61, 0x74,
    0x61, 0x3e, 0x3b, 0x74, 0x69, 0x74, 0x6c, 0x65, 0x3d, 0x22, 0x45, 0x78, 0x61, 0x6d, 0x70, 0x6c,
    0x65, 0x20, 0x44, 0x61, 0x74, 0x61, 0x22, 0x3b, 0x63, 0x74, 0x3d, 0x30, 0x3b, 0x6f, 0x62, 0x73,
};
// GET /time, NON, message ID 0x1235, token 7a → NON 2.05 with Max-Age (option 14, delta 13+1).
const std::uint8_t kCoapTimeNon[] = {
    0x51, 0x45, 0x12, 0x35, 0x7a, 0xd1, 0x01, 0x01, 0xff, 0x4e, 0x6f, 0x76, 0x20, 0x32, 0x35, 0x20,
    0x30, 0x39, 0x3a, 0x33, 0x30, 0x3a, 0x32, 0x38,
};
// GET /nothing, CON, message ID 0x1236, token 01 → ACK 4.04 with a diagnostic payload.
const std::uint8_t kCoapNotFound[] = {
    0x61, 0x84, 0x12, 0x36, 0x01, 0xff, 0x4e, 0x6f, 0x74, 0x20, 0x46, 0x6f, 0x75, 0x6e, 0x64,
};
// A version-0 datagram (02 01 12 37 aa bb) → libcoap answered with an Empty RST.
const std::uint8_t kCoapReset[] = {
    0x70, 0x00, 0x00, 0x00,
};

std::vector<std::uint8_t> vec(std::initializer_list<int> l) {
  std::vector<std::uint8_t> v;
  for (const int b : l) v.push_back(static_cast<std::uint8_t>(b));
  return v;
}


}  // namespace

TEST_CASE("coap: build_coap_get matches the captured requests") {
  auto expected = vec({0x42, 0x01, 0x12, 0x34, 0xbe, 0xef, 0xbb});
  for (const char c : std::string_view(".well-known")) expected.push_back(static_cast<std::uint8_t>(c));
  expected.push_back(0x04);
  for (const char c : std::string_view("core")) expected.push_back(static_cast<std::uint8_t>(c));
  CHECK(build_coap_get(0x1234, {0xbe, 0xef}, {".well-known", "core"}) == expected);

  auto non = vec({0x51, 0x01, 0x12, 0x35, 0x7a, 0xb4, 't', 'i', 'm', 'e'});
  CHECK(build_coap_get(0x1235, {0x7a}, {"time"}, false) == non);
}

TEST_CASE("coap: builder extended lengths and caps round-trip through the parser") {
  const std::string long_seg(300, 's');  // cut to 255: length nibble 13, extension 242
  const std::vector<std::uint8_t> token(12, 0xaa);  // cut to 8
  const auto req = build_coap_get(7, token, {"a", long_seg, std::string_view("")});
  CoapMessage m;
  REQUIRE(parse_coap_message(req, m) == Parse::done);
  CHECK(m.type == CoapType::confirmable);
  CHECK(m.code() == "0.01");
  CHECK(m.message_id == 7);
  CHECK(m.token.size() == 8);
  REQUIRE(m.options.size() == 3);
  for (const auto& o : m.options) CHECK(o.number == kCoapOptionUriPath);
  CHECK(m.options[1].value.size() == 255);
  CHECK(m.options[2].value.empty());
  CHECK(m.payload.empty());
}

TEST_CASE("coap: libcoap /.well-known/core reply") {
  CoapMessage m;
  REQUIRE(parse_coap_message(bytes_of(kCoapWellKnown), m) == Parse::done);
  CHECK(m.type == CoapType::acknowledgement);
  CHECK(m.code() == "2.05");
  CHECK(m.message_id == 0x1234);
  CHECK(m.token == vec({0xbe, 0xef}));
  REQUIRE(m.options.size() == 1);
  CHECK(m.content_format() == kCoapFormatLinkFormat);

  std::vector<CoapLink> links;
  REQUIRE(parse_link_format(m.payload, links) == Parse::done);
  REQUIRE(links.size() == 4);
  CHECK(links[0].target == "/");
  CHECK(links[0].attributes == std::vector<std::pair<std::string, std::string>>{{"title", "General Info"}, {"ct", "0"}});
  CHECK(links[1].target == "/time");
  CHECK(links[1].attributes == std::vector<std::pair<std::string, std::string>>{
                                   {"if", "clock"}, {"rt", "ticks"}, {"title", "Internal Clock"}, {"ct", "0"}, {"obs", ""}});
  CHECK(links[2].target == "/async");
  CHECK(links[3].target == "/example_data");

  const auto obs = coap_observations(m, Endpoint{});
  CHECK(std::get<std::string>(find(obs, "coap.code")->value) == "2.05");
  CHECK(std::get<std::vector<std::string>>(find(obs, "coap.resources")->value) ==
        std::vector<std::string>{"/", "/time", "/async", "/example_data"});
  CHECK(std::get<std::int64_t>(find(obs, "coap.resource_count")->value) == 4);
  CHECK(find(obs, "coap.code")->evidence.kind == "coap_response");
  CHECK(find(obs, "coap.code")->evidence.excerpt.rfind("bE\\x124\\xbe\\xef", 0) == 0);
}

TEST_CASE("coap: libcoap NON reply with an extended option delta") {
  CoapMessage m;
  REQUIRE(parse_coap_message(bytes_of(kCoapTimeNon), m) == Parse::done);
  CHECK(m.type == CoapType::non_confirmable);
  CHECK(m.code() == "2.05");
  CHECK(m.token == vec({0x7a}));
  REQUIRE(m.options.size() == 1);
  CHECK(m.options[0].number == 14);  // Max-Age
  CHECK(m.options[0].value == vec({0x01}));
  CHECK_FALSE(m.content_format());
  CHECK(std::string(m.payload.begin(), m.payload.end()) == "Nov 25 09:30:28");
  const auto obs = coap_observations(m, Endpoint{});
  CHECK(obs.size() == 1);  // not link-format: no resources
}

TEST_CASE("coap: libcoap 4.04 and RST") {
  CoapMessage m;
  REQUIRE(parse_coap_message(bytes_of(kCoapNotFound), m) == Parse::done);
  CHECK(m.code() == "4.04");
  CHECK(m.options.empty());
  CHECK(std::string(m.payload.begin(), m.payload.end()) == "Not Found");
  REQUIRE(parse_coap_message(bytes_of(kCoapReset), m) == Parse::done);
  CHECK(m.type == CoapType::reset);
  CHECK(m.code() == "0.00");
  CHECK(m.message_id == 0);
}

TEST_CASE("coap: truncations inside header, token or an option are invalid") {
  // The well-known reply: header 4, token 2, option header + 1 value byte, marker at 8.
  const Bytes full = bytes_of(kCoapWellKnown);
  CoapMessage m;
  for (std::size_t k = 0; k < 4; ++k) CHECK(parse_coap_message(full.first(k), m) == Parse::invalid);
  CHECK(parse_coap_message(full.first(5), m) == Parse::invalid);  // half a token
  CHECK(parse_coap_message(full.first(7), m) == Parse::invalid);  // option value missing
  CHECK(parse_coap_message(full.first(9), m) == Parse::invalid);  // marker, empty payload
  // Cut inside the payload: a shorter payload (the datagram delimits it), whose link-format
  // parse then fails or yields fewer links: never more, never a crash.
  for (std::size_t k = 10; k < full.size(); ++k) {
    CAPTURE(k);
    REQUIRE(parse_coap_message(full.first(k), m) == Parse::done);
    std::vector<CoapLink> links;
    if (parse_link_format(m.payload, links) == Parse::done) CHECK(links.size() <= 4);
  }
  // The NON reply (51 45 12 35 | 7a | d1 01 01 | ff …): cut inside the extended delta or before
  // the option value is invalid; cut between parts is a shorter valid message.
  CHECK(parse_coap_message(bytes_of(kCoapTimeNon).first(5), m) == Parse::done);  // token only
  CHECK(parse_coap_message(bytes_of(kCoapTimeNon).first(6), m) == Parse::invalid);
  CHECK(parse_coap_message(bytes_of(kCoapTimeNon).first(7), m) == Parse::invalid);
  CHECK(parse_coap_message(bytes_of(kCoapTimeNon).first(8), m) == Parse::done);  // option, no payload
}

TEST_CASE("coap: malformed and hostile messages") {
  CoapMessage m;
  CHECK(parse_coap_message(vec({0x02, 0x01, 0x12, 0x37, 0xaa, 0xbb}), m) == Parse::invalid);  // version 0
  CHECK(parse_coap_message(vec({0x80, 0x45, 0, 1}), m) == Parse::invalid);                     // version 2
  CHECK(parse_coap_message(vec({0x49, 0x45, 0, 1, 1, 2, 3, 4, 5, 6, 7, 8, 9}), m) == Parse::invalid);  // TKL 9
  CHECK(parse_coap_message(vec({0x60, 0x00, 0, 1, 0xff}), m) == Parse::invalid);  // Empty with bytes
  CHECK(parse_coap_message(vec({0x61, 0x00, 0, 1, 0xaa}), m) == Parse::invalid);  // Empty with token
  CHECK(parse_coap_message(vec({0x60, 0x25, 0, 1}), m) == Parse::invalid);        // class 1 reserved
  CHECK(parse_coap_message(vec({0x60, 0xc5, 0, 1}), m) == Parse::invalid);        // class 6 reserved
  CHECK(parse_coap_message(vec({0x60, 0x45, 0, 1, 0xf0}), m) == Parse::invalid);  // delta 15
  CHECK(parse_coap_message(vec({0x60, 0x45, 0, 1, 0x0f}), m) == Parse::invalid);  // length 15
  CHECK(parse_coap_message(vec({0x60, 0x45, 0, 1, 0x0d}), m) == Parse::invalid);  // length ext missing
  CHECK(parse_coap_message(vec({0x60, 0x45, 0, 1, 0x0e, 0x01}), m) == Parse::invalid);  // half ext
  CHECK(parse_coap_message(vec({0x60, 0x45, 0, 1, 0x0d, 0xff, 'a', 'b'}), m) == Parse::invalid);  // 268 > 2
  CHECK(parse_coap_message(vec({0x60, 0x45, 0, 1, 0x0e, 0xff, 0xff, 'a'}), m) == Parse::invalid);  // 65804
  CHECK(parse_coap_message(vec({0x60, 0x45, 0, 1, 0xe0, 0xff, 0xff}), m) == Parse::invalid);  // number > 65535
  // Delta 14 extension decoded right: option 2000 = 269 + 0x06c3.
  REQUIRE(parse_coap_message(vec({0x60, 0x45, 0, 1, 0xe1, 0x06, 0xc3, 0x2a}), m) == Parse::done);
  CHECK(m.options[0].number == 2000);
  CHECK(m.options[0].value == vec({0x2a}));
  // More options than the cap.
  std::vector<std::uint8_t> many = vec({0x60, 0x45, 0, 1});
  many.insert(many.end(), kCoapMaxOptions + 1, 0x00);  // delta 0, length 0, repeated
  CHECK(parse_coap_message(many, m) == Parse::invalid);
  many.resize(4 + kCoapMaxOptions);
  REQUIRE(parse_coap_message(many, m) == Parse::done);
  CHECK(m.options.size() == kCoapMaxOptions);
  // Oversize datagram.
  std::vector<std::uint8_t> huge = vec({0x60, 0x45, 0, 1, 0xff});
  huge.resize(kCoapMaxDatagram + 1, 'x');
  CHECK(parse_coap_message(huge, m) == Parse::invalid);
  // Random bytes: no crash.
  std::uint32_t seed = 7;
  for (int round = 0; round < 3000; ++round) {
    std::vector<std::uint8_t> junk(static_cast<std::size_t>(round % 64));
    for (auto& b : junk) {
      seed = seed * 1103515245u + 12345u;
      b = static_cast<std::uint8_t>(seed >> 16);
    }
    if (parse_coap_message(junk, m) == Parse::done) (void)coap_observations(m, Endpoint{});
  }
}

TEST_CASE("coap: link format (RFC 6690)") {
  std::vector<CoapLink> links;
  REQUIRE(parse_link_format(as_bytes("</sensors/temp>;rt=\"temperature\";if=\"sensor\",</a>"), links) == Parse::done);
  REQUIRE(links.size() == 2);
  CHECK(links[0].target == "/sensors/temp");
  CHECK(links[0].attributes == std::vector<std::pair<std::string, std::string>>{{"rt", "temperature"}, {"if", "sensor"}});
  CHECK(links[1].target == "/a");
  CHECK(links[1].attributes.empty());

  REQUIRE(parse_link_format(as_bytes("</a>;title=\"x, y; \\\"z\\\"\";sz=12,\n </b> ,"), links) == Parse::done);
  REQUIRE(links.size() == 2);
  CHECK(links[0].attributes[0].second == "x, y; \"z\"");
  CHECK(links[0].attributes[1] == std::pair<std::string, std::string>{"sz", "12"});
  CHECK(links[1].target == "/b");

  CHECK(parse_link_format(as_bytes(""), links) == Parse::done);
  CHECK(links.empty());
  CHECK(parse_link_format(as_bytes("/a"), links) == Parse::invalid);
  CHECK(parse_link_format(as_bytes("</a"), links) == Parse::invalid);
  CHECK(parse_link_format(as_bytes("</a>;rt=\"x"), links) == Parse::invalid);
  CHECK(parse_link_format(as_bytes("</a>;=x"), links) == Parse::invalid);
  CHECK(parse_link_format(as_bytes("</a> </b>"), links) == Parse::invalid);

  std::string many;
  for (int i = 0; i < 10000; ++i) many += "</r" + std::to_string(i) + ">;a;b;c;d;e;f;g;h;i;j;k;l;m;n;o;p;q;r,";
  REQUIRE(parse_link_format(as_bytes(many), links) == Parse::invalid);  // larger than the cap
  many.resize(kCoapMaxDatagram - 100);
  many.resize(many.rfind(',') + 1);
  REQUIRE(parse_link_format(as_bytes(many), links) == Parse::done);
  CHECK(links.size() == kCoapMaxLinks);
  CHECK(links[0].attributes.size() == kCoapMaxLinkAttributes);
  const std::string long_target = "<" + std::string(5000, 't') + ">";
  REQUIRE(parse_link_format(as_bytes(long_target), links) == Parse::done);
  CHECK(links[0].target.size() == kCoapMaxLinkField);
}

// CoAP over TCP (RFC 8323). Captured: the same libcoap 4.3.1 server (`coap-server-openssl -A
// 127.0.0.22 -v 3`, which listens on tcp/5683 too) sent these 166 bytes to a python3 socket that
// wrote the identification hello of profiles/data/services.yaml (`coap-tcp`: a CSM, then
// GET /.well-known/core with token 74 73): its CSM (Max-Message-Size 8388864, Block-Wise
// Transfer), then the 2.05 answer with an 8-bit extended length (13 + 0x8d = 154).
TEST_CASE("coap over tcp: libcoap's CSM and /.well-known/core answer, byte by byte") {
  const auto stream = trustscan::test::hex_bytes(
      "50e12380010020d28d457473c128ff3c2f3e3b7469746c653d2247656e6572616c20496e666f223b63743d302c3c2f74696d653e3b69"
      "663d22636c6f636b223b72743d227469636b73223b7469746c653d22496e7465726e616c20436c6f636b223b63743d303b6f62732c3c"
      "2f6173796e633e3b63743d302c3c2f6578616d706c655f646174613e3b7469746c653d224578616d706c652044617461223b63743d30"
      "3b6f6273");
  REQUIRE(stream.size() == 166);
  // The hello we send is our own builders' output.
  auto hello = build_coap_tcp_csm();
  const auto get = build_coap_tcp_get({0x74, 0x73}, {".well-known", "core"});
  hello.insert(hello.end(), get.begin(), get.end());
  CHECK(hello == trustscan::test::hex_bytes("00e1d204017473bb2e77656c6c2d6b6e6f776e04636f7265"));

  CoapMessage csm;
  std::size_t used = 0;
  // Every prefix of the first message is need_more.
  for (std::size_t n = 0; n < 7; ++n) CHECK(parse_coap_tcp_message(Bytes(stream).first(n), csm, used) == Parse::need_more);
  REQUIRE(parse_coap_tcp_message(Bytes(stream), csm, used) == Parse::done);
  CHECK(used == 7);
  CHECK(csm.code() == "7.01");
  REQUIRE(csm.options.size() == 2);
  CHECK(csm.options[0].number == 2);
  CHECK(csm.options[0].value == vec({0x80, 0x01, 0x00}));
  CHECK(csm.options[1].number == 4);

  const Bytes rest = Bytes(stream).subspan(used);
  CoapMessage m;
  CHECK(parse_coap_tcp_message(rest.first(rest.size() - 1), m, used) == Parse::need_more);
  REQUIRE(parse_coap_tcp_message(rest, m, used) == Parse::done);
  CHECK(used == rest.size());
  CHECK(m.code() == "2.05");
  CHECK(m.token == vec({0x74, 0x73}));
  CHECK(m.content_format() == kCoapFormatLinkFormat);
  const auto obs = coap_observations(m, Endpoint{});
  CHECK(std::get<std::vector<std::string>>(find(obs, "coap.resources")->value) ==
        std::vector<std::string>{"/", "/time", "/async", "/example_data"});
}

TEST_CASE("coap over tcp: extended lengths, caps and malformed frames") {
  // Builder round trip with a 2-byte extended length (a 300-byte segment is cut to 255, plus
  // 16 one-byte segments: the options exceed 268 bytes).
  std::vector<std::string_view> path(15, "x");
  const std::string long_seg(300, 's');
  path.insert(path.begin(), long_seg);
  const auto req = build_coap_tcp_get(std::vector<std::uint8_t>(12, 0xaa), path);
  CHECK((req[0] >> 4) == 14);
  CoapMessage m;
  std::size_t used = 0;
  REQUIRE(parse_coap_tcp_message(req, m, used) == Parse::done);
  CHECK(used == req.size());
  CHECK(m.code() == "0.01");
  CHECK(m.token.size() == 8);
  CHECK(m.options.size() == 16);
  CHECK(m.options[0].value.size() == 255);

  CHECK(parse_coap_tcp_message(vec({0x09, 0x45}), m, used) == Parse::invalid);  // token length 9
  CHECK(parse_coap_tcp_message(vec({0x00, 0x25}), m, used) == Parse::invalid);  // class 1 (reserved)
  CHECK(parse_coap_tcp_message(vec({0x00, 0xc5}), m, used) == Parse::invalid);  // class 6 (reserved)
  // A 4-byte extended length claiming 4 GiB is over the cap at once, not waited for.
  CHECK(parse_coap_tcp_message(vec({0xf0, 0xff, 0xff, 0xff, 0xff, 0x45}), m, used) == Parse::invalid);
  CHECK(parse_coap_tcp_message(vec({0xf0, 0x00, 0x00}), m, used) == Parse::need_more);
  // Options that run past the frame: invalid, like a datagram's.
  CHECK(parse_coap_tcp_message(vec({0x20, 0x45, 0xb5, 0x61}), m, used) == Parse::invalid);
  // A Ping (7.02) with nothing else.
  REQUIRE(parse_coap_tcp_message(vec({0x00, 0xe2}), m, used) == Parse::done);
  CHECK(m.code() == "7.02");
  CHECK(used == 2);
}
