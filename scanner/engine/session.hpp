// trustscan — live sessions: the only way a probe touches the network.
//
// Every operation is bounded twice: by the probe's remaining budget (a deadline owned here, not
// by the probe) and by the probe's byte cap. A device that trickles one byte every five seconds
// or sends a gigabyte banner ends a probe with io_timeout or protocol_error, never a hang and
// never unbounded memory.
#pragma once

#include "trustscan/probe.hpp"

#include <chrono>
#include <memory>
#include <optional>
#include <vector>

namespace trustscan {

using SteadyClock = std::chrono::steady_clock;

/// Ends a group of sessions early: abort() moves the deadline of every session opened under the
/// group to now (what they wait for is cancelled, later operations end at once with io_timeout).
/// A credential trial uses it once its verdict is known while attempts still wait on a device
/// that delays wrong logins. Same thread as the sessions; must outlive them.
class AbortGroup {
  struct State {
    bool aborted = false;
    std::vector<net::ip::tcp::socket*> sockets;
    std::shared_ptr<State> parent;  ///< aborting the parent aborts this group's sockets too
    bool any_aborted() const noexcept { return aborted || (parent && parent->any_aborted()); }
  };

 public:
  /// A group inside `parent` (may be null): the run's interruption reaches a credential wave's
  /// attempts, and the wave can still end its own attempts without touching the run.
  explicit AbortGroup(AbortGroup* parent = nullptr) {
    if (parent) state_->parent = parent->state_;
  }
  AbortGroup(const AbortGroup&) = delete;
  AbortGroup& operator=(const AbortGroup&) = delete;
  void abort();
  bool aborted() const noexcept { return state_->any_aborted(); }

  /// A socket's membership (RAII): registered while it lives, so abort() can cancel it. Shares
  /// the group's state, so the order in which a stopped io_context destroys coroutine frames
  /// (the group's and its sessions') does not matter.
  class Member {
   public:
    Member() = default;
    Member(AbortGroup* g, net::ip::tcp::socket* s);
    Member(Member&& o) noexcept;
    Member& operator=(Member&& o) noexcept;
    ~Member();
    bool aborted() const noexcept { return state_ && state_->any_aborted(); }

   private:
    void leave() noexcept;
    std::shared_ptr<State> state_;
    net::ip::tcp::socket* socket_ = nullptr;
  };

 private:
  std::shared_ptr<State> state_ = std::make_shared<State>();
};

/// A TCP connection to one endpoint with a total budget and a byte cap.
class TcpSession final : public Session {
 public:
  /// Connects within `connect_timeout`; the budget starts when the connection is up.
  /// Returns nullopt and sets `status` when the connection fails.
  static net::awaitable<std::optional<TcpSession>> connect(const Endpoint& ep, std::chrono::milliseconds connect_timeout,
                                                           std::chrono::milliseconds budget, std::size_t max_reply,
                                                           Status& status, AbortGroup* group = nullptr);

  TcpSession(TcpSession&&) noexcept = default;
  TcpSession& operator=(TcpSession&&) noexcept = default;
  ~TcpSession() override;

  const Endpoint& endpoint() const noexcept override { return endpoint_; }
  net::awaitable<IoResult> send(std::span<const std::uint8_t> bytes) override;
  net::awaitable<IoResult> receive(std::vector<std::uint8_t>& into) override;
  /// receive() with a shorter wait than the remaining budget (e.g. "is there a banner within
  /// 1.5 s?"); the budget still applies if it is shorter.
  net::awaitable<IoResult> receive_for(std::vector<std::uint8_t>& into, std::chrono::milliseconds wait) override;

  std::size_t received_total() const noexcept { return received_; }
  /// Gives up the connected socket's descriptor (the session no longer owns it).
  int release_socket();
  SteadyClock::time_point deadline() const noexcept { return deadline_; }

 private:
  TcpSession(net::ip::tcp::socket s, const Endpoint& ep, SteadyClock::time_point deadline, std::size_t max_reply,
             AbortGroup* group);

