// libFuzzer harness for every YAML file a user can hand trustscan (issue 14): the input is read
// in turn as a profile (scanner/config/profile_yaml.cpp), a list of checks as data
// (scanner/checks/check_yaml.cpp), a declaration and an attestation file
// (scanner/config/declaration.cpp), a waiver file (scanner/report/waivers.cpp), a compromised-key
// list (scanner/config/compromised_keys.cpp), the check catalog (scanner/checks/catalog.cpp), a credential
// list (scanner/credentials/credential_list.cpp), login form descriptions (scanner/credentials/forms_yaml.cpp) and the service identification
// table (scanner/config/service_table.cpp); then as a JSON report read back by assess/diff
// (scanner/report/assess.cpp); and as a crypto policy (scanner/policy/crypto_policy.cpp), whose
// rules then judge the fixed devices' TLS and SSH checks and are pinned back into a policy that
// must load again.
//
// A documented error is fine: ProfileError from the YAML loaders (with "ORIGIN:LINE: what"),
// InputError from read_report_file. Anything else — a crash, UB, another exception type (a
// yaml-cpp conversion error leaking out, std::out_of_range…) — traps. What loads is also used,
// so a loader that accepts what later stages cannot take is found: a profile's checks run on two
// fixed devices, which are scored under it and rendered as JSON; a declaration is judged by the
// declaration checks; attestations are scored; the service table identifies a few replies.
//
// Seeds: tests/fuzz/corpus/yaml_inputs/ (the shipped profiles/ files; see .README.md there).
#include "probes/identify/identify.hpp"
#include "scanner/checks/catalog.hpp"
#include "scanner/checks/check_yaml.hpp"
#include "scanner/config/compromised_keys.hpp"
#include "scanner/config/service_table.hpp"
#include "scanner/credentials/credential_list.hpp"
#include "scanner/policy/crypto_policy.hpp"
#include "scanner/engine/targets.hpp"
#include "scanner/report/assess.hpp"
#include "scanner/report/shard_merge.hpp"
#include "scanner/report/waivers.hpp"
#include "trustscan/check.hpp"
#include "trustscan/declaration.hpp"
#include "trustscan/profile.hpp"
#include "trustscan/report.hpp"

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <memory>
#include <sstream>
#include <string>
#include <tuple>
#include <typeinfo>
#include <utility>
#include <vector>

using namespace trustscan;

