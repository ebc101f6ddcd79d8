// `trustscan merge`: the shard reports of one scan (scan --shard K/N) give the report of the
// unsharded scan; a missing, duplicated or foreign shard is one line and exit 2
// (docs/sharding.md). Loopback devices emulated here: the behaviour under test is the scanner's
// own (which ports a shard scans, how the shards' facts join), not a daemon's.
#include "../support/cli.hpp"
#include "../support/device.hpp"
#include "../support/files.hpp"
#include "../support/sockets.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <string>
#include <vector>

using testsupport::cli;
using testsupport::temp_path;
using json = nlohmann::json;

namespace {

json shm_read(const std::string& path) {
  std::ifstream in(path);
  REQUIRE_MESSAGE(in.good(), path);
  return json::parse(in);
}

void shm_send(int fd, const std::string& s) { ::send(fd, s.data(), s.size(), MSG_NOSIGNAL); }

// Reads one request head (to the blank line, at most 8 KiB, 2 s).
std::string shm_request(int fd) {
  std::string req;
  char buf[1024];
  while (req.find("\r\n\r\n") == std::string::npos && req.size() < 8192) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 2000) <= 0) break;
    const auto n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    req.append(buf, static_cast<std::size_t>(n));
  }
  return req;
}

// An admin page behind HTTP Basic that takes no pair: identification, the HTTP probe and a
// credential trial that ends "every pair rejected" on it.
void shm_http_admin(int fd) {
  if (shm_request(fd).empty()) return;
  shm_send(fd, "HTTP/1.1 401 Unauthorized\r\nServer: shard-cam/1.0\r\nWWW-Authenticate: Basic realm=\"cam\"\r\n"
               "Content-Length: 0\r\nConnection: close\r\n\r\n");
}

// What may differ between two runs on the same devices (docs/sharding.md "What differs"): run
// metadata, and timings (round-trip times, in the services list and in svc.inventory's evidence).
// Observations are compared in order: a scan puts them in report order (order_observations).
json shm_normalised(json j) {
  for (const char* k : {"started_at", "finished_at", "manifest", "inputs", "shard"}) j.erase(k);
  static const std::regex after_us("after [0-9]+ us");
  for (auto& d : j["devices"]) {
    for (auto& s : d["services"]) s.erase("rtt_us");
    for (auto& r : d["results"])
      for (auto& e : r["evidence"]) e["detail"] = std::regex_replace(e["detail"].get<std::string>(), after_us, "after N us");
    for (auto& o : d["observations"])
      if (o["key"] == "probe.discovery") o.erase("detail");  // what answered discovery first
  }
  return j;
}

// The first key path where two JSON values differ, for a message that says what broke.
std::string shm_first_difference(const json& a, const json& b, const std::string& at = "") {
  if (a.type() != b.type()) return at + ": " + a.dump().substr(0, 200) + " vs " + b.dump().substr(0, 200);
  if (a.is_object()) {
    std::set<std::string> keys;
    for (const auto& [k, v] : a.items()) keys.insert(k);
    for (const auto& [k, v] : b.items()) keys.insert(k);
    for (const auto& k : keys) {
      if (!a.contains(k) || !b.contains(k)) return at + "." + k + ": present in only one";
      if (auto d = shm_first_difference(a[k], b[k], at + "." + k); !d.empty()) return d;
    }
    return "";
  }
  if (a.is_array()) {
    if (a.size() != b.size())
      return at + ": " + std::to_string(a.size()) + " vs " + std::to_string(b.size()) + " elements";
    for (std::size_t i = 0; i < a.size(); ++i)
      if (auto d = shm_first_difference(a[i], b[i], at + "[" + std::to_string(i) + "]"); !d.empty()) return d;
    return "";
  }
  return a == b ? "" : at + ": " + a.dump().substr(0, 300) + " vs " + b.dump().substr(0, 300);
}

const json* shm_result(const json& device, const std::string& check) {
  for (const auto& r : device["results"])
    if (r["check"] == check) return &r;
  return nullptr;
}

int shm_lines(const std::string& s) { return static_cast<int>(std::count(s.begin(), s.end(), '\n')); }

// Nothing listens on 127.0.0.1:`port` (a bind without SO_REUSEADDR succeeds).
bool shm_free(std::uint16_t port) {
  const int s = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  ::inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
  sa.sin_port = htons(port);
  const bool ok = ::bind(s, reinterpret_cast<sockaddr*>(&sa), sizeof sa) == 0;
  ::close(s);
  return ok;
}

