// trustscan — internal: what every YAML loader (profiles, checks, declarations, attestations)
// shares: errors as "FILE:LINE: what", and bounded reads of user files.
#pragma once

#include "trustscan/profile.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace trustscan {

[[noreturn]] inline void yaml_fail(const std::string& origin, const YAML::Node& node, const std::string& what) {
  const auto mark = node.Mark();
  throw ProfileError(origin + (mark.is_null() ? "" : ":" + std::to_string(mark.line + 1)) + ": " + what);
}

/// The non-empty string at `map[key]`; "" when absent and not required.
inline std::string yaml_text(const std::string& origin, const YAML::Node& map, const char* key, bool required) {
  const auto node = map[key];
  if (!node) {
    if (required) yaml_fail(origin, map, std::string("missing required key '") + key + "'");
    return {};
  }
  if (!node.IsScalar() || node.Scalar().empty()) yaml_fail(origin, node, std::string("'") + key + "' must be a non-empty string");
  return node.Scalar();
}

/// Fails on a key of `map` that is not in `known`; `what` names the mapping ("attestation").
inline void only_keys(const std::string& origin, const YAML::Node& map, const std::vector<std::string>& known,
                      const std::string& what) {
  for (const auto& kv : map) {
    const auto key = kv.first.as<std::string>("");
    if (std::find(known.begin(), known.end(), key) != known.end()) continue;
    std::string list;
    for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
    yaml_fail(origin, kv.first, "unknown " + what + " key '" + key + "' (known: " + list + ")");
  }
}

/// Parses YAML text, turning a syntax error into "ORIGIN:LINE: invalid YAML: …".
inline YAML::Node yaml_load(const std::string& text, const std::string& origin) {
  try {
    return YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw ProfileError(origin + ":" + std::to_string(e.mark.line + 1) + ": invalid YAML: " + e.msg);
  }
}

/// Reads a user's configuration file of at most 4 MiB; `what` names it in errors ("profile").
inline std::string read_config_file(const std::string& path, const std::string& what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ProfileError("cannot read " + what + " '" + path + "': " + std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  if (text.str().size() > (4u << 20)) throw ProfileError(path + ": " + what + " larger than 4 MiB");
  return text.str();
}

}  // namespace trustscan
