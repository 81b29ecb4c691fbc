#!/usr/bin/env bash
# Crash safety of a grid run (the smoke grids, two workers): SIGKILL at
# random points, several times (the parent alone, whose workers then die
# with it, or the whole process group at once), then a run to the end. The
# results must equal an uninterrupted run's, and nothing finished before a
# kill (cell record or teacher) may be computed again. Then corrupt or
# truncated artifacts (a teacher-output cache chunk, a teacher checkpoint's
# record, a cell record) are detected by their checksums and rebuilt to the
# same results.
set -uo pipefail
GRIDS_BENCHMARK="$1"
source tools/testing/test_helpers.sh
T="$TEST_TMPDIR"
ALL="$(all_grids)"
grids() { "$GRIDS_BENCHMARK" --grids="$ALL" --profile=smoke --threads=1 --jobs=2 "$@"; }
report() { python3 report/make_report.py --results="$1" --out="$2" >"$2.log" 2>&1; }

grids --results_dir="$T/clean" --store_dir="$T/store-clean" >/dev/null 2>"$T/clean.err"
check "the uninterrupted run exits 0" test $? -eq 0 || tail -20 "$T/clean.err"
CELLS="$(distinct_cells "$T/clean.err")"
report "$T/clean" "$T/report-clean"

# Finished artifacts: path and content hash. A recomputed one is written
# anew with its own finish time, so its hash changes. (Not the inode: a
# file system may give the new file the inode the removed one had.) A
# teacher's record.json is written into DIR.partial-PID, which is then
# renamed to DIR: a kill between the two leaves a partial directory with a
# record, which is unfinished and which the next run removes, so it is not
# counted (it once made this test fail as "1 rewritten").
# Teacher-output chunks count too: one rewritten would be recomputed work.
snapshot() {
  find "$T/killed/cells" "$T/store-killed/teachers" "$T/store-killed/teacher-outputs" \
       \( -name '*.json' -path '*cells/*' -o -name record.json -path '*/teachers/*' -o \
       -name 'chunk-*.safetensors' -path '*/teacher-outputs/*' \) -not -path '*.partial-*' 2>/dev/null |
    while read -r f; do echo "$f $(sha256sum <"$f" | cut -c1-64)"; done | sort
}

count() { sed '/^$/d' <<<"$1" | wc -l; }
run_left() { pgrep -f -- "--results_dir=$T/killed" >/dev/null; }
# Kill points: after 1 to 3 more artifacts have finished, plus 0 to 2.9 s,
# so that kills land all along the run (teachers, cells) and not only in
# its first seconds.
RANDOM=20261122  # random, but the same on every run of the test
kills=0 finished_before_kills=0 recomputed=0
for attempt in 1 2 3 4 5 6; do
  before="$(snapshot)"
  setsid "$GRIDS_BENCHMARK" --grids="$ALL" --profile=smoke --threads=1 --jobs=2 \
    --results_dir="$T/killed" --store_dir="$T/store-killed" >/dev/null 2>>"$T/killed.err" &
  pid=$!
  target=$(( $(count "$before") + 1 + RANDOM % 3 ))
  while kill -0 "$pid" 2>/dev/null && (( $(count "$(snapshot)") < target )); do sleep 0.2; done
  sleep "$((RANDOM % 3)).$((RANDOM % 10))"
  if ! kill -0 "$pid" 2>/dev/null; then echo "attempt $attempt: the run finished before its kill"; break; fi
  if (( attempt % 2 )); then
    kill -KILL "$pid"          # the parent: its workers get SIGTERM from the kernel
    how="the parent"
  else
    kill -KILL -- "-$pid"      # the whole process group at once
    how="the process group"
  fi
  wait "$pid" 2>/dev/null
  kills=$((kills + 1))
  for _ in $(seq 1 50); do run_left || break; sleep 0.1; done
  check "kill $kills ($how): no process of the run is left" eval '! run_left'
  after="$(snapshot)"
  changed="$(comm -23 <(sed '/^$/d' <<<"$before") <(sed '/^$/d' <<<"$after") | wc -l)"
  finished_before_kills=$((finished_before_kills + $(count "$before")))
  recomputed=$((recomputed + changed))
  echo "kill $kills ($how): $(count "$after") artifacts finished, $changed of the $(count "$before") finished before this attempt rewritten"
  # Which ones, to tell a race in the snapshot from a real recomputation.
  comm -23 <(sed '/^$/d' <<<"$before") <(sed '/^$/d' <<<"$after") | sed 's/^/  rewritten: /'
