// trustscan — SSDP datagrams and UPnP device descriptions. See ssdp.hpp for the contract.
#include "probes/ssdp/ssdp.hpp"
#include "trustscan/text.hpp"
#include "probes/ssdp/ssdp_keys.hpp"

#include <algorithm>
#include <array>

namespace trustscan {
namespace {

bool is_xml_space(char c) noexcept { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// Cut without splitting a UTF-8 sequence; control bytes become spaces (one-line reports).
std::string clean(std::string_view s, std::size_t max) {
  if (s.size() > max) {
    std::size_t cut = max;
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
    s = s.substr(0, cut);
  }
  std::string r(s);
  for (auto& c : r)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  return r;
}


std::optional<std::int64_t> parse_max_age(std::string_view v) {
  std::size_t p = 0;
  while (p < v.size()) {
    const auto comma = v.find(',', p);
    auto directive = trim_space(v.substr(p, comma == std::string_view::npos ? std::string_view::npos : comma - p));
    p = comma == std::string_view::npos ? v.size() : comma + 1;
    const auto eq = directive.find('=');
    if (eq == std::string_view::npos || !iequals(trim_space(directive.substr(0, eq)), "max-age")) continue;
    const auto num = trim_space(directive.substr(eq + 1));
    if (num.empty() || num.size() > 18) return std::nullopt;
    std::int64_t x = 0;
    for (const char c : num) {
      if (!is_ascii_digit(c)) return std::nullopt;
      x = x * 10 + (c - '0');
    }
    return x;
  }
  return std::nullopt;
}

std::string strip_ctl(std::string_view s) {
  std::string r;
  for (const char c : s)
    if (c != '\r' && c != '\n' && c != '\0') r += c;
  return r;
}

// ---- XML helpers


// "dlna:X_DLNADOC attr='1'" → "X_DLNADOC"
std::string_view local_name(std::string_view tag) noexcept {
  std::size_t e = 0;
  while (e < tag.size() && !is_xml_space(tag[e]) && tag[e] != '/' && tag[e] != '>') ++e;
  auto q = tag.substr(0, e);
  const auto colon = q.rfind(':');
  return colon == std::string_view::npos ? q : q.substr(colon + 1);
}

bool name_start_ok(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' ||
         static_cast<unsigned char>(c) >= 0x80;
}

// The '>' ending a tag that starts at `lt`, skipping quoted attribute values.
std::size_t tag_end(std::string_view s, std::size_t lt) noexcept {
  char quote = 0;
  for (std::size_t i = lt + 1; i < s.size(); ++i) {
    const char c = s[i];
    if (quote) {
      if (c == quote) quote = 0;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '>') {
      return i;
    }
  }
  return std::string_view::npos;
}

struct Field {
  std::string_view name;
  std::string UpnpDescription::*member;
};
constexpr std::array<Field, 10> kRootFields{{
    {"deviceType", &UpnpDescription::device_type},
    {"friendlyName", &UpnpDescription::friendly_name},
    {"manufacturer", &UpnpDescription::manufacturer},
    {"manufacturerURL", &UpnpDescription::manufacturer_url},
    {"modelName", &UpnpDescription::model_name},
    {"modelNumber", &UpnpDescription::model_number},
    {"modelDescription", &UpnpDescription::model_description},
    {"serialNumber", &UpnpDescription::serial_number},
    {"UDN", &UpnpDescription::udn},
    {"presentationURL", &UpnpDescription::presentation_url},
}};

}  // namespace

// ---- SSDP

std::vector<std::uint8_t> build_ssdp_msearch(std::string_view st, int mx) {
  mx = std::clamp(mx, 1, 5);
  std::string m = "M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: \"ssdp:discover\"\r\nMX: ";
  m += std::to_string(mx);
  m += "\r\nST: ";
  m += st.empty() ? std::string("ssdp:all") : strip_ctl(st);
  // UDA 1.1 asks for "OS/version UPnP/1.1 product/version"; we do not disclose our OS.
  m += "\r\nUSER-AGENT: unknown/0 UPnP/1.1 trustscan/0.1\r\n\r\n";
  return {m.begin(), m.end()};
}

Parse parse_ssdp_response(Bytes datagram, SsdpResponse& out) noexcept {
  out = SsdpResponse{};
  if (datagram.size() > kSsdpMaxDatagram) return Parse::invalid;
  const std::string_view s = as_text(datagram);
  if (s.find('\0') != std::string_view::npos) return Parse::invalid;
  std::size_t pos = 0;
  const auto next_line = [&](std::string_view& line) {
    const auto nl = s.find('\n', pos);
    if (nl == std::string_view::npos) return false;
    line = s.substr(pos, nl - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    pos = nl + 1;
    return true;
  };
  std::string_view line;
  if (!next_line(line)) return Parse::invalid;
  if (line.substr(0, 7) == "HTTP/1.") {
    // "HTTP/1.1 200 OK": a reply to our M-SEARCH.
    if (line.size() < 12 || !is_ascii_digit(line[7]) || line[8] != ' ' || !is_ascii_digit(line[9]) ||
        !is_ascii_digit(line[10]) || !is_ascii_digit(line[11]) || (line.size() > 12 && line[12] != ' '))
      return Parse::invalid;
    out.status = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
    if (out.status < 200 || out.status > 299) return Parse::invalid;
  } else if (iequals(line.substr(0, 9), "NOTIFY * ") && line.substr(9, 7) == "HTTP/1.") {
    out.notify = true;
  } else {
    return Parse::invalid;  // M-SEARCH from another control point, or not SSDP at all
  }
  bool ended = false;
  for (std::size_t count = 0; next_line(line); ++count) {
    if (line.empty()) {
      ended = true;
      break;
    }
    if (count >= kSsdpMaxHeaders || is_xml_space(line.front())) return Parse::invalid;
    const auto colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) return Parse::invalid;
    const auto name = trim_space(line.substr(0, colon));
    const auto value = trim_space(line.substr(colon + 1));
    std::string* dst = nullptr;
    if (iequals(name, "location")) dst = &out.location;
    else if (iequals(name, "server")) dst = &out.server;
    else if (iequals(name, "usn")) dst = &out.usn;
    else if (iequals(name, "cache-control")) dst = &out.cache_control;
    else if (iequals(name, "nts")) dst = &out.nts;
    else if (iequals(name, out.notify ? "nt" : "st")) dst = &out.st;
    if (dst != nullptr && dst->empty()) *dst = clean(value, kSsdpMaxField);
  }
  // Without the blank line the datagram was cut (or is not SSDP): never a partial "done".
  if (!ended) return Parse::invalid;
  if (out.location.empty() && out.st.empty() && out.usn.empty()) return Parse::invalid;
  out.max_age = parse_max_age(out.cache_control);
  out.raw.assign(s.substr(0, Evidence::kMaxExcerpt));
  return Parse::done;
}

std::vector<Observation> ssdp_observations(const SsdpResponse& r, const Endpoint& ep) {
  Evidence ev;
  ev.kind = "ssdp_response";
  ev.detail = r.notify ? "SSDP NOTIFY " + r.nts : "SSDP reply " + std::to_string(r.status) + " to M-SEARCH";
  ev.excerpt = printable_excerpt(as_bytes(r.raw), Evidence::kMaxExcerpt);
  std::vector<Observation> out;
  const auto add = [&](const ObservationKey& key, const std::string& v) {
    if (!v.empty()) out.push_back(Observation{ep, key, v, ev});
  };
  add(keys::ssdp::server, r.server);
  add(keys::ssdp::location, r.location);
  add(keys::ssdp::st, r.st);
  add(keys::ssdp::usn, r.usn);
  return out;
}

// ---- UPnP description

bool UpnpDescription::igd() const noexcept {
  if (icontains(device_type, "InternetGatewayDevice")) return true;
  for (const auto& t : embedded_device_types)
    if (icontains(t, "InternetGatewayDevice") || icontains(t, "WANConnectionDevice")) return true;
  for (const auto& t : service_types)
    if (icontains(t, "WANIPConnection") || icontains(t, "WANPPPConnection")) return true;
  return false;
}

Parse parse_upnp_description(Bytes xml, UpnpDescription& out) noexcept {
  out = UpnpDescription{};
  if (xml.size() > kUpnpMaxDocument) return Parse::invalid;
  const std::string_view s = as_text(xml);
  out.raw.assign(s.substr(0, Evidence::kMaxExcerpt));
  constexpr std::size_t npos = std::string_view::npos;

  static constexpr std::string_view kBom = "\xEF\xBB\xBF";  // UTF-8 byte order mark
  if (s.size() < kBom.size() && kBom.substr(0, s.size()) == s) return Parse::need_more;
  std::size_t i = s.substr(0, kBom.size()) == kBom ? kBom.size() : 0;
  while (i < s.size() && is_xml_space(s[i])) ++i;
  if (i < s.size() && s[i] != '<') return Parse::invalid;

  std::size_t depth = 0;
  std::size_t device_depth = npos;  // depth of the root <device> element
  bool root_device_closed = false;
  bool saw_root = false;
  bool root_closed = false;
  const auto starts = [&](std::size_t at, std::string_view p) { return s.substr(at, p.size()) == p; };

  while (i < s.size()) {
    const std::size_t lt = s.find('<', i);
    if (lt == npos) break;
    std::size_t skip_to = npos;  // for markup that is not an element
    if (starts(lt, "<!--")) {
      const auto e = s.find("-->", lt + 4);
      skip_to = e == npos ? npos : e + 3;
      if (e == npos) break;
    } else if (starts(lt, "<![CDATA[")) {
      const auto e = s.find("]]>", lt + 9);
      if (e == npos) break;
      skip_to = e + 3;
    } else if (starts(lt, "<?")) {
      const auto e = s.find("?>", lt + 2);
      if (e == npos) break;
      skip_to = e + 2;
    } else if (starts(lt, "<!")) {
      const auto e = s.find('>', lt + 2);
      if (e == npos) break;
      skip_to = e + 1;
    }
    if (skip_to != npos) {
      i = skip_to;
      continue;
    }
    const std::size_t gt = tag_end(s, lt);
    if (gt == npos) break;  // unfinished tag: more bytes may come
    const auto tag = s.substr(lt + 1, gt - lt - 1);
    i = gt + 1;
    if (!tag.empty() && tag.front() == '/') {
      const auto name = local_name(tag.substr(1));
      if (depth > 0) --depth;
      if (device_depth != npos && depth < device_depth) root_device_closed = true;
      if (depth == 0 && iequals(name, "root")) {
        root_closed = true;
        break;
      }
      continue;
    }
    if (tag.empty() || !name_start_ok(tag.front())) return Parse::invalid;
    const auto name = local_name(tag);
    const bool self_closing = tag.back() == '/';
    if (depth == 0) {
      if (saw_root || !iequals(name, "root")) return Parse::invalid;  // not a device description
      saw_root = true;
    }
    if (self_closing) continue;
    if (++depth > kUpnpMaxDepth) return Parse::invalid;
    if (iequals(name, "device") && device_depth == npos) device_depth = depth;

    // Leaf text: from here to the next '<', which must be this element's end tag.
    const std::size_t next_lt = s.find('<', i);
    if (next_lt == npos || s.substr(next_lt, 2) != "</") continue;
    const std::size_t end_gt = s.find('>', next_lt);
    if (end_gt == npos || !iequals(local_name(s.substr(next_lt + 2, end_gt - next_lt - 2)), name))
      continue;
    const auto text = s.substr(i, next_lt - i);
    const auto value = [&] { return clean(trim_space(decode_entities(text.substr(0, 4 * kUpnpMaxField))), kUpnpMaxField); };
    if (iequals(name, "serviceType")) {
      if (out.service_types.size() < kUpnpMaxServices) out.service_types.push_back(value());
      continue;
    }
    if (device_depth == npos) continue;
    if (depth == device_depth + 1 && !root_device_closed) {
      for (const auto& f : kRootFields) {
        if (iequals(name, f.name) && (out.*f.member).empty()) {
          out.*f.member = value();
          break;
        }
      }
    } else if (depth > device_depth + 1 && iequals(name, "deviceType") &&
               out.embedded_device_types.size() < kUpnpMaxServices) {
      out.embedded_device_types.push_back(value());
    }
  }
  if (root_closed) return device_depth == npos ? Parse::invalid : Parse::done;
  return Parse::need_more;
}

std::vector<Observation> upnp_observations(const UpnpDescription& d, const Endpoint& ep) {
  Evidence ev;
  ev.kind = "upnp_description";
  ev.detail = "UPnP device description";
  if (!d.friendly_name.empty()) ev.detail += " of \"" + d.friendly_name + "\"";
  ev.excerpt = printable_excerpt(as_bytes(d.raw), Evidence::kMaxExcerpt);
  std::vector<Observation> out;
  const auto add = [&](const ObservationKey& key, const std::string& v) {
    if (!v.empty()) out.push_back(Observation{ep, key, v, ev});
  };
  add(keys::upnp::device_type, d.device_type);
  add(keys::upnp::friendly_name, d.friendly_name);
  add(keys::upnp::manufacturer, d.manufacturer);
  add(keys::upnp::manufacturer_url, d.manufacturer_url);
  add(keys::upnp::model_name, d.model_name);
  add(keys::upnp::model_number, d.model_number);
  add(keys::upnp::model_description, d.model_description);
  add(keys::upnp::serial_number, d.serial_number);
  add(keys::upnp::udn, d.udn);
  add(keys::upnp::presentation_url, d.presentation_url);
  if (!d.service_types.empty()) out.push_back(Observation{ep, keys::upnp::services, d.service_types, ev});
  out.push_back(Observation{ep, keys::upnp::igd, d.igd(), ev});
  return out;
}

}  // namespace trustscan
