// trustscan — service identification and protocol probes.
#include "scanner/pipeline/probe_runner.hpp"
#include "scanner/engine/plan.hpp"

#include "scanner/engine/session.hpp"
#include "probes/identify/service_keys.hpp"
#include "scanner/pipeline/probe_keys.hpp"
#include "scanner/pipeline/probe_handoff.hpp"
#include "scanner/pipeline/probe_util.hpp"

#include <algorithm>
#include <deque>
#include <optional>

namespace trustscan {

using namespace std::chrono_literals;

Observation make_observation(const Endpoint& ep, const ObservationKey& key, Value value, std::string detail,
                             std::string excerpt) {
  return make_observation(ep, FilledKey{std::string(key)}, std::move(value), std::move(detail), std::move(excerpt));
}

Observation make_observation(const Endpoint& ep, FilledKey key, Value value, std::string detail, std::string excerpt) {
  Observation o;
  o.endpoint = ep;
  o.key = std::move(key).name;
  o.value = std::move(value);
  o.evidence.kind = "probe";
  o.evidence.detail = std::move(detail);
  o.evidence.excerpt = std::move(excerpt);
  return o;
}

namespace {

// The hellos to try on a TCP port, in order: those that name the port, then the banner wait,
// then the TLS hello, then every other TCP hello in table order. TLS comes before the plain HTTP
// request on a port no hello names: a TLS server may answer a plain request in HTTP ("400 The
// plain HTTP request was sent to HTTPS port", nginx), while a plain HTTP server answers a
// ClientHello with a 400 of its own, which a rule reads as HTTP.
std::vector<const Hello*> tcp_hello_order(const ServiceTable& table, std::uint16_t port) {
  std::vector<const Hello*> order;
  auto add = [&](const Hello* h) {
    if (h && h->transport == Transport::tcp && std::find(order.begin(), order.end(), h) == order.end()) order.push_back(h);
  };
  for (const auto& h : table.hellos)
    if (std::find(h.ports.begin(), h.ports.end(), port) != h.ports.end()) add(&h);
  add(table.hello("banner"));
  add(table.hello("tls"));
  for (const auto& h : table.hellos) add(&h);
  return order;
}

// One hello on a connection of its own (inside TLS when `tls`). A reply that no rule of the hello
// matches is read with the banner rules too when `banner_fallback`: a server that speaks first
// sends its banner whatever it was sent.
struct HelloAttempt {
  std::optional<Identification> id;
  std::vector<std::uint8_t> reply;
  Status status = Status::not_detected;
};

struct HelloWay {
  Dialer& dialer;
  bool tls = false;
  std::string sni;
  bool banner_fallback = false;
};

net::awaitable<HelloAttempt> try_hello(const Endpoint& ep, const Hello& hello, const ServiceTable& table, const ProbeOptions& opt,
                                       SteadyClock::time_point deadline, AbortGroup* abort, const HelloWay& way) {
  HelloAttempt out;
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - SteadyClock::now());
  if (left <= 0ms) {
    out.status = Status::io_timeout;
    co_return out;
  }
  Status st = Status::success;
  auto session = co_await way.dialer.dial(ep, way.tls, way.sni, std::min(opt.connect_timeout, left), left, opt.max_reply, st, abort);
  if (!session) {
    out.status = st;
    co_return out;
  }
  if (!hello.bytes.empty()) {
    const auto sent = co_await session->send(hello.bytes);
    if (sent.status != Status::success) {
      out.status = sent.status;
      co_return out;
    }
  }
  const auto wait_until = SteadyClock::now() + std::chrono::milliseconds(hello.wait_ms);
  for (;;) {
    const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(wait_until - SteadyClock::now());
    if (wait <= 0ms || out.reply.size() >= kMatchWindow) break;
    const auto r = co_await session->receive_for(out.reply, wait);
    auto id = identify(table, hello.name, out.reply);
    if (!id && way.banner_fallback) id = identify(table, "banner", out.reply);
    if (id) {
      out.id = std::move(id);
      out.status = Status::success;
      co_return out;
    }
    if (r.status != Status::success) break;
  }
  co_return out;
}

// Takes attempt `a` of `hello` into `out`: true when it identified the service; otherwise the
// first unmatched reply is kept as evidence of an unknown service.
bool take_attempt(Identified& out, HelloAttempt& a, const Hello& hello) {
  out.status = a.status;
  if (a.id) {
    out.id = std::move(a.id);
    out.reply = std::move(a.reply);
    out.hello = hello.name;
    out.status = Status::success;
    return true;
  }
  if (!a.reply.empty() && out.reply.empty()) {
    out.reply = std::move(a.reply);
    out.hello = hello.name;
  }
  return false;
}

// A 400 answer to the plain HTTP request proves nothing about plain HTTP: TLS servers answer a
// plain request that way (nginx, Apache, Go's net/http). The TLS hello decides.
bool plain_request_refused(const HelloAttempt& a, std::string_view hello) {
  if (hello != "http" || !a.id || a.id->service != "http") return false;
  const auto head = as_text(Bytes(a.reply).first(std::min<std::size_t>(a.reply.size(), 13)));
  return head.size() == 13 && head.substr(0, 7) == "HTTP/1." && head.substr(8, 5) == " 400 ";
}

net::awaitable<Identified> identify_tcp(const Endpoint& ep, const ServiceTable& table, const ProbeOptions& opt,
                                        SteadyClock::time_point deadline, AbortGroup* abort) {
  Identified out;
  const HelloWay way{opt.dialer ? *opt.dialer : live_dialer(), false, {}, false};
  for (const Hello* hello : tcp_hello_order(table, ep.port)) {
    auto a = co_await try_hello(ep, *hello, table, opt, deadline, abort, way);
    if (a.id && plain_request_refused(a, hello->name)) {
      if (const Hello* tls = table.hello("tls")) {
        auto t = co_await try_hello(ep, *tls, table, opt, deadline, abort, way);
        if (t.id && t.id->service == "tls") {
          a = std::move(t);
          hello = tls;
        }
      }
    }
    if (take_attempt(out, a, *hello)) co_return out;
    if (a.status == Status::connection_refused) break;  // the port closed since the scan
    if (SteadyClock::now() >= deadline) {
      out.status = Status::io_timeout;
      break;
    }
  }
  co_return out;
}

// The DTLS hello: one datagram exchange like the others, then, when a DTLS server answered, a
// fatal user_canceled alert from the same socket. A stateful DTLS server (OpenSSL's s_server)
// otherwise keeps waiting for our second ClientHello and serves nobody else until it gives up.
net::awaitable<bool> identify_dtls(const Endpoint& ep, const Hello& h, const ServiceTable& table, Identified& out) {
  Status st = Status::success;
  const auto executor = co_await net::this_coro::executor;
  auto s = UdpSession::open(executor, ep, std::chrono::milliseconds(h.wait_ms), 64 * 1024, st);
  if (!s) {
    out.status = st;
    co_return false;
  }
  if (const auto sent = co_await s->send(h.bytes); sent.status != Status::success) {
    out.status = sent.status;
    co_return false;
  }
  std::vector<std::uint8_t> reply;
  const auto r = co_await s->receive(reply);
  out.status = r.status;
  if (r.status != Status::success) co_return false;
  out.reply = std::move(reply);
  out.hello = h.name;
  out.id = identify(table, h.name, out.reply);
  if (!out.id) co_return false;
  // A fatal alert (level 2, user_canceled 90), epoch 0, record sequence 1.
  static constexpr std::uint8_t kLeave[] = {21, 0xfe, 0xff, 0, 0, 0, 0, 0, 0, 0, 1, 0, 2, 2, 90};
  co_await s->send(std::span<const std::uint8_t>(kLeave));
  co_return true;
}

// The UDP hellos that name the port; on a port none names, the DTLS ClientHello (a DTLS server
// answers on any port: CoAPS and LwM2M devices move them; the other UDP services do not answer
// a stranger's hello, so one wait is the whole cost of a silent port).
net::awaitable<Identified> identify_udp(const Endpoint& ep, const ServiceTable& table) {
  Identified out;
  std::vector<const Hello*> hellos;
  for (const auto& h : table.hellos)
    if (h.transport == Transport::udp && std::find(h.ports.begin(), h.ports.end(), ep.port) != h.ports.end()) hellos.push_back(&h);
  if (const Hello* dtls = table.hello("dtls"); hellos.empty() && dtls && dtls->transport == Transport::udp) hellos.push_back(dtls);
  for (const Hello* hp : hellos) {
    const Hello& h = *hp;
    if (h.name == "dtls") {
      if (co_await identify_dtls(ep, h, table, out)) break;
      continue;
    }
    auto ex = co_await udp_exchange(ep, h.bytes, std::chrono::milliseconds(h.wait_ms));
    out.status = ex.status;
    if (ex.status != Status::success) continue;
    out.reply = std::move(ex.replies.front());
    out.hello = h.name;
    out.id = identify(table, h.name, out.reply);
    if (out.id) break;
  }
  co_return out;
}

// The hellos to try inside TLS, in order: those whose `tls_ports` name the port, then the HTTP
// request, then every other TCP hello that sends something (the banner rules read every reply).
std::vector<const Hello*> tls_hello_order(const ServiceTable& table, std::uint16_t port) {
  std::vector<const Hello*> order;
  auto add = [&](const Hello* h) {
    if (h && h->transport == Transport::tcp && !h->bytes.empty() && h->name != "tls" &&
        std::find(order.begin(), order.end(), h) == order.end())
      order.push_back(h);
  };
  for (const auto& h : table.hellos)
    if (std::find(h.tls_ports.begin(), h.tls_ports.end(), port) != h.tls_ports.end()) add(&h);
  add(table.hello("http"));
  for (const auto& h : table.hellos) add(&h);
  return order;
}

}  // namespace

