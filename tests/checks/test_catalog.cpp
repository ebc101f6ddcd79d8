// The check catalog (profiles/checks/catalog.yaml, scanner/checks/catalog.hpp): every built-in
// check has an entry, a C++ check's whole CheckInfo comes from it, a check as data's entry holds
// only its remediation, no entry names a check that does not exist, every outcome id is one a
// built-in profile scores, each remediation names outcomes of its own check, and malformed data
// is an error with file:line.
#include "scanner/checks/catalog.hpp"

#include "trustscan/check.hpp"
#include "trustscan/profile.hpp"

#include <doctest/doctest.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <vector>

using namespace trustscan;

namespace {

std::set<std::string> catalog_test_builtin_ids() {
  std::set<std::string> ids;
  for (const auto& c : builtin_checks()) ids.insert(std::string(c->id()));
  return ids;
}

// Parse a catalog from text; the origin "c.yaml" makes errors "c.yaml:LINE: what".
CheckCatalog catalog_test_parse(const std::string& yaml) { return parse_check_catalog(yaml, "c.yaml"); }

const char* const kCatalogTestCpp =
    "catalog:\n"
    "  svc.inventory:\n"
    "    title: Inventory\n"
    "    severity: info\n"
    "    outcomes: [IR8259A:LAI]\n"
    "    remediation: Remove daemons. This serves IR8259A:LAI.\n"
    "  svc.telnet:\n"
    "    remediation: Disable Telnet.\n";

// Outcome ids of the built-in profiles.
const std::set<std::string>& catalog_test_scored_ids() {
  static const std::set<std::string> ids = [] {
    std::set<std::string> out;
    for (const auto& id : builtin_profile_ids())
      for (const auto& o : load_profile(id).outcomes) out.insert(o.id);
    return out;
  }();
  return ids;
}

std::set<std::string> catalog_test_scored_documents() {
  std::set<std::string> docs;
  for (const auto& id : catalog_test_scored_ids()) docs.insert(id.substr(0, id.find(':')));
  return docs;
}

// The ids among `outcomes` that no built-in profile scores.
std::vector<std::string> catalog_test_unscored(const std::vector<std::string>& outcomes) {
  std::vector<std::string> out;
  for (const auto& o : outcomes)
    if (catalog_test_scored_ids().count(o) == 0) out.push_back(o);
  return out;
}

}  // namespace

TEST_CASE("catalog: every built-in check has an entry, and a C++ check's whole CheckInfo is its entry") {
  REQUIRE(builtin_checks().size() >= 44);
  std::size_t cpp = 0;
  for (const auto& c : builtin_checks()) {
    const auto info = c->info();
    INFO(info.id);
    CHECK(info.id == c->id());
    CHECK_FALSE(info.title.empty());
    CHECK_FALSE(info.outcomes.empty());
    REQUIRE(builtin_catalog().entries.count(info.id) == 1);
    const auto& e = builtin_catalog().entries.find(info.id)->second;
    CHECK_FALSE(info.remediation.empty());
    CHECK(info.remediation == e.info.remediation);
    if (e.metadata()) {  // a C++ check: nothing of its metadata comes from elsewhere
      ++cpp;
      CHECK(info.title == e.info.title);
      CHECK(info.severity == e.info.severity);
      CHECK(info.outcomes == e.info.outcomes);
    }
  }
  CHECK(cpp >= 35);
}

TEST_CASE("catalog: the data names no unknown check (a typo fails here)") {
  const auto ids = catalog_test_builtin_ids();
  for (const auto& [id, e] : builtin_catalog().entries) CHECK_MESSAGE(ids.count(id) == 1, "unknown check in catalog.yaml: " << id);
  CHECK(builtin_catalog().entries.size() == ids.size());
}

