// trustscan — internal: the protocol probes' entry points, one per service name, and their
// follow-on stages, each in its protocol's room (probes/<protocol>/<protocol>_probe.cpp), listed
// by protocol_probes() (scanner/pipeline/probe_registry.cpp).
#pragma once

#include "probes/http/http.hpp"
#include "scanner/pipeline/probe_runner.hpp"

#include <vector>

namespace trustscan {

net::awaitable<void> probe_coap(ProbeContext& ctx, std::vector<Observation>& out);
net::awaitable<void> probe_dtls(ProbeContext& ctx, std::vector<Observation>& out);
net::awaitable<void> probe_dns(ProbeContext& ctx, std::vector<Observation>& out);
net::awaitable<void> probe_mdns(ProbeContext& ctx, std::vector<Observation>& out);
net::awaitable<void> probe_ftp(ProbeContext& ctx, std::vector<Observation>& out);
net::awaitable<void> probe_http(ProbeContext& ctx, std::vector<Observation>& out);
net::awaitable<void> probe_mqtt(ProbeContext& ctx, std::vector<Observation>& out);
net::awaitable<void> probe_ntp(ProbeContext& ctx, std::vector<Observation>& out);
net::awaitable<void> probe_rtsp(ProbeContext& ctx, std::vector<Observation>& out);
net::awaitable<void> probe_snmp(ProbeContext& ctx, std::vector<Observation>& out);
net::awaitable<void> probe_ssdp(ProbeContext& ctx, std::vector<Observation>& out);
net::awaitable<void> probe_ssh(ProbeContext& ctx, std::vector<Observation>& out);
net::awaitable<void> probe_telnet(ProbeContext& ctx, std::vector<Observation>& out);
net::awaitable<void> probe_tls(ProbeContext& ctx, std::vector<Observation>& out);

// Follow-on stages that need more than the context (ProbeEntry::stages), each in its protocol's room.
net::awaitable<void> http_credentials(ProbeContext& ctx, const ProbeHandoff& handoff, std::vector<Observation>& out);
net::awaitable<void> rtsp_credentials(ProbeContext& ctx, const ProbeHandoff& handoff, std::vector<Observation>& out);
net::awaitable<void> tls_analysis(ProbeContext& ctx, const ProbeHandoff& handoff, std::vector<Observation>& out);
net::awaitable<void> tls_inner_service(ProbeContext& ctx, const ProbeHandoff& handoff, std::vector<Observation>& out);

/// The HTTP probe after its first response (plain or inside TLS): login surfaces, exposed paths.
net::awaitable<void> http_probe_body(ProbeContext& ctx, const HttpResponse& response, std::vector<Observation>& out);

}  // namespace trustscan
