"""A run checked against the committed reference run of its profile.

Cells are matched by what they compute (profile, cell, settings), not by key:
keys include the code version, and the point is to see whether other code
or another machine gives the same numbers. Where the kernels are the same
(BLAS build, LibTorch's CPU capability, threads, LibTorch version, device)
every matched cell must be bit-identical; elsewhere floating-point sums run
in another order, so each group of seeds is compared with the reference's
seed noise instead.
"""

import json
import math
import statistics

# A group agrees when its mean paired difference lies within this many
# standard errors of a difference of two n-seed means (about 95%).
AGREEMENT_Z = 1.96
# ...and the run agrees when at least this share of groups does (with 95%
# bounds, about 5% of groups fall outside by chance).
AGREEMENT_SHARE = 0.9
# A configuration the reference has one seed of has no seed noise to compare
# with: it agrees within this many percentage points of test accuracy (the
# smoke profile's tiny models on other kernels).
SINGLE_SEED_TOLERANCE_PP = 5.0


def identity(record):
    """What a cell computes, independent of the code version and machine."""
    return json.dumps([record.get("profile"), record.get("kind"), record.get("cell"),
                       record.get("settings"), record.get("teacher_per_seed")],
                      sort_keys=True, separators=(",", ":"))


def deterministic_metrics(r):
    """What a rerun of the cell must reproduce bit for bit on CPU: the test and
    dev metrics and the learning curves. Times, paths and cache counters are
    left out (they depend on the machine and on which cell ran first)."""
    if r.get("status") != "ok":
        return {"status": r.get("status"), "reason": r.get("reason")}
    if r.get("kind") == "teacher":
        ft = (r.get("teacher") or {}).get("finetune") or {}
        res = r.get("result") or {}
        return {"test_accuracy": ft.get("test_accuracy"),
                "test_macro_f1": ft.get("test_macro_f1"),
                "dev_accuracy": ft.get("dev_accuracy"),
                "dev_accuracy_per_epoch": ft.get("dev_accuracy_per_epoch"),
                "mean_probability_variance": res.get("mean_probability_variance")}
    res = r.get("result") or {}
    return {"test_accuracy": res.get("test_accuracy"),
            "test_macro_f1": res.get("test_macro_f1"),
            "dev_accuracy": res.get("dev_accuracy"),
            "epochs": res.get("epochs"),
            "phases": [{k: ph.get(k) for k in ("selection_per_epoch", "train_loss_per_epoch")}
                       for ph in (res.get("phases") or []) if isinstance(ph, dict)]}


def kernel_class(record):
    """What decides the order of floating-point operations: records of one
    class give bit-identical numbers. Fields a record lacks read 'unknown'."""
    machine = record.get("machine") or {}
    libraries = record.get("libraries") or {}
    return tuple(str(machine.get(k, "unknown")) for k in
                 ("blas_details", "cpu_capability", "threads", "torch", "device")) + \
        (str(libraries.get("libtorch-dev", "unknown")),)


def describe_class(cls):
    blas, capability, threads, torch, device, package = cls
    return (f"BLAS {blas}; LibTorch {torch} ({package}), CPU kernels {capability}, "
            f"{threads} thread(s), {device}")


def _group_name(name):
    """A cell's name without its seed: the seeds of one configuration."""
    return name.rsplit("/seed:", 1)[0]


