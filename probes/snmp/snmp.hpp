// trustscan — SNMP v1/v2c request builders and response parser over a small BER codec (pure).
//
// The SNMP probe sends a GetRequest for the system group with a well-known community ("public",
// "private"…) over UDP; any GetResponse proves the community is accepted (NIST IR 8259A/8425: no
// default credentials). Opt-in only, the probe may write a varbind back with its own current
// value (build_snmp_set) to show the community is writable without changing the device.
//
//   scanner ── GetRequest  v2c "public" 1.3.6.1.2.1.1.{1,2,5}.0 ──► agent :161
//   scanner ◄────────────── GetResponse (parse_snmp_response) ──────
//
// Datagram parsers (docs/probes.md): one call per UDP payload; a datagram is never completed
// later, so a truncated or oversize message is invalid, never need_more.
//
// Observation keys (snmp_observations, only for a GetResponse):
//   snmp.community      string  the community the agent answered (echoed in its response)
//   snmp.version        string  "v1" or "v2c"
//   snmp.sys_descr      string  1.3.6.1.2.1.1.1.0 sysDescr, when returned with a value
//   snmp.sys_object_id  string  1.3.6.1.2.1.1.2.0 sysObjectID (dotted OID)
//   snmp.sys_name       string  1.3.6.1.2.1.1.5.0 sysName
#pragma once

#include "trustscan/parse.hpp"
#include "trustscan/types.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace trustscan {

/// A minimal BER (X.690) codec: definite lengths only, single-byte tags, long-form lengths of
/// at most 4 bytes. Enough for SNMP v1/v2c, nothing more.
namespace ber {

/// Largest message or TLV accepted, in bytes (the largest UDP payload SNMP agents send).
inline constexpr std::size_t kMaxSize = 65535;
/// Deepest nesting of constructed TLVs accepted by validate(); SNMP needs 4
/// (message ▸ PDU ▸ varbind list ▸ varbind).
inline constexpr std::size_t kMaxDepth = 8;
/// Most sub-identifiers in an OID (RFC 2578 §3.5 allows 128).
inline constexpr std::size_t kMaxOidArcs = 128;

// Universal, SNMP PDU (context, constructed) and SNMP application tags.
inline constexpr std::uint8_t kInteger = 0x02, kOctetString = 0x04, kNull = 0x05, kOid = 0x06,
                              kSequence = 0x30;
inline constexpr std::uint8_t kGetRequest = 0xa0, kGetNextRequest = 0xa1, kGetResponse = 0xa2,
                              kSetRequest = 0xa3, kGetBulkRequest = 0xa5, kInformRequest = 0xa6,
                              kTrapV2 = 0xa7, kReport = 0xa8;
inline constexpr std::uint8_t kIpAddress = 0x40, kCounter32 = 0x41, kGauge32 = 0x42,
                              kTimeTicks = 0x43, kOpaque = 0x44, kCounter64 = 0x46;
inline constexpr std::uint8_t kNoSuchObject = 0x80, kNoSuchInstance = 0x81, kEndOfMibView = 0x82;

/// One decoded TLV. `value` points into the input span (borrowed: valid while it is).
struct Tlv {
  std::uint8_t tag = 0;
  Bytes value;
  std::size_t size = 0;  ///< header + value bytes
};

/// Reads the TLV at the start of `in`. need_more when the header or value is not complete yet;
/// invalid for a multi-byte tag, an indefinite length (0x80), a length field over 4 bytes, or a
/// length over kMaxSize. Trailing bytes after the TLV are left to the caller.
Parse read_tlv(Bytes in, Tlv& out) noexcept;

/// Checks that `in` is exactly a sequence of well-formed TLVs, descending into constructed ones
/// (tag bit 0x20) without recursion, at most `max_depth` levels deep, each child ending exactly
/// where its parent does. `max_depth` is clamped to 63. Returns false on any violation
/// (including truncation). Cost: one pass over `in`, a fixed 64-entry stack.
bool validate(Bytes in, std::size_t max_depth = kMaxDepth) noexcept;

/// Two's-complement INTEGER of 1..8 content bytes. False when empty or longer.
bool decode_integer(Bytes v, std::int64_t& out) noexcept;
/// Non-negative INTEGER-like value (Counter32/Gauge32/TimeTicks/Counter64): 1..9 content bytes
/// (a leading zero for values with the top bit set). False when negative, empty or > 64 bits.
bool decode_unsigned(Bytes v, std::uint64_t& out) noexcept;
/// OBJECT IDENTIFIER content to dotted text ("1.3.6.1.2.1.1.1.0"). False when empty, when a
/// sub-identifier is unterminated, non-minimal (leading 0x80) or over 64 bits, or when there
/// are more than kMaxOidArcs arcs.
bool decode_oid(Bytes v, std::string& out) noexcept;

/// Dotted text to OID content bytes. False (and `out` unspecified) unless there are 2..128
/// decimal arcs, the first is 0..2, the second is < 40 when the first is 0 or 1, and each arc
/// fits in 32 bits (SNMP's limit on sub-identifiers).
bool encode_oid(std::string_view dotted, std::vector<std::uint8_t>& out);
/// Appends tag, definite length (short form below 128, long form otherwise) and value.
void append_tlv(std::vector<std::uint8_t>& out, std::uint8_t tag, Bytes value);
/// Appends an INTEGER in minimal two's complement.
void append_integer(std::vector<std::uint8_t>& out, std::int64_t v);

}  // namespace ber

