// trustscan — WebSocket frames (RFC 6455 section 5), as a capture shows them after an HTTP/1.1
// Upgrade answered 101. Pure, no I/O.
//
// Replay reads what the device sends inside the WebSocket: IoT clients speak MQTT over it
// (subprotocol "mqtt", RFC 6455 section 1.9; MQTT 3.1.1 section 6), so a CONNECT with a user name
// and password travels in the clear on a ws:// connection as it does on port 1883. Frames from a
// client are masked (section 5.3): the payload is XORed with the frame's 4-byte key.
//
//   | FIN RSV1-3 opcode (1) | MASK len7 (1) | len16 (2) or len64 (8) | mask key (4) | payload |
//
// ws_messages reassembles data messages (a text or binary frame and its continuation frames)
// from the start of one direction's stream, unmasked, up to caps; control frames (close, ping,
// pong) are skipped.
#pragma once

#include "trustscan/parse.hpp"
#include "trustscan/types.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace trustscan {

inline constexpr std::size_t kWsMaxMessage = 64 * 1024;  ///< bytes kept of one message
inline constexpr std::size_t kWsMaxMessages = 16;         ///< messages returned by ws_messages
inline constexpr std::size_t kWsMaxFrames = 256;          ///< frames read by ws_messages

struct WsFrame {
  bool fin = false;
  std::uint8_t opcode = 0;       ///< 0 continuation, 1 text, 2 binary, 8 close, 9 ping, 10 pong
  bool masked = false;
  std::uint64_t length = 0;      ///< the payload length the header announces
  std::string payload;           ///< unmasked, at most kWsMaxMessage bytes (the rest is skipped)
};

/// One frame at the start of `in`. done: `consumed` = header + payload length (which may exceed
/// `in` when the payload was longer than kWsMaxMessage: the caller skips the rest). need_more
/// while the header, or the first min(length, kWsMaxMessage) payload bytes, are incomplete.
/// invalid: RSV bits set (no extension is negotiated in what replay reads), a reserved opcode
/// (3-7, 11-15), a control frame that is fragmented or longer than 125 bytes (section 5.5), a
/// 64-bit length with its top bit set or a length not in its shortest form (section 5.2).
Parse parse_ws_frame(Bytes in, WsFrame& out, std::size_t& consumed) noexcept;

struct WsMessage {
  bool text = false;
  bool masked = false;   ///< its first frame was masked (a client's)
  bool complete = false; ///< its final frame was seen
  std::string data;      ///< unmasked, at most kWsMaxMessage bytes
};

/// The data messages at the start of one direction's stream (at most kWsMaxMessages, reading at
/// most kWsMaxFrames frames); stops at the first frame that does not parse, at a close frame, or
/// at the end of `in` (an incomplete last message is returned with complete = false).
std::vector<WsMessage> ws_messages(Bytes in) noexcept;

}  // namespace trustscan
