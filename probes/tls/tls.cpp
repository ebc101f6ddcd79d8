// trustscan — TLS/SSL hello builders and server flight parser (see tls.hpp for the contract).
#include "probes/tls/tls.hpp"
#include "trustscan/byte_reader.hpp"

#include "probes/tls/tls_suites.hpp"

#include <algorithm>
#include <cstdio>
#include <iterator>
#include <utility>

namespace trustscan {
namespace {

// ---- wire constants ----------------------------------------------------------------------------

constexpr std::uint8_t kContentChangeCipherSpec = 20;
constexpr std::uint8_t kContentAlert = 21;
constexpr std::uint8_t kContentHandshake = 22;
constexpr std::uint8_t kContentApplicationData = 23;
constexpr std::uint8_t kContentHeartbeat = 24;

constexpr std::uint8_t kHsHelloRequest = 0;
constexpr std::uint8_t kHsClientHello = 1;
constexpr std::uint8_t kHsServerHello = 2;
constexpr std::uint8_t kHsCertificate = 11;
constexpr std::uint8_t kHsServerKeyExchange = 12;
constexpr std::uint8_t kHsCertificateRequest = 13;
constexpr std::uint8_t kHsServerHelloDone = 14;
constexpr std::uint8_t kHsCertificateStatus = 22;

constexpr std::uint16_t kExtServerName = 0;
constexpr std::uint16_t kExtStatusRequest = 5;
constexpr std::uint16_t kExtSupportedGroups = 10;
constexpr std::uint16_t kExtEcPointFormats = 11;
constexpr std::uint16_t kExtSignatureAlgorithms = 13;
constexpr std::uint16_t kExtHeartbeat = 15;
constexpr std::uint16_t kExtAlpn = 16;
constexpr std::uint16_t kExtPadding = 21;
constexpr std::uint16_t kExtEncryptThenMac = 22;
constexpr std::uint16_t kExtExtendedMasterSecret = 23;
constexpr std::uint16_t kExtSessionTicket = 35;
constexpr std::uint16_t kExtSupportedVersions = 43;
constexpr std::uint16_t kExtPskKeyExchangeModes = 45;
constexpr std::uint16_t kExtKeyShare = 51;
constexpr std::uint16_t kExtRenegotiationInfo = 0xff01;

constexpr std::uint16_t kGroupX25519 = 0x001d;
constexpr std::uint16_t kSuiteRenegotiationScsv = 0x00ff;
constexpr std::uint16_t kSuiteFallbackScsv = 0x5600;
constexpr std::uint8_t kAlertUnrecognizedName = 112;

// SHA-256("HelloRetryRequest"): the random of a HelloRetryRequest (RFC 8446 §4.1.3).
constexpr std::array<std::uint8_t, 32> kHrrRandom = {
    0xCF, 0x21, 0xAD, 0x74, 0xE5, 0x9A, 0x61, 0x11, 0xBE, 0x1D, 0x8C, 0x02, 0x1E, 0x65, 0xB8, 0x91,
    0xC2, 0xA2, 0x11, 0x16, 0x7A, 0xBB, 0x8C, 0x5E, 0x07, 0x9E, 0x09, 0xE2, 0xC8, 0xA8, 0x33, 0x9C,
};
// "DOWNGRD" + 0x01 (negotiating TLS 1.2) or 0x00 (≤ 1.1) ends the random of a TLS 1.3 server.
constexpr std::array<std::uint8_t, 7> kDowngrade = {'D', 'O', 'W', 'N', 'G', 'R', 'D'};

std::string hex16(std::uint16_t v) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%04X", static_cast<unsigned>(v));
  return buf;
}

// ---- names -------------------------------------------------------------------------------------

constexpr TlsNamedGroup kGroups[] = {
    {0x0001, "sect163k1", 163},        {0x0002, "sect163r1", 163},
    {0x0003, "sect163r2", 163},        {0x0004, "sect193r1", 193},
    {0x0005, "sect193r2", 193},        {0x0006, "sect233k1", 233},
    {0x0007, "sect233r1", 233},        {0x0008, "sect239k1", 239},
    {0x0009, "sect283k1", 283},        {0x000a, "sect283r1", 283},
    {0x000b, "sect409k1", 409},        {0x000c, "sect409r1", 409},
    {0x000d, "sect571k1", 571},        {0x000e, "sect571r1", 571},
    {0x000f, "secp160k1", 160},        {0x0010, "secp160r1", 160},
    {0x0011, "secp160r2", 160},        {0x0012, "secp192k1", 192},
    {0x0013, "secp192r1", 192},        {0x0014, "secp224k1", 224},
    {0x0015, "secp224r1", 224},        {0x0016, "secp256k1", 256},
    {0x0017, "secp256r1", 256},        {0x0018, "secp384r1", 384},
    {0x0019, "secp521r1", 521},        {0x001a, "brainpoolP256r1", 256},
    {0x001b, "brainpoolP384r1", 384},  {0x001c, "brainpoolP512r1", 512},
    {0x001d, "x25519", 255},           {0x001e, "x448", 448},
    {0x001f, "brainpoolP256r1tls13", 256}, {0x0020, "brainpoolP384r1tls13", 384},
    {0x0021, "brainpoolP512r1tls13", 512}, {0x0022, "GC256A", 256},
    {0x0023, "GC256B", 256},           {0x0024, "GC256C", 256},
    {0x0025, "GC256D", 256},           {0x0026, "GC512A", 512},
    {0x0027, "GC512B", 512},           {0x0028, "GC512C", 512},
    {0x0029, "curveSM2", 256},
    {0x0100, "ffdhe2048", 2048},       {0x0101, "ffdhe3072", 3072},
    {0x0102, "ffdhe4096", 4096},       {0x0103, "ffdhe6144", 6144},
    {0x0104, "ffdhe8192", 8192},
    {0x0200, "MLKEM512", 0},           {0x0201, "MLKEM768", 0},
    {0x0202, "MLKEM1024", 0},
    {0x11eb, "SecP256r1MLKEM768", 256}, {0x11ec, "X25519MLKEM768", 255},
    {0x11ed, "SecP384r1MLKEM1024", 384},
    {0x6399, "X25519Kyber768Draft00", 255}, {0x639a, "SecP256r1Kyber768Draft00", 256},
    {0xff01, "arbitrary_explicit_prime_curves", 0},
    {0xff02, "arbitrary_explicit_char2_curves", 0},
};

// ---- builder helpers ---------------------------------------------------------------------------

void put8(std::vector<std::uint8_t>& v, std::size_t x) { v.push_back(static_cast<std::uint8_t>(x)); }
void put16(std::vector<std::uint8_t>& v, std::size_t x) {
  v.push_back(static_cast<std::uint8_t>(x >> 8));
  v.push_back(static_cast<std::uint8_t>(x));
}
void put24(std::vector<std::uint8_t>& v, std::size_t x) {
  v.push_back(static_cast<std::uint8_t>(x >> 16));
  v.push_back(static_cast<std::uint8_t>(x >> 8));
  v.push_back(static_cast<std::uint8_t>(x));
}
void put_bytes(std::vector<std::uint8_t>& v, Bytes b) {
  for (const std::uint8_t c : b) v.push_back(c);  // (a loop: g++ 12 misreports insert ranges)
}

// A length-prefixed block: reserve the length field now, fill it in once the contents are known.
std::size_t open_block(std::vector<std::uint8_t>& v, int width) {
  const std::size_t at = v.size();
  for (int i = 0; i < width; ++i) v.push_back(0);
  return at;
}
void close_block(std::vector<std::uint8_t>& v, std::size_t at, int width) {
  const std::size_t len = v.size() - at - static_cast<std::size_t>(width);
  for (int i = 0; i < width; ++i) {
    v[at + static_cast<std::size_t>(i)] =
        static_cast<std::uint8_t>(len >> (8 * (width - 1 - i)));
  }
}

// One extension: type, then its data written by `fill` inside a 2-byte length.
template <typename Fill>
void extension(std::vector<std::uint8_t>& v, std::uint16_t type, Fill&& fill) {
  put16(v, type);
  const std::size_t at = open_block(v, 2);
  fill();
  close_block(v, at, 2);
}

// RFC 6066 §3: "Literal IPv4 and IPv6 addresses are not permitted in HostName". Anything made
// of digits and dots, or containing ':', is an address literal here.
bool is_ip_literal(std::string_view name) {
  if (name.find(':') != std::string_view::npos) return true;
  return std::all_of(name.begin(), name.end(),
                     [](char c) { return (c >= '0' && c <= '9') || c == '.'; });
}

template <typename T>
std::span<const T> capped(const std::vector<T>& v, std::size_t cap) {
  return std::span<const T>(v.data(), std::min(v.size(), cap));
}

// ---- parser helpers ----------------------------------------------------------------------------


std::uint16_t be16(Bytes b, std::size_t at) noexcept {
  return static_cast<std::uint16_t>((b[at] << 8) | b[at + 1]);
}

// Bit length of a big-endian unsigned integer, leading zero bytes ignored (a DH prime or RSA
// modulus is often sent with one leading 0x00 when encoded as a signed value).
std::uint32_t bit_length(Bytes n) noexcept {
  std::size_t i = 0;
  while (i < n.size() && n[i] == 0) ++i;
  if (i == n.size()) return 0;
  std::uint32_t bits = static_cast<std::uint32_t>(n.size() - i - 1) * 8;
  for (std::uint8_t top = n[i]; top != 0; top = static_cast<std::uint8_t>(top >> 1)) ++bits;
  return bits;
}

bool parse_server_hello(Bytes body, TlsServerHello& sh) {
  ByteReader r{body};
  Bytes random, sid;
  if (!r.u16(sh.legacy_version) || (sh.legacy_version >> 8) != 3) return false;
  if (!r.take(32, random)) return false;
  std::copy(random.begin(), random.end(), sh.random.begin());
  if (!r.vec8(sid) || sid.size() > kTlsMaxSessionId) return false;
  sh.session_id.assign(sid.begin(), sid.end());
  if (!r.u16(sh.cipher_suite) || !r.u8(sh.compression)) return false;
  sh.hello_retry_request = sh.random == kHrrRandom;
  if (std::equal(kDowngrade.begin(), kDowngrade.end(), sh.random.begin() + 24)) {
    if (sh.random[31] == 1) sh.downgrade = TlsDowngradeSentinel::tls12;
    if (sh.random[31] == 0) sh.downgrade = TlsDowngradeSentinel::tls11;
  }
  if (r.left() == 0) return true;  // SSLv3-style ServerHello without extensions
  Bytes exts;
  if (!r.vec16(exts) || r.left() != 0) return false;
  ByteReader e{exts};
  while (e.left() > 0) {
    std::uint16_t type = 0;
    Bytes data;
    if (!e.u16(type) || !e.vec16(data)) return false;
    if (sh.extensions.size() < kTlsMaxExtensions) sh.extensions.push_back(type);
    ByteReader d{data};
    switch (type) {
      case kExtServerName: sh.server_name = true; break;
      case kExtStatusRequest: sh.status_request = true; break;
      case kExtEncryptThenMac: sh.encrypt_then_mac = true; break;
      case kExtExtendedMasterSecret: sh.extended_master_secret = true; break;
      case kExtSessionTicket: sh.session_ticket = true; break;
      case kExtEcPointFormats: {
        Bytes formats;
        if (!d.vec8(formats) || formats.empty()) return false;
        sh.ec_point_formats.assign(formats.begin(),
                                   formats.begin() + static_cast<std::ptrdiff_t>(
                                                         std::min<std::size_t>(formats.size(), 16)));
        break;
      }
      case kExtHeartbeat: {
        std::uint8_t mode = 0;
        if (!d.u8(mode)) return false;
        sh.heartbeat_mode = mode;
        break;
      }
      case kExtAlpn: {  // exactly one ProtocolName in a ServerHello (RFC 7301 §3.1)
        Bytes list, name;
        if (!d.vec16(list) || d.left() != 0) return false;
        ByteReader l{list};
        if (!l.vec8(name) || name.empty() || l.left() != 0) return false;
        sh.alpn = std::string(as_text(name));
        break;
      }
      case kExtSupportedVersions: {
        std::uint16_t v = 0;
        if (!d.u16(v) || d.left() != 0) return false;
        sh.supported_version = v;
        break;
      }
      case kExtKeyShare: {
        std::uint16_t group = 0;
        if (!d.u16(group)) return false;
        if (!sh.hello_retry_request) {  // ServerHello: KeyShareEntry; HRR: the group alone
          Bytes key;
          if (!d.vec16(key) || d.left() != 0) return false;
        }
        sh.key_share_group = group;
        break;
      }
      case kExtRenegotiationInfo: {
        Bytes inner;
        if (!d.vec8(inner) || d.left() != 0) return false;
        sh.renegotiation_info = true;
        break;
      }
      default: break;
    }
  }
  return true;
}

// TLS ≤ 1.2 Certificate: certificate_list<0..2^24-1> of ASN.1Cert<1..2^24-1>.
bool parse_certificate(Bytes body, ServerFlight& out) {
  ByteReader r{body};
  std::uint32_t total = 0;
  if (!r.u24(total) || total != r.left()) return false;
  while (r.left() > 0) {
    std::uint32_t len = 0;
    Bytes der;
    if (!r.u24(len) || len == 0 || !r.take(len, der)) return false;
    ++out.certificate_count;
    if (out.certificates.size() < kTlsMaxCertificates && der.size() <= kTlsMaxCertificateBytes) {
      out.certificates.emplace_back(der.begin(), der.end());
    } else {
      out.certificates_truncated = true;
    }
  }
  return true;
}

// ServerKeyExchange params by key exchange (RFC 5246 §7.4.3, RFC 4492 §5.4, RFC 4279 §2/§4,
// RFC 5489): enough to size the group; the signature is not checked.
bool parse_server_key_exchange(Bytes body, ServerFlight& out) {
  const TlsSuite* suite = find_suite(out.server_hello->cipher_suite);
  if (suite == nullptr) return true;  // unknown suite: cannot know the layout
  ByteReader r{body};
  Bytes a, b, c;
  const bool psk_hint = suite->kex == TlsKex::dhe_psk || suite->kex == TlsKex::ecdhe_psk ||
                        suite->kex == TlsKex::psk || suite->kex == TlsKex::rsa_psk;
  if (psk_hint && !r.vec16(a)) return false;  // psk_identity_hint
  switch (suite->kex) {
    case TlsKex::dh:
    case TlsKex::dhe:
    case TlsKex::dhe_psk:
      if (!r.vec16(a) || !r.vec16(b) || !r.vec16(c) || bit_length(a) == 0) return false;
      out.dh_prime_bits = bit_length(a);
      while (!a.empty() && a[0] == 0) a = a.subspan(1);
      out.dh_prime.assign(a.begin(), a.end());
      break;
    case TlsKex::ecdh:
    case TlsKex::ecdhe:
    case TlsKex::ecdhe_psk: {
      std::uint8_t curve_type = 0;
      if (!r.u8(curve_type)) return false;
      if (curve_type == 1 || curve_type == 2) {  // explicit parameters: too rare to lay out
        out.ecdhe_explicit_curve = true;
        return true;
      }
      std::uint16_t curve = 0;
      if (curve_type != 3 || !r.u16(curve) || !r.vec8(a) || a.empty()) return false;
      out.ecdhe_curve = curve;
      break;
    }
    case TlsKex::rsa:
      if (!suite->export_grade) return true;  // a non-export RSA suite has no SKE to read
      if (!r.vec16(a) || !r.vec16(b) || bit_length(a) == 0) return false;
      out.rsa_export_modulus_bits = bit_length(a);
      break;
    default:
      return true;  // PSK (hint only), SRP, KRB5, GOST…: nothing the checks use
  }
  // TLS 1.2 prefixes the signature with its algorithm (RFC 5246 §7.4.1.4.1).
  const bool signed_kx = suite->auth == TlsAuth::rsa || suite->auth == TlsAuth::dss ||
                         suite->auth == TlsAuth::ecdsa;
  std::uint16_t alg = 0;
  if (signed_kx && out.negotiated_version == 0x0303 && r.u16(alg)) out.ske_signature_algorithm = alg;
  return true;
}

enum class Step : std::uint8_t { more, done, invalid };

Step on_handshake_message(std::uint8_t type, Bytes body, ServerFlight& out) {
  if (!out.server_hello) {
    if (type == kHsHelloRequest) return body.empty() ? Step::more : Step::invalid;
    if (type != kHsServerHello) return Step::invalid;
    TlsServerHello sh;
    if (!parse_server_hello(body, sh)) return Step::invalid;
    out.negotiated_version = sh.supported_version.value_or(sh.legacy_version);
    out.version = tls_version_from_wire(out.negotiated_version);
    // TLS 1.3 (or a 0x7Fxx draft): everything after the ServerHello is encrypted.
    const bool tls13 = sh.hello_retry_request ||
                       (sh.supported_version && (*sh.supported_version >= 0x0304 ||
                                                 (*sh.supported_version >> 8) == 0x7f));
    out.server_hello = std::move(sh);
    return tls13 ? Step::done : Step::more;
  }
  switch (type) {
    case kHsServerHello:
      return Step::invalid;
    case kHsCertificate:
      if (out.certificate_count > 0 || out.certificates_truncated) return Step::invalid;
      return parse_certificate(body, out) ? Step::more : Step::invalid;
    case kHsCertificateStatus:
      out.certificate_status = true;
      return Step::more;
    case kHsServerKeyExchange:
      if (out.server_key_exchange) return Step::invalid;
      out.server_key_exchange = true;
      return parse_server_key_exchange(body, out) ? Step::more : Step::invalid;
    case kHsCertificateRequest:
      out.certificate_request = true;
      return Step::more;
    case kHsServerHelloDone:
      if (!body.empty()) return Step::invalid;
      out.server_hello_done = true;
      return Step::done;
    default:  // NewSessionTicket, SupplementalData…: not needed
      return Step::more;
  }
}

// SSLv2 record with a 2-byte header (the high bit set): SERVER-HELLO (4) or ERROR (0).
Parse parse_sslv2(Bytes in, ServerFlight& out, std::size_t& consumed) {
  if (in.size() < 2) return Parse::need_more;
  const std::size_t len = (std::size_t{in[0] & 0x7fu} << 8) | in[1];
  if (len < 3) return Parse::invalid;
  if (in.size() >= 3 && in[2] != 4 && in[2] != 0) return Parse::invalid;
  if (in.size() - 2 < len) return Parse::need_more;
  const Bytes m = in.subspan(2, len);
  Sslv2ServerHello h;
  if (m[0] == 0) {  // MSG-ERROR: error code (2 bytes)
    if (len != 3) return Parse::invalid;
    h.error = be16(m, 1);
  } else {
    if (len < 11) return Parse::invalid;
    h.session_id_hit = m[1] != 0;
    h.certificate_type = m[2];
    h.version = be16(m, 3);
    const std::size_t cert_len = be16(m, 5);
    const std::size_t specs_len = be16(m, 7);
    const std::size_t id_len = be16(m, 9);
    if (h.version != 0x0002 || specs_len % 3 != 0 || id_len > 32 ||
        11 + cert_len + specs_len + id_len != len) {
      return Parse::invalid;
    }
    const Bytes cert = m.subspan(11, cert_len);
    if (cert.size() <= kTlsMaxCertificateBytes) h.certificate.assign(cert.begin(), cert.end());
    else h.truncated = true;
    const Bytes specs = m.subspan(11 + cert_len, specs_len);
    for (std::size_t i = 0; i < specs.size(); i += 3) {
      if (h.cipher_kinds.size() >= kSslv2MaxCipherKinds) {
        h.truncated = true;
        break;
      }
      h.cipher_kinds.push_back((std::uint32_t{specs[i]} << 16) |
                               (std::uint32_t{specs[i + 1]} << 8) | specs[i + 2]);
    }
  }
  out.sslv2 = std::move(h);
  out.negotiated_version = 0x0002;
  out.version = TlsVersion::sslv2;
  consumed = 2 + len;
  return Parse::done;
}

Parse parse_flight(Bytes in, ServerFlight& out, std::size_t& consumed) {
  if (in.empty()) return Parse::need_more;
  if ((in[0] & 0x80) != 0) return parse_sslv2(in, out, consumed);

  std::vector<std::uint8_t> hs;  // handshake bytes of every record so far, reassembled
  std::size_t hs_pos = 0;        // start of the first handshake message not yet handled
  std::size_t pos = 0;
  while (true) {
    const std::size_t left = in.size() - pos;
    // Check the header bytes that are there, so garbage is invalid without waiting for more.
    if (left >= 1 && (in[pos] < kContentChangeCipherSpec || in[pos] > kContentHeartbeat)) {
      return Parse::invalid;
    }
    if (left >= 2 && in[pos + 1] != 3) return Parse::invalid;
    if (left >= 3 && in[pos + 2] > 4) return Parse::invalid;
    if (left < 5) return Parse::need_more;
    const std::uint8_t type = in[pos];
    const std::uint16_t version = be16(in, pos + 1);
    const std::size_t len = be16(in, pos + 3);
    if (len > kTlsMaxRecordLength) return Parse::invalid;
    if (len == 0 && type != kContentApplicationData) return Parse::invalid;  // RFC 5246 §6.2.1
    if (pos + 5 + len > kTlsMaxFlight) return Parse::invalid;
    if (++out.records > kTlsMaxRecords) return Parse::invalid;
    // The first handshake byte of the reply must start a ServerHello (or HelloRequest): an
    // echoed ClientHello or another protocol is rejected before its record is complete.
    if (type == kContentHandshake && !out.server_hello && hs.size() == hs_pos && left > 5 &&
        in[pos + 5] != kHsServerHello && in[pos + 5] != kHsHelloRequest) {
      return Parse::invalid;
    }
    if (left - 5 < len) return Parse::need_more;
    if (out.records == 1) out.record_version = version;
    const Bytes payload = in.subspan(pos + 5, len);
    const std::size_t end = pos + 5 + len;
    pos = end;

    switch (type) {
      case kContentAlert: {
        if (len < 2) return Parse::invalid;  // a fragmented alert: never seen from real stacks
        const TlsAlert alert{payload[0], payload[1]};
        if (alert.level != 1 && alert.level != 2) return Parse::invalid;
        if (alert.level == 1 && alert.description == kAlertUnrecognizedName) {
          if (out.warnings.size() >= kTlsMaxWarningAlerts) return Parse::invalid;
          out.warnings.push_back(alert);
          continue;
        }
        out.alert = alert;
        consumed = end;
        return Parse::done;
      }
      case kContentChangeCipherSpec:
        if (!out.server_hello || len != 1 || payload[0] != 1) return Parse::invalid;
        out.change_cipher_spec = true;
        consumed = end;
        return Parse::done;
      case kContentApplicationData:
        if (!out.server_hello) return Parse::invalid;
        consumed = end;
        return Parse::done;
      case kContentHeartbeat:
        if (!out.server_hello) return Parse::invalid;
        continue;
      default:
        break;
    }

    // Handshake: append, then handle every complete message.
    put_bytes(hs, payload);
    while (hs.size() - hs_pos >= 4) {
      const std::uint8_t msg_type = hs[hs_pos];
      const std::size_t msg_len = (std::size_t{hs[hs_pos + 1]} << 16) |
                                  (std::size_t{hs[hs_pos + 2]} << 8) | hs[hs_pos + 3];
      // hs holds at most the flight's bytes, so a longer message can never complete.
      if (hs_pos + 4 + msg_len > kTlsMaxFlight) return Parse::invalid;
      if (hs.size() - hs_pos - 4 < msg_len) break;
      const Bytes body(hs.data() + hs_pos + 4, msg_len);
      hs_pos += 4 + msg_len;
      switch (on_handshake_message(msg_type, body, out)) {
        case Step::more: break;
        case Step::invalid: return Parse::invalid;
        case Step::done: consumed = end; return Parse::done;
      }
    }
    // A ServerHello must come first: a pending message of another type proves a non-server
    // (e.g. our own ClientHello reflected back) before it is complete.
    if (!out.server_hello && hs.size() > hs_pos && hs[hs_pos] != kHsServerHello &&
        hs[hs_pos] != kHsHelloRequest) {
      return Parse::invalid;
    }
  }
}

}  // namespace

