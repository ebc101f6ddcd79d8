# shellcheck shell=bash disable=SC2034  # M_* results are read by the caller
#
# tests/bench/lab_common.sh -- helpers shared by the device-lab benchmarks
# (tests/bench/service_id.sh, tests/bench/lab_assessment.sh).  Sourced, not run.
#
# The lab (tests/lab/lab.sh, namespaces tsl-*, 198.18.0.0/15, no route out) is a
# machine-wide singleton that other people's test runs also bring up and down:
# `lab.sh up` first tears the lab down and kills every process inside the tsl-*
# namespaces, including a scan of ours that is running at that moment.  So:
#   * lab_ensure uses a lab that is already up and answering (labcheck.py
#     ready), and only runs `lab.sh up` itself when it is not (LAB_OWNED=1);
#   * every measured command runs through lab_measure, which fingerprints the
#     lab (the PID file `up` writes, and the tsl-scan namespace's inode) before
#     and after the command and checks that every service still answers: if
#     the lab was rebuilt or torn down meanwhile, the measurement is thrown
#     away and repeated (LAB_RETRIES times);
#   * lab_release brings the lab down at exit only if it was down when we
#     started, we brought it up, and nobody rebuilt it since (a rebuilt lab
#     belongs to whoever rebuilt it).
#
# Every tool runs as `timeout -k 5 T ip netns exec tsl-scan TOOL ...` in the
# background; its PID (the `timeout` process) is kept in LAB_CUR_PID so the
# EXIT trap can stop exactly that process (timeout passes the signal on to the
# tool).  Nothing is ever killed by name.
#
# Caller sets: BENCH (name for messages), REPO_ROOT.  Provides: say, note, skip,
# die, now, elapsed, median, lab_lock_held_by_ancestor, lab_fp, lab_ready, lab_ensure,
# lab_ensure_or_skip, lab_release, lab_measure, lab_kill_current, gt_ports, ensure_peer,
# ensure_testssl, bench_workdir.

LAB_SH=$REPO_ROOT/tests/lab/lab.sh
LAB_GT=$REPO_ROOT/tests/lab/ground_truth.json
LAB_LABCHECK=$REPO_ROOT/tests/lab/personas/labcheck.py
LAB_RUN=/run/trustscan-lab
LAB_NS=tsl-scan
LAB_OWNED=0
LAB_MY_FP=
LAB_CUR_PID=
LAB_RETRIES=${LAB_RETRIES:-2}
LAB_RESTARTS=0          # how many measurements were lost to a lab rebuild

say()  { printf '%s\n' "$*"; }
note() { printf '%s: note: %s\n' "$BENCH" "$*"; }
skip() { printf '%s: SKIP: %s\n' "$BENCH" "$*" >&2; exit 77; }
die()  { printf '%s: ERROR: %s\n' "$BENCH" "$*" >&2; exit 1; }

