// trustscan — capture replay (replay.hpp): libpcap → packets → flows → dissectors → devices.
#include "scanner/replay/replay.hpp"

#include "probes/passive/cleartext_logins.hpp"
#include "probes/passive/ssh_passive.hpp"
#include "probes/tls/client_hello.hpp"
#include "probes/quic/quic_initial.hpp"
#include "probes/tls/tls_chain.hpp"
#include "probes/tls/tls_client_stream.hpp"
#include "probes/dhcp/dhcp.hpp"
#include "probes/dns/dns.hpp"
#include "probes/http/firmware.hpp"
#include "probes/wire/flow.hpp"
#include "probes/http/http_request.hpp"
#include "probes/http/http2.hpp"
#include "probes/http/websocket.hpp"
#include "probes/tls/ja_fingerprint.hpp"
#include "probes/mqtt/mqtt_connect.hpp"
#include "probes/mqtt/mqtt.hpp"
#include "probes/identify/oui.hpp"
#include "probes/identify/mac_facts.hpp"
#include "probes/wire/packet.hpp"
#include "probes/wire/pcapng.hpp"
#include "probes/ssdp/ssdp.hpp"
#include "probes/tftp/tftp.hpp"
#include "scanner/engine/targets.hpp"
#include "probes/tls/tls.hpp"
#include "probes/tls/tls_suites.hpp"
#include "probes/dhcp/dhcp_keys.hpp"
#include "probes/http/http_keys.hpp"
#include "probes/passive/passive_keys.hpp"

#include <pcap/pcap.h>
#include <zlib.h>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <deque>
#include <fstream>
#include <limits>
#include <map>
#include <memory>
#include <regex>
#include <set>
#include <sstream>
#include <unordered_map>
#include <unordered_set>

namespace trustscan {

namespace {

constexpr std::size_t kMaxObservationsPerDevice = 4096;
constexpr std::size_t kMaxDevices = 1024;  // tracked without --device; more are counted, not analysed
constexpr std::size_t kMaxBufferedTotal = 64u << 20;  // all flows' kept bytes together
// QUIC: connections whose Initial packets are being read at one time (each keeps at most
// 2 x kQuicMaxCryptoBytes of CRYPTO data), and datagrams read per connection before giving up.
constexpr std::size_t kMaxQuicConnections = 1024;
constexpr std::size_t kMaxQuicDatagrams = 32;

// An address as a URL or endpoint writes it: IPv6 in brackets (RFC 3986 section 3.2.2).
std::string host_text(const Address& a) { return a.v6 ? "[" + a.to_string() + "]" : a.to_string(); }

std::string endpoint_text(const Address& a, std::uint16_t port) { return host_text(a) + ":" + std::to_string(port); }

std::string flow_text(const FlowInfo& f) {
  return endpoint_text(f.client, f.client_port) + ">" + endpoint_text(f.server, f.server_port);
}

bool can_be_device(const Address& a) {
  if (a.v6) return !(a.bytes[0] == 0xff);  // not multicast; :: has no flows as a client anyway
  const auto v = a.v4_value();
  return v != 0 && v != 0xffffffffu && (v >> 28) != 0xe;  // not 0.0.0.0, broadcast, multicast
}

const std::string* req_header(const HttpRequest& r, std::string_view name) {
  for (const auto& h : r.headers)
    if (h.name == name) return &h.value;
  return nullptr;
}

// Words in host names that say "this is where updates come from".
bool update_like_host(std::string_view host) {
  static const std::regex re("(^|[.-])(update|updates|firmware|fw|ota|upgrade|download)s?([.-]|$)", std::regex::icase);
  return std::regex_search(host.begin(), host.end(), re);
}

// Secrets in a URL's query or an HTTP header sent in cleartext.
std::string secret_in(const HttpRequest& r) {
  static const std::regex query("[?&](token|access_token|api_?key|apikey|password|passwd|pwd|secret|auth)=[^&]+", std::regex::icase);
  std::smatch m;
  if (std::regex_search(r.target, m, query)) return "'" + m[1].str() + "' in the URL query";
  if (r.auth_scheme == "Bearer" || r.auth_scheme == "bearer") return "a Bearer token";
  for (const char* h : {"x-api-key", "x-auth-token", "cookie"})
    if (req_header(r, h)) return std::string("a ") + h + " header";
  return {};
}

struct Device {
  Address address;
  std::vector<Observation> observations;
  std::set<std::pair<std::string, std::string>> seen;  // (key, value text): one observation each
  std::int64_t flows = 0;
  std::optional<MacAddress> mac;
};

// The Initial packets of one QUIC connection (probes/quic/quic_initial.hpp) being read.
struct QuicFlow {
  QuicConnection conn;
  std::size_t datagrams = 0;
};

// The start of a TCP flow that carried bytes one way only, kept for the FTP control connection
// that announced it (a data connection usually ends before its control connection does).
struct OneWayFlow {
  Address a, b;  // client, server as the flow table saw them
  std::uint16_t a_port = 0, b_port = 0;
  std::string first;  // its first kFirstBytes bytes
};
constexpr std::size_t kMaxOneWayFlows = 256;  // the most recent ones; older are forgotten
constexpr std::size_t kFirstBytes = 64;

struct FlowBuffers {
  std::array<std::string, 2> data;
  std::array<bool, 2> gap_at_start{false, false};
};

class Analyzer final : public FlowSink {
 public:
  Analyzer(const ReplayOptions& o, const std::set<Address>& only_addresses, const std::set<Mac>& only_macs)
      : opt_(o), only_addresses_(only_addresses), only_macs_(only_macs) {}

  void on_stream(const FlowInfo& flow, Direction dir, Bytes data, bool after_gap) override {
    if (!wanted_client(flow) && !wanted_server(flow) && !ftp_active_data(flow)) return;
    auto it = buffers_.find(flow.id);
    if (it == buffers_.end()) {
      if (buffered_ >= kMaxBufferedTotal) {
        ++unbuffered_flows_;
        return;
      }
      it = buffers_.emplace(flow.id, FlowBuffers{}).first;
    }
    auto& buf = it->second.data[static_cast<std::size_t>(dir)];
    if (buf.empty() && after_gap) it->second.gap_at_start[static_cast<std::size_t>(dir)] = true;
    if (after_gap && !buf.empty()) return;  // dissectors read the start of a stream only
    const std::size_t room = opt_.stream_bytes > buf.size() ? opt_.stream_bytes - buf.size() : 0;
    const std::size_t n = std::min(room, data.size());
    buf.append(reinterpret_cast<const char*>(data.data()), n);
    buffered_ += n;
  }

  void on_datagram(const FlowInfo& flow, Direction dir, const DecodedPacket& p) override {
    if (flow.server_port == 67 || flow.server_port == 68 || flow.client_port == 67 || flow.client_port == 68) {
      dhcp(flow, p);
      return;
    }
    if (!wanted_client(flow)) return;
    if (flow.ip_proto == ipproto::udp && quic(flow, dir, p.payload)) return;
    if (dir != Direction::to_server) return;
    const Bytes payload = p.payload;
    if (flow.server_port == 53 || flow.server_port == 5353) {
      DnsMessage m;
      if (parse_dns_message(payload, m) != Parse::done) return;
      if (!m.qr) {
        for (const auto& q : m.questions) add(flow, keys::client::dns_query, q.name, printable_excerpt(payload, 128));
      } else if (flow.server_port == 5353) {  // the device announcing itself over mDNS
        add_parsed(flow, mdns_observations(m, Endpoint{flow.client, Transport::udp, flow.client_port}));
      }
    } else if (flow.server_port == 1900) {  // SSDP NOTIFY / search replies sent by the device
      SsdpResponse r;
      if (parse_ssdp_response(payload, r) == Parse::done)
        add_parsed(flow, ssdp_observations(r, Endpoint{flow.client, Transport::udp, flow.client_port}));
    } else if (flow.server_port == 69) {
      tftp(flow, payload);
    } else if (flow.server_port == 123 && !payload.empty()) {
      const int mode = payload[0] & 7, version = (payload[0] >> 3) & 7;
      if (mode == 3 && payload.size() >= 48) {
        add(flow, keys::client::ntp_server, flow.server.to_string(), {});
        add(flow, keys::client::ntp_version, std::int64_t{version}, {});
      }
    }
  }

