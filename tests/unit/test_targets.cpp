// Target, port and scope parsing: every accepted form, every malformed form.
#include "scanner/engine/plan.hpp"
#include "scanner/engine/targets.hpp"

#include <doctest/doctest.h>

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>

using namespace trustscan;

namespace {

Address A(const char* s) {
  auto a = Address::parse(s);
  REQUIRE_MESSAGE(a.has_value(), s);
  return *a;
}

std::string error_of(auto&& fn) {
  try {
    fn();
  } catch (const InputError& e) {
    return e.what();
  }
  return "<no error>";
}

std::vector<Address> no_dns(const std::string& name) {
  if (name == "localhost") return {A("127.0.0.1"), A("::1")};
  if (name == "outside.example") return {A("203.0.113.7")};
  throw InputError("cannot resolve target '" + name + "': unknown in this test");
}

struct TempFile {
  std::string path;
  explicit TempFile(const std::string& text) {
    char tmpl[] = "/tmp/trustscan-test-XXXXXX";
    const int fd = ::mkstemp(tmpl);
    REQUIRE(fd >= 0);
    ::close(fd);
    path = tmpl;
    std::ofstream(path) << text;
  }
  ~TempFile() { std::remove(path.c_str()); }
};

}  // namespace

TEST_CASE("addresses parse strictly and print canonically") {
  CHECK(A("198.18.0.10").to_string() == "198.18.0.10");
  CHECK(A("::1").to_string() == "::1");
  CHECK(A("FC00:0:0::1").to_string() == "fc00::1");
  CHECK_FALSE(Address::parse("300.1.1.1"));
  CHECK_FALSE(Address::parse("127.1"));
  CHECK_FALSE(Address::parse("010.0.0.1"));
  CHECK_FALSE(Address::parse("1.2.3.4 "));
  CHECK_FALSE(Address::parse(""));
  // An IPv4-mapped IPv6 literal is the IPv4 host: the scope must see it as such.
  const auto mapped = A("::ffff:8.8.8.8");
  CHECK_FALSE(mapped.v6);
  CHECK(mapped.to_string() == "8.8.8.8");
  CHECK(A("10.0.0.1") < A("10.0.0.2"));
  CHECK(A("255.255.255.255") < A("::1"));
}

TEST_CASE("CIDR blocks contain what they should") {
  const auto c = *Cidr::parse("198.18.0.0/15");
  CHECK(c.contains(A("198.19.255.255")));
  CHECK_FALSE(c.contains(A("198.20.0.0")));
  CHECK_FALSE(c.contains(A("::1")));
  CHECK(Cidr::parse("10.1.2.3/8")->to_string() == "10.0.0.0/8");
  CHECK(Cidr::parse("fe80::/10")->contains(A("febf::1")));
  CHECK_FALSE(Cidr::parse("fe80::/10")->contains(A("fec0::1")));
  CHECK(Cidr::parse("0.0.0.0/0")->contains(A("8.8.8.8")));
  CHECK_FALSE(Cidr::parse("10.0.0.0/33"));
  CHECK_FALSE(Cidr::parse("::/129"));
  CHECK_FALSE(Cidr::parse("10.0.0.0/"));
  CHECK_FALSE(Cidr::parse("10.0.0.0/-1"));
  CHECK_FALSE(Cidr::parse("10.0.0.0/8x"));
}

