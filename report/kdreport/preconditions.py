"""Preconditions: a verdict only means something when the teachers learned the
task and no student collapsed to one class. Checked for every dataset."""

import statistics

from .document import DETAILS, H, P, T
from .formatting import fmt_ci
from .grouping import (
    BUDGET_RATIO_MIN, Stat, budget_sizes, dataset_classes, distinct_ok_runs, group_key,
    group_sort_key, group_stats, majority_and_chance)
from .verdicts import paired_part


GATE_TEACHER_OVER_STUDENT = 5.0   # macro F1 points over the no-distil student, 100 labels
GATE_TEACHER_OVER_MAJORITY = 10.0  # accuracy points over always answering the majority label
GATE_CONFIDENCE = 0.8              # Table 9's variance / one-hot maximum


def single_class(run, classes):
    """True when a cell's test predictions are all one class. From the
    per-example predictions where the record has them; otherwise from its
    metrics: predicting class k alone gives accuracy a = share of k and macro
    F1 = (2a / (1 + a)) / classes exactly, which a varied predictor matches
    only by coincidence. None when neither can tell."""
    if run["status"] != "ok":
        return None
    if run.get("predictions"):
        return len(set(run["predictions"][0])) == 1
    if run.get("f1") is None or not classes:
        return None
    a = run["acc"] / 100
    return abs(run["f1"] / 100 - (2 * a / (1 + a)) / classes) < 1e-9


def gate_row(ds, gate, subject, value, threshold, passed):
    verdict = "not available" if passed is None else ("**pass**" if passed else "**fail**")
    return [ds, gate, subject, value, threshold, verdict]


def gate_rows(index):
    rows = []
    for ds in index.datasets():
        majority, _ = majority_and_chance(index, ds)
        teachers = sorted((k for k in index.groups if k[0] == ds and k[3] == "teacher"),
                          key=group_sort_key)
        for k in teachers:
            role, labels = k[1], k[5]
            t = index.groups[k]
            subject = f"teacher {role}, {labels} labels/class"
            acc = group_stats(t, "acc")
            if acc.ok and majority is not None:
                rows.append(gate_row(ds, "far above the majority label", subject,
                                     f"{acc.mean:.2f} vs {majority:.2f} (accuracy %)",
                                     f"+{GATE_TEACHER_OVER_MAJORITY:g} points",
                                     acc.mean - majority >= GATE_TEACHER_OVER_MAJORITY))
            if labels == "100":
                student = index.find(ds, "none", "100", teacher=role)
                part = paired_part("", t, student, ("teacher", "no distil."), field="f1")
                tf, sf = group_stats(t, "f1"), group_stats(student or [], "f1")
                if tf.ok and sf.ok:
                    d = tf.mean - sf.mean
                    rows.append(gate_row(
                        ds, "above the no-distil student (macro F1)", subject,
                        f"{tf.mean:.2f} vs {sf.mean:.2f} (Δ {d:+.2f}"
                        + (f", paired 95% CI {fmt_ci(part.delta)}" if part.delta else "") + ")",
                        f"+{GATE_TEACHER_OVER_STUDENT:g} points",
                        d >= GATE_TEACHER_OVER_STUDENT))
                else:
                    rows.append(gate_row(ds, "above the no-distil student (macro F1)", subject,
                                         "no-distil student not in this run", "", None))
            nb = index.find(ds, "none", labels, teacher=role, student="naive-bayes")
            nbs = group_stats(nb or [], "acc")
            if acc.ok and nbs.ok:
                rows.append(gate_row(ds, "beats the suite's naive Bayes", subject,
                                     f"{acc.mean:.2f} vs {nbs.mean:.2f} (accuracy %)",
                                     "above", acc.mean > nbs.mean))
            else:
                rows.append(gate_row(ds, "beats the suite's naive Bayes", subject,
                                     "naive Bayes not run at this budget", "", None))
            if labels == "all":
                ratio = Stat({r["seed"]: r["variance"] / r["one_hot"]
                              for r in distinct_ok_runs(t)
                              if r.get("variance") is not None and r.get("one_hot")})
                if ratio.ok:
                    rows.append(gate_row(ds, "confident (Table 9 variance / max)", subject,
                                         f"{ratio.mean:.3f}", f"{GATE_CONFIDENCE:g}",
                                         ratio.mean >= GATE_CONFIDENCE))
    return rows


def single_class_cells(index):
    """(dataset, cell name) of every ok cell that predicts one class."""
    cells = []
    for ds in index.datasets():
        classes = dataset_classes(index, ds)
        for k, runs in index.groups.items():
            if k[0] != ds:
                continue
            for r in runs:
                if r["kind"] == "student" and single_class(r, classes):
                    cells.append((ds, r["name"]))
    return sorted(set(cells))


