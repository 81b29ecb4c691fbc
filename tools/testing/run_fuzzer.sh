#!/usr/bin/env bash
# Runs one fuzz target as a test: run_fuzzer.sh BINARY RUNS SEED_FILE...
# Built with libFuzzer (--config=fuzz, which sets KDBENCH_LIBFUZZER=1): RUNS
# coverage-guided executions from the seeds under AddressSanitizer and
# UndefinedBehaviorSanitizer, with memory bounded (one allocation over
# 256 MB, or 2 GB resident, is a failure). Built without (gcc): every seed
# once. A crashing input is saved to the test's outputs (outputs.zip).
set -uo pipefail
binary="$1" runs="$2"; shift 2
name="$(basename "$binary")"
seeds="$TEST_TMPDIR/seeds"
mkdir -p "$seeds" "$TEST_TMPDIR/corpus"
for seed in "$@"; do cp "$seed" "$seeds/$(echo "$seed" | tr '/' '_')"; done
if [[ "${KDBENCH_LIBFUZZER:-0}" != 1 ]]; then
  exec "$binary" "$seeds"
fi
log="$TEST_TMPDIR/fuzz.log"
"$binary" -runs="$runs" -seed=1 -max_len=4096 -timeout=30 -rss_limit_mb=2048 \
  -malloc_limit_mb=256 -print_final_stats=1 \
  -artifact_prefix="${TEST_UNDECLARED_OUTPUTS_DIR:-$TEST_TMPDIR}/" \
  "$TEST_TMPDIR/corpus" "$seeds" >"$log" 2>&1
status=$?
executions="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)"
peak="$(sed -n 's/^stat::peak_rss_mb: *//p' "$log" | tail -1)"
if (( status != 0 )); then
  tail -60 "$log"
  echo "fuzz: $name FAILED (status $status) after ${executions:-?} executions; the input is in the test's outputs"
  exit 1
fi
# A target that stopped early (or never started fuzzing) has not been tested.
if [[ -z "$executions" ]] || (( executions < runs )); then
  tail -30 "$log"
  echo "fuzz: $name FAILED: ran ${executions:-no} of $runs executions"
  exit 1
fi
grep -E "^#[0-9]+ +(INITED|DONE)" "$log" | tail -2
# The grown corpus: seeds and the inputs this run found, merged down to those
# that add coverage, into the test's outputs; `./kdbench fuzz --grow` adds
# the new ones to tests/fuzz/corpus/NAME/ to be committed.
if [[ -n "${TEST_UNDECLARED_OUTPUTS_DIR:-}" ]]; then
  grown="$TEST_UNDECLARED_OUTPUTS_DIR/grown"
  mkdir -p "$grown"
  "$binary" -merge=1 -max_len=4096 -timeout=30 -rss_limit_mb=2048 -malloc_limit_mb=256 \
    "$grown" "$seeds" "$TEST_TMPDIR/corpus" >"$TEST_TMPDIR/merge.log" 2>&1 ||
    { tail -20 "$TEST_TMPDIR/merge.log"; echo "fuzz: $name: merging the corpus failed"; exit 1; }
  echo "fuzz: $name: corpus of $(ls "$grown" | wc -l) input(s) after merging $(ls "$seeds" | wc -l) seed(s) and $(ls "$TEST_TMPDIR/corpus" | wc -l) found"
fi
echo "fuzz: $name: ${executions:-?} executions, no crash, no sanitizer report, peak RSS ${peak:-?} MB"
