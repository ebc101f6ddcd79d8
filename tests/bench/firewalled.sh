#!/usr/bin/env bash
#
# tests/bench/firewalled.sh -- a full-range scan of a firewalled device, trustscan versus
# `nmap -sT -p- -T4`, same lab, same run; and the memory of 10,000 connections in flight.
#
# The device: the lab's `guarded` host (198.18.0.16, tests/lab/lab.sh): busybox httpd on tcp/80,
# every other SYN and every UDP datagram dropped by nftables (no RST, no ICMP), as a camera with
# its own firewall. Every tool runs in the lab's scanner namespace (tsl-scan, no route out).
#
# Part 1 (issue 16): wall time and peak RSS (/usr/bin/time) of
#     trustscan scan 198.18.0.16 -p- --no-probes     (the defaults: adaptive timing)
#     nmap -sT -p- -T4 -n -Pn 198.18.0.16
#   REPEAT runs each (default 1: nmap takes over a minute), and the open ports each found.
# Part 2 (issue 14): trustscan with --max-inflight 10000 --per-device 10000 and deadlines held at
#   10 s (--timeout 10000 --min-timeout 10000, no retries) over 30,000 ports, so ten thousand
#   connection attempts wait at once; the number in SYN-SENT is sampled every 0.2 s with ss, and
#   the peak RSS of the scanner is read from /usr/bin/time.
#
# Target (exit 0 when all hold): both tools find exactly tcp/80 open; trustscan's median time is
# below nmap's; part 2 saw at least 9,000 attempts in flight at once.
#
#     tests/bench/firewalled.sh [TRUSTSCAN_BINARY]     (root; default <repo>/build/trustscan)
#   Environment: REPEAT (1), TS_TIMEOUT (600), NMAP_TIMEOUT (900), INSTALL_PEERS (1), KEEP_TMP.
#   Exit status: 0 PASS, 1 FAIL, 77 SKIP.

set -u
set -o pipefail

BENCH=firewalled
SCRIPT_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
REPO_ROOT=$(cd -- "$SCRIPT_DIR/../.." && pwd -P)
# shellcheck source=SCRIPTDIR/lab_common.sh
. "$SCRIPT_DIR/lab_common.sh" || { echo "$BENCH: cannot source lab_common.sh" >&2; exit 1; }

BIN=${1:-$REPO_ROOT/build/trustscan}
REPEAT=${REPEAT:-1}
TS_TIMEOUT=${TS_TIMEOUT:-600}
NMAP_TIMEOUT=${NMAP_TIMEOUT:-900}
DEV=198.18.0.16

((EUID == 0)) || skip "needs root (network namespaces)"
[[ -x $BIN ]] || skip "no trustscan binary at $BIN (build first)"
BIN=$(cd -- "$(dirname -- "$BIN")" && pwd -P)/$(basename -- "$BIN")
[[ -x /usr/bin/time ]] || skip "/usr/bin/time missing (apt-get install time)"
[[ $REPEAT =~ ^[1-9]$ ]] || die "REPEAT must be 1-9"

bench_workdir firewalled
ensure_peer nmap nmap || skip "nmap is not installed and could not be"
lab_ensure

# timed LABEL TIMEOUT OUT -- CMD...: wall time and peak RSS (kB) into OUT.time.
timed() {
    local label=$1 tmo=$2 out=$3
    shift 4
    lab_measure "$label" "$tmo" "$out.log" -- /usr/bin/time -f "%e %M" -o "$out.time" "$@"
    ((M_LOST == 0)) || die "$label could not be measured on a stable lab"
    ((M_TIMEDOUT == 0)) || die "$label timed out after ${tmo}s"
}

