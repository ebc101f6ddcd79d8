// trustscan — HTTP authentication challenges and Authorization headers (pure).
#include "probes/http/http_auth.hpp"
#include "trustscan/text.hpp"

#include <algorithm>
#include <cstdio>

namespace trustscan {

namespace {

bool token68_char(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || std::string_view("-._~+/").find(c) != std::string_view::npos;
}

// A cursor over the field value; every read is bounds-checked.
struct Cursor {
  std::string_view s;
  std::size_t i = 0;
  bool end() const noexcept { return i >= s.size(); }
  char peek() const noexcept { return end() ? '\0' : s[i]; }
  void skip_ows() noexcept {
    while (!end() && is_ows(s[i])) ++i;
  }
  std::string_view token() noexcept {
    const auto b = i;
    while (!end() && is_tchar(s[i])) ++i;
    return s.substr(b, i - b);
  }
};

// quoted-string at the cursor (which is on the opening quote). nullopt: unterminated, a control
// byte, or longer than the cap.
std::optional<std::string> quoted(Cursor& c) noexcept {
  std::string out;
  ++c.i;  // opening quote
  while (!c.end()) {
    char ch = c.s[c.i++];
    if (ch == '"') return out;
    if (ch == '\\') {
      if (c.end()) return std::nullopt;
      ch = c.s[c.i++];
    }
    if ((static_cast<unsigned char>(ch) < 0x20 && ch != '\t') || ch == 0x7f) return std::nullopt;
    if (out.size() >= kAuthMaxValue) return std::nullopt;
    out += ch;
  }
  return std::nullopt;
}

// An unquoted parameter value: a token, leniently any visible byte but ',' and ' '.
std::string_view bare_value(Cursor& c) noexcept {
  const auto b = c.i;
  while (!c.end()) {
    const auto ch = static_cast<unsigned char>(c.s[c.i]);
    if (ch == ',' || ch <= 0x20 || ch == 0x7f) break;
    ++c.i;
  }
  return c.s.substr(b, c.i - b);
}

// After a list element: OWS, then ',' or the end. Skips any run of commas (empty elements).
bool next_element(Cursor& c) noexcept {
  c.skip_ows();
  if (c.end()) return true;
  if (c.peek() != ',') return false;
  while (!c.end() && (c.peek() == ',' || is_ows(c.peek()))) ++c.i;
  return true;
}

// Is the cursor at "token BWS =" (a parameter) rather than at a new challenge's scheme?
bool at_param(const Cursor& c) noexcept {
  Cursor look = c;
  if (look.token().empty()) return false;
  look.skip_ows();
  return look.peek() == '=';
}

}  // namespace

const std::string* AuthChallenge::param(std::string_view lower_name) const noexcept {
  for (const auto& [k, v] : params)
    if (k == lower_name) return &v;
  return nullptr;
}

bool AuthChallenge::is(std::string_view scheme_name) const noexcept { return iequals(scheme, scheme_name); }

Parse parse_auth_challenges(Bytes value, std::vector<AuthChallenge>& out) noexcept {
  try {
    if (value.size() > kAuthMaxInput) return Parse::invalid;
    Cursor c{as_text(value)};
    for (char ch : c.s)
      if (ch == '\r' || ch == '\n' || ch == '\0') return Parse::invalid;
    // Leading empty list elements.
    while (!c.end() && (c.peek() == ',' || is_ows(c.peek()))) ++c.i;
    if (c.end()) return Parse::invalid;
    while (!c.end()) {
      if (out.size() >= kAuthMaxChallenges) return Parse::invalid;
      AuthChallenge ch;
      const auto scheme = c.token();
      if (scheme.empty() || scheme.size() > kAuthMaxValue) return Parse::invalid;
      ch.scheme = std::string(scheme);
      if (!c.end() && !is_ows(c.peek()) && c.peek() != ',') return Parse::invalid;
      c.skip_ows();
      // token68: characters, then '='s, then the end of the element.
      if (!c.end() && c.peek() != ',' && !at_param(c)) {
        const auto b = c.i;
        while (!c.end() && token68_char(c.peek())) ++c.i;
        while (!c.end() && c.peek() == '=') ++c.i;
        if (c.i == b || c.i - b > kAuthMaxValue) return Parse::invalid;
        ch.token68 = std::string(c.s.substr(b, c.i - b));
        if (!next_element(c)) return Parse::invalid;
      } else if (!c.end() && c.peek() == ',') {
        (void)next_element(c);  // a scheme without parameters ("Negotiate, NTLM")
      } else {
        // Parameters until the end or the next challenge's scheme.
        while (!c.end() && at_param(c)) {
          if (ch.params.size() >= kAuthMaxParams) return Parse::invalid;
          const auto name = c.token();
          if (name.size() > kAuthMaxValue) return Parse::invalid;
          c.skip_ows();
          ++c.i;  // '='
          c.skip_ows();
          std::string v;
          if (c.peek() == '"') {
            auto q = quoted(c);
            if (!q) return Parse::invalid;
            v = std::move(*q);
          } else {
            const auto bare = bare_value(c);
            if (bare.size() > kAuthMaxValue) return Parse::invalid;
            v = std::string(bare);
          }
          ch.params.emplace_back(ascii_lower(name), std::move(v));
          if (!next_element(c)) return Parse::invalid;
        }
      }
      out.push_back(std::move(ch));
    }
    return Parse::done;
  } catch (...) {
    return Parse::invalid;  // allocation failure
  }
}

std::optional<DigestAlgorithm> digest_algorithm(const AuthChallenge& c) noexcept {
  const auto* a = c.param("algorithm");
  if (!a) return DigestAlgorithm::md5;
  for (auto alg : {DigestAlgorithm::md5, DigestAlgorithm::md5_sess, DigestAlgorithm::sha256, DigestAlgorithm::sha256_sess})
    if (iequals(*a, to_string(alg))) return alg;
  return std::nullopt;
}

std::string_view to_string(DigestAlgorithm a) noexcept {
  switch (a) {
    case DigestAlgorithm::md5: return "MD5";
    case DigestAlgorithm::md5_sess: return "MD5-sess";
    case DigestAlgorithm::sha256: return "SHA-256";
    case DigestAlgorithm::sha256_sess: return "SHA-256-sess";
  }
  return "MD5";
}

namespace {

bool has_ctl(std::string_view s) noexcept {
  return std::any_of(s.begin(), s.end(), [](char ch) { return static_cast<unsigned char>(ch) < 0x20 || ch == 0x7f; });
}

std::string quote(std::string_view s) {
  std::string out = "\"";
  for (char ch : s) {
    if (ch == '"' || ch == '\\') out += '\\';
    out += ch;
  }
  return out + "\"";
}

// The qop tokens the challenge offers ("auth", "auth-int"), lowercased.
std::vector<std::string> qop_options(const AuthChallenge& c) {
  std::vector<std::string> out;
  const auto* q = c.param("qop");
  if (!q) return out;
  std::string_view rest = *q;
  while (!rest.empty()) {
    const auto comma = rest.find(',');
    auto item = rest.substr(0, comma);
    while (!item.empty() && is_ows(item.front())) item.remove_prefix(1);
    while (!item.empty() && is_ows(item.back())) item.remove_suffix(1);
    if (!item.empty()) out.push_back(ascii_lower(item));
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return out;
}

}  // namespace

std::optional<std::string> build_digest_authorization(const AuthChallenge& c, const DigestRequest& req,
                                                      const DigestHashFn& hash) {
  if (!c.is("Digest") || !hash) return std::nullopt;
  const auto* realm = c.param("realm");
  const auto* nonce = c.param("nonce");
  const auto alg = digest_algorithm(c);
  if (!realm || !nonce || !alg) return std::nullopt;
  for (auto s : {req.user, req.password, req.method, req.uri, req.cnonce, std::string_view(*realm), std::string_view(*nonce)})
    if (has_ctl(s)) return std::nullopt;
  if (req.cnonce.find_first_of("\"\\") != std::string_view::npos) return std::nullopt;
  const auto qops = qop_options(c);
  const bool qop_auth = std::find(qops.begin(), qops.end(), "auth") != qops.end();
  if (!qops.empty() && !qop_auth) return std::nullopt;  // auth-int only: the body would be hashed
  const bool sess = *alg == DigestAlgorithm::md5_sess || *alg == DigestAlgorithm::sha256_sess;

  // RFC 7616 §3.4.2 (A1), §3.4.3 (A2), §3.4.1 (response).
  std::string ha1 = hash(*alg, std::string(req.user) + ":" + *realm + ":" + std::string(req.password));
  if (sess) ha1 = hash(*alg, ha1 + ":" + *nonce + ":" + std::string(req.cnonce));
  const std::string ha2 = hash(*alg, std::string(req.method) + ":" + std::string(req.uri));
  char nc[9];
  std::snprintf(nc, sizeof nc, "%08x", static_cast<unsigned>(req.nc));
  const std::string response = qop_auth ? hash(*alg, ha1 + ":" + *nonce + ":" + nc + ":" + std::string(req.cnonce) + ":auth:" + ha2)
                                        : hash(*alg, ha1 + ":" + *nonce + ":" + ha2);

  std::string h = "Digest username=" + quote(req.user) + ", realm=" + quote(*realm) + ", nonce=" + quote(*nonce) +
                  ", uri=" + quote(req.uri) + ", algorithm=" + std::string(to_string(*alg)) + ", response=" + quote(response);
  if (const auto* opaque = c.param("opaque")) {
    if (has_ctl(*opaque)) return std::nullopt;
    h += ", opaque=" + quote(*opaque);
  }
  if (qop_auth) h += ", qop=auth, nc=" + std::string(nc) + ", cnonce=" + quote(req.cnonce);
  return h;
}

std::string base64_encode(std::string_view in) {
  static constexpr char t[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  for (std::size_t i = 0; i < in.size(); i += 3) {
    const std::size_t left = in.size() - i;
    std::uint32_t n = std::uint32_t(std::uint8_t(in[i])) << 16;
    if (left > 1) n |= std::uint32_t(std::uint8_t(in[i + 1])) << 8;
    if (left > 2) n |= std::uint8_t(in[i + 2]);
    out += t[n >> 18];
    out += t[(n >> 12) & 63];
    out += left > 1 ? t[(n >> 6) & 63] : '=';
    out += left > 2 ? t[n & 63] : '=';
  }
  return out;
}

std::string build_basic_authorization(std::string_view user, std::string_view password) {
  return "Basic " + base64_encode(std::string(user) + ":" + std::string(password));
}

}  // namespace trustscan
