#!/usr/bin/python3
"""The suite against its PyTorch-from-Python peer on whole distillation
cells: for each seed of a finished grid run's cell (a dataset, a student, a
method; base teacher, joint schedule, all labels), `kdbench distill` trains
it (its recorded configuration; the result must equal the run's record) and
benchmarks/python_peer_cell.py trains the same cell from the inputs
`kdbench distill --export_cell` wrote (the same split, encoded examples and
cached teacher targets). Both are timed as whole processes, one thread each,
alternately (the suite first on odd seeds, the peer first on even ones) so
that a drift in the machine's load falls on both.

Reported: the per-cell time ratio peer / suite (geometric mean over seeds,
95% t interval of the log ratios) against the goal; the same for the
training loops alone (the suite's record's seconds, the peer's
training_seconds: no start-up, data loading or tokenization, which the
suite's process does and the peer's, reading encoded tensors, does not) and
per epoch of them (early stopping ends the two at different epochs); and the
test accuracy suite − peer paired by seed (95% t interval): "equal" when
the interval lies within ±margin, "not equal" when it lies outside.

  /usr/bin/python3 benchmarks/peer_cell_benchmark.py --run=runs/mini-... \\
      [--dataset=spamassassin] [--student=bilstm] [--method=soft+repr] \\
      [--goal=1.3] [--margin=1.0] [--out=results/peer-cell]
"""
import argparse
import datetime
import json
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "report"))
import paired_stats as ps  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import grid_run_cells  # noqa: E402


def fail(message):
    print(f"peer_cell_benchmark: {message}", file=sys.stderr)
    sys.exit(2)


