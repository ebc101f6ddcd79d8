// SNMP v1/v2c builders, BER codec and response parser (probes/snmp/snmp.hpp).
//
// Captured bytes: net-snmp snmpd 5.9.3 (Debian 12 package), run as
//   SNMP_PERSISTENT_DIR=/tmp/x snmpd -f -Lo -C -c /tmp/x/snmpd.conf udp:127.0.0.1:16161
// with snmpd.conf = `rocommunity public 127.0.0.1`, `rwcommunity private 127.0.0.1`,
// `sysName trustscan-lab`, `sysContact lab@example.invalid`. A python3 UDP socket script sent the
// exact bytes of build_snmp_get / build_snmp_get_next / build_snmp_set (the kReq* arrays, which
// the first test checks byte-for-byte against the builders) and recorded each reply datagram.
// A GetRequest with community "notacommunity" got no reply at all (net-snmp drops it silently).
#include "tests/parsers/parser_support.hpp"
#include "probes/snmp/snmp.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

using namespace trustscan;
using trustscan::test::bytes_of;
using trustscan::test::find;

namespace {

// ---- captured replies (names: the request that produced them) ----------------------------------

// v2c "public" GetRequest sysDescr, sysObjectID, sysName (request id 0x1234).
const std::uint8_t kSnmpGetV2cPublic[] = {
    0x30, 0x81, 0x94, 0x02, 0x01, 0x01, 0x04, 0x06, 0x70, 0x75, 0x62, 0x6c, 0x69, 0x63, 0xa2, 0x81,
    0x86, 0x02, 0x02, 0x12, 0x34, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00, 0x30, 0x7a, 0x30, 0x45, 0x06,
    0x08, 0x2b, 0x06, 0x01, 0x02, 0x01, 0x01, 0x01, 0x00, 0x04, 0x39, 0x4c, 0x69, 0x6e, 0x75, 0x78,
    0x20, 0x76, 0x6d, 0x20, 0x36, 0x2e, 0x31, 0x38, 0x2e, 0x34, 0x34, 0x2d, 0x66, 0x63, 0x2d, 0x76,
    0x36, 0x36, 0x39, 0x20, 0x23, 0x31, 0x20, 0x53, 0x4d, 0x50, 0x20, 0x50, 0x52, 0x45, 0x45, 0x4d,
    0x50, 0x54, 0x5f, 0x44, 0x59, 0x4e, 0x41, 0x4d, 0x49, 0x43, 0x20, 0x40, 0x30, 0x20, 0x78, 0x38,
    0x36, 0x5f, 0x36, 0x34, 0x30, 0x16, 0x06, 0x08, 0x2b, 0x06, 0x01, 0x02, 0x01, 0x01, 0x02, 0x00,
    0x06, 0x0a, 0x2b, 0x06, 0x01, 0x04, 0x01, 0xbf, 0x08, 0x03, 0x02, 0x0a, 0x30, 0x19, 0x06, 0x08,
    0x2b, 0x06, 0x01, 0x02, 0x01, 0x01, 0x05, 0x00, 0x04, 0x0d, 0x74, 0x72, 0x75, 0x73, 0x74, 0x73,
    0x63, 0x61, 0x6e, 0x2d, 0x6c, 0x61, 0x62,
};

// Same request as v1 (request id 0x1235).
const std::uint8_t kSnmpGetV1Public[] = {
    0x30, 0x81, 0x94, 0x02, 0x01, 0x00, 0x04, 0x06, 0x70, 0x75, 0x62, 0x6c, 0x69, 0x63, 0xa2, 0x81,
    0x86, 0x02, 0x02, 0x12, 0x35, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00, 0x30, 0x7a, 0x30, 0x45, 0x06,
    0x08, 0x2b, 0x06, 0x01, 0x02, 0x01, 0x01, 0x01, 0x00, 0x04, 0x39, 0x4c, 0x69, 0x6e, 0x75, 0x78,
    0x20, 0x76, 0x6d, 0x20, 0x36, 0x2e, 0x31, 0x38, 0x2e, 0x34, 0x34, 0x2d, 0x66, 0x63, 0x2d, 0x76,
    0x36, 0x36, 0x39, 0x20, 0x23, 0x31, 0x20, 0x53, 0x4d, 0x50, 0x20, 0x50, 0x52, 0x45, 0x45, 0x4d,
    0x50, 0x54, 0x5f, 0x44, 0x59, 0x4e, 0x41, 0x4d, 0x49, 0x43, 0x20, 0x40, 0x30, 0x20, 0x78, 0x38,
    0x36, 0x5f, 0x36, 0x34, 0x30, 0x16, 0x06, 0x08, 0x2b, 0x06, 0x01, 0x02, 0x01, 0x01, 0x02, 0x00,
    0x06, 0x0a, 0x2b, 0x06, 0x01, 0x04, 0x01, 0xbf, 0x08, 0x03, 0x02, 0x0a, 0x30, 0x19, 0x06, 0x08,
    0x2b, 0x06, 0x01, 0x02, 0x01, 0x01, 0x05, 0x00, 0x04, 0x0d, 0x74, 0x72, 0x75, 0x73, 0x74, 0x73,
    0x63, 0x61, 0x6e, 0x2d, 0x6c, 0x61, 0x62,
};

// v1 GetRequest for 1.3.6.1.2.1.1.99.0, which does not exist: noSuchName.
const std::uint8_t kSnmpGetV1Missing[] = {
    0x30, 0x27, 0x02, 0x01, 0x00, 0x04, 0x06, 0x70, 0x75, 0x62, 0x6c, 0x69, 0x63, 0xa2, 0x1a, 0x02,
    0x02, 0x12, 0x36, 0x02, 0x01, 0x02, 0x02, 0x01, 0x01, 0x30, 0x0e, 0x30, 0x0c, 0x06, 0x08, 0x2b,
    0x06, 0x01, 0x02, 0x01, 0x01, 0x63, 0x00, 0x05, 0x00,
};

// v2c GetRequest for two missing OIDs: noSuchObject exceptions.
const std::uint8_t kSnmpGetV2cMissing[] = {
    0x30, 0x37, 0x02, 0x01, 0x01, 0x04, 0x06, 0x70, 0x75, 0x62, 0x6c, 0x69, 0x63, 0xa2, 0x2a, 0x02,
    0x02, 0x12, 0x37, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00, 0x30, 0x1e, 0x30, 0x0c, 0x06, 0x08, 0x2b,
    0x06, 0x01, 0x02, 0x01, 0x01, 0x63, 0x00, 0x80, 0x00, 0x30, 0x0e, 0x06, 0x0a, 0x2b, 0x06, 0x01,
    0x04, 0x01, 0x86, 0x8d, 0x1f, 0x01, 0x00, 0x80, 0x00,
};

// v2c GetNextRequest 1.3.6.1.2.1.2.2.1.6 (ifPhysAddress): first instance, lo.
const std::uint8_t kSnmpGetnextV2c[] = {
    0x30, 0x29, 0x02, 0x01, 0x01, 0x04, 0x06, 0x70, 0x75, 0x62, 0x6c, 0x69, 0x63, 0xa2, 0x1c, 0x02,
    0x02, 0x12, 0x39, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00, 0x30, 0x10, 0x30, 0x0e, 0x06, 0x0a, 0x2b,
    0x06, 0x01, 0x02, 0x01, 0x02, 0x02, 0x01, 0x06, 0x01, 0x04, 0x00,
};

// v2c GetRequest sysUpTime, ipAdEntAddr.127.0.0.1, sysServices, ifHCInOctets.1,
// ifPhysAddress.1: TimeTicks, IpAddress, noSuchInstance, Counter64, empty OCTET STRING.
const std::uint8_t kSnmpGetV2cMisc[] = {
    0x30, 0x73, 0x02, 0x01, 0x01, 0x04, 0x06, 0x70, 0x75, 0x62, 0x6c, 0x69, 0x63, 0xa2, 0x66, 0x02,
    0x02, 0x12, 0x3b, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00, 0x30, 0x5a, 0x30, 0x0e, 0x06, 0x08, 0x2b,
    0x06, 0x01, 0x02, 0x01, 0x01, 0x03, 0x00, 0x43, 0x02, 0x02, 0x97, 0x30, 0x15, 0x06, 0x0d, 0x2b,
    0x06, 0x01, 0x02, 0x01, 0x04, 0x14, 0x01, 0x01, 0x7f, 0x00, 0x00, 0x01, 0x40, 0x04, 0x7f, 0x00,
    0x00, 0x01, 0x30, 0x0c, 0x06, 0x08, 0x2b, 0x06, 0x01, 0x02, 0x01, 0x01, 0x07, 0x00, 0x81, 0x00,
    0x30, 0x13, 0x06, 0x0b, 0x2b, 0x06, 0x01, 0x02, 0x01, 0x1f, 0x01, 0x01, 0x01, 0x06, 0x01, 0x46,
    0x04, 0x03, 0x75, 0x8c, 0x28, 0x30, 0x0e, 0x06, 0x0a, 0x2b, 0x06, 0x01, 0x02, 0x01, 0x02, 0x02,
    0x01, 0x06, 0x01, 0x04, 0x00,
};

// v2c "private" SetRequest sysLocation.0 = "Unknown" (its own value): accepted.
const std::uint8_t kSnmpSetV2cLoc[] = {
    0x30, 0x2f, 0x02, 0x01, 0x01, 0x04, 0x07, 0x70, 0x72, 0x69, 0x76, 0x61, 0x74, 0x65, 0xa2, 0x21,
    0x02, 0x02, 0x12, 0x3c, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00, 0x30, 0x15, 0x30, 0x13, 0x06, 0x08,
    0x2b, 0x06, 0x01, 0x02, 0x01, 0x01, 0x06, 0x00, 0x04, 0x07, 0x55, 0x6e, 0x6b, 0x6e, 0x6f, 0x77,
    0x6e,
};

// The same SetRequest with "public" (read-only): error-status noAccess (6).
const std::uint8_t kSnmpSetV2cRo[] = {
    0x30, 0x2e, 0x02, 0x01, 0x01, 0x04, 0x06, 0x70, 0x75, 0x62, 0x6c, 0x69, 0x63, 0xa2, 0x21, 0x02,
    0x02, 0x12, 0x3d, 0x02, 0x01, 0x06, 0x02, 0x01, 0x01, 0x30, 0x15, 0x30, 0x13, 0x06, 0x08, 0x2b,
    0x06, 0x01, 0x02, 0x01, 0x01, 0x06, 0x00, 0x04, 0x07, 0x55, 0x6e, 0x6b, 0x6e, 0x6f, 0x77, 0x6e,
};

// v2c "private" GetRequest sysLocation.0 before the write-back.
const std::uint8_t kSnmpGetV2cLoc[] = {
    0x30, 0x2f, 0x02, 0x01, 0x01, 0x04, 0x07, 0x70, 0x72, 0x69, 0x76, 0x61, 0x74, 0x65, 0xa2, 0x21,
    0x02, 0x02, 0x12, 0x3a, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00, 0x30, 0x15, 0x30, 0x13, 0x06, 0x08,
    0x2b, 0x06, 0x01, 0x02, 0x01, 0x01, 0x06, 0x00, 0x04, 0x07, 0x55, 0x6e, 0x6b, 0x6e, 0x6f, 0x77,
    0x6e,
};

// ---- builder output sent to snmpd ---------------------------------------------------------

const std::uint8_t kReqSnmpGetV2cPublic[] = {
    0x30, 0x43, 0x02, 0x01, 0x01, 0x04, 0x06, 0x70, 0x75, 0x62, 0x6c, 0x69, 0x63, 0xa0, 0x36, 0x02,
    0x02, 0x12, 0x34, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00, 0x30, 0x2a, 0x30, 0x0c, 0x06, 0x08, 0x2b,
    0x06, 0x01, 0x02, 0x01, 0x01, 0x01, 0x00, 0x05, 0x00, 0x30, 0x0c, 0x06, 0x08, 0x2b, 0x06, 0x01,
    0x02, 0x01, 0x01, 0x02, 0x00, 0x05, 0x00, 0x30, 0x0c, 0x06, 0x08, 0x2b, 0x06, 0x01, 0x02, 0x01,
    0x01, 0x05, 0x00, 0x05, 0x00,
};

const std::uint8_t kReqSnmpGetV1Public[] = {
    0x30, 0x43, 0x02, 0x01, 0x00, 0x04, 0x06, 0x70, 0x75, 0x62, 0x6c, 0x69, 0x63, 0xa0, 0x36, 0x02,
    0x02, 0x12, 0x35, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00, 0x30, 0x2a, 0x30, 0x0c, 0x06, 0x08, 0x2b,
    0x06, 0x01, 0x02, 0x01, 0x01, 0x01, 0x00, 0x05, 0x00, 0x30, 0x0c, 0x06, 0x08, 0x2b, 0x06, 0x01,
    0x02, 0x01, 0x01, 0x02, 0x00, 0x05, 0x00, 0x30, 0x0c, 0x06, 0x08, 0x2b, 0x06, 0x01, 0x02, 0x01,
    0x01, 0x05, 0x00, 0x05, 0x00,
};

const std::uint8_t kReqSnmpGetV1Missing[] = {
    0x30, 0x27, 0x02, 0x01, 0x00, 0x04, 0x06, 0x70, 0x75, 0x62, 0x6c, 0x69, 0x63, 0xa0, 0x1a, 0x02,
    0x02, 0x12, 0x36, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00, 0x30, 0x0e, 0x30, 0x0c, 0x06, 0x08, 0x2b,
    0x06, 0x01, 0x02, 0x01, 0x01, 0x63, 0x00, 0x05, 0x00,
};

const std::uint8_t kReqSnmpGetV2cMissing[] = {
    0x30, 0x37, 0x02, 0x01, 0x01, 0x04, 0x06, 0x70, 0x75, 0x62, 0x6c, 0x69, 0x63, 0xa0, 0x2a, 0x02,
    0x02, 0x12, 0x37, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00, 0x30, 0x1e, 0x30, 0x0c, 0x06, 0x08, 0x2b,
    0x06, 0x01, 0x02, 0x01, 0x01, 0x63, 0x00, 0x05, 0x00, 0x30, 0x0e, 0x06, 0x0a, 0x2b, 0x06, 0x01,
    0x04, 0x01, 0x86, 0x8d, 0x1f, 0x01, 0x00, 0x05, 0x00,
};

const std::uint8_t kReqSnmpGetnextV2c[] = {
    0x30, 0x28, 0x02, 0x01, 0x01, 0x04, 0x06, 0x70, 0x75, 0x62, 0x6c, 0x69, 0x63, 0xa1, 0x1b, 0x02,
    0x02, 0x12, 0x39, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00, 0x30, 0x0f, 0x30, 0x0d, 0x06, 0x09, 0x2b,
    0x06, 0x01, 0x02, 0x01, 0x02, 0x02, 0x01, 0x06, 0x05, 0x00,
};

const std::uint8_t kReqSnmpGetV2cLoc[] = {
    0x30, 0x28, 0x02, 0x01, 0x01, 0x04, 0x07, 0x70, 0x72, 0x69, 0x76, 0x61, 0x74, 0x65, 0xa0, 0x1a,
    0x02, 0x02, 0x12, 0x3a, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00, 0x30, 0x0e, 0x30, 0x0c, 0x06, 0x08,
    0x2b, 0x06, 0x01, 0x02, 0x01, 0x01, 0x06, 0x00, 0x05, 0x00,
};

const std::uint8_t kReqSnmpGetV2cMisc[] = {
    0x30, 0x69, 0x02, 0x01, 0x01, 0x04, 0x06, 0x70, 0x75, 0x62, 0x6c, 0x69, 0x63, 0xa0, 0x5c, 0x02,
    0x02, 0x12, 0x3b, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00, 0x30, 0x50, 0x30, 0x0c, 0x06, 0x08, 0x2b,
    0x06, 0x01, 0x02, 0x01, 0x01, 0x03, 0x00, 0x05, 0x00, 0x30, 0x11, 0x06, 0x0d, 0x2b, 0x06, 0x01,
    0x02, 0x01, 0x04, 0x14, 0x01, 0x01, 0x7f, 0x00, 0x00, 0x01, 0x05, 0x00, 0x30, 0x0c, 0x06, 0x08,
    0x2b, 0x06, 0x01, 0x02, 0x01, 0x01, 0x07, 0x00, 0x05, 0x00, 0x30, 0x0f, 0x06, 0x0b, 0x2b, 0x06,
    0x01, 0x02, 0x01, 0x1f, 0x01, 0x01, 0x01, 0x06, 0x01, 0x05, 0x00, 0x30, 0x0e, 0x06, 0x0a, 0x2b,
    0x06, 0x01, 0x02, 0x01, 0x02, 0x02, 0x01, 0x06, 0x01, 0x05, 0x00,
};

const std::uint8_t kReqSnmpSetV2cLoc[] = {
    0x30, 0x2f, 0x02, 0x01, 0x01, 0x04, 0x07, 0x70, 0x72, 0x69, 0x76, 0x61, 0x74, 0x65, 0xa3, 0x21,
    0x02, 0x02, 0x12, 0x3c, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00, 0x30, 0x15, 0x30, 0x13, 0x06, 0x08,
    0x2b, 0x06, 0x01, 0x02, 0x01, 0x01, 0x06, 0x00, 0x04, 0x07, 0x55, 0x6e, 0x6b, 0x6e, 0x6f, 0x77,
    0x6e,
};

const std::uint8_t kReqSnmpSetV2cRo[] = {
    0x30, 0x2e, 0x02, 0x01, 0x01, 0x04, 0x06, 0x70, 0x75, 0x62, 0x6c, 0x69, 0x63, 0xa3, 0x21, 0x02,
    0x02, 0x12, 0x3d, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00, 0x30, 0x15, 0x30, 0x13, 0x06, 0x08, 0x2b,
    0x06, 0x01, 0x02, 0x01, 0x01, 0x06, 0x00, 0x04, 0x07, 0x55, 0x6e, 0x6b, 0x6e, 0x6f, 0x77, 0x6e,
};


std::vector<std::uint8_t> vec(Bytes b) { return {b.begin(), b.end()}; }

std::string str(const std::vector<Observation>& obs, std::string_view key) {
  const Observation* o = find(obs, key);
  REQUIRE(o != nullptr);
  return std::get<std::string>(o->value);
}

const std::vector<std::string> kSystem = {std::string(kOidSysDescr), std::string(kOidSysObjectId),
                                          std::string(kOidSysName)};

// Every captured reply, for the generic tests.
const std::vector<Bytes> kReplies = {kSnmpGetV2cPublic, kSnmpGetV1Public, kSnmpGetV1Missing,
                                     kSnmpGetV2cMissing, kSnmpGetnextV2c,  kSnmpGetV2cLoc,
                                     kSnmpGetV2cMisc,    kSnmpSetV2cLoc,   kSnmpSetV2cRo};

struct XorShift {
  std::uint64_t s = 0x2545f4914f6cdd1dull;
  std::uint64_t next() {
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    return s;
  }
};

// `depth` SEQUENCEs nested inside each other around an empty one, each with a long-form length.
std::vector<std::uint8_t> nested(std::size_t depth) {
  std::vector<std::uint8_t> v;
  for (std::size_t i = 0; i < depth; ++i) {
    std::vector<std::uint8_t> w = {0x30, 0x82, static_cast<std::uint8_t>(v.size() >> 8),
                                   static_cast<std::uint8_t>(v.size())};
    w.insert(w.end(), v.begin(), v.end());
    v = std::move(w);
  }
  return v;
}

}  // namespace

