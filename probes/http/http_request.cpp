// trustscan — HTTP/1.x request parser and response summary.
#include "probes/http/http_request.hpp"
#include "trustscan/text.hpp"
#include "probes/http/http_keys.hpp"

#include <algorithm>
#include <charconv>

namespace trustscan {

namespace {


// Lines of a byte span; each ends in LF (an optional CR before it is dropped).
struct Lines {
  std::string_view text;
  std::size_t pos = 0;
  // The next line; nullopt when no LF follows yet.
  std::optional<std::string_view> next() {
    const auto nl = text.find('\n', pos);
    if (nl == std::string_view::npos) return std::nullopt;
    std::string_view line = text.substr(pos, nl - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    pos = nl + 1;
    return line;
  }
};

bool clean(std::string_view line) {
  return line.find('\0') == std::string_view::npos && line.find('\r') == std::string_view::npos;
}

std::optional<std::uint64_t> number(std::string_view s, int base = 10) {
  std::uint64_t v = 0;
  const auto r = std::from_chars(s.data(), s.data() + s.size(), v, base);
  if (r.ec != std::errc{} || r.ptr != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

int base64_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

constexpr std::size_t kHttpReqMaxAnomalies = 4;

void note(HttpRequest& r, std::string what) {
  if (r.anomalies.size() < kHttpReqMaxAnomalies) r.anomalies.push_back(std::move(what));
}

bool method_token(std::string_view method) {
  return !method.empty() && method.size() <= 32 &&
         std::all_of(method.begin(), method.end(), [](char c) { return is_tchar(static_cast<unsigned char>(c)); });
}

// Request line: "<method> <target> HTTP/1.<d>". A target with spaces (RFC 9112 section 3.2
// forbids them; some devices send them) is everything between the first space and the last
// one, as tshark reads it, with an anomaly.
bool request_line(std::string_view line, HttpRequest& out) {
  const auto sp1 = line.find(' ');
  const auto sp2 = line.rfind(' ');
  if (sp1 == std::string_view::npos || sp1 == sp2 || !method_token(line.substr(0, sp1))) return false;
  const auto version = line.substr(sp2 + 1);
  if (version.size() != 8 || version.substr(0, 7) != "HTTP/1." || version[7] < '0' || version[7] > '9') return false;
  const auto target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  if (target.empty() || target.find_first_not_of(' ') == std::string_view::npos) return false;
  if (target.find(' ') != std::string_view::npos) note(out, "spaces in the request target (RFC 9112 section 3.2), read as tshark does");
  out.method = std::string(line.substr(0, sp1));
  out.target = std::string(target.substr(0, kHttpReqMaxValue));
  out.version_minor = version[7] - '0';
  return true;
}

// HTTP/0.9 simple request (RFC 1945 section 4.1): "GET <path>", no version. Strict, so that
// other protocols' lines are not taken for one: GET, a target of visible ASCII starting with '/'.
bool simple_request(std::string_view line, HttpRequest& out) {
  if (!line.starts_with("GET /")) return false;
  const auto target = line.substr(4);
  if (target.size() > kHttpReqMaxValue ||
      !std::all_of(target.begin(), target.end(), [](char c) { return c > 0x20 && c < 0x7f; }))
    return false;
  out.method = "GET";
  out.target = std::string(target);
  out.version_major = 0;
  out.version_minor = 9;
  return true;
}

// Content-Length as a list ("5", "5, 5": RFC 9110 section 8.6): the value when every member is
// the same number, else nullopt.
std::optional<std::uint64_t> length_list(std::string_view value) {
  std::optional<std::uint64_t> v;
  while (true) {
    const auto comma = value.find(',');
    const auto n = number(trim_ows(value.substr(0, comma)));
    if (!n || (v && *v != *n)) return std::nullopt;
    v = n;
    if (comma == std::string_view::npos) return v;
    value.remove_prefix(comma + 1);
  }
}

// Applies one header field; false when it breaks the framing rules.
bool take_header(std::string_view name, std::string_view value, HttpRequest& out) {
  const std::string n = ascii_lower(name);
  const std::string v(value.substr(0, kHttpReqMaxValue));
  if (out.headers.size() < kHttpReqMaxHeaders) out.headers.push_back({n, v});
  if (n == "host" && !out.host) out.host = v;
  else if (n == "user-agent" && !out.user_agent) out.user_agent = v;
  else if (n == "content-type" && !out.content_type) out.content_type = v;
  else if (n == "authorization" && !out.authorization) {
    out.authorization = v;
    const auto sp = value.find(' ');
    out.auth_scheme = std::string(value.substr(0, std::min<std::size_t>(sp, 32)));
    if (iequals(out.auth_scheme, "basic") && sp != std::string_view::npos)
      if (auto cred = decode_basic_credentials(trim_ows(value.substr(sp + 1)))) {
        out.basic_user = std::move(cred->first);
        out.basic_password = std::move(cred->second);
      }
  } else if (n == "upgrade" && !out.upgrade) {
    out.upgrade = v;
  } else if (n == "proxy-authorization" && !out.proxy_basic_user) {
    const auto sp = value.find(' ');
    if (sp != std::string_view::npos && iequals(value.substr(0, sp), "basic"))
      if (auto cred = decode_basic_credentials(trim_ows(value.substr(sp + 1)))) {
        out.proxy_basic_user = std::move(cred->first);
        out.proxy_basic_password = std::move(cred->second);
      }
  } else if (n == "content-length") {
    // RFC 9112 section 6.3 item 5: a length that is not one number, or fields that disagree,
    // leave the message's end unknowable.
    const auto len = length_list(value);
    if (!len) {
      note(out, "Content-Length '" + printable_excerpt(as_bytes(v), 64) + "' is not one number (RFC 9112 section 6.3): framing unknown");
      out.framing_unknown = true;
      return false;
    }
    if (out.content_length && *out.content_length != *len) {
      note(out, "Content-Length " + std::to_string(*out.content_length) + " and " + std::to_string(*len) +
                    " disagree (RFC 9112 section 6.3): framing unknown");
      out.framing_unknown = true;
      return false;
    }
    out.content_length = len;
  } else if (n == "transfer-encoding") {
    // Repeated fields are one list (RFC 9110 section 5.3); the last coding decides.
    if (!out.transfer_encoding) out.transfer_encoding = v;
    else if (out.transfer_encoding->size() < kHttpReqMaxValue) *out.transfer_encoding += ", " + v;
    const auto last = trim_ows(value.substr(value.rfind(',') == std::string_view::npos ? 0 : value.rfind(',') + 1));
    out.chunked = iequals(last, "chunked");
  }
  return true;
}

// A chunked body starting at `text[pos]`: need_more / invalid / done with pos after the
// trailer. Data kept in `body` up to kHttpReqMaxBody.
Parse chunked_body(std::string_view text, std::size_t& pos, std::string& body, bool& truncated) {
  Lines lines{text, pos};
  while (true) {
    const auto size_line = lines.next();
    if (!size_line) return Parse::need_more;
    const auto hex = trim_ows(size_line->substr(0, size_line->find(';')));
    const auto size = number(hex, 16);
    if (!size || hex.size() > 8) return Parse::invalid;
    if (*size == 0) {
      while (true) {  // trailer fields until a blank line
        const auto t = lines.next();
        if (!t) return Parse::need_more;
        if (t->empty()) {
          pos = lines.pos;
          return Parse::done;
        }
      }
    }
    if (lines.pos + *size + 1 > text.size()) return Parse::need_more;
    const auto data = text.substr(lines.pos, *size);
    const std::size_t room = kHttpReqMaxBody - std::min(body.size(), kHttpReqMaxBody);
    body.append(data.substr(0, room));
    truncated = truncated || data.size() > room;
    lines.pos += *size;
    const auto end = lines.next();
    if (!end) return Parse::need_more;
    if (!end->empty()) return Parse::invalid;
  }
}

// End of the header block of the response after `interim` skipped 1xx responses: the offset
// just past its blank line (CRLF CRLF or LF LF), or nullopt.
std::optional<std::size_t> head_end(std::string_view text, std::size_t interim) {
  std::size_t head = 0;
  for (std::size_t blanks = 0; blanks <= interim; ++blanks) {
    const auto crlf = text.find("\r\n\r\n", head), lf = text.find("\n\n", head);
    const auto at = std::min(crlf == std::string_view::npos ? SIZE_MAX : crlf + 4,
                             lf == std::string_view::npos ? SIZE_MAX : lf + 2);
    if (at == SIZE_MAX) return std::nullopt;
    head = at;
  }
  return head;
}

}  // namespace

bool add_http_request_header(HttpRequest& r, std::string_view name, std::string_view value) {
  return take_header(name, value, r);
}

std::optional<std::pair<std::string, std::string>> decode_basic_credentials(std::string_view token) {
  std::string out;
  std::uint32_t acc = 0;
  int bits = 0;
  std::size_t pad = 0;
  for (const char c : token) {
    if (c == '=') {
      ++pad;
      continue;
    }
    const int v = base64_value(c);
    if (v < 0 || pad != 0) return std::nullopt;
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xff);
    }
  }
  if (pad > 2) return std::nullopt;
  const auto colon = out.find(':');
  if (colon == std::string::npos) return std::nullopt;
  return std::pair{out.substr(0, colon), out.substr(colon + 1)};
}

bool HttpRequest::ends_stream() const {
  return framing_unknown || te_and_length || version_major == 0 || is_connect() || upgrade.has_value();
}

std::string HttpRequest::url() const {
  if (!host || target.empty() || target.front() != '/') return target;
  return "http://" + *host + target;
}

namespace {

// One request starting exactly at in[0].
Parse parse_request_at(Bytes in, HttpRequest& out, std::size_t& consumed) noexcept {
  const std::string_view text = as_text(in.first(std::min(in.size(), kHttpReqMaxMessage)));
  // Before the first LF: a method token then a space, as far as the bytes go.
  for (std::size_t i = 0; i < text.size() && text[i] != ' '; ++i)
    if (!is_tchar(static_cast<unsigned char>(text[i])) || i >= 32) return Parse::invalid;
  Lines lines{text};
  const auto first = lines.next();
  if (!first) return text.size() > kHttpReqMaxHead ? Parse::invalid : Parse::need_more;
  if (!clean(*first)) return Parse::invalid;
  if (!request_line(*first, out)) {
    out = HttpRequest{};
    if (!simple_request(*first, out)) return Parse::invalid;
    out.raw_head = std::string(text.substr(0, std::min(lines.pos, Evidence::kMaxExcerpt)));
    consumed = lines.pos;
    return Parse::done;
  }
  std::size_t fields = 0;
  while (true) {
    const auto line = lines.next();
    if (!line) return lines.pos > kHttpReqMaxHead || text.size() > kHttpReqMaxHead ? Parse::invalid : Parse::need_more;
    if (lines.pos > kHttpReqMaxHead) return Parse::invalid;
    if (line->empty()) break;
    if (!clean(*line) || line->front() == ' ' || line->front() == '\t') return Parse::invalid;
    const auto colon = line->find(':');
    if (colon == std::string_view::npos || colon == 0 || ++fields > kHttpReqMaxHeaders) return Parse::invalid;
    const auto name = line->substr(0, colon);
    if (!std::all_of(name.begin(), name.end(), [](char c) { return is_tchar(static_cast<unsigned char>(c)); }))
      return Parse::invalid;
    // A bad or conflicting Content-Length marks the request (framing_unknown); the head is
    // still read, so the request is reported.
    if (!take_header(name, trim_ows(line->substr(colon + 1)), out) && !out.framing_unknown) return Parse::invalid;
  }
  const std::size_t head = lines.pos;
  out.raw_head = std::string(text.substr(0, std::min(head, Evidence::kMaxExcerpt)));
  if (out.transfer_encoding && !out.framing_unknown) {
    // RFC 9112 section 6.3 items 3-4 and section 6.1.
    const std::string te = ascii_lower(*out.transfer_encoding);
    std::size_t chunked = 0;
    for (auto at = te.find("chunked"); at != std::string::npos; at = te.find("chunked", at + 1)) ++chunked;
    if (!out.chunked || chunked > 1) {
      note(out, "Transfer-Encoding '" + printable_excerpt(as_bytes(*out.transfer_encoding), 64) +
                    "' does not end in one chunked (RFC 9112 section 6.3): framing unknown");
      out.framing_unknown = true;
    } else if (out.version_minor == 0) {
      note(out, "Transfer-Encoding in an HTTP/1.0 request (RFC 9112 section 6.1): framing unknown");
      out.framing_unknown = true;
    } else if (out.content_length) {
      note(out, "Transfer-Encoding and Content-Length together: Transfer-Encoding used (RFC 9112 section 6.3), "
                "nothing after this request read");
      out.te_and_length = true;
    }
  }
  if (out.framing_unknown) {  // no body read: where the message ends is not known
    out.chunked = false;
    consumed = head;
    return Parse::done;
  }
  if (out.chunked) {
    std::size_t pos = head;
    const Parse p = chunked_body(text, pos, out.body, out.body_truncated);
    if (p == Parse::need_more && in.size() >= kHttpReqMaxMessage) return Parse::invalid;
    if (p == Parse::invalid) {
      note(out, "chunked body does not parse (RFC 9112 section 7.1): framing unknown");
      out.framing_unknown = true;
      out.body.clear();
      consumed = head;
      return Parse::done;
    }
    if (p != Parse::done) return p;
    consumed = pos;
    return Parse::done;
  }
  const std::uint64_t length = out.content_length.value_or(0);
  const std::size_t have = text.size() - head;
  if (length > kHttpReqMaxBody) {
    if (have < kHttpReqMaxBody) return Parse::need_more;
    out.body = std::string(text.substr(head, kHttpReqMaxBody));
    out.body_truncated = true;
  } else {
    if (have < length) return Parse::need_more;
    out.body = std::string(text.substr(head, static_cast<std::size_t>(length)));
  }
  consumed = head + static_cast<std::size_t>(std::min<std::uint64_t>(length, SIZE_MAX - head));
  return Parse::done;
}

}  // namespace

Parse parse_http_request(Bytes in, HttpRequest& out, std::size_t& consumed) noexcept {
  out = HttpRequest{};
  consumed = 0;
  // RFC 9112 §2.2: empty lines before a request line are ignored (clients that end a POST body
  // with an extra CRLF send them); at most kHttpReqMaxBlankLead bytes of them.
  std::size_t lead = 0;
  while (lead < in.size() && lead < kHttpReqMaxBlankLead && (in[lead] == '\r' || in[lead] == '\n')) ++lead;
  if (lead == in.size()) return Parse::need_more;
  const Parse p = parse_request_at(in.subspan(lead), out, consumed);
  if (p == Parse::done) consumed += lead;
  return p;
}

Parse parse_http_requests(Bytes in, std::vector<HttpRequest>& out, std::size_t& consumed) noexcept {
  out.clear();
  consumed = 0;
  while (out.size() < kHttpReqMaxPipelined) {
    if (consumed >= in.size()) return Parse::need_more;
    HttpRequest r;
    std::size_t used = 0;
    const Parse p = parse_http_request(in.subspan(consumed), r, used);
    if (p != Parse::done) return p;
    const bool last = r.ends_stream();
    out.push_back(std::move(r));
    consumed += used;
    if (last) return Parse::done;
    if (consumed > in.size()) return Parse::need_more;  // a truncated body continues past `in`
  }
  return Parse::done;
}

Parse parse_http_response_head(Bytes in, HttpResponseHead& out, std::size_t& consumed,
                               HttpParseOptions opts) noexcept {
  out = HttpResponseHead{};
  consumed = 0;
  HttpResponse r;
  std::size_t used = 0;
  const Parse p = parse_http_response(in, r, used, opts);
  const auto fill = [&] {
    out.status = r.status;
    out.content_type = r.content_type;
    out.location = r.location;
    out.server = r.server;
    out.framing = r.framing;
    if (const auto* cl = r.header("content-length")) out.content_length = number(trim_ows(*cl));
  };
  if (p == Parse::done) {
    fill();
    out.first_bytes = r.body.substr(0, kHttpFirstBodyBytes);
    consumed = used;
    // A body cut at the parser's cap: the message really ends Content-Length after its head.
    if (r.body_truncated && r.framing == HttpFraming::content_length && out.content_length) {
      const auto head = head_end(as_text(in), r.interim_responses);
      if (!head) return Parse::invalid;
      out.head_length = *head;
      consumed = *head + static_cast<std::size_t>(std::min<std::uint64_t>(*out.content_length, SIZE_MAX - *head));
    }
    return Parse::done;
  }
  // Incomplete: once the header block is in and the body is Content-Length framed, the first
  // bytes are enough.
  if (p != Parse::need_more || r.status == 0 || r.framing != HttpFraming::content_length) return p;
  fill();
  if (!out.content_length) return p;
  const std::string_view text = as_text(in);
  const auto end = head_end(text, r.interim_responses);
  if (!end) return Parse::need_more;
  const std::size_t head = *end;
  const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(*out.content_length, kHttpFirstBodyBytes));
  if (text.size() - head < want) {
    out = HttpResponseHead{};
    return Parse::need_more;
  }
  out.first_bytes = std::string(text.substr(head, want));
  out.head_length = head;
  consumed = head + static_cast<std::size_t>(std::min<std::uint64_t>(*out.content_length, SIZE_MAX - head));
  return Parse::done;
}

std::vector<Observation> http_request_observations(const HttpRequest& r, const Endpoint& server) {
  Evidence ev;
  ev.kind = "http_request";
  ev.source = "capture";
  ev.detail = r.method + " " + r.url();
  for (const auto& a : r.anomalies) ev.detail += "; " + a;
  ev.excerpt = printable_excerpt(as_bytes(r.raw_head), Evidence::kMaxExcerpt);
  std::vector<Observation> out;
  const auto add = [&](const ObservationKey& key, const std::optional<std::string>& v, const Evidence& e) {
    if (v && !v->empty()) out.push_back(Observation{server, key, *v, e});
  };
  add(keys::http::request_method, r.method, ev);
  add(keys::http::request_url, r.url(), ev);
  add(keys::http::request_user_agent, r.user_agent, ev);
  if (!r.body.empty() || r.content_length.value_or(0) > 0) add(keys::http::request_content_type, r.content_type, ev);
  if (r.basic_user) {
    Evidence cred = ev;
    cred.kind = "credential";
    cred.username = *r.basic_user;
    cred.password = r.basic_password.value_or("");
    add(keys::http::request_basic_user, r.basic_user, cred);
  }
  return out;
}

}  // namespace trustscan
