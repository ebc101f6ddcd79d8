// Lab integration tests: trustscan against real daemons in network namespaces
// (tests/lab/lab.sh, ground truth in tests/lab/ground_truth.json), asserted both ways: every
// planted flaw the binary has a check for must be found, and nothing forbidden reported.
//
// Runs as its own executable so CTest can skip it (exit 77) when the machine cannot host the lab
// (not root, no netns support, lab packages missing): a skip is reported as such, never a pass.
// The lab is brought up by the CTest fixture `lab` (lab.sh up) and down by its cleanup.
#include <nlohmann/json.hpp>

#include <fnmatch.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

using json = nlohmann::json;

namespace {

int failures = 0;
int pending = 0;

void fail(const std::string& what) {
  ++failures;
  std::cout << "FAIL: " << what << "\n";
}

std::string run(const std::string& cmd, int* status = nullptr) {
  std::string out;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) return out;
  char buf[4096];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  const int st = ::pclose(p);
  if (status) *status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return out;
}

std::string key_of(const json& r) {
  std::string k = r.value("check", "?") + " " + r.value("status", "?");
  if (r.contains("port")) k += " " + r.value("transport", "tcp") + "/" + std::to_string(r["port"].get<int>());
  return k;
}

bool matches(const json& want, const json& got) {
  // Check ids in the ground truth are shell-style globs ("cred.*").
  if (::fnmatch(want.value("check", "*").c_str(), got.value("check", "").c_str(), 0) != 0) return false;
  if (want.contains("status") && want["status"] != got.value("status", "")) return false;
  if (want.contains("port") && (!got.contains("port") || want["port"] != got["port"])) return false;
  if (want.contains("transport") && got.contains("transport") && want["transport"] != got["transport"]) return false;
  return true;
}


std::string outcome_status(const json& device, const std::string& id) {
  for (const auto& o : device["outcomes"])
    if (o["id"] == id) return o["status"];
  return "(missing)";
}

// Issue 7: verdicts and failing outcomes per persona, the same report re-scored against the
// router profile by `assess`, and a scan with its probes blocked, which must stay incomplete.
void check_verdicts(const json& truth, std::map<std::string, json>& devices, const std::string& bin,
                    const std::string& report) {
  if (!truth.contains("verdicts")) return;
  std::map<std::string, std::string> address;
  for (const auto& p : truth["personas"]) address[p["name"]] = p["address"];
  const std::string rescored = report + ".router.json";
  int st = 0;
  run(bin + " assess " + report + " --profile ir8425a-router -q -o " + rescored + " 2>&1", &st);
  json router_view;
  if (std::ifstream in(rescored); in) router_view = json::parse(in);
  else fail("assess --profile ir8425a-router wrote no report (exit " + std::to_string(st) + ")");
  std::remove(rescored.c_str());

  for (const auto& [name, want] : truth["verdicts"].items()) {
    if (name.starts_with("_")) continue;
    const std::string addr = address[name];
    if (!devices.count(addr)) continue;  // already reported missing
    const auto& d = devices[addr];
    const std::string verdict = d["score"]["verdict"];
    std::cout << "persona " << name << ": verdict " << verdict << ", grade " << d["score"].value("grade", "-") << ", coverage "
              << d["score"]["coverage"] << "\n";
    if (want.contains("verdict") && verdict != want["verdict"])
      fail(name + ": verdict " + verdict + ", expected " + want["verdict"].get<std::string>());
    if (want.contains("not_verdict") && verdict == want["not_verdict"])
      fail(name + ": verdict must not be " + verdict);
    for (const auto& id : want.value("failed_outcomes", json::array()))
      if (outcome_status(d, id) != "fail") fail(name + ": outcome " + id.get<std::string>() + " is " + outcome_status(d, id) + ", expected fail");
    if (want.value("no_failed_outcome", false))
      for (const auto& o : d["outcomes"])
        if (o["status"] == "fail") fail(name + ": outcome " + o["id"].get<std::string>() + " failed on the well-configured persona");
    for (const auto& id : want.value("failed_outcomes_ir8425a-router", json::array())) {
      std::string got = "(no device)";
      for (const auto& rd : router_view.value("devices", json::array()))
        if (rd["address"] == addr) got = outcome_status(rd, id);
      if (got != "fail") fail(name + ": re-scored for ir8425a-router, outcome " + id.get<std::string>() + " is " + got + ", expected fail");
    }
    if (want.contains("blocked_probes_verdict")) {
      // The same device with every probe blocked: the port scan alone must never look conformant.
      const std::string blocked = report + ".blocked.json";
      run("ip netns exec " + truth["scanner"]["namespace"].get<std::string>() + " " + bin + " scan " + addr + " -p " +
              truth["scan_ports"].get<std::string>() + " --no-probes -q -o " + blocked + " 2>&1",
          &st);
      std::ifstream in(blocked);
      if (!in) {
        fail(name + ": the --no-probes scan wrote no report (exit " + std::to_string(st) + ")");
        continue;
      }
      const json b = json::parse(in);
      std::remove(blocked.c_str());
      const auto& bd = b["devices"][0];
      std::cout << "persona " << name << " with probes blocked: verdict " << bd["score"]["verdict"] << ", coverage "
                << bd["score"]["coverage"] << "\n";
      if (bd["score"]["verdict"] != want["blocked_probes_verdict"])
        fail(name + ": with probes blocked the verdict is " + bd["score"]["verdict"].get<std::string>());
      if (bd["score"]["coverage"].get<double>() >= d["score"]["coverage"].get<double>())
        fail(name + ": blocking the probes did not lower the coverage");
    }
  }
}

