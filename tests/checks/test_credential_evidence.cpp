// Found SNMP communities are credentials (issue 15): each is an evidence entry with the community
// as its password, so tools read it from evidence[] without parsing the summary, and --redact
// hides it. The summary names none.
#include "trustscan/report.hpp"

#include "facts.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <sstream>

using namespace checktest;

TEST_CASE("svc.snmp.community: each community found is a credential in the evidence, redactable, never in the summary") {
  using VS = std::vector<std::string>;
  auto d = device();
  port(d, udp(161), PortState::open, "snmp");
  observe(d, udp(161), "snmp.communities", VS{"public", "private"});
  d.observations.back().evidence.kind = "credential";  // as the SNMP probe records it
  observe(d, udp(161), "snmp.write_tested", true);
  observe(d, udp(161), "snmp.write_communities", VS{"private"});
  d.observations.back().evidence.kind = "credential";
  const auto f = one("svc.snmp.community", d);
  CHECK(f.status == CheckStatus::fail);
  CHECK(f.severity == Severity::critical);
  CHECK(f.summary.find("public") == std::string::npos);
  CHECK(f.summary.find("private") == std::string::npos);
  VS read, write;
  for (const auto& e : f.evidence) {
    if (e.kind != "credential" || e.password.empty()) continue;
    (e.detail.find("write") != std::string::npos ? write : read).push_back(e.password);
  }
  CHECK(read == VS{"public", "private"});
  CHECK(write == VS{"private"});

  Report r;
  DeviceReport dev;
  dev.facts = d;
  dev.results = {f};
  r.devices.push_back(dev);
  r.redact = true;
  std::ostringstream out;
  make_sink("json")->write(r, out);
  CHECK(out.str().find("public") == std::string::npos);  // neither in findings nor in observations
  bool redacted = false;
  const auto j = nlohmann::json::parse(out.str());
  for (const auto& e : j["devices"][0]["results"][0]["evidence"])
    redacted = redacted || e.value("password", "") == "<redacted>";
  CHECK(redacted);
}
