"""The reproduced tables: rows against the paper's numbers, the paired
effects, settings, and the suite's own grids."""

import json
import re
import statistics

import paired_stats as ps

from .document import H, P, T
from .formatting import fmt_ci, fmt_int, fmt_num, fmt_seed_values, fmt_sig, fmt_stat
from .grouping import (
    Stat, dataset_classes, distinct_ok_runs, group_key, group_sort_key, group_stats,
    majority_and_chance)
from .preconditions import single_class
from .verdicts import interval_side, paired_part
from .vocab import LABELS_ORDER, SCHEDULE_ORDER, TEACHER_ORDER, large_teacher, order


def row_label(k, table, grid_keys):
    """The paper's row names; qualified only where a grid needs it."""
    dataset, teacher, student, method, schedule, labels = k
    if table == "12":
        base = schedule or method
    elif student == "rnn":
        base = "RNN"
    elif method == "none":
        base = "Student no distil."
    elif method == "hard":
        base = "hard"
    elif method == "soft+repr":
        has_hard = any(g[3] == "hard" for g in grid_keys)
        base = "soft" if has_hard else "Student with distil."
    elif method == "teacher":
        base = f"teacher ({teacher})" if teacher else "teacher"
    else:
        base = method
    if method != "teacher" and len({g[1] for g in grid_keys if g[3] != "none"}) > 1:
        base += f" [{teacher} teacher]"
    if len({g[5] for g in grid_keys}) > 1:
        base += f", labels {labels}"
    return base


def norm_name(name):
    return re.sub(r"[^a-z0-9]", "", str(name).lower())


def paper_column(num, k, paper):
    """The paper table's column that holds row k (None where it has none)."""
    cols = (paper["tables"].get(num) or {}).get("columns") or []
    _, teacher, student, method, _, _ = k
    if student == "rnn":
        col = "rnn"
    elif method == "none":
        col = "no_distil"
    elif method == "soft+repr":
        col = "distil" if "distil" in cols else "soft"
    elif method == "hard":
        col = "hard"
    elif method == "teacher":
        col = next((c for c in ("teacher_base" if teacher == "base" else "", teacher, "teacher")
                    if c and c in cols), None)
    else:
        col = None
    return col if col in cols else None


def paper_values(num, col, dataset, paper, fmt="{:.2f}"):
    """The paper's number for our dataset where the paper has it; else its
    numbers on its own datasets, named."""
    rows = ((paper["tables"].get(num) or {}).get("rows")) or {}
    if not rows or col is None:
        return "not available"
    same = [r for ds, r in rows.items() if norm_name(ds) == norm_name(dataset)]
    if same:
        v = same[0].get(col)
        return "not available" if v is None else fmt.format(v)
    shown = [f"{ds} {fmt.format(r[col])}" for ds, r in rows.items() if r.get(col) is not None]
    return "; ".join(shown) or "not available"


def rows_table_blocks(num, grid, runs, index, paper):
    """Each row of a table: the paper's number, ours with its interval and
    per-seed values; a majority and a chance row per dataset."""
    grid_runs = [runs[k] for k in grid["keys"]]
    keys = sorted({group_key(r) for r in grid_runs}, key=group_sort_key)
    if not keys:
        return [P("This grid lists no cells.")]
    rows = []
    for ds in sorted({k[0] for k in keys}):
        classes = dataset_classes(index, ds)
        for k in (k for k in keys if k[0] == ds):
            members = index.groups[k]
            acc = group_stats(members, "acc")
            collapsed = {r["seed"] for r in members if r["kind"] == "student"
                         and single_class(r, classes)}
            rows.append([ds, row_label(k, grid["table"], keys),
                         paper_values(num, paper_column(num, k, paper), ds, paper),
                         fmt_stat(acc), fmt_ci(acc) if acc.ok else "",
                         fmt_stat(group_stats(members, "f1"), why=False),
                         fmt_seed_values(acc.per_seed, marked=collapsed) if acc.ok else ""])
        majority, chance = majority_and_chance(index, ds)
        rows.append([ds, "*majority class*", "", fmt_num(majority), "", "", ""])
        rows.append([ds, "*chance (1 / classes)*", "", fmt_num(chance), "", "", ""])
    blocks = [T(["dataset", "row", "paper", "reproduced accuracy %", "95% CI",
                 "macro F1 %", "per seed (accuracy %)"], rows)]
    if (paper["tables"].get(num) or {}).get("rows"):
        blocks.append(P("Paper: its number on the same dataset where it has one; otherwise its "
                        "numbers on its own datasets, named. Teacher rows: n = distinct "
                        "fine-tunes. †: that seed's cell predicts a single class."))
    elif any("†" in row[-1] for row in rows):
        blocks.append(P("†: that seed's cell predicts a single class."))
    return blocks


