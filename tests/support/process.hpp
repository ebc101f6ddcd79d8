// Test helper: a daemon the test starts itself (fork + exec, output to a log file), ended by
// its PID when the handle goes — SIGTERM, then SIGKILL after 2 s — and reaped. It runs in a
// session of its own, so nothing it signals to "its group" reaches the test.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

namespace testsupport {

class Process {
 public:
  Process(const std::vector<std::string>& argv, const std::string& log_path) {
    pid_ = ::fork();
    if (pid_ == 0) {
      // A session of its own: a daemon that signals its process group must not reach the test
      // runner. gdbserver, sent a 0x03 byte (an interrupt in its protocol; a TLS ClientHello
      // has one), sends SIGINT to its group, which stopped a whole ctest run with exit 130.
      ::setsid();
      const int fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      if (fd >= 0) {
        ::dup2(fd, 1);
        ::dup2(fd, 2);
      }
      for (int d = 3; d < 1024; ++d) ::close(d);  // no descriptor of the test leaks into it
      std::vector<char*> args;
      for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
      args.push_back(nullptr);
      ::execvp(args[0], args.data());
      ::_exit(127);
    }
  }
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;
  ~Process() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    for (int i = 0; i < 200; ++i) {
      if (::waitpid(pid_, nullptr, WNOHANG) == pid_) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
  /// Still running (not exited)?
  bool running() const { return pid_ > 0 && ::waitpid(pid_, nullptr, WNOHANG) == 0; }

 private:
  pid_t pid_ = -1;
};

/// Waits up to `limit` for something to accept connections on `address`:`port`.
inline bool wait_for_listener_at(const char* address, std::uint16_t port, std::chrono::milliseconds limit) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < end) {
    const int s = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_port = htons(port);
    ::inet_pton(AF_INET, address, &sa.sin_addr);
    const bool up = ::connect(s, reinterpret_cast<sockaddr*>(&sa), sizeof sa) == 0;
    ::close(s);
    if (up) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

/// Waits up to `limit` for something to accept connections on 127.0.0.1:`port`.
inline bool wait_for_listener(std::uint16_t port, std::chrono::milliseconds limit) {
  return wait_for_listener_at("127.0.0.1", port, limit);
}

}  // namespace testsupport
