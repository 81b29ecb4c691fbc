#!/usr/bin/python3
"""The students as deployed (lib/models/deployed_bilstm.h): their batch-1
latency beside BERT's, and what serving them in bfloat16 or int8 costs in
accuracy. Writes results/deployment/.

Latency: //benchmarks:model_speed_benchmark's paper-size batch-1 cases
(the teachers at one and two threads, the students in LibTorch and as
deployed in each precision, the float matmul peaks), with repetitions, into
latency.json beside its provenance.

Accuracy: for each seed of a finished grid run's cells (a dataset, a student, a
method; base teacher, joint schedule, all labels), trains the same cell
again with `kdbench distill` (its recorded configuration, teacher and
teacher-output cache) and evaluates the trained student as deployed
(lib/models/deployed_bilstm.h) in each precision on the test split. The
retrained float32 model must equal the run's record (same configuration
hash and test accuracy) or the comparison stops: the precisions are then
judged on the very models the report's tables describe.

Each precision's test accuracy minus the float32 model's, paired by seed,
gets a 95% t interval (report/paired_stats.py) and a non-inferiority
verdict at the given margin; agreement is the share of test decisions the
precision keeps.

  /usr/bin/python3 benchmarks/deployment_check.py --run=runs/mini-... \\
      [--parts=latency,accuracy] [--repetitions=5] [--dataset=spamassassin] \\
      [--cells=bilstm:soft+repr,rnn:none] [--precisions=float32,bfloat16,int8] \\
      [--margin=0.5] [--out=results/deployment]
"""
import argparse
import datetime
import json
import os
import platform
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "report"))
import paired_stats as ps  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import grid_run_cells  # noqa: E402


def fail(message):
    print(f"deployment_check: {message}", file=sys.stderr)
    sys.exit(2)


def distill(kdbench, record, run_dir, precisions, threads):
    command = grid_run_cells.distill_command(
        kdbench, record, run_dir,
        [f"--deployment_precisions={','.join(precisions)}", f"--threads={threads}"])
    print("deployment_check: " + " ".join(command), file=sys.stderr, flush=True)
    done = subprocess.run(command, stdout=subprocess.PIPE, text=True)
    if done.returncode != 0:
        fail(f"kdbench distill failed (exit {done.returncode}) for {record['name']}")
    return json.loads(done.stdout.strip().splitlines()[-1]), command


LATENCY_FILTER = ("peak/matmul:1024/threads|size:paper/infer/batch:1|"
                  "size:paper/deploy:")


def git_state():
    """(revision, whether the checkout has uncommitted changes to tracked files)."""
    revision = subprocess.run(["git", "-C", ROOT, "rev-parse", "HEAD"], stdout=subprocess.PIPE,
                              text=True).stdout.strip() or "unknown"
    dirty = subprocess.run(["git", "-C", ROOT, "status", "--porcelain", "--untracked-files=no"],
                           stdout=subprocess.PIPE, text=True).stdout.strip() != ""
    return revision, dirty


# The teachers again under LibTorch's CPU autocast (bfloat16), so that the
# reduced-precision students are also set against a reduced-precision BERT.
TEACHERS_BF16_FILTER = "peak/matmul:1024/dtype|teacher:.*/size:paper/infer/batch:1"


def latency(out_dir, repetitions):
    binary = os.path.join(ROOT, "bazel-bin", "benchmarks", "model_speed_benchmark")
    if not os.access(binary, os.X_OK):
        fail(f"{binary}: not built (bazel build //benchmarks:model_speed_benchmark)")
    revision, dirty = git_state()
    commands = []
    for name, flags in (("latency.json", [f"--benchmark_filter={LATENCY_FILTER}"]),
                        ("latency-teachers-bf16.json",
                         [f"--benchmark_filter={TEACHERS_BF16_FILTER}", "--teacher_autocast=bf16"])):
        path = os.path.join(out_dir, name)
        command = [binary] + flags + [
            f"--benchmark_repetitions={repetitions}", "--benchmark_report_aggregates_only=true",
            f"--benchmark_out={path}.tmp", "--benchmark_out_format=json"]
        print("deployment_check: " + " ".join(command), file=sys.stderr, flush=True)
        if subprocess.run(command).returncode != 0:
            fail("the latency benchmarks failed")
        os.replace(path + ".tmp", path)
        commands.append(" ".join(command))
        print(f"deployment_check: wrote {path}")
    with open(os.path.join(out_dir, "latency-provenance.json"), "w") as f:
        json.dump({"git_revision": revision, "dirty": dirty, "repetitions": repetitions,
                   "filter": LATENCY_FILTER, "cpu_model": cpu_model(),
                   "finished_at": now(), "commands": commands}, f, indent=1)