  std::unique_ptr<net::ip::tcp::socket> socket_;  // stable address for the deadline timer
  AbortGroup::Member member_;                     // after socket_: leaves the group before it closes
  Endpoint endpoint_;
  SteadyClock::time_point deadline_;
  std::size_t max_reply_;
  std::size_t received_ = 0;
};

/// A TLS connection (OpenSSL through asio::ssl) to one endpoint, with the same budget and byte
/// cap rules as TcpSession. The client context accepts what legacy devices offer (TLS 1.0 and
/// up, security level 0, legacy renegotiation, no certificate verification): this session is
/// for talking to the application inside TLS, not for judging TLS (the TLS analyzer does that).
class TlsSession final : public Session {
 public:
  static net::awaitable<std::optional<TlsSession>> connect(const Endpoint& ep, const std::string& sni,
                                                           std::chrono::milliseconds connect_timeout,
                                                           std::chrono::milliseconds budget, std::size_t max_reply,
                                                           Status& status, AbortGroup* group = nullptr);
  TlsSession(TlsSession&&) noexcept;
  TlsSession& operator=(TlsSession&&) noexcept;
  ~TlsSession() override;

  const Endpoint& endpoint() const noexcept override { return endpoint_; }
  net::awaitable<IoResult> send(std::span<const std::uint8_t> bytes) override;
  net::awaitable<IoResult> receive(std::vector<std::uint8_t>& into) override;
  net::awaitable<IoResult> receive_for(std::vector<std::uint8_t>& into, std::chrono::milliseconds wait) override;
  /// The OpenSSL handle, for reading the negotiated version, suite and peer certificate.
  void* native_handle();

 private:
  struct Impl;
  explicit TlsSession(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
  Endpoint endpoint_;
};

/// A connected UDP socket to one endpoint (DTLS), with the same budget and byte cap rules as
/// TcpSession: send() is one datagram; receive() appends one datagram, never past the cap (a
/// datagram that would cross it ends the session with protocol_error). An ICMP port unreachable
/// ends an operation with connection_refused. The abort group is consulted before every
/// operation (a UDP wait is short: it is not cancelled mid-way).
class UdpSession final : public Session {
 public:
  static std::optional<UdpSession> open(net::any_io_executor ex, const Endpoint& ep, std::chrono::milliseconds budget,
                                        std::size_t max_reply, Status& status, AbortGroup* group = nullptr);
  UdpSession(UdpSession&&) noexcept = default;
  UdpSession& operator=(UdpSession&&) noexcept = default;
  ~UdpSession() override = default;

  const Endpoint& endpoint() const noexcept override { return endpoint_; }
  net::awaitable<IoResult> send(std::span<const std::uint8_t> bytes) override;
  net::awaitable<IoResult> receive(std::vector<std::uint8_t>& into) override;
  net::awaitable<IoResult> receive_for(std::vector<std::uint8_t>& into, std::chrono::milliseconds wait) override;
  std::size_t received_total() const noexcept { return received_; }

 private:
  UdpSession(net::ip::udp::socket s, const Endpoint& ep, SteadyClock::time_point deadline, std::size_t max_reply,
             AbortGroup* group);
  std::unique_ptr<net::ip::udp::socket> socket_;
  AbortGroup* group_ = nullptr;
  Endpoint endpoint_;
  SteadyClock::time_point deadline_;
  std::size_t max_reply_;
  std::size_t received_ = 0;
};

/// Sends one datagram to `ep` and collects what comes back within `wait` (at most
/// `max_datagrams` replies of at most 64 KiB each). Status: success when at least one reply came,
/// connection_refused on ICMP port unreachable, io_timeout otherwise.
struct UdpExchange {
  Status status = Status::io_timeout;
  std::vector<std::vector<std::uint8_t>> replies;
};
net::awaitable<UdpExchange> udp_exchange(const Endpoint& ep, std::span<const std::uint8_t> payload,
                                         std::chrono::milliseconds wait, std::size_t max_datagrams = 1);

/// Maps an Asio error from a probe operation to the Status vocabulary.
Status status_from(const error_code& ec, bool timed_out) noexcept;

/// Converts our Endpoint to Asio's.
/// The Asio form of an address.
net::ip::address to_asio_address(const Address& a);
net::ip::tcp::endpoint to_tcp(const Endpoint& ep);
net::ip::udp::endpoint to_udp(const Endpoint& ep);

}  // namespace trustscan
