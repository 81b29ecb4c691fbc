#!/usr/bin/env bash
# The nightly dashboard rendered in headless Chromium: a made-up history of
# four runs (the last slower and with more instructions) judged by
# benchmarks/tracking/nightly_compare.py, whose page report/check_html.sh
# screenshots and checks (self-contained, the requested size, not blank).
set -uo pipefail
source tools/testing/test_helpers.sh
T="$TEST_TMPDIR"
/usr/bin/python3 - "$T" <<'PY'
import json, os, sys
t = sys.argv[1]
def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    json.dump(data, open(path, "w"))
machine = {"blas_details": "b", "cpu_capability": "AVX2", "threads": 1, "torch": "1.13.0", "device": "cpu"}
def record(acc):
    return {"record": {"name": "cell/a", "status": "ok", "kind": "student", "profile": "smoke",
                       "cell": {"name": "cell/a"}, "settings": {}, "machine": machine,
                       "result": {"test_accuracy": acc}}, "sha256": "x"}
write(f"{t}/reference/cells/k.json", record(0.9))
for night, (ms, instr) in enumerate([(100, 1.00e9), (102, 1.00e9), (99, 1.00e9), (160, 1.2e9)]):
    d = f"{t}/history/2026010{night + 1}T000000Z-rev{night}"
    write(f"{d}/provenance.json", {"git_revision": f"rev{night}", "cpu_model": "Test CPU"})
    rows = [{"name": n, "run_name": n, "run_type": "iteration", "iterations": 1, "time_unit": "ms",
             "real_time": base * (1 + 0.003 * i), "cpu_time": base, "share_of_peak": 0.5 * 100 / base}
            for n, base in [("student:bilstm/train", ms)] + [(f"teacher:bert/infer/batch:{b}", 10 * b)
                                                             for b in (1, 2, 4, 8, 16, 32, 64)]
            for i in range(5)]
    write(f"{d}/speed.json", {"context": {"cpu_model": "Test CPU"}, "benchmarks": rows})
    write(f"{d}/instructions.json", {"valgrind": "v", "environment": {}, "instructions":
                                     {"student-step": int(instr), "tokenizer": 137000000}})
    write(f"{d}/smoke/cells/k.json", record(0.9))
PY
for run in "$T"/history/*; do
  /usr/bin/python3 benchmarks/tracking/nightly_compare.py --history="$T/history" --run="$run" \
    --reference="$T/reference" --dashboard="$T/dashboard/index.html" >"$T/judge.log" 2>&1
  rc=$?
done
check "the last run is a regression (exit 1)" test $rc -eq 1 || cat "$T/judge.log"
check "the page names both regressions" \
  bash -c 'grep -q "student-step" "$0" && grep -q "student:bilstm/train" "$0" && grep -q "2 regression(s)" "$0"' \
  "$T/dashboard/index.html"
out="$(report/check_html.sh "$T/dashboard" index.html 2>&1)"; rc=$?
echo "$out"
check "Chromium renders the dashboard: a real page, self-contained" test $rc -eq 0
finish