// Issue 6: a web login that locks after 3 wrong logins (tests/lab/personas/lockout_form.py,
// started here on the camera's address for this check only) is reported as lockout, never as a
// found password, and is not hammered: one attempt after the first "locked" page (the random pair
// once more, which confirms the page changed) in the default mode.
void check_lockout(const json& truth, const std::string& src, const std::string& bin) {
  std::string ns, addr;
  for (const auto& p : truth["personas"])
    if (p["name"] == "camera") ns = p["namespace"], addr = p["address"];
  if (ns.empty()) return;
  const std::string scan_ns = truth["scanner"]["namespace"];
  const std::string base = "/tmp/trustscan-lab-lockout-" + std::to_string(::getpid());
  for (const char* mode : {"default", "parallel"}) {
    const std::string log = base + "." + mode + ".log", report = base + "." + mode + ".json";
    std::remove(log.c_str());
    const std::string pid = run("ip netns exec " + ns + " python3 " + src + "/tests/lab/personas/lockout_form.py " + addr +
                                " 8081 " + log + " </dev/null >/dev/null 2>&1 & echo $!");
    int st = 1;
    for (int i = 0; i < 50 && st != 0; ++i)
      run("ip netns exec " + scan_ns + " python3 -c 'import socket; socket.create_connection((\"" + addr +
              "\", 8081), 0.2)' 2>/dev/null || { sleep 0.1; exit 1; }",
          &st);
    if (st != 0) {
      fail("lockout form: the device did not come up");
    } else {
      run("ip netns exec " + scan_ns + " " + bin + " scan " + addr + " -p T:8081 -q -o " + report +
              (std::string(mode) == "parallel" ? " --creds-parallel 7" : "") + " 2>&1",
          &st);
    }
    if (!pid.empty()) run("kill " + pid.substr(0, pid.find_first_not_of("0123456789")) + " 2>/dev/null");
    std::ifstream rin(report);
    std::ifstream lin(log);
    int posts = 0, first_locked = 0;
    for (std::string line; std::getline(lin, line);) {
      ++posts;
      if (!first_locked && line.ends_with(" locked")) first_locked = posts;
    }
    std::remove(log.c_str());
    if (!rin) {
      fail(std::string("lockout form (") + mode + "): no report");
      continue;
    }
    const json r = json::parse(rin);
    std::remove(report.c_str());
    std::string status = "(missing)", reason;
    for (const auto& res : r["devices"][0]["results"])
      if (res["check"] == "cred.default.http" && res.value("port", 0) == 8081) status = res["status"], reason = res.value("reason", "");
    std::cout << "lockout form (" << mode << "): cred.default.http " << status << " " << reason << ", " << posts
              << " POSTs, first locked page at POST " << first_locked << "\n";
    if (status != "not_tested" || reason != "inconclusive:lockout")
      fail(std::string("lockout form (") + mode + "): cred.default.http is " + status + " " + reason + ", expected not_tested inconclusive:lockout");
    for (const auto& o : r["devices"][0]["observations"])
      if (o["key"] == "cred.accepted" && o["value"] == true) fail(std::string("lockout form (") + mode + "): a password was claimed");
    if (std::string(mode) == "default" && (first_locked == 0 || posts > first_locked + 1))
      fail("lockout form: " + std::to_string(posts) + " POSTs, the first locked page at " + std::to_string(first_locked) +
           ": the trial went on after the lockout");
  }
}

