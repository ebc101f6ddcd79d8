// trustscan — SYN-scan cookies and the reader of answers (see syn_reply.hpp).
#include "scanner/engine/syn_reply.hpp"

#include "probes/wire/packet.hpp"

#include <array>
#include <bit>

namespace trustscan {

namespace {

std::uint64_t load_le64(const std::uint8_t* p) noexcept {
  std::uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

struct SipState {
  std::uint64_t v0, v1, v2, v3;
  void round() noexcept {
    v0 += v1;
    v1 = std::rotl(v1, 13);
    v1 ^= v0;
    v0 = std::rotl(v0, 32);
    v2 += v3;
    v3 = std::rotl(v3, 16);
    v3 ^= v2;
    v0 += v3;
    v3 = std::rotl(v3, 21);
    v3 ^= v0;
    v2 += v1;
    v1 = std::rotl(v1, 17);
    v1 ^= v2;
    v2 = std::rotl(v2, 32);
  }
  void absorb(std::uint64_t m) noexcept {
    v3 ^= m;
    round();
    round();
    v0 ^= m;
  }
};

std::uint16_t be16(Bytes b, std::size_t at) noexcept { return static_cast<std::uint16_t>(b[at] << 8 | b[at + 1]); }
std::uint32_t be32(Bytes b, std::size_t at) noexcept {
  return static_cast<std::uint32_t>(b[at]) << 24 | static_cast<std::uint32_t>(b[at + 1]) << 16 |
         static_cast<std::uint32_t>(b[at + 2]) << 8 | b[at + 3];
}

// ICMP destination-unreachable codes that mean "a filter or the path refused it" (nmap's
// filtered set): net/host unreachable (0, 1), protocol (2), port (3: a router's own TCP port),
// net/host administratively prohibited (9, 10), communication administratively prohibited (13).
bool filtering_code(std::uint8_t code) noexcept {
  return code <= 3 || code == 9 || code == 10 || code == 13;
}

std::optional<SynReply> read_icmpv6_unreachable(const DecodedPacket& p, const SynKey& key, const Address& local,
                                                std::uint16_t lport) noexcept;

// An ICMP or ICMPv6 unreachable `p` whose quoted probe (`quoted`, its TCP header at `tcp_at`, at
// least 8 bytes of it) went from src to dst: ours when it left our address and port and carried
// the cookie of dst and its port.
std::optional<SynReply> unreachable_quoting(const DecodedPacket& p, Bytes quoted, std::size_t tcp_at, const Address& src,
                                            const Address& dst, const SynKey& key, const Address& local,
                                            std::uint16_t lport) noexcept {
  const std::uint16_t sport = be16(quoted, tcp_at);
  const std::uint16_t dport = be16(quoted, tcp_at + 2);
  if (src != local || sport != lport || be32(quoted, tcp_at + 4) != syn_cookie(key, local, lport, dst, dport))
    return std::nullopt;
  SynReply r;
  r.answer = SynAnswer::unreachable;
  r.device = dst;
  r.port = dport;
  r.icmp_type = p.icmp_type;
  r.icmp_code = p.icmp_code;
  r.icmp_from = p.src;
  return r;
}

}  // namespace

std::uint64_t siphash24(const SynKey& key, Bytes data) noexcept {
  SipState s{key.k0 ^ 0x736f6d6570736575ULL, key.k1 ^ 0x646f72616e646f6dULL, key.k0 ^ 0x6c7967656e657261ULL,
             key.k1 ^ 0x7465646279746573ULL};
  const std::size_t whole = data.size() / 8 * 8;
  for (std::size_t i = 0; i < whole; i += 8) s.absorb(load_le64(data.data() + i));
  std::uint64_t last = static_cast<std::uint64_t>(data.size() & 0xff) << 56;
  for (std::size_t i = whole; i < data.size(); ++i) last |= static_cast<std::uint64_t>(data[i]) << (8 * (i - whole));
  s.absorb(last);
  s.v2 ^= 0xff;
  for (int i = 0; i < 4; ++i) s.round();
  return s.v0 ^ s.v1 ^ s.v2 ^ s.v3;
}

std::uint32_t syn_cookie(const SynKey& key, const Address& local, std::uint16_t lport, const Address& device,
                         std::uint16_t port) noexcept {
  std::array<std::uint8_t, 2 * 17 + 4> in{};
  std::size_t n = 0;
  const auto put_address = [&](const Address& a) {
    in[n++] = a.v6 ? 6 : 4;
    const std::size_t len = a.v6 ? 16 : 4;
    for (std::size_t i = 0; i < len; ++i) in[n++] = a.bytes[i];
  };
  const auto put_port = [&](std::uint16_t p) {
    in[n++] = static_cast<std::uint8_t>(p >> 8);
    in[n++] = static_cast<std::uint8_t>(p);
  };
  put_address(local);
  put_port(lport);
  put_address(device);
  put_port(port);
  return static_cast<std::uint32_t>(siphash24(key, Bytes(in.data(), n)));
}

std::optional<SynReply> read_syn_reply(std::uint32_t linktype, Bytes frame, const SynKey& key, const Address& local,
                                       std::uint16_t lport) noexcept {
  DecodedPacket p;
  if (decode_packet(linktype, frame, p) != Parse::done || p.ip_version == 0 || p.dst != local || p.later_fragment)
    return std::nullopt;
  if (p.ip_proto == ipproto::tcp && p.has_ports) {
    if (p.dst_port != lport || !(p.tcp_flags & tcpflag::ack)) return std::nullopt;
    SynReply r;
    if ((p.tcp_flags & tcpflag::rst) != 0)
      r.answer = SynAnswer::rst;
    else if ((p.tcp_flags & tcpflag::syn) != 0)
      r.answer = SynAnswer::syn_ack;
    else
      return std::nullopt;
    if (p.ack != syn_cookie(key, local, lport, p.src, p.src_port) + 1) return std::nullopt;
    r.device = p.src;
    r.port = p.src_port;
    return r;
  }
  if (p.ip_version == 6) return read_icmpv6_unreachable(p, key, local, lport);
  if (p.ip_proto != ipproto::icmp || p.icmp_type != 3 || !filtering_code(p.icmp_code)) return std::nullopt;
  // ICMP body: 4 unused bytes, then the quoted IPv4 header and at least 8 bytes of its payload
  // (RFC 792): our source port, the probed port and our sequence number.
  const Bytes body = p.payload;
  if (body.size() < 4 + 20) return std::nullopt;
  const Bytes quoted = body.subspan(4);
  if ((quoted[0] >> 4) != 4 || quoted[9] != ipproto::tcp) return std::nullopt;
  const std::size_t ihl = static_cast<std::size_t>(quoted[0] & 0x0f) * 4;
  if (ihl < 20 || quoted.size() < ihl + 8) return std::nullopt;
  const Address src = Address::v4(be32(quoted, 12));
  const Address dst = Address::v4(be32(quoted, 16));
  return unreachable_quoting(p, quoted, ihl, src, dst, key, local, lport);
}

namespace {

// ICMPv6 destination unreachable (type 1, RFC 4443 3.1): every code (no route, administratively
// prohibited, beyond scope, address or port unreachable, policy, reject route) means a filter or
// the path refused the probe. The body is 4 unused bytes, then as much of the invoking packet as
// fits: our IPv6 header (40 bytes; a probe of ours carries no extension header) and at least the
// first 8 bytes of its TCP header.
std::optional<SynReply> read_icmpv6_unreachable(const DecodedPacket& p, const SynKey& key, const Address& local,
                                                std::uint16_t lport) noexcept {
  if (p.ip_proto != ipproto::icmpv6 || p.icmp_type != 1 || p.icmp_code > 6) return std::nullopt;
  const Bytes body = p.payload;
  if (body.size() < 4 + 40 + 8) return std::nullopt;
  const Bytes quoted = body.subspan(4);
  if ((quoted[0] >> 4) != 6 || quoted[6] != ipproto::tcp) return std::nullopt;
  Address src, dst;
  src.v6 = dst.v6 = true;
  for (std::size_t i = 0; i < 16; ++i) {
    src.bytes[i] = quoted[8 + i];
    dst.bytes[i] = quoted[24 + i];
  }
  return unreachable_quoting(p, quoted, 40, src, dst, key, local, lport);
}

}  // namespace

}  // namespace trustscan
