// trustscan — DNS / mDNS builders and parser. See dns.hpp for the contract.
#include "probes/dns/dns.hpp"
#include "trustscan/byte_reader.hpp"
#include "trustscan/text.hpp"
#include "probes/dns/dns_keys.hpp"

#include <algorithm>
#include <array>

namespace trustscan {
namespace {

// Reads go through ByteReader's checked style over the whole message: its positions are
// absolute offsets, as compression pointers are.

// Label or TXT bytes as text: printable ASCII and UTF-8 kept, '\' (and '.' in labels) escaped
// with a backslash, every other byte as \DDD (RFC 1035 §5.1 master-file syntax).
void append_escaped(std::string& out, Bytes b, bool escape_dot) {
  for (std::size_t i = 0; i < b.size();) {
    const std::uint8_t c = b[i];
    if (c == '\\' || (escape_dot && c == '.')) {
      out += '\\';
      out += static_cast<char>(c);
      ++i;
    } else if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
      ++i;
    } else if (const std::size_t n = c >= 0x80 ? utf8_sequence(b, i) : 0; n != 0) {
      out.append(reinterpret_cast<const char*>(b.data() + i), n);
      i += n;
    } else {
      out += '\\';
      out += static_cast<char>('0' + c / 100);
      out += static_cast<char>('0' + c / 10 % 10);
      out += static_cast<char>('0' + c % 10);
      ++i;
    }
  }
}

// Reads a possibly compressed name starting at r.pos; leaves r.pos after the name as it appears
// in place (after the first pointer, if any). Loop-proof twice over: a pointer must point strictly
// before itself, so pointer chains always move backwards, and both the jumps and the wire length
// are capped, so label-then-pointer cycles end too.
bool read_name(ByteReader& r, std::string& out) {
  const Bytes msg = r.b;
  std::size_t p = r.pos;
  std::size_t after = 0;  // position after the in-place part of the name, once a pointer is seen
  std::size_t jumps = 0;
  std::size_t wire = 1;  // the root byte
  std::string name;
  for (;;) {
    if (p >= msg.size()) return false;
    const std::uint8_t len = msg[p];
    if ((len & 0xc0) == 0xc0) {
      if (p + 1 >= msg.size()) return false;
      const std::size_t target = (static_cast<std::size_t>(len & 0x3f) << 8) | msg[p + 1];
      if (target >= p || ++jumps > kDnsMaxPointerJumps) return false;
      if (after == 0) after = p + 2;
      p = target;
      continue;
    }
    if ((len & 0xc0) != 0) return false;  // 0x40 extended and 0x80 reserved label types
    if (len == 0) {
      r.pos = after != 0 ? after : p + 1;
      out = name.empty() ? std::string(".") : std::move(name);
      return true;
    }
    wire += 1 + std::size_t{len};
    if (wire > kDnsMaxNameWire || msg.size() - (p + 1) < len) return false;
    if (!name.empty()) name += '.';
    append_escaped(name, msg.subspan(p + 1, len), true);
    p += 1 + std::size_t{len};
  }
}

// RFC 5952: lowercase, no leading zeros, the longest run (>= 2) of zero groups as "::".
std::string format_ipv6(Bytes b) {
  std::array<unsigned, 8> g{};
  for (std::size_t i = 0; i < 8; ++i) g[i] = (unsigned{b[2 * i]} << 8) | b[2 * i + 1];
  std::size_t best = 8, best_len = 0;
  for (std::size_t i = 0; i < 8;) {
    if (g[i] != 0) {
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < 8 && g[j] == 0) ++j;
    if (j - i > best_len && j - i >= 2) {
      best = i;
      best_len = j - i;
    }
    i = j;
  }
  static constexpr char hex[] = "0123456789abcdef";
  std::string s;
  for (std::size_t i = 0; i < 8; ++i) {
    if (i == best) {
      s += "::";
      i += best_len - 1;
      continue;
    }
    if (!s.empty() && s.back() != ':') s += ':';
    bool started = false;
    for (int shift = 12; shift >= 0; shift -= 4) {
      const unsigned d = (g[i] >> shift) & 15;
      if (d != 0 || started || shift == 0) {
        s += hex[d];
        started = true;
      }
    }
  }
  return s;
}

bool read_question(ByteReader& r, DnsQuestion& q) {
  return read_name(r, q.name) && r.u16(q.type) && r.u16(q.qclass);
}

bool read_record(ByteReader& r, DnsRecord& rr) {
  if (!read_name(r, rr.name) || !r.u16(rr.type) || !r.u16(rr.rclass) || !r.u32(rr.ttl) ||
      !r.u16(rr.rdlength) || r.left() < rr.rdlength)
    return false;
  const std::size_t start = r.pos, end = r.pos + rr.rdlength;
  const Bytes rd = r.b.subspan(start, rr.rdlength);
  // Names inside rdata may point anywhere earlier in the message, so they are read through the
  // whole-message reader and must end exactly at the end of the rdata.
  ByteReader sub{r.b, start};
  switch (rr.type) {
    case kDnsTypeA:
      if (rd.size() != 4) return false;
      rr.data = std::to_string(rd[0]) + '.' + std::to_string(rd[1]) + '.' + std::to_string(rd[2]) +
                '.' + std::to_string(rd[3]);
      break;
    case kDnsTypeAaaa:
      if (rd.size() != 16) return false;
      rr.data = format_ipv6(rd);
      break;
    case kDnsTypeNs: case kDnsTypeCname: case kDnsTypePtr:
      if (!read_name(sub, rr.data) || sub.pos != end) return false;
      break;
    case kDnsTypeSrv:
      if (!sub.u16(rr.srv_priority) || !sub.u16(rr.srv_weight) || !sub.u16(rr.srv_port) ||
          sub.pos > end || !read_name(sub, rr.data) || sub.pos != end)
        return false;
      break;
    case kDnsTypeTxt:
      for (std::size_t i = 0; i < rd.size();) {
        const std::size_t n = rd[i];
        if (rd.size() - (i + 1) < n) return false;
        if (rr.txt.size() < kDnsMaxTxtStrings) {
          std::string s;
          append_escaped(s, rd.subspan(i + 1, n), false);
          rr.txt.push_back(std::move(s));
        }
        i += 1 + n;
      }
      break;
    default:
      break;  // only the length is kept
  }
  r.pos = end;
  return true;
}

bool read_section(ByteReader& r, std::uint16_t count, std::vector<DnsRecord>& into) {
  for (std::uint16_t i = 0; i < count; ++i) {
    DnsRecord rr;
    if (!read_record(r, rr)) return false;
    if (into.size() < kDnsMaxRecords) into.push_back(std::move(rr));
  }
  return true;
}

Parse parse_message(Bytes in, DnsMessage& out) {
  if (in.size() < 12 || in.size() > kDnsMaxMessage) return Parse::invalid;
  DnsMessage m;
  ByteReader r{in};
  std::uint16_t flags = 0;
  r.u16(m.id);
  r.u16(flags);
  r.u16(m.qdcount);
  r.u16(m.ancount);
  r.u16(m.nscount);
  r.u16(m.arcount);
  m.qr = (flags & 0x8000) != 0;
  m.opcode = static_cast<std::uint8_t>((flags >> 11) & 15);
  m.aa = (flags & 0x0400) != 0;
  m.tc = (flags & 0x0200) != 0;
  m.rd = (flags & 0x0100) != 0;
  m.ra = (flags & 0x0080) != 0;
  m.ad = (flags & 0x0020) != 0;
  m.cd = (flags & 0x0010) != 0;
  m.rcode = static_cast<std::uint8_t>(flags & 15);
  // Each question takes >= 5 bytes and each record >= 11, so the loops below are bounded by the
  // message size whatever the header counts claim.
  for (std::uint16_t i = 0; i < m.qdcount; ++i) {
    DnsQuestion q;
    if (!read_question(r, q)) return Parse::invalid;
    if (m.questions.size() < kDnsMaxQuestions) m.questions.push_back(std::move(q));
  }
  if (!read_section(r, m.ancount, m.answers) || !read_section(r, m.nscount, m.authority) ||
      !read_section(r, m.arcount, m.additional))
    return Parse::invalid;
  m.raw.assign(in.begin(), in.begin() + static_cast<std::ptrdiff_t>(
                                           std::min(in.size(), Evidence::kMaxExcerpt)));
  out = std::move(m);
  return Parse::done;
}

// Dotted text (with \. \\ \DDD escapes) to wire labels.
bool encode_name(std::string_view name, std::vector<std::uint8_t>& out) {
  if (name.empty() || name == ".") {
    out.push_back(0);
    return true;
  }
  std::size_t wire = 1;
  std::string label;
  bool label_open = false;  // something (even an escape) since the last dot
  auto flush = [&]() {
    if (label.empty() || label.size() > 63) return false;
    wire += 1 + label.size();
    if (wire > kDnsMaxNameWire) return false;
    out.push_back(static_cast<std::uint8_t>(label.size()));
    out.insert(out.end(), label.begin(), label.end());
    label.clear();
    label_open = false;
    return true;
  };
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    if (c == '\\') {
      if (i + 1 >= name.size()) return false;
      const char e = name[i + 1];
      if (e >= '0' && e <= '9') {
        if (i + 3 >= name.size()) return false;
        int v = 0;
        for (std::size_t k = 1; k <= 3; ++k) {
          const char d = name[i + k];
          if (d < '0' || d > '9') return false;
          v = v * 10 + (d - '0');
        }
        if (v > 255) return false;
        label += static_cast<char>(v);
        i += 3;
      } else {
        label += e;
        i += 1;
      }
      label_open = true;
    } else if (c == '.') {
      if (!flush()) return false;
      if (i + 1 == name.size()) break;  // trailing dot: fully qualified
    } else {
      label += c;
      label_open = true;
    }
  }
  if (label_open && !flush()) return false;
  out.push_back(0);
  return true;
}

