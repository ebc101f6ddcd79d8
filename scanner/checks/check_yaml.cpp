// trustscan — checks as data (docs/profiles.md, "Checks as data").
//
// A check definition names what it needs (requires), where it looks (scope: each endpoint, or the
// device-wide observations), when it applies (applies_when), what fails it (fail_when) and, when
// absence must not count as a pass, what passes it (pass_when). Predicates form a closed
// vocabulary — service, port, transport, has, equals, contains, matches, at_least, below, all,
// any, not — validated once at load time, so a typo in a profile is an error with file:line and
// never a check that silently never fires.
#include "scanner/checks/check_yaml.hpp"

#include "scanner/config/builtin_texts.hpp"
#include "scanner/checks/checks.hpp"
#include "scanner/checks/catalog.hpp"
#include "scanner/checks/verdict_policy.hpp"
#include "trustscan/profile.hpp"
#include "scanner/config/yaml_util.hpp"
#include "probes/identify/service_keys.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <regex>
#include <set>

namespace trustscan {


namespace {

// ---- predicates ----------------------------------------------------------------------------

struct Pred {
  enum class Op { service, port, transport, has, equals, contains, matches, at_least, below, all, any, negate };
  Op op = Op::all;
  std::string key;                    // observation key (has/equals/contains/matches/at_least/below)
  std::vector<std::string> words;     // services, transport, or the one value of equals/contains
  std::vector<std::int64_t> numbers;  // ports, or the bound of at_least/below
  std::optional<std::regex> re;
  std::string text;                   // the predicate as written, for evidence
  std::vector<Pred> children;
};

// The service names a predicate mentions (its scope, for the verdict policy).
void services_in(const Pred& p, std::vector<std::string>& out) {
  if (p.op == Pred::Op::service)
    for (const auto& w : p.words)
      if (std::find(out.begin(), out.end(), w) == out.end()) out.push_back(w);
  for (const auto& c : p.children) services_in(c, out);
}

// What one candidate (an endpoint, or the device) offers to a predicate.
struct Candidate {
  std::optional<Endpoint> endpoint;
  std::vector<const Observation*> observations;
  std::string service;  // service.name on the endpoint, "" if none
};

bool value_matches(const Pred& p, const Value& v) {
  auto each_string = [&](auto&& test) {
    if (const auto* s = std::get_if<std::string>(&v)) return test(*s);
    if (const auto* l = std::get_if<std::vector<std::string>>(&v))
      return std::any_of(l->begin(), l->end(), [&](const std::string& s) { return test(s); });
    if (const auto* b = std::get_if<bool>(&v)) return test(std::string(*b ? "true" : "false"));
    return test(std::to_string(std::get<std::int64_t>(v)));
  };
  switch (p.op) {
    case Pred::Op::has: return true;
    case Pred::Op::equals: return each_string([&](const std::string& s) { return s == p.words.front(); });
    case Pred::Op::contains:
      return each_string([&](const std::string& s) { return s.find(p.words.front()) != std::string::npos; });
    case Pred::Op::matches: return each_string([&](const std::string& s) { return std::regex_search(s, *p.re); });
    case Pred::Op::at_least:
    case Pred::Op::below: {
      const auto* i = std::get_if<std::int64_t>(&v);
      if (!i) return false;
      return p.op == Pred::Op::at_least ? *i >= p.numbers.front() : *i < p.numbers.front();
    }
    default: return false;
  }
}

// True when the candidate satisfies the predicate; the observations that made it true are
// appended to `why` (evidence).
bool eval(const Pred& p, const Candidate& c, std::vector<const Observation*>& why) {
  switch (p.op) {
    case Pred::Op::service: {
      if (c.service.empty() || std::find(p.words.begin(), p.words.end(), c.service) == p.words.end()) return false;
      for (const auto* o : c.observations)
        if (o->key == keys::service::name) why.push_back(o);
      return true;
    }
    case Pred::Op::port:
      return c.endpoint && std::find(p.numbers.begin(), p.numbers.end(), c.endpoint->port) != p.numbers.end();
    case Pred::Op::transport: return c.endpoint && to_string(c.endpoint->transport) == p.words.front();
    case Pred::Op::all: {
      std::vector<const Observation*> mine;
      for (const auto& ch : p.children)
        if (!eval(ch, c, mine)) return false;
      why.insert(why.end(), mine.begin(), mine.end());
      return true;
    }
    case Pred::Op::any: {
      bool any = false;
      for (const auto& ch : p.children) any = eval(ch, c, why) || any;
      return any;
    }
    case Pred::Op::negate: {
      std::vector<const Observation*> ignored;
      return !eval(p.children.front(), c, ignored);
    }
    default: {
      bool any = false;
      for (const auto* o : c.observations)
        if (o->key == p.key && value_matches(p, o->value)) {
          any = true;
          why.push_back(o);
        }
      return any;
    }
  }
}

class PredParser {
 public:
  explicit PredParser(const std::string& origin) : origin_(origin) {}

