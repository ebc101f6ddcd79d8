// IEEE registry CSV parsing and MAC vendor lookup (probes/identify/oui.hpp). The rows are copied from
// Debian's ieee-data 20220827.1 (/usr/share/ieee-data/{oui,mam,oui36}.csv).
#include "probes/identify/oui.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace trustscan;

namespace {

const std::string kHeader = "Registry,Assignment,Organization Name,Organization Address\n";
const std::string kOui = kHeader +
                         "MA-L,001A11,\"Google, Inc.\",1600 Amphitheater Parkway Mountain View CA US 94043 \n"
                         "MA-L,70B3D5,IEEE Registration Authority,445 Hoes Lane Piscataway NJ US 08554 \n"
                         "MA-L,208593,IEEE Registration Authority,445 Hoes Lane Piscataway NJ US 08554 \n";
const std::string kMam = kHeader + "MA-M,208593B,IOG Products LLC,9737 LURLINE AVENUE CHATSWORTH CA US 91311 \n";
const std::string kOui36 = kHeader + "MA-S,70B3D5F2F,TELEPLATFORMS,\"Polbina st., 3/1 Moscow  RU 109388 \"\n";

OuiTable table() {
  OuiTable t;
  REQUIRE(t.add_csv(as_bytes(kOui)) == Parse::done);
  REQUIRE(t.add_csv(as_bytes(kMam)) == Parse::done);
  REQUIRE(t.add_csv(as_bytes(kOui36)) == Parse::done);
  return t;
}

}  // namespace

TEST_CASE("MAC addresses parse in the usual spellings and nothing else") {
  CHECK(format_mac(*parse_mac("00:1A:11:aa:bb:cc")) == "00:1a:11:aa:bb:cc");
  CHECK(format_mac(*parse_mac("00-1a-11-aa-bb-cc")) == "00:1a:11:aa:bb:cc");
  CHECK(format_mac(*parse_mac("001a11aabbcc")) == "00:1a:11:aa:bb:cc");
  for (const char* bad : {"", "00:1a:11:aa:bb", "00:1a:11:aa:bb:cc:dd", "0g:1a:11:aa:bb:cc", "0:01a:11:aa:bb:cc", "00:1a:11:aa:bb:c"})
    CHECK_FALSE(parse_mac(bad));
  CHECK(locally_administered(*parse_mac("02:00:00:00:00:01")));
  CHECK_FALSE(locally_administered(*parse_mac("00:1a:11:00:00:01")));
}

TEST_CASE("the longest registered prefix names the vendor (MA-S, then MA-M, then MA-L)") {
  const auto t = table();
  CHECK(t.size() == 5);
  CHECK(t.vendor(*parse_mac("00:1a:11:12:34:56")) == "Google, Inc.");
  CHECK(t.vendor(*parse_mac("20:85:93:b0:00:01")) == "IOG Products LLC");          // MA-M 208593B
  CHECK(t.vendor(*parse_mac("20:85:93:c0:00:01")) == "IEEE Registration Authority"); // outside the MA-M block
  CHECK(t.vendor(*parse_mac("70:b3:d5:f2:f0:01")) == "TELEPLATFORMS");             // MA-S 70B3D5F2F
  CHECK(t.vendor(*parse_mac("70:b3:d5:f3:00:01")) == "IEEE Registration Authority");
  CHECK_FALSE(t.vendor(*parse_mac("02:00:00:00:00:01")));
}

TEST_CASE("a file that is not an IEEE registry is refused, bad rows are skipped and counted") {
  OuiTable t;
  CHECK(t.add_csv(as_bytes("hello,world\n")) == Parse::invalid);
  CHECK(t.add_csv(as_bytes("")) == Parse::invalid);
  CHECK(t.add_csv(as_bytes(kHeader + "MA-L,XYZ123,Bad\nMA-Q,001122,Unknown registry\nMA-L,001A11\n\nMA-L,001A12,Good\n")) ==
        Parse::done);
  CHECK(t.size() == 1);
  CHECK(t.skipped_rows() == 3);
  // Truncated anywhere: never a crash, at most the complete rows.
  for (std::size_t n = 0; n <= kOui.size(); ++n) {
    OuiTable u;
    const auto r = u.add_csv(as_bytes(std::string_view(kOui).substr(0, n)));
    CHECK((r == Parse::done || r == Parse::invalid));
    CHECK(u.size() <= 3);
  }
  // An unterminated quote swallows the rest of the file as one field, capped.
  OuiTable q;
  CHECK(q.add_csv(as_bytes(kHeader + "MA-L,001A11,\"" + std::string(100000, 'x'))) == Parse::done);
  REQUIRE(q.vendor(*parse_mac("00:1a:11:00:00:00")));
  CHECK(q.vendor(*parse_mac("00:1a:11:00:00:00"))->size() == OuiTable::kMaxName);
}
