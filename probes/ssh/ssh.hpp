// trustscan — SSH identification and KEXINIT: request builders and reply parsers (pure, no I/O).
//
// The SSH probe learns what an SSH server is and which algorithms it offers, without
// authenticating (NIST IR 8259A "device security" / IR 8425 "secure communication": weak key
// exchange, ciphers and MACs; old server software):
//
//   client ◄──────────── [other lines] + "SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n" (parse_ssh_ident)
//   client ── "SSH-2.0-trustscan_0.1\r\n" (build_ssh_ident) ──────────────────────►
//   client ── SSH_MSG_KEXINIT (build_ssh_kexinit) ───────────────────────────────►
//   client ◄──────────────────────────────────── SSH_MSG_KEXINIT (parse_ssh_kexinit)
//   client closes (no key exchange is performed)
//
// Both parsers are stream parsers following docs/probes.md: `in` is the bytes received so far
// (parse_ssh_ident: from the start of the connection; parse_ssh_kexinit: from the first byte
// after the identification line), and `consumed` is set on done. They keep no state, so the
// answer never depends on how the bytes were split; `out` is reset on every call.
//
// Observation keys (ssh_observations):
//   ssh.proto_version        string  protoversion of the identification line: "2.0", "1.99", "1.5"
//   ssh.software             string  softwareversion: "OpenSSH_9.2p1"; absent when empty
//   ssh.product              string  product from the software table: "OpenSSH", "Dropbear"…;
//                                    absent when the software is not in the table
//   ssh.version              string  version from the software table: "9.2p1", "2022.83"; absent
//                                    when the table has a product but the peer gave no version
//   ssh.comments             string  comments after the software: "Debian-2+deb12u3"; absent
//                                    when empty
//   ssh.kex_algorithms       list    KEXINIT kex_algorithms, in the server's preference order
//   ssh.host_key_algorithms  list    KEXINIT server_host_key_algorithms
//   ssh.ciphers              list    encryption algorithms, client-to-server then any new ones
//                                    from server-to-client (order kept, no duplicates)
//   ssh.macs                 list    MAC algorithms, union of both directions as for ciphers
//   ssh.compression          list    compression algorithms, union of both directions
// The ssh.kex_* .. ssh.compression keys are present only when a KEXINIT was parsed.
#pragma once

#include "trustscan/parse.hpp"
#include "trustscan/types.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace trustscan {

/// Longest identification line, in bytes including CR LF (RFC 4253 §4.2: 255). A line that
/// starts with "SSH-" and runs longer is invalid.
inline constexpr std::size_t kSshMaxIdentLine = 255;
/// Longest line the server may send before its identification line, in bytes including the line
/// ending. RFC 4253 sets no limit; real servers send none, or a short notice. Longer is invalid.
inline constexpr std::size_t kSshMaxPreIdentLine = 1024;
/// Most bytes accepted before the identification line has ended (all pre-ident lines plus the
/// ident line). More is invalid: the peer is not going to identify itself.
inline constexpr std::size_t kSshMaxIdentBlock = 8192;
/// Largest packet_length accepted (RFC 4253 §6.1: implementations must handle 35000 bytes).
inline constexpr std::size_t kSshMaxPacketLength = 35000;
/// Most names kept per name-list; further names are validated but not stored, and
/// SshKexInit::truncated is set.
inline constexpr std::size_t kSshMaxNames = 64;
/// Longest algorithm name accepted, in bytes. RFC 4251 §6 caps names at 64 characters; we
/// accept up to this so that a slightly non-conforming server is still described, and call
/// anything longer invalid.
inline constexpr std::size_t kSshMaxNameLength = 256;
/// Most SSH_MSG_IGNORE / SSH_MSG_DEBUG packets skipped before the KEXINIT (RFC 4253 §11.2, §11.3
/// allow them at any time). One more is invalid.
inline constexpr std::size_t kSshMaxSkippedPackets = 4;

/// SSH message numbers used here (RFC 4253 §12).
inline constexpr std::uint8_t kSshMsgIgnore = 2;
inline constexpr std::uint8_t kSshMsgDebug = 4;
inline constexpr std::uint8_t kSshMsgKexInit = 20;
inline constexpr std::uint8_t kSshMsgDisconnect = 1;
/// Diffie-Hellman group exchange (RFC 4419 §5).
inline constexpr std::uint8_t kSshMsgKexDhGexGroup = 31;
inline constexpr std::uint8_t kSshMsgKexDhGexRequest = 34;
/// Largest group-exchange prime accepted, in bits (RFC 4419 §3 asks servers for at most 8192;
/// twice that leaves room and still refuses a hostile 35000-byte "prime").
inline constexpr int kSshMaxGexPrimeBits = 16384;