  Pred parse(const YAML::Node& n, int depth = 0) {
    if (depth > 16) yaml_fail(origin_, n, "predicate nested deeper than 16 levels");
    if (!n.IsMap() || n.size() != 1)
      yaml_fail(origin_, n,
              "a predicate is a mapping with exactly one of: service, port, transport, has, equals, contains, matches, "
              "at_least, below, all, any, not");
    const auto key = n.begin()->first.as<std::string>("");
    const YAML::Node arg = n.begin()->second;
    static const std::map<std::string, Pred::Op> ops = {
        {"service", Pred::Op::service}, {"port", Pred::Op::port},         {"transport", Pred::Op::transport},
        {"has", Pred::Op::has},         {"equals", Pred::Op::equals},     {"contains", Pred::Op::contains},
        {"matches", Pred::Op::matches}, {"at_least", Pred::Op::at_least}, {"below", Pred::Op::below},
        {"all", Pred::Op::all},         {"any", Pred::Op::any},           {"not", Pred::Op::negate}};
    const auto it = ops.find(key);
    if (it == ops.end())
      yaml_fail(origin_, n.begin()->first,
              "unknown predicate '" + key +
                  "' (known: service, port, transport, has, equals, contains, matches, at_least, below, all, any, not)");
    Pred p;
    p.op = it->second;
    switch (p.op) {
      case Pred::Op::service:
        p.words = words(arg, "service names");
        p.text = "service in [" + join(p.words) + "]";
        break;
      case Pred::Op::port:
        for (const auto& w : words(arg, "ports")) {
          const auto v = number(arg, w);
          if (v < 1 || v > 65535) yaml_fail(origin_, arg, "port '" + w + "' is not 1-65535");
          p.numbers.push_back(v);
        }
        p.text = "port in [" + join(words(arg, "ports")) + "]";
        break;
      case Pred::Op::transport:
        if (!arg.IsScalar() || (arg.Scalar() != "tcp" && arg.Scalar() != "udp"))
          yaml_fail(origin_, arg, "transport is tcp or udp");
        p.words = {arg.Scalar()};
        p.text = "transport " + arg.Scalar();
        break;
      case Pred::Op::has:
        if (!arg.IsScalar() || arg.Scalar().empty()) yaml_fail(origin_, arg, "'has' takes an observation key");
        p.key = arg.Scalar();
        p.text = "has " + p.key;
        break;
      case Pred::Op::equals:
      case Pred::Op::contains:
      case Pred::Op::matches:
      case Pred::Op::at_least:
      case Pred::Op::below: keyed(key, arg, p); break;
      case Pred::Op::all:
      case Pred::Op::any:
        if (!arg.IsSequence() || arg.size() == 0) yaml_fail(origin_, arg, "'" + key + "' takes a non-empty list of predicates");
        for (const auto& ch : arg) p.children.push_back(parse(ch, depth + 1));
        p.text = key + "(";
        for (std::size_t i = 0; i < p.children.size(); ++i) p.text += (i ? ", " : "") + p.children[i].text;
        p.text += ")";
        break;
      case Pred::Op::negate:
        p.children.push_back(parse(arg, depth + 1));
        p.text = "not " + p.children.front().text;
        break;
    }
    return p;
  }

