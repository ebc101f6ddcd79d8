// trustscan — the check catalog (scanner/checks/catalog.hpp).
#include "scanner/checks/catalog.hpp"

#include "scanner/config/builtin_texts.hpp"
#include "scanner/config/yaml_util.hpp"

#include <algorithm>
#include <cctype>
#include <regex>

namespace trustscan {

namespace {

// Runs of whitespace (the line breaks of a block scalar) as one space, trimmed.
std::string catalog_one_line(const std::string& in) {
  std::string text;
  for (const char c : in) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      if (!text.empty() && text.back() != ' ') text += ' ';
    } else {
      text += c;
    }
  }
  if (!text.empty() && text.back() == ' ') text.pop_back();
  return text;
}

CatalogEntry catalog_entry(const std::string& origin, const std::string& id, const YAML::Node& key, const YAML::Node& n) {
  CatalogEntry e;
  e.info.id = id;
  e.line = static_cast<int>(key.Mark().line) + 1;
  if (!n.IsMap())
    yaml_fail(origin, n.IsNull() ? key : n,
              "the entry of '" + id + "' is a mapping (title, severity, outcomes, remediation; remediation only for a check as data)");
  only_keys(origin, n, {"title", "severity", "outcomes", "remediation"}, "catalog entry");
  const auto rem = n["remediation"];
  if (!rem || rem.IsNull()) yaml_fail(origin, key, "the remediation of '" + id + "' is empty");
  if (!rem.IsScalar()) yaml_fail(origin, rem, "the remediation of '" + id + "' must be text");
  e.info.remediation = catalog_one_line(rem.Scalar());
  if (e.info.remediation.empty()) yaml_fail(origin, rem, "the remediation of '" + id + "' is empty");

  const bool any = n["title"] || n["severity"] || n["outcomes"];
  if (!any) return e;  // a check as data: remediation only
  for (const char* k : {"title", "severity", "outcomes"})
    if (!n[k])
      yaml_fail(origin, key,
                "the entry of '" + id + "' has " + (n["title"] ? "a title" : "metadata") + " but no '" + k +
                    "' (a C++ check needs title, severity and outcomes)");
  e.info.title = catalog_one_line(yaml_text(origin, n, "title", true));
  if (e.info.title.empty()) yaml_fail(origin, n["title"], "the title of '" + id + "' is empty");
  const auto sev = n["severity"];
  const std::string sev_text = sev.IsScalar() ? sev.Scalar() : "";
  bool known = false;
  for (const auto s : {Severity::info, Severity::low, Severity::medium, Severity::high, Severity::critical})
    if (to_string(s) == sev_text) {
      e.info.severity = s;
      known = true;
    }
  if (!known) yaml_fail(origin, sev, "the severity of '" + id + "' is info, low, medium, high or critical, not '" + sev_text + "'");
  const auto out = n["outcomes"];
  if (!out.IsSequence() || out.size() == 0)
    yaml_fail(origin, out, "the outcomes of '" + id + "' are a non-empty list of outcome ids ([IR8425:IAC.1, EN303645:5.1-1])");
  static const std::regex outcome_form("[A-Z0-9]+:[A-Za-z0-9.\\-]+");
  for (const auto& o : out) {
    if (!o.IsScalar() || !std::regex_match(o.Scalar(), outcome_form))
      yaml_fail(origin, o, "outcome ids look like DOCUMENT:ID (\"IR8425:IAC.1\", \"EN303645:5.1-1\")");
    if (std::find(e.info.outcomes.begin(), e.info.outcomes.end(), o.Scalar()) != e.info.outcomes.end())
      yaml_fail(origin, o, "outcome '" + o.Scalar() + "' listed twice for '" + id + "'");
    e.info.outcomes.push_back(o.Scalar());
  }
  return e;
}

}  // namespace

CheckCatalog parse_check_catalog(const std::string& yaml_text, const std::string& origin) {
  const YAML::Node root = yaml_load(yaml_text, origin);
  if (!root.IsMap() || !root["catalog"])
    throw ProfileError(origin + ":1: a check catalog is a mapping with one key, 'catalog' (check id: entry)");
  only_keys(origin, root, {"catalog"}, "top-level");
  const YAML::Node list = root["catalog"];
  if (!list.IsMap()) yaml_fail(origin, list, "'catalog' maps check ids to entries (svc.telnet: {remediation: …})");
  static const std::regex id_form("[a-z][a-z0-9_]*(\\.[a-z0-9_]+)+");
  CheckCatalog c;
  c.origin = origin;
  for (const auto& kv : list) {
    const std::string id = kv.first.IsScalar() ? kv.first.Scalar() : "";
    if (!std::regex_match(id, id_form))
      yaml_fail(origin, kv.first, "'" + id + "' is not a check id (dotted lower_snake words, e.g. svc.telnet)");
    auto e = catalog_entry(origin, id, kv.first, kv.second);
    if (!c.entries.emplace(id, std::move(e)).second) yaml_fail(origin, kv.first, "duplicate catalog entry for '" + id + "'");
  }
  return c;
}

const CheckCatalog& builtin_catalog() {
  static const CheckCatalog catalog = [] {
    const auto& files = builtin_check_texts();
    const auto it = files.find(kCatalogStem);
    const std::string origin = std::string("builtin:checks/") + kCatalogStem + ".yaml";
    if (it == files.end()) throw ProfileError(origin + ": missing from the binary");
    return parse_check_catalog(it->second, origin);
  }();
  return catalog;
}

CheckInfo catalog_info(const CheckCatalog& catalog, std::string_view id) {
  const auto it = catalog.entries.find(id);
  if (it == catalog.entries.end())
    throw ProfileError(catalog.origin + ": no entry for the C++ check '" + std::string(id) +
                       "' (add one: title, severity, outcomes, remediation; docs/extending.md)");
  if (!it->second.metadata())
    throw ProfileError(catalog.origin + ":" + std::to_string(it->second.line) + ": the C++ check '" + std::string(id) +
                       "' needs title, severity and outcomes in its entry, not only remediation");
  return it->second.info;
}

CheckInfo catalog_info(std::string_view id) { return catalog_info(builtin_catalog(), id); }

void verify_catalog(const CheckCatalog& catalog, const std::vector<std::string>& cpp, const std::vector<std::string>& data) {
  for (const auto& id : cpp) (void)catalog_info(catalog, id);
  for (const auto& id : data) {
    const auto it = catalog.entries.find(id);
    if (it == catalog.entries.end())
      throw ProfileError(catalog.origin + ": no entry for the check '" + id + "' (add its remediation; docs/extending.md)");
    if (it->second.metadata())
      throw ProfileError(catalog.origin + ":" + std::to_string(it->second.line) + ": '" + id +
                         "' is a check as data: its title, severity and outcomes live in its definition, its entry here "
                         "gives only its remediation");
  }
  for (const auto& [id, e] : catalog.entries)
    if (std::find(cpp.begin(), cpp.end(), id) == cpp.end() && std::find(data.begin(), data.end(), id) == data.end())
      throw ProfileError(catalog.origin + ":" + std::to_string(e.line) + ": '" + id + "' names no built-in check");
}

}  // namespace trustscan
