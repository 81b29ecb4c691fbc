#!/usr/bin/python3
"""Teachers, or students, in bfloat16 against float32 (issue "Speed where it
matters", item 1): two finished grid runs of the same cells, one with
teacher_precision = "bfloat16" (benchmarks/configs/bf16_teachers.toml) or,
with --side=student, student_precision = "bfloat16"
(benchmarks/configs/bf16_students.toml), the other in float32, paired by
seed. Writes results/teacher-precision/NAME.json or
results/student-precision/NAME.json.

Per stage, the time each run's records give (general MLM pre-training, each
seed's fine-tuning, each student cell) and float32 / bfloat16 as a geometric
mean with its 95% interval over seeds (report/paired_stats.ratio), whole and
per epoch (early stopping ends the two at different epochs). A student cell's
time includes the teacher's outputs where that cell computed them.

Per configuration (the teacher itself, each student distilled from it), the
test accuracy bfloat16 − float32 in points, paired by seed, with its 95% t
interval. "Within seed noise" when that interval lies inside ± the float32
cells' seed standard deviation (the spread one reseeding gives); "not within"
when it lies outside; otherwise inconclusive. Teachers' side: cells whose
student never reads the teacher's outputs (method none) must be
bit-identical, as the precision changes only the teacher's arithmetic.
Students' side: the teacher cells must be bit-identical, and every student
cell is compared with its float32 pair (cells without one are listed).

  /usr/bin/python3 benchmarks/teacher_precision_check.py [--side=teacher|student] \\
      [--name=spamassassin-base] [--run=runs/mini-BF16 --reference=runs/mini-F32] \\
      [--out=results/teacher-precision]

Without --run and --reference it makes both, one after the other, cold:
./kdbench reproduce --tables=5 with benchmarks/configs/bf16_teachers.toml (or
bf16_students.toml), then with f32_teachers.toml, all float32 (about 30 min
on the project's 2-core machine). Both runs should run on one machine with
nothing else running: their stage times are compared directly.
"""
import argparse
import datetime
import glob
import json
import os
import statistics
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "report"))
import paired_stats as ps  # noqa: E402
import reference_check  # noqa: E402


def fail(message):
    print(f"teacher_precision_check: {message}", file=sys.stderr)
    sys.exit(2)


def records(run_dir):
    paths = glob.glob(os.path.join(run_dir, "results", "cells", "*.json"))
    if not paths:
        fail(f"{run_dir}: no cell records in results/cells (not a finished grid run?)")
    out = []
    for path in paths:
        with open(path) as f:
            record = json.load(f)["record"]
        if record.get("status", "ok") == "ok":
            out.append(record)
    return out


SIDES = {
    "teacher": {"what": "teachers in bfloat16 (autocast) against float32, paired by seed",
                "out": "teacher-precision", "config": "benchmarks/configs/bf16_teachers.toml"},
    "student": {"what": "students in bfloat16 (autocast, the LSTM's products included) "
                        "against float32, paired by seed",
                "out": "student-precision", "config": "benchmarks/configs/bf16_students.toml"},
}


def setting(side):
    return f"{side}_precision"


def precision_of(record, side):
    return (record.get("settings") or {}).get(setting(side), "float32")


def identity(record, side="teacher"):
    """What a cell computes, the compared precision left out."""
    stripped = dict(record)
    stripped["settings"] = {k: v for k, v in (record.get("settings") or {}).items()
                            if k != setting(side)}
    return reference_check.identity(stripped)


def varies(record, side):
    """Whether the compared precision can change the cell's numbers: the
    teacher's reaches the teacher and the students that read its outputs;
    the student's reaches the students only."""
    if side == "student":
        return record["kind"] != "teacher"
    return record["kind"] == "teacher" or record["cell"]["method"] != "none"


def configuration(record):
    cell = record["cell"]
    return "/".join(str(cell.get(k, "")) for k in
                    ("dataset", "teacher", "labels", "student", "method", "schedule")).replace(
                        "//", "/")


def accuracy(record):
    if record["kind"] == "teacher":
        return 100 * record["teacher"]["finetune"]["test_accuracy"]
    return 100 * record["result"]["test_accuracy"]


def interval(delta):
    return {"mean": delta.mean, "lo": delta.lo if delta.has_interval else None,
            "hi": delta.hi if delta.has_interval else None, "n": delta.n,
            "per_seed": {str(s): v for s, v in sorted(delta.per_seed.items())}}


WITHIN, NOT_WITHIN = "within seed noise", "not within seed noise"


def noise_verdict(delta, noise):
    """The rule: the interval inside ± the float32 seed SD, or outside it."""
    if -noise < delta.lo and delta.hi < noise:
        return WITHIN
    if delta.lo > noise or delta.hi < -noise:
        return NOT_WITHIN
    return ps.INCONCLUSIVE