TEST_CASE("snmp: builders produce the bytes snmpd answered") {
  CHECK(build_snmp_get(kSnmpV2c, "public", 0x1234, kSystem) == vec(kReqSnmpGetV2cPublic));
  CHECK(build_snmp_get(kSnmpV1, "public", 0x1235, kSystem) == vec(kReqSnmpGetV1Public));
  CHECK(build_snmp_get(kSnmpV1, "public", 0x1236, {"1.3.6.1.2.1.1.99.0"}) ==
        vec(kReqSnmpGetV1Missing));
  CHECK(build_snmp_get(kSnmpV2c, "public", 0x1237, {"1.3.6.1.2.1.1.99.0", "1.3.6.1.4.1.99999.1.0"}) ==
        vec(kReqSnmpGetV2cMissing));
  CHECK(build_snmp_get_next(kSnmpV2c, "public", 0x1239, {"1.3.6.1.2.1.2.2.1.6"}) ==
        vec(kReqSnmpGetnextV2c));
  CHECK(build_snmp_get(kSnmpV2c, "private", 0x123a, {std::string(kOidSysLocation)}) ==
        vec(kReqSnmpGetV2cLoc));
  CHECK(build_snmp_get(kSnmpV2c, "public", 0x123b,
                       {"1.3.6.1.2.1.1.3.0", "1.3.6.1.2.1.4.20.1.1.127.0.0.1", "1.3.6.1.2.1.1.7.0",
                        "1.3.6.1.2.1.31.1.1.1.6.1", "1.3.6.1.2.1.2.2.1.6.1"}) == vec(kReqSnmpGetV2cMisc));
  CHECK(build_snmp_set(kSnmpV2c, "private", 0x123c, kOidSysLocation, "Unknown") ==
        vec(kReqSnmpSetV2cLoc));
  CHECK(build_snmp_set(kSnmpV2c, "public", 0x123d, kOidSysLocation, "Unknown") ==
        vec(kReqSnmpSetV2cRo));

  // The requests parse back as what they are; parse_snmp_response refuses them.
  SnmpResponse r;
  REQUIRE(parse_snmp_message(kReqSnmpGetV2cPublic, r) == Parse::done);
  CHECK(r.pdu_type == ber::kGetRequest);
  CHECK(r.request_id == 0x1234);
  REQUIRE(r.varbinds.size() == 3);
  CHECK(r.varbinds[1].oid == kOidSysObjectId);
  CHECK(r.varbinds[1].type == "NULL");
  CHECK(parse_snmp_response(kReqSnmpGetV2cPublic, r) == Parse::invalid);
  REQUIRE(parse_snmp_message(kReqSnmpSetV2cLoc, r) == Parse::done);
  CHECK(r.pdu_type == ber::kSetRequest);
  CHECK(r.varbinds[0].value == "Unknown");
  CHECK(snmp_observations(r, Endpoint{}).empty());  // not a GetResponse
}

