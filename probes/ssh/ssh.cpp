// trustscan — SSH identification and KEXINIT parsers (see ssh.hpp for the contract).
#include "probes/ssh/ssh.hpp"
#include "probes/ssh/ssh_keys.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <span>
#include <utility>

namespace trustscan {
namespace {

constexpr std::string_view kIdentPrefix = "SSH-";

bool starts_with_ident(Bytes line) noexcept {
  return as_text(line).substr(0, kIdentPrefix.size()) == kIdentPrefix;
}

std::uint32_t load_be32(Bytes b, std::size_t at) noexcept {
  return (std::uint32_t{b[at]} << 24) | (std::uint32_t{b[at + 1]} << 16) |
         (std::uint32_t{b[at + 2]} << 8) | std::uint32_t{b[at + 3]};
}

void append_be32(std::vector<std::uint8_t>& v, std::uint32_t x) {
  v.push_back(static_cast<std::uint8_t>(x >> 24));
  v.push_back(static_cast<std::uint8_t>(x >> 16));
  v.push_back(static_cast<std::uint8_t>(x >> 8));
  v.push_back(static_cast<std::uint8_t>(x));
}

// Splits a complete identification line (CR LF already removed) into its fields.
bool split_ident(std::string_view line, SshIdent& out) {
  for (const char c : line) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) return false;
  }
  const std::string_view rest = line.substr(kIdentPrefix.size());
  const auto dash = rest.find('-');
  if (dash == std::string_view::npos || dash == 0) return false;
  const std::string_view proto = rest.substr(0, dash);
  if (proto.find(' ') != std::string_view::npos) return false;
  const std::string_view after = rest.substr(dash + 1);
  const auto sp = after.find(' ');
  out.proto_version = proto;
  out.software = after.substr(0, sp);
  if (sp != std::string_view::npos) out.comments = after.substr(sp + 1);
  out.line = line;
  return true;
}

// Reads one name-list (RFC 4251 §5) at `pos` of `payload`, advancing `pos`.
bool read_name_list(Bytes payload, std::size_t& pos, std::vector<std::string>& names,
                    bool& truncated) {
  if (payload.size() - pos < 4) return false;
  const std::size_t len = load_be32(payload, pos);
  pos += 4;
  if (len > payload.size() - pos) return false;
  const std::string_view text = as_text(payload.subspan(pos, len));
  pos += len;
  if (text.empty()) return true;  // an empty list is legal (languages usually are)
  std::size_t start = 0;
  while (true) {
    const auto comma = text.find(',', start);
    const std::string_view name = text.substr(start, comma - start);
    if (name.empty() || name.size() > kSshMaxNameLength) return false;
    for (const char c : name) {
      const auto u = static_cast<unsigned char>(c);
      if (u < 0x21 || u > 0x7e) return false;
    }
    if (names.size() < kSshMaxNames) names.emplace_back(name);
    else truncated = true;
    if (comma == std::string_view::npos) return true;
    start = comma + 1;
  }
}

// Frames the unencrypted binary packets of `in` (RFC 4253 §6; no MAC, nothing encrypted yet),
// skipping up to kSshMaxSkippedPackets IGNORE/DEBUG (§11.2, §11.3), until a packet whose message
// number is in `wanted`: its payload (message number first) and where it ends. Each field is
// judged as soon as it has arrived, so a hostile length is refused before anything waits for (or
// buffers) the bytes it announces. invalid: packet_length over kSshMaxPacketLength or leaving no
// message byte, padding_length >= packet_length, another message, one skipped packet too many.
Parse next_packet(Bytes in, std::span<const std::uint8_t> wanted, Bytes& payload, std::size_t& end,
                  std::size_t& skipped) noexcept {
  std::size_t pos = 0;
  skipped = 0;
  while (true) {
    const Bytes rest = in.subspan(pos);
    if (rest.size() < 4) return Parse::need_more;
    const std::size_t packet_length = load_be32(rest, 0);
    if (packet_length > kSshMaxPacketLength || packet_length < 2) return Parse::invalid;
    if (rest.size() < 5) return Parse::need_more;
    const std::size_t padding_length = rest[4];
    if (padding_length + 1 >= packet_length) return Parse::invalid;  // no message byte left
    if (rest.size() < 6) return Parse::need_more;
    const std::uint8_t msg = rest[5];
    const bool skip = msg == kSshMsgIgnore || msg == kSshMsgDebug;
    if (!skip && std::find(wanted.begin(), wanted.end(), msg) == wanted.end()) return Parse::invalid;
    if (skip && skipped == kSshMaxSkippedPackets) return Parse::invalid;
    if (rest.size() < 4 + packet_length) return Parse::need_more;
    if (skip) {
      ++skipped;
      pos += 4 + packet_length;
      continue;
    }
    payload = rest.subspan(5, packet_length - padding_length - 1);
    end = pos + 4 + packet_length;
    return Parse::done;
  }
}

