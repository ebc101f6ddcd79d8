// trustscan — HTTP/1.x response parser. See http.hpp for the contract and the caps.
//
// The parser is stateless: every call re-parses the bytes received so far from the start. A
// response is at most kHttpMaxMessage raw bytes, so re-parsing costs little, and statelessness
// makes "same answer whatever the split points" true by construction.
#include "probes/http/http.hpp"
#include "trustscan/text.hpp"
#include "probes/http/http_keys.hpp"

#include <algorithm>
#include <cstring>

namespace trustscan {
namespace {

constexpr std::size_t kMaxChunkLine = 1024;  // chunk size + extensions; real servers send < 20
constexpr std::size_t kMaxScheme = 64;

// Cut at `max` bytes without splitting a UTF-8 sequence, so reports stay valid text.
std::string_view cap_utf8(std::string_view s, std::size_t max) noexcept {
  if (s.size() <= max) return s;
  std::size_t cut = max;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  return s.substr(0, cut);
}

// Device text goes into one-line reports: control bytes become spaces, then the cap applies.
std::string clean_field(std::string_view s) {
  std::string r(cap_utf8(s, kHttpMaxField));
  for (auto& c : r)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  return r;
}

// One line starting at `pos` whose '\n' must lie before `limit`. CRLF or bare LF; a NUL or a CR
// inside the line is invalid (request-smuggling style ambiguities have no place in a probe).
Parse next_line(Bytes in, std::size_t pos, std::size_t limit, std::string_view& line,
                std::size_t& next) noexcept {
  const std::size_t end = std::min(in.size(), limit);
  if (pos >= end) return in.size() >= limit ? Parse::invalid : Parse::need_more;
  const void* nl = std::memchr(in.data() + pos, '\n', end - pos);
  if (nl == nullptr) return in.size() >= limit ? Parse::invalid : Parse::need_more;
  const auto nl_at = static_cast<std::size_t>(static_cast<const std::uint8_t*>(nl) - in.data());
  line = as_text(in.subspan(pos, nl_at - pos));
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (line.find('\r') != std::string_view::npos || line.find('\0') != std::string_view::npos)
    return Parse::invalid;
  next = nl_at + 1;
  return Parse::done;
}

// A first line still incomplete: reject as soon as it cannot become "HTTP/1.x DDD".
Parse check_status_prefix(std::string_view s) noexcept {
  static constexpr std::string_view proto = "HTTP/1.";
  const std::size_t n = std::min(s.size(), proto.size());
  if (s.substr(0, n) != proto.substr(0, n)) return Parse::invalid;
  if (s.size() > 7 && !is_ascii_digit(s[7])) return Parse::invalid;
  if (s.size() > 8 && s[8] != ' ') return Parse::invalid;
  for (std::size_t i = 9; i < 12 && i < s.size(); ++i)
    if (!is_ascii_digit(s[i])) return Parse::invalid;
  if (s.size() > 12 && s[12] != ' ' && s[12] != '\r') return Parse::invalid;
  return Parse::need_more;
}

bool parse_status_line(std::string_view line, HttpResponse& r) {
  if (line.size() < 12 || check_status_prefix(line) != Parse::need_more) return false;
  r.version_minor = line[7] - '0';
  r.status = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
  if (r.status < 100) return false;
  if (line.size() > 12) {
    if (line[12] != ' ') return false;
    const auto reason = line.substr(13);
    for (const char c : reason)
      if ((static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7f) return false;
    r.reason = clean_field(reason);
  }
  return true;
}

// Status line and header fields of one response starting at `start`.
Parse parse_head(Bytes in, std::size_t start, HttpResponse& r, std::size_t& head_end) {
  const std::size_t limit = start + kHttpMaxHeaderBlock;
  std::string_view line;
  std::size_t next = 0;
  Parse p = next_line(in, start, limit, line, next);
  if (p == Parse::need_more) return check_status_prefix(as_text(in.subspan(start)));
  if (p == Parse::invalid || !parse_status_line(line, r)) return Parse::invalid;
  std::size_t pos = next;
  for (;;) {
    p = next_line(in, pos, limit, line, next);
    if (p != Parse::done) return p;
    pos = next;
    if (line.empty()) {
      head_end = pos;
      return Parse::done;
    }
    // Obsolete line folding is rejected (RFC 9112 §5.2 allows it): a folded line is how a
    // header gets one meaning for us and another for the device.
    if (is_ows(line.front())) return Parse::invalid;
    if (r.headers.size() >= kHttpMaxHeaders) return Parse::invalid;
    const auto colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) return Parse::invalid;
    const auto name = line.substr(0, colon);
    for (const char c : name)
      if (!is_tchar(static_cast<unsigned char>(c))) return Parse::invalid;
    const auto value = trim_ows(line.substr(colon + 1));
    for (const char c : value)
      if ((static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7f) return Parse::invalid;
    r.headers.push_back({ascii_lower(name), std::string(value)});
  }
}

// ---- WWW-Authenticate (RFC 9110 §11.6.1): challenge = scheme [ 1*SP ( token68 / #auth-param ) ]
// A comma separates both parameters and challenges; a token not followed by '=' after a comma
// starts a new challenge.
void parse_challenges(std::string_view v, std::vector<HttpAuthChallenge>& out) {
  const std::size_t n = v.size();
  std::size_t i = 0;
  const auto skip_ows = [&] {
    while (i < n && is_ows(v[i])) ++i;
  };
  const auto token_end = [&](std::size_t p) {
    while (p < n && is_tchar(static_cast<unsigned char>(v[p]))) ++p;
    return p;
  };
  const auto param_at = [&](std::size_t p) {
    const std::size_t e = token_end(p);
    if (e == p) return false;
    p = e;
    while (p < n && is_ows(v[p])) ++p;
    if (p >= n || v[p] != '=') return false;
    ++p;
    while (p < n && is_ows(v[p])) ++p;
    return p < n && (v[p] == '"' || is_tchar(static_cast<unsigned char>(v[p])));
  };
  const auto parse_param = [&](HttpAuthChallenge& c) {
    const std::size_t e = token_end(i);
    const auto name = v.substr(i, e - i);
    i = e;
    skip_ows();
    ++i;  // '=' (param_at checked it)
    skip_ows();
    std::string value;
    if (v[i] == '"') {
      ++i;
      while (i < n && v[i] != '"') {
        if (v[i] == '\\' && i + 1 < n) ++i;
        if (value.size() < kHttpMaxField) value += v[i];
        ++i;
      }
      if (i >= n) return false;  // unterminated quoted-string
      ++i;
    } else {
      const std::size_t te = token_end(i);
      value = v.substr(i, std::min(te - i, kHttpMaxField));
      i = te;
    }
    if (iequals(name, "realm") && !c.realm) c.realm = clean_field(value);
    return true;
  };

  while (i < n && out.size() < kHttpMaxChallenges) {
    while (i < n && (is_ows(v[i]) || v[i] == ',')) ++i;
    if (i >= n) break;
    const std::size_t se = token_end(i);
    if (se == i) return;  // not a scheme: keep what we have
    HttpAuthChallenge c;
    c.scheme = clean_field(v.substr(i, std::min(se - i, kMaxScheme)));
    i = se;
    bool first = true;
    while (i < n) {
      skip_ows();
      if (i >= n) break;
      if (v[i] == ',') {
        std::size_t p = i + 1;
        while (p < n && (is_ows(v[p]) || v[p] == ',')) ++p;
        i = p;
        if (p >= n || !param_at(p)) break;  // end, or the next challenge's scheme
        if (!parse_param(c)) {
          out.push_back(std::move(c));
          return;
        }
      } else if (!first) {
        out.push_back(std::move(c));  // junk after a parameter without a comma
        return;
      } else if (param_at(i)) {
        if (!parse_param(c)) {
          out.push_back(std::move(c));
          return;
        }
      } else {
        while (i < n && v[i] != ',' && !is_ows(v[i])) ++i;  // token68 ("Negotiate abc==")
      }
      first = false;
    }
    out.push_back(std::move(c));
  }
}

std::optional<std::int64_t> parse_max_age(std::string_view sts) {
  while (!sts.empty()) {
    const auto semi = sts.find(';');
    auto directive = trim_ows(sts.substr(0, semi));
    sts = semi == std::string_view::npos ? std::string_view{} : sts.substr(semi + 1);
    const auto eq = directive.find('=');
    if (eq == std::string_view::npos || !iequals(trim_ows(directive.substr(0, eq)), "max-age"))
      continue;
    auto value = trim_ows(directive.substr(eq + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"')
      value = value.substr(1, value.size() - 2);
    if (value.empty() || value.size() > 18) return std::nullopt;
    std::int64_t v = 0;
    for (const char c : value) {
      if (!is_ascii_digit(c)) return std::nullopt;
      v = v * 10 + (c - '0');
    }
    return v;
  }
  return std::nullopt;
}

void derive_from_headers(HttpResponse& r) {
  const auto first = [&](std::string_view name) -> std::optional<std::string> {
    if (const auto* v = r.header(name)) return clean_field(*v);
    return std::nullopt;
  };
  r.server = first("server");
  r.location = first("location");
  r.content_type = first("content-type");
  r.powered_by = first("x-powered-by");
  for (const auto& h : r.headers) {
    if (h.name == "www-authenticate") parse_challenges(h.value, r.auth_challenges);
    if (h.name == "strict-transport-security" && !r.hsts) {
      r.hsts = true;
      r.hsts_max_age = parse_max_age(h.value);
    }
  }
}

// ---- body-derived facts. `lb` is the body lowercased once, so every search is case-blind.


std::optional<std::string> find_title(std::string_view body, std::string_view lb) {
  std::size_t p = 0;
  while ((p = lb.find("<title", p)) != std::string_view::npos) {
    const std::size_t after = p + 6;
    if (after < lb.size() && lb[after] != '>' && lb[after] != ' ' && lb[after] != '\t' &&
        lb[after] != '\n' && lb[after] != '\r') {
      p = after;  // <titlebar> or similar
      continue;
    }
    const std::size_t gt = lb.find('>', p);
    if (gt == std::string_view::npos) return std::nullopt;
    const std::size_t close = lb.find("</title", gt);
    if (close == std::string_view::npos) return std::nullopt;
    // Collapse whitespace runs so a title spanning lines reads as one line.
    std::string text;
    bool space = false;
    for (const char c : body.substr(gt + 1, std::min(close - gt - 1, 4 * kHttpMaxField))) {
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
        space = !text.empty();
        continue;
      }
      if (space) text += ' ';
      space = false;
      text += c;
    }
    return clean_field(decode_entities(text));
  }
  return std::nullopt;
}

bool is_html_space(char c) noexcept { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

// `tag` is "<input …" up to (not including) '>', lowercased.
bool input_is_password(std::string_view tag) {
  std::size_t p = 0;
  while ((p = tag.find("type", p)) != std::string_view::npos) {
    const bool starts_attr = p > 0 && is_html_space(tag[p - 1]);
    std::size_t q = p + 4;
    p = q;
    if (!starts_attr) continue;
    while (q < tag.size() && is_html_space(tag[q])) ++q;
    if (q >= tag.size() || tag[q] != '=') continue;
    ++q;
    while (q < tag.size() && is_html_space(tag[q])) ++q;
    if (q < tag.size() && (tag[q] == '"' || tag[q] == '\'')) ++q;
    if (tag.substr(q, 8) != "password") continue;
    q += 8;
    if (q >= tag.size() || tag[q] == '"' || tag[q] == '\'' || tag[q] == '/' || is_html_space(tag[q]))
      return true;
  }
  return false;
}

// Each <form> is searched only up to its </form> and forms do not overlap: linear in the body.
bool find_login_form(std::string_view lb) {
  std::size_t p = 0;
  while ((p = lb.find("<form", p)) != std::string_view::npos) {
    const std::size_t after = p + 5;
    if (after < lb.size() && lb[after] != '>' && !is_html_space(lb[after])) {
      p = after;
      continue;
    }
    std::size_t end = lb.find("</form", after);
    if (end == std::string_view::npos) end = lb.size();
    const auto form = lb.substr(0, end);
    std::size_t q = after;
    while ((q = form.find("<input", q)) != std::string_view::npos) {
      std::size_t gt = form.find('>', q);
      if (gt == std::string_view::npos) gt = form.size();
      if (input_is_password(form.substr(q, gt - q))) return true;
      q = gt;
    }
    p = end;
  }
  return false;
}

void derive_from_body(HttpResponse& r) {
  const std::string lb = ascii_lower(r.body);
  r.title = find_title(r.body, lb);
  r.login_form = find_login_form(lb);
}

// ---- body framing (RFC 9112 §6.3)

bool parse_chunk_size(std::string_view line, std::uint64_t& size) noexcept {
  std::size_t i = 0;
  std::uint64_t v = 0;
  for (; i < line.size(); ++i) {
    const char c = line[i];
    int d = -1;
    if (is_ascii_digit(c)) d = c - '0';
    else if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F') d = c - 'A' + 10;
    if (d < 0) break;
    if ((v >> 60) != 0) return false;  // more than 64 bits of size
    v = v * 16 + static_cast<std::uint64_t>(d);
  }
  if (i == 0) return false;
  while (i < line.size() && is_ows(line[i])) ++i;
  if (i < line.size() && line[i] != ';') return false;  // only chunk extensions may follow
  size = v;
  return true;
}

Parse parse_chunked(Bytes in, std::size_t start, std::size_t p, HttpResponse& r,
                    std::size_t& consumed, bool at_eof) {
  const Parse more = at_eof ? Parse::invalid : Parse::need_more;
  for (;;) {
    if (p - start > kHttpMaxMessage) return Parse::invalid;
    std::string_view line;
    std::size_t next = 0;
    Parse lp = next_line(in, p, p + kMaxChunkLine, line, next);
    if (lp != Parse::done) return lp == Parse::need_more ? more : Parse::invalid;
    std::uint64_t size = 0;
    if (!parse_chunk_size(line, size)) return Parse::invalid;
    p = next;
    if (size == 0) {
      // Trailer fields: checked for shape and counted, not kept.
      const std::size_t limit = p + kHttpMaxHeaderBlock;
      for (std::size_t count = 0;; ++count) {
        lp = next_line(in, p, limit, line, next);
        if (lp != Parse::done) return lp == Parse::need_more ? more : Parse::invalid;
        p = next;
        if (line.empty()) {
          consumed = p;
          return Parse::done;
        }
        const auto colon = line.find(':');
        if (count >= kHttpMaxHeaders || is_ows(line.front()) || colon == 0 ||
            colon == std::string_view::npos)
          return Parse::invalid;
      }
    }
    const std::size_t room = kHttpMaxBody - r.body.size();
    const std::size_t avail = in.size() - p;
    if (size > room) {
      // Keep what fits and stop: the probe must not read a camera stream forever.
      if (avail < room) return more;
      r.body.append(as_text(in.subspan(p, room)));
      r.body_truncated = true;
      consumed = p + room;
      return Parse::done;
    }
    const auto n = static_cast<std::size_t>(size);
    if (avail < n) return more;
    r.body.append(as_text(in.subspan(p, n)));
    p += n;
    if (p >= in.size()) return more;
    if (in[p] == '\r') {
      if (p + 1 >= in.size()) return more;
      if (in[p + 1] != '\n') return Parse::invalid;
      p += 2;
    } else if (in[p] == '\n') {
      p += 1;
    } else {
      return Parse::invalid;
    }
  }
}

Parse parse_body(Bytes in, std::size_t start, std::size_t head_end, HttpResponse& r,
                 std::size_t& consumed, const HttpParseOptions& opts) {
  const Parse more = opts.at_eof ? Parse::invalid : Parse::need_more;
  if (opts.head_request || r.status == 204 || r.status == 304 || r.status < 200) {
    r.framing = HttpFraming::none;
    consumed = head_end;
    return Parse::done;
  }
  bool has_te = false;
  std::string last_coding;
  std::optional<std::uint64_t> length;
  for (const auto& h : r.headers) {
    if (h.name == "transfer-encoding") {
      has_te = true;
      std::string_view v = h.value;
      while (!v.empty()) {
        const auto comma = v.find(',');
        const auto coding = trim_ows(v.substr(0, comma));
        if (!coding.empty()) last_coding = ascii_lower(coding);
        v = comma == std::string_view::npos ? std::string_view{} : v.substr(comma + 1);
      }
    } else if (h.name == "content-length") {
      // "Content-Length: 5, 5" and repeated identical fields are tolerated; different values
      // are the classic smuggling ambiguity and make the response invalid.
      std::string_view v = h.value;
      do {
        const auto comma = v.find(',');
        const auto num = trim_ows(v.substr(0, comma));
        if (num.empty() || num.size() > 18) return Parse::invalid;
        std::uint64_t x = 0;
        for (const char c : num) {
          if (!is_ascii_digit(c)) return Parse::invalid;
          x = x * 10 + static_cast<std::uint64_t>(c - '0');
        }
        if (length && *length != x) return Parse::invalid;
        length = x;
        v = comma == std::string_view::npos ? std::string_view{} : v.substr(comma + 1);
      } while (!v.empty());
    }
  }
  const std::size_t avail = in.size() - head_end;
  if (has_te) {
    // Transfer-Encoding wins over Content-Length (RFC 9112 §6.3 rule 3); a coding list not
    // ending in chunked is delimited by the close.
    if (last_coding == "chunked") {
      r.framing = HttpFraming::chunked;
      return parse_chunked(in, start, head_end, r, consumed, opts.at_eof);
    }
  } else if (length) {
    r.framing = HttpFraming::content_length;
    const bool truncated = *length > kHttpMaxBody;
    const std::size_t want = truncated ? kHttpMaxBody : static_cast<std::size_t>(*length);
    if (avail < want) return more;
    r.body.assign(as_text(in.subspan(head_end, want)));
    r.body_truncated = truncated;
    consumed = head_end + want;
    return Parse::done;
  }
  r.framing = HttpFraming::until_close;
  if (opts.at_eof && avail <= kHttpMaxBody) {
    r.body.assign(as_text(in.subspan(head_end)));
    consumed = in.size();
    return Parse::done;
  }
  if (avail < kHttpMaxBody) return Parse::need_more;
  r.body.assign(as_text(in.subspan(head_end, kHttpMaxBody)));
  r.body_truncated = true;
  consumed = head_end + kHttpMaxBody;
  return Parse::done;
}

std::string strip_ctl(std::string_view s) {
  std::string r;
  r.reserve(s.size());
  for (const char c : s)
    if (c != '\r' && c != '\n' && c != '\0') r += c;
  return r;
}

}  // namespace

const std::string* HttpResponse::header(std::string_view lower_name) const noexcept {
  for (const auto& h : headers)
    if (h.name == lower_name) return &h.value;
  return nullptr;
}

Parse parse_http_response(Bytes in, HttpResponse& out, std::size_t& consumed,
                          HttpParseOptions opts) noexcept {
  consumed = 0;
  std::size_t start = 0;
  for (std::size_t interim = 0;; ++interim) {
    HttpResponse r;
    r.interim_responses = interim;
    std::size_t head_end = 0;
    const Parse p = parse_head(in, start, r, head_end);
    if (p != Parse::done) {
      out = std::move(r);
      return (p == Parse::need_more && opts.at_eof) ? Parse::invalid : p;
    }
    // 1xx (but 101, which ends HTTP on this connection) are interim: the answer follows.
    if (r.status < 200 && r.status != 101) {
      if (interim + 1 > kHttpMaxInterim) return Parse::invalid;
      start = head_end;
      continue;
    }
    derive_from_headers(r);
    const Parse b = parse_body(in, start, head_end, r, consumed, opts);
    if (b == Parse::done) {
      derive_from_body(r);
      r.raw_head.assign(as_text(in.subspan(start, std::min(consumed - start, Evidence::kMaxExcerpt))));
    }
    out = std::move(r);
    return b;
  }
}

Parse finish_at_eof(Bytes in, HttpResponse& out, std::size_t& consumed,
                    HttpParseOptions opts) noexcept {
  opts.at_eof = true;
  return parse_http_response(in, out, consumed, opts);
}

std::vector<std::uint8_t> build_http_request(std::string_view method, std::string_view host,
                                             std::string_view path,
                                             std::span<const HttpHeader> extra) {
  std::string req;
  req += method.empty() ? std::string("GET") : strip_ctl(method);
  req += ' ';
  req += path.empty() ? std::string("/") : strip_ctl(path);
  req += " HTTP/1.1\r\nHost: ";
  req += strip_ctl(host);
  req += "\r\nUser-Agent: trustscan/0.1\r\nAccept: */*\r\n";
  for (const auto& h : extra) {
    req += strip_ctl(h.name);
    req += ": ";
    req += strip_ctl(h.value);
    req += "\r\n";
  }
  req += "Connection: close\r\n\r\n";
  return {req.begin(), req.end()};
}

std::vector<Observation> http_observations(const HttpResponse& r, const Endpoint& ep) {
  Evidence ev;
  ev.kind = "http_response";
  ev.detail = "HTTP/1." + std::to_string(r.version_minor) + " " + std::to_string(r.status) +
              (r.reason.empty() ? "" : " " + r.reason);
  ev.excerpt = printable_excerpt(as_bytes(r.raw_head), Evidence::kMaxExcerpt);
  std::vector<Observation> out;
  const auto add = [&](const ObservationKey& key, Value v) {
    out.push_back(Observation{ep, key, std::move(v), ev});
  };
  add(keys::http::status, static_cast<std::int64_t>(r.status));
  if (r.server) add(keys::http::server, *r.server);
  if (r.title) add(keys::http::title, *r.title);
  if (!r.auth_challenges.empty()) {
    std::vector<std::string> schemes;
    for (const auto& c : r.auth_challenges)
      schemes.push_back(c.realm ? c.scheme + " realm=\"" + *c.realm + "\"" : c.scheme);
    add(keys::http::auth_schemes, std::move(schemes));
  }
  if (r.location) add(keys::http::location, *r.location);
  add(keys::http::hsts, r.hsts);
  if (r.hsts_max_age) add(keys::http::hsts_max_age, *r.hsts_max_age);
  if (r.content_type) add(keys::http::content_type, *r.content_type);
  add(keys::http::login_form, r.login_form);
  if (r.powered_by) add(keys::http::powered_by, *r.powered_by);
  return out;
}

}  // namespace trustscan
