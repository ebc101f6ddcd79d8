#!/usr/bin/env bash
#
# tests/bench/service_id.sh -- service identification benchmark: trustscan
# versus `nmap -sV` on every open port of the lab's weak router persona
# (198.18.0.10), same ports, same run.
#
# Target
#   nmap takes minutes, trustscan seconds, same services named.
#   PASS when, all required:
#     * trustscan's open ports == the ground truth's (tests/lab/ground_truth.json)
#     * trustscan names the service of every open port
#     * where nmap identified a service, trustscan names the same service
#       (after the mapping below)
#     * trustscan's median wall-clock time < nmap's median
#
# What it measures
#   Wall clock of
#     trustscan scan 198.18.0.10 -p <router's open ports> -o ts.json -q
#     nmap -sV -sT -sU -Pn -n -p <same> 198.18.0.10 -oX nmap.xml
#   both run from the lab's scanner namespace tsl-scan (198.18.0.2, no route
#   out), TS_REPEAT resp. NMAP_REPEAT times, interleaved, median of each; then
#   a per-port table: nmap's service/product/version vs trustscan's
#   service/product/version, whether both name the same service, and what
#   really runs there (ground truth), plus the ratio nmap_time/trustscan_time.
#   The table uses the last run of each tool.
#
# "Same service" mapping (names are lower-cased; nmap's tunnel="ssl" or an
# "ssl/" prefix marks TLS).  Each name maps to a family:
#     http  <- http, http-alt, http-proxy, www, https, https-alt, ssl/http
#     tls   <- tls, ssl  (TLS recognised, application not named)
#     dns   <- domain, dns
#     mqtt  <- mqtt, mqtts, secure-mqtt, "mosquitto ..." (nmap's mqtt version
#              script renames the service to "mosquitto version X")
#     upnp  <- upnp, ssdp
#     other names map to themselves (ftp, telnet, snmp, ssh, ...)
#   Two names are the same service when their families are equal (http over
#   TLS == http: nmap "ssl/http" on 443 == trustscan "https" or "http"), or
#   when one side is the generic "tls" and the other side is TLS-tunnelled
#   (nmap "ssl/http" == trustscan "tls"), or for UPnP over TCP: nmap "upnp" ==
#   trustscan "http" (UPnP description/SOAP is HTTP).
#   nmap "identified" a port when its <service> has method="probed" and a name
#   other than "unknown"/"tcpwrapped"; ports nmap only guessed from its port
#   table (method="table", shown with "?") are listed but not required to match.
#
# How to run (as root: namespaces, and nmap -sU needs raw sockets):
#     tests/bench/service_id.sh [TRUSTSCAN_BINARY]
#   default binary: <repo>/build-all/trustscan, else <repo>/build/trustscan.
#   Environment: TS_REPEAT (trustscan runs, default 3), NMAP_REPEAT (nmap runs,
#   default 1: one run takes about two minutes), REPEAT (sets both unless they
#   are given), TS_TIMEOUT (s per trustscan
#   run, default 120), NMAP_TIMEOUT (s per nmap run, default 600), WARMUP (1 =
#   one untimed tiny run of each tool first, default 1), LAB_RETRIES (re-runs of
#   a measurement the lab was rebuilt under, default 2), KEEP_TMP=1 (keep the
#   work directory).
#   The lab: used if it is up; otherwise `tests/lab/lab.sh up` here and `down`
#   at the end (see lab_common.sh for sharing the lab with concurrent users).
#   Exit status: 0 PASS, 1 FAIL, 77 SKIP (not root, tool or binary missing,
#   the lab cannot come up).
#
# Network safety: every tool runs as `ip netns exec tsl-scan ...`, targets are
# the literal address 198.18.0.10 (no name is ever resolved: nmap -n), and the
# only processes stopped are the ones this script started, by PID.

set -u
set -o pipefail

BENCH=service_id
SCRIPT_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
REPO_ROOT=$(cd -- "$SCRIPT_DIR/../.." && pwd -P)

if [[ -n ${1:-} ]]; then
    BIN=$1