done
before="$(snapshot)"
grids --results_dir="$T/killed" --store_dir="$T/store-killed" >/dev/null 2>>"$T/killed.err"
check "the run after $kills kills finishes (exit 0)" test $? -eq 0 || tail -20 "$T/killed.err"
after="$(snapshot)"
recomputed=$((recomputed + $(comm -23 <(sed '/^$/d' <<<"$before") <(sed '/^$/d' <<<"$after") | wc -l)))
echo "kills: $kills; finished artifacts seen before restarts: $finished_before_kills; recomputed: $recomputed"
check "at least 3 kills happened" test "$kills" -ge 3
check "artifacts had finished before the kills (so the next check means something)" \
  test "$finished_before_kills" -gt 0
check "no finished cell or teacher was computed again" test "$recomputed" -eq 0
check "no partial teacher directory is left" bash -c "! ls -d '$T'/store-killed/teachers/*.partial-* 2>/dev/null"
starts=$(grep -c '^segment [0-9]* start ' "$T/killed/run-log.txt")
ends=$(grep -c '^segment [0-9]* end ' "$T/killed/run-log.txt")
check "the run log has a segment per computing attempt ($starts) and one that ended normally" \
  test "$starts" -ge 2 -a "$starts" -le $((kills + 1)) -a "$ends" -eq 1
report "$T/killed" "$T/report-killed"
check "the report times the run by its $starts segments" \
  grep -q "cold: $starts segments minus 0 pauses" "$T/report-killed/report.md"
check "and says what each stage cost" grep -q '^## What this run cost' "$T/report-killed/report.md"
hash="$(metrics_hash "$T/report-clean")"
check "the interrupted run's results equal the uninterrupted run's (metrics hash $hash)" \
  test -n "$hash" -a "$hash" = "$(metrics_hash "$T/report-killed")"
check "and so do the reports" diff <(report_body "$T/report-clean") <(report_body "$T/report-killed")

# Corruption: one student cell's teacher checkpoint gets a damaged byte,
# its teacher-output chunk is truncated, and its record is removed, so the
# rerun has to read both.
# A fine-tuned teacher or a TAKD assistant: its directory ends in its key,
# after its role (two roles of one recipe share the key).
read -r cell teacher_dir cache_dir < <(python3 -c '
import glob, json, sys
for path in sorted(sys.argv[2:]):
    r = json.load(open(path))["record"]
    # One teacher: an ensemble has no single fine-tuned directory to damage.
    if (r.get("status") == "ok" and "cache" in r["result"].get("teacher", {})
            and "+" not in r["cell"]["teacher"]):
        # A chain "large>base" names its assistant "...-large-to-base-...".
        key, role = r["teacher"]["finetune_key"][:16], r["cell"]["teacher"].replace(">", "-to-")
        dirs = [d for d in glob.glob(f"{sys.argv[1]}/*-{key}") if f"-{role}-" in d]
        print(path, dirs[0] if len(dirs) == 1 else "ambiguous-or-missing", r["result"]["teacher"]["cache"])
        break' "$T/store-killed/teachers" "$T"/killed/cells/*.json)
chunk="$(ls "$cache_dir"/chunk-*.safetensors | head -1)"
check "the cell's teacher and teacher-output chunk are found" test -d "$teacher_dir" -a -f "$chunk"
teacher_record="$(sha256sum <"$teacher_dir/record.json")"
printf '\xff\xff\xff\xff' | dd of="$teacher_dir/model.safetensors" bs=1 seek=4096 conv=notrunc 2>/dev/null
truncate -s 50 "$chunk"
rm -f "$cell"
grids --results_dir="$T/killed" --store_dir="$T/store-killed" >/dev/null 2>"$T/corrupt.err"
check "the run after corruption exits 0" test $? -eq 0 || tail -20 "$T/corrupt.err"
check "it computed the removed cell only" grep -q "$CELLS distinct cells, 1 to compute" "$T/corrupt.err"
check "the damaged teacher checkpoint was detected and the teacher made again" \
  test "$(sha256sum <"$teacher_dir/record.json")" != "$teacher_record"
check "the truncated teacher-output chunk was set aside as corrupt" test -e "$chunk.corrupt"
report "$T/killed" "$T/report-rebuilt"
check "the rebuilt results equal the uninterrupted run's" \
  test "$hash" = "$(metrics_hash "$T/report-rebuilt")"
finish
