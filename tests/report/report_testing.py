"""Shared by the report's tests: the kdreport package on the path, records
made up field by field, and a runner for a file's test_ functions.

Each test is run as `python3 TEST.py PATH/TO/report/make_report.py`; the
package sits beside make_report.py (in Bazel's runfiles too).
"""
import os
import sys


def use_report_package(argv, doc):
    """Puts report/ (the directory of argv[1]) first on the import path."""
    if len(argv) != 2:
        sys.exit(doc)
    sys.path.insert(0, os.path.dirname(os.path.abspath(argv[1])))


def run_tests(namespace):
    tests = [v for k, v in sorted(namespace.items()) if k.startswith("test_")]
    for t in tests:
        t()
        print(f"ok {t.__name__}")
    print(f"{len(tests)} passed, 0 failed")


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


def teacher(key, labels, seed, acc, f1, variance=0.2, majority=50.0):
    return run(key, "teacher", labels, seed, acc, f1, kind="teacher", majority=majority,
               variance=variance, one_hot=0.25, classes=2)
