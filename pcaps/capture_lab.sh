# shellcheck shell=bash
# pcaps/capture_lab.sh -- what the capture scripts of pcaps/ share (source it, as root):
#
#     . "$HERE/capture_lab.sh"
#     capture_lab_begin rparse- make_pcaps.sh   # root check, $WORK, cleanup on exit, lab_up
#     capture_lab_host rparse- dev 198.19.250.10 00:1a:11:10:fa:0a
#     bg rparse-srv some-daemon ...; stop "${PIDS[-1]}"
#
# The lab is tests/lab/netns.sh's (namespaces PREFIXcore with the bridge, PREFIXNAME per host,
# addresses only in 198.18.0.0/15, no default route). Every host gets IPv6 off on eth0 (no router
# solicitations or MLD in the captures) and checksum offload off (the captures hold the checksums
# that went on the wire, not veth's partial ones). On exit the daemons started with `bg` are
# stopped, the lab is torn down and $WORK removed (kept when KEEP_WORK is set, for its logs).

# shellcheck source=../tests/lab/netns.sh
. "$(dirname "${BASH_SOURCE[0]}")/../tests/lab/netns.sh"

PIDS=()

# capture_lab_begin PREFIX SCRIPT-NAME
capture_lab_begin() {
    CAPTURE_LAB_PREFIX=$1
    (( EUID == 0 )) || { echo "$2: run as root" >&2; exit 1; }
    WORK=$(mktemp -d "/tmp/${1}pcaps.XXXXXX")
    trap capture_lab_cleanup EXIT
    lab_up "$1" || exit 1
}

capture_lab_cleanup() {
    local pid
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null; done
    lab_down "$CAPTURE_LAB_PREFIX"
    if [[ -n ${KEEP_WORK-} ]]; then echo "logs kept in $WORK" >&2; else rm -rf "$WORK"; fi
}

# capture_lab_host PREFIX NAME ADDR [MAC]
capture_lab_host() {
    local ns=$1$2
    lab_add_host "$1" "$2" "$3" || exit 1
    [[ -z ${4-} ]] || ip -n "$ns" link set eth0 address "$4"
    ip netns exec "$ns" sysctl -q -w net.ipv6.conf.eth0.disable_ipv6=1
    local l
    for l in eth0 lo; do
        ip netns exec "$ns" ethtool -K "$l" tx off >/dev/null 2>&1 ||
            echo "capture_lab.sh: ethtool -K $l tx off failed in $ns: TCP/UDP checksums will be partial" >&2
    done
}

# bg NS CMD...: start a daemon in a namespace, remember its pid.
bg() { local ns=$1; shift; ip netns exec "$ns" "$@" >>"$WORK/daemons.log" 2>&1 & PIDS+=($!); }
stop() { kill "$1" 2>/dev/null; wait "$1" 2>/dev/null; }

# capture NAME CMD...: tcpdump on the bridge port of host "dev" into $OUT/NAME.pcap while CMD runs (in the caller's
# namespace choice), then a short grace for the last segments and ARP.
capture() {
    local name=$1; shift
    ip netns exec "${CAPTURE_LAB_PREFIX}core" tcpdump -q -i "${CAPTURE_LAB_PREFIX}dev" -s 0 -U -w "$OUT/$name.pcap" 2>>"$WORK/tcpdump.log" &
    local tp=$!
    sleep 1
    "$@" >>"$WORK/clients.log" 2>&1
    sleep 1
    stop "$tp"
    echo "$name.pcap: $(tcpdump -r "$OUT/$name.pcap" 2>/dev/null | wc -l) packets, $(stat -c %s "$OUT/$name.pcap") bytes"
}

# listening NS PORT: wait (at most 10 s) until a TCP socket listens on PORT in NS.
listening() {
    local i
    for i in $(seq 50); do
        [[ -n $(ip netns exec "$1" ss -Hltn "sport = :$2") ]] && return 0
        sleep 0.2
    done
    echo "capture_lab.sh: nothing listens on port $2 in $1" >&2
    exit 1
}
