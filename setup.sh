#!/usr/bin/env bash
# trustscan set-up: installs what is missing (Debian 12, as root), builds, and runs.
#
#   ./setup.sh demo    install, build, and run `trustscan demo` (the built-in device on loopback)
#   ./setup.sh test    install, build with warnings as errors, run every test: the suite, the
#                      suite again under ASan+UBSan, and each libFuzzer harness briefly
#   ./setup.sh build   install and build only
#
# Idempotent and quiet when everything is present. Environment: BUILD_DIR (default build),
# FUZZ_SECONDS (per harness, default 2), SKIP_ASAN=1 / SKIP_FUZZ=1 to shorten a local run.
# Each step prints how long it took; docs/testing.md has the budget of a full CI run.
set -euo pipefail
cd "$(dirname "$0")"

BUILD_DIR=${BUILD_DIR:-build}
FUZZ_SECONDS=${FUZZ_SECONDS:-2}

# Build dependencies (Debian 12 package names). Why each one is here: docs/dependencies.md.
BUILD_DEPS=(cmake ninja-build g++ pkg-config libboost-dev libssl-dev libpcap-dev libtins-dev
            libyaml-cpp-dev doctest-dev nlohmann-json3-dev libcli11-dev libssh-dev
            libnghttp2-dev  # HPACK decoding of HTTP/2 in captures (probes/http/http2.cpp)
            zlib1g-dev      # gzip-compressed captures in replay (scanner/replay/replay.cpp)
            ieee-data   # MAC vendors for id.mac_oui (read at run time from /usr/share/ieee-data)
            help2man)   # the man page, generated from --help-all at build time (docs/install.md)
# What the tests need beyond the build: clang + its runtime for the fuzzers, iproute2 for the
# lab namespaces, procps for pkill-free process checks, python3-jsonschema for the report_schema
# test (every JSON report the suite makes against docs/report.schema.json; skipped without it),
# chromium for the browser test of the HTML report (tests/browser/html_report.sh: renders it
# headless to PNG and PDF and checks the DOM, offline in a network namespace; skipped without it).
TEST_DEPS=(clang libclang-rt-14-dev iproute2 procps python3-jsonschema chromium
           dpkg-dev     # dpkg-shlibdeps: the .deb's library dependencies (tests/install/test_package.sh)
           debootstrap  # a clean Debian 12 to install the .deb on (tests/install/test_clean_install.sh;
                        # it verifies the mirror with apt's own debian-archive-keyring)
           stunnel4     # RTSP inside TLS (tests/unit/test_credentials.cpp); libcoap3-bin comes with the lab packages
           openssh-server tinysshd ucspi-tcp  # real SSH daemons of tests/unit/test_ssh_daemons.cpp (Terrapin: tinysshd)
           ssh-audit    # the peer of tests/bench/ssh_audit.sh
           python3-paramiko  # a real SSH server that hands out 1024-bit group-exchange primes (tests/unit/test_ssh_daemons.cpp)
           parallel)    # GNU parallel: docs/sharding.md's one-host recipe, run by tests/unit/test_shard_merge.cpp
# The daemons of the device lab (tests/lab/packages.txt: one package per line).
if [ -f tests/lab/packages.txt ]; then
  mapfile -t LAB_DEPS < <(grep -v '^\s*\(#\|$\)' tests/lab/packages.txt)
  TEST_DEPS+=("${LAB_DEPS[@]}")
fi

say() { printf 'setup: %s\n' "$*" >&2; }
# step NAME COMMAND...: runs it and says how long it took.
step() {
  local name=$1 t0=$SECONDS; shift
  "$@"
  say "$name: $((SECONDS - t0)) s"
}

install_missing() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    say "missing packages: ${missing[*]} (run as root, or install them with apt-get)"
    exit 1
  fi
  say "installing ${missing[*]}"
  apt-get update -qq
  # Daemon packages (sshd, snmpd, mosquitto…) must not start system services on install: the lab
  # runs its own copies in network namespaces. policy-rc.d 101 = "do not start".
  local policy=/usr/sbin/policy-rc.d created=0
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' > "$policy" && chmod +x "$policy" && created=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null || {
    [ $created = 1 ] && rm -f "$policy"; say "apt-get install failed"; exit 1; }
  [ $created = 1 ] && rm -f "$policy"
  return 0
}

build() {  # build DIR [extra cmake args]; TARGET=name builds only that target
  local dir=$1; shift
  cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTRUSTSCAN_WERROR=ON "$@" >/dev/null
  cmake --build "$dir" ${TARGET:+--target "$TARGET"}
}

run_fuzzers() {
  local dir="$BUILD_DIR-fuzz" f name corpus
  CXX=clang++ cmake -S . -B "$dir" -G Ninja -DTRUSTSCAN_FUZZ=ON -DTRUSTSCAN_WERROR=ON >/dev/null
  cmake --build "$dir"
  for f in "$dir"/fuzz_*; do
    name=${f##*/fuzz_}
    corpus=$(mktemp -d)
    [ -d tests/fuzz/corpus/"$name" ] || { say "no seed corpus tests/fuzz/corpus/$name/"; exit 1; }
    cp tests/fuzz/corpus/"$name"/* "$corpus"/
    say "fuzzing $name for ${FUZZ_SECONDS}s"
    "$f" -max_total_time="$FUZZ_SECONDS" -print_final_stats=0 "$corpus" 2>"$corpus.log" || {
      tail -40 "$corpus.log" >&2; say "fuzzer $name found a crash"; exit 1; }
    grep -E '^#[0-9]+.*DONE' "$corpus.log" | tail -1 >&2 || true
    rm -rf "$corpus" "$corpus.log"
  done
  echo "fuzz: $(ls "$dir"/fuzz_* | wc -l) passed, 0 failed"
}

case "${1:-}" in
  demo)
    install_missing "${BUILD_DEPS[@]}"
    # Only the binary: the tests, fuzzers and benchmarks are not needed to run the demo.
    TARGET=trustscan build "$BUILD_DIR"
    exec "$BUILD_DIR/trustscan" demo
    ;;
  build)
    install_missing "${BUILD_DEPS[@]}"
    build "$BUILD_DIR"
    ;;
  test)
    step "install" install_missing "${BUILD_DEPS[@]}" "${TEST_DEPS[@]}"
    # The test build carries no debug information (-g0): a third of the compile time, and CI
    # never debugs it; the sanitizer build below keeps line tables for its reports.
    step "build" build "$BUILD_DIR" "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O2 -DNDEBUG"
    step "suite" ctest --test-dir "$BUILD_DIR" --output-on-failure -j2
    if [ "${SKIP_ASAN:-0}" != 1 ]; then
      step "build (ASan+UBSan)" build "$BUILD_DIR-asan" -DTRUSTSCAN_SANITIZE=ON
      step "suite (ASan+UBSan)" env ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
        ctest --test-dir "$BUILD_DIR-asan" --output-on-failure -j2
    fi
    [ "${SKIP_FUZZ:-0}" = 1 ] || step "fuzz" run_fuzzers
    ;;
  *)
    echo "usage: ./setup.sh demo | test | build" >&2
    exit 2
    ;;
esac
