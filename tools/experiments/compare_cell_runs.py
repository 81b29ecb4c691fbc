#!/usr/bin/env python3
"""Before/after of a change that alters the students' numbers: two results
directories of the same grids, cells paired by name.

usage: compare_cell_runs.py BEFORE_DIR AFTER_DIR [--students=bilstm,rnn]

BEFORE_DIR and AFTER_DIR are results directories (RESULTS_DIR/cells/*.json,
as ./kdbench reproduce writes them); an older one comes out of git with
  git archive REV results/mini | tar -x -C /tmp/before
Prints Markdown: per grid, the cells' summed seconds before and after and
their ratio, and the test accuracy before and after as mean +- sample std
over the paired cells, with the paired difference. Cells are those each
directory's manifest.json lists; cells on one side only are counted and
left out. Every record's seconds are the cell's
own (cell_seconds: its training and evaluation, teacher stages apart).
"""
import argparse
import collections
import json
import os
import statistics
import sys


def load(results_dir, students):
    """The cells its manifest lists (a directory may also hold stale records)."""
    manifest_path = os.path.join(results_dir, "manifest.json")
    try:
        with open(manifest_path) as handle:
            manifest = json.load(handle)
    except (OSError, ValueError) as error:
        sys.exit(f"compare_cell_runs: {manifest_path}: {error}")
    cells = {}
    for grid in manifest.get("grids", {}).values():
        for cell in grid.get("cells", []):
            path = os.path.join(results_dir, "cells", cell["key"] + ".json")
            try:
                with open(path) as handle:
                    record = json.load(handle)["record"]
            except (OSError, ValueError, KeyError) as error:
                sys.exit(f"compare_cell_runs: {path}: not a cell record ({error})")
            # Cells without a result are "not available" (too few labels).
            if ("result" in record and record.get("kind") == "student"
                    and record["cell"].get("student") in students):
                cells[record["name"]] = record
    return cells


def grid_of(name):
    """dataset/teacher/student/method/schedule/labels:L/seed:S -> without the seed."""
    return name.rsplit("/seed:", 1)[0]


def seconds(cells, names):
    """The cells' summed own seconds; records from before cell_seconds
    existed count as missing (nan)."""
    return sum(cells[n].get("cell_seconds", float("nan")) for n in names)


def spread(values):
    if len(values) < 2:
        return f"{statistics.mean(values):.2f}" if values else "n/a"
    return f"{statistics.mean(values):.2f} ± {statistics.stdev(values):.2f}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before")
    parser.add_argument("after")
    parser.add_argument("--students", default="bilstm,rnn")
    args = parser.parse_args()
    students = set(args.students.split(","))
    before, after = load(args.before, students), load(args.after, students)
    names = sorted(set(before) & set(after))
    print(f"Cells of students {', '.join(sorted(students))}: {len(names)} paired, "
          f"{len(set(before) - set(after))} only before, {len(set(after) - set(before))} only after.\n")
    if not names:
        return 1
    revisions = lambda cells: sorted({cells[n]["git_revision"][:12] for n in names})
    print(f"Before: {', '.join(revisions(before))}; after: {', '.join(revisions(after))}.\n")
    groups = collections.OrderedDict()
    for name in names:
        groups.setdefault(grid_of(name), []).append(name)
    print("| cells (over seeds) | n | s before | s after | speed-up | test acc. before % | after % | after − before |")
    print("|---|---|---|---|---|---|---|---|")
    total_before = total_after = 0.0
    differences = []
    for group, members in groups.items():
        seconds_before, seconds_after = seconds(before, members), seconds(after, members)
        total_before += seconds_before
        total_after += seconds_after
        accuracy_before = [100 * before[n]["result"]["test_accuracy"] for n in members]
        accuracy_after = [100 * after[n]["result"]["test_accuracy"] for n in members]
        paired = [a - b for a, b in zip(accuracy_after, accuracy_before)]
        differences.extend(paired)
        print(f"| {group} | {len(members)} | {seconds_before:.0f} | {seconds_after:.0f} "
              f"| {seconds_before / seconds_after:.2f}x | {spread(accuracy_before)} "
              f"| {spread(accuracy_after)} | {spread(paired)} |")
    # Cells computed at different revisions ran under different loads (a
    # cold grid, or beside a build): their speed-ups are shown apart.
    by_revision = collections.OrderedDict()
    for name in names:
        by_revision.setdefault(before[name]["git_revision"][:12], []).append(name)
    print("\n| before-side revision | cells | s before | s after | speed-up |")
    print("|---|---|---|---|---|")
    for revision, members in sorted(by_revision.items()):
        seconds_before, seconds_after = seconds(before, members), seconds(after, members)
        print(f"| {revision} | {len(members)} | {seconds_before:.0f} | {seconds_after:.0f} "
              f"| {seconds_before / seconds_after:.2f}x |")
    identical = sum(1 for d in differences if d == 0)
    print(f"\nAll {len(names)} paired cells: {total_before:.0f} s before, {total_after:.0f} s after "
          f"({total_before / total_after:.2f}x); test accuracy after − before "
          f"{spread(differences)} points (mean ± sample std over cells), "
          f"{identical} cells identical.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
