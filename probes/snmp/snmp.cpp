// trustscan — SNMP v1/v2c over a small BER codec. See snmp.hpp for the contract.
#include "probes/snmp/snmp.hpp"
#include "probes/snmp/snmp_keys.hpp"

#include <algorithm>
#include <array>
#include <limits>

namespace trustscan {
namespace ber {

Parse read_tlv(Bytes in, Tlv& out) noexcept {
  if (in.empty()) return Parse::need_more;
  const std::uint8_t tag = in[0];
  if ((tag & 0x1f) == 0x1f) return Parse::invalid;  // high tag numbers: never used by SNMP
  if (in.size() < 2) return Parse::need_more;
  std::size_t len = in[1];
  std::size_t header = 2;
  if (len == 0x80) return Parse::invalid;  // indefinite length: BER allows it, SNMP never sends it
  if (len > 0x80) {
    const std::size_t n = len & 0x7f;
    if (n > 4) return Parse::invalid;
    if (in.size() < 2 + n) return Parse::need_more;
    len = 0;
    for (std::size_t i = 0; i < n; ++i) len = (len << 8) | in[2 + i];
    header = 2 + n;
  }
  if (len > kMaxSize) return Parse::invalid;
  if (in.size() - header < len) return Parse::need_more;
  out.tag = tag;
  out.value = in.subspan(header, len);
  out.size = header + len;
  return Parse::done;
}

bool validate(Bytes in, std::size_t max_depth) noexcept {
  // An explicit stack of the end offsets of open constructed TLVs replaces recursion, so hostile
  // nesting costs a bounded array, not the call stack.
  constexpr std::size_t kStack = 64;
  max_depth = std::min(max_depth, kStack - 1);
  if (in.size() > kMaxSize) return false;
  std::array<std::size_t, kStack> ends{};
  std::size_t depth = 0;
  ends[0] = in.size();
  std::size_t pos = 0;
  for (;;) {
    while (depth > 0 && pos == ends[depth]) --depth;
    if (pos == ends[depth]) return true;  // depth 0: the whole input has been walked
    Tlv t;
    if (read_tlv(in.subspan(pos, ends[depth] - pos), t) != Parse::done) return false;
    const std::size_t header = t.size - t.value.size();
    if ((t.tag & 0x20) != 0) {
      if (depth == max_depth) return false;
      ends[++depth] = pos + t.size;
      pos += header;
    } else {
      pos += t.size;
    }
  }
}

bool decode_integer(Bytes v, std::int64_t& out) noexcept {
  if (v.empty() || v.size() > 8) return false;
  std::uint64_t u = (v[0] & 0x80) ? ~std::uint64_t{0} : 0;
  for (const std::uint8_t b : v) u = (u << 8) | b;
  out = static_cast<std::int64_t>(u);  // C++20: modular conversion, well defined
  return true;
}

bool decode_unsigned(Bytes v, std::uint64_t& out) noexcept {
  if (v.empty() || (v[0] & 0x80) != 0) return false;
  if (v.size() == 9) {
    if (v[0] != 0) return false;
    v = v.subspan(1);
  }
  if (v.size() > 8) return false;
  std::uint64_t u = 0;
  for (const std::uint8_t b : v) u = (u << 8) | b;
  out = u;
  return true;
}

bool decode_oid(Bytes v, std::string& out) noexcept {
  if (v.empty()) return false;
  std::string s;
  std::size_t arcs = 0;
  std::size_t i = 0;
  while (i < v.size()) {
    if (v[i] == 0x80) return false;  // non-minimal sub-identifier (X.690 §8.19.2)
    std::uint64_t acc = 0;
    bool ended = false;
    while (i < v.size()) {
      const std::uint8_t b = v[i++];
      if (acc > (std::numeric_limits<std::uint64_t>::max() >> 7)) return false;
      acc = (acc << 7) | (b & 0x7f);
      if ((b & 0x80) == 0) {
        ended = true;
        break;
      }
    }
    if (!ended) return false;
    if (arcs == 0) {
      // The first sub-identifier packs two arcs: 40 * X + Y, X in 0..2 (X.690 §8.19.4).
      const std::uint64_t x = acc < 40 ? 0 : acc < 80 ? 1 : 2;
      s = std::to_string(x) + '.' + std::to_string(acc - 40 * x);
      arcs = 2;
    } else {
      if (++arcs > kMaxOidArcs) return false;
      s += '.';
      s += std::to_string(acc);
    }
  }
  out = std::move(s);
  return true;
}

namespace {
void append_length(std::vector<std::uint8_t>& out, std::size_t len) {
  if (len < 0x80) {
    out.push_back(static_cast<std::uint8_t>(len));
    return;
  }
  std::size_t n = 0;
  for (std::size_t x = len; x > 0; x >>= 8) ++n;
  out.push_back(static_cast<std::uint8_t>(0x80 | n));
  for (std::size_t i = n; i-- > 0;) out.push_back(static_cast<std::uint8_t>(len >> (8 * i)));
}
void append_base128(std::vector<std::uint8_t>& out, std::uint64_t v) {
  std::array<std::uint8_t, 10> tmp{};
  std::size_t n = 0;
  do {
    tmp[n++] = static_cast<std::uint8_t>(v & 0x7f);
    v >>= 7;
  } while (v > 0);
  while (n-- > 0) out.push_back(static_cast<std::uint8_t>(tmp[n] | (n > 0 ? 0x80 : 0)));
}
}  // namespace

bool encode_oid(std::string_view dotted, std::vector<std::uint8_t>& out) {
  std::vector<std::uint64_t> arcs;
  std::size_t start = 0;
  while (start <= dotted.size()) {
    std::size_t end = dotted.find('.', start);
    if (end == std::string_view::npos) end = dotted.size();
    const std::string_view a = dotted.substr(start, end - start);
    if (a.empty() || a.size() > 10) return false;
    std::uint64_t v = 0;
    for (const char c : a) {
      if (c < '0' || c > '9') return false;
      v = v * 10 + static_cast<std::uint64_t>(c - '0');
    }
    if (v > 0xffffffffu) return false;
    arcs.push_back(v);
    if (arcs.size() > kMaxOidArcs) return false;
    start = end + 1;
  }
  if (arcs.size() < 2 || arcs[0] > 2 || (arcs[0] < 2 && arcs[1] >= 40)) return false;
  out.clear();
  append_base128(out, arcs[0] * 40 + arcs[1]);
  for (std::size_t i = 2; i < arcs.size(); ++i) append_base128(out, arcs[i]);
  return true;
}

void append_tlv(std::vector<std::uint8_t>& out, std::uint8_t tag, Bytes value) {
  out.push_back(tag);
  append_length(out, value.size());
  out.insert(out.end(), value.begin(), value.end());
}

void append_integer(std::vector<std::uint8_t>& out, std::int64_t v) {
  // Minimal two's complement: drop a leading byte while it only repeats the next byte's sign.
  std::array<std::uint8_t, 8> b{};
  const auto u = static_cast<std::uint64_t>(v);
  for (std::size_t i = 0; i < 8; ++i) b[i] = static_cast<std::uint8_t>(u >> (8 * (7 - i)));
  std::size_t first = 0;
  while (first < 7 && ((b[first] == 0x00 && (b[first + 1] & 0x80) == 0) ||
                       (b[first] == 0xff && (b[first + 1] & 0x80) != 0)))
    ++first;
  append_tlv(out, kInteger, Bytes(b.data() + first, 8 - first));
}

}  // namespace ber

namespace {

bool is_text(Bytes b) noexcept {
  for (std::size_t i = 0; i < b.size();) {
    const std::uint8_t c = b[i];
    if ((c >= 0x20 && c < 0x7f) || c == '\r' || c == '\n' || c == '\t') ++i;
    else if (const std::size_t n = utf8_sequence(b, i); n != 0) i += n;
    else return false;
  }
  return true;
}

std::string hex_pairs(Bytes b) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string s;
  s.reserve(b.size() * 3);
  for (const std::uint8_t c : b) {
    if (!s.empty()) s += ' ';
    s += hex[c >> 4];
    s += hex[c & 15];
  }
  return s;
}

// The community as printable text: \xNN for anything outside printable ASCII and the backslash.
std::string community_text(Bytes b) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string s;
  for (const std::uint8_t c : b.first(std::min(b.size(), kSnmpMaxValue))) {
    if (c >= 0x20 && c < 0x7f && c != '\\') s += static_cast<char>(c);
    else {
      s += "\\x";
      s += hex[c >> 4];
      s += hex[c & 15];
    }
  }
  return s;
}