// ---- names -------------------------------------------------------------------------------------

std::string to_string(TlsVersion v) {
  switch (v) {
    case TlsVersion::sslv2: return "SSLv2";
    case TlsVersion::sslv3: return "SSLv3";
    case TlsVersion::tls1_0: return "TLSv1.0";
    case TlsVersion::tls1_1: return "TLSv1.1";
    case TlsVersion::tls1_2: return "TLSv1.2";
    case TlsVersion::tls1_3: return "TLSv1.3";
  }
  return hex16(static_cast<std::uint16_t>(v));
}

std::optional<TlsVersion> tls_version_from_wire(std::uint16_t wire) noexcept {
  switch (wire) {
    case 0x0002: return TlsVersion::sslv2;
    case 0x0300: return TlsVersion::sslv3;
    case 0x0301: return TlsVersion::tls1_0;
    case 0x0302: return TlsVersion::tls1_1;
    case 0x0303: return TlsVersion::tls1_2;
    case 0x0304: return TlsVersion::tls1_3;
    default: return std::nullopt;
  }
}

std::string tls_version_name(std::uint16_t wire) {
  if (const auto v = tls_version_from_wire(wire)) return to_string(*v);
  return hex16(wire);
}

std::string_view tls_alert_name(std::uint8_t description) noexcept {
  switch (description) {
    case 0: return "close_notify";
    case 10: return "unexpected_message";
    case 20: return "bad_record_mac";
    case 21: return "decryption_failed";
    case 22: return "record_overflow";
    case 30: return "decompression_failure";
    case 40: return "handshake_failure";
    case 41: return "no_certificate";
    case 42: return "bad_certificate";
    case 43: return "unsupported_certificate";
    case 44: return "certificate_revoked";
    case 45: return "certificate_expired";
    case 46: return "certificate_unknown";
    case 47: return "illegal_parameter";
    case 48: return "unknown_ca";
    case 49: return "access_denied";
    case 50: return "decode_error";
    case 51: return "decrypt_error";
    case 52: return "too_many_cids_requested";
    case 60: return "export_restriction";
    case 70: return "protocol_version";
    case 71: return "insufficient_security";
    case 80: return "internal_error";
    case 86: return "inappropriate_fallback";
    case 90: return "user_canceled";
    case 100: return "no_renegotiation";
    case 109: return "missing_extension";
    case 110: return "unsupported_extension";
    case 111: return "certificate_unobtainable";
    case 112: return "unrecognized_name";
    case 113: return "bad_certificate_status_response";
    case 114: return "bad_certificate_hash_value";
    case 115: return "unknown_psk_identity";
    case 116: return "certificate_required";
    case 120: return "no_application_protocol";
    case 121: return "ech_required";
    default: return "unknown";
  }
}

