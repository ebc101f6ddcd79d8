// trustscan — CoAP messages and link format. See coap.hpp for the contract.
#include "probes/coap/coap.hpp"
#include "probes/coap/coap_keys.hpp"

#include <algorithm>

namespace trustscan {
namespace {

constexpr std::size_t kMaxPathSegments = 16;
constexpr std::size_t kMaxSegment = 255;  // Uri-Path option length range (RFC 7252 §5.10)

// Option delta or length: nibble 0..12 as is, 13 → one extra byte + 13, 14 → two bytes + 269.
void put_extended(std::vector<std::uint8_t>& out, std::size_t nibble_at, bool high, std::size_t v,
                  std::vector<std::uint8_t>& ext) {
  std::uint8_t nibble = 0;
  if (v < 13) {
    nibble = static_cast<std::uint8_t>(v);
  } else if (v < 269) {
    nibble = 13;
    ext.push_back(static_cast<std::uint8_t>(v - 13));
  } else {
    nibble = 14;
    ext.push_back(static_cast<std::uint8_t>((v - 269) >> 8));
    ext.push_back(static_cast<std::uint8_t>(v - 269));
  }
  out[nibble_at] = static_cast<std::uint8_t>(out[nibble_at] | (high ? nibble << 4 : nibble));
}

// Reads the extension of a delta/length nibble; false if the bytes are missing or the nibble is
// 15 (reserved outside the payload marker).
bool read_extended(Bytes d, std::size_t& i, unsigned nibble, std::size_t& v) noexcept {
  if (nibble < 13) {
    v = nibble;
  } else if (nibble == 13) {
    if (i >= d.size()) return false;
    v = 13 + std::size_t{d[i]};
    i += 1;
  } else if (nibble == 14) {
    if (d.size() - i < 2) return false;
    v = 269 + ((std::size_t{d[i]} << 8) | d[i + 1]);
    i += 2;
  } else {
    return false;
  }
  return true;
}

// Options, then the payload after a 0xFF marker, from byte `i` to the end of `d` (RFC 7252 §3.1).
Parse parse_options(Bytes d, std::size_t i, CoapMessage& out) noexcept;

bool is_ws(char c) noexcept { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string cap_clean(std::string_view s) {
  if (s.size() > kCoapMaxLinkField) {
    std::size_t cut = kCoapMaxLinkField;
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
    s = s.substr(0, cut);
  }
  std::string r(s);
  for (auto& c : r)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  return r;
}

}  // namespace

std::string CoapMessage::code() const {
  std::string r = std::to_string(code_class) + ".";
  if (code_detail < 10) r += '0';
  r += std::to_string(code_detail);
  return r;
}

const CoapOption* CoapMessage::option(std::uint16_t number) const noexcept {
  for (const auto& o : options)
    if (o.number == number) return &o;
  return nullptr;
}

std::optional<std::uint32_t> CoapMessage::content_format() const noexcept {
  const auto* o = option(kCoapOptionContentFormat);
  if (o == nullptr || o->value.size() > 4) return std::nullopt;
  std::uint32_t v = 0;
  for (const auto b : o->value) v = (v << 8) | b;
  return v;
}

std::vector<std::uint8_t> build_coap_get(std::uint16_t message_id, const std::vector<std::uint8_t>& token,
                                         const std::vector<std::string_view>& path, bool confirmable) {
  const std::size_t tkl = std::min<std::size_t>(token.size(), 8);
  // Built with reserve + push_back: g++ 12 reports a false -Warray-bounds when inserting into a
  // vector created from an initializer list.
  std::vector<std::uint8_t> out;
  out.reserve(4 + tkl + path.size() * 16);
  out.push_back(static_cast<std::uint8_t>((1 << 6) | ((confirmable ? 0 : 1) << 4) | tkl));
  out.push_back(0x01);  // 0.01 GET
  out.push_back(static_cast<std::uint8_t>(message_id >> 8));
  out.push_back(static_cast<std::uint8_t>(message_id));
  out.insert(out.end(), token.begin(), token.begin() + static_cast<std::ptrdiff_t>(tkl));
  std::size_t previous = 0;
  for (std::size_t k = 0; k < path.size() && k < kMaxPathSegments; ++k) {
    const auto seg = path[k].substr(0, kMaxSegment);
    const std::size_t at = out.size();
    out.push_back(0);
    std::vector<std::uint8_t> ext;
    put_extended(out, at, true, kCoapOptionUriPath - previous, ext);
    put_extended(out, at, false, seg.size(), ext);
    out.insert(out.end(), ext.begin(), ext.end());
    out.insert(out.end(), seg.begin(), seg.end());
    previous = kCoapOptionUriPath;
  }
  return out;
}

std::vector<std::uint8_t> build_coap_tcp_csm() { return {0x00, kCoapCodeCsm}; }

std::vector<std::uint8_t> build_coap_tcp_get(const std::vector<std::uint8_t>& token, const std::vector<std::string_view>& path) {
  // The options of the UDP form, after its 4-byte header and the token, framed by a length.
  const auto udp = build_coap_get(0, token, path);
  const std::size_t tkl = std::min<std::size_t>(token.size(), 8);
  const std::size_t length = udp.size() - 4 - tkl;
  std::vector<std::uint8_t> out;
  out.reserve(udp.size() + 4);
  if (length < 13) {
    out.push_back(static_cast<std::uint8_t>((length << 4) | tkl));
  } else if (length < 269) {
    out.push_back(static_cast<std::uint8_t>((13 << 4) | tkl));
    out.push_back(static_cast<std::uint8_t>(length - 13));
  } else {
    out.push_back(static_cast<std::uint8_t>((14 << 4) | tkl));
    out.push_back(static_cast<std::uint8_t>((length - 269) >> 8));
    out.push_back(static_cast<std::uint8_t>(length - 269));
  }
  out.push_back(0x01);  // 0.01 GET
  out.insert(out.end(), udp.begin() + 4, udp.end());
  return out;
}

Parse parse_coap_message(Bytes d, CoapMessage& out) noexcept {
  out = CoapMessage{};
  if (d.size() < 4 || d.size() > kCoapMaxDatagram) return Parse::invalid;
  if ((d[0] >> 6) != 1) return Parse::invalid;
  out.type = static_cast<CoapType>((d[0] >> 4) & 3);
  const std::size_t tkl = d[0] & 0x0f;
  if (tkl > 8) return Parse::invalid;  // 9..15 are a message format error
  out.code_class = static_cast<std::uint8_t>(d[1] >> 5);
  out.code_detail = static_cast<std::uint8_t>(d[1] & 0x1f);
  if (out.code_class == 1 || out.code_class >= 6) return Parse::invalid;
  out.message_id = static_cast<std::uint16_t>((d[2] << 8) | d[3]);
  out.raw.assign(as_text(d.first(std::min(d.size(), Evidence::kMaxExcerpt))));
  if (d[1] == 0) return (tkl == 0 && d.size() == 4) ? Parse::done : Parse::invalid;  // Empty
  if (d.size() < 4 + tkl) return Parse::invalid;
  out.token.assign(d.begin() + 4, d.begin() + 4 + static_cast<std::ptrdiff_t>(tkl));
  return parse_options(d, 4 + tkl, out);
}

Parse parse_coap_tcp_message(Bytes d, CoapMessage& out, std::size_t& consumed) noexcept {
  out = CoapMessage{};
  consumed = 0;
  if (d.empty()) return Parse::need_more;
  const unsigned len_nibble = d[0] >> 4;
  const std::size_t tkl = d[0] & 0x0f;
  if (tkl > 8) return Parse::invalid;
  static constexpr std::size_t ext_bytes[] = {0, 1, 2, 4};
  static constexpr std::size_t ext_base[] = {0, 13, 269, 65805};
  const std::size_t ext = len_nibble < 13 ? 0 : ext_bytes[len_nibble - 12];
  if (d.size() < 1 + ext + 1) return Parse::need_more;
  std::size_t length = len_nibble;
  if (ext > 0) {
    std::size_t v = 0;
    for (std::size_t k = 0; k < ext; ++k) v = (v << 8) | d[1 + k];
    length = ext_base[len_nibble - 12] + v;
  }
  if (length > kCoapMaxDatagram) return Parse::invalid;
  const std::size_t header = 1 + ext + 1;
  const std::size_t total = header + tkl + length;
  if (d.size() < total) return Parse::need_more;
  const std::uint8_t code = d[header - 1];
  out.code_class = static_cast<std::uint8_t>(code >> 5);
  out.code_detail = static_cast<std::uint8_t>(code & 0x1f);
  if (out.code_class == 1 || out.code_class == 6) return Parse::invalid;
  const Bytes m = d.first(total);
  out.raw.assign(as_text(m.first(std::min(m.size(), Evidence::kMaxExcerpt))));
  out.token.assign(m.begin() + static_cast<std::ptrdiff_t>(header), m.begin() + static_cast<std::ptrdiff_t>(header + tkl));
  const Parse p = parse_options(m, header + tkl, out);
  if (p == Parse::done) consumed = total;
  return p;
}

namespace {
Parse parse_options(Bytes d, std::size_t i, CoapMessage& out) noexcept {
  std::size_t number = 0;
  while (i < d.size()) {
    const std::uint8_t b = d[i++];
    if (b == 0xFF) {
      if (i == d.size()) return Parse::invalid;  // marker then nothing: format error
      out.payload.assign(d.begin() + static_cast<std::ptrdiff_t>(i), d.end());
      break;
    }
    std::size_t delta = 0;
    std::size_t length = 0;
    if (!read_extended(d, i, b >> 4, delta) || !read_extended(d, i, b & 0x0f, length))
      return Parse::invalid;
    number += delta;
    if (number > 0xFFFF || length > d.size() - i || out.options.size() >= kCoapMaxOptions)
      return Parse::invalid;
    CoapOption o;
    o.number = static_cast<std::uint16_t>(number);
    o.value.assign(d.begin() + static_cast<std::ptrdiff_t>(i),
                   d.begin() + static_cast<std::ptrdiff_t>(i + length));
    out.options.push_back(std::move(o));
    i += length;
  }
  return Parse::done;
}
}  // namespace

Parse parse_link_format(Bytes payload, std::vector<CoapLink>& out) noexcept {
  out.clear();
  if (payload.size() > kCoapMaxDatagram) return Parse::invalid;
  const std::string_view s = as_text(payload);
  const std::size_t n = s.size();
  std::size_t i = 0;
  const auto skip_ws = [&] {
    while (i < n && is_ws(s[i])) ++i;
  };
  skip_ws();
  while (i < n) {
    if (s[i] != '<') return Parse::invalid;
    const auto gt = s.find('>', i + 1);
    if (gt == std::string_view::npos) return Parse::invalid;
    CoapLink link;
    link.target = cap_clean(s.substr(i + 1, gt - i - 1));
    i = gt + 1;
    for (;;) {
      skip_ws();
      if (i >= n || s[i] != ';') break;
      ++i;
      skip_ws();
      const std::size_t name_start = i;
      while (i < n && s[i] != '=' && s[i] != ';' && s[i] != ',' && !is_ws(s[i])) ++i;
      if (i == name_start) return Parse::invalid;
      const auto name = s.substr(name_start, i - name_start);
      std::string value;
      if (i < n && s[i] == '=') {
        ++i;
        if (i < n && s[i] == '"') {
          ++i;
          while (i < n && s[i] != '"') {
            if (s[i] == '\\' && i + 1 < n) ++i;
            if (value.size() < kCoapMaxLinkField) value += s[i];
            ++i;
          }
          if (i >= n) return Parse::invalid;  // unterminated quoted-string
          ++i;
        } else {
          const std::size_t v0 = i;
          while (i < n && s[i] != ';' && s[i] != ',' && !is_ws(s[i])) ++i;
          value = s.substr(v0, std::min(i - v0, kCoapMaxLinkField));
        }
      }
      if (link.attributes.size() < kCoapMaxLinkAttributes)
        link.attributes.emplace_back(cap_clean(name), cap_clean(value));
    }
    if (out.size() < kCoapMaxLinks) out.push_back(std::move(link));
    skip_ws();
    if (i >= n) break;
    if (s[i] != ',') return Parse::invalid;
    ++i;
    skip_ws();
  }
  return Parse::done;
}

std::vector<Observation> coap_observations(const CoapMessage& m, const Endpoint& ep) {
  Evidence ev;
  ev.kind = "coap_response";
  ev.detail = "CoAP " + m.code() + " (" + std::to_string(m.payload.size()) + "-byte payload)";
  ev.excerpt = printable_excerpt(as_bytes(m.raw), Evidence::kMaxExcerpt);
  std::vector<Observation> out{Observation{ep, keys::coap::code, m.code(), ev}};
  const auto cf = m.content_format();
  const bool link_format = cf ? *cf == kCoapFormatLinkFormat
                              : (!m.payload.empty() && m.payload.front() == '<');
  std::vector<CoapLink> links;
  if (link_format && parse_link_format(m.payload, links) == Parse::done) {
    std::vector<std::string> paths;
    for (auto& l : links) paths.push_back(std::move(l.target));
    out.push_back(Observation{ep, keys::coap::resources, std::move(paths), ev});
    out.push_back(Observation{ep, keys::coap::resource_count, static_cast<std::int64_t>(links.size()), ev});
  }
  return out;
}

}  // namespace trustscan
