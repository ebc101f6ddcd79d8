// trustscan — SNMP probe: default communities (read), and write only with --snmp-write.
//
// Registered in scanner/pipeline/probe_registry.cpp; observations it records: docs/observations.md.
#include "scanner/pipeline/protocol_probes.hpp"
#include "scanner/pipeline/probe_util.hpp"
#include "probes/snmp/snmp.hpp"
#include "probes/snmp/snmp_keys.hpp"

namespace trustscan {

using namespace std::chrono_literals;

// SNMP v1/v2c: who answers with which community (read), and, only when the user opted in,
// whether a community can write (svc.snmp.community). The write test sets a system object
// (sysContact, sysLocation or sysName) to the value it already has: the device is unchanged.
net::awaitable<void> probe_snmp(ProbeContext& ctx, std::vector<Observation>& out) {
  static const std::vector<std::string> system_oids = {"1.3.6.1.2.1.1.1.0", "1.3.6.1.2.1.1.2.0", "1.3.6.1.2.1.1.5.0"};
  static const std::vector<std::string> communities = {"public", "private", "community", "admin", "default", "snmp"};
  // sysContact.0, sysLocation.0, sysName.0
  static const std::vector<std::string> writable_oids = {"1.3.6.1.2.1.1.4.0", "1.3.6.1.2.1.1.6.0", "1.3.6.1.2.1.1.5.0"};
  std::vector<std::string> accepted;
  std::vector<std::string> writable;
  std::int32_t request_id = 0x7473;
  std::optional<SnmpResponse> first;
  const bool write_allowed = ctx.options.safety.allows(actions::snmp_write);
  for (const auto& community : communities) {
    if (ctx.remaining() <= 0ms) break;
    const auto reply = co_await udp_ask(ctx, build_snmp_get(kSnmpV2c, community, ++request_id, system_oids), 1000ms);
    SnmpResponse resp;
    if (!reply || parse_snmp_response(Bytes(*reply), resp) != Parse::done || resp.request_id != request_id) continue;
    accepted.push_back(community);
    if (!first) first = resp;
    if (!write_allowed) continue;
    // Read a writable-by-design system object and write the same value back: an innocuous SET
    // that proves write access. sysContact first: agents often pin sysLocation in their config.
    for (const auto& oid : writable_oids) {
      const std::vector<std::string> one = {oid};
      const auto cur = co_await udp_ask(ctx, build_snmp_get(kSnmpV2c, community, ++request_id, one), 1000ms);
      SnmpResponse cr;
      if (!cur || parse_snmp_response(Bytes(*cur), cr) != Parse::done || cr.varbinds.empty() || cr.error_status != 0 ||
          cr.varbinds[0].type != "OCTET STRING" || cr.varbinds[0].hex || !cr.varbinds[0].exact)
        continue;  // only a printable value can be written back byte for byte
      const auto set = co_await udp_ask(ctx, build_snmp_set(kSnmpV2c, community, ++request_id, oid, cr.varbinds[0].value), 1000ms);
      SnmpResponse sr;
      if (set && parse_snmp_response(Bytes(*set), sr) == Parse::done && sr.error_status == 0) {
        writable.push_back(community);
        break;
      }
    }
  }
  if (first)
    for (auto& o : snmp_observations(*first, ctx.endpoint)) out.push_back(std::move(o));
  if (!accepted.empty()) {
    auto o = make_observation(ctx.endpoint, keys::snmp::communities, accepted, "SNMPv2c GET of the system group answered");
    o.evidence.kind = "credential";
    out.push_back(std::move(o));
  }
  out.push_back(make_observation(ctx.endpoint, keys::snmp::write_tested, write_allowed,
                                 write_allowed ? "SET of a system object to its own value"
                                               : SafetySelection::not_selected_reason(actions::snmp_write)));
  if (write_allowed) {
    auto o = make_observation(ctx.endpoint, keys::snmp::write_communities, writable, "SET of a system object to its own value");
    o.evidence.kind = "credential";  // redacted with --redact, as the read communities are
    out.push_back(std::move(o));
  }
}

}  // namespace trustscan