# Effects shown per table: (label, plus selector, minus selector, paper plus
# column, paper minus column). A selector is the keyword arguments of
# Index.find beyond dataset and labels.
SEL_NONE = {"method": "none"}
SEL_RNN = {"method": "none", "student": "rnn"}
SEL_SOFT = {"method": "soft+repr"}
SEL_HARD = {"method": "hard"}
SEL_TEACHER = {"method": "teacher"}
DELTAS = {
    "5": ("all", "base", [
        ("no distil. − RNN", SEL_NONE, SEL_RNN, "no_distil", "rnn"),
        ("distil. − no distil.", SEL_SOFT, SEL_NONE, "distil", "no_distil"),
        ("teacher − distil.", SEL_TEACHER, SEL_SOFT, "teacher_base", "distil")]),
    "6": ("all", None, [
        ("teacher − distil. [base]", dict(SEL_TEACHER, teacher="base"),
         dict(SEL_SOFT, teacher="base"), None, None),
        ("teacher − distil. [large]", dict(SEL_TEACHER, teacher="large"),
         dict(SEL_SOFT, teacher="large"), None, None),
        ("distil. [large] − distil. [base]", dict(SEL_SOFT, teacher="large"),
         dict(SEL_SOFT, teacher="base"), None, None)]),
    "8": ("all", "large", [("soft − hard", SEL_SOFT, SEL_HARD, "soft", "hard")]),
    "10": ("500", "large", [
        ("soft − none", SEL_SOFT, SEL_NONE, None, None),
        ("hard − none", SEL_HARD, SEL_NONE, None, None),
        ("soft − hard", SEL_SOFT, SEL_HARD, "soft", "hard"),
        ("teacher − soft", SEL_TEACHER, SEL_SOFT, "teacher", "soft")]),
    "11": ("100", large_teacher("100"), [
        ("soft − none", SEL_SOFT, SEL_NONE, None, None),
        ("hard − none", SEL_HARD, SEL_NONE, None, None),
        ("soft − hard", SEL_SOFT, SEL_HARD, None, None),
        ("teacher − soft", SEL_TEACHER, SEL_SOFT, None, None)]),
    "12": ("100", large_teacher("100"), [
        ("stagewise − joint", dict(SEL_SOFT, schedule="stagewise"),
         dict(SEL_SOFT, schedule="joint"), None, None),
        ("distil-once − joint", dict(SEL_SOFT, schedule="distil-once"),
         dict(SEL_SOFT, schedule="joint"), None, None)]),
}


def mcnemar_text(a_runs, b_runs):
    """McNemar's exact test pooled over the seeds both groups have with
    per-example predictions."""
    pa = {r["seed"]: r["predictions"] for r in a_runs or []
          if r["status"] == "ok" and r.get("predictions")}
    pb = {r["seed"]: r["predictions"] for r in b_runs or []
          if r["status"] == "ok" and r.get("predictions")}
    common = sorted(set(pa) & set(pb))
    if not common:
        return "not available (no per-example predictions)"
    pairs = []
    for s in common:
        (xa, ga), (xb, gb) = pa[s], pb[s]
        if ga != gb:
            return "not available (the test sets differ)"
        pairs.append((xa, xb, ga))
    b, c, p = ps.mcnemar(pairs)
    # Below the smallest double the binomial tail reads 0: say so, not "p = 0".
    p_text = f"p = {p:.3g}" if p > 0 else "p < 1e-300"
    return f"{b} vs {c} discordant, {p_text} (n={len(common)})"


def effect_part(index, ds, labels, teacher, plus, minus):
    """plus − minus paired by seed, and the two groups' runs."""
    def get(sel):
        sel = dict(sel)
        sel.setdefault("teacher", teacher)
        return index.find(ds, sel.pop("method"), labels, **sel)
    a, b = get(plus), get(minus)
    return paired_part("", a, b, ("+", "−")), a, b


