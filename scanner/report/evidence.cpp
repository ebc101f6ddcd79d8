// trustscan — the evidence bundle (evidence.hpp, docs/evidence.md).
#include "scanner/report/evidence.hpp"

#include "scanner/report/manifest.hpp"
#include "scanner/report/report_formats.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <map>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>

namespace trustscan {

namespace fs = std::filesystem;

namespace {

void write_file(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.flush();
  if (!out) throw std::runtime_error("cannot write evidence file '" + path.string() + "'");
}

std::string render(const Report& r, std::string_view format) {
  std::ostringstream out;
  make_sink(format)->write(r, out);
  return out.str();
}

// A device's address as a file name: IPv6 with '_' for ':'.
std::string device_file_name(const Address& a) {
  std::string name = a.to_string();
  for (auto& c : name)
    if (c == ':') c = '_';
  return name;
}

// Where the bundle keeps what observations attached: a folder per endpoint ("8443-tcp"), the
// device's own folder for a device-wide one. The name keeps letters, digits, '.', '-' and '_'
// only and never starts with '.', so it stays in that folder; one used twice there gets "-2",
// "-3"… before its extension, so no attachment overwrites another.
std::string attachment_path(const std::string& device, const Observation& o, std::set<std::string>& taken) {
  const std::string folder = "endpoints/" + device + "/" +
                             (o.endpoint ? std::to_string(o.endpoint->port) + "-" + std::string(to_string(o.endpoint->transport)) + "/" : "");
  std::string name = o.evidence.attachment_name;
  for (auto& c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-') c = '_';
  if (name.starts_with('.')) name.insert(0, "_");
  const auto dot = std::min(name.rfind('.'), name.size());
  std::string path = folder + name;
  for (int n = 2; !taken.insert(path).second; ++n) path = folder + name.substr(0, dot) + "-" + std::to_string(n) + name.substr(dot);
  return path;
}

// One result in full: what was judged, where, every evidence item without truncation, and the
// files of its endpoint in the bundle.
std::string finding_text(const std::map<std::string, CheckInfo>& catalog, const DeviceReport& d, const Finding& f,
                         const std::string& id, const std::vector<std::string>& files, bool secrets) {
  std::ostringstream out;
  out << "finding   " << id << "\ncheck     " << f.check << "\nstatus    " << to_string(f.status) << "\nseverity  "
      << to_string(f.severity) << "\ndevice    " << d.facts.target.address.to_string() << "\nendpoint  "
      << (f.endpoint ? port_label(*f.endpoint) : std::string("(device-wide)")) << "\noutcomes ";
  for (const auto& o : f.outcomes) out << " " << o;
  out << "\nsummary   " << f.summary << "\n";
  if (!f.reason.empty()) out << "reason    " << f.reason << "\n";
  if (!f.vantage.empty()) out << "vantage   " << f.vantage << "\n";
  if (f.waiver) out << "waiver    " << format::waiver_text(*f.waiver) << "\n";
  if (const auto fix = format::remediation_of(catalog, f.check); !fix.empty()) out << "remedy    " << fix << "\n";
  std::size_t n = 0;
  for (const auto& e : f.evidence) {
    out << "\nevidence " << ++n << ": " << e.kind << " (" << e.source << ")\n" << e.detail << "\n";
    if (!e.username.empty() || !e.password.empty())
      out << "login: " << e.username << " / " << (secrets ? e.password : "<redacted: --evidence-secrets keeps it>") << "\n";
    if (!e.excerpt.empty()) out << "excerpt, " << e.excerpt.size() << " byte(s):\n" << hex_dump(e.excerpt);
  }
  if (f.evidence.empty()) out << "\n(no evidence items: the summary and the device's observations are the record)\n";
  for (const auto& file : files) out << "\nfile of this endpoint: " << file << "\n";
  return out.str();
}

}  // namespace

std::string hex_dump(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (std::size_t row = 0; row < bytes.size(); row += 16) {
    char offset[24];
    std::snprintf(offset, sizeof offset, "%08zx: ", row);
    out += offset;
    std::string ascii;
    for (std::size_t i = row; i < row + 16; ++i) {
      if (i < bytes.size()) {
        const auto c = static_cast<unsigned char>(bytes[i]);
        out += kHex[c >> 4];
        out += kHex[c & 15];
        ascii += c >= 0x20 && c < 0x7f ? static_cast<char>(c) : '.';
      } else {
        out += "  ";
      }
      if (i % 2 == 1) out += ' ';
    }
    out += ' ' + ascii + '\n';
  }
  return out;
}

void write_evidence_bundle(const Report& report, const EvidenceOptions& options) {
  const fs::path dir(options.dir);
  std::error_code ec;
  fs::create_directories(dir / "findings", ec);
  if (!ec) fs::create_directories(dir / "observations", ec);
  if (ec) throw std::runtime_error("cannot create evidence directory '" + options.dir + "': " + ec.message());

  Report r = report;
  r.redact = !options.secrets;
  std::vector<std::string> files;
  auto put = [&](const std::string& name, const std::string& text) {
    write_file(dir / name, text);
    files.push_back(name);
  };
  const std::string json_text = render(r, "json");
  put("report.json", json_text);
  put("report.jsonl", render(r, "jsonl"));
  put("report.html", render(r, "html"));
  put("summary.txt", render(r, "txt"));

  const auto j = nlohmann::json::parse(json_text);
  const auto catalog = format::report_check_catalog(r);  // once, not per finding
  for (std::size_t i = 0; i < r.devices.size(); ++i) {
    const auto& d = r.devices[i];
    const std::string name = device_file_name(d.facts.target.address);
    // What observations attached (certificates), by endpoint; findings name their endpoint's.
    std::map<std::optional<Endpoint>, std::vector<std::string>> files_of;
    std::set<std::string> taken;
    for (const auto& o : d.facts.observations) {
      if (o.evidence.attachment_name.empty()) continue;
      const auto path = attachment_path(name, o, taken);
      fs::create_directories((dir / path).parent_path(), ec);
      if (ec) throw std::runtime_error("cannot create evidence directory '" + (dir / path).parent_path().string() + "': " + ec.message());
      put(path, o.evidence.attachment);
      files_of[o.endpoint].push_back(path);
    }
    for (const auto& f : d.results) {
      const auto id = finding_id(d.facts.target.address, f);
      const auto it = f.endpoint ? files_of.find(f.endpoint) : files_of.end();
      put("findings/" + id + ".txt", finding_text(catalog, d, f, id, it == files_of.end() ? std::vector<std::string>() : it->second,
                                                  options.secrets));
    }
    // Observations as the report has them (redaction included), one per line.
    std::string lines;
    for (const auto& o : j["devices"][i]["observations"]) lines += o.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    put("observations/" + name + ".jsonl", lines);
  }

  std::string readme = "trustscan evidence bundle: one run, as written by --evidence.\n"
                       "Check it with: sha256sum -c SHA256SUMS\n"
                       "The run's command line, build, inputs and data files: report.json \"manifest\".\n"
                       "endpoints/DEVICE/PORT-TRANSPORT/: files behind an endpoint's observations (certs.pem: the\n"
                       "certificates its TLS server sent, leaf first, as received; tls.cert.chain_sha256 in the\n"
                       "observations names each by SHA-256).\n";
  if (!options.traffic_pcap.empty()) {
    fs::copy_file(options.traffic_pcap, dir / "traffic.pcap", fs::copy_options::overwrite_existing, ec);
    if (ec) throw std::runtime_error("cannot copy the traffic capture into '" + options.dir + "': " + ec.message());
    files.push_back("traffic.pcap");
    readme += "traffic.pcap: the traffic with the devices during the run (libpcap, host filter).\n";
  } else {
    readme += "No traffic.pcap: " + (options.traffic_note.empty() ? std::string("not captured") : options.traffic_note) + ".\n";
  }
  readme += options.secrets ? "Found passwords are kept (--evidence-secrets).\n"
                            : "Found passwords and communities are redacted (--evidence-secrets keeps them).\n";
  put("README.txt", readme);

  // SHA256SUMS in sha256sum's own format ("<hex>  <path>"), every file but itself.
  RunManifest sums;
  for (const auto& name : files) manifest_add_file(sums, "evidence", (dir / name).string());
  std::string text;
  for (std::size_t i = 0; i < files.size(); ++i) text += sums.files[i].sha256 + "  " + files[i] + "\n";
  write_file(dir / "SHA256SUMS", text);
}

}  // namespace trustscan
