// trustscan — HTTP login trials (cred.default.http): Basic and Digest challenges, HTML forms found in
// the page, and forms described as data (profiles/credentials/forms.yaml).
#include "scanner/credentials/credentials.hpp"
#include "scanner/credentials/trial.hpp"
#include "scanner/pipeline/probe_util.hpp"
#include "probes/http/html_form.hpp"
#include "probes/http/http_auth.hpp"
#include "trustscan/text.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace trustscan {

using namespace std::chrono_literals;

namespace {

// Words a login page uses to say a login failed. Read on a form login's answer only: a page that
// says one of them rejected the pair, whatever its status and shape.
constexpr std::string_view kFailureWords[] = {"invalid",   "incorrect", "failed",    "wrong",       "denied",
                                              "not match", "try again", "unauthori", "bad password"};

// Words of a lockout page ("Too many failed attempts. Try again in 5 minutes."): read before the
// failure words, and ending the trial as a lockout rather than as one more rejection.
constexpr std::string_view kLockoutWords[] = {"too many", "locked", "try again in", "try again later", "temporarily"};

// Does the page hold one of `words` (case-insensitively)?
template <std::size_t N>
bool says_any(std::string_view body, const std::string_view (&words)[N]) {
  return std::any_of(std::begin(words), std::end(words), [&](std::string_view w) { return icontains(body, w); });
}

// A redirect back to a login page is a rejection: to the form's own page or action, or to a path
// that names a login.
bool back_to_login(std::string_view location, std::string_view page, std::string_view action) {
  if (location.empty()) return false;
  const auto path = location.substr(0, location.find_first_of("?#"));
  if (path == page || path == action || (path.size() > 1 && (iends_with(action, path) || iends_with(page, path)))) return true;
  for (const std::string_view w : {"login", "logon", "signin", "sign_in", "sign-in"})
    if (icontains(path, w)) return true;
  return false;
}

CredentialAnswer http_answer(const std::optional<HttpResponse>& r, bool form, std::string_view page = {},
                             std::string_view action = {}) {
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
  a.conclusive = !form;
  if (form && says_any(r->body, kLockoutWords)) {
    a.kind = CredentialAnswer::Kind::lockout;
    a.detail += ", the page says the login is locked or rate-limited";
    return a;
  }
  if (form) {
    // A form login succeeded when it leads away from the form: a redirect elsewhere, or a page
    // that no longer asks for a password. Not when the page says the login failed, nor when the
    // redirect goes back to a login page. A new session cookie is part of the answer's shape.
    const bool failure_words = says_any(r->body, kFailureWords);
    const bool to_login = back_to_login(loc, page, action);
    const bool cookie = r->header("set-cookie") != nullptr;
    a.success = !failure_words && !to_login &&
                ((r->status >= 300 && r->status < 400 && !loc.empty()) || (r->status >= 200 && r->status < 300 && !r->login_form));
    a.signature += std::string(failure_words ? " +failure-words" : "") + (to_login ? " +to-login" : "") + (cookie ? " +cookie" : "");
    a.detail += std::string(failure_words ? ", the page says the login failed" : "") + (to_login ? ", back to a login page" : "") +
                (cookie ? ", sets a cookie" : "");
  } else {
    a.success = r->status >= 200 && r->status < 400;
  }
  return a;
}


// A described form's answer: the markers decide success; status, Location and the markers make
// the signature compared with the known-bad answer.
CredentialAnswer described_answer(const std::optional<HttpResponse>& r, const FormDescription& d) {
  CredentialAnswer a = http_answer(r, true);
  if (a.kind != CredentialAnswer::Kind::answered) return a;
  std::string seen = r->body + "\n" + r->location.value_or("");
  for (const auto& h : r->headers)
    if (h.name == "set-cookie") seen += "\n" + h.value;
  const bool ok = !d.success.empty() && seen.find(d.success) != std::string::npos;
  const bool bad = !d.failure.empty() && seen.find(d.failure) != std::string::npos;
  a.success = d.success.empty() ? !bad && r->status < 400 : ok && !bad;
  // A success marker is the description's positive proof; without one, "no failure marker" is
  // also what a lockout page looks like, so the success is confirmed (run_credential_trials).
  a.conclusive = !d.success.empty();
  a.signature += std::string(ok ? " +success-marker" : "") + (bad ? " +failure-marker" : "");
  a.detail += std::string(ok ? ", success marker" : "") + (bad ? ", failure marker" : "") + " (" + d.where + ")";
  return a;
}

net::awaitable<void> try_described_form(ProbeContext& ctx, const FormDescription& d, std::vector<Observation>& out) {
  Authenticator attempt = [&ctx, &d](const CredentialPair& p) -> net::awaitable<CredentialAnswer> {
    if (d.encoding == "json") {
      // Every field a JSON string: the extra fields, then the user name and password (which win
      // over an extra field of the same name). Bytes that are not UTF-8 become U+FFFD.
      nlohmann::ordered_json body = nlohmann::ordered_json::object();
      for (const auto& [k, v] : d.extra) body[k] = v;
      body[d.user_field] = p.user;
      body[d.password_field] = p.password;
      const auto text = body.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
      co_return described_answer(co_await send_json(ctx, d.url, text), d);
    }
    std::string body = form_urlencode(d.user_field) + "=" + form_urlencode(p.user) + "&" + form_urlencode(d.password_field) + "=" +
                       form_urlencode(p.password);
    for (const auto& [k, v] : d.extra) body += "&" + form_urlencode(k) + "=" + form_urlencode(v);
    co_return described_answer(co_await send_form(ctx, d.method, d.url, body), d);
  };
  const std::string kind = d.encoding == "json" ? "JSON login API" : "HTML form";
  co_await run_credential_trials(ctx, kind + " (described: " + d.name + ") " + d.method + " " + d.url, attempt, out);
}

}  // namespace

