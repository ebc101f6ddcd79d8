#!/bin/bash
# pcaps/make_tunnels.sh -- captures of tunnelled traffic, recorded on the underlay (root).
#
#     sudo pcaps/make_tunnels.sh [OUTDIR]        # default: the folder of this script
#
# Two tunnel endpoints in a private lab (tests/lab/netns.sh, prefix tnl-): tnl-dev (underlay eth0
# 198.18.77.1) holds "the device", tnl-srv (198.18.77.2) its servers. Each tunnel in turn is built
# between them, the device gets 198.19.250.10 and the server 198.19.250.2 on the tunnel interface
# (the addresses of pcaps/make_pcaps.sh, so the reports can be compared), a real exchange runs
# through it, and tcpdump records the underlay on the bridge port of tnl-dev: only the outer packets
# are on that wire. No default route, no forwarding; every address is in 198.18.0.0/15, except the
# IPv6 link-local (fe80::/64) addresses inside the sit tunnel, which no router forwards.
#
# The kernel here has vxlan built in but no gre, ipip, sit or geneve driver ("Unknown device
# type"): those tunnels are made by pcaps/tunnel_relay.py, a userspace endpoint on a TUN/TAP
# interface that writes the RFC headers; the outer IPv4 header is the kernel's. When the kernel has
# the driver (`ip link add t0 type gre` works), the script uses it instead and says so.
#
# Needs: tcpdump, tshark (to check the captures), python3, curl, openssl, mosquitto +
# mosquitto_pub, ethtool.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${1:-$HERE}
P=tnl-
A=${P}dev B=${P}srv
A_IP=198.18.77.1 B_IP=198.18.77.2
DEV_IP=198.19.250.10 SRV_IP=198.19.250.2
DEV_MAC=00:1a:11:10:fa:0a SRV_MAC=02:00:5e:10:fa:02
DEV6=fe80::a SRV6=fe80::2
# shellcheck source=capture_lab.sh
. "$HERE/capture_lab.sh"
capture_lab_begin "$P" make_tunnels.sh
fail() { echo "make_tunnels.sh: $*" >&2; exit 1; }
in_a() { ip netns exec "$A" "$@"; }

# The underlay: the tunnel endpoints' own addresses on eth0.
capture_lab_host "$P" dev "$A_IP"
capture_lab_host "$P" srv "$B_IP"

mkdir -p "$WORK/www"
python3 "$HERE/make_firmware.py" "$WORK/www/fw-1.2.3.bin" || fail "no firmware image"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=fw.acme-cam.example" \
    -keyout "$WORK/key.pem" -out "$WORK/cert.pem" 2>/dev/null
cat >"$WORK/mosquitto.conf" <<EOF
listener 1883 $SRV_IP
allow_anonymous true
persistence false
EOF

# tunnel KIND: build tunnel interface t0 of KIND in both namespaces, inner addresses on it.
tunnel() {
    local kind=$1 ns local remote addr mac
    for ns in "$A" "$B"; do
        if [[ $ns == "$A" ]]; then local=$A_IP remote=$B_IP addr=$DEV_IP mac=$DEV_MAC
        else local=$B_IP remote=$A_IP addr=$SRV_IP mac=$SRV_MAC; fi
        case $kind in
        vxlan) ip -n "$ns" link add t0 type vxlan id 42 local "$local" remote "$remote" dstport 4789 dev eth0 ||
                   fail "no vxlan";;
        *) if ip -n "$ns" link add t0 type "$kind" local "$local" remote "$remote" 2>/dev/null; then
               echo "$kind: the kernel's driver"
           else
               bg "$ns" python3 "$HERE/tunnel_relay.py" "$kind" t0 "$local" "$remote" 42
               local i; for i in $(seq 50); do
                   ip -n "$ns" link show t0 >/dev/null 2>&1 && break; sleep 0.2; done
               ip -n "$ns" link show t0 >/dev/null 2>&1 || fail "$kind: tunnel_relay.py made no t0"
               ip -n "$ns" link set t0 mtu 1400
           fi;;
        esac
        case $kind in
        vxlan|gretap|geneve) ip netns exec "$ns" sysctl -q -w net.ipv6.conf.t0.disable_ipv6=1
                             ip -n "$ns" link set t0 address "$mac"
                             ip -n "$ns" addr add "$addr/24" dev t0;;
        sit) ip -n "$ns" link set t0 addrgenmode none  # only the address below, no random one
             ip -n "$ns" addr add "$([[ $ns == "$A" ]] && echo $DEV6 || echo $SRV6)/64" dev t0 nodad;;
        *) ip netns exec "$ns" sysctl -q -w net.ipv6.conf.t0.disable_ipv6=1
           ip -n "$ns" addr add "$addr/32" peer "$([[ $ns == "$A" ]] && echo $SRV_IP || echo $DEV_IP)" dev t0;;
        esac
        ip -n "$ns" link set t0 up
        ip netns exec "$ns" ethtool -K t0 tx off >/dev/null 2>&1
    done
    sleep 1
    # The device must reach the server through t0, not over the underlay (where it would also
    # answer: the server owns its inner address whatever the interface).
    local to=$SRV_IP
    [[ $kind == sit ]] && to=$SRV6
    ip -n "$A" route get "$to" oif t0 2>/dev/null | grep -q "dev t0" || fail "$kind: no route to $to through t0"
}
untunnel() {
    ip -n "$A" link del t0 2>/dev/null
    ip -n "$B" link del t0 2>/dev/null
    local pid
    for pid in "${PIDS[@]}"; do stop "$pid"; done
    PIDS=()
}

