// DNS / mDNS builders and parser (probes/dns/dns.hpp).
//
// Captured bytes, unicast DNS: dnsmasq 2.90 (Debian 12 package), run as
//   dnsmasq --no-daemon --port=15353 --listen-address=127.0.0.1 --bind-interfaces --no-resolv
//           --no-hosts --conf-file=/dev/null --host-record=device.lan,192.0.2.10,2001:db8::10
//           --txt-record=info.device.lan,"model=TS-100","fw=1.2.3"
//           --srv-host=_mqtt._tcp.device.lan,device.lan,1883,0,10 --cname=alias.device.lan,device.lan
//           --ptr-record=10.2.0.192.in-addr.arpa,device.lan
// (no upstream: nothing was forwarded; example.com got REFUSED). A python3 socket script sent
// the exact bytes of build_dns_query / build_version_bind_query (kReq* below, checked against
// the builders) over UDP, and version.bind once over TCP, and recorded each reply.
//
// Captured bytes, mDNS: avahi-daemon 0.8 (Debian 12 package) in a private network and mount
// namespace (`unshare -n -m`, lo up with MULTICAST, tmpfs on /run, a lab.service file bind-mounted
// over /etc/avahi/services: "Lab Camera", _http._tcp port 80 with TXT path=/index.html and
// model=TS-100, _mqtt._tcp port 1883), config host-name=trustscan-lab, enable-dbus=no,
// allow-interfaces=lo, run with --no-drop-root --no-chroot. build_mdns_services_query(),
// build_mdns_query("_http._tcp.local", PTR) and build_mdns_query("Lab Camera._http._tcp.local",
// ANY) were sent from an ephemeral port to 127.0.0.1:5353 (legacy unicast replies, RFC 6762
// §6.7); the QM variants were sent from port 5353 to 224.0.0.251 and the multicast replies
// recorded (cache-flush bits, TTL 4500/120).
#include "tests/parsers/parser_support.hpp"
#include "probes/dns/dns.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <string>
#include <vector>

using namespace trustscan;
using trustscan::test::bytes_of;
using trustscan::test::find;

