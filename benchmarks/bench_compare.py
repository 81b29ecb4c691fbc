#!/usr/bin/python3
"""Nightly tracking: compares a `./kdbench bench` run with the previous one in
the history directory and prints a regression summary.

  bench_compare.py --history=results/history --run=results/history/RUN [--threshold=0.15]

- Speed: Google Benchmark's own compare.py (Debian libbenchmark-tools) on
  the two runs' speed.json; a benchmark whose median real time grew by more
  than --threshold (relative) is a regression, except the matmul peaks,
  which measure the machine and are reported as context. The table goes to
  RUN/compare-speed.txt.
- Accuracy: the smoke grid's cell records of both runs; a test accuracy that
  fell by more than --accuracy_threshold (absolute, in points) is a
  regression. The result metrics hash says whether anything changed at all.
- Recheck: with --recheck=JSON (the slower benchmarks run once more, as
  `./kdbench bench` does), a slower benchmark counts only if the recheck's
  median is slower by more than --threshold too; one that is not is listed
  as not confirmed (other load on the machine, most often).
- Peer: the ratio of PyTorch-from-Python time to the suite's for each
  benchmark both ran (RUN/peer.json), > 1 meaning the suite is faster.
Writes RUN/summary.json; exits 1 on a regression (for a nightly job to alert
on), 0 otherwise, 2 on bad input.
"""
import argparse
import json
import os
import re
import subprocess
import sys

COMPARE = "/usr/share/benchmark/compare.py"


def fail(message):
    """Bad input: the message, and exit status 2 (a regression is 1)."""
    print(f"bench_compare: {message}", file=sys.stderr)
    sys.exit(2)


def load(path, what):
    try:
        with open(path) as f:
            return json.load(f)
    except FileNotFoundError:
        return None
    except json.JSONDecodeError as e:
        fail(f"{path}: not JSON ({what}): {e}")


def medians(bench_json):
    """Benchmark name -> median real time (ms), from aggregates or single runs."""
    out = {}
    for row in (bench_json or {}).get("benchmarks", []):
        name = row.get("run_name") or row["name"]
        if row.get("run_type") == "aggregate":
            if row.get("aggregate_name") == "median":
                out[name] = row["real_time"]
        elif name not in out:
            out[name] = row["real_time"]
    return out


def smoke_accuracy(run_dir):
    """Cell name -> test accuracy (%) of the run's smoke grid."""
    cells = os.path.join(run_dir, "smoke", "cells")
    out = {}
    if not os.path.isdir(cells):
        return out
    for name in sorted(os.listdir(cells)):
        if not name.endswith(".json"):
            continue
        record = load(os.path.join(cells, name), "a cell record")["record"]
        if record.get("status") != "ok":
            continue
        metrics = (record["teacher"]["finetune"] if record.get("kind") == "teacher"
                   else record["result"])
        out[record["name"]] = 100 * metrics["test_accuracy"]
    return out


