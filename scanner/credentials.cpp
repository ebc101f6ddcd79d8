// trustscan — credential trials.
#include "credentials.hpp"

#include "ftp.hpp"
#include "html_form.hpp"
#include "probe_util.hpp"
#include "telnet.hpp"

#include "trustscan/profile.hpp"

#include <yaml-cpp/yaml.h>

#include <fstream>
#include <functional>
#include <random>
#include <sstream>

namespace trustscan {

const std::map<std::string, std::string>& builtin_credential_texts();  // generated at build time

using namespace std::chrono_literals;

// ---- the list -----------------------------------------------------------------------------------

CredentialPolicy parse_credentials(const std::string& yaml_text, const std::string& origin) {
  auto fail = [&](const YAML::Node& n, const std::string& what) -> ProfileError {
    const auto m = n.Mark();
    return ProfileError(origin + (m.is_null() ? "" : ":" + std::to_string(m.line + 1)) + ": " + what);
  };
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const YAML::Exception& e) {
    throw ProfileError(origin + ":" + std::to_string(e.mark.line + 1) + ": invalid YAML: " + e.msg);
  }
  if (!root.IsMap()) throw ProfileError(origin + ":1: a credential list is a mapping with 'pairs'");
  CredentialPolicy p;
  p.origin = origin;
  for (const auto& kv : root) {
    const auto key = kv.first.as<std::string>("");
    if (key != "pairs" && key != "max_attempts" && key != "delay_ms") throw fail(kv.first, "unknown key '" + key + "'");
  }
  if (root["max_attempts"]) {
    const int n = root["max_attempts"].as<int>(-1);
    if (n < 1 || n > 100) throw fail(root["max_attempts"], "max_attempts must be 1-100");
    p.max_attempts = static_cast<std::size_t>(n);
  }
  if (root["delay_ms"]) {
    const int d = root["delay_ms"].as<int>(-1);
    if (d < 0 || d > 60000) throw fail(root["delay_ms"], "delay_ms must be 0-60000");
    p.delay = std::chrono::milliseconds(d);
  }
  const auto pairs = root["pairs"];
  if (!pairs || !pairs.IsSequence() || pairs.size() == 0) throw fail(root, "'pairs' must be a non-empty list of [user, password]");
  for (const auto& pair : pairs) {
    if (!pair.IsSequence() || pair.size() != 2 || !pair[0].IsScalar() || !pair[1].IsScalar())
      throw fail(pair, "each pair is [user, password]");
    const auto user = pair[0].Scalar(), pass = pair[1].Scalar();
    const auto bad = [](const std::string& s) { return s.find_first_of("\r\n", 0) != std::string::npos || s.size() > 128; };
    if (user.empty() || bad(user) || bad(pass)) throw fail(pair, "user names must be non-empty; no CR/LF; at most 128 bytes");
    p.pairs.push_back({user, pass});
  }
  return p;
}

const CredentialPolicy& builtin_credentials() {
  static const CredentialPolicy p = parse_credentials(builtin_credential_texts().at("defaults"), "builtin:defaults.yaml");
  return p;
}

CredentialPolicy load_credentials_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ProfileError("cannot read credentials file '" + path + "'");
  std::ostringstream text;
  text << in.rdbuf();
  return parse_credentials(text.str(), path);
}

// ---- the trial loop -------------------------------------------------------------------------

namespace {

std::string random_token(std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  static constexpr char alphabet[] = "abcdefghijkmnpqrstuvwxyz23456789";
  std::string s;
  for (int i = 0; i < 12; ++i) s += alphabet[rng() % (sizeof alphabet - 1)];
  return s;
}

// Trials get a budget of their own (the protocol probe may have used most of its budget on a
// slow device): enough for every attempt at its longest, and still a bound.
ProbeContext trial_context(const ProbeContext& ctx) {
  ProbeContext t = ctx;
  const auto attempts = static_cast<int>(ctx.options.credentials->max_attempts) + 1;
  t.deadline = SteadyClock::now() + attempts * (std::chrono::milliseconds(20s) + ctx.options.credentials->delay);
  return t;
}

net::awaitable<void> pause(std::chrono::milliseconds d) {
  net::steady_timer t(co_await net::this_coro::executor, d);
  error_code ec;
  co_await t.async_wait(net::redirect_error(net::use_awaitable, ec));
}

}  // namespace

