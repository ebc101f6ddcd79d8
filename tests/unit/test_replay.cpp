// trustscan replay: every capture in pcaps/ → report, diffed against a committed baseline
// (tests/golden/replay/<capture>.json; TRUSTSCAN_UPDATE_GOLDEN=1 rewrites them after a reviewed
// change), what each capture must show, and bad or truncated captures.
#include "scanner/cli/cli.hpp"
#include "../support/files.hpp"
#include "../support/cli.hpp"
#include "../support/pcap_file.hpp"
#include "probes/wire/packet.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <zlib.h>
#include <set>
#include <sstream>

using namespace trustscan;
using testsupport::cli;
using json = nlohmann::json;
namespace fs = std::filesystem;

namespace {

using testsupport::temp_path;

json replay(const std::vector<std::string>& extra) {
  const auto out = temp_path(".json");
  std::vector<std::string> args = {"replay"};
  args.insert(args.end(), extra.begin(), extra.end());
  args.insert(args.end(), {"-q", "-o", out});
  const auto r = cli(args);
  REQUIRE_MESSAGE((r.code == 0 || r.code == 1), r.err);
  std::ifstream in(out);
  const auto j = json::parse(in);
  std::remove(out.c_str());
  return j;
}

// What changes from run to run: times, the version, where the files are, the manifest.
json normalised(json j) {
  j.erase("started_at");
  j.erase("finished_at");
  j["tool"].erase("version");
  j.erase("manifest");  // the command, host and build of this run (checked in test_cli.cpp)
  for (auto& i : j["inputs"]) i = fs::path(i.get<std::string>()).filename().string();
  return j;
}

std::map<std::string, std::string> status_of(const json& device) {
  std::map<std::string, std::string> s;
  for (const auto& r : device["results"]) s[r["check"]] = r["status"];
  return s;
}

const json& device_at(const json& report, const std::string& address) {
  for (const auto& d : report["devices"])
    if (d["address"] == address) return d;
  FAIL("no device " << address);
  return report;
}

const std::string kPcaps = TRUSTSCAN_SOURCE_DIR "/pcaps/";
const std::string kDevice = "198.19.250.10";
const std::string kCa = kPcaps + "tls-test-ca.pem";

std::vector<std::string> values_of(const json& device, const std::string& key) {
  std::vector<std::string> v;
  for (const auto& o : device["observations"])
    if (o["key"] == key && o["value"].is_string()) v.push_back(o["value"]);
  return v;
}

const json& result_of(const json& device, const std::string& check) {
  for (const auto& r : device["results"])
    if (r["check"] == check) return r;
  FAIL("no result for " << check);
  return device;
}

}  // namespace

TEST_CASE("golden: every capture in pcaps/ gives its committed report") {
  const bool update = std::getenv("TRUSTSCAN_UPDATE_GOLDEN") != nullptr;
  int compared = 0;
  for (const auto& entry : fs::directory_iterator(kPcaps)) {
    const auto name = entry.path().filename().string();
    if (!name.ends_with(".pcap") && !name.ends_with(".pcapng")) continue;
    CAPTURE(name);
    // The CA store is named, so the TLS certificate verdicts do not depend on this machine's
    // /etc/ssl/certs: the test CA of pcaps/make_tls_validation.sh.
    const auto got = normalised(replay({entry.path().string(), "--ca-file", kCa}));
    const auto golden = fs::path(TRUSTSCAN_SOURCE_DIR "/tests/golden/replay") / (name + ".json");
    if (update) std::ofstream(golden) << got.dump(2) << "\n";
    std::ifstream in(golden);
    REQUIRE_MESSAGE(in.good(), "no baseline " << golden << " (run with TRUSTSCAN_UPDATE_GOLDEN=1 and review it)");
    const auto want = json::parse(in);
    if (got != want) FAIL("report differs from " << golden << ":\n" << json::diff(want, got).dump(1));
    ++compared;
  }
  CHECK(compared >= 13);
}

TEST_CASE("replay: what each capture shows about the device") {
  auto s = status_of(device_at(replay({kPcaps + "http-firmware.pcap"}), kDevice));
  CHECK(s["upd.cleartext"] == "fail");
  CHECK(s["tls.client.outbound"] == "not_tested");
  CHECK(s["svc.telnet"] == "not_tested");  // out of vantage: nothing was probed

  s = status_of(device_at(replay({kPcaps + "https-firmware.pcap"}), kDevice));
  CHECK(s["tls.client.outbound"] == "pass");
  CHECK(s["upd.cleartext"] == "not_tested");  // a download to a bare address is not known to be an update

  s = status_of(device_at(replay({kPcaps + "tls10-client.pcap"}), kDevice));
  CHECK(s["tls.client.outbound"] == "fail");

  const auto mqtt = device_at(replay({kPcaps + "mqtt-connect.pcap"}), kDevice);
  CHECK(status_of(mqtt)["dp.cleartext.sensitive"] == "fail");

  s = status_of(device_at(replay({kPcaps + "ntp.pcap"}), kDevice));
  CHECK(s["time.sync"] == "pass");

  const auto dhcp = device_at(replay({kPcaps + "dhcp.pcap"}), kDevice);
  std::map<std::string, std::string> obs;
  for (const auto& o : dhcp["observations"])
    if (o["value"].is_string()) obs[o["key"]] = o["value"];
  CHECK(obs["dhcp.hostname"] == "cam-01");
  CHECK(obs["dhcp.vendor_class"] == "AcmeCam/2.1");
  CHECK(obs["device.mac"] == "00:1a:11:10:fa:0a");
  CHECK(status_of(dhcp)["id.model"] == "info");

  // The device announcing itself (SSDP NOTIFY, mDNS): identifiers from its own multicast.
  const auto announce = device_at(replay({kPcaps + "announce.pcap"}), kDevice);
  std::set<std::string> keys;
  for (const auto& o : announce["observations"]) keys.insert(o["key"]);
  CHECK(keys.count("ssdp.usn"));
  CHECK(keys.count("mdns.instances"));
  CHECK(status_of(announce)["id.logical_identifier"] == "info");

  // Several captures of one device read together: every fact in one report.
  const auto all = replay({kPcaps + "http-firmware.pcap", kPcaps + "tls10-client.pcap", kPcaps + "ntp.pcap",
                           kPcaps + "dns.pcap", "--device", kDevice});
  REQUIRE(all["devices"].size() == 1);
  s = status_of(all["devices"][0]);
  CHECK(s["upd.cleartext"] == "fail");
  CHECK(s["tls.client.outbound"] == "fail");
  CHECK(s["time.sync"] == "pass");
  CHECK(all["mode"] == "replay");
  CHECK(all["vantage"] == "pcap");

  // The device as a Telnet server: the login others made to it crossed the network in cleartext.
  const auto telnet = replay({kPcaps + "telnet-login.pcap", "--device", kDevice});
  REQUIRE(telnet["devices"].size() == 1);
  bool seen = false;
  for (const auto& o : telnet["devices"][0]["observations"])
    seen = seen || (o["key"] == "server.credentials.cleartext" && o["port"] == 23);
  CHECK(seen);
  CHECK(status_of(telnet["devices"][0])["cred.transport.cleartext"] == "fail");
  CHECK(status_of(telnet["devices"][0])["cred.unauth.mgmt"] == "not_tested");  // a login seen is not "no login needed"
}