// The scan's ports: the devices' and 70 closed ones (more than a report lists one by one).
std::string shm_port_spec(const std::vector<std::uint16_t>& open) {
  std::string spec;
  for (auto p : open) spec += std::to_string(p) + ",";
  int closed = 0;
  for (std::uint16_t p = 61000; closed < 70 && p < 61500; ++p) {
    if (std::find(open.begin(), open.end(), p) != open.end() || !shm_free(p)) continue;
    spec += std::to_string(p) + ",";
    ++closed;
  }
  spec.pop_back();
  return spec;
}

}  // namespace

TEST_CASE("merge: the three shards of a loopback scan give the unsharded report, field by field") {
  testsupport::Device admin(shm_http_admin);
  testsupport::Listener silent;  // accepts and closes at once: an open port nothing identifies
  const std::string spec = shm_port_spec({admin.port(), silent.port()});
  const std::vector<std::string> common = {"scan", "127.0.0.1", "-p", spec, "--seed", "7", "--creds-max", "2", "-q"};

  const auto whole_path = temp_path(".json");
  auto args = common;
  args.insert(args.end(), {"-o", whole_path});
  const auto whole = cli(args);
  REQUIRE_MESSAGE((whole.code == 0 || whole.code == 1), whole.err);

  // The shards: docs/sharding.md's GNU parallel recipe, run for real (the binary, three jobs at
  // once); in-process, one after the other, where `parallel` is not installed.
  const std::string dir = temp_path("-shards");
  std::filesystem::create_directories(dir);
  std::vector<std::string> shard_paths;
  for (int k = 1; k <= 3; ++k) shard_paths.push_back(dir + "/shard-" + std::to_string(k) + ".json");
  if (std::system("command -v parallel >/dev/null 2>&1") == 0) {
    std::string job = std::string(TRUSTSCAN_BINARY);
    for (const auto& arg : common) job += " " + arg;
    job += " --shard {}/3 -o " + dir + "/shard-{}.json; [ $? -le 1 ]";
    const std::string command = "parallel -j 3 --halt now,fail=1 '" + job + "' ::: 1 2 3 </dev/null >" + dir + "/parallel.log 2>&1";
    REQUIRE_MESSAGE(std::system(command.c_str()) == 0, command);
  } else {
    MESSAGE("GNU parallel is not installed: the shards run in-process (setup.sh installs it)");
    for (int k = 1; k <= 3; ++k) {
      auto a = common;
      a.insert(a.end(), {"--shard", std::to_string(k) + "/3", "-o", shard_paths[static_cast<std::size_t>(k - 1)]});
      const auto r = cli(a);
      REQUIRE_MESSAGE((r.code == 0 || r.code == 1), r.err);
    }
  }

  // A shard alone does not see the device: its inventory counts only its own ports.
  const auto one = shm_read(shard_paths[0]);
  CHECK(one["shard"]["index"] == 1);
  CHECK(one["shard"]["count"] == 3);
  const auto& one_dev = one["devices"][0];
  CHECK(one_dev["ports_scanned"].get<int>() < 72);
  CHECK(one_dev.contains("shard_facts"));

  // Given in another order than 1, 2, 3: the order does not matter.
  const auto merged_path = temp_path(".json");
  const auto merged = cli({"merge", shard_paths[2], shard_paths[0], shard_paths[1], "-q", "-o", merged_path});
  REQUIRE_MESSAGE((merged.code == 0 || merged.code == 1), merged.err);
  CHECK(merged.code == whole.code);

  const auto w = shm_read(whole_path);
  const auto m = shm_read(merged_path);
  REQUIRE(w["devices"].size() == 1);
  REQUIRE(m["devices"].size() == 1);
  const auto& wd = w["devices"][0];
  const auto& md = m["devices"][0];
  // The checks over the whole port set judged the merged device, not a shard's.
  CHECK(md["ports_scanned"] == 72);
  CHECK(md["not_shown"]["closed"] == 70);
  const auto* inventory = shm_result(md, "svc.inventory");
  REQUIRE(inventory);
  CHECK((*inventory)["summary"].get<std::string>().find("2 open TCP, 0 open UDP of 72 scanned") == 0);
  CHECK((*inventory)["summary"] == (*shm_result(wd, "svc.inventory"))["summary"]);
  CHECK(m["inputs"].size() == 3);
  CHECK_FALSE(m.contains("shard"));
  CHECK(m["mode"] == "scan");

  // Field by field, after what may differ between runs is taken out.
  const auto nw = shm_normalised(w), nm = shm_normalised(m);
  for (const char* k : {"schema", "tool", "mode", "vantage", "complete", "profile"})
    CHECK_MESSAGE(nw.value(k, json()) == nm.value(k, json()), k);
  const auto& wn = nw["devices"][0];
  const auto& mn = nm["devices"][0];
  for (const char* k : {"address", "services", "ports_scanned", "not_shown", "observations", "results", "outcomes", "score"}) {
    const std::string why = std::string(k) + " " + shm_first_difference(wn.value(k, json()), mn.value(k, json()));
    CHECK_MESSAGE(wn.value(k, json()) == mn.value(k, json()), why);
  }
  CHECK_MESSAGE(nw == nm, shm_first_difference(nw, nm));

  std::filesystem::remove_all(dir);
  for (const auto& p : {whole_path, merged_path}) std::remove(p.c_str());
}

