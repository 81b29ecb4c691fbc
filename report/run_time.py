#!/usr/bin/env python3
"""The cold time of a run that was computed in segments, and where it went.

A long reference run may be stopped and resumed (`--resume`), and paused
(SIGSTOP) while the machine does something else. Its records' wall seconds
then include the pauses. This script takes the run's log of segments and
pauses and gives:
  - the cold wall time: the segments' time minus the pauses inside them;
  - per stage (general MLM pre-training, in-domain MLM pre-training,
    fine-tuning, transfer-set outputs, student cells by student), the summed
    seconds of the records, each minus its overlap with the pauses.

The log is plain text, one event per line (other lines are ignored):
  segment N start 2026-12-06T06:39:34+00:00
  segment N end 2026-12-06T08:14:38+00:00 (free text)
  pause 2026-12-06T06:41:52+00:00 (free text)
  resume 2026-12-06T06:44:59+00:00 (free text)

`grids_benchmark` writes the segment lines into RESULTS/run-log.txt itself;
pause lines come from whoever paused it. A segment that was killed has no
end line: it ends at the last cell record finished inside it (the work in
progress at the kill is not counted, and was computed again later).

Teacher stage records (STORE/teachers/*/record.json) carry their seconds but
no finishing time; the file's modification time stands for it, so give the
store as the run left it. Cell records carry `finished_at`.

With --subset=NAME=GRID,GRID (the grids of the results' manifest.json), it
also sums the distinct cells of those grids and the teacher stages they use
(every checkpoint named in their records): the work a cold run of those
grids alone would do, at least that sum over the workers in wall time.

usage: run_time.py --log=LOG --results=RESULTS_DIR [--store=STORE_DIR] [--out=FILE.json]
                   [--subset=NAME=GRID,GRID ...]
"""
import argparse
import datetime
import glob
import json
import os
import re
import sys

EVENT = re.compile(r"^(segment \d+ (start|end)|pause|resume) (\S+)")


class InputError(Exception):
    pass


def parse_time(text, where):
    try:
        moment = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise InputError(f"{where}: not an ISO 8601 time: {text!r}")
    if moment.tzinfo is None:
        raise InputError(f"{where}: the time {text!r} has no time zone")
    return moment.timestamp()


def read_log(path):
    """Returns (segments, pauses): lists of (start, end) in epoch seconds. A
    segment without an end line (killed) has end None."""
    segments, pauses = [], []
    open_segment = open_pause = None
    try:
        lines = open(path, encoding="utf-8").read().splitlines()
    except OSError as e:
        raise InputError(f"{path}: cannot read the run log: {e.strerror}")
    for number, line in enumerate(lines, 1):
        match = EVENT.match(line)
        if not match:
            continue
        where = f"{path}:{number}"
        moment = parse_time(match.group(3), where)
        kind = match.group(1)
        if kind.endswith("start"):
            if open_segment is not None:
                segments.append((open_segment, None))  # killed: no end line
            open_segment = moment
        elif kind.endswith("end"):
            if open_segment is None:
                raise InputError(f"{where}: a segment ends that never started")
            if open_pause is not None:
                # A run stopped while paused: the pause lasts to the segment's end.
                pauses.append((open_pause, moment))
                open_pause = None
            segments.append((open_segment, moment))
            open_segment = None
        elif kind == "pause":
            if open_pause is not None:
                raise InputError(f"{where}: a pause starts while the run is paused")
            open_pause = moment
        else:
            if open_pause is None:
                raise InputError(f"{where}: a resume without a pause")
            pauses.append((open_pause, moment))
            open_pause = None
    if open_segment is not None:
        segments.append((open_segment, None))
    if open_pause is not None:
        raise InputError(f"{path}: the last pause has no resume line")
    for start, end in segments + pauses:
        if end is not None and end < start:
            raise InputError(f"{path}: an interval ends before it starts")
    return segments, pauses


def close_killed_segments(segments, finish_times):
    """Ends each segment without an end line at the last record finished
    inside it (before the next segment's start); one with none ends at its
    start. Returns the segments and how many were closed so."""
    closed, killed = [], 0
    for i, (start, end) in enumerate(segments):
        if end is None:
            killed += 1
            limit = segments[i + 1][0] if i + 1 < len(segments) else float("inf")
            inside = [t for t in finish_times if start <= t < limit]
            end = max(inside, default=start)
        closed.append((start, end))
    return closed, killed


