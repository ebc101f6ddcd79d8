// trustscan — logins sent in the clear over FTP and Telnet, as a capture shows them.
//
// Both functions take the two directions of one TCP connection as reassembled so far (client →
// server, server → client) and return every login attempt visible in them: user name, password,
// and whether the server accepted it when its answer is in the capture. They are pure and may be
// called again as the streams grow; the result depends only on the bytes, not on how they
// arrived. Only the first kLoginMaxStream bytes of each direction are read.
//
// FTP (RFC 959): client commands are lines "VERB [arg]"; each command gets one final reply from
// the server (1xx preliminary replies are skipped; the first final reply is the greeting), read
// with ftp.hpp's parse_ftp_reply. USER opens an attempt (a 230 answer to USER is a login without
// password), PASS completes it: 230/202 accepted, 530/5xx refused, 332 needs ACCT (unknown).
// AUTH TLS/SSL answered 234 ends the analysis: the rest is encrypted (`tls_upgraded`).
//
// Telnet: the client's keystrokes and the server's output are stripped of Telnet commands with
// telnet.hpp's TelnetParser (NVT "CR NUL" becomes CR). The server's text is read as a sequence
// of events: login prompt ("login:", "username:"… by classify_telnet_prompt on the text up to a
// ':' — the echoed name may follow on the same line), password prompt, failure message
// ("incorrect", "failed", "denied", "invalid"), shell prompt (a line whose text up to a '#', '$'
// or '>' followed by a space or the line end is a shell prompt) or "last login". Each login
// prompt takes the client's next line as the user name, each password prompt the next line as
// the password (backspace/DEL editing applied). TelnetParser keeps the first kTelnetMaxText
// (8 KiB) of text per direction: later logins on a long session are not seen. An attempt's outcome is the first failure or
// shell/last-login event after its password, before the next prompt. Without timing, this
// pairing assumes the client types one line per prompt, as people and scripts do.
//
// Observation keys (cleartext_login_observations), one per attempt; evidence kind "credential"
// with username and password set:
//   ftp.cleartext_login / telnet.cleartext_login            string  the user name
//   ftp.cleartext_login_accepted / telnet.cleartext_login_accepted
//                                                           bool    when the outcome is visible
#pragma once

#include "trustscan/parse.hpp"
#include "trustscan/types.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace trustscan {

inline constexpr std::size_t kLoginMaxStream = 64 * 1024;  ///< bytes read per direction
inline constexpr std::size_t kLoginMaxAttempts = 16;
inline constexpr std::size_t kLoginMaxField = 256;          ///< user name / password kept

struct CleartextLogin {
  std::string username;
  std::optional<std::string> password;  ///< absent when none was sent (yet)
  std::optional<bool> accepted;         ///< absent when the server's answer is not visible
  std::string detail;                   ///< "USER admin / PASS → 530 Login incorrect."
};

struct CleartextLogins {
  std::string protocol;  ///< "ftp" or "telnet"
  std::vector<CleartextLogin> attempts;
  bool tls_upgraded = false;  ///< FTP: AUTH TLS accepted, later bytes not analysed
};

/// done when at least one attempt is visible, need_more when none yet, invalid when the client
/// stream is not FTP commands (a line that is not "VERB[ arg]" with a 3-4 letter verb).
Parse parse_ftp_logins(Bytes client, Bytes server, CleartextLogins& out) noexcept;

/// done when at least one attempt is visible, need_more otherwise (Telnet carries any text).
Parse parse_telnet_logins(Bytes client, Bytes server, CleartextLogins& out) noexcept;

/// One FTP data transfer named on a control connection (RFC 959 §4.1.3, RFC 2428): the command,
/// its argument, the server's final reply, and where the data connection was to go, from the last
/// PASV/EPSV reply (the client connects: `passive`) or PORT/EPRT command (the server connects, from
/// port 20 by custom) before it. A capture holds the data connection as a flow of its own; the
/// caller matches it by `data_port`.
struct FtpTransfer {
  std::string verb;          ///< "RETR", "STOR", "STOU", "APPE", "LIST", "NLST", "MLSD" (upper case)
  std::string path;          ///< the argument as sent (at most kLoginMaxField bytes; empty for a bare LIST)
  int reply = 0;             ///< the final reply (226 done, 550 refused…); 0 when not in the capture
  bool passive = false;      ///< PASV/EPSV: the client opened the data connection
  std::string data_host;     ///< dotted address of PASV's reply or PORT; EPRT's address; empty for EPSV
  std::uint16_t data_port = 0;  ///< the data connection's announced port; 0 when none was announced
};

inline constexpr std::size_t kFtpMaxTransfers = 64;

/// The data transfers of one FTP control connection (at most kFtpMaxTransfers), read from the same
/// bytes as parse_ftp_logins with the same command/reply pairing. done when at least one transfer
/// is visible, need_more when none, invalid when the client stream is not FTP commands. AUTH TLS
/// answered 234 ends the reading. A PASV or PORT whose address does not parse announces nothing
/// (data_port 0) rather than a guess.
Parse parse_ftp_transfers(Bytes client, Bytes server, std::vector<FtpTransfer>& out) noexcept;

/// The keys above; `server` is the FTP/Telnet endpoint the device logged in to.
std::vector<Observation> cleartext_login_observations(const CleartextLogins& logins, const Endpoint& server);

}  // namespace trustscan