  void on_flow_end(const FlowInfo& flow) override {
    // A flow the device opened (TCP flows exist only from a SYN or payload; UDP: it sent).
    if (wanted_client(flow) && (flow.ip_proto == ipproto::tcp || flow.dir[0].packets > 0)) {
      auto& d = device(flow);
      d.flows += 1;
      if (flow.has_client_mac) d.mac = flow.client_mac;
    }
    quic_end(flow);
    const auto it = buffers_.find(flow.id);
    if (it == buffers_.end()) return;
    dissect(flow, it->second);
    buffered_ -= it->second.data[0].size() + it->second.data[1].size();
    buffers_.erase(it);
  }

  /// Devices with their observations, after the table has been finished.
  std::vector<DeviceReport> take_devices() {
    // DHCP clients: attach by MAC to a device seen with it, or to the address they asked for.
    for (auto& [mac, obs] : dhcp_by_mac_) {
      Device* target = nullptr;
      for (auto& [a, d] : devices_)
        if (d.mac && format_mac(*d.mac) == mac) target = &d;
      if (!target && dhcp_address_.count(mac)) {
        auto& d = devices_[dhcp_address_[mac]];
        d.address = dhcp_address_[mac];
        target = &d;
      }
      if (!target) continue;
      if (!target->mac) target->mac = parse_mac(mac);
      for (auto& o : obs) push(*target, std::move(o));
    }
    oui_.add_dir(opt_.oui_dir);
    std::vector<DeviceReport> out;
    const bool filtered = !only_addresses_.empty() || !only_macs_.empty();
    for (auto& [addr, d] : devices_) {
      if (filtered && !only_addresses_.count(addr) && !(d.mac && only_macs_.count(*d.mac))) continue;
      DeviceReport r;
      r.facts.target.address = addr;
      r.facts.passive = true;
      r.facts.probed = false;
      Observation flows;
      flows.key = keys::client::flows;
      flows.value = d.flows;
      flows.evidence.kind = "capture";
      flows.evidence.source = opt_.source;
      flows.evidence.detail = std::to_string(d.flows) + " connection(s) or datagram flow(s) opened by the device";
      r.facts.observations.push_back(std::move(flows));
      if (d.mac) {
        Evidence e;
        e.kind = "capture";
        e.source = opt_.source;
        e.detail = "source MAC of the device's frames";
        add_mac_observations(r.facts.observations, *d.mac, oui_, std::move(e));
      }
      for (auto& o : d.observations) r.facts.observations.push_back(std::move(o));
      out.push_back(std::move(r));
    }
    return out;
  }

  std::uint64_t unbuffered_flows() const { return unbuffered_flows_; }
  std::uint64_t http2_dropped() const { return http2_dropped_; }

 private:
  bool wanted_client(const FlowInfo& flow) {
    if (!can_be_device(flow.client)) return false;
    if (only_addresses_.empty() && only_macs_.empty()) return tracked(flow.client);
    return named_device(flow.client, flow.has_client_mac, flow.client_mac);
  }

  // Named by --device, by address or MAC.
  bool named_device(const Address& a, bool has_mac, const MacAddress& mac) const {
    return only_addresses_.count(a) || (has_mac && only_macs_.count(mac));
  }

  // Without --device, the first kMaxDevices clients of the capture are analysed; the others are
  // counted (ReplayStats::untracked_devices) so the report can say what was left out.
  bool tracked(const Address& a) {
    if (devices_.count(a)) return true;
    if (devices_.size() < kMaxDevices) {
      devices_[a].address = a;
      return true;
    }
    if (untracked_.size() < 1'000'000) untracked_.insert(a);
    return false;
  }

 public:
  std::size_t untracked_devices() const { return untracked_.size(); }

 private:
  // A device acting as the server of a login protocol (its FTP, SSH on 22, Telnet): every such
  // server without --device, the named ones with it.
  bool wanted_server(const FlowInfo& flow) {
    if (flow.ip_proto != ipproto::tcp || !can_be_device(flow.server)) return false;
    if (flow.server_port != 21 && flow.server_port != 22 && flow.server_port != 23 && flow.server_port != 2323)
      return false;
    if (only_addresses_.empty() && only_macs_.empty()) return tracked(flow.server);
    return named_device(flow.server, flow.has_server_mac, flow.server_mac);
  }

  Device& device(const FlowInfo& flow) {
    auto& d = devices_[flow.client];
    d.address = flow.client;
    return d;
  }

  void push(Device& d, Observation o) {
    if (d.observations.size() >= kMaxObservationsPerDevice) return;
    if (!d.seen.insert({o.key, to_text(o.value)}).second) return;
    d.observations.push_back(std::move(o));
  }

  // The dissectors name declared keys (probes/passive/passive_keys.hpp…); a parser's own
  // observations come with theirs already (add_parsed).
  void add(const FlowInfo& flow, const ObservationKey& key, Value value, std::string excerpt, std::string detail = {},
           const std::string* user = nullptr, const std::string* password = nullptr) {
    add_fact(flow, std::string(key), std::move(value), std::move(excerpt), std::move(detail), user, password);
  }

  void add_fact(const FlowInfo& flow, std::string key, Value value, std::string excerpt, std::string detail,
                const std::string* user = nullptr, const std::string* password = nullptr) {
    if (!wanted_client(flow)) return;  // the flow was kept for its server side only
    Observation o;
    o.key = std::move(key);
    o.value = std::move(value);
    o.evidence.kind = "capture";
    o.evidence.source = opt_.source;
    o.evidence.detail = flow_text(flow) + (detail.empty() ? "" : " " + detail);
    o.evidence.excerpt = std::move(excerpt);
    if (user) o.evidence.username = *user;
    if (password) o.evidence.password = *password;
    push(device(flow), std::move(o));
  }

  // Observations of a shared protocol parser, as device-wide facts seen on the wire.
  void add_parsed(const FlowInfo& flow, std::vector<Observation> obs) {
    for (auto& o : obs) add_fact(flow, std::move(o.key), std::move(o.value), std::move(o.evidence.excerpt), o.evidence.detail);
  }

  void dhcp(const FlowInfo& flow, const DecodedPacket& p) {
    DhcpMessage m;
    if (parse_dhcp(p.payload, m) != Parse::done || m.op != 1 || m.chaddr.size() != 6) return;
    MacAddress mac{};
    std::copy(m.chaddr.begin(), m.chaddr.end(), mac.begin());
    if (!only_macs_.empty() && !only_macs_.count(mac) && only_addresses_.empty()) return;
    const std::string key = format_mac(mac);
    auto& list = dhcp_by_mac_[key];
    auto obs = [&](const ObservationKey& k, std::string v) {
      if (v.empty() || list.size() >= 64) return;
      for (const auto& o : list)
        if (o.key == k && std::get<std::string>(o.value) == v) return;
      Observation o;
      o.key = k;
      o.value = std::move(v);
      o.evidence.kind = "capture";
      o.evidence.source = opt_.source;
      o.evidence.detail = flow_text(flow) + " DHCP " + (m.message_type ? dhcp_message_type_name(*m.message_type) : "BOOTP") +
                          " from " + key;
      o.evidence.excerpt = printable_excerpt(p.payload, 256);
      list.push_back(std::move(o));
    };
    obs(keys::dhcp::hostname, m.host_name);
    obs(keys::dhcp::vendor_class, m.vendor_class);
    if (!m.client_id.empty()) obs(keys::dhcp::client_id, printable_excerpt({m.client_id.data(), m.client_id.size()}, 64));
    if (m.requested_ip) dhcp_address_[key] = *m.requested_ip;
  }