/// The server's identification line: "SSH-protoversion-softwareversion SP comments CR LF".
struct SshIdent {
  std::string proto_version;  ///< "2.0", "1.99", "1.5"; never empty on done
  /// "OpenSSH_9.2p1". May be empty: RFC 4253 requires it, but an empty one still proves SSH, so
  /// it is accepted and reported as absent rather than rejecting the server.
  std::string software;
  std::string comments;       ///< text after the first space following the software; may be empty
  std::string product;        ///< from identify_ssh_software; empty when unknown
  std::string version;        ///< from identify_ssh_software; empty when unknown
  std::string line;           ///< the whole line without CR LF (<= kSshMaxIdentLine bytes)
  std::size_t pre_ident_lines = 0;  ///< lines the server sent before the identification line
};

/// SSH_MSG_KEXINIT (RFC 4253 §7.1). Each list holds at most kSshMaxNames names, in the order
/// sent (the sender's preference), each 1..kSshMaxNameLength printable ASCII bytes without ','.
struct SshKexInit {
  std::array<std::uint8_t, 16> cookie{};
  std::vector<std::string> kex_algorithms;
  std::vector<std::string> server_host_key_algorithms;
  std::vector<std::string> encryption_c2s;
  std::vector<std::string> encryption_s2c;
  std::vector<std::string> mac_c2s;
  std::vector<std::string> mac_s2c;
  std::vector<std::string> compression_c2s;
  std::vector<std::string> compression_s2c;
  std::vector<std::string> languages_c2s;
  std::vector<std::string> languages_s2c;
  bool first_kex_packet_follows = false;
  std::uint32_t reserved = 0;      ///< should be 0; kept as sent
  bool truncated = false;          ///< some list had more than kSshMaxNames names
  std::size_t skipped_packets = 0; ///< IGNORE/DEBUG packets skipped before the KEXINIT
};

/// Everything the SSH probe learnt about one server, as ssh_observations reads it.
struct SshResult {
  SshIdent ident;
  std::optional<SshKexInit> kexinit;  ///< absent when the server's KEXINIT was not received
};

/// Product and version named by an SSH softwareversion string.
struct SshSoftwareId {
  std::string product;  ///< "OpenSSH", "Dropbear"…; empty when the software is not in the table
  std::string version;  ///< "9.2p1"; empty when not disclosed
};

/// Looks `software` up in a small prefix table of common servers: OpenSSH_X ("OpenSSH", "X"),
/// OpenSSH_for_Windows_X ("OpenSSH for Windows"), dropbear_X and dropbear ("Dropbear"),
/// libssh_X / libssh-X ("libssh"), Cisco-X ("Cisco SSH"), ROSSSH ("MikroTik RouterOS sshd"),
/// RomSShell_X ("Allegro RomSShell"), mpSSH_X ("HP Integrated Lights-Out mpSSH"), Comware-X
/// ("HPE Comware"), AsyncSSH_X, paramiko_X ("Paramiko"), Go ("Go x/crypto/ssh"), Sun_SSH_X,
/// Erlang/X ("Erlang/OTP ssh"). The version is what follows the prefix, kept only when it starts
/// with a digit. Returns empty fields when no prefix matches (matching is case-sensitive).
SshSoftwareId identify_ssh_software(std::string_view software);

// ---- builders --------------------------------------------------------------------------------

/// Our identification line: "SSH-2.0-trustscan_0.1\r\n".
std::vector<std::uint8_t> build_ssh_ident();

/// A complete unencrypted binary packet (RFC 4253 §6) carrying a client SSH_MSG_KEXINIT that
/// offers common algorithms, modern first and legacy last (curve25519, ECDH, DH group
/// exchange/14/1; ed25519, ECDSA, RSA, DSA host keys; chacha20-poly1305, AES-CTR/GCM/CBC,
/// 3DES-CBC; HMAC-SHA2/SHA1 (EtM and plain); no compression), so that old and new servers both
/// find a match and keep talking. `cookie` is the 16-byte random cookie; the caller supplies
/// randomness (pure function). Padding is 4..11 zero bytes so that the packet is a multiple of 8
/// bytes long; zero padding is acceptable because nothing is encrypted yet.
std::vector<std::uint8_t> build_ssh_kexinit(const std::array<std::uint8_t, 16>& cookie = {});

/// A client KEXINIT packet (framed as build_ssh_kexinit's) that offers only `kex` as key exchange
/// and, for everything else, exactly what the server's KEXINIT `server` offered (client-to-server
/// lists for both directions where they differ), so negotiation can only pick `kex`. Used by the
/// group-exchange test, as ssh-audit's does.
std::vector<std::uint8_t> build_ssh_kexinit_for(const SshKexInit& server, std::string_view kex,
                                                const std::array<std::uint8_t, 16>& cookie = {});

/// One SSH_MSG_KEX_DH_GEX_REQUEST packet (RFC 4419 §3): uint32 min, n, max (bits).
std::vector<std::uint8_t> build_ssh_gex_request(std::uint32_t min, std::uint32_t n, std::uint32_t max);

// ---- parsers ---------------------------------------------------------------------------------

