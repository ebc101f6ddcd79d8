// trustscan — declared observation keys (docs/observations.md).
//
// An Observation's key is a string in reports and in YAML checks, but in C++ every producer and
// every check names it through a constant of its protocol's room (probes/tls/tls_keys.hpp,
// scanner/credentials/credential_keys.hpp…): a typo is a compile error, not a check that silently
// never fires. Each constant carries the Value alternative it holds and a one-line meaning, and
// the catalog below lists them all; `trustscan observations --markdown` prints it as
// docs/observations.md. Pure header: no Asio, builds with clang for the fuzzers.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace trustscan {

/// Which alternative of Value (types.hpp) a key carries.
enum class ValueType : std::uint8_t { boolean, integer, string, list };

/// The alternative as the catalog names it: "bool", "int64", "string", "list".
constexpr std::string_view to_string(ValueType t) noexcept {
  switch (t) {
    case ValueType::boolean: return "bool";
    case ValueType::integer: return "int64";
    case ValueType::string: return "string";
    case ValueType::list: return "list";
  }
  return "?";
}

/// A pattern key with its placeholder filled (ObservationKey::with): "probe.ssh.status". A type of
/// its own, so that make_observation takes it and a declared key, but never a bare string.
struct FilledKey {
  std::string name;

  operator std::string() const& { return name; }
  operator std::string() && { return std::move(name); }
  friend bool operator==(const FilledKey& k, std::string_view s) noexcept { return k.name == s; }
};

/// One declared key. A name with a <placeholder> ("probe.<service>.status") is a pattern: the
/// producer fills it with `with()`.
struct ObservationKey {
  std::string_view name;
  ValueType type;
  std::string_view doc;     ///< one line: what the value means
  std::string_view source;  ///< the file that produces it, from the repository root

  constexpr operator std::string_view() const noexcept { return name; }
  // Observation::key is a std::string: Observation{ep, keys::x::y, …} needs this one too.
  operator std::string() const { return std::string(name); }
  friend bool operator==(const ObservationKey& k, std::string_view s) noexcept { return k.name == s; }

  constexpr bool is_pattern() const noexcept { return name.find('<') != std::string_view::npos; }
  /// The pattern with its placeholder replaced: tls::ciphers_at.with("TLSv1.2") is "tls.ciphers.TLSv1.2".
  FilledKey with(std::string_view part) const;
  /// Whether `key` is this key, or an instance of this pattern.
  bool matches(std::string_view key) const noexcept;
};

/// The keys of one room (a folder of probes/ or scanner/), as its header declares them.
struct ObservationRoom {
  std::string_view header;  ///< "probes/tls/tls_keys.hpp"; the room is its folder
  std::vector<std::span<const ObservationKey>> keys;
};

/// Every declared key, room by room (scanner/core/observation_keys.cpp).
const std::vector<ObservationRoom>& observation_rooms();
/// The same keys in one list, in room order.
const std::vector<ObservationKey>& all_observation_keys();
/// The declared key `key` is, or an instance of; nullptr when it is declared nowhere.
const ObservationKey* find_observation_key(std::string_view key) noexcept;

}  // namespace trustscan