std::string tls_service_name(std::string_view inner) {
  if (inner == "http") return "https";
  if (inner == "dns") return "dns-over-tls";
  return std::string(inner) + "s";  // mqtts, rtsps, coaps, imaps, pop3s, ftps…
}

std::vector<Observation> identification_observations(const Endpoint& ep, const Identified& found, bool inside_tls) {
  std::vector<Observation> out;
  const std::string excerpt = printable_excerpt(found.reply, Evidence::kMaxExcerpt);
  const std::string where = inside_tls ? "' inside TLS" : "'";
  if (!found.id) {
    if (!found.reply.empty())
      out.push_back(make_observation(ep, keys::service::banner, excerpt, "reply to '" + found.hello + where + ", no rule matched",
                                     excerpt));
    return out;
  }
  const auto why = "reply to '" + found.id->hello + where + " matched services.yaml:" + std::to_string(found.id->rule_line);
  const auto name = inside_tls ? tls_service_name(found.id->service) : found.id->service;
  out.push_back(make_observation(ep, keys::service::name, name, why, excerpt));
  if (!found.id->product.empty()) out.push_back(make_observation(ep, keys::service::product, found.id->product, why));
  if (!found.id->version.empty()) out.push_back(make_observation(ep, keys::service::version, found.id->version, why));
  return out;
}

