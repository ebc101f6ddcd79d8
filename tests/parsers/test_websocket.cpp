// WebSocket frames (probes/http/websocket.hpp). The client frames are Eclipse Paho 1.6's, from
// pcaps/mqtt-ws.pcap (pcaps/make_ws.sh): an MQTT CONNECT, a PUBLISH and a DISCONNECT, masked.
#include "probes/http/websocket.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace trustscan;

namespace {

std::vector<std::uint8_t> ws_hex(const std::string& hex) {
  std::vector<std::uint8_t> out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) out.push_back(static_cast<std::uint8_t>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  return out;
}

const std::string kPahoFrames =
    "82a64630f4f95614f4fd0b61a0ad42f2f4e7463697982b1dc4c8463597982b00c5f94f4787d43503978b2344"
    "829e31ae4c8903b24c9b50cd21ec1ecd2de41c9e7da642da2dfd44dd4c885ec020e05fcb"
    "8282b08025f75080";

}  // namespace

TEST_CASE("WebSocket: Paho's masked frames unmask to MQTT packets") {
  const auto bytes = ws_hex(kPahoFrames);
  WsFrame f;
  std::size_t used = 0;
  REQUIRE(parse_ws_frame(Bytes(bytes), f, used) == Parse::done);
  CHECK(f.fin);
  CHECK(f.opcode == 2);
  CHECK(f.masked);
  CHECK(f.length == 38);
  CHECK(used == 2 + 4 + 38);
  REQUIRE(f.payload.size() == 38);
  CHECK(static_cast<unsigned char>(f.payload[0]) == 0x10);  // MQTT CONNECT
  CHECK(f.payload.find("cam01") != std::string::npos);
  CHECK(f.payload.find("ws-s3cret") != std::string::npos);

  const auto messages = ws_messages(Bytes(bytes));
  REQUIRE(messages.size() == 3);
  CHECK(static_cast<unsigned char>(messages[1].data[0]) == 0x32);  // PUBLISH, QoS 1
  CHECK(messages[2].data == std::string("\xe0\x00", 2));           // DISCONNECT
  for (const auto& m : messages) CHECK((m.complete && m.masked && !m.text));

  // Every prefix of the first frame is need_more; nothing is consumed.
  for (std::size_t n = 0; n < 44; ++n) {
    CHECK(parse_ws_frame(Bytes(bytes.data(), n), f, used) == Parse::need_more);
    CHECK(used == 0);
  }
}

TEST_CASE("WebSocket: lengths, fragments, control frames, and what is invalid") {
  WsFrame f;
  std::size_t used = 0;
  // 16-bit length, unmasked, 300 bytes.
  std::vector<std::uint8_t> b = {0x82, 0x7e, 0x01, 0x2c};
  b.resize(4 + 300, 'x');
  REQUIRE(parse_ws_frame(Bytes(b), f, used) == Parse::done);
  CHECK(f.length == 300);
  CHECK(used == 304);
  // A 64-bit length beyond the cap: the kept payload stops at kWsMaxMessage, consumed runs on.
  std::vector<std::uint8_t> big = {0x82, 0x7f, 0, 0, 0, 0, 0, 0x10, 0, 0};
  big.resize(10 + kWsMaxMessage, 'y');
  REQUIRE(parse_ws_frame(Bytes(big), f, used) == Parse::done);
  CHECK(f.payload.size() == kWsMaxMessage);
  CHECK(used == 10 + 0x100000);
  // A message in two masked fragments, a ping between them.
  const std::vector<std::uint8_t> frag = {0x02, 0x83, 1, 2, 3, 4, 0x11, 0x02, 0x03,  // "\x10\0\0" masked
                                          0x89, 0x00,                                // ping
                                          0x80, 0x81, 9, 9, 9, 9, 0x09};             // "\0" masked
  const auto m = ws_messages(Bytes(frag));
  REQUIRE(m.size() == 1);
  CHECK(m[0].complete);
  CHECK(m[0].data == std::string("\x10\x00\x00\x00", 4));
  // The first fragment alone: an incomplete message.
  const auto half = ws_messages(Bytes(frag.data(), 9));
  REQUIRE(half.size() == 1);
  CHECK_FALSE(half[0].complete);
  // A close ends the reading.
  const std::vector<std::uint8_t> closed = {0x88, 0x00, 0x82, 0x01, 0x10};
  CHECK(ws_messages(Bytes(closed)).empty());

  for (const std::vector<std::uint8_t>& bad : std::vector<std::vector<std::uint8_t>>{
           {0xc2, 0x00},                                // RSV1 set
           {0x83, 0x00},                                // reserved opcode 3
           {0x09, 0x00},                                // fragmented ping
           {0x89, 0x7e, 0x00, 0x80},                    // control frame over 125 bytes
           {0x82, 0x7e, 0x00, 0x10},                    // 16-bit length in a non-shortest form
           {0x82, 0x7f, 0, 0, 0, 0, 0, 0, 0x01, 0x00},  // 64-bit length that fits 16 bits
           {0x82, 0x7f, 0x80, 0, 0, 0, 0, 1, 0, 0}}) {  // 64-bit length with its top bit set
    CHECK(parse_ws_frame(Bytes(bad), f, used) == Parse::invalid);
  }
  // A continuation with nothing to continue is not a message.
  const std::vector<std::uint8_t> orphan = {0x80, 0x01, 0x10};
  CHECK(ws_messages(Bytes(orphan)).empty());
}