 private:
  static std::string join(const std::vector<std::string>& v) {
    std::string s;
    for (const auto& w : v) s += (s.empty() ? "" : ", ") + w;
    return s;
  }

  std::vector<std::string> words(const YAML::Node& arg, const char* what) {
    std::vector<std::string> out;
    if (arg.IsScalar() && !arg.Scalar().empty()) return {arg.Scalar()};
    if (!arg.IsSequence() || arg.size() == 0) yaml_fail(origin_, arg, std::string("expected one or a list of ") + what);
    for (const auto& w : arg) {
      if (!w.IsScalar() || w.Scalar().empty()) yaml_fail(origin_, w, std::string("expected ") + what);
      out.push_back(w.Scalar());
    }
    return out;
  }

  std::int64_t number(const YAML::Node& at, const std::string& w) {
    std::size_t used = 0;
    long long v = 0;
    try {
      v = std::stoll(w, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != w.size() || w.empty()) yaml_fail(origin_, at, "'" + w + "' is not a whole number");
    return v;
  }

  void keyed(const std::string& op, const YAML::Node& arg, Pred& p) {
    const char* field = op == "matches" ? "regex" : "value";
    if (!arg.IsMap()) yaml_fail(origin_, arg, "'" + op + "' takes {key: OBSERVATION_KEY, " + field + ": …}");
    for (const auto& kv : arg) {
      const auto k = kv.first.as<std::string>("");
      if (k != "key" && k != field) yaml_fail(origin_, kv.first, "unknown field '" + k + "' of '" + op + "' (known: key, " + field + ")");
    }
    if (!arg["key"] || !arg["key"].IsScalar() || arg["key"].Scalar().empty())
      yaml_fail(origin_, arg, "'" + op + "' needs 'key': the observation key");
    if (!arg[field] || !arg[field].IsScalar()) yaml_fail(origin_, arg, "'" + op + "' needs '" + field + "': a scalar");
    p.key = arg["key"].Scalar();
    const std::string v = arg[field].Scalar();
    if (op == "matches") {
      try {
        p.re.emplace(v, std::regex::ECMAScript | std::regex::optimize);
      } catch (const std::regex_error& e) {
        yaml_fail(origin_, arg[field], "invalid regex '" + v + "': " + e.what());
      }
    } else if (op == "at_least" || op == "below") {
      p.numbers = {number(arg[field], v)};
    } else {
      p.words = {v};
    }
    p.text = p.key + " " + op + " " + v;
  }

  const std::string& origin_;
};

// ---- the check -----------------------------------------------------------------------------

enum class Requires { probes, scan, none };

struct Definition {
  CheckInfo info;
  Requires requires_ = Requires::probes;
  bool device_scope = false;
  std::optional<Pred> applies_when, fail_when, pass_when;
  std::map<std::string, std::string> summary;  // fail / pass / not_applicable / not_tested templates
  std::string no_evidence_reason = "no_evidence";  // the not_tested reason when pass_when finds nothing
};

class YamlCheck final : public Check {
 public:
  explicit YamlCheck(Definition d) : d_(std::move(d)) {
    for (const auto* p : {&d_.applies_when, &d_.fail_when, &d_.pass_when})
      if (*p) services_in(**p, scope_names_);
  }
  std::string_view id() const noexcept override { return d_.info.id; }
  CheckInfo info() const override { return d_.info; }