# The exchanges, as in pcaps/make_pcaps.sh: a firmware download over HTTP, an MQTT CONNECT with
# credentials, a client that offers at most TLS 1.0.
http_fetch() {  # http_fetch URL-HOST
    in_a curl -sS -g -A "AcmeCam/2.1" -o /dev/null "http://$1/fw-1.2.3.bin"
}
mqtt_connect() {
    bg "$B" mosquitto -c "$WORK/mosquitto.conf"
    listening "$B" 1883
    in_a mosquitto_pub -h "$SRV_IP" -i cam-01 -u cam01 -P 'mqtt-s3cret' -t acme/cam-01/status -m online
}
tls10_client() {
    bg "$B" openssl s_server -quiet -accept "$SRV_IP:4433" -cert "$WORK/cert.pem" -key "$WORK/key.pem" \
        -min_protocol TLSv1 -cipher 'DEFAULT@SECLEVEL=0'
    listening "$B" 4433
    echo Q | in_a timeout 5 openssl s_client -connect "$SRV_IP:4433" -tls1 -cipher 'DEFAULT@SECLEVEL=0' \
        -servername fw.acme-cam.example
}

# exchanges FUNCTION...: each exchange in turn, the device's side of it.
exchanges() {
    local ex
    for ex in "$@"; do $ex || echo "make_tunnels.sh: $ex failed" >&2; done
}

# record KIND EXCHANGE...: tunnel KIND up, tcpdump on the underlay, an HTTP server behind the
# tunnel, each EXCHANGE function run by the device, everything down again.
record() {
    local kind=$1; shift
    local name=tunnel-$kind
    tunnel "$kind"
    if [[ $kind == sit ]]; then
        bg "$B" python3 -m http.server 80 --bind :: --directory "$WORK/www"
    else
        bg "$B" python3 -m http.server 80 --bind "$SRV_IP" --directory "$WORK/www"
    fi
    listening "$B" 80
    capture "$name" exchanges "$@"
    untunnel
    # Only the tunnel endpoints on the underlay: every exchange went through the tunnel.
    local stray
    stray=$(tcpdump -nr "$OUT/$name.pcap" 'ip and not src net 198.18.77.0/24' 2>/dev/null | wc -l)
    [[ $stray == 0 ]] || fail "$name: $stray packets on the underlay did not go through the tunnel"
    # tshark must find the inner HTTP request: the framing is standard, not only ours.
    local uri
    uri=$(tshark -n -r "$OUT/$name.pcap" -Y http.request -T fields -e http.request.uri 2>/dev/null | head -1)
    [[ $uri == /fw-1.2.3.bin ]] || fail "$name: tshark sees no inner HTTP request"
}

http_v4() { http_fetch "$SRV_IP"; }
http_v6() { http_fetch "[$SRV6%25t0]"; }

# KINDS (environment): only these tunnels, e.g. KINDS="gre sit"; all by default.
wanted() { [[ -z ${KINDS-} || " $KINDS " == *" $1 "* ]]; }
wanted vxlan && record vxlan http_v4 tls10_client
wanted gretap && record gretap http_v4
wanted geneve && record geneve http_v4
wanted gre && record gre http_v4 mqtt_connect
wanted ipip && record ipip http_v4
wanted sit && record sit http_v6
