#!/bin/bash
# pcaps/make_pcaps.sh -- regenerate the project's own small captures (root, Debian 12).
#
#     sudo pcaps/make_pcaps.sh [OUTDIR]        # default: the folder of this script
#
# Builds a private lab with tests/lab/netns.sh (prefix rparse-): namespace rparse-core holds the
# bridge rparse-br0, rparse-dev is "the device" (198.19.250.10, MAC 00:1a:11:10:fa:0a) and
# rparse-srv the servers it talks to (198.19.250.2, MAC 02:00:5e:10:fa:02). No default route, no
# forwarding: nothing leaves the lab. Each scenario runs real daemons and clients and is recorded
# by tcpdump on the bridge port of the device (Ethernet), except the `-i any` capture (Linux
# cooked v2) and the pcapng copy (editcap). Everything is torn down at the end, even on error.
#
# Needs: tcpdump, editcap (wireshark-common), python3, curl, openssl, dnsmasq, busybox
# (udhcpc, telnetd, ping, ping6), chronyd (chrony), mosquitto + mosquitto_pub, vsftpd, dig (bind9-dnsutils),
# ethtool.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${1:-$HERE}
P=rparse-
DEV=${P}dev SRV=${P}srv CORE=${P}core
DEV_IP=198.19.250.10 SRV_IP=198.19.250.2
DEV_MAC=00:1a:11:10:fa:0a SRV_MAC=02:00:5e:10:fa:02
# shellcheck source=capture_lab.sh
. "$HERE/capture_lab.sh"
capture_lab_begin "$P" make_pcaps.sh

in_dev() { ip netns exec "$DEV" "$@"; }
in_srv() { ip netns exec "$SRV" "$@"; }
# IPv6 off on the lab link (no router solicitations / MLD noise); loopback keeps ::1. Checksum
# offload off on every interface (capture_lab_host), so the captures hold the checksums that
# went on the wire instead of veth's partial ones (tcpdump -vv: "incorrect").
capture_lab_host "$P" dev "$DEV_IP" "$DEV_MAC"
capture_lab_host "$P" srv "$SRV_IP" "$SRV_MAC"
sleep 1

# --- material: a firmware image (uImage header), a throwaway self-signed certificate ---------
mkdir -p "$WORK/www"
python3 "$HERE/make_firmware.py" "$WORK/www/fw-1.2.3.bin"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=fw.acme-cam.example" \
    -keyout "$WORK/key.pem" -out "$WORK/cert.pem" 2>/dev/null

# (a) firmware over plain HTTP: python3 http.server, curl as the device
bg "$SRV" python3 -m http.server 80 --bind "$SRV_IP" --directory "$WORK/www"
listening "$SRV" 80
capture http-firmware in_dev curl -sS -A "AcmeCam/2.1" -o /dev/null "http://$SRV_IP/fw-1.2.3.bin"
stop "${PIDS[-1]}"

# (b) the same over HTTPS: openssl s_server -WWW serves files relative to its cwd
( cd "$WORK/www" && exec ip netns exec "$SRV" openssl s_server -quiet -WWW -accept "$SRV_IP:443" \
    -cert "$WORK/cert.pem" -key "$WORK/key.pem" ) >>"$WORK/daemons.log" 2>&1 &
PIDS+=($!)
sleep 1
capture https-firmware in_dev curl -sS -k --tlsv1.2 -A "AcmeCam/2.1" -o /dev/null "https://$SRV_IP/fw-1.2.3.bin"
stop "${PIDS[-1]}"

# (c) a client that offers at most TLS 1.0, against a server that still allows it
bg "$SRV" openssl s_server -quiet -accept "$SRV_IP:4433" -cert "$WORK/cert.pem" -key "$WORK/key.pem" \
    -min_protocol TLSv1 -cipher 'DEFAULT@SECLEVEL=0'
sleep 1
tls10_client() {
    echo Q | in_dev timeout 5 openssl s_client -connect "$SRV_IP:4433" -tls1 -cipher 'DEFAULT@SECLEVEL=0' \
        -servername fw.acme-cam.example
}
capture tls10-client tls10_client
stop "${PIDS[-1]}"

