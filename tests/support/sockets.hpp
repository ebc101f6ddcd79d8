// Test helpers: plain POSIX listeners on loopback and a way to run the trustscan binary.
// Tests own everything they start and end it by handle or PID; nothing leaves loopback.
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <fstream>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace testsupport {

/// A TCP listener on 127.0.0.1 (ephemeral port unless given). With `accept_thread`, a thread
/// accepts and counts connections; without it, nothing accepts, and with backlog 0 the kernel
/// queue fills so further SYNs are dropped (a "filtered" port on loopback).
class Listener {
 public:
  explicit Listener(bool accept_thread = true, int backlog = 128, const char* addr = "127.0.0.1", std::uint16_t port = 0) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd_ < 0) throw std::runtime_error("socket");
    int one = 1;
    ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    ::inet_pton(AF_INET, addr, &sa.sin_addr);
    sa.sin_port = htons(port);
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) throw std::runtime_error("bind");
    if (::listen(fd_, backlog) != 0) throw std::runtime_error("listen");
    socklen_t len = sizeof sa;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&sa), &len);
    port_ = ntohs(sa.sin_port);
    if (accept_thread) {
      thread_ = std::thread([this] {
        while (!stop_) {
          pollfd p{fd_, POLLIN, 0};
          if (::poll(&p, 1, 50) <= 0) continue;
          const int c = ::accept(fd_, nullptr, nullptr);
          if (c >= 0) {
            ++accepted_;
            ::close(c);
          }
        }
      });
    }
  }
  ~Listener() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    ::close(fd_);
  }
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;

  std::uint16_t port() const { return port_; }
  int fd() const { return fd_; }
  int accepted() const { return accepted_; }

 private:
  int fd_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> accepted_{0};
  std::thread thread_;
};

/// Fills a backlog-0 listener's accept queue so that later SYNs to it are dropped. Returns the
/// filler sockets (close them to release).
inline std::vector<int> fill_backlog(std::uint16_t port) {
  std::vector<int> fds;
  for (int i = 0; i < 4; ++i) {
    const int s = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_port = htons(port);
    ::inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
    ::connect(s, reinterpret_cast<sockaddr*>(&sa), sizeof sa);
    fds.push_back(s);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  return fds;
}

/// A port on 127.0.0.1 that nothing listens on right now (bound, then released).
inline std::uint16_t closed_port() {
  const int s = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  ::inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
  ::bind(s, reinterpret_cast<sockaddr*>(&sa), sizeof sa);
  socklen_t len = sizeof sa;
  ::getsockname(s, reinterpret_cast<sockaddr*>(&sa), &len);
  ::close(s);
  return ntohs(sa.sin_port);
}

struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
  std::chrono::steady_clock::time_point signalled_at{};  ///< when SIGINT was sent, if it was
};

/// Does process `pid` catch SIGINT yet (/proc/PID/status SigCgt)? Before that, SIGINT kills it.
inline bool catches_sigint(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("SigCgt:", 0) == 0) return (std::stoull(line.substr(7), nullptr, 16) >> (SIGINT - 1)) & 1;
  return false;
}

/// Runs the trustscan binary with `args`, capturing stdout and stderr. If `interrupt_after` is
/// positive, SIGINT is sent to the child (by its PID) that long after `ready()` first holds
/// (after the start when no `ready` is given). `ready` names the phase the test interrupts (a
/// device saw its connection, a pipe was drained): a fixed delay from the start is not a phase
/// on a loaded machine, where the sanitizer build takes seconds to start.
inline RunResult run_binary(const std::vector<std::string>& args,
                            std::chrono::milliseconds interrupt_after = std::chrono::milliseconds(0),
                            const std::function<bool()>& ready = {}) {
  int out_pipe[2], err_pipe[2];
  if (::pipe(out_pipe) != 0 || ::pipe(err_pipe) != 0) throw std::runtime_error("pipe");
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(out_pipe[1], 1);
    ::dup2(err_pipe[1], 2);
    ::close(out_pipe[0]);
    ::close(err_pipe[0]);
    std::vector<char*> argv;
    std::string bin = TRUSTSCAN_BINARY;
    argv.push_back(bin.data());
    std::vector<std::string> copy = args;
    for (auto& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(bin.c_str(), argv.data());
    ::_exit(127);
  }
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  RunResult r;
  bool interrupted = false;
  std::optional<std::chrono::steady_clock::time_point> ready_at;
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  int open_fds = 2;
  while (open_fds > 0) {
    ::poll(fds, 2, 20);
    for (auto& p : fds) {
      if (p.fd < 0 || !(p.revents & (POLLIN | POLLHUP))) continue;
      char buf[4096];
      const auto n = ::read(p.fd, buf, sizeof buf);
      if (n <= 0) {
        ::close(p.fd);
        p.fd = -1;
        --open_fds;
      } else {
        (&p == &fds[0] ? r.out : r.err).append(buf, static_cast<std::size_t>(n));
      }
    }
    if (interrupt_after.count() > 0 && !interrupted) {
      if (!ready_at && catches_sigint(pid) && (!ready || ready())) ready_at = std::chrono::steady_clock::now();
      if (ready_at && std::chrono::steady_clock::now() - *ready_at >= interrupt_after) {
        ::kill(pid, SIGINT);
        interrupted = true;
        r.signalled_at = std::chrono::steady_clock::now();
      }
    }
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return r;
}

}  // namespace testsupport
