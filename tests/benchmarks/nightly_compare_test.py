"""The nightly judgement (benchmarks/tracking/) on constructed histories:
instruction counts against the previous run and the rolling baseline (a
creep that the previous run alone misses), wall time with the U test and
the unstable rule, accuracy against a smoke reference (missing, failed,
different on the same kernels, beyond the tolerance elsewhere), the exit
codes and the dashboard.

  nightly_compare_test.py benchmarks/tracking/nightly_compare.py
"""
import json
import os
import subprocess
import sys
import tempfile
import unittest

SCRIPT = os.path.abspath(sys.argv.pop(1))
sys.path.insert(0, os.path.dirname(SCRIPT))
import accuracy  # noqa: E402
import instructions  # noqa: E402
import wall_time  # noqa: E402

ENV = {"OMP_NUM_THREADS": "1"}
CPU = "Test CPU"


def counts(values, valgrind="valgrind-3.19.0"):
    return {"valgrind": valgrind, "environment": ENV, "instructions": values}


def speed(times_by_name):
    """Google Benchmark JSON: each name with its repetitions (ms)."""
    rows = []
    for name, times in times_by_name.items():
        for i, t in enumerate(times):
            rows.append({"name": name, "run_name": name, "run_type": "iteration",
                         "repetitions": len(times), "repetition_index": i, "threads": 1,
                         "iterations": 1, "real_time": float(t), "cpu_time": float(t),
                         "time_unit": "ms"})
    return {"context": {"cpu_model": CPU}, "benchmarks": rows}


def steady(ms, n=5, jitter=0.004):
    """n repetitions around ms, spread about ±jitter (relative)."""
    return [ms * (1 + jitter * (i - (n - 1) / 2) / ((n - 1) / 2)) for i in range(n)]


MACHINE = {"blas_details": "OpenBLAS Haswell", "cpu_capability": "AVX2", "threads": 1,
           "torch": "1.13.0", "device": "cpu"}


def record(name, acc, status="ok", machine=MACHINE):
    return {"name": name, "status": status, "kind": "student", "profile": "smoke",
            "cell": {"name": name}, "settings": {"x": 1}, "machine": machine,
            "libraries": {"libtorch-dev": "1.13"},
            "result": {"test_accuracy": acc, "dev_accuracy": acc, "epochs": 3, "phases": []}}


class InstructionTest(unittest.TestCase):
    def test_growth_beyond_threshold_is_a_regression(self):
        earlier = [counts({"w": 1000000})] * 3
        self.assertEqual(instructions.compare(counts({"w": 1005000}), earlier, 0.01)["regressions"],
                         [])
        result = instructions.compare(counts({"w": 1030000}), earlier, 0.01)
        self.assertEqual([r["workload"] for r in result["regressions"]], ["w"])
        self.assertAlmostEqual(result["regressions"][0]["change_previous"], 0.03)

    def test_creep_is_caught_by_the_rolling_baseline_only(self):
        # 0.4% more every night: never 1% against the night before.
        history, caught_previous, caught_baseline = [], None, None
        for night in range(15):
            now = counts({"w": round(1e9 * 1.004 ** night)})
            result = instructions.compare(now, history[-10:], 0.01)
            row = result["rows"][0]
            if row.get("change_previous", 0) > 0.01 and caught_previous is None:
                caught_previous = night
            if result["regressions"] and caught_baseline is None:
                caught_baseline = night
            history.append(now)
        self.assertIsNone(caught_previous)
        self.assertIsNotNone(caught_baseline)
        self.assertLessEqual(caught_baseline, 8)

    def test_other_valgrind_is_not_compared(self):
        result = instructions.compare(counts({"w": 2000000}),
                                      [counts({"w": 1000000}, valgrind="valgrind-3.20")], 0.01)
        self.assertEqual(result["regressions"], [])
        self.assertEqual(result["compared_runs"], 0)