std::vector<std::uint8_t> build_query(std::uint16_t id, std::string_view name, std::uint16_t qtype,
                                      std::uint16_t qclass, bool rd) {
  std::vector<std::uint8_t> q = {static_cast<std::uint8_t>(id >> 8), static_cast<std::uint8_t>(id),
                                 static_cast<std::uint8_t>(rd ? 0x01 : 0x00), 0x00,
                                 0, 1, 0, 0, 0, 0, 0, 0};
  if (!encode_name(name, q)) return {};
  q.push_back(static_cast<std::uint8_t>(qtype >> 8));
  q.push_back(static_cast<std::uint8_t>(qtype));
  q.push_back(static_cast<std::uint8_t>(qclass >> 8));
  q.push_back(static_cast<std::uint8_t>(qclass));
  return q;
}


// DNS names compare case-insensitively, so the lists do too.
void add_unique(std::vector<std::string>& list, const std::string& item) {
  if (item.empty() || item == "." || list.size() >= kDnsMaxListItems) return;
  for (const auto& x : list)
    if (iequals(x, item)) return;
  list.push_back(item);
}

}  // namespace

std::vector<std::uint8_t> build_dns_query(std::uint16_t id, std::string_view name,
                                          std::uint16_t qtype, std::uint16_t qclass,
                                          bool recursion_desired) {
  return build_query(id, name, qtype, qclass, recursion_desired);
}