elif [[ -x $REPO_ROOT/build-all/trustscan ]]; then
    BIN=$REPO_ROOT/build-all/trustscan
else
    BIN=$REPO_ROOT/build/trustscan
fi
TS_REPEAT=${TS_REPEAT:-${REPEAT:-3}}
NMAP_REPEAT=${NMAP_REPEAT:-${REPEAT:-1}}
TS_TIMEOUT=${TS_TIMEOUT:-120}
NMAP_TIMEOUT=${NMAP_TIMEOUT:-600}
WARMUP=${WARMUP:-1}
KEEP_TMP=${KEEP_TMP:-0}
TARGET=198.18.0.10
PERSONA=router
TMP=

# shellcheck source=SCRIPTDIR/lab_common.sh
. "$SCRIPT_DIR/lab_common.sh" || { echo "$BENCH: cannot source lab_common.sh" >&2; exit 1; }

for v in TS_REPEAT NMAP_REPEAT; do
    if ! [[ ${!v} =~ ^[0-9]{1,2}$ ]] || (( 10#${!v} < 1 )); then die "$v must be an integer in 1..99 (got '${!v}')"; fi
done
for v in TS_TIMEOUT NMAP_TIMEOUT; do
    if ! [[ ${!v} =~ ^[0-9]{1,5}$ ]] || (( 10#${!v} < 1 )); then die "$v must be a positive integer (got '${!v}')"; fi
done

# ------------------------------------------------------------ prerequisites
(( EUID == 0 )) || skip "must run as root (network namespaces, nmap -sU)"
for tool in ip nmap python3 timeout md5sum awk; do
    command -v "$tool" >/dev/null 2>&1 || skip "'$tool' not found in PATH"
done
[[ -f $BIN && -x $BIN ]] || skip "trustscan binary '$BIN' not found (build it, or pass its path)"
BIN=$(cd -- "$(dirname -- "$BIN")" && pwd -P)/$(basename -- "$BIN")
[[ -f $LAB_SH && -f $LAB_GT ]] || skip "tests/lab/ not found"

bench_workdir svcid

lab_ensure
rc=$?
((rc == 77)) && skip "the lab cannot run here (lab.sh up exit 77)"
((rc == 0)) || skip "the lab did not come up (see above)"

PORTS=$(gt_ports "$PERSONA") || die "cannot read the ground truth"
[[ -n $PORTS ]] || die "the ground truth lists no open port for $PERSONA"

say "service-id benchmark: $TARGET ($PERSONA persona), ports $PORTS"
say "trustscan: $BIN ($("$BIN" version 2>/dev/null | head -n 1))"
say "nmap:      $(nmap --version 2>/dev/null | head -n 1)"
say "load:      $(cut -d' ' -f1-3 /proc/loadavg) (1/5/15 min; other users of this machine slow both tools alike)"

# --------------------------------------------------------------- warm-up
if [[ $WARMUP == 1 ]]; then
    lab_measure "warm-up trustscan" 30 "$TMP/warm-ts.log" -- \
        "$BIN" scan "$TARGET" -p T:21 --no-probes -q -o "$TMP/warm.json"
    lab_measure "warm-up nmap" 30 "$TMP/warm-nmap.log" -- \
        nmap -sT -Pn -n -p 21 -oX /dev/null "$TARGET"
fi

# ------------------------------------------------------------------ runs
declare -a TS_T=() NM_T=() REASONS=()
TS_LAST='' NM_LAST=''
TS_FAILED=0 NM_FAILED=0
MAXR=$(( TS_REPEAT > NMAP_REPEAT ? TS_REPEAT : NMAP_REPEAT ))

show_tail() { tail -n 15 "$1" | sed 's/^/  | /'; }

for ((r = 1; r <= MAXR; r++)); do
    if (( r <= TS_REPEAT && ! TS_FAILED )); then
        lab_measure "trustscan run $r" "$TS_TIMEOUT" "$TMP/ts.$r.log" -- \
            "$BIN" scan "$TARGET" -p "$PORTS" -o "$TMP/ts.$r.json" -q
        if (( M_LOST )); then
            REASONS+=("trustscan run $r: lab unstable"); TS_FAILED=1
        elif (( M_TIMEDOUT )); then
            say "trustscan run $r TIMED OUT after ${TS_TIMEOUT}s; its output:"; show_tail "$TMP/ts.$r.log"
            REASONS+=("trustscan run $r timed out (${TS_TIMEOUT}s)"); TS_FAILED=1
        elif (( M_RC != 0 && M_RC != 1 )) || [[ ! -s $TMP/ts.$r.json ]]; then
            say "trustscan run $r failed (exit $M_RC, report $( [[ -s $TMP/ts.$r.json ]] && echo written || echo missing)); its output:"
            show_tail "$TMP/ts.$r.log"
            REASONS+=("trustscan run $r: exit $M_RC"); TS_FAILED=1
        else
            TS_T+=("$M_SECS"); TS_LAST=$TMP/ts.$r.json
            say "  trustscan run $r: ${M_SECS}s (exit $M_RC)"
        fi
    fi
    if (( r <= NMAP_REPEAT && ! NM_FAILED )); then
        lab_measure "nmap run $r" "$NMAP_TIMEOUT" "$TMP/nmap.$r.log" -- \
            nmap -sV -sT -sU -Pn -n -p "$PORTS" "$TARGET" -oX "$TMP/nmap.$r.xml"
        if (( M_LOST )); then
            REASONS+=("nmap run $r: lab unstable"); NM_FAILED=1
        elif (( M_TIMEDOUT )); then
            say "  nmap run $r: TIMED OUT after ${NMAP_TIMEOUT}s"
            NM_T+=("$NMAP_TIMEOUT"); NM_FAILED=1
            note "nmap's time counts as ${NMAP_TIMEOUT}s (a lower bound); its table column is empty"
        elif (( M_RC != 0 )); then
            say "nmap run $r failed (exit $M_RC):"; show_tail "$TMP/nmap.$r.log"
            REASONS+=("nmap run $r: exit $M_RC"); NM_FAILED=1
        else
            NM_T+=("$M_SECS"); NM_LAST=$TMP/nmap.$r.xml
            say "  nmap -sV run $r: ${M_SECS}s"
        fi
    fi
done

# ------------------------------------------------------------- the table
cat >"$TMP/table.py" <<'PYEOF'
# table.py GT PERSONA TS_JSON|'' NMAP_XML|'' -> table on stdout, then lines
#   "RESULT key value" for the shell.
import json, re, sys, xml.etree.ElementTree as ET

gt_path, persona, ts_path, nm_path = sys.argv[1:5]
gt = json.load(open(gt_path))
p = next(x for x in gt["personas"] if x["name"] == persona)
addr = p["address"]
truth_open = list(p["open"])

def key_sort(k):
    t, n = k.split("/")
    return (0 if t == "tcp" else 1, int(n))

ts = {}
if ts_path:
    doc = json.load(open(ts_path))
    for d in doc.get("devices") or []:
        if d.get("address") != addr:
            continue
        for s in d.get("services") or []:
            ts[f"{s.get('transport')}/{s.get('port')}"] = s

nm = {}
if nm_path:
    root = ET.parse(nm_path).getroot()
    for h in root.iter("host"):
        if not any(a.get("addr") == addr for a in h.iter("address")):
            continue
        for port in h.iter("port"):
            st = port.find("state")
            sv = port.find("service")
            e = {"state": st.get("state") if st is not None else "?"}
            if sv is not None:
                e.update(name=sv.get("name", ""), product=sv.get("product", ""),
                         version=sv.get("version", ""), extrainfo=sv.get("extrainfo", ""),
                         tunnel=sv.get("tunnel", ""), method=sv.get("method", ""))
            nm[f"{port.get('protocol')}/{port.get('portid')}"] = e

FAM = {"http": "http", "http-alt": "http", "http-proxy": "http", "www": "http",
       "https": "http", "https-alt": "http", "domain": "dns", "dns": "dns",
       "mqtt": "mqtt", "mqtts": "mqtt", "secure-mqtt": "mqtt", "upnp": "upnp", "ssdp": "upnp",
       "tls": "tls", "ssl": "tls"}
TLS_NAMES = {"https", "https-alt", "mqtts", "secure-mqtt", "tls", "ssl"}

def norm(name, tunnel=""):
    n = (name or "").strip().lower().rstrip("?")
    tls = tunnel == "ssl"
    if n.startswith("ssl/"):
        n, tls = n[4:], True
    if n.startswith("mosquitto"):
        n = "mqtt"
    tls = tls or n in TLS_NAMES
    return FAM.get(n, n), tls

def same(nm_e, ts_name, transport):
    fn, tn = norm(nm_e.get("name", ""), nm_e.get("tunnel", ""))
    ft, tt = norm(ts_name)
    if not ft:
        return False
    if fn == ft:
        return True
    if ft == "tls" and tn:          # trustscan: TLS, app not named; nmap: TLS-tunnelled
        return True
    if fn == "tls" and tt:
        return True
    if transport == "tcp" and fn == "upnp" and ft == "http":
        return True
    return False

def nm_identified(e):
    return (e.get("state") == "open" or e.get("state") == "open|filtered") and \
        e.get("method") == "probed" and e.get("name", "") not in ("", "unknown", "tcpwrapped")

def nm_name(e):
    if not e:
        return "-"
    n = e.get("name", "") or "-"
    if e.get("tunnel") == "ssl":
        n = "ssl/" + n
    if e.get("method") == "table":
        n += "?"
    return n

def clip(s, w):
    s = s or "-"
    return s if len(s) <= w else s[: w - 1] + "~"

ports = sorted(set(truth_open) | {k for k, s in ts.items() if s.get("state") == "open"}, key=key_sort)
W = (10, 26, 32, 10, 34, 11)
fmt = "%-{}s %-{}s %-{}s %-{}s %-{}s %-{}s %s".format(*W)
print(fmt % ("port", "nmap service", "nmap product/version", "trustscan", "trustscan product/version",
             "same", "really there (ground truth)"))
print(fmt % (tuple("-" * w for w in W) + ("-" * 28,)))
named = unnamed = agree = disagree = nm_ident = 0
unnamed_ports, disagree_ports, ts_only = [], [], []
for k in ports:
    transport = k.split("/")[0]
    s = ts.get(k, {})
    e = nm.get(k, {})
    ts_svc = s.get("service", "") if s.get("state") == "open" else ""
    ts_pv = " ".join(x for x in (s.get("product", ""), s.get("version", "")) if x)
    nm_pv = " ".join(x for x in (e.get("product", ""), e.get("version", "")) if x)
    if e.get("extrainfo"):
        nm_pv += f" ({e['extrainfo']})"
    if ts_svc:
        named += 1
    else:
        unnamed += 1
        unnamed_ports.append(k)
    if not e:
        verdict = "no nmap"
    elif nm_identified(e):
        nm_ident += 1
        if not ts_svc:
            verdict = "NO(unnamed)"
            disagree += 1
            disagree_ports.append(k)
        elif same(e, ts_svc, transport):
            verdict = "yes"
            agree += 1
        else:
            verdict = "NO"
            disagree += 1
            disagree_ports.append(k)
    else:
        verdict = "ts only" if ts_svc else "neither"
        if ts_svc:
            ts_only.append(k)
    state = "" if s.get("state") == "open" else f" [ts: {s.get('state', 'not reported')}]"
    truth = p.get("services", {}).get(k, "")
    truth = re.split(r"[,:]", re.sub(r"\s*\(.*?\)", "", truth))[0]
    print(fmt % (k, clip(nm_name(e), W[1]), clip(nm_pv, W[2]), clip(ts_svc or "(none)", W[3]) ,
                 clip(ts_pv, W[4]), verdict, clip(truth, 44) + state))

ts_open = sorted((k for k, s in ts.items() if s.get("state") == "open"), key=key_sort)
print()
print(f"trustscan named {named} of {len(ports)} ports; nmap identified {nm_ident}, "
      f"trustscan names the same service on {agree} of them"
      + (f"; trustscan alone named {', '.join(ts_only)}" if ts_only else ""))
print("RESULT open_ok", int(sorted(truth_open, key=key_sort) == ts_open) if ts_path else 0)
print("RESULT open", ",".join(ts_open) or "-")
print("RESULT truth", ",".join(sorted(truth_open, key=key_sort)))
print("RESULT unnamed", ",".join(unnamed_ports) or "-")
print("RESULT disagree", ",".join(disagree_ports) or "-")
PYEOF

say ""
if [[ -n $TS_LAST || -n $NM_LAST ]]; then
    python3 "$TMP/table.py" "$LAB_GT" "$PERSONA" "$TS_LAST" "$NM_LAST" >"$TMP/table.out" 2>"$TMP/table.err" ||
        { sed 's/^/  | /' "$TMP/table.err"; die "cannot build the table"; }
    grep -v '^RESULT ' "$TMP/table.out"
fi
res() { awk -v k="$1" '$1 == "RESULT" && $2 == k { print $3 }' "$TMP/table.out" 2>/dev/null; }

# -------------------------------------------------------- services stable?
if (( ${#TS_T[@]} > 1 )); then
    sigs=$(for f in "$TMP"/ts.*.json; do
        python3 -c 'import json,sys
d=json.load(open(sys.argv[1]))
print(sorted((s.get("transport"),s.get("port"),s.get("state"),s.get("service"),s.get("product"),s.get("version"))
      for dv in d.get("devices",[]) for s in dv.get("services",[])))' "$f" 2>/dev/null
    done | sort -u | wc -l)
    (( sigs > 1 )) && note "trustscan's services differed between its $TS_REPEAT runs (table shows the last)"
fi

# ---------------------------------------------------------------- report
TS_MED=$(median "${TS_T[@]}")
NM_MED=$(median "${NM_T[@]}")
say ""
printf '%-12s %9s  %s\n' tool median_s runs_s
printf '%-12s %9s  %s\n' trustscan "$TS_MED" "${TS_T[*]:--}"
printf '%-12s %9s  %s%s\n' "nmap -sV" "$NM_MED" "${NM_T[*]:--}" "$( ((NM_FAILED)) && [[ -z $NM_LAST ]] && echo ' (timed out: lower bound)')"
if [[ $TS_MED != - && $NM_MED != - ]]; then
    RATIO=$(awk -v n="$NM_MED" -v t="$TS_MED" 'BEGIN { if (t > 0) printf "%.1f", n / t; else print "inf" }')
else
    RATIO=n/a
fi
say "ratio: nmap_time / trustscan_time = $RATIO"
(( LAB_RESTARTS )) && note "$LAB_RESTARTS measurement(s) were repeated because someone rebuilt the lab meanwhile"

if [[ -n $TS_LAST ]]; then
    [[ $(res open_ok) == 1 ]] ||
        REASONS+=("trustscan open ports $(res open) != ground truth $(res truth)")
    [[ $(res unnamed) == - ]] || REASONS+=("trustscan names no service on $(res unnamed)")
    if [[ -n $NM_LAST ]]; then
        [[ $(res disagree) == - ]] || REASONS+=("trustscan's service differs from nmap's on $(res disagree)")
    else
        REASONS+=("no nmap result to compare the services with")
    fi
    if [[ $NM_MED != - ]] && ! awk -v t="$TS_MED" -v n="$NM_MED" 'BEGIN { exit !(t < n) }'; then
        REASONS+=("trustscan not faster (${TS_MED}s vs nmap ${NM_MED}s)")
    fi
else
    (( ${#REASONS[@]} )) || REASONS+=("no trustscan result")
fi

if (( ${#REASONS[@]} == 0 )); then
    say "RESULT: PASS"
    exit 0
fi
reason=$(printf '%s; ' "${REASONS[@]}")
say "RESULT: FAIL (${reason%; })"
exit 1
