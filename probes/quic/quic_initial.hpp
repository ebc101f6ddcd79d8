// trustscan — QUIC Initial packets of a capture: the TLS hellos inside them (capture replay).
//
// A QUIC connection starts with Initial packets (RFC 9000 section 17.2.2) whose keys anyone can
// derive from the Destination Connection ID of the client's first Initial (RFC 9001 section 5.2;
// QUIC v2: RFC 9369 section 3.3 has its own salt and labels). The TLS ClientHello and the
// ServerHello travel in their CRYPTO frames. This room removes header protection (AES-128-ECB
// mask, RFC 9001 section 5.4), decrypts the payload (AES-128-GCM), walks the frames an Initial may
// hold (PADDING, PING, ACK, CRYPTO, CONNECTION_CLOSE) and reassembles each side's CRYPTO bytes by
// offset across packets and datagrams, so the existing ClientHello / ServerHello dissectors
// (probes/tls/) read them. Handshake, 0-RTT and 1-RTT packets are skipped: their keys come from
// the TLS key exchange, which a capture does not have.
//
// Pure and bounded (docs/probes.md): no I/O; libcrypto (HKDF through EVP_KDF "HKDF", AES through
// EVP) only computes. Per connection and side at most kQuicMaxCryptoBytes of CRYPTO data and
// kQuicMaxCryptoRanges separate ranges are kept; a datagram holds at most kQuicMaxCoalesced
// packets; nothing here allocates more than the datagram's size plus those caps.
#pragma once

#include "trustscan/parse.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace trustscan {

inline constexpr std::uint32_t kQuicV1 = 0x00000001;  ///< RFC 9000
inline constexpr std::uint32_t kQuicV2 = 0x6b3343cf;  ///< RFC 9369
inline constexpr std::size_t kQuicMaxCryptoBytes = 16384;  ///< per side: a ClientHello fits a TLS record
inline constexpr std::size_t kQuicMaxCryptoRanges = 64;
inline constexpr std::size_t kQuicMaxCoalesced = 8;
inline constexpr std::size_t kQuicMaxCidBytes = 20;  ///< RFC 9000 section 17.2 (v1 and v2)

/// "QUICv1", "QUICv2", or the version in hex ("0xff00001d").
std::string quic_version_name(std::uint32_t version);

/// Long-header packet types in v1 numbering (v2 puts them on other bits: RFC 9369 section 3.2).
enum class QuicPacketType : std::uint8_t { initial = 0, zero_rtt = 1, handshake = 2, retry = 3 };

/// One direction's Initial packet protection keys.
struct QuicInitialKeys {
  std::array<std::uint8_t, 16> key{};  ///< AEAD_AES_128_GCM key
  std::array<std::uint8_t, 12> iv{};
  std::array<std::uint8_t, 16> hp{};   ///< header protection key (AES-128-ECB)
};

/// The Initial keys of one side (server = false: what the client sends with) from the client's
/// first Destination Connection ID. False for another version than v1 / v2, a DCID longer than
/// 20 bytes, or when libcrypto fails.
bool quic_initial_keys(std::uint32_t version, Bytes dcid, bool server, QuicInitialKeys& out) noexcept;

/// The cheap test for every UDP payload: does it start with a v1 / v2 long-header Initial packet
/// (header form and fixed bit set, known version, Initial type)? Reads at most 5 bytes.
bool quic_initial_candidate(Bytes datagram) noexcept;

/// The unprotected fields of one long-header packet at the start of `in`.
struct QuicLongHeader {
  std::uint32_t version = 0;
  QuicPacketType type = QuicPacketType::initial;
  Bytes dcid, scid, token;    ///< token: Initial only
  std::size_t pn_offset = 0;  ///< where the (protected) packet number starts
  std::size_t length = 0;     ///< bytes of this packet; coalesced packets follow it in the datagram
};

/// Parses the long header of the packet at the start of `in` (v1 or v2; Retry and Version
/// Negotiation are invalid here: they carry no CRYPTO frames). invalid: not such a packet, a
/// connection ID over 20 bytes, or a Length past the end of `in` (a datagram is never continued).
Parse quic_parse_long_header(Bytes in, QuicLongHeader& out) noexcept;

