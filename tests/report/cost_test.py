"""What the run cost, on made-up inputs: a run computed in segments, its cold
time and stages (run_cost_blocks), and run-time.json read only when it is
not older than the run log (run_cost).

usage: cost_test.py PATH/TO/report/make_report.py
"""
import json
import os
import tempfile
import sys

import report_testing

report_testing.use_report_package(sys.argv, __doc__)
from kdreport import cost  # noqa: E402
from kdreport import document  # noqa: E402
from kdreport import vocab  # noqa: E402


def test_run_cost_blocks():
    assert cost.run_cost_blocks(None) == []
    run_time = {"segments": 2, "pauses": 3, "segment_seconds": 6000.0, "paused_seconds": 1200.0,
                "cold_seconds": 4800.0,
                "stages": {"cells: bilstm": {"records": 4, "seconds": 1200.0,
                                             "recorded_seconds": 1800.0}}}
    text = document.render_md(cost.run_cost_blocks(run_time))
    assert "Cold wall time **80.0 min**: 2 segments (100.0 min) minus the 3 pauses" in text, text
    assert "| cells: bilstm | 4 | 20.0 | 30.0 |" in text, text
    try:
        cost.run_cost_blocks({**run_time, "stages": {"x": {}}})
    except vocab.InputError as e:
        assert "run-time.json" in str(e)
    else:
        raise AssertionError("a malformed run-time.json was accepted")


def test_run_cost():
    with tempfile.TemporaryDirectory() as results:
        assert cost.run_cost(results) is None
        os.makedirs(os.path.join(results, "cells"))
        with open(os.path.join(results, "cells", "a.json"), "w") as f:
            json.dump({"record": {"key": "a", "cell": {"student": "bilstm"}, "cell_seconds": 60.0,
                                  "finished_at": "2026-12-06T10:30:00Z"}}, f)
        log = os.path.join(results, "run-log.txt")
        with open(log, "w") as f:
            f.write("segment 1 start 2026-12-06T10:00:00Z (2 jobs)\n"
                    "segment 1 end 2026-12-06T11:00:00Z\n")
        assert cost.run_cost(results)["cold_seconds"] == 3600.0
        # A run-time.json older than the log (written before a later
        # segment) is not used; one as new is, and a malformed one is an error.
        stale = os.path.join(results, "run-time.json")
        with open(stale, "w") as f:
            json.dump({"cold_seconds": 1.0}, f)
        os.utime(stale, (os.path.getmtime(log) - 10,) * 2)
        assert cost.run_cost(results)["cold_seconds"] == 3600.0
        os.utime(stale, (os.path.getmtime(log) + 10,) * 2)
        try:
            cost.run_cost(results)
        except vocab.InputError as e:
            assert "run-time.json: malformed" in str(e), e
        else:
            raise AssertionError("a malformed run-time.json was accepted")


if __name__ == "__main__":
    report_testing.run_tests(globals())
