// trustscan — remediation text per check, as data (profiles/checks/remediation.yaml, embedded).
//
// One file maps every built-in check id to what to change on the device and which of the
// check's outcomes that serves. builtin_checks() attaches it to each check's CheckInfo, so every
// reader of info() (checks list/show, SARIF, JUnit, HTML) gets it from this one place.
#pragma once

#include <map>
#include <string>

namespace trustscan {

/// Parses remediation data: a mapping `remediation:` of check id to non-empty text. Runs of
/// whitespace (line breaks of a block scalar) become one space. Throws
/// ProfileError("ORIGIN:LINE: what") on anything else: another top-level key, an id that is not a
/// dotted lower_snake id, a duplicate id, empty or non-string text.
std::map<std::string, std::string> parse_remediation(const std::string& yaml_text, const std::string& origin);

/// The built-in remediation texts by check id, parsed once (throws ProfileError if malformed).
const std::map<std::string, std::string>& builtin_remediation();

/// The stem of the embedded file under profiles/checks/ that holds the remediation texts: it is
/// not a `checks:` file, and add_yaml_checks() skips it.
inline constexpr const char* kRemediationStem = "remediation";

}  // namespace trustscan
