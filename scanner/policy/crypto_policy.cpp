// trustscan — crypto policies: the loader (YAML → CryptoPolicyFile, every error with file:line),
// composition, matching and the pinned-policy writer. Schema: docs/crypto-policies.md.
#include "scanner/policy/crypto_policy.hpp"

#include "scanner/config/builtin_texts.hpp"
#include "scanner/config/yaml_util.hpp"
#include "probes/ssh/ssh.hpp"
#include "probes/ssh/ssh_keys.hpp"
#include "probes/tls/tls_keys.hpp"
#include "trustscan/check.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <set>

namespace trustscan {

namespace {

constexpr std::size_t kMaxNames = 1024;       // names in one rule
constexpr std::size_t kMaxNameLength = 200;   // characters in one name or pattern
constexpr std::size_t kMaxRules = 256;        // rules in one forbid/require list

const char* const kVersions[] = {"SSLv2", "SSLv3", "TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3"};

PolicyRule parse_rule(const std::string& origin, const YAML::Node& n, const std::string& where, bool versions) {
  if (!n.IsMap()) yaml_fail(origin, n, where + " must be a mapping (names, source, why)");
  only_keys(origin, n, {"names", "source", "why"}, where);
  PolicyRule r;
  r.line = n.Mark().line + 1;
  const auto names = n["names"];
  if (!names) yaml_fail(origin, n, where + ": missing required key 'names'");
  if (!names.IsSequence() || names.size() == 0) yaml_fail(origin, names, where + ".names must be a non-empty list");
  if (names.size() > kMaxNames) yaml_fail(origin, names, where + ".names has more than 1024 entries");
  for (const auto& x : names) {
    if (!x.IsScalar() || x.Scalar().empty() || x.Scalar().size() > kMaxNameLength)
      yaml_fail(origin, x, where + ".names entries are non-empty strings of at most 200 characters");
    if (versions && std::find(std::begin(kVersions), std::end(kVersions), x.Scalar()) == std::end(kVersions))
      yaml_fail(origin, x, "unknown protocol version '" + x.Scalar() + "' (known: SSLv2, SSLv3, TLSv1.0, TLSv1.1, TLSv1.2, TLSv1.3)");
    r.names.push_back(x.Scalar());
  }
  r.source = yaml_text(origin, n, "source", true);
  r.why = yaml_text(origin, n, "why", false);
  return r;
}

std::vector<PolicyRule> parse_rules(const std::string& origin, const YAML::Node& n, const std::string& where, bool versions) {
  if (!n.IsSequence()) yaml_fail(origin, n, where + " must be a list of rules (names, source, why)");
  if (n.size() > kMaxRules) yaml_fail(origin, n, where + " has more than 256 rules");
  std::vector<PolicyRule> out;
  for (const auto& r : n) out.push_back(parse_rule(origin, r, where, versions));
  return out;
}

NameRules parse_name_rules(const std::string& origin, const YAML::Node& n, const std::string& where) {
  if (!n.IsMap()) yaml_fail(origin, n, where + " must be a mapping (allow, forbid)");
  only_keys(origin, n, {"allow", "forbid"}, where);
  NameRules r;
  if (const auto a = n["allow"]) r.allow = parse_rule(origin, a, where + ".allow", false);
  if (const auto f = n["forbid"]) r.forbid = parse_rules(origin, f, where + ".forbid", false);
  if (r.empty()) yaml_fail(origin, n, where + " has neither 'allow' nor 'forbid'");
  return r;
}

Limit parse_limit(const std::string& origin, const YAML::Node& n, const std::string& where, const char* bound) {
  if (!n.IsMap()) yaml_fail(origin, n, where + " must be a mapping (" + bound + ", source, why)");
  only_keys(origin, n, {bound, "source", "why"}, where);
  Limit l;
  const auto v = n[bound];
  if (!v) yaml_fail(origin, n, where + ": missing required key '" + bound + "'");
  l.value = v.IsScalar() ? v.as<long>(-1) : -1;
  if (l.value < 1 || l.value > 1'000'000) yaml_fail(origin, v, where + "." + bound + " must be a number from 1 to 1000000");
  l.source = yaml_text(origin, n, "source", true);
  l.why = yaml_text(origin, n, "why", false);
  return l;
}

std::optional<PolicyRule> parse_flag_rule(const std::string& origin, const YAML::Node& n, const std::string& where) {
  if (!n.IsMap()) yaml_fail(origin, n, where + " must be a mapping (source, why)");
  only_keys(origin, n, {"source", "why"}, where);
  PolicyRule r;
  r.line = n.Mark().line + 1;
  r.source = yaml_text(origin, n, "source", true);
  r.why = yaml_text(origin, n, "why", false);
  return r;
}

TlsRules parse_tls(const std::string& origin, const YAML::Node& n) {
  if (!n.IsMap()) yaml_fail(origin, n, "'tls' must be a mapping");
  only_keys(origin, n, {"versions", "suites", "forward_secrecy", "compression", "key_sizes", "certificate"}, "tls");
  TlsRules t;
  if (const auto v = n["versions"]) {
    if (!v.IsMap()) yaml_fail(origin, v, "tls.versions must be a mapping (forbid, require)");
    only_keys(origin, v, {"forbid", "require"}, "tls.versions");
    if (v["forbid"]) t.forbid_versions = parse_rules(origin, v["forbid"], "tls.versions.forbid", true);
    if (v["require"]) t.require_versions = parse_rules(origin, v["require"], "tls.versions.require", true);
  }
  if (const auto s = n["suites"]) t.suites = parse_name_rules(origin, s, "tls.suites");
  if (const auto f = n["forward_secrecy"]) t.forward_secrecy = parse_flag_rule(origin, f, "tls.forward_secrecy");
  if (const auto c = n["compression"]) t.no_compression = parse_flag_rule(origin, c, "tls.compression");
  if (const auto k = n["key_sizes"]) {
    if (!k.IsMap()) yaml_fail(origin, k, "tls.key_sizes must be a mapping (rsa, dh, ecdhe)");
    only_keys(origin, k, {"rsa", "dh", "ecdhe"}, "tls.key_sizes");
    if (k["rsa"]) t.min_rsa_bits = parse_limit(origin, k["rsa"], "tls.key_sizes.rsa", "min");
    if (k["dh"]) t.min_dh_bits = parse_limit(origin, k["dh"], "tls.key_sizes.dh", "min");
    if (k["ecdhe"]) t.min_ecdhe_bits = parse_limit(origin, k["ecdhe"], "tls.key_sizes.ecdhe", "min");
  }
  if (const auto c = n["certificate"]) {
    if (!c.IsMap()) yaml_fail(origin, c, "tls.certificate must be a mapping (signatures, rsa, ec, lifetime_days)");
    only_keys(origin, c, {"signatures", "rsa", "ec", "lifetime_days"}, "tls.certificate");
    if (c["signatures"]) t.cert_signatures = parse_name_rules(origin, c["signatures"], "tls.certificate.signatures");
    if (c["rsa"]) t.cert_min_rsa_bits = parse_limit(origin, c["rsa"], "tls.certificate.rsa", "min");
    if (c["ec"]) t.cert_min_ec_bits = parse_limit(origin, c["ec"], "tls.certificate.ec", "min");
    if (c["lifetime_days"]) t.cert_max_lifetime_days = parse_limit(origin, c["lifetime_days"], "tls.certificate.lifetime_days", "max");
  }
  return t;
}

SshRules parse_ssh(const std::string& origin, const YAML::Node& n) {
  if (!n.IsMap()) yaml_fail(origin, n, "'ssh' must be a mapping");
  only_keys(origin, n, {"kex", "host_keys", "ciphers", "macs", "host_key_sizes", "gex_prime_bits"}, "ssh");
  SshRules s;
  if (n["kex"]) s.kex = parse_name_rules(origin, n["kex"], "ssh.kex");
  if (n["host_keys"]) s.host_keys = parse_name_rules(origin, n["host_keys"], "ssh.host_keys");
  if (n["ciphers"]) s.ciphers = parse_name_rules(origin, n["ciphers"], "ssh.ciphers");
  if (n["macs"]) s.macs = parse_name_rules(origin, n["macs"], "ssh.macs");
  if (const auto k = n["host_key_sizes"]) {
    if (!k.IsMap()) yaml_fail(origin, k, "ssh.host_key_sizes must be a mapping (rsa, dsa, ecdsa, ed25519)");
    only_keys(origin, k, {"rsa", "dsa", "ecdsa", "ed25519"}, "ssh.host_key_sizes");
    for (const auto& kv : k) {
      const auto type = kv.first.as<std::string>("");
      s.min_host_key_bits[type] = parse_limit(origin, kv.second, "ssh.host_key_sizes." + type, "min");
    }
  }
  if (const auto g = n["gex_prime_bits"]) s.min_gex_prime_bits = parse_limit(origin, g, "ssh.gex_prime_bits", "min");
  return s;
}

std::vector<std::string> split_names(const std::vector<std::string>& names) {
  std::vector<std::string> out;
  for (const auto& n : names) {
    std::size_t start = 0;
    while (start <= n.size()) {
      const auto comma = n.find(',', start);
      const auto part = n.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      if (!part.empty()) out.push_back(part);
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  return out;
}

}  // namespace

bool glob_match(std::string_view p, std::string_view t) noexcept {
  // Iterative matcher with one backtrack point: linear in practice, no recursion.
  std::size_t pi = 0, ti = 0, star = std::string_view::npos, mark = 0;
  while (ti < t.size()) {
    if (pi < p.size() && (p[pi] == '?' || p[pi] == t[ti])) {
      ++pi, ++ti;
    } else if (pi < p.size() && p[pi] == '*') {
      star = pi++;
      mark = ti;
    } else if (star != std::string_view::npos) {
      pi = star + 1;
      ti = ++mark;
    } else {
      return false;
    }
  }
  while (pi < p.size() && p[pi] == '*') ++pi;
  return pi == p.size();
}

bool PolicyRule::matches(std::string_view name) const noexcept {
  return std::any_of(names.begin(), names.end(), [&](const std::string& p) { return glob_match(p, name); });
}

CryptoPolicyFile parse_crypto_policy(const std::string& text, const std::string& origin) {
  const YAML::Node root = yaml_load(text, origin);
  if (!root.IsMap()) throw ProfileError(origin + ":1: a crypto policy must be a YAML mapping (id, title, document, tls, ssh)");
  only_keys(origin, root, {"id", "title", "document", "url", "provenance", "tls", "ssh"}, "crypto policy");
  CryptoPolicyFile f;
  f.origin = origin;
  f.id = yaml_text(origin, root, "id", true);
  f.title = yaml_text(origin, root, "title", true);
  f.document = yaml_text(origin, root, "document", true);
  f.url = yaml_text(origin, root, "url", false);
  f.provenance = yaml_text(origin, root, "provenance", false);
  if (const auto t = root["tls"]) f.tls = parse_tls(origin, t);
  if (const auto s = root["ssh"]) f.ssh = parse_ssh(origin, s);
  if (!f.tls && !f.ssh) yaml_fail(origin, root, "the policy has neither 'tls' nor 'ssh' rules");
  return f;
}

CryptoPolicyFile load_crypto_policy_file(const std::string& id_or_path) {
  const auto& builtin = builtin_crypto_policy_texts();
  if (const auto it = builtin.find(id_or_path); it != builtin.end())
    return parse_crypto_policy(it->second, "builtin:" + id_or_path);
  const bool looks_like_path = id_or_path.find('/') != std::string::npos || id_or_path.ends_with(".yaml") ||
                               id_or_path.ends_with(".yml");
  if (!looks_like_path) {
    std::string ids;
    for (const auto& [id, text] : builtin) ids += (ids.empty() ? "" : ", ") + id;
    throw ProfileError("unknown crypto policy '" + id_or_path + "' (built-in: " + ids + "; or give a path to a .yaml file)");
  }
  return parse_crypto_policy(read_config_file(id_or_path, "crypto policy"), id_or_path);
}

std::string CryptoPolicy::name() const {
  if (tls && ssh && tls != ssh) return tls->id + " + " + ssh->id;
  return tls ? tls->id : ssh ? ssh->id : "none";
}

CryptoPolicy resolve_crypto_policy(const std::vector<std::string>& names) {
  CryptoPolicy p;
  for (const auto& name : split_names(names)) {
    auto f = std::make_shared<const CryptoPolicyFile>(load_crypto_policy_file(name));
    if (!p.tls && f->tls) p.tls = f;
    if (!p.ssh && f->ssh) p.ssh = f;
    p.files.push_back(std::move(f));
  }
  if (p.files.empty()) throw ProfileError("no crypto policy named");
  return p;
}

CryptoPolicy override_crypto_policy(const CryptoPolicy& base, const CryptoPolicy& over) {
  CryptoPolicy p = over;
  if (!p.tls) p.tls = base.tls;
  if (!p.ssh) p.ssh = base.ssh;
  for (const auto& f : base.files)
    if ((f == p.tls || f == p.ssh) && std::find(p.files.begin(), p.files.end(), f) == p.files.end()) p.files.push_back(f);
  return p;
}

std::vector<std::string> builtin_crypto_policy_ids() {
  std::vector<std::string> ids;
  for (const auto& [id, text] : builtin_crypto_policy_texts()) ids.push_back(id);
  return ids;
}

const CryptoPolicy& default_crypto_policy() {
  static const CryptoPolicy p =
      resolve_crypto_policy(std::vector<std::string>(std::begin(kDefaultCryptoPolicy), std::end(kDefaultCryptoPolicy)));
  return p;
}

std::vector<PolicyViolation> judge_names(const NameRules& rules, const std::vector<std::string>& offered) {
  std::vector<PolicyViolation> out;
  std::set<std::string> seen;
  for (const auto& name : offered) {
    if (!seen.insert(name).second) continue;
    const PolicyRule* hit = nullptr;
    for (const auto& r : rules.forbid)
      if (r.matches(name)) {
        hit = &r;
        break;
      }
    if (hit) out.push_back({name, hit, false});
    else if (rules.allow && !rules.allow->matches(name)) out.push_back({name, &*rules.allow, true});
  }
  return out;
}

std::string cite_rule(const CryptoPolicyFile& file, std::string_view source) {
  // "NIST SP 800-52 Rev. 2 §3.1", but "trustscan baseline, RFC 8996 §4": a source that is a
  // section of the document follows it; one that names another text is set apart.
  const bool section = source.starts_with("§") || source.starts_with("Table");
  return file.document + (section ? " " : ", ") + std::string(source) + " (policy " + file.id + ")";
}

std::string describe_violation(const CryptoPolicyFile& file, const PolicyViolation& v) {
  std::string s = v.name + (v.not_allowed ? " not on the allowed list of " : " forbidden by ") + cite_rule(file, v.rule->source);
  if (!v.not_allowed && !v.rule->why.empty()) s += ": " + v.rule->why;
  return s;
}

ObservedCrypto observed_crypto(const DeviceFacts& device) {
  ObservedCrypto seen;
  const auto add_all = [](std::vector<std::string>& to, const std::vector<std::string>& from) {
    for (const auto& x : from)
      if (std::find(to.begin(), to.end(), x) == to.end()) to.push_back(x);
  };
  const auto smaller = [](long& slot, long v) { slot = slot == 0 ? v : std::min(slot, v); };
  bool first_tls = true;
  for (const auto* o : device.find(keys::tls::versions)) {
    if (!o->endpoint || !std::holds_alternative<std::vector<std::string>>(o->value)) continue;
    const auto& vs = std::get<std::vector<std::string>>(o->value);
    if (vs.empty()) continue;
    if (first_tls) {
      seen.tls_versions = vs;
      first_tls = false;
    } else {
      std::erase_if(seen.tls_versions, [&](const std::string& v) { return std::find(vs.begin(), vs.end(), v) == vs.end(); });
    }
    for (const auto& v : vs)
      if (const auto* c = device.at(*o->endpoint, keys::tls::ciphers_at.with(v).name);
          c && std::holds_alternative<std::vector<std::string>>(c->value))
        add_all(seen.tls_suites, std::get<std::vector<std::string>>(c->value));
    if (const auto* sig = device.at(*o->endpoint, keys::tls::cert_signature); sig && std::holds_alternative<std::string>(sig->value))
      add_all(seen.cert_signatures, {std::get<std::string>(sig->value)});
    const auto int_of = [&](std::string_view key) -> long {
      const auto* x = device.at(*o->endpoint, key);
      return x && std::holds_alternative<std::int64_t>(x->value) ? static_cast<long>(std::get<std::int64_t>(x->value)) : 0;
    };
    const auto* kt = device.at(*o->endpoint, keys::tls::cert_key_type);
    if (kt && std::holds_alternative<std::string>(kt->value) && std::get<std::string>(kt->value) == "RSA")
      if (const long b = int_of(keys::tls::cert_key_bits)) smaller(seen.cert_rsa_bits, b);
    if (const long b = int_of(keys::tls::dh_bits)) smaller(seen.dh_bits, b);
    if (const long b = int_of(keys::tls::ecdhe_bits)) smaller(seen.ecdhe_bits, b);
  }
  const std::pair<std::string_view, std::vector<std::string>*> ssh[] = {
      {keys::ssh::kex_algorithms, &seen.ssh_kex}, {keys::ssh::host_key_algorithms, &seen.ssh_host_keys},
      {keys::ssh::ciphers, &seen.ssh_ciphers}, {keys::ssh::macs, &seen.ssh_macs}};
  for (const auto& [key, to] : ssh)
    for (const auto* o : device.find(key))
      if (std::holds_alternative<std::vector<std::string>>(o->value)) add_all(*to, std::get<std::vector<std::string>>(o->value));
  for (const auto& o : device.observations)
    if (keys::ssh::host_key_bits_at.matches(o.key) && std::holds_alternative<std::int64_t>(o.value)) {
      const auto type = ssh_host_key_type(o.key.substr(std::string_view("ssh.host_key_bits.").size()));
      if (!type.empty()) smaller(seen.ssh_host_key_bits[type], static_cast<long>(std::get<std::int64_t>(o.value)));
    }
  return seen;
}

std::string pinned_policy_yaml(const std::string& id, const std::string& source, const ObservedCrypto& seen) {
  YAML::Emitter e;
  e << YAML::Comment("Pinned golden-unit policy written by `trustscan policy from` (docs/crypto-policies.md).");
  e << YAML::Newline << YAML::BeginMap;
  e << YAML::Key << "id" << YAML::Value << id;
  e << YAML::Key << "title" << YAML::Value << ("Pinned configuration from " + source);
  e << YAML::Key << "document" << YAML::Value << ("golden unit " + source);
  e << YAML::Key << "provenance" << YAML::Value
    << "Every name the device offered when the report was made is allowed, nothing else; any drift fails.";
  const auto rule = [&](const char* key, const std::vector<std::string>& names, const char* src, const char* why) {
    e << YAML::Key << key << YAML::Value << YAML::BeginMap;
    e << YAML::Key << "names" << YAML::Value << YAML::Flow << names;
    e << YAML::Key << "source" << YAML::Value << src;
    e << YAML::Key << "why" << YAML::Value << why;
    e << YAML::EndMap;
  };
  const auto allow = [&](const char* key, const std::vector<std::string>& names, const char* src) {
    e << YAML::Key << key << YAML::Value << YAML::BeginMap;
    rule("allow", names, src, "offered by the golden unit");
    e << YAML::EndMap;
  };
  const bool any_tls = !seen.tls_versions.empty();
  const bool any_ssh = !seen.ssh_kex.empty() || !seen.ssh_ciphers.empty();
  if (any_tls) {
    e << YAML::Key << "tls" << YAML::Value << YAML::BeginMap;
    std::vector<std::string> other;
    for (const char* v : kVersions)
      if (std::find(seen.tls_versions.begin(), seen.tls_versions.end(), v) == seen.tls_versions.end()) other.emplace_back(v);
    e << YAML::Key << "versions" << YAML::Value << YAML::BeginMap;
    if (!other.empty()) {
      e << YAML::Key << "forbid" << YAML::Value << YAML::BeginSeq;
      e << YAML::BeginMap;
      e << YAML::Key << "names" << YAML::Value << YAML::Flow << other;
      e << YAML::Key << "source" << YAML::Value << "tls.versions";
      e << YAML::Key << "why" << YAML::Value << "not offered by the golden unit";
      e << YAML::EndMap << YAML::EndSeq;
    }
    e << YAML::Key << "require" << YAML::Value << YAML::BeginSeq;
    for (const auto& v : seen.tls_versions) {
      e << YAML::BeginMap;
      e << YAML::Key << "names" << YAML::Value << YAML::Flow << std::vector<std::string>{v};
      e << YAML::Key << "source" << YAML::Value << "tls.versions";
      e << YAML::Key << "why" << YAML::Value << "offered by the golden unit";
      e << YAML::EndMap;
    }
    e << YAML::EndSeq << YAML::EndMap;
    if (!seen.tls_suites.empty()) allow("suites", seen.tls_suites, "tls.ciphers");
    if (seen.cert_rsa_bits || seen.dh_bits || seen.ecdhe_bits) {
      e << YAML::Key << "key_sizes" << YAML::Value << YAML::BeginMap;
      const auto min = [&](const char* key, long v, const char* src) {
        if (!v) return;
        e << YAML::Key << key << YAML::Value << YAML::BeginMap << YAML::Key << "min" << YAML::Value << v;
        e << YAML::Key << "source" << YAML::Value << src << YAML::EndMap;
      };
      min("rsa", seen.cert_rsa_bits, "tls.cert.key_bits");
      min("dh", seen.dh_bits, "tls.dh_bits");
      min("ecdhe", seen.ecdhe_bits, "tls.ecdhe_bits");
      e << YAML::EndMap;
    }
    if (!seen.cert_signatures.empty()) {
      e << YAML::Key << "certificate" << YAML::Value << YAML::BeginMap;
      allow("signatures", seen.cert_signatures, "tls.cert.signature");
      e << YAML::EndMap;
    }
    e << YAML::EndMap;
  }
  if (any_ssh) {
    e << YAML::Key << "ssh" << YAML::Value << YAML::BeginMap;
    if (!seen.ssh_kex.empty()) allow("kex", seen.ssh_kex, "ssh.kex_algorithms");
    if (!seen.ssh_host_keys.empty()) allow("host_keys", seen.ssh_host_keys, "ssh.host_key_algorithms");
    if (!seen.ssh_ciphers.empty()) allow("ciphers", seen.ssh_ciphers, "ssh.ciphers");
    if (!seen.ssh_macs.empty()) allow("macs", seen.ssh_macs, "ssh.macs");
    if (!seen.ssh_host_key_bits.empty()) {
      e << YAML::Key << "host_key_sizes" << YAML::Value << YAML::BeginMap;
      for (const auto& [type, bits] : seen.ssh_host_key_bits) {
        if (type != "rsa" && type != "dsa" && type != "ecdsa" && type != "ed25519") continue;
        e << YAML::Key << type << YAML::Value << YAML::BeginMap << YAML::Key << "min" << YAML::Value << bits;
        e << YAML::Key << "source" << YAML::Value << "ssh.host_key_bits" << YAML::EndMap;
      }
      e << YAML::EndMap;
    }
    e << YAML::EndMap;
  }
  e << YAML::EndMap;
  return std::string(e.c_str()) + "\n";
}

}  // namespace trustscan