std::vector<std::uint8_t> build_version_bind_query(std::uint16_t id) {
  return build_query(id, "version.bind", kDnsTypeTxt, kDnsClassCh, false);
}

std::vector<std::uint8_t> build_mdns_query(std::string_view name, std::uint16_t qtype,
                                           bool unicast_response) {
  // RFC 6762 §18.1: the id SHOULD be zero in multicast queries; RD is meaningless in mDNS.
  return build_query(0, name, qtype,
                     static_cast<std::uint16_t>(kDnsClassIn |
                                                (unicast_response ? kMdnsUnicastBit : 0)),
                     false);
}

std::vector<std::uint8_t> build_mdns_services_query(bool unicast_response) {
  return build_mdns_query(kMdnsServicesName, kDnsTypePtr, unicast_response);
}

Parse parse_dns_message(Bytes in, DnsMessage& out) noexcept {
  try {
    return parse_message(in, out);
  } catch (...) {
    // Only std::bad_alloc can get here (every list and string is capped).
    return Parse::invalid;
  }
}

Parse parse_dns_tcp_message(Bytes in, DnsMessage& out, std::size_t& consumed) noexcept {
  if (in.size() < 2) return Parse::need_more;
  const std::size_t len = (std::size_t{in[0]} << 8) | in[1];
  if (len < 12) return Parse::invalid;
  if (in.size() - 2 < len) return Parse::need_more;
  const Parse r = parse_dns_message(in.subspan(2, len), out);
  if (r == Parse::done) consumed = 2 + len;
  return r;
}

