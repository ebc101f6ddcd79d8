// Declared observation keys: the catalog, docs/observations.md generated from it, and the keys
// the YAML checks read.
#include "trustscan/observation_key.hpp"
#include "../support/cli.hpp"

#include <doctest/doctest.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

using namespace trustscan;
using testsupport::cli;

namespace {

const std::filesystem::path kSource = TRUSTSCAN_SOURCE_DIR;

// Every scalar under a `has:` or `key:` field, anywhere in a check's predicates.
void keys_read(const YAML::Node& n, std::set<std::string>& out) {
  if (n.IsSequence())
    for (const auto& item : n) keys_read(item, out);
  if (!n.IsMap()) return;
  for (const auto& kv : n) {
    const auto field = kv.first.as<std::string>("");
    if ((field == "has" || field == "key") && kv.second.IsScalar()) out.insert(kv.second.Scalar());
    keys_read(kv.second, out);
  }
}

}  // namespace

TEST_CASE("observation keys: docs/observations.md is the output of `trustscan observations --markdown`") {
  const auto r = cli({"observations", "--markdown"});
  REQUIRE(r.code == 0);
  std::ifstream in(kSource / "docs/observations.md");
  REQUIRE(in.good());
  std::stringstream doc;
  doc << in.rdbuf();
  // On a difference: trustscan observations --markdown > docs/observations.md
  CHECK(doc.str() == r.out);
}

TEST_CASE("observation keys: every key a YAML check reads is declared") {
  std::set<std::string> read;
  for (const auto& f : std::filesystem::directory_iterator(kSource / "profiles/checks"))
    if (f.path().extension() == ".yaml") keys_read(YAML::LoadFile(f.path().string()), read);
  REQUIRE(read.size() > 5);  // the walk found the predicates
  for (const auto& key : read) {
    INFO("key read by profiles/checks/*.yaml: " << key);
    CHECK(find_observation_key(key) != nullptr);
  }
}

TEST_CASE("observation keys: the catalog is well-formed") {
  const std::regex shape(R"(([a-z0-9_]+|<[a-z_]+>)(\.([a-z0-9_]+|<[a-z_]+>))+)");
  std::set<std::string_view> names;
  for (const auto& k : all_observation_keys()) {
    INFO(k.name);
    CHECK(std::regex_match(std::string(k.name), shape));
    CHECK(names.insert(k.name).second);
    CHECK(!k.doc.empty());
    CHECK(std::filesystem::exists(kSource / k.source));
    CHECK(find_observation_key(k.name) == &k);
  }
  CHECK(names.size() > 150);
}

TEST_CASE("observation keys: patterns") {
  const auto* ciphers = find_observation_key("tls.ciphers.TLSv1.2");
  REQUIRE(ciphers != nullptr);
  CHECK(ciphers->name == "tls.ciphers.<version>");
  CHECK(ciphers->with("TLSv1.2").name == "tls.ciphers.TLSv1.2");
  CHECK(find_observation_key("probe.ssh.status") != nullptr);
  CHECK(find_observation_key("probe..status") == nullptr);
  CHECK(find_observation_key("tls.version") == nullptr);  // a typo
  CHECK(find_observation_key("tls.versions")->type == ValueType::list);
}
