#!/bin/bash
# pcaps/make_h2c.sh -- HTTP/2 in cleartext (h2c) from the device, and DNS over HTTPS in it (root).
#
#     sudo pcaps/make_h2c.sh [OUTDIR]        # default: the folder of this script
#
# A private lab (pcaps/capture_lab.sh, prefix th2c-): th2c-dev is "the device" (198.19.250.10,
# MAC 00:1a:11:10:fa:0a), th2c-srv (198.19.250.2) runs
#   * nghttpd (nghttp2-server 1.52) --no-tls on port 80: HTTP/2 with prior knowledge only, serving
#     a folder with fw-1.2.3.bin (every other path answers 404, POST included);
#   * nghttpx (nghttp2-proxy 1.52) on port 8080, no TLS, in front of that nghttpd: it accepts the
#     HTTP/1.1 "Upgrade: h2c" path (nghttpd does not: it answers an upgrade request with frames).
# The device, with fw.acme-cam.example in its own hosts file (`ip netns exec` mounts
# /etc/netns/NS/hosts over /etc/hosts: the name resolves from the file, no DNS is asked):
#   1. nghttp (nghttp2-client), prior knowledge: GET /fw-1.2.3.bin and GET /config.json on one
#      connection, user agent AcmeCam/2.1;
#   2. nghttp, a DNS-over-HTTPS POST in clear: body = a DNS query for cloud.acme-cam.example A,
#      content-type application/dns-message, to /dns-query;
#   3. curl --http2-prior-knowledge, a DoH GET /dns-query?dns=<base64url of a query for
#      time.acme-cam.example AAAA>;
#   4. curl --http2 (Upgrade: h2c) to nghttpx on 8080: GET /fw-1.2.3.bin as HTTP/1.1, the answer
#      on HTTP/2 stream 1 after "101 Switching Protocols".
# tcpdump records the device's bridge port into h2c.pcap. No default route, no forwarding; every
# address is in 198.18.0.0/15.
#
# Needs: tcpdump, nghttp2-client, nghttp2-server, nghttp2-proxy, curl (with nghttp2), python3, ethtool.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${1:-$HERE}
P=th2c-
DEV=${P}dev SRV=${P}srv
DEV_IP=198.19.250.10 SRV_IP=198.19.250.2
NAME=fw.acme-cam.example
# shellcheck source=capture_lab.sh
. "$HERE/capture_lab.sh"
capture_lab_begin "$P" make_h2c.sh
capture_lab_host "$P" dev "$DEV_IP" 00:1a:11:10:fa:0a
capture_lab_host "$P" srv "$SRV_IP" 02:00:5e:10:fa:02

mkdir -p "$WORK/htdocs"
printf 'AcmeCam firmware 1.2.3\n' >"$WORK/htdocs/fw-1.2.3.bin"
bg "$SRV" nghttpd --no-tls -a "$SRV_IP" -d "$WORK/htdocs" 80
listening "$SRV" 80
bg "$SRV" nghttpx --conf=/dev/null --workers=1 -f "$SRV_IP,8080;no-tls" -b "$SRV_IP,80;;proto=h2" \
    --pid-file="$WORK/nghttpx.pid" --errorlog-file="$WORK/nghttpx.log" --accesslog-file=/dev/null
listening "$SRV" 8080

# DNS queries in wire format (RFC 8484 section 4.1: id 0).
dns_query() {  # NAME TYPE
    python3 - "$1" "$2" <<'EOF'
import struct, sys
name, qtype = sys.argv[1], int(sys.argv[2])
q = struct.pack(">HHHHHH", 0, 0x0100, 1, 0, 0, 0)
for label in name.split("."):
    q += bytes([len(label)]) + label.encode()
q += b"\0" + struct.pack(">HH", qtype, 1)
sys.stdout.buffer.write(q)
EOF
}
dns_query cloud.acme-cam.example 1 >"$WORK/query.bin"
DNS_GET=$(dns_query time.acme-cam.example 28 | base64 -w0 | tr '+/' '-_' | tr -d '=')

mkdir -p "/etc/netns/$DEV"
echo "$SRV_IP $NAME" >"/etc/netns/$DEV/hosts"
trap 'rm -rf "/etc/netns/$DEV"; rmdir /etc/netns 2>/dev/null; capture_lab_cleanup' EXIT

clients() {
    ip netns exec "$DEV" timeout 10 nghttp -n -H 'user-agent: AcmeCam/2.1' \
        "http://$NAME/fw-1.2.3.bin" "http://$NAME/config.json"
    ip netns exec "$DEV" timeout 10 nghttp -n -H 'user-agent: AcmeCam/2.1' -d "$WORK/query.bin" \
        -H 'content-type: application/dns-message' -H 'accept: application/dns-message' "http://$NAME/dns-query"
    ip netns exec "$DEV" timeout 10 curl -s -o /dev/null --http2-prior-knowledge -A AcmeCam/2.1 \
        -H 'accept: application/dns-message' "http://$NAME/dns-query?dns=$DNS_GET"
    ip netns exec "$DEV" timeout 10 curl -s -o /dev/null --http2 -A AcmeCam/2.1 "http://$NAME:8080/fw-1.2.3.bin"
}
capture h2c clients
