"""The report's speed section on made-up inputs.

usage: speed_test.py PATH/TO/report/make_report.py

- lstm_kernel_blocks: LibTorch's LSTM layer against the other formulations,
  from speed.json rows; nothing when the rows are missing.
- grid_timing_blocks: cold grid runs from results/grid-timing/*/manifest.json,
  the last run that computed cells in each (a warm rerun computes none),
  speed-up against the earliest.
- deployment_blocks: the deployed students' latency against BERT at the
  same threads with the compression ratio, and the accuracy files (not the
  latency files) of results/deployment/.
- peer_cell_blocks: the whole-cell peer, per cell and per epoch.
- precision_blocks: the teachers' and the students' bfloat16 comparisons,
  each from its own folder.
"""
import json
import os
import subprocess
import sys
import tempfile

import report_testing

report_testing.use_report_package(sys.argv, __doc__)
from kdreport import document  # noqa: E402
from kdreport import speed  # noqa: E402


def row(ms, share):
    return {"real_time": ms, "share_of_peak": share}


def test_lstm_kernel_blocks():
    rows = {
        "lstm-layer:libtorch/size:paper/train/batch:64/real_time": row(1200.0, 0.5),
        "lstm-layer:bptt/size:paper/train/batch:64/real_time": row(1000.0, 0.6),
        "lstm-layer:hoisted/size:paper/train/batch:64/real_time": row(4800.0, 0.125),
    }
    text = document.render_md(speed.lstm_kernel_blocks(rows))
    assert "| paper train | hand-written backward through time (the students' LSTM) | 1200.0 | 1000.0 | 1.20x | 50.0% → 60.0% |" in text, text
    assert "| paper train | input projection hoisted, LibTorch's autograd | 1200.0 | 4800.0 | 0.25x |" in text, text
    assert "mini" not in text.split("\n", 2)[-1], "rows for sizes that did not run"
    assert speed.lstm_kernel_blocks({}) == [], "a block without rows"


def write_manifest(root, name, runs, cpu=None):
    os.makedirs(os.path.join(root, name))
    manifest = {"runs": runs}
    if cpu is not None:
        manifest["environment"] = f"LibTorch 1.13.0 | threads 1 of 2 cores | CPU {cpu}"
    with open(os.path.join(root, name, "manifest.json"), "w") as f:
        json.dump(manifest, f)


def run(finished, revision, cells, seconds):
    return {"finished_at": finished, "git_revision": revision, "cells_computed": cells,
            "seconds": seconds, "grids": ["table5", "table8"]}


def git_commits(repository, count):
    """`count` commits one day apart in a new repository, oldest first."""
    def git(*args, date=None):
        env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@t",
                   GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@t")
        if date:
            env.update(GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date)
        return subprocess.run(["git", "-C", repository, *args], env=env, check=True,
                              capture_output=True, text=True).stdout.strip()
    git("init", "-q")
    commits = []
    for day in range(count):
        git("commit", "-q", "--allow-empty", "-m", str(day), date=f"2026-01-0{day + 1}T00:00:00Z")
        commits.append(git("rev-parse", "HEAD"))
    return commits


