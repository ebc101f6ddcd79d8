// trustscan — HTTP/2 in cleartext seen in a capture (http2.hpp).
#include "probes/http/http2.hpp"

#include "trustscan/text.hpp"

#include <nghttp2/nghttp2.h>

#include <algorithm>
#include <array>
#include <memory>
#include <unordered_map>

namespace trustscan {

namespace {

constexpr std::uint8_t kH2Data = 0, kH2Headers = 1, kH2Settings = 4, kH2PushPromise = 5, kH2Continuation = 9;
constexpr std::uint8_t kH2EndHeaders = 0x4, kH2Padded = 0x8, kH2Priority = 0x20;
constexpr std::uint16_t kH2SettingsHeaderTableSize = 1;
constexpr std::size_t kH2cMaxUpgradeHead = 16 * 1024;  // the server's "101" head

struct H2Frame {
  std::uint8_t type = 0, flags = 0;
  std::uint32_t stream = 0;
  Bytes payload;
};

// The whole frames at the start of `in` (a frame cut short at the end is left out). False with
// `why` when a frame is longer than kH2MaxFrame.
bool h2_split_frames(Bytes in, std::vector<H2Frame>& out, std::string& why) {
  std::size_t pos = 0;
  while (in.size() - pos >= 9) {
    const std::size_t len = (std::size_t{in[pos]} << 16) | (std::size_t{in[pos + 1]} << 8) | in[pos + 2];
    if (len > kH2MaxFrame) {
      why = "a frame of " + std::to_string(len) + " bytes (more than " + std::to_string(kH2MaxFrame) + ")";
      return false;
    }
    if (in.size() - pos - 9 < len) break;
    H2Frame f;
    f.type = in[pos + 3];
    f.flags = in[pos + 4];
    f.stream = ((std::uint32_t{in[pos + 5]} << 24) | (std::uint32_t{in[pos + 6]} << 16) |
                (std::uint32_t{in[pos + 7]} << 8) | in[pos + 8]) & 0x7fffffffu;
    f.payload = in.subspan(pos + 9, len);
    out.push_back(f);
    pos += 9 + len;
  }
  return true;
}

// Largest SETTINGS_HEADER_TABLE_SIZE in the SETTINGS frames of one direction, capped.
std::size_t h2_table_size(const std::vector<H2Frame>& frames, std::size_t initial) {
  std::size_t size = initial;
  for (const auto& f : frames) {
    if (f.type != kH2Settings || f.stream != 0 || (f.flags & 1) != 0) continue;
    for (std::size_t i = 0; i + 6 <= f.payload.size(); i += 6) {
      const std::uint16_t id = static_cast<std::uint16_t>((f.payload[i] << 8) | f.payload[i + 1]);
      const std::uint32_t v = (std::uint32_t{f.payload[i + 2]} << 24) | (std::uint32_t{f.payload[i + 3]} << 16) |
                              (std::uint32_t{f.payload[i + 4]} << 8) | f.payload[i + 5];
      if (id == kH2SettingsHeaderTableSize) size = std::max<std::size_t>(size, v);
    }
  }
  return std::min(size, kH2MaxHeaderTable);
}

int h2_base64url_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '-') return 62;
  if (c == '_') return 63;
  return -1;
}

// base64url without padding (RFC 4648 section 5; RFC 8484 and RFC 7540 drop the '='); trailing
// '=' are tolerated. nullopt on any other byte or an impossible length.
std::optional<std::string> h2_base64url_decode(std::string_view in) {
  while (!in.empty() && in.back() == '=') in.remove_suffix(1);
  if (in.size() % 4 == 1) return std::nullopt;
  std::string out;
  out.reserve(in.size() * 3 / 4);
  std::uint32_t acc = 0;
  int bits = 0;
  for (const char c : in) {
    const int v = h2_base64url_value(c);
    if (v < 0) return std::nullopt;
    acc = ((acc << 6) | static_cast<std::uint32_t>(v)) & 0xffffffu;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xff);
    }
  }
  return out;
}

struct H2InflaterDel {
  void operator()(nghttp2_hd_inflater* p) const { nghttp2_hd_inflate_del(p); }
};
using H2Inflater = std::unique_ptr<nghttp2_hd_inflater, H2InflaterDel>;

struct H2Field {
  std::string name, value;
};

