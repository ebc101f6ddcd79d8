// trustscan — MQTT login trials (cred.default.mqtt): CONNECT with a user name and password.
#include "scanner/credentials/credentials.hpp"
#include "scanner/credentials/trial.hpp"
#include "scanner/pipeline/probe_util.hpp"
#include "probes/mqtt/mqtt.hpp"

namespace trustscan {

using namespace std::chrono_literals;

// ---- MQTT -------------------------------------------------------------------------------------

namespace {

net::awaitable<CredentialAnswer> mqtt_attempt(ProbeContext& ctx, const CredentialPair& p) {
  CredentialAnswer a;
  auto s = co_await trial_connect(ctx, a);
  if (!s) co_return a;
  const auto request = build_mqtt_connect("trustscan", p.user, p.password);
  const auto reply = co_await request_reply<MqttConnack>(*s, request, a, [](Bytes b, MqttConnack& r, std::size_t& n) {
    return parse_mqtt_connack(b, r, n);
  });
  if (!reply) co_return a;
  const MqttConnack& connack = *reply;
  // 3.1.1: 0 accepted, 4 bad user name or password, 5 not authorized; 3 server unavailable is
  // the broker's way to shed load.
  a.kind = connack.code == 3 ? CredentialAnswer::Kind::lockout : CredentialAnswer::Kind::answered;
  a.success = connack.code == 0;
  a.conclusive = true;
  a.signature = "CONNACK " + std::to_string(connack.code);
  a.detail = "CONNECT with user name and password -> CONNACK return code " + std::to_string(connack.code);
  if (a.success) (void)co_await s->send(build_mqtt_disconnect());
  co_return a;
}

}  // namespace

net::awaitable<void> try_mqtt_credentials(ProbeContext& probe_ctx, std::vector<Observation>& out) {
  if (!probe_ctx.options.credentials) co_return;
  ProbeContext ctx = trial_context(probe_ctx);
  Authenticator attempt = [&ctx](const CredentialPair& p) -> net::awaitable<CredentialAnswer> { co_return co_await mqtt_attempt(ctx, p); };
  co_await run_credential_trials(ctx, "MQTT CONNECT", attempt, out);
}

}  // namespace trustscan
