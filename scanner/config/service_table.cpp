// trustscan — loading the service identification table.
#include "scanner/config/service_table.hpp"

#include "scanner/config/yaml_util.hpp"
#include "scanner/engine/targets.hpp"

#include <yaml-cpp/yaml.h>

#include <map>
#include <set>

namespace trustscan {

namespace {

std::vector<std::uint8_t> from_hex(const std::string& origin, const YAML::Node& node) {
  const std::string& hex = node.Scalar();
  if (hex.size() % 2 != 0) yaml_fail(origin, node, "send_hex/prefix_hex needs an even number of hex digits");
  std::vector<std::uint8_t> out;
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    auto nib = [&](char c) -> int {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      if (c >= 'A' && c <= 'F') return c - 'A' + 10;
      yaml_fail(origin, node, std::string("'") + c + "' is not a hex digit");
    };
    out.push_back(static_cast<std::uint8_t>(nib(hex[i]) * 16 + nib(hex[i + 1])));
  }
  return out;
}

void check_keys(const std::string& origin, const YAML::Node& map, const std::set<std::string>& known) {
  if (!map.IsMap()) yaml_fail(origin, map, "expected a mapping");
  for (const auto& kv : map) {
    const auto key = kv.first.as<std::string>("");
    if (!known.count(key)) yaml_fail(origin, kv.first, "unknown key '" + key + "'");
  }
}

std::string required(const std::string& origin, const YAML::Node& map, const char* key) {
  const auto n = map[key];
  if (!n || !n.IsScalar() || n.Scalar().empty()) yaml_fail(origin, map, std::string("missing '") + key + "'");
  return n.Scalar();
}

}  // namespace

ServiceTable parse_service_table(const std::string& yaml_text, const std::string& origin) {
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const YAML::Exception& e) {
    throw ProfileError(origin + ":" + std::to_string(e.mark.line + 1) + ": invalid YAML: " + e.msg);
  }
  check_keys(origin, root, {"hellos", "rules"});
  ServiceTable table;
  if (!root["hellos"] || !root["hellos"].IsSequence()) yaml_fail(origin, root, "'hellos' must be a list");
  for (const auto& h : root["hellos"]) {
    check_keys(origin, h, {"name", "transport", "send", "send_hex", "ports", "tls_ports", "wait_ms"});
    Hello hello;
    hello.line = h.Mark().line + 1;
    hello.name = required(origin, h, "name");
    if (table.hello(hello.name)) yaml_fail(origin, h, "duplicate hello '" + hello.name + "'");
    if (h["transport"]) {
      const auto t = h["transport"].Scalar();
      if (t != "tcp" && t != "udp") yaml_fail(origin, h["transport"], "transport must be tcp or udp");
      hello.transport = t == "udp" ? Transport::udp : Transport::tcp;
    }
    if (h["send"] && h["send_hex"]) yaml_fail(origin, h, "give send or send_hex, not both");
    if (h["send"]) {
      const auto& s = h["send"].Scalar();
      hello.bytes.assign(s.begin(), s.end());
    }
    if (h["send_hex"]) hello.bytes = from_hex(origin, h["send_hex"]);
    if (hello.transport == Transport::udp && hello.bytes.empty()) yaml_fail(origin, h, "a UDP hello must send something");
    const auto port_list = [&](const char* key, std::vector<std::uint16_t>& into) {
      if (!h[key]) return;
      if (!h[key].IsSequence()) yaml_fail(origin, h[key], std::string(key) + " must be a list");
      for (const auto& p : h[key]) {
        const auto list = [&] {
          try {
            return parse_port_spec(p.Scalar());
          } catch (const InputError& e) {
            yaml_fail(origin, p, e.what());
          }
        }();
        into.insert(into.end(), list.tcp.begin(), list.tcp.end());
      }
    };
    port_list("ports", hello.ports);
    port_list("tls_ports", hello.tls_ports);
    if (!hello.tls_ports.empty() && hello.transport != Transport::tcp)
      yaml_fail(origin, h["tls_ports"], "tls_ports is for TCP hellos (sent inside TLS)");
    if (h["wait_ms"]) {
      hello.wait_ms = h["wait_ms"].as<int>(-1);
      if (hello.wait_ms < 1 || hello.wait_ms > 30000) yaml_fail(origin, h["wait_ms"], "wait_ms must be 1-30000");
    }
    table.hellos.push_back(std::move(hello));
  }
  if (!root["rules"] || !root["rules"].IsSequence()) yaml_fail(origin, root, "'rules' must be a list");
  for (const auto& r : root["rules"]) {
    check_keys(origin, r, {"service", "hello", "prefix", "prefix_hex", "contains", "regex", "icase", "product", "version"});
    MatchRule rule;
    rule.line = r.Mark().line + 1;
    rule.service = required(origin, r, "service");
    rule.hello = required(origin, r, "hello");
    if (!table.hello(rule.hello)) yaml_fail(origin, r, "rule names unknown hello '" + rule.hello + "'");
    int kinds = 0;
    if (r["prefix"]) ++kinds, rule.kind = MatchRule::Kind::prefix, rule.pattern = r["prefix"].Scalar();
    if (r["prefix_hex"]) {
      ++kinds;
      rule.kind = MatchRule::Kind::prefix;
      const auto b = from_hex(origin, r["prefix_hex"]);
      rule.pattern.assign(b.begin(), b.end());
    }
    if (r["contains"]) ++kinds, rule.kind = MatchRule::Kind::contains, rule.pattern = r["contains"].Scalar();
    if (r["regex"]) ++kinds, rule.kind = MatchRule::Kind::regex, rule.pattern = r["regex"].Scalar();
    if (kinds != 1) yaml_fail(origin, r, "a rule needs exactly one of prefix, prefix_hex, contains, regex");
    rule.icase = r["icase"] && r["icase"].as<bool>(false);
    if (r["product"]) rule.product = r["product"].Scalar();
    if (r["version"]) rule.version = r["version"].Scalar();
    if (rule.kind == MatchRule::Kind::regex) {
      try {
        auto flags = std::regex::ECMAScript | std::regex::optimize;
        if (rule.icase) flags |= std::regex::icase;
        rule.compiled = std::make_shared<const std::regex>(rule.pattern, flags);
      } catch (const std::regex_error& e) {
        yaml_fail(origin, r["regex"], std::string("regex does not compile: ") + e.what());
      }
    }
    table.rules.push_back(std::move(rule));
  }
  return table;
}

const ServiceTable& builtin_service_table() {
  static const ServiceTable table = parse_service_table(builtin_data_texts().at("services"), "builtin:services.yaml");
  return table;
}

}  // namespace trustscan
