// The adaptive timing model of the port scan (scanner/engine/timing.hpp), fed made-up histories:
// what a device's answers and silences do to the next deadline, the window and the retries.
#include "scanner/engine/plan.hpp"
#include "scanner/engine/timing.hpp"

#include <doctest/doctest.h>

using namespace trustscan;
using namespace std::chrono_literals;
using us = std::chrono::microseconds;

namespace {

TimingLimits limits(std::size_t window = 16) { return TimingLimits{100ms, 1000ms, window}; }

// Retry decisions for `n` timeouts of ordinary (not well-known) ports whose retries all time out.
int retries_granted(DeviceTiming& t, int n) {
  int granted = 0;
  for (int i = 0; i < n; ++i) {
    t.on_timeout(false);
    if (t.should_retry(1, false)) {
      ++granted;
      t.on_timeout(true);
    }
  }
  return granted;
}

}  // namespace

TEST_CASE("before any answer the deadline is the ceiling (--timeout)") {
  DeviceTiming t(limits());
  CHECK(t.deadline() == us(1000ms));
  CHECK_FALSE(t.has_rtt());
  t.on_timeout(false);
  CHECK(t.deadline() == us(1000ms));
}

TEST_CASE("the deadline follows RFC 6298 from the answers, between the floor and the ceiling") {
  SUBCASE("a first answer of 200 ms: srtt 200, rttvar 100, deadline 600 ms") {
    DeviceTiming t(limits());
    t.on_answer(200ms, false);
    CHECK(t.deadline() == us(600ms));
    // A second, equal sample: rttvar 75, srtt 200 -> 500 ms.
    t.on_answer(200ms, false);
    CHECK(t.deadline() == us(500ms));
  }
  SUBCASE("answers in microseconds (a lab, loopback) meet the floor") {
    DeviceTiming t(limits());
    for (int i = 0; i < 20; ++i) t.on_answer(us(60), false);
    CHECK(t.deadline() == us(100ms));
  }
  SUBCASE("a slow device never waits longer than the ceiling") {
    DeviceTiming t(limits());
    t.on_answer(900ms, false);
    CHECK(t.deadline() == us(1000ms));
  }
  SUBCASE("a floor above the ceiling is brought down to it") {
    DeviceTiming t(TimingLimits{2000ms, 500ms, 8});
    t.on_answer(us(10), false);
    CHECK(t.deadline() == us(500ms));
  }
}

TEST_CASE("a firewall that drops unsolicited SYNs: retries stop paying, so they stop") {
  DeviceTiming t(limits());
  t.on_answer(us(80), false);  // the one open port answered
  const int granted = retries_granted(t, 1000);
  // The first 16 retries are made to learn, then one timeout in eight as a sample.
  CHECK(granted >= 16);
  CHECK(granted <= 16 + 1000 / 8 + 1);
  CHECK(t.retries_skipped() == static_cast<std::uint64_t>(1000 - granted));
  // The window is not shrunk by timeouts: a filter is not congestion.
  CHECK(t.window() == 16);
  SUBCASE("well-known ports keep their retries") { CHECK(t.should_retry(1, true)); }
  SUBCASE("a sampled retry that is answered turns retries back on") {
    t.on_answer(us(80), true);
    CHECK(t.losses() == 1);
    CHECK(retries_granted(t, 10) == 10);
  }
}

TEST_CASE("a lossy path: answered retries keep retries on and halve the window, answers grow it back") {
  DeviceTiming t(limits(16));
  for (int i = 0; i < 100; ++i) {
    t.on_timeout(false);
    REQUIRE(t.should_retry(1, false));
    if (i % 10 == 0) t.on_answer(us(500), true);  // one retry in ten is answered
    else t.on_timeout(true);
  }
  CHECK(t.losses() == 10);
  CHECK(t.retries_skipped() == 0);
  CHECK(t.window() == 1);  // halved ten times from 16, never below 1
  for (int i = 0; i < 5; ++i) t.on_answer(us(500), false);
  CHECK(t.window() == 6);
  for (int i = 0; i < 100; ++i) t.on_answer(us(500), false);
  CHECK(t.window() == 16);  // never above --per-device
}

TEST_CASE("a device that has answered nothing gets no retries after a full window of timeouts") {
  DeviceTiming t(limits(4));
  for (int i = 0; i < 2; ++i) {
    t.on_timeout(false);
    CHECK(t.should_retry(1, false));
    t.on_timeout(true);
  }
  // Five timeouts now (three firsts, two retries): more than a window, and no answer.
  t.on_timeout(false);
  CHECK_FALSE(t.should_retry(1, false));
  CHECK_FALSE(t.should_retry(1, true));  // not even a well-known port: nothing answers at all
  t.on_answer(us(100), false);
  CHECK(t.should_retry(1, true));
}

