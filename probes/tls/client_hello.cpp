// trustscan — ClientHello parser.
#include "probes/tls/client_hello.hpp"

#include "trustscan/byte_reader.hpp"

#include "probes/tls/tls_suites.hpp"  // is_grease

#include <algorithm>

namespace trustscan {

std::uint16_t ClientHelloInfo::max_version() const noexcept {
  std::uint16_t v = legacy_version;
  for (const auto s : supported_versions)
    if (!is_grease(s)) v = std::max(v, s);  // GREASE values (0x?a?a) are not versions
  return v;
}

namespace {

using Reader = ByteReader;

// A list of 16-bit values with an n-byte length prefix, at most `cap` kept.
void read_u16_list(Reader& body, std::size_t len_bytes, std::vector<std::uint16_t>& out, std::size_t cap) {
  Reader list{body.take(body.u(len_bytes))};
  while (list.ok && list.left() >= 2 && out.size() < cap) out.push_back(static_cast<std::uint16_t>(list.u(2)));
}

bool any_grease(const std::vector<std::uint16_t>& v) {
  return std::any_of(v.begin(), v.end(), [](std::uint16_t x) { return is_grease(x); });
}

}  // namespace

Parse parse_client_hello(Bytes in, ClientHelloInfo& out, std::size_t& consumed) noexcept {
  out = ClientHelloInfo{};
  consumed = 0;
  if (in.empty()) return Parse::need_more;
  if (in[0] != 0x16) return Parse::invalid;  // not a handshake record
  if (in.size() >= 2 && in[1] != 0x03) return Parse::invalid;
  if (in.size() < 5) return Parse::need_more;
  const std::size_t record_len = (std::size_t{in[3]} << 8) | in[4];
  if (record_len < 4 || record_len > 16384) return Parse::invalid;
  out.record_version = static_cast<std::uint16_t>((in[1] << 8) | in[2]);
  if (in.size() >= 6 && in[5] != 0x01) return Parse::invalid;  // not a ClientHello
  if (in.size() < 5 + record_len) return Parse::need_more;
  Reader r{in.subspan(5, record_len)};
  r.u(1);
  const std::size_t hs_len = r.u(3);
  // A hello split over several records is legal but no client of ours sends one: refuse it
  // rather than buffer, the responder then answers with an alert.
  if (!r.ok || hs_len > r.left()) return Parse::invalid;
  Reader h{r.take(hs_len)};
  out.legacy_version = static_cast<std::uint16_t>(h.u(2));
  h.take(32);                 // random
  h.take(h.u(1));             // session id
  const std::size_t suites_len = h.u(2);
  if (!h.ok || suites_len % 2 != 0) return Parse::invalid;
  Reader s{h.take(suites_len)};
  while (s.ok && s.left() >= 2 && out.cipher_suites.size() < ClientHelloInfo::kMaxOfferedSuites)
    out.cipher_suites.push_back(static_cast<std::uint16_t>(s.u(2)));
  const Bytes comp = h.take(h.u(1));
  out.compression_methods.assign(comp.begin(), comp.end());
  if (!h.ok) return Parse::invalid;
  out.raw.assign(in.begin(), in.begin() + static_cast<std::ptrdiff_t>(std::min<std::size_t>(5 + record_len, 512)));
  if (h.left() == 0) {  // no extensions (SSLv3-style hello)
    out.grease = any_grease(out.cipher_suites);
    consumed = 5 + record_len;
    return Parse::done;
  }
  Reader ext{h.take(h.u(2))};
  if (!h.ok) return Parse::invalid;
  while (ext.ok && ext.left() >= 4) {
    const auto type = static_cast<std::uint16_t>(ext.u(2));
    Reader body{ext.take(ext.u(2))};
    if (!ext.ok) return Parse::invalid;
    if (out.extensions.size() < ClientHelloInfo::kMaxExtensions) out.extensions.push_back(type);
    if (type == 0x002b) {  // supported_versions
      read_u16_list(body, 1, out.supported_versions, 16);
    } else if (type == 0x000a) {
      read_u16_list(body, 2, out.supported_groups, ClientHelloInfo::kMaxListEntries);
    } else if (type == 0x000d) {
      read_u16_list(body, 2, out.signature_algorithms, ClientHelloInfo::kMaxListEntries);
    } else if (type == 0x000b) {
      const Bytes formats = body.take(body.u(1));
      out.ec_point_formats.assign(formats.begin(),
                                  formats.begin() + static_cast<std::ptrdiff_t>(
                                                        std::min(formats.size(), ClientHelloInfo::kMaxListEntries)));
    } else if (type == 0x0010) {  // ALPN: u16 list length, then u8-prefixed names
      Reader list{body.take(body.u(2))};
      while (list.ok && list.left() >= 1) {
        const Bytes name = list.take(list.u(1));
        if (list.ok && out.alpn_protocols.size() < ClientHelloInfo::kMaxAlpn)
          out.alpn_protocols.emplace_back(reinterpret_cast<const char*>(name.data()), name.size());
      }
    } else if (type == 0x0000) {  // server_name: list of (type, name)
      Reader list{body.take(body.u(2))};
      while (list.ok && list.left() >= 3) {
        const auto name_type = list.u(1);
        const Bytes name = list.take(list.u(2));
        if (list.ok && name_type == 0 && out.server_name.empty() && name.size() <= 255)
          out.server_name.assign(reinterpret_cast<const char*>(name.data()), name.size());
      }
    }
  }
  if (!ext.ok || ext.left() != 0) return Parse::invalid;
  out.grease = any_grease(out.cipher_suites) || any_grease(out.extensions) || any_grease(out.supported_groups) ||
               any_grease(out.supported_versions) || any_grease(out.signature_algorithms);
  consumed = 5 + record_len;
  return Parse::done;
}

}  // namespace trustscan
