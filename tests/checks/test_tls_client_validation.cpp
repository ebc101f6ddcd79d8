// tls.client.validation on hand-built replay facts (docs/replay.md, issue 18): a bad chain the
// device sent data on fails (with the Software Update outcomes when it is an update host), a bad
// chain refused passes, and nothing else passes: only good chains, only TLS 1.3, or no TLS at
// all are not_tested with their reasons. The captures behind these keys: tests/unit/test_replay.cpp.
#include "facts.hpp"

#include <doctest/doctest.h>

#include <algorithm>

using namespace checktest;

namespace {

DeviceFacts tcv_device(std::initializer_list<std::pair<const char*, const char*>> obs) {
  auto d = device();
  d.passive = true;
  d.probed = false;
  for (const auto& [k, v] : obs) {
    Observation o{std::nullopt, k, std::string(v), {}};
    o.evidence.kind = "capture";
    o.evidence.detail = "198.18.0.10:40000>198.18.0.2:443";
    d.observations.push_back(std::move(o));
  }
  return d;
}

bool tcv_has(const Finding& f, const std::string& outcome) {
  return std::find(f.outcomes.begin(), f.outcomes.end(), outcome) != f.outcomes.end();
}

constexpr const char* kTcvBad = "update.acme-iot.test at 198.18.0.2:443: the chain does not verify (self_signed: x)";

}  // namespace

TEST_CASE("tls.client.validation: data sent on a bad chain fails, with SU for an update host") {
  const std::string accepted = std::string(kTcvBad) + "; then sent 1 application data record(s), 93 bytes";
  auto f = one("tls.client.validation", tcv_device({{"client.tls.bad_cert_accepted", accepted.c_str()},
                                                    {"client.tls.bad_cert_refused", kTcvBad},
                                                    {"client.update.host", "update.acme-iot.test"}}));
  CHECK(f.status == CheckStatus::fail);
  CHECK(f.severity == Severity::critical);
  CHECK(tcv_has(f, "IR8425:DP.3"));
  CHECK(tcv_has(f, "IR8259A:SU"));
  CHECK(tcv_has(f, "IR8425A:R-SU"));
  CHECK(f.summary.find("update host") != std::string::npos);
  REQUIRE(!f.evidence.empty());

  // Another host: no update outcome.
  f = one("tls.client.validation", tcv_device({{"client.tls.bad_cert_accepted", accepted.c_str()},
                                               {"client.update.host", "acme-iot.test"}}));
  CHECK(f.status == CheckStatus::fail);
  CHECK(!tcv_has(f, "IR8259A:SU"));
}

TEST_CASE("tls.client.validation: a bad chain refused passes, on that evidence") {
  const auto f = one("tls.client.validation", tcv_device({{"client.tls.bad_cert_refused", kTcvBad},
                                                          {"client.tls.cert_verified", "a at b: ok"}}));
  CHECK(f.status == CheckStatus::pass);
  CHECK(!f.evidence.empty());
}

TEST_CASE("tls.client.validation: good chains, TLS 1.3 or no TLS are not_tested, never pass") {
  auto f = one("tls.client.validation", tcv_device({{"client.tls.cert_verified", "a at b: the chain verifies"},
                                                    {"client.tls.cert_unjudged", "c at d: TLS 1.3, the certificate travels encrypted"}}));
  CHECK(f.status == CheckStatus::not_tested);
  CHECK(f.reason == "inconclusive:only_valid_certificates");
  f = one("tls.client.validation", tcv_device({{"client.tls.cert_unjudged", "c at d: TLS 1.3, the certificate travels encrypted"}}));
  CHECK(f.status == CheckStatus::not_tested);
  CHECK(f.reason == "inconclusive:tls13_certificate_encrypted");
  f = one("tls.client.validation", tcv_device({{"client.tls.cert_unjudged", "c at d: no CA store to verify against (/x)"}}));
  CHECK(f.reason == "inconclusive:no_evidence");
  f = one("tls.client.validation", tcv_device({{"client.flows", "3"}}));
  CHECK(f.status == CheckStatus::not_tested);
  CHECK(f.reason == "no_traffic_observed");
}