TEST_CASE("snmp: builder edge cases") {
  CHECK(build_snmp_get(2, "public", 1, kSystem).empty());
  CHECK(build_snmp_get(kSnmpV2c, "public", 1, {}).empty());
  CHECK(build_snmp_get(kSnmpV2c, "public", 1, {"1.3.6.x"}).empty());
  CHECK(build_snmp_get(kSnmpV2c, std::string(256, 'c'), 1, kSystem).empty());
  CHECK(build_snmp_set(kSnmpV2c, "private", 1, "1.3", std::string(kSnmpMaxValue + 1, 'v')).empty());
  // Negative and large request ids round-trip; a long community needs a long-form length.
  SnmpResponse r;
  const auto neg = build_snmp_get(kSnmpV1, std::string(200, 'c'), -2, kSystem);
  REQUIRE(parse_snmp_message(neg, r) == Parse::done);
  CHECK(r.request_id == -2);
  CHECK(r.community == std::string(200, 'c'));
  const auto big = build_snmp_get(kSnmpV1, "p", 0x7fffffff, kSystem);
  REQUIRE(parse_snmp_message(big, r) == Parse::done);
  CHECK(r.request_id == 0x7fffffff);
  // A maximal set value (long-form lengths at every level) still parses back.
  const auto set = build_snmp_set(kSnmpV2c, "private", 7, kOidSysLocation, std::string(kSnmpMaxValue, 'v'));
  REQUIRE(parse_snmp_message(set, r) == Parse::done);
  CHECK(r.varbinds[0].value.size() == kSnmpMaxValue);
  CHECK(r.varbinds[0].exact);
  // One byte more (crafted, the builder refuses it): cut, so not exact.
  std::vector<std::uint8_t> vb, list, pdu, body, msg, oid;
  REQUIRE(ber::encode_oid(kOidSysLocation, oid));
  ber::append_tlv(vb, ber::kOid, oid);
  ber::append_tlv(vb, ber::kOctetString, as_bytes(std::string(kSnmpMaxValue + 1, 'v')));
  ber::append_tlv(list, ber::kSequence, vb);
  ber::append_integer(pdu, 7);
  ber::append_integer(pdu, 0);
  ber::append_integer(pdu, 0);
  ber::append_tlv(pdu, ber::kSequence, list);
  ber::append_integer(body, kSnmpV2c);
  ber::append_tlv(body, ber::kOctetString, as_bytes("private"));
  ber::append_tlv(body, ber::kGetResponse, pdu);
  ber::append_tlv(msg, ber::kSequence, body);
  REQUIRE(parse_snmp_response(msg, r) == Parse::done);
  CHECK(r.varbinds[0].value.size() == kSnmpMaxValue);
  CHECK_FALSE(r.varbinds[0].exact);
}

