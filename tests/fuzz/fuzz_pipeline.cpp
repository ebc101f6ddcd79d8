// libFuzzer harness for the stages after the parsers (issue 14): the input becomes the facts of
// one or two devices — port results, observations, the scan flags and optionally a manufacturer's
// declaration and attestations — and goes through what a scan does with them: every check of a
// built-in profile (evaluate_contained), score_device, sort_report, then every report sink
// (JSON, JSON Lines, text, JUnit XML, SARIF, HTML), the summary and the evidence bundle's hex
// dumps, and the JSON back through read_report_file and diff_reports (assess / diff).
//
// Observation keys are drawn from the keys the checks read (scanner/checks/*.cpp,
// profiles/checks/*.yaml) and the probes and replay write, with values of every Value
// alternative — the documented one and wrong ones — so a check that trusts a key's type is found.
//
// Besides "no crash, no UB", it traps on broken contract invariants:
//  - every finding has a known status and severity and the id of a check of the profile;
//  - a `pass` cites evidence (checks/verdict_policy.hpp: "pass only on evidence");
//  - the score is a number in 0..100, coverage in 0..1, the verdict and outcome states known;
//  - the JSON, JSON Lines and SARIF output parse back; XML and HTML are UTF-8 without control
//    characters other than tab and newline; the JSON reads back (assess) with the same devices
//    and results, and diffing a report against itself shows no change.
//
// The input layout is documented at class Reader below; tests/fuzz/corpus/pipeline/ holds seeds
// that encode realistic devices, written by tests/fuzz/make_pipeline_seeds.py.
#include "scanner/report/assess.hpp"
#include "scanner/report/diff.hpp"
#include "scanner/report/evidence.hpp"
#include "trustscan/check.hpp"
#include "trustscan/parse.hpp"
#include "trustscan/profile.hpp"
#include "trustscan/report.hpp"

#include <nlohmann/json.hpp>

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

using namespace trustscan;

