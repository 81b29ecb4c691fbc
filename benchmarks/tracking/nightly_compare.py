#!/usr/bin/python3
"""Nightly tracking: judges a `./kdbench nightly` run against the history
and writes the dashboard.

  nightly_compare.py --history=results/history --run=results/history/RUN \
      [--reference=results/reference/smoke] [--dashboard=report/history/index.html]

Three signals, each against the previous run and a rolling baseline (the
last --window runs on the same CPU model):
- instructions (the deterministic one): a workload whose count grew by more
  than --instruction_threshold is a regression (instructions.py);
- wall time: slower by more than --threshold with compare.py's U test below
  --alpha; a benchmark whose repetitions spread more than --threshold is
  unstable, not a regression (wall_time.py);
- accuracy: the smoke grid against the committed smoke reference: missing
  or failed cells, any difference on the reference's kernels, or a
  configuration beyond the tolerance elsewhere (accuracy.py).
Writes RUN/summary.json and RUN/compare-speed.txt. Exits 0 (no regression),
1 (a regression) or 2 (bad input or a missing tool, named).
"""
import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import accuracy  # noqa: E402
import dashboard  # noqa: E402
import instructions  # noqa: E402
import wall_time  # noqa: E402
from history import BadInput, Run, earlier_runs, medians, run_names  # noqa: E402


def peer_line(run):
    """The PyTorch-from-Python peer's time over the suite's, per benchmark
    both ran (> 1: the suite is faster)."""
    now = medians(run.speed)
    peer = medians(run.peer)
    ratios = {k: peer[k] / now[k] for k in sorted(peer) if k in now and now[k] > 0}
    if not ratios:
        return ratios, None
    slower = sorted((k for k, r in ratios.items() if r < 1), key=ratios.get)
    line = (f"peer: PyTorch from Python takes {min(ratios.values()):.2f}x to "
            f"{max(ratios.values()):.2f}x the suite's time over {len(ratios)} benchmarks")
    line += (f"; the suite is slower on {len(slower)}, most on "
             + ", ".join(f"{k} ({ratios[k]:.2f}x)" for k in slower[:3])
             if slower else "; the suite is as fast or faster on every one")
    return ratios, line