TEST_CASE("snmp: snmpd v2c GetResponse for the system group") {
  SnmpResponse r;
  REQUIRE(parse_snmp_response(kSnmpGetV2cPublic, r) == Parse::done);
  CHECK(r.version == kSnmpV2c);
  CHECK(r.community == "public");
  CHECK(r.pdu_type == ber::kGetResponse);
  CHECK(r.request_id == 0x1234);
  CHECK(r.error_status == 0);
  CHECK(r.error_index == 0);
  REQUIRE(r.varbinds.size() == 3);
  CHECK(r.varbind_count == 3);
  CHECK(r.varbinds[0].oid == "1.3.6.1.2.1.1.1.0");
  CHECK(r.varbinds[0].type == "OCTET STRING");
  CHECK(r.varbinds[0].value == "Linux vm 6.18.44-fc-v669 #1 SMP PREEMPT_DYNAMIC @0 x86_64");
  CHECK_FALSE(r.varbinds[0].hex);
  CHECK(r.varbinds[1].type == "OBJECT IDENTIFIER");
  CHECK(r.varbinds[1].value == "1.3.6.1.4.1.8072.3.2.10");  // NET-SNMP-TC::linux
  CHECK(r.varbinds[2].value == "trustscan-lab");
  CHECK(r.raw == vec(kSnmpGetV2cPublic));

  const auto obs = snmp_observations(r, Endpoint{});
  CHECK(str(obs, "snmp.community") == "public");
  CHECK(find(obs, "snmp.community")->evidence.kind == "credential");
  CHECK(find(obs, "snmp.community")->evidence.password == "public");
  CHECK(str(obs, "snmp.version") == "v2c");
  CHECK(str(obs, "snmp.sys_descr") == "Linux vm 6.18.44-fc-v669 #1 SMP PREEMPT_DYNAMIC @0 x86_64");
  CHECK(str(obs, "snmp.sys_object_id") == "1.3.6.1.4.1.8072.3.2.10");
  CHECK(str(obs, "snmp.sys_name") == "trustscan-lab");
  CHECK(obs.size() == 5);
  CHECK_FALSE(find(obs, "snmp.sys_name")->evidence.excerpt.empty());
}