// Reads the next TLV of a complete, validated parent; `want` 0 accepts any tag.
bool next(Bytes& rest, ber::Tlv& t, std::uint8_t want = 0) noexcept {
  if (ber::read_tlv(rest, t) != Parse::done) return false;
  if (want != 0 && t.tag != want) return false;
  rest = rest.subspan(t.size);
  return true;
}

bool render_value(const ber::Tlv& t, SnmpVarbind& vb) {
  const Bytes v = t.value;
  std::uint64_t u = 0;
  std::int64_t i = 0;
  switch (t.tag) {
    case ber::kInteger:
      if (!ber::decode_integer(v, i)) return false;
      vb.type = "INTEGER";
      vb.value = std::to_string(i);
      return true;
    case ber::kOctetString: {
      vb.type = "OCTET STRING";
      Bytes s = v.first(std::min(v.size(), kSnmpMaxValue));
      // Some embedded agents NUL-terminate their strings; the NUL is not part of the text.
      Bytes trimmed = s;
      while (!trimmed.empty() && trimmed.back() == 0) trimmed = trimmed.first(trimmed.size() - 1);
      if (is_text(trimmed)) {
        vb.value.assign(reinterpret_cast<const char*>(trimmed.data()), trimmed.size());
        // The scanner's opt-in SET writes `value` back; it must then be the agent's exact bytes.
        vb.exact = trimmed.size() == v.size();
      } else {
        vb.value = hex_pairs(s);
        vb.hex = true;
      }
      return true;
    }
    case ber::kNull:
      vb.type = "NULL";
      return v.empty();
    case ber::kOid:
      vb.type = "OBJECT IDENTIFIER";
      return ber::decode_oid(v, vb.value);
    case ber::kIpAddress:
      if (v.size() != 4) return false;
      vb.type = "IpAddress";
      vb.value = std::to_string(v[0]) + '.' + std::to_string(v[1]) + '.' + std::to_string(v[2]) +
                 '.' + std::to_string(v[3]);
      return true;
    case ber::kCounter32: case ber::kGauge32: case ber::kTimeTicks: case ber::kCounter64:
      if (!ber::decode_unsigned(v, u)) return false;
      vb.type = t.tag == ber::kCounter32 ? "Counter32"
                : t.tag == ber::kGauge32 ? "Gauge32"
                : t.tag == ber::kTimeTicks ? "TimeTicks"
                                           : "Counter64";
      vb.value = std::to_string(u);
      return true;
    case ber::kNoSuchObject: vb.type = "noSuchObject"; return true;
    case ber::kNoSuchInstance: vb.type = "noSuchInstance"; return true;
    case ber::kEndOfMibView: vb.type = "endOfMibView"; return true;
    default: {
      static constexpr char hex[] = "0123456789abcdef";
      vb.type = t.tag == ber::kOpaque ? std::string("Opaque")
                                      : std::string("tag 0x") + hex[t.tag >> 4] + hex[t.tag & 15];
      vb.value = hex_pairs(v.first(std::min(v.size(), kSnmpMaxValue)));
      vb.hex = true;
      return true;
    }
  }
}

