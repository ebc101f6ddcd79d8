#!/usr/bin/env python3
"""The JUnit XML and SARIF reports as CI systems and code-scanning services read them.

    check_ci_formats.py TRUSTSCAN_BINARY

Runs `trustscan demo` (the built-in device on loopback) with and without waivers, writes JUnit
XML and SARIF, and parses them with real parsers (xml.etree, json), checking the structure the
consumers need:
- JUnit (the Jenkins/GitLab/Surefire shape): <testsuites> with tests/failures/errors/skipped
  equal to the sums of its <testsuite>s, each suite's counts equal to its <testcase>s; every
  testcase has classname and name, at most one of failure/error/skipped; a failure has a
  message, a type (the severity) and a "Remediation:" line; a waived check is skipped with its
  waiver as the message.
- SARIF 2.1.0: version, $schema, one run with tool.driver.name/version/rules; every result's
  ruleId is a rule and ruleIndex points at it; level is error|warning|note; each result has a
  message, a location and partialFingerprints; every rule has shortDescription and help.text;
  waived results carry an accepted external suppression, and only they do.
Standard library only.
"""
import json
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

if len(sys.argv) != 2:
    sys.exit(__doc__)
BINARY = sys.argv[1]
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)


def demo(out_dir, *extra):
    junit, sarif = os.path.join(out_dir, "r.xml"), os.path.join(out_dir, "r.sarif")
    p = subprocess.run([BINARY, "demo", "-q", "-o", junit, "-o", sarif, *extra], capture_output=True, text=True,
                       timeout=120)
    if p.returncode not in (0, 1):
        sys.exit(f"FAIL: trustscan demo {' '.join(extra)} exited {p.returncode}: {p.stderr}")
    return ET.parse(junit).getroot(), json.load(open(sarif, encoding="utf-8"))


def check_junit(root, label, expect_waived):
    check(root.tag == "testsuites", f"{label}: root is <{root.tag}>")
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    waived_seen = 0
    for suite in root.findall("testsuite"):
        cases = suite.findall("testcase")
        counts = {"tests": len(cases), "failures": 0, "errors": 0, "skipped": 0}
        for case in cases:
            check(case.get("classname") and case.get("name"), f"{label}: a testcase without classname/name")
            outcomes = [c for c in case if c.tag in ("failure", "error", "skipped")]
            check(len(outcomes) <= 1, f"{label}: testcase {case.get('name')} has {len(outcomes)} outcomes")
            for c in outcomes:
                key = {"failure": "failures", "error": "errors", "skipped": "skipped"}[c.tag]
                counts[key] += 1
                check(c.get("message") is not None, f"{label}: <{c.tag}> of {case.get('name')} has no message")
                if c.tag == "failure":
                    check(c.get("type") in ("info", "low", "medium", "high", "critical"),
                          f"{label}: failure type {c.get('type')!r}")
                    check("Remediation: " in (c.text or ""), f"{label}: failure of {case.get('name')} has no remediation")
                if c.tag == "skipped" and (c.get("message") or "").startswith("waived until "):
                    waived_seen += 1
        for k, v in counts.items():
            check(int(suite.get(k, -1)) == v, f"{label}: suite {suite.get('name')} says {k}={suite.get(k)}, has {v}")
            totals[k] += v
    for k, v in totals.items():
        check(int(root.get(k, -1)) == v, f"{label}: testsuites says {k}={root.get(k)}, has {v}")
    check(totals["failures"] > 0 or expect_waived, f"{label}: the demo device failed nothing")
    check((waived_seen > 0) == expect_waived, f"{label}: {waived_seen} waived testcases")
    return totals


def check_sarif(s, label, expect_waived):
    check(s.get("version") == "2.1.0" and "sarif" in s.get("$schema", ""), f"{label}: version/$schema")
    check(len(s.get("runs", [])) == 1, f"{label}: one run")
    run = s["runs"][0]
    driver = run["tool"]["driver"]
    check(driver.get("name") == "trustscan" and driver.get("version"), f"{label}: tool.driver name/version")
    rules = driver.get("rules", [])
    ids = [r["id"] for r in rules]
    check(len(ids) == len(set(ids)), f"{label}: duplicate rule ids")
    for r in rules:
        check(r.get("shortDescription", {}).get("text"), f"{label}: rule {r['id']} without shortDescription")
        check(r.get("help", {}).get("text"), f"{label}: rule {r['id']} without help text")
    suppressed = 0
    for res in run.get("results", []):
        check(res.get("ruleId") in ids, f"{label}: result for unknown rule {res.get('ruleId')}")
        check(0 <= res.get("ruleIndex", -1) < len(rules) and rules[res["ruleIndex"]]["id"] == res.get("ruleId"),
              f"{label}: ruleIndex of {res.get('ruleId')}")
        check(res.get("level") in ("error", "warning", "note"), f"{label}: level {res.get('level')!r}")
        check(res.get("message", {}).get("text"), f"{label}: result without message")
        check(res.get("locations"), f"{label}: result without location")
        check(res.get("partialFingerprints", {}).get("trustscanFindingId/v1", "").startswith("f-"),
              f"{label}: result without its finding id")
        if "suppressions" in res:
            suppressed += 1
            sup = res["suppressions"][0]
            check(sup.get("kind") == "external" and sup.get("status") == "accepted" and sup.get("justification"),
                  f"{label}: suppression {sup}")
    check((suppressed > 0) == expect_waived, f"{label}: {suppressed} suppressed results")
    return len(run.get("results", []))


with tempfile.TemporaryDirectory() as d:
    junit, sarif = demo(d)
    t = check_junit(junit, "demo", False)
    n = check_sarif(sarif, "demo", False)
    print(f"demo: JUnit {t}, SARIF {n} results")
    waivers = os.path.join(d, "w.yaml")
    with open(waivers, "w", encoding="utf-8") as f:
        f.write("waivers:\n  - check: 'tls.*'\n    justification: new TLS stack in 2.0\n    owner: qa\n"
                "    expires: 2999-12-31\n")
    junit, sarif = demo(d, "--waivers", waivers)
    t = check_junit(junit, "demo --waivers", True)
    n = check_sarif(sarif, "demo --waivers", True)
    print(f"demo --waivers: JUnit {t}, SARIF {n} results")

for f in failures:
    print("FAIL:", f)
sys.exit(1 if failures else 0)