namespace {

// ---- captured replies (names: the request that produced them) ----------------------------------

// version.bind CH TXT (id 0x5a5a, RD clear) → "dnsmasq-2.90".
const std::uint8_t kDnsVersionBind[] = {
    0x5a, 0x5a, 0x84, 0x80, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x07, 0x76, 0x65, 0x72,
    0x73, 0x69, 0x6f, 0x6e, 0x04, 0x62, 0x69, 0x6e, 0x64, 0x00, 0x00, 0x10, 0x00, 0x03, 0xc0, 0x0c,
    0x00, 0x10, 0x00, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0d, 0x0c, 0x64, 0x6e, 0x73, 0x6d, 0x61,
    0x73, 0x71, 0x2d, 0x32, 0x2e, 0x39, 0x30,
};

// device.lan A, RD set.
const std::uint8_t kDnsA[] = {
    0x01, 0x01, 0x85, 0x80, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x06, 0x64, 0x65, 0x76,
    0x69, 0x63, 0x65, 0x03, 0x6c, 0x61, 0x6e, 0x00, 0x00, 0x01, 0x00, 0x01, 0xc0, 0x0c, 0x00, 0x01,
    0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0xc0, 0x00, 0x02, 0x0a,
};

// device.lan AAAA.
const std::uint8_t kDnsAaaa[] = {
    0x01, 0x02, 0x85, 0x80, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x06, 0x64, 0x65, 0x76,
    0x69, 0x63, 0x65, 0x03, 0x6c, 0x61, 0x6e, 0x00, 0x00, 0x1c, 0x00, 0x01, 0xc0, 0x0c, 0x00, 0x1c,
    0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10,
};

// info.device.lan TXT: two strings.
const std::uint8_t kDnsTxt[] = {
    0x01, 0x03, 0x85, 0x80, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x04, 0x69, 0x6e, 0x66,
    0x6f, 0x06, 0x64, 0x65, 0x76, 0x69, 0x63, 0x65, 0x03, 0x6c, 0x61, 0x6e, 0x00, 0x00, 0x10, 0x00,
    0x01, 0xc0, 0x0c, 0x00, 0x10, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x16, 0x0c, 0x6d, 0x6f,
    0x64, 0x65, 0x6c, 0x3d, 0x54, 0x53, 0x2d, 0x31, 0x30, 0x30, 0x08, 0x66, 0x77, 0x3d, 0x31, 0x2e,
    0x32, 0x2e, 0x33,
};

// _mqtt._tcp.device.lan SRV; additional A/AAAA with names pointing into the SRV rdata.
const std::uint8_t kDnsSrv[] = {
    0x01, 0x04, 0x85, 0x80, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02, 0x05, 0x5f, 0x6d, 0x71,
    0x74, 0x74, 0x04, 0x5f, 0x74, 0x63, 0x70, 0x06, 0x64, 0x65, 0x76, 0x69, 0x63, 0x65, 0x03, 0x6c,
    0x61, 0x6e, 0x00, 0x00, 0x21, 0x00, 0x01, 0xc0, 0x0c, 0x00, 0x21, 0x00, 0x01, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x12, 0x00, 0x00, 0x00, 0x0a, 0x07, 0x5b, 0x06, 0x64, 0x65, 0x76, 0x69, 0x63, 0x65,
    0x03, 0x6c, 0x61, 0x6e, 0x00, 0xc0, 0x39, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x04, 0xc0, 0x00, 0x02, 0x0a, 0xc0, 0x39, 0x00, 0x1c, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x10, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x10,
};

// alias.device.lan A: CNAME then A, the A owner pointing into the CNAME rdata.
const std::uint8_t kDnsCname[] = {
    0x01, 0x05, 0x85, 0x80, 0x00, 0x01, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x05, 0x61, 0x6c, 0x69,
    0x61, 0x73, 0x06, 0x64, 0x65, 0x76, 0x69, 0x63, 0x65, 0x03, 0x6c, 0x61, 0x6e, 0x00, 0x00, 0x01,
    0x00, 0x01, 0xc0, 0x0c, 0x00, 0x05, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0c, 0x06, 0x64,
    0x65, 0x76, 0x69, 0x63, 0x65, 0x03, 0x6c, 0x61, 0x6e, 0x00, 0xc0, 0x2e, 0x00, 0x01, 0x00, 0x01,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0xc0, 0x00, 0x02, 0x0a,
};

// 10.2.0.192.in-addr.arpa PTR.
const std::uint8_t kDnsPtr[] = {
    0x01, 0x06, 0x85, 0x80, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x02, 0x31, 0x30, 0x01,
    0x32, 0x01, 0x30, 0x03, 0x31, 0x39, 0x32, 0x07, 0x69, 0x6e, 0x2d, 0x61, 0x64, 0x64, 0x72, 0x04,
    0x61, 0x72, 0x70, 0x61, 0x00, 0x00, 0x0c, 0x00, 0x01, 0xc0, 0x0c, 0x00, 0x0c, 0x00, 0x01, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x0c, 0x06, 0x64, 0x65, 0x76, 0x69, 0x63, 0x65, 0x03, 0x6c, 0x61, 0x6e,
    0x00,
};

// example.com A with no upstream: REFUSED (rcode 5), RA set.
const std::uint8_t kDnsExternal[] = {
    0x01, 0x07, 0x81, 0x85, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x07, 0x65, 0x78, 0x61,
    0x6d, 0x70, 0x6c, 0x65, 0x03, 0x63, 0x6f, 0x6d, 0x00, 0x00, 0x01, 0x00, 0x01,
};

// version.bind over TCP: 2-byte length prefix.
const std::uint8_t kDnsVersionBindTcp[] = {
    0x00, 0x37, 0x5a, 0x5a, 0x84, 0x80, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x07, 0x76,
    0x65, 0x72, 0x73, 0x69, 0x6f, 0x6e, 0x04, 0x62, 0x69, 0x6e, 0x64, 0x00, 0x00, 0x10, 0x00, 0x03,
    0xc0, 0x0c, 0x00, 0x10, 0x00, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0d, 0x0c, 0x64, 0x6e, 0x73,
    0x6d, 0x61, 0x73, 0x71, 0x2d, 0x32, 0x2e, 0x39, 0x30,
};

// avahi, legacy unicast: _services._dns-sd._udp.local PTR (QU).
const std::uint8_t kMdnsServices[] = {
    0x00, 0x00, 0x84, 0x00, 0x00, 0x01, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x09, 0x5f, 0x73, 0x65,
    0x72, 0x76, 0x69, 0x63, 0x65, 0x73, 0x07, 0x5f, 0x64, 0x6e, 0x73, 0x2d, 0x73, 0x64, 0x04, 0x5f,
    0x75, 0x64, 0x70, 0x05, 0x6c, 0x6f, 0x63, 0x61, 0x6c, 0x00, 0x00, 0x0c, 0x80, 0x01, 0xc0, 0x0c,
    0x00, 0x0c, 0x00, 0x01, 0x00, 0x00, 0x00, 0x0a, 0x00, 0x0d, 0x05, 0x5f, 0x6d, 0x71, 0x74, 0x74,
    0x04, 0x5f, 0x74, 0x63, 0x70, 0xc0, 0x23, 0xc0, 0x0c, 0x00, 0x0c, 0x00, 0x01, 0x00, 0x00, 0x00,
    0x0a, 0x00, 0x08, 0x05, 0x5f, 0x68, 0x74, 0x74, 0x70, 0xc0, 0x40,
};

// avahi, legacy unicast: _http._tcp.local PTR (QU): PTR, TXT, SRV, AAAA, A.
const std::uint8_t kMdnsHttp[] = {
    0x00, 0x00, 0x84, 0x00, 0x00, 0x01, 0x00, 0x05, 0x00, 0x00, 0x00, 0x00, 0x05, 0x5f, 0x68, 0x74,
    0x74, 0x70, 0x04, 0x5f, 0x74, 0x63, 0x70, 0x05, 0x6c, 0x6f, 0x63, 0x61, 0x6c, 0x00, 0x00, 0x0c,
    0x80, 0x01, 0xc0, 0x0c, 0x00, 0x0c, 0x00, 0x01, 0x00, 0x00, 0x00, 0x0a, 0x00, 0x0d, 0x0a, 0x4c,
    0x61, 0x62, 0x20, 0x43, 0x61, 0x6d, 0x65, 0x72, 0x61, 0xc0, 0x0c, 0xc0, 0x2e, 0x00, 0x10, 0x00,
    0x01, 0x00, 0x00, 0x00, 0x0a, 0x00, 0x1e, 0x10, 0x70, 0x61, 0x74, 0x68, 0x3d, 0x2f, 0x69, 0x6e,
    0x64, 0x65, 0x78, 0x2e, 0x68, 0x74, 0x6d, 0x6c, 0x0c, 0x6d, 0x6f, 0x64, 0x65, 0x6c, 0x3d, 0x54,
    0x53, 0x2d, 0x31, 0x30, 0x30, 0xc0, 0x2e, 0x00, 0x21, 0x00, 0x01, 0x00, 0x00, 0x00, 0x0a, 0x00,
    0x16, 0x00, 0x00, 0x00, 0x00, 0x00, 0x50, 0x0d, 0x74, 0x72, 0x75, 0x73, 0x74, 0x73, 0x63, 0x61,
    0x6e, 0x2d, 0x6c, 0x61, 0x62, 0xc0, 0x17, 0xc0, 0x77, 0x00, 0x1c, 0x00, 0x01, 0x00, 0x00, 0x00,
    0x0a, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x01, 0xc0, 0x77, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x0a, 0x00, 0x04, 0x7f,
    0x00, 0x00, 0x01,
};

// avahi, legacy unicast: "Lab Camera._http._tcp.local" ANY (QU).
const std::uint8_t kMdnsInstanceAny[] = {
    0x00, 0x00, 0x84, 0x00, 0x00, 0x01, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x0a, 0x4c, 0x61, 0x62,
    0x20, 0x43, 0x61, 0x6d, 0x65, 0x72, 0x61, 0x05, 0x5f, 0x68, 0x74, 0x74, 0x70, 0x04, 0x5f, 0x74,
    0x63, 0x70, 0x05, 0x6c, 0x6f, 0x63, 0x61, 0x6c, 0x00, 0x00, 0xff, 0x80, 0x01, 0xc0, 0x0c, 0x00,
    0x21, 0x00, 0x01, 0x00, 0x00, 0x00, 0x0a, 0x00, 0x16, 0x00, 0x00, 0x00, 0x00, 0x00, 0x50, 0x0d,
    0x74, 0x72, 0x75, 0x73, 0x74, 0x73, 0x63, 0x61, 0x6e, 0x2d, 0x6c, 0x61, 0x62, 0xc0, 0x22, 0xc0,
    0x3f, 0x00, 0x1c, 0x00, 0x01, 0x00, 0x00, 0x00, 0x0a, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0xc0, 0x3f, 0x00, 0x01, 0x00,
    0x01, 0x00, 0x00, 0x00, 0x0a, 0x00, 0x04, 0x7f, 0x00, 0x00, 0x01, 0xc0, 0x0c, 0x00, 0x10, 0x00,
    0x01, 0x00, 0x00, 0x00, 0x0a, 0x00, 0x1e, 0x10, 0x70, 0x61, 0x74, 0x68, 0x3d, 0x2f, 0x69, 0x6e,
    0x64, 0x65, 0x78, 0x2e, 0x68, 0x74, 0x6d, 0x6c, 0x0c, 0x6d, 0x6f, 0x64, 0x65, 0x6c, 0x3d, 0x54,
    0x53, 0x2d, 0x31, 0x30, 0x30,
};

// avahi, multicast reply to the QM services query sent from port 5353.
const std::uint8_t kMdnsServicesQmMcast[] = {
    0x00, 0x00, 0x84, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x09, 0x5f, 0x73, 0x65,
    0x72, 0x76, 0x69, 0x63, 0x65, 0x73, 0x07, 0x5f, 0x64, 0x6e, 0x73, 0x2d, 0x73, 0x64, 0x04, 0x5f,
    0x75, 0x64, 0x70, 0x05, 0x6c, 0x6f, 0x63, 0x61, 0x6c, 0x00, 0x00, 0x0c, 0x00, 0x01, 0x00, 0x00,
    0x11, 0x94, 0x00, 0x0d, 0x05, 0x5f, 0x6d, 0x71, 0x74, 0x74, 0x04, 0x5f, 0x74, 0x63, 0x70, 0xc0,
    0x23, 0xc0, 0x0c, 0x00, 0x0c, 0x00, 0x01, 0x00, 0x00, 0x11, 0x94, 0x00, 0x08, 0x05, 0x5f, 0x68,
    0x74, 0x74, 0x70, 0xc0, 0x3a,
};

// avahi, multicast reply to the QM _http._tcp.local PTR query.
const std::uint8_t kMdnsHttpQmMcast[] = {
    0x00, 0x00, 0x84, 0x00, 0x00, 0x00, 0x00, 0x05, 0x00, 0x00, 0x00, 0x00, 0x05, 0x5f, 0x68, 0x74,
    0x74, 0x70, 0x04, 0x5f, 0x74, 0x63, 0x70, 0x05, 0x6c, 0x6f, 0x63, 0x61, 0x6c, 0x00, 0x00, 0x0c,
    0x00, 0x01, 0x00, 0x00, 0x11, 0x94, 0x00, 0x0d, 0x0a, 0x4c, 0x61, 0x62, 0x20, 0x43, 0x61, 0x6d,
    0x65, 0x72, 0x61, 0xc0, 0x0c, 0xc0, 0x28, 0x00, 0x10, 0x80, 0x01, 0x00, 0x00, 0x11, 0x94, 0x00,
    0x1e, 0x10, 0x70, 0x61, 0x74, 0x68, 0x3d, 0x2f, 0x69, 0x6e, 0x64, 0x65, 0x78, 0x2e, 0x68, 0x74,
    0x6d, 0x6c, 0x0c, 0x6d, 0x6f, 0x64, 0x65, 0x6c, 0x3d, 0x54, 0x53, 0x2d, 0x31, 0x30, 0x30, 0xc0,
    0x28, 0x00, 0x21, 0x80, 0x01, 0x00, 0x00, 0x00, 0x78, 0x00, 0x16, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x50, 0x0d, 0x74, 0x72, 0x75, 0x73, 0x74, 0x73, 0x63, 0x61, 0x6e, 0x2d, 0x6c, 0x61, 0x62, 0xc0,
    0x17, 0xc0, 0x71, 0x00, 0x1c, 0x80, 0x01, 0x00, 0x00, 0x00, 0x78, 0x00, 0x10, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0xc0, 0x71, 0x00,
    0x01, 0x80, 0x01, 0x00, 0x00, 0x00, 0x78, 0x00, 0x04, 0x7f, 0x00, 0x00, 0x01,
};

// ---- builder output sent to the daemons ----------------------------------------------------

const std::uint8_t kReqDnsVersionBind[] = {
    0x5a, 0x5a, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x07, 0x76, 0x65, 0x72,
    0x73, 0x69, 0x6f, 0x6e, 0x04, 0x62, 0x69, 0x6e, 0x64, 0x00, 0x00, 0x10, 0x00, 0x03,
};

const std::uint8_t kReqDnsA[] = {
    0x01, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x06, 0x64, 0x65, 0x76,
    0x69, 0x63, 0x65, 0x03, 0x6c, 0x61, 0x6e, 0x00, 0x00, 0x01, 0x00, 0x01,
};

const std::uint8_t kReqDnsSrv[] = {
    0x01, 0x04, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x5f, 0x6d, 0x71,
    0x74, 0x74, 0x04, 0x5f, 0x74, 0x63, 0x70, 0x06, 0x64, 0x65, 0x76, 0x69, 0x63, 0x65, 0x03, 0x6c,
    0x61, 0x6e, 0x00, 0x00, 0x21, 0x00, 0x01,
};

const std::uint8_t kReqMdnsServices[] = {
    0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x09, 0x5f, 0x73, 0x65,
    0x72, 0x76, 0x69, 0x63, 0x65, 0x73, 0x07, 0x5f, 0x64, 0x6e, 0x73, 0x2d, 0x73, 0x64, 0x04, 0x5f,
    0x75, 0x64, 0x70, 0x05, 0x6c, 0x6f, 0x63, 0x61, 0x6c, 0x00, 0x00, 0x0c, 0x80, 0x01,
};

const std::uint8_t kReqMdnsHttp[] = {
    0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x5f, 0x68, 0x74,
    0x74, 0x70, 0x04, 0x5f, 0x74, 0x63, 0x70, 0x05, 0x6c, 0x6f, 0x63, 0x61, 0x6c, 0x00, 0x00, 0x0c,
    0x80, 0x01,
};

const std::uint8_t kReqMdnsServicesQm[] = {
    0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x09, 0x5f, 0x73, 0x65,
    0x72, 0x76, 0x69, 0x63, 0x65, 0x73, 0x07, 0x5f, 0x64, 0x6e, 0x73, 0x2d, 0x73, 0x64, 0x04, 0x5f,
    0x75, 0x64, 0x70, 0x05, 0x6c, 0x6f, 0x63, 0x61, 0x6c, 0x00, 0x00, 0x0c, 0x00, 0x01,
};

const std::uint8_t kReqMdnsHttpQm[] = {
    0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x5f, 0x68, 0x74,
    0x74, 0x70, 0x04, 0x5f, 0x74, 0x63, 0x70, 0x05, 0x6c, 0x6f, 0x63, 0x61, 0x6c, 0x00, 0x00, 0x0c,
    0x00, 0x01,
};

const std::uint8_t kReqMdnsInstanceAny[] = {
    0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0a, 0x4c, 0x61, 0x62,
    0x20, 0x43, 0x61, 0x6d, 0x65, 0x72, 0x61, 0x05, 0x5f, 0x68, 0x74, 0x74, 0x70, 0x04, 0x5f, 0x74,
    0x63, 0x70, 0x05, 0x6c, 0x6f, 0x63, 0x61, 0x6c, 0x00, 0x00, 0xff, 0x80, 0x01,
};


std::vector<std::uint8_t> vec(Bytes b) { return {b.begin(), b.end()}; }

std::vector<std::string> list(const std::vector<Observation>& obs, std::string_view key) {
  const Observation* o = find(obs, key);
  REQUIRE(o != nullptr);
  return std::get<std::vector<std::string>>(o->value);
}

DnsMessage parse(Bytes b) {
  DnsMessage m;
  REQUIRE(parse_dns_message(b, m) == Parse::done);
  return m;
}

const std::vector<Bytes> kUdpReplies = {kDnsVersionBind, kDnsA,         kDnsAaaa,
                                        kDnsTxt,         kDnsSrv,       kDnsCname,
                                        kDnsPtr,         kDnsExternal,  kMdnsServices,
                                        kMdnsHttp,       kMdnsInstanceAny, kMdnsServicesQmMcast,
                                        kMdnsHttpQmMcast};

struct XorShift {
  std::uint64_t s = 0xd1b54a32d192ed03ull;
  std::uint64_t next() {
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    return s;
  }
};

// A response header with the given counts, then `body`.
std::vector<std::uint8_t> message(std::uint16_t qd, std::uint16_t an, std::vector<std::uint8_t> body) {
  std::vector<std::uint8_t> m = {0x12, 0x34, 0x81, 0x80,
                                 static_cast<std::uint8_t>(qd >> 8), static_cast<std::uint8_t>(qd),
                                 static_cast<std::uint8_t>(an >> 8), static_cast<std::uint8_t>(an),
                                 0, 0, 0, 0};
  m.insert(m.end(), body.begin(), body.end());
  return m;
}

// One answer "x." of `type` with rdata `rd`.
std::vector<std::uint8_t> one_record(std::uint16_t type, std::vector<std::uint8_t> rd) {
  std::vector<std::uint8_t> b = {0x01, 'x', 0x00, static_cast<std::uint8_t>(type >> 8),
                                 static_cast<std::uint8_t>(type), 0x00, 0x01, 0, 0, 0, 60,
                                 static_cast<std::uint8_t>(rd.size() >> 8),
                                 static_cast<std::uint8_t>(rd.size())};
  b.insert(b.end(), rd.begin(), rd.end());
  return message(0, 1, b);
}

std::string aaaa(std::vector<std::uint8_t> addr) {
  DnsMessage m;
  REQUIRE(parse_dns_message(one_record(kDnsTypeAaaa, std::move(addr)), m) == Parse::done);
  REQUIRE(m.answers.size() == 1);
  return m.answers[0].data;
}

}  // namespace

