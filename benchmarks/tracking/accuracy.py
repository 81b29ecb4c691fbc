"""Accuracy tracked strictly: the nightly smoke grid against the committed
smoke reference (results/reference/smoke), cell by cell, with the reference
check's rules (report/reference_check.py). On the reference's kernels
(BLAS build, LibTorch's CPU kernels, threads) every metric must be
bit-identical; elsewhere each configuration must lie within the stated
tolerance (a single seed: reference_check.SINGLE_SEED_TOLERANCE_PP points
of test accuracy). A reference cell that is missing from the run, or that
failed, is a regression too: a cell that disappears cannot hide a drop."""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "report"))
import reference_check as rc  # noqa: E402

from history import BadInput, load_cells  # noqa: E402


def reference_records(reference_dir):
    cells = os.path.join(reference_dir, "cells")
    if not os.path.isdir(cells):
        raise BadInput(f"{cells}: no such directory (the smoke reference)")
    return load_cells(cells, "a reference cell record")


def compare(run_records, reference):
    """run_records, reference: {key: record}. Returns the reference check's
    result plus the missing and failed cells and the regressions."""
    ok = {k: (r, rc.deterministic_metrics(r)) for k, r in run_records.items() if r.get("status") == "ok"}
    failed = sorted(r.get("name", k) for k, r in run_records.items() if r.get("status") != "ok"
                    and r.get("status") != "not_available")
    expected = {k: (r, rc.deterministic_metrics(r)) for k, r in reference.items() if r.get("status") == "ok"}
    seen = {rc.identity(r) for r, _ in ok.values()}
    missing = sorted(r.get("name", k) for k, (r, _) in expected.items()
                     if rc.identity(r) not in seen)
    result = rc.compare(ok, expected)
    regressions = [{"kind": "accuracy", "cell": name, "what": "missing from the run"}
                   for name in missing]
    regressions += [{"kind": "accuracy", "cell": name, "what": "failed"} for name in failed]
    if result["verdict"] == "differs":
        regressions += [{"kind": "accuracy", "cell": p["name"],
                         "what": "differs on the reference's kernels",
                         "change_points": (p["accuracy"] or 0) - (p["reference_accuracy"] or 0)}
                        for p in result["pairs"] if p["same_class"] and not p["identical"]]
    elif result["verdict"] == "disagrees beyond seed noise":
        regressions += [{"kind": "accuracy", "cell": g["name"],
                         "what": f"beyond the tolerance of {g['bound']:.2f} points",
                         "change_points": g["mean_delta"]}
                        for g in result["groups"] if not g["agrees"]]
    result.update(missing=missing, failed=failed, regressions=regressions,
                  cells=len(ok), reference_cells=len(expected))
    return result


def summary_line(result, reference_dir):
    line = rc.summary_line(result, reference_dir)
    extra = []
    if result["missing"]:
        extra.append(f"{len(result['missing'])} reference cell(s) missing")
    if result["failed"]:
        extra.append(f"{len(result['failed'])} failed")
    return line + (f"; {', '.join(extra)}" if extra else "")
