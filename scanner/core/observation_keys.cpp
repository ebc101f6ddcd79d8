// trustscan — the catalog of declared observation keys (trustscan/observation_key.hpp).
#include "trustscan/observation_key.hpp"

#include "probes/coap/coap_keys.hpp"
#include "probes/dhcp/dhcp_keys.hpp"
#include "probes/dns/dns_keys.hpp"
#include "probes/dtls/dtls_keys.hpp"
#include "probes/ftp/ftp_keys.hpp"
#include "probes/http/http_keys.hpp"
#include "probes/identify/service_keys.hpp"
#include "probes/mqtt/mqtt_keys.hpp"
#include "probes/ntp/ntp_keys.hpp"
#include "probes/passive/passive_keys.hpp"
#include "probes/rtsp/rtsp_keys.hpp"
#include "probes/snmp/snmp_keys.hpp"
#include "probes/ssdp/ssdp_keys.hpp"
#include "probes/ssh/ssh_keys.hpp"
#include "probes/telnet/telnet_keys.hpp"
#include "probes/tls/tls_keys.hpp"
#include "scanner/credentials/credential_keys.hpp"
#include "scanner/pipeline/probe_keys.hpp"

#include <algorithm>

namespace trustscan {

FilledKey ObservationKey::with(std::string_view part) const {
  const auto open = name.find('<'), close = name.find('>');
  if (open == std::string_view::npos || close == std::string_view::npos) return {std::string(name)};
  FilledKey out{std::string(name.substr(0, open))};
  out.name += part;
  out.name += name.substr(close + 1);
  return out;
}

bool ObservationKey::matches(std::string_view key) const noexcept {
  const auto open = name.find('<'), close = name.find('>');
  if (open == std::string_view::npos || close == std::string_view::npos) return key == name;
  const auto prefix = name.substr(0, open), suffix = name.substr(close + 1);
  return key.size() > prefix.size() + suffix.size() && key.starts_with(prefix) && key.ends_with(suffix);
}

// One row per header, sorted by room: the order of docs/observations.md.
const std::vector<ObservationRoom>& observation_rooms() {
  static const std::vector<ObservationRoom> rooms = {
      {"probes/coap/coap_keys.hpp", {keys::coap::all}},
      {"probes/dhcp/dhcp_keys.hpp", {keys::dhcp::all}},
      {"probes/dns/dns_keys.hpp", {keys::dns::all, keys::mdns::all}},
      {"probes/dtls/dtls_keys.hpp", {keys::dtls::all}},
      {"probes/ftp/ftp_keys.hpp", {keys::ftp::all}},
      {"probes/http/http_keys.hpp", {keys::http::all}},
      {"probes/identify/service_keys.hpp", {keys::service::all}},
      {"probes/mqtt/mqtt_keys.hpp", {keys::mqtt::all}},
      {"probes/ntp/ntp_keys.hpp", {keys::ntp::all}},
      {"probes/passive/passive_keys.hpp", {keys::client::all, keys::server::all, keys::device::all, keys::passive::all}},
      {"probes/rtsp/rtsp_keys.hpp", {keys::rtsp::all}},
      {"probes/snmp/snmp_keys.hpp", {keys::snmp::all}},
      {"probes/ssdp/ssdp_keys.hpp", {keys::ssdp::all, keys::upnp::all}},
      {"probes/ssh/ssh_keys.hpp", {keys::ssh::all}},
      {"probes/telnet/telnet_keys.hpp", {keys::telnet::all}},
      {"probes/tls/tls_keys.hpp", {keys::tls::all}},
      {"scanner/credentials/credential_keys.hpp", {keys::cred::all}},
      {"scanner/pipeline/probe_keys.hpp", {keys::probe::all}},
  };
  return rooms;
}

const std::vector<ObservationKey>& all_observation_keys() {
  static const std::vector<ObservationKey> all = [] {
    std::vector<ObservationKey> out;
    for (const auto& r : observation_rooms())
      for (const auto keys : r.keys) out.insert(out.end(), keys.begin(), keys.end());
    return out;
  }();
  return all;
}

const ObservationKey* find_observation_key(std::string_view key) noexcept {
  const auto& all = all_observation_keys();
  // An exact name first: "tls.ciphers.<version>" must not shadow a declared key it would match.
  if (auto it = std::find_if(all.begin(), all.end(), [&](const ObservationKey& k) { return k.name == key; }); it != all.end())
    return &*it;
  const auto it = std::find_if(all.begin(), all.end(), [&](const ObservationKey& k) { return k.matches(key); });
  return it == all.end() ? nullptr : &*it;
}

}  // namespace trustscan