TEST_CASE("dns: builders produce the bytes dnsmasq and avahi answered") {
  CHECK(build_version_bind_query(0x5a5a) == vec(kReqDnsVersionBind));
  CHECK(build_dns_query(0x0101, "device.lan", kDnsTypeA) == vec(kReqDnsA));
  CHECK(build_dns_query(0x0101, "device.lan.", kDnsTypeA) == vec(kReqDnsA));
  CHECK(build_dns_query(0x0104, "_mqtt._tcp.device.lan", kDnsTypeSrv) == vec(kReqDnsSrv));
  CHECK(build_mdns_services_query() == vec(kReqMdnsServices));
  CHECK(build_mdns_services_query(false) == vec(kReqMdnsServicesQm));
  CHECK(build_mdns_query("_http._tcp.local", kDnsTypePtr) == vec(kReqMdnsHttp));
  CHECK(build_mdns_query("_http._tcp.local", kDnsTypePtr, false) == vec(kReqMdnsHttpQm));
  CHECK(build_mdns_query("Lab Camera._http._tcp.local", kDnsTypeAny) == vec(kReqMdnsInstanceAny));

  const DnsMessage q = parse(kReqMdnsServices);
  CHECK_FALSE(q.qr);
  CHECK(q.id == 0);
  REQUIRE(q.questions.size() == 1);
  CHECK(q.questions[0].name == kMdnsServicesName);
  CHECK(q.questions[0].type == kDnsTypePtr);
  CHECK(q.questions[0].qclass == (kDnsClassIn | kMdnsUnicastBit));
  CHECK(dns_observations(q, Endpoint{}).empty());
  CHECK(mdns_observations(q, Endpoint{}).empty());
  const DnsMessage v = parse(kReqDnsVersionBind);
  CHECK_FALSE(v.rd);
  CHECK(v.questions[0].qclass == kDnsClassCh);
}