TEST_CASE("replay: bad captures are one clear error, a truncated one gives a partial report") {
  const auto garbage = temp_path(".pcap");
  std::ofstream(garbage) << "this is not a capture at all, just text\n";
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"replay", garbage}, {"replay", "/nonexistent/x.pcap"}, {"replay", kPcaps + "dns.pcap", "--device", "not-an-address"}, {"replay"}}) {
    const auto r = cli(args);
    CAPTURE(r.err);
    CHECK(r.code == kExitUsage);
    CHECK(r.err.starts_with("trustscan: error: "));
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  }
  std::remove(garbage.c_str());

  // Cut the HTTP download capture in the middle of a packet record.
  std::ifstream in(kPcaps + "http-firmware.pcap", std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), {});
  const auto cut = temp_path(".pcap");
  std::ofstream(cut, std::ios::binary) << bytes.substr(0, bytes.size() - 700);
  const auto out = temp_path(".json");
  const auto r = cli({"replay", cut, "-q", "-o", out});
  CHECK((r.code == 0 || r.code == 1));
  CHECK(r.err.find("trustscan: warning: " + cut + ": capture cut short") == 0);
  std::ifstream rin(out);
  const auto j = json::parse(rin);
  CHECK(j["complete"] == false);
  std::remove(cut.c_str());
  std::remove(out.c_str());
}

// Issue 18: a pcapng written by mergecap from two captures with different link types and snapshot
// lengths (pcaps/multi-interface.pcapng). libpcap stopped at its second interface after 0 packets
// and the report was empty; every frame of both interfaces is read now, with no warning, and the
// device shows what each input showed alone.
TEST_CASE("replay: a multi-interface pcapng (mergecap) is read whole, each interface with its own link type") {
  const auto out = temp_path(".json");
  const auto r = cli({"replay", kPcaps + "multi-interface.pcapng", "-o", out});
  CHECK((r.code == 0 || r.code == 1));
  CHECK(r.err.find("cut short") == std::string::npos);
  std::ifstream in(out);
  const auto merged = json::parse(in);
  std::remove(out.c_str());
  std::set<std::string> keys;
  for (const auto& o : device_at(merged, kDevice)["observations"]) keys.insert(o["key"].get<std::string>());
  CHECK(keys.count("client.credentials.cleartext") == 1);  // the MQTT CONNECT (Ethernet interface)
  CHECK(keys.count("client.dns.query") == 1);              // the DNS queries (Linux cooked v2 interface)
  CHECK(status_of(device_at(merged, kDevice))["dp.cleartext.sensitive"] == "fail");
}

TEST_CASE("replay: a pcapng cut inside a block is read up to it, with the warning") {
  const auto whole = temp_path(".pcapng");
  {
    std::ifstream src(kPcaps + "multi-interface.pcapng", std::ios::binary);
    std::string bytes{std::istreambuf_iterator<char>(src), {}};
    std::ofstream(whole, std::ios::binary) << bytes.substr(0, bytes.size() - 7);
  }
  const auto r = cli({"replay", whole, "-q"});
  std::remove(whole.c_str());
  CHECK(r.err.find("capture cut short after ") != std::string::npos);
  CHECK(r.err.find("packets (the last block is cut short at byte ") != std::string::npos);
}

namespace {

/// The device's facts that do not depend on when or through what the exchange ran: (key, value)
/// of every observation but the flow count, the update-check time and the server certificates
/// (throwaway ones, made per recording), and every check's status.
/// `with_mac`: also the device's MAC and the check that reads it (not for a routed tunnel, where
/// no frame carries it).
std::set<std::string> facts(const json& device, bool with_mac) {
  std::set<std::string> f;
  for (const auto& o : device["observations"]) {
    const std::string key = o["key"];
    if (key == "client.flows" || key == "client.update.check_time" || key == "client.tls.server_cert") continue;
    if (!with_mac && key.starts_with("device.mac")) continue;
    f.insert(key + "=" + o["value"].dump());
  }
  for (const auto& r : device["results"])
    if (with_mac || r["check"] != "id.mac_oui") f.insert(r["check"].get<std::string>() + ":" + r["status"].get<std::string>());
  return f;
}

std::set<std::string> addresses(const json& report) {
  std::set<std::string> a;
  for (const auto& d : report["devices"]) a.insert(d["address"]);
  return a;
}

}  // namespace

