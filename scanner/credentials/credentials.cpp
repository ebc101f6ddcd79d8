// trustscan — credential trials: the trial loop (lockout-safe, early verdicts) and what
// the protocols' login trials share. Each protocol's own trial lives in its room:
// probes/<protocol>/<protocol>_login.cpp.
#include "scanner/credentials/credentials.hpp"
#include "scanner/credentials/trial.hpp"

#include "probes/http/http_auth.hpp"
#include "probes/rtsp/rtsp.hpp"
#include "scanner/pipeline/probe_util.hpp"

#include "trustscan/profile.hpp"
#include "trustscan/text.hpp"
#include "scanner/credentials/credential_keys.hpp"
#include "probes/ftp/ftp_keys.hpp"
#include "probes/http/http_keys.hpp"
#include "probes/identify/service_keys.hpp"
#include "probes/rtsp/rtsp_keys.hpp"
#include "probes/ssh/ssh_keys.hpp"
#include "probes/telnet/telnet_keys.hpp"

#include <openssl/evp.h>

#include <functional>
#include <random>

namespace trustscan {

using namespace std::chrono_literals;

// ---- the trial loop -------------------------------------------------------------------------


std::string random_token(std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  static constexpr char alphabet[] = "abcdefghijkmnpqrstuvwxyz23456789";
  std::string s;
  for (int i = 0; i < 12; ++i) s += alphabet[rng() % (sizeof alphabet - 1)];
  return s;
}

// Trials get a budget of their own (the protocol probe may have used most of its budget on a
// slow device): enough for every attempt at its longest, and still a bound.
// The protocol whose pairs a surface gets (credential_list.hpp): HTTP inside TLS is HTTP.
std::string_view trial_protocol(const ProbeContext& ctx) {
  const std::string_view s = ctx.id.service;
  return s == "tls" || s == "https" ? std::string_view("http") : s;
}

ProbeContext trial_context(const ProbeContext& ctx) {
  ProbeContext t = ctx;
  const auto& policy = *ctx.options.credentials;
  const auto attempts =
      static_cast<int>(pairs_for(policy, trial_protocol(ctx)).size() + vendor_pair_bound(policy, trial_protocol(ctx))) + 1;
  t.deadline = SteadyClock::now() + attempts * (std::chrono::milliseconds(20s) + ctx.options.credentials->delay);
  return t;
}

std::uint64_t endpoint_seed(const ProbeContext& ctx) {
  return std::hash<std::string>{}(ctx.endpoint.address.to_string()) ^ ctx.endpoint.port;
}

// A connection for one attempt; a refused connection (after the port answered before) reads as
// lockout, any other failure as an error, both written into `a`.
net::awaitable<std::unique_ptr<Session>> trial_connect(ProbeContext& ctx, CredentialAnswer& a) {
  Status st = Status::success;
  auto s = co_await ctx.dialer().dial(ctx.endpoint, ctx.tls, ctx.device.target.name,
                                      std::min(ctx.options.connect_timeout, ctx.remaining()), ctx.remaining(),
                                      ctx.options.max_reply, st, ctx.abort);
  if (!s) {
    a.kind = st == Status::connection_refused ? CredentialAnswer::Kind::lockout : CredentialAnswer::Kind::error;
    a.detail = "connect: " + std::string(to_string(st));
  }
  co_return s;
}

// A form submission: POST with an urlencoded body, or GET with the body as the query.
net::awaitable<std::optional<HttpResponse>> send_form(ProbeContext& ctx, const std::string& method, const std::string& target,
                                                      const std::string& body) {
  if (method == "POST") {
    const HttpHeader headers[] = {{"Content-Type", "application/x-www-form-urlencoded"}, {"Content-Length", std::to_string(body.size())}};
    co_return co_await http_request(ctx, "POST", target, headers, body);
  }
  co_return co_await http_request(ctx, "GET", target + (target.find('?') == std::string::npos ? "?" : "&") + body);
}

net::awaitable<std::optional<HttpResponse>> send_json(ProbeContext& ctx, const std::string& target, const std::string& body) {
  const HttpHeader headers[] = {{"Content-Type", "application/json"}, {"Accept", "application/json"},
                                {"Content-Length", std::to_string(body.size())}};
  co_return co_await http_request(ctx, "POST", target, headers, body);
}

net::awaitable<void> pause(std::chrono::milliseconds d) {
  net::steady_timer t(co_await net::this_coro::executor, d);
  error_code ec;
  co_await t.async_wait(net::redirect_error(net::use_awaitable, ec));
}


namespace {

net::awaitable<void> attempt_into(const Authenticator& attempt, CredentialPair pair, CredentialAnswer& out) {
  out = co_await attempt(pair);
}

// Connections of one wave start at least this far apart: busybox telnetd (the lab router's, as on
// many devices) answered a correct login only after ~1 s when four sessions connected in the same
// millisecond, and at once when they came 5 or 10 ms apart (measured with a python3 client, 4 threads).
constexpr auto kWaveSpacing = 10ms;

// Every pair of `pairs` tried, at most `width` in flight (a new one starts when one ends, at
// least kWaveSpacing after the one before), until settle_wave knows the verdict; attempts still
// waiting then are cut short (AbortGroup). The answers to judge, in the same order.
net::awaitable<std::vector<CredentialAnswer>> run_wave(ProbeContext& ctx, const Authenticator& attempt,
                                                       const std::vector<CredentialPair>& pairs, std::size_t width) {
  auto ex = co_await net::this_coro::executor;
  AbortGroup* const outer = ctx.abort;  // the run's interruption group, if any
  AbortGroup group(outer);
  ctx.abort = &group;
  std::vector<WaveSlot> slots(pairs.size());
  std::size_t next = 0, running = 0;
  net::steady_timer wake(ex, SteadyClock::time_point::max());
  std::optional<std::vector<CredentialAnswer>> verdict;
  error_code ec;
  for (;;) {
    auto at = SteadyClock::time_point::max();
    const auto now = SteadyClock::now();
    if (next < slots.size() && running < width && next > 0 && now < slots[next - 1].start + kWaveSpacing) {
      at = slots[next - 1].start + kWaveSpacing;
    } else if (next < slots.size() && running < width) {
      const std::size_t i = next++;
      auto& slot = slots[i];
      ++running;
      slot.started = true;
      slot.start = now;
      net::co_spawn(ex, attempt_into(attempt, pairs[i], slot.answer), [&slot, &running, &wake](std::exception_ptr e) {
        if (e) slot.answer = CredentialAnswer{CredentialAnswer::Kind::error, false, {}, "internal error in the attempt"};
        slot.done = true;
        slot.end = SteadyClock::now();
        --running;
        wake.cancel();
      });
      continue;
    }
    verdict = settle_wave(slots, SteadyClock::now(), at);
    if (verdict) break;
    wake.expires_at(at);
    co_await wake.async_wait(net::redirect_error(net::use_awaitable, ec));
  }
  group.abort();
  while (running > 0) {
    wake.expires_at(SteadyClock::time_point::max());
    co_await wake.async_wait(net::redirect_error(net::use_awaitable, ec));
  }
  ctx.abort = outer;
  co_return std::move(*verdict);
}

// cred.bruteforce.throttle (opt-in): `throttle_attempts` wrong passwords for the list's first
// user, back to back. Throttling shows as a lockout answer, an answer that differs from the
// known-bad one (a "locked" page), or answers that slow down (the last five take at least twice
// as long as the first five, and 300 ms more). Constant answers at constant speed: none.
template <class Obs>
net::awaitable<void> throttle_test(ProbeContext& ctx, const CredentialPolicy& policy, const CredentialAnswer& baseline,
                                   const Authenticator& attempt, const Obs& obs) {
  ctx.deadline = SteadyClock::now() + static_cast<int>(policy.throttle_attempts) * std::chrono::milliseconds(20s);
  const std::string user = policy.pairs.front().user;
  std::vector<std::chrono::steady_clock::duration> times;
  std::string verdict = "none", why;
  int errors = 0;
  for (std::size_t i = 0; i < policy.throttle_attempts && verdict == "none"; ++i) {
    const auto t0 = SteadyClock::now();
    // Named, not a temporary inside the co_await (g++ 12 destroys such temporaries twice).
    const CredentialPair wrong{user, "ts-wrong-" + random_token(endpoint_seed(ctx) + 1000 + i)};
    const CredentialAnswer a = co_await attempt(wrong);
    const auto took = SteadyClock::now() - t0;
    if (a.kind == CredentialAnswer::Kind::lockout) {
      verdict = "lockout";
      why = "attempt " + std::to_string(i + 1) + ": " + a.detail;
    } else if (a.kind == CredentialAnswer::Kind::error) {
      if (++errors >= 3) {
        verdict = "errors";
        why = a.detail;
      }
    } else if ((a.success && !baseline.success) || a.signature != baseline.signature) {  // baseline.success: "unproven"
      verdict = "lockout";
      why = "attempt " + std::to_string(i + 1) + " answered differently: " + a.signature + " (first: " + baseline.signature + ")";
    } else {
      times.push_back(took);
    }
  }
  const auto ms = [](std::chrono::steady_clock::duration d) { return std::chrono::duration_cast<std::chrono::milliseconds>(d).count(); };
  if (verdict == "none" && times.size() >= 10) {
    std::chrono::steady_clock::duration first{}, last{};
    for (std::size_t i = 0; i < 5; ++i) first += times[i], last += times[times.size() - 1 - i];
    if (last >= 2 * first && last - first >= std::chrono::milliseconds(300) * 5) {
      verdict = "delay";
      why = "answers slowed from " + std::to_string(ms(first) / 5) + " ms to " + std::to_string(ms(last) / 5) + " ms";
    } else {
      why = std::to_string(times.size()) + " wrong passwords answered alike, " + std::to_string(ms(first) / 5) + " ms then " +
            std::to_string(ms(last) / 5) + " ms each";
    }
  } else if (verdict == "none") {
    verdict = "errors";
    why = "too few answers to judge";
  }
  obs(keys::cred::throttle, verdict, why);
  obs(keys::cred::throttle_attempts, static_cast<std::int64_t>(policy.throttle_attempts));
}

}  // namespace

std::optional<std::vector<CredentialAnswer>> settle_wave(const std::vector<WaveSlot>& slots, SteadyClock::time_point now,
                                                         SteadyClock::time_point& wake) {
  using std::chrono::milliseconds;
  const auto ms = [](SteadyClock::duration d) { return std::to_string(std::chrono::duration_cast<milliseconds>(d).count()); };
  std::vector<CredentialAnswer> answers(slots.size());
  bool all_done = true;
  for (std::size_t k = 0; k < slots.size(); ++k) {
    all_done = all_done && slots[k].done;
    answers[k] = slots[k].done ? slots[k].answer
                               : CredentialAnswer{CredentialAnswer::Kind::error, false, {}, "not needed: the verdict was known"};
  }
  if (all_done) return answers;
  // The first pair (slot 0 is the known-bad one) whose answer is a conclusive success.
  std::size_t i = 1;
  while (i < slots.size() && !(slots[i].done && slots[i].answer.kind == CredentialAnswer::Kind::answered &&
                               slots[i].answer.success && slots[i].answer.conclusive))
    ++i;
  if (i == slots.size()) return std::nullopt;
  const auto latency = slots[i].end - slots[i].start;
  const SteadyClock::duration patience = std::max<SteadyClock::duration>(3 * latency, latency + milliseconds(250));
  bool settled = true;
  for (std::size_t k = 0; k < i; ++k) {
    if (slots[k].done) continue;
    if (!slots[k].started) return std::nullopt;
    if (now - slots[k].start >= patience) {
      answers[k] = CredentialAnswer{CredentialAnswer::Kind::answered, false, "no answer after " + ms(now - slots[k].start) + " ms",
                                    "no answer after " + ms(now - slots[k].start) + " ms, while a later pair was accepted in " +
                                        ms(latency) + " ms: the device delays wrong logins",
                                    false};
    } else {
      settled = false;
      wake = std::min(wake, slots[k].start + patience);
    }
  }
  if (!settled) return std::nullopt;
  return answers;
}

net::awaitable<void> run_credential_trials(ProbeContext& ctx, const std::string& surface, const Authenticator& attempt,
                                           std::vector<Observation>& out) {
  const auto& policy = *ctx.options.credentials;
  const auto obs = [&](const ObservationKey& key, Value v, std::string detail = {}) {
    out.push_back(make_observation(ctx.endpoint, key, std::move(v), surface + (detail.empty() ? "" : ": " + detail)));
  };
  obs(keys::cred::surface, surface);
  // What identified this endpoint picks the vendor pairs: only this endpoint's own facts (its
  // identification and its probe's reading, already in `out`), never another endpoint's, which
  // may or may not be probed yet: the same device gets the same pairs in every run.
  std::vector<IdentifyingText> facts{{"surface", surface}};
  static constexpr std::string_view kIdentifying[] = {
      keys::service::product.name, keys::service::banner.name, keys::http::title.name,  keys::http::server.name,
      keys::http::powered_by.name, keys::telnet::banner.name,   keys::ftp::banner.name,  keys::ftp::product.name,
      keys::ssh::software.name,    keys::ssh::comments.name,    keys::rtsp::server.name};
  for (const auto& o : out)
    if (o.endpoint && *o.endpoint == ctx.endpoint && std::holds_alternative<std::string>(o.value) &&
        std::find(std::begin(kIdentifying), std::end(kIdentifying), o.key) != std::end(kIdentifying))
      facts.push_back({o.key, std::get<std::string>(o.value)});
  const PairPlan plan = plan_pairs(policy, trial_protocol(ctx), facts);
  const std::vector<CredentialPair>& pairs = plan.pairs;
  const std::string& list_name = plan.description;
  // Deterministic per endpoint, so two runs send the same bytes.
  const auto seed = endpoint_seed(ctx);
  const CredentialPair bad{"ts-" + random_token(seed), random_token(seed + 1)};
  // parallel > 1 (opt-in): the known-bad pair first, then the first max_attempts pairs, `parallel`
  // in flight, judged in list order by the same rules once settle_wave knows the verdict.
  std::vector<CredentialAnswer> early;
  if (policy.parallel > 1) {
    std::vector<CredentialPair> wave{bad};
    wave.insert(wave.end(), pairs.begin(), pairs.end());
    early = co_await run_wave(ctx, attempt, wave, policy.parallel);
  }
  CredentialAnswer baseline;
  if (early.empty()) baseline = co_await attempt(bad);
  else baseline = early.front();
  if (baseline.kind != CredentialAnswer::Kind::answered) {
    obs(keys::cred::inconclusive, std::string(baseline.kind == CredentialAnswer::Kind::lockout ? "lockout" : "errors"),
        "the known-bad attempt got no usable answer: " + baseline.detail);
    co_return;
  }
  if (baseline.success && baseline.conclusive) {
    obs(keys::cred::known_bad, std::string("accepted"), baseline.detail);
    obs(keys::cred::no_auth, true, "a random user name and password were accepted: " + baseline.detail);
    co_return;
  }
  // A page's reading (a form that went away, no failure words) is not access: the random pair
  // reached no content shown to be protected. That answer is the known-bad one the pairs are
  // compared with; cred.unauth.mgmt is not judged on it.
  obs(keys::cred::known_bad, std::string(baseline.success ? "unproven" : "rejected"),
      baseline.success ? "the random pair's answer reads as a success (" + baseline.signature +
                             ") but shows no protected content; pairs count only when answered differently"
                       : baseline.signature);
  std::size_t tried = 0;
  bool blank_tested = false, blank_accepted = false, accepted = false;
  std::string stop_reason;
  int errors = 0;
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    const auto& pair = pairs[i];
    if (ctx.remaining() < 1s) {
      stop_reason = "budget";
      break;
    }
    CredentialAnswer a;
    if (i + 1 < early.size()) {
      a = early[i + 1];
    } else {
      co_await pause(policy.delay);
      a = co_await attempt(pair);
    }
    if (a.kind == CredentialAnswer::Kind::lockout) {
      stop_reason = "lockout";
      obs(keys::cred::inconclusive, std::string("lockout"),
          "throttling or lockout after " + std::to_string(tried) + " attempts: " + a.detail);
      break;
    }
    if (a.kind == CredentialAnswer::Kind::error) {
      if (++errors >= 2) {
        stop_reason = "errors";
        obs(keys::cred::inconclusive, std::string("errors"), a.detail);
        break;
      }
      continue;
    }
    errors = 0;
    ++tried;
    if (pair.password.empty()) blank_tested = true;
    if (a.success && a.signature != baseline.signature && !a.conclusive) {
      // A page's reading (a form) can be fooled by a page that changed for another reason: the
      // "too many attempts, try later" page has no login form either. The random pair once more:
      // it must still be rejected, or the device changed its answer, not accepted a login.
      if (early.empty()) co_await pause(policy.delay);
      const CredentialAnswer again = co_await attempt(bad);
      if (again.kind != CredentialAnswer::Kind::answered || again.success) {
        stop_reason = "lockout";
        obs(keys::cred::inconclusive, std::string("lockout"),
            "after " + pair.user + "/" + (pair.password.empty() ? "(blank)" : "***") + " read as accepted (" + a.signature +
                "), the random pair got " + (again.signature.empty() ? again.detail : again.signature) +
                " too: the device changed its answer (a lockout page?), no login is claimed");
        break;
      }
    }
    if (a.success && a.signature != baseline.signature) {
      accepted = true;
      blank_accepted = pair.password.empty();
      auto o = make_observation(ctx.endpoint, keys::cred::accepted, true,
                                surface + ": accepted, unlike a random pair (" + baseline.signature + " vs " + a.signature + "): " + a.detail);
      o.evidence.kind = "credential";
      o.evidence.username = pair.user;
      o.evidence.password = pair.password;
      out.push_back(std::move(o));
      break;
    }
  }
  obs(keys::cred::attempts, static_cast<std::int64_t>(tried));
  if (!accepted)
    obs(keys::cred::accepted, false, std::to_string(tried) + " of " + std::to_string(pairs.size()) + " pairs rejected (" + list_name + ")");
  obs(keys::cred::blank_tested, blank_tested);
  if (blank_tested) obs(keys::cred::blank_accepted, blank_accepted);
  if (stop_reason == "budget") obs(keys::cred::inconclusive, stop_reason, "the endpoint's time budget ran out");
  obs(keys::cred::throttle_tested, policy.throttle_test, policy.throttle_test ? "" : "opt-in (--creds-throttle) not given");
  if (!policy.throttle_test) co_return;
  if (stop_reason == "lockout") {
    obs(keys::cred::throttle, std::string("lockout"), "the credential trial already met throttling or lockout");
    obs(keys::cred::throttle_attempts, std::int64_t{0});
    co_return;
  }
  co_await throttle_test(ctx, policy, baseline, attempt, obs);
}

