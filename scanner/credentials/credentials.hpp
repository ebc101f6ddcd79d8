// trustscan — credential trials: default, blank and anonymous logins, lockout-safe.
//
// Every trial follows the same rules (issue "Credential checks"):
//  - one attempt with a random user name and password comes first: a pair counts as accepted
//    only when the device's answer is a success AND differs from that known-bad answer, so a
//    page that answers 200 to everything is never a finding; a success read from a page (a form
//    that went away) is confirmed by the random pair once more, which must still be rejected, so
//    a "too many attempts" page is lockout, never a found password;
//  - at most `max_attempts` pairs per login surface, `delay` between attempts, stop at the first
//    success; a sign of throttling or lockout (HTTP 429/503, FTP 421, refused connections after
//    answers) stops the trial and is reported as inconclusive:lockout, never hammered on;
//  - `parallel` > 1 (opt-in, --creds-parallel): the known-bad pair and the pairs in flight
//    together, 10 ms apart; a conclusive success settles the trial early when the attempts before
//    it (the known-bad pair first) still have no answer well after it (settle_wave);
//  - the results are observations on the endpoint (keys below); checks judge them.
//
// Observation keys (per endpoint, one login surface each):
//   cred.surface         string  what was tried: "HTTP Basic realm=\"admin\" on /", "HTTP Digest
//                                realm=\"x\" SHA-256 on /", "HTML form POST /login", "HTML form
//                                (described: NAME) POST /url", "Telnet login", "FTP USER/PASS",
//                                "RTSP Digest realm=\"x\" MD5 on DESCRIBE rtsp://…", "MQTT CONNECT"
//   cred.attempts        int     pairs tried (the known-bad attempt not counted)
//   cred.accepted        bool    a pair was accepted (evidence carries username and password)
//   cred.blank_tested    bool    a pair with an empty password was tried
//   cred.blank_accepted  bool    …and accepted
//   cred.no_auth         bool    the random known-bad pair was accepted: no authentication
//   cred.inconclusive    string  why the trial stopped early: "lockout", "errors", "budget"
//   cred.throttle_tested bool    the opt-in throttling test ran on this surface (--creds-throttle)
//   cred.throttle        string  its reading: "lockout" (refused, 429/503/421, or the answer
//                                changed), "delay" (answers slowed down), "none" (every attempt
//                                answered alike, no slowdown), "errors" (no usable answers)
//   cred.throttle_attempts int   wrong-password attempts the throttling test made
#pragma once

#include "probes/http/http.hpp"
#include "probes/http/http_auth.hpp"
#include "probes/rtsp/rtsp.hpp"
#include "scanner/credentials/credential_list.hpp"
#include "scanner/pipeline/probe_runner.hpp"

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace trustscan {

/// What one login attempt showed. `success` is the authenticator's reading of the answer;
/// `signature` summarises the answer so that it can be compared with the known-bad one.
struct CredentialAnswer {
  enum class Kind : std::uint8_t { answered, lockout, error } kind = Kind::error;
  bool success = false;
  std::string signature;
  std::string detail;       ///< one line for the evidence
  bool conclusive = false;  ///< `success` is the protocol's own verdict (HTTP/RTSP 401 vs 200, FTP 230,
                            ///< MQTT CONNACK 0, a shell prompt, SSH, a described form's success
                            ///< marker), not a reading of a page; other successes are confirmed by
                            ///< the random pair once more, which must still be rejected
};
/// Tries one pair against one login surface.
using Authenticator = std::function<net::awaitable<CredentialAnswer>(const CredentialPair&)>;

/// One attempt of a parallel wave (slot 0: the known-bad pair, then the pairs in list order).
struct WaveSlot {
  bool started = false;
  bool done = false;
  std::chrono::steady_clock::time_point start{}, end{};
  CredentialAnswer answer;
};
/// Whether a wave's verdict is known at `now`, and the answers to judge it by. Known when every
/// slot is done, or early: the first pair with a conclusive success answered, and every slot
/// before it either answered or has waited at least max(3 L, L + 250 ms) without an answer (L:
/// that success's latency). A device that delays wrong logins (lighttpd, login(1), busybox) then
/// need not be waited out: the waiting slots read as rejected, "no answer after N ms". Otherwise
/// nullopt, and `wake` is lowered to the time the verdict could become known without a new answer.
std::optional<std::vector<CredentialAnswer>> settle_wave(const std::vector<WaveSlot>& slots,
                                                         std::chrono::steady_clock::time_point now,
                                                         std::chrono::steady_clock::time_point& wake);

/// The trial loop every surface shares (rules at the top of this file); appends the cred.*
/// observations for `surface` to `out`. Uses ctx.options.credentials (must be set).
net::awaitable<void> run_credential_trials(ProbeContext& ctx, const std::string& surface, const Authenticator& attempt,
                                           std::vector<Observation>& out);

/// HTTP login surfaces of a page already fetched (`root` is the response to GET `path`): Basic
/// authentication when it answered 401 with a Basic challenge, an HTML login form otherwise.
net::awaitable<void> try_http_credentials(ProbeContext& ctx, const HttpResponse& root, std::string_view path,
                                          std::vector<Observation>& out);
/// RTSP Basic or Digest logins on `url`, after DESCRIBE without credentials answered 401
/// (`describe`); cred.default.media judges them.
net::awaitable<void> try_rtsp_credentials(ProbeContext& ctx, const std::string& url, const RtspResponse& describe,
                                          std::vector<Observation>& out);
/// MQTT CONNECT with user name and password, for a broker that refused an anonymous CONNECT
/// (return code 0 accepted, 4/5 refused).
net::awaitable<void> try_mqtt_credentials(ProbeContext& ctx, std::vector<Observation>& out);
/// Lowercase hex MD5 or SHA-256 (OpenSSL EVP), the hash of HTTP/RTSP Digest answers.
std::string digest_hex(DigestAlgorithm a, std::string_view data);
/// A Telnet login prompt: user name, password, and whether a shell prompt follows.
net::awaitable<void> try_telnet_credentials(ProbeContext& ctx, std::vector<Observation>& out);
/// FTP USER/PASS with the pairs (anonymous is the FTP probe's own question).
net::awaitable<void> try_ftp_credentials(ProbeContext& ctx, std::vector<Observation>& out);
/// SSH password and keyboard-interactive logins (libssh, probes/ssh/ssh_login.cpp). Records
/// ssh.auth_methods and ssh.password_auth; servers that take keys only get no trial.
net::awaitable<void> try_ssh_credentials(ProbeContext& ctx, std::vector<Observation>& out);

}  // namespace trustscan