TEST_CASE("target specs: every accepted form") {
  auto t = parse_target_spec("198.18.0.10");
  CHECK(t.kind == TargetSpec::Kind::address);
  CHECK(t.size() == 1);

  t = parse_target_spec("198.18.0.0/24");
  CHECK(t.kind == TargetSpec::Kind::cidr);
  CHECK(t.first == A("198.18.0.0"));
  CHECK(t.last == A("198.18.0.255"));
  CHECK(t.size() == 256);

  t = parse_target_spec("198.18.0.10-20");
  CHECK(t.kind == TargetSpec::Kind::range);
  CHECK(t.last == A("198.18.0.20"));
  CHECK(t.size() == 11);

  t = parse_target_spec("198.18.0.250-198.18.1.4");
  CHECK(t.size() == 11);

  t = parse_target_spec("fc00::1-fc00::ff");
  CHECK(t.size() == 255);

  t = parse_target_spec("fc00::/64");
  CHECK(t.size() == UINT64_MAX);

  t = parse_target_spec("my-router.lab");
  CHECK(t.kind == TargetSpec::Kind::hostname);
  CHECK(t.name == "my-router.lab");
}

TEST_CASE("target specs: malformed forms name the problem") {
  CHECK(error_of([] { parse_target_spec("300.1.1.1"); }) == "invalid target '300.1.1.1': not a valid IPv4 address");
  CHECK(error_of([] { parse_target_spec("10.0.0.0/33"); }) == "invalid target '10.0.0.0/33': prefix length must be 0-32");
  CHECK(error_of([] { parse_target_spec("::/200"); }) == "invalid target '::/200': prefix length must be 0-128");
  CHECK(error_of([] { parse_target_spec("1-2-3"); }) == "invalid target '1-2-3': not a valid address range");
  CHECK(error_of([] { parse_target_spec("10.0.0.9-3"); }) == "invalid target '10.0.0.9-3': range ends before it starts");
  CHECK(error_of([] { parse_target_spec("10.0.0.1-256"); }) == "invalid target '10.0.0.1-256': range end must be 0-255");
  CHECK(error_of([] { parse_target_spec("10.0.0.1-::1"); }) == "invalid target '10.0.0.1-::1': range mixes IPv4 and IPv6");
  CHECK(error_of([] { parse_target_spec("10.0.0.1-x"); }).find("range end") != std::string::npos);
  CHECK(error_of([] { parse_target_spec("fe80::zz"); }) == "invalid target 'fe80::zz': not a valid IPv6 address");
  CHECK(error_of([] { parse_target_spec("bad_host!"); }).find("not an address, CIDR block, range or hostname") !=
        std::string::npos);
  CHECK(error_of([] { parse_target_spec("-router"); }).find("invalid target") != std::string::npos);
  CHECK(error_of([] { parse_target_spec("host/24"); }).find("before '/'") != std::string::npos);
  CHECK(error_of([] { parse_target_spec(""); }) == "invalid target '': empty");
}

TEST_CASE("@file target lists") {
  TempFile good("# lab devices\n198.18.0.10\n\n  198.18.0.20-21   # two plugs\n");
  const auto specs = parse_targets({"@" + good.path, "::1"});
  REQUIRE(specs.size() == 3);
  CHECK(specs[1].size() == 2);

  TempFile empty("# nothing here\n\n");
  CHECK(error_of([&] { parse_targets({"@" + empty.path}); }) == "target file '" + empty.path + "' lists no targets");

  TempFile bad("198.18.0.10\n300.1.1.1\n");
  CHECK(error_of([&] { parse_targets({"@" + bad.path}); }) ==
        bad.path + ":2: invalid target '300.1.1.1': not a valid IPv4 address");

  TempFile two("198.18.0.10 198.18.0.11\n");
  CHECK(error_of([&] { parse_targets({"@" + two.path}); }) == two.path + ":1: one target per line");

  CHECK(error_of([] { parse_targets({"@/nonexistent/targets.txt"}); })
            .starts_with("cannot read target file '/nonexistent/targets.txt'"));
  CHECK(error_of([] { parse_targets({"@"}); }).find("needs a file name") != std::string::npos);
  CHECK(error_of([] { parse_targets({}); }) == "no targets given");
}

