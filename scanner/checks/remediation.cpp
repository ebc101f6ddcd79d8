// trustscan — remediation text per check (scanner/checks/remediation.hpp).
#include "scanner/checks/remediation.hpp"

#include "scanner/config/builtin_texts.hpp"
#include "scanner/config/yaml_util.hpp"

#include <cctype>
#include <regex>

namespace trustscan {

std::map<std::string, std::string> parse_remediation(const std::string& yaml_text, const std::string& origin) {
  const YAML::Node root = yaml_load(yaml_text, origin);
  if (!root.IsMap() || !root["remediation"])
    throw ProfileError(origin + ":1: a remediation file is a mapping with one key, 'remediation' (check id: text)");
  for (const auto& kv : root)
    if (kv.first.as<std::string>("") != "remediation")
      yaml_fail(origin, kv.first, "unknown key '" + kv.first.as<std::string>("") + "' (known: remediation)");
  const YAML::Node list = root["remediation"];
  if (!list.IsMap()) yaml_fail(origin, list, "'remediation' maps check ids to text (svc.telnet: Disable the Telnet daemon…)");
  static const std::regex id_form("[a-z][a-z0-9_]*(\\.[a-z0-9_]+)+");
  std::map<std::string, std::string> out;
  for (const auto& kv : list) {
    const std::string id = kv.first.IsScalar() ? kv.first.Scalar() : "";
    if (!std::regex_match(id, id_form))
      yaml_fail(origin, kv.first, "'" + id + "' is not a check id (dotted lower_snake words, e.g. svc.telnet)");
    if (kv.second.IsNull()) yaml_fail(origin, kv.first, "the remediation of '" + id + "' is empty");
    if (!kv.second.IsScalar()) yaml_fail(origin, kv.second, "the remediation of '" + id + "' must be text");
    std::string text;
    for (const char c : kv.second.Scalar()) {
      if (std::isspace(static_cast<unsigned char>(c))) {
        if (!text.empty() && text.back() != ' ') text += ' ';
      } else {
        text += c;
      }
    }
    if (!text.empty() && text.back() == ' ') text.pop_back();
    if (text.empty()) yaml_fail(origin, kv.second, "the remediation of '" + id + "' is empty");
    if (!out.emplace(id, std::move(text)).second) yaml_fail(origin, kv.first, "duplicate remediation for '" + id + "'");
  }
  return out;
}

const std::map<std::string, std::string>& builtin_remediation() {
  static const std::map<std::string, std::string> texts = [] {
    const auto& files = builtin_check_texts();
    const auto it = files.find(kRemediationStem);
    const std::string origin = std::string("builtin:checks/") + kRemediationStem + ".yaml";
    if (it == files.end()) throw ProfileError(origin + ": missing from the binary");
    return parse_remediation(it->second, origin);
  }();
  return texts;
}

}  // namespace trustscan
