"""Comparisons and verdicts on the paper's claims (the rules of
report/paired_stats.py applied to the records; see report/README.md)."""

import paired_stats as ps

from .grouping import (
    BUDGET_RATIO_MIN, SHARED_TEACHER, budget_sizes, distinct_ok_runs, seed_values, shared_teacher)
from .vocab import LABELS_ORDER, SOFT_HARD_MARGIN, large_teacher


def paired_part(label, plus_runs, minus_runs, names, test=ps.SUPERIORITY, bound=0.0,
                field="acc"):
    """plus − minus paired by seed, as one part of a claim."""
    a, b = seed_values(plus_runs, field), seed_values(minus_runs, field)
    missing = [n for v, n in ((a, names[0]), (b, names[1])) if not v]
    if missing:
        return ps.Part(label, None, missing=", ".join(missing))
    d = ps.paired(a, b)
    if not d.n:
        return ps.Part(label, None, missing="no seed in common")
    blockers = [SHARED_TEACHER] if shared_teacher(plus_runs) or shared_teacher(minus_runs) \
        else []
    return ps.Part(label, d, test, bound, blockers=blockers)


class Info:
    """A line shown with a verdict that takes no part in it."""

    def __init__(self, label):
        self.label = label

    def text(self):
        return self.label


class Verdict:
    """One paper claim: its parts per dataset and the rules' outcome."""

    def __init__(self, number, claim, rule):
        self.number, self.claim, self.rule = number, claim, rule
        self.per_dataset = {}   # dataset -> list of ps.Part / Info
        self.paper = ""         # what the paper's own numbers show
        self.at_chance = {}     # dataset -> why its teachers test nothing
        self._overall = ps.INCONCLUSIVE

    def parts(self, ds):
        return [p for p in self.per_dataset.get(ds, []) if isinstance(p, ps.Part)]

    def decide(self):
        """One family per claim: Bonferroni over the parts of every dataset
        that counts; a dataset whose teachers learned nothing is decided on
        its own, for its text only."""
        counted = [p for ds in sorted(self.per_dataset) if ds not in self.at_chance
                   for p in self.parts(ds)]
        self._overall = ps.decide_claim(counted)
        for ds in self.at_chance:
            ps.decide_claim(self.parts(ds))

    def outcomes(self, ds, attribute):
        # A part without data is inconclusive (paired_stats.decide_claim).
        return [ps.INCONCLUSIVE if p.missing or p.delta is None else getattr(p, attribute)
                for p in self.parts(ds)]

    def dataset_verdict(self, ds):
        if ds in self.at_chance:
            return ps.INCONCLUSIVE
        return ps.combine(self.outcomes(ds, "verdict"))

    def dataset_alone(self, ds):
        """What the 95% intervals alone say, before the preconditions."""
        return ps.combine(self.outcomes(ds, "alone"))

    def overall(self):
        return self._overall

    def overall_alone(self):
        return ps.combine(self.dataset_alone(ds) for ds in sorted(self.per_dataset)
                          if ds not in self.at_chance)


def gap_closing(index, datasets):
    v = Verdict(1, "Distillation closes the gap to the teacher (Tables 5 and 6)",
                "per teacher role at all labels and per seed, the gap closed: (T − N)⁺ − "
                "(T − D)⁺, the teacher's lead over the no-distil student minus its lead over "
                "the distilled one (x⁺ = max(x, 0): a student above its teacher has no gap "
                "left); holds when its 95% interval lies above zero. Testable only where the "
                "teacher is above the no-distil student (T − N's interval above zero): else "
                "there is no gap to close. The no-distil student (Table 5) serves both roles: "
                "it uses no teacher.")
    for ds in datasets:
        parts = []
        for role in index.roles(ds, "all"):
            t = index.find(ds, "teacher", "all", teacher=role, exact=True)
            d = index.find(ds, "soft+repr", "all", teacher=role, exact=True)
            n = index.find(ds, "none", "all", teacher=role)
            if not (t or d):
                continue  # this role is not in the run at all
            label = f"{role}: (T − N)⁺ − (T − D)⁺"
            tv, dv, nv = seed_values(t), seed_values(d), seed_values(n)
            missing = [nm for vals, nm in ((tv, "teacher"), (dv, "distil."), (nv, "no distil."))
                       if not vals]
            if missing:
                parts.append(ps.Part(label, None, missing=", ".join(missing)))
                continue
            common = sorted(set(tv) & set(dv) & set(nv))
            margins = ps.PairedDelta({s: max(tv[s] - nv[s], 0.0) - max(tv[s] - dv[s], 0.0)
                                      for s in common})
            blockers = [SHARED_TEACHER] if shared_teacher(t) else []
            lead = ps.PairedDelta({s: tv[s] - nv[s] for s in common})
            if not (lead.has_interval and lead.lo > 0):
                blockers.append("no gap to close: teacher − no distil. = "
                                + ps.Part("", lead).interval_text())
            parts.append(ps.Part(label, margins, blockers=blockers))
        v.per_dataset[ds] = parts
    return v


