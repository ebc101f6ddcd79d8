// trustscan — internal: what the SSH files that use libssh share (ssh_login.cpp, ssh_analyzer.cpp).
#pragma once

#include "scanner/pipeline/probe_runner.hpp"

#include <libssh/libssh.h>

#include <memory>
#include <string>
#include <vector>

namespace trustscan {

using SshSessionPtr = std::unique_ptr<ssh_session_struct, void (*)(ssh_session)>;
/// A libssh session to host:port as `user`, every operation bounded by `timeout_s`, never reading
/// ~/.ssh/config; host keys are not verified (a conformance probe sends no secret of the user's).
/// Null when libssh cannot allocate one.
SshSessionPtr new_ssh_session(const std::string& host, std::uint16_t port, const std::string& user, long timeout_s);

/// libssh is blocking: its calls run on this small pool and the probe's coroutine awaits them.
net::thread_pool& ssh_pool();

/// One key exchange per host-key type the server offers (`algorithms`, its KEXINIT list), each
/// with only that algorithm offered: the size and SHA-256 fingerprint of every host key
/// (ssh.host_key_bits.<algorithm>, ssh.host_key_sha256.<algorithm>). No authentication is sent.
/// With credential trials off, the first exchange also lists the authentication methods the
/// server offers after a "none" request (ssh.auth_methods).
net::awaitable<void> analyze_ssh_host_keys(ProbeContext& ctx, std::vector<std::string> algorithms,
                                           std::vector<Observation>& out);

/// "password,keyboard-interactive,publickey": libssh's SSH_AUTH_METHOD_* bits by name.
std::string ssh_method_names(int methods);

}  // namespace trustscan
