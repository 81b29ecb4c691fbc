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
  segment N start 2026-12-06T06:39:34+00:00 (free text, e.g. "2 jobs")
  segment N end 2026-12-06T08:14:38+00:00 (free text)
  pause 2026-12-06T06:41:52+00:00 (free text)
  resume 2026-12-06T06:44:59+00:00 (free text)

`grids_benchmark` writes the segment lines into RESULTS/run-log.txt itself;
pause lines come from whoever paused it. A segment that was killed has no
end line: it ends at the last record (cell, or teacher stage with --store)
finished inside it; the work in progress at the kill is not counted, and
was computed again later.

Teacher stage records (STORE/teachers/*/record.json) carry their seconds but
no finishing time; the file's modification time stands for it, so give the
store as the run left it. Only the stages that finished inside a segment of
this run count (a shared store holds other runs' teachers too). Cell
records carry `finished_at`; cells that were not available count nothing.

With --subset=NAME=GRID,GRID (the grids of the results' manifest.json), it
also sums the distinct cells of those grids and the teacher stages they use
(every store checkpoint named in their records): the work a cold run of
those grids alone would do; over W workers its wall time is at least that
sum / W (W from --workers, else the log's "N jobs", else 1).

usage: run_time.py --log=LOG --results=RESULTS_DIR [--store=STORE_DIR] [--out=FILE.json]
                   [--subset=NAME=GRID,GRID ...] [--workers=W]
"""
import argparse
import datetime
import glob
import json
import os
import re
import sys

EVENT = re.compile(r"^(?:segment (\d+) (start|end)|(pause)|(resume)) (\S+)")
JOBS = re.compile(r"\b(\d+) jobs\b")


class InputError(Exception):
    pass


def parse_time(text, where):
    if not isinstance(text, str):
        raise InputError(f"{where}: not an ISO 8601 time: {text!r}")
    try:
        moment = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise InputError(f"{where}: not an ISO 8601 time: {text!r}")
    if moment.tzinfo is None:
        raise InputError(f"{where}: the time {text!r} has no time zone")
    return moment.timestamp()


def read_log(path):
    """Returns (segments, pauses, jobs): segments and pauses as lists of
    (start, end) in epoch seconds, a killed segment (no end line) with end
    None; jobs the largest "N jobs" of the segment lines, or None."""
    segments, pauses = [], []
    open_segment = open_pause = None  # (number, start) / start
    jobs = None
    try:
        with open(path, encoding="utf-8") as f:
            lines = f.read().splitlines()
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(f"{path}: cannot read the run log: {e}")
    for line_number, line in enumerate(lines, 1):
        match = EVENT.match(line)
        if not match:
            continue
        where = f"{path}:{line_number}"
        number, edge, pause, resume, text = match.groups()
        moment = parse_time(text, where)
        if edge == "start":
            if open_segment is not None:
                segments.append((open_segment[1], None))  # killed: no end line
            open_segment = (number, moment)
            found = JOBS.search(line)
            if found:
                jobs = max(jobs or 0, int(found.group(1)))
        elif edge == "end":
            if open_segment is None:
                raise InputError(f"{where}: segment {number} ends but never started")
            if open_segment[0] != number:
                raise InputError(f"{where}: segment {number} ends while segment "
                                 f"{open_segment[0]} is the one running")
            segments.append((open_segment[1], moment))
            open_segment = None
        elif pause:
            if open_pause is not None:
                raise InputError(f"{where}: a pause starts while the run is paused")
            open_pause = moment
        else:
            # A resume may follow the segment's end: the pauser sent SIGCONT,
            # the run finished, then the line was written. overlap() clips
            # every pause to the segments.
            if open_pause is None:
                raise InputError(f"{where}: a resume without a pause")
            pauses.append((open_pause, moment))
            open_pause = None
    if open_segment is not None:
        segments.append((open_segment[1], None))
    if open_pause is not None:
        raise InputError(f"{path}: the last pause has no resume line (is the run paused now?)")
    for start, end in segments + pauses:
        if end is not None and end < start:
            raise InputError(f"{path}: an interval ends before it starts")
    return segments, pauses, jobs


def segment_windows(segments):
    """Where each segment's records can finish: from its start to its end,
    or for a killed one to the next segment's start."""
    windows = []
    for i, (start, end) in enumerate(segments):
        limit = end if end is not None else (
            segments[i + 1][0] if i + 1 < len(segments) else float("inf"))
        windows.append((start, limit))
    return windows


def close_killed_segments(segments, finish_times):
    """Ends each segment without an end line at the last record finished
    inside it (before the next segment's start); one with none ends at its
    start. Returns the segments and how many were closed so."""
    closed, killed = [], 0
    for (start, end), (_, limit) in zip(segments, segment_windows(segments)):
        if end is None:
            killed += 1
            end = max((t for t in finish_times if start <= t <= limit), default=start)
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
    every `checkpoint` / `*_checkpoint` path under a `teachers/` folder in
    its teacher block (a checkpoint given from outside the store is not a
    stage of the run)."""
    found = set()

    def walk(value, key=""):
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, k)
        elif isinstance(value, list):
            for v in value:
                walk(v, key)
        elif isinstance(value, str) and (key == "checkpoint" or key.endswith("_checkpoint")):
            path = value.rstrip("/")
            if os.path.basename(os.path.dirname(path)) == "teachers":
                found.add(os.path.basename(path))
    walk(record.get("teacher", {}))
    return found


def read_manifest_grids(results):
    path = os.path.join(results, "manifest.json")
    try:
        with open(path, encoding="utf-8") as f:
            grids = json.load(f)["grids"]
        return {gid: {c["key"] for c in grid["cells"]} for gid, grid in grids.items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as e:
        raise InputError(f"{path}: cannot read the grids' cell keys ({type(e).__name__}: {e})")


def subset_costs(subsets, results, cell_seconds, teacher_seconds, teachers_of):
    """Per named subset of the manifest's grids: its distinct cells' and
    teacher stages' pause-corrected seconds, summed."""
    if not subsets:
        return {}
    grids = read_manifest_grids(results)
    out = {}
    for name, grid_ids in subsets.items():
        keys = set()
        for grid_id in grid_ids:
            if grid_id not in grids:
                raise InputError(f"--subset={name}: no grid {grid_id!r} in "
                                 f"{results}/manifest.json (it has {', '.join(sorted(grids))})")
            keys.update(grids[grid_id])
        missing = sorted(k for k in keys if k not in cell_seconds)
        if missing:
            raise InputError(f"--subset={name}: {len(missing)} of its cells have no record in "
                             f"{results}/cells (the first: {missing[0]})")
        used = set().union(set(), *(teachers_of[k] for k in keys))
        cells = sum(cell_seconds[k] for k in keys)
        counted = teacher_seconds is not None
        teachers = sum(teacher_seconds.get(d, 0.0) for d in used) if counted else 0.0
        out[name] = {"grids": list(grid_ids), "cells": len(keys), "cell_seconds": cells,
                     "teacher_stages": len([d for d in used if d in teacher_seconds])
                     if counted else None,
                     "teacher_seconds": teachers if counted else None,
                     "summed_seconds": cells + teachers}
    return out


def measure(log, results, store=None, subsets=None, workers=None):
    segments, pauses, jobs = read_log(log)
    if not segments:
        raise InputError(f"{log}: no segment lines")
    windows = segment_windows(segments)
    stages = {}
    cell_paths = sorted(glob.glob(os.path.join(results, "cells", "*.json")))
    if not cell_paths:
        raise InputError(f"{results}/cells: no cell records")
    cells, cell_seconds, teachers_of = [], {}, {}
    for path in cell_paths:
        record = load_record(path)
        if record.get("status", "ok") != "ok" and "cell_seconds" not in record:
            cell_seconds[record.get("key")] = 0.0  # not available: nothing computed
            teachers_of[record.get("key")] = set()
            continue
        seconds = record.get("cell_seconds")
        if not isinstance(seconds, (int, float)) or "finished_at" not in record:
            raise InputError(f"{path}: no cell_seconds or finished_at")
        cells.append((record, seconds, parse_time(record["finished_at"], f"{path}: finished_at")))
    teachers = []
    if store:
        for path in sorted(glob.glob(os.path.join(store, "teachers", "*", "record.json"))):
            end = os.path.getmtime(path)
            if not any(a <= end <= b for a, b in windows):
                continue  # made by another run that shares the store
            record = load_record(path)
            seconds = record.get("seconds")
            if not isinstance(seconds, (int, float)):
                raise InputError(f"{path}: no seconds")
            teachers.append((os.path.basename(os.path.dirname(path)), record, seconds, end))
    segments, killed = close_killed_segments(
        segments, [end for _, _, end in cells] + [end for _, _, _, end in teachers])
    for record, seconds, end in cells:
        cell = record.get("cell", {})
        if cell.get("method") == "teacher":
            stage = "teacher: transfer-set outputs (teacher cells)"
        else:
            stage = f"cells: {cell.get('student', '?')}"
        paused_part = overlap(end - seconds, end, pauses)
        add(stages, stage, seconds, paused_part)
        cell_seconds[record.get("key")] = seconds - paused_part
        teachers_of[record.get("key")] = teacher_directories(record)
    teacher_seconds = {} if store else None
    for name, record, seconds, end in teachers:
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
        "pauses": sum(1 for a, b in pauses if overlap(a, b, segments) > 0),
        "segment_seconds": segment_seconds,
        "paused_seconds": paused,
        "cold_seconds": segment_seconds - paused,
        "teacher_stages_counted": store is not None,
        "workers": workers or jobs or 1,
        "stages": dict(sorted(stages.items())),
        "subsets": subset_costs(subsets, results, cell_seconds, teacher_seconds, teachers_of),
    }


def markdown(summary):
    minutes = lambda s: f"{s / 60:.1f}"
    workers = summary["workers"]
    lines = [f"Cold wall time: **{minutes(summary['cold_seconds'])} min** "
             f"({summary['segments']} segments, {minutes(summary['segment_seconds'])} min, "
             f"minus {summary['pauses']} pauses inside them, "
             f"{minutes(summary['paused_seconds'])} min; {summary['segments_without_end']} "
             "segments killed, each ended at its last record).", "",
             "| stage | records | summed minutes (pauses removed) | as recorded |",
             "|---|---|---|---|"]
    for stage, row in summary["stages"].items():
        lines.append(f"| {stage} | {row['records']} | {minutes(row['seconds'])} | "
                     f"{minutes(row['recorded_seconds'])} |")
    if summary.get("subsets"):
        lines += ["", f"| subset | grids | cells | teacher stages | summed minutes | "
                  f"over {workers} workers, at least |", "|---|---|---|---|---|---|"]
        for name, row in summary["subsets"].items():
            teachers = ("not counted (no --store)" if row["teacher_stages"] is None
                        else row["teacher_stages"])
            lines.append(f"| {name} | {', '.join(row['grids'])} | {row['cells']} | {teachers} | "
                         f"{minutes(row['summed_seconds'])} | "
                         f"{minutes(row['summed_seconds'] / workers)} |")
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
    parser.add_argument("--workers", type=int,
                        help="workers of the run (default: the log's \"N jobs\", else 1)")
    args = parser.parse_args(argv)
    if args.workers is not None and args.workers < 1:
        print("run_time.py: --workers must be at least 1", file=sys.stderr)
        return 2
    subsets = {}
    for text in args.subset:
        name, _, grids = text.partition("=")
        if not name or not grids:
            print(f"run_time.py: --subset={text}: expected NAME=GRID,GRID,...", file=sys.stderr)
            return 2
        if name in subsets:
            print(f"run_time.py: --subset={text}: the name {name!r} is given twice",
                  file=sys.stderr)
            return 2
        subsets[name] = [g for g in grids.split(",") if g]
    try:
        summary = measure(args.log, args.results, args.store, subsets, args.workers)
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
