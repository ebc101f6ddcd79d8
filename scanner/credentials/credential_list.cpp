// trustscan — credential lists (profiles/credentials/defaults.yaml format): the loader. Pure (no
// Asio): moved out of credentials.cpp unchanged so the clang fuzz build can compile it.
#include "scanner/credentials/credential_list.hpp"

#include "scanner/config/builtin_texts.hpp"
#include "trustscan/profile.hpp"
#include "trustscan/text.hpp"

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
        key != "protocols" && key != "vendors")
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
  // vendors: [{name, match: [substrings], protocols: [..], pairs: [...]}]: defaults one vendor
  // shipped, tried where identification names it.
  if (const auto vendors = root["vendors"]) {
    if (!vendors.IsSequence()) throw fail(vendors, "'vendors' is a list of {name, match, pairs}");
    for (const auto& entry : vendors) {
      if (!entry.IsMap()) throw fail(entry, "a vendor is {name, match, pairs} with optional protocols");
      for (const auto& inner : entry) {
        const auto k = inner.first.as<std::string>("");
        if (k != "name" && k != "match" && k != "protocols" && k != "pairs") throw fail(inner.first, "unknown key '" + k + "'");
      }
      VendorCredentials v;
      v.where = origin + ":" + std::to_string(entry.Mark().line + 1);
      if (!entry["name"] || !entry["name"].IsScalar() || entry["name"].Scalar().empty()) throw fail(entry, "a vendor needs a 'name'");
      v.name = entry["name"].Scalar();
      const auto strings = [&](const char* key, std::vector<std::string>& out) {
        const auto node = entry[key];
        if (!node) return;
        if (!node.IsSequence() || node.size() == 0) throw fail(node, std::string("'") + key + "' must be a non-empty list");
        for (const auto& x : node) {
          if (!x.IsScalar() || x.Scalar().size() < 3 || x.Scalar().size() > 64)
            throw fail(x, std::string("each '") + key + "' entry is a string of 3-64 bytes");
          out.push_back(x.Scalar());
        }
      };
      if (!entry["match"]) throw fail(entry, "vendor '" + v.name + "' needs 'match' (what identification shows of it)");
      strings("match", v.match);
      for (auto& m : v.match) m = ascii_lower(m);
      strings("protocols", v.protocols);
      for (const auto& proto : v.protocols)
        if (std::find(kCredentialProtocols.begin(), kCredentialProtocols.end(), proto) == kCredentialProtocols.end())
          throw fail(entry["protocols"], "unknown protocol '" + proto + "'");
      read_pairs(entry, v.pairs);
      p.vendors.push_back(std::move(v));
    }
  }
  return p;
}

namespace {

bool applies_to(const VendorCredentials& v, std::string_view protocol) {
  return v.protocols.empty() || std::find(v.protocols.begin(), v.protocols.end(), protocol) != v.protocols.end();
}

}  // namespace

PairPlan plan_pairs(const CredentialPolicy& policy, std::string_view protocol, const std::vector<IdentifyingText>& facts) {
  const auto it = policy.protocols.find(std::string(protocol));
  std::size_t cap = policy.max_attempts;
  if (it != policy.protocols.end() && it->second.max_attempts != 0) cap = it->second.max_attempts;
  PairPlan plan;
  const auto add = [&](const std::vector<CredentialPair>& list, std::size_t limit) {
    std::size_t added = 0;
    for (const auto& pair : list) {
      if (plan.pairs.size() >= limit) break;
      const bool seen = std::any_of(plan.pairs.begin(), plan.pairs.end(), [&](const CredentialPair& q) {
        return q.user == pair.user && q.password == pair.password;
      });
      if (!seen) {
        plan.pairs.push_back(pair);
        ++added;
      }
    }
    return added;
  };
  const std::size_t limit = policy.max_override != 0 ? policy.max_override : cap;
  const std::size_t general = add(policy.pairs, limit);
  std::string vendors;
  std::size_t vendor_limit = limit;
  for (const auto& v : policy.vendors) {
    if (!applies_to(v, protocol)) continue;
    std::string why;
    for (const auto& f : facts) {
      for (const auto& m : v.match)
        if (icontains(f.text, m)) {
          why = "'" + m + "' in " + f.key;
          break;
        }
      if (!why.empty()) break;
    }
    if (why.empty()) continue;
    // A vendor's pairs come on top of the generic budget (unless --creds-max caps it all).
    if (policy.max_override == 0) vendor_limit += v.pairs.size();
    const auto n = add(v.pairs, vendor_limit);
    vendors += " + " + std::to_string(n) + " for " + v.name + " (" + why + ")";
  }
  const std::size_t own = it != policy.protocols.end() ? add(it->second.pairs, vendor_limit) : 0;
  plan.description = std::to_string(general) + " general" + vendors +
                     (own > 0 ? " + " + std::to_string(own) + " for " + std::string(protocol) : std::string()) + " from " +
                     policy.origin;
  return plan;
}

std::vector<CredentialPair> pairs_for(const CredentialPolicy& policy, std::string_view protocol) {
  return plan_pairs(policy, protocol, {}).pairs;
}

std::size_t vendor_pair_bound(const CredentialPolicy& policy, std::string_view protocol) {
  std::size_t n = 0;
  for (const auto& v : policy.vendors)
    if (applies_to(v, protocol)) n += v.pairs.size();
  return n;
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
