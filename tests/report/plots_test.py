"""The plots' choice of records: the learning curves' cells.

usage: plots_test.py PATH/TO/report/make_report.py
"""
import sys

import report_testing
from report_testing import run

report_testing.use_report_package(sys.argv, __doc__)
from kdreport import grouping  # noqa: E402
from kdreport import plots  # noqa: E402


def test_learning_curves_use_table_11s_teacher():
    # Table 11 distils from large-in-domain; older runs named it large.
    phases = [{"name": "joint", "selection": "dev accuracy", "curve": [0.8, 0.9]}]
    in_domain = run("h1", "hard", "100", 1, 80.0, 80.0, teacher="large-in-domain", phases=phases)
    assert plots.curve_run(grouping.Index([in_domain]), "d", "hard", "joint")["key"] == "h1"
    older = run("h2", "hard", "100", 1, 80.0, 80.0, teacher="large", phases=phases)
    assert plots.curve_run(grouping.Index([older]), "d", "hard", "joint")["key"] == "h2"
    assert plots.curve_run(grouping.Index([older]), "d", "soft+repr", "joint") is None
    # The no-distil student of the Large teacher, not the Base one's (each
    # reads its teacher's vocabulary), though find() lets any role stand in.
    base_none = run("n-base", "none", "100", 1, 70.0, 70.0, teacher="base", phases=phases)
    large_none = run("n-large", "none", "100", 1, 71.0, 71.0, teacher="large", phases=phases)
    index = grouping.Index([base_none, large_none])
    assert plots.curve_run(index, "d", "none", "joint")["key"] == "n-large"


if __name__ == "__main__":
    report_testing.run_tests(globals())
