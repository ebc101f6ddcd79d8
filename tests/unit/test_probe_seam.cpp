// The probe seam: the runner hands every probe a Dialer (a fake one here, so no socket is
// opened), every probe ends with a status, and a new protocol registers through the same seam
// the built-in ones use (docs/extending.md, "Add a protocol", followed step by step).
#include "scanner/checks/check_yaml.hpp"
#include "scanner/config/service_table.hpp"
#include "scanner/credentials/credential_list.hpp"
#include "scanner/pipeline/probe_handoff.hpp"
#include "scanner/pipeline/probe_runner.hpp"
#include "scanner/pipeline/probe_util.hpp"
#include "trustscan/profile.hpp"

#include "../support/device.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <deque>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>

using namespace trustscan;
using namespace std::chrono_literals;

namespace {

// A probe declares its keys as the built-in ones do (probes/<protocol>/<protocol>_keys.hpp).
constexpr ObservationKey kToyVersion{"toy.version", ValueType::string, "the toy's version", "tests/unit/test_probe_seam.cpp"};
constexpr ObservationKey kToyLogin{"toy.login", ValueType::string, "what the toy's credentials stage was handed",
                                   "tests/unit/test_probe_seam.cpp"};
constexpr ObservationKey kToyRenegotiated{"toy.renegotiated", ValueType::boolean, "the toy's intrusive stage ran",
                                          "tests/unit/test_probe_seam.cpp"};

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

namespace {

// A toy device's connection: up to four requests, each answered with `answer(request)`.
void seam_serve_lines(int fd, const std::function<std::string(const std::string&)>& answer) {
  char buf[256];
  for (int i = 0; i < 4; ++i) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 2000) <= 0) return;
    const auto n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) return;
    const std::string reply = answer(std::string(buf, static_cast<std::size_t>(n)));
    ::send(fd, reply.data(), reply.size(), MSG_NOSIGNAL);
  }
}

}  // namespace