bool is_standard_pdu(std::uint8_t tag) noexcept {
  return (tag >= ber::kGetRequest && tag <= ber::kSetRequest) ||
         (tag >= ber::kGetBulkRequest && tag <= ber::kReport);
}

Parse parse_message(Bytes in, SnmpResponse& out) {
  if (in.empty() || in.size() > ber::kMaxSize || !ber::validate(in)) return Parse::invalid;
  ber::Tlv msg;
  if (ber::read_tlv(in, msg) != Parse::done || msg.tag != ber::kSequence || msg.size != in.size())
    return Parse::invalid;
  SnmpResponse r;
  Bytes rest = msg.value;
  ber::Tlv t;
  std::int64_t version = -1;
  if (!next(rest, t, ber::kInteger) || !ber::decode_integer(t.value, version) ||
      (version != kSnmpV1 && version != kSnmpV2c))
    return Parse::invalid;
  r.version = static_cast<int>(version);
  if (!next(rest, t, ber::kOctetString)) return Parse::invalid;
  r.community = community_text(t.value);
  ber::Tlv pdu;
  if (!next(rest, pdu) || !rest.empty() || !is_standard_pdu(pdu.tag)) return Parse::invalid;
  r.pdu_type = pdu.tag;
  Bytes p = pdu.value;
  if (!next(p, t, ber::kInteger) || !ber::decode_integer(t.value, r.request_id) ||
      !next(p, t, ber::kInteger) || !ber::decode_integer(t.value, r.error_status) ||
      !next(p, t, ber::kInteger) || !ber::decode_integer(t.value, r.error_index))
    return Parse::invalid;
  ber::Tlv list;
  if (!next(p, list, ber::kSequence) || !p.empty()) return Parse::invalid;
  Bytes vbs = list.value;
  while (!vbs.empty()) {
    ber::Tlv vb, name, value;
    if (!next(vbs, vb, ber::kSequence)) return Parse::invalid;
    Bytes fields = vb.value;
    if (!next(fields, name, ber::kOid) || !next(fields, value) || !fields.empty())
      return Parse::invalid;
    SnmpVarbind v;
    if (!ber::decode_oid(name.value, v.oid) || !render_value(value, v)) return Parse::invalid;
    // Keep validating past the cap so a malformed tail still makes the datagram invalid.
    if (r.varbinds.size() < kSnmpMaxVarbinds) r.varbinds.push_back(std::move(v));
    ++r.varbind_count;
  }
  r.raw.assign(in.begin(), in.begin() + static_cast<std::ptrdiff_t>(
                                           std::min(in.size(), Evidence::kMaxExcerpt)));
  out = std::move(r);
  return Parse::done;
}