TEST_CASE("dns: name encoding, escapes and limits") {
  // Root, escapes, and names that do not encode.
  CHECK(build_dns_query(1, ".", kDnsTypeAny).size() == 12 + 1 + 4);
  CHECK(build_dns_query(1, "", kDnsTypeAny).size() == 12 + 1 + 4);
  for (const char* bad : {"a..b", ".a", "a\\", "a\\25", "a\\256", "..", "a\\0x1"}) {
    CAPTURE(bad);
    CHECK(build_dns_query(1, bad, kDnsTypeA).empty());
  }
  CHECK(build_dns_query(1, std::string(63, 'a') + ".b", kDnsTypeA).size() == 12 + 1 + 63 + 2 + 1 + 4);
  CHECK(build_dns_query(1, std::string(64, 'a'), kDnsTypeA).empty());
  const std::string l63(63, 'l');
  const std::string n255 = l63 + "." + l63 + "." + l63 + "." + std::string(61, 'l');  // 255 on the wire
  CHECK_FALSE(build_dns_query(1, n255, kDnsTypeA).empty());
  CHECK(build_dns_query(1, n255 + "l", kDnsTypeA).empty());
  // A label with a dot, a control byte, a non-UTF-8 byte and a backslash round-trips as text.
  const std::string tricky = "a\\.\\001\\255\\\\.local";
  const auto q = build_dns_query(1, tricky, kDnsTypeA);
  REQUIRE_FALSE(q.empty());
  const std::uint8_t wire[] = {5, 'a', '.', 0x01, 0xff, '\\', 5, 'l', 'o', 'c', 'a', 'l', 0};
  REQUIRE(q.size() == 12 + sizeof wire + 4);
  CHECK(std::equal(std::begin(wire), std::end(wire), q.begin() + 12));
  const DnsMessage m = parse(q);
  CHECK(m.questions[0].name == tricky);
  CHECK(build_dns_query(1, m.questions[0].name, kDnsTypeA) == q);
  // UTF-8 labels stay readable.
  const DnsMessage u = parse(build_dns_query(1, "B\xc3\xbcro-Drucker.local", kDnsTypeA));
  CHECK(u.questions[0].name == "B\xc3\xbcro-Drucker.local");
}