namespace {

// Keys the checks read, and the ones probes and replay write (grep of scanner/checks/*.cpp,
// profiles/checks/*.yaml, probes/, scanner/replay/): the first ones matter most.
constexpr const char* kKeys[] = {
    "service.name", "service.product", "service.version", "service.banner",
    "cred.surface", "cred.attempts", "cred.accepted", "cred.blank_tested", "cred.blank_accepted", "cred.no_auth",
    "cred.inconclusive", "cred.throttle_tested", "cred.throttle", "cred.throttle_attempts",
    "tls.versions", "tls.weak_ciphers", "tls.forward_secrecy", "tls.compression", "tls.dh_bits", "tls.ecdhe_bits",
    "tls.cert.expired", "tls.cert.not_yet_valid", "tls.cert.self_signed", "tls.cert.key_bits", "tls.cert.key_type",
    "tls.cert.signature", "tls.cert.subject", "tls.cert.verified", "tls.cert.issuer", "tls.cert.name_match",
    "tls.cert.not_after", "tls.cert.not_before", "tls.starttls", "tls.fallback_scsv", "tls.secure_renegotiation",
    "tls.ecdhe_curves", "tls.ciphers.TLSv1.2", "tls.preferred.TLSv1.2", "tls.cipher_order.TLSv1.2",
    "http.status", "http.location", "http.title", "http.auth_schemes", "http.login_form", "http.exposed_backups",
    "http.exposed_logs", "http.server", "http.hsts", "http.hsts_max_age", "http.user_agent", "http.powered_by",
    "ssh.proto_version", "ssh.auth_methods", "ssh.password_auth", "ssh.kex_algorithms", "ssh.ciphers", "ssh.macs",
    "ssh.host_key_algorithms", "ssh.software", "ssh.comments",
    "ftp.anonymous_login", "ftp.banner", "ftp.banner_code", "telnet.prompt", "telnet.banner", "telnet.options",
    "mqtt.anonymous_accepted", "mqtt.topics_seen", "mqtt.connack_code", "mqtt.protocol_level",
    "snmp.communities", "snmp.write_communities", "snmp.write_tested", "snmp.sys_descr", "snmp.sys_name",
    "snmp.sys_object_id", "snmp.version",
    "ntp.mode", "ntp.mode6", "ntp.monlist", "ntp.mode6_system", "ntp.mode6_version", "ntp.version", "ntp.stratum",
    "rtsp.describe_status", "rtsp.stream_unauthenticated", "rtsp.auth_schemes", "rtsp.status", "rtsp.server",
    "coap.code", "coap.resources", "coap.resource_count", "ssdp.server", "ssdp.usn", "ssdp.location", "ssdp.st",
    "upnp.igd", "upnp.services", "upnp.udn", "upnp.serial_number", "upnp.friendly_name", "upnp.model_name",
    "upnp.model_number", "upnp.model_description", "upnp.manufacturer",
    "dns.version_bind", "dns.recursion_available", "mdns.instances", "mdns.hostnames", "mdns.services",
    "device.mac", "device.mac_vendor", "dhcp.hostname", "dhcp.vendor_class", "dhcp.client_id",
    "server.credentials.cleartext",
    "client.flows", "client.dns.query", "client.tls.sni", "client.tls.max_version", "client.tls.versions",
    "client.tls.negotiated_version", "client.tls.negotiated_suite", "client.tls.negotiated_weak",
    "client.tls.weak_offered", "client.tls.ja3", "client.tls.ja4", "client.http.host", "client.http.request",
    "client.download", "client.update.host", "client.update.cleartext", "client.update.check_time",
    "client.credentials.cleartext", "client.sensitive.cleartext", "client.cleartext.protocol", "client.ntp.server",
    "client.ntp.version", "probe.http.status", "probe.tls.status",
    "tls.heartbleed", "tls.ccs_injection", "tls.robot", "tls.client_renegotiation", "tls.intrusive_skipped",
    "tls.dh_prime", "ssh.gex.prime_bits", "ssh.gex.groups", "ssh.intrusive_skipped",
};
constexpr std::size_t kKeyCount = sizeof(kKeys) / sizeof(kKeys[0]);

// Strings the checks compare against, so a fuzzer reaches their branches without guessing them.
constexpr const char* kWords[] = {
    "", "http", "https", "telnet", "ssh", "ftp", "tftp", "mqtt", "mqtts", "snmp", "upnp", "ssdp", "rtsp", "ntp",
    "diffie-hellman-group-exchange-sha256", "ssh.gex", "RFC 2409 Oakley group 2",
    "coap", "dns", "mdns", "dhcp", "syslog", "vnc", "rdp", "adb", "gdbserver", "smb", "unknown",
    "SSLv2", "SSLv3", "TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3", "1.99", "2.0", "1.5",
    "https://192.0.2.1/", "http://192.0.2.1/login", "/admin", "Basic", "Digest", "Bearer", "NTLM",
    "password", "publickey", "keyboard-interactive", "public", "private", "lockout", "delay", "none", "errors",
    "budget", "rsa", "RSA", "ec", "EC", "dsa", "sha1WithRSAEncryption", "sha256WithRSAEncryption", "md5WithRSAEncryption",
    "CN=localhost", "3des-cbc", "aes128-cbc", "arcfour", "aes128-ctr", "hmac-md5", "hmac-sha1", "ssh-dss", "ssh-rsa",
    "diffie-hellman-group1-sha1", "curve25519-sha256", "TLS_RSA_WITH_RC4_128_MD5", "TLS_RSA_WITH_3DES_EDE_CBC_SHA",
    "TLS_AES_128_GCM_SHA256", "login:", "Password:", "# ", "$ ", "220 (vsFTPd 3.0.3)", "2.05", "4.01", "</.well-known/core>",
    "urn:schemas-upnp-org:device:InternetGatewayDevice:1", "WANIPConnection", "uuid:1234", "Linux/3.10 UPnP/1.0",
    "00:11:22:33:44:55", "Espressif Inc.", "update.example.com", "*.example.com", "firmware.example.net",
    "HTTP Basic user admin to 198.18.1.2:80", "mqtt to 198.18.1.2:1883", "pool.ntp.org", "9.18.1", "200", "401",
    "GET http://update.example.com/fw.bin", "admin", "root", "1234", "\xff\xfe", "caf\xc3\xa9", "\x01\x1b[0m",
    "tls.heartbleed", "tls.ccs_injection", "tls.robot", "tls.renegotiation", "TLS_RSA_WITH_AES_128_GCM_SHA256",
};
constexpr std::size_t kWordCount = sizeof(kWords) / sizeof(kWords[0]);

// The input, read front to back; past its end every read is 0 or empty. The layout (what
// tests/fuzz/make_pipeline_seeds.py writes):
//   report:      profile u8, mode u8, flags u8 (1 complete, 2 redact, 4 --declaration), duration u16,
//                devices u8 (1 + n%2), then each device, then attestations
//   device:      flags u8 (1 probed, 2 interrupted, 4 passive, 8 credentials tried, 16 name, 32 IPv6,
//                64 declaration), [name str], ports u8 (n%13) × port, observations u8 (n%64) × obs,
//                [declaration]
//   port:        u8 (bit 0 udp, bits 1-2 state), port u16, status u8, attempts u8, rtt u16 (×100 µs)
//   obs:         endpoint u8 (0 none, 1..ports: that port, else a new endpoint: bit 0 udp, port u16),
//                key u8 (0: str follows, else kKeys[(n-1) % count]), value (tag u8 %4: 0 bool u8,
//                1 number, 2 str, 3 list: u8 %5 × str), evidence u8 (bit 0: kind, source, detail,
//                excerpt str; bit 1: username, password str)
//   declaration: vendor str, model str, services u8 %7 × (endpoint u8, service str, purpose str),
//                login methods, update endpoints, cloud endpoints, components: each u8 %4 × str
//   attestations: u8 %4 × (outcome index u8, status u8 bit 0 pass, evidence str, by str)
//   str:         u8 n: n < 128: n bytes follow; else kWords[(n-128) % count]
//   number:      u8 tag: odd: 8 bytes big-endian follow; even: an interesting value
class Reader {
 public:
  Reader(const std::uint8_t* data, std::size_t size) : p_(data), end_(data + size) {}
  std::uint8_t u8() { return p_ < end_ ? *p_++ : 0; }
  std::uint16_t u16() { return static_cast<std::uint16_t>(u8() << 8 | u8()); }
  std::size_t pick(std::size_t n) { return u8() % n; }
  std::string str() {
    const auto n = u8();
    if (n >= 128) return kWords[(n - 128u) % kWordCount];
    const auto len = std::min<std::size_t>(n, static_cast<std::size_t>(end_ - p_));
    std::string s(reinterpret_cast<const char*>(p_), len);
    p_ += len;
    return s;
  }
  std::int64_t number() {
    static constexpr std::int64_t interesting[] = {0, 1, -1, 2, 3, 5, 6, 10, 20, 128, 160, 255, 256, 512, 1024, 2048,
                                                   4096, 65535, 1700000000, INT64_MAX, INT64_MIN, INT32_MAX, INT32_MIN};
    const auto tag = u8();
    if (!(tag & 1)) return interesting[(tag >> 1) % std::size(interesting)];
    std::uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v = v << 8 | u8();
    return static_cast<std::int64_t>(v);
  }