def soft_vs_hard(index, datasets):
    v = Verdict(2, "Soft distillation is at least as good as hard (Tables 8, 10, 11)",
                f"soft − hard (Large teacher, joint) per seed at all, 500 and 100 labels per "
                f"class, a non-inferiority test with a margin of {SOFT_HARD_MARGIN:g} point: "
                f"holds when the 95% interval lies above −{SOFT_HARD_MARGIN:g}, does not hold "
                f"when it lies below −{SOFT_HARD_MARGIN:g}.")
    for ds in datasets:
        parts = []
        for labels, table in (("all", "8"), ("500", "10"), ("100", "11")):
            s = index.find(ds, "soft+repr", labels, teacher=large_teacher(labels))
            h = index.find(ds, "hard", labels, teacher=large_teacher(labels))
            if not (s or h):
                continue
            parts.append(paired_part(f"Table {table} ({labels} labels): soft − hard", s, h,
                                     ("soft", "hard"), ps.NON_INFERIORITY, SOFT_HARD_MARGIN))
        v.per_dataset[ds] = parts
    return v


def gains_grow(index, datasets):
    v = Verdict(3, "Gains of distillation grow as labels shrink (Tables 5, 10, 11)",
                "gain = soft − none per seed (Large teacher soft, joint; Table 5's no-distil "
                "student at all labels). Each smaller budget's gain minus the next larger "
                "budget's, paired by seed, must have its 95% interval above zero "
                "(100 > 500 > all); 500 against all is not tested where \"all\" is less "
                f"than {BUDGET_RATIO_MIN:g} times 500 per class (see the preconditions).")
    for ds in datasets:
        gains = []
        for labels in LABELS_ORDER:
            s = index.find(ds, "soft+repr", labels, teacher=large_teacher(labels)) or \
                index.find(ds, "soft+repr", labels, teacher="base")
            n = index.find(ds, "none", labels, teacher=large_teacher(labels))
            sv, nv = seed_values(s), seed_values(n)
            if sv and nv and set(sv) & set(nv):
                gains.append((labels, ps.paired(sv, nv)))
        items = [Info(f"gain({lab}) = " + ps.Part("", g).interval_text()) for lab, g in gains]
        sizes = budget_sizes(index, ds)
        for (la, ga), (lb, gb) in zip(gains, gains[1:]):
            d = ps.paired(ga.per_seed, gb.per_seed)
            if (la, lb) == ("500", "all") and sizes and sizes[2] < BUDGET_RATIO_MIN:
                # Fixed by the dataset's size before any result: two budgets this
                # close cannot show a gain growing (the preconditions' budget check).
                items.append(Info(f"gain(500) − gain(all) = {ps.Part('', d).interval_text()}: "
                                  f"not tested, \"all\" is only {sizes[2]:.2f} times the "
                                  "500-per-class budget"))
                continue
            items.append(ps.Part(f"gain({la}) − gain({lb})", d) if d.n else
                         ps.Part(f"gain({la}) − gain({lb})", None, missing="no seed in common"))
        have = {g[0] for g in gains}
        lacking = [lab for lab in LABELS_ORDER if lab not in have]
        if lacking:
            items.append(ps.Part(f"labels {', '.join(lacking)}", None,
                                 missing="soft or none not available"))
        if len(gains) < 2:
            items.append(ps.Part("chain", None, missing="fewer than two label budgets"))
        v.per_dataset[ds] = items
    return v


def stagewise_best(index, datasets):
    v = Verdict(4, "The stagewise schedule is best (Table 12)",
                "stagewise − joint and stagewise − distil-once per seed (100 labels, Large "
                "teacher); each 95% interval must lie above zero.")
    for ds in datasets:
        st = index.find(ds, "soft+repr", "100", teacher=large_teacher("100"),
                        schedule="stagewise")
        parts = []
        for other in ("joint", "distil-once"):
            o = index.find(ds, "soft+repr", "100", teacher=large_teacher("100"), schedule=other)
            if not (st or o):
                continue
            parts.append(paired_part(f"stagewise − {other}", st, o, ("stagewise", other)))
        v.per_dataset[ds] = parts
    return v


def confidence_threshold(paper):
    """The paper's own lowest variance / max in Table 9 (0.920, AG News Base):
    a teacher at least that confident is as confident as the paper's least
    confident one. None without the paper's Table 9."""
    rows = ((paper["tables"].get("9") or {}).get("rows")) or {}
    ratios = [r[k] / r["max"] for r in rows.values() for k in ("base", "large")
              if r.get(k) is not None and r.get("max")]
    return round(min(ratios), 3) if ratios else None