TEST_CASE("dns: dnsmasq version.bind over UDP and TCP") {
  const DnsMessage m = parse(kDnsVersionBind);
  CHECK(m.id == 0x5a5a);
  CHECK(m.qr);
  CHECK(m.aa);
  CHECK_FALSE(m.rd);
  CHECK(m.ra);
  CHECK(m.rcode == 0);
  CHECK(m.opcode == 0);
  REQUIRE(m.answers.size() == 1);
  const DnsRecord& rr = m.answers[0];
  CHECK(rr.name == "version.bind");
  CHECK(rr.type == kDnsTypeTxt);
  CHECK(rr.rclass == kDnsClassCh);
  CHECK(rr.rdlength == 13);
  CHECK(rr.txt == std::vector<std::string>{"dnsmasq-2.90"});
  CHECK(m.raw == vec(kDnsVersionBind));

  const auto obs = dns_observations(m, Endpoint{});
  REQUIRE(find(obs, "dns.version_bind"));
  CHECK(std::get<std::string>(find(obs, "dns.version_bind")->value) == "dnsmasq-2.90");
  CHECK(std::get<bool>(find(obs, "dns.recursion_available")->value) == true);
  CHECK(std::get<std::int64_t>(find(obs, "dns.rcode")->value) == 0);
  CHECK(obs.size() == 3);

  DnsMessage t;
  std::size_t n = 0;
  REQUIRE(parse_dns_tcp_message(kDnsVersionBindTcp, t, n) == Parse::done);
  CHECK(n == sizeof kDnsVersionBindTcp);
  CHECK(t.answers[0].txt == rr.txt);
  for (std::size_t k = 0; k < sizeof kDnsVersionBindTcp; ++k) {
    CAPTURE(k);
    CHECK(parse_dns_tcp_message(Bytes(kDnsVersionBindTcp).first(k), t, n) == Parse::need_more);
  }
  // Split at every offset: a prefix waits, the whole gives the same message.
  const Bytes tcp(kDnsVersionBindTcp);
  for (std::size_t k = 0; k <= tcp.size(); ++k) {
    std::vector<std::uint8_t> buf(tcp.begin(), tcp.begin() + static_cast<std::ptrdiff_t>(k));
    DnsMessage s;
    if (parse_dns_tcp_message(buf, s, n) == Parse::need_more) buf.assign(tcp.begin(), tcp.end());
    REQUIRE(parse_dns_tcp_message(buf, s, n) == Parse::done);
    CHECK(s.answers[0].txt == rr.txt);
  }
  const std::uint8_t short_len[] = {0x00, 0x05, 1, 2, 3, 4, 5};
  CHECK(parse_dns_tcp_message(short_len, t, n) == Parse::invalid);
}

