// trustscan — the compromised device key list (scanner/config/compromised_keys.hpp).
#include "scanner/config/compromised_keys.hpp"

#include "scanner/config/builtin_texts.hpp"
#include "scanner/config/yaml_util.hpp"

#include <algorithm>
#include <cctype>
#include <set>

namespace trustscan {

namespace {

// "AB:CD:…" or "abcd…" → "abcd…"; "" when it is not 32 bytes of hex.
std::string normal_fingerprint(const std::string& text) {
  std::string hex;
  for (const char c : text) {
    if (c == ':') continue;
    if (!std::isxdigit(static_cast<unsigned char>(c))) return {};
    hex += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return hex.size() == 64 ? hex : std::string();
}

}  // namespace

CompromisedKeys parse_compromised_keys(const std::string& text_in, const std::string& origin) {
  const YAML::Node root = yaml_load(text_in, origin);
  if (!root.IsMap() || !root["keys"]) throw ProfileError(origin + ":1: a compromised-key list is a mapping with the key 'keys'");
  only_keys(origin, root, {"keys"}, "compromised-key list");
  const YAML::Node list = root["keys"];
  if (!list.IsSequence()) yaml_fail(origin, list, "'keys' is a list of entries (name, source, spki_sha256 and/or cert_sha256)");
  if (list.size() > kMaxCompromisedKeys)
    yaml_fail(origin, list, "more than " + std::to_string(kMaxCompromisedKeys) + " entries");
  CompromisedKeys out;
  out.origins.push_back(origin);
  std::set<std::string> seen;
  for (const auto& e : list) {
    if (!e.IsMap()) yaml_fail(origin, e, "an entry is a mapping (name, source, spki_sha256, cert_sha256)");
    only_keys(origin, e, {"name", "source", "spki_sha256", "cert_sha256"}, "entry");
    CompromisedKey k;
    k.name = yaml_text(origin, e, "name", true);
    k.source = yaml_text(origin, e, "source", true);
    for (auto [field, to] : {std::pair{"spki_sha256", &k.spki_sha256}, {"cert_sha256", &k.cert_sha256}}) {
      const std::string text = yaml_text(origin, e, field, false);
      if (text.empty()) continue;
      *to = normal_fingerprint(text);
      if (to->empty()) yaml_fail(origin, e[field], std::string("'") + field + "' must be a SHA-256: 64 hex digits, colons allowed");
      if (!seen.insert(*to).second) yaml_fail(origin, e[field], "fingerprint " + *to + " is listed twice");
    }
    if (k.spki_sha256.empty() && k.cert_sha256.empty())
      yaml_fail(origin, e, "entry '" + k.name + "' has no fingerprint (spki_sha256 or cert_sha256)");
    out.keys.push_back(std::move(k));
  }
  return out;
}

const CompromisedKeys& builtin_compromised_keys() {
  static const CompromisedKeys list =
      parse_compromised_keys(builtin_data_texts().at("compromised-keys"), "builtin:compromised-keys");
  return list;
}

CompromisedKeys merged_compromised_keys(const CompromisedKeys& more) {
  CompromisedKeys out = builtin_compromised_keys();
  std::set<std::string> seen;
  for (const auto& k : out.keys)
    for (const auto* f : {&k.spki_sha256, &k.cert_sha256})
      if (!f->empty()) seen.insert(*f);
  for (const auto& k : more.keys) {
    const bool known = (!k.spki_sha256.empty() && seen.count(k.spki_sha256)) || (!k.cert_sha256.empty() && seen.count(k.cert_sha256));
    if (!known) out.keys.push_back(k);
  }
  out.origins.insert(out.origins.end(), more.origins.begin(), more.origins.end());
  return out;
}

std::vector<const CompromisedKey*> find_compromised(const CompromisedKeys& list, const std::vector<std::string>& spkis,
                                                    const std::vector<std::string>& certs) {
  auto in = [](const std::vector<std::string>& v, const std::string& f) {
    return !f.empty() && std::find(v.begin(), v.end(), f) != v.end();
  };
  std::vector<const CompromisedKey*> out;
  for (const auto& k : list.keys)
    if (in(spkis, k.spki_sha256) || in(certs, k.cert_sha256)) out.push_back(&k);
  return out;
}

}  // namespace trustscan
