#!/usr/bin/env bash
#
# tests/bench/creds.sh -- credential trials: trustscan vs hydra, same list, same lab services,
# one run.  Root; the device lab (tests/lab/lab.sh, namespaces tsl-*, 198.18.0.0/15, no route
# out).  Every tool runs inside tsl-scan.
#
#     sudo tests/bench/creds.sh [TRUSTSCAN_BINARY]
#
# Services (ground truth: tests/lab/ground_truth.json, "credentials" of each persona):
#     router 198.18.0.10: HTTP Basic :80, HTTP Digest :8080, Telnet :23, FTP :21
#     plug   198.18.0.12: HTML form :80, MQTT :1883, SSH :22 (no password works)
#     camera 198.18.0.11: HTML form :8081 that locks after 3 wrong logins (tests/lab/personas/
#            lockout_form.py, started by this script for the run: no password works, and the
#            lockout page does not hold the failure string hydra is told to look for)
# The list: the first max_attempts pairs of profiles/credentials/defaults.yaml (what trustscan
# tries per surface), given to hydra with -C; both stop at the first success per service
# (hydra -f).  trustscan: one `scan` per host limited to its ports (-p), both at once, so its
# time includes the port scan, identification and the protocol probes, not just the logins;
# measured twice: with the default trial rules (one attempt at a time, 250 ms apart: lockout-
# safe) and with every attempt of a surface in flight together (--creds-parallel 7), which is
# how hydra works.  The exit status judges the parallel run's time.
# hydra: one process per service, all at once, with its default parallelism (16 tasks; 4 for
# SSH as hydra advises); it has no MQTT module.
#
# Findings: a tool's (host, port, user, password) that the ground truth lists is a finding; one
# it does not list is a false positive; FTP anonymous counts for trustscan as its own question.
# Prints time, findings and false positives of each tool and the time ratio.  Exit 0 when
# trustscan is faster, finds every planted credential hydra finds, and has no false positive.
#
# The lab is a machine-wide singleton: the script re-runs itself under the session lock
# (/run/trustscan-lab-session.lock), and uses tests/bench/lab_common.sh (lab_ensure, lab_measure,
# lab_release) unchanged.  Times are medians of REPEAT rounds (default 3; the three measurements
# interleaved); findings are the last round's.  Environment: TS_TIMEOUT / PEER_TIMEOUT (seconds, default 300),
# INSTALL_PEERS=0 (do not apt-get install hydra), KEEP_TMP=1.
set -u -o pipefail

SCRIPT_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
REPO_ROOT=$(cd -- "$SCRIPT_DIR/../.." && pwd -P)
SESSION_LOCK=/run/trustscan-lab-session.lock
if [[ -z ${CREDS_BENCH_LOCKED:-} ]]; then
    ((EUID == 0)) || { echo "creds.sh: SKIP: must run as root (network namespaces)" >&2; exit 77; }
    exec env CREDS_BENCH_LOCKED=1 flock "$SESSION_LOCK" "$0" "$@"
fi

BENCH=creds.sh
BIN=${1:-$REPO_ROOT/build/trustscan}
TS_TIMEOUT=${TS_TIMEOUT:-300}
REPEAT=${REPEAT:-3}
[[ $REPEAT =~ ^[1-9]$ ]] || { echo "creds.sh: REPEAT must be 1-9" >&2; exit 2; }
PEER_TIMEOUT=${PEER_TIMEOUT:-300}
KEEP_TMP=${KEEP_TMP:-0}
TMP=
LOCKOUT_PID=

# shellcheck source=SCRIPTDIR/lab_common.sh
. "$SCRIPT_DIR/lab_common.sh" || { echo "$BENCH: cannot source lab_common.sh" >&2; exit 1; }

for tool in ip python3 timeout md5sum awk flock; do
    command -v "$tool" >/dev/null 2>&1 || skip "'$tool' not found in PATH"
done
[[ -f $BIN && -x $BIN ]] || skip "trustscan binary '$BIN' not found (build it, or pass its path)"
BIN=$(cd -- "$(dirname -- "$BIN")" && pwd -P)/$(basename -- "$BIN")