  void evaluate(const DeviceFacts& device, std::vector<Finding>& out) const override {
    std::string why_not;
    if (d_.requires_ == Requires::probes) why_not = not_judgeable(device);
    if (d_.requires_ == Requires::scan) {
      if (!device.scan_complete) why_not = "inconclusive:interrupted";
      else if (device.ports.empty()) why_not = "not_scanned";
    }
    if (!why_not.empty()) {
      auto f = finding(CheckStatus::not_tested, text("not_tested", "not judged: " + why_not, {}, nullptr, device));
      f.reason = why_not;
      out.push_back(std::move(f));
      return;
    }

    const auto candidates = make_candidates(device);
    std::vector<const Candidate*> applicable;
    for (const auto& c : candidates) {
      std::vector<const Observation*> ignored;
      if (!d_.applies_when || eval(*d_.applies_when, c, ignored)) applicable.push_back(&c);
    }
    if (applicable.empty()) {
      auto f = finding(CheckStatus::not_applicable,
                       text("not_applicable", "does not apply: nothing matched " + (d_.applies_when ? d_.applies_when->text : std::string("")), {}, nullptr, device));
      // The verdict policy: "nothing in scope" is not_applicable only over a complete inventory.
      if (!d_.device_scope && d_.requires_ == Requires::probes) {
        auto policy = nothing_in_scope(d_.info, device, scope(), "nothing in scope");
        if (policy.status != CheckStatus::not_applicable) f = std::move(policy);
        else f.evidence = std::move(policy.evidence);
      }
      out.push_back(std::move(f));
      return;
    }

    bool failed = false;
    for (const auto* c : applicable) {
      std::vector<const Observation*> why;
      if (!d_.fail_when || !eval(*d_.fail_when, *c, why)) continue;
      failed = true;
      auto f = finding(CheckStatus::fail, text("fail", d_.info.title + ": failed (" + d_.fail_when->text + ")", c, first(why), device));
      f.endpoint = c->endpoint;
      add_evidence(f, why, "matched: " + d_.fail_when->text);
      out.push_back(std::move(f));
    }
    if (failed) return;

    if (!d_.pass_when) {
      // Absence of the failing condition over a complete inventory is the evidence.
      auto f = finding(CheckStatus::pass, text("pass", "none of " + std::to_string(applicable.size()) + " endpoints matched " + d_.fail_when->text, nullptr, nullptr, device));
      Evidence e;
      e.kind = d_.device_scope ? "observations" : "service_identification";
      e.detail = "checked " + std::to_string(applicable.size()) + (d_.device_scope ? " device" : " endpoint(s)") +
                 "; none matched: " + d_.fail_when->text;
      f.evidence.push_back(std::move(e));
      // A pass on absence ("no Telnet among the open ports") needs every open port identified.
      if (!d_.device_scope && d_.requires_ == Requires::probes) require_complete_inventory(f, device, scope());
      out.push_back(std::move(f));
      return;
    }
    std::vector<const Observation*> why;
    const Candidate* passed = nullptr;
    for (const auto* c : applicable)
      if (eval(*d_.pass_when, *c, why) && !passed) passed = c;
    if (!passed) {
      auto f = finding(CheckStatus::not_tested, text("not_tested", "no evidence either way: nothing matched " + d_.pass_when->text, nullptr, nullptr, device));
      f.reason = d_.no_evidence_reason;
      out.push_back(std::move(f));
      return;
    }
    auto f = finding(CheckStatus::pass, text("pass", d_.info.title + " (" + d_.pass_when->text + ")", passed, first(why), device));
    add_evidence(f, why, "matched: " + d_.pass_when->text);
    out.push_back(std::move(f));
  }

 private:
  // The services this check is about (from its predicates), as views for the verdict policy.
  std::vector<std::string_view> scope() const {
    std::vector<std::string_view> v;
    for (const auto& n : scope_names_) v.emplace_back(n);
    return v;
  }

  static const Observation* first(const std::vector<const Observation*>& v) { return v.empty() ? nullptr : v.front(); }

  Finding finding(CheckStatus st, std::string summary) const {
    return make_finding(d_.info.id, st, d_.info.severity, d_.info.outcomes, std::move(summary));
  }

  static void add_evidence(Finding& f, const std::vector<const Observation*>& why, const std::string& detail) {
    std::set<const Observation*> seen;
    for (const auto* o : why)
      if (seen.insert(o).second && f.evidence.size() < 8) f.evidence.push_back(evidence_from(*o));
    if (f.evidence.empty()) {
      Evidence e;
      e.kind = "predicate";
      e.detail = detail;
      f.evidence.push_back(std::move(e));
    }
  }