TEST_CASE("seam: a toy protocol registered through the real seam is identified, probed and judged") {
  // Step 1 of docs/extending.md: a device speaking the toy protocol ("TOY?" -> "TOY/1 ready",
  // "VERSION" -> "TOY/1 version 0.9").
  testsupport::Device toy([](int fd) {
    seam_serve_lines(fd, [](const std::string& req) -> std::string {
      return req.starts_with("TOY?") ? "TOY/1 ready\n" : req.starts_with("VERSION") ? "TOY/1 version 0.9\n" : "TOY/1 what?\n";
    });
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

namespace {

// What the toy probe hands its stages: the ready line it read, and its deadline and abort group
// (a stage runs under the same ones).
struct SeamToyHandoff {
  std::string ready;
  SteadyClock::time_point deadline;
  AbortGroup* abort = nullptr;
};

int seam_probe_runs = 0;

// A toy device: "TOY?" -> "TOY/1 ready (login: admin)", anything else -> "TOY/1 what?".
void seam_toy_serve(int fd) {
  seam_serve_lines(fd, [](const std::string& req) -> std::string {
    return req.starts_with("TOY?") ? "TOY/1 ready (login: admin)\n" : "TOY/1 what?\n";
  });
}

// Identifies and probes one open TCP port of 127.0.0.1 with `options` and the toy table.
DeviceFacts seam_scan(std::uint16_t port, const ProbeOptions& options) {
  static const auto table = parse_service_table(R"(
hellos:
  - name: toystage
    send: "TOY?\n"
    wait_ms: 1000
rules:
  - {hello: toystage, prefix: "TOY/1 ready", service: toystage}
)",
                                                "toystage-services.yaml");
  std::vector<DeviceReport> devices(1);
  auto& facts = devices[0].facts;
  facts.target.address = *Address::parse("127.0.0.1");
  PortResult p;
  p.endpoint = Endpoint{facts.target.address, Transport::tcp, port};
  p.state = PortState::open;
  facts.ports.push_back(p);
  net::io_context io(1);
  bool stop = false;
  net::co_spawn(io, probe_devices(devices, options, table, stop), [](std::exception_ptr e) { REQUIRE_FALSE(e); });
  io.run();
  return facts;
}

std::ptrdiff_t seam_index_of(const DeviceFacts& facts, const std::string& key) {
  const auto& obs = facts.observations;
  const auto it = std::find_if(obs.begin(), obs.end(), [&](const Observation& o) { return o.key == key; });
  return it == obs.end() ? -1 : it - obs.begin();
}

}  // namespace

TEST_CASE("seam: a toy protocol's follow-on stages are declared in the registry and run by the runner") {
  // docs/extending.md, "Add a protocol", step 3 with stages: the probe reads the ready line and
  // hands it off; a credentials stage and a stage that needs a safety action follow it.
  testsupport::Device toy(seam_toy_serve);
  seam_probe_runs = 0;
  register_protocol_probe(
      "toystage",
      {[](ProbeContext& ctx, std::vector<Observation>& out) -> net::awaitable<void> {
         ++seam_probe_runs;
         const std::string ready(ctx.first_reply.begin(), ctx.first_reply.end());
         out.push_back(make_observation(ctx.endpoint, kToyVersion, std::string("1"), "the ready line", ready));
         if (ctx.handoff) {
           ctx.handoff->other = SeamToyHandoff{ready, ctx.deadline, ctx.abort};
           ctx.handoff->login_surface = ready.find("login:") != std::string::npos;
         }
         co_return;
       },
       2s,
       {{Stage::credentials,
         [](ProbeContext& ctx, const ProbeHandoff& h, std::vector<Observation>& out) -> net::awaitable<void> {
           const auto* mine = std::any_cast<SeamToyHandoff>(&h.other);
           REQUIRE(mine != nullptr);
           const bool same = mine->deadline == ctx.deadline && mine->abort == ctx.abort && ctx.abort != nullptr;
           out.push_back(make_observation(ctx.endpoint, kToyLogin, mine->ready.substr(0, mine->ready.find('\n')),
                                          same ? "same deadline and abort group" : "another context"));
           co_return;
         }},
        {Stage::tls_analysis,
         [](ProbeContext& ctx, const ProbeHandoff&, std::vector<Observation>& out) -> net::awaitable<void> {
           out.push_back(make_observation(ctx.endpoint, kToyRenegotiated, true, "the stage ran"));
           co_return;
         },
         false, actions::tls_renegotiation}}});
  const auto& entry = protocol_probes().at("toystage");
  REQUIRE(entry.stages.size() == 2);
  CHECK(probe_registry_markdown().find("| toystage | 2 s | credentials, tls_analysis [tls.renegotiation] |") != std::string::npos);

  CredentialPolicy policy;  // no pairs: only the stage's own work matters here
  ProbeOptions with_creds;
  with_creds.credentials = &policy;

  SUBCASE("credentials on: the credentials stage runs after the probe and sees its hand-off, the intrusive one is held") {
    const auto facts = seam_scan(toy.port(), with_creds);
    CHECK(seam_probe_runs == 1);
    const Endpoint ep{facts.target.address, Transport::tcp, toy.port()};
    CHECK(facts.value_at(ep, "toy.login") == "TOY/1 ready (login: admin)");
    CHECK(seam_index_of(facts, "toy.login") > seam_index_of(facts, "toy.version"));
    CHECK(seam_index_of(facts, "toy.version") >= 0);
    const auto i = seam_index_of(facts, "toy.login");
    REQUIRE(i >= 0);
    CHECK(facts.observations[static_cast<std::size_t>(i)].evidence.detail == "same deadline and abort group");
    // Not selected: the runner skips it and says why, in the safety catalog's words.
    CHECK(facts.value_at(ep, "probe.toystage.held") == "tls_analysis");
    CHECK(seam_index_of(facts, "toy.renegotiated") == -1);
    CHECK(facts.value_at(ep, "probe.toystage.status") == "success");
  }
  SUBCASE("--no-creds: the runner skips the credentials stage, the allowed intrusive stage runs") {
    ProbeOptions no_creds;  // credentials == nullptr, as --no-creds leaves it
    no_creds.safety.allow(actions::tls_renegotiation);
    const auto facts = seam_scan(toy.port(), no_creds);
    CHECK(seam_probe_runs == 1);
    CHECK_FALSE(facts.credentials_tried);  // the checks' creds_disabled reason
    CHECK(seam_index_of(facts, "toy.version") >= 0);
    CHECK(seam_index_of(facts, "toy.login") == -1);
    CHECK(seam_index_of(facts, "probe.toystage.held") == -1);
    CHECK(seam_index_of(facts, "toy.renegotiated") > seam_index_of(facts, "toy.version"));
  }
}

TEST_CASE("seam: the built-in registry declares its stages, and docs/architecture.md shows them") {
  const auto& probes = protocol_probes();
  auto stages_of = [&](const std::string& service) {
    std::vector<Stage> out;
    for (const auto& st : probes.at(service).stages) out.push_back(st.stage);
    return out;
  };
  for (const auto* service : {"http", "mqtt", "rtsp", "ssh", "telnet"}) {
    INFO(service);
    CHECK(stages_of(service) == std::vector<Stage>{Stage::credentials});
  }
  CHECK(stages_of("ftp") == std::vector<Stage>{Stage::credentials, Stage::tls_analysis});
  CHECK(probes.at("ftp").stages.at(1).alongside);
  CHECK(stages_of("tls") == std::vector<Stage>{Stage::tls_analysis, Stage::inner_service});
  CHECK(stages_of("snmp").empty());
  // The table in the docs is the registry's own (on a difference, paste probe_registry_markdown()).
  std::ifstream in(std::string(TRUSTSCAN_SOURCE_DIR) + "/docs/architecture.md");
  REQUIRE(in.good());
  std::stringstream doc;
  doc << in.rdbuf();
  std::string builtin;  // the registry without the entries tests add
  std::istringstream table(probe_registry_markdown());
  for (std::string line; std::getline(table, line);)
    if (!line.starts_with("| toy")) builtin += line + "\n";
  CHECK(doc.str().find(builtin) != std::string::npos);
}
