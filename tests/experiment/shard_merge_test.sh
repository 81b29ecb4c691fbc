#!/usr/bin/env bash
# The smoke grids split into 3 shards (two into one results directory, one
# "elsewhere", as on another machine) and merged: the merged tables and
# report equal a single-process run's. Also: the results directory's locks
# (a reporting run next to a running shard, a shard started twice), a merge
# with a missing shard, and a corrupt record among the imported ones.
set -uo pipefail
GRIDS_BENCHMARK="$1"
source tools/testing/test_helpers.sh
T="$TEST_TMPDIR"
ALL="$(all_grids)"
grids() { "$GRIDS_BENCHMARK" --grids="$ALL" --profile=smoke --threads=1 "$@"; }
report() { python3 report/make_report.py --results="$1" --out="$2" >"$2.log" 2>&1; }

start=$SECONDS
grids --jobs=1 --results_dir="$T/single" --store_dir="$T/store-single" >/dev/null 2>"$T/single.err"
check "the single-process run exits 0" test $? -eq 0 || tail -20 "$T/single.err"
echo "single run: $((SECONDS - start)) s"
CELLS="$(distinct_cells "$T/single.err")"

start=$SECONDS
shard() { grids --results_dir="$T/sharded" --store_dir="$T/store-sharded" "$@"; }
shard --jobs=1 --shard=0/3 >/dev/null 2>"$T/shard0.err" &
shard0=$!
# Wait until shard 0 holds its lock, then try what must be refused.
for _ in $(seq 1 100); do [[ -s "$T/sharded/shards/0-of-3.lock" ]] && break; sleep 0.1; done
out="$(shard --jobs=1 2>&1)"; rc=$?
check "a reporting run next to a running shard exits 3" test $rc -eq 3
check "and says the directory is in use" grep -q "results directory $T/sharded is in use by another run" <<<"$out"
out="$(shard --jobs=1 --shard=0/3 2>&1)"; rc=$?
check "the same shard started twice exits 3" test $rc -eq 3
check "and says which process runs it" grep -qE "shard 0/3 of .* is already running \(pid [0-9]+ on " <<<"$out"
shard --jobs=2 --shard=1/3 >/dev/null 2>"$T/shard1.err"
check "shard 1/3 (two workers) exits 0" test $? -eq 0 || tail -20 "$T/shard1.err"
wait $shard0
check "shard 0/3 exits 0" test $? -eq 0 || tail -20 "$T/shard0.err"

out="$(shard --phase=merge 2>&1)"; rc=$?
check "a merge without shard 2 exits 1" test $rc -eq 1
check "and names the missing cells" grep -qE "^kdbench: merge: [0-9]+ of $CELLS cells have no intact record" <<<"$out"

# Shard 2 on "another machine", told by Slurm's array variables.
SLURM_ARRAY_TASK_ID=2 SLURM_ARRAY_TASK_COUNT=3 grids --jobs=1 --results_dir="$T/elsewhere" \
  --store_dir="$T/store-sharded" >/dev/null 2>"$T/shard2.err"
check "shard 2/3 from SLURM_ARRAY_* exits 0" test $? -eq 0 || tail -20 "$T/shard2.err"
check "it says it is shard 2/3" grep -q "shard 2/3 done" "$T/shard2.err"
echo "three shards: $((SECONDS - start)) s"

check "the shards' cells are disjoint and cover the grids" python3 - "$T" <<'PY'
import json, sys, pathlib
t = pathlib.Path(sys.argv[1])
keys = []
for f in [t / "sharded/shards/0-of-3.json", t / "sharded/shards/1-of-3.json",
          t / "elsewhere/shards/2-of-3.json"]:
    keys += json.loads(f.read_text())["keys"]
single = json.loads((t / "single/manifest.json").read_text())
everything = {c["key"] for g in single["grids"].values() for c in g["cells"]}
assert len(keys) == len(set(keys)), "a cell is in two shards"
assert set(keys) == everything, (len(keys), len(everything))
PY

# A corrupt record among the imported ones is left out, so the merge fails.
cp -r "$T/elsewhere" "$T/elsewhere-corrupt"
victim="$(ls "$T"/elsewhere-corrupt/cells/*.json | head -1)"
truncate -s 100 "$victim"
cp -r "$T/sharded" "$T/sharded-copy"
out="$(grids --results_dir="$T/sharded-copy" --phase=merge --import="$T/elsewhere-corrupt" 2>&1)"; rc=$?
check "a corrupt imported record fails the merge (exit 1)" test $rc -eq 1
check "and is named as corrupt" grep -q "merge: $victim is corrupt or unreadable; left out" <<<"$out"

out="$(grids --results_dir="$T/sharded" --phase=merge --import="$T/elsewhere" 2>&1)"; rc=$?
check "the merge exits 0" test $rc -eq 0 || echo "$out" | tail -20
check "it copies the other machine's records" grep -qE "merge: $T/elsewhere: [1-9][0-9]* record\(s\) copied" <<<"$out"
check "it computes nothing" grep -q "$CELLS distinct cells, 0 to compute" <<<"$out"
check "the manifest lists the 3 shards" python3 -c "
import json, sys
m = json.load(open('$T/sharded/manifest.json'))
assert sorted(s['shard'] for s in m['shards']) == ['0/3', '1/3', '2/3'], m.get('shards')"

report "$T/single" "$T/report-single"
report "$T/sharded" "$T/report-merged"
check "both reports are written" test -s "$T/report-single/report.md" -a -s "$T/report-merged/report.md"
check "the merged report equals the single run's" \
  diff <(report_body "$T/report-single") <(report_body "$T/report-merged")
hash="$(metrics_hash "$T/report-merged")"
check "with the same result metrics hash ($hash)" \
  test -n "$hash" -a "$hash" = "$(metrics_hash "$T/report-single")"
check "the benchmark JSON has the same counters" python3 - "$T/single" "$T/sharded" <<'PY'
import json, sys, pathlib
def counters(d):
    out = {}
    for f in sorted(pathlib.Path(d).glob("*.benchmark.json")):
        for row in json.loads(f.read_text())["benchmarks"]:
            out[row["name"]] = {k: v for k, v in row.items()
                                if k in ("test_accuracy", "test_macro_f1", "dev_accuracy",
                                         "parameters", "compression", "error_message")}
    return out
a, b = counters(sys.argv[1]), counters(sys.argv[2])
assert a and a == b, [k for k in a if a[k] != b.get(k)]
PY
finish