// One scan of a host that is scanned on its own (hostile, firewalled, down): the command, run
// from the scanner's namespace, printed with its exit code and wall time.
struct OwnScan {
  std::string out;
  int status = 0;
  double secs = 0;
};
OwnScan own_scan(const json& truth, const std::string& bin, const std::string& label, const std::string& args) {
  const std::string cmd = "ip netns exec " + truth["scanner"]["namespace"].get<std::string>() + " " + bin + " scan " + args;
  std::cout << label << ": " << cmd << "\n";
  const auto start = std::chrono::steady_clock::now();
  OwnScan r;
  r.out = run(cmd + " 2>&1", &r.status);
  r.secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << label << ": exit " << r.status << " in " << r.secs << " s\n";
  return r;
}

// The hostile persona (tests/lab/personas/hostile.py), scanned on its own: the scan completes
// within the budget, below the memory cap (the largest RSS among the processes this test waited
// for: getrusage(RUSAGE_CHILDREN), so it runs before the other scans), reports every open port, and every probe that ran left its
// probe.<service>.status.
void check_hostile(const json& truth, const std::string& bin) {
  if (!truth.contains("hostile")) return;
  const auto& h = truth["hostile"];
  const std::string report = "/tmp/trustscan-lab-hostile-" + std::to_string(::getpid()) + ".json";
  const auto [out, st, secs] =
      own_scan(truth, bin, "hostile", h["address"].get<std::string>() + " -p " + h["ports"].get<std::string>() + " -q -o " + report);
  rusage ru{};
  ::getrusage(RUSAGE_CHILDREN, &ru);
  const long rss_mb = ru.ru_maxrss / 1024;  // kilobytes on Linux
  std::cout << "hostile: largest child RSS " << rss_mb << " MB\n";
  if (st != 0 && st != 1) return fail("hostile: trustscan exited " + std::to_string(st));
  if (secs > h["budget_s"].get<double>()) fail("hostile: the scan took " + std::to_string(secs) + " s, over its budget");
  if (rss_mb > h["max_rss_mb"].get<long>()) fail("hostile: " + std::to_string(rss_mb) + " MB resident, over the cap");
  std::ifstream in(report);
  if (!in) return fail("hostile: no report written");
  const json r = json::parse(in);
  if (r["complete"] != true) fail("hostile: report not marked complete");
  const auto& d = r["devices"].at(0);
  std::set<std::string> open;
  std::map<std::string, std::string> service;
  for (const auto& s : d["services"]) {
    const std::string key = s["transport"].get<std::string>() + "/" + std::to_string(s["port"].get<int>());
    if (s["state"] == "open") open.insert(key);
    if (s.contains("service")) service[key] = s["service"];
  }
  for (const auto& o : h["open"])
    if (!open.count(o.get<std::string>())) fail("hostile: " + o.get<std::string>() + " not reported open");
  std::map<std::string, std::string> statuses;
  for (const auto& o : d["observations"]) {
    const std::string key = o.value("key", "");
    if (key.starts_with("probe.") && key.ends_with(".status") && o.contains("port"))
      statuses[o.value("transport", "tcp") + "/" + std::to_string(o["port"].get<int>())] =
          o.contains("value") && o["value"].is_string() ? o["value"].get<std::string>() : "";
  }
  for (const auto& [ep, svc] : service)
    if (!statuses.count(ep)) fail("hostile: " + ep + " (" + svc + ") has no probe status");
  const json want_status = h.value("status", json::object());  // kept: items() does not own it
  for (const auto& [ep, want] : want_status.items())
    if (statuses[ep] != want.get<std::string>())
      fail("hostile: " + ep + " probe status is '" + statuses[ep] + "', expected " + want.get<std::string>());
  for (const auto& f : d["results"])
    if (f["status"] == "error") fail("hostile: check " + f["check"].get<std::string>() + " errored: " + f.value("summary", ""));
  std::remove(report.c_str());
}

// The number before `words` in the engine's summary line ("... N with a deadline learnt from the
// device's answers, M timeout(s) not retried ..."); -1 when the words are missing.
long lab_number_before(const std::string& out, const std::string& words) {
  const auto at = out.find(words);
  if (at == std::string::npos || at < 2) return -1;
  auto b = out.rfind(' ', at - 2);
  b = b == std::string::npos ? 0 : b + 1;
  return std::atol(out.substr(b, at - 1 - b).c_str());
}

