// trustscan — profile loading: YAML → a frozen Profile, every error with file:line.
#include "scanner/checks/check_yaml.hpp"
#include "scanner/config/builtin_texts.hpp"
#include "scanner/engine/targets.hpp"
#include "scanner/config/yaml_util.hpp"
#include "scanner/policy/crypto_policy.hpp"
#include "trustscan/check.hpp"
#include "trustscan/profile.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <cstring>
#include <sstream>

namespace trustscan {


namespace {

std::string scalar(const std::string& origin, const YAML::Node& map, const char* key, bool required) {
  return yaml_text(origin, map, key, required);
}

std::vector<std::uint16_t> port_list(const std::string& origin, const YAML::Node& node, const char* which) {
  if (!node.IsSequence()) yaml_fail(origin, node, std::string("ports.") + which + " must be a list of ports or ranges");
  std::string spec;
  for (const auto& item : node) {
    if (!item.IsScalar()) yaml_fail(origin, item, std::string("ports.") + which + " entries must be numbers or 'A-B' ranges");
    if (item.Scalar().find(':') != std::string::npos)
      yaml_fail(origin, item, std::string("ports.") + which + " entries take no T:/U: prefix");
    try {
      (void)parse_port_spec(item.Scalar());
    } catch (const InputError& e) {
      yaml_fail(origin, item, e.what());
    }
    spec += (spec.empty() ? "" : ",") + item.Scalar();
  }
  if (spec.empty()) return {};
  return parse_port_spec(spec).tcp;
}

void parse_outcomes(const std::string& origin, const YAML::Node& list, Profile& p) {
  if (!list.IsSequence()) yaml_fail(origin, list, "'outcomes' must be a list");
  std::set<std::string> known_checks;
  const auto all_checks = checks_of(p);
  for (const auto* c : all_checks) known_checks.insert(std::string(c->id()));
  static const std::map<std::string, OutcomeLevel> levels = {{"required", OutcomeLevel::required},
                                                             {"required-if-applicable", OutcomeLevel::required_if_applicable},
                                                             {"recommended", OutcomeLevel::recommended},
                                                             {"informational", OutcomeLevel::informational}};
  std::set<std::string> seen;
  for (const auto& n : list) {
    if (!n.IsMap()) yaml_fail(origin, n, "each outcome is a mapping (id, title, level, checks, attestation)");
    for (const auto& kv : n) {
      const auto key = kv.first.as<std::string>("");
      if (key != "id" && key != "title" && key != "level" && key != "checks" && key != "attestation")
        yaml_fail(origin, kv.first, "unknown outcome key '" + key + "' (known: id, title, level, checks, attestation)");
    }
    ProfileOutcome o;
    o.line = n.Mark().line + 1;
    o.id = scalar(origin, n, "id", true);
    o.title = scalar(origin, n, "title", true);
    if (!seen.insert(o.id).second) yaml_fail(origin, n, "duplicate outcome '" + o.id + "'");
    if (n["level"]) {
      const auto it = levels.find(n["level"].Scalar());
      if (it == levels.end())
        yaml_fail(origin, n["level"], "level must be required, required-if-applicable, recommended or informational");
      o.level = it->second;
    }
    if (n["attestation"]) o.attestation = scalar(origin, n, "attestation", false);
    if (const auto checks = n["checks"]) {
      if (!checks.IsSequence()) yaml_fail(origin, checks, "'checks' must be a list of check ids");
      for (const auto& c : checks) {
        if (!known_checks.count(c.Scalar())) yaml_fail(origin, c, "unknown check '" + c.Scalar() + "' (see: trustscan checks list)");
        o.checks.push_back(c.Scalar());
      }
    } else {
      // Checks as data: every check whose outcome mapping names this outcome evidences it.
      for (const auto* c : all_checks) {
        const auto info = c->info();
        if (std::find(info.outcomes.begin(), info.outcomes.end(), o.id) != info.outcomes.end()) o.checks.push_back(info.id);
      }
    }
    if (o.checks.empty() && o.attestation.empty())
      yaml_fail(origin, n, "outcome '" + o.id + "' has no check and no attestation: it could never be judged");
    p.outcomes.push_back(std::move(o));
  }
}

void parse_scoring(const std::string& origin, const YAML::Node& n, Profile& p) {
  if (!n.IsMap()) yaml_fail(origin, n, "'scoring' must be a mapping (weights, grades)");
  for (const auto& kv : n) {
    const auto key = kv.first.as<std::string>("");
    if (key != "weights" && key != "grades") yaml_fail(origin, kv.first, "unknown scoring key '" + key + "' (known: weights, grades)");
  }
  static const std::map<std::string, Severity> sev = {{"critical", Severity::critical}, {"high", Severity::high},
                                                      {"medium", Severity::medium},     {"low", Severity::low},
                                                      {"info", Severity::info}};
  if (const auto w = n["weights"]) {
    if (!w.IsMap()) yaml_fail(origin, w, "'weights' maps severities to numbers");
    for (const auto& kv : w) {
      const auto it = sev.find(kv.first.as<std::string>(""));
      if (it == sev.end()) yaml_fail(origin, kv.first, "weights are per severity: critical, high, medium, low, info");
      const double v = kv.second.as<double>(-1);
      if (v < 0 || v > 1000) yaml_fail(origin, kv.second, "a weight is a number from 0 to 1000");
      p.weights[it->second] = v;
    }
  }
  if (const auto g = n["grades"]) {
    if (!g.IsMap()) yaml_fail(origin, g, "'grades' maps letters to minimum scores");
    p.grades.clear();
    for (const auto& kv : g) {
      const double v = kv.second.as<double>(-1);
      if (v < 0 || v > 100) yaml_fail(origin, kv.second, "a grade's minimum score is 0-100");
      p.grades.emplace_back(kv.first.as<std::string>(""), v);
    }
    std::sort(p.grades.begin(), p.grades.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  }
}

}  // namespace

Profile parse_profile(const std::string& yaml_text, const std::string& origin) {
  const YAML::Node root = yaml_load(yaml_text, origin);
  if (!root.IsMap()) throw ProfileError(origin + ":1: a profile must be a YAML mapping (id, version, title, ports…)");

  static const std::set<std::string> known = {"id",     "version",  "title",   "source",      "ports",
                                              "checks", "outcomes", "scoring", "credentials", "crypto_policy"};
  for (const auto& kv : root) {
    const auto key = kv.first.as<std::string>("");
    if (!known.count(key))
      yaml_fail(origin, kv.first, "unknown key '" + key + "' (known: id, version, title, source, ports, checks, outcomes, scoring, credentials, crypto_policy)");
  }

  Profile p;
  p.origin = origin;
  p.id = scalar(origin, root, "id", true);
  p.version = scalar(origin, root, "version", true);
  p.title = scalar(origin, root, "title", true);
  p.source = scalar(origin, root, "source", false);
  if (const auto ports = root["ports"]) {
    if (!ports.IsMap()) yaml_fail(origin, ports, "'ports' must be a mapping with 'tcp' and/or 'udp' lists");
    for (const auto& kv : ports) {
      const auto key = kv.first.as<std::string>("");
      if (key != "tcp" && key != "udp") yaml_fail(origin, kv.first, "unknown key 'ports." + key + "' (known: tcp, udp)");
    }
    if (ports["tcp"]) p.ports.tcp = port_list(origin, ports["tcp"], "tcp");
    if (ports["udp"]) p.ports.udp = port_list(origin, ports["udp"], "udp");
  }
  if (p.ports.tcp.empty() && p.ports.udp.empty()) yaml_fail(origin, root, "the profile names no ports to scan ('ports')");
  if (const auto checks = root["checks"]) {
    std::set<std::string> builtin;
    for (const auto& c : builtin_checks()) builtin.insert(std::string(c->id()));
    auto own = parse_yaml_checks(checks, origin);
    for (std::size_t i = 0; i < own.size(); ++i) {
      if (builtin.count(std::string(own[i]->id())))
        yaml_fail(origin, checks[i], "check '" + std::string(own[i]->id()) + "' is built in; give the profile's own check another id");
      p.own_checks.push_back(std::move(own[i]));
    }
  }
  if (const auto outcomes = root["outcomes"]) parse_outcomes(origin, outcomes, p);
  if (const auto scoring = root["scoring"]) parse_scoring(origin, scoring, p);
  if (const auto creds = root["credentials"]) {
    if (!creds.IsMap()) yaml_fail(origin, creds, "'credentials' must be a mapping (min_pairs)");
    for (const auto& kv : creds)
      if (kv.first.as<std::string>("") != "min_pairs")
        yaml_fail(origin, kv.first, "unknown key 'credentials." + kv.first.as<std::string>("") + "' (known: min_pairs)");
    if (const auto n = creds["min_pairs"]) {
      const int v = n.as<int>(-1);
      if (v < 1 || v > 200) yaml_fail(origin, n, "credentials.min_pairs must be 1-200");
      p.min_credential_pairs = static_cast<std::size_t>(v);
    }
  }
  if (const auto cp = root["crypto_policy"]) {
    if (cp.IsScalar() && !cp.Scalar().empty()) {
      p.crypto_policy_names.push_back(cp.Scalar());
    } else if (cp.IsSequence() && cp.size() > 0 && cp.size() <= 8) {
      for (const auto& n : cp) {
        if (!n.IsScalar() || n.Scalar().empty()) yaml_fail(origin, n, "crypto_policy entries are policy ids or paths");
        p.crypto_policy_names.push_back(n.Scalar());
      }
    } else {
      yaml_fail(origin, cp, "crypto_policy is a policy id or path, or a list of 1 to 8 of them");
    }
    try {
      p.crypto_policy = std::make_shared<const CryptoPolicy>(resolve_crypto_policy(p.crypto_policy_names));
    } catch (const ProfileError& e) {
      yaml_fail(origin, cp, e.what());
    }
  } else {
    p.crypto_policy_names.assign(std::begin(kDefaultCryptoPolicy), std::end(kDefaultCryptoPolicy));
    p.crypto_policy = std::shared_ptr<const CryptoPolicy>(&default_crypto_policy(), [](const CryptoPolicy*) {});
  }
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
  return parse_profile(read_config_file(id_or_path, "profile"), id_or_path);
}

std::vector<const Check*> checks_of(const Profile& profile) {
  std::vector<const Check*> out;
  for (const auto& c : builtin_checks()) out.push_back(c.get());
  for (const auto& c : profile.own_checks) out.push_back(c.get());
  return out;
}

std::vector<std::string> builtin_profile_ids() {
  std::vector<std::string> ids;
  for (const auto& [id, text] : builtin_profile_texts()) ids.push_back(id);
  return ids;
}

}  // namespace trustscan