const TlsNamedGroup* find_named_group(std::uint16_t id) noexcept {
  for (const auto& g : kGroups) {
    if (g.id == id) return &g;
  }
  return nullptr;
}

std::string named_group_name(std::uint16_t id) {
  if (const TlsNamedGroup* g = find_named_group(id)) return std::string(g->name);
  return hex16(id);
}

std::string signature_scheme_name(std::uint16_t id) {
  // IANA "TLS SignatureScheme" (RFC 8446 §4.2.3, RFC 8422, RFC 8734) and the TLS 1.2
  // SignatureAndHashAlgorithm pairs (RFC 5246 §7.4.1.4.1) that have no scheme name.
  static constexpr std::pair<std::uint16_t, std::string_view> kSchemes[] = {
      {0x0101, "rsa_pkcs1_md5"},        {0x0201, "rsa_pkcs1_sha1"},       {0x0202, "dsa_sha1"},
      {0x0203, "ecdsa_sha1"},           {0x0301, "rsa_pkcs1_sha224"},     {0x0302, "dsa_sha224"},
      {0x0303, "ecdsa_sha224"},         {0x0401, "rsa_pkcs1_sha256"},     {0x0402, "dsa_sha256"},
      {0x0403, "ecdsa_secp256r1_sha256"}, {0x0501, "rsa_pkcs1_sha384"},   {0x0502, "dsa_sha384"},
      {0x0503, "ecdsa_secp384r1_sha384"}, {0x0601, "rsa_pkcs1_sha512"},   {0x0602, "dsa_sha512"},
      {0x0603, "ecdsa_secp521r1_sha512"}, {0x0804, "rsa_pss_rsae_sha256"}, {0x0805, "rsa_pss_rsae_sha384"},
      {0x0806, "rsa_pss_rsae_sha512"},  {0x0807, "ed25519"},              {0x0808, "ed448"},
      {0x0809, "rsa_pss_pss_sha256"},   {0x080a, "rsa_pss_pss_sha384"},   {0x080b, "rsa_pss_pss_sha512"},
      {0x081a, "ecdsa_brainpoolP256r1tls13_sha256"}, {0x081b, "ecdsa_brainpoolP384r1tls13_sha384"},
      {0x081c, "ecdsa_brainpoolP512r1tls13_sha512"},
  };
  for (const auto& [code, name] : kSchemes)
    if (code == id) return std::string(name);
  return hex16(id);
}