// A camera behind its own firewall (issue 16), scanned on its own over a wide range: exactly its
// web server is open, every other port filtered, within the budget (the fixed-timing scan took
// over twice the budget), and the engine's summary shows the adaptive timing at work.
void check_firewalled(const json& truth, const std::string& bin) {
  if (!truth.contains("firewalled")) return;
  const auto& h = truth["firewalled"];
  const std::string report = "/tmp/trustscan-lab-firewalled-" + std::to_string(::getpid()) + ".json";
  const auto [out, st, secs] = own_scan(truth, bin, "firewalled",
                                        h["address"].get<std::string>() + " -p " + h["ports"].get<std::string>() +
                                            " --no-probes -o " + report);
  if (st != 0 && st != 1) return fail("firewalled: trustscan exited " + std::to_string(st));
  if (secs > h["budget_s"].get<double>()) fail("firewalled: the scan took " + std::to_string(secs) + " s, over its budget");
  const long learnt = lab_number_before(out, "with a deadline learnt");
  const long skipped = lab_number_before(out, "timeout(s) not retried");
  std::cout << "firewalled: " << learnt << " attempts with learnt deadlines, " << skipped << " timeouts not retried\n";
  if (learnt <= 0) fail("firewalled: no attempt had a deadline learnt from the device's answers");
  if (skipped <= 0) fail("firewalled: every timeout was retried on a device that drops, not loses");
  std::ifstream in(report);
  if (!in) return fail("firewalled: no report written");
  const json r = json::parse(in);
  std::remove(report.c_str());
  if (r["complete"] != true) fail("firewalled: report not marked complete");
  std::set<std::string> want, open;
  for (const auto& o : h["open"]) want.insert(o.get<std::string>());
  const auto& d = r["devices"].at(0);
  for (const auto& s : d["services"])
    if (s["state"] == "open") open.insert(s["transport"].get<std::string>() + "/" + std::to_string(s["port"].get<int>()));
  if (open != want) fail("firewalled: open ports differ from the ground truth");
  // Every other port scanned is filtered (the report counts them in not_shown).
  const long scanned = d.value("ports_scanned", 0L);
  const long filtered = d.value("not_shown", json::object()).value("filtered", 0L);
  std::cout << "firewalled: " << open.size() << " open, " << filtered << " filtered of " << scanned << " scanned\n";
  if (filtered + static_cast<long>(open.size()) != scanned) fail("firewalled: not every other port is filtered");
}

// The open ports of a one-device report and its count of ports in `state` (listed or not shown),
// checked against the ground truth's `open`: exactly those open, every other scanned port in
// `others`.
void expect_exact_ports(const std::string& label, const json& h, const std::string& report, const std::string& others) {
  std::ifstream in(report);
  if (!in) return fail(label + ": no report written");
  const json r = json::parse(in);
  std::remove(report.c_str());
  if (r["complete"] != true) fail(label + ": report not marked complete");
  std::set<std::string> want, open;
  for (const auto& o : h["open"]) want.insert(o.get<std::string>());
  const auto& d = r["devices"].at(0);
  long listed_others = 0;
  for (const auto& s : d["services"]) {
    if (s["state"] == "open") open.insert(s["transport"].get<std::string>() + "/" + std::to_string(s["port"].get<int>()));
    if (s["state"] == others) ++listed_others;
  }
  for (const auto& w : want)
    if (!open.count(w)) fail(label + ": " + w + " not found open");
  for (const auto& o : open)
    if (!want.count(o)) fail(label + ": " + o + " reported open, not in the ground truth");
  const long scanned = d.value("ports_scanned", 0L);
  const long rest = listed_others + d.value("not_shown", json::object()).value(others, 0L);
  std::cout << label << ": " << open.size() << " open, " << rest << " " << others << " of " << scanned << " scanned\n";
  if (rest + static_cast<long>(open.size()) != scanned) fail(label + ": not every other port is " + others);
}

// The same firewalled camera by the SYN scan (issue 16): the same ports, the SYN scan did it.
void check_firewalled_syn(const json& truth, const std::string& bin) {
  if (!truth.contains("firewalled")) return;
  const auto& h = truth["firewalled"];
  const std::string report = "/tmp/trustscan-lab-firewalled-syn-" + std::to_string(::getpid()) + ".json";
  const auto [out, st, secs] = own_scan(truth, bin, "firewalled --syn",
                                        h["address"].get<std::string>() + " -p " + h["ports"].get<std::string>() +
                                            " --no-probes --syn -o " + report);
  if (st != 0 && st != 1) return fail("firewalled --syn: trustscan exited " + std::to_string(st));
  if (secs > h["budget_s"].get<double>()) fail("firewalled --syn: over its budget");
  if (out.find("by the SYN scan)") == std::string::npos) fail("firewalled --syn: the SYN scan did not run: " + out);
  expect_exact_ports("firewalled --syn", h, report, "filtered");
}

