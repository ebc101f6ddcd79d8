// trustscan — an SSH connection as a capture shows it: both identification strings, both
// KEXINITs, and the HASSH / HASSHServer fingerprints (salesforce/hassh, BSD-3-Clause).
//
// `parse_ssh_session` takes the two directions of one TCP connection as reassembled so far
// (client → server, server → client), each from its first byte, and reads each side with
// probes/ssh/ssh.hpp's parsers (parse_ssh_ident, then parse_ssh_kexinit on what follows the
// identification line): the same bounds (identification block at most kSshMaxIdentBlock bytes,
// a packet at most kSshMaxPacketLength, kSshMaxNames names per list). It is pure, keeps no
// state, and may be called again as the streams grow.
//
// Results: done when the client's identification line is complete (it is SSH); the sides'
// KEXINITs are filled as far as the bytes go (absent when cut short, not yet sent, or invalid).
// need_more until the client's identification line is complete (lines before it are skipped, as
// parse_ssh_ident does for a server); invalid when parse_ssh_ident says the stream is not SSH.
//
// HASSH (the client's fingerprint) is the MD5, in lower-case hex, of
//   kex_algorithms;encryption_algorithms_client_to_server;mac_algorithms_client_to_server;
//   compression_algorithms_client_to_server
// of the client's KEXINIT, each list comma-joined as sent; HASSHServer is the same over the
// server's KEXINIT with the server-to-client lists. A KEXINIT with a list longer than
// kSshMaxNames (`truncated`) gets no fingerprint: the names past the cap are not kept, so the
// hash would be wrong.
#pragma once

#include "probes/ssh/ssh.hpp"

#include <optional>
#include <string>

namespace trustscan {

/// One side's SSH fingerprint: the algorithm string and its MD5.
struct Hassh {
  std::string algorithms;  ///< "kex;enc;mac;cmp"
  std::string md5;         ///< 32 lower-case hex digits
};

/// What both sides of an SSH connection sent in the clear.
struct SshSession {
  SshIdent client;
  std::optional<SshIdent> server;
  std::optional<SshKexInit> client_kexinit;
  std::optional<SshKexInit> server_kexinit;
};

/// Reads both directions of one connection (see the file comment).
Parse parse_ssh_session(Bytes client_stream, Bytes server_stream, SshSession& out) noexcept;

/// HASSH of a client KEXINIT; empty when `k.truncated`.
std::optional<Hassh> hassh_client(const SshKexInit& k);
/// HASSHServer of a server KEXINIT; empty when `k.truncated`.
std::optional<Hassh> hassh_server(const SshKexInit& k);

}  // namespace trustscan