TEST_CASE("snmp: snmpd v1 GetResponse, and noSuchName") {
  SnmpResponse r;
  REQUIRE(parse_snmp_response(kSnmpGetV1Public, r) == Parse::done);
  CHECK(r.version == kSnmpV1);
  CHECK(r.request_id == 0x1235);
  auto obs = snmp_observations(r, Endpoint{});
  CHECK(str(obs, "snmp.version") == "v1");
  CHECK(str(obs, "snmp.sys_name") == "trustscan-lab");

  // v1 reports a missing object as error-status noSuchName (2), index 1, echoing the NULL.
  REQUIRE(parse_snmp_response(kSnmpGetV1Missing, r) == Parse::done);
  CHECK(r.error_status == 2);
  CHECK(r.error_index == 1);
  REQUIRE(r.varbinds.size() == 1);
  CHECK(r.varbinds[0].oid == "1.3.6.1.2.1.1.99.0");
  CHECK(r.varbinds[0].type == "NULL");
  obs = snmp_observations(r, Endpoint{});
  CHECK(str(obs, "snmp.community") == "public");  // the community still got an answer
  CHECK(find(obs, "snmp.sys_descr") == nullptr);
}

TEST_CASE("snmp: snmpd v2c exceptions and application types") {
  SnmpResponse r;
  REQUIRE(parse_snmp_response(kSnmpGetV2cMissing, r) == Parse::done);
  CHECK(r.error_status == 0);
  REQUIRE(r.varbinds.size() == 2);
  CHECK(r.varbinds[0].type == "noSuchObject");
  CHECK(r.varbinds[1].oid == "1.3.6.1.4.1.99999.1.0");
  CHECK(r.varbinds[1].type == "noSuchObject");
  CHECK(r.varbinds[1].value.empty());

  REQUIRE(parse_snmp_response(kSnmpGetV2cMisc, r) == Parse::done);
  REQUIRE(r.varbinds.size() == 5);
  CHECK(r.varbinds[0].type == "TimeTicks");
  CHECK(r.varbinds[0].value == "663");
  CHECK(r.varbinds[1].oid == "1.3.6.1.2.1.4.20.1.1.127.0.0.1");
  CHECK(r.varbinds[1].type == "IpAddress");
  CHECK(r.varbinds[1].value == "127.0.0.1");
  CHECK(r.varbinds[2].type == "noSuchInstance");
  CHECK(r.varbinds[3].type == "Counter64");
  CHECK(r.varbinds[3].value == "58035240");
  CHECK(r.varbinds[4].type == "OCTET STRING");  // ifPhysAddress of lo: empty
  CHECK(r.varbinds[4].value.empty());

  REQUIRE(parse_snmp_response(kSnmpGetnextV2c, r) == Parse::done);
  REQUIRE(r.varbinds.size() == 1);
  CHECK(r.varbinds[0].oid == "1.3.6.1.2.1.2.2.1.6.1");
}

