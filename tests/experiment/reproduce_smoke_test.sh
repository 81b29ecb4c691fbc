#!/usr/bin/env bash
# The smoke profile end to end, as `./kdbench reproduce --profile=smoke`
# runs it: every table's grid in two workers, the benchmark JSON and cell
# records, the report with every table, a resumed run that recomputes
# nothing, a corrupt record detected and recomputed to the same numbers,
# and the errors for a typo in a grid and for the paper profile without
# its files.
set -uo pipefail
GRIDS_BENCHMARK="$1"
source tools/testing/test_helpers.sh

T="$TEST_TMPDIR"
ALL="$(all_grids)"
# One thread per worker, as the reference run had on its 2 cores: the same
# kernels on any machine with the same packages and CPU capability.
run() { "$GRIDS_BENCHMARK" --grids="$ALL" --profile=smoke --results_dir="$T/results" \
          --store_dir="$T/store" --threads=1 "$@"; }

start=$SECONDS
run --jobs=2 >"$T/first.out" 2>"$T/first.err"; rc=$?
echo "smoke grids: $((SECONDS - start)) s"
check "the smoke grids exit 0" test $rc -eq 0 || tail -30 "$T/first.err"
check "progress shows counts and an ETA" grep -qE '^\[cells [0-9]+/[0-9]+\] .*ETA' "$T/first.err"
CELLS="$(distinct_cells "$T/first.err")"
# The smoke profile sets pretrain_corpus: one general pre-training per
# teacher size serves every cell; large-in-domain continues it in-domain.
check "one general pre-training per teacher recipe" test "$(ls -d "$T"/store/teachers/general-tiny-* | wc -l)" -eq 1
check "Table 11's teacher continues it with in-domain MLM" python3 - "$T/store/teachers" <<'PY'
import pathlib, sys
teachers = pathlib.Path(sys.argv[1])
dirs = sorted(teachers.glob("pretrain-spamassassin-large-in-domain-*"))
assert len(dirs) == 1, dirs
text = (dirs[0] / "record.json").read_text()
general = sorted(teachers.glob("general-tiny-*"))[0]
assert str(general) in text or general.name in text, "the in-domain MLM does not name its start"
assert '"corpus":"in-domain"' in text.replace(" ", ""), text[:400]
PY
check "every grid has benchmark JSON with accuracy counters" python3 - "$T/results" "$CELLS" <<'PY'
import json, sys, pathlib
results = pathlib.Path(sys.argv[1])
manifest = json.loads((results / "manifest.json").read_text())
expected = [f"table{n}" for n in range(5, 13)] + ["survey", "multiteacher", "classic", "takd", "feature", "transfer"]
assert sorted(manifest["grids"]) == sorted(expected), manifest["grids"].keys()
for grid, entry in manifest["grids"].items():
    bench = json.loads((results / entry["benchmark_json"]).read_text())
    rows = bench["benchmarks"]
    assert len(rows) == len(entry["cells"]) > 0, grid
    for row in rows:
        assert row["iterations"] == 1 and not row.get("error_occurred"), row
        assert 0 <= row["test_accuracy"] <= 1 and row["parameters"] > 0, row
    for cell in entry["cells"]:
        assert (results / "cells" / f"{cell['key']}.json").exists(), cell
assert manifest["cells_computed_by_this_run"] == int(sys.argv[2]), manifest["cells_computed_by_this_run"]
PY

start=$SECONDS
python3 report/make_report.py --results="$T/results" --out="$T/report" \
  --reference=results/reference/smoke >"$T/report.out" 2>&1; rc=$?
echo "report: $((SECONDS - start)) s"
check "the report generator exits 0 (the run agrees with the reference)" test $rc -eq 0 ||
  cat "$T/report.out"
# The accuracy guard: every metric of the cold run against the committed
# smoke reference (results/reference/smoke): bit-identical on the
# reference's kernels, else within the reference's seed noise.
grep "^reference check:" "$T/report.out"
check "every cell matches the reference: bit-identical, or within seed noise on other kernels" \
  grep -qE "^reference check: ($CELLS/$CELLS cells bit-identical|.*agrees within seed noise)" "$T/report.out"
for n in 5 6 7 8 9 10 11 12; do
  check "report.md has Table $n" grep -qE "^#+ .*Table $n\b" "$T/report/report.md"
done
for title in "the KD survey's output-layer methods" "several teachers as one" \
             "distillation into classic models" "teacher assistants \(TAKD\)" \
             "feature distillation into a small transformer"; do
  check "report.md has the section: $title" grep -qE "^## Beyond the paper: $title" "$T/report/report.md"
