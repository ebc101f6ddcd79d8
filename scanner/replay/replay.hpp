// trustscan — passive analysis of captures (`trustscan replay`, `scan --capture`).
//
// Pipeline: libpcap reads pcap / pcapng → decode_packet (probes/wire/packet.hpp) → FlowTable with
// bounded TCP reassembly (probes/wire/flow.hpp) → dissectors on the first bytes of each flow (TLS
// ClientHello / ServerHello over TCP and in QUIC Initial packets, HTTP/1.x and h2c, FTP, Telnet, MQTT, DNS, DHCP, NTP) → per-device observations
// → the same checks and profiles as an active scan. Memory is bounded whatever the capture size
// (flow table and per-flow buffers are capped: docs/replay.md).
//
// A *device* is an address that opens connections or sends datagrams to a server port in the
// capture (the device as a client: its update checks, cloud connections, DNS, NTP, DHCP), or an
// address / MAC named with --device. Servers it talks to are not devices.
//
// Observation keys (device-wide, evidence.source "pcap", evidence.detail starts with the flow
// "client:port>server:port"):
//   device.mac, device.mac_vendor       its MAC and the IEEE registry's owner of it
//   client.flows                        connections/datagram flows the device opened (int)
//   client.dns.query                    a name it looked up
//   client.tls.sni, client.tls.max_version, client.tls.versions, client.tls.ja3,
//   client.tls.ja3_md5, client.tls.ja4, client.tls.alpn (list), client.tls.weak_offered (list);
//   over TCP, and over QUIC on any UDP port (the hello decrypted from the Initial packets,
//   probes/quic/quic_initial.hpp; JA4 then starts with "q"), with client.quic.version and
//   client.quic.server ("198.18.0.2:443") for such a connection
//   client.tls.negotiated_version, client.tls.negotiated_suite, client.tls.negotiated_weak,
//   client.tls.ja3s, client.tls.ja3s_md5 (the server's ServerHello)
//   client.tls.server_cert (each certificate a TLS <= 1.2 server showed), and what the device did
//   with that chain (verified against ReplayOptions::ca_path at the capture's time, the leaf
//   matched against the SNI): client.tls.bad_cert_accepted, client.tls.bad_cert_refused,
//   client.tls.cert_verified, client.tls.cert_unjudged (read by tls.client.validation)
//   client.http.host, client.http.request ("GET http://host/path"), http.user_agent; over HTTP/1.x
//   and over HTTP/2 in cleartext (h2c: prior knowledge or Upgrade, probes/http/http2.hpp), with
//   the names of DNS-over-HTTP queries in the clear (POST application/dns-message, GET ?dns=)
//   as client.dns.query; of HTTP/1.x also client.http.anomaly ("POST http://h/x: Content-Length 5
//   and 6 disagree…") and client.http.tunnel ("host:443 via 198.18.1.2:3128", a CONNECT
//   tunnel): docs/replay.md "HTTP/1 edge cases"
//   client.download ("http://host/path"), client.update.host, client.update.cleartext,
//   client.update.check_time (int, seconds since the epoch)
//   client.credentials.cleartext ("HTTP Basic user admin to 198.18.1.2:80"; evidence carries
//   username/password), client.sensitive.cleartext (tokens in URLs or headers over HTTP),
//   client.cleartext.protocol ("mqtt to 198.18.1.2:1883")
//   client.ntp.server, client.ntp.version
//   dhcp.hostname, dhcp.vendor_class, dhcp.client_id
// and on the server side of a cleartext login seen in the capture (the device as a Telnet or FTP
// server), per endpoint: server.credentials.cleartext (read by cred.transport.cleartext).
#pragma once

#include "trustscan/report.hpp"

#include <csignal>
#include <cstdint>
#include <string>
#include <vector>

namespace trustscan {

struct ReplayOptions {
  std::vector<std::string> devices;   ///< --device: addresses or MACs; empty: every client seen
  std::string oui_dir = "/usr/share/ieee-data";  ///< Debian's ieee-data; missing → no vendor names
  std::size_t max_flows = 65536;
  std::size_t stream_bytes = 16 * 1024;  ///< bytes kept per flow direction for the dissectors
  std::size_t ooo_pool_bytes = 16 * 1024 * 1024;  ///< out-of-order bytes buffered in all (FlowConfig), allocated up front
  /// CA certificates the chains servers showed the device are verified against (--ca-file): a
  /// PEM file or a directory of hashed links. Default: the system store.
  std::string ca_path = "/etc/ssl/certs";
  std::string source = "pcap";        ///< evidence source of the observations ("capture" for --capture)
  /// Set (from a signal handler) to stop reading: what was read so far is analysed, and
  /// stats.interrupted says so. Null: never stopped.
  const volatile std::sig_atomic_t* stop = nullptr;
};

struct ReplayStats {
  std::uint64_t packets = 0, bytes = 0, undecodable = 0, flows = 0;
  std::uint64_t untracked_devices = 0; ///< clients beyond the first 1024 (without --device): not analysed
  std::uint64_t http2_dropped = 0;     ///< h2c connections past a bound of probes/http/http2.hpp: not analysed
  bool truncated = false;              ///< a capture ended mid-record: partial result
  bool interrupted = false;            ///< options.stop was set: partial result
  std::string warning;                 ///< one line, when truncated
};

/// Reads the captures in order and returns one DeviceReport per device (facts only: the caller
/// runs the checks). Throws InputError with one line naming the file when a file is not a
/// capture libpcap can read; a capture cut short mid-packet gives a partial result
/// (stats.truncated, stats.warning).
std::vector<DeviceReport> replay_captures(const std::vector<std::string>& files, const ReplayOptions& options,
                                          ReplayStats& stats);

}  // namespace trustscan