def test_grid_timing_blocks():
    with tempfile.TemporaryDirectory() as temp:
        results = os.path.join(temp, "results", "mini")
        os.makedirs(results)
        assert speed.grid_timing_blocks(os.path.dirname(results)) == [], "no grid-timing directory: no block"
        timing = os.path.join(temp, "results", "grid-timing")
        # The earlier directory holds a cold run, a warm rerun and a second
        # cold one: the last cold run counts.
        write_manifest(timing, "a-before", [run("2026-01-01T10:00:00Z", "aaaa", 102, 1300.0),
                                            run("2026-01-01T10:30:00Z", "aaaa", 0, 0.1),
                                            run("2026-01-01T11:00:00Z", "bbbb", 102, 1200.0)])
        assert speed.grid_timing_blocks(os.path.dirname(results)) == [], "one run: nothing to compare"
        write_manifest(timing, "b-after", [run("2026-01-02T10:00:00Z", "cccc", 102, 800.0)])
        text = document.render_md(speed.grid_timing_blocks(os.path.dirname(results)))
        assert "| not recorded | 2026-01-01T11:00:00Z | `bbbb` | 102 | 1200.0 | 1.00x |" in text, text
        assert "| not recorded | 2026-01-02T10:00:00Z | `cccc` | 102 | 800.0 | 1.50x |" in text, text
        assert "aaaa" not in text, "an earlier cold run of the same manifest was used"
        assert "tables 5,8" in text, text

        # A second CPU: compared only with itself, against its oldest
        # revision even when that run finished last.
        old, new = git_commits(temp, 2)
        write_manifest(timing, "c-other-new", [run("2026-01-03T10:00:00Z", new, 102, 500.0)],
                       cpu="Other CPU")
        write_manifest(timing, "d-other-old", [run("2026-01-04T10:00:00Z", old, 102, 1000.0)],
                       cpu="Other CPU")
        write_manifest(timing, "e-third", [run("2026-01-05T10:00:00Z", "dddd", 102, 100.0)],
                       cpu="Third CPU")
        text = document.render_md(speed.grid_timing_blocks(os.path.dirname(results)))
        assert f"| Other CPU | 2026-01-04T10:00:00Z | `{old[:12]}` | 102 | 1000.0 | 1.00x |" in text, text
        assert f"| Other CPU | 2026-01-03T10:00:00Z | `{new[:12]}` | 102 | 500.0 | 2.00x |" in text, text
        assert "| not recorded | 2026-01-02T10:00:00Z | `cccc` | 102 | 800.0 | 1.50x |" in text, text
        assert "Third CPU" not in text, "a CPU with one run has nothing to compare"


def test_deployment_blocks():
    rows = {
        "teacher:bert-base/size:paper/infer/batch:1/real_time": {"real_time": 240.0, "parameters": 110e6},
        "teacher:bert-base/size:paper/infer/batch:1/threads:2/real_time": {"real_time": 160.0},
        "student:bilstm/size:paper/infer/batch:1/real_time": {"real_time": 120.0},
        "student:bilstm/size:paper/deploy:int8/batch:1/threads:2/real_time":
            {"real_time": 8.0, "parameters": 11e6, "recurrent_weight_mb": 2.5, "label": "k"},
    }
    with tempfile.TemporaryDirectory() as archive:
        text = document.render_md(speed.deployment_blocks(rows, archive))
        # BERT at the same threads (2): 160 / 8; compression 110M / 11M.
        assert "| bilstm | int8 | 2 | 8.00 | 15.0x | 20.0x | not available | not available | 10.0x | not available | 2.50 | k |" in text, text
        assert "Accuracy as deployed: not available" in text, text
        os.makedirs(os.path.join(archive, "deployment"))
        with open(os.path.join(archive, "deployment", "latency.json"), "w") as f:
            json.dump({"benchmarks": []}, f)  # latency files are not accuracy files
        with open(os.path.join(archive, "deployment", "toy.json"), "w") as f:
            json.dump({"git_revision": ["abc"], "threads": 1, "command": "c", "margin_pts": 0.5,
                       "configurations": [{"dataset": "d", "student": "rnn", "method": "none",
                                           "precisions": {
                "int8": {"supported": True, "verdict": "holds", "ms_per_example": 0.25,
                         "accuracy_difference_pts": {"mean": -0.1, "lo": -0.3, "hi": 0.1},
                         "agreement_pct": {"mean": 99.9, "lo": 99.7, "hi": 100.1}},
                "bfloat16": {"supported": False, "reason": "no kernel"}}}]}, f)
        text = document.render_md(speed.deployment_blocks({}, archive))
        assert "| d/rnn/none | int8 | -0.10 [-0.30, +0.10] | 99.90% [99.70, 100.00] | 0.25 | holds |" in text, text
        assert "not run on this CPU: no kernel" in text, text
        assert "Not available: this speed run has no deployment benchmarks" in text, text