def paper_delta(num, ds, pc, mc, paper):
    rows = ((paper["tables"].get(num) or {}).get("rows")) or {}
    vals = {name: r[pc] - r[mc] for name, r in rows.items()
            if pc and mc and r.get(pc) is not None and r.get(mc) is not None}
    same = [v for name, v in vals.items() if norm_name(name) == norm_name(ds)]
    if same:
        return f"{same[0]:+.2f}"
    return "; ".join(f"{name} {v:+.2f}" for name, v in vals.items()) or "not available"


def effects_blocks(num, grid, runs, index, paper):
    if num not in DELTAS:
        return []
    labels, teacher, specs = DELTAS[num]
    datasets = sorted({runs[k]["dataset"] for k in grid["keys"]})
    rows = []
    for ds in datasets:
        for name, plus, minus, pc, mc in specs:
            part, a, b = effect_part(index, ds, labels, teacher, plus, minus)
            d = part.delta
            rows.append([ds, name, paper_delta(num, ds, pc, mc, paper),
                         "not available" if d is None else f"{d.mean:+.2f}",
                         "not available" if d is None else fmt_ci(d),
                         interval_side(part),
                         "" if d is None else fmt_seed_values(d.per_seed, sign=True),
                         mcnemar_text(a, b)])
    headers = ["dataset", "effect", "paper Δ", "ours Δ", "95% CI", "interval", "per seed Δ",
               "McNemar (pooled over seeds)"]
    note = ""
    if all(row[-1].startswith("not available") for row in rows):
        # Said once instead of in every row.
        headers, rows = headers[:-1], [row[:-1] for row in rows]
        note = (" McNemar's test: unavailable for these records (no per-example test "
                "predictions).")
    return [H(3, f"Effects, Table {num} (percentage points, paired by seed)"),
            T(headers, rows),
            P("Ours: the mean of the per-seed differences and its 95% t interval; an "
              f"interval from fewer than {ps.MIN_PAIRS} seed pairs, or against a teacher "
              "fine-tuned once for every seed, decides no claim. Paper: from the paper's "
              "numbers on the same dataset where it has it, else on its own datasets." + note)]


def setting_values(recs, getter, group=lambda r: r["dataset"]):
    """Distinct values of a setting over records, per group (dataset, or
    dataset and teacher role) where they differ."""
    by_ds = {}
    for r in recs:
        v = getter(r)
        if v is None or v == "":
            continue
        by_ds.setdefault(group(r), set()).add(json.dumps(v, sort_keys=True))
    if not by_ds:
        return None
    every = set().union(*by_ds.values())
    text = lambda vals: ", ".join(sorted(v.strip('"') for v in vals))
    if len(every) == 1:
        return text(every)
    return "; ".join(f"{ds}: {text(vals)}" for ds, vals in sorted(by_ds.items()))


STUDENT_SETTINGS = [  # (shown name, config key)
    ("optimiser", "optimizer"), ("learning rate (0: Adadelta's own)", "learning_rate"),
    ("batch size", "batch_size"), ("max tokens", "max_length"),
    ("max epochs per phase / patience", ("max_epochs", "patience")),
    ("labels-only max epochs / patience", ("labels_only_max_epochs", "labels_only_patience")),
    ("transfer examples used (0: all)", "transfer_limit"),
    ("α (L_CE) / β (L_RL) / γ (L_LL)", ("alpha", "beta", "gamma")),
    ("logit target", "logit_target"), ("representation target", "representation_target"),
    ("representation loss reduction", "representation_reduction"),
    ("student size", "student_size"),
]
TEACHER_SETTINGS = [
    ("teacher size", "teacher_size"), ("teacher vocabulary", "teacher_vocab_size"),
    ("MLM pre-training epochs / rate", ("pretrain_epochs", "pretrain_learning_rate")),
    ("fine-tuning max epochs / patience / rate",
     ("finetune_max_epochs", "finetune_patience", "finetune_learning_rate")),
    ("teacher per seed", "teacher_per_seed"),
]


def pick(obj, key):
    if isinstance(key, tuple):
        vals = [obj.get(k) for k in key]
        return None if all(v is None for v in vals) else " / ".join(
            "?" if v is None else f"{v:g}" if isinstance(v, float) else str(v) for v in vals)
    return obj.get(key)


