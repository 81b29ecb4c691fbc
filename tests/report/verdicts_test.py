"""The verdicts on the paper's five claims, on made-up records whose answer
is known: gap closing (each teacher counted once, a student above its
teacher), soft vs hard (non-inferiority), gains growing as labels shrink
(budgets too close to compare), the stagewise schedule, teacher confidence,
a missing part, and a dataset whose teachers learned nothing.

usage: verdicts_test.py PATH/TO/report/make_report.py
"""
import sys

import report_testing
from report_testing import run, teacher

report_testing.use_report_package(sys.argv, __doc__)
import paired_stats as ps  # noqa: E402
from kdreport import grouping  # noqa: E402
from kdreport import verdicts  # noqa: E402


def test_verdicts_count_each_teacher_once():
    # Base and Large at all labels, and Table 11's large-in-domain at 100:
    # claims (1) and (5) have one part per teacher present at all labels.
    # find() lets a size stand in for its in-domain role (older records), which
    # must not add a copy of the size's part.
    runs = []
    for s in range(1, 6):
        for role in ("base", "large"):
            runs.append(teacher(f"{role}-t{s}", "all", s, 90.0, 90.0))
            runs[-1]["teacher"] = role
            runs.append(run(f"{role}-d{s}", "soft+repr", "all", s, 89.0 + s / 10, 89.0,
                            teacher=role))
        runs.append(run(f"n{s}", "none", "all", s, 85.0 + s / 10, 85.0, teacher="base"))
        runs.append(teacher(f"in-t{s}", "100", s, 80.0, 80.0))
        runs[-1]["teacher"] = "large-in-domain"
    index = grouping.Index(runs)
    assert index.roles("d", "all") == ["base", "large"], index.roles("d", "all")
    assert index.roles("d", "100") == ["large-in-domain"]
    gap = verdicts.gap_closing(index, ["d"])
    assert [p.label for p in gap.per_dataset["d"]] == \
        ["base: (T − N)⁺ − (T − D)⁺", "large: (T − N)⁺ − (T − D)⁺"], gap.per_dataset["d"]
    confident = verdicts.teacher_confidence(index, ["d"], {"tables": {"9": {"rows": []}}, "claims": {}})
    labels = [p.label for p in confident.per_dataset["d"]]
    assert labels[:2] == ["base: variance / max", "large: variance / max"], labels
    assert not any("in-domain" in label for label in labels), labels


def test_a_missing_part_keeps_a_dataset_from_holding():

    holding = ps.Part("a", ps.PairedDelta({s: 5.0 + s / 10 for s in range(1, 6)}))
    v = verdicts.Verdict(9, "claim", "rule")
    v.per_dataset["d"] = [holding, ps.Part("b", None, missing="soft")]
    v.decide()
    assert holding.verdict == ps.HOLDS
    assert v.dataset_verdict("d") == ps.INCONCLUSIVE, v.dataset_verdict("d")
    assert v.dataset_alone("d") == ps.INCONCLUSIVE
    assert v.overall() == ps.INCONCLUSIVE
    v.per_dataset["d"] = [holding]
    v.decide()
    assert v.dataset_verdict("d") == ps.HOLDS and v.overall() == ps.HOLDS


