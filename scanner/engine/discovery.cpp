// trustscan — host discovery (discovery.hpp).
#include "scanner/engine/discovery.hpp"

#include "probes/icmp/icmp.hpp"
#include "scanner/engine/concurrency.hpp"
#include "scanner/engine/session.hpp"

#include <unistd.h>

#include <array>
#include <memory>

namespace trustscan {

namespace ip = net::ip;

const std::vector<std::uint16_t>& discovery_ports() {
  // nmap's TCP pings (80, 443) and the management ports of devices (SSH, Telnet, RTSP, the web
  // UI's alternate port, TR-069).
  static const std::vector<std::uint16_t> ports = {80, 443, 22, 23, 554, 8080, 7547};
  return ports;
}

namespace {

bool is_loopback(const Address& a) noexcept {
  if (!a.v6) return (a.v4_value() >> 24) == 127;
  for (std::size_t i = 0; i + 1 < a.bytes.size(); ++i)
    if (a.bytes[i] != 0) return false;
  return a.bytes.back() == 1;
}

// One round against one target: every probe in flight at once, the first answer decides.
struct Round : std::enable_shared_from_this<Round> {
  explicit Round(net::any_io_executor ex) : decided(ex), icmp(ex) {}

  net::steady_timer decided;  // cancelled on the first answer; expires at the round's end
  std::vector<std::unique_ptr<ip::tcp::socket>> tcp;
  ip::icmp::socket icmp;
  std::array<std::uint8_t, 1500> buf{};
  ip::icmp::endpoint from;
  std::string answer;
  std::uint32_t target_v4 = 0;
  std::uint16_t id = 0;

  void answered(std::string what) {
    if (!answer.empty()) return;
    answer = std::move(what);
    decided.cancel();
  }

  void receive_icmp() {
    icmp.async_receive_from(net::buffer(buf), from, [self = shared_from_this()](error_code ec, std::size_t n) {
      if (ec) return;
      IcmpEchoReply r;
      if (parse_icmp_echo_reply(Bytes(self->buf.data(), n), r) == Parse::done && r.source == self->target_v4 &&
          r.id == self->id) {
        self->answered("ICMP echo reply");
        return;
      }
      if (self->answer.empty()) self->receive_icmp();
    });
  }

  void close_all() {
    error_code ignored;
    for (auto& s : tcp) s->close(ignored);
    icmp.close(ignored);
  }
};

net::awaitable<HostState> discover_one(const Target& target, const DiscoveryOptions& opt, std::uint16_t id,
                                       const bool& stop) {
  auto ex = co_await net::this_coro::executor;
  HostState st;
  if (is_loopback(target.address)) {
    st.reason = "loopback";
    co_return st;
  }
  const auto addr = to_asio_address(target.address);
  bool icmp_tried = false;
  for (int round = 0; round < opt.rounds && !stop; ++round) {
    auto r = std::make_shared<Round>(ex);
    if (!target.address.v6) {
      error_code ec;
      r->icmp.open(ip::icmp::v4(), ec);  // a raw socket: needs CAP_NET_RAW
      if (!ec) {
        icmp_tried = true;
        r->target_v4 = target.address.v4_value();
        r->id = id;
        const auto request = icmp_echo_request(id, static_cast<std::uint16_t>(round));
        r->icmp.send_to(net::buffer(request), ip::icmp::endpoint(addr, 0), 0, ec);
        if (!ec) r->receive_icmp();
      }
    }
    for (const auto port : discovery_ports()) {
      auto s = std::make_unique<ip::tcp::socket>(ex);
      error_code ec;
      s->open(addr.is_v6() ? ip::tcp::v6() : ip::tcp::v4(), ec);
      if (ec) continue;
      s->async_connect(ip::tcp::endpoint(addr, port), [r, port](error_code e) {
        if (!e) r->answered("tcp/" + std::to_string(port) + " accepted a connection");
        else if (e == net::error::connection_refused) r->answered("tcp/" + std::to_string(port) + " refused (RST): the host is up");
      });
      r->tcp.push_back(std::move(s));
    }
    r->decided.expires_after(opt.timeout);
    error_code ec;
    co_await r->decided.async_wait(net::redirect_error(net::use_awaitable, ec));
    r->close_all();
    if (!r->answer.empty()) {
      st.reason = r->answer;
      co_return st;
    }
  }
  if (stop) {
    st.reason = "discovery interrupted";
    co_return st;
  }
  st.up = false;
  std::string ports;
  for (const auto p : discovery_ports()) ports += (ports.empty() ? "" : ",") + std::to_string(p);
  st.reason = std::string("no answer to ") + (icmp_tried ? "ICMP echo or " : "") + "TCP " + ports + " in " +
              std::to_string(opt.rounds) + " round(s) of " + std::to_string(opt.timeout.count()) + " ms" +
              (icmp_tried || target.address.v6 ? "" : " (ICMP echo needs CAP_NET_RAW)") +
              "; --no-discovery scans it anyway";
  co_return st;
}

}  // namespace

net::awaitable<std::vector<HostState>> discover_hosts(const std::vector<Target>& targets, DiscoveryOptions options,
                                                      const bool& stop) {
  // A target whose discovery fails (it never does on purpose) is scanned: nothing is skipped for
  // want of an answer that was never waited for.
  std::vector<HostState> out(targets.size(), HostState{true, "discovery failed; scanned anyway"});
  const auto base = static_cast<std::uint16_t>(::getpid());
  co_await for_each_concurrently(targets.size(), options.max_inflight, [&](std::size_t i) -> net::awaitable<void> {
    out[i] = co_await discover_one(targets[i], options, static_cast<std::uint16_t>(base + i), stop);
  });
  co_return out;
}

}  // namespace trustscan
