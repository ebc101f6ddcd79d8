// libFuzzer harness for the WebSocket frame parser (probes/http/websocket.hpp): one frame and a
// whole stream of messages from every input; every cap holds, consumed covers the header.
#include "probes/http/websocket.hpp"

#include <cstddef>
#include <cstdint>

using namespace trustscan;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const Bytes in(data, size);
  WsFrame f;
  std::size_t used = 0;
  const Parse p = parse_ws_frame(in, f, used);
  if (p == Parse::done && (used < 2 || f.payload.size() > kWsMaxMessage || f.payload.size() > f.length ||
                           (f.opcode >= 8 && f.length > 125)))
    __builtin_trap();
  if (p != Parse::done && used != 0) __builtin_trap();
  const auto messages = ws_messages(in);
  if (messages.size() > kWsMaxMessages) __builtin_trap();
  for (const auto& m : messages)
    if (m.data.size() > kWsMaxMessage) __builtin_trap();
  return 0;
}
