// The probe seam: the runner hands every probe a Dialer (a fake one here, so no socket is
// opened), every probe ends with a status, and a new protocol registers through the same seam
// the built-in ones use (docs/extending.md, "Add a protocol", followed step by step).
#include "scanner/checks/check_yaml.hpp"
#include "scanner/config/service_table.hpp"
#include "scanner/pipeline/probe_runner.hpp"
#include "scanner/pipeline/probe_util.hpp"
#include "trustscan/profile.hpp"

#include "../support/device.hpp"

#include <doctest/doctest.h>

#include <deque>
#include <string>

using namespace trustscan;
using namespace std::chrono_literals;

namespace {

// A probe declares its keys as the built-in ones do (probes/<protocol>/<protocol>_keys.hpp).
constexpr ObservationKey kToyVersion{"toy.version", ValueType::string, "the toy's version", "tests/unit/test_probe_seam.cpp"};

// A scripted session: hands out `replies` one per receive, records what the probe sent.
class FakeSession final : public Session {
 public:
  FakeSession(Endpoint ep, std::deque<std::string> replies, std::string& sent)
      : ep_(ep), replies_(std::move(replies)), sent_(sent) {}
  const Endpoint& endpoint() const noexcept override { return ep_; }
  net::awaitable<IoResult> send(std::span<const std::uint8_t> bytes) override {
    sent_.append(bytes.begin(), bytes.end());
    co_return IoResult{Status::success, bytes.size()};
  }
  net::awaitable<IoResult> receive(std::vector<std::uint8_t>& into) override { co_return co_await receive_for(into, 0ms); }
  net::awaitable<IoResult> receive_for(std::vector<std::uint8_t>& into, std::chrono::milliseconds) override {
    if (replies_.empty()) co_return IoResult{Status::io_timeout, 0};
    const auto r = std::move(replies_.front());
    replies_.pop_front();
    into.insert(into.end(), r.begin(), r.end());
    co_return IoResult{Status::success, r.size()};
  }

 private:
  Endpoint ep_;
  std::deque<std::string> replies_;
  std::string& sent_;
};

class FakeDialer final : public Dialer {
 public:
  explicit FakeDialer(std::deque<std::string> replies) : replies_(std::move(replies)) {}
  net::awaitable<std::unique_ptr<Session>> dial(const Endpoint& ep, bool, const std::string&, std::chrono::milliseconds,
                                                 std::chrono::milliseconds, std::size_t, Status& status, AbortGroup*) override {
    ++dials;
    status = Status::success;
    co_return std::make_unique<FakeSession>(ep, replies_, sent);
  }
  int dials = 0;
  std::string sent;

 private:
  std::deque<std::string> replies_;
};

// Runs one protocol probe of the registry on `ep` with `options`, on its own io_context.
std::vector<Observation> run_probe(const std::string& service, const Endpoint& ep, const ProbeOptions& options) {
  DeviceFacts facts;
  facts.target.address = ep.address;
  std::vector<Observation> out;
  net::io_context io(1);
  ProbeContext ctx{facts, ep, Identification{}, {}, options, SteadyClock::now() + 5s};
  net::co_spawn(io, protocol_probes().at(service).run(ctx, out), [](std::exception_ptr e) { REQUIRE_FALSE(e); });
  io.run();
  return out;
}

std::string text_of(const std::vector<Observation>& obs, const std::string& key) {
  for (const auto& o : obs)
    if (o.key == key) return to_text(o.value);
  return "(absent)";
}

}  // namespace

TEST_CASE("seam: a fake dialer drives the real Telnet probe, no socket is opened") {
  // A lab address nothing listens on: only the fake can answer.
  const Endpoint ep{*Address::parse("198.18.0.250"), Transport::tcp, 23};
  FakeDialer fake({std::string("\xff\xfb\x01\xff\xfb\x03", 6), "BusyBox v1.36 (2024)\r\n", "router login: "});
  ProbeOptions options;
  options.dialer = &fake;  // no credentials: no trials
  const auto obs = run_probe("telnet", ep, options);
  CHECK(fake.dials == 1);
  // The probe answered the negotiation through the fake session: the server may echo and
  // suppress go-ahead (IAC DO ECHO, IAC DO SGA), as a login needs.
  CHECK(fake.sent == std::string("\xff\xfd\x01\xff\xfd\x03", 6));
  CHECK(text_of(obs, "telnet.prompt") == "login");
  CHECK(text_of(obs, "telnet.banner").find("BusyBox") != std::string::npos);
}

