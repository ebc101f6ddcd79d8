// trustscan — live sessions.
#include "session.hpp"

#include "deadline.hpp"

#include <algorithm>
#include <array>

namespace trustscan {

namespace ip = net::ip;

namespace {
ip::address to_asio_address(const Address& a) {
  if (a.v6) {
    ip::address_v6::bytes_type b;
    std::copy(a.bytes.begin(), a.bytes.end(), b.begin());
    return ip::address_v6(b);
  }
  return ip::address_v4(a.v4_value());
}
}  // namespace

ip::tcp::endpoint to_tcp(const Endpoint& ep) { return {to_asio_address(ep.address), ep.port}; }
ip::udp::endpoint to_udp(const Endpoint& ep) { return {to_asio_address(ep.address), ep.port}; }

Status status_from(const error_code& ec, bool timed_out) noexcept {
  if (!ec) return Status::success;
  if (timed_out) return Status::io_timeout;
  if (ec == net::error::connection_refused) return Status::connection_refused;
  if (ec == net::error::eof || ec == net::error::connection_reset || ec == net::error::broken_pipe ||
      ec == net::error::connection_aborted)
    return Status::connection_closed;
  if (ec == net::error::host_unreachable || ec == net::error::network_unreachable) return Status::unreachable;
  return Status::internal_error;
}

TcpSession::TcpSession(ip::tcp::socket s, const Endpoint& ep, SteadyClock::time_point deadline, std::size_t max_reply)
    : socket_(std::make_unique<ip::tcp::socket>(std::move(s))), endpoint_(ep), deadline_(deadline), max_reply_(max_reply) {}

TcpSession::~TcpSession() {
  if (socket_ && socket_->is_open()) {
    error_code ignored;
    // RST, not FIN: no lingering session on a device with a small connection table.
    socket_->set_option(ip::tcp::socket::linger(true, 0), ignored);
    socket_->close(ignored);
  }
}

net::awaitable<std::optional<TcpSession>> TcpSession::connect(const Endpoint& ep, std::chrono::milliseconds connect_timeout,
                                                              std::chrono::milliseconds budget, std::size_t max_reply,
                                                              Status& status) {
  ip::tcp::socket sock(co_await net::this_coro::executor);
  error_code ec;
  bool timed_out = false;
  sock.open(ep.address.v6 ? ip::tcp::v6() : ip::tcp::v4(), ec);
  if (!ec) {
    Deadline guard(sock, connect_timeout);
    co_await sock.async_connect(to_tcp(ep), net::redirect_error(net::use_awaitable, ec));
    timed_out = ec == net::error::operation_aborted && guard.expired();
  }
  if (ec) {
    status = timed_out ? Status::connection_timeout : status_from(ec, false);
    co_return std::nullopt;
  }
  ip::tcp::no_delay nd(true);
  sock.set_option(nd, ec);
  status = Status::success;
  co_return TcpSession(std::move(sock), ep, SteadyClock::now() + budget, max_reply);
}

net::awaitable<IoResult> TcpSession::send(std::span<const std::uint8_t> bytes) {
  if (SteadyClock::now() >= deadline_) co_return IoResult{Status::io_timeout, 0};
  error_code ec;
  bool timed_out = false;
  std::size_t n = 0;
  {
    Deadline guard(*socket_, deadline_);
    n = co_await net::async_write(*socket_, net::buffer(bytes.data(), bytes.size()),
                                  net::redirect_error(net::use_awaitable, ec));
    timed_out = ec == net::error::operation_aborted && guard.expired();
  }
  co_return IoResult{status_from(ec, timed_out), n};
}

net::awaitable<IoResult> TcpSession::receive(std::vector<std::uint8_t>& into) {
  co_return co_await receive_for(into, std::chrono::duration_cast<std::chrono::milliseconds>(deadline_ - SteadyClock::now()));
}

net::awaitable<IoResult> TcpSession::receive_for(std::vector<std::uint8_t>& into, std::chrono::milliseconds wait) {
  if (received_ >= max_reply_) co_return IoResult{Status::protocol_error, 0};
  const auto until = std::min(deadline_, SteadyClock::now() + wait);
  if (SteadyClock::now() >= until) co_return IoResult{Status::io_timeout, 0};
  // Read at most what the cap still allows, in chunks: a 1 GB banner costs max_reply bytes.
  std::array<std::uint8_t, 4096> chunk;
  const std::size_t room = std::min(chunk.size(), max_reply_ - received_);
  error_code ec;
  bool timed_out = false;
  std::size_t n = 0;
  {
    Deadline guard(*socket_, until);
    n = co_await socket_->async_read_some(net::buffer(chunk.data(), room), net::redirect_error(net::use_awaitable, ec));
    timed_out = ec == net::error::operation_aborted && guard.expired();
  }
  into.insert(into.end(), chunk.begin(), chunk.begin() + static_cast<std::ptrdiff_t>(n));
  received_ += n;
  if (n > 0) co_return IoResult{Status::success, n};
  co_return IoResult{status_from(ec, timed_out), 0};
}

net::awaitable<UdpExchange> udp_exchange(const Endpoint& ep, std::span<const std::uint8_t> payload,
                                         std::chrono::milliseconds wait, std::size_t max_datagrams) {
  UdpExchange out;
  ip::udp::socket sock(co_await net::this_coro::executor);
  error_code ec;
  sock.open(ep.address.v6 ? ip::udp::v6() : ip::udp::v4(), ec);
  if (!ec) sock.connect(to_udp(ep), ec);  // connected: ICMP errors come back as ECONNREFUSED
  if (ec) {
    out.status = status_from(ec, false);
    co_return out;
  }
  const auto until = SteadyClock::now() + wait;
  {
    Deadline guard(sock, until);
    co_await sock.async_send(net::buffer(payload.data(), payload.size()), net::redirect_error(net::use_awaitable, ec));
    std::vector<std::uint8_t> buf(65536);
    while (!ec && out.replies.size() < max_datagrams) {
      const std::size_t n = co_await sock.async_receive(net::buffer(buf), net::redirect_error(net::use_awaitable, ec));
      if (!ec) out.replies.emplace_back(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(n));
    }
    const bool timed_out = ec == net::error::operation_aborted && guard.expired();
    if (!out.replies.empty()) out.status = Status::success;
    else out.status = timed_out ? Status::io_timeout : status_from(ec, false);
  }
  co_return out;
}

}  // namespace trustscan