// A device with hundreds of open ports (issue 16), by the connect scan and by the SYN scan: each
// finds exactly the ground truth's, every other port closed.
void check_many(const json& truth, const std::string& bin) {
  if (!truth.contains("many")) return;
  const auto& h = truth["many"];
  for (const std::string mode : {"", " --syn"}) {
    const std::string label = "many" + mode;
    const std::string report = "/tmp/trustscan-lab-many-" + std::to_string(::getpid()) + ".json";
    const auto [out, st, secs] = own_scan(truth, bin, label,
                                          h["address"].get<std::string>() + " -p " + h["ports"].get<std::string>() +
                                              " --no-probes" + mode + " -o " + report);
    if (st != 0 && st != 1) {
      fail(label + ": trustscan exited " + std::to_string(st));
      continue;
    }
    if (secs > h["budget_s"].get<double>()) fail(label + ": over its budget");
    if (!mode.empty() && out.find("by the SYN scan)") == std::string::npos) fail(label + ": the SYN scan did not run");
    expect_exact_ports(label, h, report, "closed");
  }
}

// Shards on real devices (issue 16): the camera persona (its services probed: TLS, HTTP redirect,
// SSH) and the many-ports device, scanned whole and as shards 1/3..3/3 merged by `trustscan merge`:
// the merged report has the same services and the same check results as the whole scan. Checks
// that join ports (the HTTP-to-HTTPS redirect needs tcp/80 and tcp/443, which fall in different
// shards) are judged on the joined facts.
void check_shards(const json& truth, const std::string& bin) {
  if (!truth.contains("many")) return;
  std::string camera;
  for (const auto& p : truth["personas"])
    if (p["name"] == "camera") camera = p["address"].get<std::string>();
  if (camera.empty()) return;
  const std::string base = "/tmp/trustscan-lab-shard-" + std::to_string(::getpid());
  const std::string args = camera + " " + truth["many"]["address"].get<std::string>() +
                           " -p T:22,80,443,2000-2009 --seed 7 --ca-file " + truth["ca_file"].get<std::string>() + " -q";
  own_scan(truth, bin, "shards: whole", args + " -o " + base + "-whole.json");
  std::string shards;
  for (int k = 1; k <= 3; ++k) {
    const std::string out = base + "-" + std::to_string(k) + ".json";
    own_scan(truth, bin, "shards: " + std::to_string(k) + "/3", args + " --shard " + std::to_string(k) + "/3 -o " + out);
    shards += " " + out;
  }
  int st = 0;
  const std::string merged = run(bin + " merge" + shards + " -o " + base + "-merged.json 2>&1", &st);
  if (st != 0 && st != 1) fail("shards: trustscan merge exited " + std::to_string(st) + ": " + merged);
  const auto load = [](const std::string& path) {
    std::ifstream in(path);
    return in ? json::parse(in) : json();
  };
  const json whole = load(base + "-whole.json"), joined = load(base + "-merged.json");
  for (const std::string f : {"-whole.json", "-1.json", "-2.json", "-3.json", "-merged.json"}) std::remove((base + f).c_str());
  if (!whole.contains("devices") || !joined.contains("devices")) return fail("shards: a report is missing");
  if (whole["devices"].size() != 2 || joined["devices"].size() != 2) return fail("shards: not two devices in each report");
  std::size_t compared = 0;
  for (std::size_t d = 0; d < 2; ++d) {
    const auto& a = whole["devices"][d];
    const auto& b = joined["devices"][d];
    const std::string who = a["address"].get<std::string>();
    std::set<std::string> sa, sb;
    const auto service = [](json s) {
      s.erase("rtt_us");  // a time, not a fact of the device
      return s.dump();
    };
    for (const auto& s : a["services"]) sa.insert(service(s));
    for (const auto& s : b["services"]) sb.insert(service(s));
    if (sa != sb) fail("shards: " + who + ": the merged services differ from the whole scan's");
    std::multiset<std::string> ra, rb;
    const auto line = [](const json& r) {
      return r["check"].get<std::string>() + " " + r["status"].get<std::string>() + " (" + r.value("reason", "") +
             "): " + r.value("summary", "");
    };
    for (const auto& r : a["results"]) ra.insert(line(r));
    for (const auto& r : b["results"]) rb.insert(line(r));
    for (const auto& r : ra)
      if (!rb.count(r)) fail("shards: " + who + ": whole scan only: " + r);
    for (const auto& r : rb)
      if (!ra.count(r)) fail("shards: " + who + ": merged only: " + r);
    if (a.value("score", json()) != b.value("score", json())) fail("shards: " + who + ": scores differ");
    compared += ra.size();
  }
  std::cout << "shards: " << compared << " check results compared, whole vs 3 shards merged\n";
  if (compared < 20) fail("shards: too few check results compared");
}

