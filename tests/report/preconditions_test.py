"""The report's preconditions on made-up records: the label budgets, the
single-class detector (from predictions, and from accuracy and macro F1
alone), the teacher gates, each passing and failing, and the loss-term
scales.

usage: preconditions_test.py PATH/TO/report/make_report.py
"""
import sys

import report_testing
from report_testing import run, teacher

report_testing.use_report_package(sys.argv, __doc__)
from kdreport import document  # noqa: E402
from kdreport import grouping  # noqa: E402
from kdreport import preconditions  # noqa: E402


def gates(runs):
    index = grouping.Index(runs)
    return {(r[1], r[2]): r[5] for r in preconditions.gate_rows(index)}


def test_budgets():
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
    rows = {r[0]: r for r in preconditions.budget_rows(grouping.Index(runs))}
    assert rows["close"][4] == "**fail**" and rows["close"][3] == "1.21", rows
    assert rows["apart"][4] == "**pass**" and rows["apart"][1:3] == ["500", "1,000"], rows
    # Without both budgets there is nothing to compare.
    assert preconditions.budget_rows(grouping.Index(teachers + [student("x", "500", "close", 1000)])) == []


def test_single_class():
    # 4 classes; predicting the class that holds 40% of the test split.
    a = 0.40
    f1 = 100 * (2 * a / (1 + a)) / 4
    assert preconditions.single_class(run("k", "none", "100", 1, 100 * a, f1), 4) is True
    assert preconditions.single_class(run("k", "none", "100", 1, 100 * a, f1 + 0.5), 4) is False
    assert preconditions.single_class(run("k", "none", "100", 1, 40.0, None), 4) is None
    pred = ([2, 2, 2], [0, 1, 2])
    assert preconditions.single_class(run("k", "none", "100", 1, 33.3, 16.7, predictions=pred), 3) is True
    pred = ([2, 1, 2], [0, 1, 2])
    assert preconditions.single_class(run("k", "none", "100", 1, 66.7, 55.6, predictions=pred), 3) is False


def test_gates():
    good = [teacher(f"t{s}", "100", s, 90.0 + s / 10, 89.0) for s in range(1, 6)]
    good += [teacher(f"a{s}", "all", s, 92.0, 91.0, variance=0.23) for s in range(1, 6)]
    students = [run(f"n{s}", "none", "100", s, 80.0, 80.0 + s / 10) for s in range(1, 6)]
    nb = [run(f"b{s}", "none", "100", s, 85.0, 84.0, student="naive-bayes") for s in range(1, 6)]
    g = gates(good + students + nb)
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
    g = gates(weak + students + nb)
    assert g[("far above the majority label", "teacher large, 100 labels/class")] == "**fail**"
    assert g[("above the no-distil student (macro F1)",
              "teacher large, 100 labels/class")] == "**fail**", g
    assert g[("beats the suite's naive Bayes", "teacher large, 100 labels/class")] == "**fail**"
    assert g[("confident (Table 9 variance / max)", "teacher large, all labels/class")] == \
        "**fail**", g
    text = document.render_md(preconditions.precondition_blocks(grouping.Index(weak + students + nb)))
    assert "**fail**: 4 of" in text, text


def test_loss_term_scales():
    def cell(key, seed, ce, rl):
        return run(key, "soft+repr", "100", seed, 80.0, 79.0, phases=[
            {"name": "joint", "selection": "dev accuracy", "curve": [0.8],
             "terms": {"L_CE": [ce, ce / 2], "L_RL": [rl, rl / 2]}}])
    rows = preconditions.loss_term_rows(grouping.Index([cell("a", 1, 1.0, 100.0), cell("b", 2, 1.0, 120.0)]))
    assert len(rows) == 1 and rows[0][4] == "110.0" and rows[0][5] == "**fail**", rows
    rows = preconditions.loss_term_rows(grouping.Index([cell("a", 1, 1.0, 2.0)]))
    assert rows[0][4] == "2.0" and rows[0][5] == "**pass**", rows
    # One term alone (no distillation) is no comparison.
    lone = run("n", "none", "100", 1, 60.0, 59.0, phases=[
        {"name": "labels", "selection": "dev accuracy", "curve": [0.6], "terms": {"L_CE": [1.0]}}])
    assert preconditions.loss_term_rows(grouping.Index([lone])) == []

