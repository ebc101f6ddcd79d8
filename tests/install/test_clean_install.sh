#!/usr/bin/env bash
# shellcheck disable=SC2016  # the single-quoted ${...} are dpkg-query's and inner shells' own
# The .deb on a clean Debian 12 (issue 19, docs/install.md): debootstrap makes a minimal bookworm
# (--variant=minbase, nothing of trustscan's dependencies in it); apt-get installs the package
# there and resolves its Depends from Debian's mirror; the installed binary then runs its version
# and the demo device with no network but loopback; its man page, completion and docs are where
# dpkg says; apt-get purge removes it.
#
#   tests/install/test_clean_install.sh BUILD_DIR
#
# The package is BUILD_DIR/artifacts/trustscan_*.deb, left there by the `package` test (CTest
# runs that one first: fixture `deb`). Root only (debootstrap, chroot, namespaces). Exit 77
# (CTest: skipped) without root, debootstrap or namespaces, except with CI=true: then it fails.
#
# Network: debootstrap and apt-get reach deb.debian.org only (bookworm, bookworm-updates,
# bookworm-security: the sources of a Debian 12 installed by its installer). trustscan runs in a
# new network namespace that has only loopback.
#
# The new root is a tmpfs (about 330 MB of memory used; no disk writes, nothing to delete)
# on BUILD_DIR/clean-install/root. It, proc in it and whatever debootstrap mounts are mounted in a
# private mount namespace (unshare -m): they end with it even if the test is killed, and the
# host never sees them. The trap unmounts what the test mounted, last first.
#
# TRUSTSCAN_DEBOOTSTRAP_CACHE=DIR keeps the freshly bootstrapped root (before anything is
# installed in it) as DIR/bookworm-minbase-ARCH.tar.gz and starts from it next time (delete the
# file to refresh it). Ignored with CI=true: CI always bootstraps from the mirror.
set -euo pipefail

mirror=http://deb.debian.org/debian
security=http://deb.debian.org/debian-security
suite=bookworm

fail() { echo "FAIL: $*" >&2; exit 1; }
skip() {
  [ "${CI:-}" = true ] && fail "$* (CI=true: this test must run, not skip)"
  echo "SKIP: $*"; exit 77
}
# Commands in the new root, with a clean environment (nothing of the build machine's).
in_root() {
  chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
    DEBIAN_FRONTEND=noninteractive "$@"
}
installed() { in_root dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "ok installed"; }
phase() { echo "$1: $((SECONDS - t0)) s"; t0=$SECONDS; }