# The lockout form device this bench starts (lockout_ensure), stopped on exit.
# shellcheck disable=SC2317  # invoked via bench_cleanup
bench_stop_extra() {
    if [[ -n $LOCKOUT_PID ]]; then
        kill -TERM "$LOCKOUT_PID" 2>/dev/null
        wait "$LOCKOUT_PID" 2>/dev/null
    fi
}
bench_workdir creds
ensure_peer hydra hydra || skip "hydra is not installed (apt-get install hydra)"

lab_ensure
rc=$?
((rc == 77)) && skip "the lab cannot run here (lab.sh up exit 77)"
((rc == 0)) || skip "the lab did not come up (see above)"

# The list trustscan tries per surface, for hydra too.
python3 - "$REPO_ROOT/profiles/credentials/defaults.yaml" >"$TMP/creds.txt" <<'PYEOF' || die "cannot read defaults.yaml"
import sys, yaml
d = yaml.safe_load(open(sys.argv[1]))
for user, pw in d["pairs"][: d.get("max_attempts", 6)]:
    print(f"{user}:{'' if pw is None else pw}")
PYEOF
FORM_FAIL='Invalid username or password'    # tests/lab/personas/plug_http.py ERROR, lockout_form.py FAILURE
grep -q "$FORM_FAIL" "$REPO_ROOT/tests/lab/personas/plug_http.py" ||
    die "plug_http.py no longer says '$FORM_FAIL': hydra's http-post-form condition is stale"

# The camera's lockout form: started here (a bench-only device), unlocked before every measured
# run (SIGUSR1), restarted if a lab rebuild took it down.
lockout_ensure() {
    if [[ -n $LOCKOUT_PID ]] && kill -0 "$LOCKOUT_PID" 2>/dev/null; then
        kill -USR1 "$LOCKOUT_PID"
        return 0
    fi
    ip netns exec tsl-camera python3 "$REPO_ROOT/tests/lab/personas/lockout_form.py" 198.18.0.11 8081 </dev/null >"$TMP/lockout.log" 2>&1 &
    LOCKOUT_PID=$!
    local i
    for ((i = 0; i < 50; i++)); do
        ip netns exec tsl-scan python3 -c 'import socket; socket.create_connection(("198.18.0.11", 8081), 0.2)' 2>/dev/null && return 0
        sleep 0.1
    done
    die "the lockout form device did not come up (see $TMP/lockout.log)"
}
lockout_ensure

say "credential benchmark: router 198.18.0.10 (80 Basic, 8080 Digest, 23 Telnet, 21 FTP), plug 198.18.0.12 (80 form, 1883 MQTT, 22 SSH), camera 198.18.0.11 (8081 form with lockout)"
say "list: $(paste -sd' ' "$TMP/creds.txt" | sed 's/:/\//g') (profiles/credentials/defaults.yaml, first max_attempts pairs)"
say "trustscan: $("$BIN" version 2>/dev/null | head -n 1); hydra $({ hydra 2>&1 || true; } | awk 'NR==1{print $2}')"
say "load: $(cut -d' ' -f1-3 /proc/loadavg)"

# ---- trustscan: one scan per host, credential ports only, both at once; twice: with the
# default trial rules (one attempt at a time, 250 ms apart) and as hydra works (every attempt of
# a surface in flight together: --creds-parallel, max_attempts + the known-bad pair)
PARALLEL=$(python3 -c 'import sys, yaml; print(yaml.safe_load(open(sys.argv[1])).get("max_attempts", 6) + 1)' \
    "$REPO_ROOT/profiles/credentials/defaults.yaml") || die "cannot read defaults.yaml"
for mode in default parallel; do
    extra=
    [[ $mode == parallel ]] && extra="--creds-parallel $PARALLEL"
    cat >"$TMP/ts-$mode.sh" <<EOF
#!/bin/bash
"$BIN" scan 198.18.0.10 -p T:21,23,80,8080 -q -o "$TMP/ts-$mode.router.json" $extra &
p1=\$!
"$BIN" scan 198.18.0.12 -p T:22,80,1883 -q -o "$TMP/ts-$mode.plug.json" $extra &
p2=\$!
"$BIN" scan 198.18.0.11 -p T:8081 -q -o "$TMP/ts-$mode.camera.json" $extra &
p3=\$!
wait \$p1; r1=\$?; wait \$p2; r2=\$?; wait \$p3; r3=\$?
((r1 <= 1 && r2 <= 1 && r3 <= 1))
EOF
done

