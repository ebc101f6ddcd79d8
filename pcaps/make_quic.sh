#!/bin/bash
# pcaps/make_quic.sh -- QUIC v1 connections from the device, one of them after a Retry (root).
#
#     sudo pcaps/make_quic.sh [OUTDIR]        # default: the folder of this script
#
# A private lab (pcaps/capture_lab.sh, prefix tquic-): tquic-dev is "the device" (198.19.250.10,
# MAC 00:1a:11:10:fa:0a), tquic-srv runs ngtcp2's example HTTP/3 server over GnuTLS (Debian 12
# package ngtcp2-server 0.12.1: gtlsserver) on 198.19.250.2 UDP 443, and a second one on UDP 8443
# with address validation (-V: it answers the first Initial with a Retry), both with a throwaway
# self-signed ECDSA P-256 certificate (CN fw.acme-cam.example, made per run, not kept). The device
# runs ngtcp2's example client (ngtcp2-client: gtlsclient) against each, connecting to
# fw.acme-cam.example (a hosts-file name in its namespace, so that is its SNI) with one HTTP/3 GET of /fw-1.2.3.bin (404: the servers serve an empty
# folder). tcpdump records the device's bridge port into quic.pcap. No default route, no
# forwarding; every address is in 198.18.0.0/15.
#
# QUIC v2 (RFC 9369) is not in it: ngtcp2 0.12 knows only the v2 draft codepoint 0x709a50c4, so
# v2 is tested with the RFC's own sample packets (tests/parsers/test_quic.cpp).
#
# Needs: tcpdump, ngtcp2-client, ngtcp2-server, openssl, ethtool.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${1:-$HERE}
P=tquic-
DEV=${P}dev SRV=${P}srv
DEV_IP=198.19.250.10 SRV_IP=198.19.250.2
# shellcheck source=capture_lab.sh
. "$HERE/capture_lab.sh"
capture_lab_begin "$P" make_quic.sh
capture_lab_host "$P" dev "$DEV_IP" 00:1a:11:10:fa:0a
capture_lab_host "$P" srv "$SRV_IP" 02:00:5e:10:fa:02

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=fw.acme-cam.example \
    -addext subjectAltName=DNS:fw.acme-cam.example -keyout "$WORK/key.pem" -out "$WORK/cert.pem" 2>/dev/null
mkdir -p "$WORK/htdocs"
bg "$SRV" gtlsserver -q -d "$WORK/htdocs" "$SRV_IP" 443 "$WORK/key.pem" "$WORK/cert.pem"
bg "$SRV" gtlsserver -q -V -d "$WORK/htdocs" "$SRV_IP" 8443 "$WORK/key.pem" "$WORK/cert.pem"
for port in 443 8443; do
    for i in $(seq 50); do
        [[ -n $(ip netns exec "$SRV" ss -Hlun "sport = :$port") ]] && break
        sleep 0.2
    done
done

# The client sends the host name it connects to as SNI (for a literal address it sends
# "localhost", whatever --sni says), so the device's namespace gets its own hosts file
# (`ip netns exec` mounts /etc/netns/NS/hosts over /etc/hosts): the name resolves from the file,
# no DNS is asked.
mkdir -p "/etc/netns/$DEV"
echo "$SRV_IP fw.acme-cam.example" >"/etc/netns/$DEV/hosts"
trap 'rm -rf "/etc/netns/$DEV"; rmdir /etc/netns 2>/dev/null; capture_lab_cleanup' EXIT

clients() {
    local port
    for port in 443 8443; do
        ip netns exec "$DEV" timeout 10 gtlsclient -q --exit-on-all-streams-close \
            fw.acme-cam.example "$port" https://fw.acme-cam.example/fw-1.2.3.bin
    done
}
capture quic clients