// IPv6 devices whose addresses are not known (issue 16): `ipv6-link:eth0` asks the all-nodes
// group from the scanner namespace. The many-ports device answers echo on IPv6 and is found;
// veiled drops echo and is not (it must be named by address); the scanner's own address is
// never a target. A misspelt interface is one line and exit 2.
void check_link6(const json& truth, const std::string& bin) {
  if (!truth.contains("many") || !truth["many"].contains("address_v6")) return;
  const std::string report = "/tmp/trustscan-lab-link6-" + std::to_string(::getpid()) + ".json";
  const auto [out, st, secs] = own_scan(truth, bin, "link6", "ipv6-link:eth0 -p T:2000-2001 --no-probes -q -o " + report);
  if (st != 0 && st != 1) return fail("link6: trustscan exited " + std::to_string(st) + ": " + out);
  std::ifstream in(report);
  if (!in) return fail("link6: no report written");
  const json r = json::parse(in);
  std::remove(report.c_str());
  std::set<std::string> found;
  for (const auto& d : r["devices"]) found.insert(d["address"].get<std::string>());
  const std::set<std::string> want = {truth["many"]["address_v6"].get<std::string>()};
  if (found != want) fail("link6: found " + std::to_string(found.size()) + " device(s), expected only " + *want.begin());
  for (const auto& d : r["devices"])
    for (const auto& s : d["services"])
      if (s["state"] != "closed") fail("link6: " + d["address"].get<std::string>() + " port " + s["port"].dump() + " is not closed");
  const auto [bad, bad_st, bad_secs] = own_scan(truth, bin, "link6 (bad interface)", "ipv6-link:nosuch0 -p 80 -q");
  if (bad_st != 2 || bad.find("no such network interface") == std::string::npos)
    fail("link6: a misspelt interface gave exit " + std::to_string(bad_st) + ": " + bad);
  std::cout << "link6: " << found.size() << " device(s) found by the all-nodes echo\n";
}

// A device that drops every SYN but answers ARP and ping (the persona `silent`; issue 16): no TCP
// answer ever teaches its round-trip time, so the time host discovery measured seeds its timing.
// Before that seed each of its ports waited the full --timeout (the whole-lab -p- took 269 s,
// 128 s of it this host); now the first attempts wait the floor.
void check_silent(const json& truth, const std::string& bin) {
  const json* h = nullptr;
  for (const auto& p : truth["personas"])
    if (p["name"] == "silent") h = &p;
  if (!h) return;
  const std::string address = (*h)["address"].get<std::string>();
  const std::string report = "/tmp/trustscan-lab-silent-" + std::to_string(::getpid()) + ".json";
  const auto [out, st, secs] = own_scan(truth, bin, "silent", address + " -p T:1-4096 --no-probes -o " + report);
  if (st != 0 && st != 1) return fail("silent: trustscan exited " + std::to_string(st));
  const long timed = lab_number_before(out, "device(s) timed from host discovery");
  const long learnt = lab_number_before(out, "with a deadline learnt");
  std::cout << "silent: " << timed << " device(s) timed from discovery, " << learnt << " attempts below --timeout, "
            << secs << " s\n";
  if (timed != 1) fail("silent: host discovery's round trip did not seed the device's timing");
  if (learnt < 4000) fail("silent: fewer attempts than ports had a deadline below --timeout");
  std::ifstream in(report);
  if (!in) return fail("silent: no report written");
  const json r = json::parse(in);
  std::remove(report.c_str());
  const auto& d = r["devices"].at(0);
  const long filtered = d.value("not_shown", json::object()).value("filtered", 0L);
  if (d.value("ports_scanned", 0L) != 4096 || filtered != 4096) fail("silent: not every one of 4096 ports is filtered");
}

