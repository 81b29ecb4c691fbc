"""The report's speed blocks added for issue 8, on made-up inputs.

usage: make_report_speed_test.py PATH/TO/make_report.py

- lstm_kernel_blocks: LibTorch's LSTM layer against the other formulations,
  from speed.json rows; nothing when the rows are missing.
- grid_timing_blocks: cold grid runs from results/grid-timing/*/manifest.json,
  the last run that computed cells in each (a warm rerun computes none),
  speed-up against the earliest.
"""
import importlib.util
import json
import os
import subprocess
import sys
import tempfile


def load_module(path):
    spec = importlib.util.spec_from_file_location("make_report", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def row(ms, share):
    return {"real_time": ms, "share_of_peak": share}


def test_lstm_kernel_blocks(report):
    speed = {
        "lstm-layer:libtorch/size:paper/train/batch:64/real_time": row(1200.0, 0.5),
        "lstm-layer:bptt/size:paper/train/batch:64/real_time": row(1000.0, 0.6),
        "lstm-layer:hoisted/size:paper/train/batch:64/real_time": row(4800.0, 0.125),
    }
    text = report.render_md(report.lstm_kernel_blocks(speed))
    assert "| paper train | hand-written backward through time (the students' LSTM) | 1200.0 | 1000.0 | 1.20x | 50.0% → 60.0% |" in text, text
    assert "| paper train | input projection hoisted, LibTorch's autograd | 1200.0 | 4800.0 | 0.25x |" in text, text
    assert "mini" not in text.split("\n", 2)[-1], "rows for sizes that did not run"
    assert report.lstm_kernel_blocks({}) == [], "a block without rows"


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


def test_grid_timing_blocks(report):
    with tempfile.TemporaryDirectory() as temp:
        results = os.path.join(temp, "results", "mini")
        os.makedirs(results)
        assert report.grid_timing_blocks(os.path.dirname(results)) == [], "no grid-timing directory: no block"
        timing = os.path.join(temp, "results", "grid-timing")
        # The earlier directory holds a cold run, a warm rerun and a second
        # cold one: the last cold run counts.
        write_manifest(timing, "a-before", [run("2026-01-01T10:00:00Z", "aaaa", 102, 1300.0),
                                            run("2026-01-01T10:30:00Z", "aaaa", 0, 0.1),
                                            run("2026-01-01T11:00:00Z", "bbbb", 102, 1200.0)])
        assert report.grid_timing_blocks(os.path.dirname(results)) == [], "one run: nothing to compare"
        write_manifest(timing, "b-after", [run("2026-01-02T10:00:00Z", "cccc", 102, 800.0)])
        text = report.render_md(report.grid_timing_blocks(os.path.dirname(results)))
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
        text = report.render_md(report.grid_timing_blocks(os.path.dirname(results)))
        assert f"| Other CPU | 2026-01-04T10:00:00Z | `{old[:12]}` | 102 | 1000.0 | 1.00x |" in text, text
        assert f"| Other CPU | 2026-01-03T10:00:00Z | `{new[:12]}` | 102 | 500.0 | 2.00x |" in text, text
        assert "| not recorded | 2026-01-02T10:00:00Z | `cccc` | 102 | 800.0 | 1.50x |" in text, text
        assert "Third CPU" not in text, "a CPU with one run has nothing to compare"


def main():
    report = load_module(sys.argv[1])
    test_lstm_kernel_blocks(report)
    test_grid_timing_blocks(report)
    print("ok: lstm_kernel_blocks, grid_timing_blocks")


if __name__ == "__main__":
    main()