TEST_CASE("catalog: the join fails on a C++ check without an entry, an entry naming no check, and metadata in the wrong place") {
  const auto c = catalog_test_parse(kCatalogTestCpp);
  CHECK_NOTHROW(verify_catalog(c, {"svc.inventory"}, {"svc.telnet"}));
  CHECK(catalog_info(c, "svc.inventory").title == "Inventory");
  // A C++ check with no entry: its constructor (catalog_info) and the join both refuse it.
  CHECK_THROWS_WITH_AS(catalog_info(c, "tls.client.validation"),
                       "c.yaml: no entry for the C++ check 'tls.client.validation' (add one: title, severity, outcomes, "
                       "remediation; docs/extending.md)",
                       ProfileError);
  CHECK_THROWS_WITH_AS(verify_catalog(c, {"svc.inventory", "dtls.protocol.legacy"}, {"svc.telnet"}),
                       doctest::Contains("no entry for the C++ check 'dtls.protocol.legacy'"), ProfileError);
  // An entry that names no check, at its line.
  CHECK_THROWS_WITH_AS(verify_catalog(c, {"svc.inventory"}, {}), "c.yaml:7: 'svc.telnet' names no built-in check", ProfileError);
  // A check as data without an entry, or whose entry repeats its metadata; a C++ check whose entry has only remediation.
  CHECK_THROWS_WITH_AS(verify_catalog(c, {"svc.inventory"}, {"svc.telnet", "svc.debug"}),
                       doctest::Contains("no entry for the check 'svc.debug'"), ProfileError);
  CHECK_THROWS_WITH_AS(verify_catalog(c, {"svc.telnet"}, {"svc.inventory"}),
                       doctest::Contains("c.yaml:7: the C++ check 'svc.telnet' needs title, severity and outcomes"), ProfileError);
  CHECK_THROWS_WITH_AS(verify_catalog(c, {}, {"svc.inventory", "svc.telnet"}),
                       doctest::Contains("c.yaml:2: 'svc.inventory' is a check as data"), ProfileError);
}

TEST_CASE("catalog: every outcome id of every built-in check is one a built-in profile scores") {
  // Every document the checks map to has a built-in profile now (IR 8259A, IR 8425, IR 8425A,
  // ETSI EN 303 645): an id no profile knows — a typo, a provision that does not exist — fails.
  REQUIRE(catalog_test_scored_documents() == std::set<std::string>{"EN303645", "IR8259A", "IR8425", "IR8425A"});
  for (const auto& c : builtin_checks()) {
    INFO(c->id());
    CHECK(catalog_test_unscored(c->info().outcomes).empty());
  }
}

TEST_CASE("catalog: an EN 303 645 id the en303645 profile does not know fails, as a NIST id does") {
  CHECK(catalog_test_unscored({"EN303645:5.1-1", "EN303645:5.5-1", "IR8425:IAC.1"}).empty());
  CHECK(catalog_test_unscored({"EN303645:5.1-1", "EN303645:5.1-6", "EN303645:5.14-1", "IR8425:IAC.9"}) ==
        std::vector<std::string>{"EN303645:5.1-6", "EN303645:5.14-1", "IR8425:IAC.9"});
  CHECK(catalog_test_unscored({"ETSI:5.1-1"}) == std::vector<std::string>{"ETSI:5.1-1"});  // a document no profile scores
}

TEST_CASE("catalog: each remediation names the outcomes it serves, all of them on its check, in 2-4 sentences") {
  const std::regex outcome(R"((IR8259A|IR8425A|IR8425|EN303645):[A-Za-z0-9.\-]*[A-Za-z0-9])");
  for (const auto& c : builtin_checks()) {
    const auto info = c->info();
    INFO(info.id << ": " << info.remediation);
    const std::set<std::string> own(info.outcomes.begin(), info.outcomes.end());
    std::size_t named = 0;
    for (std::sregex_iterator it(info.remediation.begin(), info.remediation.end(), outcome), end; it != end; ++it) {
      CHECK_MESSAGE(own.count(it->str()) == 1, "names an outcome the check does not carry: " << it->str());
      ++named;
    }
    CHECK(named >= 1);
    // Sentences: a full stop followed by a space and a capital, plus the last one.
    const std::regex sentence_end(R"(\. [A-Z])");
    const auto sentences =
        1 + std::distance(std::sregex_iterator(info.remediation.begin(), info.remediation.end(), sentence_end), std::sregex_iterator());
    CHECK(sentences >= 2);
    CHECK(sentences <= 4);
    CHECK(info.remediation.ends_with('.'));
    CHECK(info.remediation.find('\n') == std::string::npos);
  }
}

