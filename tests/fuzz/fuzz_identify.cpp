// libFuzzer harness for service identification: every regex and prefix rule of the real table
// (profiles/data/services.yaml) against arbitrary replies. The rules are read from the file at
// start-up with a small extraction (the fuzz build has no YAML loader), so the patterns fuzzed
// are exactly the shipped ones. First input byte picks the hello.
#include "probes/identify/identify.hpp"

#include <algorithm>
#include <fstream>
#include <regex>
#include <sstream>

using namespace trustscan;

namespace {
ServiceTable load() {
  ServiceTable t;
  std::ifstream in(TRUSTSCAN_SOURCE_DIR "/profiles/data/services.yaml");
  std::string line;
  const std::regex rule(R"(service: *([a-z0-9]+), *hello: *([a-z]+), *(regex|prefix|contains): *'([^']*)')");
  while (std::getline(in, line)) {
    std::smatch m;
    if (!std::regex_search(line, m, rule)) continue;
    MatchRule r;
    r.service = m[1];
    r.hello = m[2];
    r.pattern = m[4];
    r.kind = m[3] == "regex" ? MatchRule::Kind::regex : m[3] == "prefix" ? MatchRule::Kind::prefix : MatchRule::Kind::contains;
    r.product = "$1";
    r.version = "$2";
    if (r.kind == MatchRule::Kind::regex)
      r.compiled = std::make_shared<const std::regex>(r.pattern, std::regex::ECMAScript | std::regex::icase);
    if (std::none_of(t.hellos.begin(), t.hellos.end(), [&](const Hello& h) { return h.name == r.hello; }))
      t.hellos.push_back(Hello{r.hello, Transport::tcp, {}, {}, {}, 0, 0});
    t.rules.push_back(std::move(r));
  }
  if (t.rules.size() < 10) __builtin_trap();  // the extraction must find the real rules
  return t;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const ServiceTable table = load();
  if (size == 0) return 0;
  const auto& hello = table.hellos[data[0] % table.hellos.size()].name;
  const auto r = identify(table, hello, Bytes(data + 1, size - 1));
  if (r && r->version.size() > 128) __builtin_trap();
  return 0;
}
