// trustscan — DHCPv4 messages (RFC 2131 / 2132) seen in a capture: what a device says about
// itself when it asks for an address (host name, vendor class, client id, the options it asks
// for — a classic passive fingerprint), and what the network's server hands it (DNS and NTP).
//
// One UDP datagram (ports 67/68) per message, parsed with parse_dhcp (docs/probes.md datagram
// form): the fixed BOOTP header (236 bytes), the magic cookie 99.130.83.99, then options. Option
// overload (52) is honoured: the `file` field, then `sname`, hold more options (RFC 2131 §4.1);
// an option repeated is concatenated (RFC 3396). Bounded: a datagram of at most kDhcpMaxMessage
// bytes, each option's concatenated data at most kDhcpMaxOptionData bytes, lists at most
// kDhcpMaxList entries. A message without the cookie (plain BOOTP) is invalid.
//
// Observation keys (dhcp_observations; a key whose option is absent is not emitted):
//   dhcp.message_type           string  "DISCOVER", "OFFER", "REQUEST", "DECLINE", "ACK", "NAK",
//                                       "RELEASE", "INFORM", or the number
//   dhcp.client_mac             string  chaddr as "02:00:c6:13:fb:10" (Ethernet, hlen 6)
//   dhcp.hostname               string  option 12
//   dhcp.vendor_class           string  option 60 ("udhcp 1.35.0", "MSFT 5.0", "android-dhcp-13")
//   dhcp.client_id              string  option 61 in lower-case hex
//   dhcp.client_fqdn            string  option 81's name (ASCII or DNS wire form)
//   dhcp.parameter_request_list string  option 55 as "1,3,6,12,15,28,42" (Fingerbank's form)
//   dhcp.requested_ip           string  option 50
//   dhcp.server_id              string  option 54
//   dhcp.your_ip                string  yiaddr, in server messages (OFFER, ACK) when not 0.0.0.0
//   dhcp.dns_servers            list    option 6
//   dhcp.ntp_servers            list    option 42
#pragma once

#include "trustscan/address.hpp"
#include "trustscan/parse.hpp"
#include "trustscan/types.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace trustscan {

inline constexpr std::size_t kDhcpMaxMessage = 65507;     ///< largest UDP payload over IPv4
inline constexpr std::size_t kDhcpMaxOptionData = 1024;   ///< per option code, after concatenation
inline constexpr std::size_t kDhcpMaxList = 32;           ///< addresses kept per list option

struct DhcpMessage {
  std::uint8_t op = 0;  ///< 1 BOOTREQUEST (client), 2 BOOTREPLY (server)
  std::uint8_t htype = 0;
  std::uint8_t hlen = 0;
  std::uint32_t xid = 0;
  std::uint16_t flags = 0;
  Address ciaddr, yiaddr, siaddr, giaddr;
  std::vector<std::uint8_t> chaddr;  ///< the first hlen (<= 16) bytes
  std::uint8_t overload = 0;         ///< option 52: 1 file, 2 sname, 3 both carry options

  std::optional<std::uint8_t> message_type;  ///< option 53
  std::string host_name;                     ///< option 12
  std::string vendor_class;                  ///< option 60
  std::vector<std::uint8_t> client_id;       ///< option 61 (type byte first)
  std::vector<std::uint8_t> parameter_request_list;  ///< option 55, in order
  std::string client_fqdn;                   ///< option 81's domain name
  std::uint8_t client_fqdn_flags = 0;        ///< option 81's flags (S, O, E, N bits)
  std::optional<Address> requested_ip;       ///< option 50
  std::optional<Address> server_id;          ///< option 54
  std::vector<Address> dns_servers;          ///< option 6
  std::vector<Address> ntp_servers;          ///< option 42
  std::vector<std::uint8_t> option_codes;    ///< every option code seen, in order (pad/end excluded)
  std::vector<std::uint8_t> raw;             ///< first Evidence::kMaxExcerpt bytes of the datagram
};

/// Parses one DHCPv4 datagram. invalid when shorter than the header + cookie, when op is not
/// 1/2, hlen > 16, the cookie is missing, an option's length runs past its field, or a fixed-size
/// option (53, 50, 54, 52) has the wrong length.
Parse parse_dhcp(Bytes datagram, DhcpMessage& out) noexcept;

/// "DISCOVER"… for RFC 2132 §9.6 types 1-8, else the decimal number.
std::string dhcp_message_type_name(std::uint8_t type);

/// The keys listed above, evidence kind "dhcp" with the datagram's first bytes as excerpt.
std::vector<Observation> dhcp_observations(const DhcpMessage& m, const Endpoint& ep);

}  // namespace trustscan
