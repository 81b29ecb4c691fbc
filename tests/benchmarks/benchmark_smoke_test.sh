#!/usr/bin/env bash
# Runs a benchmark target briefly and checks its --benchmark_out JSON: the
# environment context is recorded and every run carries its rate counter.
set -euo pipefail
BENCHMARK="$1"; FILTER="$2"; COUNTER="$3"
out="$TEST_TMPDIR/out.json"
"$BENCHMARK" --benchmark_filter="$FILTER" --benchmark_min_time=0.01 \
  --benchmark_out="$out" --benchmark_out_format=json --threads=1 >/dev/null
python3 - "$out" "$COUNTER" <<'PY'
import json, sys
data = json.load(open(sys.argv[1]))
context = data["context"]
for key in ("torch_version", "torch_threads", "blas", "blas_library"):
    assert key in context, f"context lacks {key}: {sorted(context)}"
assert context["torch_threads"] == "1", context["torch_threads"]
runs = data["benchmarks"]
assert runs, "no benchmark ran"
for run in runs:
    value = run.get(sys.argv[2])
    assert isinstance(value, (int, float)) and value > 0, f"{run['name']}: {sys.argv[2]}={value}"
print(f"ok: {len(runs)} run(s), {sys.argv[2]} = {[round(r[sys.argv[2]] / 1e9, 1) for r in runs]} G")
PY