def setup_blocks(grid, runs):
    """What a reader needs to judge a table: the training settings, the split
    and model sizes and how many epochs ran, from the records themselves."""
    recs = [runs[k] for k in sorted(set(grid["keys"])) if runs[k]["status"] == "ok"]
    students = [r for r in recs if r["kind"] == "student"]
    settings = []
    for name, key in STUDENT_SETTINGS:
        v = setting_values(students, lambda r: pick(r.get("config") or {}, key))
        if v is not None:
            settings.append((name, v))
    for name, key in TEACHER_SETTINGS:
        v = setting_values(recs, lambda r: pick(r["settings"], key),
                           group=lambda r: f"{r['dataset']} {r['teacher'] or 'teacher'}")
        if v is not None:
            settings.append((name, v))
    sizes = {}
    for r in recs:
        k = (r["dataset"], order(LABELS_ORDER, r["labels"]), r["labels"])
        e = sizes.setdefault(k, {"sizes": {}, "student": set(), "teacher": set(),
                                 "epochs": []})
        for name, v in (r.get("sizes") or {}).items():
            if v is not None:
                e["sizes"].setdefault(name, set()).add(v)
        if r["kind"] == "student":
            emb, non = r.get("student_params", (None, None))
            if emb is not None and non is not None:
                e["student"].add(f"{r['student'] or 'bilstm'} {int(emb + non):,}")
            if r.get("epochs") is not None:
                e["epochs"].append(r["epochs"])
        else:
            tp = (r.get("teacher_params") or (None,))[0]
            if tp:
                e["teacher"].add(f"{r['teacher']} {r.get('layers')}×{r.get('hidden')}, "
                                 f"{int(tp):,}")
    size_rows = []
    for (ds, _, labels), e in sorted(sizes.items()):
        s = e["sizes"]
        shown = lambda n: ", ".join(str(v) for v in sorted(s.get(n, []))) or "not recorded"
        ep = e["epochs"]
        size_rows.append([ds, labels, shown("train_examples"), shown("dev_examples"),
                          shown("test_examples"), shown("transfer_examples"),
                          "; ".join(sorted(e["student"])) or "",
                          "; ".join(sorted(e["teacher"])) or "",
                          f"{statistics.fmean(ep):.1f} ({min(ep):g}-{max(ep):g})" if ep else ""])
    blocks = [H(3, "Setup")]
    if settings:
        blocks.append(T(["setting", "value"], settings))
    if size_rows:
        blocks.append(T(["dataset", "labels/class", "train", "dev", "test", "transfer",
                         "student parameters", "teacher (layers×hidden, parameters)",
                         "student epochs run, mean (range)"], size_rows))
    return blocks


def table7_blocks(grid, runs, paper):
    """Parameter counts and compression = teacher total / student total."""
    recs = [runs[k] for k in grid["keys"] if runs[k]["status"] == "ok"]
    rows = []
    for ds in sorted({r["dataset"] for r in recs}):
        for role in sorted({r["teacher"] for r in recs if r["dataset"] == ds},
                           key=lambda t: order(TEACHER_ORDER, t)):
            st = [r for r in recs if r["dataset"] == ds and r["teacher"] == role
                  and r["kind"] == "student"]
            te = [r for r in recs if r["dataset"] == ds and r["teacher"] == role
                  and r["kind"] == "teacher"]
            t_total, t_emb = first_pair([r["teacher_params"] for r in te + st])
            s_emb, s_non = first_pair([r["student_params"] for r in st])
            s_total = s_emb + s_non if s_emb is not None and s_non is not None else None
            comp = f"{t_total / s_total:.2f}x" if t_total and s_total else "not available"
            rows.append([ds, role, fmt_int(t_total), fmt_int(t_emb), fmt_int(s_emb),
                         fmt_int(s_non), fmt_int(s_total), comp])
    blocks = [T(["dataset", "teacher", "teacher total", "teacher embedding",
                 "student embedding", "student non-embedding", "student total",
                 "compression (teacher / student)"], rows or [["no data"] + [""] * 7])]
    c = paper["claims"].get("compression", {})
    tch = paper.get("teachers", {})
    prow = []
    base_x = c.get("smaller_than_base", "not available")
    large_x = c.get("smaller_than_large_up_to", "not available")
    for role, claim in (("base", f"{base_x}x smaller"), ("large", f"up to {large_x}x smaller")):
        t = tch.get(role, {})
        prow.append([t.get("name", role), f"{t.get('parameters_millions', 'not available')}M",
                     "not available", claim])
    blocks += [P("Paper: Table 7 is not available (not in the paper text we have); its "
                 "text gives the teacher sizes and the compression claims:"),
               T(["teacher", "teacher parameters", "student parameters", "student vs teacher"],
                 prow)]
    return blocks


