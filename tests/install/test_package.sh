#!/usr/bin/env bash
# The package (docs/install.md): `cpack` builds a .deb from the build tree; its control fields
# name the run-time libraries; it holds the binary, the man page, the bash completion and the
# docs; unpacked (dpkg -x, nothing installed on this machine), its binary runs the demo and its
# completion completes. The .deb stays in BUILD_DIR/artifacts/ for test_clean_install.sh, which
# installs it on a clean Debian 12. Usage: test_package.sh BUILD_DIR
set -euo pipefail
build=$(cd "$1" && pwd)
command -v cpack >/dev/null && command -v dpkg-deb >/dev/null || { echo "SKIP: needs cpack and dpkg-deb"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

(cd "$work" && cpack -G DEB --config "$build/CPackConfig.cmake" -B "$work/out" >"$work/cpack.log" 2>&1) ||
  { cat "$work/cpack.log" >&2; fail "cpack"; }
deb=$(ls "$work"/out/trustscan_*.deb)
echo "built $(basename "$deb") ($(stat -c %s "$deb") bytes)"
# Kept for the clean-install test (test_clean_install.sh, CTest fixture `deb`) and as an artifact.
mkdir -p "$build/artifacts"
rm -f "$build"/artifacts/trustscan_*.deb
cp "$deb" "$build/artifacts/"
echo "kept $build/artifacts/$(basename "$deb")"

depends=$(dpkg-deb -f "$deb" Depends)
echo "Depends: $depends"
for lib in libssl3 libpcap0.8 libyaml-cpp ieee-data; do
  [[ $depends == *"$lib"* ]] || fail "Depends lacks $lib"
done
[ "$(dpkg-deb -f "$deb" Package)" = trustscan ] || fail "package name"

contents=$(dpkg-deb -c "$deb")
for path in ./usr/bin/trustscan ./usr/share/bash-completion/completions/trustscan ./usr/share/doc/trustscan/README.md \
            ./usr/share/doc/trustscan/waivers.md ./usr/share/doc/trustscan/report.schema.json; do
  grep -q " $path\$" <<<"$contents" || fail "the package lacks $path"
done
if command -v help2man >/dev/null; then
  grep -q " ./usr/share/man/man1/trustscan.1" <<<"$contents" || fail "the package lacks the man page"
fi

dpkg-deb -x "$deb" "$work/root"
# The unpacked binary: its version, then the demo device end to end (exit 1: the demo fails checks).
[ "$("$work/root/usr/bin/trustscan" version)" = "trustscan $(dpkg-deb -f "$deb" Version)" ] || fail "version"
set +e
"$work/root/usr/bin/trustscan" demo -q -o "$work/demo.json"
rc=$?
set -e
[ $rc = 1 ] || fail "demo from the package exited $rc, not 1"
grep -q '"mode": "demo"' "$work/demo.json" || fail "no demo report"

# The completion: commands, subcommands, and every long option of `scan --help`.
# shellcheck disable=SC1091
source "$work/root/usr/share/bash-completion/completions/trustscan"
complete_words() { COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMPREPLY=(); _trustscan; echo "${COMPREPLY[*]}"; }
[ "$(complete_words trustscan sc)" = scan ] || fail "completion of 'sc'"
[ "$(complete_words trustscan checks s)" = show ] || fail "completion of 'checks s'"
[ "$(complete_words trustscan scan 198.18.0.10 --wai)" = --waivers ] || fail "completion of 'scan --wai'"
for opt in $("$work/root/usr/bin/trustscan" scan --help | grep -o -- '--[a-z][a-z-]*' | sort -u); do
  [[ " $(complete_words trustscan scan "$opt") " == *" $opt "* ]] || fail "completion lacks scan $opt"
done
if [ -f "$work/root/usr/share/man/man1/trustscan.1" ]; then
  grep -q '^\.TH TRUSTSCAN "1"' "$work/root/usr/share/man/man1/trustscan.1" || fail "man page header"
  grep -q 'waivers' "$work/root/usr/share/man/man1/trustscan.1" || fail "man page lacks the scan options"
fi
echo "package: ok"
