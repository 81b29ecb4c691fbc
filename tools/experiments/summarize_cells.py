#!/usr/bin/env python3
"""Mean and spread over seeds of the cells a tools/experiments script wrote.

usage: summarize_cells.py OUT_DIR   (reads OUT_DIR/cells.jsonl and teachers.jsonl)
Prints a Markdown table: one row per (method, schedule), test accuracy and
macro F1 as mean +- sample standard deviation over seeds, with the seeds
listed, plus the fine-tuned teachers' accuracies.
"""
import collections
import json
import statistics
import sys


def mean_spread(values):
    if not values:
        return "n/a"
    if len(values) == 1:
        return f"{values[0]:.4f} (1 seed)"
    return f"{statistics.mean(values):.4f} +- {statistics.stdev(values):.4f}"


def main(out_dir):
    groups = collections.OrderedDict()
    with open(f"{out_dir}/cells.jsonl") as cells:
        for line in cells:
            result = json.loads(line)["result"]
            key = (result["method"], result["schedule"])
            groups.setdefault(key, []).append(result)
    print("| method | schedule | seeds | test accuracy | test macro F1 | dev accuracy | epochs | s / cell |")
    print("|---|---|---|---|---|---|---|---|")
    for (method, schedule), results in groups.items():
        results.sort(key=lambda r: r["seed"])
        print(f"| {method} | {schedule} | {','.join(str(r['seed']) for r in results)} "
              f"| {mean_spread([r['test_accuracy'] for r in results])} "
              f"| {mean_spread([r['test_macro_f1'] for r in results])} "
              f"| {mean_spread([r['dev_accuracy'] for r in results])} "
              f"| {statistics.mean(r['epochs'] for r in results):.1f} "
              f"| {statistics.mean(r['seconds'] for r in results):.0f} |")
    teachers = []
    try:
        with open(f"{out_dir}/teachers.jsonl") as lines:
            teachers = [json.loads(line) for line in lines if '"finetune"' in line]
    except FileNotFoundError:
        pass
    if teachers:
        teachers.sort(key=lambda t: t["seed"])
        print(f"| teacher (fine-tuned) | - | {','.join(str(t['seed']) for t in teachers)} "
              f"| {mean_spread([t['test_accuracy'] for t in teachers])} "
              f"| {mean_spread([t['test_macro_f1'] for t in teachers if 'test_macro_f1' in t])} "
              f"| {mean_spread([t['dev_accuracy'] for t in teachers])} | - | - |")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
