// trustscan — SSH password trials through libssh (cred.default.ssh).
//
// libssh is blocking, so each attempt runs on a small thread pool and the probe's coroutine
// awaits it; every libssh operation is bounded by SSH_OPTIONS_TIMEOUT. Each attempt is a fresh
// session: sshd counts the "none" probe against MaxAuthTries, and libssh only notices a server
// that gave up after its full timeout (TOOLCHAIN.md §6), so one session never carries two tries.
#include "scanner/credentials/credentials.hpp"
#include "probes/ssh/ssh_keys.hpp"
#include "probes/ssh/ssh_libssh.hpp"
#include "scanner/credentials/credential_keys.hpp"

#include <libssh/libssh.h>

#include <memory>

namespace trustscan {

namespace {

struct SshAttempt {
  bool connected = false;
  int methods = 0;          // SSH_AUTH_METHOD_* bits offered after "none"
  int result = SSH_AUTH_ERROR;
  std::string error;
};

// Blocking: runs on the pool. `user`/`password` empty user = only list the methods.
SshAttempt ssh_try(const std::string& host, std::uint16_t port, const std::string& user, const std::string& password,
                   long timeout_s) {
  SshAttempt a;
  const auto s = new_ssh_session(host, port, user.empty() ? "trustscan" : user, timeout_s);
  if (!s) {
    a.error = "ssh_new failed";
    return a;
  }
  if (ssh_connect(s.get()) != SSH_OK) {
    a.error = ssh_get_error(s.get());
    return a;
  }
  a.connected = true;
  const int none = ssh_userauth_none(s.get(), nullptr);
  a.methods = ssh_userauth_list(s.get(), nullptr);
  if (none == SSH_AUTH_SUCCESS) {
    a.result = SSH_AUTH_SUCCESS;  // no authentication at all
  } else if (!user.empty()) {
    if (a.methods & SSH_AUTH_METHOD_PASSWORD) {
      a.result = ssh_userauth_password(s.get(), nullptr, password.c_str());
    } else if (a.methods & SSH_AUTH_METHOD_INTERACTIVE) {
      // Keyboard-interactive: answer every prompt with the password (how password logins are
      // commonly served through PAM), for at most a few rounds.
      int rc = ssh_userauth_kbdint(s.get(), nullptr, nullptr);
      for (int round = 0; rc == SSH_AUTH_INFO && round < 4; ++round) {
        const int n = ssh_userauth_kbdint_getnprompts(s.get());
        for (int i = 0; i < n; ++i) ssh_userauth_kbdint_setanswer(s.get(), static_cast<unsigned>(i), password.c_str());
        rc = ssh_userauth_kbdint(s.get(), nullptr, nullptr);
      }
      a.result = rc;
    } else {
      a.result = SSH_AUTH_DENIED;
    }
  } else {
    a.result = SSH_AUTH_DENIED;
  }
  if (a.result == SSH_AUTH_ERROR) a.error = ssh_get_error(s.get());
  ssh_disconnect(s.get());
  return a;
}

// Runs on the pool. A named coroutine with by-value parameters, not a capturing lambda: g++ 12
// destroys a lambda temporary inside a co_await expression twice (seen here as a double free).
net::awaitable<SshAttempt> ssh_job(std::string host, std::uint16_t port, std::string user, std::string password,
                                   long timeout_s) {
  co_return ssh_try(host, port, user, password, timeout_s);
}

net::awaitable<SshAttempt> ssh_try_async(const Endpoint& ep, std::string user, std::string password, long timeout_s) {
  auto job = ssh_job(ep.address.to_string(), ep.port, std::move(user), std::move(password), timeout_s);
  co_return co_await net::co_spawn(ssh_pool().get_executor(), std::move(job), net::use_awaitable);
}

}  // namespace

SshSessionPtr new_ssh_session(const std::string& host, std::uint16_t port, const std::string& user, long timeout_s) {
  SshSessionPtr s(ssh_new(), ssh_free);
  if (!s) return s;
  const int no = 0;
  unsigned int port_value = port;
  ssh_options_set(s.get(), SSH_OPTIONS_HOST, host.c_str());
  ssh_options_set(s.get(), SSH_OPTIONS_PORT, &port_value);
  ssh_options_set(s.get(), SSH_OPTIONS_USER, user.c_str());
  ssh_options_set(s.get(), SSH_OPTIONS_TIMEOUT, &timeout_s);
  ssh_options_set(s.get(), SSH_OPTIONS_PROCESS_CONFIG, &no);  // never read ~/.ssh/config
  return s;
}

net::thread_pool& ssh_pool() {
  static net::thread_pool pool(2);
  return pool;
}

std::string ssh_method_names(int m) {
  std::string s;
  auto add = [&](int bit, const char* name) {
    if (m & bit) s += (s.empty() ? "" : ",") + std::string(name);
  };
  add(SSH_AUTH_METHOD_PASSWORD, "password");
  add(SSH_AUTH_METHOD_INTERACTIVE, "keyboard-interactive");
  add(SSH_AUTH_METHOD_PUBLICKEY, "publickey");
  add(SSH_AUTH_METHOD_HOSTBASED, "hostbased");
  add(SSH_AUTH_METHOD_GSSAPI_MIC, "gssapi-with-mic");
  return s.empty() ? "none" : s;
}

net::awaitable<void> try_ssh_credentials(ProbeContext& probe_ctx, std::vector<Observation>& out) {
  if (!probe_ctx.options.credentials) co_return;
  const long timeout_s = 5;
  // Which methods does the server offer at all? Keys-only servers take no password trial.
  const auto listing = co_await ssh_try_async(probe_ctx.endpoint, "", "", timeout_s);
  if (!listing.connected) {
    out.push_back(make_observation(probe_ctx.endpoint, keys::cred::inconclusive, std::string("errors"),
                                   "SSH session could not be set up: " + listing.error));
    co_return;
  }
  out.push_back(make_observation(probe_ctx.endpoint, keys::ssh::auth_methods, ssh_method_names(listing.methods),
                                 "methods offered after the 'none' request"));
  if (!(listing.methods & (SSH_AUTH_METHOD_PASSWORD | SSH_AUTH_METHOD_INTERACTIVE))) {
    out.push_back(make_observation(probe_ctx.endpoint, keys::ssh::password_auth, false,
                                   "no password or keyboard-interactive method offered"));
    co_return;
  }
  out.push_back(make_observation(probe_ctx.endpoint, keys::ssh::password_auth, true, "password logins offered"));
  // Named, not a temporary inside the co_await expression (g++ 12, see ssh_job).
  const Authenticator attempt = [&probe_ctx, timeout_s](const CredentialPair& p) -> net::awaitable<CredentialAnswer> {
        const auto a = co_await ssh_try_async(probe_ctx.endpoint, p.user, p.password, timeout_s);
        CredentialAnswer ans;
        if (!a.connected || a.result == SSH_AUTH_ERROR) {
          // A server that stops accepting connections after failures is throttling.
          ans.kind = a.connected ? CredentialAnswer::Kind::error : CredentialAnswer::Kind::lockout;
          ans.detail = a.error.empty() ? "SSH error" : a.error;
          co_return ans;
        }
        ans.kind = CredentialAnswer::Kind::answered;
        ans.success = a.result == SSH_AUTH_SUCCESS;
        ans.conclusive = true;
        ans.signature = ans.success ? "authenticated" : "denied";
        ans.detail = ans.success ? "SSH authentication succeeded" : "SSH authentication denied";
        co_return ans;
      };
  const std::string surface = "SSH password";
  co_await run_credential_trials(probe_ctx, surface, attempt, out);
}

}  // namespace trustscan