TEST_CASE("replay: a tunnelled exchange gives the device what the same exchange gives untunnelled") {
  // pcaps/make_tunnels.sh: the exchanges of make_pcaps.sh run through a tunnel and recorded on the
  // underlay (198.18.77.1 <> 198.18.77.2), so only the outer packets are on the wire. The device
  // is the inner address; the tunnel endpoints are not devices.
  struct Case {
    const char* capture;
    std::vector<std::string> untunnelled;
    bool layer2;  // the tunnel carries Ethernet: the device's MAC is in the capture
  };
  const std::vector<Case> cases = {
      {"tunnel-vxlan.pcap", {"http-firmware.pcap", "tls10-client.pcap"}, true},
      {"tunnel-gretap.pcap", {"http-firmware.pcap"}, true},
      {"tunnel-geneve.pcap", {"http-firmware.pcap"}, true},
      {"tunnel-gre.pcap", {"http-firmware.pcap", "mqtt-connect.pcap"}, false},
      {"tunnel-ipip.pcap", {"http-firmware.pcap"}, false},
  };
  for (const auto& c : cases) {
    const std::string capture = c.capture;
    CAPTURE(capture);
    const auto tunnelled = replay({kPcaps + c.capture});
    CHECK(addresses(tunnelled) == std::set<std::string>{kDevice});
    std::vector<std::string> args;
    for (const auto& u : c.untunnelled) args.push_back(kPcaps + u);
    args.insert(args.end(), {"--device", kDevice});
    const auto plain = replay(args);
    const auto got = facts(device_at(tunnelled, kDevice), c.layer2);
    const auto want = facts(device_at(plain, kDevice), c.layer2);
    CHECK(got == want);
    CHECK(want.count("upd.cleartext:fail"));  // the comparison is about something
    bool has_mac = false;
    for (const auto& o : device_at(tunnelled, kDevice)["observations"]) has_mac |= o["key"] == "device.mac";
    CHECK(has_mac == c.layer2);  // a routed tunnel's frames carry the routers' MACs, never taken as the device's
    CHECK(status_of(device_at(tunnelled, kDevice))["id.mac_oui"] == (c.layer2 ? "info" : "not_tested"));
  }
  // IPv6 in IPv4 (sit), link-local addresses inside: the device fetches the same firmware.
  const auto sit = replay({kPcaps + "tunnel-sit.pcap"});
  CHECK(addresses(sit) == std::set<std::string>{"fe80::a"});
  const auto& dev = device_at(sit, "fe80::a");
  std::map<std::string, std::string> obs;
  for (const auto& o : dev["observations"])
    if (o["value"].is_string()) obs[o["key"]] = o["value"];
  CHECK(obs["http.user_agent"] == "AcmeCam/2.1");
  CHECK(obs["client.update.cleartext"].ends_with("/fw-1.2.3.bin (firmware)"));
  CHECK(status_of(dev)["upd.cleartext"] == "fail");
}

TEST_CASE("replay: DNS over TCP, in order, with the device's segments reversed, and joined after a gap") {
  // pcaps/make_dns_tcp.sh: dig +tcp (one query) and dig +tcp +keepopen (two queries on one
  // connection) to dnsmasq. The reversed and gapped copies are that capture with the second
  // connection's two query segments swapped, or its first one left out (this kernel has no
  // netem to reorder real traffic).
  const auto names = [](const json& report) {
    std::set<std::string> n;
    for (const auto& o : device_at(report, kDevice)["observations"])
      if (o["key"] == "client.dns.query") n.insert(o["value"]);
    return n;
  };
  const std::set<std::string> all = {"fw.acme-cam.example", "time.acme-cam.example", "cloud.acme-cam.example"};
  CHECK(names(replay({kPcaps + "dns-tcp.pcap"})) == all);

  auto cap = test::read_pcap("dns-tcp.pcap");
  std::vector<std::size_t> queries;  // frames of the device's query segments, in capture order
  for (std::size_t i = 0; i < cap.frames.size(); ++i) {
    DecodedPacket p;
    if (decode_packet(cap.linktype, Bytes(cap.frames[i].bytes), p) == Parse::done && p.dst_port == 53 &&
        !p.payload.empty())
      queries.push_back(i);
  }
  REQUIRE(queries.size() == 3);
  auto reversed = cap;
  std::swap(reversed.frames[queries[1]].bytes, reversed.frames[queries[2]].bytes);
  const auto path = temp_path(".pcap");
  test::write_pcap(path, reversed);
  CHECK(names(replay({path})) == all);
  auto gapped = cap;
  gapped.frames.erase(gapped.frames.begin() + static_cast<std::ptrdiff_t>(queries[1]));
  test::write_pcap(path, gapped);
  CHECK(names(replay({path})) == std::set<std::string>{"fw.acme-cam.example", "cloud.acme-cam.example"});
  std::remove(path.c_str());
}

TEST_CASE("replay: an MQTT stream joined after its CONNECT is still cleartext MQTT") {
  // pcaps/mqtt-connect.pcap (mosquitto_pub to mosquitto) without the handshake and the segment
  // carrying CONNECT: what a capture started a moment too late holds. No credentials are seen;
  // the PUBLISH after the gap says the device speaks MQTT in the clear.
  auto cap = test::read_pcap("mqtt-connect.pcap");
  std::vector<test::PcapFrame> kept;
  for (const auto& f : cap.frames) {
    DecodedPacket p;
    if (decode_packet(cap.linktype, Bytes(f.bytes), p) != Parse::done) continue;
    if (p.tcp_flags & tcpflag::syn) continue;
    if (p.dst_port == 1883 && !p.payload.empty() && p.payload[0] == 0x10) continue;  // CONNECT
    kept.push_back(f);
  }
  REQUIRE(kept.size() + 3 == cap.frames.size());  // SYN, SYN-ACK, CONNECT
  cap.frames = kept;
  const auto path = temp_path(".pcap");
  test::write_pcap(path, cap);
  const auto report = replay({path});
  std::remove(path.c_str());
  std::map<std::string, json> obs;
  for (const auto& o : device_at(report, kDevice)["observations"]) obs[o["key"]] = o;
  CHECK(!obs.count("client.credentials.cleartext"));
  REQUIRE(obs.count("client.cleartext.protocol"));
  CHECK(obs["client.cleartext.protocol"]["value"] == "mqtt to 198.19.250.2:1883");
  CHECK(obs["client.cleartext.protocol"]["detail"].get<std::string>().find("PUBLISH acme/cam-01/status") !=
        std::string::npos);
}