  void dissect(const FlowInfo& flow, const FlowBuffers& b) {
    const auto& up = b.data[0];
    const auto& down = b.data[1];
    // An FTP data connection carries bytes one way, from port 20 (active) or between two
    // unprivileged ports (passive); other one-way flows are not kept.
    if (flow.ip_proto == ipproto::tcp && up.empty() != down.empty() &&
        (flow.client_port == 20 || (flow.client_port >= 1024 && flow.server_port >= 1024)))
      remember_one_way(flow, up.empty() ? down : up);
    if (up.empty()) return;
    const Bytes c = as_bytes(up), s = as_bytes(down);
    // DNS over TCP: every message carries its length, so a stream joined after a gap (a capture
    // started mid-connection, a segment lost) is still read from a message boundary.
    if (flow.server_port == 53) return dns_tcp(flow, c);
    if (b.gap_at_start[0]) {
      if (flow.server_port == 1883) mqtt_joined(flow, c);
      return;
    }
    const unsigned char first = static_cast<unsigned char>(up[0]);
    if (first == 0x16 && up.size() >= 3 && up[1] == 3) return tls(flow, c, s);
    if (up.starts_with("SSH-")) return ssh(flow, c, s);
    if (h2c_prior_knowledge(c) && http2(flow, c, s)) return;
    if (std::isupper(first)) {
      // HTTP/1.1 "Upgrade: h2c" answered with 101: the rest of the connection is HTTP/2.
      if (as_text(c.first(std::min<std::size_t>(c.size(), kHttpReqMaxHead))).find("h2c") != std::string_view::npos &&
          as_text(s).starts_with("HTTP/1.1 101") && http2(flow, c, s))
        return;
      if (http(flow, c, s)) return;
    }
    if (flow.server_port == 21 || up.starts_with("USER ")) return logins(flow, "ftp", c, s);
    if (flow.server_port == 23 || flow.server_port == 2323) return logins(flow, "telnet", c, s);
    if (first == 0x10) {
      MqttConnect m;
      std::size_t used = 0;
      if (parse_mqtt_connect(c, m, used) == Parse::done) return mqtt(flow, m, c);
    }
  }

  // DNS over TCP (RFC 1035 section 4.2.2, RFC 7766): messages prefixed by a 2-byte length, the
  // device's queries read as over UDP; at most 64 messages, and the first one that does not
  // parse ends the stream's analysis (after a gap the stream may not start at a message).
  void dns_tcp(const FlowInfo& flow, Bytes c) {
    std::size_t pos = 0;
    for (int n = 0; n < 64 && pos + 2 <= c.size(); ++n) {
      const std::size_t len = (std::size_t{c[pos]} << 8) | c[pos + 1];
      if (len == 0 || len > c.size() - pos - 2) return;
      const Bytes msg = c.subspan(pos + 2, len);
      DnsMessage m;
      if (parse_dns_message(msg, m) != Parse::done) return;
      if (!m.qr)
        for (const auto& q : m.questions) add(flow, keys::client::dns_query, q.name, printable_excerpt(msg, 128), "over TCP");
      pos += 2 + len;
    }
  }

  // A ClientHello (c: its record) and the server's reply (s). Over QUIC (quic_version != 0) the
  // record header is ours (quic_handshake_record), so the excerpt starts at the handshake message.
  void tls(const FlowInfo& flow, Bytes c, Bytes s, std::uint32_t quic_version = 0) {
    ClientHelloInfo hello;
    std::size_t used = 0;
    if (parse_client_hello(c, hello, used) != Parse::done) return;
    const auto fp = ja_fingerprint(hello, quic_version != 0 ? 'q' : 't');
    const std::string excerpt = printable_excerpt(quic_version != 0 ? c.subspan(5) : c, 256);
    const std::string in = quic_version != 0 ? " in a " + quic_version_name(quic_version) + " Initial" : "";
    std::vector<std::string> versions;
    if (!hello.supported_versions.empty()) {
      for (auto v : hello.supported_versions)
        if (!is_grease(v)) versions.push_back(tls_version_name(v));
    } else {
      versions.push_back(tls_version_name(hello.legacy_version));
    }
    const std::string max = tls_version_name(hello.max_version());
    const std::string sni = hello.server_name;
    if (quic_version != 0) {
      add(flow, keys::client::quic_version, quic_version_name(quic_version), {}, "QUIC Initial packets");
      add(flow, keys::client::quic_server, endpoint_text(flow.server, flow.server_port), {},
          "QUIC connection" + (sni.empty() ? "" : " SNI " + sni));
    }
    add(flow, keys::client::tls_max_version, max, excerpt, "ClientHello" + in + (sni.empty() ? "" : " SNI " + sni));
    add(flow, keys::client::tls_versions, versions, {}, "ClientHello" + in);
    if (!sni.empty()) add(flow, keys::client::tls_sni, sni, {}, "ClientHello" + in);
    if (!hello.alpn_protocols.empty()) add(flow, keys::client::tls_alpn, hello.alpn_protocols, {}, "ClientHello" + in);
    add(flow, keys::client::tls_ja3, fp.ja3, {}, "JA3 " + fp.ja3_md5);
    add(flow, keys::client::tls_ja3_md5, fp.ja3_md5, {}, "JA3");
    add(flow, keys::client::tls_ja4, fp.ja4, {}, "JA4" + in + ", JA4_r " + fp.ja4_r);
    std::vector<std::string> weak;
    for (auto code : hello.cipher_suites)
      if (const auto* suite = find_suite(code); suite && weak_suite(*suite) && weak.size() < 32) weak.push_back(suite_name(code));
    if (!weak.empty()) add(flow, keys::client::tls_weak_offered, weak, {}, "suites offered in the ClientHello");
    if (!sni.empty() && update_like_host(sni)) update_seen(flow, sni, "TLS to an update host");

    ServerFlight sf;
    std::size_t sused = 0;
    if (!s.empty() && parse_server_hello_flight(s, sf, sused) != Parse::invalid && sf.server_hello) {
      const std::string version = tls_version_name(sf.negotiated_version);
      const std::string suite = suite_name(sf.server_hello->cipher_suite);
      const std::string what = quic_version != 0 ? "ServerHello in the server's Initial" : "ServerHello";
      add(flow, keys::client::tls_negotiated_version, version, printable_excerpt(quic_version != 0 ? s.subspan(5) : s, 128),
          what);
      add(flow, keys::client::tls_negotiated_suite, version + " " + suite, {}, what);
      if (const auto* st = find_suite(sf.server_hello->cipher_suite); st && weak_suite(*st))
        add(flow, keys::client::tls_negotiated_weak, suite + " (" + weak_reason(*st) + ")", {}, what);
      const auto j = ja3s_fingerprint(sf.server_hello->legacy_version, sf.server_hello->cipher_suite,
                                      sf.server_hello->extensions);
      const std::string where = endpoint_text(flow.server, flow.server_port);
      add(flow, keys::client::tls_ja3s, where + " " + j.ja3s, {}, "ServerHello");
      add(flow, keys::client::tls_ja3s_md5, j.ja3s_md5, {}, "JA3S of " + where);
      certificate_handling(flow, hello, sf, c.subspan(used));
    }
  }

