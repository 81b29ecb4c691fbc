#!/usr/bin/env bash
# A rehearsal of the paper profile on CPU: every paper table's grid
# (`--profile=paper --config=...`, as `./kdbench reproduce --profile=paper`
# runs it) over stand-ins generated in each real format: an aclImdb tree,
# Elec's files, AG News and DBpedia CSVs, and Hugging Face checkpoint
# directories of tiny BERTs (tests/experiment/paper_standins.py). The
# numbers mean nothing; the plumbing of the paper path runs end to end.
set -uo pipefail
GRIDS_BENCHMARK="$1"
source tools/testing/test_helpers.sh
T="$TEST_TMPDIR"

python3 tests/experiment/paper_standins.py "$T/inputs" >/dev/null
check "the stand-ins are written" test -f "$T/inputs/config.toml"
PAPER="$(ls benchmarks/grids/table*.toml | sort -V | paste -sd, -)"
start=$SECONDS
"$GRIDS_BENCHMARK" --grids="$PAPER" --profile=paper --config="$T/inputs/config.toml" \
  --results_dir="$T/results" --store_dir="$T/store" --jobs=2 --device=cpu \
  >"$T/run.out" 2>"$T/run.err"; rc=$?
echo "paper grids on stand-ins: $((SECONDS - start)) s"
check "the paper profile's grids exit 0 on the stand-ins" test $rc -eq 0 || tail -30 "$T/run.err"
check "no cell failed" grep -q "0 cell(s) failed" "$T/run.err"
check "every dataset, teacher and record is in place" python3 - "$T/results" "$T/inputs" <<'PY'
import json, pathlib, sys
results, inputs = pathlib.Path(sys.argv[1]), sys.argv[2]
records = [json.loads(p.read_text())["record"] for p in (results / "cells").glob("*.json")]
assert all(r["status"] == "ok" for r in records), [r["name"] for r in records if r["status"] != "ok"]
assert {r["cell"]["dataset"] for r in records} == {"imdb", "elec", "agnews", "dbpedia"}
students = [r for r in records if r.get("kind") == "student"]
# The user's checkpoints are fine-tuned as given (base, large), and Table 11's
# teacher continues the large one with in-domain MLM first.
for r in students:
    t, role = r["teacher"], r["cell"]["teacher"]
    if r["cell"]["method"] == "none":
        continue
    if role in ("base", "large"):
        assert t["pretrain_checkpoint"] == f"{inputs}/bert-{role}", t["pretrain_checkpoint"]
    if role == "large-in-domain":
        assert t["pretrain"]["init_checkpoint"] == f"{inputs}/bert-large", t["pretrain"]
classes = {r["cell"]["dataset"]: len(r["result"]["classes"]) if isinstance(r["result"].get("classes"), list)
           else r["result"].get("classes") for r in records if r.get("kind") == "teacher"}
assert classes == {"imdb": 2, "elec": 2, "agnews": 4, "dbpedia": 14}, classes
PY
python3 report/make_report.py --results="$T/results" --out="$T/report" >"$T/report.out" 2>&1; rc=$?
check "the report is written" test $rc -eq 0 || cat "$T/report.out"
for n in 5 6 7 8 9 10 11 12; do
  check "report.md has Table $n" grep -qE "^#+ .*Table $n\b" "$T/report/report.md"
done
finish
