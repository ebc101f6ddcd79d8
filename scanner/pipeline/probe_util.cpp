// trustscan — helpers shared by protocol probes and credential trials.
#include "scanner/pipeline/probe_util.hpp"

#include "scanner/pipeline/probe_keys.hpp"
#include "probes/identify/service_keys.hpp"

namespace trustscan {

namespace {

class LiveDialer final : public Dialer {
 public:
  net::awaitable<std::unique_ptr<Session>> dial(const Endpoint& ep, bool tls, const std::string& sni,
                                                 std::chrono::milliseconds connect_timeout, std::chrono::milliseconds budget,
                                                 std::size_t max_reply, Status& status, AbortGroup* group) override {
    if (tls) {
      auto s = co_await TlsSession::connect(ep, sni, connect_timeout, budget, max_reply, status, group);
      if (!s) co_return nullptr;
      co_return std::make_unique<TlsSession>(std::move(*s));
    }
    auto s = co_await TcpSession::connect(ep, connect_timeout, budget, max_reply, status, group);
    if (!s) co_return nullptr;
    co_return std::make_unique<TcpSession>(std::move(*s));
  }
};

}  // namespace

Dialer& live_dialer() {
  static LiveDialer live;
  return live;
}

net::awaitable<std::unique_ptr<Session>> open(ProbeContext& ctx, std::vector<Observation>& out, const char* probe) {
  Status st = Status::success;
  auto s = co_await ctx.dialer().dial(ctx.endpoint, ctx.tls, ctx.device.target.name,
                                      std::min(ctx.options.connect_timeout, ctx.remaining()), ctx.remaining(),
                                      ctx.options.max_reply, st, ctx.abort);
  if (!s)
    out.push_back(make_observation(ctx.endpoint, keys::probe::status.with(probe), std::string(to_string(st)),
                                   "could not connect for the protocol probe"));
  co_return s;
}

void refute_identification(ProbeContext& ctx, std::vector<Observation>& out, const std::string& why) {
  std::erase_if(out, [&](const Observation& o) {
    return o.endpoint && *o.endpoint == ctx.endpoint &&
           (o.key == keys::service::name.name || o.key == keys::service::product.name || o.key == keys::service::version.name);
  });
  const auto excerpt = printable_excerpt(ctx.first_reply, Evidence::kMaxExcerpt);
  out.push_back(make_observation(ctx.endpoint, keys::service::banner, excerpt, why, excerpt));
}

void record_status(ProbeContext& ctx, std::vector<Observation>& out, const char* probe, Status st, const std::string& why) {
  out.push_back(make_observation(ctx.endpoint, keys::probe::status.with(probe), std::string(to_string(st)), why));
}

std::string host_header(const ProbeContext& ctx) {
  if (!ctx.device.target.name.empty()) return ctx.device.target.name;
  const auto a = ctx.endpoint.address.to_string();
  return ctx.endpoint.address.v6 ? "[" + a + "]" : a;
}

namespace {
net::awaitable<std::optional<HttpResponse>> exchange(Session& s, const ProbeContext& ctx, std::string_view method,
                                                     std::string_view path, std::span<const HttpHeader> extra,
                                                     std::string_view body) {
  auto request = build_http_request(method, host_header(ctx), path, extra);
  request.insert(request.end(), body.begin(), body.end());
  const IoResult sent = co_await s.send(request);
  if (sent.status != Status::success) co_return std::nullopt;
  std::vector<std::uint8_t> buf;
  HttpResponse resp;
  std::size_t consumed = 0;
  const HttpParseOptions opts{method == "HEAD", false};
  auto [state, rst] = co_await receive_until(s, buf, [&](Bytes b) { return parse_http_response(b, resp, consumed, opts); });
  if (state == Parse::need_more && rst == Status::connection_closed) state = finish_at_eof(Bytes(buf), resp, consumed, opts);
  if (state != Parse::done) co_return std::nullopt;
  co_return resp;
}
}  // namespace

net::awaitable<std::optional<HttpResponse>> http_request(ProbeContext& ctx, std::string_view method, std::string_view path,
                                                         std::span<const HttpHeader> extra, std::string_view body) {
  Status st = Status::success;
  // The parser keeps at most kHttpMaxBody of a body: read a little past it, never more.
  const auto cap = std::max(ctx.options.max_reply, kHttpMaxBody + kHttpMaxHeaderBlock);
  const auto connect = std::min(ctx.options.connect_timeout, ctx.remaining());
  auto s = co_await ctx.dialer().dial(ctx.endpoint, ctx.tls, ctx.device.target.name, connect, ctx.remaining(), cap, st, ctx.abort);
  if (!s) co_return std::nullopt;
  co_return co_await exchange(*s, ctx, method, path, extra, body);
}

net::awaitable<std::optional<std::vector<std::uint8_t>>> udp_ask(ProbeContext& ctx, const std::vector<std::uint8_t>& payload,
                                                                 std::chrono::milliseconds wait) {
  auto ex = co_await udp_exchange(ctx.endpoint, payload, std::min(wait, ctx.remaining()));
  if (ex.status != Status::success) co_return std::nullopt;
  co_return std::move(ex.replies.front());
}

}  // namespace trustscan