def overlap(start, end, intervals):
    return sum(max(0.0, min(end, b) - max(start, a)) for a, b in intervals)


def stage_of_teacher_record(name, record):
    stage = record.get("stage", "")
    if name.startswith("general-"):
        return "teacher: general MLM pre-training"
    if name.startswith("pretrain-"):
        return "teacher: in-domain MLM pre-training"
    if stage == "finetune" or name.startswith("finetune-"):
        return "teacher: fine-tuning"
    return f"teacher: {stage or name}"


def add(stages, stage, recorded, paused):
    row = stages.setdefault(stage, {"records": 0, "recorded_seconds": 0.0, "paused_seconds": 0.0})
    row["records"] += 1
    row["recorded_seconds"] += recorded
    row["paused_seconds"] += paused


def load_record(path):
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, ValueError) as e:
        raise InputError(f"{path}: cannot read the record: {e}")
    record = data.get("record") if isinstance(data, dict) else None
    if not isinstance(record, dict):
        raise InputError(f"{path}: no \"record\" object")
    return record


def teacher_directories(record):
    """The store directories (basenames) of the teacher stages a cell used:
    every `checkpoint` / `*_checkpoint` string in its teacher block."""
    found = set()

    def walk(value, key=""):
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, k)
        elif isinstance(value, list):
            for v in value:
                walk(v, key)
        elif isinstance(value, str) and (key == "checkpoint" or key.endswith("_checkpoint")):
            found.add(os.path.basename(value.rstrip("/")))
    walk(record.get("teacher", {}))
    return found


def subset_costs(subsets, results, cell_seconds, teacher_seconds, teachers_of):
    """Per named subset of the manifest's grids: its distinct cells' and
    teacher stages' pause-corrected seconds, summed."""
    if not subsets:
        return {}
    manifest_path = os.path.join(results, "manifest.json")
    try:
        with open(manifest_path, encoding="utf-8") as f:
            grids = json.load(f)["grids"]
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise InputError(f"{manifest_path}: cannot read the grids ({e})")
    out = {}
    for name, grid_ids in subsets.items():
        keys = set()
        for grid_id in grid_ids:
            if grid_id not in grids:
                raise InputError(f"--subset={name}: no grid {grid_id!r} in {manifest_path} "
                                 f"(it has {', '.join(sorted(grids))})")
            keys.update(c["key"] for c in grids[grid_id]["cells"])
        missing = sorted(k for k in keys if k not in cell_seconds)
        if missing:
            raise InputError(f"--subset={name}: {len(missing)} of its cells have no record in "
                             f"{results}/cells (the first: {missing[0]})")
        used = set().union(*(teachers_of[k] for k in keys))
        unknown = sorted(d for d in used if d not in teacher_seconds)
        if teacher_seconds and unknown:
            raise InputError(f"--subset={name}: teacher stage {unknown[0]} is not in the store")
        cells = sum(cell_seconds[k] for k in keys)
        teachers = sum(teacher_seconds.get(d, 0.0) for d in used)
        out[name] = {"grids": list(grid_ids), "cells": len(keys), "cell_seconds": cells,
                     "teacher_stages": len(used) if teacher_seconds else None,
                     "teacher_seconds": teachers if teacher_seconds else None,
                     "summed_seconds": cells + teachers}
    return out


