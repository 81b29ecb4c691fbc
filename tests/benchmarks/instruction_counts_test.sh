#!/usr/bin/env bash
# The nightly tracking's instruction counts (benchmarks/instruction_counts.py
# running //benchmarks:instruction_workloads under callgrind):
# - natively, every workload runs, the smoke cell only after --warm_only has
#   made its teacher, and an unknown workload is named;
# - under valgrind, the tokenizer workload's count is positive and the same
#   in two runs to within 1e-5 (measured: a few hundred of 137 million
#   instructions, libc's memcmp taking an alignment-dependent path; the
#   nightly threshold is 1%).
set -uo pipefail
source tools/testing/test_helpers.sh
WORKLOADS=benchmarks/instruction_workloads
T="$TEST_TMPDIR"
export OPENBLAS_CORETYPE=Haswell

out="$("$WORKLOADS" --scratch_dir="$T/cold" 2>&1)"; rc=$?
check "the smoke cell without its teacher fails (exit 1)" test $rc -eq 1 || echo "$out"
check "and says to run --warm_only first" grep -q "run this binary with --warm_only first" <<<"$out"
out="$("$WORKLOADS" --workloads=nope 2>&1)"; rc=$?
check "an unknown workload: exit 2, named with the known ones" \
  bash -c '[[ $0 -eq 2 ]] && grep -q "unknown workload .nope.; known: tokenizer:bert" <<<"$1"' "$rc" "$out"
"$WORKLOADS" --scratch_dir="$T/w" --warm_only >"$T/warm.log" 2>&1; rc=$?
check "--warm_only makes the smoke cell's teacher" test $rc -eq 0 || tail -5 "$T/warm.log"
out="$("$WORKLOADS" --scratch_dir="$T/w" 2>&1)"; rc=$?
check "natively, every workload runs" test "$rc" -eq 0 -a "$(grep -c '^workload ' <<<"$out")" -eq 4 ||
  echo "$out"

if ! command -v valgrind >/dev/null; then
  echo "SKIPPED: valgrind is not installed (./kdbench bootstrap installs it)"
  finish
fi
for i in 1 2; do
  /usr/bin/python3 benchmarks/instruction_counts.py --binary="$WORKLOADS" \
    --preload=benchmarks/libvalgrind_hwy_timer.so --workloads=tokenizer:bert/spamassassin-200 \
    --out="$T/counts$i.json" >"$T/counts$i.log" 2>&1
  check "instruction_counts.py run $i exits 0" test $? -eq 0 || tail -20 "$T/counts$i.log"
done
check "the tokenizer's instruction count is positive and the same twice (to 1e-5)" \
  /usr/bin/python3 - "$T/counts1.json" "$T/counts2.json" <<'PY'
import json, sys
a, b = (json.load(open(p))["instructions"] for p in sys.argv[1:])
name = "tokenizer:bert/spamassassin-200"
print(f"{name}: {a.get(name)} and {b.get(name)} instructions")
assert a.get(name, 0) > 1e6 and abs(a[name] - b.get(name, 0)) <= 1e-5 * a[name], (a, b)
PY
finish