TEST_CASE("dns: dnsmasq A, AAAA, TXT, SRV, CNAME, PTR and REFUSED") {
  DnsMessage m = parse(kDnsA);
  CHECK(m.rd);
  CHECK(m.ra);
  REQUIRE(m.answers.size() == 1);
  CHECK(m.answers[0].name == "device.lan");
  CHECK(m.answers[0].data == "192.0.2.10");

  m = parse(kDnsAaaa);
  CHECK(m.answers[0].data == "2001:db8::10");

  m = parse(kDnsTxt);
  CHECK(m.answers[0].name == "info.device.lan");
  CHECK(m.answers[0].txt == std::vector<std::string>{"model=TS-100", "fw=1.2.3"});

  // SRV target uncompressed in rdata; the additional A/AAAA point into that rdata.
  m = parse(kDnsSrv);
  REQUIRE(m.answers.size() == 1);
  CHECK(m.answers[0].type == kDnsTypeSrv);
  CHECK(m.answers[0].srv_priority == 0);
  CHECK(m.answers[0].srv_weight == 10);
  CHECK(m.answers[0].srv_port == 1883);
  CHECK(m.answers[0].data == "device.lan");
  REQUIRE(m.additional.size() == 2);
  CHECK(m.additional[0].name == "device.lan");
  CHECK(m.additional[0].data == "192.0.2.10");
  CHECK(m.additional[1].data == "2001:db8::10");

  m = parse(kDnsCname);
  REQUIRE(m.answers.size() == 2);
  CHECK(m.answers[0].type == kDnsTypeCname);
  CHECK(m.answers[0].name == "alias.device.lan");
  CHECK(m.answers[0].data == "device.lan");
  CHECK(m.answers[1].name == "device.lan");
  CHECK(m.answers[1].data == "192.0.2.10");

  m = parse(kDnsPtr);
  CHECK(m.questions[0].name == "10.2.0.192.in-addr.arpa");
  CHECK(m.answers[0].data == "device.lan");

  // No upstream configured (--no-resolv): dnsmasq refuses instead of forwarding.
  m = parse(kDnsExternal);
  CHECK(m.rcode == 5);
  CHECK(m.answers.empty());
  const auto obs = dns_observations(m, Endpoint{});
  CHECK(std::get<std::int64_t>(find(obs, "dns.rcode")->value) == 5);
  CHECK(find(obs, "dns.version_bind") == nullptr);
}

TEST_CASE("dns: avahi mDNS DNS-SD answers (legacy unicast)") {
  DnsMessage m = parse(kMdnsServices);
  CHECK(m.id == 0);
  CHECK(m.qr);
  CHECK(m.aa);
  REQUIRE(m.answers.size() == 2);
  CHECK(m.answers[0].name == "_services._dns-sd._udp.local");
  CHECK(m.answers[0].data == "_mqtt._tcp.local");
  CHECK(m.answers[0].ttl == 10);  // RFC 6762 §6.7: legacy unicast answers cap TTL at 10 s
  CHECK(m.answers[1].data == "_http._tcp.local");
  auto obs = mdns_observations(m, Endpoint{});
  CHECK(list(obs, "mdns.services") == std::vector<std::string>{"_mqtt._tcp.local", "_http._tcp.local"});
  CHECK(find(obs, "mdns.instances") == nullptr);

  m = parse(kMdnsHttp);
  REQUIRE(m.answers.size() == 5);
  CHECK(m.answers[0].data == "Lab Camera._http._tcp.local");
  CHECK(m.answers[1].txt == std::vector<std::string>{"path=/index.html", "model=TS-100"});
  CHECK(m.answers[2].srv_port == 80);
  CHECK(m.answers[2].data == "trustscan-lab.local");
  CHECK(m.answers[3].data == "::1");
  CHECK(m.answers[4].data == "127.0.0.1");
  obs = mdns_observations(m, Endpoint{});
  CHECK(list(obs, "mdns.services") == std::vector<std::string>{"_http._tcp.local"});
  CHECK(list(obs, "mdns.instances") == std::vector<std::string>{"Lab Camera._http._tcp.local"});
  CHECK(list(obs, "mdns.hostnames") == std::vector<std::string>{"trustscan-lab.local"});
  CHECK(list(obs, "mdns.txt") == std::vector<std::string>{"path=/index.html", "model=TS-100"});

  m = parse(kMdnsInstanceAny);
  REQUIRE(m.answers.size() == 4);
  CHECK(m.answers[0].type == kDnsTypeSrv);
  CHECK(m.answers[3].type == kDnsTypeTxt);

  // Several datagrams merge into one observation per key.
  const std::vector<DnsMessage> all = {parse(kMdnsServices), parse(kMdnsHttp), parse(kMdnsInstanceAny)};
  obs = mdns_observations(all, Endpoint{});
  CHECK(obs.size() == 4);
  CHECK(list(obs, "mdns.services") == std::vector<std::string>{"_mqtt._tcp.local", "_http._tcp.local"});
  CHECK(list(obs, "mdns.instances") == std::vector<std::string>{"Lab Camera._http._tcp.local"});
  CHECK(find(obs, "mdns.services")->evidence.excerpt == printable_excerpt(kMdnsServices));
}

TEST_CASE("dns: avahi mDNS multicast answers carry the cache-flush bit") {
  DnsMessage m = parse(kMdnsServicesQmMcast);
  CHECK(m.qdcount == 0);
  CHECK(m.questions.empty());
  CHECK(m.answers[0].ttl == 4500);
  m = parse(kMdnsHttpQmMcast);
  REQUIRE(m.answers.size() == 5);
  CHECK(m.answers[0].rclass == kDnsClassIn);  // shared PTR record
  CHECK(m.answers[1].rclass == (kDnsClassIn | kMdnsUnicastBit));  // unique TXT: cache-flush
  CHECK(m.answers[2].ttl == 120);
  const auto obs = mdns_observations(m, Endpoint{});
  CHECK(list(obs, "mdns.hostnames") == std::vector<std::string>{"trustscan-lab.local"});
}

