// trustscan — report sinks: JSON (the INTERFACE.md contract), JSON Lines, text; atomic files.
#include "trustscan/report.hpp"

#include "scanner/report/report_formats.hpp"
#include "probes/tls/ja_fingerprint.hpp"
#include "scanner/policy/crypto_policy.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <cmath>
#include <map>
#include <stdexcept>
#include <sys/stat.h>
#include <unistd.h>

namespace trustscan {

using json = nlohmann::json;

namespace {

// A port state that covers more than this many ports of a device is summarised as a count
// ("not_shown") instead of listed, as nmap does for its "Not shown: 65530 closed ports".
constexpr std::size_t kListStateLimit = 64;

// Bytes from devices are not UTF-8; the report stays valid JSON by replacing what is not.
std::string dump(const json& j, int indent) {
  return j.dump(indent, ' ', false, json::error_handler_t::replace);
}

// What identification learned about each endpoint: (endpoint, "name"|"product"|"version") →
// value, from the service.* observations. The last one wins: a protocol probe refines what the
// identification table said (a TLS port found to carry HTTP becomes "https").
std::map<std::pair<Endpoint, std::string>, std::string> service_identity(const DeviceFacts& facts) {
  std::map<std::pair<Endpoint, std::string>, std::string> ident;
  for (const auto& o : facts.observations)
    if (o.endpoint && o.key.starts_with("service.") && std::holds_alternative<std::string>(o.value))
      ident[std::make_pair(*o.endpoint, o.key.substr(8))] = std::get<std::string>(o.value);
  return ident;
}

// services[].tls (INTERFACE.md) from the endpoint's tls.* observations (probes/tls/tls_analyzer.hpp):
// versions, ciphers/preferred/cipher_order per version, the endpoint-wide facts under their own
// names, the certificate's facts under "certificate". null when the endpoint has none.
json tls_json(const DeviceFacts& facts, const Endpoint& ep) {
  json tls = json::object();
  json cert = json::object();
  for (const auto& o : facts.observations) {
    if (!o.endpoint || *o.endpoint != ep || !o.key.starts_with("tls.")) continue;
    json v;
    std::visit([&](const auto& x) { v = x; }, o.value);
    const std::string key = o.key.substr(4);
    bool per_version = false;
    for (const char* group : {"ciphers.", "preferred.", "cipher_order.", "groups."}) {
      const std::string_view g(group);
      if (key.starts_with(g)) {
        tls[std::string(g.substr(0, g.size() - 1))][key.substr(g.size())] = std::move(v);
        per_version = true;
        break;
      }
    }
    if (per_version) continue;
    if (key.starts_with("cert.")) cert[key.substr(5)] = std::move(v);
    else tls[key] = std::move(v);
  }
  if (!cert.empty()) tls["certificate"] = std::move(cert);
  if (tls.empty()) return nullptr;
  return tls;
}

json evidence_json(const Evidence& e, bool redact) {
  json j = {{"kind", e.kind}, {"source", e.source}, {"detail", e.detail}};
  if (!e.excerpt.empty()) j["excerpt"] = e.excerpt;
  if (!e.username.empty()) j["username"] = e.username;
  if (!e.password.empty() || !e.username.empty()) j["password"] = redact ? "<redacted>" : e.password;
  return j;
}

}  // namespace

std::string finding_id(const Address& device, const Finding& f) {
  const std::string subject = "trustscan.finding/1\n" + device.to_string() + "\n" + f.check + "\n" +
                              (f.endpoint ? port_label(*f.endpoint) : std::string("-"));
  return "f-" + sha256_hex(subject).substr(0, 16);
}

namespace {

json waiver_json(const WaiverMark& w) {
  return {{"rule", w.rule},       {"justification", w.justification}, {"owner", w.owner},
          {"expires", w.expires}, {"expired", w.expired},             {"source", w.source}};
}

json finding_json(const Address& device, const Finding& f, bool redact) {
  json j = {{"id", finding_id(device, f)}, {"check", f.check}, {"status", std::string(to_string(f.status))},
            {"severity", std::string(to_string(f.severity))}, {"outcomes", f.outcomes},
            {"summary", f.summary}};
  if (f.endpoint) {
    j["transport"] = std::string(to_string(f.endpoint->transport));
    j["port"] = f.endpoint->port;
  }
  if (!f.reason.empty()) j["reason"] = f.reason;
  if (!f.vantage.empty()) j["vantage"] = f.vantage;
  if (f.waiver) j["waiver"] = waiver_json(*f.waiver);
  json ev = json::array();
  for (const auto& e : f.evidence) ev.push_back(evidence_json(e, redact));
  j["evidence"] = std::move(ev);
  return j;
}

std::string_view reason_of(const PortResult& p) {
  switch (p.status) {
    case Status::success: return p.endpoint.transport == Transport::tcp ? "syn-ack" : "udp-response";
    case Status::connection_refused: return p.endpoint.transport == Transport::tcp ? "conn-refused" : "port-unreach";
    case Status::unreachable: return "host-unreach";
    case Status::connection_timeout: return "no-response";
    default: return to_string(p.status);
  }
}

// A shard report's device (Report::shard): what the report leaves out and `trustscan merge` needs
// to judge the merged device again: the ports the services list summarises (as runs per state and
// transport) and the probe flags.
json shard_facts_json(const DeviceFacts& facts, const std::map<PortState, std::size_t>& per_state) {
  json unlisted = json::object();
  for (const auto& p : facts.ports) {
    const bool always = p.state == PortState::open || p.state == PortState::open_filtered;
    if (always || per_state.at(p.state) <= kListStateLimit) continue;
    auto& runs = unlisted[std::string(to_string(p.state))][std::string(to_string(p.endpoint.transport))];
    if (!runs.empty() && runs.back()[1].get<unsigned>() + 1 == unsigned{p.endpoint.port}) runs.back()[1] = p.endpoint.port;
    else runs.push_back(json::array({p.endpoint.port, p.endpoint.port}));
  }
  return {{"probed", facts.probed}, {"credentials_tried", facts.credentials_tried}, {"scan_complete", facts.scan_complete},
          {"unlisted_ports", std::move(unlisted)}};
}

json device_json(const DeviceReport& d, bool redact, bool shard) {
  const auto& facts = d.facts;
  std::map<PortState, std::size_t> per_state;
  for (const auto& p : facts.ports) ++per_state[p.state];

  const auto ident = service_identity(facts);

  json services = json::array();
  json not_shown = json::object();
  for (const auto& p : facts.ports) {
    const bool always = p.state == PortState::open || p.state == PortState::open_filtered;
    if (!always && per_state[p.state] > kListStateLimit) continue;
    json s = {{"transport", std::string(to_string(p.endpoint.transport))}, {"port", p.endpoint.port},
              {"state", std::string(to_string(p.state))}, {"reason", std::string(reason_of(p))}};
    if (p.rtt.count() > 0) s["rtt_us"] = p.rtt.count();
    for (const char* field : {"name", "product", "version"})
      if (const auto it = ident.find({p.endpoint, field}); it != ident.end())
        s[std::string(field) == "name" ? "service" : field] = it->second;
    if (auto tls = tls_json(facts, p.endpoint); !tls.is_null()) s["tls"] = std::move(tls);
    services.push_back(std::move(s));
  }
  for (const auto& [state, n] : per_state)
    if (state != PortState::open && state != PortState::open_filtered && n > kListStateLimit)
      not_shown[std::string(to_string(state))] = n;

  json results = json::array();
  for (const auto& f : d.results) results.push_back(finding_json(facts.target.address, f, redact));

  json observations = json::array();
  for (const auto& o : facts.observations) {
    json v;
    std::visit([&](const auto& x) { v = x; }, o.value);
    // A credential's value (SNMP communities) is as secret as a found password.
    if (redact && o.evidence.kind == "credential" && !std::holds_alternative<bool>(o.value)) v = "<redacted>";
    json oj = {{"key", o.key}, {"value", v}, {"source", o.evidence.source}};
    if (!o.evidence.detail.empty()) oj["detail"] = o.evidence.detail;
    if (!o.evidence.excerpt.empty()) oj["excerpt"] = o.evidence.excerpt;
    if (shard) {  // the evidence in full: merge's checks copy it into findings
      if (!o.evidence.kind.empty()) oj["kind"] = o.evidence.kind;
      if (!o.evidence.username.empty()) oj["username"] = o.evidence.username;
      if (!o.evidence.password.empty() || !o.evidence.username.empty())
        oj["password"] = redact ? "<redacted>" : o.evidence.password;
    }
    if (o.endpoint) {
      oj["transport"] = std::string(to_string(o.endpoint->transport));
      oj["port"] = o.endpoint->port;
    }
    observations.push_back(std::move(oj));
  }

  json counts = json::object();
  for (const auto& [k, n] : d.score.counts) counts[k] = n;
  json score = {{"verdict", d.score.verdict}, {"score", d.score.score}, {"coverage", d.score.coverage},
                {"counts", counts}};
  if (!d.score.grade.empty()) score["grade"] = d.score.grade;
  if (!d.score.caps.empty()) score["caps"] = d.score.caps;
  json outcomes = json::array();
  for (const auto& o : d.outcomes) {
    json oj = {{"id", o.id}, {"status", o.status}, {"coverage", std::round(o.coverage * 1000) / 1000}};
    if (!o.failed_checks.empty()) oj["failed_checks"] = o.failed_checks;
    if (!o.note.empty()) oj["note"] = o.note;
    outcomes.push_back(std::move(oj));
  }

  json j = {{"address", facts.target.address.to_string()},
            {"services", std::move(services)},
            {"ports_scanned", facts.ports.size()},
            {"results", std::move(results)},
            {"observations", std::move(observations)},
            {"outcomes", std::move(outcomes)},
            {"score", std::move(score)}};
  if (!not_shown.empty()) j["not_shown"] = std::move(not_shown);
  if (!facts.target.name.empty()) j["name"] = facts.target.name;
  if (shard) j["shard_facts"] = shard_facts_json(facts, per_state);
  return j;
}

json report_json(const Report& r) {
  json devices = json::array();
  for (const auto& d : r.devices) devices.push_back(device_json(d, r.redact, r.shard.has_value()));
  json j{{"schema", "trustscan.report/1"},
              {"tool", {{"name", "trustscan"}, {"version", TRUSTSCAN_VERSION}}},
              {"mode", r.mode},
              {"vantage", r.vantage},
              {"started_at", format_utc(r.started_at)},
              {"finished_at", format_utc(r.finished_at)},
              {"complete", r.complete},
              {"profile", {{"id", r.profile.id}, {"version", r.profile.version}, {"title", r.profile.title}}},
              {"devices", std::move(devices)}};
  if (r.profile.crypto_policy) {
    // The crypto policy the tls.* and ssh.* verdicts were judged against (docs/crypto-policies.md).
    const auto part = [](const std::shared_ptr<const CryptoPolicyFile>& f) -> json {
      if (!f) return nullptr;
      return {{"id", f->id}, {"document", f->document}, {"origin", f->origin}};
    };
    j["profile"]["crypto_policy"] = {{"name", r.profile.crypto_policy->name()},
                                     {"tls", part(r.profile.crypto_policy->tls)},
                                     {"ssh", part(r.profile.crypto_policy->ssh)}};
  }
  if (!r.declaration.empty()) j["declaration"] = r.declaration;
  if (!r.attestations.empty()) {
    json a = json::array();
    for (const auto& x : r.attestations)
      a.push_back({{"outcome", x.outcome}, {"status", x.status}, {"evidence", x.evidence}, {"by", x.by}});
    j["attestations"] = std::move(a);
  }
  if (!r.inputs.empty()) j["inputs"] = r.inputs;
  if (r.shard)
    j["shard"] = {{"index", r.shard->index}, {"count", r.shard->count}, {"seed", r.shard->seed}, {"scan", r.shard->scan}};
  if (!r.manifest.command.empty()) {
    const auto& m = r.manifest;
    json files = json::array();
    for (const auto& f : m.files)
      files.push_back({{"role", f.role}, {"name", f.name}, {"bytes", f.bytes}, {"sha256", f.sha256}});
    j["manifest"] = {{"command", m.command},
                     {"build", m.build},
                     {"source_commit", m.source_commit},
                     {"libraries", m.libraries},
                     {"host", m.host},
                     {"source_addresses", m.source_addresses},
                     {"files", std::move(files)}};
    if (!m.safety_classes.empty())
      j["manifest"]["safety"] = {{"classes", m.safety_classes}, {"actions", m.safety_actions}};
  }
  if (!r.waivers.empty()) {
    json w = json::array();
    for (const auto& u : r.waivers) {
      json one = waiver_json(u.waiver);
      one.erase("expired");
      one["state"] = u.state;
      one["findings"] = u.findings;
      w.push_back(std::move(one));
    }
    j["waivers"] = std::move(w);
  }
  return j;
}

class JsonSink final : public ReportSink {
 public:
  void write(const Report& r, std::ostream& out) const override { out << dump(report_json(r), 2) << "\n"; }
};

// One record per finding, each complete on its own line, for streaming consumers (jq, log
// shippers). Records carry the device address and the run's start time so they can be joined.
class JsonLinesSink final : public ReportSink {
 public:
  void write(const Report& r, std::ostream& out) const override {
    for (const auto& d : r.devices)
      for (const auto& f : d.results) {
        json j = finding_json(d.facts.target.address, f, r.redact);
        j["device"] = d.facts.target.address.to_string();
        j["started_at"] = format_utc(r.started_at);
        j["profile"] = r.profile.id;
        out << dump(j, -1) << "\n";
      }
  }
};

class TextSink final : public ReportSink {
 public:
  void write(const Report& r, std::ostream& out) const override { write_summary(r, out); }
};

}  // namespace

std::unique_ptr<ReportSink> make_sink(std::string_view format) {
  if (format == "json") return std::make_unique<JsonSink>();
  if (format == "jsonl") return std::make_unique<JsonLinesSink>();
  if (format == "txt") return std::make_unique<TextSink>();
  if (format == "xml") return make_junit_sink();
  if (format == "sarif") return make_sarif_sink();
  if (format == "csv") return make_csv_sink();
  if (format == "html") return make_html_sink();
  return nullptr;
}

std::string format_for_path(std::string_view path) {
  const auto dot = path.rfind('.');
  const auto slash = path.rfind('/');
  if (dot == std::string_view::npos || (slash != std::string_view::npos && dot < slash)) return {};
  std::string ext(path.substr(dot + 1));
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return make_sink(ext) ? ext : std::string{};
}

void write_report_file(const Report& report, const ReportSink& sink, const std::string& path) {
  namespace fs = std::filesystem;
  const fs::path target(path);
  const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
  // The temporary file sits in the destination folder so the final rename is atomic.
  std::string tmpl = (dir / ("." + target.filename().string() + ".XXXXXX")).string();
  const int fd = ::mkstemp(tmpl.data());
  if (fd < 0) throw std::runtime_error("cannot write report '" + path + "': " + std::strerror(errno));
  ::close(fd);
  {
    std::ofstream out(tmpl, std::ios::binary | std::ios::trunc);
    sink.write(report, out);
    out.flush();
    if (!out) {
      std::remove(tmpl.c_str());
      throw std::runtime_error("cannot write report '" + path + "': write failed");
    }
  }
  ::chmod(tmpl.c_str(), 0644);
  if (std::rename(tmpl.c_str(), path.c_str()) != 0) {
    const int err = errno;
    std::remove(tmpl.c_str());
    throw std::runtime_error("cannot write report '" + path + "': " + std::strerror(err));
  }
}

void sort_report(Report& report) {
  std::sort(report.devices.begin(), report.devices.end(),
            [](const DeviceReport& a, const DeviceReport& b) { return a.facts.target.address < b.facts.target.address; });
  for (auto& d : report.devices) {
    std::sort(d.facts.ports.begin(), d.facts.ports.end(),
              [](const PortResult& a, const PortResult& b) { return a.endpoint < b.endpoint; });
    std::stable_sort(d.results.begin(), d.results.end(), [](const Finding& a, const Finding& b) {
      auto key = [](const Finding& f) {
        return std::make_tuple(std::string_view(f.check), f.endpoint ? int(f.endpoint->transport) : -1,
                               f.endpoint ? int(f.endpoint->port) : -1);
      };
      return key(a) < key(b);
    });
  }
}

void write_summary(const Report& r, std::ostream& out) {
  const double secs = std::chrono::duration<double>(r.finished_at - r.started_at).count();
  out << "trustscan " << TRUSTSCAN_VERSION << " " << r.mode << ": " << r.devices.size() << " device(s), profile "
      << r.profile.id << " v" << r.profile.version
      << (r.profile.crypto_policy ? ", crypto policy " + r.profile.crypto_policy->name() : std::string()) << ", " << std::fixed << std::setprecision(2) << secs << " s"
      << (r.complete ? "" : " — INTERRUPTED, results are partial") << "\n";
  for (const auto& d : r.devices) {
    const auto& facts = d.facts;
    std::map<PortState, std::size_t> per_state;
    for (const auto& p : facts.ports) ++per_state[p.state];
    out << "\n" << facts.target.address.to_string();
    if (!facts.target.name.empty()) out << " (" << facts.target.name << ")";
    out << "  " << facts.ports.size() << " port(s) scanned:";
    for (const auto& [state, n] : per_state) out << " " << n << " " << to_string(state);
    out << "\n";
    const auto ident = service_identity(facts);
    for (const auto& p : facts.ports) {
      if (p.state != PortState::open && p.state != PortState::open_filtered) continue;
      const std::string name = port_label(p.endpoint);
      out << "  " << std::left << std::setw(12) << name << std::setw(14) << to_string(p.state);
      for (const char* field : {"name", "product", "version"})
        if (const auto it = ident.find({p.endpoint, field}); it != ident.end()) out << it->second << " ";
      out << "\n";
    }
    for (const auto& f : d.results) {
      out << "  [" << std::left << std::setw(14) << to_string(f.status) << "] " << f.check;
      if (f.endpoint) out << " " << f.endpoint->port << "/" << to_string(f.endpoint->transport);
      out << " — " << f.summary;
      if (!f.reason.empty()) out << " (" << f.reason << ")";
      out << "\n";
      if (f.waiver) out << "      " << format::waiver_text(*f.waiver) << "\n";
    }
    std::size_t failed_outcomes = 0;
    for (const auto& o : d.outcomes) failed_outcomes += o.status == "fail";
    if (failed_outcomes) {
      out << "  failed outcomes:";
      for (const auto& o : d.outcomes)
        if (o.status == "fail") out << " " << o.id;
      out << "\n";
    }
    out << "  verdict: " << d.score.verdict;
    if (!d.score.grade.empty()) out << ", grade " << d.score.grade;
    out << ", score " << std::setprecision(1) << d.score.score << " with coverage " << std::setprecision(0)
        << d.score.coverage * 100 << "%";
    for (const auto& [k, n] : d.score.counts)
      if (n) out << ", " << n << " " << k;
    out << std::setprecision(2) << "\n";
    for (const auto& cap : d.score.caps) out << "  cap: " << cap << "\n";
  }
  if (!r.waivers.empty()) {
    std::map<std::string, std::size_t> states;
    for (const auto& w : r.waivers) ++states[w.state];
    out << "\nwaivers: " << states["applied"] << " applied, " << states["expired"] << " expired, " << states["unused"]
        << " matched no failure\n";
    for (const auto& w : r.waivers)
      if (w.state != "applied")
        out << "  " << w.state << ": " << w.waiver.source << " (" << w.waiver.rule << ", until " << w.waiver.expires
            << ")\n";
  }
}

}  // namespace trustscan
