#!/usr/bin/env bash
#
# tests/bench/testssl_agreement.sh -- trustscan's TLS findings against testssl.sh (Debian 12's
# testssl.sh 3.0.8) on the same lab endpoints in one run: a table, finding by finding, and the
# time of each tool. Disagreements are explained in docs/crypto-policies.md ("Benchmark:
# testssl.sh on the same endpoints").
#
# Endpoints: every TLS endpoint of the lab's ground truth (tests/lab/ground_truth.json, the
# personas' "tls" entries), today
#     198.18.0.10:443  router, lighttpd/OpenSSL 3, TLS 1.0-1.3, 1024-bit RSA
#     198.18.0.10:8443 router, gnutls-serv, TLS 1.0-1.2, 3DES/RC4, DHE-1024
#     198.18.0.11:443  camera, TLS 1.2-1.3, EC P-256, lab-CA certificate
#     198.18.0.12:21   plug, vsftpd explicit FTPS (AUTH TLS)
#   (ENDPOINTS="ADDR:PORT[:ftp] ..." in the environment picks others.)
#
# Per endpoint, tools in turn, each timed (wall clock, one run):
#     trustscan scan ADDR -p T:PORT --safety intrusive --no-creds --ca-file <lab CA>
#               --fail-on never -q -o ts.json
#     testssl --nodns none --warnings off --color 0 -p -U -S -P --jsonfile F [-t ftp] ADDR:PORT
#   (-p protocols; -U vulnerabilities; -S server defaults: extensions, certificate key size;
#   -P server preference: the negotiated suite and key exchange.)
# Rows, each "finding | testssl.sh says | trustscan says | agree?":
#     protocols SSLv2 .. TLS 1.3        testssl SSLv2..TLS1_3      tls.versions
#     secure renegotiation (RFC 5746)   secure_renego              tls.secure_renegotiation
#     client-initiated renegotiation    secure_client_renego       a check found at run time (*)
#     downgrade protection              fallback_SCSV              tls.fallback_scsv
#     Heartbleed, CCS injection, ROBOT  heartbleed, CCS, ROBOT     a check found at run time (*)
#     POODLE (SSL), SWEET32, FREAK,     POODLE_SSL, SWEET32, ...   tls.attacks.known (the attack
#     LOGJAM, DROWN, BEAST, RC4, CRIME  ..., RC4, CRIME_TLS          named in its finding or not)
#     LUCKY13                           LUCKY13                    tls.attacks.known (named as a
#                                                                  precondition, never a failure)
#     extended master secret            TLS_extensions (#23)       tls.extended_master_secret
#     certificate key                   cert_keySize               tls.cert.key_type/key_bits
#     negotiated key exchange           cipher_negotiated          tls.preferred/groups/dh_bits
#   (*) `trustscan checks list --json` is searched at run time for checks whose id or title
#   names heartbleed, CCS / ChangeCipherSpec, ROBOT / Bleichenbacher or client(-initiated)
#   renegotiation; without one the row says "pending (no check in this build)".
# A row is "not compared" when either side has no answer (a check that did not run, a testssl
# warning). Counts per endpoint and in total, and the times, follow the table; last, a matrix of
# every finding by endpoint ("testssl = trustscan", "≠" disagree, "/" not compared).
#
# Exit status: 0 when the run produced the table (every endpoint measured and both tools' output
# parsed) whatever the agreement -- the point is the table, not a gate; 1 when a tool's output is
# missing or could not be measured on a stable lab; 77 SKIP (not root, no lab, no testssl.sh).
#
# How to run (root: network namespaces):
#     tests/bench/testssl_agreement.sh [TRUSTSCAN_BINARY]
#   default binary <repo>/build/trustscan. The lab is a machine-wide singleton: the script re-runs
#   itself under `flock` on each lock in LAB_LOCKS (default /tmp/trustscan-lab.lock and
#   /run/trustscan-lab-session.lock, which tls_enum.sh and creds.sh take) unless a process above
#   it holds that lock already, and uses lab_common.sh (lab_ensure: brings the lab up only when it
#   is down, and down again at exit; lab_measure: a run during which someone rebuilt the lab is
#   repeated). Environment: TS_TIMEOUT (120), TESTSSL_TIMEOUT (900), TESTSSL_ARGS (the test
#   selection, default "-p -U -S -P"), INSTALL_PEERS (1: apt-get install testssl.sh when
#   missing), KEEP_TMP=1 (keep the tools' output).
#
# Network safety: every tool runs as `ip netns exec tsl-scan ...` (no route out) against literal
# lab addresses, testssl.sh with --nodns none; only processes this script started are stopped,
# by PID.