// One header block through the direction's inflater. False with `why` on an HPACK error or
// more than kH2MaxDecodedHeaders decoded bytes (the inflater is unusable after either).
bool h2_inflate(nghttp2_hd_inflater* inf, Bytes block, std::vector<H2Field>& out, std::string& why) {
  std::size_t decoded = 0;
  const std::uint8_t* in = block.data();
  std::size_t left = block.size();
  for (;;) {
    nghttp2_nv nv{};
    int flags = 0;
    const auto rv = nghttp2_hd_inflate_hd2(inf, &nv, &flags, in, left, 1);
    if (rv < 0) {
      why = std::string("HPACK: ") + nghttp2_strerror(static_cast<int>(rv));
      return false;
    }
    in += rv;
    left -= static_cast<std::size_t>(rv);
    if (flags & NGHTTP2_HD_INFLATE_EMIT) {
      decoded += nv.namelen + nv.valuelen;
      if (decoded > kH2MaxDecodedHeaders) {
        why = "a header block decoding to more than " + std::to_string(kH2MaxDecodedHeaders) + " bytes";
        return false;
      }
      if (out.size() < kHttpReqMaxHeaders + 8)
        out.push_back({std::string(reinterpret_cast<const char*>(nv.name), nv.namelen),
                       std::string(reinterpret_cast<const char*>(nv.value),
                                   std::min<std::size_t>(nv.valuelen, kHttpReqMaxValue))});
    }
    if (flags & NGHTTP2_HD_INFLATE_FINAL) {
      nghttp2_hd_inflate_end_headers(inf);
      return true;
    }
    if ((flags & NGHTTP2_HD_INFLATE_EMIT) == 0 && (left == 0 || rv == 0)) {  // rv 0: no progress, never loop
      why = "HPACK: a header block cut short";
      return false;
    }
  }
}

// The request and response text of a stream, for evidence excerpts ("GET /x HTTP/2\r\n…").
void h2_append_raw(std::string& raw, std::string_view name, std::string_view value) {
  if (raw.size() >= Evidence::kMaxExcerpt) return;
  raw.append(name).append(": ").append(value).append("\r\n");
  if (raw.size() > Evidence::kMaxExcerpt) raw.resize(Evidence::kMaxExcerpt);
}

void h2_take_request(const std::vector<H2Field>& fields, HttpRequest& r) {
  std::string authority;
  for (const auto& f : fields) {
    if (f.name == ":method") r.method = f.value.substr(0, 32);
    else if (f.name == ":path") r.target = f.value;
    else if (f.name == ":authority") authority = f.value;
    else if (!f.name.starts_with(":")) (void)add_http_request_header(r, f.name, f.value);
  }
  // HTTP/2 carries the host in :authority (RFC 9113 section 8.3.1); a Host field wins when both.
  if (!authority.empty() && !r.host) {
    r.host = authority;
    if (r.headers.size() < kHttpReqMaxHeaders) r.headers.push_back({"host", authority});
  }
  r.raw_head = r.method + " " + r.target + " HTTP/2\r\n";
  if (!authority.empty()) h2_append_raw(r.raw_head, ":authority", authority);
  for (const auto& f : fields)
    if (!f.name.starts_with(":")) h2_append_raw(r.raw_head, f.name, f.value);
}