TEST_CASE("replay: QUIC v1 Initials give the hello's SNI, ALPN and q-JA4, after a Retry too") {
  // pcaps/make_quic.sh: ngtcp2 0.12's gtlsclient to gtlsserver on UDP 443, and to a second
  // gtlsserver on 8443 that answers the first Initial with a Retry.
  const auto report = replay({kPcaps + "quic.pcap"});
  const auto& dev = device_at(report, kDevice);
  std::map<std::string, std::set<std::string>> obs;
  for (const auto& o : dev["observations"]) obs[o["key"]].insert(o["value"].dump());
  CHECK(obs["client.quic.version"] == std::set<std::string>{"\"QUICv1\""});
  CHECK(obs["client.quic.server"] == std::set<std::string>{"\"198.19.250.2:443\"", "\"198.19.250.2:8443\""});
  CHECK(obs["client.tls.sni"] == std::set<std::string>{"\"fw.acme-cam.example\""});
  CHECK(obs["client.tls.alpn"] == std::set<std::string>{"[\"h3\"]"});
  CHECK(obs["client.tls.max_version"] == std::set<std::string>{"\"TLSv1.3\""});
  // GnuTLS 3.7.9 in ngtcp2's client: 4 TLS 1.3 suites, 15 extensions, ALPN h3, over QUIC.
  CHECK(obs["client.tls.ja4"] == std::set<std::string>{"\"q13d0415h3_9caa18292e23_84684a673e38\""});
  CHECK(obs["client.tls.negotiated_suite"] == std::set<std::string>{"\"TLSv1.3 TLS_AES_128_GCM_SHA256\""});
  CHECK(status_of(dev)["tls.client.outbound"] == "pass");

  // Damaged Initials: a byte of every datagram of the device flipped after the header, or every
  // datagram cut in half: no hello (no key opens them), no crash.
  auto cap = test::read_pcap("quic.pcap");
  for (const int damage : {0, 1}) {
    CAPTURE(damage);
    auto bad = cap;
    for (auto& f : bad.frames) {
      DecodedPacket p;
      if (decode_packet(bad.linktype, Bytes(f.bytes), p) != Parse::done || p.payload.size() < 64) continue;
      const auto at = static_cast<std::size_t>(p.payload.data() - f.bytes.data());
      if (damage == 0) f.bytes[at + 40] ^= 0x5a;
      else f.bytes.resize(at + p.payload.size() / 2);
    }
    const auto path = temp_path(".pcap");
    test::write_pcap(path, bad);
    const auto r = replay({path});
    std::remove(path.c_str());
    std::set<std::string> keys;
    for (const auto& d : r["devices"])
      for (const auto& o : d["observations"]) keys.insert(o["key"]);
    CHECK_FALSE(keys.count("client.tls.sni"));
    CHECK_FALSE(keys.count("client.quic.version"));
    if (damage == 0) CHECK(keys.count("client.flows"));  // cut frames may not even decode as UDP
  }
}

TEST_CASE("replay: HTTP/2 in cleartext (h2c) gives the requests HTTP/1 gives, and DNS over HTTP the names") {
  // pcaps/make_h2c.sh: nghttp and curl (user agent AcmeCam/2.1) to nghttpd with prior knowledge,
  // two of the requests DoH in the clear (a POST of a DNS message, a GET ?dns=), and curl's
  // HTTP/1.1 "Upgrade: h2c" to nghttpx, answered with 101 and HTTP/2 frames.
  const auto h2_values = [](const json& report, const std::string& key) {
    std::set<std::string> v;
    for (const auto& d : report["devices"])
      for (const auto& o : d["observations"])
        if (o["key"] == key) v.insert(o["value"].get<std::string>());
    return v;
  };
  const auto report = replay({kPcaps + "h2c.pcap"});
  const auto& dev = device_at(report, kDevice);
  const auto requests = h2_values(report, "client.http.request");
  REQUIRE(requests.size() == 5);
  CHECK(requests.count("GET http://fw.acme-cam.example/fw-1.2.3.bin"));  // :method, :authority, :path
  CHECK(requests.count("GET http://fw.acme-cam.example/config.json"));   // stream 3: HPACK's dynamic table
  CHECK(requests.count("POST http://fw.acme-cam.example/dns-query"));
  CHECK(requests.count("GET http://fw.acme-cam.example:8080/fw-1.2.3.bin"));  // after Upgrade
  CHECK(std::count_if(requests.begin(), requests.end(), [](const std::string& r) {
          return r.starts_with("GET http://fw.acme-cam.example/dns-query?dns=");
        }) == 1);
  CHECK(h2_values(report, "client.http.host") == std::set<std::string>{"fw.acme-cam.example", "fw.acme-cam.example:8080"});
  CHECK(h2_values(report, "http.user_agent") == std::set<std::string>{"AcmeCam/2.1"});
  CHECK(h2_values(report, "client.dns.query") == std::set<std::string>{"cloud.acme-cam.example", "time.acme-cam.example"});
  std::set<std::string> via;
  for (const auto& o : dev["observations"])
    if (o["key"] == "client.http.request") {
      const std::string detail = o["detail"];
      via.insert(detail.substr(detail.find(' ') + 1));
    }
  CHECK(via == std::set<std::string>{"HTTP/2 (h2c)", "HTTP/2 (h2c after Upgrade)"});

  // Every client preface's first frame (SETTINGS) given a length of 16 MiB - 1: each connection
  // goes past the frame bound, is dropped whole and counted, with one warning line.
  auto cap = test::read_pcap("h2c.pcap");
  int prefaces = 0;
  for (auto& f : cap.frames) {
    DecodedPacket p;
    if (decode_packet(cap.linktype, Bytes(f.bytes), p) != Parse::done || p.payload.size() < 27 ||
        as_text(p.payload).substr(0, 3) != "PRI")
      continue;
    const auto at = static_cast<std::size_t>(p.payload.data() - f.bytes.data()) + 24;
    f.bytes[at] = f.bytes[at + 1] = f.bytes[at + 2] = 0xff;
    ++prefaces;
  }
  CHECK(prefaces == 4);
  const auto path = temp_path(".pcap");
  test::write_pcap(path, cap);
  const auto out = temp_path(".json");
  const auto run = cli({"replay", path, "-q", "-o", out});
  CHECK(run.err.find("warning: 4 HTTP/2 connection(s) went past a bound") != std::string::npos);
  std::ifstream in(out);
  const auto dropped = json::parse(in);
  std::remove(out.c_str());
  std::remove(path.c_str());
  CHECK(h2_values(dropped, "client.http.request").empty());
  CHECK(h2_values(dropped, "client.dns.query").empty());
}

