// trustscan — live sessions.
#include "scanner/engine/session.hpp"

#include "scanner/engine/deadline.hpp"

#include <boost/asio/ssl.hpp>
#include <openssl/ssl.h>

#include <algorithm>
#include <array>
#include <utility>

namespace trustscan {

namespace ip = net::ip;

ip::address to_asio_address(const Address& a) {
  if (a.v6) {
    ip::address_v6::bytes_type b;
    std::copy(a.bytes.begin(), a.bytes.end(), b.begin());
    return ip::address_v6(b);
  }
  return ip::address_v4(a.v4_value());
}

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

// ---- abort groups ---------------------------------------------------------------------------------

void AbortGroup::abort() {
  state_->aborted = true;
  for (auto* s : state_->sockets) {
    error_code ignored;
    s->cancel(ignored);
  }
}

AbortGroup::Member::Member(AbortGroup* g, ip::tcp::socket* s) : state_(g ? g->state_ : nullptr), socket_(s) {
  for (auto* st = state_.get(); st; st = st->parent.get()) st->sockets.push_back(socket_);
}
AbortGroup::Member::Member(Member&& o) noexcept : state_(std::move(o.state_)), socket_(std::exchange(o.socket_, nullptr)) {}
AbortGroup::Member& AbortGroup::Member::operator=(Member&& o) noexcept {
  if (this != &o) {
    leave();
    state_ = std::move(o.state_);
    socket_ = std::exchange(o.socket_, nullptr);
  }
  return *this;
}
AbortGroup::Member::~Member() { leave(); }
void AbortGroup::Member::leave() noexcept {
  for (auto* st = state_.get(); st; st = st->parent.get()) {
    auto& v = st->sockets;
    if (const auto it = std::find(v.begin(), v.end(), socket_); it != v.end()) v.erase(it);
  }
  state_.reset();
}

// ---- TCP ------------------------------------------------------------------------------------------

TcpSession::TcpSession(ip::tcp::socket s, const Endpoint& ep, SteadyClock::time_point deadline, std::size_t max_reply,
                       AbortGroup* group)
    : socket_(std::make_unique<ip::tcp::socket>(std::move(s))),
      member_(group, socket_.get()),
      endpoint_(ep),
      deadline_(deadline),
      max_reply_(max_reply) {}

int TcpSession::release_socket() {
  error_code ignored;
  return socket_->release(ignored);
}

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
                                                              Status& status, AbortGroup* group) {
  if (group && group->aborted()) {
    status = Status::connection_timeout;
    co_return std::nullopt;
  }
  ip::tcp::socket sock(co_await net::this_coro::executor);
  error_code ec;
  bool timed_out = false;
  sock.open(ep.address.v6 ? ip::tcp::v6() : ip::tcp::v4(), ec);
  if (!ec) {
    AbortGroup::Member member(group, &sock);
    Deadline guard(sock, connect_timeout);
    co_await sock.async_connect(to_tcp(ep), net::redirect_error(net::use_awaitable, ec));
    timed_out = ec == net::error::operation_aborted && (guard.expired() || member.aborted());
  }
  if (ec) {
    status = timed_out ? Status::connection_timeout : status_from(ec, false);
    co_return std::nullopt;
  }
  ip::tcp::no_delay nd(true);
  sock.set_option(nd, ec);
  status = Status::success;
  co_return TcpSession(std::move(sock), ep, SteadyClock::now() + budget, max_reply, group);
}

net::awaitable<IoResult> TcpSession::send(std::span<const std::uint8_t> bytes) {
  if (SteadyClock::now() >= deadline_ || member_.aborted()) co_return IoResult{Status::io_timeout, 0};
  error_code ec;
  bool timed_out = false;
  std::size_t n = 0;
  {
    Deadline guard(*socket_, deadline_);
    n = co_await net::async_write(*socket_, net::buffer(bytes.data(), bytes.size()),
                                  net::redirect_error(net::use_awaitable, ec));
    timed_out = ec == net::error::operation_aborted && (guard.expired() || member_.aborted());
  }
  co_return IoResult{status_from(ec, timed_out), n};
}

net::awaitable<IoResult> TcpSession::receive(std::vector<std::uint8_t>& into) {
  co_return co_await receive_for(into, std::chrono::duration_cast<std::chrono::milliseconds>(deadline_ - SteadyClock::now()));
}

net::awaitable<IoResult> TcpSession::receive_for(std::vector<std::uint8_t>& into, std::chrono::milliseconds wait) {
  if (received_ >= max_reply_) co_return IoResult{Status::protocol_error, 0};
  const auto until = std::min(deadline_, SteadyClock::now() + wait);
  if (SteadyClock::now() >= until || member_.aborted()) co_return IoResult{Status::io_timeout, 0};
  // Read at most what the cap still allows, in chunks: a 1 GB banner costs max_reply bytes.
  std::array<std::uint8_t, 4096> chunk;
  const std::size_t room = std::min(chunk.size(), max_reply_ - received_);
  error_code ec;
  bool timed_out = false;
  std::size_t n = 0;
  {
    Deadline guard(*socket_, until);
    n = co_await socket_->async_read_some(net::buffer(chunk.data(), room), net::redirect_error(net::use_awaitable, ec));
    timed_out = ec == net::error::operation_aborted && (guard.expired() || member_.aborted());
  }
  into.insert(into.end(), chunk.begin(), chunk.begin() + static_cast<std::ptrdiff_t>(n));
  received_ += n;
  if (n > 0) co_return IoResult{Status::success, n};
  co_return IoResult{status_from(ec, timed_out), 0};
}