  std::vector<Candidate> make_candidates(const DeviceFacts& device) const {
    std::vector<Candidate> out;
    if (d_.device_scope) {
      Candidate c;
      for (const auto& o : device.observations)
        if (!o.endpoint) c.observations.push_back(&o);
      out.push_back(std::move(c));
      return out;
    }
    std::map<Endpoint, Candidate> by_endpoint;
    for (const auto& p : device.ports)
      if (p.state == PortState::open) by_endpoint[p.endpoint].endpoint = p.endpoint;
    for (const auto& o : device.observations) {
      if (!o.endpoint) continue;
      auto& c = by_endpoint[*o.endpoint];
      c.endpoint = o.endpoint;
      c.observations.push_back(&o);
      if (o.key == keys::service::name)
        if (const auto* s = std::get_if<std::string>(&o.value)) c.service = *s;
    }
    for (auto& [ep, c] : by_endpoint) out.push_back(std::move(c));
    return out;
  }

  // Fills a summary template: {port} {transport} {service} {value} {open} {scanned}.
  std::string text(const std::string& which, std::string fallback, const Candidate* c, const Observation* o,
                   const DeviceFacts& device) const {
    const auto it = d_.summary.find(which);
    if (it == d_.summary.end()) return fallback;
    std::size_t open = 0;
    for (const auto& p : device.ports) open += p.state == PortState::open;
    const std::map<std::string, std::string> vars = {
        {"port", c && c->endpoint ? std::to_string(c->endpoint->port) : ""},
        {"transport", c && c->endpoint ? std::string(to_string(c->endpoint->transport)) : ""},
        {"service", c ? c->service : ""},
        {"value", o ? to_text(o->value) : ""},
        {"open", std::to_string(open)},
        {"scanned", std::to_string(device.ports.size())}};
    std::string s;
    const std::string& t = it->second;
    for (std::size_t i = 0; i < t.size(); ++i) {
      if (t[i] == '{') {
        const auto end = t.find('}', i);
        if (end != std::string::npos) {
          if (const auto v = vars.find(t.substr(i + 1, end - i - 1)); v != vars.end()) {
            s += v->second;
            i = end;
            continue;
          }
        }
      }
      s += t[i];
    }
    return s;
  }

