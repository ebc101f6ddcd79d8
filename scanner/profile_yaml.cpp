// trustscan — profile loading: YAML → a frozen Profile, every error with file:line.
#include "targets.hpp"
#include "trustscan/profile.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <cstring>
#include <sstream>

namespace trustscan {

const std::map<std::string, std::string>& builtin_profile_texts();  // generated at build time

namespace {

[[noreturn]] void fail(const std::string& origin, const YAML::Node& node, const std::string& what) {
  const auto mark = node.Mark();
  const std::string line = mark.is_null() ? "" : ":" + std::to_string(mark.line + 1);
  throw ProfileError(origin + line + ": " + what);
}

std::string scalar(const std::string& origin, const YAML::Node& map, const char* key, bool required) {
  const auto node = map[key];
  if (!node) {
    if (required) fail(origin, map, std::string("missing required key '") + key + "'");
    return {};
  }
  if (!node.IsScalar() || node.Scalar().empty()) fail(origin, node, std::string("'") + key + "' must be a non-empty string");
  return node.Scalar();
}

std::vector<std::uint16_t> port_list(const std::string& origin, const YAML::Node& node, const char* which) {
  if (!node.IsSequence()) fail(origin, node, std::string("ports.") + which + " must be a list of ports or ranges");
  std::string spec;
  for (const auto& item : node) {
    if (!item.IsScalar()) fail(origin, item, std::string("ports.") + which + " entries must be numbers or 'A-B' ranges");
    if (item.Scalar().find(':') != std::string::npos)
      fail(origin, item, std::string("ports.") + which + " entries take no T:/U: prefix");
    try {
      (void)parse_port_spec(item.Scalar());
    } catch (const InputError& e) {
      fail(origin, item, e.what());
    }
    spec += (spec.empty() ? "" : ",") + item.Scalar();
  }
  if (spec.empty()) return {};
  return parse_port_spec(spec).tcp;
}

}  // namespace

Profile parse_profile(const std::string& yaml_text, const std::string& origin) {
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const YAML::Exception& e) {
    throw ProfileError(origin + ":" + std::to_string(e.mark.line + 1) + ": invalid YAML: " + e.msg);
  }
  if (!root.IsMap()) throw ProfileError(origin + ":1: a profile must be a YAML mapping (id, version, title, ports…)");

  static const std::set<std::string> known = {"id", "version", "title", "source", "ports"};
  for (const auto& kv : root) {
    const auto key = kv.first.as<std::string>("");
    if (!known.count(key)) fail(origin, kv.first, "unknown key '" + key + "' (known: id, version, title, source, ports)");
  }

  Profile p;
  p.origin = origin;
  p.id = scalar(origin, root, "id", true);
  p.version = scalar(origin, root, "version", true);
  p.title = scalar(origin, root, "title", true);
  p.source = scalar(origin, root, "source", false);
  if (const auto ports = root["ports"]) {
    if (!ports.IsMap()) fail(origin, ports, "'ports' must be a mapping with 'tcp' and/or 'udp' lists");
    for (const auto& kv : ports) {
      const auto key = kv.first.as<std::string>("");
      if (key != "tcp" && key != "udp") fail(origin, kv.first, "unknown key 'ports." + key + "' (known: tcp, udp)");
    }
    if (ports["tcp"]) p.ports.tcp = port_list(origin, ports["tcp"], "tcp");
    if (ports["udp"]) p.ports.udp = port_list(origin, ports["udp"], "udp");
  }
  if (p.ports.tcp.empty() && p.ports.udp.empty()) fail(origin, root, "the profile names no ports to scan ('ports')");
  return p;
}

Profile load_profile(const std::string& id_or_path) {
  const auto& builtin = builtin_profile_texts();
  if (const auto it = builtin.find(id_or_path); it != builtin.end())
    return parse_profile(it->second, "builtin:" + id_or_path);
  const bool looks_like_path = id_or_path.find('/') != std::string::npos ||
                               id_or_path.ends_with(".yaml") || id_or_path.ends_with(".yml");
  if (!looks_like_path) {
    std::string ids;
    for (const auto& [id, text] : builtin) ids += (ids.empty() ? "" : ", ") + id;
    throw ProfileError("unknown profile '" + id_or_path + "' (built-in: " + ids + "; or give a path to a .yaml file)");
  }
  std::ifstream in(id_or_path, std::ios::binary);
  if (!in) throw ProfileError("cannot read profile '" + id_or_path + "': " + std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  if (text.str().size() > (4u << 20)) throw ProfileError(id_or_path + ": profile larger than 4 MiB");
  return parse_profile(text.str(), id_or_path);
}

std::vector<std::string> builtin_profile_ids() {
  std::vector<std::string> ids;
  for (const auto& [id, text] : builtin_profile_texts()) ids.push_back(id);
  return ids;
}

}  // namespace trustscan