set -u
set -o pipefail

BENCH=testssl_agreement
SCRIPT_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
REPO_ROOT=$(cd -- "$SCRIPT_DIR/../.." && pwd -P)
# shellcheck source=SCRIPTDIR/lab_common.sh
. "$SCRIPT_DIR/lab_common.sh" || { echo "$BENCH: cannot source lab_common.sh" >&2; exit 1; }

(( EUID == 0 )) || skip "must run as root (network namespaces)"
for tool in ip python3 timeout md5sum awk flock; do
    command -v "$tool" >/dev/null 2>&1 || skip "'$tool' not found in PATH"
done

LAB_LOCKS=${LAB_LOCKS:-/tmp/trustscan-lab.lock /run/trustscan-lab-session.lock}
for lock in $LAB_LOCKS; do
    lab_lock_held_by_ancestor "$lock" || exec flock "$lock" "$0" "$@"
done

BIN=${1:-$REPO_ROOT/build/trustscan}
TS_TIMEOUT=${TS_TIMEOUT:-120}
TESTSSL_TIMEOUT=${TESTSSL_TIMEOUT:-900}
read -r -a TESTSSL_SEL <<<"${TESTSSL_ARGS:--p -U -S -P}"
KEEP_TMP=${KEEP_TMP:-0}
TMP=

[[ -f $BIN && -x $BIN ]] || skip "trustscan binary '$BIN' not found (build it, or pass its path)"
BIN=$(cd -- "$(dirname -- "$BIN")" && pwd -P)/$(basename -- "$BIN")

bench_workdir testssl

ensure_testssl
lab_ensure_or_skip

CA_FILE=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["ca_file"])' "$LAB_GT")
if [[ -n ${ENDPOINTS:-} ]]; then
    read -r -a EPS <<<"$ENDPOINTS"
