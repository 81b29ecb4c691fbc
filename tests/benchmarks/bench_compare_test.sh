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
compare() { /usr/bin/python3 benchmarks/bench_compare.py --history="$H" --run="$H/$1" "${@:2}" 2>&1; }

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

# The slower benchmarks run once more: only a slowdown seen again counts.
make_run 20260104T000000Z-d 200 20 0.84
recheck() { # FILE MS: the model benchmark alone, as the recheck writes it
  python3 - "$1" "$2" <<'PY'
import json, sys
json.dump({"context": {}, "benchmarks": [{"name": "student:cnn/real_time_median",
          "run_name": "student:cnn/real_time", "run_type": "aggregate", "aggregate_name": "median",
          "real_time": float(sys.argv[2]), "cpu_time": 1.0, "time_unit": "ms"}]}, open(sys.argv[1], "w"))
PY
}
recheck "$TEST_TMPDIR/fast.json" 150
out="$(compare 20260104T000000Z-d --recheck="$TEST_TMPDIR/fast.json")"; rc=$?
check "43% slower, but 7% on the recheck: no regression (exit 0)" test $rc -eq 0 || echo "$out"
check "it is listed as not confirmed" \
  grep -q "NOT CONFIRMED student:cnn/real_time: +42.9%, +7.1% on the recheck" <<<"$out"
check "the summary records it" grep -q '"unconfirmed"' "$H/20260104T000000Z-d/summary.json"
recheck "$TEST_TMPDIR/slow.json" 190
out="$(compare 20260104T000000Z-d --recheck="$TEST_TMPDIR/slow.json")"; rc=$?
check "slower again on the recheck: exit 1" test $rc -eq 1 || echo "$out"
check "both slowdowns are named" \
  grep -q "SLOWER student:cnn/real_time: +42.9%, +35.7% on the recheck" <<<"$out"
# The filter that reruns them: names with "-" stay as they are (Google
# Benchmark's regular expressions refuse "\-" and then match nothing).
python3 - "$H/20260104T000000Z-d/summary.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
s["regressions"] = [{"kind": "speed", "benchmark": "teacher:bert-base/size:mini/infer/batch:1/real_time"},
                    {"kind": "speed", "benchmark": "student:cnn/real_time"},
                    {"kind": "accuracy", "cell": "x"}]
json.dump(s, open(sys.argv[1], "w"))
PY
filter="$(/usr/bin/python3 benchmarks/bench_compare.py --run="$H/20260104T000000Z-d" --print_recheck_filter)"
check "the recheck filter names the slower benchmarks, unescaped" test "$filter" = \
  "^(teacher:bert-base/size:mini/infer/batch:1/real_time|student:cnn/real_time)"
out="$(compare 20260104T000000Z-d --recheck="$TEST_TMPDIR/absent.json")"; rc=$?
check "a missing recheck file is bad input: exit 2" test $rc -eq 2 || echo "$out"
check "named in the error" grep -q "absent.json: missing" <<<"$out"
finish