class WallTimeTest(unittest.TestCase):
    def test_a_clear_slowdown_is_significant(self):
        earlier = [speed({"b": steady(100)})] * 3
        result = wall_time.compare(speed({"b": steady(130)}), earlier, 0.15, 0.05)
        self.assertEqual([r["benchmark"] for r in result["regressions"]], ["b"])
        self.assertLess(result["regressions"][0]["p_previous"], 0.05)
        self.assertIn("b", result["table"])

    def test_a_small_change_is_not(self):
        earlier = [speed({"b": steady(100)})] * 3
        self.assertEqual(wall_time.compare(speed({"b": steady(110)}), earlier, 0.15, 0.05)
                         ["regressions"], [])

    def test_too_few_repetitions_cannot_be_significant(self):
        # Three against three: the U test's smallest two-sided p is 0.1.
        result = wall_time.compare(speed({"b": steady(130, n=3)}), [speed({"b": steady(100, n=3)})],
                                   0.15, 0.05)
        self.assertEqual(result["regressions"], [])
        self.assertGreaterEqual(result["rows"][0]["p_previous"], 0.05)

    def test_one_earlier_run_is_too_little_history(self):
        result = wall_time.compare(speed({"b": steady(200)}), [speed({"b": steady(100)})], 0.15, 0.05)
        self.assertEqual(result["regressions"], [])
        self.assertIn("not_judged", result["rows"][0])

    def test_a_noisy_benchmark_is_unstable_not_slower(self):
        earlier = [speed({"b": steady(100)})] * 3
        result = wall_time.compare(speed({"b": [100, 180, 120, 200, 150]}), earlier, 0.15, 0.05)
        self.assertEqual(result["regressions"], [])
        self.assertEqual([r["benchmark"] for r in result["unstable"]], ["b"])
        self.assertTrue(result["unstable"][0]["would_flag"])

    def test_a_history_that_moves_from_run_to_run_is_unstable(self):
        # Each run steady, but the nights differ by 50% (other load): a run
        # slower than both is not judged.
        earlier = [speed({"b": steady(60)}), speed({"b": steady(90)}), speed({"b": steady(60)})]
        result = wall_time.compare(speed({"b": steady(110)}), earlier, 0.15, 0.05)
        self.assertEqual(result["regressions"], [])
        self.assertEqual([r["benchmark"] for r in result["unstable"]], ["b"])
        self.assertGreater(result["unstable"][0]["run_to_run"], 0.15)

    def test_a_busier_machine_leaves_slowdowns_unconfirmed(self):
        peak = "peak/matmul:1024/threads:1"
        earlier = [speed({peak: steady(10), "b": steady(100)})] * 3
        result = wall_time.compare(speed({peak: steady(14), "b": steady(130)}), earlier, 0.15, 0.05)
        self.assertEqual(result["regressions"], [])
        self.assertEqual([r["benchmark"] for r in result["unconfirmed"]], ["b"])
        self.assertAlmostEqual(result["machine_slower"], 0.4)

    def test_the_matmul_peak_is_context(self):
        earlier = [speed({"peak/matmul:1024/threads:1": steady(10)})] * 3
        result = wall_time.compare(speed({"peak/matmul:1024/threads:1": steady(20)}), earlier,
                                   0.15, 0.05)
        self.assertEqual(result["regressions"], [])

    def test_creep_is_caught_by_the_rolling_baseline(self):
        # 3% slower every night: never 15% against the night before.
        history, caught = [], None
        for night in range(12):
            now = speed({"b": steady(100 * 1.03 ** night)})
            result = wall_time.compare(now, history[-10:], 0.15, 0.05)
            if result["rows"][0].get("change_previous", 0) > 0.15:
                self.fail("the previous run alone should not see it")
            if result["regressions"] and caught is None:
                caught = night
                self.assertEqual(result["regressions"][0]["slower_than"], ["baseline"])
            history.append(now)
        self.assertIsNotNone(caught)


class AccuracyTest(unittest.TestCase):
    def setUp(self):
        self.reference = {"a": record("cell/a", 0.90), "b": record("cell/b", 0.80)}

    def test_identical_cells_are_no_regression(self):
        result = accuracy.compare(dict(self.reference), self.reference)
        self.assertEqual(result["verdict"], "bit-identical")
        self.assertEqual(result["regressions"], [])

    def test_a_missing_cell_is_a_regression(self):
        result = accuracy.compare({"a": self.reference["a"]}, self.reference)
        self.assertEqual([(r["cell"], r["what"]) for r in result["regressions"]],
                         [("cell/b", "missing from the run")])

    def test_a_failed_cell_is_a_regression(self):
        run = {"a": self.reference["a"], "b": dict(self.reference["b"], status="error")}
        whats = sorted(r["what"] for r in accuracy.compare(run, self.reference)["regressions"])
        self.assertEqual(whats, ["failed", "missing from the run"])

    def test_any_difference_on_the_same_kernels_is_a_regression(self):
        run = {"a": self.reference["a"], "b": record("cell/b", 0.8000001)}
        result = accuracy.compare(run, self.reference)
        self.assertEqual(result["verdict"], "differs")
        self.assertEqual([r["cell"] for r in result["regressions"]], ["cell/b"])

    def test_other_kernels_within_the_tolerance_are_fine(self):
        other = dict(MACHINE, cpu_capability="AVX512")
        run = {"a": record("cell/a", 0.92, machine=other), "b": record("cell/b", 0.79, machine=other)}
        result = accuracy.compare(run, self.reference)
        self.assertEqual(result["verdict"], "agrees within seed noise")
        self.assertEqual(result["regressions"], [])

    def test_other_kernels_beyond_the_tolerance_are_a_regression(self):
        other = dict(MACHINE, cpu_capability="AVX512")
        run = {"a": record("cell/a", 0.70, machine=other), "b": record("cell/b", 0.60, machine=other)}
        result = accuracy.compare(run, self.reference)
        self.assertEqual(sorted(r["cell"] for r in result["regressions"]), ["cell/a", "cell/b"])


