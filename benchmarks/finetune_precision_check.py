#!/usr/bin/python3
"""Teacher fine-tuning alone in bfloat16 against float32, from one float32
pre-trained encoder, over many seeds (issue "Speed where it matters", item 1).

teacher_precision_check.py compares whole teachers: each precision pre-trains
its own encoder, one draw each, so the encoder's own run-to-run variance sits
inside its difference. Here every fine-tune starts from the same float32
encoder (a float32 grid run's general pre-training), so the pairs differ in
the fine-tuning's arithmetic alone, and seeds are cheap enough for a narrow
interval.

For each seed 1..N: `kdbench teacher finetune` with the grid's settings (read
from the run's teacher record), once with --teacher_precision=float32 and once
with bfloat16, two processes of one thread at a time. The float32 fine-tune of
a seed the run has must equal its record (test accuracy and best epoch), or
the check stops. Writes results/teacher-precision/NAME.json in the schema of
teacher_precision_check.py (the report shows both).

  /usr/bin/python3 benchmarks/finetune_precision_check.py --reference=runs/mini-F32 \\
      [--seeds=20] [--name=spamassassin-base-finetune] [--out=results/teacher-precision]

--reference: a finished float32 grid run with teacher cells (for example the
float32 side that teacher_precision_check.py makes).
"""
import argparse
import concurrent.futures
import datetime
import glob
import json
import os
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "report"))
import paired_stats as ps  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import grid_run_cells  # noqa: E402
import teacher_precision_check as tpc  # noqa: E402


def fail(message):
    print(f"finetune_precision_check: {message}", file=sys.stderr)
    sys.exit(2)


def teacher_records(run_dir):
    out = {}
    for path in glob.glob(os.path.join(run_dir, "results", "cells", "*.json")):
        with open(path) as f:
            record = json.load(f)["record"]
        if record.get("kind") == "teacher" and record.get("status", "ok") == "ok":
            if (record.get("settings") or {}).get("teacher_precision", "float32") != "float32":
                fail(f"{run_dir}: teacher {record.get('name')} is not float32")
            out[int(record["cell"]["seed"])] = record
    if not out:
        fail(f"{run_dir}: no finished teacher cell in results/cells")
    groups = {(r["cell"]["dataset"], r["cell"]["teacher"], r["cell"]["labels"]) for r in out.values()}
    if len(groups) != 1:
        fail(f"{run_dir}: teacher cells of several configurations {sorted(groups)}; give a run "
             "of one (Table 5 on one dataset)")
    return out