namespace {

[[noreturn]] void unexpected(const char* stage, const std::exception* e) {
  std::fprintf(stderr, "%s: unexpected exception %s: %s\n", stage, e ? typeid(*e).name() : "(not std::exception)",
               e ? e->what() : "");
  __builtin_trap();
}

// Runs `f`; `Expected` is the documented error of that loader. Returns whether `f` completed.
// FUZZ_YAML_VERBOSE=1: print which loader took the input and which refused it, and why.
const bool verbose = std::getenv("FUZZ_YAML_VERBOSE") != nullptr;

template <typename Expected, typename F>
bool guarded(const char* stage, F&& f) {
  try {
    f();
    if (verbose) std::fprintf(stderr, "%s: loaded\n", stage);
    return true;
  } catch (const Expected& e) {
    if (verbose) std::fprintf(stderr, "%s: %s\n", stage, e.what());
    // A documented error names where: never an empty message.
    if (std::string(e.what()).empty()) {
      std::fprintf(stderr, "%s: empty error message\n", stage);
      __builtin_trap();
    }
    return false;
  } catch (const std::exception& e) {
    unexpected(stage, &e);
  } catch (...) {
    unexpected(stage, nullptr);
  }
}

Endpoint ep(Transport t, std::uint16_t port) { return Endpoint{*Address::parse("198.18.0.10"), t, port}; }

void observe(DeviceFacts& d, const Endpoint& e, std::string key, Value v) {
  Observation o{e, std::move(key), std::move(v), {}};
  o.evidence.kind = "probe";
  o.evidence.detail = "fixed";
  d.observations.push_back(std::move(o));
}

// Two fixed devices for the checks a fuzzed profile or declaration brings: a probed router-like
// device and a passive one seen in a capture.
const std::vector<DeviceFacts>& devices() {
  static const std::vector<DeviceFacts> ds = [] {
    DeviceFacts a;
    a.target.address = *Address::parse("198.18.0.10");
    a.probed = a.credentials_tried = true;
    for (auto [t, port, svc] : {std::tuple{Transport::tcp, 22, "ssh"}, {Transport::tcp, 23, "telnet"},
                                {Transport::tcp, 80, "http"}, {Transport::tcp, 443, "https"},
                                {Transport::udp, 161, "snmp"}, {Transport::udp, 1900, "ssdp"}}) {
      PortResult p;
      p.endpoint = ep(t, static_cast<std::uint16_t>(port));
      p.state = PortState::open;
      p.status = Status::success;
      a.ports.push_back(p);
      observe(a, p.endpoint, "service.name", std::string(svc));
    }
    observe(a, ep(Transport::tcp, 22), "ssh.kex_algorithms", std::vector<std::string>{"curve25519-sha256", "diffie-hellman-group1-sha1"});
    observe(a, ep(Transport::tcp, 22), "ssh.password_auth", true);
    observe(a, ep(Transport::tcp, 80), "http.status", std::int64_t{401});
    observe(a, ep(Transport::tcp, 80), "http.title", std::string("Router login"));
    observe(a, ep(Transport::tcp, 80), "cred.surface", std::string("HTTP Basic realm=\"r\" on /"));
    observe(a, ep(Transport::tcp, 80), "cred.accepted", true);
    observe(a, ep(Transport::tcp, 443), "tls.versions", std::vector<std::string>{"TLSv1.0", "TLSv1.2"});
    observe(a, ep(Transport::tcp, 443), "tls.cert.key_bits", std::int64_t{1024});
    observe(a, ep(Transport::udp, 161), "snmp.communities", std::vector<std::string>{"public"});
    observe(a, ep(Transport::udp, 161), "snmp.sys_descr", std::string("RouterOS 6.48"));
    observe(a, ep(Transport::udp, 1900), "upnp.igd", true);

    DeviceFacts b;
    b.target.address = *Address::parse("198.18.0.20");
    b.passive = true;
    b.probed = false;
    Observation o;
    for (auto [key, v] : {std::pair<const char*, Value>{"client.flows", std::int64_t{3}},
                          {"client.dns.query", std::string("update.example.com")},
                          {"client.tls.sni", std::string("cloud.example.net")},
                          {"client.tls.max_version", std::string("TLSv1.1")},
                          {"client.update.host", std::string("update.example.com")},
                          {"client.update.check_time", std::int64_t{1780000000}},
                          {"device.mac", std::string("24:0a:c4:00:11:22")}}) {
      o.key = key;
      o.value = v;
      o.evidence.kind = "flow";
      b.observations.push_back(o);
    }
    return std::vector<DeviceFacts>{a, b};
  }();
  return ds;
}

const Profile& default_profile() {
  static const Profile p = load_profile(kDefaultProfile);
  return p;
}

void check_findings(const std::vector<Finding>& fs) {
  for (const auto& f : fs) {
    if (static_cast<int>(f.status) > static_cast<int>(CheckStatus::info)) __builtin_trap();
    if (static_cast<int>(f.severity) > static_cast<int>(Severity::critical)) __builtin_trap();
    if (f.check.empty()) __builtin_trap();
  }
}

// A loaded profile in use: its checks on the fixed devices, scored, with attestations, rendered.
void use_profile(const Profile& p, const std::vector<Attestation>& attestations, std::shared_ptr<const Declaration> decl) {
  Report r;
  r.profile = p;
  r.attestations = attestations;
  for (const auto& facts : devices()) {
    DeviceReport d;
    d.facts = facts;
    d.facts.declaration = decl;
    for (const auto* c : checks_of(p)) evaluate_contained(*c, d.facts, d.results);
    check_findings(d.results);
    score_device(p, d, attestations);
    if (!(d.score.score >= 0 && d.score.score <= 100) || !(d.score.coverage >= 0 && d.score.coverage <= 1)) {
      std::fprintf(stderr, "score %f coverage %f\n", d.score.score, d.score.coverage);
      __builtin_trap();
    }
    r.devices.push_back(std::move(d));
  }
  sort_report(r);
  std::ostringstream out;
  make_sink("json")->write(r, out);
  if (!nlohmann::json::accept(out.str())) __builtin_trap();
}

std::string memfile_path(const std::uint8_t* data, std::size_t size) {
  static const int fd = ::memfd_create("fuzz_yaml_inputs_report", 0);
  if (fd < 0) __builtin_trap();
  if (::ftruncate(fd, 0) != 0) __builtin_trap();
  std::size_t done = 0;
  while (done < size) {
    const auto n = ::pwrite(fd, data + done, size - done, static_cast<off_t>(done));
    if (n <= 0) __builtin_trap();
    done += static_cast<std::size_t>(n);
  }
  return "/proc/self/fd/" + std::to_string(fd);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  (void)devices();

  // A profile: loaded, then used.
  Profile profile;
  if (guarded<ProfileError>("profile", [&] { profile = parse_profile(text, "fuzz-profile.yaml"); })) {
    if (profile.id.empty() || profile.version.empty() || profile.title.empty()) __builtin_trap();
    if (profile.ports.tcp.empty() && profile.ports.udp.empty()) __builtin_trap();
    if (!std::is_sorted(profile.ports.tcp.begin(), profile.ports.tcp.end())) __builtin_trap();
    if (!std::is_sorted(profile.ports.udp.begin(), profile.ports.udp.end())) __builtin_trap();
    use_profile(profile, {}, nullptr);  // must not throw at all
  }

  // A crypto policy: loaded, then it judges the fixed devices, and what they offered is pinned
  // into a policy that must load again.
  CryptoPolicyFile policy_file;
  if (guarded<ProfileError>("crypto policy", [&] { policy_file = parse_crypto_policy(text, "fuzz-policy.yaml"); })) {
    if (policy_file.id.empty() || (!policy_file.tls && !policy_file.ssh)) __builtin_trap();
    auto f = std::make_shared<const CryptoPolicyFile>(policy_file);
    auto p = std::make_shared<CryptoPolicy>();
    if (f->tls) p->tls = f;
    if (f->ssh) p->ssh = f;
    p->files = {f};
    std::vector<Finding> out;
    for (auto facts : devices()) {
      facts.crypto_policy = p;
      for (const auto& c : builtin_checks())
        if (c->id().starts_with("tls.") || c->id().starts_with("ssh.")) evaluate_contained(*c, facts, out);
      const auto seen = observed_crypto(facts);
      if (seen.tls_versions.empty() && seen.ssh_kex.empty()) continue;
      try {
        (void)parse_crypto_policy(pinned_policy_yaml(policy_file.id, "fuzz", seen), "pinned.yaml");
      } catch (const std::exception& e) {
        unexpected("pinned policy", &e);  // what `policy from` writes must load again
      }
    }
    for (const auto& x : out)
      if (x.status == CheckStatus::error) {
        std::fprintf(stderr, "%s: %s\n", x.check.c_str(), x.summary.c_str());
        __builtin_trap();  // a policy that loads must never make a check throw
      }
    check_findings(out);
  }

  // Checks as data, as a file of profiles/checks/ ({checks: [...]}) or a bare list.
  guarded<ProfileError>("checks", [&] {
    YAML::Node root;
    try {
      root = YAML::Load(text);
    } catch (const YAML::Exception&) {
      return;  // the loaders wrap this one (yaml_load): invalid YAML is an input error
    }
    const auto list = root.IsMap() && root["checks"] ? root["checks"] : root;
    auto checks = parse_yaml_checks(list, "fuzz-checks.yaml");
    std::vector<Finding> out;
    for (const auto& facts : devices())
      for (const auto& c : checks) {
        if (c->id().empty()) __builtin_trap();
        evaluate_contained(*c, facts, out);
      }
    check_findings(out);
  });

  // A check catalog: every entry whole (remediation one line; title, severity and outcomes all or
  // none), and joined with the built-in checks, which may only refuse it with ProfileError.
  CheckCatalog catalog;
  if (guarded<ProfileError>("check catalog", [&] { catalog = parse_check_catalog(text, "fuzz-catalog.yaml"); })) {
    std::vector<std::string> cpp_ids, data_ids;
    for (const auto& c : builtin_checks()) (builtin_catalog().entries.find(c->id())->second.metadata() ? cpp_ids : data_ids).emplace_back(c->id());
    for (const auto& [id, e] : catalog.entries) {
      if (id != e.info.id || e.line < 1 || e.info.remediation.empty()) __builtin_trap();
      if (e.info.remediation.find_first_of("\r\n\t") != std::string::npos) __builtin_trap();
      if (e.metadata() != !e.info.outcomes.empty()) __builtin_trap();
      if (static_cast<int>(e.info.severity) > static_cast<int>(Severity::critical)) __builtin_trap();
      if (e.metadata()) (void)catalog_info(catalog, id);  // must not throw for an entry with metadata
    }
    guarded<ProfileError>("check catalog join", [&] { verify_catalog(catalog, cpp_ids, data_ids); });
  }

  // A declaration, judged by the declaration checks under the default profile.
  Declaration decl;
  if (guarded<ProfileError>("declaration", [&] { decl = parse_declaration(text, "fuzz-declaration.yaml"); })) {
    (void)decl.service_at(ep(Transport::tcp, 80));
    (void)Declaration::host_declared("update.example.com", decl.update_endpoints);
    use_profile(default_profile(), {}, std::make_shared<const Declaration>(decl));
  }

  // Attestations for the default profile, scored.
  std::vector<Attestation> attestations;
  if (guarded<ProfileError>("attestations",
                            [&] { attestations = parse_attestations(text, "fuzz-attestations.yaml", default_profile()); })) {
    for (const auto& a : attestations)
      if (a.status != "pass" && a.status != "fail") __builtin_trap();
    use_profile(default_profile(), attestations, nullptr);
  }

  // Waivers against every check of the default profile, applied to the fixed devices' findings
  // on two days, then scored and rendered: what a waiver does must never break a later stage.
  std::vector<Waiver> waivers;
  if (guarded<ProfileError>("waivers", [&] {
        std::vector<std::string> ids;
        for (const auto* c : checks_of(default_profile())) ids.emplace_back(c->id());
        waivers = parse_waivers(text, "fuzz-waivers.yaml", ids);
      })) {
    for (const auto& w : waivers)
      if (w.id.empty() == w.check.empty() || w.mark.justification.empty() || w.mark.owner.empty()) __builtin_trap();
    for (const auto day : {std::chrono::sys_days{std::chrono::year{2026} / 12 / 4}, std::chrono::sys_days{}}) {
      Report r;
      r.profile = default_profile();
      for (const auto& facts : devices()) {
        DeviceReport d;
        d.facts = facts;
        for (const auto* c : checks_of(r.profile)) evaluate_contained(*c, d.facts, d.results);
        r.devices.push_back(std::move(d));
      }
      apply_waivers(r, waivers, day);
      if (r.waivers.size() != waivers.size()) __builtin_trap();
      for (auto& d : r.devices) {
        for (const auto& f : d.results)
          if ((f.status == CheckStatus::waived) != (f.waiver && !f.waiver->expired)) __builtin_trap();
        score_device(r.profile, d);
      }
      std::ostringstream out;
      make_sink("json")->write(r, out);
      make_sink("sarif")->write(r, out);
    }
  }

  // A credential list and form descriptions: the values the trials send are bounded lines.
  CredentialPolicy creds;
  if (guarded<ProfileError>("credentials", [&] { creds = parse_credentials(text, "fuzz-creds.yaml"); })) {
    if (creds.pairs.empty() || creds.max_attempts == 0 || creds.parallel == 0) __builtin_trap();
    for (const auto& p : creds.pairs)
      if (p.user.empty() || p.user.find_first_of("\r\n") != std::string::npos ||
          p.password.find_first_of("\r\n") != std::string::npos)
        __builtin_trap();
    // What one surface gets: never empty, within its cap, each pair once.
    for (const auto protocol : kCredentialProtocols) {
      const auto list = pairs_for(creds, protocol);
      const auto it = creds.protocols.find(protocol);
      const auto cap = it != creds.protocols.end() && it->second.max_attempts ? it->second.max_attempts : creds.max_attempts;
      if (list.empty() || list.size() > cap) __builtin_trap();
      for (std::size_t i = 0; i < list.size(); ++i)
        for (std::size_t k = i + 1; k < list.size(); ++k)
          if (list[i].user == list[k].user && list[i].password == list[k].password) __builtin_trap();
    }
  }
  std::vector<FormDescription> forms;
  if (guarded<ProfileError>("forms", [&] { forms = parse_form_descriptions(text, "fuzz-forms.yaml"); })) {
    for (const auto& f : forms) {
      if (f.url.empty() || f.url[0] != '/' || (f.method != "POST" && f.method != "GET")) __builtin_trap();
      if (f.success.empty() && f.failure.empty()) __builtin_trap();
      for (const auto* s : {&f.name, &f.url, &f.user_field, &f.password_field, &f.success, &f.failure})
        if (s->find_first_of("\r\n") != std::string::npos) __builtin_trap();
    }
  }

  // The service identification table, then used on a few replies.
  ServiceTable table;
  if (guarded<ProfileError>("service table", [&] { table = parse_service_table(text, "fuzz-services.yaml"); })) {
    static const std::string replies[] = {"SSH-2.0-OpenSSH_8.9p1\r\n", "HTTP/1.1 200 OK\r\nServer: lighttpd/1.4\r\n\r\n",
                                          "220 (vsFTPd 3.0.3)\r\n", ""};
    for (const auto& h : table.hellos)
      for (const auto& reply : replies) (void)identify(table, h.name, as_bytes(reply));
  }

  // A compromised-key list (--compromised-keys): every entry named, sourced, with a 64-digit
  // lower-case fingerprint; looked up with its own fingerprints, every entry matches.
  CompromisedKeys keys;
  if (guarded<ProfileError>("compromised keys", [&] { keys = parse_compromised_keys(text, "fuzz-keys.yaml"); })) {
    std::vector<std::string> spkis, certs;
    for (const auto& k : keys.keys) {
      if (k.name.empty() || k.source.empty() || (k.spki_sha256.empty() && k.cert_sha256.empty())) __builtin_trap();
      for (const auto* f : {&k.spki_sha256, &k.cert_sha256})
        if (!f->empty() && (f->size() != 64 || f->find_first_not_of("0123456789abcdef") != std::string::npos)) __builtin_trap();
      spkis.push_back(k.spki_sha256);
      certs.push_back(k.cert_sha256);
    }
    if (find_compromised(keys, spkis, certs).size() != keys.keys.size()) __builtin_trap();
  }

  // A JSON report read back (assess, diff, merge: a shard report's shard and shard_facts).
  guarded<InputError>("report", [&] {
    const auto r = read_report_file(memfile_path(data, size));
    (void)merge_reports({r, r});
    if (r.shard && r.shard->count == 1) {
      auto m = merge_shard_facts({r}, {"fuzz.json"});
      for (auto& d : m.devices) d.facts.order_observations();
    } else if (r.shard) {
      check_shards({r, r}, {"a.json", "b.json"});  // a duplicate or a missing shard: InputError
    }
  });
  return 0;
}
