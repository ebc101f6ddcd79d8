#!/usr/bin/env bash
# A fuzzing campaign: every harness of a fuzz build for a set time, one after the other, with the
# figures a closing note needs (executions, coverage, corpus growth, crashes).
#
#   tests/fuzz/campaign.sh BUILD_DIR OUT_DIR [LONG_SECONDS] [SHORT_SECONDS]
#
# BUILD_DIR is a fuzz build (CXX=clang++ cmake -DTRUSTSCAN_FUZZ=ON). The harnesses named in LONG
# (the three pipeline harnesses and the TLS, HTTP, SSH, SNMP, DNS, packet and flow parsers) run LONG_SECONDS (600), the
# others SHORT_SECONDS (120). Each harness starts from its seed corpus (tests/fuzz/corpus/NAME/)
# copied to OUT_DIR/NAME/, so the grown corpus stays for a later run to minimise and keep. A crash
# leaves its input in OUT_DIR (crash-*) and the log in OUT_DIR/NAME.log; the campaign goes on to
# the next harness and exits 1 at the end. OUT_DIR/summary.tsv holds one line per harness.
# ONLY="name ..." runs those harnesses alone (two campaigns on two cores split the list).
# TIMEOUT (seconds, default 10) is libFuzzer's per-input limit: raise it when something else
# loads the machine, or a starved fuzzer reports timeouts that are only the load.
# A timeout is run once more alone: a machine too busy to run the fuzzer (a build beside it)
# also makes timeouts, so the summary says whether it reproduced.
set -uo pipefail
cd "$(dirname "$0")/../.."

build=${1:?usage: campaign.sh BUILD_DIR OUT_DIR [LONG_SECONDS] [SHORT_SECONDS]}
out=${2:?usage: campaign.sh BUILD_DIR OUT_DIR [LONG_SECONDS] [SHORT_SECONDS]}
long=${3:-600}
short=${4:-120}
LONG="pipeline replay yaml_inputs tls http ssh snmp dns packet flow"

ls "$build"/fuzz_* >/dev/null 2>&1 || { echo "campaign: no fuzz_* harness in $build" >&2; exit 2; }
mkdir -p "$out"
printf 'harness\tseconds\texecutions\texec_per_s\tcoverage\tfeatures\tseeds\tcorpus\tcrashes\n' \
  >"$out/summary.tsv"
failed=0
for f in "$build"/fuzz_*; do
  name=${f##*/fuzz_}
  [ -z "${ONLY:-}" ] || case " $ONLY " in *" $name "*) ;; *) continue ;; esac
  secs=$short
  case " $LONG " in *" $name "*) secs=$long ;; esac
  mkdir -p "$out/$name"
  cp -n tests/fuzz/corpus/"$name"/* "$out/$name"/ 2>/dev/null
  seeds=$(ls tests/fuzz/corpus/"$name" | wc -l)
  echo "campaign: $name for ${secs}s" >&2
  crashes=0
  "$f" -max_total_time="$secs" -print_final_stats=1 -artifact_prefix="$out/" -timeout="${TIMEOUT:-10}" \
    -rss_limit_mb=2048 "$out/$name" >"$out/$name.log" 2>&1 || crashes=1
  if [ "$crashes" = 1 ] && grep -q 'ERROR: libFuzzer: timeout' "$out/$name.log"; then
    t=$(sed -nE 's/.*Test unit written to (.*timeout-[0-9a-f]+).*/\1/p' "$out/$name.log" | tail -1)
    if [ -n "$t" ] && "$f" -timeout="${TIMEOUT:-10}" "$t" >"$out/$name.rerun.log" 2>&1; then
      crashes="timeout-not-reproduced"
    fi
  fi
  [ "$crashes" != 1 ] || failed=1
  execs=$(grep -E '^stat::number_of_executed_units' "$out/$name.log" | awk '{print $2}')
  rate=$(grep -E '^stat::average_exec_per_sec' "$out/$name.log" | awk '{print $2}')
  last=$(grep -E '^#[0-9]+' "$out/$name.log" | tail -1)
  cov=$(sed -nE 's/.* cov: ([0-9]+).*/\1/p' <<<"$last")
  ft=$(sed -nE 's/.* ft: ([0-9]+).*/\1/p' <<<"$last")
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$secs" "${execs:-?}" "${rate:-?}" \
    "${cov:-?}" "${ft:-?}" "$seeds" "$(ls "$out/$name" | wc -l)" "$crashes" >>"$out/summary.tsv"
done
column -t "$out/summary.tsv"
exit $failed