done
check "report.html is self-contained with embedded plots" python3 - "$T/report/report.html" <<'PY'
import sys, re
html = open(sys.argv[1]).read()
assert html.count("data:image/png;base64,") >= 3
assert not re.search(r'(src|href)="(https?:)?//', html), "external resource"
PY
check "every ok record stores one test prediction and gold label per test example" \
  python3 - "$T/results" <<'PY'
import json, sys, pathlib
n = 0
for f in sorted(pathlib.Path(sys.argv[1], "cells").glob("*.json")):
    r = json.loads(f.read_text())["record"]
    if r["status"] != "ok":
        continue
    res = r["teacher"]["finetune"] if r.get("kind") == "teacher" else r["result"]
    pred, gold = res["test_predictions"], res["test_labels"]
    assert len(pred) == len(gold) == res["test_examples"] > 0, f
    hits = sum(p == g for p, g in zip(pred, gold)) / len(gold)
    assert abs(hits - res["test_accuracy"]) < 1e-9, (f, hits, res["test_accuracy"])
    n += 1
assert n > 10, n
PY
check "teacher stages and cells record CPU seconds beside wall seconds" \
  python3 - "$T/results" "$T/store/teachers" <<'PY'
import json, sys, pathlib
cells = [json.loads(f.read_text())["record"]
         for f in pathlib.Path(sys.argv[1], "cells").glob("*.json")]
ok = [r for r in cells if r["status"] == "ok"]
assert ok and all(r["cell_cpu_seconds"] > 0 for r in ok)
# One thread per worker: CPU time cannot exceed wall time by much.
assert all(r["cell_cpu_seconds"] <= 1.5 * r["cell_seconds"] + 0.5 for r in ok)
stages = [json.loads(f.read_text())["record"]
          for f in pathlib.Path(sys.argv[2]).glob("*/record.json")]
assert stages and all(s["cpu_seconds"] > 0 for s in stages), stages[:1]
PY
check "the report runs McNemar's test from those predictions" \
  grep -qE "[0-9]+ vs [0-9]+ discordant, p = " "$T/report/report.md"
check "the report has a linked table of contents" \
  grep -q '<a href="#table5">' "$T/report/report.html"

cp -r "$T/results" "$T/results-first"
run --jobs=2 >"$T/second.out" 2>"$T/second.err"; rc=$?
check "a rerun exits 0" test $rc -eq 0
check "a rerun computes nothing" grep -q "$CELLS distinct cells, 0 to compute" "$T/second.err"
same_metrics() { python3 - "$@" <<'PY'
import json, sys, pathlib
# The third argument "metrics-only" leaves out the time (a recomputed cell
# takes its own).
fields = ["test_accuracy", "test_macro_f1", "dev_accuracy", "parameters", "compression",
          "prediction_variance"] + ([] if sys.argv[3:] == ["metrics-only"] else ["real_time"])
def metrics(d):
    out = {}
    for f in sorted(pathlib.Path(d).glob("*.benchmark.json")):
        for row in json.loads(f.read_text())["benchmarks"]:
            out[row["name"]] = {k: v for k, v in row.items() if k in fields}
    return out
a, b = metrics(sys.argv[1]), metrics(sys.argv[2])
assert a == b, [(k, a[k], b.get(k)) for k in a if a[k] != b.get(k)]
PY
}
check "a rerun reports identical metrics and times" same_metrics "$T/results-first" "$T/results"

# Corrupt one student record: it is detected by its checksum and recomputed
# to the same metrics (CPU runs are deterministic).
victim="$(grep -l '"kind": "student"' "$T"/results/cells/*.json | head -1)"
sed -i 's/"test_accuracy": 0\./"test_accuracy": 1./' "$victim"
run --jobs=1 >"$T/third.out" 2>"$T/third.err"; rc=$?
check "a run after corruption exits 0" test $rc -eq 0
check "the corrupt record, and only it, is recomputed" grep -q "$CELLS distinct cells, 1 to compute" "$T/third.err"
check "the recomputed cell has the same metrics" same_metrics "$T/results-first" "$T/results" metrics-only

printf 'table = "8"\ntitle = "t"\n[axes]\nteacher = "large"\nmethod = "sofft"\n' >"$T/typo.toml"
out="$("$GRIDS_BENCHMARK" --grids="$T/typo.toml" --profile=smoke 2>&1)"; rc=$?
check "a typo in a grid exits 2" test $rc -eq 2
check "the typo is named with file, line and allowed values" \
  grep -q "typo.toml:5: 'method' has value 'sofft': unknown; known: none, hard, soft, soft+repr, kl" <<<"$out"
out="$("$GRIDS_BENCHMARK" --grids="$ALL" --profile=paper --results_dir="$T/paper" 2>&1)"; rc=$?
check "the paper profile without its files exits 2" test $rc -eq 2
check "and lists what is missing" grep -q "the files of dataset 'imdb': add" <<<"$out"
check "and nothing was written" test ! -e "$T/paper"

finish