TEST_CASE("catalog: the embedded data is the file in the source tree") {
  std::ifstream in(TRUSTSCAN_SOURCE_DIR "/profiles/checks/catalog.yaml");
  REQUIRE(in.good());
  std::stringstream text;
  text << in.rdbuf();
  const auto file = parse_check_catalog(text.str(), "catalog.yaml");
  REQUIRE(file.entries.size() == builtin_catalog().entries.size());
  for (const auto& [id, e] : file.entries) {
    INFO(id);
    const auto& b = builtin_catalog().entries.at(id);
    CHECK(e.line == b.line);
    CHECK(e.info.title == b.info.title);
    CHECK(e.info.severity == b.info.severity);
    CHECK(e.info.outcomes == b.info.outcomes);
    CHECK(e.info.remediation == b.info.remediation);
  }
}

TEST_CASE("catalog: block scalars become one line of text") {
  const auto m = catalog_test_parse("catalog:\n  svc.telnet:\n    remediation: |\n      Disable it.\n        Use SSH.  \n  a.b: {remediation: x}\n");
  CHECK(m.entries.at("svc.telnet").info.remediation == "Disable it. Use SSH.");
  CHECK(m.entries.at("svc.telnet").line == 2);
  CHECK_FALSE(m.entries.at("svc.telnet").metadata());
  CHECK(m.entries.at("a.b").info.remediation == "x");
  const auto c = catalog_test_parse(kCatalogTestCpp);
  const auto& e = c.entries.at("svc.inventory");
  CHECK(e.metadata());
  CHECK(e.info.severity == Severity::info);
  CHECK(e.info.outcomes == std::vector<std::string>{"IR8259A:LAI"});
}