// ---- HTTP and RTSP authentication (Basic, Digest): shared by their login trials -------------

std::vector<AuthChallenge> challenges_of(const HttpResponse& r) {
  std::vector<AuthChallenge> out;
  for (const auto& h : r.headers)
    if (h.name == "www-authenticate") (void)parse_auth_challenges(as_bytes(h.value), out);
  return out;
}

std::vector<AuthChallenge> challenges_of(const RtspResponse& r) {
  std::vector<AuthChallenge> out;
  for (const auto& v : r.www_authenticate) (void)parse_auth_challenges(as_bytes(v), out);
  return out;
}

// The challenge we answer: Digest with SHA-256, then Digest with MD5, then Basic.
std::optional<AuthChallenge> pick_challenge(const std::vector<AuthChallenge>& cs) {
  const AuthChallenge* best = nullptr;
  int best_rank = 0;
  for (const auto& c : cs) {
    int rank = 0;
    if (c.is("Basic")) rank = 1;
    if (c.is("Digest") && c.param("realm") && c.param("nonce")) {
      const auto alg = digest_algorithm(c);
      if (alg) rank = (*alg == DigestAlgorithm::sha256 || *alg == DigestAlgorithm::sha256_sess) ? 3 : 2;
    }
    if (rank > best_rank) best = &c, best_rank = rank;
  }
  if (!best) return std::nullopt;
  return *best;
}

std::string surface_name(std::string_view proto, const AuthChallenge& c, std::string_view where) {
  std::string s = std::string(proto) + " " + (c.is("Digest") ? "Digest" : "Basic");
  if (const auto* realm = c.param("realm")) s += " realm=\"" + *realm + "\"";
  if (c.is("Digest")) s += " " + std::string(to_string(digest_algorithm(c).value_or(DigestAlgorithm::md5)));
  return s + " on " + std::string(where);
}

std::string digest_hex(DigestAlgorithm a, std::string_view data) {
  const EVP_MD* md = (a == DigestAlgorithm::md5 || a == DigestAlgorithm::md5_sess) ? EVP_md5() : EVP_sha256();
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  if (EVP_Digest(data.data(), data.size(), out, &n, md, nullptr) != 1) return {};
  return hex_lower(out, n);
}

}  // namespace trustscan
