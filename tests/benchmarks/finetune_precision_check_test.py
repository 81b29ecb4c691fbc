"""benchmarks/finetune_precision_check.py refuses what it cannot compare,
before any fine-tuning: too few seeds, a run without teacher cells, a run
whose teachers are not float32 or mix configurations.

  finetune_precision_check_test.py benchmarks/finetune_precision_check.py
"""
import json
import os
import subprocess
import sys
import tempfile
import unittest

SCRIPT = os.path.abspath(sys.argv.pop(1))


def teacher(seed, dataset="spamassassin", precision="float32"):
    settings = {"teacher_max_length": 64}
    if precision != "float32":
        settings["teacher_precision"] = precision
    return {"kind": "teacher", "status": "ok", "name": f"{dataset}/t{seed}", "settings": settings,
            "cell": {"dataset": dataset, "teacher": "base", "labels": "all", "seed": seed}}


class FinetunePrecisionCheckTest(unittest.TestCase):
    def run_check(self, records, *flags):
        with tempfile.TemporaryDirectory() as tmp:
            cells = os.path.join(tmp, "run", "results", "cells")
            os.makedirs(cells)
            for i, record in enumerate(records):
                with open(os.path.join(cells, f"{i}.json"), "w") as f:
                    json.dump({"record": record}, f)
            fake = os.path.join(tmp, "kdbench")
            with open(fake, "w") as f:
                f.write("#!/bin/sh\necho should not run >&2\nexit 9\n")
            os.chmod(fake, 0o755)
            return subprocess.run([sys.executable, SCRIPT, f"--reference={tmp}/run",
                                   f"--kdbench={fake}", f"--out={tmp}/out", *flags],
                                  capture_output=True, text=True)

    def test_refusals(self):
        cases = [
            ([teacher(1)], ["--seeds=3"], "at least 5"),
            ([], [], "no finished teacher cell"),
            ([teacher(1, precision="bfloat16")], [], "is not float32"),
            ([teacher(1), teacher(2, dataset="wordnet")], [], "several configurations"),
        ]
        for records, flags, message in cases:
            done = self.run_check(records, *flags)
            self.assertEqual(done.returncode, 2, (message, done.stderr))
            self.assertIn(message, done.stderr)
            self.assertNotIn("should not run", done.stderr)


if __name__ == "__main__":
    unittest.main()
