"""benchmarks/teacher_precision_check.py on constructed runs: cells paired by
what they compute with the teacher's precision left out, the verdict
against the float32 seed noise (within, not within, inconclusive), label-only
cells required bit-identical, stage ratios per epoch, and clear refusals.

  teacher_precision_check_test.py benchmarks/teacher_precision_check.py
"""
import json
import os
import subprocess
import sys
import tempfile
import unittest

SCRIPT = os.path.abspath(sys.argv.pop(1))


def teacher_record(seed, accuracy, precision, finetune_seconds=40.0, epochs=10):
    settings = {"teacher_size": "base", "max_length": 64}
    if precision != "float32":
        settings["teacher_precision"] = precision
    stage = {"seconds": 300.0 if precision == "float32" else 150.0,
             "mlm_loss_per_epoch": [6.0, 5.0]}
    return {"profile": "mini", "kind": "teacher", "status": "ok", "name": f"t{seed}",
            "git_revision": "abc", "teacher_per_seed": True, "settings": settings,
            "cell": {"dataset": "spamassassin", "teacher": "base", "labels": "all",
                     "method": "teacher", "seed": seed},
            "teacher": {"general_pretrain": stage,
                        "finetune": {"test_accuracy": accuracy, "seconds": finetune_seconds,
                                     "dev_accuracy_per_epoch": [0.9] * epochs}},
            "result": {}}


def student_record(seed, accuracy, precision, method="soft+repr", side="teacher", seconds=100.0):
    settings = {"teacher_size": "base", "max_length": 64}
    if precision != "float32":
        settings[f"{side}_precision"] = precision
    return {"profile": "mini", "kind": "student", "status": "ok", "name": f"s{seed}{method}",
            "git_revision": "abc", "teacher_per_seed": True, "settings": settings,
            "cell": {"dataset": "spamassassin", "teacher": "base", "labels": "all",
                     "student": "bilstm", "method": method, "schedule": "joint", "seed": seed},
            "teacher": {},
            "result": {"test_accuracy": accuracy, "seconds": seconds, "epochs": 10,
                       "dev_accuracy": 0.9, "test_macro_f1": 0.9, "phases": []}}


def write_run(root, records):
    cells = os.path.join(root, "results", "cells")
    os.makedirs(cells)
    for i, record in enumerate(records):
        with open(os.path.join(cells, f"{i}.json"), "w") as f:
            json.dump({"record": record, "sha256": "x"}, f)


