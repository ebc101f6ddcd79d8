// trustscan — service identification: which protocol an open port speaks.
//
// Identification is data (profiles/data/services.yaml, embedded in the binary): "hellos" are
// the bytes we send (nothing, an HTTP GET, a TLS ClientHello…) and "rules" say which service a
// reply to a given hello shows, by prefix, substring or regular expression, optionally with a
// product and a version taken from capture groups. The first rule that matches wins, so the file
// lists specific rules before generic ones. Every identification names the rule's line in the
// data file, so a report can say exactly why a port was called "ssh" (nmap's lineno idea).
//
// Pure: the matcher sees at most kMatchWindow bytes of a reply, which bounds the regex work
// whatever a device sends.
#pragma once

#include "trustscan/parse.hpp"
#include "trustscan/types.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <vector>

namespace trustscan {

/// Bytes of a reply the rules look at.
inline constexpr std::size_t kMatchWindow = 2048;

struct Hello {
  std::string name;                  ///< "banner", "http", "tls"…
  Transport transport = Transport::tcp;
  std::vector<std::uint8_t> bytes;   ///< empty: send nothing, wait for the peer to speak
  std::vector<std::uint16_t> ports;  ///< ports where this hello is tried first
  std::vector<std::uint16_t> tls_ports;  ///< TLS ports where this hello is tried first inside TLS (8883: MQTT)
  int wait_ms = 2000;                ///< how long to wait for a reply
  int line = 0;                      ///< line in the data file
};

struct MatchRule {
  enum class Kind : std::uint8_t { prefix, contains, regex };
  std::string service;   ///< "ssh", "http"…
  std::string hello;     ///< the hello whose reply this rule reads
  Kind kind = Kind::prefix;
  std::string pattern;   ///< bytes (prefix/contains) or ECMAScript regex
  bool icase = false;
  std::string product;   ///< may contain $1..$9
  std::string version;   ///< may contain $1..$9
  int line = 0;
  std::shared_ptr<const std::regex> compiled;  ///< set for Kind::regex
};

struct ServiceTable {
  std::vector<Hello> hellos;  ///< in the order they are tried on an unknown port
  std::vector<MatchRule> rules;
  const Hello* hello(std::string_view name) const noexcept;
};

struct Identification {
  std::string service;
  std::string product;
  std::string version;
  std::string hello;  ///< the hello whose reply matched
  int rule_line = 0;
};

/// The first rule for `hello` that matches `reply`, or nullopt. Never throws (a regex that hits
/// libstdc++'s complexity limit counts as no match).
std::optional<Identification> identify(const ServiceTable& table, std::string_view hello, Bytes reply) noexcept;

}  // namespace trustscan