def judge(args):
    run_name = os.path.basename(os.path.normpath(args.run))
    history = args.history
    if run_name not in run_names(history):
        raise BadInput(f"{args.run}: not a finished run of {history} (no provenance.json)")
    run = Run(history, run_name)
    baseline = earlier_runs(history, run_name, run.cpu_model, args.window)
    previous = baseline[-1] if baseline else None
    summary = {"run": run_name, "revision": run.revision, "cpu_model": run.cpu_model,
               "previous": previous.name if previous else None,
               "baseline_runs": len(baseline),
               "thresholds": {"instructions": args.instruction_threshold,
                              "wall_time": args.threshold, "alpha": args.alpha,
                              "window": args.window},
               "regressions": [], "unstable": [], "lines": []}
    lines = summary["lines"]
    lines.append(f"nightly: run {run_name} on {run.cpu_model}; " +
                 (f"previous {previous.name}, rolling baseline of {len(baseline)} run(s)"
                  if previous else "the first on this CPU model: nothing to compare with"))

    counts = run.instructions
    if counts is None:
        lines.append("instructions: none measured in this run")
    else:
        result = instructions.compare(counts, [r.instructions for r in baseline],
                                      args.instruction_threshold)
        summary["instructions"] = result["rows"]
        for row in result["regressions"]:
            summary["regressions"].append(dict(row, kind="instructions"))
        lines.append(
            f"instructions: {len(result['rows'])} workloads, compared with "
            f"{result['compared_runs']} run(s); {len(result['regressions'])} grew by more than "
            f"{args.instruction_threshold:.1%}"
            + "".join(f"\n  MORE {r['workload']}: {r['instructions']:,}"
                      + "".join(f", {label} {r[k]:+.2%}" for label, k in
                                (("vs previous", "change_previous"),
                                 ("vs baseline", "change_baseline")) if k in r)
                      for r in result["regressions"])
            + "".join(f"\n  FEWER {r['workload']}: {r.get('change_previous', 0):+.2%}"
                      for r in result["improvements"]))

    if run.speed is None:
        lines.append("wall time: no speed benchmarks in this run")
    else:
        result = wall_time.compare(run.speed, [r.speed for r in baseline], args.threshold,
                                   args.alpha)
        with open(os.path.join(run.dir, "compare-speed.txt"), "w") as f:
            f.write(result["table"])
        summary["speed"] = result["rows"]
        for row in result["regressions"]:
            summary["regressions"].append(dict(row, kind="speed"))
        summary["unstable"] = [{"benchmark": r["benchmark"], "cv": r["cv"],
                                "run_to_run": r["run_to_run"], "would_flag": r["would_flag"]}
                               for r in result["unstable"]]
        summary["unconfirmed"] = [r["benchmark"] for r in result["unconfirmed"]]
        if result["unconfirmed"]:
            lines.append(f"machine: the matmul peak took {result['machine_slower']:+.1%} longer "
                         "than in the baseline (other load): the slower wall times below are "
                         "not counted"
                         + "".join(f"\n  UNCONFIRMED {r['benchmark']}: " + ", ".join(
                             f"{w} {r[f'change_{w}']:+.1%} (p={r[f'p_{w}']:.3g})"
                             for w in r["slower_than"]) for r in result["unconfirmed"]))
        unjudged = sum(1 for r in result["rows"] if "not_judged" in r)
        if unjudged:
            lines.append(f"wall time: {unjudged} benchmarks not judged: fewer than "
                         f"{wall_time.MIN_BASELINE_RUNS} earlier runs on this CPU model")
        lines.append(
            f"wall time: {len(result['rows'])} benchmarks; {len(result['regressions'])} slower "
            f"by more than {args.threshold:.0%} with U test p < {args.alpha}; "
            f"{len(result['unstable'])} unstable (spread within the run or from run to run above "
            f"{args.threshold:.0%}, not judged)"
            + "".join(f"\n  SLOWER {r['benchmark']}: " + ", ".join(
                f"{w} {r[f'change_{w}']:+.1%} (p={r[f'p_{w}']:.3g})" for w in r["slower_than"])
                for r in result["regressions"])
            + "".join(f"\n  UNSTABLE {r['benchmark']}: cv {r['cv']:.1%}, run to run "
                      f"{r['run_to_run']:.1%}"
                      + (" (would otherwise count as slower)" if r["would_flag"] else "")
                      for r in result["unstable"]))
        ratios, line = peer_line(run)
        summary["peer_ratio"] = ratios
        if line:
            lines.append(line)

    smoke = run.smoke_records()
    if not os.path.isdir(os.path.join(run.dir, "smoke")):
        lines.append("accuracy: no smoke grid in this run")
    else:
        reference = accuracy.reference_records(args.reference)
        result = accuracy.compare(smoke, reference)
        summary["regressions"] += result["regressions"]
        summary["accuracy"] = {k: result[k] for k in ("verdict", "identical", "same_class",
                                                      "agreeing", "judged", "missing", "failed",
                                                      "cells", "reference_cells")}
        shown = result["regressions"][:10]
        lines.append("accuracy: " + accuracy.summary_line(result, args.reference)
                     + "".join(f"\n  WORSE {r['cell']}: {r['what']}"
                               + (f" ({r['change_points']:+.2f} points)"
                                  if isinstance(r.get("change_points"), (int, float)) else "")
                               for r in shown)
                     + (f"\n  ... and {len(result['regressions']) - len(shown)} more (summary.json)"
                        if len(result["regressions"]) > len(shown) else ""))
    n = len(summary["regressions"])
    lines.append(f"REGRESSION: {n} regression(s)" if n else "no regression")
    summary["status"] = "regression" if n else "ok"
    with open(os.path.join(run.dir, "summary.json"), "w") as f:
        json.dump(summary, f, indent=1)
    return summary


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--history", required=True)
    parser.add_argument("--run", required=True)
    parser.add_argument("--reference", default="results/reference/smoke",
                        help="the committed smoke reference the smoke grid must match")
    parser.add_argument("--threshold", type=float, default=0.15,
                        help="wall time: relative growth of a median that counts (with the U test)")
    parser.add_argument("--instruction_threshold", type=float, default=0.01,
                        help="instructions: relative growth that counts")
    parser.add_argument("--alpha", type=float, default=0.05,
                        help="wall time: the U test's significance level")
    parser.add_argument("--window", type=int, default=10,
                        help="runs in the rolling baseline (same CPU model)")
    parser.add_argument("--dashboard", default="",
                        help="write the dashboard (HTML) here too")
    args = parser.parse_args()
    try:
        summary = judge(args)
        if args.dashboard:
            dashboard.render(args.history, args.dashboard)
    except BadInput as e:
        print(f"nightly_compare: {e}", file=sys.stderr)
        return 2
    print("\n".join(summary["lines"]))
    if args.dashboard:
        print(f"dashboard: {args.dashboard}")
    return 1 if summary["regressions"] else 0


if __name__ == "__main__":
    sys.exit(main())