def now():
    return datetime.datetime.now(datetime.timezone.utc).isoformat()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--run", help="a finished grid run directory (for the accuracy part)")
    parser.add_argument("--parts", default="latency,accuracy")
    parser.add_argument("--repetitions", type=int, default=5)
    parser.add_argument("--dataset", default="spamassassin")
    parser.add_argument("--cells", default="bilstm:soft+repr,rnn:none",
                        help="student:method pairs, comma-separated")
    parser.add_argument("--precisions", default="float32,bfloat16,int8")
    parser.add_argument("--margin", type=float, default=0.5,
                        help="non-inferiority margin, accuracy points")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--kdbench", default=os.path.join(ROOT, "bazel-bin", "cli", "kdbench"))
    parser.add_argument("--out", default=os.path.join(ROOT, "results", "deployment"))
    args = parser.parse_args()
    parts = set(p.strip() for p in args.parts.split(",") if p.strip())
    if parts - {"latency", "accuracy"}:
        fail(f"--parts={args.parts}: known parts are latency, accuracy")
    os.makedirs(args.out, exist_ok=True)
    if "latency" in parts:
        latency(args.out, args.repetitions)
    if "accuracy" in parts:
        accuracy(args)


def accuracy(args):
    if not args.run:
        fail("the accuracy part needs --run=DIR, a finished grid run (./kdbench reproduce)")
    if not os.path.isdir(os.path.join(args.run, "results", "cells")):
        fail(f"--run={args.run}: no results/cells there (a grid run directory is needed)")
    if not os.access(args.kdbench, os.X_OK):
        fail(f"--kdbench={args.kdbench}: not built (bazel build //cli:kdbench)")
    precisions = [p.strip() for p in args.precisions.split(",") if p.strip()]
    configurations = []
    for pair in args.cells.split(","):
        student, _, method = pair.partition(":")
        if not method:
            fail(f"--cells: '{pair}' is not student:method")
        records = grid_run_cells.run_cells(args.run, args.dataset, student, method)
        if len(records) < ps.MIN_PAIRS:
            fail(f"{args.dataset}/base/{student}/{method}/joint/labels:all: {len(records)} "
                 f"finished seeds in {args.run}, {ps.MIN_PAIRS} needed")
        per_seed = {}
        for seed, record in sorted(records.items()):
            result, command = distill(args.kdbench, record, args.run, precisions, args.threads)
            recorded = record["result"]
            same = (result["provenance"]["config_hash"] == recorded["provenance"]["config_hash"]
                    and result["test_predictions"] == recorded["test_predictions"])
            if not same:
                fail(f"{record['name']}: the retrained model differs from the run's record "
                     f"(test accuracy {result['test_accuracy']} against "
                     f"{recorded['test_accuracy']}); precisions would not be judged on the "
                     "report's models")
            per_seed[seed] = {"model_test_accuracy": result["test_accuracy"],
                              "deployment": result["deployment"], "command": command,
                              "git_revision": result["provenance"]["git_revision"]}
        parts = {}
        for precision in precisions:
            supported = {s: v["deployment"][precision] for s, v in per_seed.items()
                         if v["deployment"][precision]["supported"]}
            if len(supported) < len(per_seed):
                reasons = {v["deployment"][precision].get("reason") for v in per_seed.values()
                           if not v["deployment"][precision]["supported"]}
                parts[precision] = {"supported": False, "reason": "; ".join(sorted(reasons))}
                continue
            delta = ps.paired({s: 100 * d["test_accuracy"] for s, d in supported.items()},
                              {s: 100 * per_seed[s]["model_test_accuracy"] for s in supported})
            part = ps.Part(f"{precision} − float32 model", delta, test=ps.NON_INFERIORITY,
                           bound=args.margin)
            ps.decide_claim([part])
            agreement = ps.PairedDelta({s: 100 * d["agreement_with_model"]
                                        for s, d in supported.items()})
            parts[precision] = {
                "supported": True,
                "kernel": next(iter(supported.values()))["kernel"],
                "recurrent_weight_bytes": next(iter(supported.values()))["recurrent_weight_bytes"],
                "accuracy_difference_pts": {"mean": delta.mean, "lo": delta.lo, "hi": delta.hi,
                                            "per_seed": delta.per_seed},
                "agreement_pct": {"mean": agreement.mean, "lo": agreement.lo,
                                  "hi": agreement.hi, "per_seed": agreement.per_seed},
                "ms_per_example": ps.statistics.fmean(
                    1000 * d["seconds_per_example"] for d in supported.values()),
                "verdict": part.verdict,
                "text": part.text()}
        configurations.append({"dataset": args.dataset, "student": student, "method": method,
                               "seeds": sorted(per_seed), "per_seed": per_seed,
                               "precisions": parts})
        for precision, part in parts.items():
            print(f"{args.dataset}/{student}/{method}: " +
                  (part["text"] if part["supported"] else f"{precision}: {part['reason']}"))
    revisions = {v["git_revision"] for c in configurations for v in c["per_seed"].values()}
    out = {"format": 1, "run": os.path.abspath(args.run), "margin_pts": args.margin,
           "threads": args.threads, "git_revision": sorted(revisions),
           "machine": {"cpu": platform.processor() or platform.machine(),
                       "cpu_model": cpu_model()},
           "finished_at": now(),
           "command": " ".join([sys.argv[0]] + sys.argv[1:]),
           "configurations": configurations}
    path = os.path.join(args.out, f"{args.dataset}.json")
    with open(path + ".tmp", "w") as f:
        json.dump(out, f, indent=1, sort_keys=True)
    os.replace(path + ".tmp", path)
    print(f"deployment_check: wrote {path}")


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown"


if __name__ == "__main__":
    main()
