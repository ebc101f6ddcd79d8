#!/usr/bin/env bash
#
# tests/bench/lab_assessment.sh -- the whole device lab assessed by ONE default
# trustscan command: time and accuracy against the lab's ground truth, next to
# the peer workflow that establishes the same facts (nmap -p- and -sV,
# testssl.sh, hydra), on the same lab, in the same run.
#
# Target
#   Every planted flaw found, nothing invented, in well under a minute where
#   the peers take minutes.
#   Exit 0 when, in every trustscan run: every planted flaw (ground-truth
#   "expect" entry with status "fail") whose check exists in this build
#   (`trustscan checks list --json`) is reported, and no result matches a
#   "forbid" entry (false positive); and trustscan's median time is below the
#   peer workflow's total.  Exit 1 otherwise; 77 when a prerequisite is missing
#   (not root, binary not built, lab cannot come up, no peer tool at all).
#
# What it measures
#   1. trustscan (TS_REPEAT runs, median):
#        trustscan scan 198.18.0.10-14 -p T:-,U:<ground truth UDP ports> --ca-file <lab CA> -o ts.json
#      (every TCP port, as the peers' nmap -p-; TS_PORTS=gt scans the ground truth's scan_ports)
#      accuracy: tests/lab/check_report.py on the report (its own
#      "N passed, N failed"), then planted flaws found / planted flaws total,
#      false positives (forbid matches), and "pending" flaws whose check id is
#      not in this build's catalog yet (not counted against trustscan).
#   2. the peer workflow, every step timed separately and summed:
#        nmap -sT -p- -n -Pn ADDR                            each persona
#        nmap -sV -sT -sU -Pn -n -p T:<open found>,U:<scan_ports' UDP> ADDR
#        testssl.sh --fast --warnings batch --nodns none --quiet --color 0
#                   --jsonfile F --logfile F  198.18.0.10:443, :8443, 198.18.0.11:443
#        hydra -C creds: telnet 198.18.0.10:23, ftp :21, http-get :80 (Basic),
#              https-get :443 (same Basic auth as :80; added so that the
#              443 flaw has a peer), http-post-form on 198.18.0.12:80
#      creds (hydra -C): admin/admin root/admin admin/1234 admin/password
#      root/root admin/(empty).
#   3. a side-by-side: planted flaw -> found by trustscan? found by a peer?
#
# How peer output is read (minimal, documented so the comparison can be judged)
#   hydra    "[PORT][MODULE] host: H login: U password: P" lines -> cred.default.*
#            (telnet, ftp, http-*) fail on H tcp/PORT; an empty password also
#            counts as cred.blank; a pair the ground truth does not list is an
#            invented credential (a peer false positive).
#   testssl  JSON ids: SSLv2/SSLv3/TLS1/TLS1_1 "offered" -> tls.protocol.legacy;
#            cipherlist_NULL/aNULL/EXPORT/LOW/3DES_IDEA "offered", RC4/SWEET32
#            "VULNERABLE" -> tls.cipher.weak; cert_keySize < 2048 bits, LOGJAM
#            VULNERABLE or a LOGJAM common prime -> tls.kex.weak; certificate
#            expired, key < 2048 bits, MD5/SHA-1 signature -> tls.cert.quality
#            (self-signed / untrusted chain alone is not a failure, as in the
#            catalog).
#   nmap -sV telnet -> svc.telnet; ftp -> svc.ftp_tftp; MQTT without TLS ->
#            svc.mqtt.cleartext; MQTT renamed "mosquitto version X" (nmap's
#            mqtt-subscribe version script read $SYS without credentials) ->
#            svc.mqtt.anonymous; snmp with "(public)" -> svc.snmp.community.
#            Shown as "~" (service listed, judging it is left to a person, not
#            counted as found): plain http -> svc.http.cleartext, upnp ->
#            svc.upnp.lan, any product/version -> svc.info_disclosure.
#   Nothing in this workflow tests tls.http.redirect, ssh.config or anonymous
#   FTP (the credential list has no "anonymous"), so peers show "no" there.
#
# Time budget: every peer step is capped with `timeout` (PEER_TIMEOUT) and all
# peer steps together get PEER_BUDGET seconds, so the bench ends in about 15
# minutes however slow the peers are.  Hosts the ground truth marks as hostile
# to scanners (the tarpit: "behavior"; the silent host: nothing open) are
# scanned last and share what is left of the budget equally; a capped step
# counts its cap (a lower bound, marked ">=") and is listed as timed out.
#
# How to run (as root):
#     tests/bench/lab_assessment.sh [TRUSTSCAN_BINARY]
#   default binary: <repo>/build-all/trustscan, else <repo>/build/trustscan.
#   Environment: TS_REPEAT (trustscan runs, default 3), TS_TIMEOUT (s per
#   trustscan run, default 600 with TS_PORTS=all, 120 with gt), PEER_TIMEOUT (s per peer step, default 600),
#   PEER_BUDGET (s for all peer steps, default 780), INSTALL_PEERS (1 = apt-get
#   install a missing nmap / testssl.sh / hydra, with a policy-rc.d that
#   returns 101; 0 = skip that peer; default 1), LAB_RETRIES (default 2),
#   KEEP_TMP=1 (keep the work directory with every raw output).
#   The lab: used if up, else brought up here and down at the end.
#
# Network safety: every tool runs as `ip netns exec tsl-scan ...` (no route
# out of that namespace), every target is a literal 198.18.0.x address (nmap
# -n, testssl --nodns none), and only processes this script started are
# stopped, by PID (lab_common.sh).

