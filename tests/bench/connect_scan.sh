#!/usr/bin/env bash
#
# tests/bench/connect_scan.sh -- full-range TCP connect scan benchmark:
# `trustscan scan -p-` versus `nmap -sT -p-` against the same target, in the
# same run, printing the time ratio.
#
# What it measures
#   Wall-clock time (median of REPEAT runs, runs of the two tools interleaved)
#   for a TCP connect scan of all 65535 ports of one lab device, and the set
#   of open TCP ports each tool reports, compared with the ground truth (the
#   ports the device actually listens on).
#
# Target (PASS criteria, all required)
#   * trustscan's open-port set == ground truth
#   * trustscan's open-port set == nmap's open-port set
#   * trustscan's median time < nmap -sT's median time
#
# How to run (as root; needs ip (iproute2), nmap, python3, timeout):
#     tests/bench/connect_scan.sh [TRUSTSCAN_BINARY] [N_LISTENERS]
#   defaults: TRUSTSCAN_BINARY = <repo>/build/trustscan, N_LISTENERS = 20.
#   Environment: REPEAT (runs per tool, default 3), SEED (port choice, default
#   1), RUN_TIMEOUT (seconds per single scan, default 25), WARMUP (1 = one
#   untimed tiny scan per tool first to warm caches, default 1), KEEP_TMP (1 =
#   keep the work directory).
#   Exit status: 0 PASS, 1 FAIL, 77 SKIP (missing prerequisite: not root, a
#   tool missing, binary not built, no netns support, lab busy).
#
# The lab (tests/lab/netns.sh, prefix "tsb-"): namespaces tsb-core (bridge),
# tsb-dev (device, 198.18.0.10) and tsb-scan (scanner, 198.18.0.2), all in
# 198.18.0.0/15 with no default route; nothing touches the host network.
# In tsb-dev ONE python3 process listens on N TCP ports chosen
# deterministically from SEED over 1-65535 and accepts+closes connections.
# Everything (listener PID, lab namespaces, work dir) is cleaned up on
# EXIT/INT/TERM.

set -u
set -o pipefail

SCRIPT_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
REPO_ROOT=$(cd -- "$SCRIPT_DIR/../.." && pwd -P)

BIN=${1:-$REPO_ROOT/build/trustscan}
N=${2:-20}
REPEAT=${REPEAT:-3}
SEED=${SEED:-1}
RUN_TIMEOUT=${RUN_TIMEOUT:-25}
WARMUP=${WARMUP:-1}
KEEP_TMP=${KEEP_TMP:-0}

PREFIX=tsb-
DEV=dev
SCAN=scan
DEV_ADDR=198.18.0.10
SCAN_ADDR=198.18.0.2

LISTENER_PID=
TMP=
LAB_OWNED=0

say()  { printf '%s\n' "$*"; }
skip() { printf 'connect_scan: SKIP: %s\n' "$*" >&2; exit 77; }
die()  { printf 'connect_scan: ERROR: %s\n' "$*" >&2; exit 1; }