def budget_rows(index):
    """Per dataset with both a 500-per-class and an "all" budget: the labeled
    training examples per class of each (from the student records) and
    whether "all" is at least BUDGET_RATIO_MIN times 500."""
    rows = []
    for ds in index.datasets():
        sizes = budget_sizes(index, ds)
        if sizes is None:
            continue
        low, high, ratio = sizes
        rows.append([ds, f"{low:,.0f}", f"{high:,.0f}", f"{ratio:.2f}",
                     "**pass**" if ratio >= BUDGET_RATIO_MIN else "**fail**"])
    return rows


# One weighted loss term more than this many times another, in the first
# epoch of a phase, swamps it: its gradient decides the step.
TERM_RATIO_LIMIT = 10.0


def loss_term_rows(index):
    """Per (dataset, method, schedule, labels, phase) with several loss terms:
    each term's weighted mean per step in the phase's first epoch (mean over
    seeds) and the largest over the smallest."""
    acc = {}
    for k, runs in sorted(index.groups.items(), key=lambda kv: group_sort_key(kv[0])):
        for r in runs:
            if r["status"] != "ok" or r["kind"] != "student":
                continue
            for ph in r.get("phases") or []:
                terms = {t: v[0] for t, v in (ph.get("terms") or {}).items() if v}
                if len(terms) < 2:
                    continue
                key = (k[0], k[2], k[3], k[4], k[5], ph["name"])
                for t, v in terms.items():
                    acc.setdefault(key, {}).setdefault(t, []).append(v)
    rows = []
    for (ds, student, method, schedule, labels, phase), terms in acc.items():
        means = {t: statistics.fmean(v) for t, v in sorted(terms.items())}
        positive = [abs(v) for v in means.values() if abs(v) > 0]
        ratio = max(positive) / min(positive) if len(positive) >= 2 else None
        rows.append([ds, f"{student or 'bilstm'} {method} ({schedule}), {labels} labels", phase,
                     "; ".join(f"{t} {v:.4g}" for t, v in means.items()),
                     "not available" if ratio is None else f"{ratio:.1f}",
                     "not available" if ratio is None else
                     ("**pass**" if ratio <= TERM_RATIO_LIMIT else "**fail**")])
    return rows


def phase_patience(run, phase):
    """The early-stopping patience a phase trained under: labels-only phases
    (no distillation) have their own; None when the record lacks it."""
    # "no distillation: L_CE", and distil-once's "stage 2: L_CE, unfrozen: ...",
    # train on the labels alone (lib/distill/training_schedule.cc).
    losses = phase["name"].split(":", 1)[-1].split(", unfrozen")[0].strip()
    key = "labels_only_patience" if losses == "L_CE" else "patience"
    value = run["settings"].get(key)
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def phase_ending(run, phase):
    """How a trained phase ended: "patience" (dev selection stopped
    improving), "step budget" or "epoch cap" (it could have gone on); None
    for closed-form phases and records without the fields."""
    if phase.get("steps") == 0 or phase["name"].startswith("closed form"):
        return None  # naive Bayes (older records lack steps): nothing to converge
    if phase.get("step_cap_reached"):
        return "step budget"
    best, ran, patience = phase.get("best_epoch"), phase.get("epochs_run"), \
        phase_patience(run, phase)
    if best is None or ran is None or patience is None:
        return None
    return "patience" if ran - best >= patience else "epoch cap"


# Schedules whose phases share Table 12's step budget equally: their phases
# end at the budget by design (the schedules are compared at equal steps).
EQUAL_STEP_SCHEDULES = ("stagewise", "distil-once")


def convergence_rows(index):
    """Per configuration and phase whose phases did not all stop by patience:
    how many ended at the epoch cap or the step budget, with the best and
    last epochs; and the count of phases checked."""
    acc, checked = {}, 0
    students = [r for r in index.runs if r["status"] == "ok" and r["kind"] == "student"]
    for r in sorted(students, key=lambda r: (group_sort_key(group_key(r)),
                                             r.get("transfer") or 0, r["seed"])):
        k = group_key(r)
        for ph in r.get("phases") or []:
            ending = phase_ending(r, ph)
            if ending is None:
                continue
            checked += 1
            if ending == "patience":
                continue
            transfer = "" if r.get("transfer") is None else f", transfer {r['transfer']:,}"
            key = (k[0], f"{k[2] or 'bilstm'} {k[3]} ({k[4]}), {k[1]} teacher, {k[5]} labels"
                   f"{transfer}",
                   ph["name"], ending, k[4] in EQUAL_STEP_SCHEDULES
                   and ending == "step budget")
            acc.setdefault(key, []).append(
                f"s{r['seed']}: {ph['best_epoch']:.0f}/{ph['epochs_run']:.0f}")
    rows = [[ds, cells, phase, ending, f"{len(seeds)}", " · ".join(seeds),
             "by design (equal step budgets)" if by_design else "**fail**"]
            for (ds, cells, phase, ending, by_design), seeds in acc.items()]
    return rows, checked