// A device that drops every IP packet but one port (issue 16: host discovery), on IPv4 and IPv6:
// ARP and neighbour discovery find it up where ICMP and TCP pings cannot, and the one open port is
// the only one reported open.
void check_veiled(const json& truth, const std::string& bin) {
  if (!truth.contains("veiled")) return;
  const auto& h = truth["veiled"];
  for (const std::string key : {"address", "address_v6", "address_v6 --syn"}) {
    const std::string mode = key.find(" --syn") != std::string::npos ? " --syn" : "";
    const std::string field = key.substr(0, key.find(' '));
    const std::string label = "veiled " + h[field].get<std::string>() + mode;
    const std::string report = "/tmp/trustscan-lab-veiled-" + std::to_string(::getpid()) + ".json";
    const auto [out, st, secs] = own_scan(truth, bin, label,
                                          h[field].get<std::string>() + " -p " + h["ports"].get<std::string>() +
                                              " --no-probes" + mode + " -o " + report);
    if (st != 0 && st != 1) return fail(label + ": trustscan exited " + std::to_string(st));
    if (secs > h["budget_s"].get<double>()) fail(label + ": took " + std::to_string(secs) + " s, over its budget");
    {
      std::ifstream in(report);
      if (!in) return fail(label + ": no report written");
      const json r = json::parse(in);
      std::string state, reason;
      for (const auto& o : r["devices"].at(0)["observations"])
        if (o["key"] == "probe.discovery") {
          state = o["value"].get<std::string>();
          reason = o.value("detail", "");
        }
      const std::string want = field == "address" ? "ARP reply from " : "IPv6 neighbour advertisement";
      if (!mode.empty() && out.find("by the SYN scan)") == std::string::npos) fail(label + ": the SYN scan did not run");
      if (state != "up" || reason.find(want) == std::string::npos)
        fail(label + ": probe.discovery is '" + state + "' (" + reason + "), expected up by " + want);
      // The MAC that answered is the device's (id.mac_oui has a source in an active scan too).
      std::string mac, id_mac;
      for (const auto& o : r["devices"].at(0)["observations"])
        if (o["key"] == "device.mac") mac = o["value"].get<std::string>();
      for (const auto& f : r["devices"].at(0)["results"])
        if (f["check"] == "id.mac_oui") id_mac = f["status"].get<std::string>();
      if (mac.size() != 17 || reason.find(mac) == std::string::npos)
        fail(label + ": device.mac '" + mac + "' is not the MAC in the discovery reason (" + reason + ")");
      if (id_mac != "info") fail(label + ": id.mac_oui is '" + id_mac + "', expected info from the discovered MAC");
    }
    expect_exact_ports(label, h, report, "filtered");
  }
}

// An address no lab host holds (issue 16: host discovery): reported down, not port-scanned, every
// probe-based check not_tested with reason device_down; --no-discovery scans it anyway.
void check_down(const json& truth, const std::string& bin) {
  if (!truth.contains("down")) return;
  const auto& h = truth["down"];
  const std::string report = "/tmp/trustscan-lab-down-" + std::to_string(::getpid()) + ".json";
  const std::string args = h["address"].get<std::string>() + " -p " + h["ports"].get<std::string>() + " -o " + report;
  const auto [out, st, secs] = own_scan(truth, bin, "down", args);
  if (st != 0 && st != 1) return fail("down: trustscan exited " + std::to_string(st));
  if (secs > h["budget_s"].get<double>()) fail("down: took " + std::to_string(secs) + " s, over its budget");
  if (out.find("host " + h["address"].get<std::string>() + " is down") == std::string::npos)
    fail("down: the summary does not say the host is down");
  {
    std::ifstream in(report);
    if (!in) return fail("down: no report written");
    const json r = json::parse(in);
    const auto& d = r["devices"].at(0);
    if (d.value("ports_scanned", -1L) != 0) fail("down: ports were scanned on a host found down");
    std::string state;
    for (const auto& o : d["observations"])
      if (o["key"] == "probe.discovery") state = o["value"].get<std::string>();
    if (state != "down") fail("down: probe.discovery is '" + state + "', expected down");
    std::size_t down_reasons = 0;
    for (const auto& f : d["results"]) {
      if (f["status"] == "fail" || f["status"] == "pass") fail("down: " + f["check"].get<std::string>() + " judged a host never scanned");
      if (f.value("reason", "") == "device_down") ++down_reasons;
    }
    if (down_reasons == 0) fail("down: no check gives device_down as its reason");
  }
  // Without discovery the same host is port-scanned (and every port is filtered).
  own_scan(truth, bin, "down", args + " --no-discovery -q");
  std::ifstream in(report);
  const json r = json::parse(in);
  if (r["devices"].at(0).value("ports_scanned", 0L) == 0) fail("down: --no-discovery did not port-scan the host");
  std::remove(report.c_str());
}

}  // namespace

