// trustscan — the check catalog, as data (profiles/checks/catalog.yaml, embedded).
//
// One file holds, per built-in check id, what the check is and what to do when it fails: for a
// check in C++ its title, severity, outcome ids and remediation (the C++ keeps only the id and
// the judging logic); for a check as data (profiles/checks/services.yaml, passive.yaml) only its
// remediation, its other metadata living in its own definition. builtin_checks() joins the two,
// so every reader of info() (checks list/show, SARIF, JUnit, HTML) gets it from this one place.
#pragma once

#include "trustscan/check.hpp"

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace trustscan {

/// One catalog entry. `title` empty: the entry of a check as data (remediation only); otherwise
/// severity and outcomes are set too (a C++ check's whole CheckInfo).
struct CatalogEntry {
  CheckInfo info;  ///< id, remediation; title, severity, outcomes for a C++ check
  int line = 0;    ///< 1-based line of the entry's id in its file, for errors
  bool metadata() const { return !info.title.empty(); }
};

struct CheckCatalog {
  std::string origin;  ///< "builtin:checks/catalog.yaml", or the name given to the parser
  std::map<std::string, CatalogEntry, std::less<>> entries;
};

/// Parses catalog data: a mapping `catalog:` of check id to an entry with `remediation` (non-empty
/// text; runs of whitespace become one space) and either all of `title`, `severity` (info, low,
/// medium, high, critical) and `outcomes` (a non-empty list of DOCUMENT:ID) or none of them.
/// Throws ProfileError("ORIGIN:LINE: what") on anything else: another top-level or entry key, an
/// id that is not dotted lower_snake words, a duplicate id or outcome, an unknown severity.
CheckCatalog parse_check_catalog(const std::string& yaml_text, const std::string& origin);

/// The built-in catalog, parsed once (throws ProfileError if malformed).
const CheckCatalog& builtin_catalog();

/// The whole CheckInfo of the C++ check `id` from `catalog`. Throws ProfileError when the catalog
/// has no entry for it, or an entry without title, severity and outcomes.
CheckInfo catalog_info(const CheckCatalog& catalog, std::string_view id);

/// catalog_info(builtin_catalog(), id): what a C++ check's constructor calls.
CheckInfo catalog_info(std::string_view id);

/// Checks the join of `catalog` with the checks that exist: every id of `cpp` has an entry with
/// metadata, every id of `data` (checks as data) an entry with remediation only, and every entry
/// names one of them. Throws ProfileError("ORIGIN:LINE: what") on the first mismatch.
void verify_catalog(const CheckCatalog& catalog, const std::vector<std::string>& cpp, const std::vector<std::string>& data);

/// The stem of the embedded file under profiles/checks/ that holds the catalog: it is not a
/// `checks:` file, and add_yaml_checks() skips it.
inline constexpr const char* kCatalogStem = "catalog";

}  // namespace trustscan