# (d) DHCP: dnsmasq (DHCP only) and busybox udhcpc with hostname and vendor class options
bg "$SRV" dnsmasq -d -k --conf-file=/dev/null --port=0 --interface=eth0 --bind-interfaces \
    --dhcp-range=198.19.250.100,198.19.250.150,255.254.0.0,1h --dhcp-host="$DEV_MAC,$DEV_IP" \
    --dhcp-leasefile="$WORK/leases" --dhcp-authoritative
sleep 1
capture dhcp in_dev busybox udhcpc -i eth0 -f -q -n -t 3 -T 2 -s /bin/true \
    -x hostname:cam-01 -V "AcmeCam/2.1"
stop "${PIDS[-1]}"

# (e) NTP: chronyd serving local time (-x: never touches the clock), chronyd -Q as the client
# (query only: prints the offset, sets nothing)
cat >"$WORK/chrony-srv.conf" <<EOF
local stratum 8
allow 198.18.0.0/15
bindaddress $SRV_IP
cmdport 0
pidfile $WORK/chrony-srv.pid
driftfile $WORK/chrony-srv.drift
EOF
cat >"$WORK/chrony-dev.conf" <<EOF
server $SRV_IP iburst maxsamples 4
cmdport 0
pidfile $WORK/chrony-dev.pid
EOF
bg "$SRV" chronyd -x -d -u root -f "$WORK/chrony-srv.conf"
sleep 1
capture ntp in_dev timeout 20 chronyd -Q -u root -t 15 -f "$WORK/chrony-dev.conf"
stop "${PIDS[-1]}"

# (f) DNS: dnsmasq (DNS only, answers from its own table, no upstream), dig as the device
bg "$SRV" dnsmasq -d -k --conf-file=/dev/null --no-resolv --no-hosts --listen-address="$SRV_IP" \
    --bind-interfaces --address=/fw.acme-cam.example/198.19.250.2 --address=/time.acme-cam.example/198.19.250.2
sleep 1
dns_queries() {
    in_dev dig +tries=1 +time=2 @"$SRV_IP" fw.acme-cam.example A
    in_dev dig +tries=1 +time=2 @"$SRV_IP" time.acme-cam.example AAAA
    in_dev dig +tries=1 +time=2 @"$SRV_IP" unknown.example A
}
capture dns dns_queries

# (f') the same queries plus an IPv6 loopback HTTP fetch, recorded with `tcpdump -i any` inside
# the device's namespace: Linux cooked v2 (LINKTYPE_LINUX_SLL2), IPv4 and IPv6
ip netns exec "$DEV" python3 -m http.server 8080 --bind ::1 --directory "$WORK/www" >>"$WORK/daemons.log" 2>&1 &
PIDS+=($!)
sleep 1
ip netns exec "$DEV" tcpdump -q -i any -s 0 -U -w "$OUT/dns-any-sll2.pcap" 'not arp' 2>>"$WORK/tcpdump.log" &
TP=$!
# the same traffic as Linux cooked v1 (LINKTYPE_LINUX_SLL, what libpcap < 1.10 wrote)
ip netns exec "$DEV" tcpdump -q -i any -y LINUX_SLL -s 0 -U -w "$OUT/dns-any-sll.pcap" 'not arp' 2>>"$WORK/tcpdump.log" &
TP1=$!
sleep 1
dns_queries >>"$WORK/clients.log" 2>&1
in_dev curl -sS -o /dev/null "http://[::1]:8080/fw-1.2.3.bin" >>"$WORK/clients.log" 2>&1
sleep 1
stop "$TP"
stop "$TP1"
stop "${PIDS[-1]}"
stop "${PIDS[-2]}"
echo "dns-any-sll2.pcap: $(tcpdump -r "$OUT/dns-any-sll2.pcap" 2>/dev/null | wc -l) packets"
echo "dns-any-sll.pcap: $(tcpdump -r "$OUT/dns-any-sll.pcap" 2>/dev/null | wc -l) packets"

