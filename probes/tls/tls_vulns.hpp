// trustscan — the intrusive TLS vulnerability probes, pure part: the records they send and the
// reading of what the server answers (the I/O: tls_vuln_analyzer.cpp).
//
//   Heartbleed (CVE-2014-0160)   after the server's flight, a heartbeat request whose
//                                payload_length (16384) exceeds the 3 bytes of its record: a
//                                heartbeat response longer than the request is memory read past it
//   CCS injection (CVE-2014-0224) a ChangeCipherSpec right after ServerHelloDone, before any key
//                                exchange: a correct server answers unexpected_message (or closes);
//                                a vulnerable one takes it in silence and fails the next record
//                                (bad_record_mac / decryption_failed)
//   ROBOT (CVE-2017-13099 family) ClientKeyExchange with PKCS#1 v1.5 paddings correct and broken
//                                (Böck, Somorovsky, Young 2018): different answers are an oracle
//
// Every parser here is bounded like the flight parser (tls.hpp): records of at most
// kTlsMaxRecordLength, at most kTlsMaxRecords of them.
#pragma once

#include "probes/tls/tls.hpp"
#include "trustscan/types.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace trustscan {

/// Payload length a Heartbleed request claims (what testssl.sh and nmap claim): 16 KiB.
inline constexpr std::uint16_t kHeartbleedClaimedLength = 0x4000;
/// Bytes of the request record's body: type (1), payload_length (2), no payload, no padding.
inline constexpr std::size_t kHeartbleedRequestBody = 3;
/// Bytes of a leaked heartbeat response kept for the evidence (the rest is counted, never kept).
inline constexpr std::size_t kHeartbeatPrefixKept = 8;

/// A heartbeat_request record (content type 24) at `record_version` claiming
/// kHeartbleedClaimedLength bytes of payload while carrying none.
std::vector<std::uint8_t> build_heartbleed_request(std::uint16_t record_version);

/// A ChangeCipherSpec record (content type 20, body 0x01) at `record_version`.
std::vector<std::uint8_t> build_change_cipher_spec(std::uint16_t record_version);

/// What came back after one of the records above, up to the first alert or heartbeat record.
struct TlsReply {
  std::optional<TlsAlert> alert;  ///< the first alert record's first alert
  /// The first heartbeat record: its length (body bytes) and the first kHeartbeatPrefixKept
  /// of its body (never more of it).
  std::optional<std::size_t> heartbeat_length;
  std::vector<std::uint8_t> heartbeat_prefix;
  std::size_t records = 0;            ///< complete records read
  std::size_t other_records = 0;      ///< handshake, ChangeCipherSpec, application data: skipped
};

/// Reads records from `in` (everything received after the flight). done at the first complete
/// alert or heartbeat record (`consumed` = the end of that record); need_more before; invalid
/// when a record header is not TLS (content type 20..24, version 3.x, length 1..
/// kTlsMaxRecordLength) or more than kTlsMaxRecords records come. `out` is reset every call.
Parse parse_tls_reply(Bytes in, TlsReply& out, std::size_t& consumed) noexcept;

/// Heartbleed's verdict on a reply: a heartbeat record longer than the request's body.
bool heartbleed_leaked(const TlsReply& reply) noexcept;

// ---- ROBOT ------------------------------------------------------------------------------------

/// The PKCS#1 v1.5 paddings of the ROBOT paper's scan (Böck, Somorovsky, Young, USENIX 2018 §4):
enum class RobotVariant : std::uint8_t {
  correct,          ///< 00 02 <nonzero> 00 <version> <46 bytes>: a well-formed premaster secret
  wrong_first,      ///< 41 17 <nonzero> 00 <version> <46>: the 0x0002 prefix broken
  zero_misplaced,   ///< 00 02 <nonzero> 00 ... : the 0x00 separator 11 bytes early (wrong length)
  no_zero,          ///< 00 02 <nonzero, no 00 at all>
  wrong_version,    ///< 00 02 <nonzero> 00 02 02 <46>: premaster secret with the wrong version
};
inline constexpr RobotVariant kRobotVariants[] = {RobotVariant::correct, RobotVariant::wrong_first,
                                                  RobotVariant::zero_misplaced, RobotVariant::no_zero,
                                                  RobotVariant::wrong_version};
/// "correct", "wrong first bytes", "0x00 misplaced", "no 0x00", "wrong version".
std::string_view to_string(RobotVariant v) noexcept;

/// The padded plaintext (`modulus_bytes` long) of `v` for `client_version` (the version the
/// ClientHello offered; the premaster secret starts with it). `filler` supplies the nonzero
/// padding and the secret's random bytes (any bytes: zeros are replaced). Empty when
/// modulus_bytes < 64.
std::vector<std::uint8_t> robot_plaintext(RobotVariant v, std::size_t modulus_bytes, std::uint16_t client_version,
                                          std::span<const std::uint8_t> filler);

/// RSA public-key operation without padding (m^e mod n) with the key of `certificate_der`
/// (OpenSSL). nullopt when the certificate does not parse, its key is not RSA, or `plaintext`
/// is not exactly the modulus size.
std::optional<std::vector<std::uint8_t>> rsa_encrypt_raw(Bytes certificate_der, Bytes plaintext);
/// The RSA modulus size in bytes of the certificate's key, or 0 when it is not RSA.
std::size_t rsa_modulus_bytes(Bytes certificate_der);

/// The client's second flight of an RSA handshake: ClientKeyExchange carrying `encrypted`
/// (with its 2-byte length at TLS 1.0 and later, bare at SSLv3 0x0300), ChangeCipherSpec, and a Finished record of 40
/// bytes that cannot decrypt (the keys are unknown: the server's answer to it is the point).
std::vector<std::uint8_t> build_robot_flight(std::uint16_t record_version, Bytes encrypted);

/// One answer to a ROBOT flight, as compared across variants: "alert:<name>" for the first
/// alert; "close" (closed or reset first), "timeout", or "other" (records but no alert).
std::string robot_answer(const TlsReply& reply, Parse state, Status status);

/// The oracle, given each variant's answer in kRobotVariants order: true when they differ.
bool robot_oracle(const std::vector<std::string>& answers) noexcept;

}  // namespace trustscan