def test_gains_grow_leaves_out_budgets_too_close_to_compare():
    # Gains: +10 at 100, +5 at 500, +4.5 at all (noisy). With "all" 1.21x the
    # 500 budget, 500 vs all is shown but not tested, and 100 vs 500 decides;
    # with "all" 2x, the noisy 500 vs all part keeps the claim inconclusive.
    def cells(ds, all_train):
        out = []
        for s in range(1, 6):
            noise = (-1) ** s * 1.5
            for labels, teacher_role, train, gain in (("100", "large-in-domain", 200, 10.0),
                                                     ("500", "large", 1000, 5.0),
                                                     ("all", "large", all_train, 4.5 + noise)):
                for method, acc in (("none", 80.0), ("soft+repr", 80.0 + gain)):
                    r = run(f"{ds}-{labels}-{method}-{s}", method, labels, s, acc, acc,
                            teacher=teacher_role, classes=2, sizes={"train_examples": train})
                    r["dataset"] = ds
                    out.append(r)
        return out
    v = verdicts.gains_grow(grouping.Index(cells("close", 1210) + cells("apart", 2000)), ["close", "apart"])
    v.decide()
    close = [p.text() for p in v.per_dataset["close"]]
    assert any("gain(500) − gain(all)" in t and "not tested" in t and "1.21 times" in t
               for t in close), close
    assert v.dataset_verdict("close") == ps.HOLDS, close
    assert v.dataset_verdict("apart") == ps.INCONCLUSIVE, [p.text() for p in v.per_dataset["apart"]]


def test_gap_closing_counts_a_student_above_its_teacher_as_closed():
    # Teacher 90 + s/10, no distil. 2 points below it; the distilled student
    # 1 point ABOVE the teacher: the gap is closed (|T − D| would have called
    # the overshoot a failure to close it).
    def cells(ds, lead):
        out = []
        for s in range(1, 6):
            t = teacher(f"{ds}t{s}", "all", s, 90.0 + s / 10, 90.0)
            t["teacher"], t["dataset"] = "base", ds
            d = run(f"{ds}d{s}", "soft+repr", "all", s, 91.0 + s / 10, 90.0, teacher="base")
            n = run(f"{ds}n{s}", "none", "all", s, 90.0 + s / 10 - lead + (s % 2) * 0.1, 88.0,
                    teacher="base")
            for r in (d, n):
                r["dataset"] = ds
            out += [t, d, n]
        return out
    v = verdicts.gap_closing(grouping.Index(cells("gap", 2.0) + cells("none", 0.0)), ["gap", "none"])
    v.decide()
    (gap,) = v.per_dataset["gap"]
    assert gap.verdict == ps.HOLDS and abs(gap.delta.mean - 1.94) < 1e-9, gap.text()
    # No lead to close: inconclusive whatever the margin, and the text says why.
    (flat,) = v.per_dataset["none"]
    assert flat.verdict == ps.INCONCLUSIVE and "no gap to close" in flat.text(), flat.text()


def soft_hard_cells(ds, soft_minus_hard, spread=0.1):
    """Table 8's cells (all labels, Large teacher): hard at 90 + s/10, soft
    that much apart, with a per-seed wobble of +-spread."""
    out = []
    for s in range(1, 6):
        hard = 90.0 + s / 10
        soft = hard + soft_minus_hard + (-1) ** s * spread
        for method, acc in (("hard", hard), ("soft+repr", soft)):
            r = run(f"{ds}-{method}-{s}", method, "all", s, acc, acc, teacher="large")
            r["dataset"] = ds
            out.append(r)
    return out


def test_soft_vs_hard_is_a_non_inferiority_test_with_a_one_point_margin():
    index = grouping.Index(soft_hard_cells("close", -0.3) + soft_hard_cells("worse", -3.0)
                           + soft_hard_cells("noisy", -1.0, spread=2.0))
    v = verdicts.soft_vs_hard(index, ["close", "worse", "noisy"])
    v.decide()
    # 0.3 below hard is within the margin: soft is at least as good.
    assert v.dataset_alone("close") == ps.HOLDS, [p.text() for p in v.per_dataset["close"]]
    assert v.dataset_alone("worse") == ps.NOT, [p.text() for p in v.per_dataset["worse"]]
    assert v.dataset_alone("noisy") == ps.INCONCLUSIVE, [p.text() for p in v.per_dataset["noisy"]]
    # Datasets are one family: a failing dataset keeps the claim from holding.
    assert v.overall() != ps.HOLDS
    only_close = verdicts.soft_vs_hard(grouping.Index(soft_hard_cells("close", -0.3)), ["close"])
    only_close.decide()
    assert only_close.overall() == ps.HOLDS


