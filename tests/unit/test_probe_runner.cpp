// The probe runner against hostile loopback peers: a tarpit, a flood, a reset, garbage. Each
// must end within the endpoint budget with bounded memory, and the scan goes on.
#include "scanner/credentials/credentials.hpp"
#include "scanner/pipeline/probe_runner.hpp"
#include "scanner/config/service_table.hpp"
#include "trustscan/check.hpp"

#include "../support/sockets.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <functional>
#include <thread>

using namespace trustscan;
using namespace std::chrono_literals;

namespace {

// A loopback server; `behaviour` runs on its own thread for each accepted connection and must
// return soon after `stopping()` becomes true.
class Peer {
 public:
  explicit Peer(std::function<void(int, const std::atomic<bool>&)> behaviour) : listener_(false) {
    thread_ = std::thread([this, behaviour] {
      while (!stop_) {
        pollfd p{listener_.fd(), POLLIN, 0};
        if (::poll(&p, 1, 20) <= 0) continue;
        const int c = ::accept(listener_.fd(), nullptr, nullptr);
        if (c < 0) continue;
        ++accepted_;
        workers_.emplace_back([this, c, behaviour] {
          behaviour(c, stop_);
          ::close(c);
        });
      }
    });
  }
  ~Peer() {
    stop_ = true;
    thread_.join();
    for (auto& w : workers_) w.join();
  }
  std::uint16_t port() const { return listener_.port(); }
  int accepted() const { return accepted_; }

