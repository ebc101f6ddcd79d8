// trustscan — waivers (waivers.hpp, docs/waivers.md).
#include "scanner/report/waivers.hpp"

#include "scanner/config/yaml_util.hpp"

#include <fnmatch.h>

#include <algorithm>
#include <charconv>

namespace trustscan {

namespace {

constexpr std::size_t kMaxWaivers = 10'000;

bool is_finding_id(std::string_view s) {
  return s.size() == 18 && s.substr(0, 2) == "f-" &&
         std::all_of(s.begin() + 2, s.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

bool glob_matches(const std::string& pattern, const std::string& text) {
  return ::fnmatch(pattern.c_str(), text.c_str(), FNM_NOESCAPE) == 0;
}

// "2027-03-31" → that day; nullopt unless it is a real calendar date in that exact form.
std::optional<std::chrono::sys_days> parse_day(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  int y = 0;
  unsigned m = 0, d = 0;
  auto num = [&](std::string_view part, auto& v) {
    const auto r = std::from_chars(part.data(), part.data() + part.size(), v);
    return r.ec == std::errc() && r.ptr == part.data() + part.size();
  };
  if (!num(s.substr(0, 4), y) || !num(s.substr(5, 2), m) || !num(s.substr(8, 2), d)) return std::nullopt;
  const std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{d}};
  if (!ymd.ok()) return std::nullopt;
  return std::chrono::sys_days{ymd};
}

// "23/tcp" (as reports name ports) → the endpoint, address unset.
std::optional<Endpoint> parse_port(std::string_view s) {
  const auto slash = s.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  unsigned port = 0;
  const auto digits = s.substr(0, slash), transport = s.substr(slash + 1);
  const auto r = std::from_chars(digits.data(), digits.data() + digits.size(), port);
  if (r.ec != std::errc() || r.ptr != digits.data() + digits.size() || port < 1 || port > 65535) return std::nullopt;
  Endpoint ep;
  ep.port = static_cast<std::uint16_t>(port);
  if (transport == "tcp") ep.transport = Transport::tcp;
  else if (transport == "udp") ep.transport = Transport::udp;
  else return std::nullopt;
  return ep;
}

bool matches(const Waiver& w, const Address& device, const Finding& f, const std::string& id) {
  if (!w.id.empty()) return w.id == id;
  if (!glob_matches(w.check, f.check)) return false;
  if (w.device && !w.device->contains(device)) return false;
  if (w.port && (!f.endpoint || f.endpoint->port != w.port->port || f.endpoint->transport != w.port->transport))
    return false;
  return true;
}

}  // namespace

std::chrono::sys_days utc_day(std::chrono::system_clock::time_point t) {
  return std::chrono::floor<std::chrono::days>(t);
}

std::vector<Waiver> parse_waivers(const std::string& text, const std::string& origin,
                                  const std::vector<std::string>& known_checks) {
  const YAML::Node root = yaml_load(text, origin);
  if (!root.IsMap() || !root["waivers"])
    throw ProfileError(origin + ":1: a waiver file is a mapping with a 'waivers' list");
  only_keys(origin, root, {"waivers"}, "waiver file");
  const auto list = root["waivers"];
  if (!list.IsSequence()) yaml_fail(origin, list, "'waivers' is a list of {id or check, justification, owner, expires}");
  if (list.size() > kMaxWaivers) yaml_fail(origin, list, "more than 10000 waivers");
  std::vector<Waiver> out;
  for (const auto& n : list) {
    if (!n.IsMap()) yaml_fail(origin, n, "each waiver is a mapping {id or check, justification, owner, expires}");
    only_keys(origin, n, {"id", "check", "device", "port", "justification", "owner", "expires"}, "waiver");
    Waiver w;
    w.mark.source = origin + ":" + std::to_string(n.Mark().line + 1);
    w.id = yaml_text(origin, n, "id", false);
    w.check = yaml_text(origin, n, "check", false);
    if (w.id.empty() == w.check.empty())
      yaml_fail(origin, n, "a waiver names either a finding 'id' (f-…, from a report) or a 'check' id pattern");
    if (!w.id.empty()) {
      if (!is_finding_id(w.id))
        yaml_fail(origin, n["id"], "'" + w.id + "' is not a finding id (f- and 16 lower-case hex digits, as in a report)");
      if (n["device"] || n["port"])
        yaml_fail(origin, n, "a finding id already names its device and port: give 'device' and 'port' only with 'check'");
      w.mark.rule = w.id;
    } else {
      const bool known = std::any_of(known_checks.begin(), known_checks.end(),
                                     [&](const std::string& c) { return glob_matches(w.check, c); });
      if (!known) yaml_fail(origin, n["check"], "'" + w.check + "' matches no check this run can report (trustscan checks list)");
      w.mark.rule = "check " + w.check;
      if (n["device"]) {
        const auto d = yaml_text(origin, n, "device", true);
        w.device = Cidr::parse(d);
        if (!w.device) yaml_fail(origin, n["device"], "'device' is an address or a CIDR block (198.18.0.0/24), not '" + d + "'");
        w.mark.rule += ", device " + d;
      }
      if (n["port"]) {
        const auto p = yaml_text(origin, n, "port", true);
        w.port = parse_port(p);
        if (!w.port) yaml_fail(origin, n["port"], "'port' is PORT/tcp or PORT/udp (23/tcp), not '" + p + "'");
        w.mark.rule += ", port " + p;
      }
    }
    w.mark.justification = yaml_text(origin, n, "justification", true);
    w.mark.owner = yaml_text(origin, n, "owner", true);
    w.mark.expires = yaml_text(origin, n, "expires", true);
    const auto day = parse_day(w.mark.expires);
    if (!day) yaml_fail(origin, n["expires"], "'expires' is a date YYYY-MM-DD, not '" + w.mark.expires + "'");
    w.expires = *day;
    out.push_back(std::move(w));
  }
  return out;
}

std::vector<Waiver> load_waivers(const std::string& path, const std::vector<std::string>& known_checks) {
  return parse_waivers(read_config_file(path, "waiver file"), path, known_checks);
}

void apply_waivers(Report& report, const std::vector<Waiver>& waivers, std::chrono::sys_days today) {
  report.waivers.clear();
  for (const auto& w : waivers) report.waivers.push_back({w.mark, "unused", {}});
  for (auto& d : report.devices)
    for (auto& f : d.results) {
      if (f.status == CheckStatus::waived) f.status = CheckStatus::fail;
      f.waiver.reset();
      if (f.status != CheckStatus::fail) continue;
      const std::string id = finding_id(d.facts.target.address, f);
      for (std::size_t i = 0; i < waivers.size(); ++i) {
        if (!matches(waivers[i], d.facts.target.address, f, id)) continue;
        const bool expired = today > waivers[i].expires;
        f.waiver = waivers[i].mark;
        f.waiver->expired = expired;
        if (!expired) f.status = CheckStatus::waived;
        auto& use = report.waivers[i];
        use.findings.push_back(id);
        use.state = expired ? "expired" : "applied";
        break;
      }
    }
}

}  // namespace trustscan