def first_pair(pairs):
    """The first pair with a value (counts do not vary with the seed)."""
    for p in pairs:
        if p and p[0] is not None:
            return p
    return (None, None)


def fmt_paper(v, col):
    if v is None:
        return "not available"
    if col == "classes":
        return str(v)
    # Variances as the paper prints them (3 significant digits: 0.240,
    # 0.0660); accuracies with 2 decimals.
    return f"{v:#.3g}" if isinstance(v, float) and v < 1 else f"{v:.2f}"


def table9_blocks(grid, runs, index, paper):
    recs = [runs[k] for k in grid["keys"]]
    keys = sorted({group_key(r) for r in recs if r["kind"] == "teacher"}, key=group_sort_key)
    prow = ((paper["tables"].get("9") or {}).get("rows")) or {}
    rows = []
    for k in keys:
        members = distinct_ok_runs(index.groups[k])
        ratio = Stat({r["seed"]: r["variance"] / r["one_hot"] for r in members
                      if r.get("variance") is not None and r.get("one_hot")})
        var = group_stats(index.groups[k], "variance")
        mx = group_stats(index.groups[k], "one_hot")
        classes = sorted({str(r.get("classes")) for r in members if r.get("classes")})
        same = [r for ds, r in prow.items() if norm_name(ds) == norm_name(k[0])]
        paper_ratio = (f"{same[0][k[1]] / same[0]['max']:.3f}" if same else
                       "; ".join(f"{ds} {r[k[1]] / r['max']:.3f}" for ds, r in prow.items()
                                 if r.get(k[1]) is not None)) or "not available"
        rows.append([k[0], k[1], ", ".join(classes) or "not available",
                     fmt_sig(var.mean) if var.ok else fmt_stat(var),
                     fmt_sig(mx.mean) if mx.ok else "not available",
                     paper_ratio,
                     fmt_num(ratio.mean, 3) if ratio.ok else "not available",
                     fmt_ci(ratio, 3) if ratio.ok else "",
                     fmt_seed_values(ratio.per_seed, 3) if ratio.ok else "",
                     str(ratio.n)])
    blocks = [T(["dataset", "teacher", "classes", "mean variance", "one-hot max",
                 "paper variance / max", "variance / max", "95% CI", "per fine-tune",
                 "n (fine-tunes)"], rows or [["no data"] + [""] * 9])]
    if prow:
        blocks += [P("The paper's own Table 9 (variance / max computed from its numbers):"),
                   T(["dataset", "BERT Base", "BERT Large", "max", "classes",
                      "Base / max", "Large / max"],
                     [[ds, fmt_paper(r["base"], "v"), fmt_paper(r["large"], "v"),
                       fmt_paper(r["max"], "v"), str(r["classes"]),
                       f"{r['base'] / r['max']:.3f}", f"{r['large'] / r['max']:.3f}"]
                      for ds, r in prow.items()])]
    else:
        blocks.append(P("Paper's Table 9: not available."))
    return blocks


def claims_blocks(num, paper):
    """The paper's text facts for the tables the text has no numbers for."""
    c = paper["claims"]
    if num == "11" and c.get("table11"):
        return [P(f"Paper text: \"{c['table11']['text']}\".")]
    if num == "12" and c.get("stagewise_best"):
        return [P(f"Paper text: \"{c['stagewise_best']['text']}\".")]
    return []