def overall_verdict(verdicts):
    """Within when every part is; not within when some part is not."""
    verdicts = set(verdicts)
    if verdicts == {WITHIN}:
        return WITHIN
    return NOT_WITHIN if NOT_WITHIN in verdicts else ps.INCONCLUSIVE


def write_result(out_dir, name, result):
    """results/teacher-precision/NAME.json, written atomically; its path."""
    os.makedirs(out_dir, exist_ok=True)
    path = os.path.join(out_dir, f"{name}.json")
    with open(path + ".tmp", "w") as f:
        json.dump(result, f, indent=1, sort_keys=True)
    os.replace(path + ".tmp", path)
    return path


def git_revision():
    try:
        return subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True,
                              text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def make_run(config, seeds=None):
    """A cold `./kdbench reproduce --tables=5 --config=CONFIG [--seeds=N]`; its
    run directory."""
    command = [os.path.join(ROOT, "kdbench"), "reproduce", "--tables=5", "--jobs=2",
               f"--config={config}"] + ([f"--seeds={seeds}"] if seeds else [])
    print("teacher_precision_check: " + " ".join(command), file=sys.stderr, flush=True)
    done = subprocess.run(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    sys.stderr.write(done.stdout[-2000:])
    if done.returncode != 0:
        fail(f"{' '.join(command)} failed (exit {done.returncode})")
    for line in done.stdout.splitlines():
        marker = "results in "
        if line.startswith("kdbench reproduce:") and marker in line:
            results = line.split(marker, 1)[1].split(",")[0].strip()
            return os.path.join(ROOT, os.path.dirname(results))
    fail(f"{' '.join(command)}: no run directory in its output")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--side", choices=sorted(SIDES), default="teacher",
                        help="whose arithmetic the runs differ in")
    parser.add_argument("--run", help="the run in bfloat16 (default: make it)")
    parser.add_argument("--reference", help="the run in float32 (default: make it)")
    parser.add_argument("--name", default="spamassassin-base")
    parser.add_argument("--seeds", type=int,
                        help="for the runs it makes: seeds per cell (default: the profile's)")
    parser.add_argument("--out", help="default: results/teacher-precision or "
                                      "results/student-precision")
    args = parser.parse_args()
    side = args.side
    args.out = args.out or os.path.join(ROOT, "results", SIDES[side]["out"])
    if (args.run is None) != (args.reference is None):
        fail("give both --run and --reference, or neither (then both are made)")
    if args.run is None:
        args.run = make_run(SIDES[side]["config"], args.seeds)
        args.reference = make_run("benchmarks/configs/f32_teachers.toml", args.seeds)

    mixed = records(args.run)
    exact = {}
    for r in records(args.reference):
        if identity(r, side) in exact:
            fail(f"{args.reference}: two records compute the same cell ({r.get('name')})")
        exact[identity(r, side)] = r
    unpaired = []
    pairs = {}
    for r in mixed:
        precision = precision_of(r, side)
        if precision != "bfloat16":
            fail(f"{args.run}: cell {r.get('name')} has {setting(side)} {precision}, "
                 "not bfloat16")
        other = exact.get(identity(r, side))
        if other is None:
            unpaired.append(r.get("name"))
            continue
        if int(r["cell"]["seed"]) in pairs.get(configuration(r), {}):
            fail(f"{args.run}: two records compute the same cell ({r.get('name')})")
        if reference_check.kernel_class(r) != reference_check.kernel_class(other):
            fail(f"cell {r.get('name')}: the runs ran on other kernels "
                 f"({reference_check.describe_class(reference_check.kernel_class(r))} against "
                 f"{reference_check.describe_class(reference_check.kernel_class(other))}): "
                 "their times and numbers do not compare")
        if precision_of(other, side) != "float32":
            fail(f"{args.reference}: cell {other.get('name')} is not float32")
        pairs.setdefault(configuration(r), {})[int(r["cell"]["seed"])] = (r, other)
    if not pairs:
        fail("no cell of --run has a float32 counterpart in --reference")

    configurations = []
    stages = {}
    for name, seeds in sorted(pairs.items()):
        bf16 = {s: accuracy(m) for s, (m, _) in seeds.items()}
        f32 = {s: accuracy(e) for s, (_, e) in seeds.items()}
        delta = ps.paired(bf16, f32)
        noise = statistics.stdev(f32.values()) if len(f32) > 1 else None
        kind = next(iter(seeds.values()))[0]["kind"]
        varies_with_precision = varies(next(iter(seeds.values()))[0], side)
        if not varies_with_precision:
            identical = all(reference_check.deterministic_metrics(m) ==
                            reference_check.deterministic_metrics(e) for m, e in seeds.values())
            verdict = ("bit-identical" if identical else
                       f"differs (a defect: the {side}'s precision cannot reach it)")
        elif (not delta.has_interval or noise is None or delta.n < ps.MIN_PAIRS
              or (side == "teacher"
                  and not all(m.get("teacher_per_seed") for m, _ in seeds.values()))):
            # One teacher fine-tune shared by every seed: the pairs are not
            # independent draws of the teacher.
            verdict = ps.INCONCLUSIVE
        else:
            verdict = noise_verdict(delta, noise)
        configurations.append({
            "configuration": name, "kind": kind, "varies": varies_with_precision,
            "bfloat16_accuracy": {str(s): v for s, v in sorted(bf16.items())},
            "float32_accuracy": {str(s): v for s, v in sorted(f32.items())},
            "difference_pts": interval(delta), "float32_seed_sd_pts": noise,
            "verdict": verdict})
        # Stage times: a teacher cell's record carries its teacher's stages.
        for s, (m, e) in seeds.items():
            if kind == "teacher" and side == "teacher":
                for stage, field in (("general pre-training", "general_pretrain"),
                                     ("fine-tuning", "finetune")):
                    mt, et = (m["teacher"].get(field) or {}), (e["teacher"].get(field) or {})
                    if mt.get("seconds") and et.get("seconds"):
                        key = 0 if stage == "general pre-training" else s
                        epochs = (lambda t: len(t.get("mlm_loss_per_epoch") or
                                                t.get("dev_accuracy_per_epoch") or []))
                        stages.setdefault(stage, {})[key] = (et["seconds"], mt["seconds"],
                                                             epochs(et), epochs(mt))
            elif varies_with_precision:
                stages.setdefault(f"student cell {name}", {})[s] = (
                    e["result"]["seconds"], m["result"]["seconds"], e["result"]["epochs"],
                    m["result"]["epochs"])
    stage_rows = []
    for stage, values in stages.items():
        f32 = {k: v[0] for k, v in values.items()}
        bf16 = {k: v[1] for k, v in values.items()}
        # Early stopping ends the two at different epochs: per epoch is the
        # arithmetic's own speed-up.
        per_epoch = {k: v[0] / v[2] for k, v in values.items() if v[2]}, \
            {k: v[1] / v[3] for k, v in values.items() if v[3]}
        stage_rows.append({"stage": stage, "float32_seconds": sum(f32.values()),
                           "bfloat16_seconds": sum(bf16.values()),
                           "float32_epochs": sum(v[2] for v in values.values()),
                           "bfloat16_epochs": sum(v[3] for v in values.values()),
                           "speedup": ps.ratio(f32, bf16),
                           "speedup_per_epoch": ps.ratio(*per_epoch), "n": len(values)})

    overall = overall_verdict(c["verdict"] for c in configurations if c["varies"])
    result = {
        "what": SIDES[side]["what"],
        "side": side,
        "run": os.path.relpath(os.path.abspath(args.run), ROOT),
        "reference": os.path.relpath(os.path.abspath(args.reference), ROOT),
        "git_revision": git_revision(),
        "run_git_revisions": sorted({r.get("git_revision", "?") for r in mixed}),
        "reference_git_revisions": sorted({r.get("git_revision", "?")
                                           for r in exact.values()}),
        "made_at": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "rule": "within seed noise: the 95% interval of bfloat16 − float32 inside ± the "
                "float32 cells' seed standard deviation",
        "configurations": configurations, "stages": stage_rows, "verdict": overall,
        "unpaired_cells": sorted(unpaired),
        "machine": sorted({json.dumps(r.get("machine", {}), sort_keys=True) for r in mixed}
                          | {json.dumps(r.get("machine", {}), sort_keys=True)
                             for r in exact.values()}),
    }
    path = write_result(args.out, args.name, result)
    for c in configurations:
        d = c["difference_pts"]
        lo = "?" if d["lo"] is None else f"{d['lo']:+.2f}"
        hi = "?" if d["hi"] is None else f"{d['hi']:+.2f}"
        sd = "?" if c["float32_seed_sd_pts"] is None else f"{c['float32_seed_sd_pts']:.2f}"
        print(f"{c['configuration']}: bf16 − f32 {d['mean']:+.2f} pts [{lo}, {hi}] "
              f"(n={d['n']}, seed SD {sd}) → {c['verdict']}")
    for s in stage_rows:
        r = s["speedup"]
        ci = (f" [{r['lo']:.2f}, {r['hi']:.2f}]" if r["lo"] is not None else "")
        e = s["speedup_per_epoch"]
        ce = (f" [{e['lo']:.2f}, {e['hi']:.2f}]" if e["lo"] is not None else "")
        print(f"{s['stage']}: {s['float32_seconds']:.0f} s → {s['bfloat16_seconds']:.0f} s, "
              f"{r['geometric_mean']:.2f}x{ci}; epochs {s['float32_epochs']} → "
              f"{s['bfloat16_epochs']}, per epoch {e['geometric_mean']:.2f}x{ce} (n={s['n']})")
    if unpaired:
        print(f"{len(unpaired)} cell(s) of --run without a float32 counterpart: "
              f"{', '.join(sorted(unpaired)[:5])}")
    print(f"verdict: {overall}; wrote {path}")


if __name__ == "__main__":
    main()