  // What the device did with the certificate a server showed it (tls.client.validation): the
  // chain verified against the CA store at the capture's time, the leaf against the name the
  // device asked for; then the device's own records after its hello: application data is
  // acceptance, an alert or a close before any is refusal.
  void certificate_handling(const FlowInfo& flow, const ClientHelloInfo& hello, const ServerFlight& sf, Bytes after_hello) {
    const std::string where = endpoint_text(flow.server, flow.server_port);
    const std::string host = hello.server_name.empty() ? flow.server.to_string() : hello.server_name;
    const std::string subject = host + " at " + where;
    if (sf.version == TlsVersion::tls1_3) {
      add(flow, keys::client::tls_cert_unjudged, subject + ": TLS 1.3, the certificate travels encrypted", {},
          "ServerHello");
      return;
    }
    if (sf.certificates.empty()) return;  // a resumed session, an anonymous suite, a flight cut short
    // A device reaches the same servers again and again: what a certificate says, and the
    // verdict on a chain for a host, are kept (bounded) and reused while the capture's time stays
    // inside every certificate's validity, where the time cannot change the verdict.
    std::string chain_key;
    std::time_t valid_from = 0, valid_to = std::numeric_limits<std::time_t>::max();
    for (std::size_t i = 0; i < sf.certificates.size(); ++i) {
      const auto& der = sf.certificates[i];
      const std::string sha = chain_sha256({der}).front();
      chain_key += sha;
      if (summaries_.size() >= kMaxCached) summaries_.clear();
      auto it = summaries_.find(sha);
      if (it == summaries_.end()) it = summaries_.emplace(sha, certificate_summary(der)).first;
      const auto& c = it->second;
      std::string text = where + " #" + std::to_string(i) + " ";
      if (!c.parsed) {
        text += "not X.509; sha256 " + sha;
      } else {
        text += "subject " + c.subject + "; issuer " + c.issuer + "; SAN";
        for (const auto& san : c.sans) text += " " + san;
        if (c.sans.empty()) text += " none";
        text += "; valid " + c.not_before + " to " + c.not_after + "; sha256 " + c.sha256;
      }
      add(flow, keys::client::tls_server_cert, text, {}, "Certificate");
      valid_from = std::max(valid_from, c.not_before_time.value_or(std::numeric_limits<std::time_t>::max()));
      valid_to = std::min(valid_to, c.not_after_time.value_or(0));
    }
    chain_key += "|" + std::to_string(sf.certificate_count) + "|" + host;
    if (!trust_) trust_ = std::make_unique<TrustStore>(opt_.ca_path);
    const auto at = static_cast<std::time_t>(flow.first_us / 1'000'000);
    const bool timeless = valid_from < at && at < valid_to;  // every certificate parsed and valid at `at`
    const std::pair<ChainVerdict, bool>* judged = nullptr;  // the verdict, and whether the leaf names the host
    if (const auto f = verdicts_.find(chain_key); timeless && f != verdicts_.end()) judged = &f->second;
    std::pair<ChainVerdict, bool> fresh;
    if (!judged) {
      fresh = {judge_chain(sf.certificates, sf.certificate_count, *trust_, at),
               certificate_names_host(sf.certificates[0], host)};
      judged = &fresh;
      if (timeless) {
        if (verdicts_.size() >= kMaxCached) verdicts_.clear();
        judged = &verdicts_.insert_or_assign(chain_key, fresh).first->second;
      }
    }
    const ChainVerdict& verdict = judged->first;
    const bool names_host = judged->second;
    if (!verdict.verified) {
      add(flow, keys::client::tls_cert_unjudged,
          subject + ": " + (verdict.parsed ? "no CA store to verify against (" + opt_.ca_path + ")" : "the leaf is not X.509"),
          {}, "Certificate");
      return;
    }
    std::string wrong;
    if (!*verdict.verified)
      wrong = "the chain does not verify (" + verdict.error_code + ": " + verdict.error_text + ")";
    if (!names_host)
      wrong += std::string(wrong.empty() ? "" : ", ") + "the certificate does not name " + host;
    const auto r = walk_tls_client_records(after_hello);
    const auto& up = flow.stats(Direction::to_server);
    const auto& down = flow.stats(Direction::to_client);
    const bool closed_first = up.close_us != 0 && (down.close_us == 0 || up.close_us <= down.close_us);
    std::string did;
    enum { accepted, refused, unknown } what = unknown;
    if (r.application_data_records > 0) {
      what = accepted;
      did = "then sent " + std::to_string(r.application_data_records) + " application data record(s), " +
            std::to_string(r.application_data_bytes) + " bytes";
    } else if (r.alert && !r.alert_encrypted) {
      // Before its ChangeCipherSpec: the device broke off the handshake on the server's flight.
      what = refused;
      did = std::string("then sent a ") + (r.alert_level == 2 ? "fatal" : "warning") + " alert " +
            (r.alert_description ? std::string(tls_alert_name(*r.alert_description)) : "(cut)") +
            " before its Finished";
    } else if (!r.change_cipher_spec && closed_first) {
      // No alert: a refusal, or a timeout or crash; the capture cannot tell, so never a pass.
      did = "then closed the connection before its Finished, without an alert (a refusal, a timeout or a crash)";
    } else if (r.change_cipher_spec) {
      // It finished the handshake and sent nothing: a name check after the handshake, or
      // nothing to say? The capture cannot tell; never a pass.
      did = std::string("the device finished the handshake and sent no application data") +
            (r.alert ? " (then an encrypted alert)" : closed_first ? " (then closed)" : "");
    } else {
      did = "the capture shows neither application data nor a close from the device";
    }
    // The store is the --ca-file the manifest lists with its SHA-256 (or the system store).
    char when[32] = {};
    struct tm tm {};
    if (::gmtime_r(&at, &tm)) std::strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    const std::string date = std::string("chain verified as of ") + when + " (the capture's time)";
    if (!wrong.empty() && what == accepted)
      add(flow, keys::client::tls_bad_cert_accepted, subject + ": " + wrong + "; " + did, {}, date);
    else if (!wrong.empty() && what == refused)
      add(flow, keys::client::tls_bad_cert_refused, subject + ": " + wrong + "; " + did, {}, date);
    else if (!wrong.empty())
      add(flow, keys::client::tls_cert_unjudged, subject + ": " + wrong + "; " + did, {}, date);
    else
      add(flow, keys::client::tls_cert_verified, subject + ": the chain verifies and names the host; " + did, {}, date);
  }

  // QUIC on any UDP port: a flow whose first datagram from the client holds a v1 / v2 Initial
  // (at least 1200 bytes: RFC 9000 section 14.1) is read datagram by datagram, both ways, until
  // the ClientHello and the ServerHello are whole (or kMaxQuicDatagrams). Every other UDP
  // datagram costs one hash lookup and, from the client, a look at five bytes. True: the
  // datagram was QUIC (no other dissector wants it).
  bool quic(const FlowInfo& flow, Direction dir, Bytes payload) {
    auto it = quic_.find(flow.id);
    if (it == quic_.end()) {
      if (dir != Direction::to_server || payload.size() < 1200 || !quic_initial_candidate(payload)) return false;
      if (quic_.size() >= kMaxQuicConnections || quic_seen_.count(flow.id)) return false;
      it = quic_.emplace(flow.id, QuicFlow{}).first;
      quic_seen_.insert(flow.id);
    }
    auto& q = it->second;
    const Parse r = quic_add_datagram(q.conn, payload, dir == Direction::to_server);
    ++q.datagrams;
    if (!q.conn.client_keys) {  // its first Initial did not open: not QUIC after all
      quic_.erase(it);
      return r != Parse::invalid;
    }
    const auto s = quic_handshake_record(q.conn.server_crypto.contiguous(), 0x0303);
    if (!s.empty() || q.datagrams >= kMaxQuicDatagrams) quic_finish(flow, it);
    return true;
  }

  void quic_end(const FlowInfo& flow) {
    quic_seen_.erase(flow.id);
    if (const auto it = quic_.find(flow.id); it != quic_.end()) quic_finish(flow, it);
  }

  void quic_finish(const FlowInfo& flow, std::unordered_map<std::uint64_t, QuicFlow>::iterator it) {
    const auto& conn = it->second.conn;
    const auto c = quic_handshake_record(conn.client_crypto.contiguous(), 0x0301);
    const auto s = quic_handshake_record(conn.server_crypto.contiguous(), 0x0303);
    if (!c.empty()) tls(flow, c, s, conn.version);
    quic_.erase(it);
  }

  void update_seen(const FlowInfo& flow, const std::string& host, const std::string& why) {
    add(flow, keys::client::update_host, host, {}, why);
    add(flow, keys::client::update_check_time, static_cast<std::int64_t>(flow.first_us / 1'000'000), {}, why);
  }

  // The response at the start of `s` to `r`. RFC 9112 section 6.3 items 1-2: the answer to HEAD
  // has no body, and a 2xx answer to CONNECT ends with its header block (the tunnel follows).
  static bool http_response_to(const HttpRequest& r, Bytes s, HttpResponseHead& h, std::size_t& used) {
    HttpParseOptions opts;
    opts.head_request = r.method == "HEAD";
    if (parse_http_response_head(s, h, used, opts) == Parse::done && used != 0 &&
        !(r.is_connect() && h.status >= 200 && h.status < 300))
      return true;
    if (!r.is_connect()) return false;
    opts.head_request = true;
    return parse_http_response_head(s, h, used, opts) == Parse::done && used != 0 && h.status >= 200 && h.status < 300;
  }

