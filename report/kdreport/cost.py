"""What the run cost: its cold time by segments and per stage
(report/run_time.py)."""

import os

import run_time

from .document import H, P, T
from .load import load_json
from .vocab import InputError


def run_cost(results):
    """What report/run_time.py makes of the run's log (RESULTS/run-log.txt):
    its `run-time.json` when that is at least as new as the log (written
    with the store, it has the teacher stages), else computed from the log
    and the cell records; None without a log."""
    json_path = os.path.join(results, "run-time.json")
    log_path = os.path.join(results, "run-log.txt")
    if os.path.isfile(json_path) and (not os.path.isfile(log_path) or
                                      os.path.getmtime(json_path) >= os.path.getmtime(log_path)):
        cost = load_json(json_path, "the run's segments and pauses, report/run_time.py")
    elif os.path.isfile(log_path):
        try:
            cost = run_time.measure(log_path, results)
        except run_time.InputError as e:
            raise InputError(str(e))
    else:
        return None
    numbers = ("segments", "segments_without_end", "pauses", "segment_seconds",
               "paused_seconds", "cold_seconds")
    if not isinstance(cost, dict) or any(not isinstance(cost.get(k), (int, float))
                                         for k in numbers) \
            or not isinstance(cost.get("stages"), dict):
        raise InputError(f"{json_path}: malformed (needs {', '.join(numbers)} and stages; "
                         "rewrite it with report/run_time.py --out)")
    return cost


def run_cost_blocks(cost):
    """Where a run computed in segments spent its time, pauses removed."""
    if not cost:
        return []
    try:
        rows = [(stage, row["records"], f"{row['seconds'] / 60:.1f}",
                 f"{row['recorded_seconds'] / 60:.1f}")
                for stage, row in sorted(cost["stages"].items())]
    except (KeyError, TypeError, AttributeError) as e:
        raise InputError(f"run-time.json: malformed stages ({e})")
    return [H(2, "What this run cost", "run-cost"),
            P(f"Cold wall time **{cost['cold_seconds'] / 60:.1f} min**: "
              f"{cost['segments']} segments ({cost['segment_seconds'] / 60:.1f} min) "
              f"minus the {cost['pauses']} pauses that fall in them "
              f"({cost['paused_seconds'] / 60:.1f} min), from the run's log by "
              "`report/run_time.py`. A segment that was killed ends at its last record "
              f"({cost.get('segments_without_end', 0)} here); its work in progress was "
              "computed again in the next. Per stage, each record's own seconds minus its "
              "overlap with the pauses, summed over the workers"
              + (" (teacher stages end at their record's file time):"
                 if cost.get("teacher_stages_counted") else
                 "; teacher pre-training and fine-tuning are not listed (their records are in "
                 "the store: `report/run_time.py --store=DIR` adds them):")),
            T(["stage", "records", "minutes", "minutes as recorded (pauses included)"], rows)]