bool decode_kexinit(Bytes payload, SshKexInit& out) {
  std::size_t pos = 1;  // the message number was checked by the caller
  if (payload.size() - pos < out.cookie.size()) return false;
  std::copy_n(payload.begin() + static_cast<std::ptrdiff_t>(pos), out.cookie.size(),
              out.cookie.begin());
  pos += out.cookie.size();
  std::vector<std::string>* lists[] = {
      &out.kex_algorithms,  &out.server_host_key_algorithms,
      &out.encryption_c2s,  &out.encryption_s2c,
      &out.mac_c2s,         &out.mac_s2c,
      &out.compression_c2s, &out.compression_s2c,
      &out.languages_c2s,   &out.languages_s2c,
  };
  for (auto* list : lists) {
    if (!read_name_list(payload, pos, *list, out.truncated)) return false;
  }
  if (payload.size() - pos < 5) return false;
  out.first_kex_packet_follows = payload[pos] != 0;
  out.reserved = load_be32(payload, pos + 1);
  return true;
}

std::string join(const std::vector<std::string>& names) {
  std::string s;
  for (const auto& n : names) {
    if (!s.empty()) s += ',';
    s += n;
  }
  return s;
}

// Union of the two directions, client-to-server order first: servers nearly always offer the
// same list both ways, and a check wants "is X offered at all".
std::vector<std::string> union_of(const std::vector<std::string>& a,
                                  const std::vector<std::string>& b) {
  std::vector<std::string> u = a;
  for (const auto& n : b) {
    if (std::find(u.begin(), u.end(), n) == u.end()) u.push_back(n);
  }
  return u;
}

struct SoftwareRule {
  std::string_view prefix;
  std::string_view product;
  bool exact;  // the whole software string must equal `prefix` (short names like "Go")
};

// Longer prefixes first: the first match wins.
constexpr SoftwareRule kSoftwareRules[] = {
    {"OpenSSH_for_Windows_", "OpenSSH for Windows", false},
    {"OpenSSH_", "OpenSSH", false},
    {"dropbear_", "Dropbear", false},
    {"dropbear", "Dropbear", true},
    {"libssh_", "libssh", false},
    {"libssh-", "libssh", false},
    {"Cisco-", "Cisco SSH", false},
    {"ROSSSH", "MikroTik RouterOS sshd", true},
    {"RomSShell_", "Allegro RomSShell", false},
    {"mpSSH_", "HP Integrated Lights-Out mpSSH", false},
    {"Comware-", "HPE Comware", false},
    {"AsyncSSH_", "AsyncSSH", false},
    {"paramiko_", "Paramiko", false},
    {"Go", "Go x/crypto/ssh", true},
    {"Sun_SSH_", "Sun SSH", false},
    {"Erlang/", "Erlang/OTP ssh", false},
};

}  // namespace

SshSoftwareId identify_ssh_software(std::string_view software) {
  for (const auto& rule : kSoftwareRules) {
    const bool match = rule.exact ? software == rule.prefix : software.starts_with(rule.prefix);
    if (!match) continue;
    SshSoftwareId id{std::string(rule.product), {}};
    const std::string_view rest = software.substr(rule.prefix.size());
    if (!rest.empty() && rest.front() >= '0' && rest.front() <= '9') id.version = rest;
    return id;
  }
  return {};
}

std::vector<std::uint8_t> build_ssh_ident() {
  constexpr std::string_view ident = "SSH-2.0-trustscan_0.1\r\n";
  return {ident.begin(), ident.end()};
}