// ---- builders ----------------------------------------------------------------------------------

ClientHello build_client_hello(const ClientHelloSpec& spec) {
  ClientHello out;
  const TlsVersion top = spec.version == TlsVersion::sslv2 ? TlsVersion::sslv3 : spec.version;
  const auto top_wire = static_cast<std::uint16_t>(top);
  const std::uint16_t legacy_version = std::min<std::uint16_t>(top_wire, 0x0303);

  std::vector<std::uint16_t> versions(spec.supported_versions.begin(),
                                      spec.supported_versions.begin() +
                                          static_cast<std::ptrdiff_t>(std::min(
                                              spec.supported_versions.size(), kTlsMaxHelloVersions)));
  if (versions.empty() && top == TlsVersion::tls1_3) versions.push_back(0x0304);
  const bool offers_tls13 = std::find(versions.begin(), versions.end(), 0x0304) != versions.end();
  const auto groups = capped(spec.supported_groups, kTlsMaxHelloGroups);
  const auto sigalgs = capped(spec.signature_algorithms, kTlsMaxHelloSigalgs);

  std::vector<std::uint8_t> body;
  body.reserve(2048);
  put16(body, legacy_version);
  put_bytes(body, spec.random);
  put8(body, std::min(spec.session_id.size(), kTlsMaxSessionId));
  put_bytes(body, capped(spec.session_id, kTlsMaxSessionId));

  const std::size_t n = std::min({spec.cipher_suites.size(), spec.max_suites, kTlsMaxHelloSuites});
  out.offered_suites.assign(spec.cipher_suites.begin(),
                            spec.cipher_suites.begin() + static_cast<std::ptrdiff_t>(n));
  out.truncated = n < spec.cipher_suites.size();
  const std::size_t suites_at = open_block(body, 2);
  for (const std::uint16_t s : out.offered_suites) put16(body, s);
  const bool scsv = spec.renegotiation == TlsRenegotiationSignal::scsv ||
                    (spec.renegotiation == TlsRenegotiationSignal::extension && !spec.extensions);
  if (scsv) put16(body, kSuiteRenegotiationScsv);
  if (spec.fallback_scsv) put16(body, kSuiteFallbackScsv);
  close_block(body, suites_at, 2);

  if (spec.deflate) {
    put8(body, 2);
    put8(body, 1);  // DEFLATE (RFC 3749) first, so a server that has it picks it
    put8(body, 0);
  } else {
    put8(body, 1);
    put8(body, 0);
  }

  if (spec.extensions) {
    const std::size_t exts_at = open_block(body, 2);
    std::string_view sni = spec.server_name;
    if (!sni.empty() && sni.back() == '.') sni.remove_suffix(1);
    if (!sni.empty() && sni.size() <= kTlsMaxServerName && !is_ip_literal(sni)) {
      extension(body, kExtServerName, [&] {
        const std::size_t list_at = open_block(body, 2);
        put8(body, 0);  // host_name
        put16(body, sni.size());
        put_bytes(body, as_bytes(sni));
        close_block(body, list_at, 2);
      });
    }
    if (spec.ec_point_formats) {
      extension(body, kExtEcPointFormats, [&] {
        put8(body, 1);
        put8(body, 0);  // uncompressed
      });
    }
    if (!groups.empty()) {
      extension(body, kExtSupportedGroups, [&] {
        put16(body, groups.size() * 2);
        for (const std::uint16_t g : groups) put16(body, g);
      });
    }
    if (spec.session_ticket) extension(body, kExtSessionTicket, [] {});
    if (spec.encrypt_then_mac) extension(body, kExtEncryptThenMac, [] {});
    if (spec.extended_master_secret) extension(body, kExtExtendedMasterSecret, [] {});
    if (spec.status_request) {
      extension(body, kExtStatusRequest, [&] {
        put8(body, 1);    // ocsp
        put16(body, 0);   // responder_id_list
        put16(body, 0);   // request_extensions
      });
    }
    if (legacy_version == 0x0303 && !sigalgs.empty()) {
      extension(body, kExtSignatureAlgorithms, [&] {
        put16(body, sigalgs.size() * 2);
        for (const std::uint16_t a : sigalgs) put16(body, a);
      });
    }
    std::vector<std::string_view> alpn;
    for (const auto& name : spec.alpn) {
      if (!name.empty() && name.size() <= 255 && alpn.size() < kTlsMaxHelloAlpn) alpn.push_back(name);
    }
    if (!alpn.empty()) {
      extension(body, kExtAlpn, [&] {
        const std::size_t list_at = open_block(body, 2);
        for (const auto name : alpn) {
          put8(body, name.size());
          put_bytes(body, as_bytes(name));
        }
        close_block(body, list_at, 2);
      });
    }
    if (spec.heartbeat) extension(body, kExtHeartbeat, [&] { put8(body, 1); });
    if (!versions.empty()) {
      extension(body, kExtSupportedVersions, [&] {
        put8(body, versions.size() * 2);
        for (const std::uint16_t v : versions) put16(body, v);
      });
    }
    if (offers_tls13) {
      extension(body, kExtPskKeyExchangeModes, [&] {
        put8(body, 1);
        put8(body, 1);  // psk_dhe_ke
      });
      const bool x25519 = std::find(groups.begin(), groups.end(), kGroupX25519) != groups.end();
      extension(body, kExtKeyShare, [&] {
        const std::size_t shares_at = open_block(body, 2);
        if (x25519) {
          put16(body, kGroupX25519);
          put16(body, spec.x25519_key_share.size());
          put_bytes(body, spec.x25519_key_share);
        }
        close_block(body, shares_at, 2);
      });
    }
    // Last of the regular extensions: it is never empty, and some old stacks (IBM, some
    // embedded) reject a hello whose final extension has no data.
    if (spec.renegotiation == TlsRenegotiationSignal::extension) {
      extension(body, kExtRenegotiationInfo, [&] { put8(body, 0); });
    }
    if (spec.padding) {
      // RFC 7685 as BoringSSL applies it: handshake message lengths 256..511 become 512.
      const std::size_t msg_len = 4 + body.size();
      if (msg_len >= 256 && msg_len < 512) {
        std::size_t pad = 512 - msg_len;
        pad = pad >= 5 ? pad - 4 : 1;
        extension(body, kExtPadding, [&] {
          for (std::size_t i = 0; i < pad; ++i) put8(body, 0);
        });
      }
    }
    if (body.size() == exts_at + 2) body.resize(exts_at);  // no extension: omit the block
    else close_block(body, exts_at, 2);
  }

  std::vector<std::uint8_t>& rec = out.bytes;
  rec.reserve(body.size() + 9);
  put8(rec, kContentHandshake);
  put16(rec, top == TlsVersion::sslv3 ? 0x0300 : 0x0301);
  put16(rec, body.size() + 4);
  put8(rec, kHsClientHello);
  put24(rec, body.size());
  put_bytes(rec, body);
  return out;
}