 private:
  const std::uint8_t* p_;
  const std::uint8_t* end_;
};

Value value(Reader& in) {
  switch (in.pick(4)) {
    case 0: return (in.u8() & 1) != 0;
    case 1: return in.number();
    case 2: return in.str();
    default: {
      std::vector<std::string> v(in.pick(5));
      for (auto& s : v) s = in.str();
      return v;
    }
  }
}

std::optional<Endpoint> endpoint(Reader& in, const Address& a, const std::vector<PortResult>& ports) {
  const auto e = in.u8();
  if (e == 0) return std::nullopt;
  if (e <= ports.size()) return ports[e - 1].endpoint;
  return Endpoint{a, (e & 1) ? Transport::udp : Transport::tcp, in.u16()};
}

Evidence evidence(Reader& in) {
  Evidence e;
  const auto b = in.u8();
  if (b & 1) {
    e.kind = in.str();
    e.source = in.str();
    e.detail = in.str();
    e.excerpt = in.str();
  }
  if (b & 2) {
    e.username = in.str();
    e.password = in.str();
  }
  return e;
}

DeviceFacts device(Reader& in, std::uint32_t host) {
  DeviceFacts d;
  const auto flags = in.u8();
  d.probed = flags & 1;
  d.scan_complete = !(flags & 2);
  d.passive = flags & 4;
  d.credentials_tried = flags & 8;
  if (flags & 16) d.target.name = in.str();
  d.target.address = Address::v4(host);
  if (flags & 32) {
    d.target.address = *Address::parse("2001:db8::1");
    d.target.address.bytes[15] = static_cast<std::uint8_t>(host);
  }

  const auto nports = in.pick(13);
  for (std::size_t i = 0; i < nports; ++i) {
    PortResult p;
    const auto b = in.u8();
    p.endpoint = Endpoint{d.target.address, (b & 1) ? Transport::udp : Transport::tcp, in.u16()};
    p.state = static_cast<PortState>((b >> 1) & 3);
    p.status = static_cast<Status>(in.pick(static_cast<std::size_t>(Status::internal_error) + 1));
    p.attempts = static_cast<int>(in.pick(4));
    p.rtt = std::chrono::microseconds(std::int64_t{in.u16()} * 100);
    d.ports.push_back(p);
  }
  std::sort(d.ports.begin(), d.ports.end(), [](const PortResult& a, const PortResult& b) { return a.endpoint < b.endpoint; });

  const auto nobs = in.pick(64);
  for (std::size_t i = 0; i < nobs; ++i) {
    Observation o;
    o.endpoint = endpoint(in, d.target.address, d.ports);
    const auto k = in.u8();
    o.key = k == 0 ? in.str() : kKeys[(k - 1u) % kKeyCount];
    if (o.key.empty()) o.key = "x";  // a key is "<probe>.<field>", never empty (assess rejects one)
    o.value = value(in);
    o.evidence = evidence(in);
    d.observations.push_back(std::move(o));
  }

  if (flags & 64) {
    auto decl = std::make_shared<Declaration>();
    decl->origin = "fuzz.yaml";
    decl->vendor = in.str();
    decl->model = in.str();
    const auto nsvc = in.pick(7);
    for (std::size_t i = 0; i < nsvc; ++i) {
      const auto ep = endpoint(in, d.target.address, d.ports).value_or(Endpoint{d.target.address, Transport::tcp, 0});
      DeclaredService s{ep.transport, ep.port, in.str(), "", static_cast<int>(i + 1)};
      s.purpose = in.str();
      decl->services.push_back(std::move(s));
    }
    for (auto* list : {&decl->login_methods, &decl->update_endpoints, &decl->cloud_endpoints, &decl->components}) {
      const auto n = in.pick(4);
      for (std::size_t i = 0; i < n; ++i) list->push_back(in.str());
    }
    d.declaration = std::move(decl);
  }
  return d;
}

const std::vector<Profile>& profiles() {
  static const std::vector<Profile> ps = [] {
    std::vector<Profile> v;
    for (const auto& id : builtin_profile_ids()) v.push_back(load_profile(id));
    if (v.empty()) __builtin_trap();
    return v;
  }();
  return ps;
}

// A check id the report may carry: the profile's checks (built-in and its own).
const std::set<std::string>& known_checks(const Profile& p) {
  static std::map<const Profile*, std::set<std::string>> cache;
  auto [it, fresh] = cache.try_emplace(&p);
  if (fresh)
    for (const auto* c : checks_of(p)) it->second.insert(std::string(c->id()));
  return it->second;
}

void check_finding(const Finding& f, const std::set<std::string>& ids) {
  if (static_cast<int>(f.status) > static_cast<int>(CheckStatus::info)) __builtin_trap();
  if (static_cast<int>(f.severity) > static_cast<int>(Severity::critical)) __builtin_trap();
  if (!ids.count(f.check)) {
    std::fprintf(stderr, "finding of unknown check '%s'\n", f.check.c_str());
    __builtin_trap();
  }
  if (f.status == CheckStatus::pass && f.evidence.empty()) {
    std::fprintf(stderr, "%s: pass without evidence: %s\n", f.check.c_str(), f.summary.c_str());
    __builtin_trap();
  }
}

void check_score(const DeviceReport& d) {
  const auto& s = d.score;
  if (!std::isfinite(s.score) || s.score < 0 || s.score > 100) {
    std::fprintf(stderr, "score %f out of 0..100\n", s.score);
    __builtin_trap();
  }
  if (!std::isfinite(s.coverage) || s.coverage < 0 || s.coverage > 1) {
    std::fprintf(stderr, "coverage %f out of 0..1\n", s.coverage);
    __builtin_trap();
  }
  if (s.verdict != "conformant" && s.verdict != "non-conformant" && s.verdict != "incomplete") __builtin_trap();
  for (auto st : {CheckStatus::pass, CheckStatus::fail, CheckStatus::not_applicable, CheckStatus::not_tested,
                  CheckStatus::error, CheckStatus::info})
    if (!s.counts.count(std::string(to_string(st)))) __builtin_trap();
  static const std::set<std::string> outcome_states = {"pass", "fail", "partial", "not_tested", "not_applicable"};
  for (const auto& o : d.outcomes) {
    if (!outcome_states.count(o.status)) {
      std::fprintf(stderr, "outcome %s has status '%s'\n", o.id.c_str(), o.status.c_str());
      __builtin_trap();
    }
    if (!std::isfinite(o.coverage) || o.coverage < 0 || o.coverage > 1) __builtin_trap();
  }
}

void check_json(const std::string& text, const char* format) {
  if (!nlohmann::json::accept(text)) {
    std::fprintf(stderr, "%s output does not parse back as JSON\n", format);
    __builtin_trap();
  }
}

// XML 1.0, HTML and CSV text: UTF-8, and no control characters but tab, newline (and CR).
void check_markup(const std::string& text, const char* format) {
  const auto bytes = as_bytes(text);
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {
      const auto n = utf8_sequence(bytes, i);
      if (n == 0) {
        std::fprintf(stderr, "%s output: byte 0x%02x at %zu is not UTF-8\n", format, c, i);
        __builtin_trap();
      }
      i += n - 1;
    } else if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f) {
      std::fprintf(stderr, "%s output: control character 0x%02x at %zu\n", format, c, i);
      __builtin_trap();
    }
  }
}

