// trustscan — MAC address vendors from the IEEE registries (Debian's ieee-data: oui.csv for
// MA-L /24 blocks, mam.csv for MA-M /28, oui36.csv for MA-S /36), for id.mac_oui.
//
// Pure and bounded like every parser here: CSV rows "Registry,Assignment,Organization Name,
// Organization Address" with RFC 4180 quoting; rows that are not a valid assignment are skipped
// and counted, never fatal. At most kMaxEntries assignments, names capped at 128 bytes.
#pragma once

#include "trustscan/parse.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>

namespace trustscan {

using Mac = std::array<std::uint8_t, 6>;

/// Where Debian's ieee-data keeps the registries.
inline constexpr const char* kDefaultOuiDir = "/usr/share/ieee-data";

/// "00:1a:11:aa:bb:cc" (also '-' separated or bare hex), or nullopt.
std::optional<Mac> parse_mac(std::string_view text) noexcept;
std::string format_mac(const Mac& mac);

/// Locally administered (the U/L bit): randomised or assigned by software, not by a vendor.
inline bool locally_administered(const Mac& m) noexcept { return (m[0] & 0x02) != 0; }
inline bool multicast_mac(const Mac& m) noexcept { return (m[0] & 0x01) != 0; }

class OuiTable {
 public:
  static constexpr std::size_t kMaxEntries = 200'000;
  static constexpr std::size_t kMaxName = 128;

  /// Adds the assignments of one registry CSV. Returns invalid when the header is not the IEEE
  /// one (so a wrong file is an error, not an empty table), done otherwise.
  Parse add_csv(Bytes csv) noexcept;

  /// Adds oui.csv, mam.csv and oui36.csv of `dir` (Debian's ieee-data), each read whole up to
  /// kMaxFileBytes; a missing or unreadable file is skipped. Returns the files added.
  std::size_t add_dir(const std::string& dir);
  static constexpr std::size_t kMaxFileBytes = 64u << 20;

  /// The organisation of the longest registered prefix (MA-S, then MA-M, then MA-L).
  std::optional<std::string> vendor(const Mac& mac) const;

  std::size_t size() const noexcept { return entries_; }
  std::size_t skipped_rows() const noexcept { return skipped_; }

 private:
  // Key: prefix bits (left-aligned in 36 bits) | bit length << 40.
  std::unordered_map<std::uint64_t, std::string> by_prefix_;
  std::size_t entries_ = 0, skipped_ = 0;
};

}  // namespace trustscan