// False for an informational (1xx) head: the final one is still to come.
bool h2_take_response(const std::vector<H2Field>& fields, HttpResponseHead& h) {
  int status = 0;
  for (const auto& f : fields) {
    if (f.name == ":status") {
      if (f.value.size() != 3 || !std::all_of(f.value.begin(), f.value.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return false;
      status = std::stoi(f.value);
    } else if (f.name == "content-type" && !h.content_type) {
      h.content_type = f.value;
    } else if (f.name == "server" && !h.server) {
      h.server = f.value;
    } else if (f.name == "location" && !h.location) {
      h.location = f.value;
    } else if (f.name == "content-length" && !h.content_length && !f.value.empty() && f.value.size() <= 19 &&
               std::all_of(f.value.begin(), f.value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      h.content_length = std::stoull(f.value);
    }
  }
  if (status < 200) return false;
  h.status = status;
  return true;
}

class H2Reader {
 public:
  explicit H2Reader(Http2Session& out) : out_(out) {}

  Http2Stream* stream(std::uint32_t id, std::string& why) {
    if (const auto it = index_.find(id); it != index_.end()) return &out_.streams[it->second];
    if (out_.streams.size() >= kH2MaxStreams) {
      why = "more than " + std::to_string(kH2MaxStreams) + " streams";
      return nullptr;
    }
    index_.emplace(id, out_.streams.size());
    out_.streams.push_back({});
    out_.streams.back().id = id;
    return &out_.streams.back();
  }

  // One direction's frames (0: the client's, 1: the server's). False with `why` to drop.
  bool read(const std::vector<H2Frame>& frames, int dir, nghttp2_hd_inflater* inf, std::string& why) {
    std::string block;
    std::uint32_t block_stream = 0;
    bool in_block = false, block_is_push = false;
    for (const auto& f : frames) {
      ++out_.frames[dir];
      if (in_block && (f.type != kH2Continuation || f.stream != block_stream)) {
        why = "a header block interrupted by another frame";
        return false;
      }
      Bytes p = f.payload;
      if (f.type == kH2Data || f.type == kH2Headers || f.type == kH2PushPromise) {
        if (f.stream == 0) {
          why = "a stream frame on stream 0";
          return false;
        }
        if (f.flags & kH2Padded) {
          if (p.empty() || p[0] >= p.size()) {
            why = "padding longer than its frame";
            return false;
          }
          p = p.subspan(1, p.size() - 1 - p[0]);
        }
      }
      if (f.type == kH2Headers && (f.flags & kH2Priority)) {
        if (p.size() < 5) {
          why = "a HEADERS frame shorter than its priority fields";
          return false;
        }
        p = p.subspan(5);
      }
      if (f.type == kH2PushPromise) {
        if (p.size() < 4) {
          why = "a PUSH_PROMISE shorter than its promised stream id";
          return false;
        }
        p = p.subspan(4);
      }
      if (f.type == kH2Continuation && !in_block) {
        why = "a CONTINUATION without a header block";
        return false;
      }
      if (f.type == kH2Headers || f.type == kH2PushPromise || f.type == kH2Continuation) {
        if (!in_block) {
          block.clear();
          block_stream = f.stream;
          block_is_push = f.type == kH2PushPromise;
        }
        if (block.size() + p.size() > kH2MaxHeaderBlock) {
          why = "a header block of more than " + std::to_string(kH2MaxHeaderBlock) + " bytes";
          return false;
        }
        block.append(reinterpret_cast<const char*>(p.data()), p.size());
        in_block = (f.flags & kH2EndHeaders) == 0;
        if (!in_block && !header_block(dir, block_stream, block_is_push, as_bytes(block), inf, why)) return false;
        continue;
      }
      if (f.type == kH2Data) data(dir, f.stream, p, why);
      if (!why.empty()) return false;
    }
    return true;  // a block still open at the end: the capture stopped inside it
  }

 private:
  bool header_block(int dir, std::uint32_t id, bool push, Bytes block, nghttp2_hd_inflater* inf, std::string& why) {
    std::vector<H2Field> fields;
    if (!h2_inflate(inf, block, fields, why)) return false;
    if (push) return true;  // decoded for the table's sake; a server push is not the device's request
    Http2Stream* s = stream(id, why);
    if (!s) return false;
    if (dir == 0 && !s->has_request) {
      h2_take_request(fields, s->request);
      s->has_request = true;
    } else if (dir == 1 && !s->has_response) {
      s->has_response = h2_take_response(fields, s->response);
    }  // else trailers
    return true;
  }

  void data(int dir, std::uint32_t id, Bytes p, std::string& why) {
    Http2Stream* s = stream(id, why);
    if (!s) return;
    std::string& keep = dir == 0 ? s->request.body : s->response.first_bytes;
    const std::size_t cap = dir == 0 ? kHttpReqMaxBody : kHttpFirstBodyBytes;
    const std::size_t n = std::min(p.size(), cap - std::min(cap, keep.size()));
    if (dir == 0 && n < p.size()) s->request.body_truncated = true;
    keep.append(reinterpret_cast<const char*>(p.data()), n);
  }

  Http2Session& out_;
  std::unordered_map<std::uint32_t, std::size_t> index_;
};

// "HTTP/1.1 101 …" head at the start of `s`: its length, or 0.
std::size_t h2_switching_head(Bytes s) {
  const auto text = as_text(s.first(std::min(s.size(), kH2cMaxUpgradeHead)));
  if (!text.starts_with("HTTP/1.1 101")) return 0;
  const auto end = text.find("\r\n\r\n");
  return end == std::string_view::npos ? 0 : end + 4;
}

}  // namespace

bool h2c_prior_knowledge(Bytes client) noexcept {
  const auto text = as_text(client);
  return text.size() >= kH2Preface.size() && text.starts_with(kH2Preface);
}

Parse parse_h2c_session(Bytes client, Bytes server, Http2Session& out) noexcept {
  out = Http2Session{};
  std::optional<HttpRequest> upgraded;
  std::size_t client_settings_table = 4096;  // the client's SETTINGS sent in HTTP2-Settings
  if (!h2c_prior_knowledge(client)) {
    HttpRequest r;
    std::size_t used = 0;
    if (parse_http_request(client, r, used) != Parse::done || used > client.size()) return Parse::invalid;
    bool h2c = false;
    for (const auto& h : r.headers) {
      if (h.name == "upgrade" && iequals(trim_ows(h.value), "h2c")) h2c = true;
      if (h.name == "http2-settings")
        if (const auto raw = h2_base64url_decode(trim_ows(h.value))) {
          std::vector<H2Frame> fake{{kH2Settings, 0, 0, as_bytes(*raw)}};
          client_settings_table = h2_table_size(fake, client_settings_table);
        }
    }
    const std::size_t head = h2_switching_head(server);
    if (!h2c || head == 0) return Parse::invalid;
    out.upgrade = true;
    upgraded = std::move(r);
    client = client.subspan(used);
    server = server.subspan(head);
    // The client sends the preface after the 101 (RFC 7540 section 3.5); a capture may stop before it.
    if (client.size() >= kH2Preface.size() && !h2c_prior_knowledge(client)) {
      out.dropped = "no connection preface after the upgrade";
      return Parse::done;
    }
  }
  client = client.subspan(std::min(client.size(), kH2Preface.size()));

  std::array<std::vector<H2Frame>, 2> frames;
  std::string why;
  const auto drop = [&] {
    out.streams.clear();
    out.dropped = why;
    return Parse::done;
  };
  if (!h2_split_frames(client, frames[0], why) || !h2_split_frames(server, frames[1], why)) return drop();

  // One inflater per direction, for the whole connection: the dynamic table lives as long.
  std::array<H2Inflater, 2> inflaters;
  for (int d = 0; d < 2; ++d) {
    nghttp2_hd_inflater* p = nullptr;
    if (nghttp2_hd_inflate_new(&p) != 0) {
      why = "out of memory for an HPACK inflater";
      return drop();
    }
    inflaters[d].reset(p);
  }
  // The decoder of a direction is its receiver: the table size the receiver announced.
  nghttp2_hd_inflate_change_table_size(inflaters[0].get(), h2_table_size(frames[1], 4096));
  nghttp2_hd_inflate_change_table_size(inflaters[1].get(), h2_table_size(frames[0], client_settings_table));

  H2Reader reader(out);
  if (upgraded) {
    Http2Stream* s = reader.stream(1, why);
    s->request = std::move(*upgraded);
    s->has_request = true;
  }
  if (!reader.read(frames[0], 0, inflaters[0].get(), why) || !reader.read(frames[1], 1, inflaters[1].get(), why))
    return drop();
  return Parse::done;
}

std::optional<std::string> doh_query_message(const HttpRequest& r) {
  if (r.method == "POST") {
    if (!r.content_type) return std::nullopt;
    const auto type = trim_ows(std::string_view(*r.content_type).substr(0, r.content_type->find(';')));
    if (!iequals(type, "application/dns-message") || r.body.empty() || r.body_truncated) return std::nullopt;
    return r.body;
  }
  if (r.method != "GET") return std::nullopt;
  const auto q = r.target.find('?');
  if (q == std::string::npos) return std::nullopt;
  std::string_view query = std::string_view(r.target).substr(q + 1);
  while (!query.empty()) {
    const auto amp = query.find('&');
    const auto param = query.substr(0, amp);
    if (param.starts_with("dns=")) return h2_base64url_decode(param.substr(4));
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return std::nullopt;
}

}  // namespace trustscan