def measure(log, results, store=None, subsets=None):
    segments, pauses = read_log(log)
    if not segments:
        raise InputError(f"{log}: no segment lines")
    stages = {}
    cell_paths = sorted(glob.glob(os.path.join(results, "cells", "*.json")))
    if not cell_paths:
        raise InputError(f"{results}/cells: no cell records")
    cells = []
    for path in cell_paths:
        record = load_record(path)
        seconds = record.get("cell_seconds")
        if not isinstance(seconds, (int, float)) or "finished_at" not in record:
            raise InputError(f"{path}: no cell_seconds or finished_at")
        cells.append((record, seconds, parse_time(record["finished_at"], path)))
    segments, killed = close_killed_segments(segments, [end for _, _, end in cells])
    cell_seconds, teachers_of, teacher_seconds = {}, {}, {}
    for record, seconds, end in cells:
        cell = record.get("cell", {})
        if cell.get("method") == "teacher":
            stage = "teacher: transfer-set outputs (teacher cells)"
        else:
            stage = f"cells: {cell.get('student', '?')}"
        paused_part = overlap(end - seconds, end, pauses)
        add(stages, stage, seconds, paused_part)
        key = record.get("key")
        cell_seconds[key] = seconds - paused_part
        teachers_of[key] = teacher_directories(record)
    if store:
        for path in sorted(glob.glob(os.path.join(store, "teachers", "*", "record.json"))):
            record = load_record(path)
            seconds = record.get("seconds")
            if not isinstance(seconds, (int, float)):
                raise InputError(f"{path}: no seconds")
            end = os.path.getmtime(path)
            name = os.path.basename(os.path.dirname(path))
            paused_part = overlap(end - seconds, end, pauses)
            add(stages, stage_of_teacher_record(name, record), seconds, paused_part)
            teacher_seconds[name] = seconds - paused_part
    segment_seconds = sum(b - a for a, b in segments)
    paused = sum(overlap(a, b, pauses) for a, b in segments)
    for row in stages.values():
        row["seconds"] = row["recorded_seconds"] - row["paused_seconds"]
    return {
        "format": "kdbench-run-time/1",
        "log": log,
        "segments": len(segments),
        "segments_without_end": killed,
        "pauses": len(pauses),
        "segment_seconds": segment_seconds,
        "paused_seconds": paused,
        "cold_seconds": segment_seconds - paused,
        "stages": dict(sorted(stages.items())),
        "subsets": subset_costs(subsets, results, cell_seconds, teacher_seconds, teachers_of),
    }


def markdown(summary):
    minutes = lambda s: f"{s / 60:.1f}"
    lines = [f"Cold wall time: **{minutes(summary['cold_seconds'])} min** "
             f"({summary['segments']} segments, {minutes(summary['segment_seconds'])} min, "
             f"minus {summary['pauses']} pauses, {minutes(summary['paused_seconds'])} min; "
             f"{summary['segments_without_end']} segments killed, each ended at its last "
             "record).", "",
             "| stage | records | summed minutes (pauses removed) | as recorded |",
             "|---|---|---|---|"]
    for stage, row in summary["stages"].items():
        lines.append(f"| {stage} | {row['records']} | {minutes(row['seconds'])} | "
                     f"{minutes(row['recorded_seconds'])} |")
    if summary.get("subsets"):
        lines += ["", "| subset | grids | cells | teacher stages | summed minutes | "
                  "over 2 workers, at least |", "|---|---|---|---|---|---|"]
        for name, row in summary["subsets"].items():
            teachers = ("not counted (no --store)" if row["teacher_stages"] is None
                        else row["teacher_stages"])
            lines.append(f"| {name} | {', '.join(row['grids'])} | {row['cells']} | {teachers} | "
                         f"{minutes(row['summed_seconds'])} | "
                         f"{minutes(row['summed_seconds'] / 2)} |")
    return "\n".join(lines)


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--log", required=True)
    parser.add_argument("--results", required=True)
    parser.add_argument("--store")
    parser.add_argument("--out")
    parser.add_argument("--subset", action="append", default=[], metavar="NAME=GRID,GRID",
                        help="also sum the cells of these grids (manifest.json) and the teacher "
                        "stages they use; repeatable")
    args = parser.parse_args(argv)
    subsets = {}
    for text in args.subset:
        name, _, grids = text.partition("=")
        if not name or not grids:
            print(f"run_time.py: --subset={text}: expected NAME=GRID,GRID,...", file=sys.stderr)
            return 2
        subsets[name] = [g for g in grids.split(",") if g]
    try:
        summary = measure(args.log, args.results, args.store, subsets)
    except InputError as e:
        print(f"run_time.py: {e}", file=sys.stderr)
        return 1
    if args.out:
        tmp = args.out + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(summary, f, indent=1, sort_keys=True)
            f.write("\n")
        os.replace(tmp, args.out)
    print(markdown(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
