// trustscan — DNS and mDNS query builders and message parser (pure, no I/O).
//
// Two probes share this parser. The DNS probe asks a device's resolver for "version.bind" CH TXT
// (software disclosure) and reads the RA bit (an open recursive resolver on a device is an
// amplification risk). The mDNS probe sends one DNS-SD meta-query (RFC 6763 §9) to UDP 5353
// and lists what the device advertises (services, instance names, host names, TXT keys).
//
//   scanner ── version.bind CH TXT (build_version_bind_query) ──► device :53
//   scanner ◄─────────────── response (parse_dns_message) ────────
//   scanner ── _services._dns-sd._udp.local PTR, QU (build_mdns_services_query) ──► device :5353
//   scanner ◄─────────────── unicast response (parse_dns_message) ────
//
// parse_dns_message is a datagram parser (docs/probes.md): a truncated message is invalid, never
// need_more. parse_dns_tcp_message frames DNS over TCP (2-byte length prefix) as a stream parser.
//
// Names are rendered as dotted text without the final dot ("." for the root). Inside a label, '.'
// and '\' are escaped as "\." and "\\", and a byte that is neither printable ASCII nor part of a
// well-formed UTF-8 sequence as "\DDD" (decimal, RFC 1035 §5.1), so names stay valid UTF-8 and
// can be fed back to build_dns_query unchanged.
//
// Observation keys, dns_observations (only for a response, QR = 1):
//   dns.rcode               int     RCODE of the header (0 NOERROR, 3 NXDOMAIN, 5 REFUSED…)
//   dns.recursion_available bool   the RA flag
//   dns.version_bind        string  TXT strings of a "version.bind" CH TXT answer, joined by " "
// mdns_observations (only for responses; each list key only when non-empty; deduplicated,
// at most kDnsMaxListItems items):
//   mdns.services           list    service types ("_http._tcp.local"): targets of
//                                   _services._dns-sd._udp.local PTRs and owners of other PTRs
//   mdns.instances          list    service instance names: PTR targets and SRV owners
//   mdns.hostnames          list    SRV targets, A/AAAA owners, reverse-map PTR targets
//   mdns.txt                list    non-empty TXT strings, usually "key=value"
#pragma once