def precondition_blocks(index):
    rows = gate_rows(index)
    failed = [r for r in rows if r[5] == "**fail**"]
    collapsed = single_class_cells(index)
    blocks = [H(2, "Preconditions: are the verdicts testable?", "preconditions")]
    if not rows:
        blocks.append(P("No gate to check: this run has no teacher cell."))
    elif failed:
        blocks.append(P(f"**fail**: {len(failed)} of {len(rows)} gate checks fail: "
                        + "; ".join(f"{r[0]}: {r[2]} {r[1]}" for r in failed)
                        + ". A verdict that rests on a failed gate tests the setup, not the "
                        "paper's claim."))
    else:
        blocks.append(P(f"**pass**: all {len(rows)} gate checks with data pass."))
    if rows:
        blocks.append(T(["dataset", "gate", "teacher", "value", "threshold", "result"], rows))
    blocks.append(P(f"Gates: every teacher at least {GATE_TEACHER_OVER_MAJORITY:g} accuracy "
                    f"points above the majority label of the test split; at 100 labels per "
                    f"class, at least {GATE_TEACHER_OVER_STUDENT:g} macro-F1 points above the "
                    "no-distil student; above the suite's naive Bayes student at the same "
                    "budget (a floor that holds on any dataset); at all labels, Table 9's "
                    f"variance / max at least {GATE_CONFIDENCE:g}. Means over distinct "
                    "fine-tunes and seeds."))
    terms = loss_term_rows(index)
    if terms:
        swamped = sum(1 for r in terms if r[5] == "**fail**")
        blocks.append(P((f"**fail**: in {swamped} of {len(terms)} distilled phases one weighted "
                         "loss term is more than " if swamped else
                         f"**pass**: in none of the {len(terms)} distilled phases is one weighted "
                         "loss term more than ") +
                        f"{TERM_RATIO_LIMIT:g} times another in the first epoch (each term's "
                        "weighted mean per step, mean over seeds):"))
        blocks.append(T(["dataset", "cells", "phase", "weighted terms, first epoch",
                         "largest / smallest", "result"], terms))
    else:
        blocks.append(P("Loss-term scales: not available (the records predate per-term "
                        "losses, or no phase has two terms)."))
    unconverged, checked = convergence_rows(index)
    if checked:
        failing = sum(int(r[4]) for r in unconverged if r[6] == "**fail**")
        by_design = sum(int(r[4]) for r in unconverged if r[6] != "**fail**")
        blocks.append(P((f"**fail**: {failing} of {checked} trained student phases ended at "
                         "their epoch cap or the step budget before early stopping could end "
                         "them, so their cells may be undertrained"
                         if failing else f"**pass**: all {checked} trained student phases "
                         "stopped by early stopping, except those ending by design")
                        + (f"; {by_design} of the {checked} are phases of the staged schedules, "
                           "which end at their equal share of Table 12's step budget by design"
                           if by_design else "")
                        + ". A phase stopped by early stopping has run its patience past its "
                        "best dev epoch (best / last epoch per seed below)."))
        if unconverged:
            blocks.append(T(["dataset", "cells", "phase", "ended at", "phases",
                             "best / last epoch", "result"], unconverged))
    budgets = budget_rows(index)
    if budgets:
        close = [r[0] for r in budgets if r[4] == "**fail**"]
        blocks.append(P((f"**fail**: on {', '.join(close)} \"all\" labels is less than "
                         if close else "**pass**: on every dataset \"all\" labels is at least ")
                        + f"{BUDGET_RATIO_MIN:g} times the 500-per-class budget"
                        + (", so Tables 5-8 and Table 10 there compare almost the same amount "
                           "of labeled data; read the label-budget claims on the other datasets:"
                           if close else ":")))
        blocks.append(T(["dataset", "500: labeled per class", "all: labeled per class",
                         "all / 500", "result"], budgets))
    n_students = sum(1 for runs in index.groups.values() for r in runs
                     if r["kind"] == "student" and r["status"] == "ok")
    if collapsed:
        blocks.append(P(f"**fail**: {len(collapsed)} of {n_students} student cells predict a "
                        "single class on the whole test split (from per-example predictions "
                        "where recorded, else from accuracy and macro F1, which match a "
                        "constant predictor's exactly). Their group means depend on which "
                        "class each seed happened to pick."))
        blocks.append(DETAILS(f"The {len(collapsed)} single-class cells",
                              [T(["dataset", "cell"], collapsed)]))
    else:
        blocks.append(P(f"**pass**: none of the {n_students} student cells predicts a single "
                        "class."))
    return blocks
