// trustscan — FTP control-connection replies and commands (pure, no I/O).
//
// The FTP probe reads the greeting and may try an anonymous login (NIST IR 8259A "no universal
// default password", IR 8425 "secure communication": cleartext FTP at all):
//
//   client ◄──────────────────────────────── "220 (vsFTPd 3.0.3)\r\n" (parse_ftp_reply)
//   client ── "USER anonymous\r\n" (build_ftp_command) ──►
//   client ◄──────────────────── "331 Please specify the password.\r\n" (parse_ftp_reply)
//   client ── "QUIT\r\n" ───────────────────────────────►
//
// parse_ftp_reply is a stream parser following docs/probes.md: `in` is the bytes received so far,
// starting at a reply boundary; `consumed` is set to the size of the first reply on done. It
// keeps no state, so the answer never depends on how the bytes were split; `out` is reset on
// every call.
//
// Observation keys (ftp_observations, for the greeting):
//   ftp.banner        string  the greeting reply as sent, line endings removed, lines joined by
//                             "\n" (codes included: "220 (vsFTPd 3.0.3)")
//   ftp.banner_code   int     the greeting's reply code (220 ready, 120 wait, 421 refused…)
//   ftp.product       string  server product from the banner table ("vsftpd", "ProFTPD"…);
//                             absent when no table entry matches
//   ftp.version       string  its version ("3.0.3"); absent when the banner does not disclose it
#pragma once

#include "trustscan/parse.hpp"
#include "trustscan/types.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace trustscan {

/// Largest reply accepted, in bytes including line endings. A reply still incomplete after this
/// many bytes is invalid (never buffered further). Legal-notice greetings of a few dozen lines fit.
inline constexpr std::size_t kFtpMaxReply = 8 * 1024;
/// Most lines in one reply; one more is invalid.
inline constexpr std::size_t kFtpMaxLines = 128;

/// One reply (RFC 959 §4.2): "NNN text" on one line, or "NNN-text" … "NNN text" over several.
struct FtpReply {
  int code = 0;                    ///< 100..599 on done
  /// Each line as sent without its CR LF / LF, codes included ("211-Features:", " EPRT",
  /// "211 End"). At most kFtpMaxLines lines.
  std::vector<std::string> lines;
  std::string raw;                 ///< the reply's bytes as received (<= kFtpMaxReply)

  /// Lines joined by "\n" (the ftp.banner value).
  std::string text() const;
};

/// Product and version named by an FTP banner.
struct FtpServerId {
  std::string product;  ///< empty when the banner matches no table entry
  std::string version;  ///< empty when not disclosed
};

/// Looks the reply text up in a small table of common servers, by substring, first match wins:
/// "(vsFTPd X)" → vsftpd; "ProFTPD X" → ProFTPD; "Pure-FTPd" → Pure-FTPd; "FileZilla Server
/// [version] X" → FileZilla Server; "Microsoft FTP Service"; "Serv-U FTP Server vX" → Serv-U;
/// "wu-X" → wu-ftpd; "GNU inetutils X" → GNU inetutils ftpd; "bftpd X"; "BusyBox vX" → BusyBox
/// ftpd. The version is the token right after the marker (optionally after "version " or "v"),
/// kept only when it starts with a digit. Empty fields when nothing matches.
FtpServerId identify_ftp_server(std::string_view text);

/// Whether `reply` can be an FTP server's answer to USER: a code RFC 959 §5.4 lists for USER
/// (230, 331, 332, 421, 500, 501, 530) without an RFC 3463 enhanced status ("5.5.2") after it.
/// A mail server greets with "220 " too, and answers USER with "502 5.5.2 Error: command not
/// recognized" (Postfix) or "500 5.5.1 Invalid command" (OpenSMTPD): false for both.
bool is_ftp_user_reply(const FtpReply& reply) noexcept;

// ---- builders --------------------------------------------------------------------------------

/// "VERB arg\r\n", or "VERB\r\n" when `arg` is empty. Returns an empty vector when `verb` is
/// empty or either argument contains CR, LF or NUL (which would smuggle in a second command).
std::vector<std::uint8_t> build_ftp_command(std::string_view verb, std::string_view arg = {});

// ---- parsers ---------------------------------------------------------------------------------

/// Parses one reply. Lines end in CR LF or LF alone. need_more until the last line has ended.
/// invalid when: the first line does not start with a code 100..599 followed by ' ', '-' or the
/// line end (judged as soon as those 4 bytes arrive); a NUL byte appears; the reply exceeds
/// kFtpMaxReply bytes or kFtpMaxLines lines. A multi-line reply ends at the first line that
/// starts with the same code followed by ' ' or the line end (RFC 959 §4.2); lines in between
/// may hold anything, including "NNN-" prefixes. On done, `consumed` = bytes of the reply.
Parse parse_ftp_reply(Bytes in, FtpReply& out, std::size_t& consumed) noexcept;

// ---- observations ----------------------------------------------------------------------------

/// Observations for the greeting reply (keys at the top of this file), evidence kind "banner"
/// with the raw reply as excerpt.
std::vector<Observation> ftp_observations(const FtpReply& greeting, const Endpoint& endpoint);

}  // namespace trustscan