def schedule_steps_blocks(grid, runs):
    """Table 12's training budgets: optimiser steps per schedule, so that a
    schedule's win is not read as more training."""
    rows = []
    for ds in sorted({runs[k]["dataset"] for k in grid["keys"] if k in runs}):
        per = {}
        for k in grid["keys"]:
            r = runs.get(k)
            if not r or r["dataset"] != ds or r["status"] != "ok" or not r.get("phases"):
                continue
            steps = [ph.get("steps") for ph in r["phases"]]
            if any(s is None for s in steps):
                continue
            capped = sum(ph.get("step_cap_reached") for ph in r["phases"])
            per.setdefault(r.get("schedule") or "joint", []).append(
                (sum(steps), capped, len(steps)))
        for schedule in SCHEDULE_ORDER:
            if schedule not in per:
                continue
            cells = per[schedule]
            mean = sum(c[0] for c in cells) / len(cells)
            capped = sum(c[1] for c in cells)
            phases = sum(c[2] for c in cells)
            rows.append([ds, schedule, f"{mean:,.0f}", str(len(cells)),
                         f"{capped} of {phases}"])
    if not rows:
        return []
    budget = sorted({str(runs[k].get("config", {}).get("step_budget", "none"))
                     for k in grid["keys"] if k in runs and runs[k]["status"] == "ok"})
    return [P("Training budgets: optimiser steps per cell, summed over its phases "
              f"(step budget shared by a schedule's phases: {', '.join(budget)}). "
              "A phase that ends at its share of the budget rather than by early stopping "
              "counts as capped."),
            T(["dataset", "schedule", "mean steps", "cells", "phases capped"], rows)]


def own_grid_blocks(grid, runs, index):
    """A grid of the suite's own (not a paper table): each row's mean and
    interval in the grid file's order, and its paired difference from no
    distillation and from a reference row: soft with the same teacher, or,
    where the grid varies the teacher, the same method with the Large
    teacher."""
    blocks = [H(2, grid.get("title", grid["id"]), grid["id"])]
    if grid.get("description"):
        blocks.append(P(grid["description"]))
    grid_runs = [runs[k] for k in grid["keys"] if k in runs]
    groups = []
    for r in grid_runs:  # the grid's own order: its axes as listed
        k = group_key(r)
        if k not in groups:
            groups.append(k)
    if not groups:
        return blocks + [P("This grid lists no cells.")]
    blocks += setup_blocks(grid, runs)
    several_teachers = len({k[1] for k in groups}) > 1
    several_students = len({k[2] for k in groups}) > 1
    several_schedules = len({k[4] for k in groups}) > 1

    def find(k, teacher=None, method=None):
        """The group like k but for teacher and/or method; "none" uses no
        teacher outputs, so any teacher's serves."""
        want = (k[0], teacher or k[1], k[2], method or k[3], k[4], k[5])
        if want in groups:
            return want
        if (method or k[3]) == "none":  # joint only: any schedule's rows compare with it
            return next((g for g in groups if g[0] == k[0] and g[3] == "none" and g[2] == k[2]
                         and g[5] == k[5]), None)
        return None

    def delta(k, other):
        if other is None or other == k:
            return ""
        part = paired_part("", index.groups[k], index.groups[other], ("this row", "reference"))
        d = part.delta
        if d is None:
            return "not available"
        return f"{d.mean:+.2f} {fmt_ci(d)}, {interval_side(part)}"

    rows = []
    for k in groups:
        reference = find(k, teacher="large") if several_teachers else find(k, method="soft")
        acc = group_stats(index.groups[k], "acc")
        rows.append([k[0]] + ([k[1]] if several_teachers else []) +
                    ([k[2]] if several_students else []) + [k[3]] +
                    ([k[4]] if several_schedules else []) +
                    [fmt_stat(acc), fmt_ci(acc) if acc.ok else "",
                     fmt_stat(group_stats(index.groups[k], "f1"), why=False),
                     delta(k, find(k, method="none")), delta(k, reference)])
    headers = (["dataset"] + (["teacher"] if several_teachers else []) +
               (["student"] if several_students else []) + ["method"] +
               (["schedule"] if several_schedules else []) +
               ["accuracy %", "95% CI", "macro F1 %", "Δ accuracy vs none [95% CI]",
                "Δ accuracy vs the Large teacher, same method [95% CI]" if several_teachers
                else "Δ accuracy vs soft [95% CI]"])
    if all(row[-1] == "" for row in rows):  # no reference row in this grid
        headers, rows = headers[:-1], [row[:-1] for row in rows]
    blocks.append(T(headers, rows))
    blocks.append(P("Δ: the mean of the per-seed differences with its 95% t interval and "
                    "where the interval lies. Reference numbers for these methods on these "
                    "datasets: not available (the survey reports other datasets and models)."))
    return blocks
