#!/usr/bin/env bash
# `./kdbench submit --slurm` on a real single-node Slurm cluster started on
# loopback by this test (munge, slurmctld, slurmd): the smoke grids as a
# 4-task array plus the dependent merge job. Task 1 finds its shard taken on
# its first attempt and must retry. The merged report must equal a local
# single-process run's. Skips, saying why, where Slurm cannot start.
set -uo pipefail
GRIDS_BENCHMARK="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
source tools/testing/test_helpers.sh
source tools/testing/slurm_local_cluster.sh
T="$TEST_TMPDIR"

if ! start_local_slurm "$T/slurm"; then
  # Where the bootstrap installed Slurm and munge, the cluster must start.
  if [[ "$(id -u)" == 0 ]] && command -v slurmctld >/dev/null && command -v slurmd >/dev/null &&
     command -v munged >/dev/null; then
    echo "FAIL: Slurm and munge are installed but the local cluster did not start: $LOCAL_SLURM_WHY"
    exit 1
  fi
  echo "SKIPPED: no local Slurm cluster (Slurm or munge not installed): $LOCAL_SLURM_WHY"
  exit 0
fi
trap stop_local_slurm EXIT
echo "local Slurm cluster up: $(sinfo -h -o '%P %a %D %T %C')"

start=$SECONDS
"$GRIDS_BENCHMARK" --grids="$(all_grids)" --profile=smoke --jobs=1 --threads=1 \
  --results_dir="$T/single" --store_dir="$T/store-single" >/dev/null 2>"$T/single.err"
check "the local single-process run exits 0" test $? -eq 0 || tail -20 "$T/single.err"
python3 report/make_report.py --results="$T/single" --out="$T/report-single" >/dev/null 2>&1
echo "local run: $((SECONDS - start)) s"

# Shard 1 is "already running" for its first attempt.
mkdir -p "$T/results/shards"
# Held until task 1's first attempt has failed on it (at most 5 min).
flock "$T/results/shards/1-of-4.lock" bash -c "for _ in \$(seq 1 600); do
  cat '$T'/results/slurm/*/logs/shard-1.out 2>/dev/null | grep -q 'attempt 1 failed' && exit 0
  sleep 0.5; done" &
holder=$!
sleep 0.5

start=$SECONDS
out="$(timeout 600 tools/slurm_submit.sh --binary="$GRIDS_BENCHMARK" --slurm --array=4 --cpus-per-task=1 \
  --retries=2 --profile=smoke --tables=all --results-dir="$T/results" --report-dir="$T/report" \
  --store-dir="$T/store" --wait 2>&1)"; rc=$?
echo "$out"
if (( rc == 124 )); then
  echo "the array and merge did not finish in 10 min; the queue and slurmd's log:"
  squeue; tail -n 20 "$T/slurm/slurmd.log"
fi
echo "array and merge: $((SECONDS - start)) s"
wait "$holder"
check "submit --wait exits 0 after the merge job" test $rc -eq 0
run_dir="$(ls -d "$T"/results/slurm/*/ | head -1)"
check "the array job and the merge job were submitted" \
  grep -qE "shard array job [0-9]+ \(4 tasks\)" <<<"$out"
check "the merge job ran after the array" grep -qE "merge job [0-9]+ \(after the array\)" <<<"$out"
check "each task has its log" test "$(ls "$run_dir"/logs/shard-*.out 2>/dev/null | wc -l)" -eq 4
check "task 1 found its shard taken, and retried" \
  grep -q "shard 1/4 attempt 1 failed with status 3" "$run_dir/logs/shard-1.out"
check "task 1's second attempt finished the shard" grep -q "shard 1/4 done" "$run_dir/logs/shard-1.out"
check "the merge job wrote the report" test -s "$T/report/report.md"
check "the manifest lists the 4 shards" python3 -c "
import json
m = json.load(open('$T/results/manifest.json'))
assert sorted(s['shard'] for s in m['shards']) == ['0/4', '1/4', '2/4', '3/4'], m.get('shards')"
check "the merged report equals the local single run's" \
  diff <(report_body "$T/report-single") <(report_body "$T/report")
hash="$(metrics_hash "$T/report")"
check "with the same result metrics hash ($hash)" \
  test -n "$hash" -a "$hash" = "$(metrics_hash "$T/report-single")"
finish
