// trustscan — Telnet option negotiation and prompt recognition (pure, no I/O).
//
// The Telnet probe connects, answers option negotiation like a minimal client, and reads until
// the server shows a prompt (NIST IR 8425 "secure communication": an open Telnet service at all;
// IR 8259A "no universal default password": a login prompt is what the credential check tries,
// and a shell prompt without any login is the worst case).
//
//   client ◄──── IAC DO ECHO, IAC WILL SGA… + "Debian GNU/Linux 12\r\nvm login: " (feed)
//   client ── IAC WONT ECHO, IAC DO SGA… (take_replies) ──►
//   client reads on until prompt() is login / password / shell, or its deadline passes
//
// Telnet is a byte stream without message boundaries, so the parser is a small state machine
// (TelnetParser) fed with every chunk received; its state after a sequence of chunks depends only
// on the concatenated bytes, never on the split points. Memory is bounded whatever the peer
// sends: kept text, subnegotiation, option list and pending replies all have caps.
//
// Reply policy (a client that wants nothing but to read a prompt):
//   server WILL ECHO / WILL SGA   → DO    (character-at-a-time login prompts expect both;
//                                          refusing them makes some servers hang up)
//   server WILL <anything else>   → DONT
//   server DO <anything>          → WONT  (we offer no terminal type, window size, environment…)
//   server WONT X after our DO X  → DONT X (acknowledgement, RFC 1143)
//   server DONT X                 → nothing (we never enable anything on our side)
// Each (command, option) pair is answered at most once per connection. This deviates from
// RFC 1143's full Q method but cannot loop, and bounds the reply bytes whatever the server does.
//
// Observation keys (telnet_observations):
//   telnet.banner    string  printable text received before the prompt: control bytes dropped,
//                            empty lines removed, lines joined by "\n"; absent when empty
//   telnet.options   list    negotiations the server sent, in first-seen order without
//                            duplicates: "DO ECHO", "WILL SGA", "DO TTYPE", "SB TTYPE",
//                            unknown options by number ("DO 200"); absent when none
//   telnet.prompt    string  "login", "password", "shell" or "none" (classify_telnet_prompt of
//                            the last text received)
#pragma once

#include "trustscan/parse.hpp"
#include "trustscan/types.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace trustscan {

/// Data text kept from the start of the stream, in bytes (after removing commands and NULs).
/// Further text is counted but not kept in TelnetResult::text.
inline constexpr std::size_t kTelnetMaxText = 8 * 1024;
/// The most recent data text kept for prompt recognition, in bytes.
inline constexpr std::size_t kTelnetTail = 512;
/// Largest subnegotiation (bytes between IAC SB and IAC SE) accepted; a longer one makes the
/// parser invalid for good. Real servers send a few bytes (TTYPE SEND, NEW-ENVIRON SEND).
inline constexpr std::size_t kTelnetMaxSubneg = 512;
/// Most distinct entries in TelnetResult::options; further ones are not recorded.
inline constexpr std::size_t kTelnetMaxOptions = 64;

/// Telnet command bytes (RFC 854).
inline constexpr std::uint8_t kTelnetIac = 255;
inline constexpr std::uint8_t kTelnetDont = 254;
inline constexpr std::uint8_t kTelnetDo = 253;
inline constexpr std::uint8_t kTelnetWont = 252;
inline constexpr std::uint8_t kTelnetWill = 251;
inline constexpr std::uint8_t kTelnetSb = 250;
inline constexpr std::uint8_t kTelnetSe = 240;
/// Option codes the reply policy names.
inline constexpr std::uint8_t kTelnetOptEcho = 1;  ///< RFC 857
inline constexpr std::uint8_t kTelnetOptSga = 3;   ///< RFC 858, SUPPRESS-GO-AHEAD

/// What the last non-empty line of text looks like.
enum class TelnetPrompt : std::uint8_t { none, login, password, shell };

/// "none", "login", "password", "shell".
std::string_view to_string(TelnetPrompt p) noexcept;

