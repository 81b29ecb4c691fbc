#!/usr/bin/env bash
# benchmarks/bench_compare.py on two made-up runs: a 30% slower median is a
# regression (exit 1, named), a changed matmul peak is not, a smoke cell 5
# points worse is, and the peer ratio is reported; the first run has nothing
# to compare with.
set -uo pipefail
source tools/testing/test_helpers.sh
H="$TEST_TMPDIR/history"
make_run() { # NAME MODEL_MS PEAK_MS ACCURACY [PEER_MS]
  local dir="$H/$1"
  mkdir -p "$dir/smoke/cells"
  echo '{"git_revision": "x"}' >"$dir/provenance.json"
  python3 - "$dir" "$2" "$3" "$4" "${5:-}" <<'PY'
import json, sys
d, model, peak, accuracy, peer = sys.argv[1:]
def rows(times):
    out = []
    for name, ms in times:
        for rep in range(3):
            out.append({"name": name, "run_name": name, "run_type": "iteration", "repetitions": 3,
                        "repetition_index": rep, "threads": 1, "iterations": 1,
                        "real_time": float(ms), "cpu_time": float(ms), "time_unit": "ms"})
        out.append({"name": name + "_median", "run_name": name, "run_type": "aggregate",
                    "aggregate_name": "median", "repetitions": 3, "threads": 1, "iterations": 3,
                    "real_time": float(ms), "cpu_time": float(ms), "time_unit": "ms"})
    return out
context = {"date": "x", "num_cpus": 2, "library_build_type": "release"}
json.dump({"context": context, "benchmarks": rows([("peak/matmul/real_time", peak),
                                                   ("student:cnn/real_time", model)])},
          open(f"{d}/speed.json", "w"))
if peer:
    json.dump({"context": context, "benchmarks": rows([("student:cnn/real_time", peer)])},
              open(f"{d}/peer.json", "w"))
record = {"name": "spam/large/bilstm/soft", "status": "ok", "kind": "student",
          "result": {"test_accuracy": float(accuracy)}}
json.dump({"record": record, "sha256": "x"}, open(f"{d}/smoke/cells/k.json", "w"))
PY
}
compare() { /usr/bin/python3 benchmarks/bench_compare.py --history="$H" --run="$H/$1" 2>&1; }

make_run 20260101T000000Z-a 100 10 0.90
out="$(compare 20260101T000000Z-a)"; rc=$?
check "the first run has nothing to compare and exits 0" test $rc -eq 0
check "and says so" grep -q "the first in the history: nothing to compare" <<<"$out"

make_run 20260102T000000Z-b 105 20 0.90 210
out="$(compare 20260102T000000Z-b)"; rc=$?
check "5% slower and a doubled peak time: no regression (exit 0)" test $rc -eq 0 || echo "$out"
check "the peak change is reported as context" grep -q "machine: the matmul peak" <<<"$out"
check "the peer ratio is reported" grep -q "PyTorch from Python takes 2.00x to 2.00x" <<<"$out"
check "compare.py's table is saved" grep -q "student:cnn" "$H/20260102T000000Z-b/compare-speed.txt"

make_run 20260103T000000Z-c 140 20 0.84
out="$(compare 20260103T000000Z-c)"; rc=$?
check "33% slower and 6 points less accurate: exit 1" test $rc -eq 1 || echo "$out"
check "the slower benchmark is named" grep -q "SLOWER student:cnn/real_time: +33.3%" <<<"$out"
check "the worse cell is named" grep -q "WORSE spam/large/bilstm/soft: -6.00 points" <<<"$out"
check "the summary says REGRESSION" grep -q "^REGRESSION: 2 regression(s)" <<<"$out"
finish
