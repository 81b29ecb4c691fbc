"""The report's preconditions on made-up records: the single-class detector
(from predictions, and from accuracy and macro F1 alone) and the teacher
gates, each passing and failing; and the verdicts counting each teacher once.

usage: make_report_preconditions_test.py PATH/TO/make_report.py
"""
import importlib.util
import sys


def load_module(path):
    spec = importlib.util.spec_from_file_location("make_report", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run(key, method, labels, seed, acc, f1, teacher="large", kind="student", student="bilstm",
        predictions=None, **extra):
    r = {"key": key, "name": key, "status": "ok", "reason": "", "dataset": "d",
         "teacher": teacher, "student": "" if kind == "teacher" else student,
         "method": method, "schedule": "" if kind == "teacher" else "joint",
         "labels": labels, "seed": seed, "kind": kind, "acc": acc, "f1": f1,
         "finetune_key": f"ft-{key}" if kind == "teacher" else "", "settings": {},
         "predictions": predictions}
    r.update(extra)
    return r


def test_budgets(m):
    def student(key, labels, dataset, train):
        r = run(key, "none", labels, 1, 80.0, 80.0, sizes={"train_examples": train})
        r["dataset"] = dataset
        return r
    teachers = []
    for ds in ("close", "apart"):
        t = teacher(f"t-{ds}", "all", 1, 90.0, 90.0)
        t["dataset"] = ds
        teachers.append(t)
    runs = teachers + [student("c5", "500", "close", 1000), student("ca", "all", "close", 1208),
                       student("a5", "500", "apart", 1000), student("aa", "all", "apart", 2000)]
    rows = {r[0]: r for r in m.budget_rows(m.Index(runs))}
    assert rows["close"][4] == "**fail**" and rows["close"][3] == "1.21", rows
    assert rows["apart"][4] == "**pass**" and rows["apart"][1:3] == ["500", "1,000"], rows
    # Without both budgets there is nothing to compare.
    assert m.budget_rows(m.Index(teachers + [student("x", "500", "close", 1000)])) == []


def test_single_class(m):
    # 4 classes; predicting the class that holds 40% of the test split.
    a = 0.40
    f1 = 100 * (2 * a / (1 + a)) / 4
    assert m.single_class(run("k", "none", "100", 1, 100 * a, f1), 4) is True
    assert m.single_class(run("k", "none", "100", 1, 100 * a, f1 + 0.5), 4) is False
    assert m.single_class(run("k", "none", "100", 1, 40.0, None), 4) is None
    pred = ([2, 2, 2], [0, 1, 2])
    assert m.single_class(run("k", "none", "100", 1, 33.3, 16.7, predictions=pred), 3) is True
    pred = ([2, 1, 2], [0, 1, 2])
    assert m.single_class(run("k", "none", "100", 1, 66.7, 55.6, predictions=pred), 3) is False


def teacher(key, labels, seed, acc, f1, variance=0.2, majority=50.0):
    return run(key, "teacher", labels, seed, acc, f1, kind="teacher", majority=majority,
               variance=variance, one_hot=0.25, classes=2)


def gates(m, runs):
    index = m.Index(runs)
    return {(r[1], r[2]): r[5] for r in m.gate_rows(index)}


def test_gates(m):
    good = [teacher(f"t{s}", "100", s, 90.0 + s / 10, 89.0) for s in range(1, 6)]
    good += [teacher(f"a{s}", "all", s, 92.0, 91.0, variance=0.23) for s in range(1, 6)]
    students = [run(f"n{s}", "none", "100", s, 80.0, 80.0 + s / 10) for s in range(1, 6)]
    nb = [run(f"b{s}", "none", "100", s, 85.0, 84.0, student="naive-bayes") for s in range(1, 6)]
    g = gates(m, good + students + nb)
    assert g[("far above the majority label", "teacher large, 100 labels/class")] == "**pass**", g
    assert g[("above the no-distil student (macro F1)",
              "teacher large, 100 labels/class")] == "**pass**", g
    assert g[("beats the suite's naive Bayes", "teacher large, 100 labels/class")] == "**pass**"
    assert g[("beats the suite's naive Bayes", "teacher large, all labels/class")] == \
        "not available", g
    assert g[("confident (Table 9 variance / max)", "teacher large, all labels/class")] == \
        "**pass**", g
    # A teacher that learned little: near the majority label, under the
    # student plus 5 points, under naive Bayes, unconfident.
    weak = [teacher(f"t{s}", "100", s, 55.0, 82.0) for s in range(1, 6)]
    weak += [teacher(f"a{s}", "all", s, 92.0, 91.0, variance=0.05) for s in range(1, 6)]
    g = gates(m, weak + students + nb)
    assert g[("far above the majority label", "teacher large, 100 labels/class")] == "**fail**"
    assert g[("above the no-distil student (macro F1)",
              "teacher large, 100 labels/class")] == "**fail**", g
    assert g[("beats the suite's naive Bayes", "teacher large, 100 labels/class")] == "**fail**"
    assert g[("confident (Table 9 variance / max)", "teacher large, all labels/class")] == \
        "**fail**", g
    text = m.render_md(m.precondition_blocks(m.Index(weak + students + nb)))
    assert "**fail**: 4 of" in text, text


def test_loss_term_scales(m):
    def cell(key, seed, ce, rl):
        return run(key, "soft+repr", "100", seed, 80.0, 79.0, phases=[
            {"name": "joint", "selection": "dev accuracy", "curve": [0.8],
             "terms": {"L_CE": [ce, ce / 2], "L_RL": [rl, rl / 2]}}])
    rows = m.loss_term_rows(m.Index([cell("a", 1, 1.0, 100.0), cell("b", 2, 1.0, 120.0)]))
    assert len(rows) == 1 and rows[0][4] == "110.0" and rows[0][5] == "**fail**", rows
    rows = m.loss_term_rows(m.Index([cell("a", 1, 1.0, 2.0)]))
    assert rows[0][4] == "2.0" and rows[0][5] == "**pass**", rows
    # One term alone (no distillation) is no comparison.
    lone = run("n", "none", "100", 1, 60.0, 59.0, phases=[
        {"name": "labels", "selection": "dev accuracy", "curve": [0.6], "terms": {"L_CE": [1.0]}}])
    assert m.loss_term_rows(m.Index([lone])) == []


def test_verdicts_count_each_teacher_once(m):
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
    index = m.Index(runs)
    assert index.roles("d", "all") == ["base", "large"], index.roles("d", "all")
    assert index.roles("d", "100") == ["large-in-domain"]
    gap = m.gap_closing(index, ["d"])
    assert [p.label for p in gap.per_dataset["d"]] == \
        ["base: (T − N)⁺ − (T − D)⁺", "large: (T − N)⁺ − (T − D)⁺"], gap.per_dataset["d"]
    confident = m.teacher_confidence(index, ["d"], {"tables": {"9": {"rows": []}}, "claims": {}})
    labels = [p.label for p in confident.per_dataset["d"]]
    assert labels[:2] == ["base: variance / max", "large: variance / max"], labels
    assert not any("in-domain" in label for label in labels), labels


def test_a_missing_part_keeps_a_dataset_from_holding(m):
    ps = m.ps
    holding = ps.Part("a", ps.PairedDelta({s: 5.0 + s / 10 for s in range(1, 6)}))
    v = m.Verdict(9, "claim", "rule")
    v.per_dataset["d"] = [holding, ps.Part("b", None, missing="soft")]
    v.decide()
    assert holding.verdict == ps.HOLDS
    assert v.dataset_verdict("d") == ps.INCONCLUSIVE, v.dataset_verdict("d")
    assert v.dataset_alone("d") == ps.INCONCLUSIVE
    assert v.overall() == ps.INCONCLUSIVE
    v.per_dataset["d"] = [holding]
    v.decide()
    assert v.dataset_verdict("d") == ps.HOLDS and v.overall() == ps.HOLDS


def test_learning_curves_use_table_11s_teacher(m):
    # Table 11 distils from large-in-domain; older runs named it large.
    phases = [{"name": "joint", "selection": "dev accuracy", "curve": [0.8, 0.9]}]
    in_domain = run("h1", "hard", "100", 1, 80.0, 80.0, teacher="large-in-domain", phases=phases)
    assert m.curve_run(m.Index([in_domain]), "d", "hard", "joint")["key"] == "h1"
    older = run("h2", "hard", "100", 1, 80.0, 80.0, teacher="large", phases=phases)
    assert m.curve_run(m.Index([older]), "d", "hard", "joint")["key"] == "h2"
    assert m.curve_run(m.Index([older]), "d", "soft+repr", "joint") is None
    # The no-distil student of the Large teacher, not the Base one's (each
    # reads its teacher's vocabulary), though find() lets any role stand in.
    base_none = run("n-base", "none", "100", 1, 70.0, 70.0, teacher="base", phases=phases)
    large_none = run("n-large", "none", "100", 1, 71.0, 71.0, teacher="large", phases=phases)
    index = m.Index([base_none, large_none])
    assert m.curve_run(index, "d", "none", "joint")["key"] == "n-large"


def test_mcnemar_text_never_reads_p_zero(m):
    gold = [0] * 4000
    right = run("a", "soft+repr", "100", 1, 100.0, 100.0, predictions=([0] * 4000, gold))
    wrong = run("b", "none", "100", 1, 0.0, 0.0, predictions=([1] * 4000, gold))
    text = m.mcnemar_text([right], [wrong])
    assert text == "4000 vs 0 discordant, p < 1e-300 (n=1)", text
    near = run("c", "none", "100", 1, 90.0, 90.0, predictions=([1] * 10 + [0] * 3990, gold))
    assert m.mcnemar_text([right], [near]) == "10 vs 0 discordant, p = 0.00195 (n=1)"


def test_gains_grow_leaves_out_budgets_too_close_to_compare(m):
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
    v = m.gains_grow(m.Index(cells("close", 1210) + cells("apart", 2000)), ["close", "apart"])
    v.decide()
    close = [p.text() for p in v.per_dataset["close"]]
    assert any("gain(500) − gain(all)" in t and "not tested" in t and "1.21 times" in t
               for t in close), close
    assert v.dataset_verdict("close") == m.ps.HOLDS, close
    assert v.dataset_verdict("apart") == m.ps.INCONCLUSIVE, [p.text() for p in v.per_dataset["apart"]]


def test_gap_closing_counts_a_student_above_its_teacher_as_closed(m):
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
    v = m.gap_closing(m.Index(cells("gap", 2.0) + cells("none", 0.0)), ["gap", "none"])
    v.decide()
    (gap,) = v.per_dataset["gap"]
    assert gap.verdict == m.ps.HOLDS and abs(gap.delta.mean - 1.94) < 1e-9, gap.text()
    # No lead to close: inconclusive whatever the margin, and the text says why.
    (flat,) = v.per_dataset["none"]
    assert flat.verdict == m.ps.INCONCLUSIVE and "no gap to close" in flat.text(), flat.text()


def main():
    m = load_module(sys.argv[1])
    tests = [v for k, v in sorted(globals().items()) if k.startswith("test_")]
    for t in tests:
        t(m)
        print(f"ok {t.__name__}")
    print(f"{len(tests)} passed, 0 failed")


if __name__ == "__main__":
    main()