std::vector<std::uint16_t> tls_candidate_suites(TlsVersion v) {
  std::vector<std::uint16_t> out;
  if (v == TlsVersion::sslv2) return out;
  for (const TlsSuite& s : all_suites()) {
    if (s.scsv) continue;
    if (v == TlsVersion::tls1_3 ? !s.tls13_only : s.tls13_only) continue;
    if (v < TlsVersion::tls1_2 && s.tls12_plus) continue;
    out.push_back(s.code);
  }
  return out;
}

std::vector<std::uint32_t> sslv2_default_cipher_specs() {
  return {0x0700C0, 0x050080, 0x030080, 0x010080, 0x080080, 0x060040, 0x040080, 0x020080};
}

std::vector<std::uint8_t> build_sslv2_client_hello(std::span<const std::uint32_t> cipher_specs,
                                                   std::span<const std::uint8_t> challenge,
                                                   std::uint16_t version) {
  if (challenge.size() < 16 || challenge.size() > 32) return {};
  const std::size_t n = std::min<std::size_t>(cipher_specs.size(), 1024);
  std::vector<std::uint8_t> body;
  body.reserve(9 + 3 * n + challenge.size());
  put8(body, 1);  // MSG-CLIENT-HELLO
  put16(body, version);
  put16(body, 3 * n);
  put16(body, 0);  // no session id
  put16(body, challenge.size());
  for (std::size_t i = 0; i < n; ++i) put24(body, cipher_specs[i] & 0xffffffu);
  put_bytes(body, challenge);
  std::vector<std::uint8_t> out;
  out.reserve(body.size() + 2);
  put8(out, 0x80 | (body.size() >> 8));  // 2-byte header: no padding
  put8(out, body.size() & 0xff);
  put_bytes(out, body);
  return out;
}

