"""The reproduced tables' text on made-up records: McNemar's p-value.

usage: tables_test.py PATH/TO/report/make_report.py
"""
import sys

import report_testing
from report_testing import run

report_testing.use_report_package(sys.argv, __doc__)
from kdreport import tables  # noqa: E402


def test_mcnemar_text_never_reads_p_zero():
    gold = [0] * 4000
    right = run("a", "soft+repr", "100", 1, 100.0, 100.0, predictions=([0] * 4000, gold))
    wrong = run("b", "none", "100", 1, 0.0, 0.0, predictions=([1] * 4000, gold))
    text = tables.mcnemar_text([right], [wrong])
    assert text == "4000 vs 0 discordant, p < 1e-300 (n=1)", text
    near = run("c", "none", "100", 1, 90.0, 90.0, predictions=([1] * 10 + [0] * 3990, gold))
    assert tables.mcnemar_text([right], [near]) == "10 vs 0 discordant, p = 0.00195 (n=1)"


if __name__ == "__main__":
    report_testing.run_tests(globals())