TEST_CASE("seam: a toy protocol registered through the real seam is identified, probed and judged") {
  // Step 1 of docs/extending.md: a device speaking the toy protocol ("TOY?" -> "TOY/1 ready",
  // "VERSION" -> "TOY/1 version 0.9").
  testsupport::Device toy([](int fd) {
    char buf[256];
    for (int i = 0; i < 4; ++i) {
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, 2000) <= 0) return;
      const auto n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0) return;
      const std::string req(buf, static_cast<std::size_t>(n));
      const std::string reply = req.starts_with("TOY?") ? "TOY/1 ready\n" : req.starts_with("VERSION") ? "TOY/1 version 0.9\n" : "TOY/1 what?\n";
      ::send(fd, reply.data(), reply.size(), MSG_NOSIGNAL);
    }
  });
  // Step 2: identification as data: a hello and a rule naming the service.
  const auto table = parse_service_table(R"(
hellos:
  - name: toy
    send: "TOY?\n"
    wait_ms: 1000
rules:
  - {hello: toy, prefix: "TOY/1", service: toy}
)",
                                         "toy-services.yaml");
  // Step 3: the probe, registered by service name with its budget; it talks only through the
  // context's dialer (open) and records its observation key.
  register_protocol_probe("toy", {[](ProbeContext& ctx, std::vector<Observation>& out) -> net::awaitable<void> {
                                    auto s = co_await open(ctx, out, "toy");
                                    if (!s) co_return;
                                    const std::string ask = "VERSION\n";
                                    (void)co_await s->send(std::span(reinterpret_cast<const std::uint8_t*>(ask.data()), ask.size()));
                                    std::vector<std::uint8_t> buf;
                                    const auto r = co_await s->receive_for(buf, 1000ms);
                                    if (r.status != Status::success) {
                                      record_status(ctx, out, "toy", r.status, "no answer to VERSION");
                                      co_return;
                                    }
                                    const std::string line(buf.begin(), buf.end());
                                    if (line.starts_with("TOY/1 version "))
                                      out.push_back(make_observation(ctx.endpoint, kToyVersion, line.substr(14, line.find('\n') - 14),
                                                                     "answer to VERSION", line));
                                  },
                                  2s});
  std::vector<DeviceReport> devices(1);
  auto& facts = devices[0].facts;
  facts.target.address = *Address::parse("127.0.0.1");
  PortResult p;
  p.endpoint = Endpoint{facts.target.address, Transport::tcp, toy.port()};
  p.state = PortState::open;
  facts.ports.push_back(p);
  ProbeOptions options;
  options.credentials = nullptr;
  net::io_context io(1);
  bool stop = false;
  net::co_spawn(io, probe_devices(devices, options, table, stop), [](std::exception_ptr e) { REQUIRE_FALSE(e); });
  io.run();
  CHECK(facts.value_at(p.endpoint, "service.name") == "toy");
  CHECK(facts.value_at(p.endpoint, "toy.version") == "0.9");
  CHECK(facts.value_at(p.endpoint, "probe.toy.status") == "success");  // success is recorded too

  // Step 4: a check as data over the new key.
  const auto checks = parse_yaml_checks(YAML::Load(R"(
- id: toy.version.current
  title: Toy firmware is current
  severity: medium
  outcomes: ["IR8425:SU"]
  applies_when: {service: toy}
  fail_when: {matches: {key: toy.version, regex: "^0\\."}}
)"),
                                        "toy-checks.yaml");
  REQUIRE(checks.size() == 1);
  std::vector<Finding> findings;
  evaluate_contained(*checks[0], facts, findings);
  REQUIRE(findings.size() == 1);
  CHECK(findings[0].status == CheckStatus::fail);  // version 0.9: a pre-release
  REQUIRE(findings[0].endpoint);
  CHECK(findings[0].endpoint->port == toy.port());
  CHECK(findings[0].evidence.at(0).detail == "answer to VERSION");
}

TEST_CASE("seam: every built-in service in the identification table has a registered probe or none by design") {
  // A probe that is listed must be callable; a registry entry never has an empty function.
  for (const auto& [name, entry] : protocol_probes()) {
    INFO(name);
    CHECK(static_cast<bool>(entry.run));
    CHECK(entry.budget >= 0ms);
  }
  CHECK(protocol_probes().at("tls").budget > ProbeOptions{}.endpoint_budget);  // declared, not a literal in the probe
}
