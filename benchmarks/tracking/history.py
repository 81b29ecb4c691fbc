"""The nightly history: one directory per `./kdbench nightly` run under
results/history/, named UTC-REVISION, holding what the run measured
(results/history/README.md lists the files)."""

import json
import os
import statistics


class BadInput(Exception):
    """A file of the history that cannot be read: the message names it."""


def load_json(path, what):
    """The parsed file, or None when it does not exist."""
    try:
        with open(path) as f:
            return json.load(f)
    except FileNotFoundError:
        return None
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise BadInput(f"{path}: not JSON ({what}): {e}") from e


def run_names(history):
    """The runs of a history directory, oldest first: those with a
    provenance.json (a run that did not finish has none)."""
    if not os.path.isdir(history):
        raise BadInput(f"{history}: no such directory (the history)")
    return sorted(d for d in os.listdir(history)
                  if os.path.isfile(os.path.join(history, d, "provenance.json")))


class Run:
    """One run's files, read on first use."""

    def __init__(self, history, name):
        self.name = name
        self.dir = os.path.join(history, name)
        self._cache = {}

    def _file(self, file, what):
        if file not in self._cache:
            self._cache[file] = load_json(os.path.join(self.dir, file), what)
        return self._cache[file]

    @property
    def provenance(self):
        return self._file("provenance.json", "the provenance") or {}

    @property
    def speed(self):
        return self._file("speed.json", "the speed benchmarks")

    @property
    def peer(self):
        return self._file("peer.json", "the Python peer")

    @property
    def instructions(self):
        return self._file("instructions.json", "the instruction counts")

    @property
    def summary(self):
        return self._file("summary.json", "the comparison's summary")

    @property
    def revision(self):
        return str(self.provenance.get("git_revision", "unknown"))

    @property
    def cpu_model(self):
        """The CPU model the run measured on: wall times compare only within
        one. Older runs have it in the speed benchmarks' context only."""
        model = self.provenance.get("cpu_model")
        if not model:
            model = ((self.speed or {}).get("context") or {}).get("cpu_model")
        return model or "unknown"

    def smoke_records(self):
        """The smoke grid's cell records: {file key: record}."""
        cells = os.path.join(self.dir, "smoke", "cells")
        return load_cells(cells, "a smoke cell record") if os.path.isdir(cells) else {}


def load_cells(cells, what):
    """The sealed cell records of a results directory's cells/: {key: record}."""
    out = {}
    for file in sorted(os.listdir(cells)):
        if file.endswith(".json"):
            sealed = load_json(os.path.join(cells, file), what)
            if not isinstance(sealed, dict) or not isinstance(sealed.get("record"), dict):
                raise BadInput(f"{os.path.join(cells, file)}: not a sealed cell record ({what})")
            out[file[:-len(".json")]] = sealed["record"]
    return out


def repetitions(bench_json):
    """Benchmark name -> the real times of its repetitions (ms), from
    Google Benchmark JSON; aggregates are recomputed, not read."""
    out = {}
    for row in (bench_json or {}).get("benchmarks", []):
        if row.get("run_type") == "aggregate":
            continue
        if row.get("error_occurred"):
            continue
        name = row.get("run_name") or row["name"]
        out.setdefault(name, []).append(float(row["real_time"]))
    return out


def medians(bench_json):
    return {name: statistics.median(times) for name, times in repetitions(bench_json).items()}


def earlier_runs(history, run_name, cpu_model, window):
    """The up to `window` runs before `run_name` on the same CPU model, oldest
    first: the rolling baseline's runs (the last of them is "the previous
    run")."""
    names = [n for n in run_names(history) if n < run_name]
    same = [Run(history, n) for n in names]
    same = [r for r in same if r.cpu_model == cpu_model]
    return same[-window:] if window > 0 else []
