// trustscan — internal: what the SSH files that use libssh share (ssh_login.cpp, ssh_analyzer.cpp).
#pragma once

#include "probes/ssh/ssh.hpp"
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

/// The Diffie-Hellman group-exchange test (RFC 4419; ssh-audit's "gex" test), opt-in as action
/// ssh.gex: for each diffie-hellman-group-exchange-sha256/-sha1 the server's KEXINIT `server`
/// offers, two connections, each: identification, a KEXINIT offering only that key exchange (and
/// the server's own other lists), one SSH_MSG_KEX_DH_GEX_REQUEST (1024/2048/8192, then 512/1024/1536),
/// then the server's SSH_MSG_KEX_DH_GEX_GROUP (or disconnect); the connection is closed there
/// (nothing past the group is sent, nothing is encrypted). Each exchange: 5 s and the probe's
/// byte cap. Records ssh.gex.groups and ssh.gex.prime_bits; when the action is not selected and a
/// group exchange is offered, ssh.intrusive_skipped instead.
net::awaitable<void> analyze_ssh_gex(ProbeContext& ctx, const SshKexInit& server, std::vector<Observation>& out);

/// "password,keyboard-interactive,publickey": libssh's SSH_AUTH_METHOD_* bits by name.
std::string ssh_method_names(int methods);

}  // namespace trustscan