  Definition d_;
  std::vector<std::string> scope_names_;
};

Definition parse_definition(const YAML::Node& n, const std::string& origin) {
  static const std::set<std::string> known = {"id",    "title",        "severity",  "outcomes",  "requires",
                                              "scope", "applies_when", "fail_when", "pass_when", "summary", "no_evidence_reason"};
  if (!n.IsMap()) yaml_fail(origin, n, "each check is a mapping (id, title, severity, outcomes, fail_when…)");
  for (const auto& kv : n) {
    const auto key = kv.first.as<std::string>("");
    if (!known.count(key))
      yaml_fail(origin, kv.first,
              "unknown check key '" + key +
                  "' (known: id, title, severity, outcomes, requires, scope, applies_when, fail_when, pass_when, summary, "
                  "no_evidence_reason)");
  }
  auto scalar = [&](const char* key) {
    const auto v = n[key];
    if (!v || !v.IsScalar() || v.Scalar().empty()) yaml_fail(origin, v ? v : n, std::string("check needs '") + key + "': a non-empty string");
    return v.Scalar();
  };
  Definition d;
  d.info.id = scalar("id");
  static const std::regex id_form("[a-z][a-z0-9_]*(\\.[a-z0-9_]+)+");
  if (!std::regex_match(d.info.id, id_form))
    yaml_fail(origin, n["id"], "check id '" + d.info.id + "' must be dotted lower_snake words (e.g. svc.telnet)");
  d.info.title = scalar("title");
  static const std::map<std::string, Severity> sev = {{"critical", Severity::critical}, {"high", Severity::high},
                                                      {"medium", Severity::medium},     {"low", Severity::low},
                                                      {"info", Severity::info}};
  const auto s = sev.find(scalar("severity"));
  if (s == sev.end()) yaml_fail(origin, n["severity"], "severity is critical, high, medium, low or info");
  d.info.severity = s->second;
  if (const auto o = n["outcomes"]) {
    if (!o.IsSequence()) yaml_fail(origin, o, "'outcomes' is a list of outcome ids (\"IR8425:IAC.1\")");
    static const std::regex outcome_form("[A-Z0-9]+:[A-Za-z0-9.\\-]+");
    for (const auto& x : o) {
      if (!x.IsScalar() || !std::regex_match(x.Scalar(), outcome_form))
        yaml_fail(origin, x, "outcome ids look like DOCUMENT:ID (\"IR8425:IAC.1\", \"EN303645:5.1-1\")");
      d.info.outcomes.push_back(x.Scalar());
    }
  }
  if (n["requires"]) {
    const auto r = n["requires"].Scalar();
    if (r == "probes") d.requires_ = Requires::probes;
    else if (r == "scan") d.requires_ = Requires::scan;
    else if (r == "none") d.requires_ = Requires::none;
    else yaml_fail(origin, n["requires"], "requires is probes (default), scan or none");
  }
  if (n["scope"]) {
    const auto sc = n["scope"].Scalar();
    if (sc != "endpoint" && sc != "device") yaml_fail(origin, n["scope"], "scope is endpoint (default) or device");
    d.device_scope = sc == "device";
  }
  PredParser pp(origin);
  if (n["fail_when"]) d.fail_when = pp.parse(n["fail_when"]);
  if (n["pass_when"]) d.pass_when = pp.parse(n["pass_when"]);
  if (!d.fail_when && !d.pass_when)
    yaml_fail(origin, n, "check '" + d.info.id + "' needs 'fail_when' (what fails it), 'pass_when' (what passes it), or both");
  if (n["applies_when"]) d.applies_when = pp.parse(n["applies_when"]);
  if (d.requires_ == Requires::none && !d.pass_when)
    yaml_fail(origin, n,
            "check '" + d.info.id +
                "' requires nothing, so it needs 'pass_when': absence of a failure is not evidence of a pass");
  if (n["no_evidence_reason"]) {
    static const std::regex reason_form("[a-z_]+(:[a-z_]+)?");
    d.no_evidence_reason = n["no_evidence_reason"].as<std::string>("");
    if (!std::regex_match(d.no_evidence_reason, reason_form) || !d.pass_when)
      yaml_fail(origin, n["no_evidence_reason"], "no_evidence_reason is a lower_snake reason and needs 'pass_when'");
  }
  if (const auto sm = n["summary"]) {
    if (!sm.IsMap()) yaml_fail(origin, sm, "'summary' maps fail/pass/not_applicable/not_tested to text");
    for (const auto& kv : sm) {
      const auto k = kv.first.as<std::string>("");
      if (k != "fail" && k != "pass" && k != "not_applicable" && k != "not_tested")
        yaml_fail(origin, kv.first, "unknown summary '" + k + "' (known: fail, pass, not_applicable, not_tested)");
      if (!kv.second.IsScalar()) yaml_fail(origin, kv.second, "a summary is a string");
      d.summary[k] = kv.second.Scalar();
    }
  }
  return d;
}

}  // namespace

std::vector<std::unique_ptr<Check>> parse_yaml_checks(const YAML::Node& list, const std::string& origin) {
  if (!list.IsSequence()) yaml_fail(origin, list, "'checks' must be a list of check definitions");
  std::vector<std::unique_ptr<Check>> out;
  std::set<std::string> ids;
  for (const auto& n : list) {
    auto d = parse_definition(n, origin);
    if (!ids.insert(d.info.id).second) yaml_fail(origin, n, "duplicate check '" + d.info.id + "'");
    out.push_back(std::make_unique<YamlCheck>(std::move(d)));
  }
  return out;
}

void add_yaml_checks(std::vector<std::unique_ptr<Check>>& out) {
  for (const auto& [stem, text] : builtin_check_texts()) {
    if (stem == kCatalogStem) continue;  // the check catalog, not definitions (catalog.cpp)
    const std::string origin = "builtin:checks/" + stem + ".yaml";
    const YAML::Node root = yaml_load(text, origin);
    if (!root.IsMap() || !root["checks"]) throw ProfileError(origin + ":1: a checks file is a mapping with a 'checks' list");
    for (auto& c : parse_yaml_checks(root["checks"], origin)) out.push_back(std::move(c));
  }
}

}  // namespace trustscan