class CommandTest(unittest.TestCase):
    """The script end to end on a history directory: exit codes, the
    summary, the dashboard."""

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.history = os.path.join(self.tmp.name, "history")
        self.reference = os.path.join(self.tmp.name, "reference")
        os.makedirs(os.path.join(self.reference, "cells"))
        self.write(os.path.join(self.reference, "cells", "k.json"),
                   {"record": record("cell/a", 0.9), "sha256": "x"})

    def tearDown(self):
        self.tmp.cleanup()

    @staticmethod
    def write(path, data):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            json.dump(data, f)

    def make_run(self, name, ms, instr, acc=0.9):
        d = os.path.join(self.history, name)
        self.write(os.path.join(d, "provenance.json"), {"git_revision": name[-7:], "cpu_model": CPU})
        self.write(os.path.join(d, "speed.json"), speed({"student:cnn/train": steady(ms)}))
        self.write(os.path.join(d, "instructions.json"), counts({"student-step": instr}))
        self.write(os.path.join(d, "smoke", "cells", "k.json"),
                   {"record": record("cell/a", acc), "sha256": "x"})
        return d

    def judge(self, run, *extra):
        dashboard = os.path.join(self.tmp.name, "dash", "index.html")
        out = subprocess.run([sys.executable, SCRIPT, f"--history={self.history}", f"--run={run}",
                              f"--reference={self.reference}", f"--dashboard={dashboard}", *extra],
                             capture_output=True, text=True)
        return out.returncode, out.stdout + out.stderr, dashboard

    def test_runs_exit_codes_and_dashboard(self):
        rc, out, _ = self.judge(self.make_run("20260101T000000Z-aaaaaaa", 100, 1000000))
        self.assertEqual(rc, 0, out)
        self.assertIn("the first on this CPU model", out)
        rc, out, _ = self.judge(self.make_run("20260102T000000Z-bbbbbbb", 101, 1000000))
        self.assertEqual(rc, 0, out)
        self.assertIn("1/1 cells bit-identical", out)
        run = self.make_run("20260103T000000Z-ccccccc", 140, 1100000, acc=0.85)
        rc, out, dashboard = self.judge(run)
        self.assertEqual(rc, 1, out)
        self.assertIn("MORE student-step: 1,100,000, vs previous +10.00%", out)
        self.assertIn("SLOWER student:cnn/train: previous +38.6%", out)
        self.assertIn("WORSE cell/a: differs on the reference's kernels (-5.00 points)", out)
        self.assertIn("REGRESSION: 3 regression(s)", out)
        with open(os.path.join(run, "summary.json")) as f:
            summary = json.load(f)
        self.assertEqual(sorted(r["kind"] for r in summary["regressions"]),
                         ["accuracy", "instructions", "speed"])
        with open(dashboard) as f:
            page = f.read()
        self.assertIn("3 regression(s)", page)
        self.assertEqual(page.count("data:image/png;base64,"), 4)  # instr., 2 accuracy, time
        self.assertIn("../history/20260101T000000Z-aaaaaaa/speed.json", page)

    def test_bad_input_exits_2_naming_the_file(self):
        run = self.make_run("20260101T000000Z-aaaaaaa", 100, 1000000)
        with open(os.path.join(run, "speed.json"), "w") as f:
            f.write("{not json")
        rc, out, _ = self.judge(run)
        self.assertEqual(rc, 2, out)
        self.assertIn("speed.json: not JSON", out)
        rc, out, _ = self.judge(os.path.join(self.history, "nope"))
        self.assertEqual(rc, 2, out)
        self.assertIn("not a finished run", out)


if __name__ == "__main__":
    unittest.main()
