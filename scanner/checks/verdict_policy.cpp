// trustscan — the one verdict policy (verdict_policy.hpp).
#include "scanner/checks/verdict_policy.hpp"

#include "scanner/checks/checks.hpp"
#include "probes/identify/service_keys.hpp"
#include "scanner/engine/plan.hpp"

#include <algorithm>

namespace trustscan {

namespace {


bool scanned(const DeviceFacts& d, Transport t) {
  return std::any_of(d.ports.begin(), d.ports.end(), [&](const PortResult& p) { return p.endpoint.transport == t; });
}


}  // namespace

std::string listed_ports(const std::vector<Endpoint>& eps) {
  std::string s;
  for (std::size_t i = 0; i < eps.size() && i < 8; ++i) s += (s.empty() ? "" : ", ") + port_label(eps[i]);
  if (eps.size() > 8) s += ", +" + std::to_string(eps.size() - 8) + " more";
  return s;
}

std::vector<Endpoint> unidentified_endpoints(const DeviceFacts& d) {
  std::vector<Endpoint> named;
  for (const auto& o : d.observations)
    if (o.endpoint && o.key == keys::service::name) named.push_back(*o.endpoint);
  std::vector<Endpoint> out;
  for (const auto& p : d.ports)
    if (p.state == PortState::open && std::find(named.begin(), named.end(), p.endpoint) == named.end())
      out.push_back(p.endpoint);
  return out;
}

bool udp_service(std::string_view service) {
  static constexpr std::string_view udp[] = {"snmp", "ssdp", "ntp", "coap", "mdns", "dns", "tftp", "dhcp", "upnp", "syslog"};
  return std::find(std::begin(udp), std::end(udp), service) != std::end(udp);
}

std::string absence_unproven(const DeviceFacts& d, const std::vector<std::string_view>& services) {
  if (auto why = not_judgeable(d); !why.empty()) return why;
  for (const auto s : services) {
    if (udp_service(s) && !scanned(d, Transport::udp)) return "not_scanned:udp";
    if (!udp_service(s) && !scanned(d, Transport::tcp)) return "not_scanned:tcp";
  }
  if (!unidentified_endpoints(d).empty()) return "unidentified_ports";
  return {};
}

Finding nothing_in_scope(const CheckInfo& info, const DeviceFacts& d, const std::vector<std::string_view>& services,
                         const std::string& what) {
  const auto why = absence_unproven(d, services);
  if (why.empty()) {
    auto f = make_finding(info.id, CheckStatus::not_applicable, info.severity, info.outcomes,
                          what + " among the " + std::to_string(d.ports.size()) + " scanned ports");
    Evidence e;
    e.kind = "service_identification";
    e.detail = "svc.inventory: every open port was identified; none speaks a protocol this check applies to";
    f.evidence.push_back(std::move(e));
    return f;
  }
  auto f = make_finding(info.id, CheckStatus::not_tested, info.severity, info.outcomes, what + " found, but ");
  f.reason = why;
  if (why == "unidentified_ports") {
    const auto eps = unidentified_endpoints(d);
    f.summary += "open ports were not identified: " + listed_ports(eps);
    if (std::any_of(eps.begin(), eps.end(), [](const Endpoint& ep) { return is_printer_port(ep); }))
      f.summary += " (printer ports are sent nothing unless --safety intrusive, --allow printer.hello or --probe-printers)";
    Evidence e;
    e.kind = "service_identification";
    e.detail = "open, no identification matched: " + listed_ports(eps);
    f.evidence.push_back(std::move(e));
  } else if (why == "not_scanned:udp") {
    f.summary += "no UDP port was scanned (-p U:PORTS)";
  } else if (why == "not_scanned:tcp") {
    f.summary += "no TCP port was scanned";
  } else if (why == "device_down") {
    f.summary = "the device answered nothing at host discovery: not scanned";
  } else {
    f.summary = "device not fully probed";
  }
  return f;
}

void require_complete_inventory(Finding& f, const DeviceFacts& d, const std::vector<std::string_view>& services) {
  if (f.status != CheckStatus::pass) return;
  const auto why = absence_unproven(d, services);
  if (why.empty()) return;
  const auto instead = nothing_in_scope({f.check, {}, f.severity, f.outcomes}, d, services, "nothing failing");
  f.status = CheckStatus::not_tested;
  f.reason = why;
  f.summary = instead.summary;
  f.evidence = instead.evidence;
}

}  // namespace trustscan
