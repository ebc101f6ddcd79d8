#!/usr/bin/python3
"""tests/lab/check_report.py -- compare a trustscan JSON report with the lab ground truth.

    check_report.py [--ground-truth FILE] [--persona NAME]... [--ports-only] REPORT.json

The reference implementation of the matching rules in ground_truth.json
("matching"), so that tests and humans read the file the same way:

  ports    the set of services with state "open" must equal the persona's "open"
           set; every other listed service must have the persona's "not_open"
           state for its transport.  Only ports that the report lists are
           compared (scan with the top-level "scan_ports" to cover them all).
  expect   each entry must be matched by at least one result (same check and
           status; same transport and port when the entry gives them).
  forbid   no result may match an entry (check is a glob, e.g. "*" or "cred.*";
           status / transport / port narrow it when given).

Personas whose address is not in the report are reported as missing (an error)
unless --persona selects others.  With --ports-only, only ports are compared
(for scanners or runs without checks).  Prints one line per mismatch and a
closing "N passed, N failed" line; exit 0 when nothing failed, 1 otherwise,
2 on bad input.
"""
import argparse
import fnmatch
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def matches(entry, result, glob):
    check_ok = (fnmatch.fnmatchcase(result.get("check", ""), entry["check"]) if glob
                else result.get("check") == entry["check"])
    if not check_ok:
        return False
    if "status" in entry and result.get("status") != entry["status"]:
        return False
    if "transport" in entry and result.get("transport") != entry["transport"]:
        return False
    if "port" in entry and result.get("port") != entry["port"]:
        return False
    return True


def describe(entry):
    where = f" {entry['transport']}/{entry['port']}" if "port" in entry else ""
    return f"{entry['check']} {entry.get('status', '*')}{where}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("report")
    ap.add_argument("--ground-truth", default=os.path.join(HERE, "ground_truth.json"))
    ap.add_argument("--persona", action="append", default=[])
    ap.add_argument("--ports-only", action="store_true")
    a = ap.parse_args()
    try:
        with open(a.ground_truth, encoding="utf-8") as f:
            gt = json.load(f)
        with open(a.report, encoding="utf-8") as f:
            report = json.load(f)
    except (OSError, ValueError) as e:
        print(f"check_report: {e}", file=sys.stderr)
        return 2

    devices = {d.get("address"): d for d in report.get("devices", [])}
    personas = [p for p in gt["personas"] if not a.persona or p["name"] in a.persona]
    unknown = set(a.persona) - {p["name"] for p in gt["personas"]}
    if unknown:
        print(f"check_report: unknown persona(s): {', '.join(sorted(unknown))}", file=sys.stderr)
        return 2

    passed = failed = 0

    def verdict(ok, name, what):
        nonlocal passed, failed
        if ok:
            passed += 1
        else:
            failed += 1
            print(f"FAIL {name}: {what}")

    for p in personas:
        name = p["name"]
        dev = devices.get(p["address"])
        if dev is None:
            verdict(False, name, f"{p['address']} not in the report")
            continue
        services = dev.get("services", [])
        open_ = {f"{s['transport']}/{s['port']}" for s in services if s.get("state") == "open"}
        want = set(p["open"])
        verdict(open_ == want, name,
                f"open ports {sorted(open_)} != ground truth {sorted(want)} "
                f"(extra {sorted(open_ - want)}, missing {sorted(want - open_)})")
        wrong = [f"{s['transport']}/{s['port']}={s.get('state')}" for s in services
                 if s.get("state") != "open" and s.get("state") != p["not_open"].get(s["transport"])]
        verdict(not wrong, name, f"ports not in the expected not_open state {p['not_open']}: {wrong}")
        if a.ports_only:
            continue
        results = dev.get("results", [])
        for e in p.get("expect", []):
            verdict(any(matches(e, r, glob=False) for r in results), name,
                    f"expected {describe(e)} ({e.get('why', '')}) not reported")
        for e in p.get("forbid", []):
            hits = [r for r in results if matches(e, r, glob=True)]
            verdict(not hits, name,
                    f"forbidden {describe(e)} reported: " +
                    "; ".join(f"{r.get('check')} {r.get('status')} "
                              f"{r.get('transport', '')}/{r.get('port', '')} {r.get('summary', '')}"
                              for r in hits[:5]))
    print(f"check_report: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
