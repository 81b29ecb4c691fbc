"""Provenance: revisions, machine, libraries and the benchmark files."""

import json
import os

from .document import DETAILS, H, P, T
from .sections import table_number


def provenance_blocks(manifest, grids, runs, results, facts):
    blocks = [H(2, "Provenance", "provenance"), T(["", "value"], facts)]
    for grid in sorted(grids.values(), key=lambda g: (table_number(g["table"]), g["id"])):
        bj = grid.get("benchmark_json")
        bline = f"benchmark JSON `{bj}`: {benchmark_context(results, bj)}" if bj \
            else "no benchmark JSON listed"
        keys = set(grid["keys"])
        statuses = {}
        for k in keys:
            statuses[runs[k]["status"]] = statuses.get(runs[k]["status"], 0) + 1
        rows = sorted([runs[k]["name"], k[:12], runs[k]["status"]] for k in keys)
        blocks.append(DETAILS(
            f"{grid['id']} (Table {grid['table']}): {len(keys)} cells ("
            + ", ".join(f"{n} {st}" for st, n in sorted(statuses.items())) + ")",
            [P(f"Source `{grid.get('source', 'not recorded')}`; {bline}."),
             T(["cell", "key", "status"], rows)]))
    libs = manifest.get("libraries") if isinstance(manifest.get("libraries"), dict) else {}
    blocks.append(DETAILS("Libraries", [T(["package", "version"], sorted(libs.items())) if libs
                                        else P("The manifest records no library versions.")]))
    return blocks


def benchmark_context(results, name):
    """A short line from Google Benchmark's context; provenance only, so a
    missing or unreadable file is reported, not fatal."""
    path = os.path.join(results, name)
    if not os.path.isfile(path):
        return "missing"
    try:
        with open(path, encoding="utf-8") as f:
            ctx = json.load(f).get("context", {})
    except (ValueError, AttributeError, UnicodeDecodeError):
        return "unreadable"
    n = ctx.get("num_cpus", "?")
    return (f"date {ctx.get('date', '?')}, {n} CPUs, "
            f"library build {ctx.get('library_build_type', '?')}")