else
    mapfile -t EPS < <(python3 - "$LAB_GT" <<'PYEOF'
import json, sys
for p in json.load(open(sys.argv[1]))["personas"]:
    for ep, t in sorted(p.get("tls", {}).items(), key=lambda kv: int(kv[0].split("/")[1])):
        print(f"{p['address']}:{ep.split('/')[1]}" + (":ftp" if "starttls" in t else ""))
PYEOF
)
fi
((${#EPS[@]})) || die "no TLS endpoint in $LAB_GT"

"$BIN" checks list --json >"$TMP/checks.jsonl" 2>"$TMP/checks.err" || die "trustscan checks list --json failed"

say "TLS agreement: testssl.sh versus trustscan on ${#EPS[@]} endpoints of the lab"
say "trustscan: $BIN"
say "testssl:   $("$TESTSSL" --version 2>/dev/null | sed 's/\x1b\[[0-9;]*m//g' | awk '/testssl/ { $1 = $1; print; exit }') (${TESTSSL_SEL[*]})"
say "date:      $(date -u '+%Y-%m-%d %H:%M UTC'); load: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores"

: >"$TMP/times"
for ep in "${EPS[@]}"; do
    IFS=: read -r addr port starttls <<<"$ep"
    tag=${addr}_$port
    ftp=()
    [[ ${starttls:-} == ftp ]] && ftp=(-t ftp)

    lab_measure "trustscan $addr:$port" "$TS_TIMEOUT" "$TMP/ts-$tag.log" -- \
        "$BIN" scan "$addr" -p "T:$port" --safety intrusive --no-creds --ca-file "$CA_FILE" \
        --fail-on never -q -o "$TMP/ts-$tag.json"
    printf '%s trustscan %s %s %s\n' "$tag" "$M_SECS" "$M_RC" "$M_LOST" >>"$TMP/times"

    # testssl.sh refuses to overwrite a JSON file (a repeated measurement would stop there).
    M_PRE="rm -f '$TMP/testssl-$tag.json'"
    lab_measure "testssl.sh $addr:$port" "$TESTSSL_TIMEOUT" "$TMP/testssl-$tag.log" -- \
        "$TESTSSL" --nodns none --warnings off --color 0 "${TESTSSL_SEL[@]}" \
        --jsonfile "$TMP/testssl-$tag.json" "${ftp[@]}" "$addr:$port"
    M_PRE=
    printf '%s testssl %s %s %s\n' "$tag" "$M_SECS" "$M_RC" "$M_LOST" >>"$TMP/times"
done

python3 - "$TMP" "${EPS[@]}" <<'PYEOF'
import json, os, re, sys

tmp, endpoints = sys.argv[1], sys.argv[2:]

times = {}
for line in open(os.path.join(tmp, "times")):
    tag, tool, secs, rc, lost = line.split()
    times[(tag, tool)] = (float(secs), int(rc), lost == "1")

# Checks of this build that the newer probes add (looked up, never assumed).
catalog = []
for line in open(os.path.join(tmp, "checks.jsonl")):
    line = line.strip()
    if line.startswith("{"):
        c = json.loads(line)
        catalog.append((c.get("id", ""), c.get("title", "")))
def find_check(pattern, exclude=()):
    for cid, title in catalog:
        if cid in exclude: continue
        if re.search(pattern, cid + " " + title, re.I): return cid
    return None
DYNAMIC = {
    "client-initiated renegotiation": find_check(r"client.{0,12}renegotiat|renegotiat.{0,30}client",
                                                 exclude=("tls.renegotiation.secure",)),
    "Heartbleed": find_check(r"heartbleed"),
    "CCS injection": find_check(r"\bccs\b|change.?cipher.?spec"),
    "ROBOT": find_check(r"\brobot\b|bleichenbacher"),
}

# ---- testssl.sh: its JSON findings, one verdict a row ------------------------------------------
def testssl_findings(tag):
    try: items = json.load(open(os.path.join(tmp, f"testssl-{tag}.json")))
    except Exception: return None
    if isinstance(items, dict): items = items.get("scanResult", items.get("findings", []))
    return {it.get("id", ""): (it.get("severity", ""), str(it.get("finding", ""))) for it in items}

def short(text, n=48):
    text = " ".join(text.split())
    return text if len(text) <= n else text[:n - 1] + "…"

def vuln_verdict(f, jid):
    """testssl's vulnerability finding -> ('yes'|'no'|None, shown text)."""
    if jid not in f: return None, "-"
    sev, text = f[jid]
    low = text.lower()
    if "not vulnerable" in low or "no protocol below" in low: return "no", short(text)
    if "vulnerable" in low: return "yes", short(text)
    if sev == "OK": return "no", short(text)
    # A weakness without the word (SWEET32: "uses 64 bit block ciphers", severity LOW).
    if sev in ("LOW", "MEDIUM", "HIGH", "CRITICAL"): return "yes", short(f"{sev}: {text}")
    return None, short(f"{sev}: {text}")

# ---- trustscan: its report for the endpoint --------------------------------------------------
def trustscan_report(tag, port):
    try: j = json.load(open(os.path.join(tmp, f"ts-{tag}.json")))
    except Exception: return None
    obs, res = {}, {}
    for d in j.get("devices", []):
        for o in d.get("observations", []):
            if o.get("port") == port: obs[o["key"]] = o.get("value")
        for r in d.get("results", []):
            if r.get("port") == port: res[r["check"]] = r
    return {"obs": obs, "res": res}

def check_verdict(ts, cid):
    r = ts["res"].get(cid)
    if r is None: return None, "no result"
    st = r.get("status", "?")
    if st == "pass": return "no", f"pass ({cid})"
    if st == "fail": return "yes", f"fail ({cid})"
    return None, f"{st} ({cid})"

ATTACKS = {  # testssl id -> how tls.attacks.known names it
    "POODLE_SSL": "POODLE", "SWEET32": "SWEET32", "FREAK": "FREAK", "LOGJAM": "LOGJAM",
    "DROWN": "DROWN", "BEAST": "BEAST", "RC4": "RC4", "CRIME_TLS": "CRIME"}
def attack_verdict(ts, name):
    r = ts["res"].get("tls.attacks.known")
    if r is None: return None, "no result"
    st = r.get("status")
    if st == "pass": return "no", "not named"
    if st != "fail": return None, f"{st}"
    m = re.search(r"(?:: |; )" + re.escape(name) + r"[^;]*?\((CVE-[0-9-]+)", r.get("summary", ""))
    return ("yes", f"named ({m.group(1)})") if m else ("no", "not named")

CURVES = {"X25519": "x25519", "X448": "x448", "P-256": "secp256r1", "P-384": "secp384r1",
          "P-521": "secp521r1", "prime256v1": "secp256r1", "secp384r1": "secp384r1"}
def ts_kex(ts):
    """The key exchange a default hello gets at the highest version: the group the server chose
    first (TLS 1.3), or the key exchange of the suite it prefers whatever the client's order."""
    o = ts["obs"]
    vers = o.get("tls.versions") or []
    if not vers: return None, "-"
    order = ["SSLv2", "SSLv3", "TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3"]
    top = max(vers, key=lambda v: order.index(v) if v in order else -1)
    if top == "TLSv1.3":
        groups = o.get("tls.groups.TLSv1.3") or []
        return (f"ECDH {groups[0]}", f"TLSv1.3 group {groups[0]}") if groups else (None, "TLSv1.3 group unknown")
    # Below TLS 1.3 the suite, and with it the key exchange, is the client's when the server
    # keeps no order of its own.
    suite = o.get(f"tls.preferred.{top}")
    if not suite:
        return None, f"{top}: the client's order decides ({o.get(f'tls.cipher_order.{top}', 'no')} order)"
    if "ECDHE" in suite:
        groups = o.get(f"tls.groups.{top}") or o.get("tls.ecdhe_curves") or []
        if not groups: return None, f"{top} {suite}: group unknown"
        return f"ECDH {groups[0]}", f"{top} group {groups[0]}"
    if suite and "DHE" in suite:
        b = o.get("tls.dh_bits")
        return f"DH {b}", f"{top} {suite}, DH {b} bits"
    if suite and suite.startswith("TLS_RSA_"): return "RSA", f"{top} {suite} (static RSA)"
    return None, f"{suite}"
def testssl_kex(f):
    if "cipher_negotiated" not in f: return None, "-"
    text = f["cipher_negotiated"][1].split("(limited sense")[0].strip()
    m = re.search(r"(\d+) bit (ECDH|DH)(?: \(([^)]+)\))?", text)
    if not m: return ("RSA", short(text)) if "RSA" in text else (None, short(text))
    if m.group(2) == "ECDH": return f"ECDH {CURVES.get(m.group(3), m.group(3))}", short(text)
    return f"DH {m.group(1)}", short(text)

PROTOS = [("SSLv2", "SSLv2"), ("SSLv3", "SSLv3"), ("TLS 1.0", "TLS1", "TLSv1.0"),
          ("TLS 1.1", "TLS1_1", "TLSv1.1"), ("TLS 1.2", "TLS1_2", "TLSv1.2"), ("TLS 1.3", "TLS1_3", "TLSv1.3")]

def rows_for(f, ts):
    """[(finding, testssl text, trustscan text, agreement)], agreement in agree/disagree/n.c."""
    out = []
    def add(name, tl, tt):
        (a, at), (b, bt) = tl, tt
        out.append((name, at, bt, "n.c." if a is None or b is None else ("agree" if a == b else "DISAGREE"), a, b))
    o = ts["obs"]
    vers = o.get("tls.versions")
    for p in PROTOS:
        name, jid, tsname = p[0], p[1], p[-1]
        if jid in f:
            text = f[jid][1]
            tl = ("yes" if text.lower().startswith("offered") else "no" if "not offered" in text.lower() else None, short(text, 30))
        else: tl = (None, "-")
        tt = (None, "no analysis") if vers is None else (("yes", "offered") if tsname in vers else ("no", "not offered"))
        add(f"protocol {name}", tl, tt)

    # Secure renegotiation: testssl "supported" / "VULNERABLE"; trustscan's observation.
    if "secure_renego" in f:
        sev, text = f["secure_renego"]
        tl = ("yes" if text.startswith("supported") else "no" if "VULNERABLE" in text else
              "n/a" if "TLS 1.3 only" in text else None, short(text))
    else: tl = (None, "-")
    sr = o.get("tls.secure_renegotiation")
    tt = (None, "no observation") if sr is None else (("yes", "supported") if sr else ("no", "not supported"))
    add("secure renegotiation (RFC 5746)", tl, tt)

    def dynamic(name, jid):
        cid = DYNAMIC[name]
        tt = check_verdict(ts, cid) if cid else (None, "pending (no check in this build)")
        add(name + (" (DoS)" if "renegotiation" in name else ""), vuln_verdict(f, jid), tt)
    dynamic("client-initiated renegotiation", "secure_client_renego")

    if "fallback_SCSV" in f:
        sev, text = f["fallback_SCSV"]
        # Its OK verdicts ("supported", "no protocol below TLS 1.2 offered": nothing it deems
        # worth a downgrade) against "NOT supported"; a WARN is no answer.
        v = "yes" if sev == "OK" else "no" if text.startswith("NOT supported") else None
        tl = (v, short(text))
    else: tl = (None, "-")
    fs = o.get("tls.fallback_scsv")
    if fs is None:
        vs = o.get("tls.versions") or []
        tt = ("yes", "one version only") if len([v for v in vs if v != "SSLv2"]) == 1 else (None, "no observation")
    else: tt = ("yes", "honoured") if fs else ("no", "not honoured")
    add("downgrade protection (TLS_FALLBACK_SCSV)", tl, tt)

    dynamic("Heartbleed", "heartbleed")
    dynamic("CCS injection", "CCS")
    dynamic("ROBOT", "ROBOT")
    for jid, name in ATTACKS.items():
        tl = vuln_verdict(f, jid)
        # LOGJAM: testssl.sh prints "VULNERABLE (NOT ok): common prime" for a known prime of
        # <= 1024 bits, in LOGJAM-common_primes (severity HIGH/CRITICAL), not in LOGJAM.
        cp = f.get("LOGJAM-common_primes")
        if jid == "LOGJAM" and tl[0] == "no" and cp and cp[0] in ("HIGH", "CRITICAL"):
            tl = ("yes", short(f"VULNERABLE, common prime {cp[1]}"))
        tt = attack_verdict(ts, name)
        kex = ts["res"].get("tls.kex.weak")
        if jid == "LOGJAM" and tt[0] == "no" and kex and o.get("tls.dh_bits"):
            tt = ("no", f"not named (DH {o['tls.dh_bits']} bits: tls.kex.weak {kex.get('status')})")
        add(f"{name} ({jid})" if name != jid else name, tl, tt)
    r = ts["res"].get("tls.attacks.known")
    lucky = (None, "no result") if r is None else \
        ("yes", "named as a precondition (CVE-2013-0169), not judged") if "LUCKY13 precondition" in r.get("summary", "") else \
        ("no", "not named")
    add("LUCKY13", vuln_verdict(f, "LUCKY13"), lucky)

    ext = f.get("TLS_extensions", ("", None))[1]
    # Extensions only a TLS <= 1.2 ServerHello carries (renegotiation info, EC point formats, EMS,
    # session ticket, encrypt-then-MAC): without one, testssl.sh's list comes from TLS 1.3 hellos
    # alone and says nothing about EMS.
    below13 = ext is not None and re.search(r"/#(65281|11|23|35|22)'", ext)
    tl = (None, "-") if ext is None else (("yes", "offered (#23)") if "extended master secret" in ext else
          ("no", "not in TLS_extensions") if below13 else (None, "no TLS <= 1.2 extension listed"))
    ems = o.get("tls.extended_master_secret")
    tt = (None, "no observation") if ems is None else (("yes", "at every version <= 1.2") if ems else ("no", "missing at a version <= 1.2"))
    add("extended master secret", tl, tt)

    ks = [v for k, v in f.items() if k.startswith("cert_keySize")]
    if ks:
        m = re.match(r"(\w+) (\d+) bits", ks[0][1])
        tl = ((f"{m.group(1)} {m.group(2)}" if m else None), short(ks[0][1], 30))
    else: tl = (None, "-")
    kt, kb = o.get("tls.cert.key_type"), o.get("tls.cert.key_bits")
    tt = (None, "no observation") if kb is None else (f"{'ECDSA' if kt == 'EC' else kt} {kb}", f"{kt} {kb}")
    if tl[0] and tl[0].startswith("EC "): tl = ("ECDSA " + tl[0][3:], tl[1])
    add("certificate key", tl, tt)
    add("negotiated key exchange", testssl_kex(f), ts_kex(ts))
    return out

status = 0
tot = {"agree": 0, "DISAGREE": 0, "n.c.": 0}
ttot = {"trustscan": 0.0, "testssl": 0.0}
summary, matrix = [], []
for ep in endpoints:
    addr, port = ep.split(":")[:2]
    tag = f"{addr}_{port}"
    print()
    print(f"== {ep}")
    f, ts = testssl_findings(tag), trustscan_report(tag, int(port))
    for tool, r in (("trustscan", ts), ("testssl", f)):
        secs, rc, lost = times[(tag, tool)]
        ttot[tool] += secs
        if lost or r is None:
            print(f"  {tool}: {'lost (lab rebuilt)' if lost else 'no parsable output'} after {secs:.2f} s (exit {rc})")
            status = 1
    if f is None or ts is None: continue
    rows = rows_for(f, ts)
    print(f"| finding | testssl.sh says | trustscan says | agree? |")
    print(f"| --- | --- | --- | --- |")
    for name, a, b, ag, _, _ in rows:
        print(f"| {name} | {a} | {b} | {ag} |")
    c = {k: sum(1 for r in rows if r[3] == k) for k in tot}
    for k in tot: tot[k] += c[k]
    t_ts, t_tl = times[(tag, "trustscan")][0], times[(tag, "testssl")][0]
    print(f"  counts: {c['agree']} agree, {c['DISAGREE']} disagree, {c['n.c.']} not compared; "
          f"time: testssl.sh {t_tl:.2f} s, trustscan {t_ts:.2f} s")
    summary.append((ep, c, t_tl, t_ts))
    matrix.append((ep, rows))

print()
print("| endpoint | agree | disagree | not compared | testssl.sh | trustscan |")
print("| --- | --- | --- | --- | --- | --- |")
for ep, c, t_tl, t_ts in summary:
    print(f"| {ep} | {c['agree']} | {c['DISAGREE']} | {c['n.c.']} | {t_tl:.2f} s | {t_ts:.2f} s |")
print(f"| total | {tot['agree']} | {tot['DISAGREE']} | {tot['n.c.']} | {ttot['testssl']:.2f} s | {ttot['trustscan']:.2f} s |")
# All endpoints at a glance: "testssl.sh = trustscan" (agree), "≠" (disagree), "/" (not
# compared; "-" where a tool has no answer).
if matrix:
    print()
    print("| finding | " + " | ".join(ep for ep, _ in matrix) + " |")
    print("| --- " * (len(matrix) + 1) + "|")
    for i, row in enumerate(matrix[0][1]):
        cells = []
        for _, rows in matrix:
            _, _, _, ag, a, b = rows[i]
            sep = {"agree": " = ", "DISAGREE": " ≠ ", "n.c.": " / "}[ag]
            cell = f"{a or '-'}{sep}{b or '-'}"
            cells.append(f"**{cell}**" if ag == "DISAGREE" else cell)
        print(f"| {row[0]} | " + " | ".join(cells) + " |")
print()
print("checks found at run time: " + ", ".join(f"{k} = {v or 'none'}" for k, v in DYNAMIC.items()))
sys.exit(status)
PYEOF
status=$?
say "$BENCH: $( ((status == 0)) && echo "table complete" || echo "INCOMPLETE (a tool's output is missing)")"
exit "$status"
