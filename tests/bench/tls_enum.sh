#!/usr/bin/env bash
#
# tests/bench/tls_enum.sh -- TLS enumeration benchmark: trustscan versus
# `sslscan` and `testssl.sh --fast` on the lab's TLS endpoints, same run.
#
# Endpoints (tests/lab/ground_truth.json):
#     198.18.0.10:443  router, lighttpd/OpenSSL 3, TLS 1.0-1.3, 1024-bit RSA
#     198.18.0.10:8443 router, gnutls-serv, TLS 1.0-1.2, 3DES/RC4, DHE-1024
#     198.18.0.11:443  camera, nginx/OpenSSL 3, TLS 1.2-1.3, EC P-256
#     198.18.0.12:21   plug, vsftpd explicit FTPS (AUTH TLS), TLS 1.1-1.3
#
# What it measures, per endpoint (wall clock, one run each, tools in turn):
#     trustscan scan ADDR -p T:PORT --no-creds -q -o ts.json
#         (port check, identification, the protocol probe: TLS enumeration of
#          every version and suite, preference, fallback SCSV, compression,
#          certificate, plus HTTP inside TLS or the FTP probe)
#     sslscan --no-colour --xml=F [--starttls-ftp] ADDR:PORT
#     testssl --fast --nodns none --warnings off --color 0 --jsonfile F
#             [-t ftp] ADDR:PORT
#   all from the lab's scanner namespace tsl-scan (no route out: testssl.sh
#   looks names up even with --nodns none).
#   Findings printed per tool: versions accepted and weak suites (names or,
#   for testssl.sh --fast which lists no single suite, its weak categories).
#   "Weak" is one rule for all tools, applied to IANA names: NULL, EXPORT,
#   anon, RC4, DES/3DES, IDEA, RC2, MD5 (tls_suites.hpp weak_suite).
#
# Target (exit 0 when all hold):
#     * trustscan's versions include the union of the peers' versions, its
#       weak suites every weak suite sslscan lists, and a weak suite of every
#       weak category testssl.sh reports;
#     * trustscan's total time <= sslscan's total time;
#     * testssl.sh's total time >= 100 x trustscan's total time.
#   Each endpoint's figures and ratios are printed too.
#
# How to run (root: namespaces; hold the lab session lock -- the script takes
# /run/trustscan-lab-session.lock itself unless an ancestor already holds it):
#     tests/bench/tls_enum.sh [TRUSTSCAN_BINARY]
#   default binary <repo>/build/trustscan.  Environment: TS_TIMEOUT (120),
#   SSLSCAN_TIMEOUT (300), TESTSSL_TIMEOUT (900), INSTALL_PEERS (1: apt-get
#   install sslscan / testssl.sh when missing), KEEP_TMP=1.
#   Exit status: 0 PASS, 1 FAIL, 77 SKIP.
#
# Network safety: every tool runs as `ip netns exec tsl-scan ...` against
# literal lab addresses; only processes this script started are stopped, by
# PID.

set -u
set -o pipefail

BENCH=tls_enum
SCRIPT_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
REPO_ROOT=$(cd -- "$SCRIPT_DIR/../.." && pwd -P)
SESSION_LOCK=/run/trustscan-lab-session.lock

# shellcheck source=SCRIPTDIR/lab_common.sh
. "$SCRIPT_DIR/lab_common.sh" || { echo "$BENCH: cannot source lab_common.sh" >&2; exit 1; }

# The session lock: take it unless a process above us holds it already.
if [[ -z ${TLS_ENUM_LOCKED:-} ]] && ! lab_lock_held_by_ancestor "$SESSION_LOCK"; then
    exec env TLS_ENUM_LOCKED=1 flock "$SESSION_LOCK" "$0" "$@"
fi

BIN=${1:-$REPO_ROOT/build/trustscan}
TS_TIMEOUT=${TS_TIMEOUT:-120}
SSLSCAN_TIMEOUT=${SSLSCAN_TIMEOUT:-300}
TESTSSL_TIMEOUT=${TESTSSL_TIMEOUT:-900}
KEEP_TMP=${KEEP_TMP:-0}
TMP=

(( EUID == 0 )) || skip "must run as root (network namespaces)"
for tool in ip python3 timeout md5sum awk flock; do
    command -v "$tool" >/dev/null 2>&1 || skip "'$tool' not found in PATH"
done
[[ -f $BIN && -x $BIN ]] || skip "trustscan binary '$BIN' not found (build it, or pass its path)"
BIN=$(cd -- "$(dirname -- "$BIN")" && pwd -P)/$(basename -- "$BIN")

bench_workdir tls

ensure_peer sslscan sslscan || skip "sslscan missing and not installable"
ensure_testssl
lab_ensure_or_skip

