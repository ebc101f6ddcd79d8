// trustscan — login form descriptions as data (profiles/credentials/forms.yaml): the loader.
// Every error names the file and line and is a ProfileError (exit 2 from the CLI).
#include "scanner/credentials/credential_list.hpp"

#include "scanner/config/builtin_texts.hpp"
#include "scanner/config/yaml_util.hpp"
#include "trustscan/profile.hpp"

#include <yaml-cpp/yaml.h>

#include <map>
#include <set>

namespace trustscan {


namespace {

// A field name or value sent to the device: printable, no CR/LF, bounded.
// `n` is parent[key]; a missing required key is reported at the parent's line.
std::string text(const std::string& origin, const YAML::Node& parent, const YAML::Node& n, const std::string& key, bool required,
                 std::size_t cap = 256) {
  if (!n) {
    if (required) yaml_fail(origin, parent, "missing key '" + key + "'");
    return {};
  }
  if (!n.IsScalar()) yaml_fail(origin, n, "'" + key + "' must be a string");
  const auto& v = n.Scalar();
  if (required && v.empty()) yaml_fail(origin, n, "'" + key + "' must not be empty");
  if (v.size() > cap || v.find_first_of("\r\n", 0) != std::string::npos)
    yaml_fail(origin, n, "'" + key + "' must be one line of at most " + std::to_string(cap) + " bytes");
  return v;
}

}  // namespace

std::vector<FormDescription> parse_form_descriptions(const std::string& yaml_text, const std::string& origin) {
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const YAML::Exception& e) {
    throw ProfileError(origin + ":" + std::to_string(e.mark.line + 1) + ": invalid YAML: " + e.msg);
  }
  if (!root.IsMap() || !root["forms"]) throw ProfileError(origin + ":1: a form description file is a mapping with 'forms'");
  for (const auto& kv : root)
    if (kv.first.as<std::string>("") != "forms") yaml_fail(origin, kv.first, "unknown key '" + kv.first.as<std::string>("") + "'");
  const auto list = root["forms"];
  if (!list.IsSequence()) yaml_fail(origin, list, "'forms' must be a list of form descriptions");
  static const std::set<std::string> known = {"name",           "match", "url",     "method",  "encoding",
                                              "user_field",     "password_field", "extra",   "success", "failure"};
  std::vector<FormDescription> out;
  for (const auto& n : list) {
    if (!n.IsMap()) yaml_fail(origin, n, "each form description is a mapping (name, match, url, user_field, password_field…)");
    for (const auto& kv : n) {
      const auto key = kv.first.as<std::string>("");
      if (!known.count(key)) yaml_fail(origin, kv.first, "unknown key '" + key + "' in a form description");
    }
    FormDescription f;
    f.where = origin + ":" + std::to_string(n.Mark().line + 1);
    f.name = text(origin, n, n["name"], "name", true);
    f.match = text(origin, n, n["match"], "match", true);
    f.url = text(origin, n, n["url"], "url", true, 1024);
    if (f.url.front() != '/' || f.url.starts_with("//")) yaml_fail(origin, n["url"], "'url' must be a path on the device, starting with '/'");
    if (n["method"]) {
      f.method = text(origin, n, n["method"], "method", true);
      if (f.method != "POST" && f.method != "GET") yaml_fail(origin, n["method"], "'method' must be POST or GET");
    }
    if (n["encoding"]) {
      f.encoding = text(origin, n, n["encoding"], "encoding", true);
      if (f.encoding != "form" && f.encoding != "json") yaml_fail(origin, n["encoding"], "'encoding' must be form or json");
      if (f.encoding == "json" && f.method != "POST") yaml_fail(origin, n["encoding"], "a JSON login is POSTed: 'method' must be POST");
    }
    f.user_field = text(origin, n, n["user_field"], "user_field", true);
    f.password_field = text(origin, n, n["password_field"], "password_field", true);
    if (const auto extra = n["extra"]) {
      if (!extra.IsMap()) yaml_fail(origin, extra, "'extra' must be a mapping of field: value");
      for (const auto& kv : extra) {
        const auto name = text(origin, extra, kv.first, "extra field name", true);
        f.extra.emplace_back(name, text(origin, extra, kv.second, "extra." + name, false));
      }
    }
    f.success = text(origin, n, n["success"], "success", false);
    f.failure = text(origin, n, n["failure"], "failure", false);
    if (f.success.empty() && f.failure.empty()) yaml_fail(origin, n, "give 'success', 'failure' or both: how to read the answer");
    out.push_back(std::move(f));
  }
  return out;
}

const std::vector<FormDescription>& builtin_form_descriptions() {
  static const std::vector<FormDescription> forms =
      parse_form_descriptions(builtin_credential_texts().at("forms"), "builtin:forms.yaml");
  return forms;
}

}  // namespace trustscan