def recheck_filter(summary_path):
    """A --benchmark_filter for the speed regressions in a summary.json. Only
    the characters special to Google Benchmark's regular expressions are
    escaped: it refuses escapes such as re.escape's "\\-" (bert-base) and
    then matches nothing."""
    summary = load(summary_path, "the summary")
    if summary is None:
        fail(f"{summary_path}: missing (the summary)")
    names = [re.sub(r"([.^$*+?()\[\]{}|\\])", r"\\\1", r["benchmark"])
             for r in summary.get("regressions", []) if r.get("kind") == "speed"]
    return f"^({'|'.join(names)})" if names else ""


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--history")
    parser.add_argument("--run", required=True)
    parser.add_argument("--print_recheck_filter", action="store_true",
                        help="print the benchmark filter for RUN/summary.json's slower benchmarks "
                             "(empty if none) and exit")
    parser.add_argument("--threshold", type=float, default=0.15,
                        help="relative growth of a median time that counts as a regression")
    parser.add_argument("--accuracy_threshold", type=float, default=1.0,
                        help="drop of a smoke cell's test accuracy, in points, that counts")
    parser.add_argument("--recheck", default=None,
                        help="Google Benchmark JSON of the slower benchmarks run again")
    args = parser.parse_args()
    run = os.path.normpath(args.run)
    if args.print_recheck_filter:
        print(recheck_filter(os.path.join(run, "summary.json")))
        return 0
    if not args.history:
        fail("--history is required")
    runs = sorted(d for d in os.listdir(args.history)
                  if os.path.isfile(os.path.join(args.history, d, "provenance.json")))
    name = os.path.basename(run)
    earlier = [d for d in runs if d < name]
    previous = os.path.join(args.history, earlier[-1]) if earlier else None
    summary = {"run": name, "previous": os.path.basename(previous) if previous else None,
               "threshold": args.threshold, "regressions": []}
    lines = [f"bench: run {name}" + (f", compared with {summary['previous']}" if previous
                                       else ", the first in the history: nothing to compare")]

    speed = load(os.path.join(run, "speed.json"), "the speed benchmarks")
    if speed is None:
        fail(f"{run}/speed.json is missing")
    now = medians(speed)
    peer = medians(load(os.path.join(run, "peer.json"), "the Python peer"))
    ratios = {k: peer[k] / now[k] for k in sorted(peer) if k in now and now[k] > 0}
    summary["peer_ratio"] = ratios
    if ratios:
        slower = [k for k, r in ratios.items() if r < 1]
        lines.append(f"peer: PyTorch from Python takes {min(ratios.values()):.2f}x to "
                     f"{max(ratios.values()):.2f}x the suite's time over {len(ratios)} benchmarks"
                     + (f"; the suite is slower on {len(slower)}, most on "
                        + ", ".join(f"{k.replace('/real_time', '')} ({ratios[k]:.2f}x)"
                                    for k in sorted(slower, key=ratios.get)[:3])
                        if slower else "; the suite is as fast or faster on every one"))

    if previous:
        before = medians(load(os.path.join(previous, "speed.json"), "the previous speed"))
        table = subprocess.run(
            ["/usr/bin/python3", COMPARE, "--no-color", "-a", "benchmarks",
             os.path.join(previous, "speed.json"), os.path.join(run, "speed.json")],
            capture_output=True, text=True)
        with open(os.path.join(run, "compare-speed.txt"), "w") as f:
            f.write(table.stdout + table.stderr)
        if table.returncode != 0:
            lines.append(f"speed: compare.py failed ({table.returncode}); see compare-speed.txt")
        changes = {k: now[k] / before[k] - 1 for k in now if k in before and before[k] > 0}
        summary["speed_change"] = changes
        # The matmul peak measures the machine, not the suite's code: a
        # change there is context for the other timings, not a regression.
        for k, c in sorted(changes.items()):
            if k.startswith("peak/") and abs(c) > args.threshold:
                lines.append(f"machine: the matmul peak {k} changed by {c:+.1%} "
                             "(other load, or another machine?); timings below may follow it")
        worse = {k: c for k, c in changes.items()
                 if c > args.threshold and not k.startswith("peak/")}
        rechecked, unconfirmed = {}, {}
        if args.recheck:
            again = medians(load(args.recheck, "the recheck"))
            if not again:
                fail(f"{args.recheck}: missing or holds no benchmark (the recheck)")
            rechecked = {k: again[k] / before[k] - 1 for k in worse if k in again}
            unconfirmed = {k: c for k, c in rechecked.items() if c <= args.threshold}
            worse = {k: c for k, c in worse.items() if k not in unconfirmed}
            summary["recheck_change"] = rechecked
            summary["unconfirmed"] = sorted(unconfirmed)
        for k, c in sorted(worse.items(), key=lambda kv: -kv[1]):
            regression = {"kind": "speed", "benchmark": k, "change": c}
            if k in rechecked:
                regression["recheck_change"] = rechecked[k]
            summary["regressions"].append(regression)
        def recheck_note(k):
            return f", {rechecked[k]:+.1%} on the recheck" if k in rechecked else ""
        lines.append(f"speed: {len(changes)} benchmarks compared (compare.py table in "
                     f"compare-speed.txt); {len(worse)} slower by more than "
                     f"{args.threshold:.0%}"
                     + (f" ({len(unconfirmed)} more were, but not on the recheck)"
                        if unconfirmed else "")
                     + "".join(f"\n  SLOWER {k}: {c:+.1%}{recheck_note(k)}"
                               for k, c in sorted(worse.items()))
                     + "".join(f"\n  NOT CONFIRMED {k}: {changes[k]:+.1%}, "
                               f"{c:+.1%} on the recheck" for k, c in sorted(unconfirmed.items())))
        accuracy_now, accuracy_before = smoke_accuracy(run), smoke_accuracy(previous)
        common = sorted(set(accuracy_now) & set(accuracy_before))
        drops = {k: accuracy_now[k] - accuracy_before[k] for k in common
                 if accuracy_now[k] - accuracy_before[k] < -args.accuracy_threshold}
        changed = [k for k in common if accuracy_now[k] != accuracy_before[k]]
        summary["accuracy_changed"] = changed
        for k, d in sorted(drops.items()):
            summary["regressions"].append({"kind": "accuracy", "cell": k, "change_points": d})
        if not common:
            lines.append("accuracy: no smoke cells in both runs")
        else:
            lines.append(f"accuracy: {len(common)} smoke cells; {len(changed)} changed, "
                         f"{len(drops)} fell by more than {args.accuracy_threshold} points"
                         + "".join(f"\n  WORSE {k}: {d:+.2f} points" for k, d in sorted(drops.items())))
    regressions = len(summary["regressions"])
    lines.append("REGRESSION: " + f"{regressions} regression(s)" if regressions
                 else "no regression")
    with open(os.path.join(run, "summary.json"), "w") as f:
        json.dump(summary, f, indent=1)
    print("\n".join(lines))
    return 1 if regressions else 0


if __name__ == "__main__":
    sys.exit(main())