// ---- parser ------------------------------------------------------------------------------------

Parse parse_server_hello_flight(Bytes in, ServerFlight& out, std::size_t& consumed) noexcept {
  consumed = 0;
  try {
    out = ServerFlight{};
    return parse_flight(in, out, consumed);
  } catch (...) {  // std::bad_alloc only: everything kept is capped at kTlsMaxFlight bytes
    consumed = 0;
    return Parse::invalid;
  }
}

std::string_view to_string(TlsCipherOrder o) noexcept {
  switch (o) {
    case TlsCipherOrder::server: return "server";
    case TlsCipherOrder::client: return "client";
    case TlsCipherOrder::unknown: break;
  }
  return "unknown";
}

TlsCipherOrder tls_cipher_order(std::span<const std::uint16_t> forward, std::uint16_t pick_forward,
                                std::uint16_t pick_reversed) noexcept {
  if (forward.size() < 2) return TlsCipherOrder::unknown;
  if (pick_forward == pick_reversed) return TlsCipherOrder::server;
  if (pick_forward == forward.front() && pick_reversed == forward.back()) return TlsCipherOrder::client;
  return TlsCipherOrder::unknown;
}

TlsFallbackAnswer tls_fallback_answer(const ServerFlight& flight, std::uint16_t offered) noexcept {
  if (flight.server_hello) return flight.negotiated_version == offered ? TlsFallbackAnswer::accepted : TlsFallbackAnswer::other;
  if (flight.alert && flight.alert->description == 86) return TlsFallbackAnswer::refused;
  return TlsFallbackAnswer::other;
}

bool tls_compression_accepted(const ServerFlight& flight) noexcept {
  return flight.server_hello && !flight.server_hello->hello_retry_request && flight.server_hello->compression == 1;
}

}  // namespace trustscan
