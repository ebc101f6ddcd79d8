// trustscan — checks as data: a small closed predicate vocabulary over observation keys
// (STYLE.md §2.4), loaded from profiles/checks/*.yaml (built in) and from a profile's own
// `checks:` list. docs/profiles.md documents the vocabulary; every error names file:line.
#pragma once

#include "trustscan/check.hpp"

#include <yaml-cpp/yaml.h>

#include <memory>
#include <string>
#include <vector>

namespace trustscan {

/// Parses a YAML list of check definitions. Throws ProfileError("ORIGIN:LINE: what") on any
/// unknown key, bad predicate, bad regex or missing field.
std::vector<std::unique_ptr<Check>> parse_yaml_checks(const YAML::Node& list, const std::string& origin);

/// Adds the checks of profiles/checks/*.yaml embedded in the binary.
void add_yaml_checks(std::vector<std::unique_ptr<Check>>& out);

}  // namespace trustscan
