// trustscan — the protocol probes, by service name: the one list (STYLE.md rule 11).
//
// Each probe is a thin coroutine over the pure parsers in probes/: it talks to the endpoint
// through a TcpSession or udp_exchange (deadline and byte cap owned by the session) and turns
// what the parsers return into observations. Add a probe: write it here and list it below.
#include "credentials.hpp"
#include "probe_util.hpp"
#include "service_table.hpp"
#include "tls_analyzer.hpp"

#include "coap.hpp"
#include "dns.hpp"
#include "ftp.hpp"
#include "http.hpp"
#include "ntp.hpp"
#include "snmp.hpp"
#include "ssdp.hpp"
#include "mqtt.hpp"
#include "rtsp.hpp"
#include "ssh.hpp"
#include "telnet.hpp"

#include "trustscan/profile.hpp"

#include <yaml-cpp/yaml.h>

#include <charconv>
#include <random>

namespace trustscan {

namespace {

using namespace std::chrono_literals;

// ---- SSH: identification line, then the server's KEXINIT (RFC 4253 §4.2, §7.1) ----------------
net::awaitable<void> probe_ssh(ProbeContext& ctx, std::vector<Observation>& out) {
  auto s = co_await open(ctx, out, "ssh");
  if (!s) co_return;
  std::vector<std::uint8_t> buf;
  SshResult result;
  std::size_t consumed = 0;
  auto [state, st] = co_await receive_until(*s, buf, [&](Bytes b) { return parse_ssh_ident(b, result.ident, consumed); });
  if (state != Parse::done) {
    record_status(ctx, out, "ssh", state == Parse::invalid ? Status::protocol_error : st, "no valid SSH identification line");
    co_return;
  }
  // Our identification makes the server send its KEXINIT (it may already have).
  (void)co_await s->send(build_ssh_ident());
  std::vector<std::uint8_t> rest(buf.begin() + static_cast<std::ptrdiff_t>(consumed), buf.end());
  SshKexInit kex;
  std::size_t used = 0;
  auto [kstate, kst] = co_await receive_until(*s, rest, [&](Bytes b) { return parse_ssh_kexinit(b, kex, used); });
  if (kstate == Parse::done) result.kexinit = std::move(kex);
  else record_status(ctx, out, "ssh", kstate == Parse::invalid ? Status::protocol_error : kst, "no KEXINIT after the identification");
  for (auto& o : ssh_observations(result, ctx.endpoint)) out.push_back(std::move(o));
  s.reset();
  co_await try_ssh_credentials(ctx, out);
}

// ---- FTP: greeting, then an anonymous login attempt (RFC 959 §4, RFC 1635) --------------------
net::awaitable<void> probe_ftp_plain(ProbeContext& ctx, std::vector<Observation>& out) {
  auto s = co_await open(ctx, out, "ftp");
  if (!s) co_return;
  std::vector<std::uint8_t> buf;
  FtpReply greeting;
  std::size_t consumed = 0;
  auto [state, st] = co_await receive_until(*s, buf, [&](Bytes b) { return parse_ftp_reply(b, greeting, consumed); });
  if (state != Parse::done) {
    record_status(ctx, out, "ftp", state == Parse::invalid ? Status::protocol_error : st, "no valid FTP greeting");
    co_return;
  }
  for (auto& o : ftp_observations(greeting, ctx.endpoint)) out.push_back(std::move(o));
  if (greeting.code != 220) co_return;

  // One command, one reply: anything buffered past a reply belongs to the next one.
  auto command = [&](std::string_view verb, std::string_view arg) -> net::awaitable<std::optional<FtpReply>> {
    buf.erase(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(std::min(consumed, buf.size())));
    consumed = 0;
    if ((co_await s->send(build_ftp_command(verb, arg))).status != Status::success) co_return std::nullopt;
    FtpReply reply;
    auto [rs, rst] = co_await receive_until(*s, buf, [&](Bytes b) { return parse_ftp_reply(b, reply, consumed); });
    if (rs != Parse::done) co_return std::nullopt;
    co_return reply;
  };
  auto user = co_await command("USER", "anonymous");
  if (!user) co_return;
  bool accepted = user->code == 230;  // some servers log anonymous in without a password
  std::string transcript = "USER anonymous -> " + std::to_string(user->code);
  if (user->code == 331) {
    auto pass = co_await command("PASS", "trustscan@example.invalid");
    if (!pass) co_return;
    accepted = pass->code == 230;
    transcript += "; PASS <email> -> " + std::to_string(pass->code) + (pass->lines.empty() ? "" : " " + pass->lines.back());
  }
  auto o = make_observation(ctx.endpoint, "ftp.anonymous_login", accepted, transcript);
  o.evidence.kind = "credential";
  if (accepted) {
    o.evidence.username = "anonymous";
    o.evidence.password = "trustscan@example.invalid";
  }
  out.push_back(std::move(o));
  (void)co_await s->send(build_ftp_command("QUIT"));
  s.reset();
  co_await try_ftp_credentials(ctx, out);
}

// Explicit FTPS (RFC 4217: AUTH TLS -> 234) is enumerated on connections of its own while the
// FTP probe runs (servers delay failed logins by a second or more).
net::awaitable<void> probe_ftp(ProbeContext& ctx, std::vector<Observation>& out) {
  co_await alongside_ftps(ctx, out, probe_ftp_plain(ctx, out));
}

// ---- Telnet: negotiate options (refusing them), read to the first prompt (RFC 854) -------------
net::awaitable<void> probe_telnet(ProbeContext& ctx, std::vector<Observation>& out) {
  auto s = co_await open(ctx, out, "telnet");
  if (!s) co_return;
  TelnetParser parser;
  std::vector<std::uint8_t> buf;
  Parse state = Parse::need_more;
  const auto until = SteadyClock::now() + 5s;  // a prompt comes within seconds or not at all
  while (state == Parse::need_more && SteadyClock::now() < until) {
    buf.clear();
    const auto r = co_await s->receive_for(buf, std::chrono::duration_cast<std::chrono::milliseconds>(until - SteadyClock::now()));
    if (r.status != Status::success) break;
    state = parser.feed(Bytes(buf));
    if (auto replies = parser.take_replies(); !replies.empty())
      if ((co_await s->send(replies)).status != Status::success) break;
  }
  if (state == Parse::invalid) record_status(ctx, out, "telnet", Status::protocol_error, "invalid option negotiation");
  for (auto& o : telnet_observations(parser.result(), ctx.endpoint)) out.push_back(std::move(o));
  s.reset();  // one connection at a time: each login attempt opens its own
  if (parser.prompt() != TelnetPrompt::none) co_await try_telnet_credentials(ctx, out);
}

// ---- HTTP: the root page, then paths where devices leak logs and configuration backups --------

// Paths that expose logs or configuration backups on real devices (profiles/data/http-paths.yaml).
struct ExposurePaths {
  std::vector<std::string> log;
  std::vector<std::string> backup;
};

const ExposurePaths& exposure_paths() {
  static const ExposurePaths paths = [] {
    ExposurePaths p;
    const YAML::Node root = YAML::Load(builtin_data_texts().at("http-paths"));
    for (const auto& n : root["log"]) p.log.push_back(n.as<std::string>());
    for (const auto& n : root["backup"]) p.backup.push_back(n.as<std::string>());
    return p;
  }();
  return paths;
}

// A page counts as exposed content only when it is a real answer: 200, a body, not the device's
// answer to a path that cannot exist (a "soft 404"), and not a login form.
bool real_content(const HttpResponse& r, const std::optional<HttpResponse>& missing) {
  if (r.status != 200 || r.body.empty() || r.login_form) return false;
  if (missing && missing->status == 200 && (missing->body == r.body || missing->title == r.title)) return false;
  return true;
}

net::awaitable<void> http_probe_body(ProbeContext& ctx, const HttpResponse& response, std::vector<Observation>& out) {
  const std::optional<HttpResponse> root = response;
  for (auto& o : http_observations(*root, ctx.endpoint)) out.push_back(std::move(o));
  if (root->status >= 300 && root->status < 400) co_return;  // a redirect: the target is judged there
  co_await try_http_credentials(ctx, *root, "/", out);

  // The device's answer to a path that cannot exist, to tell real content from a catch-all page.
  std::mt19937_64 rng(std::hash<std::string>{}(ctx.endpoint.address.to_string()) ^ ctx.endpoint.port);
  const auto missing = co_await http_request(ctx, "GET", "/trustscan-" + std::to_string(rng() % 1000000000) + ".txt");
  for (const auto& [key, list] : {std::pair{"http.exposed_logs", &exposure_paths().log},
                                  std::pair{"http.exposed_backups", &exposure_paths().backup}}) {
    std::vector<std::string> found;
    std::string excerpt;
    for (const auto& path : *list) {
      if (SteadyClock::now() >= ctx.deadline) break;
      const auto r = co_await http_request(ctx, "GET", path);
      if (!r || !real_content(*r, missing)) continue;
      if (excerpt.empty()) excerpt = path + ": " + printable_excerpt(as_bytes(r->body), 256);
      found.push_back(path);
    }
    if (!found.empty())
      out.push_back(make_observation(ctx.endpoint, key, found, "served without authentication (200, not a soft 404)", excerpt));
  }
}

net::awaitable<void> probe_http(ProbeContext& ctx, std::vector<Observation>& out) {
  const auto root = co_await http_request(ctx, "GET", "/");
  if (!root) {
    record_status(ctx, out, "http", Status::protocol_error, "no complete HTTP response to GET /");
    co_return;
  }
  co_await http_probe_body(ctx, *root, out);
}

// ---- TLS: what speaks inside it. HTTPS gets the HTTP probe through the TLS session. The TLS
// configuration itself is judged by the TLS analyzer. --------------------------------------------
net::awaitable<void> probe_tls(ProbeContext& ctx, std::vector<Observation>& out) {
  {
    // The TLS configuration first, with a budget of its own.
    ProbeContext analysis = ctx;
    analysis.deadline = SteadyClock::now() + std::max<std::chrono::milliseconds>(ctx.options.endpoint_budget, 20s);
    co_await analyze_tls(analysis, out);
  }
  ProbeContext inner = ctx;
  inner.tls = true;
  const auto root = co_await http_request(inner, "GET", "/");
  if (!root) {
    record_status(ctx, out, "tls", Status::not_detected, "no HTTP response inside TLS");
    co_return;
  }
  out.push_back(make_observation(ctx.endpoint, "service.name", std::string("https"), "an HTTP response to GET / inside TLS",
                                 root->raw_head));
  co_await http_probe_body(inner, *root, out);
}

// ---- MQTT: CONNECT without credentials; if accepted, subscribe to '#' briefly ------------------
net::awaitable<void> probe_mqtt(ProbeContext& ctx, std::vector<Observation>& out) {
  auto s = co_await open(ctx, out, "mqtt");
  if (!s) co_return;
  if ((co_await s->send(build_mqtt_connect("trustscan", std::nullopt, std::nullopt))).status != Status::success) co_return;
  std::vector<std::uint8_t> buf;
  MqttConnack connack;
  std::size_t consumed = 0;
  auto [state, st] = co_await receive_until(*s, buf, [&](Bytes b) { return parse_mqtt_connack(b, connack, consumed); });
  if (state != Parse::done) {
    record_status(ctx, out, "mqtt", state == Parse::invalid ? Status::protocol_error : st, "no CONNACK");
    co_return;
  }
  std::vector<std::string> topics;
  bool subscribed = false;
  if (connack.code == 0) {
    // Accepted anonymously: does it carry data? Listen to every topic for a short, fixed time.
    buf.erase(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(consumed));
    if ((co_await s->send(build_mqtt_subscribe(1, "#"))).status == Status::success) {
      const auto until = SteadyClock::now() + 2s;
      while (SteadyClock::now() < until && topics.size() < 64) {
        MqttPacket pkt;
        std::size_t used = 0;
        const auto ps = parse_mqtt_packet(Bytes(buf), pkt, used);
        if (ps == Parse::invalid) break;
        if (ps == Parse::need_more) {
          const auto r = co_await s->receive_for(buf, std::chrono::duration_cast<std::chrono::milliseconds>(until - SteadyClock::now()));
          if (r.status != Status::success) break;
          continue;
        }
        if (pkt.type == MqttPacketType::suback) subscribed = true;
        if (pkt.type == MqttPacketType::publish) {
          MqttPublish pub;
          std::size_t n = 0;
          if (parse_mqtt_publish(Bytes(buf), pub, n) == Parse::done) add_mqtt_topic(topics, pub.topic);
        }
        buf.erase(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(used));
      }
    }
    (void)co_await s->send(build_mqtt_disconnect());
  }
  for (auto& o : mqtt_observations(connack, ctx.endpoint, false, subscribed ? &topics : nullptr)) out.push_back(std::move(o));
  s.reset();
  // Anonymous CONNECT refused (bad user name or password / not authorized): try the pairs.
  if (connack.code == 4 || connack.code == 5) co_await try_mqtt_credentials(ctx, out);
}

// ---- RTSP: OPTIONS, then DESCRIBE without credentials (does the camera hand out its stream?) --
net::awaitable<void> probe_rtsp(ProbeContext& ctx, std::vector<Observation>& out) {
  auto s = co_await open(ctx, out, "rtsp");
  if (!s) co_return;
  const std::string url = "rtsp://" + host_header(ctx) + ":" + std::to_string(ctx.endpoint.port) + "/";
  std::vector<std::uint8_t> buf;
  auto exchange = [&](std::string_view method, std::uint32_t cseq,
                      std::span<const std::pair<std::string_view, std::string_view>> extra)
      -> net::awaitable<std::optional<RtspResponse>> {
    if ((co_await s->send(build_rtsp_request(method, url, cseq, extra))).status != Status::success) co_return std::nullopt;
    RtspResponse resp;
    std::size_t consumed = 0;
    auto [state, st] = co_await receive_until(*s, buf, [&](Bytes b) { return parse_rtsp_response(b, resp, consumed); });
    buf.erase(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(std::min(consumed, buf.size())));
    if (state != Parse::done) co_return std::nullopt;
    co_return resp;
  };
  const auto options = co_await exchange("OPTIONS", 1, {});
  if (!options) {
    record_status(ctx, out, "rtsp", Status::protocol_error, "no valid answer to OPTIONS");
    co_return;
  }
  for (auto& o : rtsp_observations(*options, ctx.endpoint)) out.push_back(std::move(o));
  const std::pair<std::string_view, std::string_view> accept[] = {{"Accept", "application/sdp"}};
  if (const auto describe = co_await exchange("DESCRIBE", 2, accept)) {
    const bool sdp = describe->status == 200 && !describe->body.empty();
    out.push_back(make_observation(ctx.endpoint, "rtsp.describe_status", std::int64_t{describe->status},
                                   "DESCRIBE " + url + " without credentials", describe->raw_header));
    out.push_back(make_observation(ctx.endpoint, "rtsp.stream_unauthenticated", sdp,
                                   sdp ? "the stream description was returned without credentials" : "DESCRIBE refused"));
    s.reset();
    co_await try_rtsp_credentials(ctx, url, *describe, out);
  }
}

// ---- UDP ----------------------------------------------------------------------------------------

// One datagram exchange with the context's endpoint; the first reply, or nullopt.
net::awaitable<std::optional<std::vector<std::uint8_t>>> ask(ProbeContext& ctx, const std::vector<std::uint8_t>& payload,
                                                             std::chrono::milliseconds wait = 1500ms) {
  auto ex = co_await udp_exchange(ctx.endpoint, payload, std::min(wait, ctx.remaining()));
  if (ex.status != Status::success) co_return std::nullopt;
  co_return std::move(ex.replies.front());
}

// SNMP v1/v2c: who answers with which community (read), and, only when the user opted in,
// whether a community can write (svc.snmp.community). The write test sets a system object
// (sysContact, sysLocation or sysName) to the value it already has: the device is unchanged.
net::awaitable<void> probe_snmp(ProbeContext& ctx, std::vector<Observation>& out) {
  static const std::vector<std::string> system_oids = {"1.3.6.1.2.1.1.1.0", "1.3.6.1.2.1.1.2.0", "1.3.6.1.2.1.1.5.0"};
  static const std::vector<std::string> communities = {"public", "private", "community", "admin", "default", "snmp"};
  // sysContact.0, sysLocation.0, sysName.0
  static const std::vector<std::string> writable_oids = {"1.3.6.1.2.1.1.4.0", "1.3.6.1.2.1.1.6.0", "1.3.6.1.2.1.1.5.0"};
  std::vector<std::string> accepted;
  std::vector<std::string> writable;
  std::int32_t request_id = 0x7473;
  std::optional<SnmpResponse> first;
  for (const auto& community : communities) {
    if (ctx.remaining() <= 0ms) break;
    const auto reply = co_await ask(ctx, build_snmp_get(kSnmpV2c, community, ++request_id, system_oids), 1000ms);
    SnmpResponse resp;
    if (!reply || parse_snmp_response(Bytes(*reply), resp) != Parse::done || resp.request_id != request_id) continue;
    accepted.push_back(community);
    if (!first) first = resp;
    if (!ctx.options.snmp_write) continue;
    // Read a writable-by-design system object and write the same value back: an innocuous SET
    // that proves write access. sysContact first: agents often pin sysLocation in their config.
    for (const auto& oid : writable_oids) {
      const std::vector<std::string> one = {oid};
      const auto cur = co_await ask(ctx, build_snmp_get(kSnmpV2c, community, ++request_id, one), 1000ms);
      SnmpResponse cr;
      if (!cur || parse_snmp_response(Bytes(*cur), cr) != Parse::done || cr.varbinds.empty() || cr.error_status != 0 ||
          cr.varbinds[0].type != "OCTET STRING" || cr.varbinds[0].hex || !cr.varbinds[0].exact)
        continue;  // only a printable value can be written back byte for byte
      const auto set = co_await ask(ctx, build_snmp_set(kSnmpV2c, community, ++request_id, oid, cr.varbinds[0].value), 1000ms);
      SnmpResponse sr;
      if (set && parse_snmp_response(Bytes(*set), sr) == Parse::done && sr.error_status == 0) {
        writable.push_back(community);
        break;
      }
    }
  }
  if (first)
    for (auto& o : snmp_observations(*first, ctx.endpoint)) out.push_back(std::move(o));
  if (!accepted.empty()) {
    auto o = make_observation(ctx.endpoint, "snmp.communities", accepted, "SNMPv2c GET of the system group answered");
    o.evidence.kind = "credential";
    out.push_back(std::move(o));
  }
  out.push_back(make_observation(ctx.endpoint, "snmp.write_tested", ctx.options.snmp_write,
                                 ctx.options.snmp_write ? "SET of a system object to its own value" : "opt-in (--snmp-write) not given"));
  if (ctx.options.snmp_write)
    out.push_back(make_observation(ctx.endpoint, "snmp.write_communities", writable, "SET of a system object to its own value"));
}

// DNS: version.bind CH TXT (the identification hello already asked it). Recursion is read from
// the RA flag only: trustscan never sends a query that would make the device resolve outward.
net::awaitable<void> probe_dns(ProbeContext& ctx, std::vector<Observation>& out) {
  DnsMessage m;
  std::size_t used = 0;
  const Parse ps = ctx.endpoint.transport == Transport::tcp ? parse_dns_tcp_message(Bytes(ctx.first_reply), m, used)
                                                            : parse_dns_message(Bytes(ctx.first_reply), m);
  if (ps != Parse::done) {
    record_status(ctx, out, "dns", Status::protocol_error, "the reply to version.bind is not a DNS message");
    co_return;
  }
  for (auto& o : dns_observations(m, ctx.endpoint)) out.push_back(std::move(o));
}

net::awaitable<void> probe_mdns(ProbeContext& ctx, std::vector<Observation>& out) {
  DnsMessage m;
  if (parse_dns_message(Bytes(ctx.first_reply), m) != Parse::done) co_return;
  for (auto& o : mdns_observations(m, ctx.endpoint)) out.push_back(std::move(o));
}

// NTP: the time reply (from identification), then mode 6 (read variables) and mode 7 monlist,
// the amplification vector (svc.ntp.server).
net::awaitable<void> probe_ntp(ProbeContext& ctx, std::vector<Observation>& out) {
  NtpPacket p;
  if (parse_ntp_response(Bytes(ctx.first_reply), p) == Parse::done)
    for (auto& o : ntp_observations(p, ctx.endpoint)) out.push_back(std::move(o));
  if (const auto r6 = co_await ask(ctx, build_ntp_mode6_readvar())) {
    NtpControlResponse c;
    if (parse_ntp_mode6(Bytes(*r6), c) == Parse::done)
      for (auto& o : ntp_observations(c, ctx.endpoint)) out.push_back(std::move(o));
  }
  bool monlist = false;
  if (const auto r7 = co_await ask(ctx, build_ntp_mode7_monlist())) {
    NtpMode7Response m;
    if (parse_ntp_mode7(Bytes(*r7), m) == Parse::done) {
      for (auto& o : ntp_observations(m, ctx.endpoint)) out.push_back(std::move(o));
      monlist = true;
    }
  }
  if (!monlist) out.push_back(make_observation(ctx.endpoint, "ntp.monlist", false, "no answer to a mode 7 MON_GETLIST request"));
}

// SSDP/UPnP: the M-SEARCH reply, then the device description at LOCATION — fetched only when
// LOCATION names this very device (never another host, whatever the reply says).
net::awaitable<void> probe_ssdp(ProbeContext& ctx, std::vector<Observation>& out) {
  SsdpResponse r;
  if (parse_ssdp_response(Bytes(ctx.first_reply), r) != Parse::done) co_return;
  for (auto& o : ssdp_observations(r, ctx.endpoint)) out.push_back(std::move(o));
  std::string_view loc = r.location;
  if (!loc.starts_with("http://")) co_return;
  loc.remove_prefix(7);
  const auto slash = loc.find('/');
  const auto authority = loc.substr(0, slash);
  const std::string path = slash == std::string_view::npos ? "/" : std::string(loc.substr(slash));
  const auto colon = authority.rfind(':');
  const auto host = authority.substr(0, colon);
  std::uint16_t port = 80;
  if (colon != std::string_view::npos) {
    const auto digits = authority.substr(colon + 1);
    unsigned v = 0;
    if (std::from_chars(digits.data(), digits.data() + digits.size(), v).ec != std::errc{} || v == 0 || v > 65535) co_return;
    port = static_cast<std::uint16_t>(v);
  }
  if (host != ctx.endpoint.address.to_string()) {
    record_status(ctx, out, "ssdp", Status::not_detected, "LOCATION names another host; not fetched");
    co_return;
  }
  ProbeContext http_ctx{ctx.device, Endpoint{ctx.endpoint.address, Transport::tcp, port}, ctx.id, {}, ctx.options, ctx.deadline};
  const auto desc = co_await http_request(http_ctx, "GET", path);
  if (!desc || desc->status != 200) co_return;
  UpnpDescription d;
  const auto ds = parse_upnp_description(as_bytes(desc->body), d);
  // A description cut at the body cap still holds the root device's fields found so far.
  if (ds == Parse::done || (ds == Parse::need_more && desc->body_truncated))
    for (auto& o : upnp_observations(d, ctx.endpoint)) {
      o.evidence.detail = "device description " + r.location;
      out.push_back(std::move(o));
    }
}

net::awaitable<void> probe_coap(ProbeContext& ctx, std::vector<Observation>& out) {
  CoapMessage m;
  if (parse_coap_message(Bytes(ctx.first_reply), m) != Parse::done) co_return;
  for (auto& o : coap_observations(m, ctx.endpoint)) out.push_back(std::move(o));
  co_return;
}

}  // namespace

const std::map<std::string, ProtocolProbe>& protocol_probes() {
  static const std::map<std::string, ProtocolProbe> probes = {
      {"coap", probe_coap}, {"dns", probe_dns},   {"ftp", probe_ftp},   {"http", probe_http},
      {"mdns", probe_mdns}, {"mqtt", probe_mqtt}, {"ntp", probe_ntp},   {"rtsp", probe_rtsp},
      {"snmp", probe_snmp}, {"ssdp", probe_ssdp}, {"ssh", probe_ssh},   {"telnet", probe_telnet},
      {"tls", probe_tls},
  };
  return probes;
}

}  // namespace trustscan