def test_peer_cell_blocks():
    with tempfile.TemporaryDirectory() as archive:
        assert "Not available" in document.render_md(speed.peer_cell_blocks(archive))
        os.makedirs(os.path.join(archive, "peer-cell"))
        per_seed = {str(s): {"suite_seconds": 10.0, "peer_seconds": 20.0 * (1 + s % 2),
                             "suite_epochs": 5, "peer_epochs": 5 * (1 + s % 2)}
                    for s in range(1, 6)}
        with open(os.path.join(archive, "peer-cell", "x.json"), "w") as f:
            json.dump({"dataset": "d", "student": "bilstm", "method": "soft", "per_seed": per_seed,
                       "time_ratio": {"geometric_mean": 3.0, "lo": 2.0, "hi": 4.0}, "goal": 1.3,
                       "speed_verdict": "holds", "margin_pts": 1.0, "accuracy_verdict": "holds",
                       "accuracy_difference_pts": {"mean": 0.2, "lo": -0.5, "hi": 0.9},
                       "git_revision": ["0123456789abcdef"]}, f)
        text = document.render_md(speed.peer_cell_blocks(archive))
        # Per epoch the peer is 2x in every seed (twice the time, where it ran twice the epochs).
        assert "| d/bilstm/soft | 5 | 10.0 | 40.0 | 3.00x [2.00, 4.00] | 2.00x [2.00, 2.00] (whole processes) | ≥ 1.3x: holds | +0.20 [-0.50, +0.90] | within ±1.0: holds | 0123456789ab |" in text, text


def test_precision_blocks():
    with tempfile.TemporaryDirectory() as archive:
        for side, folder in (("teacher", "teacher-precision"), ("student", "student-precision")):
            assert f"no `results/{folder}/` comparison" in document.render_md(
                speed.precision_blocks(archive, side))
        os.makedirs(os.path.join(archive, "student-precision"))
        with open(os.path.join(archive, "student-precision", "x.json"), "w") as f:
            json.dump({"what": "students in bfloat16", "run": "runs/b", "reference": "runs/f",
                       "git_revision": "0123456789abcdef", "run_git_revisions": ["0123456789ab"],
                       "reference_git_revisions": ["0123456789ab"], "rule": "r",
                       "verdict": "within seed noise",
                       "configurations": [{
                           "configuration": "d/base/all/bilstm/none/joint",
                           "float32_accuracy": {"1": 90.0, "2": 92.0},
                           "bfloat16_accuracy": {"1": 90.5, "2": 91.5},
                           "difference_pts": {"mean": 0.0, "lo": -0.4, "hi": 0.4, "n": 2},
                           "float32_seed_sd_pts": 1.41, "verdict": "within seed noise"}],
                       "stages": [{"stage": "student cell d", "n": 2, "float32_seconds": 200.0,
                                   "bfloat16_seconds": 100.0, "float32_epochs": 10,
                                   "bfloat16_epochs": 10,
                                   "speedup": {"geometric_mean": 2.0, "lo": 1.5, "hi": 2.5},
                                   "speedup_per_epoch": {"geometric_mean": 2.0, "lo": 1.5,
                                                         "hi": 2.5}}]}, f)
        text = document.render_md(speed.precision_blocks(archive, "student"))
        assert "Students in bfloat16" in text and "**within seed noise**" in text, text
        assert "| d/base/all/bilstm/none/joint | 2 | 91.00 | 91.00 | +0.00 [-0.40, +0.40] | 1.41 | within seed noise |" in text, text
        # The teachers' block reads only its own folder.
        assert "Not available" in document.render_md(speed.precision_blocks(archive, "teacher"))


if __name__ == "__main__":
    report_testing.run_tests(globals())