net::awaitable<void> run_credential_trials(ProbeContext& ctx, const std::string& surface, const Authenticator& attempt,
                                           std::vector<Observation>& out) {
  const auto& policy = *ctx.options.credentials;
  const auto obs = [&](const char* key, Value v, std::string detail = {}) {
    out.push_back(make_observation(ctx.endpoint, key, std::move(v), surface + (detail.empty() ? "" : ": " + detail)));
  };
  obs("cred.surface", surface);
  // Deterministic per endpoint, so two runs send the same bytes.
  const auto seed = std::hash<std::string>{}(ctx.endpoint.address.to_string()) ^ ctx.endpoint.port;
  const CredentialPair bad{"ts-" + random_token(seed), random_token(seed + 1)};
  const CredentialAnswer baseline = co_await attempt(bad);
  if (baseline.kind != CredentialAnswer::Kind::answered) {
    obs("cred.inconclusive", std::string(baseline.kind == CredentialAnswer::Kind::lockout ? "lockout" : "errors"),
        "the known-bad attempt got no usable answer: " + baseline.detail);
    co_return;
  }
  if (baseline.success) {
    obs("cred.no_auth", true, "a random user name and password were accepted: " + baseline.detail);
    co_return;
  }
  std::size_t tried = 0;
  bool blank_tested = false, blank_accepted = false, accepted = false;
  std::string stop_reason;
  int errors = 0;
  for (const auto& pair : policy.pairs) {
    if (tried >= policy.max_attempts) break;
    if (ctx.remaining() < 1s) {
      stop_reason = "budget";
      break;
    }
    co_await pause(policy.delay);
    const CredentialAnswer a = co_await attempt(pair);
    if (a.kind == CredentialAnswer::Kind::lockout) {
      stop_reason = "lockout";
      obs("cred.inconclusive", std::string("lockout"), "throttling or lockout after " + std::to_string(tried) + " attempts: " + a.detail);
      break;
    }
    if (a.kind == CredentialAnswer::Kind::error) {
      if (++errors >= 2) {
        stop_reason = "errors";
        obs("cred.inconclusive", std::string("errors"), a.detail);
        break;
      }
      continue;
    }
    errors = 0;
    ++tried;
    if (pair.password.empty()) blank_tested = true;
    if (a.success && a.signature != baseline.signature) {
      accepted = true;
      blank_accepted = pair.password.empty();
      auto o = make_observation(ctx.endpoint, "cred.accepted", true,
                                surface + ": accepted, unlike a random pair (" + baseline.signature + " vs " + a.signature + "): " + a.detail);
      o.evidence.kind = "credential";
      o.evidence.username = pair.user;
      o.evidence.password = pair.password;
      out.push_back(std::move(o));
      break;
    }
  }
  obs("cred.attempts", static_cast<std::int64_t>(tried));
  if (!accepted) obs("cred.accepted", false, std::to_string(tried) + " pairs rejected");
  obs("cred.blank_tested", blank_tested);
  if (blank_tested) obs("cred.blank_accepted", blank_accepted);
  if (stop_reason == "budget") obs("cred.inconclusive", stop_reason, "the endpoint's time budget ran out");
}

namespace {

// ---- HTTP -------------------------------------------------------------------------------------

std::string base64(std::string_view in) {
  static constexpr char t[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const auto n = (std::uint32_t(std::uint8_t(in[i])) << 16) | (std::uint32_t(std::uint8_t(in[i + 1])) << 8) | std::uint8_t(in[i + 2]);
    out += {t[n >> 18], t[(n >> 12) & 63], t[(n >> 6) & 63], t[n & 63]};
  }
  if (i + 1 == in.size()) {
    const auto n = std::uint32_t(std::uint8_t(in[i])) << 16;
    out += {t[n >> 18], t[(n >> 12) & 63], '=', '='};
  } else if (i + 2 == in.size()) {
    const auto n = (std::uint32_t(std::uint8_t(in[i])) << 16) | (std::uint32_t(std::uint8_t(in[i + 1])) << 8);
    out += {t[n >> 18], t[(n >> 12) & 63], t[(n >> 6) & 63], '='};
  }
  return out;
}

CredentialAnswer http_answer(const std::optional<HttpResponse>& r, bool form) {
  CredentialAnswer a;
  if (!r) {
    a.detail = "no complete HTTP response";
    return a;
  }
  a.kind = CredentialAnswer::Kind::answered;
  if (r->status == 429 || (r->status == 503 && r->header("retry-after"))) {
    a.kind = CredentialAnswer::Kind::lockout;
    a.detail = "HTTP " + std::to_string(r->status);
    return a;
  }
  const std::string loc = r->location.value_or("");
  a.signature = std::to_string(r->status) + (loc.empty() ? "" : " -> " + loc) + (r->login_form ? " +form" : "");
  a.detail = "HTTP " + std::to_string(r->status) + (loc.empty() ? "" : " Location: " + loc);
  if (form) {
    // A form login succeeded when it leads away from the form: a redirect elsewhere, or a page
    // that no longer asks for a password.
    a.success = (r->status >= 300 && r->status < 400 && !loc.empty()) || (r->status >= 200 && r->status < 300 && !r->login_form);
  } else {
    a.success = r->status >= 200 && r->status < 400;
  }
  return a;
}

}  // namespace