#include "trustscan/parse.hpp"
#include "trustscan/types.hpp"

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace trustscan {

/// Largest message accepted, in bytes (UDP and TCP framing both top out at 65535).
inline constexpr std::size_t kDnsMaxMessage = 65535;
/// Most compression pointers followed while reading one name; more is invalid (loop guard).
inline constexpr std::size_t kDnsMaxPointerJumps = 32;
/// Longest name on the wire (RFC 1035 §3.1): label length bytes + labels + root byte.
inline constexpr std::size_t kDnsMaxNameWire = 255;
/// Most questions kept; more are parsed and validated but not stored.
inline constexpr std::size_t kDnsMaxQuestions = 32;
/// Most records kept per section (answer, authority, additional); more are parsed, not stored.
inline constexpr std::size_t kDnsMaxRecords = 128;
/// Most TXT strings kept per record.
inline constexpr std::size_t kDnsMaxTxtStrings = 64;
/// Most items in each mdns.* list.
inline constexpr std::size_t kDnsMaxListItems = 64;

/// Record types and classes this module names.
inline constexpr std::uint16_t kDnsTypeA = 1, kDnsTypeNs = 2, kDnsTypeCname = 5, kDnsTypeSoa = 6,
                               kDnsTypePtr = 12, kDnsTypeTxt = 16, kDnsTypeAaaa = 28,
                               kDnsTypeSrv = 33, kDnsTypeOpt = 41, kDnsTypeAny = 255;
inline constexpr std::uint16_t kDnsClassIn = 1, kDnsClassCh = 3;
/// mDNS: top bit of a question's class asks for a unicast reply (QU, RFC 6762 §5.4); top bit
/// of a record's class is the cache-flush bit (§10.2). Mask with 0x7fff for the class itself.
inline constexpr std::uint16_t kMdnsUnicastBit = 0x8000;
inline constexpr std::uint16_t kMdnsPort = 5353;
inline constexpr std::string_view kMdnsServicesName = "_services._dns-sd._udp.local";

struct DnsQuestion {
  std::string name;
  std::uint16_t type = 0;
  std::uint16_t qclass = 0;  ///< as on the wire (mDNS QU bit included)
};

struct DnsRecord {
  std::string name;
  std::uint16_t type = 0;
  std::uint16_t rclass = 0;  ///< as on the wire (mDNS cache-flush bit included)
  std::uint32_t ttl = 0;     ///< seconds
  std::uint16_t rdlength = 0;
  /// A: "192.0.2.1"; AAAA: RFC 5952 text; PTR, CNAME, NS: the target name; SRV: the target host
  /// name; empty for TXT and for every other type (only rdlength is kept).
  std::string data;
  std::vector<std::string> txt;  ///< TXT strings, escaped like labels minus '.'; capped
  std::uint16_t srv_priority = 0, srv_weight = 0, srv_port = 0;
};

struct DnsMessage {
  std::uint16_t id = 0;
  bool qr = false;          ///< response
  std::uint8_t opcode = 0;  ///< 0 QUERY
  bool aa = false, tc = false, rd = false, ra = false, ad = false, cd = false;
  std::uint8_t rcode = 0;   ///< header RCODE (4 bits; EDNS extended bits are not merged)
  /// Counts announced in the header; the vectors below hold at most the caps above.
  std::uint16_t qdcount = 0, ancount = 0, nscount = 0, arcount = 0;
  std::vector<DnsQuestion> questions;
  std::vector<DnsRecord> answers, authority, additional;
  std::vector<std::uint8_t> raw;  ///< first Evidence::kMaxExcerpt bytes of the message
};

/// Standard query for `name` (dotted, escapes as above, trailing dot optional; "" or "." is the
/// root). Returns an empty vector when the name does not encode (empty label, label over 63
/// bytes, name over 255 bytes, bad escape).
std::vector<std::uint8_t> build_dns_query(std::uint16_t id, std::string_view name,
                                          std::uint16_t qtype, std::uint16_t qclass = kDnsClassIn,
                                          bool recursion_desired = true);

/// "version.bind" CH TXT, RD clear: BIND, dnsmasq, Unbound and others answer with their version.
std::vector<std::uint8_t> build_version_bind_query(std::uint16_t id);

/// mDNS query (id 0, RD clear, RFC 6762 §18) for `name`/`qtype` in class IN, with the QU bit
/// when `unicast_response` so the responder answers the scanner's port directly instead of the
/// multicast group. Empty vector when the name does not encode.
std::vector<std::uint8_t> build_mdns_query(std::string_view name, std::uint16_t qtype,
                                           bool unicast_response = true);

/// The DNS-SD service enumeration meta-query: _services._dns-sd._udp.local PTR.
std::vector<std::uint8_t> build_mdns_services_query(bool unicast_response = true);

/// One DNS message (a UDP payload). invalid when shorter than the 12-byte header, larger than
/// kDnsMaxMessage, or when a question or record runs past the end; when a name is malformed
/// (label type 0x40/0x80, pointer not strictly backwards, more than kDnsMaxPointerJumps jumps,
/// over kDnsMaxNameWire bytes); when A/AAAA rdata is not 4/16 bytes; when a PTR/CNAME/NS/SRV
/// name or the TXT strings do not fill their rdata exactly. Bytes after the last record are
/// ignored (some responders pad).
Parse parse_dns_message(Bytes in, DnsMessage& out) noexcept;

/// DNS over TCP: a 2-byte big-endian length then one message. need_more until the whole
/// message is in `in`; invalid when the length is below 12 or the message is invalid. On done,
/// `consumed` = 2 + length.
Parse parse_dns_tcp_message(Bytes in, DnsMessage& out, std::size_t& consumed) noexcept;

/// Observations for a unicast DNS response (keys at the top of this file).
std::vector<Observation> dns_observations(const DnsMessage& message, const Endpoint& endpoint);

/// Observations for one mDNS response (keys at the top of this file).
std::vector<Observation> mdns_observations(const DnsMessage& message, const Endpoint& endpoint);
/// Same, merging several responses (a responder may answer in more than one datagram) into one
/// observation per key; the evidence excerpt is the first response's.
std::vector<Observation> mdns_observations(std::span<const DnsMessage> messages,
                                           const Endpoint& endpoint);

}  // namespace trustscan