namespace {

// An unencrypted binary packet (RFC 4253 §6) around `payload`: 4 <= padding <= 255 and the packet
// (length field included) a multiple of 8; zero padding, as nothing is encrypted yet.
std::vector<std::uint8_t> frame_packet(const std::vector<std::uint8_t>& payload) {
  std::size_t padding = 8 - (4 + 1 + payload.size()) % 8;
  if (padding < 4) padding += 8;
  std::vector<std::uint8_t> packet;
  packet.reserve(4 + 1 + payload.size() + padding);
  append_be32(packet, static_cast<std::uint32_t>(1 + payload.size() + padding));
  packet.push_back(static_cast<std::uint8_t>(padding));
  packet.insert(packet.end(), payload.begin(), payload.end());
  packet.insert(packet.end(), padding, 0);
  return packet;
}

std::vector<std::uint8_t> kexinit_packet(const std::array<std::uint8_t, 16>& cookie, const std::string_view (&lists)[10]) {
  std::vector<std::uint8_t> payload;
  payload.push_back(kSshMsgKexInit);
  payload.insert(payload.end(), cookie.begin(), cookie.end());
  for (const auto list : lists) {
    append_be32(payload, static_cast<std::uint32_t>(list.size()));
    payload.insert(payload.end(), list.begin(), list.end());
  }
  payload.push_back(0);         // first_kex_packet_follows = FALSE
  append_be32(payload, 0);      // reserved
  return frame_packet(payload);
}

}  // namespace

std::vector<std::uint8_t> build_ssh_kexinit(const std::array<std::uint8_t, 16>& cookie) {
  // Modern first, legacy last: a 2008 embedded dropbear and OpenSSH 9 must both find a match,
  // otherwise the server disconnects before we learn anything else.
  static constexpr std::string_view lists[10] = {
      "curve25519-sha256,curve25519-sha256@libssh.org,ecdh-sha2-nistp256,ecdh-sha2-nistp384,"
      "ecdh-sha2-nistp521,diffie-hellman-group-exchange-sha256,diffie-hellman-group16-sha512,"
      "diffie-hellman-group18-sha512,diffie-hellman-group14-sha256,diffie-hellman-group14-sha1,"
      "diffie-hellman-group-exchange-sha1,diffie-hellman-group1-sha1",
      "ssh-ed25519,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,ecdsa-sha2-nistp521,rsa-sha2-512,"
      "rsa-sha2-256,ssh-rsa,ssh-dss",
      "chacha20-poly1305@openssh.com,aes128-ctr,aes192-ctr,aes256-ctr,aes128-gcm@openssh.com,"
      "aes256-gcm@openssh.com,aes128-cbc,aes192-cbc,aes256-cbc,3des-cbc",
      "chacha20-poly1305@openssh.com,aes128-ctr,aes192-ctr,aes256-ctr,aes128-gcm@openssh.com,"
      "aes256-gcm@openssh.com,aes128-cbc,aes192-cbc,aes256-cbc,3des-cbc",
      "hmac-sha2-256-etm@openssh.com,hmac-sha2-512-etm@openssh.com,hmac-sha1-etm@openssh.com,"
      "hmac-sha2-256,hmac-sha2-512,hmac-sha1",
      "hmac-sha2-256-etm@openssh.com,hmac-sha2-512-etm@openssh.com,hmac-sha1-etm@openssh.com,"
      "hmac-sha2-256,hmac-sha2-512,hmac-sha1",
      "none",
      "none",
      "",
      "",
  };
  return kexinit_packet(cookie, lists);
}

std::vector<std::uint8_t> build_ssh_kexinit_for(const SshKexInit& server, std::string_view kex,
                                                const std::array<std::uint8_t, 16>& cookie) {
  const std::string hk = join(server.server_host_key_algorithms), ec = join(server.encryption_c2s),
                    es = join(server.encryption_s2c), mc = join(server.mac_c2s), ms = join(server.mac_s2c),
                    cc = join(server.compression_c2s), cs = join(server.compression_s2c);
  const std::string_view lists[10] = {kex, hk, ec, es, mc, ms, cc, cs, "", ""};
  return kexinit_packet(cookie, lists);
}

std::vector<std::uint8_t> build_ssh_gex_request(std::uint32_t min, std::uint32_t n, std::uint32_t max) {
  std::vector<std::uint8_t> payload{kSshMsgKexDhGexRequest};
  append_be32(payload, min);
  append_be32(payload, n);
  append_be32(payload, max);
  return frame_packet(payload);
}