TEST_CASE("snmp: snmpd SetRequest write-back, rw and ro communities") {
  SnmpResponse r;
  REQUIRE(parse_snmp_response(kSnmpGetV2cLoc, r) == Parse::done);
  CHECK(r.community == "private");
  CHECK(r.varbinds[0].value == "Unknown");
  CHECK(r.varbinds[0].exact);  // safe to write back
  REQUIRE(parse_snmp_response(kSnmpSetV2cLoc, r) == Parse::done);
  CHECK(r.request_id == 0x123c);
  CHECK(r.error_status == 0);  // written: "private" is read-write
  REQUIRE(parse_snmp_response(kSnmpSetV2cRo, r) == Parse::done);
  CHECK(r.error_status == 6);  // noAccess: "public" is read-only
  CHECK(r.error_index == 1);
}

TEST_CASE("snmp: OCTET STRING rendering") {
  SnmpResponse r;
  // A MAC address is not text: hex pairs. A NUL-terminated string is text without the NUL.
  std::vector<std::uint8_t> list;
  std::vector<std::uint8_t> oid;
  REQUIRE(ber::encode_oid("1.3.6.1.2.1.2.2.1.6.2", oid));
  const std::uint8_t mac[] = {0x00, 0x1b, 0x63, 0x84, 0x45, 0xe6};
  const std::uint8_t nul_term[] = {'c', 'a', 'm', 0x00};
  const std::uint8_t utf8[] = {'B', 0xc3, 0xbc, 'r', 'o'};
  for (const Bytes v : {Bytes(mac), Bytes(nul_term), Bytes(utf8)}) {
    std::vector<std::uint8_t> vb;
    ber::append_tlv(vb, ber::kOid, oid);
    ber::append_tlv(vb, ber::kOctetString, v);
    ber::append_tlv(list, ber::kSequence, vb);
  }
  std::vector<std::uint8_t> pdu, body, msg;
  ber::append_integer(pdu, 1);
  ber::append_integer(pdu, 0);
  ber::append_integer(pdu, 0);
  ber::append_tlv(pdu, ber::kSequence, list);
  ber::append_integer(body, 1);
  ber::append_tlv(body, ber::kOctetString, as_bytes("pub\\lic\x01"));
  ber::append_tlv(body, ber::kGetResponse, pdu);
  ber::append_tlv(msg, ber::kSequence, body);
  REQUIRE(parse_snmp_response(msg, r) == Parse::done);
  CHECK(r.community == "pub\\x5clic\\x01");
  REQUIRE(r.varbinds.size() == 3);
  CHECK(r.varbinds[0].hex);
  CHECK_FALSE(r.varbinds[0].exact);
  CHECK(r.varbinds[0].value == "00 1b 63 84 45 e6");
  CHECK_FALSE(r.varbinds[1].hex);
  CHECK(r.varbinds[1].value == "cam");
  CHECK_FALSE(r.varbinds[1].exact);  // the NUL was dropped: not safe to write back
  CHECK(r.varbinds[2].value == "B\xc3\xbcro");
  CHECK(r.varbinds[2].exact);
}

