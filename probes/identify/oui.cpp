// trustscan — IEEE registry CSV → MAC prefix table (oui.hpp).
#include "probes/identify/oui.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <iterator>
#include <vector>

namespace trustscan {

namespace {

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// One CSV record starting at `pos` (RFC 4180: quoted fields, "" for a quote, newlines inside
// quotes). Fields beyond the fourth are ignored; each field is capped.
std::size_t read_record(std::string_view text, std::size_t pos, std::vector<std::string>& fields) {
  fields.assign(1, {});
  bool quoted = false;
  while (pos < text.size()) {
    const char c = text[pos++];
    if (quoted) {
      if (c == '"') {
        if (pos < text.size() && text[pos] == '"') {
          if (fields.back().size() < 512) fields.back() += '"';
          ++pos;
        } else {
          quoted = false;
        }
      } else if (fields.back().size() < 512) {
        fields.back() += c;
      }
      continue;
    }
    if (c == '"') quoted = true;
    else if (c == ',') {
      if (fields.size() < 8) fields.emplace_back();
    } else if (c == '\n') break;
    else if (c != '\r' && fields.back().size() < 512) fields.back() += c;
  }
  return pos;
}

std::uint64_t key(std::uint64_t prefix_bits, unsigned length) noexcept { return prefix_bits | (std::uint64_t{length} << 40); }

std::uint64_t mac_bits(const Mac& m, unsigned length) noexcept {
  std::uint64_t v = 0;
  for (auto b : m) v = (v << 8) | b;  // 48 bits
  return (v >> (48 - length)) << (36 - length);
}

}  // namespace

std::optional<Mac> parse_mac(std::string_view text) noexcept {
  Mac m{};
  std::size_t n = 0;
  int half = -1;
  for (char c : text) {
    if (c == ':' || c == '-' || c == '.') {
      if (half != -1) return std::nullopt;
      continue;
    }
    const int v = hex_value(c);
    if (v < 0 || n >= 6) return std::nullopt;
    if (half == -1) {
      half = v;
    } else {
      m[n++] = static_cast<std::uint8_t>(half * 16 + v);
      half = -1;
    }
  }
  if (n != 6 || half != -1) return std::nullopt;
  return m;
}

std::string format_mac(const Mac& mac) {
  static const char* digits = "0123456789abcdef";
  std::string s;
  for (std::size_t i = 0; i < mac.size(); ++i) {
    if (i) s += ':';
    s += digits[mac[i] >> 4];
    s += digits[mac[i] & 15];
  }
  return s;
}

Parse OuiTable::add_csv(Bytes csv) noexcept {
  try {
    const std::string_view text = as_text(csv);
    std::vector<std::string> fields;
    std::size_t pos = read_record(text, 0, fields);
    if (fields.size() < 3 || fields[0] != "Registry" || fields[1] != "Assignment") return Parse::invalid;
    while (pos < text.size()) {
      pos = read_record(text, pos, fields);
      if (fields.size() < 3 || fields[0].empty()) {
        if (!(fields.size() == 1 && fields[0].empty())) ++skipped_;
        continue;
      }
      const std::string& reg = fields[0];
      const unsigned bits = reg == "MA-L" ? 24 : reg == "MA-M" ? 28 : reg == "MA-S" ? 36 : 0;
      const std::string& hex = fields[1];
      if (bits == 0 || hex.size() != bits / 4 ||
          !std::all_of(hex.begin(), hex.end(), [](char c) { return hex_value(c) >= 0; })) {
        ++skipped_;
        continue;
      }
      if (entries_ >= kMaxEntries) break;
      std::uint64_t v = 0;
      for (char c : hex) v = (v << 4) | static_cast<std::uint64_t>(hex_value(c));
      std::string name = fields[2].substr(0, kMaxName);
      while (!name.empty() && std::isspace(static_cast<unsigned char>(name.back()))) name.pop_back();
      if (by_prefix_.emplace(key(v << (36 - bits), bits), std::move(name)).second) ++entries_;
    }
    return Parse::done;
  } catch (...) {  // allocation failure: keep what was added
    return Parse::invalid;
  }
}

std::size_t OuiTable::add_dir(const std::string& dir) {
  std::size_t added = 0;
  for (const char* file : {"oui.csv", "mam.csv", "oui36.csv"}) {
    std::ifstream in(dir + "/" + file, std::ios::binary);
    if (!in) continue;
    std::string text;
    char chunk[65536];
    while (in && text.size() < kMaxFileBytes) {
      in.read(chunk, static_cast<std::streamsize>(std::min(sizeof chunk, kMaxFileBytes - text.size())));
      text.append(chunk, static_cast<std::size_t>(in.gcount()));
    }
    if (add_csv(as_bytes(text)) == Parse::done) ++added;
  }
  return added;
}

std::optional<std::string> OuiTable::vendor(const Mac& mac) const {
  for (unsigned bits : {36u, 28u, 24u})
    if (const auto it = by_prefix_.find(key(mac_bits(mac, bits), bits)); it != by_prefix_.end()) return it->second;
  return std::nullopt;
}

}  // namespace trustscan