TEST_CASE("dns: AAAA text follows RFC 5952") {
  std::vector<std::uint8_t> a(16, 0);
  CHECK(aaaa(a) == "::");
  a[15] = 1;
  CHECK(aaaa(a) == "::1");
  a = std::vector<std::uint8_t>(16, 0);
  a[1] = 1;
  CHECK(aaaa(a) == "1::");
  a = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1};
  CHECK(aaaa(a) == "2001:db8:0:1:1:1:1:1");  // a single zero group is not compressed
  a = {0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1};
  CHECK(aaaa(a) == "1:0:0:1::1");  // the longest run wins
  a = {0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0};
  CHECK(aaaa(a) == "1::1:0:0:1:0");  // first of equal runs
  a = {0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0x02, 0x1b, 0x63, 0xff, 0xfe, 0x84, 0x45, 0xe6};
  CHECK(aaaa(a) == "fe80::21b:63ff:fe84:45e6");
}

TEST_CASE("dns: every truncation is invalid") {
  for (const Bytes reply : kUdpReplies) {
    for (std::size_t k = 0; k < reply.size(); ++k) {
      CAPTURE(k);
      DnsMessage m;
      CHECK(parse_dns_message(reply.first(k), m) == Parse::invalid);
    }
  }
}

TEST_CASE("dns: garbage is invalid, random input never crashes") {
  DnsMessage m;
  CHECK(parse_dns_message(as_bytes("HTTP/1.1 200 OK\r\n\r\n"), m) == Parse::invalid);
  CHECK(parse_dns_message(as_bytes("short"), m) == Parse::invalid);
  XorShift rng;
  for (int i = 0; i < 20000; ++i) {
    std::vector<std::uint8_t> buf(12 + rng.next() % 64);
    for (auto& b : buf) b = static_cast<std::uint8_t>(rng.next());
    buf[4] = 0;  // small counts so that records are actually attempted
    buf[5] = static_cast<std::uint8_t>(buf[5] & 3);
    buf[6] = 0;
    buf[7] = static_cast<std::uint8_t>(buf[7] & 3);
    (void)parse_dns_message(buf, m);
  }
  for (const Bytes reply : kUdpReplies) {
    for (int i = 0; i < 2000; ++i) {
      std::vector<std::uint8_t> buf = vec(reply);
      buf[12 + rng.next() % (buf.size() - 12)] = static_cast<std::uint8_t>(rng.next());
      if (parse_dns_message(buf, m) == Parse::done) {
        CHECK(m.answers.size() <= kDnsMaxRecords);
        for (const auto& rr : m.answers) CHECK(rr.name.size() <= 4 * kDnsMaxNameWire);
      }
    }
  }
}

