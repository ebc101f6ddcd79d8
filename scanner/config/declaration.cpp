// trustscan — the side files a lab gives with a scan: the manufacturer's declaration
// (--declaration) and attestations for non-network outcomes (--attestation). Both validated at
// load time, every error "FILE:LINE: what" (docs/profiles.md).
#include "trustscan/declaration.hpp"

#include "trustscan/profile.hpp"
#include "scanner/config/yaml_util.hpp"

#include <fnmatch.h>

#include <algorithm>
#include <set>

namespace trustscan {

namespace {

std::vector<std::string> names(const std::string& origin, const YAML::Node& n, const char* key) {
  std::vector<std::string> out;
  if (!n) return out;
  if (!n.IsSequence()) yaml_fail(origin, n, std::string("'") + key + "' must be a list of names");
  for (const auto& item : n) {
    if (!item.IsScalar() || item.Scalar().empty() || item.Scalar().size() > 253)
      yaml_fail(origin, item, std::string("'") + key + "' entries are host names, *.domain patterns or addresses");
    out.push_back(item.Scalar());
  }
  return out;
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

}  // namespace

const DeclaredService* Declaration::service_at(const Endpoint& ep) const {
  for (const auto& s : services)
    if (s.port == ep.port && s.transport == ep.transport) return &s;
  return nullptr;
}

bool Declaration::host_declared(std::string_view host, const std::vector<std::string>& patterns) {
  std::string h = lower(host);
  while (!h.empty() && h.back() == '.') h.pop_back();
  for (const auto& p : patterns) {
    const std::string pat = lower(p);
    if (pat == h) return true;
    // "*.example.com" covers sub-domains (and, as people mean it, example.com itself).
    if (pat.starts_with("*.") && (h == pat.substr(2) || ::fnmatch(pat.c_str(), h.c_str(), 0) == 0)) return true;
  }
  return false;
}

Declaration parse_declaration(const std::string& text, const std::string& origin) {
  const YAML::Node root = yaml_load(text, origin);
  if (!root.IsMap()) throw ProfileError(origin + ":1: a declaration is a YAML mapping (device, services, update_endpoints…)");
  only_keys(origin, root,
            {"device", "services", "login_methods", "update_endpoints", "cloud_endpoints", "components"},
            "declaration");
  Declaration d;
  d.origin = origin;
  if (const auto dev = root["device"]) {
    if (!dev.IsMap()) yaml_fail(origin, dev, "'device' is a mapping (vendor, model)");
    only_keys(origin, dev, {"vendor", "model"}, "device");
    d.vendor = yaml_text(origin, dev, "vendor", false);
    d.model = yaml_text(origin, dev, "model", false);
  }
  if (const auto svcs = root["services"]) {
    if (!svcs.IsSequence()) yaml_fail(origin, svcs, "'services' is a list of {port, transport, service, purpose}");
    std::set<std::pair<Transport, std::uint16_t>> seen;
    for (const auto& s : svcs) {
      if (!s.IsMap()) yaml_fail(origin, s, "each service is a mapping {port, transport, service, purpose}");
      only_keys(origin, s, {"port", "transport", "service", "purpose"}, "service");
      DeclaredService ds;
      ds.line = s.Mark().line + 1;
      const int port = s["port"] ? s["port"].as<int>(-1) : -1;
      if (port < 1 || port > 65535) yaml_fail(origin, s["port"] ? s["port"] : s, "'port' is a number from 1 to 65535");
      ds.port = static_cast<std::uint16_t>(port);
      const std::string t = s["transport"] ? yaml_text(origin, s, "transport", false) : "tcp";
      if (t != "tcp" && t != "udp") yaml_fail(origin, s["transport"], "'transport' is tcp or udp");
      ds.transport = t == "udp" ? Transport::udp : Transport::tcp;
      ds.service = yaml_text(origin, s, "service", false);
      ds.purpose = yaml_text(origin, s, "purpose", false);
      if (!seen.insert({ds.transport, ds.port}).second)
        yaml_fail(origin, s, "port " + std::to_string(port) + "/" + t + " is declared twice");
      d.services.push_back(std::move(ds));
    }
  }
  d.login_methods = names(origin, root["login_methods"], "login_methods");
  d.update_endpoints = names(origin, root["update_endpoints"], "update_endpoints");
  d.cloud_endpoints = names(origin, root["cloud_endpoints"], "cloud_endpoints");
  d.components = names(origin, root["components"], "components");
  return d;
}

Declaration load_declaration(const std::string& path) {
  return parse_declaration(read_config_file(path, "declaration"), path);
}

std::vector<Attestation> parse_attestations(const std::string& text, const std::string& origin,
                                            const Profile& profile) {
  const YAML::Node root = yaml_load(text, origin);
  if (!root.IsMap() || !root["attestations"])
    throw ProfileError(origin + ":1: an attestation file is a mapping with an 'attestations' list");
  only_keys(origin, root, {"attestations"}, "attestation file");
  const auto list = root["attestations"];
  if (!list.IsSequence()) yaml_fail(origin, list, "'attestations' is a list of {outcome, status, evidence, by}");
  std::vector<Attestation> out;
  std::set<std::string> seen;
  for (const auto& n : list) {
    if (!n.IsMap()) yaml_fail(origin, n, "each attestation is a mapping {outcome, status, evidence, by}");
    only_keys(origin, n, {"outcome", "status", "evidence", "by"}, "attestation");
    Attestation a;
    a.line = n.Mark().line + 1;
    a.outcome = yaml_text(origin, n, "outcome", true);
    a.status = yaml_text(origin, n, "status", true);
    a.evidence = yaml_text(origin, n, "evidence", true);
    a.by = yaml_text(origin, n, "by", true);
    if (a.status != "pass" && a.status != "fail") yaml_fail(origin, n["status"], "status is pass or fail");
    const auto o = std::find_if(profile.outcomes.begin(), profile.outcomes.end(),
                                [&](const ProfileOutcome& po) { return po.id == a.outcome; });
    if (o == profile.outcomes.end())
      yaml_fail(origin, n["outcome"], "'" + a.outcome + "' is not an outcome of profile " + profile.id);
    if (o->attestation.empty())
      yaml_fail(origin, n["outcome"],
                "'" + a.outcome + "' is judged from the network alone in profile " + profile.id + "; it takes no attestation");
    if (!seen.insert(a.outcome).second) yaml_fail(origin, n, "'" + a.outcome + "' is attested twice");
    out.push_back(std::move(a));
  }
  return out;
}

std::vector<Attestation> load_attestations(const std::string& path, const Profile& profile) {
  return parse_attestations(read_config_file(path, "attestation file"), path, profile);
}

}  // namespace trustscan
