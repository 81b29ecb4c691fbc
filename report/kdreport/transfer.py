"""The transfer-set sweep (benchmarks/grids/transfer.toml): the paper's premise
that distillation's gain comes from the unlabeled data."""

import statistics

from .document import H, IMG, P, T
from .formatting import fmt_ci, fmt_seed_values, fmt_stat
from .grouping import group_stats
from .plots import plt, save
from .tables import setup_blocks
from .verdicts import interval_side, paired_part


TRANSFER_METHODS = [("hard", "hard", "#1f77b4", "s"), ("soft+repr", "soft (soft+repr)", "#d62728", "^")]


def transfer_groups(grid, runs):
    """{(dataset, method, transfer): [runs]} of the grid's distilled cells,
    and {dataset: [runs]} of its no-distil cells."""
    swept, none = {}, {}
    for k in sorted(set(grid["keys"])):
        r = runs[k]
        if r.get("transfer") is not None:
            swept.setdefault((r["dataset"], r["method"], r["transfer"]), []).append(r)
        elif r["method"] == "none":
            none.setdefault(r["dataset"], []).append(r)
    return swept, none


def transfer_label(t):
    return "all" if t == 0 else f"{t:,}"


def transfer_size(members):
    """The transfer examples the cells actually used (mean over seeds)."""
    sizes = [r["transfer_examples"] for r in members
             if r["status"] == "ok" and r.get("transfer_examples") is not None]
    return statistics.fmean(sizes) if sizes else None


def transfer_gains(swept, none):
    """(dataset, method, transfer) -> (paired gain over none, transfer examples
    used), in order of size within each dataset and method."""
    gains = {}
    for (ds, method, t), members in sorted(swept.items(), key=lambda kv: (
            kv[0][0], kv[0][1], transfer_size(kv[1]) or 0)):
        gains[(ds, method, t)] = (paired_part("", members, none.get(ds), (method, "none")),
                                  transfer_size(members))
    return gains


def plot_transfer_gains(gains, plot_dir):
    datasets = sorted({k[0] for k in gains})
    if not datasets:
        return None
    fig, axes = plt.subplots(1, len(datasets), figsize=(max(7.0, 5.6 * len(datasets)), 4.8),
                             squeeze=False)
    for ax, ds in zip(axes[0], datasets):
        for method, label, colour, marker in TRANSFER_METHODS:
            xs, ys, es = [], [], []
            for (d, m, _), (part, size) in gains.items():
                if d != ds or m != method:
                    continue
                if part.delta is None or size is None:
                    continue
                xs.append(size)
                ys.append(part.delta.mean)
                es.append(part.delta.hi - part.delta.mean if part.delta.lo is not None else 0)
            if xs:
                ax.errorbar(xs, ys, yerr=es, label=label, color=colour, marker=marker,
                            capsize=3, linewidth=1.5)
        ax.axhline(0, color="#555555", linestyle="--", linewidth=1.2, label="no distil. (gain 0)")
        ax.set_xscale("log")
        ax.set_xlabel("transfer examples (log scale)", fontsize=11)
        ax.set_ylabel("accuracy gain over no distil. (points)", fontsize=11)
        ax.set_title(f"{ds}: 100 labels per class", fontsize=12)
        ax.grid(alpha=0.3, which="both")
    handles, labels = axes[0][0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=len(labels), frameon=False, fontsize=10)
    fig.suptitle("Distillation's gain vs the unlabeled transfer set\nerror bars: 95% t "
                 "interval of the paired gain over seeds", fontsize=12)
    fig.tight_layout(rect=(0, 0.1, 1, 0.88))
    return save(fig, plot_dir, "transfer_gains.png")


def transfer_blocks(grid, runs, index, plot_dir):
    blocks = [H(2, grid.get("title", grid["id"]), grid["id"])]
    if grid.get("description"):
        blocks.append(P(grid["description"]))
    blocks += setup_blocks(grid, runs)
    swept, none = transfer_groups(grid, runs)
    gains = transfer_gains(swept, none)
    rows = []
    for ds in sorted({k[0] for k in swept} | set(none)):
        n = group_stats(none.get(ds, []), "acc")
        rows.append([ds, "no distil.", "0", fmt_stat(n), fmt_ci(n) if n.ok else "", "", "",
                     fmt_seed_values(n.per_seed) if n.ok else ""])
        for (d, method, t), (part, size) in gains.items():
            if d != ds:
                continue
            s = group_stats(swept[(d, method, t)], "acc")
            rows.append([ds, method, (f"{transfer_label(t)} ({size:,.0f})" if size is not None
                                      else transfer_label(t)),
                         fmt_stat(s), fmt_ci(s) if s.ok else "",
                         "not available" if part.delta is None else f"{part.delta.mean:+.2f}",
                         "" if part.delta is None else
                         f"{fmt_ci(part.delta)}, {interval_side(part)}",
                         fmt_seed_values(s.per_seed) if s.ok else ""])
    if not rows:
        return blocks + [P("This grid lists no cells.")]
    blocks.append(T(["dataset", "method", "transfer examples (used)", "accuracy %", "95% CI",
                     "gain vs no distil.", "95% CI of the gain", "per seed (accuracy %)"], rows))
    name = plot_transfer_gains(gains, plot_dir)
    if name:
        blocks += [P("The paired gain (distilled − no distil., by seed) against the number of "
                     "transfer examples used. Reference numbers: not available (the paper "
                     "asserts this effect but does not plot it)."),
                   IMG(name, "Distillation's gain vs the transfer set")]
    return blocks
