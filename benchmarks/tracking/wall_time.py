"""Wall time, the secondary signal, with statistics: a benchmark is slower
when its median grew by more than the threshold AND Google Benchmark's
compare.py U test (two-sided Mann-Whitney on the repetitions) finds the
difference significant, against the previous run or against the rolling
baseline (every repetition of the last runs on the same CPU model, pooled).
A benchmark whose repetitions spread more than the threshold (coefficient
of variation), or whose median moved more than the threshold from run to
run in the baseline (the median of the successive changes: outside load
that differs between nights, which the repetitions of one run cannot show;
a steady creep moves it little), is reported as unstable, never as a
regression: its own noise is larger than what it would flag. Before the
baseline has MIN_BASELINE_RUNS runs, no wall time is judged, and when the
run's matmul peak is slower than the baseline's by more than the threshold
(the machine was busier), its slowdowns are listed as unconfirmed. The matmul peaks measure the machine and
are context."""

import json
import os
import statistics
import subprocess
import tempfile

from history import BadInput, medians, repetitions

COMPARE = "/usr/share/benchmark/compare.py"
# Runs the baseline needs before a wall time is judged at all: with fewer,
# how much the benchmark moves from night to night is unknown.
MIN_BASELINE_RUNS = 2


def _utest(before_json, after_json):
    """compare.py's U test p-values (real time), by benchmark name."""
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for i, data in enumerate((before_json, after_json)):
            paths.append(os.path.join(tmp, f"{i}.json"))
            with open(paths[-1], "w") as f:
                json.dump(data, f)
        dump = os.path.join(tmp, "compare.json")
        run = subprocess.run(["/usr/bin/python3", COMPARE, "--no-color", "-d", dump,
                              "benchmarks", paths[0], paths[1]], capture_output=True, text=True)
        if run.returncode != 0 or not os.path.exists(dump):
            raise BadInput(f"{COMPARE} failed ({run.returncode}): {run.stderr.strip()[-500:]} "
                           "(apt-get install libbenchmark-tools python3-scipy)")
        with open(dump) as f:
            rows = json.load(f)
        table = run.stdout
    p = {}
    for row in rows:
        utest = row.get("utest") or {}
        if row.get("run_type") == "iteration" and "time_pvalue" in utest:
            p[row["name"]] = utest["time_pvalue"]
    return p, table


def pooled(speed_jsons):
    """One Google Benchmark JSON holding every repetition of several runs:
    compare.py then tests the new run against all of them at once."""
    rows = []
    for data in speed_jsons:
        for row in (data or {}).get("benchmarks", []):
            if row.get("run_type") != "aggregate" and not row.get("error_occurred"):
                rows.append(dict(row, name=row.get("run_name") or row["name"]))
    return {"context": {}, "benchmarks": rows}


def _cv(times):
    return statistics.stdev(times) / statistics.fmean(times) if len(times) >= 2 else 0.0


def compare(current, earlier, threshold, alpha):
    """current: the run's speed.json; earlier: the baseline runs' speed.json,
    oldest first (the last is the previous run). Returns the rows, the
    regressions, the unstable benchmarks and compare.py's table against the
    previous run."""
    reps = repetitions(current)
    earlier = [e for e in earlier if e]
    previous = earlier[-1] if earlier else None
    p_previous, table = _utest(previous, current) if previous else ({}, "")
    p_baseline = _utest(pooled(earlier), current)[0] if earlier else {}
    before = medians(previous) if previous else {}
    runs_medians = [medians(e) for e in earlier]
    rows, regressions, unstable = [], [], []
    for name in sorted(reps):
        times = reps[name]
        row = {"benchmark": name, "median_ms": statistics.median(times),
               "repetitions": len(times), "cv": _cv(times)}
        if name in before and before[name] > 0:
            row["change_previous"] = row["median_ms"] / before[name] - 1
            row["p_previous"] = p_previous.get(name)
        history = [m[name] for m in runs_medians if name in m]
        if history:
            row["baseline_ms"] = statistics.median(history)
            row["baseline_runs"] = len(history)
            row["change_baseline"] = row["median_ms"] / row["baseline_ms"] - 1
            row["p_baseline"] = p_baseline.get(name)
        rows.append(row)
        if name.startswith("peak/"):
            continue
        slower = [which for which in ("previous", "baseline")
                  if row.get(f"change_{which}", 0) > threshold
                  and row.get(f"p_{which}") is not None and row[f"p_{which}"] < alpha]
        steps = [abs(b / a - 1) for a, b in zip(history, history[1:]) if a > 0]
        row["run_to_run"] = statistics.median(steps) if steps else 0.0
        if len(history) < MIN_BASELINE_RUNS:
            row["not_judged"] = f"fewer than {MIN_BASELINE_RUNS} earlier runs on this CPU model"
        elif row["cv"] > threshold or row["run_to_run"] > threshold:
            row["unstable"] = True
            row["would_flag"] = slower
            unstable.append(row)
        elif slower:
            row["slower_than"] = slower
            regressions.append(row)
    # The matmul peak measures the machine: when it is slower than the
    # baseline by more than the threshold, the machine (other load) is, and
    # no slower wall time can be laid at the code's door tonight.
    machine = max((r["change_baseline"] for r in rows
                   if r["benchmark"].startswith("peak/") and "change_baseline" in r), default=0.0)
    unconfirmed = []
    if machine > threshold:
        unconfirmed, regressions = regressions, []
    return {"rows": rows, "regressions": regressions, "unstable": unstable, "table": table,
            "compared_runs": len(earlier), "machine_slower": machine, "unconfirmed": unconfirmed}