  // HTTP/1.x: the client's requests, each matched to the next response (pipelining keeps the
  // order). A request that ends the stream (HttpRequest::ends_stream) stops the reading, except a
  // CONNECT that the server refused (a response that is not 2xx): the client may go on with
  // another request. After a 2xx answer to CONNECT, or none seen, the rest is a tunnel
  // (RFC 9110 section 9.3.6) and is not read as HTTP. False: the stream is not HTTP/1.
  bool http(const FlowInfo& flow, Bytes c, Bytes s) {
    std::vector<HttpRequest> reqs;
    std::vector<HttpResponseHead> heads;
    std::size_t cpos = 0, spos = 0;
    bool server_done = false;
    std::optional<std::string> tunnel;  // what became of the bytes after a CONNECT that opened one
    std::optional<std::string> switched;  // the same after an Upgrade answered 101
    while (reqs.size() < kHttpReqMaxPipelined && cpos < c.size()) {
      std::vector<HttpRequest> more;
      std::size_t used = 0;
      const Parse p = parse_http_requests(c.subspan(cpos), more, used);
      if (more.empty() || (reqs.empty() && p == Parse::invalid)) break;
      cpos += used;
      for (auto& r : more) {
        HttpResponseHead h;
        std::size_t hused = 0;
        if (!server_done && spos < s.size() && http_response_to(r, s.subspan(spos), h, hused)) {
          spos += hused;
          heads.push_back(std::move(h));
        } else {
          server_done = true;  // later responses cannot be matched to their requests
        }
        reqs.push_back(std::move(r));
        if (reqs.size() == kHttpReqMaxPipelined) break;
      }
      const HttpRequest& last = reqs.back();
      const bool answered = heads.size() == reqs.size();
      if (last.upgrade && !last.is_connect() && !last.framing_unknown && !last.te_and_length && last.version_major == 1) {
        // RFC 9110 section 7.8: a 101 switches the connection; any other answer keeps HTTP/1.
        if (answered && heads.back().status != 101) continue;
        switched = (answered ? std::string("status 101") : std::string("no answer seen")) + ": the " +
                   std::to_string(c.size() - std::min(cpos, c.size())) + " client bytes after it are " + *last.upgrade +
                   "'s, not read as HTTP";
        break;
      }
      if (!last.is_connect() || last.framing_unknown || last.te_and_length) break;
      if (!answered || (heads.back().status >= 200 && heads.back().status < 300)) {
        tunnel = (answered ? "status " + std::to_string(heads.back().status) : std::string("no answer seen")) +
                 ": the " + std::to_string(c.size() - std::min(cpos, c.size())) +
                 " client bytes after it are the tunnel's, not read as HTTP";
        break;
      }
    }
    if (reqs.empty()) return false;
    std::vector<const HttpResponseHead*> matched(reqs.size(), nullptr);
    for (std::size_t i = 0; i < heads.size(); ++i) matched[i] = &heads[i];
    http_requests(flow, reqs, matched, "HTTP");
    if (tunnel)
      add(flow, keys::client::http_tunnel, reqs.back().target + " via " + endpoint_text(flow.server, flow.server_port),
          reqs.back().raw_head, *tunnel);
    if (switched) {
      add(flow, keys::client::http_upgrade, *reqs.back().upgrade + " at " + reqs.back().url() + " on " +
          endpoint_text(flow.server, flow.server_port), reqs.back().raw_head, *switched);
      if (iequals(*reqs.back().upgrade, "websocket") && cpos < c.size()) websocket(flow, c.subspan(cpos));
    }
    return true;
  }

  // HTTP/2 in cleartext (probes/http/http2.hpp): its streams' requests and responses go where
  // HTTP/1's do. A connection past a bound (streams, header bytes, frame size) or breaking the
  // framing rules is dropped and counted (ReplayStats::http2_dropped). False: not h2c.
  bool http2(const FlowInfo& flow, Bytes c, Bytes s) {
    Http2Session h2;
    if (parse_h2c_session(c, s, h2) != Parse::done) return false;
    if (!h2.dropped.empty()) {
      ++http2_dropped_;
      return true;
    }
    std::vector<HttpRequest> reqs;
    std::vector<const HttpResponseHead*> heads;
    for (const auto& st : h2.streams) {
      if (!st.has_request) continue;
      reqs.push_back(st.request);
      heads.push_back(st.has_response ? &st.response : nullptr);
    }
    http_requests(flow, reqs, heads, h2.upgrade ? "HTTP/2 (h2c after Upgrade)" : "HTTP/2 (h2c)");
    return true;
  }

  // The requests of one connection with their responses (nullptr: none seen); `proto` names
  // the protocol in the evidence.
  void http_requests(const FlowInfo& flow, const std::vector<HttpRequest>& reqs,
                     const std::vector<const HttpResponseHead*>& heads, const std::string& proto) {
    for (std::size_t i = 0; i < reqs.size(); ++i) {
      const auto& r = reqs[i];
      // CONNECT names its host in the target (authority-form, RFC 9112 section 3.2.3).
      const std::string host = req_header(r, "host")                  ? *req_header(r, "host")
                               : r.is_connect() && !r.target.empty() ? r.target
                                                                      : flow.server.to_string();
      // Origin-form targets get the host; absolute-form, authority-form and "*" are kept as sent.
      const std::string url = r.target.starts_with("/")                 ? "http://" + host + r.target
                              : r.target.empty() && r.is_connect()      ? host
                                                                        : r.target;
      const std::string excerpt = r.raw_head;
      const std::string detail = proto == "HTTP" ? (r.version_major == 0 ? "HTTP/0.9" : "") : proto;
      add(flow, keys::client::http_host, host, {}, r.method + " " + r.target + (proto == "HTTP" ? "" : " over " + proto));
      add(flow, keys::client::http_request, r.method + " " + url, excerpt, detail);
      for (const auto& a : r.anomalies) add(flow, keys::client::http_anomaly, r.method + " " + url + ": " + a, excerpt, proto);
      if (const auto* ua = req_header(r, "user-agent")) add(flow, keys::http::user_agent, *ua, {}, proto + " request");
      // DNS over HTTP in the clear (RFC 8484's wire format without its TLS): the names asked.
      if (const auto msg = doh_query_message(r)) {
        DnsMessage m;
        if (parse_dns_message(as_bytes(*msg), m) == Parse::done && !m.qr)
          for (const auto& q : m.questions)
            add(flow, keys::client::dns_query, q.name, printable_excerpt(as_bytes(*msg), 128),
                "DNS over " + proto + " (" + r.method + " " + url + ")");
      }
      if (r.basic_user)
        add(flow, keys::client::credentials_cleartext,
            "HTTP Basic user " + *r.basic_user + " to " + endpoint_text(flow.server, flow.server_port),
            excerpt, "Authorization: Basic", &*r.basic_user, r.basic_password ? &*r.basic_password : nullptr);
      if (r.proxy_basic_user)
        add(flow, keys::client::credentials_cleartext,
            "HTTP proxy Basic user " + *r.proxy_basic_user + " to " + endpoint_text(flow.server, flow.server_port),
            excerpt, "Proxy-Authorization: Basic", &*r.proxy_basic_user,
            r.proxy_basic_password ? &*r.proxy_basic_password : nullptr);
      if (const auto secret = secret_in(r); !secret.empty())
        add(flow, keys::client::sensitive_cleartext, secret + " sent over plain HTTP to " + host, excerpt);
      const HttpResponseHead* h = i < heads.size() ? heads[i] : nullptr;
      const std::string no_type, no_body;
      const auto cls = classify_download(r.target, h && h->content_type ? *h->content_type : no_type,
                                         h ? h->first_bytes : no_body);
      const bool ok = h && h->status >= 200 && h->status < 300;
      if (cls.kind != DownloadKind::other) {
        add(flow, keys::client::download, url, h ? printable_excerpt(as_bytes(h->first_bytes), 64) : "",
            std::string(to_string(cls.kind)) + ": " + cls.reason + (h ? ", status " + std::to_string(h->status) : ", no response seen"));
        update_seen(flow, host, std::string(to_string(cls.kind)) + " over HTTP");
        add(flow, keys::client::update_cleartext,
            url + " (" + std::string(to_string(cls.kind)) + (ok ? "" : ", not served") + ")", excerpt,
            cls.reason);
      } else if (update_like_host(host)) {
        update_seen(flow, host, "HTTP to an update host");
      }
    }
  }

  // A TCP flow from port 20 to a device: an FTP server opening an active-mode data connection
  // (PORT/EPRT) to the device, whose control connection the device opened.
  bool ftp_active_data(const FlowInfo& flow) {
    if (flow.ip_proto != ipproto::tcp || flow.client_port != 20 || !can_be_device(flow.server)) return false;
    if (only_addresses_.empty() && only_macs_.empty()) return devices_.count(flow.server) > 0;
    return named_device(flow.server, flow.has_server_mac, flow.server_mac);
  }

  void remember_one_way(const FlowInfo& flow, const std::string& data) {
    if (one_way_.size() >= kMaxOneWayFlows) one_way_.pop_front();
    one_way_.push_back(OneWayFlow{flow.client, flow.server, flow.client_port, flow.server_port,
                                  data.substr(0, kFirstBytes)});
  }