net::awaitable<void> try_http_credentials(ProbeContext& probe_ctx, const HttpResponse& root, std::string_view path,
                                          std::vector<Observation>& out) {
  if (!probe_ctx.options.credentials) co_return;
  ProbeContext ctx = trial_context(probe_ctx);
  const std::string page(path);
  const HttpAuthChallenge* basic = nullptr;
  for (const auto& c : root.auth_challenges) {
    std::string scheme = c.scheme;
    std::transform(scheme.begin(), scheme.end(), scheme.begin(), [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
    if (scheme == "basic") basic = &c;
  }
  if (root.status == 401 && basic) {
    const std::string surface = "HTTP Basic" + (basic->realm ? " realm=\"" + *basic->realm + "\"" : std::string()) + " on " + page;
    Authenticator attempt = [&ctx, page](const CredentialPair& p) -> net::awaitable<CredentialAnswer> {
      const HttpHeader auth[] = {{"Authorization", "Basic " + base64(p.user + ":" + p.password)}};
      co_return http_answer(co_await http_request(ctx, "GET", page, auth), false);
    };
    co_await run_credential_trials(ctx, surface, attempt, out);
    co_return;
  }
  if (!root.login_form) co_return;
  const auto form = find_login_form(root.body);
  if (!form || !form->user_field()) co_return;
  const auto action = resolve_action(form->action, page, host_header(ctx));
  if (!action) co_return;  // the form posts to another host: not followed
  const std::string method = form->method == "post" ? "POST" : "GET";
  const std::string surface = "HTML form " + method + " " + *action;
  const HtmlForm f = *form;
  Authenticator attempt = [&ctx, f, method, target = *action](const CredentialPair& p) -> net::awaitable<CredentialAnswer> {
    std::string body;
    for (const auto& in : f.inputs) {
      if (in.name.empty() || in.type == "submit" || in.type == "button" || in.type == "reset") continue;
      std::string value = in.value;
      if (&in == f.user_field()) value = p.user;
      if (&in == f.password_field()) value = p.password;
      body += (body.empty() ? "" : "&") + form_urlencode(in.name) + "=" + form_urlencode(value);
    }
    if (method == "POST") {
      const HttpHeader headers[] = {{"Content-Type", "application/x-www-form-urlencoded"},
                                    {"Content-Length", std::to_string(body.size())}};
      co_return http_answer(co_await http_request(ctx, "POST", target, headers, body), true);
    }
    co_return http_answer(co_await http_request(ctx, "GET", target + (target.find('?') == std::string::npos ? "?" : "&") + body), true);
  };
  co_await run_credential_trials(ctx, surface, attempt, out);
}

// ---- Telnet -----------------------------------------------------------------------------------

namespace {

// Reads until the text that arrived since the call shows a prompt accepted by `want`, or `wait`
// passes. Only new text counts: the echo of what we typed must not be read as the old prompt
// again (after a password, the echoed CRLF leaves "Password:" as the last line for a moment).
net::awaitable<TelnetPrompt> await_prompt(TcpSession& s, TelnetParser& p, std::function<bool(TelnetPrompt)> want,
                                          std::chrono::milliseconds wait) {
  const auto until = SteadyClock::now() + wait;
  const auto seen = p.result().text_bytes;
  auto fresh_prompt = [&] {
    const auto& tail = p.result().tail;
    const auto delta = std::min<std::size_t>(p.result().text_bytes - seen, tail.size());
    const std::string_view fresh = std::string_view(tail).substr(tail.size() - delta);
    if (fresh.find_first_not_of(" \t\r\n") == std::string_view::npos) return TelnetPrompt::none;
    return classify_telnet_prompt(fresh);
  };
  std::vector<std::uint8_t> buf;
  while (SteadyClock::now() < until) {
    if (const auto k = fresh_prompt(); k != TelnetPrompt::none && want(k)) co_return k;
    buf.clear();
    const auto r = co_await s.receive_for(buf, std::chrono::duration_cast<std::chrono::milliseconds>(until - SteadyClock::now()));
    if (r.status != Status::success) break;
    if (p.feed(Bytes(buf)) == Parse::invalid) break;
    if (auto replies = p.take_replies(); !replies.empty()) (void)co_await s.send(replies);
  }
  co_return fresh_prompt();
}

net::awaitable<CredentialAnswer> telnet_attempt(ProbeContext& ctx, const CredentialPair& pair) {
  CredentialAnswer a;
  Status st = Status::success;
  auto s = co_await TcpSession::connect(ctx.endpoint, std::min(ctx.options.connect_timeout, ctx.remaining()), ctx.remaining(),
                                        ctx.options.max_reply, st);
  if (!s) {
    a.kind = st == Status::connection_refused ? CredentialAnswer::Kind::lockout : CredentialAnswer::Kind::error;
    a.detail = "connect: " + std::string(to_string(st));
    co_return a;
  }
  TelnetParser p;
  auto any = [](TelnetPrompt t) { return t != TelnetPrompt::none; };
  auto prompt = co_await await_prompt(*s, p, any, 5000ms);
  if (prompt == TelnetPrompt::shell) {  // a shell before any login: no authentication at all
    a.kind = CredentialAnswer::Kind::answered;
    a.success = true;
    a.signature = "shell before login";
    a.detail = "shell prompt without a login";
    co_return a;
  }
  if (prompt == TelnetPrompt::login) {
    const std::string line = pair.user + "\r\n";
    (void)co_await s->send(as_bytes(line));
    prompt = co_await await_prompt(*s, p, any, 5000ms);
  }
  if (prompt != TelnetPrompt::password) {
    a.detail = "no password prompt (" + std::string(to_string(prompt)) + ")";
    co_return a;
  }
  const std::string line = pair.password + "\r\n";
  (void)co_await s->send(as_bytes(line));
  prompt = co_await await_prompt(*s, p, any, 6000ms);
  a.kind = CredentialAnswer::Kind::answered;
  a.success = prompt == TelnetPrompt::shell;
  a.signature = std::string(to_string(prompt));
  const auto& tail = p.result().tail;
  a.detail = "after the password: " + std::string(to_string(prompt)) + " prompt, \"" +
             printable_excerpt(as_bytes(std::string_view(tail).substr(tail.size() > 60 ? tail.size() - 60 : 0)), 60) + "\"";
  co_return a;
}

}  // namespace

net::awaitable<void> try_telnet_credentials(ProbeContext& probe_ctx, std::vector<Observation>& out) {
  if (!probe_ctx.options.credentials) co_return;
  ProbeContext ctx = trial_context(probe_ctx);
  Authenticator attempt = [&ctx](const CredentialPair& p) -> net::awaitable<CredentialAnswer> { co_return co_await telnet_attempt(ctx, p); };
  co_await run_credential_trials(ctx, "Telnet login", attempt, out);
}

// ---- FTP --------------------------------------------------------------------------------------

net::awaitable<void> try_ftp_credentials(ProbeContext& probe_ctx, std::vector<Observation>& out) {
  if (!probe_ctx.options.credentials) co_return;
  ProbeContext ctx = trial_context(probe_ctx);
  Authenticator attempt = [&ctx](const CredentialPair& pair) -> net::awaitable<CredentialAnswer> {
    CredentialAnswer a;
    Status st = Status::success;
    auto s = co_await TcpSession::connect(ctx.endpoint, std::min(ctx.options.connect_timeout, ctx.remaining()), ctx.remaining(),
                                          ctx.options.max_reply, st);
    if (!s) {
      a.kind = st == Status::connection_refused ? CredentialAnswer::Kind::lockout : CredentialAnswer::Kind::error;
      a.detail = "connect: " + std::string(to_string(st));
      co_return a;
    }
    std::vector<std::uint8_t> buf;
    std::size_t consumed = 0;
    auto reply = [&]() -> net::awaitable<std::optional<FtpReply>> {
      buf.erase(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(std::min(consumed, buf.size())));
      consumed = 0;
      FtpReply r;
      auto [state, rst] = co_await receive_until(*s, buf, [&](Bytes b) { return parse_ftp_reply(b, r, consumed); });
      if (state != Parse::done) co_return std::nullopt;
      co_return r;
    };
    const auto greeting = co_await reply();
    if (!greeting || greeting->code != 220) {
      a.kind = greeting && greeting->code == 421 ? CredentialAnswer::Kind::lockout : CredentialAnswer::Kind::error;
      a.detail = "greeting " + (greeting ? std::to_string(greeting->code) : std::string("missing"));
      co_return a;
    }
    (void)co_await s->send(build_ftp_command("USER", pair.user));
    auto user = co_await reply();
    if (!user) co_return a;
    int code = user->code;
    if (code == 331) {
      (void)co_await s->send(build_ftp_command("PASS", pair.password));
      const auto pass = co_await reply();
      if (!pass) co_return a;
      code = pass->code;
    }
    a.kind = code == 421 ? CredentialAnswer::Kind::lockout : CredentialAnswer::Kind::answered;
    a.success = code == 230;
    a.signature = std::to_string(code);
    a.detail = "USER/PASS -> " + std::to_string(code);
    co_return a;
  };
  co_await run_credential_trials(ctx, "FTP USER/PASS", attempt, out);
}

}  // namespace trustscan
