"""Grouping over seeds: records indexed by configuration, per-group
statistics, and facts of a dataset read from its records (classes,
majority label, label budgets)."""

import statistics

import paired_stats as ps

from .vocab import (
    IN_DOMAIN, LABELS_ORDER, METHOD_ORDER, SCHEDULE_ORDER, STUDENT_ORDER, TEACHER_ORDER, order)


def group_key(run):
    return (run["dataset"], run["teacher"], run["student"], run["method"],
            run["schedule"], run["labels"])


def group_sort_key(k):
    dataset, teacher, student, method, schedule, labels = k
    return (dataset, order(TEACHER_ORDER, teacher), order(STUDENT_ORDER, student),
            order(METHOD_ORDER, method), order(SCHEDULE_ORDER, schedule),
            order(LABELS_ORDER, labels))


class Stat:
    """One group's values over seeds: mean, sample std and the mean's 95% t
    interval. per_seed maps a seed to its value (a teacher fine-tuned once
    for every seed is one value, under the first seed that has it)."""

    def __init__(self, per_seed=None, reasons=()):
        self.per_seed = dict(sorted((per_seed or {}).items()))
        self.values = list(self.per_seed.values())
        self.n = len(self.values)
        self.mean = statistics.fmean(self.values) if self.values else None
        self.std = statistics.stdev(self.values) if self.n >= 2 else None
        self.lo, self.hi = ps.t_interval(self.values)
        self.n_missing = len(reasons)          # not_available records
        self.reasons = sorted(set(reasons))

    @property
    def ok(self):
        return self.n > 0


def distinct_ok_runs(runs):
    """The ok runs of a group, one per distinct training.

    A teacher fine-tuned once serves every student seed (teacher_per_seed =
    false): its records share a fine-tune key and must count once, or n and
    the spread would be faked by copies.
    """
    seen = {}
    for r in sorted(runs, key=lambda r: (r["seed"], r["key"])):
        if r["status"] != "ok":
            continue
        ident = r["finetune_key"] if r["kind"] == "teacher" and r["finetune_key"] else r["key"]
        seen.setdefault(ident, r)
    return list(seen.values())


def group_stats(runs, field="acc"):
    ok = distinct_ok_runs(runs)
    values = {r["seed"]: r[field] for r in ok if r.get(field) is not None}
    reasons = [r["reason"] or "not available" for r in runs if r["status"] != "ok"]
    return Stat(values, reasons)


def seed_values(runs, field="acc"):
    """{seed: value} over every ok record, for pairing by seed: a shared
    teacher's copies each stand beside their seed's student (the caller says
    that its variance is then not in the interval, see shared_teacher)."""
    return {r["seed"]: r[field] for r in sorted(runs or [], key=lambda r: r["key"])
            if r["status"] == "ok" and r.get(field) is not None}


def shared_teacher(runs):
    """True when a teacher group has fewer distinct fine-tunes than seeds."""
    ok = [r for r in runs or [] if r["status"] == "ok" and r["kind"] == "teacher"]
    return bool(ok) and len(distinct_ok_runs(ok)) < len({r["seed"] for r in ok})


SHARED_TEACHER = ("one teacher fine-tune serves every seed, so its run-to-run variance "
                  "is not in the interval")


class Index:
    """All runs grouped by (dataset, teacher, student, method, schedule, labels)."""

    def __init__(self, runs):
        self.groups = {}
        self.runs = sorted(runs, key=lambda r: r["key"])  # the transfer sweep's too
        for r in self.runs:
            # A cell with a transfer-set size of its own belongs to the
            # transfer sweep only, not to the tables' groups.
            if r.get("transfer") is None:
                self.groups.setdefault(group_key(r), []).append(r)

    def datasets(self):
        return sorted({k[0] for k in self.groups})

    def find(self, dataset, method, labels, teacher=None, student=None, schedule=None,
             exact=False):
        """Runs of the matching group; None where no group matches.

        For method "none" the teacher is not used in training, so when the
        asked-for teacher role has no such group any role's group serves
        (Table 5's no-distil student stands in for the Large-teacher grids).
        exact: the named role only, no stand-in.
        """
        if method == "teacher":
            student, schedule = "", ""
        else:
            student = student or "bilstm"
            schedule = "joint" if schedule is None else schedule
        roles = [teacher] if teacher else TEACHER_ORDER
        if teacher and teacher.endswith(IN_DOMAIN) and not exact:
            # Records made before the in-domain roles named Table 11's
            # teacher by its size.
            roles.append(teacher[:-len(IN_DOMAIN)])
        if method == "none" and teacher and not exact:
            roles = [teacher] + [t for t in TEACHER_ORDER if t != teacher]
        for role in roles:
            k = (dataset, role, student, method, schedule, labels)
            if k in self.groups:
                return self.groups[k]
        return None

    def roles(self, dataset, labels):
        """The teacher roles with a group of their own at this budget, by
        name only: find()'s stand-ins (a size for its in-domain role) would
        count one teacher twice."""
        present = {k[1] for k in self.groups if k[0] == dataset and k[5] == labels}
        return [role for role in TEACHER_ORDER if role in present]

    def stat(self, *args, field="acc", **kw):
        runs = self.find(*args, **kw)
        return group_stats(runs, field) if runs else Stat()


# "all" labels must be at least this many times the 500-per-class budget for
# Tables 5-8 vs Table 10 to compare different amounts of labeled data.
BUDGET_RATIO_MIN = 2.0


def budget_sizes(index, ds):
    """(500-per-class, all) labeled training examples per class of a dataset,
    from its student records; None without both budgets."""
    classes = dataset_classes(index, ds)
    per_class = {}
    for k, runs in index.groups.items():
        if k[0] != ds or k[5] not in ("500", "all"):
            continue
        for r in runs:
            train = (r.get("sizes") or {}).get("train_examples")
            if r["kind"] == "student" and r["status"] == "ok" and train and classes:
                per_class.setdefault(k[5], set()).add(train / classes)
    if "500" not in per_class or "all" not in per_class:
        return None
    low, high = max(per_class["500"]), min(per_class["all"])
    return low, high, (high / low if low else float("inf"))


def majority_and_chance(index, ds):
    """(majority-label %, chance %) of a dataset's test split, or None each."""
    majority = None
    for r in sorted((r for runs in index.groups.values() for r in runs
                     if r["dataset"] == ds and r["status"] == "ok"), key=lambda r: r["key"]):
        if r.get("majority") is not None:
            majority = r["majority"]
            break
        if r.get("predictions"):
            gold = r["predictions"][1]
            majority = 100 * max(gold.count(c) for c in set(gold)) / len(gold)
            break
    classes = dataset_classes(index, ds)
    return majority, (100 / classes if classes else None)


def dataset_classes(index, ds):
    for k, members in sorted(index.groups.items()):
        if k[0] == ds:
            for r in members:
                if r.get("classes"):
                    return r["classes"]
    return None
