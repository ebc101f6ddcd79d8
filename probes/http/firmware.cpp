// trustscan — firmware download classification.
#include "probes/http/firmware.hpp"

#include "probes/http/http_request.hpp"  // ascii_lower

#include <algorithm>
#include <array>

namespace trustscan {

namespace {

bool starts(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

bool contains(std::string_view s, std::string_view part) { return s.find(part) != std::string_view::npos; }

struct Magic {
  std::size_t offset;
  std::string_view bytes;
  std::string_view name;
  bool strong;  ///< an image format only firmware uses; else an archive/executable that may be anything
};

// string_view literals with embedded NULs need explicit lengths.
using namespace std::string_view_literals;
constexpr std::array kMagics = {
    Magic{0, "\x27\x05\x19\x56"sv, "uImage header (27051956)", true},
    Magic{0, "HDR0"sv, "TRX header (HDR0)", true},
    Magic{0, "hsqs"sv, "squashfs (hsqs)", true},
    Magic{0, "sqsh"sv, "squashfs big-endian (sqsh)", true},
    Magic{0, "UBI#"sv, "UBI erase counter header (UBI#)", true},
    Magic{0, "\x3a\xff\x26\xed"sv, "Android sparse image (3aff26ed)", true},
    Magic{0, "\xd0\x0d\xfe\xed"sv, "flattened device tree / FIT (d00dfeed)", true},
    Magic{0, "070701"sv, "newc cpio (070701, SWUpdate)", true},
    Magic{0, "070702"sv, "newc cpio with CRC (070702, SWUpdate)", true},
    Magic{0, "ANDROID!"sv, "Android boot image", true},
    Magic{0, "\x85\x19"sv, "JFFS2 (1985 little-endian)", true},
    Magic{0, "\x19\x85"sv, "JFFS2 (1985 big-endian)", true},
    Magic{0, "\x7f" "ELF"sv, "ELF executable", false},
    Magic{0, "\x1f\x8b"sv, "gzip", false},
    Magic{0, "\xfd" "7zXZ\x00"sv, "xz", false},
    Magic{0, "PK\x03\x04"sv, "zip", false},
    Magic{257, "ustar"sv, "tar (ustar)", false},
};

constexpr std::array kFirmwareExtensions = {".bin"sv, ".img"sv, ".fw"sv, ".trx"sv, ".chk"sv, ".ubi"sv, ".pkg"sv,
                                            ".swu"sv, ".tar"sv, ".zip"sv, ".hex"sv, ".gz"sv, ".xz"sv, ".itb"sv,
                                            ".uimage"sv, ".squashfs"sv, ".sqfs"sv, ".npk"sv, ".rom"sv};
constexpr std::array kUpdateWords = {"firmware"sv, "/fw/"sv, "ota"sv, "update"sv, "upgrade"sv, "/fota"sv};
constexpr std::array kManifestNames = {"manifest"sv, "version"sv, "versions"sv, "update"sv, "updates"sv,
                                       "latest"sv, "firmware.json"sv, "ota.json"sv, "release"sv, "releases"sv};

// Intel HEX: ':' then at least 10 hex digits (byte count, address, type, checksum).
bool intel_hex(std::string_view b) {
  if (b.size() < 11 || b[0] != ':') return false;
  return std::all_of(b.begin() + 1, b.begin() + 11, [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f');
  });
}

// The path without query/fragment, lowercased; and its last segment.
std::string clean_path(std::string_view path) {
  const auto end = path.find_first_of("?#");
  return ascii_lower(path.substr(0, end));
}

std::string_view extension_of(std::string_view name) {
  for (const auto ext : kFirmwareExtensions)
    if (name.size() > ext.size() && name.substr(name.size() - ext.size()) == ext) return ext;
  return {};
}

// A JSON or XML body that names firmware/versions and points at something to fetch.
bool manifest_body(std::string_view first) {
  const std::string b = ascii_lower(first);
  const auto start = b.find_first_not_of(" \t\r\n");
  if (start == std::string::npos || (b[start] != '{' && b[start] != '[' && b[start] != '<')) return false;
  const bool names = contains(b, "firmware") || contains(b, "version") || contains(b, "\"fw") || contains(b, "build");
  const bool points = contains(b, "url") || contains(b, "http") || contains(b, "sha256") || contains(b, "md5") ||
                      contains(b, "download");
  return names && points;
}

}  // namespace

std::string_view to_string(DownloadKind kind) noexcept {
  switch (kind) {
    case DownloadKind::firmware: return "firmware";
    case DownloadKind::manifest: return "manifest";
    default: return "other";
  }
}

DownloadClass classify_download(std::string_view path, std::string_view content_type, std::string_view first_bytes) {
  const std::string p = clean_path(path);
  const std::string_view name = std::string_view(p).substr(p.rfind('/') == std::string::npos ? 0 : p.rfind('/') + 1);
  const std::string ct = ascii_lower(content_type.substr(0, content_type.find(';')));
  const std::string_view ext = extension_of(name);
  const bool update_path = std::any_of(kUpdateWords.begin(), kUpdateWords.end(), [&](auto w) { return contains(p, w); });
  const bool binary_type = ct == "application/octet-stream" || contains(ct, "firmware") || ct == "application/x-binary" ||
                           ct == "application/x-tar" || ct == "application/zip" || ct == "application/gzip" ||
                           ct == "application/x-gzip" || ct == "application/x-xz";
  const bool text_type = starts(ct, "text/") || contains(ct, "json") || contains(ct, "xml");

  for (const auto& m : kMagics) {
    if (first_bytes.size() < m.offset + m.bytes.size() || first_bytes.substr(m.offset, m.bytes.size()) != m.bytes)
      continue;
    if (m.strong) return {DownloadKind::firmware, "magic: " + std::string(m.name)};
    // Archives and executables are firmware when the transfer is named or typed as one.
    if (!ext.empty() || update_path || binary_type)
      return {DownloadKind::firmware, "magic: " + std::string(m.name) +
                                          (!ext.empty() ? ", extension " + std::string(ext)
                                                        : update_path ? ", update path" : ", content type " + ct)};
    return {DownloadKind::other, "magic: " + std::string(m.name) + ", neither named nor typed as firmware"};
  }
  if (intel_hex(first_bytes) && (ext == ".hex" || update_path)) return {DownloadKind::firmware, "Intel HEX records"};

  // A text body is a manifest or a page, never an image, whatever its name says.
  const bool looks_text = !first_bytes.empty() && (first_bytes[0] == '{' || first_bytes[0] == '[' ||
                                                   first_bytes[0] == '<' || starts(ascii_lower(first_bytes), "<!doctype"));
  if (looks_text || text_type) {
    const bool manifest_name =
        std::any_of(kManifestNames.begin(), kManifestNames.end(), [&](auto n) { return contains(name, n); });
    if (manifest_body(first_bytes)) return {DownloadKind::manifest, "JSON/XML body naming versions and downloads"};
    if (manifest_name && (update_path || contains(name, ".json") || contains(name, ".xml")))
      return {DownloadKind::manifest, "manifest-like name " + std::string(name)};
    return {DownloadKind::other, text_type ? "text content type " + ct : "text body"};
  }
  if (!ext.empty()) return {DownloadKind::firmware, "extension " + std::string(ext)};
  if (contains(ct, "firmware")) return {DownloadKind::firmware, "content type " + ct};
  if (binary_type && update_path) return {DownloadKind::firmware, "content type " + ct + " on an update path"};
  return {DownloadKind::other, "no firmware magic, name or type"};
}

}  // namespace trustscan
