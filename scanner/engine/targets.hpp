// trustscan — target specs, port specs and scope (INTERFACE.md "Targets and scope", "Ports").
//
// Pure parsing: no Asio, no sockets (clang builds this file for the fuzzers). Name resolution
// is injected, so tests never touch DNS. Every error is an InputError whose message is one line
// naming the bad input; the CLI prints it and exits 2.
#pragma once

#include "trustscan/types.hpp"

#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace trustscan {

/// A problem with what the user gave us (target, port spec, file, option). Exit code 2.
class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// One target as written: an address, a CIDR block, a range, a hostname, or "ipv6-link:IFACE"
/// (the IPv6 devices on that link that answer the all-nodes multicast echo).
struct TargetSpec {
  enum class Kind : std::uint8_t { address, cidr, range, hostname, ipv6_link };
  Kind kind = Kind::address;
  std::string text;   ///< as the user wrote it, for error messages
  Address first;      ///< first address of the block (address/cidr/range)
  Address last;       ///< last address of the block, inclusive
  std::string name;   ///< hostname (Kind::hostname), interface (Kind::ipv6_link)

  /// Number of addresses, saturated at UINT64_MAX (IPv6 blocks).
  std::uint64_t size() const noexcept;
};

/// Parses one target token. Forms: "198.18.0.10", "::1", "198.18.0.0/24", "fc00::/120",
/// "198.18.0.10-20" (last octet), "198.18.0.10-198.18.1.5", "fc00::1-fc00::ff", "localhost",
/// "ipv6-link:eth0".
/// Throws InputError ("300.1.1.1", "10.0.0.0/33", "1-2-3", "10.0.0.9-3"…).
TargetSpec parse_target_spec(std::string_view token);

/// Reads an @FILE target list: one target per line, '#' starts a comment, blank lines skipped.
/// Throws InputError when the file cannot be read, is empty, or a line is invalid (with line no).
std::vector<TargetSpec> read_target_file(const std::string& path);

/// Parses the command-line targets, expanding "@FILE" arguments. Throws InputError.
std::vector<TargetSpec> parse_targets(const std::vector<std::string>& args);

/// Ports to scan per transport, sorted and unique.
struct PortList {
  std::vector<std::uint16_t> tcp;
  std::vector<std::uint16_t> udp;
  bool empty() const noexcept { return tcp.empty() && udp.empty(); }
  std::size_t size() const noexcept { return tcp.size() + udp.size(); }
};

/// nmap port syntax: "22,80,443", "1-1024", "-" (1-65535), "-1024", "60000-",
/// "T:23,80,U:161,1900" (a prefix applies until the next one). Throws InputError.
PortList parse_port_spec(std::string_view spec);

/// The ports a scan sends to: the profile's when `spec` is empty, else the spec's. A spec that
/// covers every TCP port ("-p-") and names no UDP port keeps the profile's UDP ports: nmap users
/// expect -p- to widen a scan, and a UDP service nobody looked for must not read as absent.
/// "T:-" (every TCP port, said to be TCP) is TCP only. Throws InputError.
PortList ports_to_scan(std::string_view spec, const PortList& profile);

/// The set of ranges the scanner may send packets to.
class Scope {
 public:
  /// The non-routable ranges INTERFACE.md allows when the user gives no --scope: loopback,
  /// RFC 1918, link-local, 198.18.0.0/15, 100.64.0.0/10, fc00::/7, fe80::/10.
  static Scope defaults();
  /// "CIDR[,CIDR…]" from --scope. Throws InputError.
  static Scope parse(std::string_view list);
  /// --scope-file: one CIDR per line, '#' comments. Throws InputError.
  static Scope from_file(const std::string& path);

  bool contains(const Address& a) const noexcept;
  const std::vector<Cidr>& ranges() const noexcept { return ranges_; }
  bool is_default() const noexcept { return default_; }
  /// Human description for messages: "default non-routable ranges" or the list.
  std::string describe() const;

 private:
  std::vector<Cidr> ranges_;
  bool default_ = false;
};

/// Resolves a hostname to addresses; injected so tests never use DNS.
using Resolver = std::function<std::vector<Address>(const std::string& name)>;
/// The system resolver (getaddrinfo, numeric service, no DNS for literals).
std::vector<Address> system_resolve(const std::string& name);

/// Expands specs into unique, sorted targets, checking every address against the scope
/// *before* anything is sent. Throws InputError naming the first out-of-scope target and the
/// flag that would allow it, or when the expansion exceeds `max_targets`.
/// `link` finds the addresses of an ipv6-link target (an interface name); without it such a
/// target is an error. Each address it finds is checked against the scope like any other.
std::vector<Target> expand_targets(const std::vector<TargetSpec>& specs, const Scope& scope,
                                   const Resolver& resolve, std::size_t max_targets = 1u << 20,
                                   const Resolver& link = {});

}  // namespace trustscan