/// Parses the server's identification, skipping lines sent before it (RFC 4253 §4.2). Lines end
/// in CR LF or LF alone. need_more until the identification line has ended. invalid when: a NUL
/// byte appears; a line before the identification exceeds kSshMaxPreIdentLine; the
/// identification line exceeds kSshMaxIdentLine or contains a control byte; protoversion is
/// empty, contains a space or is not followed by '-' ("SSH-2.0\r\n"); more than
/// kSshMaxIdentBlock bytes arrive without an identification line. A line is the identification
/// when it starts with "SSH-"; softwareversion runs to the first space (so "Cisco-1.25", which
/// breaks RFC 4253's no-minus rule, is kept whole). On done,
/// `consumed` counts every byte up to and including the identification line's LF.
Parse parse_ssh_ident(Bytes in, SshIdent& out, std::size_t& consumed) noexcept;

/// Parses the first binary packet(s) after the identification line: up to
/// kSshMaxSkippedPackets SSH_MSG_IGNORE/DEBUG packets, then an SSH_MSG_KEXINIT (RFC 4253 §6, §7.1;
/// no MAC, nothing is encrypted yet). need_more until the whole KEXINIT packet is in `in`.
/// invalid when: packet_length exceeds kSshMaxPacketLength or leaves no room for the message
/// byte; padding_length >= packet_length; a packet other than IGNORE/DEBUG/KEXINIT comes first
/// (e.g. SSH_MSG_DISCONNECT); a name-list runs past the payload, has an empty name, a name over
/// kSshMaxNameLength, or a byte outside printable ASCII; the payload ends before `reserved`.
/// Bytes after `reserved` inside the payload are ignored (RFC 4253 leaves no room for them, but
/// they do not change what was offered). On done, `consumed` = all packets up to and including
/// the KEXINIT. padding_length < 4 and misaligned packets are accepted: they do not hinder
/// parsing and a scanner should describe such a server, not refuse it.
Parse parse_ssh_kexinit(Bytes in, SshKexInit& out, std::size_t& consumed) noexcept;

/// The server's answer to a group-exchange request: SSH_MSG_KEX_DH_GEX_GROUP (RFC 4419 §3: mpint p,
/// mpint g) or SSH_MSG_DISCONNECT (RFC 4253 §11.1: uint32 reason, string description, string
/// language), which servers send for a request they refuse (OpenSSH: max below 2048).
struct SshGexReply {
  bool disconnected = false;
  std::uint32_t reason = 0;          ///< disconnect reason code
  std::string description;           ///< disconnect description, at most 256 bytes kept
  std::vector<std::uint8_t> prime;   ///< p, big-endian, without leading zero bytes
  std::vector<std::uint8_t> generator;  ///< g, big-endian, without leading zero bytes
  int prime_bits = 0;                ///< bits of p
};

/// Parses the packets the server sends after its KEXINIT once we asked for a group: up to
/// kSshMaxSkippedPackets IGNORE/DEBUG, then KEX_DH_GEX_GROUP or DISCONNECT (framing as
/// parse_ssh_kexinit, which must have consumed the server's KEXINIT). invalid when: the framing
/// is broken; another message comes; p or g is not a positive mpint (RFC 4251 §5: a leading 0x00
/// only when the top bit is set), p is over kSshMaxGexPrimeBits or even, g < 2 or g >= p; the
/// payload ends early. On done, `consumed` counts every packet up to and including the answer.
Parse parse_ssh_gex_reply(Bytes in, SshGexReply& out, std::size_t& consumed) noexcept;

// ---- host keys (RFC 4253 §6.6) -------------------------------------------------------------

/// The key type a host-key algorithm uses, as crypto policies name it: "rsa" (ssh-rsa, rsa-sha2-*,
/// their certificates), "dsa", "ecdsa" (ecdsa-sha2-*, sk-ecdsa-*), "ed25519", "ed448"; "" otherwise.
std::string ssh_host_key_type(std::string_view algorithm);

/// What a public key blob ("string type, ..." as RFC 4253 §6.6 and RFC 5656 §3.1 encode it) says.
struct SshHostKey {
  std::string type;  ///< the blob's own type string ("ssh-rsa", "ecdsa-sha2-nistp256", "ssh-ed25519")
  int bits = 0;      ///< RSA modulus / DSA p length without leading zeros; ECDSA curve size; 256 for Ed25519
};

/// Reads a public key blob of at most 16 KiB. nullopt when it is malformed or of a type not listed
/// above (certificates included: their key sits behind a nonce).
std::optional<SshHostKey> parse_ssh_host_key(Bytes blob) noexcept;
/// Decodes standard base64 (as ssh_pki_export_pubkey_base64 writes it); nullopt on any other byte.
std::optional<std::vector<std::uint8_t>> ssh_base64_decode(std::string_view text);
/// "SHA256:" + unpadded base64 of SHA-256(blob): the fingerprint OpenSSH prints.
std::string ssh_fingerprint_sha256(Bytes blob);

// ---- observations ----------------------------------------------------------------------------

/// Observations for one server (keys at the top of this file). Identification keys carry
/// evidence kind "banner" with the identification line as excerpt; KEXINIT keys carry kind
/// "handshake" with the name-list as sent (comma-joined) as excerpt.
std::vector<Observation> ssh_observations(const SshResult& result, const Endpoint& endpoint);

}  // namespace trustscan