  // The first bytes of the data connection a transfer announced, when the capture showed it
  // before its control connection ended: between the same two hosts, with the announced port on
  // the server's side (PASV/EPSV) or the device's (PORT/EPRT).
  const std::string* data_bytes(const FlowInfo& control, const FtpTransfer& t) const {
    if (t.data_port == 0) return nullptr;
    const Address& at = t.passive ? control.server : control.client;
    for (auto it = one_way_.rbegin(); it != one_way_.rend(); ++it) {
      const bool same_hosts = (it->a == control.client && it->b == control.server) ||
                              (it->a == control.server && it->b == control.client);
      if (same_hosts && ((it->a == at && it->a_port == t.data_port) || (it->b == at && it->b_port == t.data_port)))
        return &it->first;
    }
    return nullptr;
  }

  // A file fetched in cleartext (FTP RETR, TFTP RRQ), classified as HTTP downloads are: by its
  // first bytes when the transfer was seen, else by its name.
  void cleartext_fetch(const FlowInfo& flow, const std::string& url, const std::string& name,
                       const std::string* first, const std::string& proto, const std::string& excerpt) {
    const auto cls = classify_download(name, "", first ? *first : std::string());
    if (cls.kind == DownloadKind::other) return;
    const std::string kind(to_string(cls.kind));
    const std::string how = first ? "" : " (" + proto + " data not seen: judged by its name)";
    add(flow, keys::client::download, url, first ? printable_excerpt(as_bytes(*first), 64) : "",
        kind + ": " + cls.reason + how);
    update_seen(flow, flow.server.to_string(), kind + " over " + proto);
    add(flow, keys::client::update_cleartext, url + " (" + kind + " over " + proto + ")", excerpt, cls.reason + how);
  }

  void ftp_transfers(const FlowInfo& flow, Bytes c, Bytes s) {
    std::vector<FtpTransfer> transfers;
    if (parse_ftp_transfers(c, s, transfers) != Parse::done) return;
    const std::string host = host_text(flow.server);
    for (const auto& t : transfers) {
      if (t.verb == "LIST" || t.verb == "NLST" || t.verb == "MLSD") continue;
      const std::string url = "ftp://" + host + (t.path.starts_with("/") ? "" : "/") + t.path;
      const std::string reply = t.reply ? std::to_string(t.reply) : "no reply seen";
      const std::string* first = data_bytes(flow, t);
      add(flow, keys::client::file_transfer, "ftp " + t.verb + " " + url + " (" + reply + ")", {},
          std::string(t.passive ? "passive" : "active") + " data connection" +
              (t.data_port ? " on port " + std::to_string(t.data_port) : ", port not announced") +
              (first ? ", seen" : ", not seen"));
      if (t.verb == "RETR" && (t.reply == 0 || (t.reply >= 200 && t.reply < 300)))
        cleartext_fetch(flow, url, t.path, first, "FTP", "RETR " + t.path);
    }
  }

  // A TFTP request from the device to port 69 (RFC 1350): no authentication, no encryption.
  void tftp(const FlowInfo& flow, Bytes payload) {
    TftpRequest r;
    if (parse_tftp_request(payload, r) != Parse::done) return;
    const std::string host = host_text(flow.server);
    const std::string url = "tftp://" + host + (r.filename.starts_with("/") ? "" : "/") + r.filename;
    add(flow, keys::client::file_transfer, std::string("tftp ") + (r.write ? "WRQ " : "RRQ ") + url,
        printable_excerpt(payload, 128), "mode " + r.mode);
    if (!r.write) cleartext_fetch(flow, url, r.filename, nullptr, "TFTP", printable_excerpt(payload, 128));
  }

  void logins(const FlowInfo& flow, const char* proto, Bytes c, Bytes s) {
    if (std::string_view(proto) == "ftp") ftp_transfers(flow, c, s);
    CleartextLogins l;
    const Parse p = std::string_view(proto) == "ftp" ? parse_ftp_logins(c, s, l) : parse_telnet_logins(c, s, l);
    if (p != Parse::done) {
      add(flow, keys::client::cleartext_protocol, std::string(proto) + " to " + endpoint_text(flow.server, flow.server_port), {});
      return;
    }
    for (const auto& a : l.attempts) {
      const std::string verdict = a.accepted ? (*a.accepted ? ", accepted" : ", refused") : "";
      // The server side is a device too: it offers a login that travels in cleartext.
      server_login(flow, std::string(proto) + " login user " + a.username + " from " +
                             endpoint_text(flow.client, flow.client_port) + verdict,
                   a.username, a.password);
      // Anonymous FTP (RFC 1635: user "anonymous" or "ftp", any password, by custom an e-mail
      // address) carries no secret: the protocol is in cleartext, no credential is.
      if (std::string_view(proto) == "ftp" && (ascii_lower(a.username) == "anonymous" || ascii_lower(a.username) == "ftp")) {
        add(flow, keys::client::cleartext_protocol,
            "ftp to " + endpoint_text(flow.server, flow.server_port) + " (anonymous login" + verdict + ")", {}, a.detail);
        continue;
      }
      add(flow, keys::client::credentials_cleartext,
          std::string(proto == std::string("ftp") ? "FTP" : "Telnet") + " login user " + a.username + " to " +
              endpoint_text(flow.server, flow.server_port) + verdict,
          printable_excerpt(c, 256), a.detail, &a.username, a.password ? &*a.password : nullptr);
    }
  }

  void server_login(const FlowInfo& flow, const std::string& what, const std::string& user,
                    const std::optional<std::string>& password) {
    Observation o;
    o.key = keys::server::credentials_cleartext;
    o.value = what;
    o.evidence.detail = what;
    o.evidence.username = user;
    if (password) o.evidence.password = *password;
    server_fact(flow, std::move(o));
  }

  // A fact about the server side of `flow`, when that server is a device analysed as a server.
  void server_fact(const FlowInfo& flow, Observation o) {
    if (!wanted_server(flow)) return;
    auto& d = devices_[flow.server];
    d.address = flow.server;
    if (flow.has_server_mac) d.mac = flow.server_mac;
    o.endpoint = Endpoint{flow.server, Transport::tcp, flow.server_port};
    o.evidence.kind = "capture";
    o.evidence.source = opt_.source;
    o.evidence.detail = flow_text(flow) + (o.evidence.detail.empty() ? "" : " " + o.evidence.detail);
    push(d, std::move(o));
  }

  // SSH: both identification lines and KEXINITs; HASSH of the client, HASSHServer of the server.
  void ssh(const FlowInfo& flow, Bytes c, Bytes s) {
    SshSession session;
    if (parse_ssh_session(c, s, session) != Parse::done) return;
    add(flow, keys::client::ssh_ident, session.client.line, session.client.line, "SSH client identification");
    if (!session.client.software.empty())
      add(flow, keys::client::ssh_software, session.client.software, {}, "SSH client identification");
    if (session.client_kexinit)
      if (const auto h = hassh_client(*session.client_kexinit)) {
        add(flow, keys::client::ssh_hassh, h->md5, {}, "HASSH of the client's KEXINIT");
        add(flow, keys::client::ssh_hassh_algorithms, h->algorithms, {}, "HASSH algorithms");
      }
    if (!session.server) return;
    const std::string where = endpoint_text(flow.server, flow.server_port);
    add(flow, keys::client::ssh_server, session.server->line + " at " + where, session.server->line,
        "SSH server identification");
    std::optional<Hassh> server_hassh;
    if (session.server_kexinit) server_hassh = hassh_server(*session.server_kexinit);
    if (server_hassh) add(flow, keys::client::ssh_hassh_server, server_hassh->md5, {}, "HASSHServer of " + where);
    // The server is a device too: what its SSH server told the client (the active probe's keys).
    if (!wanted_server(flow)) return;
    SshResult result{*session.server, session.server_kexinit};
    for (auto& o : ssh_observations(result, Endpoint{flow.server, Transport::tcp, flow.server_port})) {
      server_fact(flow, std::move(o));
    }
    if (server_hassh) {
      Observation o;
      o.key = keys::server::ssh_hassh;
      o.value = server_hassh->md5;
      o.evidence.detail = "HASSHServer of its KEXINIT";
      server_fact(flow, o);
      o.key = keys::server::ssh_hassh_algorithms;
      o.value = server_hassh->algorithms;
      o.evidence.detail = "HASSHServer algorithms";
      server_fact(flow, std::move(o));
    }
  }

  void mqtt(const FlowInfo& flow, const MqttConnect& m, Bytes c, const std::string& over = {}) {
    const std::string where = endpoint_text(flow.server, flow.server_port) + over;
    if (m.password || m.username) {
      const std::string user = m.username.value_or("");
      add(flow, keys::client::credentials_cleartext, "MQTT CONNECT user " + user + " to " + where, printable_excerpt(c, 256),
          "client id " + m.client_id, &user, m.password ? &*m.password : nullptr);
    } else {
      add(flow, keys::client::cleartext_protocol, "mqtt to " + where, printable_excerpt(c, 128), "client id " + m.client_id);
    }
  }