open_ts() { python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))["devices"][0]
print(",".join(sorted(s["transport"] + "/" + str(s["port"]) for s in d["services"] if s["state"] == "open")))' "$1"; }
open_nmap() { python3 -c '
import sys, xml.etree.ElementTree as ET
r = ET.parse(sys.argv[1]).getroot()
print(",".join(sorted(p.get("protocol") + "/" + p.get("portid") for p in r.iter("port")
                      if p.find("state").get("state") == "open")))' "$1"; }

declare -a TS_T=() NM_T=() TS_M=() NM_M=()
FAIL=()
for ((r = 1; r <= REPEAT; r++)); do
    timed "trustscan -p-" "$TS_TIMEOUT" "$TMP/ts$r" -- "$BIN" scan "$DEV" -p- --no-probes -o "$TMP/ts$r.json"
    read -r s m <"$TMP/ts$r.time"; TS_T+=("$s"); TS_M+=("$m")
    got=$(open_ts "$TMP/ts$r.json"); [[ $got == tcp/80 ]] || FAIL+=("trustscan run $r found open: '$got'")
    grep -h "port scan" "$TMP/ts$r.log" | sed 's/^/  trustscan: /'
    timed "nmap -sT -p- -T4" "$NMAP_TIMEOUT" "$TMP/nm$r" -- nmap -sT -p- -T4 -n -Pn -oX "$TMP/nm$r.xml" "$DEV"
    read -r s m <"$TMP/nm$r.time"; NM_T+=("$s"); NM_M+=("$m")
    got=$(open_nmap "$TMP/nm$r.xml"); [[ $got == tcp/80 ]] || FAIL+=("nmap run $r found open: '$got'")
done
TS_MED=$(median "${TS_T[@]}"); NM_MED=$(median "${NM_T[@]}")
say ""
say "full range of a firewalled device ($DEV, tcp/80 open, everything else dropped), $REPEAT run(s)"
printf '  %-22s %8s s  %8s MB peak RSS  (runs: %s)\n' "trustscan (defaults)" "$TS_MED" \
    "$(($(printf '%s\n' "${TS_M[@]}" | sort -n | tail -1) / 1024))" "${TS_T[*]}"
printf '  %-22s %8s s  %8s MB peak RSS  (runs: %s)\n' "nmap -sT -T4" "$NM_MED" \
    "$(($(printf '%s\n' "${NM_M[@]}" | sort -n | tail -1) / 1024))" "${NM_T[*]}"
say "  ratio nmap/trustscan: $(awk -v a="$NM_MED" -v b="$TS_MED" 'BEGIN { printf "%.2f", a / b }')"
awk -v t="$TS_MED" -v n="$NM_MED" 'BEGIN { exit !(t < n) }' || FAIL+=("trustscan (${TS_MED}s) not faster than nmap (${NM_MED}s)")

# Part 2: ten thousand attempts in flight at once, sampled from the scanner's namespace.
cat >"$TMP/inflight.sh" <<EOF
"$BIN" scan "$DEV" -p 20001-50000 --no-probes -q --max-inflight 10000 --per-device 10000 \\
    --timeout 10000 --min-timeout 10000 --retries 0 -o "$TMP/inflight.json" &
pid=\$!
max=0
while kill -0 \$pid 2>/dev/null; do
    n=\$(ss -Htn state syn-sent | wc -l)
    ((n > max)) && max=\$n
    sleep 0.2
done
wait \$pid
echo "max in flight: \$max"
EOF
timed "10,000 in flight" 120 "$TMP/inflight" -- bash "$TMP/inflight.sh"
read -r s m <"$TMP/inflight.time"
INFLIGHT=$(sed -n 's/^max in flight: //p' "$TMP/inflight.log")
say ""
say "10,000 in flight: 30,000 dropped ports, deadlines held at 10 s: at most ${INFLIGHT:-?} in SYN-SENT at once,"
say "  peak RSS $((m / 1024)) MB (scanner and the bash sampler: the larger of them), ${s} s"
((${INFLIGHT:-0} >= 9000)) || FAIL+=("only ${INFLIGHT:-0} attempts were in flight at once")

if ((${#FAIL[@]} == 0)); then say "RESULT: PASS"; exit 0; fi
say "RESULT: FAIL ($(printf '%s; ' "${FAIL[@]}"))"
exit 1