set -u
set -o pipefail

BENCH=lab_assessment
SCRIPT_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
REPO_ROOT=$(cd -- "$SCRIPT_DIR/../.." && pwd -P)

if [[ -n ${1:-} ]]; then
    BIN=$1
elif [[ -x $REPO_ROOT/build-all/trustscan ]]; then
    BIN=$REPO_ROOT/build-all/trustscan
else
    BIN=$REPO_ROOT/build/trustscan
fi
TS_REPEAT=${TS_REPEAT:-3}
# -p- over the whole lab (TS_PORTS=all, the default) gets 600 s: on 2026-12-04 it did not end
# within 120 s (the cap of the ground-truth port set), cause not yet measured.
TS_TIMEOUT=${TS_TIMEOUT:-$([[ ${TS_PORTS:-all} == all ]] && echo 600 || echo 120)}
PEER_TIMEOUT=${PEER_TIMEOUT:-600}
PEER_BUDGET=${PEER_BUDGET:-780}
KEEP_TMP=${KEEP_TMP:-0}
TMP=

# shellcheck source=SCRIPTDIR/lab_common.sh
. "$SCRIPT_DIR/lab_common.sh" || { echo "$BENCH: cannot source lab_common.sh" >&2; exit 1; }

if ! [[ $TS_REPEAT =~ ^[0-9]{1,2}$ ]] || (( 10#$TS_REPEAT < 1 )); then die "TS_REPEAT must be in 1..99"; fi
for v in TS_TIMEOUT PEER_TIMEOUT PEER_BUDGET; do
    if ! [[ ${!v} =~ ^[0-9]{1,5}$ ]] || (( 10#${!v} < 1 )); then die "$v must be a positive integer (got '${!v}')"; fi
done

# ------------------------------------------------------------ prerequisites
(( EUID == 0 )) || skip "must run as root (network namespaces, nmap -sU)"
for tool in ip python3 timeout md5sum awk; do
    command -v "$tool" >/dev/null 2>&1 || skip "'$tool' not found in PATH"
done
[[ -f $BIN && -x $BIN ]] || skip "trustscan binary '$BIN' not found (build it, or pass its path)"
BIN=$(cd -- "$(dirname -- "$BIN")" && pwd -P)/$(basename -- "$BIN")
[[ -f $LAB_SH && -f $LAB_GT && -f $REPO_ROOT/tests/lab/check_report.py ]] || skip "tests/lab/ not found"

bench_workdir lab

declare -a PEER_NOTES=()
HAVE_NMAP=0 HAVE_TESTSSL=0 HAVE_HYDRA=0
ensure_peer nmap nmap && HAVE_NMAP=1 || PEER_NOTES+=("nmap not installed: its steps are skipped")
TESTSSL=
for c in testssl testssl.sh; do command -v "$c" >/dev/null 2>&1 && { TESTSSL=$c; break; }; done
if [[ -z $TESTSSL ]] && ensure_peer testssl testssl.sh; then TESTSSL=testssl; fi
[[ -n $TESTSSL ]] && HAVE_TESTSSL=1 || PEER_NOTES+=("testssl.sh not installed: its steps are skipped")
ensure_peer hydra hydra && HAVE_HYDRA=1 || PEER_NOTES+=("hydra not installed: its steps are skipped")
(( HAVE_NMAP + HAVE_TESTSSL + HAVE_HYDRA )) || skip "no peer tool (nmap, testssl.sh, hydra) available"

lab_ensure
rc=$?
((rc == 77)) && skip "the lab cannot run here (lab.sh up exit 77)"
((rc == 0)) || skip "the lab did not come up (see above)"

SCAN_PORTS=$(gt_ports all) || die "cannot read the ground truth"
# Persona list: "name address slow(0/1)"; slow = tarpit-like ("behavior") or silent (nothing open).
mapfile -t PERSONAS < <(python3 - "$LAB_GT" <<'PYEOF'
import json, sys
gt = json.load(open(sys.argv[1]))
for p in gt["personas"]:
    print(p["name"], p["address"], int(bool(p.get("behavior")) or not p["open"]))
PYEOF
)
(( ${#PERSONAS[@]} )) || die "no persona in the ground truth"
RANGE=$(python3 - "$LAB_GT" <<'PYEOF'
import ipaddress, json, sys
a = sorted(ipaddress.ip_address(p["address"]) for p in json.load(open(sys.argv[1]))["personas"])
assert all(ipaddress.ip_address(x) in ipaddress.ip_network("198.18.0.0/15") for x in a)
assert a[0].packed[:3] == a[-1].packed[:3]
print(f"{a[0]}-{a[-1].packed[3]}")
PYEOF
) || die "cannot derive the target range from the ground truth"
UDP_PORTS=$(sed -n 's/.*U:\([0-9,-]*\).*/\1/p' <<<"$SCAN_PORTS")
# trustscan's ports: every TCP port (as the peers' nmap -p-) and the ground truth's UDP ports (as
# their nmap -sU), unless TS_PORTS=gt (the ground truth's scan_ports only, the older figure).
case ${TS_PORTS:-all} in
    all) TS_SCAN_PORTS="T:-${UDP_PORTS:+,U:$UDP_PORTS}" ;;
    gt) TS_SCAN_PORTS=$SCAN_PORTS ;;
    *) die "TS_PORTS must be all or gt (got '$TS_PORTS')" ;;
esac

say "lab assessment benchmark: $RANGE, ports $SCAN_PORTS"
say "trustscan: $BIN ($("$BIN" version 2>/dev/null | head -n 1))"
say "peers:     nmap $( ((HAVE_NMAP)) && nmap --version 2>/dev/null | awk 'NR==1{print $3}' || echo -)," \
    "testssl.sh $( ((HAVE_TESTSSL)) && dpkg-query -W -f '${Version}' testssl.sh 2>/dev/null || echo -)," \
    "hydra $( ((HAVE_HYDRA)) && { hydra 2>&1 || true; } | awk 'NR==1{print $2}' || echo -)"
say "load:      $(cut -d' ' -f1-3 /proc/loadavg) (1/5/15 min)"
for n in "${PEER_NOTES[@]}"; do note "$n"; done

"$BIN" checks list --json >"$TMP/checks.jsonl" 2>"$TMP/checks.err" ||
    die "trustscan checks list --json failed: $(head -n 3 "$TMP/checks.err")"

# ========================================================= 1. trustscan
# The lab CA, as a lab user would give it: without it no certificate can be judged trusted, and
# the plug's self-signed FTPS certificate (a planted flaw) cannot be told from a lab-signed one.
CA_FILE=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["ca_file"])' "$LAB_GT") ||
    die "the ground truth names no ca_file"
say ""
say "== trustscan: $(basename "$BIN") scan $RANGE -p $TS_SCAN_PORTS --ca-file $CA_FILE -o ts.json  (x$TS_REPEAT)"
declare -a TS_T=() TS_FILES=() REASONS=()
for ((r = 1; r <= TS_REPEAT; r++)); do
    lab_measure "trustscan run $r" "$TS_TIMEOUT" "$TMP/ts.$r.log" -- \
        "$BIN" scan "$RANGE" -p "$TS_SCAN_PORTS" --ca-file "$CA_FILE" -o "$TMP/ts.$r.json"
    if (( M_LOST )); then
        REASONS+=("trustscan run $r: lab unstable"); break
    elif (( M_TIMEDOUT )); then
        say "  run $r: TIMED OUT after ${TS_TIMEOUT}s; last output:"; tail -n 15 "$TMP/ts.$r.log" | sed 's/^/  | /'
        REASONS+=("trustscan run $r timed out"); break
    elif (( M_RC != 0 && M_RC != 1 )) || [[ ! -s $TMP/ts.$r.json ]]; then
        say "  run $r: FAILED (exit $M_RC); last output:"; tail -n 15 "$TMP/ts.$r.log" | sed 's/^/  | /'
        REASONS+=("trustscan run $r: exit $M_RC"); break
    fi
    TS_T+=("$M_SECS"); TS_FILES+=("$TMP/ts.$r.json")
    say "  run $r: ${M_SECS}s (exit $M_RC)"
done
TS_MED=$(median "${TS_T[@]}")

if (( ${#TS_FILES[@]} )); then
    say ""
    say "check_report.py on the last report:"
    python3 "$REPO_ROOT/tests/lab/check_report.py" "${TS_FILES[-1]}" 2>&1 | sed 's/^/  | /'
fi

# ====================================================== 2. peer workflow
# Steps are appended to $TMP/steps.tsv: tool target seconds status file
#   status: ok | timeout | failed(rc) | lost | not-run(reason)
: >"$TMP/steps.tsv"
PEER_T0=$(now)
PEER_USED=0     # seconds used by measured steps (caps included)

budget_left() { awk -v b="$PEER_BUDGET" -v u="$PEER_USED" 'BEGIN { l = b - u; printf "%d", (l > 0 ? l : 0) }'; }

# peer_step TOOL TARGET OUTFILE CAP -- CMD...
peer_step() {
    local tool=$1 target=$2 out=$3 cap=$4 status
    shift 5
    if (( cap < 5 )); then
        printf '%s\t%s\t%s\t%s\t%s\n' "$tool" "$target" 0 "not-run(budget)" "$out" >>"$TMP/steps.tsv"
        say "  $tool $target: not run (peer budget of ${PEER_BUDGET}s used up)"
        return 1
    fi
    lab_measure "$tool $target" "$cap" "$out.log" -- "$@"
    if (( M_LOST )); then status=lost
    elif (( M_TIMEDOUT )); then status=timeout; M_SECS=$cap
    elif [[ $tool == testssl* ]]; then
        # testssl.sh exits non-zero on findings; it ran when its JSON has protocol results
        if grep -q '"id" *: *"TLS1_2"' "$out.json" 2>/dev/null; then status=ok
        else status="failed($M_RC: no protocol result, see $(basename "$out").log)"; fi
    elif (( M_RC != 0 )); then status="failed($M_RC)"
    else status=ok
    fi
    PEER_USED=$(awk -v u="$PEER_USED" -v s="$M_SECS" 'BEGIN { printf "%.2f", u + s }')
    printf '%s\t%s\t%s\t%s\t%s\n' "$tool" "$target" "$M_SECS" "$status" "$out" >>"$TMP/steps.tsv"
    printf '  %-16s %-20s %8ss  %s\n' "$tool" "$target" "$M_SECS" \
        "$([[ $status == timeout ]] && echo "TIMED OUT (cap ${cap}s)" || echo "$status")"
    [[ $status == ok ]]
}

cap_for() {   # cap_for N_STEPS_SHARING: min(PEER_TIMEOUT, left / N)
    awk -v l="$(budget_left)" -v n="$1" -v t="$PEER_TIMEOUT" 'BEGIN { c = int(l / (n > 0 ? n : 1)); print (c < t ? c : t) }'
}

open_tcp_of() {   # open_tcp_of XML ADDR -> "21,23,..." ("" if none)
    [[ -s $1 ]] || return 0
    python3 - "$1" "$2" <<'PYEOF'
import sys, xml.etree.ElementTree as ET
try:
    root = ET.parse(sys.argv[1]).getroot()
except ET.ParseError:
    sys.exit(0)
ports = []
for h in root.iter("host"):
    if any(a.get("addr") == sys.argv[2] for a in h.iter("address")):
        for p in h.iter("port"):
            st = p.find("state")
            if p.get("protocol") == "tcp" and st is not None and st.get("state") == "open":
                ports.append(int(p.get("portid")))
print(",".join(map(str, sorted(ports))))
PYEOF
}

nmap_discover() {   # nmap_discover ADDR CAP
    peer_step "nmap -p-" "$1" "$TMP/pall.$1" "$2" -- nmap -sT -p- -n -Pn "$1" -oX "$TMP/pall.$1.xml"
}
nmap_version() {    # nmap_version ADDR CAP  (ports from the discovery step)
    local tcp spec
    tcp=$(open_tcp_of "$TMP/pall.$1.xml" "$1")
    spec=${tcp:+T:$tcp}
    [[ -n $UDP_PORTS ]] && spec=${spec:+$spec,}U:$UDP_PORTS
    if [[ -z $tcp ]]; then
        note "nmap -sV $1: nmap -p- found no open TCP port (or did not finish); -sV covers only UDP $UDP_PORTS"
    fi
    peer_step "nmap -sV" "$1" "$TMP/sv.$1" "$2" -- \
        nmap -sV -sT -sU -Pn -n -p "$spec" "$1" -oX "$TMP/sv.$1.xml"
}

say ""
say "== peer workflow (each step capped at ${PEER_TIMEOUT}s, all steps together at ${PEER_BUDGET}s)"
declare -a FAST=() SLOW=()
for line in "${PERSONAS[@]}"; do
    read -r _name addr slow <<<"$line"
    if (( slow )); then SLOW+=("$addr"); else FAST+=("$addr"); fi
done

if (( HAVE_NMAP )); then
    for a in "${FAST[@]}"; do nmap_discover "$a" "$(cap_for 1)"; done
    for a in "${FAST[@]}"; do nmap_version "$a" "$(cap_for 1)"; done
fi

if (( HAVE_TESTSSL )); then
    TESTSSL_OPTS=(--fast --warnings batch --quiet --color 0)
    if "$TESTSSL" --help 2>&1 | grep -q -- '--nodns'; then
        # testssl.sh 3.0.x: `--ip one` together with `--nodns none` is a fatal
        # error ("don't work together"); with a literal IP --ip one is moot.
        TESTSSL_OPTS+=(--nodns none)
    else
        TESTSSL_OPTS+=(--ip one)
    fi
    for t in 198.18.0.10:443 198.18.0.10:8443 198.18.0.11:443; do
        f=$TMP/testssl.${t/:/_}
        M_PRE="rm -f '$f.json' '$f.txt'"
        peer_step "testssl.sh" "$t" "$f" "$(cap_for 1)" -- \
            "$TESTSSL" "${TESTSSL_OPTS[@]}" --jsonfile "$f.json" --logfile "$f.txt" "$t"
        M_PRE=
    done
fi

if (( HAVE_HYDRA )); then
    printf '%s\n' admin:admin root:admin admin:1234 admin:password root:root 'admin:' >"$TMP/creds.txt"
    FORM_FAIL='Invalid username or password'     # tests/lab/personas/plug_http.py ERROR
    grep -q "$FORM_FAIL" "$REPO_ROOT/tests/lab/personas/plug_http.py" ||
        note "plug_http.py no longer contains '$FORM_FAIL': hydra's http-post-form result is unreliable"
    HY=(hydra -I -t 4 -C "$TMP/creds.txt")
    peer_step "hydra telnet" "198.18.0.10:23" "$TMP/hydra.198.18.0.10_23" "$(cap_for 1)" -- \
        "${HY[@]}" telnet://198.18.0.10:23
    peer_step "hydra ftp" "198.18.0.10:21" "$TMP/hydra.198.18.0.10_21" "$(cap_for 1)" -- \
        "${HY[@]}" ftp://198.18.0.10:21
    peer_step "hydra http-get" "198.18.0.10:80" "$TMP/hydra.198.18.0.10_80" "$(cap_for 1)" -- \
        "${HY[@]}" http-get://198.18.0.10:80/
    peer_step "hydra https-get" "198.18.0.10:443" "$TMP/hydra.198.18.0.10_443" "$(cap_for 1)" -- \
        "${HY[@]}" https-get://198.18.0.10:443/
    peer_step "hydra form" "198.18.0.12:80" "$TMP/hydra.198.18.0.12_80" "$(cap_for 1)" -- \
        "${HY[@]}" -s 80 198.18.0.12 http-post-form "/login:username=^USER^&password=^PASS^:F=$FORM_FAIL"
fi

if (( HAVE_NMAP && ${#SLOW[@]} )); then
    # Hostile hosts last, sharing what is left equally: N = discoveries not yet
    # run + version scans known to be needed.
    declare -A DISC_DONE=()
    for a in "${SLOW[@]}"; do
        n=$(( ${#SLOW[@]} - ${#DISC_DONE[@]} ))
        nmap_discover "$a" "$(cap_for "$n")"
        DISC_DONE[$a]=1
        if [[ -n $(open_tcp_of "$TMP/pall.$a.xml" "$a") ]]; then
            n=$(( ${#SLOW[@]} - ${#DISC_DONE[@]} + 1 ))
            nmap_version "$a" "$(cap_for "$n")"
        else
            note "nmap -sV $a: skipped, nmap -p- found no open TCP port there"
        fi
    done
fi
PEER_WALL=$(elapsed "$PEER_T0" "$(now)")

# ============================================================ 3. evaluate
cat >"$TMP/eval.py" <<'PYEOF'
# eval.py GT CHECKS_JSONL STEPS_TSV TS_JSON... -> report on stdout, "RESULT k v" lines last
import fnmatch, glob, json, os, re, sys, xml.etree.ElementTree as ET

gt = json.load(open(sys.argv[1]))
catalog = set()
for line in open(sys.argv[2]):
    line = line.strip()
    if line:
        try:
            catalog.add(json.loads(line)["id"])
        except (ValueError, KeyError):
            pass
steps = [l.rstrip("\n").split("\t") for l in open(sys.argv[3]) if l.strip()]
ts_paths = sys.argv[4:]
personas = gt["personas"]
by_addr = {p["address"]: p for p in personas}

def matches(entry, r, glob_):
    ok = fnmatch.fnmatchcase(r.get("check", ""), entry["check"]) if glob_ else r.get("check") == entry["check"]
    if not ok:
        return False
    for k in ("status", "transport", "port"):
        if k in entry and r.get(k) != entry[k]:
            return False
    return True

def where(e):
    return f"{e['transport']}/{e['port']}" if "port" in e else "device"

planted = [(p, e) for p in personas for e in p.get("expect", []) if e.get("status") == "fail"]

def load_ts(path):
    res = {}
    doc = json.load(open(path))
    for d in doc.get("devices") or []:
        res[d.get("address")] = d.get("results") or []
    return res

def evaluate(results):
    found = [any(matches(e, r, False) for r in results.get(p["address"], [])) for p, e in planted]
    fps = []
    for p in personas:
        seen = set()
        for e in p.get("forbid", []):
            for i, r in enumerate(results.get(p["address"], [])):
                if i not in seen and matches(e, r, True):
                    seen.add(i)
                    fps.append((p["name"], e, r))
    return found, fps

# ---------------------------------------------------------------- peers
peer = {}          # addr -> list of pseudo-results {check,status,transport,port,tool,level,why}
invented = []      # hydra credentials the ground truth does not list

def add(addr, check, transport, port, tool, level, why):
    r = {"check": check, "status": "fail", "tool": tool, "level": level, "why": why}
    if transport:
        r["transport"], r["port"] = transport, port
    peer.setdefault(addr, []).append(r)

FAM = {"http": "http", "http-alt": "http", "http-proxy": "http", "www": "http", "https": "http",
       "https-alt": "http", "domain": "dns", "mqtt": "mqtt", "mqtts": "mqtt", "secure-mqtt": "mqtt",
       "upnp": "upnp", "ssdp": "upnp"}
for path in sorted(glob.glob(os.path.join(os.path.dirname(sys.argv[3]), "sv.*.xml"))):
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError:
        continue
    for h in root.iter("host"):
        addr = next((a.get("addr") for a in h.iter("address") if a.get("addrtype") == "ipv4"), None)
        versions = []
        for port in h.iter("port"):
            st, sv = port.find("state"), port.find("service")
            if st is None or st.get("state") != "open" or sv is None:
                continue
            proto, num = port.get("protocol"), int(port.get("portid"))
            name = sv.get("name", "").lower()
            tls = sv.get("tunnel") == "ssl" or name in ("https", "mqtts", "secure-mqtt")
            fam = "mqtt" if name.startswith("mosquitto") else FAM.get(name, name)
            probed = sv.get("method") == "probed"
            if sv.get("product") or sv.get("version"):
                versions.append(f"{proto}/{num}")
            if fam == "telnet" and probed and not tls:
                add(addr, "svc.telnet", proto, num, "nmap -sV", "yes", "telnet")
            if fam in ("ftp", "tftp") and probed:
                add(addr, "svc.ftp_tftp", proto, num, "nmap -sV", "yes", fam)
            if fam == "mqtt" and probed and not tls:
                add(addr, "svc.mqtt.cleartext", proto, num, "nmap -sV", "yes", "mqtt without TLS")
                if name.startswith("mosquitto") and "version" in name:
                    add(addr, "svc.mqtt.anonymous", proto, num, "nmap -sV", "yes", "$SYS read anonymously")
            if fam == "snmp" and "public" in (sv.get("extrainfo") or ""):
                add(addr, "svc.snmp.community", proto, num, "nmap -sV", "yes", "community public")
            if fam == "http" and not tls:
                add(addr, "svc.http.cleartext", proto, num, "nmap -sV", "~", "plain http listed")
            if fam == "upnp":
                add(addr, "svc.upnp.lan", proto, num, "nmap -sV", "~", "upnp listed")
        if versions:
            add(addr, "svc.info_disclosure", None, None, "nmap -sV", "~", "versions on " + ",".join(versions))

def bits(finding):
    m = re.search(r"\b(RSA|DSA|DH)\s+(\d+)\s+bits", finding or "")
    return int(m.group(2)) if m else None

for path in sorted(glob.glob(os.path.join(os.path.dirname(sys.argv[3]), "testssl.*.json"))):
    m = re.match(r"testssl\.(.+)_(\d+)\.json$", os.path.basename(path))
    if not m:
        continue
    addr, port = m.group(1), int(m.group(2))
    try:
        data = json.load(open(path))
    except ValueError:
        continue
    if isinstance(data, dict):
        data = data.get("scanResult", [{}])[0].get("findings", []) if "scanResult" in data else []
    f = {}
    for e in data:
        f.setdefault(e.get("id", "").split(" ")[0], []).append((e.get("severity", ""), e.get("finding", "")))
    def offered(i):
        return any(x[1].startswith("offered") for x in f.get(i, []))
    legacy = [i for i in ("SSLv2", "SSLv3", "TLS1", "TLS1_1") if offered(i)]
    if legacy:
        add(addr, "tls.protocol.legacy", "tcp", port, "testssl.sh", "yes", "offered: " + " ".join(legacy))
    weak = [i.split("_", 1)[1] for i in ("cipherlist_NULL", "cipherlist_aNULL", "cipherlist_EXPORT",
                                        "cipherlist_LOW", "cipherlist_3DES_IDEA") if offered(i)]
    weak += [i for i in ("RC4", "SWEET32") if any("VULNERABLE" in x[1] for x in f.get(i, []))]
    if weak:
        add(addr, "tls.cipher.weak", "tcp", port, "testssl.sh", "yes", "offered: " + " ".join(weak))
    kex = []
    for sev, fi in f.get("cert_keySize", []):
        b = bits(fi)
        if b and b < 2048 and not fi.startswith("EC"):
            kex.append(fi)
    if any(sev not in ("OK", "INFO") for sev, _ in f.get("LOGJAM-common_primes", [])):
        kex.append("DH " + f["LOGJAM-common_primes"][0][1])
    if any(x[1].startswith("VULNERABLE") for x in f.get("LOGJAM", [])):
        kex.append("LOGJAM")
    if kex:
        add(addr, "tls.kex.weak", "tcp", port, "testssl.sh", "yes", "; ".join(kex))
    cert = [fi for _, fi in f.get("cert_expirationStatus", []) if "expired" in fi]
    cert += [fi for _, fi in f.get("cert_keySize", []) if (bits(fi) or 4096) < 2048 and not fi.startswith("EC")]
    cert += [fi for _, fi in f.get("cert_signatureAlgorithm", []) if re.search(r"\b(MD5|SHA1)\b", fi)]
    if cert:
        add(addr, "tls.cert.quality", "tcp", port, "testssl.sh", "yes", "; ".join(cert))

# hydra leaves out "password:" when the password it found is blank
HYDRA = re.compile(r"^\[(\d+)\]\[([\w-]+)\]\s+host:\s+(\S+)\s+login:\s+(\S*)(?:\s+password:\s?(.*))?$")
for path in sorted(glob.glob(os.path.join(os.path.dirname(sys.argv[3]), "hydra.*.log"))):
    for line in open(path, errors="replace"):
        m = HYDRA.match(line.rstrip("\r\n"))
        if not m:
            continue
        port, module, host, user, pw = int(m.group(1)), m.group(2), m.group(3), m.group(4), (m.group(5) or "").strip()
        check = {"telnet": "cred.default.telnet", "ftp": "cred.default.ftp"}.get(
            module, "cred.default.http" if module.startswith("http") else f"cred.default.{module}")
        add(host, check, "tcp", port, "hydra", "yes", f"{user}/{pw or '(empty)'}")
        if pw == "":
            add(host, "cred.blank", "tcp", port, "hydra", "yes", f"{user}/(empty)")
        p = by_addr.get(host)
        known = p and any(c.get("service") == f"tcp/{port}" and c.get("username") == user and
                          c.get("password") == pw for c in p.get("credentials", []))
        if not known:
            invented.append(f"{host} tcp/{port} {module} {user}/{pw or '(empty)'}")

def peer_hits(p, e, level):
    return [r for r in peer.get(p["address"], []) if r["level"] == level and matches(e, r, False)]

peer_fps = []
for p in personas:
    yes = [r for r in peer.get(p["address"], []) if r["level"] == "yes"]
    seen = set()
    for e in p.get("forbid", []):
        for i, r in enumerate(yes):
            if i not in seen and matches(e, r, True):
                seen.add(i)
                peer_fps.append((p["name"], e, r))

# -------------------------------------------------------------- output
runs = [evaluate(load_ts(x)) for x in ts_paths]
with_check = [i for i, (p, e) in enumerate(planted) if e["check"] in catalog]
pending = [i for i, (p, e) in enumerate(planted) if e["check"] not in catalog]
if runs:
    found, fps = runs[-1]
else:
    found, fps = [False] * len(planted), []

print(f"{'persona':<7} {'planted flaw':<34} {'check in build':<14} {'trustscan':<10} peers")
print(f"{'-'*7} {'-'*34} {'-'*14} {'-'*10} {'-'*40}")
peer_found = peer_partial = 0
for i, (p, e) in enumerate(planted):
    inb = e["check"] in catalog
    tsv = ("found" if found[i] else "MISSED") if inb else ("found" if found[i] else "pending")
    hits = peer_hits(p, e, "yes")
    if hits:
        peer_found += 1
        pv = "yes: " + ", ".join(sorted({f"{r['tool']} ({r['why']})" for r in hits}))
    else:
        part = peer_hits(p, e, "~")
        if part:
            peer_partial += 1
            pv = "~ " + ", ".join(sorted({f"{r['tool']}: {r['why']}" for r in part}))
        else:
            pv = "no"
    print(f"{p['name']:<7} {e['check'] + ' ' + where(e):<34} {'yes' if inb else 'NO':<14} {tsv:<10} {pv[:110]}")

n, nc = len(planted), len(with_check)
fc = sum(found[i] for i in with_check)
print()
print(f"trustscan: planted flaws found {sum(found)}/{n}; of those whose check is in this build: {fc}/{nc}; "
      f"false positives: {len(fps)}; pending (check not in this build): {len(pending)}"
      + (f" ({', '.join(sorted({planted[i][1]['check'] for i in pending}))})" if pending else ""))
for name, e, r in fps:
    print(f"  FALSE POSITIVE trustscan {name}: {r.get('check')} {r.get('status')} "
          f"{r.get('transport', '')}/{r.get('port', '')} {r.get('summary', '')} (forbidden: {e.get('why', e['check'])})")
missed = [i for i in with_check if not found[i]]
for i in missed:
    p, e = planted[i]
    print(f"  MISSED by trustscan {p['name']}: {e['check']} {where(e)} ({e.get('why', '')})")
print(f"peers:     planted flaws found {peer_found}/{n} (+{peer_partial} only listed, '~'); "
      f"false positives: {len(peer_fps) + len(invented)}")
for name, e, r in peer_fps:
    print(f"  FALSE POSITIVE {r['tool']} {name}: {r['check']} {r.get('transport', '')}/{r.get('port', '')} "
          f"{r['why']} (forbidden: {e.get('why', e['check'])})")
for c in invented:
    print(f"  INVENTED credential (not in the ground truth): {c}")

# other trustscan fails nobody asserted (for the reader, not scored)
if ts_paths:
    last = load_ts(ts_paths[-1])
    other = []
    for p in personas:
        for r in last.get(p["address"], []):
            if r.get("status") != "fail":
                continue
            if any(matches(e, r, False) for e in p.get("expect", [])) or \
               any(matches(e, r, True) for e in p.get("forbid", [])):
                continue
            other.append(f"{p['name']}: {r.get('check')} {r.get('transport', '')}/{r.get('port', '')}".rstrip("/"))
    if other:
        print(f"trustscan fails the ground truth does not assert ({len(other)}, not scored): " + "; ".join(other))

if len(runs) > 1:
    per = [f"run {k + 1}: {sum(f[i] for i in with_check)}/{nc} found, {len(fp)} FP" for k, (f, fp) in enumerate(runs)]
    print("trustscan per run: " + "; ".join(per))
ok_runs = all(all(f[i] for i in with_check) and not fp for f, fp in runs) and bool(runs)
print("RESULT ts_ok", int(ok_runs))
print("RESULT ts_found", f"{fc}/{nc}")
print("RESULT ts_fp", len(fps))
print("RESULT ts_missed", ",".join(f"{planted[i][0]['name']}:{planted[i][1]['check']}@{where(planted[i][1])}"
                                   for i in missed) or "-")
PYEOF

say ""
say "== planted flaws (ground truth 'expect' entries with status fail): trustscan (last run) vs peers"
python3 "$TMP/eval.py" "$LAB_GT" "$TMP/checks.jsonl" "$TMP/steps.tsv" "${TS_FILES[@]}" >"$TMP/eval.out" 2>"$TMP/eval.err" ||
    { sed 's/^/  | /' "$TMP/eval.err"; die "evaluation failed"; }
grep -v '^RESULT ' "$TMP/eval.out"
res() { awk -v k="$1" '$1 == "RESULT" && $2 == k { print $3 }' "$TMP/eval.out"; }

# ----------------------------------------------------------------- times
say ""
say "== time"
awk -F'\t' '
    { g = $1; sub(/^hydra .*/, "hydra", g)
      t[g] += $3; n[g]++; if ($4 == "timeout") to[g]++; if ($4 ~ /^not-run/) nr[g]++
      if (!(g in seen)) { seen[g] = 1; order[++k] = g } }
    END { for (i = 1; i <= k; i++) { x = order[i]
            printf "  %-16s %4d step(s) %9.2fs%s%s\n", x, n[x], t[x],
                (to[x] ? sprintf("  (%d timed out: lower bound)", to[x]) : ""),
                (nr[x] ? sprintf("  (%d not run: budget)", nr[x]) : "") } }' "$TMP/steps.tsv"
PEER_TOTAL=$(awk -F'\t' '{ s += $3 } END { printf "%.2f", s }' "$TMP/steps.tsv")
TIMEDOUT=$(awk -F'\t' '$4 == "timeout" { printf "%s%s %s", (n++ ? "; " : ""), $1, $2 }' "$TMP/steps.tsv")
NOTRUN=$(awk -F'\t' '$4 ~ /^not-run/ { printf "%s%s %s", (n++ ? "; " : ""), $1, $2 }' "$TMP/steps.tsv")
FAILED=$(awk -F'\t' '$4 ~ /^(failed|lost)/ { printf "%s%s %s (%s)", (n++ ? "; " : ""), $1, $2, $4 }' "$TMP/steps.tsv")
GE=; [[ -n $TIMEDOUT || -n $NOTRUN ]] && GE=">="
say "  peers total:     ${GE}${PEER_TOTAL}s (sum of the steps; wall clock ${PEER_WALL}s)"
say "  trustscan:       ${TS_MED}s median of ${#TS_T[@]} (${TS_T[*]:--})"
[[ -n $TIMEDOUT ]] && say "  timed out:       $TIMEDOUT"
[[ -n $NOTRUN ]] && say "  not run:         $NOTRUN"
[[ -n $FAILED ]] && say "  failed:          $FAILED"
if [[ $TS_MED != - ]] && awk -v t="$TS_MED" 'BEGIN { exit !(t > 0) }'; then
    RATIO=$(awk -v p="$PEER_TOTAL" -v t="$TS_MED" 'BEGIN { printf "%.1f", p / t }')
else
    RATIO=n/a
fi
say "  ratio peers/trustscan: ${GE}${RATIO}"
(( LAB_RESTARTS )) && note "$LAB_RESTARTS measurement(s) were repeated because someone rebuilt the lab meanwhile"

# ---------------------------------------------------------------- verdict
if (( ${#TS_FILES[@]} )); then
    [[ $(res ts_ok) == 1 ]] || {
        [[ $(res ts_missed) != - ]] && REASONS+=("trustscan missed $(res ts_missed)")
        [[ $(res ts_fp) != 0 ]] && REASONS+=("trustscan reported $(res ts_fp) false positive(s)")
        [[ $(res ts_missed) == - && $(res ts_fp) == 0 ]] && REASONS+=("an earlier trustscan run missed a flaw or had a false positive (see per run)")
    }
    if ! awk -v t="$TS_MED" -v p="$PEER_TOTAL" 'BEGIN { exit !(t < p) }'; then
        REASONS+=("trustscan not faster (${TS_MED}s vs peers ${PEER_TOTAL}s)")
    fi
fi
(( ${#TS_FILES[@]} )) || (( ${#REASONS[@]} )) || REASONS+=("no trustscan report")

if (( ${#REASONS[@]} == 0 )); then
    say "RESULT: PASS (trustscan found $(res ts_found) planted flaws that have a check, 0 false positives, ${RATIO}x faster than the peers)"
    exit 0
fi
reason=$(printf '%s; ' "${REASONS[@]}")
say "RESULT: FAIL (${reason%; })"
exit 1