def test_convergence_names_phases_that_ended_while_improving():
    def cell(key, seed, best, ran, schedule="joint", steps=600, capped=False, **extra):
        r = run(key, "soft+repr", "100", seed, 80.0, 79.0, schedule=schedule,
                settings={"patience": 5, "labels_only_patience": 8}, phases=[
                    {"name": "joint: L_CE + L_RL + L_LL", "selection": "dev accuracy",
                     "curve": [0.8] * ran, "best_epoch": best, "epochs_run": ran,
                     "steps": steps, "step_cap_reached": capped}], **extra)
        return r
    converged = [cell(f"c{s}", s, 4, 9) for s in range(1, 4)]
    rows, checked = preconditions.convergence_rows(grouping.Index(converged))
    assert rows == [] and checked == 3, (rows, checked)
    # Best epoch within the patience of the last: the epoch cap ended it.
    capped = cell("e1", 1, 18, 20, transfer=1000)
    # A staged schedule's phase at its share of the step budget: by design.
    staged = cell("s1", 1, 5, 5, schedule="stagewise", capped=True)
    # A joint phase at the step budget: not by design.
    budget = cell("b1", 1, 15, 18, capped=True)
    # Naive Bayes' closed form takes no step: not checked.
    closed = cell("n1", 1, 1, 1, steps=0)
    rows, checked = preconditions.convergence_rows(
        grouping.Index(converged + [capped, staged, budget, closed]))
    assert checked == 6, checked
    got = {(r[1], r[3], r[6]) for r in rows}
    assert got == {("bilstm soft+repr (joint), large teacher, 100 labels, transfer 1,000",
                    "epoch cap", "**fail**"),
                   ("bilstm soft+repr (stagewise), large teacher, 100 labels", "step budget",
                    "by design (equal step budgets)"),
                   ("bilstm soft+repr (joint), large teacher, 100 labels", "step budget",
                    "**fail**")}, got
    assert any(r[5] == "s1: 18/20" for r in rows), rows
    text = document.render_md(preconditions.precondition_blocks(
        grouping.Index(converged + [capped, staged, budget, closed])))
    assert "**fail**: 2 of 6 trained student phases ended at their epoch cap" in text, text
    # A labels-only phase trains under its own patience, 8: best 10 of 16 is 6
    # epochs past the best, enough under 5 but not under 8, so the cap ended it.
    labels_only = run("l1", "none", "100", 1, 60.0, 59.0, settings={
        "patience": 5, "labels_only_patience": 8}, phases=[
            {"name": "no distillation: L_CE", "selection": "dev accuracy", "curve": [0.6] * 16,
             "best_epoch": 10, "epochs_run": 16, "steps": 100, "step_cap_reached": False}])
    assert preconditions.convergence_rows(grouping.Index([labels_only]))[0] != []
    # Distil-once's stage 2 trains on the labels alone too: at its 60-epoch
    # cap 6 epochs after its best, it did not converge.
    stage2 = run("d1", "soft+repr", "100", 1, 80.0, 79.0, schedule="distil-once", settings={
        "patience": 5, "labels_only_patience": 8}, phases=[
            {"name": "stage 2: L_CE, unfrozen: classifier", "selection": "dev accuracy",
             "curve": [0.8] * 60, "best_epoch": 54, "epochs_run": 60, "steps": 900,
             "step_cap_reached": False}])
    rows, _ = preconditions.convergence_rows(grouping.Index([stage2]))
    assert [r[3] for r in rows] == ["epoch cap"], rows
    # An older naive Bayes record has no steps field: still not checked.
    older = cell("o1", 1, 1, 1)
    older["phases"][0]["name"] = "closed form: counts of gold labels"
    del older["phases"][0]["steps"]
    assert preconditions.convergence_rows(grouping.Index([older])) == ([], 0)
    # The same cell under two teachers: two rows, not one.
    roles = [cell("r1", 1, 18, 20), cell("r2", 1, 18, 20, teacher="large-in-domain")]
    rows, _ = preconditions.convergence_rows(grouping.Index(roles))
    assert len(rows) == 2 and all(r[4] == "1" for r in rows), rows


if __name__ == "__main__":
    report_testing.run_tests(globals())
