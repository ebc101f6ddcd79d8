// trustscan — credential lists (profiles/credentials/defaults.yaml format): the loader. Pure (no
// Asio): moved out of credentials.cpp unchanged so the clang fuzz build can compile it.
#include "scanner/credentials/credential_list.hpp"

#include "scanner/config/builtin_texts.hpp"
#include "trustscan/profile.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>

namespace trustscan {


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
    if (key != "pairs" && key != "max_attempts" && key != "delay_ms" && key != "throttle_attempts" && key != "parallel" &&
        key != "protocols")
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
  const auto read_pairs = [&](const YAML::Node& parent, std::vector<CredentialPair>& out) {
    const auto pairs = parent["pairs"];
    if (!pairs || !pairs.IsSequence() || pairs.size() == 0)
      throw fail(pairs ? pairs : parent, "'pairs' must be a non-empty list of [user, password]");
    for (const auto& pair : pairs) {
      if (!pair.IsSequence() || pair.size() != 2 || !pair[0].IsScalar() || !pair[1].IsScalar())
        throw fail(pair, "each pair is [user, password]");
      const auto user = pair[0].Scalar(), pass = pair[1].Scalar();
      const auto bad = [](const std::string& s) { return s.find_first_of("\r\n", 0) != std::string::npos || s.size() > 128; };
      if (user.empty() || bad(user) || bad(pass)) throw fail(pair, "user names must be non-empty; no CR/LF; at most 128 bytes");
      out.push_back({user, pass});
    }
  };
  read_pairs(root, p.pairs);
  // protocols: { telnet: { max_attempts: N, pairs: [...] }, ... }: more pairs for one protocol.
  if (const auto protocols = root["protocols"]) {
    if (!protocols.IsMap()) throw fail(protocols, "'protocols' maps a protocol name to its own pairs");
    for (const auto& kv : protocols) {
      const auto name = kv.first.as<std::string>("");
      if (std::find(kCredentialProtocols.begin(), kCredentialProtocols.end(), name) == kCredentialProtocols.end())
      {
        std::string known;
        for (const auto proto : kCredentialProtocols) known += (known.empty() ? "" : ", ") + std::string(proto);
        throw fail(kv.first, "unknown protocol '" + name + "' (one of " + known + ")");
      }
      const auto& entry = kv.second;
      if (!entry.IsMap()) throw fail(entry, "protocol '" + name + "' needs 'pairs' and may set 'max_attempts'");
      for (const auto& inner : entry) {
        const auto k = inner.first.as<std::string>("");
        if (k != "pairs" && k != "max_attempts") throw fail(inner.first, "unknown key '" + k + "'");
      }
      ProtocolCredentials list;
      if (const auto m = entry["max_attempts"]) {
        const int n = m.as<int>(0);
        if (n < 1 || n > 200) throw fail(m, "max_attempts must be 1-200");
        list.max_attempts = static_cast<std::size_t>(n);
      }
      read_pairs(entry, list.pairs);
      p.protocols[name] = std::move(list);
    }
  }
  return p;
}

std::vector<CredentialPair> pairs_for(const CredentialPolicy& policy, std::string_view protocol) {
  const auto it = policy.protocols.find(std::string(protocol));
  std::size_t cap = policy.max_attempts;
  if (it != policy.protocols.end() && it->second.max_attempts != 0) cap = it->second.max_attempts;
  if (policy.max_override != 0) cap = policy.max_override;
  std::vector<CredentialPair> out;
  const auto add = [&](const std::vector<CredentialPair>& list) {
    for (const auto& pair : list) {
      if (out.size() >= cap) return;
      const bool seen = std::any_of(out.begin(), out.end(), [&](const CredentialPair& q) {
        return q.user == pair.user && q.password == pair.password;
      });
      if (!seen) out.push_back(pair);
    }
  };
  add(policy.pairs);
  if (it != policy.protocols.end()) add(it->second.pairs);
  return out;
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