 private:
  testsupport::Listener listener_;
  std::atomic<bool> stop_{false};
  std::atomic<int> accepted_{0};
  std::thread thread_;
  std::vector<std::thread> workers_;
};

struct Run {
  std::vector<DeviceReport> devices;
  std::chrono::steady_clock::duration elapsed{};
};

Run probe(std::vector<std::uint16_t> ports, ProbeOptions opt) {
  Run run;
  run.devices.resize(1);
  auto& facts = run.devices[0].facts;
  facts.target.address = *Address::parse("127.0.0.1");
  run.devices[0].facts.scan_complete = true;
  for (auto p : ports) {
    PortResult r;
    r.endpoint = Endpoint{facts.target.address, Transport::tcp, p};
    r.state = PortState::open;
    facts.ports.push_back(r);
  }
  net::io_context io(1);
  bool stop = false;
  const auto start = std::chrono::steady_clock::now();
  net::co_spawn(io, probe_devices(run.devices, opt, builtin_service_table(), stop), [](std::exception_ptr e) { REQUIRE_FALSE(e); });
  io.run();
  run.elapsed = std::chrono::steady_clock::now() - start;
  return run;
}

std::string value_of(const DeviceFacts& f, std::uint16_t port, const std::string& key) {
  for (const auto& o : f.observations)
    if (o.endpoint && o.endpoint->port == port && o.key == key && std::holds_alternative<std::string>(o.value))
      return std::get<std::string>(o.value);
  return {};
}

void sleep_unless(const std::atomic<bool>& stop, std::chrono::milliseconds d) {
  const auto until = std::chrono::steady_clock::now() + d;
  while (!stop && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(10ms);
}

}  // namespace

TEST_CASE("a tarpit (1 byte every 5 s) and a flood end within the budget, the scan goes on") {
  Peer tarpit([](int fd, const std::atomic<bool>& stop) {
    while (!stop) {
      if (::send(fd, "x", 1, MSG_NOSIGNAL) != 1) return;
      sleep_unless(stop, 5000ms);
    }
  });
  std::atomic<std::size_t> flooded{0};
  Peer flood([&](int fd, const std::atomic<bool>& stop) {
    // A "1 GB banner": keeps sending as long as the scanner reads.
    std::vector<char> chunk(64 * 1024, 'A');
    while (!stop) {
      const auto n = ::send(fd, chunk.data(), chunk.size(), MSG_NOSIGNAL);
      if (n <= 0) return;
      flooded += static_cast<std::size_t>(n);
    }
  });
  Peer ssh([](int fd, const std::atomic<bool>&) {
    const char banner[] = "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n";
    ::send(fd, banner, sizeof banner - 1, MSG_NOSIGNAL);
    char buf[256];
    ::recv(fd, buf, sizeof buf, 0);
  });

  ProbeOptions opt;
  opt.endpoint_budget = 2500ms;
  opt.max_reply = 32 * 1024;
  const auto run = probe({tarpit.port(), flood.port(), ssh.port()}, opt);
  const auto& facts = run.devices[0].facts;
  CHECK(run.elapsed < 8s);  // budgets of 2.5 s each, in parallel: a deadline that holds
  CHECK(value_of(facts, ssh.port(), "service.name") == "ssh");
  CHECK(value_of(facts, tarpit.port(), "service.name").empty());
  CHECK(value_of(facts, flood.port(), "service.name").empty());
  // The flood's excerpt is capped, whatever it sent.
  for (const auto& o : facts.observations) CHECK(o.evidence.excerpt.size() <= 4 * Evidence::kMaxExcerpt + 8);
}

TEST_CASE("a peer that resets at once or sends garbage is not identified and does not stop the scan") {
  Peer reset([](int fd, const std::atomic<bool>&) {
    linger l{1, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);  // close() sends RST
  });
  Peer garbage([](int fd, const std::atomic<bool>&) {
    std::string junk;
    for (int i = 0; i < 3000; ++i) junk += static_cast<char>((i * 131) & 0xff);
    ::send(fd, junk.data(), junk.size(), MSG_NOSIGNAL);
  });
  Peer http([](int fd, const std::atomic<bool>&) {
    char buf[1024];
    ::recv(fd, buf, sizeof buf, 0);
    const char reply[] = "HTTP/1.1 200 OK\r\nServer: lighttpd/1.4.69\r\nContent-Length: 0\r\n\r\n";
    ::send(fd, reply, sizeof reply - 1, MSG_NOSIGNAL);
  });
  ProbeOptions opt;
  opt.endpoint_budget = 3000ms;
  const auto run = probe({reset.port(), garbage.port(), http.port()}, opt);
  const auto& facts = run.devices[0].facts;
  CHECK(value_of(facts, reset.port(), "service.name").empty());
  CHECK(value_of(facts, garbage.port(), "service.name").empty());
  CHECK_FALSE(value_of(facts, garbage.port(), "service.banner").empty());  // kept as evidence
  CHECK(value_of(facts, http.port(), "service.name") == "http");
  CHECK(value_of(facts, http.port(), "service.product") == "lighttpd");
  CHECK(value_of(facts, http.port(), "service.version") == "1.4.69");
}

TEST_CASE("services on non-standard ports are identified by their replies") {
  // An HTTP server on a port no hello names: found after the banner wait, by the HTTP hello.
  Peer http([](int fd, const std::atomic<bool>&) {
    char buf[1024];
    if (::recv(fd, buf, sizeof buf, 0) <= 0) return;
    const char reply[] = "HTTP/1.0 302 Found\r\nLocation: https://198.18.0.11/\r\n\r\n";
    ::send(fd, reply, sizeof reply - 1, MSG_NOSIGNAL);
  });
  const auto run = probe({http.port()}, ProbeOptions{});
  CHECK(value_of(run.devices[0].facts, http.port(), "service.name") == "http");
}

namespace {

// A tiny HTTP/1.0 server body: reads one request (bounded), answers with `reply(request)`.
void http_peer(int fd, const std::function<std::string(const std::string&)>& reply) {
  std::string req;
  char buf[2048];
  while (req.find("\r\n\r\n") == std::string::npos && req.size() < 16384) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 2000) <= 0) return;
    const auto n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) return;
    req.append(buf, static_cast<std::size_t>(n));
  }
  // A POST body follows the headers: read what is there.
  pollfd p{fd, POLLIN, 0};
  if (::poll(&p, 1, 50) > 0) {
    const auto n = ::recv(fd, buf, sizeof buf, 0);
    if (n > 0) req.append(buf, static_cast<std::size_t>(n));
  }
  const auto r = reply(req);
  ::send(fd, r.data(), r.size(), MSG_NOSIGNAL);
}