/// Most varbinds kept from one message; later ones are validated, counted, not stored.
inline constexpr std::size_t kSnmpMaxVarbinds = 64;
/// Longest rendered varbind value or community kept, in bytes of input; longer ones are cut.
inline constexpr std::size_t kSnmpMaxValue = 1024;

/// Protocol versions as carried in the message (RFC 1157 / RFC 1901).
inline constexpr int kSnmpV1 = 0;
inline constexpr int kSnmpV2c = 1;

/// Well-known system-group OIDs.
inline constexpr std::string_view kOidSysDescr = "1.3.6.1.2.1.1.1.0";
inline constexpr std::string_view kOidSysObjectId = "1.3.6.1.2.1.1.2.0";
inline constexpr std::string_view kOidSysName = "1.3.6.1.2.1.1.5.0";
inline constexpr std::string_view kOidSysLocation = "1.3.6.1.2.1.1.6.0";

/// One variable binding, rendered for reports.
struct SnmpVarbind {
  std::string oid;    ///< dotted
  /// "INTEGER", "OCTET STRING", "NULL", "OBJECT IDENTIFIER", "IpAddress", "Counter32",
  /// "Gauge32", "TimeTicks", "Opaque", "Counter64", "noSuchObject", "noSuchInstance",
  /// "endOfMibView", or "tag 0xNN" for anything else.
  std::string type;
  /// Decimal for numbers, dotted for OIDs and IpAddress, empty for NULL and the exceptions.
  /// OCTET STRING: the text when it is printable UTF-8 (\r \n \t allowed; trailing NULs, which
  /// some embedded agents append, are dropped), else lowercase hex pairs separated by spaces
  /// with `hex` set; Opaque and unknown tags are always hex.
  /// Cut at kSnmpMaxValue input bytes.
  std::string value;
  bool hex = false;
  /// OCTET STRING only: `value` is byte for byte the content (printable, nothing trimmed or
  /// cut). Check this, not just !hex, before writing a value back with build_snmp_set.
  bool exact = false;
};

/// A decoded v1/v2c message with the common PDU layout (every PDU but the v1 Trap).
struct SnmpResponse {
  int version = kSnmpV1;                 ///< kSnmpV1 or kSnmpV2c
  std::string community;                 ///< printable ASCII kept; other bytes and '\' as \xNN
  std::uint8_t pdu_type = 0;             ///< ber::kGetResponse, ber::kReport…
  std::int64_t request_id = 0;
  std::int64_t error_status = 0;         ///< 0 noError, 2 noSuchName (v1), 6 noAccess…
  std::int64_t error_index = 0;
  std::vector<SnmpVarbind> varbinds;     ///< at most kSnmpMaxVarbinds
  std::size_t varbind_count = 0;         ///< varbinds in the message, including unstored ones
  std::vector<std::uint8_t> raw;         ///< first Evidence::kMaxExcerpt bytes of the datagram
};

/// GetRequest for `oids` (dotted text). `version` is kSnmpV1 or kSnmpV2c. Returns an empty
/// vector when the version is unknown, an OID does not encode, there are no OIDs or more than
/// kSnmpMaxVarbinds, or the community is over 255 bytes.
std::vector<std::uint8_t> build_snmp_get(int version, std::string_view community,
                                         std::int32_t request_id,
                                         const std::vector<std::string>& oids);
/// GetNextRequest, same arguments and failures as build_snmp_get (for walking a subtree).
std::vector<std::uint8_t> build_snmp_get_next(int version, std::string_view community,
                                              std::int32_t request_id,
                                              const std::vector<std::string>& oids);
/// SetRequest of one OID to an OCTET STRING `value` (at most kSnmpMaxValue bytes). The scanner
/// uses it opt-in only, writing back a value it just read. Empty vector on the same failures.
std::vector<std::uint8_t> build_snmp_set(int version, std::string_view community,
                                         std::int32_t request_id, std::string_view oid,
                                         std::string_view value);

/// Any v1/v2c message with the common PDU layout (Get/GetNext/Response/Set/GetBulk/Inform/
/// TrapV2/Report). invalid when the datagram is not exactly one well-formed BER message
/// (ber::validate), is over ber::kMaxSize, has a version other than 0 or 1 (v3 is not
/// decoded), a v1 Trap PDU (0xa4), or a malformed varbind.
Parse parse_snmp_message(Bytes in, SnmpResponse& out) noexcept;

/// What an agent sends back: like parse_snmp_message, but only GetResponse (0xa2) and Report
/// (0xa8) are done; any other PDU is invalid.
Parse parse_snmp_response(Bytes in, SnmpResponse& out) noexcept;

/// Observations for one GetResponse (keys at the top of this file); nothing for other PDUs.
/// The system-group keys are emitted only when error_status is 0 and the varbind has a value
/// (not NULL or an exception such as noSuchObject).
std::vector<Observation> snmp_observations(const SnmpResponse& response, const Endpoint& endpoint);

}  // namespace trustscan