/// Removes the header protection of the Initial packet `packet` (its first h.length bytes) and
/// decrypts its payload into `plaintext`. `largest_pn` is the largest packet number seen before
/// in that direction (-1: none), to expand the truncated number (RFC 9000 appendix A.3); `pn` is
/// the result. False when the packet is too short for a sample or the AEAD tag does not match.
bool quic_open_initial(Bytes packet, const QuicLongHeader& h, const QuicInitialKeys& keys, std::int64_t largest_pn,
                       std::uint64_t& pn, std::vector<std::uint8_t>& plaintext) noexcept;

struct QuicCryptoFrame {
  std::uint64_t offset = 0;
  Bytes data;  ///< into the plaintext
};

/// What the frames of one Initial packet held.
struct QuicInitialFrames {
  static constexpr std::size_t kMaxCrypto = 64;
  std::vector<QuicCryptoFrame> crypto;   ///< in packet order; more than kMaxCrypto: invalid
  std::size_t padding = 0, pings = 0, acks = 0;
  std::optional<std::uint64_t> close_error;  ///< CONNECTION_CLOSE (0x1c) error code
  std::string close_reason;                  ///< its reason phrase (printable excerpt, <= 128 bytes read)
};

/// Walks the frames of a decrypted Initial payload. invalid: a frame type an Initial may not hold
/// (RFC 9000 section 12.4), or a frame cut short.
Parse quic_initial_frames(Bytes payload, QuicInitialFrames& out) noexcept;

/// One side's CRYPTO stream, reassembled by offset from frames in any order (duplicates and
/// overlaps keep the bytes first seen). Bytes beyond kQuicMaxCryptoBytes are dropped.
class QuicCryptoStream {
 public:
  void add(std::uint64_t offset, Bytes data) noexcept;
  /// The bytes from offset 0 up to the first gap.
  Bytes contiguous() const noexcept;
  bool truncated() const noexcept { return truncated_; }  ///< something was dropped by the caps
  std::size_t buffered() const noexcept { return data_.size(); }

 private:
  std::vector<std::uint8_t> data_;                            // grown to the largest end seen
  std::vector<std::pair<std::size_t, std::size_t>> ranges_;   // [begin, end), sorted, disjoint
  bool truncated_ = false;
};

/// The Initial packets of one connection, fed datagram by datagram in capture order.
struct QuicConnection {
  std::uint32_t version = 0;                    ///< of the first Initial decrypted; 0 before
  std::vector<std::uint8_t> client_dcid;        ///< the Initial keys' input (changes after a Retry)
  std::optional<QuicInitialKeys> client_keys, server_keys;
  std::array<std::int64_t, 2> largest_pn{-1, -1};  ///< [0] client, [1] server
  std::array<std::size_t, 2> initial_packets{0, 0};  ///< decrypted, per side
  std::size_t undecryptable = 0;                ///< Initial packets no key opened
  std::size_t other_packets = 0;                ///< Handshake / 0-RTT packets skipped
  QuicCryptoStream client_crypto, server_crypto;
  std::optional<std::uint64_t> close_error;
  std::string close_reason;
};

/// Reads every coalesced packet of one UDP datagram of the connection (from_client: sent by the
/// side that sent the first Initial): Initial packets are decrypted and their CRYPTO frames
/// added, other long-header packets skipped, a short-header packet ends the datagram.
/// done: at least one Initial was decrypted; need_more: a QUIC datagram without one;
/// invalid: the datagram does not start with a v1 / v2 long-header packet.
Parse quic_add_datagram(QuicConnection& conn, Bytes datagram, bool from_client) noexcept;

/// The first TLS handshake message of a CRYPTO stream, wrapped in one TLS handshake record
/// (content type 22, record version `record_version`) so the TLS record parsers of probes/tls/
/// read it. Empty while the message is incomplete, or when it is longer than a record holds.
std::vector<std::uint8_t> quic_handshake_record(Bytes crypto, std::uint16_t record_version);

}  // namespace trustscan
