#!/usr/bin/env python3
"""Every JSON report the test suite can produce, validated against docs/report.schema.json.

    check_report_schema.py TRUSTSCAN_BINARY SOURCE_DIR

Validates: the golden replay reports (tests/golden/replay/*.json, with the run-dependent fields
test_replay.cpp's normalised() erases put back), and reports made here by the binary, all on
loopback: `demo`, `demo --waivers --redact` (waived results and every waiver state), `demo
--serve` scanned by `scan` (mode scan, not_shown) and by two shards, their `merge`, `replay` of one capture and of every capture
in pcaps/, `assess` of two reports; and every line of the JSON Lines output of each of them
against $defs/jsonl_record. Then proves the schema can fail: mutated copies of a valid report
must be rejected.

Exit 77 (CTest SKIP_RETURN_CODE) only when python3-jsonschema is missing. Uses Draft 2020-12,
which Debian 12's python3-jsonschema (4.10) implements fully.
"""
import copy
import glob
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

try:
    import jsonschema
    from jsonschema import Draft202012Validator, FormatChecker
except ImportError:
    print("SKIP: python3-jsonschema is not installed (apt-get install python3-jsonschema)")
    sys.exit(77)

if len(sys.argv) != 3:
    sys.exit(__doc__)
BINARY, SOURCE = sys.argv[1], sys.argv[2]
SCHEMA_PATH = os.path.join(SOURCE, "docs", "report.schema.json")
DEMO_ADDRESS = "127.77.0.1"  # scanner/cli/demo.hpp kDemoAddress: loopback

with open(SCHEMA_PATH, encoding="utf-8") as f:
    SCHEMA = json.load(f)
Draft202012Validator.check_schema(SCHEMA)  # the schema itself is a valid 2020-12 schema
REPORT = Draft202012Validator(SCHEMA, format_checker=FormatChecker())
# The same $defs, rooted at the JSON Lines record.
LINE = Draft202012Validator({"$schema": SCHEMA["$schema"], "$defs": SCHEMA["$defs"],
                             "$ref": "#/$defs/jsonl_record"}, format_checker=FormatChecker())

passed = failed = 0


def ok(what):
    global passed
    passed += 1
    print(f"ok   {what}")


def bad(what, why):
    global failed
    failed += 1
    print(f"FAIL {what}: {why}")


def errors(validator, doc):
    return sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))


def describe(errs):
    return "; ".join(f"/{'/'.join(map(str, e.absolute_path))}: {e.message[:300]}" for e in errs[:5])


def validate_report(what, doc):
    errs = errors(REPORT, doc)
    if errs:
        bad(what, describe(errs))
    else:
        n = sum(len(d["results"]) for d in doc["devices"])
        ok(f"{what} ({len(doc['devices'])} device(s), {n} result(s))")


def validate_lines(what, path):
    with open(path, encoding="utf-8") as f:
        lines = [l for l in f.read().split("\n") if l]
    if not lines:
        bad(what, "no record")
        return
    for i, line in enumerate(lines, 1):
        errs = errors(LINE, json.loads(line))
        if errs:
            bad(f"{what} line {i}", describe(errs))
            return
    ok(f"{what} ({len(lines)} record(s))")


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def run(args, what):
    """Runs trustscan; exit 0 or 1 (a check failed) is a finished run."""
    p = subprocess.run([BINARY] + args, capture_output=True, text=True, timeout=120)
    if p.returncode not in (0, 1):
        raise RuntimeError(f"{what}: exit {p.returncode}: {p.stderr.strip()[:500]}")
    return p


def check(what, cond, why):
    if cond:
        ok(what)
    else:
        bad(what, why)


# ---- the golden replay reports ------------------------------------------------------------------
goldens = sorted(glob.glob(os.path.join(SOURCE, "tests", "golden", "replay", "*.json")))
captures = sorted(glob.glob(os.path.join(SOURCE, "pcaps", "*.pcap")) + glob.glob(os.path.join(SOURCE, "pcaps", "*.pcapng")))
check("a golden report for every capture", len(goldens) >= 13 and len(goldens) == len(captures),
      f"{len(goldens)} golden reports, {len(captures)} captures")
for g in goldens:
    doc = load(g)
    # test_replay.cpp's normalised() erases what changes from run to run; put it back.
    doc.setdefault("started_at", "2026-11-25T10:00:00Z")
    doc.setdefault("finished_at", "2026-11-25T10:00:07Z")
    doc["tool"].setdefault("version", "0.0.0")
    validate_report(f"golden {os.path.basename(g)}", doc)

