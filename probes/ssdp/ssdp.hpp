// trustscan — SSDP (HTTP over UDP) discovery and UPnP device description (pure, no I/O).
//
// The upnp probe sends `build_ssdp_msearch()` as one UDP datagram to port 1900 of the device
// (unicast: the scanner never sends to the 239.255.255.250 group), parses each reply datagram
// with `parse_ssdp_response`, fetches LOCATION with the http probe's parser, and hands the body to
// `parse_upnp_description`.
//
// Observation keys (`ssdp_observations`, `upnp_observations`); absent facts are not emitted:
//   ssdp.server            string  SERVER header ("Linux/5.4 UPnP/1.0 MiniUPnPd/2.1")
//   ssdp.location          string  LOCATION: URL of the device description
//   ssdp.st                string  ST of a reply (NT of a NOTIFY advertisement)
//   ssdp.usn               string  USN
//   upnp.device_type       string  root device's deviceType
//   upnp.friendly_name     string  root device's friendlyName
//   upnp.manufacturer      string  root device's manufacturer
//   upnp.manufacturer_url  string  root device's manufacturerURL
//   upnp.model_name        string  root device's modelName
//   upnp.model_number      string  root device's modelNumber
//   upnp.model_description string  root device's modelDescription
//   upnp.serial_number     string  root device's serialNumber (information disclosure)
//   upnp.udn               string  root device's UDN ("uuid:…")
//   upnp.presentation_url  string  root device's presentationURL (a web admin page)
//   upnp.services          list    every serviceType, embedded devices included, in order
//   upnp.igd               bool    an Internet Gateway Device: IGD device type, or a
//                                  WANIPConnection / WANPPPConnection service (always emitted)
#pragma once

#include "trustscan/parse.hpp"
#include "trustscan/types.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace trustscan {

/// Largest SSDP datagram accepted; UDA 1.1 replies are well under 1 KiB. Larger: `invalid`.
inline constexpr std::size_t kSsdpMaxDatagram = 8 * 1024;
/// Header lines in one datagram; more: `invalid`.
inline constexpr std::size_t kSsdpMaxHeaders = 64;
/// Cap of every header value kept, in bytes (longer values are cut).
inline constexpr std::size_t kSsdpMaxField = 512;

/// One SSDP datagram from a device: a reply to M-SEARCH ("HTTP/1.1 200 OK") or, when seen
/// passively, a "NOTIFY * HTTP/1.1" advertisement.
struct SsdpResponse {
  bool notify = false;         ///< NOTIFY advertisement rather than a search reply
  int status = 0;              ///< status code of a reply (200); 0 for NOTIFY
  std::string location;        ///< LOCATION
  std::string server;          ///< SERVER
  std::string st;              ///< ST of a reply, NT of a NOTIFY
  std::string usn;             ///< USN
  std::string nts;             ///< NTS of a NOTIFY ("ssdp:alive", "ssdp:byebye")
  std::string cache_control;   ///< CACHE-CONTROL as sent
  std::optional<std::int64_t> max_age;  ///< its max-age, seconds
  std::string raw;             ///< first Evidence::kMaxExcerpt bytes of the datagram
};

/// M-SEARCH in the UDA 1.1 multicast form (HOST 239.255.255.250:1900, MAN "ssdp:discover"),
/// which devices answer even when it arrives unicast. `mx` is clamped to 1..5 seconds; CR, LF
/// and NUL are removed from `st`.
std::vector<std::uint8_t> build_ssdp_msearch(std::string_view st = "ssdp:all", int mx = 1);

/// Parses one datagram. `done` for a 2xx… reply or a NOTIFY carrying at least one of LOCATION,
/// ST/NT, USN; `invalid` for anything else, for a datagram larger than kSsdpMaxDatagram, and for
/// one cut before the blank line that ends the header block (a datagram cannot grow, so this
/// parser never returns `need_more`). Header names are matched case-insensitively; lines end in
/// CRLF or LF.
Parse parse_ssdp_response(Bytes datagram, SsdpResponse& out) noexcept;

std::vector<Observation> ssdp_observations(const SsdpResponse& r, const Endpoint& ep);

/// Largest description document accepted (the HTTP body cap is smaller). Larger: `invalid`.
inline constexpr std::size_t kUpnpMaxDocument = 1024 * 1024;
/// Element nesting accepted; deeper: `invalid` (real descriptions nest about 8 deep).
inline constexpr std::size_t kUpnpMaxDepth = 64;
/// Cap of each text field, in bytes (longer text is cut at a UTF-8 boundary).
inline constexpr std::size_t kUpnpMaxField = 256;
/// Cap of the serviceType and embedded deviceType lists.
inline constexpr std::size_t kUpnpMaxServices = 64;

/// Facts from a UPnP device description (UDA 1.1 §2.3). The named fields are the root device's
/// direct children; empty when the element is absent or empty. Text has the five predefined XML
/// entities decoded, surrounding whitespace trimmed, control bytes replaced by spaces.
struct UpnpDescription {
  std::string device_type;
  std::string friendly_name;
  std::string manufacturer;
  std::string manufacturer_url;
  std::string model_name;
  std::string model_number;
  std::string model_description;
  std::string serial_number;
  std::string udn;
  std::string presentation_url;
  std::vector<std::string> service_types;          ///< every serviceType at any depth
  std::vector<std::string> embedded_device_types;  ///< deviceType of embedded devices
  std::string raw;  ///< first Evidence::kMaxExcerpt bytes of the document

  /// An Internet Gateway Device (port-mapping capable): see `upnp.igd`.
  bool igd() const noexcept;
};

/// A tolerant, bounded extraction, not an XML parser: it walks tags left to right (comments,
/// processing instructions, DOCTYPE and CDATA skipped), tracks the depth with a counter (no
/// recursion), and takes the text of leaf elements by local name (namespace prefix ignored,
/// case-insensitive). `done` once `</root>` closes a document whose first element is `root` and
/// which holds a `device`; `need_more` while the document is a plausible but unfinished root
/// (`out` then holds the fields found so far, usable when the HTTP body was truncated);
/// `invalid` for anything else or a broken cap.
Parse parse_upnp_description(Bytes xml, UpnpDescription& out) noexcept;

std::vector<Observation> upnp_observations(const UpnpDescription& d, const Endpoint& ep);

}  // namespace trustscan
