// trustscan — is an HTTP download a firmware image, an update manifest, or something else?
//
// classify_download looks at what a capture shows of a transfer: the request path, the
// response's Content-Type and the first bytes of the body (http_request.hpp's
// HttpResponseHead::first_bytes). Magic bytes win over names (a ".bin" that starts with "<html"
// is not firmware), then the path's extension or name, then the content type. Pure: no I/O.
//
// Magic bytes recognised (offset 0 unless noted):
//   27 05 19 56 uImage (U-Boot legacy)        HDR0 TRX (Broadcom/OpenWrt)
//   hsqs / sqsh squashfs (LE/BE)             UBI# UBI erase counter header
//   7f 'E' 'L' 'F' ELF                        1f 8b gzip        fd '7zXZ' 00 xz
//   'PK' 03 04 zip                            3a ff 26 ed Android sparse image
//   d0 0d fe ed flattened device tree / FIT   "070701"/"070702" newc cpio (SWUpdate .swu)
//   "ustar" at 257 tar                        ':' + hex digits Intel HEX
//   85 19 / 19 85 JFFS2                       "ANDROID!" Android boot image
// Extensions: .bin .img .fw .trx .chk .ubi .pkg .swu .tar .zip .hex (and .gz .xz .itb .uimage
// .squashfs .sqfs .npk .rom). Manifest-like: names such as manifest, version(s), update(s),
// latest, firmware.json, ota.json, .xml/.json/.txt under a firmware/ota/update path, or a JSON
// body that mentions firmware/version and a URL.
#pragma once

#include <string>
#include <string_view>

namespace trustscan {

enum class DownloadKind { firmware, manifest, other };

struct DownloadClass {
  DownloadKind kind = DownloadKind::other;
  std::string reason;  ///< "magic: uImage header (27051956)", "extension .trx", "content type …"
};

/// `path` is the request target (query and fragment ignored), `content_type` the response's
/// (may be empty), `first_bytes` the first bytes of the body (may be empty or short).
DownloadClass classify_download(std::string_view path, std::string_view content_type,
                                std::string_view first_bytes);

/// "firmware", "manifest", "other".
std::string_view to_string(DownloadKind kind) noexcept;

}  // namespace trustscan