// ---- TLS ----------------------------------------------------------------------------------------

namespace {
net::ssl::context& legacy_client_context() {
  static net::ssl::context ctx = [] {
    net::ssl::context c(net::ssl::context::tls_client);
    SSL_CTX* raw = c.native_handle();
    // Devices still serve TLS 1.0, 1024-bit keys and SHA-1: talk to them anyway (TOOLCHAIN.md §3:
    // security level 0 both through the API and in the cipher string, which overrides it).
    SSL_CTX_set_security_level(raw, 0);
    SSL_CTX_set_cipher_list(raw, "ALL:@SECLEVEL=0");
    SSL_CTX_set_min_proto_version(raw, TLS1_VERSION);
    SSL_CTX_set_max_proto_version(raw, 0);
    SSL_CTX_set_options(raw, SSL_OP_LEGACY_SERVER_CONNECT);
    c.set_verify_mode(net::ssl::verify_none);
    return c;
  }();
  return ctx;
}
}  // namespace

struct TlsSession::Impl {
  net::ssl::stream<ip::tcp::socket> stream;
  AbortGroup::Member member;  // after stream: leaves the group before the socket closes
  SteadyClock::time_point deadline;
  std::size_t max_reply;
  std::size_t received = 0;
  Impl(ip::tcp::socket s, SteadyClock::time_point d, std::size_t m, AbortGroup* group)
      : stream(std::move(s), legacy_client_context()), member(group, &stream.next_layer()), deadline(d), max_reply(m) {}
};