def test_stagewise_best_needs_both_intervals_above_zero():
    def cells(ds, over_joint, over_once):
        out = []
        for s in range(1, 6):
            base = 80.0 + s / 10
            for schedule, acc in (("joint", base), ("distil-once", base + over_joint - over_once),
                                  ("stagewise", base + over_joint + (-1) ** s * 0.1)):
                r = run(f"{ds}-{schedule}-{s}", "soft+repr", "100", s, acc, acc,
                        teacher="large-in-domain", schedule=schedule)
                r["dataset"] = ds
                out.append(r)
        return out
    index = grouping.Index(cells("best", 2.0, 1.5) + cells("split", 2.0, -1.5))
    v = verdicts.stagewise_best(index, ["best", "split"])
    v.decide()
    assert [p.label for p in v.per_dataset["best"]] == ["stagewise − joint",
                                                       "stagewise − distil-once"]
    assert v.dataset_alone("best") == ps.HOLDS, [p.text() for p in v.per_dataset["best"]]
    # Above joint but below distil-once: stagewise is not best.
    assert v.dataset_alone("split") == ps.NOT, [p.text() for p in v.per_dataset["split"]]


def test_teacher_confidence_against_the_papers_least_confident_teacher():
    paper = {"tables": {"9": {"rows": {"ag": {"base": 0.23, "large": 0.24, "max": 0.25}}}},
             "claims": {}}
    assert verdicts.confidence_threshold(paper) == 0.92
    assert verdicts.confidence_threshold({"tables": {}, "claims": {}}) is None

    def cells(ds, ratio):
        out = []
        for s in range(1, 6):
            for role, extra in (("base", 0.0), ("large", 0.01)):
                t = teacher(f"{ds}-{role}-{s}", "all", s, 90.0, 90.0,
                            variance=0.25 * (ratio + extra + s / 1000))
                t["teacher"], t["dataset"] = role, ds
                out.append(t)
        return out
    index = grouping.Index(cells("sure", 0.96) + cells("flat", 0.30))
    v = verdicts.teacher_confidence(index, ["sure", "flat"], paper)
    v.decide()
    sure = {p.label: p for p in v.per_dataset["sure"]}
    assert set(sure) == {"base: variance / max", "large: variance / max",
                         "large − base variance"}, sure
    assert v.dataset_alone("sure") == ps.HOLDS, [p.text() for p in sure.values()]
    assert v.dataset_alone("flat") == ps.NOT, [p.text() for p in v.per_dataset["flat"]]
    # Without the paper's Table 9 there is no threshold: not available.
    v = verdicts.teacher_confidence(index, ["sure"], {"tables": {}, "claims": {}})
    assert v.per_dataset["sure"][0].missing == "the paper's Table 9"


def test_a_dataset_whose_teachers_learned_nothing_stays_out_of_the_claim():
    # Dataset "chance": teachers at the majority label; its soft student
    # is far below hard, but that must not decide claim 2.
    runs = soft_hard_cells("good", -0.3) + soft_hard_cells("chance", -3.0)
    for ds, acc in (("good", 95.0), ("chance", 50.5)):
        for s in range(1, 6):
            t = teacher(f"{ds}-t{s}", "all", s, acc, acc, majority=50.0)
            t["dataset"] = ds
            runs.append(t)
    index = grouping.Index(runs)
    assert list(verdicts.teachers_at_chance(index)) == ["chance"]
    claims = verdicts.compute_verdicts(index, {"tables": {}, "claims": {}})
    soft = next(v for v in claims if v.number == 2)
    assert "chance" in soft.at_chance and soft.dataset_verdict("chance") == ps.INCONCLUSIVE
    assert soft.overall() == ps.HOLDS, soft.overall()


if __name__ == "__main__":
    report_testing.run_tests(globals())