def teacher_confidence(index, datasets, paper):
    threshold = confidence_threshold(paper)
    v = Verdict(5, "Teachers are confident (Table 9)",
                f"each teacher's mean prediction variance / one-hot maximum, one value per "
                f"fine-tune, must have its 95% interval at or above "
                f"{'not available' if threshold is None else f'{threshold:.3f}'}, the lowest "
                f"ratio in the paper's Table 9; large − base variance, paired by seed, above "
                f"zero.")
    for ds in datasets:
        parts = []
        per_role = {}
        for role in index.roles(ds, "all"):
            runs = index.find(ds, "teacher", "all", teacher=role, exact=True)
            if not runs:
                continue
            ratios = {r["seed"]: r["variance"] / r["one_hot"] for r in distinct_ok_runs(runs)
                      if r.get("variance") is not None and r.get("one_hot")}
            per_role[role] = {r["seed"]: r["variance"] for r in distinct_ok_runs(runs)
                              if r.get("variance") is not None}
            label = f"{role}: variance / max"
            if not ratios or threshold is None:
                parts.append(ps.Part(label, None, missing="variance" if not ratios
                                     else "the paper's Table 9"))
                continue
            parts.append(ps.Part(label, ps.PairedDelta(ratios), ps.AT_LEAST, threshold,
                                 unit="", digits=3))
        if per_role:
            lg, bs = per_role.get("large", {}), per_role.get("base", {})
            missing = [n for vals, n in ((lg, "large"), (bs, "base")) if not vals]
            d = ps.paired(lg, bs) if not missing else None
            parts.append(ps.Part("large − base variance", d if d and d.n else None,
                                 missing=", ".join(missing) or (None if d and d.n
                                                                 else "no seed in common"),
                                 unit="", digits=4))
        v.per_dataset[ds] = parts
    return v


def paper_verdict_notes(paper, verdicts):
    """One sentence per claim with what the paper's own numbers show."""
    t = paper["tables"]
    notes = {}
    r5 = (t.get("5") or {}).get("rows") or {}
    if r5:
        notes[1] = "Paper, Table 5: " + "; ".join(
            f"{ds}: no distil. {abs(r['teacher_base'] - r['no_distil']):.2f} → distil. "
            f"{abs(r['teacher_base'] - r['distil']):.2f} from the teacher"
            for ds, r in r5.items()) + "."
    r8 = (t.get("8") or {}).get("rows") or {}
    r10 = (t.get("10") or {}).get("rows") or {}
    parts = [f"{ds} {r['soft'] - r['hard']:+.2f} (T8)" for ds, r in r8.items()]
    parts += [f"{ds} {r['soft'] - r['hard']:+.2f} (T10)" for ds, r in r10.items()]
    if parts:
        notes[2] = "Paper, soft − hard: " + "; ".join(parts) + "."
    t10 = paper["claims"].get("table10_text", {})
    notes[3] = ("Paper: the gains at 100 and 500 labels are not available in the paper "
                "text (Tables 10 and 11 have no no-distil row there); its Table 10 text "
                "says: " + t10.get("text", "not available") + ".")
    notes[4] = "Paper: Table 12 is not available; the text says: " + \
        paper["claims"].get("stagewise_best", {}).get("text", "not available") + "."
    r9 = (t.get("9") or {}).get("rows") or {}
    if r9:
        notes[5] = "Paper, Table 9 variance / max (base, large): " + "; ".join(
            f"{ds} {r['base'] / r['max']:.3f}, {r['large'] / r['max']:.3f}"
            for ds, r in r9.items()) + "; large >= base on every dataset."
    for v in verdicts:
        v.paper = notes.get(v.number, "")


# A teacher must beat always answering the most frequent test label by this
# many points to count as having learned the task.
CHANCE_MARGIN = 1.0


def teachers_at_chance(index):
    """dataset -> reason, for datasets where no teacher beats the majority label."""
    reasons = {}
    for ds in index.datasets():
        teachers = [r for runs in index.groups.values() for r in runs
                    if r["dataset"] == ds and r["method"] == "teacher"
                    and r["status"] == "ok" and r.get("majority") is not None]
        if teachers and all(r["acc"] <= r["majority"] + CHANCE_MARGIN for r in teachers):
            best = max(teachers, key=lambda r: r["acc"])
            reasons[ds] = (f"no teacher beats the majority label by {CHANCE_MARGIN:.0f} point "
                           f"(best {best['acc']:.2f}% vs majority {best['majority']:.2f}%)")
    return reasons


def compute_verdicts(index, paper):
    ds = index.datasets()
    vs = [gap_closing(index, ds), soft_vs_hard(index, ds), gains_grow(index, ds),
          stagewise_best(index, ds), teacher_confidence(index, ds, paper)]
    at_chance = teachers_at_chance(index)
    for v in vs:
        # Datasets the claim has no data for at all stay out of it.
        v.per_dataset = {d: c for d, c in v.per_dataset.items() if c}
        v.at_chance = {d: why for d, why in at_chance.items() if d in v.per_dataset}
        v.decide()
    paper_verdict_notes(paper, vs)
    return vs


def interval_side(part):
    """Where a difference's 95% interval lies, and why it may not decide."""
    if part.missing or part.delta is None:
        return "not available"
    d = part.delta
    if d.lo is None:
        side = "no interval"
    else:
        side = "above 0" if d.lo > 0 else "below 0" if d.hi < 0 else "spans 0"
    flags = [f"n={d.n} < {ps.MIN_PAIRS}" if d.n < ps.MIN_PAIRS else "",
             "shared teacher" if SHARED_TEACHER in part.blockers else ""]
    flags = [f for f in flags if f]
    return side + (f" ({'; '.join(flags)})" if flags else "")