std::string_view to_string(Stage s) noexcept {
  switch (s) {
    case Stage::credentials: return "credentials";
    case Stage::tls_analysis: return "tls_analysis";
    case Stage::inner_service: return "inner_service";
  }
  return "unknown";
}

net::awaitable<void> run_probe_entry(const std::string& service, const ProbeEntry& entry, ProbeContext& ctx,
                                     std::vector<Observation>& out) {
  ProbeHandoff handoff;
  ctx.handoff = &handoff;
  // What the options allow: the credentials stage needs --creds (not --no-creds) and a surface
  // the probe handed off; a stage with a safety action needs it selected (recorded when not).
  auto allowed = [&](const FollowOn& st, std::vector<Observation>& to) {
    if (st.stage == Stage::credentials && (ctx.options.credentials == nullptr || !handoff.login_surface)) return false;
    if (!st.action.empty() && !ctx.options.safety.allows(st.action)) {
      to.push_back(make_observation(ctx.endpoint, keys::probe::held.with(service), std::string(to_string(st.stage)),
                                    SafetySelection::not_selected_reason(st.action)));
      return false;
    }
    return true;
  };
  // The probe, then its stages in declared order.
  auto in_order = [&]() -> net::awaitable<void> {
    co_await entry.run(ctx, out);
    for (const auto& st : entry.stages)
      if (!st.alongside && allowed(st, out)) co_await st.run(ctx, handoff, out);
  };
  std::vector<const FollowOn*> beside;
  for (const auto& st : entry.stages)
    if (st.alongside) beside.push_back(&st);
  if (beside.empty()) {
    co_await in_order();
    co_return;
  }
  // Alongside stages start with the probe (each on connections of its own); with --per-device 1
  // one after the other. What they record follows the probe's and its stages'.
  std::vector<std::vector<Observation>> side(beside.size());
  auto task = [&](std::size_t i) -> net::awaitable<void> {
    if (i == 0) return in_order();
    const FollowOn& st = *beside[i - 1];
    if (!allowed(st, side[i - 1])) return []() -> net::awaitable<void> { co_return; }();
    return st.run(ctx, handoff, side[i - 1]);
  };
  co_await run_bounded(beside.size() + 1, ctx.options.per_device > 1 ? beside.size() + 1 : 1, task);
  for (auto& list : side)
    for (auto& o : list) out.push_back(std::move(o));
}