std::vector<Observation> dns_observations(const DnsMessage& message, const Endpoint& endpoint) {
  std::vector<Observation> out;
  if (!message.qr) return out;
  Evidence ev;
  ev.kind = "handshake";
  ev.detail = "DNS response id " + std::to_string(message.id) + ", rcode " +
              std::to_string(message.rcode) + (message.ra ? ", RA set" : ", RA clear");
  ev.excerpt = printable_excerpt(message.raw);
  out.push_back(Observation{endpoint, keys::dns::rcode, std::int64_t{message.rcode}, ev});
  out.push_back(Observation{endpoint, keys::dns::recursion_available, message.ra, ev});
  for (const auto& rr : message.answers) {
    if (rr.type != kDnsTypeTxt || (rr.rclass & 0x7fff) != kDnsClassCh ||
        !iequals(rr.name, "version.bind"))
      continue;
    std::string version;
    for (const auto& s : rr.txt) {
      if (!version.empty()) version += ' ';
      version += s;
    }
    Evidence vev = ev;
    vev.kind = "banner";
    vev.detail = "version.bind CH TXT answer";
    out.push_back(Observation{endpoint, keys::dns::version_bind, std::move(version), vev});
    break;
  }
  return out;
}

std::vector<Observation> mdns_observations(std::span<const DnsMessage> messages,
                                           const Endpoint& endpoint) {
  std::vector<std::string> services, instances, hostnames, txt;
  const DnsMessage* first = nullptr;
  for (const auto& m : messages) {
    if (!m.qr) continue;
    if (!first) first = &m;
    for (const auto* section : {&m.answers, &m.authority, &m.additional}) {
      for (const auto& rr : *section) {
        switch (rr.type) {
          case kDnsTypePtr:
            if (iequals(rr.name, kMdnsServicesName)) {
              add_unique(services, rr.data);
            } else if (iends_with(rr.name, ".in-addr.arpa") || iends_with(rr.name, ".ip6.arpa")) {
              add_unique(hostnames, rr.data);
            } else {
              add_unique(services, rr.name);
              add_unique(instances, rr.data);
            }
            break;
          case kDnsTypeSrv:
            add_unique(instances, rr.name);
            add_unique(hostnames, rr.data);
            break;
          case kDnsTypeA: case kDnsTypeAaaa:
            add_unique(hostnames, rr.name);
            break;
          case kDnsTypeTxt:
            for (const auto& s : rr.txt) add_unique(txt, s);
            break;
          default:
            break;
        }
      }
    }
  }
  std::vector<Observation> out;
  if (!first) return out;
  Evidence ev;
  ev.kind = "handshake";
  ev.detail = "mDNS response(s) to a DNS-SD query: " + std::to_string(messages.size()) +
              " datagram(s)";
  ev.excerpt = printable_excerpt(first->raw);
  auto add = [&](const ObservationKey& key, std::vector<std::string>& list) {
    if (!list.empty()) out.push_back(Observation{endpoint, key, std::move(list), ev});
  };
  add(keys::mdns::services, services);
  add(keys::mdns::instances, instances);
  add(keys::mdns::hostnames, hostnames);
  add(keys::mdns::txt, txt);
  return out;
}

std::vector<Observation> mdns_observations(const DnsMessage& message, const Endpoint& endpoint) {
  return mdns_observations(std::span<const DnsMessage>(&message, 1), endpoint);
}

}  // namespace trustscan
