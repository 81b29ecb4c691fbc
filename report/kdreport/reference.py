"""The run against the committed reference run of its profile
(report/reference_check.py)."""

import os

import reference_check as rc

from .document import H, P, T
from .load import load_run


def reference_blocks(runs, reference_dir):
    """The run against the committed reference run of its profile: (blocks,
    the one-line summary the command prints, whether the run disagrees)."""
    if not reference_dir:
        return [], None, False
    if not os.path.isfile(os.path.join(reference_dir, "manifest.json")):
        line = f"reference check: no reference run at {reference_dir}; nothing compared"
        return [H(2, "Agreement with the reference run", "reference"), P(line)], line, False
    _, _, reference = load_run(reference_dir)
    result = rc.compare({k: (r["record"], r["metrics"]) for k, r in runs.items()},
                        {k: (r["record"], r["metrics"]) for k, r in reference.items()})
    line = rc.summary_line(result, reference_dir)
    failed = result["verdict"] in ("differs", "disagrees beyond seed noise")
    blocks = [H(2, "Agreement with the reference run", "reference"),
              P(f"**{line[len('reference check: '):]}**"),
              P("Cells are matched by what they compute (profile, cell, settings), whatever "
                "the code version. On the reference's kernels (BLAS build, LibTorch's CPU "
                "capability, threads, LibTorch version, device) a matched cell must be "
                "bit-identical: test and dev metrics and learning curves. Elsewhere each "
                "configuration's mean paired difference in test accuracy is compared with "
                f"{rc.AGREEMENT_Z} standard errors of a difference of two n-seed means, from the "
                f"reference's seed standard deviation over all its seeds of that configuration "
                f"(a configuration the reference has one seed of: within "
                f"{rc.SINGLE_SEED_TOLERANCE_PP:g} points); the run agrees when at least "
                f"{rc.AGREEMENT_SHARE:.0%} of the configurations do.")]
    rows = [("this run", "; ".join(rc.describe_class(c) for c in result["run_classes"])),
            ("the reference", "; ".join(rc.describe_class(c) for c in result["reference_classes"])),
            ("cells matched", f"{len(result['pairs'])} ({result['same_class']} on the same kernels); "
             f"{len(result['unmatched'])} of this run not in the reference"),
            ("bit-identical", f"{result['identical']} of {len(result['pairs'])}")]
    blocks.append(T(["kernels and counts", ""], rows))
    differing = [g for g in result["groups"] if g["max_abs_delta"] > 0]
    if differing:
        blocks.append(P("Configurations whose test accuracy differs from the reference's "
                        "(run − reference, percentage points):"))
        blocks.append(T(["configuration", "seeds", "per cell (by seed)", "mean difference",
                         "largest |difference|", "seed-noise bound", "within"],
                        [(g["name"], g["seeds"], ", ".join(f"{d:+.2f}" for d in g["deltas"]),
                          f"{g['mean_delta']:+.2f}", f"{g['max_abs_delta']:.2f}",
                          f"±{g['bound']:.2f}", "yes" if g["agrees"] else "**no**")
                         for g in differing]))
    if result["unmatched"]:
        shown = result["unmatched"][:10]
        blocks.append(P("Not in the reference: " + ", ".join(f"`{n}`" for n in shown)
                        + (f" and {len(result['unmatched']) - len(shown)} more"
                           if len(result["unmatched"]) > len(shown) else "") + "."))
    return blocks, line, failed
