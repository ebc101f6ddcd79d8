// SSH from a capture (probes/passive/ssh_passive.hpp) on pcaps/ssh.pcap (pcaps/make_ssh.sh: Debian
// 12's OpenSSH 9.2p1 client and sshd in two namespaces, no login), reassembled by FlowTable:
// identification lines, KEXINITs, and HASSH / HASSHServer against the values tshark 4.0 computes
// from the same capture (ssh.kex.hassh / ssh.kex.hasshserver, printed by make_ssh.sh).
#include "probes/passive/ssh_passive.hpp"
#include "probes/wire/flow.hpp"
#include "probes/wire/packet.hpp"

#include "../support/pcap_file.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

using namespace trustscan;

namespace {

struct Streams final : FlowSink {
  struct Connection {
    FlowInfo flow;
    std::string up, down;
  };
  std::map<std::uint64_t, Connection> by_id;
  void on_stream(const FlowInfo& flow, Direction dir, Bytes data, bool) override {
    auto& c = by_id[flow.id];
    c.flow = flow;
    (dir == Direction::to_server ? c.up : c.down).append(as_text(data));
  }
  void on_datagram(const FlowInfo&, Direction, const DecodedPacket&) override {}
  void on_flow_end(const FlowInfo&) override {}
};

std::vector<Streams::Connection> ssh_connections() {
  const auto cap = test::read_pcap("ssh.pcap");
  Streams sink;
  FlowTable table(FlowConfig{}, sink);
  for (const auto& f : cap.frames) {
    DecodedPacket p;
    if (decode_packet(cap.linktype, Bytes(f.bytes), p) == Parse::done) table.add(p, f.ts_us);
  }
  table.finish();
  std::vector<Streams::Connection> out;
  for (auto& [id, c] : sink.by_id)
    if (c.flow.server_port == 22) out.push_back(c);
  return out;
}

// tshark -r pcaps/ssh.pcap -T fields -e ssh.kex.hassh -e ssh.kex.hasshserver (wireshark 4.0.17).
constexpr const char* kTsharkHassh = "472b5de333ad665af5cbf10ff892c4df";
constexpr const char* kTsharkHasshServer = "425d29fe50d8e4f5e37efb6e24bcf660";

}  // namespace

TEST_CASE("passive ssh: both sides of real OpenSSH connections, HASSH as tshark computes it") {
  const auto conns = ssh_connections();
  REQUIRE(conns.size() == 2);  // the device's client to the peer, the peer's client to the device
  for (const auto& c : conns) {
    SshSession s;
    REQUIRE(parse_ssh_session(as_bytes(c.up), as_bytes(c.down), s) == Parse::done);
    CHECK(s.client.software == "OpenSSH_9.2p1");
    CHECK(s.client.line.starts_with("SSH-2.0-OpenSSH_9.2p1 Debian-2"));
    REQUIRE(s.server);
    CHECK(s.server->software == "OpenSSH_9.2p1");
    REQUIRE(s.client_kexinit);
    REQUIRE(s.server_kexinit);
    const auto h = hassh_client(*s.client_kexinit);
    const auto hs = hassh_server(*s.server_kexinit);
    REQUIRE(h);
    REQUIRE(hs);
    CHECK(h->md5 == kTsharkHassh);
    CHECK(hs->md5 == kTsharkHasshServer);
    // The string is kex;enc;mac;cmp, the client's client-to-server lists.
    CHECK(h->algorithms.starts_with(s.client_kexinit->kex_algorithms.front() + ","));
    CHECK(std::count(h->algorithms.begin(), h->algorithms.end(), ';') == 3);
    // HASSH is the client's: the server's lists give another string (OpenSSH's server offers
    // other kex names: no ext-info-c, its own kex-strict marker).
    CHECK(hs->algorithms != h->algorithms);
  }
}

TEST_CASE("passive ssh: partial streams, a non-SSH stream, a truncated KEXINIT list") {
  const auto conns = ssh_connections();
  REQUIRE(!conns.empty());
  const auto& c = conns.front();
  SshSession s;
  // Every prefix of the client's stream: need_more inside the first line, then done with the
  // KEXINIT only once it is whole; the server's side never changes the result.
  const auto line_end = c.up.find('\n');
  for (std::size_t n = 0; n <= c.up.size(); n += (n < line_end + 2 ? 1 : 37)) {
    const Parse r = parse_ssh_session(as_bytes(c.up).first(n), as_bytes(c.down).first(n / 2), s);
    if (n <= line_end) {
      CHECK(r == Parse::need_more);
    } else {
      REQUIRE(r == Parse::done);
    }
  }
  REQUIRE(parse_ssh_session(as_bytes(c.up), {}, s) == Parse::done);
  CHECK(!s.server);
  CHECK(s.client_kexinit);
  // Lines before "SSH-" are what a server may send first: a whole other line is need_more, a NUL
  // (parse_ssh_ident's rule) is not SSH.
  CHECK(parse_ssh_session(as_bytes(std::string_view("GET / HTTP/1.1\r\n")), {}, s) == Parse::need_more);
  CHECK(parse_ssh_session(as_bytes(std::string_view("\x16\x03\x01\x00\x05", 5)), {}, s) != Parse::done);
  // A list cut at kSshMaxNames: no fingerprint rather than a wrong one.
  SshKexInit k;
  k.kex_algorithms = {"curve25519-sha256"};
  CHECK(hassh_client(k));
  CHECK(hassh_client(k)->algorithms == "curve25519-sha256;;;");
  k.truncated = true;
  CHECK(!hassh_client(k));
  CHECK(!hassh_server(k));
}