std::vector<std::uint8_t> build_request(int version, std::string_view community,
                                        std::int32_t request_id, std::uint8_t pdu_tag,
                                        const std::vector<std::string>& oids,
                                        const std::string_view* set_value) {
  if ((version != kSnmpV1 && version != kSnmpV2c) || community.size() > 255 || oids.empty() ||
      oids.size() > kSnmpMaxVarbinds || (set_value && set_value->size() > kSnmpMaxValue))
    return {};
  std::vector<std::uint8_t> list;
  std::vector<std::uint8_t> oid;
  for (const auto& o : oids) {
    if (!ber::encode_oid(o, oid)) return {};
    std::vector<std::uint8_t> vb;
    ber::append_tlv(vb, ber::kOid, oid);
    if (set_value) ber::append_tlv(vb, ber::kOctetString, as_bytes(*set_value));
    else ber::append_tlv(vb, ber::kNull, {});
    ber::append_tlv(list, ber::kSequence, vb);
  }
  std::vector<std::uint8_t> pdu;
  ber::append_integer(pdu, request_id);
  ber::append_integer(pdu, 0);  // error-status
  ber::append_integer(pdu, 0);  // error-index
  ber::append_tlv(pdu, ber::kSequence, list);
  std::vector<std::uint8_t> body;
  ber::append_integer(body, version);
  ber::append_tlv(body, ber::kOctetString, as_bytes(community));
  ber::append_tlv(body, pdu_tag, pdu);
  std::vector<std::uint8_t> msg;
  ber::append_tlv(msg, ber::kSequence, body);
  return msg;
}

}  // namespace

std::vector<std::uint8_t> build_snmp_get(int version, std::string_view community,
                                         std::int32_t request_id,
                                         const std::vector<std::string>& oids) {
  return build_request(version, community, request_id, ber::kGetRequest, oids, nullptr);
}

std::vector<std::uint8_t> build_snmp_get_next(int version, std::string_view community,
                                              std::int32_t request_id,
                                              const std::vector<std::string>& oids) {
  return build_request(version, community, request_id, ber::kGetNextRequest, oids, nullptr);
}

std::vector<std::uint8_t> build_snmp_set(int version, std::string_view community,
                                         std::int32_t request_id, std::string_view oid,
                                         std::string_view value) {
  return build_request(version, community, request_id, ber::kSetRequest, {std::string(oid)},
                       &value);
}

Parse parse_snmp_message(Bytes in, SnmpResponse& out) noexcept {
  try {
    return parse_message(in, out);
  } catch (...) {
    // Only std::bad_alloc can get here (strings are capped); an input we cannot hold is invalid.
    return Parse::invalid;
  }
}

Parse parse_snmp_response(Bytes in, SnmpResponse& out) noexcept {
  SnmpResponse r;
  const Parse p = parse_snmp_message(in, r);
  if (p != Parse::done) return p;
  if (r.pdu_type != ber::kGetResponse && r.pdu_type != ber::kReport) return Parse::invalid;
  out = std::move(r);
  return Parse::done;
}

std::vector<Observation> snmp_observations(const SnmpResponse& response, const Endpoint& endpoint) {
  std::vector<Observation> out;
  if (response.pdu_type != ber::kGetResponse) return out;
  const std::string version = response.version == kSnmpV2c ? "v2c" : "v1";
  Evidence ev;
  ev.kind = "handshake";
  ev.detail = "SNMP " + version + " GetResponse for community '" + response.community +
              "', error-status " + std::to_string(response.error_status);
  ev.excerpt = printable_excerpt(response.raw);
  auto add = [&](const ObservationKey& key, Value v, const Evidence& e) {
    out.push_back(Observation{endpoint, key, std::move(v), e});
  };
  // The community is a credential: carry it in the evidence so --redact can hide it.
  Evidence cred = ev;
  cred.kind = "credential";
  cred.password = response.community;
  add(keys::snmp::community, response.community, cred);
  add(keys::snmp::version, version, ev);
  if (response.error_status != 0) return out;
  for (const auto& vb : response.varbinds) {
    const ObservationKey* key = vb.oid == kOidSysDescr       ? &keys::snmp::sys_descr
                                : vb.oid == kOidSysObjectId  ? &keys::snmp::sys_object_id
                                : vb.oid == kOidSysName      ? &keys::snmp::sys_name
                                                             : nullptr;
    if (!key) continue;
    if (vb.type == "NULL" || vb.type == "noSuchObject" || vb.type == "noSuchInstance" ||
        vb.type == "endOfMibView")
      continue;
    if (std::any_of(out.begin(), out.end(), [&](const Observation& o) { return o.key == *key; }))
      continue;  // one value per key even if an agent repeats a varbind
    add(*key, vb.value, ev);
  }
  return out;
}

}  // namespace trustscan
