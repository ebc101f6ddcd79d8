// trustscan — credential lists (profiles/credentials/defaults.yaml format): the loader. Pure (no
// Asio): moved out of credentials.cpp unchanged so the clang fuzz build can compile it.
#include "scanner/credentials/credential_list.hpp"

#include "trustscan/profile.hpp"

#include <yaml-cpp/yaml.h>

#include <fstream>
#include <map>
#include <optional>
#include <sstream>

namespace trustscan {

const std::map<std::string, std::string>& builtin_credential_texts();  // generated at build time

// ---- the list -----------------------------------------------------------------------------------

CredentialPolicy parse_credentials(const std::string& yaml_text, const std::string& origin) {
  auto fail = [&](const YAML::Node& n, const std::string& what) -> ProfileError {
    const auto m = n.Mark();
    return ProfileError(origin + (m.is_null() ? "" : ":" + std::to_string(m.line + 1)) + ": " + what);
  };
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const YAML::Exception& e) {
    throw ProfileError(origin + ":" + std::to_string(e.mark.line + 1) + ": invalid YAML: " + e.msg);
  }
  if (!root.IsMap()) throw ProfileError(origin + ":1: a credential list is a mapping with 'pairs'");
  CredentialPolicy p;
  p.origin = origin;
  for (const auto& kv : root) {
    const auto key = kv.first.as<std::string>("");
    if (key != "pairs" && key != "max_attempts" && key != "delay_ms" && key != "throttle_attempts" && key != "parallel")
      throw fail(kv.first, "unknown key '" + key + "'");
  }
  // An integer key within [lo, hi], or nullopt when absent; anything else is a file:line error.
  const auto bounded = [&](const char* key, int lo, int hi) -> std::optional<int> {
    const auto node = root[key];
    if (!node) return std::nullopt;
    const int n = node.as<int>(lo - 1);
    if (n < lo || n > hi) throw fail(node, std::string(key) + " must be " + std::to_string(lo) + "-" + std::to_string(hi));
    return n;
  };
  if (const auto n = bounded("parallel", 1, 16)) p.parallel = static_cast<std::size_t>(*n);
  if (const auto n = bounded("throttle_attempts", 10, 100)) p.throttle_attempts = static_cast<std::size_t>(*n);
  if (const auto n = bounded("max_attempts", 1, 100)) p.max_attempts = static_cast<std::size_t>(*n);
  if (const auto n = bounded("delay_ms", 0, 60000)) p.delay = std::chrono::milliseconds(*n);
  const auto pairs = root["pairs"];
  if (!pairs || !pairs.IsSequence() || pairs.size() == 0) throw fail(root, "'pairs' must be a non-empty list of [user, password]");
  for (const auto& pair : pairs) {
    if (!pair.IsSequence() || pair.size() != 2 || !pair[0].IsScalar() || !pair[1].IsScalar())
      throw fail(pair, "each pair is [user, password]");
    const auto user = pair[0].Scalar(), pass = pair[1].Scalar();
    const auto bad = [](const std::string& s) { return s.find_first_of("\r\n", 0) != std::string::npos || s.size() > 128; };
    if (user.empty() || bad(user) || bad(pass)) throw fail(pair, "user names must be non-empty; no CR/LF; at most 128 bytes");
    p.pairs.push_back({user, pass});
  }
  return p;
}

const CredentialPolicy& builtin_credentials() {
  static const CredentialPolicy p = [] {
    auto policy = parse_credentials(builtin_credential_texts().at("defaults"), "builtin:defaults.yaml");
    policy.forms = builtin_form_descriptions();
    return policy;
  }();
  return p;
}

CredentialPolicy load_credentials_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ProfileError("cannot read credentials file '" + path + "'");
  std::ostringstream text;
  text << in.rdbuf();
  auto policy = parse_credentials(text.str(), path);
  policy.forms = builtin_form_descriptions();
  return policy;
}

}  // namespace trustscan
