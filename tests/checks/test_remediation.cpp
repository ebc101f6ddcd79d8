// Remediation as data (profiles/checks/remediation.yaml, scanner/checks/remediation.hpp): every
// built-in check carries text, the file names no check that does not exist, each text names
// outcomes of its own check, and malformed data is an error with file:line.
#include "scanner/checks/remediation.hpp"

#include "trustscan/check.hpp"
#include "trustscan/profile.hpp"

#include <doctest/doctest.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>

using namespace trustscan;

namespace {

std::set<std::string> builtin_ids() {
  std::set<std::string> ids;
  for (const auto& c : builtin_checks()) ids.insert(std::string(c->id()));
  return ids;
}

}  // namespace

TEST_CASE("remediation: every built-in check has remediation text") {
  REQUIRE(builtin_checks().size() >= 44);
  for (const auto& c : builtin_checks()) {
    const auto info = c->info();
    INFO(info.id);
    CHECK(info.id == c->id());
    CHECK_FALSE(info.remediation.empty());
    CHECK(info.remediation == builtin_remediation().at(info.id));
  }
}

TEST_CASE("remediation: the data names no unknown check (a typo fails here)") {
  const auto ids = builtin_ids();
  for (const auto& [id, text] : builtin_remediation()) CHECK_MESSAGE(ids.count(id) == 1, "unknown check in remediation.yaml: " << id);
  CHECK(builtin_remediation().size() == ids.size());
}

TEST_CASE("remediation: each text names the outcomes it serves, all of them on its check, in 2-4 sentences") {
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

TEST_CASE("remediation: the embedded data is the file in the source tree") {
  std::ifstream in(TRUSTSCAN_SOURCE_DIR "/profiles/checks/remediation.yaml");
  REQUIRE(in.good());
  std::stringstream text;
  text << in.rdbuf();
  CHECK(parse_remediation(text.str(), "remediation.yaml") == builtin_remediation());
}

TEST_CASE("remediation: block scalars become one line of text") {
  const auto m = parse_remediation("remediation:\n  svc.telnet: |\n    Disable it.\n      Use SSH.  \n  a.b: x\n", "r.yaml");
  CHECK(m.at("svc.telnet") == "Disable it. Use SSH.");
  CHECK(m.at("a.b") == "x");
}

TEST_CASE("remediation: malformed data is an error with file:line, not a crash") {
  const auto fails = [](const std::string& yaml, const std::string& what) {
    INFO(yaml);
    CHECK_THROWS_WITH_AS(parse_remediation(yaml, "r.yaml"), what.c_str(), ProfileError);
  };
  CHECK_THROWS_WITH_AS(parse_remediation("remediation: [unclosed\n", "r.yaml"), doctest::Contains("r.yaml:2: invalid YAML"),
                       ProfileError);
  fails("- a\n", "r.yaml:1: a remediation file is a mapping with one key, 'remediation' (check id: text)");
  fails("checks: []\n", "r.yaml:1: a remediation file is a mapping with one key, 'remediation' (check id: text)");
  fails("remediation: {a.b: x}\nextra: 1\n", "r.yaml:2: unknown key 'extra' (known: remediation)");
  fails("remediation: [a, b]\n", "r.yaml:1: 'remediation' maps check ids to text (svc.telnet: Disable the Telnet daemon…)");
  fails("remediation:\n  Svc.Telnet: x\n", "r.yaml:2: 'Svc.Telnet' is not a check id (dotted lower_snake words, e.g. svc.telnet)");
  fails("remediation:\n  [a, b]: x\n", "r.yaml:2: '' is not a check id (dotted lower_snake words, e.g. svc.telnet)");
  fails("remediation:\n  svc.telnet: [a, b]\n", "r.yaml:2: the remediation of 'svc.telnet' must be text");
  fails("remediation:\n  svc.telnet: {a: b}\n", "r.yaml:2: the remediation of 'svc.telnet' must be text");
  fails("remediation:\n  svc.telnet: \"  \"\n", "r.yaml:2: the remediation of 'svc.telnet' is empty");
  fails("remediation:\n  svc.telnet:\n", "r.yaml:2: the remediation of 'svc.telnet' is empty");
  fails("remediation:\n  svc.telnet: a\n  svc.telnet: b\n", "r.yaml:3: duplicate remediation for 'svc.telnet'");
}