Parse parse_ssh_ident(Bytes in, SshIdent& out, std::size_t& consumed) noexcept {
  out = SshIdent{};
  consumed = 0;
  std::size_t pos = 0;
  std::size_t lines = 0;
  while (true) {
    const Bytes rest = in.subspan(pos);
    // Until 4 bytes are in we cannot tell an ident line from another line; the larger
    // pre-ident cap applies meanwhile, and the ident cap once "SSH-" is seen.
    const bool ident = starts_with_ident(rest);
    const std::size_t cap = ident ? kSshMaxIdentLine : kSshMaxPreIdentLine;
    std::size_t lf = rest.size();
    for (std::size_t i = 0; i < rest.size(); ++i) {
      if (rest[i] == 0) return Parse::invalid;  // OpenSSH rejects NUL in banners too
      if (i + 1 > cap || pos + i + 1 > kSshMaxIdentBlock) return Parse::invalid;
      if (rest[i] == '\n') {
        lf = i;
        break;
      }
    }
    if (lf == rest.size()) return Parse::need_more;
    Bytes line = rest.first(lf);
    if (!line.empty() && line.back() == '\r') line = line.first(line.size() - 1);
    if (ident) {
      try {
        if (!split_ident(as_text(line), out)) {
          out = SshIdent{};
          return Parse::invalid;
        }
        const auto id = identify_ssh_software(out.software);
        out.product = id.product;
        out.version = id.version;
      } catch (...) {  // std::bad_alloc only: the strings are at most 255 bytes
        out = SshIdent{};
        return Parse::invalid;
      }
      out.pre_ident_lines = lines;
      consumed = pos + lf + 1;
      return Parse::done;
    }
    ++lines;
    pos += lf + 1;
  }
}

Parse parse_ssh_kexinit(Bytes in, SshKexInit& out, std::size_t& consumed) noexcept {
  out = SshKexInit{};
  consumed = 0;
  static constexpr std::uint8_t wanted[] = {kSshMsgKexInit};
  Bytes payload;
  std::size_t end = 0, skipped = 0;
  const Parse st = next_packet(in, wanted, payload, end, skipped);
  if (st != Parse::done) return st;
  try {
    if (!decode_kexinit(payload, out)) {
      out = SshKexInit{};
      return Parse::invalid;
    }
  } catch (...) {  // std::bad_alloc: the lists are bounded by the 35000-byte packet
    out = SshKexInit{};
    return Parse::invalid;
  }
  out.skipped_packets = skipped;
  consumed = end;
  return Parse::done;
}

std::vector<Observation> ssh_observations(const SshResult& result, const Endpoint& endpoint) {
  std::vector<Observation> obs;
  const SshIdent& id = result.ident;
  const std::string ident_excerpt = printable_excerpt(as_bytes(id.line), Evidence::kMaxExcerpt);
  const auto banner = [&](const ObservationKey& key, std::string value) {
    obs.push_back(Observation{endpoint, key, Value{std::move(value)},
                              Evidence{"banner", "live", "SSH identification line", ident_excerpt,
                                       {}, {}, {}, {}}});
  };
  if (!id.proto_version.empty()) banner(keys::ssh::proto_version, id.proto_version);
  if (!id.software.empty()) banner(keys::ssh::software, id.software);
  if (!id.product.empty()) banner(keys::ssh::product, id.product);
  if (!id.version.empty()) banner(keys::ssh::version, id.version);
  if (!id.comments.empty()) banner(keys::ssh::comments, id.comments);

  if (!result.kexinit) return obs;
  const SshKexInit& k = *result.kexinit;
  const auto list = [&](const ObservationKey& key, std::vector<std::string> value, std::string sent) {
    obs.push_back(Observation{endpoint, key, Value{std::move(value)},
                              Evidence{"handshake", "live", "server SSH_MSG_KEXINIT name-lists",
                                       printable_excerpt(as_bytes(sent), Evidence::kMaxExcerpt),
                                       {}, {}, {}, {}}});
  };
  list(keys::ssh::kex_algorithms, k.kex_algorithms, join(k.kex_algorithms));
  list(keys::ssh::host_key_algorithms, k.server_host_key_algorithms,
       join(k.server_host_key_algorithms));
  // For the unions the excerpt shows both directions as sent, separated by " | ".
  list(keys::ssh::ciphers, union_of(k.encryption_c2s, k.encryption_s2c),
       join(k.encryption_c2s) + " | " + join(k.encryption_s2c));
  list(keys::ssh::macs, union_of(k.mac_c2s, k.mac_s2c), join(k.mac_c2s) + " | " + join(k.mac_s2c));
  list(keys::ssh::compression, union_of(k.compression_c2s, k.compression_s2c),
       join(k.compression_c2s) + " | " + join(k.compression_s2c));
  return obs;
}

}  // namespace trustscan