int main(int argc, char** argv) {
  const std::string src = TRUSTSCAN_SOURCE_DIR, bin = TRUSTSCAN_BINARY;
  // --sanitized (the ASan+UBSan suite, CI budget): the scans that feed device bytes to the
  // parsers (the hostile persona, every persona's probes and trials) run; the engine's timing
  // and discovery checks, whose code the sanitized unit tests run too, are left to the plain suite.
  const bool sanitized = argc > 1 && std::string(argv[1]) == "--sanitized";
  if (::geteuid() != 0) {
    std::cout << "SKIP: the lab needs root (network namespaces); run the suite as root to include it\n";
    return 77;
  }
  std::ifstream in(src + "/tests/lab/ground_truth.json");
  if (!in) {
    std::cout << "FAIL: cannot read tests/lab/ground_truth.json\n";
    return 1;
  }
  const json truth = json::parse(in);
  int st = 0;
  run("ip netns list | grep -q '^" + truth["scanner"]["namespace"].get<std::string>() + "\\b'", &st);
  if (st != 0) {
    std::cout << "SKIP: the lab is not up (the CTest fixture 'lab' runs tests/lab/lab.sh up; see its output)\n";
    return 77;
  }

  // Which checks this binary has: a planted flaw without a check yet is pending, reported, and
  // enforced automatically once the check exists.
  std::set<std::string> known;
  std::istringstream catalog(run(bin + " checks list --json"));
  for (std::string line; std::getline(catalog, line);)
    if (!line.empty()) known.insert(json::parse(line)["id"].get<std::string>());

  // First, while the only children waited for are small: its RSS figure is the hostile scan's.
  check_hostile(truth, bin);
  if (!sanitized) {
    check_firewalled(truth, bin);
    check_firewalled_syn(truth, bin);
    check_many(truth, bin);
    check_veiled(truth, bin);
    check_silent(truth, bin);
    check_shards(truth, bin);
    check_link6(truth, bin);
    check_down(truth, bin);
  }

  std::string addresses;
  for (const auto& p : truth["personas"]) addresses += " " + p["address"].get<std::string>();
  const std::string report = "/tmp/trustscan-lab-report-" + std::to_string(::getpid()) + ".json";
  std::string cmd = "ip netns exec " + truth["scanner"]["namespace"].get<std::string>() + " " + bin + " scan" + addresses +
                    " -p " + truth["scan_ports"].get<std::string>() + " -q -o " + report;
  // The lab CA lets the camera's certificate verify; passed once this build has the option.
  if (truth.contains("ca_file") && run(bin + " scan --help").find("--ca-file") != std::string::npos)
    cmd += " --ca-file " + truth["ca_file"].get<std::string>();
  std::cout << "running: " << cmd << "\n";
  run(cmd + " 2>&1", &st);
  if (st != 0 && st != 1) {
    std::cout << "FAIL: trustscan exited " << st << "\n";
    return 1;
  }
  std::ifstream rin(report);
  const json r = json::parse(rin);

  std::map<std::string, json> devices;
  for (const auto& d : r["devices"]) devices[d["address"].get<std::string>()] = d;

  for (const auto& p : truth["personas"]) {
    const std::string name = p["name"], addr = p["address"];
    std::cout << "persona " << name << " (" << addr << ")\n";
    if (!devices.count(addr)) {
      fail(name + ": not in the report");
      continue;
    }
    const auto& d = devices[addr];
    std::set<std::string> want_open, got_open;
    for (const auto& o : p["open"]) want_open.insert(o.get<std::string>());
    for (const auto& s : d["services"])
      if (s["state"] == "open") got_open.insert(s["transport"].get<std::string>() + "/" + std::to_string(s["port"].get<int>()));
    for (const auto& o : want_open)
      if (!got_open.count(o)) fail(name + ": " + o + " is open on the device but was not reported open");
    for (const auto& o : got_open)
      if (!want_open.count(o)) fail(name + ": " + o + " reported open but the device does not listen there");

    // Identification: what each open port speaks, and nothing invented on the others.
    const auto identify = p.value("identify", json::object());
    for (const auto& s : d["services"]) {
      if (s["state"] != "open") continue;
      const std::string key = s["transport"].get<std::string>() + "/" + std::to_string(s["port"].get<int>());
      if (!identify.contains(key)) {
        if (s.contains("service")) fail(name + ": " + key + " reported as '" + s["service"].get<std::string>() + "' but speaks no known protocol");
        continue;
      }
      for (const char* field : {"service", "product", "version"}) {
        if (!identify[key].contains(field)) continue;
        const std::string want = identify[key][field], got = s.value(field, "");
        if (want != got) fail(name + ": " + key + " " + field + " is '" + got + "', expected '" + want + "'");
      }
    }

    for (const auto& e : p.value("expect", json::array())) {
      const std::string check = e["check"];
      if (!known.count(check)) {  // exact ids in expect entries
        ++pending;
        std::cout << "  pending (no check '" << check << "' in this build): " << key_of(e) << "\n";
        continue;
      }
      bool found = false;
      for (const auto& res : d["results"]) found = found || matches(e, res);
      if (!found) fail(name + ": expected " + key_of(e) + " (" + e.value("why", "") + ") was not reported");
    }
    for (const auto& f : p.value("forbid", json::array()))
      for (const auto& res : d["results"])
        if (matches(f, res)) fail(name + ": reported " + key_of(res) + ", which is forbidden: " + res.value("summary", ""));
  }
  check_verdicts(truth, devices, bin, report);
  check_lockout(truth, src, bin);
  std::remove(report.c_str());
  std::cout << "lab: " << failures << " failure(s), " << pending << " planted flaw(s) pending a check\n";
  return failures == 0 ? 0 : 1;
}
