// trustscan — WebSocket frame parser (see websocket.hpp).
#include "probes/http/websocket.hpp"

#include <algorithm>

namespace trustscan {

Parse parse_ws_frame(Bytes in, WsFrame& out, std::size_t& consumed) noexcept {
  out = WsFrame{};
  consumed = 0;
  if (in.size() < 2) return Parse::need_more;
  const std::uint8_t b0 = in[0], b1 = in[1];
  if (b0 & 0x70) return Parse::invalid;  // RSV1-3
  out.fin = (b0 & 0x80) != 0;
  out.opcode = b0 & 0x0f;
  if ((out.opcode >= 3 && out.opcode <= 7) || out.opcode >= 11) return Parse::invalid;
  out.masked = (b1 & 0x80) != 0;
  std::size_t pos = 2;
  std::uint64_t len = b1 & 0x7f;
  if (len == 126) {
    if (in.size() < 4) return Parse::need_more;
    len = (std::uint64_t{in[2]} << 8) | in[3];
    if (len < 126) return Parse::invalid;
    pos = 4;
  } else if (len == 127) {
    if (in.size() < 10) return Parse::need_more;
    len = 0;
    for (std::size_t i = 2; i < 10; ++i) len = (len << 8) | in[i];
    if ((len >> 63) != 0 || len <= 0xffff) return Parse::invalid;
    pos = 10;
  }
  const bool control = out.opcode >= 8;
  if (control && (!out.fin || len > 125)) return Parse::invalid;
  std::uint8_t key[4] = {0, 0, 0, 0};
  if (out.masked) {
    if (in.size() < pos + 4) return Parse::need_more;
    std::copy(in.begin() + static_cast<std::ptrdiff_t>(pos), in.begin() + static_cast<std::ptrdiff_t>(pos + 4), key);
    pos += 4;
  }
  out.length = len;
  const std::size_t keep = static_cast<std::size_t>(std::min<std::uint64_t>(len, kWsMaxMessage));
  if (in.size() - pos < keep) return Parse::need_more;
  out.payload.resize(keep);
  for (std::size_t i = 0; i < keep; ++i) out.payload[i] = static_cast<char>(in[pos + i] ^ key[i % 4]);
  // The header is at most 14 bytes and len < 2^63: the sum fits, but may exceed `in`.
  consumed = pos + static_cast<std::size_t>(std::min<std::uint64_t>(len, SIZE_MAX - pos));
  return Parse::done;
}

std::vector<WsMessage> ws_messages(Bytes in) noexcept {
  std::vector<WsMessage> out;
  std::size_t pos = 0;
  bool open = false;  // a message awaits its continuation frames
  for (std::size_t frames = 0; frames < kWsMaxFrames && pos < in.size(); ++frames) {
    WsFrame f;
    std::size_t used = 0;
    const Parse p = parse_ws_frame(in.subspan(pos), f, used);
    if (p != Parse::done) break;  // invalid, or a frame cut short by the end of the capture
    if (f.opcode == 8) break;  // close
    if (f.opcode >= 8) {       // ping, pong
      pos += used;
      continue;
    }
    if (f.opcode == 0) {
      if (!open || out.empty()) break;  // a continuation of nothing
    } else {
      if (open && !out.empty()) out.back().complete = false;  // a new message before the end of the last
      if (out.size() >= kWsMaxMessages) break;
      out.push_back(WsMessage{f.opcode == 1, f.masked, false, {}});
    }
    auto& m = out.back();
    const std::size_t room = kWsMaxMessage - m.data.size();
    m.data.append(f.payload, 0, std::min(room, f.payload.size()));
    m.complete = f.fin;
    open = !f.fin;
    if (used > in.size() - pos) break;  // the payload runs past what was captured
    pos += used;
  }
  return out;
}

}  // namespace trustscan