TEST_CASE("snmp: BER primitives") {
  std::vector<std::uint8_t> v;
  auto int_bytes = [](std::int64_t x) {
    std::vector<std::uint8_t> o;
    ber::append_integer(o, x);
    return o;
  };
  CHECK(int_bytes(0) == std::vector<std::uint8_t>{0x02, 0x01, 0x00});
  CHECK(int_bytes(127) == std::vector<std::uint8_t>{0x02, 0x01, 0x7f});
  CHECK(int_bytes(128) == std::vector<std::uint8_t>{0x02, 0x02, 0x00, 0x80});
  CHECK(int_bytes(-1) == std::vector<std::uint8_t>{0x02, 0x01, 0xff});
  CHECK(int_bytes(-128) == std::vector<std::uint8_t>{0x02, 0x01, 0x80});
  CHECK(int_bytes(-129) == std::vector<std::uint8_t>{0x02, 0x02, 0xff, 0x7f});
  for (const std::int64_t x : {std::int64_t{0}, std::int64_t{1}, std::int64_t{-1}, std::int64_t{255},
                               std::int64_t{-256}, std::int64_t{0x7fffffff}, INT64_MIN, INT64_MAX}) {
    const auto b = int_bytes(x);
    std::int64_t y = 0;
    REQUIRE(ber::decode_integer(Bytes(b).subspan(2), y));
    CHECK(y == x);
  }
  std::int64_t i = 0;
  const std::uint8_t nine[9] = {};
  CHECK_FALSE(ber::decode_integer(nine, i));
  CHECK_FALSE(ber::decode_integer({}, i));
  std::uint64_t u = 0;
  const std::uint8_t c64[] = {0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
  REQUIRE(ber::decode_unsigned(c64, u));
  CHECK(u == UINT64_MAX);
  const std::uint8_t negative[] = {0x80};
  CHECK_FALSE(ber::decode_unsigned(negative, u));

  // OIDs.
  std::string s;
  for (const char* o : {"1.3.6.1.2.1.1.1.0", "0.0", "2.999.3", "1.3.6.1.4.1.4294967295",
                        "1.39.0"}) {
    CAPTURE(o);
    REQUIRE(ber::encode_oid(o, v));
    REQUIRE(ber::decode_oid(v, s));
    CHECK(s == o);
  }
  for (const char* o : {"", "1", "3.1", "1.40", "1..3", "1.3.", ".1.3", "1.3.4294967296", "1.3.a"})
    CHECK_FALSE(ber::encode_oid(o, v));
  const std::uint8_t leading80[] = {0x2b, 0x80, 0x01};
  CHECK_FALSE(ber::decode_oid(leading80, s));
  const std::uint8_t unterminated[] = {0x2b, 0x86};
  CHECK_FALSE(ber::decode_oid(unterminated, s));
  const std::uint8_t overflow[] = {0x2b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f};
  CHECK_FALSE(ber::decode_oid(overflow, s));
  std::vector<std::uint8_t> too_many(200, 0x01);
  CHECK_FALSE(ber::decode_oid(too_many, s));

  // Lengths: short, long form 1 and 2 bytes; read back.
  for (const std::size_t n : {std::size_t{0}, std::size_t{127}, std::size_t{128}, std::size_t{255},
                              std::size_t{256}, std::size_t{65535}}) {
    std::vector<std::uint8_t> o;
    const std::vector<std::uint8_t> value(n, 0x41);
    ber::append_tlv(o, ber::kOctetString, value);
    ber::Tlv t;
    REQUIRE(ber::read_tlv(o, t) == Parse::done);
    CHECK(t.value.size() == n);
    CHECK(t.size == o.size());
    for (std::size_t k = 0; k < o.size(); k += 1 + o.size() / 64)
      CHECK(ber::read_tlv(Bytes(o).first(k), t) == Parse::need_more);
  }
}

TEST_CASE("snmp: every truncation and every extension is invalid") {
  for (const Bytes reply : kReplies) {
    for (std::size_t k = 0; k < reply.size(); ++k) {
      CAPTURE(k);
      SnmpResponse r;
      CHECK(parse_snmp_response(reply.first(k), r) == Parse::invalid);
    }
    std::vector<std::uint8_t> extended = vec(reply);
    extended.push_back(0x00);
    SnmpResponse r;
    CHECK(parse_snmp_response(extended, r) == Parse::invalid);
  }
}

TEST_CASE("snmp: garbage is invalid") {
  SnmpResponse r;
  for (const std::string_view s : {std::string_view("HTTP/1.1 200 OK\r\n\r\n"), std::string_view(""),
                                   std::string_view("\x30\x00", 2), std::string_view("\x30\x03\x02\x01\x01", 5)})
    CHECK(parse_snmp_response(as_bytes(s), r) == Parse::invalid);
  // Random bytes, and random single-byte corruptions of real replies: no crash, and a done
  // result always has a well-formed message behind it.
  XorShift rng;
  for (int i = 0; i < 20000; ++i) {
    std::vector<std::uint8_t> buf(rng.next() % 64);
    for (auto& b : buf) b = static_cast<std::uint8_t>(rng.next());
    if (!buf.empty()) buf[0] = 0x30;
    (void)parse_snmp_message(buf, r);
  }
  for (const Bytes reply : kReplies) {
    for (int i = 0; i < 2000; ++i) {
      std::vector<std::uint8_t> buf = vec(reply);
      buf[rng.next() % buf.size()] = static_cast<std::uint8_t>(rng.next());
      if (parse_snmp_message(buf, r) == Parse::done) CHECK(ber::validate(buf));
    }
  }
}

TEST_CASE("snmp: hostile BER") {
  SnmpResponse r;
  ber::Tlv t;
  // A length much larger than the buffer: need_more for the TLV reader, invalid for the datagram.
  const std::uint8_t huge[] = {0x30, 0x84, 0x00, 0x00, 0xff, 0x00, 0x02, 0x01, 0x01};
  CHECK(ber::read_tlv(huge, t) == Parse::need_more);
  CHECK(parse_snmp_response(huge, r) == Parse::invalid);
  // Over the 64 KiB cap, 5-byte length field, indefinite length, high tag number.
  const std::uint8_t over_cap[] = {0x30, 0x83, 0x01, 0x00, 0x00};
  CHECK(ber::read_tlv(over_cap, t) == Parse::invalid);
  const std::uint8_t five_len[] = {0x30, 0x85, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00};
  CHECK(ber::read_tlv(five_len, t) == Parse::invalid);
  const std::uint8_t indefinite[] = {0x30, 0x80, 0x02, 0x01, 0x00, 0x00, 0x00};
  CHECK(ber::read_tlv(indefinite, t) == Parse::invalid);
  CHECK(parse_snmp_response(indefinite, r) == Parse::invalid);
  const std::uint8_t high_tag[] = {0x1f, 0x81, 0x00, 0x00};
  CHECK(ber::read_tlv(high_tag, t) == Parse::invalid);
  // A child longer than its parent.
  const std::uint8_t child_overruns[] = {0x30, 0x03, 0x04, 0x05, 0x41, 0x41, 0x41, 0x41, 0x41};
  CHECK_FALSE(ber::validate(child_overruns));

  // 10,000 nested SEQUENCEs (40 KB): rejected at depth kMaxDepth + 1, no recursion.
  const auto deep = nested(10000);
  REQUIRE(deep.size() < ber::kMaxSize);
  CHECK_FALSE(ber::validate(deep));
  CHECK(parse_snmp_response(deep, r) == Parse::invalid);
  CHECK(ber::validate(nested(ber::kMaxDepth)));
  CHECK_FALSE(ber::validate(nested(ber::kMaxDepth + 1)));
  // A caller's larger cap is clamped to 63 levels: still no recursion, still bounded.
  CHECK(ber::validate(nested(63), 1000));
  CHECK_FALSE(ber::validate(nested(64), 1000));

  // Well-formed BER that is not SNMP v1/v2c.
  auto message = [](std::int64_t version, std::uint8_t pdu_tag) {
    std::vector<std::uint8_t> pdu, body, msg;
    ber::append_integer(pdu, 1);
    ber::append_integer(pdu, 0);
    ber::append_integer(pdu, 0);
    ber::append_tlv(pdu, ber::kSequence, {});
    ber::append_integer(body, version);
    ber::append_tlv(body, ber::kOctetString, as_bytes("public"));
    ber::append_tlv(body, pdu_tag, pdu);
    ber::append_tlv(msg, ber::kSequence, body);
    return msg;
  };
  CHECK(parse_snmp_response(message(1, ber::kGetResponse), r) == Parse::done);
  CHECK(r.varbinds.empty());
  CHECK(parse_snmp_response(message(3, ber::kGetResponse), r) == Parse::invalid);
  CHECK(parse_snmp_response(message(-1, ber::kGetResponse), r) == Parse::invalid);
  CHECK(parse_snmp_message(message(0, 0xa4), r) == Parse::invalid);  // v1 Trap layout
  CHECK(parse_snmp_message(message(1, ber::kReport), r) == Parse::done);
  CHECK(parse_snmp_response(message(1, ber::kReport), r) == Parse::done);
  CHECK(snmp_observations(r, Endpoint{}).empty());

  // Varbinds past the cap are counted, not stored.
  std::vector<std::string> oids(kSnmpMaxVarbinds, std::string(kOidSysName));
  auto many = build_snmp_get(kSnmpV2c, "public", 1, oids);
  REQUIRE(!many.empty());
  REQUIRE(parse_snmp_message(many, r) == Parse::done);
  CHECK(r.varbinds.size() == kSnmpMaxVarbinds);
  // Bad IpAddress length and a bad OID inside a varbind make the datagram invalid.
  std::vector<std::uint8_t> vb, list, pdu, body, msg, oid;
  REQUIRE(ber::encode_oid("1.3.6.1", oid));
  ber::append_tlv(vb, ber::kOid, oid);
  const std::uint8_t five[] = {1, 2, 3, 4, 5};
  ber::append_tlv(vb, ber::kIpAddress, five);
  ber::append_tlv(list, ber::kSequence, vb);
  ber::append_integer(pdu, 1);
  ber::append_integer(pdu, 0);
  ber::append_integer(pdu, 0);
  ber::append_tlv(pdu, ber::kSequence, list);
  ber::append_integer(body, 1);
  ber::append_tlv(body, ber::kOctetString, as_bytes("public"));
  ber::append_tlv(body, ber::kGetResponse, pdu);
  ber::append_tlv(msg, ber::kSequence, body);
  CHECK(parse_snmp_response(msg, r) == Parse::invalid);
  // Over 64 KiB in total.
  std::vector<std::uint8_t> large(ber::kMaxSize + 1, 0);
  CHECK(parse_snmp_response(large, r) == Parse::invalid);
}