now()     { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
median()  { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 }
              END { if (NR == 0) { print "-"; exit }
                    if (NR % 2) printf "%.2f", v[(NR + 1) / 2];
                    else printf "%.2f", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# lab_lock_held_by_ancestor FILE: 0 when this process or one above it holds a flock on FILE
#   (a bench re-runs itself under `flock FILE "$0" "$@"` unless so: a second flock on the same
#   file from below would wait forever).
lab_lock_held_by_ancestor() {
    local ino pid holders p
    ino=$(stat -c %i "$1" 2>/dev/null) || return 1
    holders=$(awk -v i=":$ino\$" '$2 == "FLOCK" && $6 ~ i { print $5 }' /proc/locks 2>/dev/null)
    [[ -n $holders ]] || return 1
    p=$$
    while [[ -n $p && $p != 0 && $p != 1 ]]; do
        for pid in $holders; do [[ $pid == "$p" ]] && return 0; done
        p=$(awk '{ print $4 }' "/proc/$p/stat" 2>/dev/null)
    done
    return 1
}

# lab_fp: identity of the running lab ("" when it is down).
lab_fp() {
    [[ -e /run/netns/$LAB_NS && -s $LAB_RUN/pids ]] || return 0
    printf '%s:%s\n' "$(stat -L -c %i "/run/netns/$LAB_NS" 2>/dev/null)" \
        "$(md5sum <"$LAB_RUN/pids" 2>/dev/null | cut -d' ' -f1)"
}

# lab_ready: the lab is up and every ground-truth port answers (5 s at most).
lab_ready() {
    [[ -n $(lab_fp) ]] || return 1
    ip netns exec "$LAB_NS" python3 "$LAB_LABCHECK" ready "$LAB_GT" --deadline 5 \
        >/dev/null 2>&1 </dev/null
}

# lab_ensure: make sure the lab is up; bring it up ourselves if it is not.
#   The first call records whether the lab was already up (LAB_WAS_UP); at
#   exit lab_release restores that state.
LAB_WAS_UP=
lab_ensure() {
    local i rc
    for ((i = 0; i < 4; i++)); do
        if lab_ready; then
            [[ -n $LAB_WAS_UP ]] || LAB_WAS_UP=1
            return 0
        fi
        # Someone else's `up` or `down` may be in progress (lab.sh holds a
        # flock, but only per checkout): give it a moment first.
        if [[ -e /run/netns/$LAB_NS ]]; then
            sleep 3
            if lab_ready; then [[ -n $LAB_WAS_UP ]] || LAB_WAS_UP=1; return 0; fi
        fi
        [[ -n $LAB_WAS_UP ]] || LAB_WAS_UP=0
        say "$BENCH: bringing the lab up (tests/lab/lab.sh up)"
        if bash "$LAB_SH" up >"$TMP/lab-up.log" 2>&1 </dev/null; then
            LAB_OWNED=1
            LAB_MY_FP=$(lab_fp)
            continue
        fi
        rc=$?
        sed 's/^/  lab.sh up: /' "$TMP/lab-up.log" | tail -n 6 >&2
        ((rc == 77)) && return 77
        sleep 5      # a concurrent up/down from elsewhere; try again
    done
    lab_ready
}

# lab_ensure_or_skip: lab_ensure, or SKIP (exit 77) when the lab cannot come up.
lab_ensure_or_skip() {
    lab_ensure
    local rc=$?
    ((rc == 77)) && skip "the lab cannot run here (lab.sh up exit 77)"
    ((rc == 0)) || skip "the lab did not come up (see above)"
}

lab_release() {
    # Restore the state we found: down only if it was down when we started,
    # we brought it up, and nobody rebuilt it since.
    ((LAB_OWNED)) && [[ $LAB_WAS_UP == 0 ]] || return 0
    local fp
    fp=$(lab_fp)
    [[ -z $fp ]] && return 0
    if [[ $fp != "$LAB_MY_FP" ]]; then
        note "the lab was rebuilt by someone else during the run; leaving it up"
        return 0
    fi
    bash "$LAB_SH" down >"$TMP/lab-down.log" 2>&1 </dev/null ||
        note "lab.sh down failed (see $TMP/lab-down.log)"
}

lab_kill_current() {
    if [[ -n $LAB_CUR_PID ]]; then
        kill -TERM "$LAB_CUR_PID" 2>/dev/null
        wait "$LAB_CUR_PID" 2>/dev/null
        LAB_CUR_PID=
    fi
}

# lab_measure LABEL TIMEOUT_S LOG -- CMD...
#   Runs CMD inside tsl-scan, stdout+stderr to LOG, capped at TIMEOUT_S.
#   Sets M_RC (exit code; 124 = timed out), M_SECS (wall clock), M_TIMEDOUT
#   (0/1), M_LOST (1 when it could not be measured on a stable lab).
#   A run during which the lab was rebuilt is repeated (LAB_RETRIES times).
#   M_PRE, if set to a command string, is eval'ed before every attempt (e.g.
#   to remove output files a tool refuses to overwrite).
lab_measure() {
    local label=$1 tmo=$2 log=$3 attempt fp0 fp1 t0 t1
    shift 4
    M_RC=0 M_SECS=0 M_TIMEDOUT=0 M_LOST=0
    for ((attempt = 0; attempt <= LAB_RETRIES; attempt++)); do
        if ! lab_ready; then
            lab_ensure || { M_LOST=1; M_RC=125; return 0; }
        fi
        [[ -n ${M_PRE:-} ]] && eval "$M_PRE"
        fp0=$(lab_fp)
        t0=$(now)
        timeout -k 5 "$tmo" ip netns exec "$LAB_NS" "$@" >"$log" 2>&1 </dev/null &
        LAB_CUR_PID=$!
        wait "$LAB_CUR_PID"
        M_RC=$?
        LAB_CUR_PID=
        t1=$(now)
        fp1=$(lab_fp)
        M_SECS=$(elapsed "$t0" "$t1")
        # Same lab before and after, and all its services still answer (a
        # concurrent `down` kills the daemons before it deletes anything).
        if [[ -n $fp0 && $fp0 == "$fp1" ]] && lab_ready && [[ $(lab_fp) == "$fp0" ]]; then
            ((M_RC == 124 || M_RC == 137)) && M_TIMEDOUT=1
            return 0
        fi
        LAB_RESTARTS=$((LAB_RESTARTS + 1))
        note "$label: the lab was rebuilt or torn down by someone else during the run (exit $M_RC after ${M_SECS}s); measuring again"
        sleep 2
    done
    note "$label: could not be measured on a stable lab after $((LAB_RETRIES + 1)) attempts"
    M_LOST=1
    return 0
}

# gt_ports PERSONA|all: the ground truth's port list in trustscan/nmap syntax.
#   PERSONA -> its open ports "T:21,23,...,U:53,..."; all -> "scan_ports".
gt_ports() {
    python3 - "$LAB_GT" "$1" <<'PYEOF'
import json, sys
gt = json.load(open(sys.argv[1]))
if sys.argv[2] == "all":
    print(gt["scan_ports"]); sys.exit(0)
p = next(p for p in gt["personas"] if p["name"] == sys.argv[2])
t = sorted(int(x.split("/")[1]) for x in p["open"] if x.startswith("tcp/"))
u = sorted(int(x.split("/")[1]) for x in p["open"] if x.startswith("udp/"))
parts = []
if t: parts.append("T:" + ",".join(map(str, t)))
if u: parts.append("U:" + ",".join(map(str, u)))
print(",".join(parts))
PYEOF
}

# ensure_peer BINARY DEBIAN_PACKAGE: 0 when BINARY is (now) in PATH.  With
# INSTALL_PEERS=1 (default) a missing one is installed with apt-get, behind a
# policy-rc.d that answers 101 so that no package starts a host service.
APT_UPDATED=0
ensure_peer() {
    local bin=$1 pkg=$2 rc prc=/usr/sbin/policy-rc.d prc_saved=
    command -v "$bin" >/dev/null 2>&1 && return 0
    [[ ${INSTALL_PEERS:-1} == 1 ]] || return 1
    command -v apt-get >/dev/null 2>&1 || return 1
    say "$BENCH: installing peer tool '$pkg' (apt-get; no service is started)"
    if [[ -e $prc ]]; then
        prc_saved=$TMP/policy-rc.d.saved
        cp -p "$prc" "$prc_saved"
    fi
    printf '#!/bin/sh\nexit 101\n' >"$prc" && chmod 755 "$prc"
    if ((APT_UPDATED == 0)); then
        apt-get update -qq >"$TMP/apt-update.log" 2>&1 && APT_UPDATED=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$pkg" \
        >"$TMP/apt-$pkg.log" 2>&1 </dev/null
    rc=$?
    if [[ -n $prc_saved ]]; then cp -p "$prc_saved" "$prc"; else rm -f "$prc"; fi
    ((rc == 0)) || { tail -n 5 "$TMP/apt-$pkg.log" | sed "s/^/  apt-get $pkg: /" >&2; return 1; }
    command -v "$bin" >/dev/null 2>&1
}

# ensure_testssl: TESTSSL = the testssl.sh command (Debian names it testssl), installed with
#   ensure_peer when missing; SKIP when it cannot be.
ensure_testssl() {
    TESTSSL=$(command -v testssl.sh || command -v testssl || true)
    [[ -n $TESTSSL ]] && return 0
    ensure_peer testssl testssl.sh || skip "testssl.sh missing and not installable"
    TESTSSL=$(command -v testssl.sh || command -v testssl)
}

# bench_workdir NAME: the exit trap every lab bench shares, then the work directory $TMP
# (/tmp/tsbench-NAME.XXXXXX, world-readable, entered: hydra writes its restore file into the
# cwd).  On exit: the measured command is stopped, bench_stop_extra runs if the bench defines it
# (processes it started itself), the lab is released, $TMP is removed unless KEEP_TMP=1.
bench_workdir() {
    trap bench_cleanup EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    TMP=$(mktemp -d "/tmp/tsbench-$1.XXXXXX") || die "mktemp failed"
    chmod 0755 "$TMP"
    cd "$TMP" || die "cannot enter $TMP"
}

# shellcheck disable=SC2317  # invoked via trap
bench_cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    lab_kill_current
    declare -F bench_stop_extra >/dev/null && bench_stop_extra
    lab_release
    cd / || true
    if [[ -n ${TMP:-} && -d $TMP ]]; then
        if [[ ${KEEP_TMP:-0} == 1 ]]; then note "work dir kept: $TMP"; else rm -rf -- "$TMP"; fi
    fi
    exit "$rc"
}
