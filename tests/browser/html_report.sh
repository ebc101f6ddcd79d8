#!/usr/bin/env bash
# The HTML report as a browser shows it (issue 19): a demo run (the built-in device on loopback)
# writes report.html; headless Chromium renders it to a PNG screenshot and to PDF, and its
# serialised DOM must show the verdict and a failing finding with that check's remediation, and
# one card per failing check.
#
#   tests/browser/html_report.sh TRUSTSCAN_BINARY ARTIFACT_DIR
#
# Keeps ARTIFACT_DIR/report.{html,png,pdf} and prints their paths. Nothing can reach the
# network: the demo and Chromium run in a new network namespace that has only loopback
# (`unshare -n`, root; `unshare -rn` where user namespaces allow it), and Chromium gets a fresh
# profile in a temporary folder. Exits 77 (CTest: skipped) without chromium or a namespace.
set -euo pipefail

bin=${1:?usage: html_report.sh TRUSTSCAN_BINARY ARTIFACT_DIR}
artifacts=${2:?usage: html_report.sh TRUSTSCAN_BINARY ARTIFACT_DIR}
skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*" >&2; exit 1; }

browser=$(command -v chromium || true)
[ -n "$browser" ] || skip "chromium is not installed (apt-get install chromium; setup.sh test installs it)"
command -v unshare >/dev/null || skip "unshare (util-linux) is not available"
if unshare -n true 2>/dev/null; then
  isolate=(unshare -n)
elif unshare -rn true 2>/dev/null; then
  isolate=(unshare -rn)
else
  skip "cannot make a network namespace (unshare -n needs root or user namespaces)"
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$artifacts"
html=$artifacts/report.html png=$artifacts/report.png pdf=$artifacts/report.pdf
rm -f "$html" "$png" "$pdf"

# Runs inside the namespace: loopback up (the demo device listens there), the demo, then the
# three renderings. Chromium's own network features are off as well, in case.
cat > "$work/inside.sh" <<'INSIDE'
set -euo pipefail
bin=$1 browser=$2 work=$3 html=$4 png=$5 pdf=$6
if command -v ip >/dev/null; then ip link set lo up; else ifconfig lo up 2>/dev/null || true; fi
set +e
"$bin" demo -q -o "$html"
rc=$?
set -e
[ "$rc" -eq 0 ] || [ "$rc" -eq 1 ] || { echo "trustscan demo exited $rc" >&2; exit 1; }
flags=(--headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run --no-default-browser-check
       --user-data-dir="$work/profile" --disable-extensions --disable-background-networking --disable-sync
       --disable-component-update --disable-default-apps --disable-domain-reliability --no-pings
       --no-proxy-server --disable-breakpad --mute-audio --run-all-compositor-stages-before-draw)
url="file://$html"
"$browser" "${flags[@]}" --window-size=1280,2000 --screenshot="$png" "$url" >"$work/png.log" 2>&1 ||
  { cat "$work/png.log" >&2; exit 1; }
"$browser" "${flags[@]}" --no-pdf-header-footer --print-to-pdf="$pdf" "$url" >"$work/pdf.log" 2>&1 ||
  { cat "$work/pdf.log" >&2; exit 1; }
"$browser" "${flags[@]}" --dump-dom "$url" >"$work/dom.html" 2>"$work/dom.log" ||
  { cat "$work/dom.log" >&2; exit 1; }
INSIDE
"${isolate[@]}" bash "$work/inside.sh" "$bin" "$browser" "$work" "$(realpath "$html")" "$(realpath -m "$png")" \
  "$(realpath -m "$pdf")" || fail "the demo or Chromium failed in the namespace"

dom=$work/dom.html
[ -s "$html" ] || fail "no report at $html"
# The screenshot: a PNG of the window's size.
python3 - "$png" <<'PY' || fail "the screenshot is not a 1280x2000 PNG"
import struct, sys
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
w, h = struct.unpack(">II", data[16:24])
assert (w, h) == (1280, 2000), (w, h)
assert len(data) > 20000, "suspiciously small: %d bytes" % len(data)
PY
head -c 5 "$pdf" | grep -q '^%PDF-' || fail "the PDF output is not a PDF"
pages=$(grep -ac '/Type /Page$\|/Type /Page[^s]' "$pdf" || true)
[ "${pages:-0}" -ge 1 ] || fail "the PDF has no page"

# The rendered DOM: the verdict first, then a failure card with its check's remediation, the
# same text as `trustscan checks show ID` gives.
grep -q '<div class="verdict v-non-conformant"><span class="word">non-conformant</span>' "$dom" ||
  fail "the rendered page does not show the demo device's verdict"
verdict_at=$(grep -bo '<div class="verdict ' "$dom" | head -1 | cut -d: -f1)
card=$(python3 - "$dom" <<'PY'
import re, sys
dom = open(sys.argv[1], encoding="utf-8").read()
m = re.search(r'<article class="finding sev-\w+">(.*?)</article>', dom, re.S)
if not m:
    sys.exit(1)
check = re.search(r"<code>([^<]+)</code>", m.group(1))
fix = re.search(r'<p class="remediation"><strong>Remediation:</strong> (.*?)</p>', m.group(1), re.S)
if not check or not fix:
    sys.exit(1)
print(m.start(), check.group(1), sep="\t")
print(fix.group(1))
PY
) || fail "the rendered page has no failing finding with a remediation"
card_at=$(printf '%s\n' "$card" | head -1 | cut -f1)
check=$(printf '%s\n' "$card" | head -1 | cut -f2)
fix=$(printf '%s\n' "$card" | tail -n +2)
[ "$verdict_at" -lt "$card_at" ] || fail "the verdict is not above the failures"
# The catalog's text, escaped as the page escapes it, must be the card's.
expected=$("$bin" checks list --json | python3 -c '
import html, json, sys
for line in sys.stdin:
    c = json.loads(line)
    if c["id"] == sys.argv[1]:
        print(html.escape(c["remediation"], quote=False))' "$check")
[ -n "$expected" ] || fail "$check has no remediation in trustscan checks list --json"
[ "$fix" = "$expected" ] || fail "the remediation shown for $check is not the catalog's: $fix"
# One card per failing check (the demo device fails several checks on two ports), each with
# its remediation once, however many ports failed it.
python3 - "$dom" <<'PY' || fail "a failing check has more than one card, or a card not one remediation"
import re, sys
dom = open(sys.argv[1], encoding="utf-8").read()
cards = re.findall(r'<article class="finding sev-\w+">(.*?)</article>', dom, re.S)
checks = [re.search(r"<code>([^<]+)</code>", c).group(1) for c in cards]
assert len(checks) == len(set(checks)), checks
assert all(c.count('<p class="remediation">') == 1 for c in cards)
assert any(re.search(r"</code> on [^<]*, ", c) for c in cards), "no card lists two places"
PY

echo "check shown first: $check"
echo "report: $(realpath "$html")"
echo "screenshot: $(realpath "$png")"
echo "pdf: $(realpath "$pdf") ($pages page(s))"