TEST_CASE("replay: the device as a TLS client, shown certificates it should and should not accept") {
  // pcaps/make_tls_validation.sh: curl against openssl s_server in two namespaces.
  const auto accepts = device_at(replay({kPcaps + "tls-client-accepts-bad-cert.pcap", "--ca-file", kCa}), kDevice);
  const auto& fail = result_of(accepts, "tls.client.validation");
  CHECK(fail["status"] == "fail");
  const auto accepted = values_of(accepts, "client.tls.bad_cert_accepted");
  REQUIRE(accepted.size() == 1);
  CHECK(accepted[0].starts_with("update.acme-iot.test at 198.19.250.2:443: the chain does not verify (self_signed"));
  CHECK(accepted[0].find("application data record(s)") != std::string::npos);
  // The host is an update host: the Software Update outcomes come with the failure.
  const auto outcomes = fail["outcomes"].dump();
  CHECK(outcomes.find("IR8259A:SU") != std::string::npos);
  CHECK(outcomes.find("IR8425:DP.3") != std::string::npos);
  // The chain as it was shown: subject, issuer, SAN, validity, fingerprint; and the server's JA3S.
  const auto certs = values_of(accepts, "client.tls.server_cert");
  REQUIRE(certs.size() == 1);
  CHECK(certs[0].starts_with("198.19.250.2:443 #0 subject CN=update.acme-iot.test; issuer CN=update.acme-iot.test; "
                             "SAN DNS:update.acme-iot.test; valid 20"));
  CHECK(certs[0].find("; sha256 ") != std::string::npos);
  REQUIRE(values_of(accepts, "client.tls.ja3s_md5").size() == 1);
  CHECK(values_of(accepts, "client.tls.ja3s_md5")[0].size() == 32);
  CHECK(values_of(accepts, "client.tls.ja3s")[0].starts_with("198.19.250.2:443 771,"));

  const auto refuses = device_at(replay({kPcaps + "tls-client-refuses-bad-cert.pcap", "--ca-file", kCa}), kDevice);
  CHECK(result_of(refuses, "tls.client.validation")["status"] == "pass");
  const auto refused = values_of(refuses, "client.tls.bad_cert_refused");
  REQUIRE(refused.size() == 1);
  CHECK(refused[0].find("then sent a fatal alert unknown_ca before its Finished") != std::string::npos);

  // A chain from the CA given: nothing to judge the device by, and never a pass.
  const auto valid = device_at(replay({kPcaps + "tls-client-valid-chain.pcap", "--ca-file", kCa}), kDevice);
  CHECK(result_of(valid, "tls.client.validation")["status"] == "not_tested");
  CHECK(result_of(valid, "tls.client.validation")["reason"] == "inconclusive:only_valid_certificates");
  CHECK(values_of(valid, "client.tls.server_cert")[0].find("issuer CN=trustscan test CA,O=trustscan test CA") !=
        std::string::npos);

  // The same chain and a CA store without that CA: the device trusted an unknown root.
  const auto dir = testsupport::temp_path("-ca");
  fs::create_directories(dir);
  const auto other = device_at(replay({kPcaps + "tls-client-valid-chain.pcap", "--ca-file", dir}), kDevice);
  // (an empty directory loads: OpenSSL looks names up in it on demand, and finds none)
  CHECK(result_of(other, "tls.client.validation")["status"] == "fail");
  REQUIRE(values_of(other, "client.tls.bad_cert_accepted").size() == 1);
  CHECK(values_of(other, "client.tls.bad_cert_accepted")[0].find("the chain does not verify (incomplete_chain") !=
        std::string::npos);
  fs::remove_all(dir);

  // Verified by the CA, but for another name than the one the device asked for.
  const auto wrong = device_at(replay({kPcaps + "tls-client-wrong-name.pcap", "--ca-file", kCa}), kDevice);
  CHECK(result_of(wrong, "tls.client.validation")["status"] == "fail");
  const auto named = values_of(wrong, "client.tls.bad_cert_accepted");
  REQUIRE(named.size() == 1);
  CHECK(named[0].starts_with("api.acme-iot.test at 198.19.250.2:443: the certificate does not name api.acme-iot.test;"));
  CHECK(result_of(wrong, "tls.client.validation")["outcomes"].dump().find("SU") == std::string::npos);

  // TLS 1.3: the certificate is encrypted, nothing is judged.
  const auto tls13 = device_at(replay({kPcaps + "tls13-client.pcap", "--ca-file", kCa}), kDevice);
  CHECK(result_of(tls13, "tls.client.validation")["status"] == "not_tested");
  CHECK(result_of(tls13, "tls.client.validation")["reason"] == "inconclusive:tls13_certificate_encrypted");
  CHECK(values_of(tls13, "client.tls.server_cert").empty());

  // All together: one accepted bad chain fails the device whatever else it refused.
  const auto all = replay({kPcaps + "tls-client-refuses-bad-cert.pcap", kPcaps + "tls-client-accepts-bad-cert.pcap",
                           kPcaps + "tls13-client.pcap", "--ca-file", kCa});
  CHECK(result_of(device_at(all, kDevice), "tls.client.validation")["status"] == "fail");
}

TEST_CASE("replay --ca-file: a path that is no CA store is one clear error") {
  const auto bad = testsupport::temp_path(".pem");
  std::ofstream(bad) << "not a certificate\n";
  const auto r = cli({"replay", kPcaps + "tls-client-accepts-bad-cert.pcap", "--ca-file", bad, "-q", "-o", bad + ".json"});
  CHECK(r.code == 2);
  CHECK(r.err == "trustscan: error: --ca-file '" + bad + "': no CA certificate OpenSSL can read (PEM file or hashed directory)\n");
  std::remove(bad.c_str());
}