  // The device's side of a WebSocket (RFC 6455): MQTT over WebSocket (MQTT 3.1.1 section 6, the
  // "mqtt" subprotocol) sends its CONNECT as the first binary message, with the credentials in
  // the clear on a ws:// connection. Other payloads are not read.
  void websocket(const FlowInfo& flow, Bytes c) {
    const auto messages = ws_messages(c);
    if (messages.empty() || messages.front().text) return;
    const Bytes first = as_bytes(messages.front().data);
    MqttConnect m;
    std::size_t used = 0;
    if (first.empty() || first[0] != 0x10 || parse_mqtt_connect(first, m, used) != Parse::done) return;
    mqtt(flow, m, first, " over WebSocket");
  }

  // MQTT on 1883 joined after its CONNECT (the capture started mid-connection, or lost the
  // CONNECT): no credentials to see, but the device speaks MQTT in cleartext if the stream is a
  // run of whole MQTT packets from where it was joined (at most 64 read; PUBLISH topics named).
  void mqtt_joined(const FlowInfo& flow, Bytes c) {
    std::size_t pos = 0, packets = 0;
    std::vector<std::string> topics;
    while (pos < c.size() && packets < 64) {
      MqttPacket p;
      std::size_t used = 0;
      if (parse_mqtt_packet(c.subspan(pos), p, used) != Parse::done || p.type == MqttPacketType::connect) break;
      MqttPublish pub;
      std::size_t pub_used = 0;
      if (p.type == MqttPacketType::publish && topics.size() < 4 &&
          parse_mqtt_publish(c.subspan(pos), pub, pub_used) == Parse::done &&
          std::find(topics.begin(), topics.end(), pub.topic) == topics.end())
        topics.push_back(pub.topic);
      ++packets;
      pos += used;
    }
    if (packets == 0) return;
    std::string detail = "joined after CONNECT: " + std::to_string(packets) + " MQTT packet(s)";
    for (const auto& t : topics) detail += (&t == &topics.front() ? ", PUBLISH " : ", ") + t;
    add(flow, keys::client::cleartext_protocol, "mqtt to " + endpoint_text(flow.server, flow.server_port),
        printable_excerpt(c.first(pos), 128), detail);
  }

  const ReplayOptions& opt_;
  const std::set<Address>& only_addresses_;
  const std::set<Mac>& only_macs_;  // compared as bytes: no formatting on the per-chunk path
  std::unordered_map<std::uint64_t, FlowBuffers> buffers_;
  std::unordered_map<std::uint64_t, QuicFlow> quic_;
  std::unordered_set<std::uint64_t> quic_seen_;  // flows read as QUIC once: not again until they end
  std::size_t buffered_ = 0;
  std::uint64_t unbuffered_flows_ = 0;
  std::deque<OneWayFlow> one_way_;  // FTP data connections, maybe (kMaxOneWayFlows)
  std::uint64_t http2_dropped_ = 0;
  std::map<Address, Device> devices_;
  std::map<std::string, std::vector<Observation>> dhcp_by_mac_;
  std::map<std::string, Address> dhcp_address_;
  std::set<Address> untracked_;
  OuiTable oui_;
  std::unique_ptr<TrustStore> trust_;  // loaded at the first certificate a device is shown
  static constexpr std::size_t kMaxCached = 4096;  // entries of each cache below; full: emptied
  std::unordered_map<std::string, CertificateSummary> summaries_;  // by the DER's SHA-256
  std::unordered_map<std::string, std::pair<ChainVerdict, bool>> verdicts_;  // chain + host → verdict, names host
};

struct PcapCloser {
  void operator()(pcap_t* p) const { pcap_close(p); }
};

// A capture's bytes, read once from the start (a FIFO or a pipe cannot be rewound): straight
// from the descriptor, or inflated on the way when the file is gzip (RFC 1952: `tcpdump -w - |
// gzip`, rotated captures, published datasets; several members in a row are read one after the
// other, as gzip -d does). Bytes pushed back (`unread`) come first. Memory is bounded: one input
// chunk; what is inflated goes straight into the caller's buffer.
class CaptureStream {
 public:
  explicit CaptureStream(int fd) : fd_(fd) {}
  CaptureStream(const CaptureStream&) = delete;
  CaptureStream& operator=(const CaptureStream&) = delete;
  ~CaptureStream() {
    if (gzip_) inflateEnd(&z_);
    if (fd_ >= 0) ::close(fd_);
  }

  /// Inflates what follows (the bytes pushed back included) from here on.
  bool start_gzip() {
    in_ = std::move(pending_);
    pending_.clear();
    pos_ = 0;
    z_ = z_stream{};
    if (inflateInit2(&z_, 15 + 16) != Z_OK) return false;  // 15 + 16: a gzip header and trailer
    z_.next_in = in_.data();
    z_.avail_in = static_cast<uInt>(in_.size());
    gzip_ = true;
    return true;
  }

  /// Bytes already read, handed back before anything else.
  void unread(std::vector<std::uint8_t> bytes) {
    pending_ = std::move(bytes);
    pos_ = 0;
  }

  /// Like read(2): bytes read, 0 at the end, -1 with errno (EINTR passes through; EIO when the
  /// gzip data is corrupt: `error()` says why).
  ssize_t read(void* out, std::size_t size) {
    auto* buf = static_cast<unsigned char*>(out);
    if (pos_ < pending_.size()) {
      const std::size_t k = std::min(size, pending_.size() - pos_);
      std::memcpy(buf, pending_.data() + pos_, k);
      pos_ += k;
      return static_cast<ssize_t>(k);
    }
    if (!gzip_) return ::read(fd_, buf, size);
    if (failed_) {
      errno = EIO;
      return -1;
    }
    const auto room = static_cast<uInt>(std::min<std::size_t>(size, 1u << 30));
    z_.next_out = buf;
    z_.avail_out = room;
    while (z_.avail_out == room) {  // until something is inflated (or the end, or an error)
      if (z_.avail_in == 0 && !input_eof_) {
        in_.resize(kInChunk);
        const auto n = ::read(fd_, in_.data(), in_.size());
        if (n < 0) return -1;  // errno from read(2), EINTR included
        in_.resize(static_cast<std::size_t>(n));
        input_eof_ = n == 0;
        z_.next_in = in_.data();
        z_.avail_in = static_cast<uInt>(in_.size());
      }
      if (z_.avail_in == 0 && input_eof_) {
        if (!member_ended_) error_ = "the gzip data ends before its last member does";
        return 0;
      }
      const int r = inflate(&z_, Z_NO_FLUSH);
      if (r == Z_STREAM_END) {
        member_ended_ = true;
        inflateReset(&z_);  // another member may follow (concatenated gzip files)
      } else if (r == Z_OK || (r == Z_BUF_ERROR && z_.avail_in == 0)) {
        if (z_.next_out != buf) member_ended_ = false;
      } else if (member_ended_ && z_.next_out == buf) {
        return 0;  // bytes after a complete member that are no gzip member: ignored, as gzip -d does
      } else {
        // What was inflated before the damage is handed out first; the next read fails.
        error_ = std::string("not valid gzip data (zlib: ") + (z_.msg ? z_.msg : "error") + ")";
        failed_ = true;
        if (z_.next_out != buf) break;
        errno = EIO;
        return -1;
      }
    }
    return static_cast<ssize_t>(z_.next_out - buf);
  }

  bool gzip() const { return gzip_; }
  const std::string& error() const { return error_; }