if [ "${TRUSTSCAN_IN_MOUNT_NS:-}" != 1 ]; then
  build=$(cd "${1:?usage: test_clean_install.sh BUILD_DIR}" && pwd)
  [ "$(id -u)" = 0 ] || skip "needs root (debootstrap, chroot, network namespace)"
  command -v debootstrap >/dev/null || skip "needs debootstrap (apt-get install debootstrap; setup.sh test installs it)"
  command -v ip >/dev/null || skip "needs ip (iproute2) to bring loopback up in the namespace"
  unshare -m -n true 2>/dev/null || skip "cannot make mount and network namespaces (unshare -m -n)"
  shopt -s nullglob
  debs=("$build"/artifacts/trustscan_*.deb)
  [ ${#debs[@]} -gt 0 ] || skip "no $build/artifacts/trustscan_*.deb (the package test builds it: ctest -R package)"
  [ ${#debs[@]} = 1 ] || fail "several packages in $build/artifacts: ${debs[*]}"
  # Everything else runs in a private mount namespace (the same process: unshare execs).
  exec unshare -m env TRUSTSCAN_IN_MOUNT_NS=1 bash "$0" "$build" "${debs[0]}"
fi

build=$1 deb=$2
version=$(dpkg-deb -f "$deb" Version)
# A fixed folder in the build tree (logs, the mount point): a killed run's is removed by the next.
work=$build/clean-install
root=$work/root
mounted=()
mounts_below() { awk -v d="$work" '$5 == d || index($5, d "/") == 1 { print $5 }' /proc/self/mountinfo; }
cleanup() {
  local i
  for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do umount "${mounted[i]}" || umount -l "${mounted[i]}" || true; done
  if [ -n "$(mounts_below)" ]; then
    echo "left $work in place: still mounted there: $(mounts_below | tr '\n' ' ')" >&2
  else
    rm -rf --one-file-system "$work"
  fi
}
[ -z "$(mounts_below)" ] || fail "something is mounted below $work: $(mounts_below | tr '\n' ' ')"
rm -rf --one-file-system "$work"
mkdir -p "$root"
trap cleanup EXIT
mount -t tmpfs -o mode=755,size=2g trustscan-clean-root "$root" || fail "mount a tmpfs on $root"
mounted+=("$root")
t0=$SECONDS

# ---- a clean Debian 12 ------------------------------------------------------------------------
cache=${TRUSTSCAN_DEBOOTSTRAP_CACHE:-}
if [ -n "$cache" ] && [ "${CI:-}" = true ]; then
  echo "CI=true: TRUSTSCAN_DEBOOTSTRAP_CACHE ignored, bootstrapping from the mirror"
  cache=
fi
tarball=${cache:+$cache/$suite-minbase-$(dpkg --print-architecture).tar.gz}
if [ -n "$tarball" ] && [ -f "$tarball" ]; then
  tar -xzf "$tarball" -C "$root" --numeric-owner
  echo "root from the cache $tarball ($(date -r "$tarball" +%F); delete it to bootstrap afresh)"
  phase "unpack cached root"
else
  debootstrap --variant=minbase "$suite" "$root" "$mirror" >"$work/debootstrap.log" 2>&1 ||
    { tail -30 "$work/debootstrap.log" >&2; fail "debootstrap $suite from $mirror"; }
  phase "debootstrap --variant=minbase $suite"
  if [ -n "$tarball" ]; then
    mkdir -p "$cache"
    tar -czf "$tarball.tmp.$$" -C "$root" --numeric-owner --one-file-system . && mv "$tarball.tmp.$$" "$tarball"
    echo "cached the root as $tarball"
  fi
fi
grep -q '^VERSION_ID="12"' "$root/etc/os-release" || fail "the new root is not Debian 12"
# The sources of a Debian 12 from its installer: the release, its updates and security updates,
# all from deb.debian.org (debootstrap writes the release line only). Nothing of the host's.
rm -rf "$root/etc/apt/sources.list.d"/*
cat > "$root/etc/apt/sources.list" <<EOF
deb $mirror $suite main
deb $mirror $suite-updates main
deb $security $suite-security main
EOF
mount -t proc proc "$root/proc" || fail "mount proc in the new root"
mounted+=("$root/proc")

# What apt will have to bring: the package's Depends that the clean root lacks.
mapfile -t needs < <(dpkg-deb -f "$deb" Depends | tr ',' '\n' | sed 's/[(|].*//; s/[[:space:]]//g' | grep .)
missing=()
for p in "${needs[@]}"; do
  installed "$p" || missing+=("$p")
done
echo "Depends: ${needs[*]}; not in the clean root: ${missing[*]:-none}"
[ ${#missing[@]} -gt 0 ] || fail "the root already has every dependency: not a clean install"
! in_root dpkg-query -W trustscan >/dev/null 2>&1 || fail "trustscan is in the clean root already"

# ---- apt-get install ./trustscan_*.deb --------------------------------------------------------
name=$(basename "$deb")
install -m 644 "$deb" "$root/tmp/$name"
apt=(apt-get -q -o Acquire::Retries=3 -o Acquire::Languages=none)
in_root "${apt[@]}" update >"$work/apt.log" 2>&1 || { tail -30 "$work/apt.log" >&2; fail "apt-get update"; }
in_root "${apt[@]}" install -y "/tmp/$name" >>"$work/apt.log" 2>&1 ||
  { tail -40 "$work/apt.log" >&2; fail "apt-get install ./$name"; }
phase "apt-get update and install"
status=$(in_root dpkg-query -W -f='${Status} ${Version}' trustscan) || fail "dpkg knows no trustscan"
[ "$status" = "install ok installed $version" ] || fail "dpkg -s trustscan: $status"
for p in "${needs[@]}"; do
  installed "$p" || fail "dependency $p not installed"
done
echo "installed: $(in_root dpkg-query -W -f='${Package} ${Version}\n' trustscan "${missing[@]}" | paste -sd, | sed 's/,/, /g')"

# ---- the installed files ----------------------------------------------------------------------
listed=$(in_root dpkg -L trustscan)
files=(/usr/bin/trustscan /usr/share/bash-completion/completions/trustscan /usr/share/doc/trustscan/README.md
       /usr/share/doc/trustscan/install.md /usr/share/doc/trustscan/report.schema.json)
dpkg-deb -c "$deb" | grep -q ' \./usr/share/man/man1/trustscan\.1$' && files+=(/usr/share/man/man1/trustscan.1)
for f in "${files[@]}"; do
  grep -qx "$f" <<<"$listed" || fail "dpkg -L trustscan does not list $f"
  [ -f "$root$f" ] || fail "$f is not installed"
done
[ -x "$root/usr/bin/trustscan" ] || fail "/usr/bin/trustscan is not executable"
if [ -f "$root/usr/share/man/man1/trustscan.1" ]; then
  grep -q '^\.TH TRUSTSCAN "1"' "$root/usr/share/man/man1/trustscan.1" || fail "man page header"
fi
# The completion, sourced by the root's own bash (no bash-completion package in minbase).
got=$(in_root bash -c '. /usr/share/bash-completion/completions/trustscan
  COMP_WORDS=(trustscan scan 198.18.0.10 --wai); COMP_CWORD=3; _trustscan; echo "${COMPREPLY[*]}"')
[ "$got" = --waivers ] || fail "the installed completion of 'scan --wai' gave '$got'"

# ---- the installed binary, with no network but loopback ---------------------------------------
# ip is the host's (minbase has no iproute2); the chroot follows inside the namespace.
# Exit 99 when the namespace is not as it should be (a demo's exit 1 must mean failed checks).
offline() {
  unshare -n bash -c 'ip link set lo up && [ "$(ip -o link show | grep -cv " lo:")" = 0 ] || exit 99; "$@"' \
    offline "$@"
}
got=$(offline chroot "$root" /usr/bin/env -i PATH=/usr/bin:/bin HOME=/root /usr/bin/trustscan version) ||
  fail "trustscan version failed in the clean root: $got"
[ "$got" = "trustscan $version" ] || fail "trustscan version: '$got', not 'trustscan $version'"
set +e
offline chroot "$root" /usr/bin/env -i PATH=/usr/bin:/bin HOME=/root /usr/bin/trustscan demo -q -o /tmp/demo.json
rc=$?
set -e
[ $rc = 1 ] || fail "the installed trustscan demo exited $rc, not 1 (the demo device fails checks; 99: the namespace)"
grep -q '"mode": "demo"' "$root/tmp/demo.json" || fail "no demo report in the clean root"
phase "installed binary: version and demo"

# ---- apt-get purge ----------------------------------------------------------------------------
in_root "${apt[@]}" purge -y trustscan >>"$work/apt.log" 2>&1 || { tail -20 "$work/apt.log" >&2; fail "apt-get purge"; }
! installed trustscan || fail "trustscan still installed after purge"
for f in "${files[@]}"; do
  [ ! -e "$root$f" ] || fail "$f left after apt-get purge"
done
phase "apt-get purge"
echo "package_clean_install: ok ($name on a clean Debian $(cat "$root/etc/debian_version"), $SECONDS s)"