TEST_CASE("port specs in nmap syntax") {
  auto p = parse_port_spec("22,80,443");
  CHECK(p.tcp == std::vector<std::uint16_t>{22, 80, 443});
  CHECK(p.udp.empty());

  p = parse_port_spec("1-1024");
  CHECK(p.tcp.size() == 1024);

  p = parse_port_spec("-");
  CHECK(p.tcp.size() == 65535);
  CHECK(p.tcp.front() == 1);
  CHECK(p.tcp.back() == 65535);

  p = parse_port_spec("-100");
  CHECK(p.tcp.size() == 100);
  p = parse_port_spec("65530-");
  CHECK(p.tcp.size() == 6);

  p = parse_port_spec("T:23,80,U:161,1900");
  CHECK(p.tcp == std::vector<std::uint16_t>{23, 80});
  CHECK(p.udp == std::vector<std::uint16_t>{161, 1900});

  p = parse_port_spec("80,80,70-90,u:53");  // duplicates fold; prefixes are case-insensitive
  CHECK(p.tcp.size() == 21);
  CHECK(p.udp == std::vector<std::uint16_t>{53});
}

TEST_CASE("ports to scan: -p- keeps the profile's UDP ports, a spec naming U: ports, T:, or fewer TCP ports does not") {
  const PortList profile{{22, 80}, {161, 1900}};
  CHECK(ports_to_scan("", profile).tcp == profile.tcp);
  CHECK(ports_to_scan("", profile).udp == profile.udp);
  auto p = ports_to_scan("-", profile);
  CHECK(p.tcp.size() == 65535);
  CHECK(p.udp == profile.udp);
  p = ports_to_scan("1-65535", profile);  // every TCP port, however spelled
  CHECK(p.udp == profile.udp);
  p = ports_to_scan("-,U:53", profile);  // UDP named: exactly those
  CHECK(p.udp == std::vector<std::uint16_t>{53});
  p = ports_to_scan("T:-", profile);  // said to be TCP: TCP only
  CHECK(p.tcp.size() == 65535);
  CHECK(p.udp.empty());
  p = ports_to_scan("t:1-65535", profile);
  CHECK(p.udp.empty());
  p = ports_to_scan("1-1024", profile);  // a narrower TCP scan stays TCP only, as asked
  CHECK(p.udp.empty());
  CHECK_THROWS_AS(ports_to_scan("-,U:0", profile), InputError);
}

TEST_CASE("port specs: malformed forms name the problem") {
  CHECK(error_of([] { parse_port_spec("70000"); }) == "invalid port spec '70000': port 70000 is out of range (1-65535)");
  CHECK(error_of([] { parse_port_spec("0"); }) == "invalid port spec '0': port 0 is out of range (1-65535)");
  CHECK(error_of([] { parse_port_spec("22,,80"); }) == "invalid port spec '22,,80': empty element");
  CHECK(error_of([] { parse_port_spec("22,"); }) == "invalid port spec '22,': empty element");
  CHECK(error_of([] { parse_port_spec("100-10"); }) == "invalid port spec '100-10': range 100-10 ends before it starts");
  CHECK(error_of([] { parse_port_spec("http"); }) == "invalid port spec 'http': 'http' is not a port number");
  CHECK(error_of([] { parse_port_spec("S:80"); }).find("unknown protocol prefix 'S:'") != std::string::npos);
  CHECK(error_of([] { parse_port_spec(""); }) == "invalid port spec '': empty");
  CHECK(error_of([] { parse_port_spec("1-2-3"); }).find("is not a port number") != std::string::npos);
  CHECK(error_of([] { parse_port_spec("99999999999"); }).find("is not a port number") != std::string::npos);
}