TEST_CASE("catalog: malformed data is an error with file:line, not a crash") {
  const auto fails = [](const std::string& yaml, const std::string& what) {
    INFO(yaml);
    CHECK_THROWS_WITH_AS(catalog_test_parse(yaml), what.c_str(), ProfileError);
  };
  CHECK_THROWS_WITH_AS(catalog_test_parse("catalog: [unclosed\n"), doctest::Contains("c.yaml:2: invalid YAML"), ProfileError);
  fails("- a\n", "c.yaml:1: a check catalog is a mapping with one key, 'catalog' (check id: entry)");
  fails("checks: []\n", "c.yaml:1: a check catalog is a mapping with one key, 'catalog' (check id: entry)");
  fails("catalog: {a.b: {remediation: x}}\nextra: 1\n", "c.yaml:2: unknown top-level key 'extra' (known: catalog)");
  fails("catalog: [a, b]\n", "c.yaml:1: 'catalog' maps check ids to entries (svc.telnet: {remediation: …})");
  fails("catalog:\n  Svc.Telnet: {remediation: x}\n", "c.yaml:2: 'Svc.Telnet' is not a check id (dotted lower_snake words, e.g. svc.telnet)");
  fails("catalog:\n  [a, b]: {remediation: x}\n", "c.yaml:2: '' is not a check id (dotted lower_snake words, e.g. svc.telnet)");
  fails("catalog:\n  svc.telnet: x\n",
        "c.yaml:2: the entry of 'svc.telnet' is a mapping (title, severity, outcomes, remediation; remediation only for a check as data)");
  fails("catalog:\n  svc.telnet:\n", "c.yaml:2: the entry of 'svc.telnet' is a mapping (title, severity, outcomes, remediation; remediation only for a check as data)");
  fails("catalog:\n  svc.telnet: {remediation: [a, b]}\n", "c.yaml:2: the remediation of 'svc.telnet' must be text");
  fails("catalog:\n  svc.telnet: {remediation: {a: b}}\n", "c.yaml:2: the remediation of 'svc.telnet' must be text");
  fails("catalog:\n  svc.telnet: {remediation: \"  \"}\n", "c.yaml:2: the remediation of 'svc.telnet' is empty");
  fails("catalog:\n  svc.telnet:\n    remediation:\n", "c.yaml:2: the remediation of 'svc.telnet' is empty");
  fails("catalog:\n  svc.telnet:\n    title: T\n", "c.yaml:2: the remediation of 'svc.telnet' is empty");
  fails("catalog:\n  svc.telnet: {remediation: a}\n  svc.telnet: {remediation: b}\n", "c.yaml:3: duplicate catalog entry for 'svc.telnet'");
  fails("catalog:\n  svc.telnet: {remediation: a, fix: b}\n", "c.yaml:2: unknown catalog entry key 'fix' (known: title, severity, outcomes, remediation)");
  // Metadata: all of title, severity and outcomes, or none.
  fails("catalog:\n  a.b:\n    title: T\n    remediation: r\n",
        "c.yaml:2: the entry of 'a.b' has a title but no 'severity' (a C++ check needs title, severity and outcomes)");
  fails("catalog:\n  a.b:\n    severity: high\n    outcomes: [IR8425:IAC.1]\n    remediation: r\n",
        "c.yaml:2: the entry of 'a.b' has metadata but no 'title' (a C++ check needs title, severity and outcomes)");
  // An invalid severity.
  for (const char* bad : {"severe", "High", "[high]", "\"\""}) {
    const std::string sev = bad;
    const std::string shown = sev == "severe" || sev == "High" ? sev : "";
    fails("catalog:\n  a.b:\n    title: T\n    severity: " + sev + "\n    outcomes: [IR8425:IAC.1]\n    remediation: r\n",
          "c.yaml:4: the severity of 'a.b' is info, low, medium, high or critical, not '" + shown + "'");
  }
  fails("catalog:\n  a.b:\n    title: T\n    severity: high\n    outcomes: []\n    remediation: r\n",
        "c.yaml:5: the outcomes of 'a.b' are a non-empty list of outcome ids ([IR8425:IAC.1, EN303645:5.1-1])");
  fails("catalog:\n  a.b:\n    title: T\n    severity: high\n    outcomes: IR8425:IAC.1\n    remediation: r\n",
        "c.yaml:5: the outcomes of 'a.b' are a non-empty list of outcome ids ([IR8425:IAC.1, EN303645:5.1-1])");
  fails("catalog:\n  a.b:\n    title: T\n    severity: high\n    outcomes: [iac]\n    remediation: r\n",
        "c.yaml:5: outcome ids look like DOCUMENT:ID (\"IR8425:IAC.1\", \"EN303645:5.1-1\")");
  fails("catalog:\n  a.b:\n    title: T\n    severity: high\n    outcomes: [IR8425:IAC.1, IR8425:IAC.1]\n    remediation: r\n",
        "c.yaml:5: outcome 'IR8425:IAC.1' listed twice for 'a.b'");
  fails("catalog:\n  a.b:\n    title: \"  \"\n    severity: high\n    outcomes: [IR8425:IAC.1]\n    remediation: r\n",
        "c.yaml:3: the title of 'a.b' is empty");
  fails("catalog:\n  a.b:\n    title: [T]\n    severity: high\n    outcomes: [IR8425:IAC.1]\n    remediation: r\n",
        "c.yaml:3: 'title' must be a non-empty string");
}
