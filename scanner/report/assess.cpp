// trustscan — reading reports back and merging vantages (assess.hpp).
#include "scanner/report/assess.hpp"
#include "scanner/policy/crypto_policy.hpp"

#include "scanner/engine/targets.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

namespace trustscan {

using json = nlohmann::json;

namespace {

constexpr std::size_t kMaxReportBytes = 512u << 20;

// Everything a malformed report can throw while being read becomes this, with the file named.
struct Bad {
  std::string what;
};

template <typename E, std::size_t N>
E enum_of(const json& j, const char* field, const std::array<std::pair<std::string_view, E>, N>& names) {
  if (!j.contains(field) || !j[field].is_string()) throw Bad{std::string("a result or service has no '") + field + "'"};
  const auto v = j[field].get<std::string>();
  for (const auto& [name, e] : names)
    if (name == v) return e;
  throw Bad{std::string("unknown ") + field + " '" + v + "'"};
}

constexpr std::array<std::pair<std::string_view, CheckStatus>, 7> kStatuses{{{"pass", CheckStatus::pass},
                                                                             {"fail", CheckStatus::fail},
                                                                             {"not_applicable", CheckStatus::not_applicable},
                                                                             {"not_tested", CheckStatus::not_tested},
                                                                             {"error", CheckStatus::error},
                                                                             {"info", CheckStatus::info},
                                                                             {"waived", CheckStatus::waived}}};
constexpr std::array<std::pair<std::string_view, Severity>, 5> kSeverities{{{"info", Severity::info},
                                                                            {"low", Severity::low},
                                                                            {"medium", Severity::medium},
                                                                            {"high", Severity::high},
                                                                            {"critical", Severity::critical}}};
constexpr std::array<std::pair<std::string_view, PortState>, 4> kStates{{{"open", PortState::open},
                                                                        {"closed", PortState::closed},
                                                                        {"filtered", PortState::filtered},
                                                                        {"open|filtered", PortState::open_filtered}}};
constexpr std::array<std::pair<std::string_view, Transport>, 2> kTransports{{{"tcp", Transport::tcp}, {"udp", Transport::udp}}};

std::string text(const json& j, const char* field) {
  return j.contains(field) && j[field].is_string() ? j[field].get<std::string>() : std::string();
}

std::optional<Endpoint> endpoint_of(const json& j, const Address& a) {
  if (!j.contains("port")) return std::nullopt;
  if (!j["port"].is_number_unsigned() || j["port"].get<unsigned>() > 65535) throw Bad{"a port is not 0-65535"};
  Transport t = Transport::tcp;
  if (j.contains("transport")) t = enum_of(j, "transport", kTransports);
  return Endpoint{a, t, j["port"].get<std::uint16_t>()};
}

Evidence evidence_of(const json& j) {
  Evidence e;
  e.kind = text(j, "kind");
  e.source = text(j, "source");
  e.detail = text(j, "detail");
  e.excerpt = text(j, "excerpt");
  e.username = text(j, "username");
  e.password = text(j, "password");
  return e;
}

Value value_of(const json& v) {
  if (v.is_boolean()) return v.get<bool>();
  if (v.is_number_integer()) return v.get<std::int64_t>();
  if (v.is_string()) return v.get<std::string>();
  if (v.is_array() && std::all_of(v.begin(), v.end(), [](const json& x) { return x.is_string(); }))
    return v.get<std::vector<std::string>>();
  return v.dump();
}

std::chrono::system_clock::time_point time_of(const json& j, const char* field) {
  std::tm tm{};
  std::istringstream in(text(j, field));
  in >> std::get_time(&tm, "%Y-%m-%dT%H:%M:%SZ");
  if (in.fail()) throw Bad{std::string("'") + field + "' is not a UTC time like 2026-11-25T10:00:00Z"};
  return std::chrono::system_clock::from_time_t(::timegm(&tm));
}

// The port status behind a service's "reason" (report.cpp reason_of), so that a report read back
// writes the same reason again.
Status status_of(std::string_view reason, PortState state) {
  if (reason == "syn-ack" || reason == "udp-response") return Status::success;
  if (reason == "conn-refused" || reason == "port-unreach") return Status::connection_refused;
  if (reason == "host-unreach") return Status::unreachable;
  if (reason == "no-response") return Status::connection_timeout;
  for (const auto s : {Status::success, Status::not_detected, Status::connection_refused, Status::connection_timeout,
                       Status::io_timeout, Status::connection_closed, Status::unreachable, Status::tls_error,
                       Status::protocol_error, Status::not_observable, Status::internal_error})
    if (reason == to_string(s)) return s;
  return state == PortState::open ? Status::success : Status::connection_timeout;
}

DeviceReport device_of(const json& d) {
  DeviceReport out;
  const auto addr = Address::parse(text(d, "address"));
  if (!addr) throw Bad{"a device has no valid 'address'"};
  out.facts.target.address = *addr;
  out.facts.target.name = text(d, "name");
  out.facts.probed = true;
  out.facts.credentials_tried = true;
  for (const auto& s : d.value("services", json::array())) {
    PortResult p;
    const auto ep = endpoint_of(s, *addr);
    if (!ep) throw Bad{"a service has no 'port'"};
    p.endpoint = *ep;
    p.state = enum_of(s, "state", kStates);
    p.status = status_of(text(s, "reason"), p.state);
    if (s.contains("rtt_us") && s["rtt_us"].is_number_unsigned())
      p.rtt = std::chrono::microseconds(std::min<std::uint64_t>(s["rtt_us"].get<std::uint64_t>(), 3'600'000'000u));
    out.facts.ports.push_back(p);
  }
  // A shard report's device (scan --shard K/N): the ports the services list summarises, and the
  // probe flags, which `trustscan merge` needs to judge the merged device again.
  if (d.contains("shard_facts") && d["shard_facts"].is_object()) {
    const auto& sf = d["shard_facts"];
    const auto flag = [&](const char* k, bool dflt) { return sf.contains(k) && sf[k].is_boolean() ? sf[k].get<bool>() : dflt; };
    out.facts.probed = flag("probed", true);
    out.facts.credentials_tried = flag("credentials_tried", true);
    out.facts.scan_complete = flag("scan_complete", true);
    const json unlisted = sf.value("unlisted_ports", json::object());
    if (!unlisted.is_object()) throw Bad{"'unlisted_ports' is not an object per state"};
    for (const auto& [state, per_transport] : unlisted.items()) {
      const PortState st = enum_of(json{{"state", state}}, "state", kStates);
      if (!per_transport.is_object()) throw Bad{"'unlisted_ports' is not an object per transport"};
      for (const auto& [transport, runs] : per_transport.items()) {
        const Transport t = enum_of(json{{"transport", transport}}, "transport", kTransports);
        if (!runs.is_array()) throw Bad{"'unlisted_ports' runs are not a list"};
        for (const auto& run : runs) {
          if (!run.is_array() || run.size() != 2 || !run[0].is_number_unsigned() || !run[1].is_number_unsigned() ||
              run[0].get<std::uint64_t>() > run[1].get<std::uint64_t>() || run[1].get<std::uint64_t>() > 65535)
            throw Bad{"an 'unlisted_ports' run is not [FIRST, LAST] within 0-65535"};
          for (auto port = run[0].get<unsigned>(); port <= run[1].get<unsigned>(); ++port) {
            PortResult p;
            p.endpoint = Endpoint{*addr, t, static_cast<std::uint16_t>(port)};
            p.state = st;
            p.status = st == PortState::closed ? Status::connection_refused : Status::connection_timeout;
            out.facts.ports.push_back(p);
          }
          // A device has at most every TCP and every UDP port: a report claiming more is not one.
          if (out.facts.ports.size() > 2 * 65536) throw Bad{"a device lists more ports than exist"};
        }
      }
    }
    std::sort(out.facts.ports.begin(), out.facts.ports.end(),
              [](const PortResult& a, const PortResult& b) { return a.endpoint < b.endpoint; });
  }
  for (const auto& o : d.value("observations", json::array())) {
    Observation ob;
    ob.key = text(o, "key");
    if (ob.key.empty()) throw Bad{"an observation has no 'key'"};
    ob.endpoint = endpoint_of(o, *addr);
    ob.value = value_of(o.value("value", json()));
    ob.evidence.source = text(o, "source");
    ob.evidence.detail = text(o, "detail");
    ob.evidence.excerpt = text(o, "excerpt");
    ob.evidence.kind = text(o, "kind");  // these three: in shard reports only
    ob.evidence.username = text(o, "username");
    ob.evidence.password = text(o, "password");
    out.facts.observations.push_back(std::move(ob));
  }
  if (d.contains("score") && d["score"].is_object()) {
    out.score.verdict = text(d["score"], "verdict");
    out.score.grade = text(d["score"], "grade");
  }
  for (const auto& r : d.value("results", json::array())) {
    Finding f;
    f.check = text(r, "check");
    if (f.check.empty()) throw Bad{"a result has no 'check'"};
    f.status = enum_of(r, "status", kStatuses);
    f.severity = enum_of(r, "severity", kSeverities);
    f.endpoint = endpoint_of(r, *addr);
    f.summary = text(r, "summary");
    f.reason = text(r, "reason");
    f.vantage = text(r, "vantage");
    for (const auto& o : r.value("outcomes", json::array()))
      if (o.is_string()) f.outcomes.push_back(o.get<std::string>());
    for (const auto& e : r.value("evidence", json::array())) f.evidence.push_back(evidence_of(e));
    if (r.contains("waiver") && r["waiver"].is_object()) {
      const auto& w = r["waiver"];
      f.waiver = WaiverMark{text(w, "rule"), text(w, "justification"), text(w, "owner"), text(w, "expires"),
                            w.contains("expired") && w["expired"].is_boolean() && w["expired"].get<bool>(), text(w, "source")};
    }
    if (f.status == CheckStatus::waived && !f.waiver) throw Bad{"a waived result has no 'waiver'"};
    out.results.push_back(std::move(f));
  }
  return out;
}

int openness(PortState s) {
  switch (s) {
    case PortState::open: return 3;
    case PortState::open_filtered: return 2;
    case PortState::closed: return 1;
    case PortState::filtered: return 0;
  }
  return 0;
}

}  // namespace

// The crypto policy a report names (profile.crypto_policy), as names only: its id, document and
// origin for each part, without rules. `assess` merges results and re-scores; it never re-judges
// a check, so the rules are not needed, and a report is never a reason to open another file.
// Null when the report names none or the entry is malformed.
static std::shared_ptr<const CryptoPolicy> crypto_policy_of(const json& j) {
  if (!j.is_object()) return nullptr;
  CryptoPolicy p;
  const auto part = [&](const char* key) -> std::shared_ptr<const CryptoPolicyFile> {
    if (!j.contains(key) || !j[key].is_object()) return nullptr;
    const auto& x = j[key];
    const std::string id = x.value("id", ""), origin = x.value("origin", "");
    if (id.empty()) return nullptr;
    for (const auto& have : p.files)
      if (have->id == id && have->origin == origin) return have;
    CryptoPolicyFile named;
    named.id = id;
    named.document = x.value("document", id);
    named.title = named.document;
    named.origin = origin.empty() ? id : origin;
    auto f = std::make_shared<const CryptoPolicyFile>(std::move(named));
    p.files.push_back(f);
    return f;
  };
  p.tls = part("tls");
  p.ssh = part("ssh");
  if (!p.tls && !p.ssh) return nullptr;
  return std::make_shared<const CryptoPolicy>(std::move(p));
}

Report read_report_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError("cannot read report '" + path + "'");
  std::error_code ec;
  if (const auto size = std::filesystem::file_size(path, ec); !ec && size > kMaxReportBytes)
    throw InputError(path + ": report larger than 512 MiB");  // checked before reading it
  std::ostringstream buf;
  buf << in.rdbuf();
  try {
    const json j = json::parse(buf.str());
    if (!j.is_object() || text(j, "schema") != "trustscan.report/1")
      throw Bad{"not a trustscan report (no \"schema\": \"trustscan.report/1\")"};
    Report r;
    r.mode = text(j, "mode");
    r.vantage = text(j, "vantage");
    r.complete = j.value("complete", false);
    r.started_at = time_of(j, "started_at");
    r.finished_at = time_of(j, "finished_at");
    if (j.contains("profile") && j["profile"].is_object()) {
      r.profile.id = text(j["profile"], "id");
      r.profile.version = text(j["profile"], "version");
      r.profile.title = text(j["profile"], "title");
      if (j["profile"].contains("crypto_policy")) r.profile.crypto_policy = crypto_policy_of(j["profile"]["crypto_policy"]);
    }
    r.declaration = text(j, "declaration");
    for (const auto& a : j.value("attestations", json::array()))
      r.attestations.push_back(Attestation{text(a, "outcome"), text(a, "status"), text(a, "evidence"), text(a, "by")});
    if (j.contains("shard") && j["shard"].is_object()) {
      const auto& sh = j["shard"];
      const auto number = [&](const char* k) {
        if (!sh.contains(k) || !sh[k].is_number_unsigned()) throw Bad{std::string("'shard' has no '") + k + "'"};
        return sh[k].get<std::uint64_t>();
      };
      ShardInfo info;
      info.index = static_cast<std::uint32_t>(std::min<std::uint64_t>(number("index"), 1u << 20));
      info.count = static_cast<std::uint32_t>(std::min<std::uint64_t>(number("count"), 1u << 20));
      info.seed = number("seed");
      info.scan = text(sh, "scan");
      if (info.index < 1 || info.index > info.count || info.scan.empty()) throw Bad{"'shard' is not K/N of a scan"};
      r.shard = info;
    }
    if (!j.contains("devices") || !j["devices"].is_array()) throw Bad{"no 'devices' list"};
    for (const auto& d : j["devices"]) r.devices.push_back(device_of(d));
    return r;
  } catch (const Bad& b) {
    throw InputError(path + ": " + b.what);
  } catch (const json::exception& e) {
    std::string msg = e.what();
    std::replace(msg.begin(), msg.end(), '\n', ' ');
    throw InputError(path + ": not a valid report: " + msg);
  }
}

Report merge_reports(const std::vector<Report>& reports) {
  Report out;
  out.mode = "assess";
  out.vantage.clear();
  out.complete = true;
  std::vector<std::string> vantages;
  // Per address: the device, and per (report, check) whether that report ran the check.
  std::map<Address, DeviceReport> devices;
  std::map<Address, std::map<std::string, std::set<std::size_t>>> ran_in;
  for (std::size_t i = 0; i < reports.size(); ++i) {
    const auto& r = reports[i];
    const std::string v = r.vantage.empty() ? r.mode : r.vantage;
    if (std::find(vantages.begin(), vantages.end(), v) == vantages.end()) vantages.push_back(v);
    out.complete = out.complete && r.complete;
    if (i == 0 || r.started_at < out.started_at) out.started_at = r.started_at;
    if (i == 0 || r.finished_at > out.finished_at) out.finished_at = r.finished_at;
    if (out.declaration.empty()) out.declaration = r.declaration;
    for (const auto& d : r.devices)
      for (const auto& f : d.results)
        if (check_ran(f.status)) ran_in[d.facts.target.address][f.check].insert(i);
  }
  for (std::size_t i = 0; i < reports.size(); ++i) {
    const auto& r = reports[i];
    const std::string v = r.vantage.empty() ? r.mode : r.vantage;
    for (const auto& d : r.devices) {
      const Address& a = d.facts.target.address;
      auto& m = devices[a];
      m.facts.target = d.facts.target;
      m.facts.probed = true;
      m.facts.credentials_tried = true;
      m.facts.scan_complete = m.facts.scan_complete && r.complete;
      for (const auto& p : d.facts.ports) {
        auto it = std::find_if(m.facts.ports.begin(), m.facts.ports.end(),
                               [&](const PortResult& q) { return q.endpoint == p.endpoint; });
        if (it == m.facts.ports.end()) m.facts.ports.push_back(p);
        else if (openness(p.state) > openness(it->state)) *it = p;
      }
      m.facts.observations.insert(m.facts.observations.end(), d.facts.observations.begin(), d.facts.observations.end());
      const auto& ran_here = ran_in[a];
      for (const auto& f : d.results) {
        const auto it = ran_here.find(f.check);
        const bool ran_elsewhere = it != ran_here.end() && !it->second.empty() && !it->second.count(i);
        if (!check_ran(f.status) && ran_elsewhere) continue;  // another vantage judged it
        Finding g = f;
        if (g.vantage.empty()) g.vantage = v;
        // The same verdict from the same vantage twice (two runs, overlapping shards) is one.
        const bool same = std::any_of(m.results.begin(), m.results.end(), [&](const Finding& h) {
          return h.check == g.check && h.endpoint == g.endpoint && h.status == g.status && h.summary == g.summary &&
                 h.vantage == g.vantage;
        });
        if (!same) m.results.push_back(std::move(g));
      }
    }
  }
  for (std::size_t i = 0; i < vantages.size(); ++i) out.vantage += (i ? "+" : "") + vantages[i];
  for (auto& [a, d] : devices) out.devices.push_back(std::move(d));
  return out;
}

}  // namespace trustscan