// ---- host keys -------------------------------------------------------------------------------

namespace trustscan {

std::string ssh_host_key_type(std::string_view a) {
  if (a == "ssh-rsa" || a.starts_with("rsa-sha2-") || a.starts_with("ssh-rsa-cert") || a.starts_with("x509v3-ssh-rsa") ||
      a.starts_with("x509v3-sign-rsa") || a.starts_with("x509v3-rsa"))
    return "rsa";
  if (a == "ssh-dss" || a.starts_with("ssh-dss-") || a.starts_with("x509v3-ssh-dss") || a.starts_with("x509v3-sign-dss"))
    return "dsa";
  if (a.starts_with("ecdsa-sha2-") || a.starts_with("sk-ecdsa-sha2-") || a.starts_with("x509v3-ecdsa-sha2-")) return "ecdsa";
  if (a == "ssh-ed25519" || a.starts_with("ssh-ed25519-cert") || a.starts_with("sk-ssh-ed25519")) return "ed25519";
  if (a == "ssh-ed448" || a.starts_with("ssh-ed448-")) return "ed448";
  return {};
}

namespace {

constexpr std::size_t kMaxHostKeyBlob = 16 * 1024;

// One RFC 4251 §5 string (or mpint) at `at`; advances `at`. nullopt when it runs past the end.
std::optional<Bytes> read_string(Bytes b, std::size_t& at) noexcept {
  if (at > b.size() || b.size() - at < 4) return std::nullopt;
  const std::uint32_t n = load_be32(b, at);
  if (n > b.size() - at - 4) return std::nullopt;
  const Bytes s = b.subspan(at + 4, n);
  at += 4 + n;
  return s;
}

// Bits of a positive mpint: length without leading zero bytes, minus the top byte's leading zeros.
int mpint_bits(Bytes m) noexcept {
  std::size_t i = 0;
  while (i < m.size() && m[i] == 0) ++i;
  if (i == m.size()) return 0;
  int top = 8;
  for (std::uint8_t x = m[i]; !(x & 0x80); x = static_cast<std::uint8_t>(x << 1)) --top;
  return static_cast<int>((m.size() - i - 1) * 8) + top;
}

}  // namespace

std::optional<SshHostKey> parse_ssh_host_key(Bytes blob) noexcept {
  if (blob.size() > kMaxHostKeyBlob) return std::nullopt;
  std::size_t at = 0;
  const auto type = read_string(blob, at);
  if (!type || type->empty() || type->size() > kSshMaxNameLength) return std::nullopt;
  SshHostKey k;
  k.type = std::string(as_text(*type));
  if (k.type == "ssh-rsa") {
    const auto e = read_string(blob, at);
    const auto n = e ? read_string(blob, at) : std::nullopt;
    if (!n || mpint_bits(*n) == 0) return std::nullopt;
    k.bits = mpint_bits(*n);
  } else if (k.type == "ssh-dss") {
    const auto p = read_string(blob, at);
    if (!p || mpint_bits(*p) == 0) return std::nullopt;
    k.bits = mpint_bits(*p);
  } else if (k.type.starts_with("ecdsa-sha2-")) {
    const auto curve = read_string(blob, at);
    const auto q = curve ? read_string(blob, at) : std::nullopt;
    if (!q || q->empty()) return std::nullopt;
    const auto c = as_text(*curve);
    k.bits = c == "nistp256" ? 256 : c == "nistp384" ? 384 : c == "nistp521" ? 521 : 0;
    if (k.bits == 0) return std::nullopt;
  } else if (k.type == "ssh-ed25519") {
    const auto pk = read_string(blob, at);
    if (!pk || pk->size() != 32) return std::nullopt;
    k.bits = 256;
  } else {
    return std::nullopt;
  }
  return k;
}

namespace {

// A positive mpint (RFC 4251 §5) without its leading zero bytes; nullopt for zero or negative.
std::optional<Bytes> positive_mpint(Bytes m) noexcept {
  if (m.empty() || (m[0] & 0x80)) return std::nullopt;
  std::size_t i = 0;
  while (i < m.size() && m[i] == 0) ++i;
  if (i == m.size()) return std::nullopt;
  return m.subspan(i);
}

bool decode_gex_reply(Bytes payload, SshGexReply& out) {
  std::size_t at = 1;  // the message number was checked by the caller
  if (payload[0] == kSshMsgDisconnect) {
    if (payload.size() < 5) return false;
    out.disconnected = true;
    out.reason = load_be32(payload, 1);
    at = 5;
    const auto d = read_string(payload, at);
    if (!d) return false;
    out.description = std::string(as_text(d->first(std::min<std::size_t>(d->size(), 256))));
    return true;  // the language tag is not needed
  }
  const auto p = read_string(payload, at);
  const auto g = p ? read_string(payload, at) : std::nullopt;
  if (!g) return false;
  const auto pp = positive_mpint(*p);
  const auto gg = positive_mpint(*g);
  if (!pp || !gg) return false;
  const int bits = mpint_bits(*pp);
  if (bits > kSshMaxGexPrimeBits || (pp->back() & 1) == 0) return false;
  const bool g_small = gg->size() == 1 && (*gg)[0] < 2;
  const bool g_below_p = gg->size() < pp->size() ||
                         (gg->size() == pp->size() && std::lexicographical_compare(gg->begin(), gg->end(), pp->begin(), pp->end()));
  if (g_small || !g_below_p) return false;
  out.prime.assign(pp->begin(), pp->end());
  out.generator.assign(gg->begin(), gg->end());
  out.prime_bits = bits;
  return true;
}

}  // namespace

Parse parse_ssh_gex_reply(Bytes in, SshGexReply& out, std::size_t& consumed) noexcept {
  out = SshGexReply{};
  consumed = 0;
  static constexpr std::uint8_t wanted[] = {kSshMsgKexDhGexGroup, kSshMsgDisconnect};
  Bytes payload;
  std::size_t end = 0, skipped = 0;
  const Parse st = next_packet(in, wanted, payload, end, skipped);
  if (st != Parse::done) return st;
  try {
    if (!decode_gex_reply(payload, out)) {
      out = SshGexReply{};
      return Parse::invalid;
    }
  } catch (...) {  // std::bad_alloc: p and g are bounded by the 35000-byte packet
    out = SshGexReply{};
    return Parse::invalid;
  }
  consumed = end;
  return Parse::done;
}

std::optional<std::vector<std::uint8_t>> ssh_base64_decode(std::string_view text) {
  if (text.size() > kMaxHostKeyBlob * 2) return std::nullopt;
  std::vector<std::uint8_t> out;
  std::uint32_t acc = 0;
  int bits = 0;
  std::size_t pad = 0;
  for (const char c : text) {
    int v;
    if (c >= 'A' && c <= 'Z') v = c - 'A';
    else if (c >= 'a' && c <= 'z') v = c - 'a' + 26;
    else if (c >= '0' && c <= '9') v = c - '0' + 52;
    else if (c == '+') v = 62;
    else if (c == '/') v = 63;
    else if (c == '=') {
      ++pad;
      continue;
    } else return std::nullopt;
    if (pad) return std::nullopt;  // data after padding
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<std::uint8_t>(acc >> bits));
    }
  }
  if (pad > 2) return std::nullopt;
  return out;
}

std::string ssh_fingerprint_sha256(Bytes blob) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(blob.data(), blob.size(), md, &len, EVP_sha256(), nullptr) != 1) return {};
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string s = "SHA256:";
  std::uint32_t acc = 0;
  int bits = 0;
  for (unsigned int i = 0; i < len; ++i) {
    acc = (acc << 8) | md[i];
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      s += kAlphabet[(acc >> bits) & 63];
    }
  }
  if (bits > 0) s += kAlphabet[(acc << (6 - bits)) & 63];
  return s;
}

}  // namespace trustscan
