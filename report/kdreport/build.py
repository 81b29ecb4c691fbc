"""Builds the report: loads a run, computes its verdicts and writes
report.md, report.html and plots/."""

import os

from .cost import run_cost, run_cost_blocks
from .document import render_html, render_md, toc_blocks, with_anchors
from .grouping import Index
from .load import load_paper, load_run
from .plots import plot_blocks
from .preconditions import precondition_blocks
from .provenance import provenance_blocks
from .reference import reference_blocks
from .sections import table_sections
from .speed import latest_bench_run, latest_gpu_run, latest_optimizations_run, speed_blocks
from .summary import header_blocks, verdict_blocks, verdict_summary_blocks
from .verdicts import compute_verdicts


# The repository's results/: speed history, GPU runs, grid timings.
ARCHIVE = os.path.join(
    os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "results")


def build(results, out, paper_path, reference_dir=None, archive=ARCHIVE):
    """Writes OUT/report.md, OUT/report.html and OUT/plots/; returns the
    reference check's one-line summary (None without a reference) and
    whether the run disagrees with the reference."""
    manifest, grids, runs = load_run(results)
    paper = load_paper(paper_path)
    index = Index(runs.values())
    plot_dir = os.path.join(out, "plots")
    os.makedirs(plot_dir, exist_ok=True)
    for old in sorted(os.listdir(plot_dir)):
        if old.endswith(".png"):  # stale plots from an earlier run
            os.remove(os.path.join(plot_dir, old))
    verdicts = compute_verdicts(index, paper)
    run_time_summary = run_cost(results)
    header, facts = header_blocks(manifest, runs, index, run_time_summary)
    if reference_dir and os.path.realpath(reference_dir) == os.path.realpath(results):
        reference_dir = None  # the reference's own report
    check, check_line, check_failed = reference_blocks(runs, reference_dir)
    body = with_anchors(check + precondition_blocks(index)
                        + verdict_summary_blocks(verdicts)
                        + table_sections(grids, runs, index, paper, plot_dir)
                        + verdict_blocks(verdicts)
                        + plot_blocks(index, plot_dir)
                        + speed_blocks(latest_bench_run(archive),
                                       latest_optimizations_run(archive),
                                       latest_gpu_run(archive), paper, runs, archive)
                        + run_cost_blocks(run_time_summary)
                        + provenance_blocks(manifest, grids, runs, results, facts))
    blocks = header + toc_blocks(body) + body
    title = f"kd-bench report: profile {manifest.get('profile', 'unknown')}"
    with open(os.path.join(out, "report.md"), "w", encoding="utf-8") as f:
        f.write(render_md(blocks))
    with open(os.path.join(out, "report.html"), "w", encoding="utf-8") as f:
        f.write(render_html(blocks, title, plot_dir))
    return check_line, check_failed