def compare(run_records, reference_records):
    """run_records, reference_records: {key: (record, metrics)}. Returns a dict
    with the matched pairs, the counts and the verdict."""
    by_identity = {identity(rec): (key, rec, metrics)
                   for key, (rec, metrics) in reference_records.items()}
    pairs = []
    unmatched = []
    for key, (rec, metrics) in sorted(run_records.items()):
        ref = by_identity.get(identity(rec))
        if ref is None:
            unmatched.append(rec.get("name", key))
            continue
        ref_key, ref_rec, ref_metrics = ref
        pairs.append({
            "name": rec.get("name", key),
            "identical": metrics == ref_metrics,
            "same_class": kernel_class(rec) == kernel_class(ref_rec),
            "accuracy": _accuracy(metrics),
            "reference_accuracy": _accuracy(ref_metrics),
            "code_version": rec.get("code_version", "unknown"),
            "reference_code_version": ref_rec.get("code_version", "unknown"),
        })
    identical = sum(p["identical"] for p in pairs)
    same_class = [p for p in pairs if p["same_class"]]
    # The seed noise of each configuration from every seed the reference has
    # of it, not only the seeds this run matched (two seeds of five can sit
    # close together by chance).
    reference_seeds = {}
    for rec, metrics in reference_records.values():
        accuracy = _accuracy(metrics)
        if accuracy is not None:
            reference_seeds.setdefault(_group_name(rec.get("name", "")), []).append(accuracy)
    groups = _groups(pairs, reference_seeds)
    agreeing = sum(g["agrees"] for g in groups if g["agrees"] is not None)
    judged = sum(g["agrees"] is not None for g in groups)
    if pairs and identical == len(pairs):
        verdict = "bit-identical"
    elif any(not p["identical"] for p in same_class):
        verdict = "differs"  # same kernels, other numbers: the code changed them
    elif judged and agreeing >= AGREEMENT_SHARE * judged:
        verdict = "agrees within seed noise"
    elif judged:
        verdict = "disagrees beyond seed noise"
    else:
        verdict = "not comparable"
    return {"pairs": pairs, "unmatched": unmatched, "identical": identical,
            "same_class": len(same_class), "groups": groups, "agreeing": agreeing,
            "judged": judged, "verdict": verdict,
            "run_classes": sorted({kernel_class(rec) for rec, _ in run_records.values()}),
            "reference_classes": sorted({kernel_class(rec)
                                         for rec, _ in reference_records.values()})}


def _accuracy(metrics):
    value = (metrics or {}).get("test_accuracy")
    return 100 * value if isinstance(value, (int, float)) else None


def _groups(pairs, reference_seeds):
    """Per configuration: the mean paired difference in test accuracy and
    whether it lies within the reference's seed noise (reference_seeds: its
    test accuracies per configuration, every seed)."""
    by_group = {}
    for p in pairs:
        if p["accuracy"] is not None and p["reference_accuracy"] is not None:
            by_group.setdefault(_group_name(p["name"]), []).append(p)
    groups = []
    for name, members in sorted(by_group.items()):
        deltas = [p["accuracy"] - p["reference_accuracy"] for p in members]
        refs = reference_seeds.get(name, [p["reference_accuracy"] for p in members])
        n = len(members)
        mean = statistics.fmean(deltas)
        if len(refs) >= 2:
            sd = statistics.stdev(refs)
            # Two independent n-seed means: the difference's standard error.
            bound = AGREEMENT_Z * sd * math.sqrt(2 / n)
            agrees = abs(mean) <= bound or all(d == 0 for d in deltas)
        else:
            bound = SINGLE_SEED_TOLERANCE_PP
            agrees = abs(mean) <= bound
        groups.append({"name": name, "seeds": n, "mean_delta": mean, "deltas": deltas,
                       "max_abs_delta": max(abs(d) for d in deltas), "bound": bound,
                       "agrees": agrees})
    return groups


def summary_line(result, reference_dir):
    """One line for the terminal and the report."""
    n = len(result["pairs"])
    if not n:
        return (f"reference check: no cell of this run is in the reference ({reference_dir}); "
                "nothing compared")
    if result["verdict"] == "bit-identical":
        return f"reference check: {n}/{n} cells bit-identical to the reference ({reference_dir})"
    if result["verdict"] == "differs":
        differing = sum(1 for p in result["pairs"] if p["same_class"] and not p["identical"])
        return (f"reference check: FAILED: {differing} of {result['same_class']} cells differ from "
                f"the reference ({reference_dir}) on the same kernels; "
                f"{result['identical']}/{n} bit-identical")
    return (f"reference check: {result['identical']}/{n} cells bit-identical (other kernels than "
            f"the reference's); {result['agreeing']}/{result['judged']} configurations within "
            f"seed noise: {result['verdict']} ({reference_dir})")