TlsSession::TlsSession(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
TlsSession::TlsSession(TlsSession&&) noexcept = default;
TlsSession& TlsSession::operator=(TlsSession&&) noexcept = default;
TlsSession::~TlsSession() {
  if (impl_) {
    error_code ignored;
    auto& sock = impl_->stream.lowest_layer();
    sock.set_option(ip::tcp::socket::linger(true, 0), ignored);
    sock.close(ignored);
  }
}

void* TlsSession::native_handle() { return impl_->stream.native_handle(); }

net::awaitable<std::optional<TlsSession>> TlsSession::connect(const Endpoint& ep, const std::string& sni,
                                                              std::chrono::milliseconds connect_timeout,
                                                              std::chrono::milliseconds budget, std::size_t max_reply,
                                                              Status& status, AbortGroup* group) {
  auto tcp = co_await TcpSession::connect(ep, connect_timeout, budget, max_reply, status, group);
  if (!tcp) co_return std::nullopt;
  // Take the connected socket out of the TCP session (it would close it on destruction).
  ip::tcp::socket sock(co_await net::this_coro::executor);
  error_code ec;
  sock.assign(ep.address.v6 ? ip::tcp::v6() : ip::tcp::v4(), tcp->release_socket(), ec);
  if (ec) {
    status = Status::internal_error;
    co_return std::nullopt;
  }
  tcp.reset();  // leaves the abort group; the TLS session joins it with the same descriptor
  auto impl = std::make_unique<Impl>(std::move(sock), SteadyClock::now() + budget, max_reply, group);
  // SNI only for names: RFC 6066 forbids IP literals in server_name.
  if (!sni.empty() && !Address::parse(sni)) SSL_set_tlsext_host_name(impl->stream.native_handle(), sni.c_str());
  bool timed_out = false;
  {
    Deadline guard(impl->stream.lowest_layer(), std::min(impl->deadline, SteadyClock::now() + connect_timeout));
    co_await impl->stream.async_handshake(net::ssl::stream_base::client, net::redirect_error(net::use_awaitable, ec));
    timed_out = ec == net::error::operation_aborted && (guard.expired() || impl->member.aborted());
  }
  if (ec) {
    status = timed_out ? Status::io_timeout : Status::tls_error;
    co_return std::nullopt;
  }
  status = Status::success;
  TlsSession s(std::move(impl));
  s.endpoint_ = ep;
  co_return s;
}

net::awaitable<IoResult> TlsSession::send(std::span<const std::uint8_t> bytes) {
  auto& i = *impl_;
  if (SteadyClock::now() >= i.deadline || i.member.aborted()) co_return IoResult{Status::io_timeout, 0};
  error_code ec;
  bool timed_out = false;
  std::size_t n = 0;
  {
    Deadline guard(i.stream.lowest_layer(), i.deadline);
    n = co_await net::async_write(i.stream, net::buffer(bytes.data(), bytes.size()), net::redirect_error(net::use_awaitable, ec));
    timed_out = ec == net::error::operation_aborted && (guard.expired() || i.member.aborted());
  }
  co_return IoResult{status_from(ec, timed_out), n};
}

net::awaitable<IoResult> TlsSession::receive(std::vector<std::uint8_t>& into) {
  co_return co_await receive_for(
      into, std::chrono::duration_cast<std::chrono::milliseconds>(impl_->deadline - SteadyClock::now()));
}

net::awaitable<IoResult> TlsSession::receive_for(std::vector<std::uint8_t>& into, std::chrono::milliseconds wait) {
  auto& i = *impl_;
  if (i.received >= i.max_reply) co_return IoResult{Status::protocol_error, 0};
  const auto until = std::min(i.deadline, SteadyClock::now() + wait);
  if (SteadyClock::now() >= until || i.member.aborted()) co_return IoResult{Status::io_timeout, 0};
  std::array<std::uint8_t, 4096> chunk;
  const std::size_t room = std::min(chunk.size(), i.max_reply - i.received);
  error_code ec;
  bool timed_out = false;
  std::size_t n = 0;
  {
    Deadline guard(i.stream.lowest_layer(), until);
    n = co_await i.stream.async_read_some(net::buffer(chunk.data(), room), net::redirect_error(net::use_awaitable, ec));
    timed_out = ec == net::error::operation_aborted && (guard.expired() || i.member.aborted());
  }
  into.insert(into.end(), chunk.begin(), chunk.begin() + static_cast<std::ptrdiff_t>(n));
  i.received += n;
  if (n > 0) co_return IoResult{Status::success, n};
  // A peer that closes without close_notify ends the stream like EOF (Beast documents the same).
  if (ec == net::ssl::error::stream_truncated) co_return IoResult{Status::connection_closed, 0};
  co_return IoResult{status_from(ec, timed_out), 0};
}

// ---- UDP session -------------------------------------------------------------------------------

UdpSession::UdpSession(ip::udp::socket s, const Endpoint& ep, SteadyClock::time_point deadline, std::size_t max_reply,
                       AbortGroup* group)
    : socket_(std::make_unique<ip::udp::socket>(std::move(s))), group_(group), endpoint_(ep), deadline_(deadline),
      max_reply_(max_reply) {}

std::optional<UdpSession> UdpSession::open(net::any_io_executor ex, const Endpoint& ep, std::chrono::milliseconds budget,
                                           std::size_t max_reply, Status& status, AbortGroup* group) {
  if (group && group->aborted()) {
    status = Status::io_timeout;
    return std::nullopt;
  }
  ip::udp::socket sock(ex);
  error_code ec;
  sock.open(ep.address.v6 ? ip::udp::v6() : ip::udp::v4(), ec);
  if (!ec) sock.connect(to_udp(ep), ec);  // connected: only the endpoint's datagrams, ICMP errors reported
  if (ec) {
    status = status_from(ec, false);
    return std::nullopt;
  }
  status = Status::success;
  return UdpSession(std::move(sock), ep, SteadyClock::now() + budget, max_reply, group);
}

net::awaitable<IoResult> UdpSession::send(std::span<const std::uint8_t> bytes) {
  if (SteadyClock::now() >= deadline_ || (group_ && group_->aborted())) co_return IoResult{Status::io_timeout, 0};
  error_code ec;
  bool timed_out = false;
  std::size_t n = 0;
  {
    Deadline guard(*socket_, deadline_);
    n = co_await socket_->async_send(net::buffer(bytes.data(), bytes.size()), net::redirect_error(net::use_awaitable, ec));
    timed_out = ec == net::error::operation_aborted && guard.expired();
  }
  co_return IoResult{status_from(ec, timed_out), n};
}

net::awaitable<IoResult> UdpSession::receive(std::vector<std::uint8_t>& into) {
  co_return co_await receive_for(into, std::chrono::duration_cast<std::chrono::milliseconds>(deadline_ - SteadyClock::now()));
}

net::awaitable<IoResult> UdpSession::receive_for(std::vector<std::uint8_t>& into, std::chrono::milliseconds wait) {
  if (received_ >= max_reply_) co_return IoResult{Status::protocol_error, 0};
  const auto until = std::min(deadline_, SteadyClock::now() + wait);
  if (SteadyClock::now() >= until || (group_ && group_->aborted())) co_return IoResult{Status::io_timeout, 0};
  std::vector<std::uint8_t> datagram(65536);
  error_code ec;
  bool timed_out = false;
  std::size_t n = 0;
  {
    Deadline guard(*socket_, until);
    n = co_await socket_->async_receive(net::buffer(datagram), net::redirect_error(net::use_awaitable, ec));
    timed_out = ec == net::error::operation_aborted && guard.expired();
  }
  if (ec) co_return IoResult{status_from(ec, timed_out), 0};
  if (n > max_reply_ - received_) {
    received_ = max_reply_;
    co_return IoResult{Status::protocol_error, 0};
  }
  into.insert(into.end(), datagram.begin(), datagram.begin() + static_cast<std::ptrdiff_t>(n));
  received_ += n;
  co_return IoResult{Status::success, n};
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