namespace {

struct Task {
  std::size_t device;
  std::size_t port_index;
};

}  // namespace

net::awaitable<void> probe_devices(std::vector<DeviceReport>& devices, const ProbeOptions& options,
                                   const ServiceTable& table, const bool& stop) {
  auto ex = co_await net::this_coro::executor;
  std::vector<std::deque<Task>> pending(devices.size());
  std::size_t remaining = 0;
  for (std::size_t d = 0; d < devices.size(); ++d) {
    const auto& ports = devices[d].facts.ports;
    for (std::size_t i = 0; i < ports.size(); ++i) {
      const auto& p = ports[i];
      const bool tcp_open = p.endpoint.transport == Transport::tcp && p.state == PortState::open;
      const bool udp_maybe = p.endpoint.transport == Transport::udp && p.state != PortState::closed;
      if (tcp_open && is_printer_port(p.endpoint) && !options.safety.allows(actions::printer_hello)) {
        devices[d].facts.observations.push_back(make_observation(
            p.endpoint, keys::service::held, std::string("printer port"),
            "a printer prints what it is sent: no hello sent, " + SafetySelection::not_selected_reason(actions::printer_hello)));
        continue;
      }
      if (tcp_open || udp_maybe) {
        pending[d].push_back(Task{d, i});
        ++remaining;
      }
    }
  }
  if (options.progress) {
    options.progress->probes_total = remaining;
    options.progress->probes_done = 0;
    options.progress->phase = ScanPhase::probes;
  }
  for (auto& d : devices) {
    d.facts.probed = true;
    d.facts.credentials_tried = options.credentials != nullptr;
  }
  std::vector<std::size_t> busy(devices.size(), 0);
  std::size_t inflight = 0;
  net::steady_timer wake(ex);
  // SIGINT/SIGTERM (`stop`): every session opened for identification, probes and credential
  // trials is cut short at once, so an interrupted run writes its partial report in well under
  // a second instead of waiting out each endpoint's budget.
  AbortGroup interrupt;
  constexpr auto kStopPoll = std::chrono::milliseconds(100);

  // One endpoint: identify, then run the protocol probe; observations are added in one step at
  // the end so a device's list never interleaves two endpoints' facts.
  auto run_one = [&](Task t) -> net::awaitable<void> {
    auto& facts = devices[t.device].facts;
    PortResult& port = facts.ports[t.port_index];
    const Endpoint ep = port.endpoint;
    const auto deadline = SteadyClock::now() + options.endpoint_budget;
    std::vector<Observation> obs;
    // Not a conditional expression: g++ 12 miscompiles co_await in both arms of ?: for types
    // with destructors (double free seen here).
    Identified found;
    if (ep.transport == Transport::tcp) found = co_await identify_tcp(ep, table, options, deadline, &interrupt);
    else found = co_await identify_udp(ep, table);
    if (ep.transport == Transport::udp && found.status == Status::success) {
      port.state = PortState::open;
      port.status = Status::success;
    }
    obs = identification_observations(ep, found);
    if (found.id) {
      const auto& probes = protocol_probes();
      if (const auto it = probes.find(found.id->service); it != probes.end()) {
        // The protocol probe gets a budget of its own: identification may have used most of the
        // first one on a slow device.
        const auto budget = std::max(options.endpoint_budget, it->second.budget);
        ProbeContext ctx{facts, ep, *found.id, std::move(found.reply), options, SteadyClock::now() + budget};
        ctx.abort = &interrupt;
        ctx.table = &table;
        const auto status_key = keys::probe::status.with(found.id->service);
        try {
          co_await run_probe_entry(found.id->service, it->second, ctx, obs);
        } catch (const std::exception& e) {
          // A probe bug stays contained to this endpoint (STYLE.md rule 5).
          obs.push_back(make_observation(ep, status_key, std::string("internal_error"), e.what()));
        }
        // Every probe ends with a status: a success is recorded too.
        if (std::none_of(obs.begin(), obs.end(), [&](const Observation& o) { return o.key == status_key.name; }))
          obs.push_back(make_observation(ep, status_key, std::string(to_string(Status::success)), "the probe ran to its end"));
      }
    }
    for (auto& o : obs) facts.observations.push_back(std::move(o));
    if (options.progress) options.progress->probes_done.fetch_add(1, std::memory_order_relaxed);
  };

  while (remaining > 0 && !stop) {
    bool started = false;
    for (std::size_t d = 0; d < devices.size() && inflight < options.max_inflight; ++d) {
      while (!pending[d].empty() && busy[d] < options.per_device && inflight < options.max_inflight) {
        const Task t = pending[d].front();
        pending[d].pop_front();
        ++busy[d];
        ++inflight;
        started = true;
        net::co_spawn(ex, run_one(t), [&, t](std::exception_ptr) {
          --busy[t.device];
          --inflight;
          --remaining;
          wake.cancel();
        });
      }
    }
    if (!started || inflight >= options.max_inflight) {
      wake.expires_after(kStopPoll);  // a task's end cancels it sooner; `stop` is seen within kStopPoll
      error_code ec;
      co_await wake.async_wait(net::redirect_error(net::use_awaitable, ec));
    }
  }
  // Stopping: end what is in flight now, and wait for it to return.
  if (stop) interrupt.abort();
  while (inflight > 0) {
    wake.expires_after(kStopPoll);
    error_code ec;
    co_await wake.async_wait(net::redirect_error(net::use_awaitable, ec));
    if (stop) interrupt.abort();  // sessions opened since (a probe's next step) end at once too
  }
}

net::awaitable<Identified> identify_inside_tls(ProbeContext& ctx) {
  Identified out;
  if (ctx.table == nullptr) co_return out;
  const HelloWay way{ctx.dialer(), true, ctx.device.target.name, true};
  for (const Hello* hello : tls_hello_order(*ctx.table, ctx.endpoint.port)) {
    auto a = co_await try_hello(ctx.endpoint, *hello, *ctx.table, ctx.options, ctx.deadline, ctx.abort, way);
    if (take_attempt(out, a, *hello)) co_return out;
    // No TLS session at all (refused, the handshake failed, the port closed): the next hello
    // would fail the same way.
    if (a.status != Status::success && a.status != Status::io_timeout && a.status != Status::connection_closed &&
        a.status != Status::not_detected)
      break;
    if (SteadyClock::now() >= ctx.deadline) {
      out.status = Status::io_timeout;
      break;
    }
  }
  co_return out;
}

}  // namespace trustscan