class TeacherPrecisionCheckTest(unittest.TestCase):
    def check(self, mixed, exact, side="teacher"):
        with tempfile.TemporaryDirectory() as tmp:
            write_run(os.path.join(tmp, "bf16"), mixed)
            write_run(os.path.join(tmp, "f32"), exact)
            done = subprocess.run(
                [sys.executable, SCRIPT, f"--run={tmp}/bf16", f"--reference={tmp}/f32",
                 f"--out={tmp}/out", "--name=t", f"--side={side}"], capture_output=True,
                text=True)
            if done.returncode != 0:
                return done, None
            with open(os.path.join(tmp, "out", "t.json")) as f:
                return done, json.load(f)

    def test_small_paired_differences_are_within_seed_noise(self):
        f32 = [0.95, 0.96, 0.97, 0.94, 0.98]  # seed SD 1.58 pts
        shift = [0.001, -0.001, 0.002, 0.0, -0.002]
        mixed = [teacher_record(s + 1, a + d, "bfloat16", 20.0, 5)
                 for s, (a, d) in enumerate(zip(f32, shift))]
        exact = [teacher_record(s + 1, a, "float32", 40.0, 10) for s, a in enumerate(f32)]
        done, result = self.check(mixed, exact)
        self.assertEqual(done.returncode, 0, done.stderr)
        (teacher,) = result["configurations"]
        self.assertEqual(teacher["verdict"], "within seed noise")
        self.assertEqual(result["verdict"], "within seed noise")
        stages = {s["stage"]: s for s in result["stages"]}
        self.assertAlmostEqual(stages["fine-tuning"]["speedup"]["geometric_mean"], 2.0)
        # Half the epochs in half the time: the same speed per epoch.
        self.assertAlmostEqual(stages["fine-tuning"]["speedup_per_epoch"]["geometric_mean"], 1.0)
        self.assertAlmostEqual(stages["general pre-training"]["speedup"]["geometric_mean"], 2.0)

    def test_a_consistent_loss_beyond_the_noise_is_not_within(self):
        f32 = [0.950, 0.952, 0.951, 0.949, 0.953]  # seed SD 0.16 pts
        mixed = [student_record(s + 1, a - 0.02 - 0.001 * s, "bfloat16")
                 for s, a in enumerate(f32)]
        exact = [student_record(s + 1, a, "float32") for s, a in enumerate(f32)]
        done, result = self.check(mixed, exact)
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(result["configurations"][0]["verdict"], "not within seed noise")
        self.assertEqual(result["verdict"], "not within seed noise")

    def test_fewer_than_five_seeds_are_inconclusive(self):
        mixed = [student_record(s, 0.95, "bfloat16") for s in (1, 2, 3)]
        exact = [student_record(s, 0.95 + 0.01 * s, "float32") for s in (1, 2, 3)]
        done, result = self.check(mixed, exact)
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(result["configurations"][0]["verdict"], "inconclusive")

    def test_label_only_students_must_not_change(self):
        exact = [student_record(s, 0.95, "float32", method="none") for s in range(1, 6)]
        same = [student_record(s, 0.95, "bfloat16", method="none") for s in range(1, 6)]
        done, result = self.check(same, exact)
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(result["configurations"][0]["verdict"], "bit-identical")
        changed = [student_record(s, 0.94, "bfloat16", method="none") for s in range(1, 6)]
        done, result = self.check(changed, exact)
        self.assertIn("differs", result["configurations"][0]["verdict"])

    def test_students_side_pairs_every_student_and_holds_the_teacher_fixed(self):
        f32 = [0.95, 0.96, 0.97, 0.94, 0.98]
        shift = [0.001, -0.001, 0.002, 0.0, -0.002]
        mixed = [student_record(s + 1, a + d, "bfloat16", method=m, side="student", seconds=50.0)
                 for m in ("none", "soft+repr") for s, (a, d) in enumerate(zip(f32, shift))]
        exact = [student_record(s + 1, a, "float32", method=m, side="student")
                 for m in ("none", "soft+repr") for s, a in enumerate(f32)]
        teacher = [teacher_record(s + 1, a, "float32") for s, a in enumerate(f32)]
        # The students' precision is in the teacher cells' settings too; it
        # must not change them.
        for record in teacher:
            record["settings"] = dict(record["settings"], student_precision="bfloat16")
        mixed += teacher
        exact += [teacher_record(s + 1, a, "float32") for s, a in enumerate(f32)]
        done, result = self.check(mixed, exact, side="student")
        self.assertEqual(done.returncode, 0, done.stderr)
        verdicts = {c["configuration"]: c["verdict"] for c in result["configurations"]}
        self.assertEqual(verdicts["spamassassin/base/all/bilstm/none/joint"], "within seed noise")
        self.assertEqual(verdicts["spamassassin/base/all/teacher/"], "bit-identical")
        self.assertEqual(result["verdict"], "within seed noise")
        stages = {s["stage"]: s for s in result["stages"]}
        self.assertAlmostEqual(
            stages["student cell spamassassin/base/all/bilstm/none/joint"]["speedup"]
            ["geometric_mean"], 2.0)
        self.assertNotIn("fine-tuning", stages)
        # Under the teachers' side the same runs are refused: their teachers
        # are float32.
        done, _ = self.check(mixed, exact)
        self.assertEqual(done.returncode, 2)
        self.assertIn("teacher_precision float32, not bfloat16", done.stderr)

    def test_refusals_name_the_problem(self):
        exact = [student_record(s, 0.95, "float32") for s in range(1, 6)]
        done, _ = self.check(exact, exact)
        self.assertEqual(done.returncode, 2)
        self.assertIn("not bfloat16", done.stderr)
        other = [student_record(s, 0.95, "bfloat16", method="hard") for s in range(1, 6)]
        done, _ = self.check(other, exact)
        self.assertEqual(done.returncode, 2)
        self.assertIn("no cell of --run has a float32 counterpart", done.stderr)
        with tempfile.TemporaryDirectory() as tmp:
            done = subprocess.run([sys.executable, SCRIPT, f"--run={tmp}"], capture_output=True,
                                  text=True)
        self.assertEqual(done.returncode, 2)
        self.assertIn("give both --run and --reference", done.stderr)


if __name__ == "__main__":
    unittest.main()