def timed(command, what):
    """(parsed last stdout line, wall seconds) of a whole process."""
    print("peer_cell_benchmark: " + " ".join(command), file=sys.stderr, flush=True)
    start = time.perf_counter()
    done = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        fail(f"{what} failed (exit {done.returncode}): {' '.join(command)}")
    return json.loads(done.stdout.strip().splitlines()[-1]), seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--run", required=True, help="a finished grid run directory")
    parser.add_argument("--dataset", default="spamassassin")
    parser.add_argument("--student", default="bilstm")
    parser.add_argument("--method", default="soft+repr")
    parser.add_argument("--goal", type=float, default=1.3, help="peer time / suite time to reach")
    parser.add_argument("--margin", type=float, default=1.0,
                        help="accuracy points within which the two count as equal")
    parser.add_argument("--kdbench", default=os.path.join(ROOT, "bazel-bin", "cli", "kdbench"))
    parser.add_argument("--out", default=os.path.join(ROOT, "results", "peer-cell"))
    args = parser.parse_args()
    if not os.path.isdir(os.path.join(args.run, "results", "cells")):
        fail(f"--run={args.run}: no results/cells there (a grid run directory is needed)")
    if not os.access(args.kdbench, os.X_OK):
        fail(f"--kdbench={args.kdbench}: not built (bazel build //cli:kdbench)")
    records = grid_run_cells.run_cells(args.run, args.dataset, args.student, args.method)
    if len(records) < ps.MIN_PAIRS:
        fail(f"{args.dataset}/base/{args.student}/{args.method}/joint/labels:all: "
             f"{len(records)} finished seeds in {args.run}, {ps.MIN_PAIRS} needed")
    peer = [sys.executable, os.path.join(ROOT, "benchmarks", "python_peer_cell.py"), "--quiet",
            "--threads=1"]
    per_seed = {}
    revisions = set()
    with tempfile.TemporaryDirectory(prefix="kdbench-peer-") as scratch:
        for seed, record in sorted(records.items()):
            suite_command = grid_run_cells.distill_command(args.kdbench, record, args.run,
                                                           ["--threads=1"])
            export = os.path.join(scratch, f"seed{seed}")
            exported, _ = timed(suite_command + [f"--export_cell={export}"], "the export")
            if exported["config_hash"] != record["result"]["provenance"]["config_hash"]:
                fail(f"{record['name']}: the exported cell's configuration differs from the record")
            runs = [("suite", suite_command), ("peer", peer + [f"--cell={export}"])]
            if seed % 2 == 0:
                runs.reverse()
            results = {}
            for side, command in runs:
                results[side] = timed(command, side)
            suite, suite_seconds = results["suite"]
            peer_result, peer_seconds = results["peer"]
            if suite["test_predictions"] != record["result"]["test_predictions"]:
                fail(f"{record['name']}: the suite's run differs from the run's record")
            revisions.add(suite["provenance"]["git_revision"])
            per_seed[seed] = {"suite_seconds": suite_seconds, "peer_seconds": peer_seconds,
                              "suite_training_seconds": suite["seconds"],
                              "peer_training_seconds": peer_result["training_seconds"],
                              "suite_test_accuracy": suite["test_accuracy"],
                              "peer_test_accuracy": peer_result["test_accuracy"],
                              "suite_epochs": suite["epochs"],
                              "peer_epochs": sum(p["epochs_run"] for p in peer_result["phases"]),
                              "order": [side for side, _ in runs]}
            print(f"seed {seed}: suite {suite_seconds:.1f} s ({suite['test_accuracy']:.4f}), "
                  f"peer {peer_seconds:.1f} s ({peer_result['test_accuracy']:.4f})", flush=True)
    ratio = ps.ratio({s: v["peer_seconds"] for s, v in per_seed.items()},
                     {s: v["suite_seconds"] for s, v in per_seed.items()})
    # The training loops alone, per epoch run: the implementations' own cost.
    per_epoch = ps.ratio(
        {s: v["peer_training_seconds"] / v["peer_epochs"] for s, v in per_seed.items()},
        {s: v["suite_training_seconds"] / v["suite_epochs"] for s, v in per_seed.items()})
    speed_verdict = (ps.HOLDS if ratio["lo"] >= args.goal else
                     ps.NOT if ratio["hi"] < args.goal else ps.INCONCLUSIVE)
    accuracy = ps.paired({s: 100 * v["suite_test_accuracy"] for s, v in per_seed.items()},
                         {s: 100 * v["peer_test_accuracy"] for s, v in per_seed.items()})
    equal = (ps.HOLDS if -args.margin < accuracy.lo and accuracy.hi < args.margin else
             ps.NOT if accuracy.lo > args.margin or accuracy.hi < -args.margin else
             ps.INCONCLUSIVE)
    summary = (f"peer / suite time per cell: {ratio['geometric_mean']:.2f}x, 95% CI "
               f"[{ratio['lo']:.2f}, {ratio['hi']:.2f}] (n={ratio['n']}); goal ≥ {args.goal}x "
               f"→ {speed_verdict}. Training loops per epoch: {per_epoch['geometric_mean']:.2f}x "
               f"[{per_epoch['lo']:.2f}, {per_epoch['hi']:.2f}]. Test accuracy suite − peer: {accuracy.mean:+.2f} pts, 95% CI "
               f"[{accuracy.lo:+.2f}, {accuracy.hi:+.2f}]; equal within ±{args.margin} pts → {equal}")
    print(summary)
    out = {"format": 1, "run": os.path.abspath(args.run), "dataset": args.dataset,
           "student": args.student, "method": args.method, "goal": args.goal,
           "margin_pts": args.margin, "git_revision": sorted(revisions),
           "finished_at": datetime.datetime.now(datetime.timezone.utc).isoformat(),
           "command": " ".join([sys.argv[0]] + sys.argv[1:]), "threads": 1,
           "per_seed": per_seed, "time_ratio": ratio, "time_per_epoch_ratio": per_epoch,
           "speed_verdict": speed_verdict,
           "accuracy_difference_pts": {"mean": accuracy.mean, "lo": accuracy.lo,
                                       "hi": accuracy.hi},
           "accuracy_verdict": equal, "summary": summary}
    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, f"{args.dataset}-{args.student}-{args.method}.json")
    with open(path + ".tmp", "w") as f:
        json.dump(out, f, indent=1, sort_keys=True)
    os.replace(path + ".tmp", path)
    print(f"peer_cell_benchmark: wrote {path}")


if __name__ == "__main__":
    main()
