// trustscan — CoAP probe: /.well-known/core over UDP (the identification hello's reply), over TCP
// and inside TLS (RFC 8323: a CSM, then the GET on a session of its own).
//
// Registered in scanner/pipeline/probe_registry.cpp; observations it records: docs/observations.md.
#include "scanner/pipeline/protocol_probes.hpp"
#include "scanner/pipeline/probe_util.hpp"
#include "probes/coap/coap.hpp"

namespace trustscan {

using namespace std::chrono_literals;

namespace {

// Messages read before the answer to our GET; a server sends its CSM and perhaps a Ping first.
constexpr int kMaxTcpMessages = 16;

net::awaitable<void> probe_coap_stream(ProbeContext& ctx, std::vector<Observation>& out) {
  auto s = co_await open(ctx, out, "coap");
  if (!s) co_return;
  const std::vector<std::uint8_t> token = {0x74, 0x73};
  auto hello = build_coap_tcp_csm();
  const auto get = build_coap_tcp_get(token, {".well-known", "core"});
  hello.insert(hello.end(), get.begin(), get.end());
  if (const auto sent = co_await s->send(hello); sent.status != Status::success) {
    record_status(ctx, out, "coap", sent.status, "could not send the CSM and GET");
    co_return;
  }
  std::vector<std::uint8_t> buf;
  for (int n = 0; n < kMaxTcpMessages; ++n) {
    CoapMessage m;
    std::size_t consumed = 0;
    auto [state, st] = co_await receive_until(*s, buf, [&](Bytes b) { return parse_coap_tcp_message(b, m, consumed); });
    if (state != Parse::done) {
      record_status(ctx, out, "coap", state == Parse::invalid ? Status::protocol_error : st,
                    "no answer to GET /.well-known/core over " + std::string(ctx.tls ? "TLS" : "TCP"));
      co_return;
    }
    buf.erase(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(consumed));
    if (m.code_class == 7 || m.token != token) continue;  // signalling (CSM, Ping…) or not ours
    for (auto& o : coap_observations(m, ctx.endpoint)) out.push_back(std::move(o));
    co_return;
  }
  record_status(ctx, out, "coap", Status::protocol_error, "no answer to our GET among the first messages");
}

}  // namespace

net::awaitable<void> probe_coap(ProbeContext& ctx, std::vector<Observation>& out) {
  if (ctx.endpoint.transport == Transport::tcp) {
    co_await probe_coap_stream(ctx, out);
    co_return;
  }
  CoapMessage m;
  if (parse_coap_message(Bytes(ctx.first_reply), m) != Parse::done) co_return;
  for (auto& o : coap_observations(m, ctx.endpoint)) out.push_back(std::move(o));
}

}  // namespace trustscan