TEST_CASE("merge: a missing, duplicated or foreign shard, or a report that is no shard, is one line and exit 2") {
  const auto closed = testsupport::closed_port();
  std::vector<std::string> paths;
  // Closed ports only: the shards of a small scan, written fast.
  const std::string spec = std::to_string(closed) + "," + std::to_string(testsupport::closed_port());
  for (const char* shard : {"1/3", "2/3", "3/3"}) {
    paths.push_back(temp_path(".json"));
    const auto r = cli({"scan", "127.0.0.1", "-p", spec, "--no-discovery", "--shard", shard, "-q", "-o", paths.back()});
    REQUIRE_MESSAGE(r.code == 0, r.err);
  }
  const auto other = temp_path(".json");  // another seed: another scan
  REQUIRE(cli({"scan", "127.0.0.1", "-p", spec, "--no-discovery", "--seed", "5", "--shard", "2/3", "-q", "-o", other}).code == 0);
  const auto whole = temp_path(".json");  // no shard at all
  REQUIRE(cli({"scan", "127.0.0.1", "-p", spec, "--no-discovery", "-q", "-o", whole}).code == 0);

  const auto out = temp_path(".json");
  const struct {
    std::vector<std::string> inputs;
    const char* says;
  } bad[] = {
      {{paths[0], paths[2]}, "shard 2/3 is missing"},
      {{paths[0]}, "shards 2/3, 3/3 are missing"},
      {{paths[0], paths[1], paths[1], paths[2]}, "are both shard 2/3"},
      {{paths[0], other, paths[2]}, "of another scan"},
      {{paths[0], paths[1], paths[2], whole}, "is not a shard report"},
  };
  for (const auto& b : bad) {
    std::vector<std::string> args = {"merge"};
    args.insert(args.end(), b.inputs.begin(), b.inputs.end());
    args.insert(args.end(), {"-o", out});
    const auto r = cli(args);
    CHECK_MESSAGE(r.code == 2, b.says);
    CHECK_MESSAGE(shm_lines(r.err) == 1, r.err);
    CHECK_MESSAGE(r.err.find(b.says) != std::string::npos, r.err);
    CHECK(r.out.empty());
    CHECK_FALSE(std::ifstream(out).good());  // nothing written
  }
  // Options the shards were not scanned with: refused, not judged against something else.
  const auto policy = cli({"merge", paths[0], paths[1], paths[2], "--profile", "ir8259a-core", "-o", out});
  CHECK(policy.code == 2);
  CHECK(shm_lines(policy.err) == 1);
  // assess does not take shards: it would keep each shard's partial verdicts.
  const auto assess = cli({"assess", paths[0], paths[1], paths[2], "-o", out});
  CHECK(assess.code == 2);
  CHECK(assess.err.find("merge the shards first") != std::string::npos);
  CHECK(shm_lines(assess.err) == 1);
  // The good case, for contrast: the same files merge.
  const auto good = cli({"merge", paths[0], paths[1], paths[2], "-q", "-o", out});
  CHECK_MESSAGE(good.code == 0, good.err);
  CHECK(shm_read(out)["devices"][0]["ports_scanned"] == 2);

  for (const auto& p : paths) std::remove(p.c_str());
  for (const auto& p : {other, whole, out}) std::remove(p.c_str());
}
