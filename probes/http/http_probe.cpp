// trustscan — HTTP probe: the root page, login surfaces, exposed logs and backups.
//
// Registered in scanner/pipeline/probe_registry.cpp; observations it records: docs/observations.md.
#include "scanner/pipeline/protocol_probes.hpp"
#include "scanner/pipeline/probe_util.hpp"
#include "probes/http/http.hpp"
#include "scanner/credentials/credentials.hpp"
#include "scanner/pipeline/probe_handoff.hpp"
#include "scanner/config/service_table.hpp"
#include "probes/http/http_keys.hpp"

#include <yaml-cpp/yaml.h>

#include <random>

namespace trustscan {

using namespace std::chrono_literals;

// ---- HTTP: the root page, then paths where devices leak logs and configuration backups --------

namespace {

// Paths that expose logs or configuration backups on real devices (profiles/data/http-paths.yaml).
struct ExposurePaths {
  std::vector<std::string> log;
  std::vector<std::string> backup;
};

const ExposurePaths& exposure_paths() {
  static const ExposurePaths paths = [] {
    ExposurePaths p;
    const YAML::Node root = YAML::Load(builtin_data_texts().at("http-paths"));
    for (const auto& n : root["log"]) p.log.push_back(n.as<std::string>());
    for (const auto& n : root["backup"]) p.backup.push_back(n.as<std::string>());
    return p;
  }();
  return paths;
}

// A page counts as exposed content only when it is a real answer: 200, a body, not the device's
// answer to a path that cannot exist (a "soft 404"), and not a login form.
bool real_content(const HttpResponse& r, const std::optional<HttpResponse>& missing) {
  if (r.status != 200 || r.body.empty() || r.login_form) return false;
  if (missing && missing->status == 200 && (missing->body == r.body || missing->title == r.title)) return false;
  return true;
}

}  // namespace

net::awaitable<void> http_probe_body(ProbeContext& ctx, const HttpResponse& response, std::vector<Observation>& out) {
  const std::optional<HttpResponse> root = response;
  for (auto& o : http_observations(*root, ctx.endpoint)) out.push_back(std::move(o));
  if (root->status >= 300 && root->status < 400) co_return;  // a redirect: the target is judged there
  if (ctx.handoff) {  // the login surface of the root page: the credentials stage
    ctx.handoff->http_page = *root;
    ctx.handoff->http_path = "/";
    ctx.handoff->login_surface = true;
  }

  // The device's answer to a path that cannot exist, to tell real content from a catch-all page.
  std::mt19937_64 rng(std::hash<std::string>{}(ctx.endpoint.address.to_string()) ^ ctx.endpoint.port);
  const auto missing = co_await http_request(ctx, "GET", "/trustscan-" + std::to_string(rng() % 1000000000) + ".txt");
  for (const auto& [key, list] : {std::pair{keys::http::exposed_logs, &exposure_paths().log},
                                  std::pair{keys::http::exposed_backups, &exposure_paths().backup}}) {
    std::vector<std::string> found;
    std::string excerpt;
    for (const auto& path : *list) {
      if (SteadyClock::now() >= ctx.deadline) break;
      const auto r = co_await http_request(ctx, "GET", path);
      if (!r || !real_content(*r, missing)) continue;
      if (excerpt.empty()) excerpt = path + ": " + printable_excerpt(as_bytes(r->body), 256);
      found.push_back(path);
    }
    if (!found.empty())
      out.push_back(make_observation(ctx.endpoint, key, found, "served without authentication (200, not a soft 404)", excerpt));
  }
}

net::awaitable<void> http_credentials(ProbeContext& ctx, const ProbeHandoff& handoff, std::vector<Observation>& out) {
  if (handoff.http_page) co_await try_http_credentials(ctx, *handoff.http_page, handoff.http_path, out);
}

net::awaitable<void> probe_http(ProbeContext& ctx, std::vector<Observation>& out) {
  const auto root = co_await http_request(ctx, "GET", "/");
  if (!root) {
    record_status(ctx, out, "http", Status::protocol_error, "no complete HTTP response to GET /");
    co_return;
  }
  co_await http_probe_body(ctx, *root, out);
}

}  // namespace trustscan