TEST_CASE("scope: defaults are the non-routable ranges only") {
  const auto s = Scope::defaults();
  for (const char* ok : {"127.0.0.1", "10.1.2.3", "172.31.255.255", "192.168.1.1", "169.254.0.5", "198.18.0.10",
                         "198.19.200.1", "100.64.0.1", "::1", "fd00::1", "fe80::1"})
    CHECK_MESSAGE(s.contains(A(ok)), ok);
  for (const char* no : {"8.8.8.8", "172.32.0.1", "198.20.0.1", "100.128.0.1", "2001:db8::1", "0.0.0.0",
                         "255.255.255.255", "::ffff:8.8.8.8", "224.0.0.1"})
    CHECK_FALSE_MESSAGE(s.contains(A(no)), no);
}

TEST_CASE("scope: explicit lists and files") {
  const auto s = Scope::parse("198.18.0.0/24, 203.0.113.7");
  CHECK(s.contains(A("198.18.0.9")));
  CHECK(s.contains(A("203.0.113.7")));
  CHECK_FALSE(s.contains(A("127.0.0.1")));  // --scope replaces the defaults
  CHECK(error_of([] { Scope::parse("198.18.0.0/99"); }).starts_with("invalid scope '198.18.0.0/99'"));
  CHECK(error_of([] { Scope::parse("198.18.0.0/24,"); }).find("empty element") != std::string::npos);

  TempFile f("# lab\n198.18.0.0/15\n");
  CHECK(Scope::from_file(f.path).contains(A("198.19.0.1")));
  TempFile bad("198.18.0.0/15\nnot-a-cidr\n");
  CHECK(error_of([&] { Scope::from_file(bad.path); }).starts_with(bad.path + ":2: invalid scope"));
  TempFile empty("\n# none\n");
  CHECK(error_of([&] { Scope::from_file(empty.path); }) == "scope file '" + empty.path + "' lists no ranges");
}

TEST_CASE("ipv6-link targets: parsed as an interface, expanded by the link finder, each address scope-checked") {
  const auto spec = parse_target_spec("ipv6-link:eth0");
  CHECK(spec.kind == TargetSpec::Kind::ipv6_link);
  CHECK(spec.name == "eth0");
  CHECK(error_of([] { parse_target_spec("ipv6-link:"); }) == "invalid target 'ipv6-link:': not an interface name after ipv6-link:");
  CHECK(error_of([] { parse_target_spec("ipv6-link:a/b"); }).starts_with("invalid target 'ipv6-link:a/b'"));
  CHECK(error_of([] { parse_target_spec("ipv6-link:abcdefghijklmnop"); }).starts_with("invalid target"));  // 16 > IFNAMSIZ-1
  const auto scope = Scope::defaults();
  std::vector<std::string> asked;
  const Resolver link = [&](const std::string& iface) {
    asked.push_back(iface);
    return std::vector<Address>{A("fd00:7473:6c::18"), A("fd00:7473:6c::20")};
  };
  const auto targets = expand_targets(parse_targets({"ipv6-link:eth0", "198.18.0.10"}), scope, no_dns, 1u << 20, link);
  CHECK(asked == std::vector<std::string>{"eth0"});
  REQUIRE(targets.size() == 3);
  CHECK(targets[1].address == A("fd00:7473:6c::18"));
  // Without a link finder (--dry-run) the target is refused; a found address out of scope is too.
  CHECK(error_of([&] { expand_targets(parse_targets({"ipv6-link:eth0"}), scope, no_dns); })
            .starts_with("target 'ipv6-link:eth0' needs a live scan"));
  const Resolver global = [](const std::string&) { return std::vector<Address>{A("2001:db8::5")}; };
  CHECK(error_of([&] { expand_targets(parse_targets({"ipv6-link:eth0"}), scope, no_dns, 1u << 20, global); })
            .starts_with("target 2001:db8::5 (from 'ipv6-link:eth0') is outside the scan scope"));
}