# ---------------------------------------------------------------- arguments
if ! [[ $N =~ ^[0-9]{1,5}$ ]] || (( 10#$N < 1 || 10#$N > 10000 )); then
    die "N_LISTENERS must be an integer in 1..10000 (got '$N')"
fi
if ! [[ $REPEAT =~ ^[0-9]{1,2}$ ]] || (( 10#$REPEAT < 1 || 10#$REPEAT > 20 )); then
    die "REPEAT must be an integer in 1..20 (got '$REPEAT')"
fi
if ! [[ $SEED =~ ^[0-9]{1,18}$ ]]; then
    die "SEED must be a non-negative integer (got '$SEED')"
fi
if ! [[ $RUN_TIMEOUT =~ ^[0-9]{1,4}$ ]] || (( 10#$RUN_TIMEOUT < 1 )); then
    die "RUN_TIMEOUT must be a positive integer (got '$RUN_TIMEOUT')"
fi
N=$((10#$N)); REPEAT=$((10#$REPEAT)); RUN_TIMEOUT=$((10#$RUN_TIMEOUT))

# ------------------------------------------------------------ prerequisites
(( EUID == 0 )) || skip "must run as root (network namespaces)"
for tool in ip nmap python3 timeout date awk; do
    command -v "$tool" >/dev/null 2>&1 || skip "'$tool' not found in PATH"
done
[[ -f $BIN && -x $BIN ]] || skip "trustscan binary '$BIN' not found or not executable (build it first, or pass its path)"
BIN=$(cd -- "$(dirname -- "$BIN")" && pwd -P)/$(basename -- "$BIN")
# Resolve the real interpreter (pyenv & co. use wrapper scripts): the PID we
# record must be the python process itself.
PY=$(python3 -c 'import sys; print(sys.executable)' 2>/dev/null)
[[ -n $PY && -x $PY ]] || skip "python3 does not run"

# shellcheck source=SCRIPTDIR/../lab/netns.sh
. "$REPO_ROOT/tests/lab/netns.sh" || die "cannot source tests/lab/netns.sh"

# One run at a time: lab_down tsb- would destroy a concurrent run's lab.
if command -v flock >/dev/null 2>&1; then
    exec {LOCK_FD}>"/tmp/trustscan-bench-${PREFIX}lock" || die "cannot open lock file"
    flock -n "$LOCK_FD" || skip "another benchmark run is using the '${PREFIX}' lab"
fi

# shellcheck disable=SC2317  # invoked via trap
cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    if [[ -n $LISTENER_PID ]]; then
        kill -TERM "$LISTENER_PID" 2>/dev/null
        wait "$LISTENER_PID" 2>/dev/null
    fi
    (( LAB_OWNED )) && lab_down "$PREFIX"
    if [[ -n $TMP && -d $TMP ]]; then
        if [[ $KEEP_TMP == 1 ]]; then
            printf 'connect_scan: work dir kept: %s\n' "$TMP" >&2
        else
            rm -rf -- "$TMP"
        fi
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

TMP=$(mktemp -d /tmp/tsbench.XXXXXX) || die "mktemp failed"

# ---------------------------------------------------------------- the lab
LAB_OWNED=1
if ! { lab_up "$PREFIX" &&
        lab_add_host "$PREFIX" "$DEV" "$DEV_ADDR" &&
        lab_add_host "$PREFIX" "$SCAN" "$SCAN_ADDR"; }; then
    skip "cannot build the network-namespace lab (need CAP_SYS_ADMIN + CAP_NET_ADMIN, netns and bridge/veth support)"
fi

# ---------------------------------------------------------- the listeners
cat >"$TMP/listen.py" <<'PYEOF'
# One process, N listening TCP sockets on deterministic random ports;
# accepts and closes connections forever.  Writes "ready PID PORTS" to the
# ready file (atomically) once every socket listens.
import os, random, resource, selectors, socket, sys

addr, n, seed, ready = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
want = n + 64
if soft != resource.RLIM_INFINITY and soft < want:
    resource.setrlimit(resource.RLIMIT_NOFILE, (want if hard == resource.RLIM_INFINITY else min(want, hard), hard))

ports = sorted(random.Random(seed).sample(range(1, 65536), n))   # distinct
sel = selectors.DefaultSelector()
for p in ports:
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, p))
    s.listen(socket.SOMAXCONN)
    s.setblocking(False)
    sel.register(s, selectors.EVENT_READ)

with open(ready + ".tmp", "w") as f:
    f.write("ready %d %s\n" % (os.getpid(), ",".join(map(str, ports))))
os.replace(ready + ".tmp", ready)

while True:
    for key, _ in sel.select():
        while True:
            try:
                c, _ = key.fileobj.accept()
            except (BlockingIOError, InterruptedError):
                break
            except OSError:          # e.g. ECONNABORTED: peer already gone
                break
            c.close()
PYEOF

ip netns exec "${PREFIX}${DEV}" "$PY" "$TMP/listen.py" "$DEV_ADDR" "$N" "$SEED" "$TMP/ready" \
    </dev/null >"$TMP/listener.log" 2>&1 &
LISTENER_PID=$!

for ((i = 0; i < 100; i++)); do
    [[ -s $TMP/ready ]] && break
    kill -0 "$LISTENER_PID" 2>/dev/null || break
    sleep 0.1
done
if [[ ! -s $TMP/ready ]]; then
    sed 's/^/  listener: /' "$TMP/listener.log" >&2
    die "listener did not become ready"
fi
read -r _word ready_pid TRUTH <"$TMP/ready"
[[ $ready_pid == "$LISTENER_PID" ]] ||
    say "note: listener reports PID $ready_pid, recorded PID $LISTENER_PID (lab_down cleans up either way)"

# -------------------------------------------------------- port-set parser
cat >"$TMP/ports.py" <<'PYEOF'
# ports.py ts|nmap FILE ADDR -> comma-separated sorted open TCP ports of ADDR
import json, sys, xml.etree.ElementTree as ET
kind, path, addr = sys.argv[1:4]
ports = set()
if kind == "ts":
    with open(path) as f:
        doc = json.load(f)
    for dev in doc.get("devices") or []:
        if dev.get("address") != addr:
            continue
        for svc in dev.get("services") or []:
            if str(svc.get("transport", "")).lower() == "tcp" and svc.get("state") == "open":
                ports.add(int(svc["port"]))
else:
    root = ET.parse(path).getroot()
    for host in root.iter("host"):
        if not any(a.get("addr") == addr for a in host.iter("address")):
            continue
        for port in host.iter("port"):
            st = port.find("state")
            if port.get("protocol") == "tcp" and st is not None and st.get("state") == "open":
                ports.add(int(port.get("portid")))
print(",".join(map(str, sorted(ports))))
PYEOF

ports_of() { "$PY" "$TMP/ports.py" "$@"; }
count_of() { if [[ -z $1 ]]; then echo 0; else awk -F, '{print NF}' <<<"$1"; fi; }
now()      { date +%s.%N; }
elapsed()  { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
median()   { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 }
               END { if (NR % 2) printf "%.3f", v[(NR + 1) / 2];
                     else printf "%.3f", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# Ports present in $1 but missing from $2 (both comma lists), for messages.
minus()    { comm -23 <(tr , '\n' <<<"$1" | sed '/^$/d' | sort) \
                      <(tr , '\n' <<<"$2" | sed '/^$/d' | sort) | sort -n | paste -sd, -; }

in_scan()  { timeout --foreground -k 3 "$RUN_TIMEOUT" ip netns exec "${PREFIX}${SCAN}" "$@"; }

# --------------------------------------------------------------- warm-up
# The first start of a tool can be very slow on a cold page cache (seen: a
# 50 s first nmap start here), which would dominate a 3-run median.
if [[ $WARMUP == 1 ]]; then
    in_scan "$BIN" scan "$DEV_ADDR" -p 1 --no-probes -q -o "$TMP/warm.json" >/dev/null 2>&1
    in_scan nmap -sT -p 1 -n -Pn -oX /dev/null "$DEV_ADDR" >/dev/null 2>&1
fi

# ------------------------------------------------------------------ runs
declare -a TS_T=() NM_T=()
TS_SET='' NM_SET='' TS_OK=1 NM_OK=1 TS_STABLE=1 NM_STABLE=1
declare -a REASONS=()

for ((r = 1; r <= REPEAT; r++)); do
    # a) trustscan
    t0=$(now)
    in_scan "$BIN" scan "$DEV_ADDR" -p- --no-probes -q -o "$TMP/ts.$r.json" >"$TMP/ts.$r.log" 2>&1
    rc=$?
    t1=$(now)
    if (( rc != 0 && rc != 1 )); then
        (( rc == 124 || rc == 137 )) && why="timed out after ${RUN_TIMEOUT}s" || why="exit code $rc"
        say "trustscan run $r failed ($why); its output:"
        tail -n 20 "$TMP/ts.$r.log" | sed 's/^/  | /'
        REASONS+=("trustscan run $r: $why")
        TS_OK=0
        break
    fi
    if ! set_r=$(ports_of ts "$TMP/ts.$r.json" "$DEV_ADDR" 2>"$TMP/ts.$r.parse"); then
        say "cannot parse trustscan report of run $r:"
        tail -n 5 "$TMP/ts.$r.parse" | sed 's/^/  | /'
        REASONS+=("trustscan run $r: unreadable JSON report")
        TS_OK=0
        break
    fi
    TS_T+=("$(elapsed "$t0" "$t1")")
    [[ $r -gt 1 && $set_r != "$TS_SET" ]] && TS_STABLE=0
    [[ $set_r == "$TRUTH" ]] || TS_OK=0
    TS_SET=$set_r

    # b) nmap -sT
    t0=$(now)
    in_scan nmap -sT -p- -n -Pn --open -oX "$TMP/nmap.$r.xml" "$DEV_ADDR" >"$TMP/nmap.$r.log" 2>&1
    rc=$?
    t1=$(now)
    if (( rc != 0 )); then
        (( rc == 124 || rc == 137 )) && why="timed out after ${RUN_TIMEOUT}s" || why="exit code $rc"
        say "nmap run $r failed ($why); its output:"
        tail -n 20 "$TMP/nmap.$r.log" | sed 's/^/  | /'
        REASONS+=("nmap run $r: $why")
        NM_OK=0
        break
    fi
    if ! set_r=$(ports_of nmap "$TMP/nmap.$r.xml" "$DEV_ADDR" 2>"$TMP/nmap.$r.parse"); then
        REASONS+=("nmap run $r: unreadable XML report")
        NM_OK=0
        break
    fi
    NM_T+=("$(elapsed "$t0" "$t1")")
    [[ $r -gt 1 && $set_r != "$NM_SET" ]] && NM_STABLE=0
    [[ $set_r == "$TRUTH" ]] || NM_OK=0
    NM_SET=$set_r
done

# ---------------------------------------------------------------- report
TS_MED=-; NM_MED=-
(( ${#TS_T[@]} )) && TS_MED=$(median "${TS_T[@]}")
(( ${#NM_T[@]} )) && NM_MED=$(median "${NM_T[@]}")
yn() { (( $1 )) && echo yes || echo no; }

say ""
say "connect-scan benchmark: target $DEV_ADDR, ports 1-65535, $N listeners (seed $SEED), repeat $REPEAT"
if (( N <= 40 )); then
    say "ground truth: $TRUTH"
else
    say "ground truth: $N ports: $(cut -d, -f1-20 <<<"$TRUTH"),..."
fi
printf '%-10s %9s  %-24s %5s  %s\n' tool median_s "runs_s" open correct
printf '%-10s %9s  %-24s %5s  %s\n' trustscan "$TS_MED" "${TS_T[*]:--}" \
    "$( (( ${#TS_T[@]} )) && count_of "$TS_SET" || echo -)" "$(yn "$(( TS_OK && ${#TS_T[@]} ))")"
printf '%-10s %9s  %-24s %5s  %s\n' "nmap -sT" "$NM_MED" "${NM_T[*]:--}" \
    "$( (( ${#NM_T[@]} )) && count_of "$NM_SET" || echo -)" "$(yn "$(( NM_OK && ${#NM_T[@]} ))")"
(( TS_STABLE )) || say "note: trustscan's open-port set differed between runs (last run shown)"
(( NM_STABLE )) || say "note: nmap's open-port set differed between runs (last run shown)"

if [[ $TS_MED != - && $NM_MED != - ]]; then
    RATIO=$(awk -v n="$NM_MED" -v t="$TS_MED" 'BEGIN { if (t > 0) printf "%.2f", n / t; else print "inf" }')
else
    RATIO=n/a
fi
say "ratio: nmap_time / trustscan_time = $RATIO"

if (( ${#REASONS[@]} == 0 )); then
    if [[ $TS_SET != "$TRUTH" ]] || (( ! TS_OK )); then
        miss=$(minus "$TRUTH" "$TS_SET"); extra=$(minus "$TS_SET" "$TRUTH")
        REASONS+=("trustscan open ports != ground truth (missing: ${miss:-none}; extra: ${extra:-none})")
    fi
    if [[ $TS_SET != "$NM_SET" ]]; then
        REASONS+=("trustscan open ports != nmap open ports")
    fi
    (( NM_OK )) || REASONS+=("nmap itself disagreed with ground truth (lab problem?)")
    if ! awk -v t="$TS_MED" -v n="$NM_MED" 'BEGIN { exit !(t < n) }'; then
        REASONS+=("trustscan not faster (${TS_MED}s vs nmap ${NM_MED}s)")
    fi
fi

if (( ${#REASONS[@]} == 0 )); then
    say "RESULT: PASS"
    exit 0
fi
reason=$(printf '%s; ' "${REASONS[@]}")
say "RESULT: FAIL (${reason%; })"
exit 1