TEST_CASE("dns: hostile names and records") {
  DnsMessage m;
  auto question = [](std::vector<std::uint8_t> name) {
    name.insert(name.end(), {0x00, 0x01, 0x00, 0x01});
    return message(1, 0, name);
  };
  // A pointer to itself, a forward pointer, and a pointer into the header's end.
  CHECK(parse_dns_message(question({0xc0, 0x0c}), m) == Parse::invalid);
  CHECK(parse_dns_message(question({0xc0, 0x0e, 0x01, 'a', 0x00}), m) == Parse::invalid);
  // Label then pointer back to the label: a cycle that grows the name; the jump cap stops it.
  CHECK(parse_dns_message(question({0x01, 'a', 0xc0, 0x0c}), m) == Parse::invalid);
  // Two pointers pointing at each other: one of them necessarily points forward and is refused.
  CHECK(parse_dns_message(question({0xc0, 0x0e, 0xc0, 0x0c}), m) == Parse::invalid);
  // Truncated pointer, reserved label types.
  CHECK(parse_dns_message(question({0xc0}), m) == Parse::invalid);
  CHECK(parse_dns_message(question({0x41, 'a', 0x00}), m) == Parse::invalid);
  CHECK(parse_dns_message(question({0x81, 'a', 0x00}), m) == Parse::invalid);

  // A chain of backward pointers, fine up to the cap and invalid past it. Question 1 is "a" at
  // offset 12; answer 1 (unknown type, so its rdata is not decoded) carries a run of pointers,
  // each pointing to the one before it and the first to "a"; answer 2's owner name is a pointer
  // to the last of the run, so reading it follows 1 + `jumps` pointers.
  auto chain_message = [](std::size_t jumps) {
    std::vector<std::uint8_t> b = {0x01, 'a', 0x00, 0x00, 0x01, 0x00, 0x01};  // q1 at 12
    // Answer 1: name "a" (pointer), type 0xff00 (unknown), rdata = pointer run.
    std::vector<std::uint8_t> run;
    const std::size_t rdata_at = 12 + b.size() + 2 + 10;
    std::size_t prev = 12;
    for (std::size_t i = 0; i < jumps; ++i) {
      const std::size_t here = rdata_at + run.size();
      run.push_back(static_cast<std::uint8_t>(0xc0 | (prev >> 8)));
      run.push_back(static_cast<std::uint8_t>(prev));
      prev = here;
    }
    b.insert(b.end(), {0xc0, 0x0c, 0xff, 0x00, 0x00, 0x01, 0, 0, 0, 0,
                       static_cast<std::uint8_t>(run.size() >> 8), static_cast<std::uint8_t>(run.size())});
    b.insert(b.end(), run.begin(), run.end());
    // Answer 2: PTR whose owner name is a pointer to the last pointer of the run.
    b.insert(b.end(), {static_cast<std::uint8_t>(0xc0 | (prev >> 8)), static_cast<std::uint8_t>(prev),
                       0x00, 0x0c, 0x00, 0x01, 0, 0, 0, 0, 0x00, 0x02, 0xc0, 0x0c});
    return message(1, 2, b);
  };
  REQUIRE(parse_dns_message(chain_message(kDnsMaxPointerJumps - 1), m) == Parse::done);
  CHECK(m.answers[1].name == "a");
  CHECK(parse_dns_message(chain_message(kDnsMaxPointerJumps), m) == Parse::invalid);
  CHECK(parse_dns_message(chain_message(1000), m) == Parse::invalid);

  // Names longer than 255 bytes on the wire, directly and through pointers.
  std::vector<std::uint8_t> long_name;
  for (int i = 0; i < 4; ++i) {
    long_name.push_back(63);
    long_name.insert(long_name.end(), 63, 'x');
  }
  long_name.push_back(0);
  CHECK(parse_dns_message(question(long_name), m) == Parse::invalid);
  std::vector<std::uint8_t> max_name;
  for (int i = 0; i < 3; ++i) {
    max_name.push_back(63);
    max_name.insert(max_name.end(), 63, 'x');
  }
  max_name.push_back(61);
  max_name.insert(max_name.end(), 61, 'y');
  max_name.push_back(0);
  REQUIRE(parse_dns_message(question(max_name), m) == Parse::done);
  CHECK(m.questions[0].name.size() == 253);

  // Header counts far beyond the data.
  CHECK(parse_dns_message(message(0xffff, 0, {}), m) == Parse::invalid);
  CHECK(parse_dns_message(message(0, 0xffff, {0x00}), m) == Parse::invalid);

  // Malformed rdata.
  CHECK(parse_dns_message(one_record(kDnsTypeA, {1, 2, 3, 4, 5}), m) == Parse::invalid);
  CHECK(parse_dns_message(one_record(kDnsTypeAaaa, {1, 2, 3, 4}), m) == Parse::invalid);
  CHECK(parse_dns_message(one_record(kDnsTypePtr, {0x01, 'a', 0x00, 0x00}), m) == Parse::invalid);
  CHECK(parse_dns_message(one_record(kDnsTypePtr, {0x05, 'a', 0x00}), m) == Parse::invalid);
  CHECK(parse_dns_message(one_record(kDnsTypeTxt, {0x05, 'a'}), m) == Parse::invalid);
  CHECK(parse_dns_message(one_record(kDnsTypeSrv, {0, 0, 0}), m) == Parse::invalid);
  CHECK(parse_dns_message(one_record(kDnsTypeSrv, {0, 0, 0, 0, 0, 80, 0x00, 0x00}), m) == Parse::invalid);
  REQUIRE(parse_dns_message(one_record(kDnsTypeSrv, {0, 1, 0, 2, 0, 80, 0x00}), m) == Parse::done);
  CHECK(m.answers[0].data == ".");
  REQUIRE(parse_dns_message(one_record(kDnsTypeTxt, {}), m) == Parse::done);
  CHECK(m.answers[0].txt.empty());
  REQUIRE(parse_dns_message(one_record(0x1234, {9, 9, 9}), m) == Parse::done);
  CHECK(m.answers[0].rdlength == 3);
  CHECK(m.answers[0].data.empty());
  auto past_end = one_record(kDnsTypeA, {1, 2, 3, 4});
  past_end[past_end.size() - 5] = 0x10;  // rdlength 16 > what is left
  CHECK(parse_dns_message(past_end, m) == Parse::invalid);

  // TXT strings with control and non-UTF-8 bytes are escaped; the count is capped.
  std::vector<std::uint8_t> txt = {5, 'k', '=', 0x07, 0xc3, '\\'};
  REQUIRE(parse_dns_message(one_record(kDnsTypeTxt, txt), m) == Parse::done);
  CHECK(m.answers[0].txt == std::vector<std::string>{"k=\\007\\195\\\\"});
  std::vector<std::uint8_t> many_txt;
  for (int i = 0; i < 200; ++i) many_txt.insert(many_txt.end(), {1, 'a'});
  REQUIRE(parse_dns_message(one_record(kDnsTypeTxt, many_txt), m) == Parse::done);
  CHECK(m.answers[0].txt.size() == kDnsMaxTxtStrings);

  // Many records: all validated, at most kDnsMaxRecords kept.
  std::vector<std::uint8_t> body = {0x01, 'x', 0x00, 0x00, 0x01, 0x00, 0x01};
  for (int i = 0; i < 300; ++i)
    body.insert(body.end(), {0xc0, 0x0c, 0x00, 0x01, 0x00, 0x01, 0, 0, 0, 1, 0x00, 0x04, 10, 0, 0,
                             static_cast<std::uint8_t>(i)});
  REQUIRE(parse_dns_message(message(1, 300, body), m) == Parse::done);
  CHECK(m.ancount == 300);
  CHECK(m.answers.size() == kDnsMaxRecords);
  // Over the message cap.
  std::vector<std::uint8_t> huge(kDnsMaxMessage + 1, 0);
  CHECK(parse_dns_message(huge, m) == Parse::invalid);
  // mDNS lists are capped too.
  std::vector<std::uint8_t> ptrs = {0x04, '_', 's', 'v', 'c', 0x00, 0x00, 0x0c, 0x00, 0x01};
  std::vector<std::uint8_t> answers;
  for (int i = 0; i < 100; ++i) {
    answers.insert(answers.end(), {0xc0, 0x0c, 0x00, 0x0c, 0x00, 0x01, 0, 0, 0, 1, 0x00, 0x05, 0x03,
                                   'i', static_cast<std::uint8_t>('0' + i / 10),
                                   static_cast<std::uint8_t>('0' + i % 10), 0x00});
  }
  ptrs.insert(ptrs.end(), answers.begin(), answers.end());
  REQUIRE(parse_dns_message(message(1, 100, ptrs), m) == Parse::done);
  const auto obs = mdns_observations(m, Endpoint{});
  CHECK(list(obs, "mdns.instances").size() == kDnsMaxListItems);
}
