// trustscan — SSDP probe: the M-SEARCH reply, then the UPnP description on this device only.
//
// Registered in scanner/pipeline/probe_registry.cpp; observations it records: docs/observations.md.
#include "scanner/pipeline/protocol_probes.hpp"
#include "scanner/pipeline/probe_util.hpp"
#include "probes/ssdp/ssdp.hpp"

#include <charconv>

namespace trustscan {

using namespace std::chrono_literals;

// SSDP/UPnP: the M-SEARCH reply, then the device description at LOCATION — fetched only when
// LOCATION names this very device (never another host, whatever the reply says).
net::awaitable<void> probe_ssdp(ProbeContext& ctx, std::vector<Observation>& out) {
  SsdpResponse r;
  if (parse_ssdp_response(Bytes(ctx.first_reply), r) != Parse::done) co_return;
  for (auto& o : ssdp_observations(r, ctx.endpoint)) out.push_back(std::move(o));
  std::string_view loc = r.location;
  if (!loc.starts_with("http://")) co_return;
  loc.remove_prefix(7);
  const auto slash = loc.find('/');
  const auto authority = loc.substr(0, slash);
  const std::string path = slash == std::string_view::npos ? "/" : std::string(loc.substr(slash));
  const auto colon = authority.rfind(':');
  const auto host = authority.substr(0, colon);
  std::uint16_t port = 80;
  if (colon != std::string_view::npos) {
    const auto digits = authority.substr(colon + 1);
    unsigned v = 0;
    if (std::from_chars(digits.data(), digits.data() + digits.size(), v).ec != std::errc{} || v == 0 || v > 65535) co_return;
    port = static_cast<std::uint16_t>(v);
  }
  if (host != ctx.endpoint.address.to_string()) {
    record_status(ctx, out, "ssdp", Status::not_detected, "LOCATION names another host; not fetched");
    co_return;
  }
  ProbeContext http_ctx{ctx.device, Endpoint{ctx.endpoint.address, Transport::tcp, port}, ctx.id, {}, ctx.options, ctx.deadline};
  const auto desc = co_await http_request(http_ctx, "GET", path);
  if (!desc || desc->status != 200) co_return;
  UpnpDescription d;
  const auto ds = parse_upnp_description(as_bytes(desc->body), d);
  // A description cut at the body cap still holds the root device's fields found so far.
  if (ds == Parse::done || (ds == Parse::need_more && desc->body_truncated))
    for (auto& o : upnp_observations(d, ctx.endpoint)) {
      o.evidence.detail = "device description " + r.location;
      out.push_back(std::move(o));
    }
}

}  // namespace trustscan