// The JSON report written to an in-memory file, for read_report_file (assess, diff).
std::string memfile_path(const std::string& text) {
  static const int fd = ::memfd_create("fuzz_pipeline_report", 0);
  if (fd < 0) __builtin_trap();
  if (::ftruncate(fd, 0) != 0) __builtin_trap();
  std::size_t done = 0;
  while (done < text.size()) {
    const auto n = ::pwrite(fd, text.data() + done, text.size() - done, static_cast<off_t>(done));
    if (n <= 0) __builtin_trap();
    done += static_cast<std::size_t>(n);
  }
  return "/proc/self/fd/" + std::to_string(fd);
}

std::size_t result_count(const Report& r) {
  std::size_t n = 0;
  for (const auto& d : r.devices) n += d.results.size();
  return n;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Reader in(data, size);
  const auto& ps = profiles();
  Report report;
  report.profile = ps[in.pick(ps.size())];
  static constexpr const char* modes[] = {"scan", "replay", "demo", "assess"};
  report.mode = modes[in.pick(4)];
  const auto flags = in.u8();
  report.complete = flags & 1;
  report.redact = flags & 2;
  if (flags & 4) report.declaration = "fuzz-declaration.yaml";
  report.started_at = std::chrono::system_clock::time_point(std::chrono::seconds(1'780'000'000));
  report.finished_at = report.started_at + std::chrono::seconds(in.u16());

  const auto ndevices = 1 + in.pick(2);
  for (std::size_t i = 0; i < ndevices; ++i) {
    DeviceReport d;
    d.facts = device(in, 0xC6120000u + 10 - static_cast<std::uint32_t>(i));  // 198.18.0.10, .9: sorting reorders them
    report.devices.push_back(std::move(d));
  }
  // Attestations of the profile's outcomes (any outcome: score_device must cope with one that
  // takes none).
  const auto natt = in.pick(4);
  for (std::size_t i = 0; i < natt && !report.profile.outcomes.empty(); ++i) {
    const auto& o = report.profile.outcomes[in.pick(report.profile.outcomes.size())];
    Attestation a{o.id, (in.u8() & 1) ? "pass" : "fail", "", "", 1};
    a.evidence = in.str();
    a.by = in.str();
    report.attestations.push_back(std::move(a));
  }

  const auto& ids = known_checks(report.profile);
  for (auto& d : report.devices) {
    for (const auto* check : checks_of(report.profile)) evaluate_contained(*check, d.facts, d.results);
    for (const auto& f : d.results) check_finding(f, ids);
    score_device(report.profile, d, report.attestations);
    check_score(d);
  }
  sort_report(report);
  for (std::size_t i = 1; i < report.devices.size(); ++i)
    if (report.devices[i].facts.target.address < report.devices[i - 1].facts.target.address) __builtin_trap();

  std::string json_text;
  for (const char* format : {"json", "jsonl", "txt", "xml", "sarif", "csv", "html"}) {
    const auto sink = make_sink(format);
    if (!sink) __builtin_trap();
    std::ostringstream out;
    sink->write(report, out);
    const auto text = out.str();
    if (text.empty()) __builtin_trap();
    const std::string_view f(format);
    if (f == "json") {
      check_json(text, format);
      json_text = text;
    } else if (f == "sarif") {
      check_json(text, format);
    } else if (f == "jsonl") {
      std::istringstream lines(text);
      for (std::string line; std::getline(lines, line);)
        if (!line.empty()) check_json(line, format);
    } else if (f == "xml" || f == "html" || f == "csv") {
      check_markup(text, format);
    }
  }
  std::ostringstream summary;
  write_summary(report, summary);
  // The evidence bundle's hex dumps of device bytes: 16 bytes a line, printable ASCII only.
  for (const auto& d : report.devices)
    for (const auto& f : d.results)
      for (const auto& e : f.evidence) {
        const auto dump_text = hex_dump(e.excerpt);
        std::size_t lines = 0;
        for (const char c : dump_text) {
          if (c == '\n') ++lines;
          else if (c < 0x20 || c > 0x7e) __builtin_trap();
        }
        if (lines != (e.excerpt.size() + 15) / 16) __builtin_trap();
      }
  // FUZZ_PIPELINE_DUMP=1: print the text report, to see what a seed reaches.
  static const bool dump = std::getenv("FUZZ_PIPELINE_DUMP") != nullptr;
  if (dump) {
    std::ostringstream txt;
    make_sink("txt")->write(report, txt);
    std::fprintf(stderr, "%s\n%s\n", txt.str().c_str(), summary.str().c_str());
  }

  // The JSON report read back (assess, diff): the same devices and results, and no change
  // against itself.
  Report back;
  try {
    back = read_report_file(memfile_path(json_text));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "the JSON report does not read back: %s\n", e.what());
    __builtin_trap();
  }
  if (back.devices.size() != report.devices.size() || result_count(back) != result_count(report)) {
    std::fprintf(stderr, "read back %zu devices %zu results, wrote %zu devices %zu results\n", back.devices.size(),
                 result_count(back), report.devices.size(), result_count(report));
    __builtin_trap();
  }
  if (!diff_reports(back, back).empty()) __builtin_trap();
  (void)diff_reports(report, back);
  (void)merge_reports({back, back});
  return 0;
}