TEST_CASE("expansion refuses anything outside the scope, naming target and flag") {
  const auto scope = Scope::defaults();
  auto targets = expand_targets(parse_targets({"198.18.0.10-12", "198.18.0.11", "localhost"}), scope, no_dns);
  REQUIRE(targets.size() == 5);  // .10 .11 .12, 127.0.0.1, ::1; duplicates folded
  CHECK(targets[0].address == A("127.0.0.1"));
  CHECK(targets[0].name == "localhost");
  CHECK(targets.back().address == A("::1"));

  CHECK(error_of([&] { expand_targets(parse_targets({"8.8.8.8"}), scope, no_dns); }) ==
        "target 8.8.8.8 is outside the scan scope (the default non-routable ranges); nothing was sent. To allow it, "
        "pass --scope 8.8.8.8/32");
  // A block that only partly leaves the scope is refused whole, naming the first address out.
  CHECK(error_of([&] { expand_targets(parse_targets({"198.19.255.254-198.20.0.1"}), scope, no_dns); })
            .starts_with("target 198.20.0.0 (from '198.19.255.254-198.20.0.1') is outside the scan scope"));
  // Names are checked by what they resolve to.
  CHECK(error_of([&] { expand_targets(parse_targets({"outside.example"}), scope, no_dns); })
            .starts_with("target 203.0.113.7 (from 'outside.example') is outside the scan scope"));
  CHECK(error_of([&] { expand_targets(parse_targets({"::ffff:1.1.1.1"}), scope, no_dns); })
            .starts_with("target 1.1.1.1 "));
  // Narrow explicit scope.
  const auto lab = Scope::parse("198.18.0.0/24");
  CHECK(error_of([&] { expand_targets(parse_targets({"127.0.0.1"}), lab, no_dns); })
            .find("outside the scan scope (198.18.0.0/24)") != std::string::npos);
  // Expansion limit.
  CHECK(error_of([&] { expand_targets(parse_targets({"10.0.0.0/8"}), scope, no_dns, 1u << 20); })
            .find("expands to more than 1048576 addresses") != std::string::npos);
  CHECK(error_of([&] { expand_targets(parse_targets({"fc00::/64"}), scope, no_dns); })
            .find("expands to more than") != std::string::npos);
}

TEST_CASE("plans are deterministic and shards partition them") {
  const auto targets = expand_targets(parse_targets({"198.18.0.1-4"}), Scope::defaults(), no_dns);
  const auto ports = parse_port_spec("T:1-100,U:53,161");
  const auto a = make_plan(targets, ports, 42, {});
  const auto b = make_plan(targets, ports, 42, {});
  const auto c = make_plan(targets, ports, 43, {});
  REQUIRE(a.jobs.size() == 4 * 102);
  auto same = [](const ScanPlan& x, const ScanPlan& y) {
    if (x.jobs.size() != y.jobs.size()) return false;
    for (std::size_t i = 0; i < x.jobs.size(); ++i)
      if (!(x.jobs[i].endpoint == y.jobs[i].endpoint)) return false;
    return true;
  };
  CHECK(same(a, b));
  CHECK_FALSE(same(a, c));
  // The first jobs reach every device (interleaving).
  CHECK(a.jobs[0].device == 0);
  CHECK(a.jobs[1].device == 1);

  std::vector<Endpoint> all;
  for (std::uint32_t k = 0; k < 3; ++k)
    for (const auto& j : make_plan(targets, ports, 42, Shard{k, 3}).jobs) all.push_back(j.endpoint);
  std::sort(all.begin(), all.end());
  CHECK(all.size() == a.jobs.size());
  CHECK(std::adjacent_find(all.begin(), all.end()) == all.end());

  CHECK(parse_shard("2/4").index == 1);
  CHECK(error_of([] { parse_shard("0/4"); }).starts_with("invalid --shard '0/4'"));
  CHECK(error_of([] { parse_shard("5/4"); }).starts_with("invalid --shard"));
  CHECK(error_of([] { parse_shard("1"); }).starts_with("invalid --shard"));
  CHECK(error_of([] { parse_shard("a/b"); }).starts_with("invalid --shard"));
}
