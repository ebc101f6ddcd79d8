// trustscan — DNS and mDNS probes: version.bind and the recursion flag, service discovery.
//
// Registered in scanner/pipeline/probe_registry.cpp; observations it records: docs/observations.md.
#include "scanner/pipeline/protocol_probes.hpp"
#include "scanner/pipeline/probe_util.hpp"
#include "probes/dns/dns.hpp"

namespace trustscan {

using namespace std::chrono_literals;

// DNS: version.bind CH TXT (the identification hello already asked it). Recursion is read from
// the RA flag only: trustscan never sends a query that would make the device resolve outward.
net::awaitable<void> probe_dns(ProbeContext& ctx, std::vector<Observation>& out) {
  DnsMessage m;
  std::size_t used = 0;
  const Parse ps = ctx.endpoint.transport == Transport::tcp ? parse_dns_tcp_message(Bytes(ctx.first_reply), m, used)
                                                            : parse_dns_message(Bytes(ctx.first_reply), m);
  if (ps != Parse::done) {
    record_status(ctx, out, "dns", Status::protocol_error, "the reply to version.bind is not a DNS message");
    co_return;
  }
  for (auto& o : dns_observations(m, ctx.endpoint)) out.push_back(std::move(o));
}

net::awaitable<void> probe_mdns(ProbeContext& ctx, std::vector<Observation>& out) {
  DnsMessage m;
  if (parse_dns_message(Bytes(ctx.first_reply), m) != Parse::done) {
    record_status(ctx, out, "mdns", Status::protocol_error, "the reply to the service-discovery query is not a DNS message");
    co_return;
  }
  for (auto& o : mdns_observations(m, ctx.endpoint)) out.push_back(std::move(o));
}

}  // namespace trustscan