TEST_CASE("replay: HTTP/1 edge cases of issue 18 (TCP Fast Open, CONNECT, HTTP/0.9, spaces, smuggling)") {
  // pcaps/craft_http_edge.py, crafted (no lab client sends these): see pcaps/README.md.
  const auto edge_values = [](const json& device, const std::string& key) {
    std::set<std::string> v;
    for (const auto& o : device["observations"])
      if (o["key"] == key) v.insert(o["value"].get<std::string>());
    return v;
  };
  const auto edge_detail = [](const json& device, const std::string& key, const std::string& value) {
    for (const auto& o : device["observations"])
      if (o["key"] == key && o["value"] == value) return o["detail"].get<std::string>();
    return std::string("(none)");
  };
  const auto report = replay({kPcaps + "http-edge.pcap"});
  const auto& dev = device_at(report, kDevice);
  // Before: the TFO requests came through (flow.cpp kept SYN data), the CONNECT was
  // "http://update.acme-cam.example:443update.acme-cam.example:443" and the tunnelled GET a
  // request of its own, and the HTTP/0.9, spaced, Content-Length-conflict connections gave nothing;
  // the TE + CL one gave its smuggled GET as a second request.
  CHECK(edge_values(dev, "client.http.request") == std::set<std::string>{
            "GET http://fw.acme-cam.example/fw/tfo-1.2.3.bin",        // in the TFO SYN
            "GET http://fw.acme-cam.example/fw/tfo-retry.bin",        // SYN data not acknowledged, sent again
            "CONNECT update.acme-cam.example:443",                    // authority-form, twice (407 then 200)
            "GET http://198.19.250.2/status.txt",                     // HTTP/0.9: no Host
            "GET http://198.19.250.2/cgi-bin/snap shot.cgi?ch=1",     // space in the target
            "POST http://cloud.acme-cam.example/api/log",             // Content-Length 5 and 64
            "POST http://cloud.acme-cam.example/api/event"});         // TE + CL
  CHECK(edge_values(dev, "client.download") == std::set<std::string>{"http://fw.acme-cam.example/fw/tfo-1.2.3.bin",
                                                                      "http://fw.acme-cam.example/fw/tfo-retry.bin"});
  CHECK(edge_values(dev, "client.http.host").count("update.acme-cam.example:443"));
  CHECK(edge_values(dev, "client.http.tunnel") ==
        std::set<std::string>{"update.acme-cam.example:443 via 198.19.250.2:3128"});
  CHECK(edge_detail(dev, "client.http.tunnel", "update.acme-cam.example:443 via 198.19.250.2:3128")
            .find("status 200: the 53 client bytes after it are the tunnel's") != std::string::npos);
  CHECK(edge_detail(dev, "client.http.request", "GET http://198.19.250.2/status.txt").ends_with(" HTTP/0.9"));
  const auto anomalies = edge_values(dev, "client.http.anomaly");
  REQUIRE(anomalies.size() == 3);
  CHECK(std::count_if(anomalies.begin(), anomalies.end(), [](const std::string& a) {
          return a.starts_with("GET http://198.19.250.2/cgi-bin/snap shot.cgi?ch=1: spaces in the request target");
        }) == 1);
  CHECK(anomalies.count("POST http://cloud.acme-cam.example/api/log: Content-Length 5 and 64 disagree (RFC 9112 "
                        "section 6.3): framing unknown"));
  CHECK(std::count_if(anomalies.begin(), anomalies.end(), [](const std::string& a) {
          return a.starts_with("POST http://cloud.acme-cam.example/api/event: Transfer-Encoding and Content-Length together");
        }) == 1);
  // Nothing smuggled or tunnelled became a request of the device.
  for (const auto& o : dev["observations"]) {
    const std::string v = o["value"].is_string() ? o["value"].get<std::string>() : "";
    CHECK_MESSAGE(v.find("smuggled") == std::string::npos, v);
    CHECK_MESSAGE(v.find("tunnelled") == std::string::npos, v);
  }
  CHECK(result_of(dev, "upd.cleartext")["status"] == "fail");
  // The second CONNECT's Proxy-Authorization: Basic (cam:proxy) crossed the wire in the clear.
  CHECK(edge_values(dev, "client.credentials.cleartext") ==
        std::set<std::string>{"HTTP proxy Basic user cam to 198.19.250.2:3128"});
  CHECK(result_of(dev, "dp.cleartext.sensitive")["status"] == "fail");
}