TEST_CASE("a round-trip time from host discovery seeds the deadline until TCP answers") {
  SUBCASE("a device that answered ping but drops every SYN: first attempts wait the floor, retries the ceiling") {
    DeviceTiming t(limits());
    t.seed(us(400));  // an ICMP echo reply on a LAN
    CHECK(t.has_rtt());
    CHECK(t.deadline() == us(100ms));
    CHECK(t.deadline(true) == us(1000ms));
    // It is still a device that has answered nothing on TCP: retries stop after a window.
    for (int i = 0; i < 20; ++i) t.on_timeout(false);
    CHECK_FALSE(t.should_retry(1, true));
    CHECK(t.answers() == 0);
  }
  SUBCASE("seeded 300 ms: deadline 900 ms, then the first TCP answer replaces the seed") {
    DeviceTiming t(limits());
    t.seed(300ms);
    CHECK(t.deadline() == us(900ms));
    t.on_answer(us(60), false);
    CHECK(t.deadline() == us(100ms));  // 60 + 4 * 30 us, at the floor: not blended with 300 ms
    t.on_answer(200ms, false);  // a second sample is smoothed as usual
    CHECK(t.deadline() > us(100ms));
  }
  SUBCASE("a TCP stack slower than the ping: the retry answers, the seed is dropped, no loss is counted") {
    DeviceTiming t(limits(16));
    t.seed(us(500));
    t.on_timeout(false);
    REQUIRE(t.should_retry(1, true));
    t.on_answer(250ms, true);
    CHECK(t.losses() == 0);
    CHECK(t.window() == 16);
    CHECK(t.deadline() == us(750ms));  // 250 + 4 * 125 ms
  }
  SUBCASE("a seed after a TCP answer, or a zero seed, changes nothing") {
    DeviceTiming t(limits());
    t.seed(us(0));
    CHECK_FALSE(t.has_rtt());
    CHECK(t.deadline() == us(1000ms));
    t.on_answer(200ms, false);
    t.seed(us(10));
    CHECK(t.deadline() == us(600ms));
  }
}

TEST_CASE("no retry is made beyond --retries") {
  DeviceTiming t(limits());
  CHECK_FALSE(t.should_retry(0, true));
  CHECK(t.should_retry(1, true));
}

TEST_CASE("the plan scans the well-known ports of each device first, in seeded order") {
  PortList ports;
  for (std::uint32_t p = 1; p <= 2000; ++p) ports.tcp.push_back(static_cast<std::uint16_t>(p));
  const auto plan = make_plan({Target{*Address::parse("198.18.0.10"), {}}}, ports, 7, {});
  REQUIRE(plan.jobs.size() == 2000);
  std::size_t known = 0;
  while (known < plan.jobs.size() && plan.jobs[known].well_known) ++known;
  CHECK(known > 20);
  for (std::size_t i = 0; i < plan.jobs.size(); ++i)
    CHECK(plan.jobs[i].well_known == is_well_known_port(Transport::tcp, plan.jobs[i].endpoint.port));
  for (std::size_t i = known; i < plan.jobs.size(); ++i) CHECK_FALSE(plan.jobs[i].well_known);
  CHECK(is_well_known_port(Transport::tcp, 80));
  CHECK(is_well_known_port(Transport::tcp, 554));
  CHECK_FALSE(is_well_known_port(Transport::tcp, 81 + 1000));
  // Seeded: the well-known ports do not come in numeric order.
  bool sorted = true;
  for (std::size_t i = 1; i < known; ++i) sorted = sorted && plan.jobs[i - 1].endpoint.port < plan.jobs[i].endpoint.port;
  CHECK_FALSE(sorted);
}

TEST_CASE("every engine worker gets its share of every device's ports") {
  std::vector<Target> targets;
  for (const char* a : {"198.18.0.14", "198.18.0.16"}) targets.push_back(Target{*Address::parse(a), {}});
  PortList ports;
  for (std::uint32_t p = 1; p <= 65535; ++p) ports.tcp.push_back(static_cast<std::uint16_t>(p));
  const auto plan = make_plan(targets, ports, 7, Shard{});
  for (const std::size_t workers : {std::size_t{1}, std::size_t{2}, std::size_t{3}, std::size_t{4}}) {
    CAPTURE(workers);
    std::size_t total = 0;
    for (std::size_t w = 0; w < workers; ++w) {
      std::vector<std::size_t> per_device(2, 0);
      for (const std::size_t i : deal_jobs(plan, w, workers)) ++per_device.at(plan.jobs[i].device);
      // Two devices and two workers once gave each worker one whole device.
      for (const std::size_t n : per_device) {
        CHECK(n >= 65535 / workers);
        CHECK(n <= 65535 / workers + 1);
      }
      total += per_device[0] + per_device[1];
    }
    CHECK(total == plan.jobs.size());
  }
}