# ---- hydra: every service at once
cat >"$TMP/hydra.sh" <<EOF
#!/bin/bash
cd "$TMP" || exit 1
H=(hydra -I -f -C "$TMP/creds.txt")
"\${H[@]}" -o "$TMP/hy.router_80" http-get://198.18.0.10:80/ >"$TMP/hy.router_80.log" 2>&1 &
"\${H[@]}" -o "$TMP/hy.router_8080" http-get://198.18.0.10:8080/ >"$TMP/hy.router_8080.log" 2>&1 &
"\${H[@]}" -o "$TMP/hy.router_23" telnet://198.18.0.10:23 >"$TMP/hy.router_23.log" 2>&1 &
"\${H[@]}" -o "$TMP/hy.router_21" ftp://198.18.0.10:21 >"$TMP/hy.router_21.log" 2>&1 &
"\${H[@]}" -o "$TMP/hy.plug_80" -s 80 198.18.0.12 http-post-form "/login:username=^USER^&password=^PASS^:F=$FORM_FAIL" >"$TMP/hy.plug_80.log" 2>&1 &
"\${H[@]}" -o "$TMP/hy.camera_8081" -s 8081 198.18.0.11 http-post-form "/login:username=^USER^&password=^PASS^:F=$FORM_FAIL" >"$TMP/hy.camera_8081.log" 2>&1 &
"\${H[@]}" -t 4 -o "$TMP/hy.plug_22" ssh://198.18.0.12:22 >"$TMP/hy.plug_22.log" 2>&1 &
wait
EOF
chmod 0755 "$TMP/hydra.sh"

# ---- REPEAT rounds, the three measurements interleaved; medians
declare -a T_default=() T_parallel=() T_hydra=()
for ((round = 1; round <= REPEAT; round++)); do
    for mode in default parallel; do
        M_PRE="rm -f '$TMP'/ts-$mode.*.json; lockout_ensure"
        lab_measure "trustscan ($mode)" "$TS_TIMEOUT" "$TMP/ts-$mode.log" -- bash "$TMP/ts-$mode.sh"
        M_PRE=
        ((M_LOST)) && die "trustscan could not be measured on a stable lab"
        ((M_RC == 0)) || { tail -n 5 "$TMP/ts-$mode.log" >&2; die "trustscan ($mode) failed (exit $M_RC)"; }
        eval "T_$mode+=(\"\$M_SECS\")"
    done
    M_PRE="rm -f '$TMP'/hy.*; lockout_ensure"
    lab_measure hydra "$PEER_TIMEOUT" "$TMP/hydra.log" -- bash "$TMP/hydra.sh"
    M_PRE=
    ((M_LOST)) && die "hydra could not be measured on a stable lab"
    T_hydra+=("$M_SECS")
done
say "times (s), $REPEAT rounds: trustscan default ${T_default[*]}; trustscan parallel ${T_parallel[*]}; hydra ${T_hydra[*]}"
TS_SECS_default=$(median "${T_default[@]}") TS_SECS_parallel=$(median "${T_parallel[@]}") HY_SECS=$(median "${T_hydra[@]}")

