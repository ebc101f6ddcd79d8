// Device safety classes (issue 16): the catalog, the selection a run makes, and the command line.
#include "trustscan/safety.hpp"

#include "../support/cli.hpp"

#include <doctest/doctest.h>

#include <set>
#include <string>

using namespace trustscan;

TEST_CASE("safety: every catalog action has a unique dotted id, a class beyond safe and a description") {
  std::set<std::string> ids;
  for (const auto& a : safety_actions()) {
    CHECK(ids.insert(std::string(a.id)).second);
    CHECK(a.id.find('.') != std::string_view::npos);
    CHECK(a.cls != SafetyClass::safe);  // safe actions always run: they need no entry
    CHECK(a.what.size() > 20);
    CHECK(find_safety_action(a.id) == &a);
  }
  CHECK(find_safety_action("no.such") == nullptr);
  CHECK(find_safety_action(actions::snmp_write)->cls == SafetyClass::intrusive);
  CHECK(find_safety_action(actions::cred_throttle)->cls == SafetyClass::dos);
  // The attack-shaped TLS probes (issue 17) are intrusive: one try each, nothing repeated to exhaust.
  for (const auto id : {actions::tls_heartbleed, actions::tls_ccs_injection, actions::tls_robot, actions::tls_renegotiation})
    CHECK(find_safety_action(id)->cls == SafetyClass::intrusive);
  // The SSH group-exchange requests cost the server a DH key each: intrusive, not safe.
  CHECK(find_safety_action(actions::ssh_gex)->cls == SafetyClass::intrusive);
  CHECK(SafetySelection::not_selected_reason(actions::ssh_gex) == "not selected: intrusive (--safety intrusive, --allow ssh.gex)");
}

TEST_CASE("safety: a selection allows its classes' actions and single actions, nothing else") {
  SafetySelection s;
  CHECK(s.class_names() == std::vector<std::string>{"safe"});
  CHECK_FALSE(s.allows(actions::snmp_write));
  CHECK_FALSE(s.allows(actions::cred_throttle));
  CHECK(s.allowed_actions().empty());

  REQUIRE(SafetySelection::parse("intrusive", s).empty());
  CHECK(s.class_names() == std::vector<std::string>{"safe", "intrusive"});  // safe is implied
  CHECK(s.allows(actions::snmp_write));
  CHECK(s.allows(actions::printer_hello));
  CHECK_FALSE(s.allows(actions::cred_throttle));  // dos is its own class

  CHECK(s.allow(actions::cred_throttle));
  CHECK(s.allows(actions::cred_throttle));
  CHECK_FALSE(s.allow("no.such"));
  CHECK_FALSE(s.allows("no.such"));

  SafetySelection all;
  REQUIRE(SafetySelection::parse("safe,intrusive,dos", all).empty());
  CHECK(all.allowed_actions().size() == safety_actions().size());
}

TEST_CASE("safety: a bad class list is one line naming the bad item, and the selection is unchanged") {
  SafetySelection s;
  CHECK(SafetySelection::parse("safe,agressive", s) ==
        "--safety: unknown class 'agressive' (expected safe, intrusive, dos, comma-separated)");
  CHECK(SafetySelection::parse("", s).find("empty") != std::string::npos);
  CHECK(SafetySelection::parse("intrusive,", s).find("unknown class ''") != std::string::npos);
  CHECK(s.class_names() == std::vector<std::string>{"safe"});
}

TEST_CASE("safety: the reason a skipped action gives names its class and every way to allow it") {
  CHECK(SafetySelection::not_selected_reason(actions::snmp_write) ==
        "not selected: intrusive (--safety intrusive, --allow snmp.write or --snmp-write)");
}

TEST_CASE("safety: the command line") {
  SUBCASE("trustscan safety lists every action with its class") {
    const auto r = testsupport::cli({"safety"});
    CHECK(r.code == 0);
    for (const auto& a : safety_actions()) {
      CHECK(r.out.find(std::string(a.id) + "  [" + std::string(to_string(a.cls)) + "]") != std::string::npos);
      CHECK(r.out.find(std::string(a.what)) != std::string::npos);
    }
  }
  SUBCASE("an unknown class or action: exit 2, one line, nothing scanned") {
    auto r = testsupport::cli({"scan", "127.0.0.1", "-p", "1", "--safety", "loud"});
    CHECK(r.code == 2);
    CHECK(r.err == "trustscan: error: --safety: unknown class 'loud' (expected safe, intrusive, dos, comma-separated)\n");
    r = testsupport::cli({"scan", "127.0.0.1", "-p", "1", "--allow", "snmp.write,no.such.action"});
    CHECK(r.code == 2);
    CHECK(r.err == "trustscan: error: --allow: unknown action 'no.such.action' (see: trustscan safety)\n");
  }
}