net::awaitable<void> try_http_credentials(ProbeContext& probe_ctx, const HttpResponse& root, std::string_view path,
                                          std::vector<Observation>& out) {
  if (!probe_ctx.options.credentials) co_return;
  ProbeContext ctx = trial_context(probe_ctx);
  const std::string page(path);
  if (root.status == 401) {
    const auto challenge = pick_challenge(challenges_of(root));
    if (!challenge) co_return;
    const std::string surface = surface_name("HTTP", *challenge, page);
    AuthState state{*challenge, endpoint_seed(ctx)};
    Authenticator attempt = [&ctx, &state, page](const CredentialPair& p) -> net::awaitable<CredentialAnswer> {
      const auto auth = state.authorization(p, "GET", page);
      if (!auth) co_return CredentialAnswer{CredentialAnswer::Kind::error, false, {}, "cannot answer the challenge"};
      const HttpHeader headers[] = {{"Authorization", *auth}};
      const auto r = co_await http_request(ctx, "GET", page, headers);
      if (r && r->status == 401) state.update(challenges_of(*r));
      co_return http_answer(r, false);
    };
    co_await run_credential_trials(ctx, surface, attempt, out);
    co_return;
  }
  for (const auto& d : ctx.options.credentials->forms) {
    if (root.body.find(d.match) == std::string::npos) continue;
    co_await try_described_form(ctx, d, out);
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
  Authenticator attempt = [&ctx, f, method, page, target = *action](const CredentialPair& p) -> net::awaitable<CredentialAnswer> {
    std::string body;
    for (const auto& in : f.inputs) {
      if (in.name.empty() || in.type == "submit" || in.type == "button" || in.type == "reset") continue;
      std::string value = in.value;
      if (&in == f.user_field()) value = p.user;
      if (&in == f.password_field()) value = p.password;
      body += (body.empty() ? "" : "&") + form_urlencode(in.name) + "=" + form_urlencode(value);
    }
    co_return http_answer(co_await send_form(ctx, method, target, body), true, page, target);
  };
  co_await run_credential_trials(ctx, surface, attempt, out);
}

}  // namespace trustscan