# (g) MQTT CONNECT with user name and password (mosquitto accepts any: allow_anonymous)
cat >"$WORK/mosquitto.conf" <<EOF
listener 1883 $SRV_IP
allow_anonymous true
persistence false
EOF
bg "$SRV" mosquitto -c "$WORK/mosquitto.conf"
sleep 1
capture mqtt-connect in_dev mosquitto_pub -h "$SRV_IP" -i cam-01 -u cam01 -P 'mqtt-s3cret' \
    -t acme/cam-01/status -m online
stop "${PIDS[-1]}"

# (h) Telnet login in cleartext: the device runs busybox telnetd with the lab's fake login
# program (tests/lab/personas/router_login.sh: admin/admin, no real shell); the peer logs in
install -m 0755 "$HERE/../tests/lab/personas/router_login.sh" "$WORK/login.sh"
printf 'AcmeCam cam-01\n\n' >"$WORK/issue"
bg "$DEV" busybox telnetd -F -K -b "$DEV_IP:23" -l "$WORK/login.sh" -f "$WORK/issue"
sleep 1
capture telnet-login in_srv python3 "$HERE/telnet_client.py" "$DEV_IP" admin admin
stop "${PIDS[-1]}"

# (i) FTP login: the device logs in to an FTP server (snapshot upload style); vsftpd asks for a
# password for any local user name and refuses it (no such host user): USER/PASS still cross
# the wire in the clear, which is what the capture is for
mkdir -p "$WORK/vsftpd-empty"
cat >"$WORK/vsftpd.conf" <<EOF
listen=YES
listen_ipv6=NO
listen_address=$SRV_IP
background=NO
anonymous_enable=NO
local_enable=YES
pam_service_name=vsftpd
secure_chroot_dir=$WORK/vsftpd-empty
seccomp_sandbox=NO
xferlog_enable=NO
EOF
bg "$SRV" vsftpd "$WORK/vsftpd.conf"
sleep 1
capture ftp-login in_dev curl -sS --max-time 10 "ftp://cam01:ftp-s3cret@$SRV_IP/"
stop "${PIDS[-1]}"

# (j) fragments: an IPv4 ping of 3000 bytes over the 1500-byte lab link (3 fragments each way),
# and an IPv6 one over the device's loopback with its MTU lowered to 1500 (fragment headers)
capture frag-ipv4 in_dev busybox ping -c 1 -W 2 -s 3000 198.19.250.2
ip -n "$DEV" link set lo mtu 1500
ip netns exec "$DEV" tcpdump -q -i lo -s 0 -U -w "$OUT/frag-ipv6-lo.pcap" 2>>"$WORK/tcpdump.log" &
TP=$!
sleep 1
in_dev busybox ping6 -c 1 -W 2 -s 3000 ::1 >>"$WORK/clients.log" 2>&1
sleep 1
stop "$TP"
echo "frag-ipv6-lo.pcap: $(tcpdump -r "$OUT/frag-ipv6-lo.pcap" 2>/dev/null | wc -l) packets"

# pcapng: the HTTP firmware capture rewritten by editcap (wireshark-common)
editcap -F pcapng "$OUT/http-firmware.pcap" "$OUT/http-firmware.pcapng"
echo "http-firmware.pcapng: $(stat -c %s "$OUT/http-firmware.pcapng") bytes"

# pcapng with two interfaces of different link types and snapshot lengths, as mergecap (or
# dumpcap from several interfaces) writes them: the MQTT capture (Ethernet, snaplen 262144) and
# the -any DNS capture cut to a snapshot length of 9999 (Linux cooked v2). libpcap 1.10 refuses
# the second interface; trustscan's own pcapng reader reads both (probes/wire/pcapng.hpp).
python3 -c 'import sys; b = bytearray(open(sys.argv[1], "rb").read()); b[16:20] = (9999).to_bytes(4, "little"); open(sys.argv[2], "wb").write(b)' \
    "$OUT/dns-any-sll2.pcap" "$WORK/dns-any-sll2-9999.pcap"   # the file header's snapshot length (tcpdump wrote it little-endian)
mergecap -F pcapng -w "$OUT/multi-interface.pcapng" "$OUT/mqtt-connect.pcap" "$WORK/dns-any-sll2-9999.pcap"
echo "multi-interface.pcapng: $(stat -c %s "$OUT/multi-interface.pcapng") bytes"