/// Classifies the last non-empty line of `text` (lines end at CR or LF; a line of only spaces,
/// tabs and NULs is empty), case-insensitively, after trimming trailing spaces and tabs:
///   password  the line ends with ':' and contains "password", "passwd" or "passcode"
///   login     the line ends with "login:", "username:", "user name:", "user:", "login as:" or
///             "user id:" ("vm login: ", "User Name:")
///   shell     the line ends with '#', '$' or '>' and is at most 128 bytes long ("root@cam:~# ",
///             "$ ", "RouterOS> "). The caller knows whether a login preceded it; a shell prompt
///             with no login at all is the interesting case.
///   none      anything else, including empty text.
/// Password wins over login ("Login password:" is a password prompt).
TelnetPrompt classify_telnet_prompt(std::string_view text) noexcept;

/// Name of a Telnet option for reports: "ECHO", "SGA", "TTYPE", "NAWS"… or its decimal number.
std::string telnet_option_name(std::uint8_t option);

/// What the parser has gathered so far; a plain value for telnet_observations.
struct TelnetResult {
  std::string text;                  ///< first kTelnetMaxText bytes of data text (NUL removed)
  std::string tail;                  ///< last <= kTelnetTail bytes of data text
  std::size_t text_bytes = 0;        ///< data text bytes seen in total (kept or not)
  std::vector<std::string> options;  ///< "DO ECHO", "WILL SGA", "SB TTYPE"…; <= kTelnetMaxOptions
  std::vector<std::uint8_t> raw;     ///< first Evidence::kMaxExcerpt bytes received, for evidence
  TelnetPrompt prompt = TelnetPrompt::none;  ///< classify_telnet_prompt(tail)
};

/// Incremental Telnet client-side parser: separates commands from data, records what the server
/// negotiated, and queues the replies of the policy above.
class TelnetParser {
 public:
  /// Consumes all of `in`. Returns invalid (now and for every later call) once a subnegotiation
  /// exceeds kTelnetMaxSubneg; result() then describes the bytes before the failure and later
  /// bytes are ignored. Returns done when prompt() is not none after these bytes; need_more
  /// otherwise. Bytes handled: IAC IAC → data 0xff; IAC WILL/WONT/DO/DONT opt → negotiation;
  /// IAC SB … IAC SE → recorded as "SB <opt>", content skipped (IAC IAC inside is data);
  /// IAC <other command> (NOP, GA, AYT…) → ignored; NUL → dropped (NVT "CR NUL" is a bare CR);
  /// everything else → data text. A command split across calls is completed on the next call.
  Parse feed(Bytes in) noexcept;

  /// Moves out the reply bytes queued since the last call (at most 3 bytes per distinct
  /// (command, option) pair, so never more than 3 KiB over a connection).
  std::vector<std::uint8_t> take_replies() noexcept;

  const TelnetResult& result() const noexcept { return result_; }
  TelnetPrompt prompt() const noexcept { return result_.prompt; }

 private:
  enum class State : std::uint8_t { data, iac, option, sb_option, sb_data, sb_iac };
  void on_data(std::uint8_t c);
  void on_negotiation(std::uint8_t command, std::uint8_t option);
  void record(std::string entry);
  void reply(std::uint8_t command, std::uint8_t option);

  TelnetResult result_;
  State state_ = State::data;
  std::uint8_t command_ = 0;        ///< WILL/WONT/DO/DONT awaiting its option byte
  std::size_t subneg_bytes_ = 0;    ///< bytes inside the current SB so far
  bool invalid_ = false;
  std::vector<std::uint8_t> replies_;
  /// Bit (command - WILL) of answered_[option]: that (command, option) has been answered.
  std::array<std::uint8_t, 256> answered_{};
  std::array<bool, 256> him_{};     ///< we sent DO for this option (the server may enable it)
};

/// Observations for one connection (keys at the top of this file), evidence kind "banner" with
/// the first bytes received as excerpt.
std::vector<Observation> telnet_observations(const TelnetResult& result, const Endpoint& endpoint);

}  // namespace trustscan