TEST_CASE("replay: files fetched over FTP (passive, active) and TFTP are update downloads when they are firmware") {
  // pcaps/ftp-download.pcap (pcaps/make_ftp.sh): curl and busybox against vsftpd and in.tftpd.
  const auto transfers = [](const json& dev, const std::string& key) {
    std::map<std::string, std::string> out;  // value -> detail
    for (const auto& o : dev["observations"])
      if (o["key"] == key) out[o["value"].get<std::string>()] = o["detail"].get<std::string>();
    return out;
  };
  const auto report = replay({kPcaps + "ftp-download.pcap"});
  const auto& dev = device_at(report, kDevice);
  const auto files = transfers(dev, "client.file.transfer");
  REQUIRE(files.size() == 5);
  CHECK(files.at("ftp RETR ftp://198.19.250.2/notes.txt (226)").find("passive data connection on port 500") != std::string::npos);
  CHECK(files.at("ftp RETR ftp://198.19.250.2/fw-1.2.3.bin (226)").find("passive data connection on port") != std::string::npos);
  CHECK(files.at("ftp RETR ftp://198.19.250.2/image (226)").find("active data connection") != std::string::npos);
  CHECK(files.at("ftp RETR ftp://198.19.250.2/readme.txt (226)").ends_with(", seen"));
  CHECK(files.count("tftp RRQ tftp://198.19.250.2/fw-1.2.3.bin"));
  // "image" has no extension: only the first bytes of its active-mode data connection (from
  // port 20) say it is a uImage. readme.txt is text: a transfer, not a download.
  const auto downloads = transfers(dev, "client.download");
  REQUIRE(downloads.size() == 3);
  CHECK(downloads.at("ftp://198.19.250.2/image").find("magic: uImage") != std::string::npos);
  CHECK(downloads.at("ftp://198.19.250.2/fw-1.2.3.bin").find("magic: uImage") != std::string::npos);
  CHECK(downloads.at("tftp://198.19.250.2/fw-1.2.3.bin").find("judged by its name") != std::string::npos);
  CHECK(result_of(dev, "upd.cleartext")["status"] == "fail");
  // Anonymous FTP carries no secret: the protocol is cleartext, no credential is.
  CHECK(transfers(dev, "client.credentials.cleartext").empty());
  CHECK(transfers(dev, "client.cleartext.protocol").count("ftp to 198.19.250.2:21 (anonymous login, accepted)"));
  CHECK(result_of(dev, "dp.cleartext.sensitive")["status"] == "pass");

  // Without the active-mode data connection (a capture that missed it), "image" is a transfer
  // whose contents were not seen: no guess from its name.
  auto cap = test::read_pcap("ftp-download.pcap");
  std::vector<test::PcapFrame> kept;
  for (const auto& f : cap.frames) {
    DecodedPacket p;
    if (decode_packet(cap.linktype, Bytes(f.bytes), p) == Parse::done && (p.src_port == 20 || p.dst_port == 20)) continue;
    kept.push_back(f);
  }
  REQUIRE(kept.size() < cap.frames.size());
  cap.frames = kept;
  const auto path = temp_path(".pcap");
  test::write_pcap(path, cap);
  const auto cut = replay({path});
  std::remove(path.c_str());
  const auto& dev2 = device_at(cut, kDevice);
  CHECK(transfers(dev2, "client.file.transfer").at("ftp RETR ftp://198.19.250.2/image (226)").ends_with(", not seen"));
  CHECK(!transfers(dev2, "client.download").count("ftp://198.19.250.2/image"));
  CHECK(transfers(dev2, "client.download").size() == 2);
}

TEST_CASE("replay: MQTT over WebSocket gives its CONNECT's credentials, and only after a 101") {
  // pcaps/mqtt-ws.pcap (pcaps/make_ws.sh): Eclipse Paho's websockets transport to a WebSocket
  // endpoint relaying to mosquitto. Before, the masked frames after the Upgrade made the whole
  // client stream invalid HTTP, and the capture gave nothing but a flow count.
  std::map<std::string, json> obs;
  const auto report = replay({kPcaps + "mqtt-ws.pcap"});
  const auto& dev = device_at(report, kDevice);
  for (const auto& o : dev["observations"]) obs[o["key"]] = o;
  REQUIRE(obs.count("client.http.request"));
  CHECK(obs["client.http.request"]["value"] == "GET http://198.19.250.2:8080/mqtt");
  REQUIRE(obs.count("client.http.upgrade"));
  CHECK(obs["client.http.upgrade"]["value"] == "websocket at http://198.19.250.2:8080/mqtt on 198.19.250.2:8080");
  CHECK(obs["client.http.upgrade"]["detail"].get<std::string>().find("status 101") != std::string::npos);
  REQUIRE(obs.count("client.credentials.cleartext"));
  CHECK(obs["client.credentials.cleartext"]["value"] == "MQTT CONNECT user cam01 to 198.19.250.2:8080 over WebSocket");
  const auto& finding = result_of(dev, "dp.cleartext.sensitive");
  CHECK(finding["status"] == "fail");
  REQUIRE(!finding["evidence"].empty());
  CHECK(finding["evidence"][0]["username"] == "cam01");
  CHECK(finding["evidence"][0]["password"] == "ws-s3cret");

  // The same exchange with the server ignoring the upgrade (its status line rewritten to a 204 of
  // the same length, which has no body, RFC 9110 section 15.3.5): the connection stays HTTP/1, so
  // the frames after the request are not read as WebSocket and no credential is claimed.
  auto cap = test::read_pcap("mqtt-ws.pcap");
  const std::string from = "HTTP/1.1 101 Switching Protocols", to = "HTTP/1.1 204 No Content, sorry!!";
  REQUIRE(from.size() == to.size());
  bool patched = false;
  for (auto& f : cap.frames) {
    std::string bytes(f.bytes.begin(), f.bytes.end());
    if (const auto at = bytes.find(from); at != std::string::npos) {
      std::copy(to.begin(), to.end(), f.bytes.begin() + static_cast<std::ptrdiff_t>(at));
      patched = true;
    }
  }
  REQUIRE(patched);
  const auto path = temp_path(".pcap");
  test::write_pcap(path, cap);
  const auto refused = replay({path});
  std::remove(path.c_str());
  std::map<std::string, json> obs2;
  for (const auto& o : device_at(refused, kDevice)["observations"]) obs2[o["key"]] = o;
  CHECK(obs2.count("client.http.request"));
  CHECK_MESSAGE(!obs2.count("client.http.upgrade"), obs2["client.http.upgrade"].dump());
  CHECK(!obs2.count("client.credentials.cleartext"));
}