 private:
  static constexpr std::size_t kInChunk = 256 * 1024;
  int fd_ = -1;
  std::vector<std::uint8_t> pending_;
  std::size_t pos_ = 0;
  bool gzip_ = false;
  z_stream z_{};
  std::vector<std::uint8_t> in_;
  bool input_eof_ = false;
  bool member_ended_ = false;
  bool failed_ = false;
  std::string error_;
};

// One capture file: its first four bytes (after gzip's inflation when the file is gzip) tell
// pcapng (read by PcapngReader from the stream) from classic pcap (read by libpcap through a
// FILE* over the same stream, those four bytes handed back first).
struct Capture {
  std::unique_ptr<pcap_t, PcapCloser> pcap;  // classic pcap (owns the stream through its FILE*)
  std::unique_ptr<CaptureStream> stream;      // pcapng
  const CaptureStream* source = nullptr;      // the bytes either reader reads (for their errors)
  std::string name;
};

ssize_t stream_read(void* cookie, char* buf, std::size_t size) { return static_cast<CaptureStream*>(cookie)->read(buf, size); }

int stream_close(void* cookie) {
  delete static_cast<CaptureStream*>(cookie);
  return 0;
}

// The first `n` bytes of `s` (fewer at its end), read through it.
std::vector<std::uint8_t> stream_head(CaptureStream& s, std::size_t n) {
  std::vector<std::uint8_t> head(n);
  std::size_t got = 0;
  while (got < head.size()) {
    const auto k = s.read(head.data() + got, head.size() - got);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) break;
    got += static_cast<std::size_t>(k);
  }
  head.resize(got);
  return head;
}

Capture open_capture(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw InputError(path + ": cannot read (" + std::strerror(errno) + ")");
  auto stream = std::make_unique<CaptureStream>(fd);
  auto head = stream_head(*stream, 4);
  if (head.size() >= 2 && head[0] == 0x1f && head[1] == 0x8b) {  // gzip (RFC 1952 section 2.3.1)
    stream->unread(std::move(head));
    if (!stream->start_gzip()) throw InputError(path + ": cannot inflate (zlib)");
    head = stream_head(*stream, 4);
    if (head.size() < 4 && !stream->error().empty()) throw InputError(path + ": " + stream->error());
  }
  const bool pcapng = head.size() == 4 && head[0] == 0x0A && head[1] == 0x0D && head[2] == 0x0D && head[3] == 0x0A;
  stream->unread(std::move(head));
  Capture c;
  c.name = path;
  c.source = stream.get();
  if (pcapng) {
    c.stream = std::move(stream);
    return c;
  }
  const bool gz = stream->gzip();
  auto* cookie = stream.release();
  FILE* f = ::fopencookie(cookie, "r", cookie_io_functions_t{stream_read, nullptr, nullptr, stream_close});
  if (f == nullptr) {
    stream_close(cookie);
    throw InputError(path + ": cannot read");
  }
  char err[PCAP_ERRBUF_SIZE] = {};
  pcap_t* p = pcap_fopen_offline_with_tstamp_precision(f, PCAP_TSTAMP_PRECISION_MICRO, err);
  if (!p) {
    const std::string inflate_error = c.source->error();  // before fclose frees the stream
    std::fclose(f);
    if (!inflate_error.empty()) throw InputError(path + ": " + inflate_error);
    std::string e = err;
    std::replace(e.begin(), e.end(), '\n', ' ');
    throw InputError(path + ": not a capture trustscan can read (pcap or pcapng" + (gz ? ", gzip-compressed" : "") +
                     "): " + e);
  }
  c.pcap.reset(p);
  return c;
}

// Reads a pcapng capture block by block through a bounded buffer (at most one block plus one
// chunk), handing every packet to `frame(link, bytes, ts_us)` until it returns false. Returns why
// the file ended early ("" when it was read to its end). A read(2) returns what has arrived, so a
// pipe's packets are analysed as they come.
template <class Frame>
std::string read_pcapng(Capture& c, Frame&& frame) {
  constexpr std::size_t kChunk = 1 << 20;
  PcapngReader reader;
  std::vector<std::uint8_t> buf;
  std::size_t pos = 0;
  std::uint64_t offset = 0;  // of buf[pos] in the file
  bool eof = false;
  for (;;) {
    PcapngPacket packet;
    bool has_packet = false;
    std::size_t used = 0;
    const Parse r = reader.next(Bytes(buf).subspan(pos), packet, has_packet, used);
    if (r == Parse::invalid) return "not a valid pcapng block at byte " + std::to_string(offset);
    if (r == Parse::done) {
      if (has_packet && !frame(packet.link_type, packet.data, packet.ts_us)) return {};
      pos += used;
      offset += used;
      continue;
    }
    if (eof) return pos == buf.size() ? std::string() : "the last block is cut short at byte " + std::to_string(offset);
    buf.erase(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(pos));
    pos = 0;
    const auto had = buf.size();
    buf.resize(had + kChunk);
    const auto n = c.stream->read(buf.data() + had, kChunk);
    if (n < 0 && errno == EINTR) {
      buf.resize(had);
      if (!frame.still_running()) return {};
      continue;
    }
    if (!c.stream->error().empty()) return c.stream->error() + " (after byte " + std::to_string(offset + had) + " of the capture)";
    buf.resize(had + static_cast<std::size_t>(std::max<ssize_t>(n, 0)));
    eof = n <= 0;
  }
}
}  // namespace

std::vector<DeviceReport> replay_captures(const std::vector<std::string>& files, const ReplayOptions& options,
                                          ReplayStats& stats) {
  std::set<Address> only_addresses;
  std::set<Mac> only_macs;
  for (const auto& d : options.devices) {
    if (const auto a = Address::parse(d)) only_addresses.insert(*a);
    else if (const auto m = parse_mac(d)) only_macs.insert(*m);
    else throw InputError("--device '" + d + "' is neither an IP address nor a MAC address");
  }
  // Every file is opened (and so checked) before any is analysed: a typo fails fast. pcapng is
  // read by our own block reader (probes/wire/pcapng.hpp: every interface keeps its own link
  // type and snapshot length), classic pcap by libpcap.
  std::vector<Capture> captures;
  for (const auto& f : files) captures.push_back(open_capture(f));

  Analyzer analyzer(options, only_addresses, only_macs);
  FlowConfig cfg;
  cfg.max_flows = options.max_flows;
  cfg.stream_cap = options.stream_bytes;
  cfg.ooo_cap = 64 * 1024;
  cfg.ooo_pool_bytes = options.ooo_pool_bytes;
  FlowTable table(cfg, analyzer);
  DecodedPacket pkt;
  // One frame of any file: false when the run was interrupted.
  struct Frame {
    const ReplayOptions& options;
    ReplayStats& stats;
    DecodedPacket& pkt;
    FlowTable& table;
    bool still_running() const { return !(options.stop && *options.stop); }
    bool operator()(std::uint32_t link, Bytes data, std::uint64_t ts_us) {
      if (!still_running()) {
        stats.interrupted = true;
        return false;
      }
      ++stats.packets;
      stats.bytes += data.size();
      if (decode_packet(link, data, pkt) != Parse::done) ++stats.undecodable;
      else table.add(pkt, ts_us);
      return true;
    }
  } frame{options, stats, pkt, table};
  for (std::size_t i = 0; i < captures.size(); ++i) {
    pcap_t* p = captures[i].pcap.get();
    if (p == nullptr) {
      if (auto why = read_pcapng(captures[i], frame); !why.empty() && !stats.interrupted) {
        stats.truncated = true;
        stats.warning = files[i] + ": capture cut short after " + std::to_string(stats.packets) + " packets (" + why +
                        "); the analysis covers what was read";
      }
      if (options.stop && *options.stop) stats.interrupted = true;
      if (stats.interrupted) break;
      continue;
    }
    const auto link = static_cast<std::uint32_t>(pcap_datalink(p));
    pcap_pkthdr* hdr = nullptr;
    const u_char* data = nullptr;
    int rc = 0;
    while ((rc = pcap_next_ex(p, &hdr, &data)) == 1) {
      const auto ts = static_cast<std::uint64_t>(hdr->ts.tv_sec) * 1'000'000u + static_cast<std::uint64_t>(hdr->ts.tv_usec);
      if (!frame(link, Bytes(data, hdr->caplen), ts)) break;
    }
    if (options.stop && *options.stop) stats.interrupted = true;  // also a read the signal cut short
    if (stats.interrupted) break;
    const std::string& source_error = captures[i].source->error();  // gzip data corrupt or cut short
    if (rc == PCAP_ERROR || !source_error.empty()) {
      stats.truncated = true;
      std::string e = source_error.empty() ? std::string(pcap_geterr(p)) : source_error;
      std::replace(e.begin(), e.end(), '\n', ' ');
      stats.warning = files[i] + ": capture cut short after " + std::to_string(stats.packets) + " packets (" + e +
                      "); the analysis covers what was read";
    }
  }
  table.finish();
  stats.flows = table.stats().flows;
  auto devices = analyzer.take_devices();
  stats.untracked_devices = analyzer.untracked_devices();
  stats.http2_dropped = analyzer.http2_dropped();
  return devices;
}

}  // namespace trustscan
