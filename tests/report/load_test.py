"""Loading a run (kdreport/load): a good run from a real record, then each
kind of bad input refused with an error that names the file and the field.

usage: load_test.py PATH/TO/report/make_report.py
"""
import copy
import glob
import json
import os
import sys
import tempfile

import report_testing

report_testing.use_report_package(sys.argv, __doc__)
from kdreport import load  # noqa: E402
from kdreport.vocab import InputError  # noqa: E402

# A real cell record of the committed smoke reference (report/ is beside results/).
SMOKE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(sys.argv[1]))),
                     "results", "reference", "smoke")


def a_record():
    manifest = json.load(open(os.path.join(SMOKE, "manifest.json")))
    for grid in manifest["grids"].values():
        for cell in grid["cells"]:
            doc = json.load(open(os.path.join(SMOKE, "cells", cell["key"] + ".json")))
            if doc["record"].get("status") == "ok" and doc["record"]["cell"].get("student"):
                return cell, doc
    raise AssertionError(f"no student record in {SMOKE}")


def write_run(results, cell, doc, manifest_extra=None):
    os.makedirs(os.path.join(results, "cells"), exist_ok=True)
    manifest = {"profile": "smoke", "grids": {"g": {"table": "5", "cells": [cell]}}}
    manifest.update(manifest_extra or {})
    with open(os.path.join(results, "manifest.json"), "w") as f:
        json.dump(manifest, f)
    with open(os.path.join(results, "cells", cell["key"] + ".json"), "w") as f:
        json.dump(doc, f)


def refused(results, *expected):
    try:
        load.load_run(results)
    except InputError as e:
        for text in expected:
            assert text in str(e), (text, str(e))
        return str(e)
    raise AssertionError(f"accepted: {expected}")


def test_a_real_record_loads():
    cell, doc = a_record()
    with tempfile.TemporaryDirectory() as results:
        write_run(results, cell, doc)
        manifest, grids, runs = load.load_run(results)
        (run,) = runs.values()
        assert run["key"] == cell["key"] and run["status"] == "ok", run
        assert 0 <= run["acc"] <= 100 and run["seed"] == doc["record"]["cell"]["seed"], run


def test_bad_input_names_the_file_and_the_field():
    cell, doc = a_record()
    with tempfile.TemporaryDirectory() as results:
        assert "manifest.json: missing" in refused(results)
        write_run(results, cell, doc)
        with open(os.path.join(results, "manifest.json"), "w") as f:
            f.write("{")
        refused(results, "manifest.json: malformed JSON")
        write_run(results, dict(cell, key="not-hex"), doc)
        refused(results, "manifest.json", "grids.g.cells[0].key is not a hex key")
        write_run(results, cell, doc)
        os.remove(os.path.join(results, "cells", cell["key"] + ".json"))
        refused(results, cell["key"] + ".json: missing")
        bad = copy.deepcopy(doc)
        del bad["record"]["cell"]["dataset"]
        write_run(results, cell, bad)
        refused(results, cell["key"] + ".json", "record.cell.dataset is missing")
        bad = copy.deepcopy(doc)
        bad["record"]["status"] = "exploded"
        write_run(results, cell, bad)
        refused(results, "record.status is 'exploded'")
        bad = copy.deepcopy(doc)
        bad["record"]["cell"]["seed"] = "one"
        write_run(results, cell, bad)
        refused(results, "record.cell.seed has the wrong type (str)")
        bad = copy.deepcopy(doc)
        bad["record"]["cell"]["seed"] = float("nan")
        write_run(results, cell, bad)
        refused(results, "record.cell.seed is not a finite number")
        bad = copy.deepcopy(doc)
        bad["record"]["result"]["phases"] = 3
        write_run(results, cell, bad)
        refused(results, "record.result.phases is not a list")
        bad = copy.deepcopy(doc)
        bad["record"]["result"]["phases"][0]["selection_per_epoch"] = 0.5
        write_run(results, cell, bad)
        refused(results, "phases[0].selection_per_epoch holds a non-number")
        bad = copy.deepcopy(doc)
        bad["record"]["result"]["phases"][0]["best_epoch"] = "four"
        write_run(results, cell, bad)
        refused(results, "phases[0].best_epoch has the wrong type (str)")
    assert glob.glob(os.path.join(SMOKE, "cells", "*.json")), SMOKE


if __name__ == "__main__":
    report_testing.run_tests(globals())