# ---- findings against the ground truth
python3 - "$LAB_GT" "$TMP" "$TS_SECS_default" "$TS_SECS_parallel" "$HY_SECS" <<'PYEOF'
import glob, json, os, re, sys
gt, tmp = json.load(open(sys.argv[1])), sys.argv[2]
ts_default, ts_secs, hy_secs = float(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
services = {("198.18.0.10", 80): "router HTTP Basic", ("198.18.0.10", 8080): "router HTTP Digest",
            ("198.18.0.10", 23): "router Telnet", ("198.18.0.10", 21): "router FTP",
            ("198.18.0.12", 80): "plug HTML form", ("198.18.0.12", 1883): "plug MQTT", ("198.18.0.12", 22): "plug SSH",
            ("198.18.0.11", 8081): "camera form, lockout"}
planted = {}   # (host, port) -> set of (user, password); "anonymous" for FTP anonymous
for p in gt["personas"]:
    for c in p.get("credentials", []):
        proto, port = c["service"].split("/")
        key = (p["address"], int(port))
        if key not in services:
            continue
        if c["kind"] == "ftp-anonymous":
            planted.setdefault(key, set()).add(("anonymous", "*"))
        elif "username" in c:
            planted.setdefault(key, set()).add((c["username"], c["password"]))

def judge(found):
    tp, fp = set(), []
    for key, user, pw in found:
        ok = key in planted and ((user, pw) in planted[key] or (user == "anonymous" and ("anonymous", "*") in planted[key]))
        (tp.add(key) if ok else fp.append(f"{services.get(key, key)} {user}/{pw or '(blank)'}"))
    return tp, fp

def trustscan_found(mode):
    found = []
    for path in sorted(glob.glob(os.path.join(tmp, f"ts-{mode}.*.json"))):
        for d in json.load(open(path))["devices"]:
            for r in d.get("results", []):
                if not (r["check"].startswith("cred.default.") and r["status"] == "fail" and "port" in r):
                    continue
                ev = next((e for e in r.get("evidence", []) if e.get("username") or e.get("key") == "ftp.anonymous_login"), None)
                if ev is not None:
                    found.append(((d["address"], r["port"]), ev.get("username") or "anonymous", ev.get("password", "")))
    return found

ts, ts_def = trustscan_found("parallel"), trustscan_found("default")
hy = []
for path in glob.glob(os.path.join(tmp, "hy.*.log")):
    for line in open(path, errors="replace"):
        # hydra leaves out "password:" when the password it found is blank
        m = re.search(r"\[(\d+)\]\[[\w-]+\] host: (\S+)\s+login: (\S*)(?:\s+password: ?(.*))?$", line)
        if m:
            hy.append(((m.group(2), int(m.group(1))), m.group(3), (m.group(4) or "").strip()))
ts_tp, ts_fp = judge(ts)
def_tp, def_fp = judge(ts_def)
hy_tp, hy_fp = judge(hy)
print(f"\n{'service':22} {'planted':18} {'trustscan':18} hydra")
for key, name in services.items():
    want = ", ".join(sorted(f"{u}/{p}" for u, p in planted.get(key, ()))) or "-"
    t = ", ".join(f"{u}/{p or '(blank)'}" for k, u, p in ts if k == key) or "-"
    h = ", ".join(f"{u}/{p or '(blank)'}" for k, u, p in hy if k == key) or ("no module" if key[1] == 1883 else "-")
    print(f"{name:22} {want[:18]:18} {t[:18]:18} {h}")
for path in sorted(glob.glob(os.path.join(tmp, "ts-*.camera.json"))):
    for d in json.load(open(path))["devices"]:
        for r in d.get("results", []):
            if r["check"] == "cred.default.http" and r.get("port") == 8081:
                print(f"camera lockout form, trustscan {os.path.basename(path).split('.')[0][3:]}: "
                      f"cred.default.http {r['status']} {r.get('reason', '')}")
n = len(planted)
print(f"\nmedian times; findings of the last round")
print(f"trustscan (default: one at a time, 250 ms apart): {ts_default:.2f} s, {len(def_tp)}/{n} planted found, "
      f"{len(def_fp)} false positive(s) {def_fp or ''}")
print(f"trustscan (--creds-parallel, as hydra):  {ts_secs:.2f} s, {len(ts_tp)}/{n} planted found, {len(ts_fp)} false positive(s) {ts_fp or ''}")
print(f"hydra:     {hy_secs:.2f} s, {len(hy_tp)}/{n} planted found, {len(hy_fp)} false positive(s) {hy_fp or ''}")
print(f"ratio:     hydra / trustscan = {hy_secs / ts_secs:.2f} (parallel), {hy_secs / ts_default:.2f} (default)")
good = ts_secs < hy_secs and not ts_fp and not def_fp and hy_tp <= ts_tp and hy_tp <= def_tp
print("result:    " + ("trustscan faster, no false positive, finds everything hydra finds" if good else "target missed"))
sys.exit(0 if good else 1)
PYEOF
