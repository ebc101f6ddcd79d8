// Firmware / manifest / other classification of downloads.
//
// First bytes of real images made on Debian 12 from a small tree (root/etc/version):
//   kUImage    mkimage 2023.01 -A arm -O linux -T kernel -C none -a 0x8000 -e 0x8000 -n "rdiss-cam 2.1" -d kernel.bin uImage
//   kSquashfs  mksquashfs 4.5.1 root fs.sqfs -noappend
//   kFit       mkimage -f auto -A arm -O linux -T kernel -C none -b cam.dtb -d kernel.bin fit.itb (dtc 1.6.1)
//   kUbi       ubinize 2.1.5 -o fw.ubi -m 2048 -p 128KiB ubi.cfg (fs.sqfs as a static volume)
//   kSparse    img2simg raw.img sparse.img (1 MiB of zeros + fs.sqfs)
//   kSwu       (cd root && find . | busybox cpio -o -H newc) > update.swu
//   kTar kGzip kXz kZip  tar cf fw.tar -C root . ; gzip -k ; xz -k ; zip -qr fw.zip .
//   kIntelHex  objcopy -I binary -O ihex kernel.bin mcu.hex
//   kElf       /bin/true (Debian 12 coreutils)
// No TRX tool is packaged in Debian: the TRX case writes the documented "HDR0" header by hand.
#include "probes/http/firmware.hpp"
#include "hex_bytes.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace trustscan;

namespace {

constexpr std::string_view kUImage =
    "27051956174488306b06d151000010000000800000008000fd420edf0502020072646973732d63616d20322e31000000"
    "00000000000000000000000000000000";
constexpr std::string_view kSquashfs =
    "687371730300000051d1066b000002000100000001001100c00001000400000040000000000000000901000000000000"
    "0101000000000000ffffffffffffffff";
constexpr std::string_view kFit =
    "d00dfeed0000177a000000380000133c000000280000001100000002000000000000007e000013040000000000000000"
    "00000000000000000000000100000000";
constexpr std::string_view kUbi =
    "554249230100000000000000000000000000080000001000755eb60c0000000000000000000000000000000000000000"
    "000000000000000000000000e3729f4d";
constexpr std::string_view kSparse =
    "3aff26ed010000001c000c0000100000010100000200000000000000c2ca0000000100001000000000000000c1ca0000"
    "010000000c1000006873717303000000";
constexpr std::string_view kSwu =
    "303730373031303041383030463330303030343145443030303030303030303030303030303030303030303030333642"
    "30364431353130303030303030303030";
constexpr std::string_view kTar =
    "2e2f00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "000000003030303037353500303030303030300030303030303030003030303030303030303030003135333031353530"
    "353231003030373730360020350000000000000000000000000000000000000000000000000000000000000000000000"
    "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "000000000000000000000000000000000075737461722020";
constexpr std::string_view kGzip =
    "1f8b080851d1066b000366772e74617200edd3410e82301085e1ae3d452f204c9129e721c8828592b4e8f9adb092440d"
    "8b6a8cffb79966daa493bcb6284d7692";
constexpr std::string_view kXz =
    "fd377a585a000004e6d6b4460200210116000000742fe5a3e027ff00985d00170bbc1c7d0195c01d4a3e7915c2cc26a3"
    "631c50a8bff86ad6db7f3699f93ae7b3";
constexpr std::string_view kZip =
    "504b03040a0000000000e761795d00000000000000000000000004001c006574632f555409000351d1066b51d1066b75"
    "780b000104000000000400000000504b";
constexpr std::string_view kIntelHex =
    "3a3130303030303030333834373034303239383843363043364644443534463130384443353542333031330d0a3a3130"
    "30303130303035304546374539414332";
constexpr std::string_view kElf =
    "7f454c4602010100000000000000000003003e0001000000d02300000000000040000000000000009083000000000000"
    "00000000400038000d0040001f001e00";

std::string raw(std::string_view hex) {
  const auto b = test::hex_bytes(hex);
  return {b.begin(), b.end()};
}

// The manifest lighttpd served in tests/parsers/test_http_request.cpp's capture.
constexpr std::string_view kManifest =
    "{\"model\":\"rdiss-cam\",\"version\":\"2.1.0\",\"url\":\"http://127.0.0.1:48080/fw/cam-2.1.bin\",\"sha256\":\"2e06";

}  // namespace