ENDPOINTS=("198.18.0.10 443 -" "198.18.0.10 8443 -" "198.18.0.11 443 -" "198.18.0.12 21 ftp")
say "TLS enumeration benchmark: ${#ENDPOINTS[@]} endpoints of the lab"
say "trustscan: $BIN"
say "sslscan:   $(sslscan --version 2>/dev/null | sed 's/\x1b\[[0-9;]*m//g' | awk 'NF { $1 = $1; print; exit }')"
say "testssl:   $("$TESTSSL" --version 2>/dev/null | sed 's/\x1b\[[0-9;]*m//g' | awk '/testssl/ { $1 = $1; print; exit }')"
say "load:      $(cut -d' ' -f1-3 /proc/loadavg)"

: >"$TMP/times"
for ep in "${ENDPOINTS[@]}"; do
    read -r addr port starttls <<<"$ep"
    tag=${addr##*.}_$port
    ftp_sslscan=() ftp_testssl=()
    if [[ $starttls == ftp ]]; then ftp_sslscan=(--starttls-ftp); ftp_testssl=(-t ftp); fi

    lab_measure "trustscan $addr:$port" "$TS_TIMEOUT" "$TMP/ts-$tag.log" -- \
        "$BIN" scan "$addr" -p "T:$port" --no-creds -q -o "$TMP/ts-$tag.json"
    printf '%s trustscan %s %s %s\n' "$tag" "$M_SECS" "$M_RC" "$M_LOST" >>"$TMP/times"

    lab_measure "sslscan $addr:$port" "$SSLSCAN_TIMEOUT" "$TMP/sslscan-$tag.log" -- \
        sslscan --no-colour "${ftp_sslscan[@]}" --xml="$TMP/sslscan-$tag.xml" "$addr:$port"
    printf '%s sslscan %s %s %s\n' "$tag" "$M_SECS" "$M_RC" "$M_LOST" >>"$TMP/times"

    M_PRE="rm -f '$TMP/testssl-$tag.json'"
    lab_measure "testssl.sh $addr:$port" "$TESTSSL_TIMEOUT" "$TMP/testssl-$tag.log" -- \
        "$TESTSSL" --fast --nodns none --warnings off --color 0 --jsonfile "$TMP/testssl-$tag.json" \
        "${ftp_testssl[@]}" "$addr:$port"
    M_PRE=
    printf '%s testssl %s %s %s\n' "$tag" "$M_SECS" "$M_RC" "$M_LOST" >>"$TMP/times"
done

python3 - "$TMP" "$REPO_ROOT/probes/tls_suites.cpp" "${ENDPOINTS[@]}" <<'PYEOF'
import json, os, re, sys
import xml.etree.ElementTree as ET

tmp, registry, endpoints = sys.argv[1], sys.argv[2], sys.argv[3:]
names = {int(c, 16): n for c, n in re.findall(r'S\((0x[0-9A-Fa-f]{4}),\s*"([A-Z0-9_]+)"', open(registry).read())}

def weak_class(name):
    """One rule for every tool: the weakness of an IANA suite name, or None."""
    n = name.upper()
    for pat, cls in (("_NULL_", "NULL"), ("EXPORT", "EXPORT"), ("_ANON_", "anon"), ("RC4", "RC4"),
                     ("3DES", "3DES"), ("_DES", "DES"), ("IDEA", "IDEA"), ("RC2", "RC2")):
        if pat in n: return cls
    if n.endswith("_MD5"): return "MD5"
    return None

times = {}
for line in open(os.path.join(tmp, "times")):
    tag, tool, secs, rc, lost = line.split()
    times[(tag, tool)] = (float(secs), int(rc), lost == "1")

def trustscan(tag, port):
    try: j = json.load(open(os.path.join(tmp, f"ts-{tag}.json")))
    except Exception as e: return None
    for d in j.get("devices", []):
        for s in d.get("services", []):
            if s.get("port") == port and "tls" in s:
                t = s["tls"]
                weak = sorted({c for v, cs in t.get("ciphers", {}).items() for c in cs if weak_class(c)})
                return {"versions": set(t.get("versions", [])), "weak": set(weak),
                        "suites": sum(len(cs) for cs in t.get("ciphers", {}).values()),
                        "preferred": t.get("preferred", {}), "fallback_scsv": t.get("fallback_scsv"),
                        "compression": t.get("compression")}
    return {"versions": set(), "weak": set(), "suites": 0}

def sslscan(tag):
    try: root = ET.parse(os.path.join(tmp, f"sslscan-{tag}.xml")).getroot()
    except Exception: return None
    vers, weak, suites = set(), set(), 0
    for p in root.iter("protocol"):
        if p.get("enabled") == "1":
            v = p.get("version")
            vers.add(("SSLv" + v) if p.get("type") == "ssl" else ("TLSv" + v))
    for c in root.iter("cipher"):
        if c.get("status") not in ("accepted", "preferred"): continue
        suites += 1
        name = names.get(int(c.get("id", "0x0"), 16), c.get("cipher"))
        if weak_class(name): weak.add(name)
    return {"versions": vers, "weak": weak, "suites": suites}

TESTSSL_VERSIONS = {"SSLv2": "SSLv2", "SSLv3": "SSLv3", "TLS1": "TLSv1.0", "TLS1_1": "TLSv1.1",
                    "TLS1_2": "TLSv1.2", "TLS1_3": "TLSv1.3"}
TESTSSL_WEAK = {"cipherlist_NULL": ["NULL"], "cipherlist_aNULL": ["anon"], "cipherlist_EXPORT": ["EXPORT"],
                "cipherlist_LOW": ["DES", "RC2", "RC4"], "cipherlist_3DES_IDEA": ["3DES", "IDEA"],
                "cipherlist_OBSOLETED": [], "RC4": ["RC4"]}
def testssl(tag):
    try: items = json.load(open(os.path.join(tmp, f"testssl-{tag}.json")))
    except Exception: return None
    if isinstance(items, dict): items = items.get("scanResult", items.get("findings", []))
    vers, cats = set(), set()
    for it in items:
        i, f = it.get("id", ""), str(it.get("finding", ""))
        if i in TESTSSL_VERSIONS and f.startswith("offered"): vers.add(TESTSSL_VERSIONS[i])
        if i in TESTSSL_WEAK and TESTSSL_WEAK[i] and (f.startswith("offered") or "VULNERABLE" in f):
            cats.add("/".join(TESTSSL_WEAK[i]))
    return {"versions": vers, "weak": cats}

def fmt(s): return ", ".join(sorted(s)) if s else "-"
ok = True
tot = {"trustscan": 0.0, "sslscan": 0.0, "testssl": 0.0}
print()
for ep in endpoints:
    addr, port, starttls = ep.split()
    tag = addr.rsplit(".", 1)[1] + "_" + port
    ts, ss, tl = trustscan(tag, int(port)), sslscan(tag), testssl(tag)
    print(f"== {addr}:{port}" + (" (FTP AUTH TLS)" if starttls == "ftp" else ""))
    for tool, r in (("trustscan", ts), ("sslscan", ss), ("testssl", tl)):
        secs, rc, lost = times[(tag, tool)]
        tot[tool] += secs
        state = "lost (lab rebuilt)" if lost else ("timed out" if rc in (124, 137) else f"exit {rc}")
        if tool == "trustscan" and rc == 1: state = "exit 1 (failed checks)"
        if r is None:
            print(f"  {tool:9} {secs:8.2f} s  {state}: no parsable output"); ok = False; continue
        extra = f", {r['suites']} suites" if "suites" in r else ""
        print(f"  {tool:9} {secs:8.2f} s  {state}{extra}; versions: {fmt(r['versions'])}; weak: {fmt(r['weak'])}")
    if ts is None: continue
    if ts.get("preferred"): print(f"  trustscan preferred: {ts['preferred']}; fallback_scsv: {ts.get('fallback_scsv')}; compression: {ts.get('compression')}")
    union_v = set().union(*(r["versions"] for r in (ss, tl) if r))
    miss_v = union_v - ts["versions"]
    miss_w = (ss["weak"] - ts["weak"]) if ss else set()
    ts_classes = {weak_class(n) for n in ts["weak"]}
    miss_c = {c for c in (tl["weak"] if tl else set()) if not (set(c.split("/")) & ts_classes)}
    found_all = not (miss_v or miss_w or miss_c)
    ok = ok and found_all
    print(f"  union found by trustscan: {'yes' if found_all else 'NO'}"
          + ("" if found_all else f" (missing versions {fmt(miss_v)}, suites {fmt(miss_w)}, categories {fmt(miss_c)})"))
    t = times[(tag, "trustscan")][0]
    if t > 0:
        print(f"  ratios: sslscan/trustscan {times[(tag, 'sslscan')][0] / t:.1f}x, testssl/trustscan {times[(tag, 'testssl')][0] / t:.1f}x")
print()
print(f"total: trustscan {tot['trustscan']:.2f} s, sslscan {tot['sslscan']:.2f} s, testssl.sh --fast {tot['testssl']:.2f} s")
if tot["trustscan"] > 0:
    r1, r2 = tot["sslscan"] / tot["trustscan"], tot["testssl"] / tot["trustscan"]
    print(f"ratios: sslscan/trustscan {r1:.1f}x (target >= 1), testssl/trustscan {r2:.1f}x (target >= 100)")
    ok = ok and r1 >= 1.0 and r2 >= 100.0
print("RESULT:", "PASS" if ok else "FAIL")
sys.exit(0 if ok else 1)
PYEOF
