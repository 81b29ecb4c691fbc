"""report/run_time.py on a constructed run: the cold time is the
segments minus the pauses inside them, each record loses its overlap with
the pauses, and a malformed log is an error that names the line.

  run_time_test.py report/run_time.py
"""
import datetime
import json
import os
import subprocess
import sys
import tempfile
import unittest

SCRIPT = os.path.abspath(sys.argv.pop(1))

LOG = """# a comment line
segment 1 start 2026-12-06T10:00:00+00:00
pause 2026-12-06T10:10:00+00:00 pids 1 2
resume 2026-12-06T10:20:00+00:00 pids 1 2
segment 1 end 2026-12-06T11:00:00+00:00 (killed)
segment 2 start 2026-12-06T12:00:00+00:00 (git abc, 2 jobs, 9 cells to compute)
pause 2026-12-06T12:30:00+00:00
segment 2 end 2026-12-06T12:40:00+00:00 (SIGCONT sent; the run finished before the resume line)
resume 2026-12-06T12:45:00+00:00
"""


class RunTimeTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = self.tmp.name
        os.makedirs(os.path.join(self.dir, "results", "cells"))
        self.write_log(LOG)
        # A student cell of 30 min that ends at 10:25: 10 of its minutes are paused.
        self.write_cell("a", {"cell": {"student": "bilstm", "method": "soft"},
                              "cell_seconds": 1800.0, "finished_at": "2026-12-06T10:25:00Z"})
        # A teacher cell entirely outside the pauses.
        self.write_cell("b", {"cell": {"method": "teacher"}, "cell_seconds": 60.0,
                              "finished_at": "2026-12-06T10:50:00Z"})
        # A fine-tuning of 20 min ending at 12:40; the last 10 paused.
        self.write_teacher("finetune-x-s1-0123", "finetune", 1200.0, (2026, 12, 6, 12, 40))

    def tearDown(self):
        self.tmp.cleanup()

    def write_log(self, text):
        with open(os.path.join(self.dir, "log.txt"), "w") as f:
            f.write(text)

    def write_teacher(self, name, stage, seconds, finished):
        """A store teacher record whose file time (its finishing time) is
        `finished`, (year, month, day, hour, minute) in UTC."""
        directory = os.path.join(self.dir, "store", "teachers", name)
        os.makedirs(directory)
        path = os.path.join(directory, "record.json")
        with open(path, "w") as f:
            json.dump({"record": {"stage": stage, "seconds": seconds}}, f)
        end = datetime.datetime(*finished, tzinfo=datetime.timezone.utc).timestamp()
        os.utime(path, (end, end))

    def write_cell(self, name, record):
        with open(os.path.join(self.dir, "results", "cells", f"{name}.json"), "w") as f:
            json.dump({"record": record}, f)

    def run_script(self, *extra):
        return subprocess.run([sys.executable, SCRIPT, f"--log={self.dir}/log.txt",
                               f"--results={self.dir}/results", *extra],
                              capture_output=True, text=True)

    def test_cold_time_and_stages(self):
        out = os.path.join(self.dir, "time.json")
        run = self.run_script(f"--store={self.dir}/store", f"--out={out}")
        self.assertEqual(run.returncode, 0, run.stderr)
        with open(out) as f:
            summary = json.load(f)
        # 60 + 40 min of segments, 10 + 10 min paused.
        self.assertAlmostEqual(summary["segment_seconds"], 6000.0)
        self.assertAlmostEqual(summary["paused_seconds"], 1200.0)
        self.assertAlmostEqual(summary["cold_seconds"], 4800.0)
        stages = summary["stages"]
        self.assertAlmostEqual(stages["cells: bilstm"]["seconds"], 1200.0)
        self.assertAlmostEqual(stages["cells: bilstm"]["recorded_seconds"], 1800.0)
        self.assertAlmostEqual(stages["teacher: transfer-set outputs (teacher cells)"]["seconds"], 60.0)
        self.assertAlmostEqual(stages["teacher: fine-tuning"]["seconds"], 600.0)
        self.assertIn("Cold wall time: **80.0 min**", run.stdout)

    def test_without_store_only_cells(self):
        run = self.run_script()
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertNotIn("fine-tuning", run.stdout)

    def test_bad_logs_name_the_line(self):
        cases = {
            "segment 1 start yesterday\n": ":1: not an ISO 8601 time",
            "segment 1 start 2026-12-06T10:00:00\n": ":1: the time '2026-12-06T10:00:00' has no time zone",
            "resume 2026-12-06T10:00:00+00:00\n": ":1: a resume without a pause",
            "segment 1 start 2026-12-06T10:00:00+00:00\nsegment 2 end 2026-12-06T11:00:00+00:00\n":
                ":2: segment 2 ends while segment 1 is the one running",
            "segment 1 start null\n": ":1: not an ISO 8601 time",
            "pause 2026-12-06T10:00:00+00:00\n": "the last pause has no resume line",
            "# nothing\n": "no segment lines",
        }
        for text, message in cases.items():
            with self.subTest(text=text):
                self.write_log(text)
                run = self.run_script()
                self.assertEqual(run.returncode, 1)
                self.assertIn(message, run.stderr)
                self.assertNotIn("Traceback", run.stderr)

    def test_a_killed_segment_ends_at_its_last_record(self):
        # Segment 1 was killed (no end line): its last record finished at
        # 10:50, so it lasts 50 min, 10 of them paused. Segment 2 was killed
        # before any record: it counts nothing.
        self.write_log("segment 1 start 2026-12-06T10:00:00+00:00\n"
                       "pause 2026-12-06T10:10:00+00:00\n"
                       "resume 2026-12-06T10:20:00+00:00\n"
                       "segment 2 start 2026-12-06T11:00:00+00:00\n"
                       "segment 3 start 2026-12-06T12:00:00+00:00\n"
                       "segment 3 end 2026-12-06T12:30:00+00:00\n")
        out = os.path.join(self.dir, "time.json")
        run = self.run_script(f"--out={out}")
        self.assertEqual(run.returncode, 0, run.stderr)
        with open(out) as f:
            summary = json.load(f)
        self.assertEqual(summary["segments"], 3)
        self.assertEqual(summary["segments_without_end"], 2)
        self.assertAlmostEqual(summary["segment_seconds"], (50 + 0 + 30) * 60.0)
        self.assertAlmostEqual(summary["cold_seconds"], (40 + 0 + 30) * 60.0)

    def test_subsets_sum_their_cells_and_the_teacher_stages_they_use(self):
        # Cell a (20 min after pauses) used the fine-tuning (10 min after
        # pauses); cell b (1 min) used none. Grid g1 = {a}, g2 = {a, b}.
        self.write_cell("a", {"key": "a", "cell": {"student": "bilstm", "method": "soft"},
                              "cell_seconds": 1800.0, "finished_at": "2026-12-06T10:25:00Z",
                              "teacher": {"finetune": {"checkpoint": "store/teachers/finetune-x-s1-0123"},
                                          "general_pretrain_checkpoint": "store/teachers/general-y"}})
        self.write_cell("b", {"key": "b", "cell": {"method": "teacher"}, "cell_seconds": 60.0,
                              "finished_at": "2026-12-06T10:50:00Z"})
        with open(os.path.join(self.dir, "results", "manifest.json"), "w") as f:
            json.dump({"grids": {"g1": {"cells": [{"key": "a"}]},
                                 "g2": {"cells": [{"key": "a"}, {"key": "b"}]}}}, f)
        self.write_teacher("general-y", "pretrain", 120.0, (2026, 12, 6, 10, 5))
        out = os.path.join(self.dir, "time.json")
        run = self.run_script(f"--store={self.dir}/store", f"--out={out}",
                              "--subset=one=g1", "--subset=both=g1,g2")
        self.assertEqual(run.returncode, 0, run.stderr)
        with open(out) as f:
            subsets = json.load(f)["subsets"]
        self.assertEqual(subsets["one"]["cells"], 1)
        self.assertEqual(subsets["one"]["teacher_stages"], 2)
        self.assertAlmostEqual(subsets["one"]["summed_seconds"], 1200.0 + 600.0 + 120.0)
        self.assertEqual(subsets["both"]["cells"], 2)
        self.assertAlmostEqual(subsets["both"]["summed_seconds"], 1200.0 + 60.0 + 600.0 + 120.0)
        self.assertIn("| one | g1 | 1 | 2 | 32.0 | 16.0 |", run.stdout)
        bad = self.run_script("--subset=x=g3")
        self.assertEqual(bad.returncode, 1)
        self.assertIn("--subset=x: no grid 'g3'", bad.stderr)
        with open(os.path.join(self.dir, "results", "manifest.json"), "w") as f:
            json.dump({"grids": {"g1": {"cells": [{"name": "no key"}]}}}, f)
        bad = self.run_script("--subset=x=g1")
        self.assertEqual(bad.returncode, 1)
        self.assertIn("manifest.json: cannot read the grids' cell keys", bad.stderr)
        self.assertNotIn("Traceback", bad.stderr)

    def test_not_available_cells_and_other_runs_teachers_count_nothing(self):
        self.write_cell("na", {"key": "na", "status": "not_available", "cell": {},
                               "finished_at": "2026-12-06T10:30:00Z", "seconds": 0.0})
        # Finished a day before this run.
        self.write_teacher("finetune-other-s1-9999", "finetune", 500.0, (2026, 12, 5, 9, 0))
        out = os.path.join(self.dir, "time.json")
        run = self.run_script(f"--store={self.dir}/store", f"--out={out}")
        self.assertEqual(run.returncode, 0, run.stderr)
        with open(out) as f:
            summary = json.load(f)
        self.assertEqual(summary["stages"]["teacher: fine-tuning"]["records"], 1)
        self.assertAlmostEqual(summary["stages"]["teacher: fine-tuning"]["seconds"], 600.0)
        self.assertEqual(summary["workers"], 2)  # "2 jobs" in the log

    def test_a_killed_segment_ends_at_its_last_teacher_stage_too(self):
        # Killed at 12:50 during a fine-tuning that ended at 12:40: no cell
        # finished inside it; with the store it lasts 40 min, without 0.
        self.write_log("segment 1 start 2026-12-06T10:00:00+00:00\n"
                       "segment 1 end 2026-12-06T11:00:00+00:00\n"
                       "segment 2 start 2026-12-06T12:00:00+00:00\n")
        with_store = self.run_script(f"--store={self.dir}/store", f"--out={self.dir}/a.json")
        without = self.run_script(f"--out={self.dir}/b.json")
        self.assertEqual(with_store.returncode, 0, with_store.stderr)
        self.assertEqual(without.returncode, 0, without.stderr)
        with open(f"{self.dir}/a.json") as f:
            self.assertAlmostEqual(json.load(f)["segment_seconds"], (60 + 40) * 60.0)
        with open(f"{self.dir}/b.json") as f:
            self.assertAlmostEqual(json.load(f)["segment_seconds"], 60 * 60.0)

    def test_argument_errors(self):
        run = self.run_script("--subset=a=g1", "--subset=a=g2")
        self.assertEqual(run.returncode, 2)
        self.assertIn("the name 'a' is given twice", run.stderr)
        run = self.run_script("--workers=0")
        self.assertEqual(run.returncode, 2)

    def test_a_record_without_times_is_named(self):
        self.write_cell("c", {"cell": {"student": "rnn"}})
        run = self.run_script()
        self.assertEqual(run.returncode, 1)
        self.assertIn("c.json: no cell_seconds or finished_at", run.stderr)
        self.write_cell("c", {"cell": {}, "cell_seconds": 1.0, "finished_at": None})
        run = self.run_script()
        self.assertEqual(run.returncode, 1)
        self.assertIn("c.json: finished_at: not an ISO 8601 time: None", run.stderr)
        self.assertNotIn("Traceback", run.stderr)


if __name__ == "__main__":
    unittest.main()