demo = None
with tempfile.TemporaryDirectory(prefix="trustscan-schema-") as tmp:
    out = lambda name: os.path.join(tmp, name)
    try:
        # ---- demo: the built-in device on loopback ------------------------------------------------
        run(["demo", "-q", "-o", out("demo.json"), "-o", out("demo.jsonl")], "demo")
        demo = load(out("demo.json"))
        validate_report("demo", demo)
        validate_lines("demo jsonl", out("demo.jsonl"))

        # ---- demo with waivers: one by id, one expired, one unused, and check '*' for the rest ---
        failures = [(r["id"], r["check"]) for d in demo["devices"] for r in d["results"] if r["status"] == "fail"]
        if len(failures) < 3:
            raise RuntimeError(f"the demo device has {len(failures)} failures; the waiver run needs 3")
        expired_check = next(c for _, c in failures if c != failures[0][1])
        with open(out("waivers.yaml"), "w", encoding="utf-8") as f:
            f.write(f"""waivers:
  - id: {failures[0][0]}
    justification: "accepted by id, for the schema test"
    owner: qa@example.com
    expires: 2999-12-31
  - check: "{expired_check}"
    justification: "an acceptance that has run out"
    owner: qa@example.com
    expires: 2020-01-01
  - check: "svc.debug"
    device: 198.18.0.0/24
    port: 5555/tcp
    justification: "matches nothing on the demo device"
    owner: qa@example.com
    expires: 2999-12-31
  - check: '*'
    justification: "everything else, for the schema test"
    owner: qa@example.com
    expires: 2999-12-31
""")
        run(["demo", "-q", "--redact", "--waivers", out("waivers.yaml"), "-o", out("waived.json"), "-o", out("waived.jsonl")],
            "demo --waivers")
        waived = load(out("waived.json"))
        validate_report("demo --waivers --redact", waived)
        validate_lines("demo --waivers jsonl", out("waived.jsonl"))
        statuses = {r["status"] for d in waived["devices"] for r in d["results"]}
        states = {w["state"] for w in waived.get("waivers", [])}
        check("the waiver run has waived results and every waiver state",
              "waived" in statuses and states == {"applied", "expired", "unused"},
              f"statuses {sorted(statuses)}, waiver states {sorted(states)}")

        # ---- scan: the demo device served, scanned with closed ports enough for not_shown -------
        serve = subprocess.Popen([BINARY, "demo", "--serve"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            ports = None
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                line = serve.stdout.readline()
                if not line:
                    break
                if line.startswith("scan it with:"):
                    ports = line.split(" -p ")[1].strip()
                    break
            if not ports:
                raise RuntimeError("demo --serve printed no port list")
            # 61000-61099: outside Linux's ephemeral range, closed on the demo's own address.
            run(["scan", DEMO_ADDRESS, "-p", ports + ",61000-61099", "--no-creds", "-q", "-o", out("scan.json"),
                 "-o", out("scan.jsonl")], "scan")
            # Two shards of the same scan (shard and shard_facts), and their merge.
            for k in (1, 2):
                run(["scan", DEMO_ADDRESS, "-p", ports + ",61000-61099", "--no-creds", "--shard", f"{k}/2", "-q",
                     "-o", out(f"shard{k}.json")], f"scan --shard {k}/2")
        finally:
            serve.send_signal(signal.SIGTERM)
            try:
                serve.wait(timeout=10)
            except subprocess.TimeoutExpired:
                serve.kill()
                serve.wait()
        scan = load(out("scan.json"))
        validate_report("scan of demo --serve", scan)
        validate_lines("scan jsonl", out("scan.jsonl"))
        check("the scan summarises its closed ports", any("not_shown" in d for d in scan["devices"]),
              "no device has not_shown")
        for k in (1, 2):
            shard = load(out(f"shard{k}.json"))
            validate_report(f"shard {k}/2 of the demo scan", shard)
            check(f"shard {k}/2 carries its shard facts", "shard" in shard and all("shard_facts" in d for d in shard["devices"]),
                  "no shard or shard_facts")
        run(["merge", out("shard2.json"), out("shard1.json"), "-q", "-o", out("merged.json"), "-o", out("merged.jsonl")],
            "merge")
        merged = load(out("merged.json"))
        validate_report("merge of the two shards", merged)
        validate_lines("merge jsonl", out("merged.jsonl"))
        # The demo's TLS, Telnet, HTTP and MQTT checks: the merge judges as the whole scan did
        # (tests/unit/test_shard_merge.cpp compares every field; here what the demo adds).
        def judged(doc):
            d = doc["devices"][0]
            return ({r["id"]: (r["status"], r["summary"]) for r in d["results"]}, d["score"], d["outcomes"],
                    d["ports_scanned"], d.get("not_shown"))
        check("the merged shards judge the demo device as the whole scan", judged(merged) == judged(scan),
              "results, score, outcomes or port counts differ")

        # ---- replay: one capture, and every capture at once ---------------------------------------
        run(["replay", os.path.join(SOURCE, "pcaps", "http-firmware.pcap"), "-q", "-o", out("replay.json"),
             "-o", out("replay.jsonl")], "replay")
        validate_report("replay http-firmware.pcap", load(out("replay.json")))
        validate_lines("replay jsonl", out("replay.jsonl"))
        run(["replay"] + captures + ["-q", "-o", out("replay-all.json"), "-o", out("replay-all.jsonl")], "replay all")
        validate_report(f"replay of the {len(captures)} captures", load(out("replay-all.json")))
        validate_lines("replay of every capture, jsonl", out("replay-all.jsonl"))

        # ---- assess: two reports of different vantages ---------------------------------------------
        run(["assess", out("waived.json"), out("replay.json"), "-q", "-o", out("assess.json"), "-o", out("assess.jsonl")],
            "assess")
        validate_report("assess demo --waivers + replay", load(out("assess.json")))
        validate_lines("assess jsonl", out("assess.jsonl"))
        run(["assess", out("scan.json"), out("replay-all.json"), "--waivers", out("waivers.yaml"), "-q",
             "-o", out("assess2.json")], "assess --waivers")
        validate_report("assess scan + replay --waivers", load(out("assess2.json")))
    except (RuntimeError, subprocess.TimeoutExpired, OSError, ValueError, KeyError) as e:
        bad("making the reports", str(e))

# ---- the schema can fail: mutated copies of the valid demo report ------------------------------------
if demo is not None and REPORT.is_valid(demo):
    def first_result(doc):
        return doc["devices"][0]["results"][0]

    def mutated(name, change, validator=REPORT, base=demo):
        doc = copy.deepcopy(base)
        change(doc)
        check(f"rejects {name}", not validator.is_valid(doc), "the schema accepted it")

    def untested_without_reason(doc):
        first_result(doc)["status"] = "not_tested"
        first_result(doc).pop("reason", None)

    mutated("an unknown status", lambda d: first_result(d).update(status="skipped"))
    mutated("a result without 'check'", lambda d: first_result(d).pop("check"))
    mutated("a bad finding id", lambda d: first_result(d).update(id="f-0123456789ABCDEF"))
    mutated("a short finding id", lambda d: first_result(d).update(id="f-0123"))
    mutated("an undocumented result field", lambda d: first_result(d).update(remediation="patch it"))
    mutated("an undocumented device field", lambda d: d["devices"][0].update(firmware="1.0"))
    mutated("an undocumented report field", lambda d: d.update(extra=True))
    mutated("a waived result without a waiver", lambda d: first_result(d).update(status="waived"))
    mutated("not_tested without a reason", untested_without_reason)
    mutated("an unknown port state", lambda d: d["devices"][0]["services"][0].update(state="listening"))
    mutated("a local time", lambda d: d.update(started_at="2026-11-25T10:00:00+01:00"))
    mutated("another schema", lambda d: d.update(schema="trustscan.report/2"))
    mutated("a manifest without its source commit", lambda d: d["manifest"].pop("source_commit"))
    mutated("a source commit that is not a commit", lambda d: d["manifest"].update(source_commit="v0.1.0"))
    mutated("a port without transport", lambda d: d["devices"][0]["observations"].append({"key": "x.y", "value": 1, "source": "live", "port": 80}))
    record = dict(first_result(demo), device=DEMO_ADDRESS, started_at=demo["started_at"], profile=demo["profile"]["id"])
    check("accepts a JSON Lines record made by hand", LINE.is_valid(record), describe(errors(LINE, record)))
    mutated("a JSON Lines record without 'device'", lambda d: d.pop("device"), LINE, record)
    mutated("a JSON Lines record with an undocumented field", lambda d: d.update(extra=1), LINE, record)

print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