const Finding* result_for(const std::vector<Finding>& results, std::string_view check) {
  for (const auto& f : results)
    if (f.check == check) return &f;
  return nullptr;
}

std::vector<Finding> judge(Run& run) {
  std::vector<Finding> out;
  for (const auto& c : builtin_checks()) c->evaluate(run.devices[0].facts, out);
  return out;
}

}  // namespace

TEST_CASE("a login page that answers 200 with the form to everything is never a finding") {
  std::atomic<int> posts{0};
  Peer page([&](int fd, const std::atomic<bool>&) {
    http_peer(fd, [&](const std::string& req) {
      if (req.starts_with("POST")) ++posts;
      const std::string body = "<html><title>Login</title><form method=post action=/login>"
                               "<input name=user><input type=password name=pass></form></html>";
      return "HTTP/1.0 200 OK\r\nContent-Type: text/html\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
    });
  });
  ProbeOptions opt;
  opt.credentials = &builtin_credentials();
  auto run = probe({page.port()}, opt);
  const auto results = judge(run);
  const auto* f = result_for(results, "cred.default.http");
  REQUIRE(f);
  CHECK(f->status == CheckStatus::pass);  // every pair "rejected": the answer never changed
  CHECK(posts.load() >= 2);               // the known-bad attempt and at least one pair were sent
}

