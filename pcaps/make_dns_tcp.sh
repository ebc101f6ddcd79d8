#!/bin/bash
# pcaps/make_dns_tcp.sh -- DNS over TCP from the device (root).
#
#     sudo pcaps/make_dns_tcp.sh [OUTDIR]        # default: the folder of this script
#
# A private lab (pcaps/capture_lab.sh, prefix tdns-): tdns-dev is "the device" (198.19.250.10,
# MAC 00:1a:11:10:fa:0a), tdns-srv runs dnsmasq (DNS only, answers from its own table, no
# upstream) on 198.19.250.2. The device asks with `dig +tcp` (one TCP connection per query), then
# with `dig +tcp +keepopen` two queries on one connection. tcpdump records the device's bridge
# port into dns-tcp.pcap. No default route, no forwarding; every address is in 198.18.0.0/15.
#
# Needs: tcpdump, dnsmasq, dig (bind9-dnsutils), ethtool.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${1:-$HERE}
P=tdns-
DEV=${P}dev SRV=${P}srv
DEV_IP=198.19.250.10 SRV_IP=198.19.250.2
# shellcheck source=capture_lab.sh
. "$HERE/capture_lab.sh"
capture_lab_begin "$P" make_dns_tcp.sh
capture_lab_host "$P" dev "$DEV_IP" 00:1a:11:10:fa:0a
capture_lab_host "$P" srv "$SRV_IP" 02:00:5e:10:fa:02

bg "$SRV" dnsmasq -d -k --conf-file=/dev/null --no-resolv --no-hosts --listen-address="$SRV_IP" \
    --bind-interfaces --address=/fw.acme-cam.example/198.19.250.2 --address=/time.acme-cam.example/198.19.250.2
listening "$SRV" 53

queries() {
    ip netns exec "$DEV" dig +tcp +tries=1 +time=2 @"$SRV_IP" fw.acme-cam.example A
    ip netns exec "$DEV" dig +tcp +keepopen +tries=1 +time=2 @"$SRV_IP" time.acme-cam.example AAAA \
        cloud.acme-cam.example A
}
capture dns-tcp queries