namespace {

// `bytes` gzip-compressed (RFC 1952) by zlib, as gzip(1) writes it.
std::string gzip_bytes(const std::string& bytes) {
  z_stream z{};
  REQUIRE(deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) == Z_OK);
  std::string out(deflateBound(&z, bytes.size()) + 64, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  z.avail_in = static_cast<uInt>(bytes.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  REQUIRE(deflate(&z, Z_FINISH) == Z_STREAM_END);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

std::string gz_file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

}  // namespace

TEST_CASE("replay: gzip-compressed pcap and pcapng give the report of the plain file, in one or several members") {
  for (const std::string name : {"http-firmware.pcap", "http-firmware.pcapng", "multi-interface.pcapng"}) {
    CAPTURE(name);
    const auto plain = gz_file_bytes(kPcaps + name);
    const auto want = normalised(replay({kPcaps + name}));
    const auto gz = temp_path(".pcap.gz");
    std::ofstream(gz, std::ios::binary) << gzip_bytes(plain);
    auto got = normalised(replay({gz}));
    CHECK(got["devices"] == want["devices"]);
    CHECK(got["complete"] == true);
    // Two members in a row (gzip a b > c; or rotated pieces concatenated), and trailing zeros
    // after the last one (gzip -d ignores them too).
    const auto half = plain.size() / 2;
    std::ofstream(gz, std::ios::binary) << gzip_bytes(plain.substr(0, half)) + gzip_bytes(plain.substr(half)) +
                                               std::string(16, '\0');
    got = normalised(replay({gz}));
    CHECK(got["devices"] == want["devices"]);
    CHECK(got["complete"] == true);
    std::remove(gz.c_str());
  }
}

TEST_CASE("replay: a gzip file cut short or corrupt is a partial report with the reason, not gzip at all one clear error") {
  const auto plain = gz_file_bytes(kPcaps + "ftp-download.pcap");
  const auto packed = gzip_bytes(plain);
  const auto gz = temp_path(".pcap.gz");
  const auto out = temp_path(".json");
  for (const bool ng : {false, true}) {
    CAPTURE(ng);
    const auto source = ng ? gzip_bytes(gz_file_bytes(kPcaps + "http-firmware.pcapng")) : packed;
    // Cut: the deflate stream ends before its trailer.
    std::ofstream(gz, std::ios::binary) << source.substr(0, source.size() * 2 / 3);
    auto r = cli({"replay", gz, "-q", "-o", out});
    CHECK((r.code == 0 || r.code == 1));
    CHECK(r.err.find("capture cut short") != std::string::npos);
    CHECK(json::parse(std::ifstream(out))["complete"] == false);
    // Corrupt: bytes near the end of the deflate data overwritten (the packets before them are
    // still read).
    std::string bad = source;
    const std::size_t at = bad.size() * 9 / 10;
    for (std::size_t i = at; i < at + 32 && i < bad.size() - 8; ++i) bad[i] = static_cast<char>(0xff);
    std::ofstream(gz, std::ios::binary) << bad;
    r = cli({"replay", gz, "-q", "-o", out});
    CAPTURE(r.err);
    CHECK((r.code == 0 || r.code == 1));
    CHECK(r.err.find("gzip") != std::string::npos);
    CHECK(json::parse(std::ifstream(out))["complete"] == false);
  }
  // gzip of something that is no capture: one line, exit 2, naming gzip.
  std::ofstream(gz, std::ios::binary) << gzip_bytes("not a capture, just text\n");
  const auto r = cli({"replay", gz});
  CHECK(r.code == kExitUsage);
  CHECK(r.err.find("gzip-compressed") != std::string::npos);
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  std::remove(gz.c_str());
  std::remove(out.c_str());
}

TEST_CASE("replay: 802.11 with radiotap, unprotected data frames, gives what the same exchange over Ethernet gives") {
  // pcaps/dns.pcap's frames as a Wi-Fi monitor capture shows them (IEEE 802.11-2020 section 9.2):
  // a radiotap header, a QoS data frame (ToDS from the device, FromDS to it, the AP's BSSID
  // between), LLC/SNAP, then the same IP packet. The frame with the third query is marked
  // protected (encrypted on the air): it is not read.
  auto cap = test::read_pcap("dns.pcap");
  REQUIRE(cap.linktype == 1);
  const std::uint8_t device_mac[6] = {0x00, 0x1a, 0x11, 0x10, 0xfa, 0x0a};
  const std::uint8_t bssid[6] = {0x02, 0x00, 0x5e, 0x10, 0xfa, 0xfe};
  std::size_t protected_frames = 0;
  for (auto& f : cap.frames) {
    const auto& e = f.bytes;
    REQUIRE(e.size() >= 14);
    const bool from_device = std::equal(device_mac, device_mac + 6, e.begin() + 6);
    const std::string text(e.begin(), e.end());
    const bool hide = text.find("unknown") != std::string::npos && from_device;
    std::vector<std::uint8_t> w = {0x00, 0x00, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00};  // radiotap, no fields
    w.push_back(0x88);                                                                 // QoS data
    w.push_back(static_cast<std::uint8_t>((from_device ? 0x01 : 0x02) | (hide ? 0x40 : 0)));
    w.insert(w.end(), {0x00, 0x00});                                                   // duration
    const auto add = [&](const std::uint8_t* a) { w.insert(w.end(), a, a + 6); };
    if (from_device) {  // addr1 BSSID (receiver), addr2 SA, addr3 DA
      add(bssid);
      add(e.data() + 6);
      add(e.data());
    } else {            // addr1 DA, addr2 BSSID (transmitter), addr3 SA
      add(e.data());
      add(bssid);
      add(e.data() + 6);
    }
    w.insert(w.end(), {0x10, 0x00, 0x00, 0x00});                        // sequence control, QoS control
    w.insert(w.end(), {0xaa, 0xaa, 0x03, 0x00, 0x00, 0x00, e[12], e[13]});  // LLC/SNAP, EtherType
    w.insert(w.end(), e.begin() + 14, e.end());
    f.bytes = std::move(w);
    protected_frames += hide ? 1 : 0;
  }
  REQUIRE(protected_frames == 1);
  cap.linktype = 127;  // LINKTYPE_IEEE802_11_RADIOTAP
  const auto path = temp_path(".pcap");
  test::write_pcap(path, cap);
  const auto wifi = replay({path});
  std::remove(path.c_str());
  const auto wired = replay({kPcaps + "dns.pcap"});
  const auto values = [](const json& dev, const std::string& key) {
    std::set<std::string> out;
    for (const auto& o : dev["observations"])
      if (o["key"] == key) out.insert(o["value"].dump());
    return out;
  };
  const auto& w = device_at(wifi, kDevice);
  auto names = values(device_at(wired, kDevice), "client.dns.query");
  REQUIRE(names.size() == 3);
  names.erase("\"unknown.example\"");
  CHECK(values(w, "client.dns.query") == names);
  CHECK(values(w, "device.mac") == std::set<std::string>{"\"00:1a:11:10:fa:0a\""});
}