namespace {

// A login page (form posting user/pass to /login.cgi) whose answer to a POST is `answer(body)`.
std::string form_device_reply(const std::string& req, const std::function<std::string(const std::string&)>& answer) {
  if (req.starts_with("POST")) return answer(req.substr(req.find("\r\n\r\n") + 4));
  const std::string body = "<html><title>IP Camera</title><form method=post action=/login.cgi>"
                           "<input name=user><input type=password name=pass><input type=submit value=Login></form></html>";
  return "HTTP/1.0 200 OK\r\nContent-Type: text/html\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

// The findings for one port, probed with the built-in credential list.
std::vector<Finding> judged_with_builtin_creds(std::uint16_t port) {
  ProbeOptions opt;
  opt.credentials = &builtin_credentials();
  auto run = probe({port}, opt);
  return judge(run);
}

std::string html_200(const std::string& body) {
  return "HTTP/1.0 200 OK\r\nContent-Type: text/html\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

}  // namespace

// Issue 15: a login that fails with a 200 page saying so (no form on it) was read as "any
// credentials are accepted" (cred.unauth.mgmt, critical), and the real pair, answered with a 302
// and a session cookie, was never tried.
TEST_CASE("a form login that fails with a 200 page saying so: the default pair is found, management needs a login") {
  Peer camera([&](int fd, const std::atomic<bool>&) {
    http_peer(fd, [&](const std::string& req) {
      return form_device_reply(req, [](const std::string& body) -> std::string {
        if (body == "user=admin&pass=admin")
          return "HTTP/1.0 302 Found\r\nLocation: /index.html\r\nSet-Cookie: SID=8f2a; path=/\r\nContent-Length: 0\r\n\r\n";
        return html_200("<html><body>Login failed: invalid username or password. <a href=/>Back</a></body></html>");
      });
    });
  });
  const auto results = judged_with_builtin_creds(camera.port());
  const auto* unauth = result_for(results, "cred.unauth.mgmt");
  REQUIRE(unauth);
  CHECK(unauth->status == CheckStatus::pass);
  const auto* def = result_for(results, "cred.default.http");
  REQUIRE(def);
  CHECK(def->status == CheckStatus::fail);
  REQUIRE_FALSE(def->evidence.empty());
  CHECK(def->evidence.front().username == "admin");
  CHECK(def->evidence.front().password == "admin");
}

TEST_CASE("a form login that redirects back to its login page on failure: the default pair is found") {
  Peer camera([&](int fd, const std::atomic<bool>&) {
    http_peer(fd, [&](const std::string& req) {
      return form_device_reply(req, [](const std::string& body) -> std::string {
        if (body == "user=admin&pass=admin") return "HTTP/1.0 302 Found\r\nLocation: /main.html\r\nContent-Length: 0\r\n\r\n";
        return "HTTP/1.0 302 Found\r\nLocation: /login.html?err=1\r\nContent-Length: 0\r\n\r\n";
      });
    });
  });
  const auto results = judged_with_builtin_creds(camera.port());
  CHECK(result_for(results, "cred.unauth.mgmt")->status == CheckStatus::pass);
  const auto* def = result_for(results, "cred.default.http");
  REQUIRE(def);
  CHECK(def->status == CheckStatus::fail);
}

TEST_CASE("a form answered by a page without the form and without a word of failure: not judged, never a critical") {
  Peer odd([&](int fd, const std::atomic<bool>&) {
    http_peer(fd, [&](const std::string& req) {
      return form_device_reply(req, [](const std::string&) { return html_200("<html><body>Please wait…</body></html>"); });
    });
  });
  const auto results = judged_with_builtin_creds(odd.port());
  const auto* unauth = result_for(results, "cred.unauth.mgmt");
  REQUIRE(unauth);
  CHECK(unauth->status == CheckStatus::not_tested);
  CHECK(unauth->reason == "inconclusive:unproven_access");
  const auto* def = result_for(results, "cred.default.http");
  REQUIRE(def);
  CHECK(def->status != CheckStatus::fail);  // every pair got the random pair's answer
}

TEST_CASE("a device that starts throttling is reported as lockout, not hammered") {
  std::atomic<int> attempts{0};
  Peer locking([&](int fd, const std::atomic<bool>&) {
    http_peer(fd, [&](const std::string& req) -> std::string {
      if (req.find("Authorization:") == std::string::npos)
        return "HTTP/1.0 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"cam\"\r\nContent-Length: 0\r\n\r\n";
      // The known-bad attempt and one pair get a plain 401; then the device throttles.
      if (++attempts > 2) return "HTTP/1.0 429 Too Many Requests\r\nContent-Length: 0\r\n\r\n";
      return "HTTP/1.0 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"cam\"\r\nContent-Length: 0\r\n\r\n";
    });
  });
  ProbeOptions opt;
  opt.credentials = &builtin_credentials();
  auto run = probe({locking.port()}, opt);
  const auto results = judge(run);
  const auto* f = result_for(results, "cred.default.http");
  REQUIRE(f);
  CHECK(f->status == CheckStatus::not_tested);
  CHECK(f->reason == "inconclusive:lockout");
  CHECK(attempts.load() == 3);  // stopped at the first sign of throttling
}

TEST_CASE("a login form that turns into a 'too many attempts' page is lockout, never a found password") {
  // After 3 wrong logins every POST gets a page without the form (hydra's http-post-form with a
  // failure string reads each of them as a valid password).
  std::atomic<int> posts{0};
  Peer page([&](int fd, const std::atomic<bool>&) {
    http_peer(fd, [&](const std::string& req) {
      std::string body = "<html><title>Login</title><form method=post action=/login>"
                         "<input name=user><input type=password name=pass></form><p>Invalid password</p></html>";
      if (req.starts_with("POST") && ++posts > 3) body = "<html><h1>Too many failed attempts. Try again in 5 minutes.</h1></html>";
      return "HTTP/1.0 200 OK\r\nContent-Type: text/html\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
    });
  });
  CredentialPolicy policy = builtin_credentials();
  policy.delay = std::chrono::milliseconds(10);
  ProbeOptions opt;
  opt.credentials = &policy;
  auto run = probe({page.port()}, opt);
  const auto results = judge(run);
  const auto* f = result_for(results, "cred.default.http");
  REQUIRE(f);
  CHECK(f->status == CheckStatus::not_tested);
  CHECK(f->reason == "inconclusive:lockout");
  // known-bad, admin/"", root/"", admin/admin: its answer says "Too many failed attempts", the end
  CHECK(posts.load() == 4);
  for (const auto& o : run.devices[0].facts.observations) {
    const bool claims_login = o.key == "cred.accepted" && o.value == Value{true};
    CHECK_FALSE(claims_login);
  }
}