def finetune(kdbench, record, run_dir, seed, precision, out_dir):
    s, cell = record["settings"], record["cell"]
    encoder = record["teacher"].get("general_pretrain_checkpoint") or \
        record["teacher"]["pretrain_checkpoint"]
    out = os.path.join(out_dir, f"{precision}-s{seed}")
    command = [kdbench, "teacher", "finetune", f"--dataset={cell['dataset']}",
               f"--labels_per_class={cell['labels_per_class']}",
               f"--dev_per_class={s.get('dev_per_class', 0)}", f"--seed={seed}",
               f"--max_length={s['teacher_max_length']}", f"--batch_size={s['teacher_batch_size']}",
               f"--max_epochs={s['finetune_max_epochs']}", f"--patience={s['finetune_patience']}",
               f"--learning_rate={s['finetune_learning_rate']}", "--threads=1",
               f"--checkpoint={grid_run_cells.resolve(encoder, run_dir)}",
               f"--teacher_precision={precision}", f"--out={out}"]
    if s.get("path"):
        command.append(f"--path={s['path']}")
    print("finetune_precision_check: " + " ".join(command), file=sys.stderr, flush=True)
    done = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if done.returncode != 0:
        fail(f"kdbench teacher finetune failed (exit {done.returncode}), seed {seed}, "
             f"{precision}: {done.stderr.strip().splitlines()[-1:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reference", required=True, help="a finished float32 grid run")
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--name", default="spamassassin-base-finetune")
    parser.add_argument("--out", default=os.path.join(ROOT, "results", "teacher-precision"))
    parser.add_argument("--kdbench", default=os.path.join(ROOT, "bazel-bin", "cli", "kdbench"))
    args = parser.parse_args()
    if args.seeds < ps.MIN_PAIRS:
        fail(f"--seeds={args.seeds}: at least {ps.MIN_PAIRS} for an interval to judge")
    if not os.access(args.kdbench, os.X_OK):
        fail(f"{args.kdbench}: not built (bazel build //cli:kdbench)")
    records = teacher_records(args.reference)
    template = records[min(records)]
    with tempfile.TemporaryDirectory(prefix="finetune-precision-") as tmp:
        jobs = [(seed, precision) for seed in range(1, args.seeds + 1)
                for precision in ("float32", "bfloat16")]
        with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
            futures = {job: pool.submit(finetune, args.kdbench, template, args.reference,
                                        job[0], job[1], tmp) for job in jobs}
            results = {job: future.result() for job, future in futures.items()}
    for seed, record in records.items():
        if seed > args.seeds:
            continue
        mine, theirs = results[(seed, "float32")], record["teacher"]["finetune"]
        if (mine["test_accuracy"], mine["best_epoch"]) != (theirs["test_accuracy"],
                                                           theirs["best_epoch"]):
            fail(f"seed {seed}: float32 fine-tune here gives test accuracy "
                 f"{mine['test_accuracy']} (epoch {mine['best_epoch']}), the run's record "
                 f"{theirs['test_accuracy']} (epoch {theirs['best_epoch']}): not the same "
                 "fine-tuning, nothing to compare")
    seeds = range(1, args.seeds + 1)
    configurations = []
    for metric, label in (("test_accuracy", "accuracy"), ("test_macro_f1", "macro F1")):
        bf16 = {s: 100 * results[(s, "bfloat16")][metric] for s in seeds}
        f32 = {s: 100 * results[(s, "float32")][metric] for s in seeds}
        delta = ps.paired(bf16, f32)
        noise = statistics.stdev(f32.values())
        verdict = tpc.noise_verdict(delta, noise)
        cell = template["cell"]
        configurations.append({
            "configuration": f"{cell['dataset']}/{cell['teacher']}/{cell['labels']}/teacher "
                             f"fine-tuning, test {label}",
            "kind": "teacher", "reads_teacher": True,
            "bfloat16_accuracy": {str(s): v for s, v in bf16.items()},
            "float32_accuracy": {str(s): v for s, v in f32.items()},
            "difference_pts": tpc.interval(delta), "float32_seed_sd_pts": noise,
            "verdict": verdict})
    seconds = {p: {s: results[(s, p)]["seconds"] for s in seeds} for p in ("float32", "bfloat16")}
    epochs = {p: {s: len(results[(s, p)]["dev_accuracy_per_epoch"]) for s in seeds}
              for p in ("float32", "bfloat16")}
    stages = [{"stage": "fine-tuning", "n": len(seeds),
               "float32_seconds": sum(seconds["float32"].values()),
               "bfloat16_seconds": sum(seconds["bfloat16"].values()),
               "float32_epochs": sum(epochs["float32"].values()),
               "bfloat16_epochs": sum(epochs["bfloat16"].values()),
               "speedup": ps.ratio(seconds["float32"], seconds["bfloat16"]),
               "speedup_per_epoch": ps.ratio(
                   {s: seconds["float32"][s] / epochs["float32"][s] for s in seeds},
                   {s: seconds["bfloat16"][s] / epochs["bfloat16"][s] for s in seeds})}]
    result = {
        "what": "teacher fine-tuning in bfloat16 (autocast) against float32 from one float32 "
                "pre-trained encoder, paired by seed",
        "run": f"{args.seeds} seeds x 2 precisions of `kdbench teacher finetune` from the "
               "encoder of --reference",
        "reference": os.path.relpath(os.path.abspath(args.reference), ROOT),
        "git_revision": tpc.git_revision(),
        "run_git_revisions": [tpc.git_revision()],
        "reference_git_revisions": sorted({r.get("git_revision", "?") for r in records.values()}),
        "made_at": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "rule": "within seed noise: the 95% interval of bfloat16 − float32 inside ± the "
                "float32 fine-tunes' seed standard deviation",
        "configurations": configurations, "stages": stages, "unpaired_cells": [],
        "verdict": tpc.overall_verdict(c["verdict"] for c in configurations),
        "checked_against_records": sorted(s for s in records if s <= args.seeds),
    }
    path = tpc.write_result(args.out, args.name, result)
    for c in configurations:
        d = c["difference_pts"]
        print(f"{c['configuration']}: bf16 − f32 {d['mean']:+.2f} pts [{d['lo']:+.2f}, "
              f"{d['hi']:+.2f}] (n={d['n']}, seed SD {c['float32_seed_sd_pts']:.2f}) → "
              f"{c['verdict']}")
    s = stages[0]
    print(f"fine-tuning: {s['float32_seconds']:.0f} s → {s['bfloat16_seconds']:.0f} s; epochs "
          f"{s['float32_epochs']} → {s['bfloat16_epochs']}; per epoch "
          f"{s['speedup_per_epoch']['geometric_mean']:.2f}x "
          f"[{s['speedup_per_epoch']['lo']:.2f}, {s['speedup_per_epoch']['hi']:.2f}]")
    print(f"verdict: {result['verdict']}; wrote {path}")


if __name__ == "__main__":
    main()