TEST_CASE("image formats are firmware by their magic, whatever the name") {
  struct Case {
    std::string_view hex, reason;
  };
  for (const auto& c : {Case{kUImage, "magic: uImage header (27051956)"}, Case{kSquashfs, "magic: squashfs (hsqs)"},
                        Case{kFit, "magic: flattened device tree / FIT (d00dfeed)"},
                        Case{kUbi, "magic: UBI erase counter header (UBI#)"},
                        Case{kSparse, "magic: Android sparse image (3aff26ed)"},
                        Case{kSwu, "magic: newc cpio (070701, SWUpdate)"}}) {
    const auto d = classify_download("/download?id=7", "", raw(c.hex));
    CHECK(d.kind == DownloadKind::firmware);
    CHECK(d.reason == c.reason);
  }
  const auto trx = classify_download("/x", "", std::string("HDR0\x00\x10\x00\x00", 8));
  CHECK(trx.kind == DownloadKind::firmware);
  CHECK(trx.reason == "magic: TRX header (HDR0)");
}

TEST_CASE("archives and executables are firmware only when named or typed as such") {
  for (const auto hex : {kTar, kGzip, kXz, kZip, kElf}) {
    CHECK(classify_download("/fw/cam.pkg", "", raw(hex)).kind == DownloadKind::firmware);
    CHECK(classify_download("/ota/next", "", raw(hex)).kind == DownloadKind::firmware);
    CHECK(classify_download("/dl", "application/octet-stream", raw(hex)).kind == DownloadKind::firmware);
    CHECK(classify_download("/static/app.js", "application/javascript", raw(hex)).kind == DownloadKind::other);
  }
  CHECK(classify_download("/fw/cam.tar.gz", "", raw(kGzip)).reason == "magic: gzip, extension .gz");
  CHECK(classify_download("/logs/2024.tar", "", raw(kTar)).reason == "magic: tar (ustar), extension .tar");
  CHECK(classify_download("/mcu/v3.hex", "", raw(kIntelHex)).kind == DownloadKind::firmware);
  CHECK(classify_download("/mcu/v3.hex", "", raw(kIntelHex)).reason == "Intel HEX records");
}

TEST_CASE("names and content types when the body is not seen") {
  for (const auto path : {"/fw/cam-2.1.bin", "/a/b.IMG?sig=1", "/r7000.chk", "/x.trx", "/rootfs.ubi", "/u.swu", "/m.fw"}) {
    CHECK_MESSAGE(classify_download(path, "", "").kind == DownloadKind::firmware, path);
  }
  CHECK(classify_download("/fw/cam-2.1.bin", "", "").reason == "extension .bin");
  CHECK(classify_download("/get", "application/x-firmware", "").kind == DownloadKind::firmware);
  CHECK(classify_download("/update/get", "application/octet-stream", "").kind == DownloadKind::firmware);
  CHECK(classify_download("/get", "application/octet-stream", "").kind == DownloadKind::other);
  CHECK(classify_download("/index.html", "text/html", "<html>").kind == DownloadKind::other);
}

TEST_CASE("manifests: update JSON by body or name, a page named .bin is not firmware") {
  const auto m = classify_download("/ota/manifest.json", "application/json", kManifest);
  CHECK(m.kind == DownloadKind::manifest);
  CHECK(m.reason == "JSON/XML body naming versions and downloads");
  CHECK(classify_download("/api/v1/check", "", kManifest).kind == DownloadKind::manifest);
  CHECK(classify_download("/firmware/latest.xml", "application/xml", "").kind == DownloadKind::manifest);
  CHECK(classify_download("/api/status.json", "application/json", "{\"ok\":true}").kind == DownloadKind::other);
  const auto page = classify_download("/fw/cam.bin", "text/html", "<!DOCTYPE html><title>404</title>");
  CHECK(page.kind == DownloadKind::other);
  CHECK(to_string(page.kind) == "other");
}
