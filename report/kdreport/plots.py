"""Plots. Each returns the file name written, or None when there is no data."""

import math
import os
import re

from .document import H, IMG, P
from .formatting import dataset_title
from .grouping import dataset_classes, distinct_ok_runs, group_stats, majority_and_chance
from .vocab import LABELS_ORDER, METHOD_ORDER, large_teacher


def _import_matplotlib():
    """matplotlib's pyplot with the Agg backend (no display); make_report.py
    has already made sure the interpreter has matplotlib."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    return plt


plt = _import_matplotlib()
from matplotlib.lines import Line2D  # noqa: E402  (only after the Agg switch)
from matplotlib.ticker import MaxNLocator  # noqa: E402


METHOD_STYLE = {  # label, colour, marker
    "none": ("no distil.", "#7f7f7f", "o"),
    "hard": ("hard", "#1f77b4", "s"),
    "soft+repr": ("soft (soft+repr)", "#d62728", "^"),
    "teacher": ("teacher (large)", "#2ca02c", "D"),
}


def save(fig, plot_dir, name):
    # No "Software" metadata: the PNG bytes then do not change with the
    # matplotlib version, only with the data.
    fig.savefig(os.path.join(plot_dir, name), dpi=100, metadata={"Software": None})
    plt.close(fig)
    return name


def plot_accuracy_vs_labels(index, plot_dir):
    datasets = index.datasets()
    if not datasets:
        return None
    # At least 9 inches wide so that the title fits one panel; the legend
    # goes below the panels, never over the data.
    fig, axes = plt.subplots(1, len(datasets), figsize=(max(9.0, 5.6 * len(datasets)), 5.2),
                             squeeze=False)
    any_point = False
    for ax, ds in zip(axes[0], datasets):
        for i, method in enumerate(METHOD_ORDER):
            label, colour, marker = METHOD_STYLE[method]
            xs, ys, es = [], [], []
            for j, labels in enumerate(LABELS_ORDER):
                s = index.stat(ds, method, labels, teacher=large_teacher(labels))
                # Small offsets keep the error bars of methods apart; a
                # missing budget is NaN, a gap rather than a line across it.
                xs.append(j + (i - 1.5) * 0.06)
                ys.append(s.mean if s.ok else float("nan"))
                # Error bars: the mean's 95% t interval (none for n = 1).
                es.append((s.hi - s.mean if s.lo is not None else 0.0) if s.ok
                          else float("nan"))
            if any(not math.isnan(y) for y in ys):
                any_point = True
                ax.errorbar(xs, ys, yerr=es, label=label, color=colour, marker=marker,
                            capsize=3, linewidth=1.5)
        for j, labels in enumerate(LABELS_ORDER):
            # Say so where a whole label budget is missing (fortunes at 500).
            if not any(index.stat(ds, m, labels, teacher=large_teacher(labels)).ok
                       for m in METHOD_ORDER):
                ax.text(j, 0.5, "not available", transform=ax.get_xaxis_transform(),
                        ha="center", va="center", color="#888888", rotation=90)
        majority, chance = majority_and_chance(index, ds)
        for level, name, style in ((majority, "majority class", "--"),
                                   (chance, "chance (1 / classes)", ":")):
            if level is not None:
                ax.axhline(level, color="#555555", linestyle=style, linewidth=1.2, label=name)
        ax.set_xticks(range(len(LABELS_ORDER)))
        ax.set_xticklabels(LABELS_ORDER, fontsize=11)
        ax.tick_params(axis="y", labelsize=11)
        ax.set_xlim(-0.4, len(LABELS_ORDER) - 0.6)
        ax.set_xlabel("labeled examples per class", fontsize=11)
        ax.set_ylabel("test accuracy (%)", fontsize=11)
        ax.set_title(dataset_title(ds, dataset_classes(index, ds)), fontsize=12)
        ax.grid(alpha=0.3)
    if not any_point:
        plt.close(fig)
        return None
    handles, labels = axes[0][0].get_legend_handles_labels()
    for ax in axes[0][1:]:
        h, l = ax.get_legend_handles_labels()
        for hh, ll in zip(h, l):
            if ll not in labels:
                handles.append(hh)
                labels.append(ll)
    fig.legend(handles, labels, loc="lower center", ncol=min(len(labels), 6), frameon=False,
               fontsize=10)
    fig.suptitle("Accuracy vs labels per class (Large teacher; no distil. at 'all' from "
                 "Table 5)\nerror bars: 95% t interval of the mean over seeds", fontsize=12)
    fig.tight_layout(rect=(0, 0.1, 1, 0.9))
    return save(fig, plot_dir, "accuracy_vs_labels.png")


CURVE_SERIES = [  # (label, method, schedule)
    ("no distil.", "none", "joint"),
    ("hard", "hard", "joint"),
    ("soft, joint", "soft+repr", "joint"),
    ("soft, stagewise", "soft+repr", "stagewise"),
    ("soft, distil-once", "soft+repr", "distil-once"),
    ("teacher fine-tune", "teacher", ""),
]


def curve_run(index, ds, method, schedule):
    """Seed 1's run at 100 labels (the smallest seed if seed 1 is absent),
    with Table 11's teacher: the in-domain Large one, or the Large one in
    runs that have no in-domain role."""
    for role in ("large-in-domain", "large"):
        runs = index.find(ds, method, "100", teacher=role, exact=True,
                          schedule=None if method == "teacher" else schedule)
        ok = sorted((r for r in runs or [] if r["status"] == "ok" and r.get("phases")),
                    key=lambda r: (r["seed"] != 1, r["seed"], r["key"]))
        if ok:
            return ok[0]
    return None


def plot_learning_curves(index, plot_dir):
    datasets = [ds for ds in index.datasets()
                if any(curve_run(index, ds, m, s) for _, m, s in CURVE_SERIES)]
    if not datasets:
        return None
    has_loss = any(ph["selection"] != "dev accuracy"
                   for ds in datasets for _, m, s in CURVE_SERIES
                   for ph in (curve_run(index, ds, m, s) or {}).get("phases", []))
    ncol = 2 if has_loss else 1
    fig, axes = plt.subplots(len(datasets), ncol, figsize=(6.5 * ncol, 3.8 * len(datasets)),
                             squeeze=False)
    colours = plt.get_cmap("tab10")
    for row, ds in enumerate(datasets):
        for i, (label, method, schedule) in enumerate(CURVE_SERIES):
            run = curve_run(index, ds, method, schedule)
            if not run:
                continue
            # Phases follow each other on one epoch axis.
            start = 0
            acc_x, acc_y, loss_x, loss_y = [], [], [], []
            for ph in run["phases"]:
                xs = list(range(start + 1, start + len(ph["curve"]) + 1))
                if ph["selection"] == "dev accuracy":
                    acc_x += xs + [float("nan")]
                    acc_y += [100 * v for v in ph["curve"]] + [float("nan")]
                else:
                    loss_x += xs + [float("nan")]
                    loss_y += ph["curve"] + [float("nan")]
                start += len(ph["curve"])
            tag = f"{label} (seed {run['seed']})"  # the legend shows the label alone
            if acc_x:
                axes[row][0].plot(acc_x, acc_y, marker="o", markersize=3,
                                  color=colours(i), label=tag)
            if loss_x and has_loss:
                axes[row][1].plot(loss_x, loss_y, marker="o", markersize=3,
                                  color=colours(i), label=tag)
        axes[row][0].set_title(f"{ds}: dev accuracy per epoch (100 labels/class)")
        axes[row][0].set_ylabel("dev accuracy (%)")
        if has_loss:
            axes[row][1].set_title(f"{ds}: held-out transfer loss (stage 1 phases)")
            axes[row][1].set_ylabel("held-out transfer loss")
        majority, _ = majority_and_chance(index, ds)
        if majority is not None:
            axes[row][0].axhline(majority, color="#555555", linestyle="--", linewidth=1.2,
                                 label="majority class (test)")
        for ax in axes[row]:
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
            ax.set_xlabel("epoch (phases in sequence)", fontsize=11)
            ax.tick_params(labelsize=10)
            ax.grid(alpha=0.3)
    # One legend for every panel, below them: none covers a curve.
    handles, labels = [], []
    for ax in axes.flat:
        for h, l in zip(*ax.get_legend_handles_labels()):
            name = re.sub(r" \(seed \d+\)$", "", l)
            if name not in labels:
                handles.append(h)
                labels.append(name)
    fig.legend(handles, labels, loc="lower center", ncol=min(len(labels), 4), frameon=False,
               fontsize=10)
    fig.tight_layout(rect=(0, 0.06 + 0.04 * ((len(labels) - 1) // 4), 1, 1))
    return save(fig, plot_dir, "learning_curves.png")


def plot_pretraining(index, plot_dir):
    """Each teacher's MLM loss per pre-training epoch against the unigram
    entropy of its corpus (the loss of knowing token frequencies only)."""
    curves = {}
    for runs in index.groups.values():
        for r in runs:
            pre = r.get("pretrain") or {}
            if r["kind"] == "teacher" and r["status"] == "ok" and pre.get("mlm_loss_per_epoch"):
                # General epochs, then the in-domain ones; the entropy line
                # is the last stage's corpus.
                general = pre.get("general_mlm_loss_per_epoch") or []
                curves.setdefault((r["dataset"], r["teacher"]),
                                  (general + pre["mlm_loss_per_epoch"],
                                   pre.get("unigram_entropy"), len(general)))
    if not curves:
        return None
    datasets = sorted({ds for ds, _ in curves})
    fig, axes = plt.subplots(1, len(datasets), figsize=(max(7.0, 5.6 * len(datasets)), 4.6),
                             squeeze=False)
    colours = {"base": "#17becf", "large": "#2ca02c", "large-in-domain": "#d62728",
               "base-in-domain": "#9467bd"}
    for ax, ds in zip(axes[0], datasets):
        for (d, role), (losses, entropy, general) in sorted(curves.items()):
            if d != ds:
                continue
            colour = colours.get(role, "#7f7f7f")
            ax.plot(range(1, len(losses) + 1), losses, marker="o", color=colour,
                    label=f"{role}: MLM loss")
            if general:
                ax.axvline(general + 0.5, color=colour, linestyle=":", linewidth=1.2,
                           label=f"{role}: general | in-domain MLM")
            if entropy is not None:
                ax.axhline(entropy, color=colour, linestyle="--", linewidth=1.2,
                           label=f"{role}: unigram entropy")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlabel("pre-training epoch", fontsize=11)
        ax.set_ylabel("loss (nats)", fontsize=11)
        ax.set_title(f"{ds}: teacher MLM pre-training", fontsize=12)
        ax.grid(alpha=0.3)
    handles, labels = [], []
    for ax in axes.flat:
        for h, l in zip(*ax.get_legend_handles_labels()):
            if l not in labels:
                handles.append(h)
                labels.append(l)
    columns = min(len(labels), 2)
    fig.legend(handles, labels, loc="lower center", ncol=columns, frameon=False, fontsize=10)
    fig.tight_layout(rect=(0, 0.07 * ((len(labels) + columns - 1) // columns), 1, 1))
    return save(fig, plot_dir, "teacher_pretraining.png")


PARAM_SERIES = [  # (label, method, student, teacher role, colour)
    ("RNN", "none", "rnn", "base", "#8c564b"),
    ("no distil.", "none", "bilstm", "base", "#7f7f7f"),
    ("distil. [base]", "soft+repr", "bilstm", "base", "#ff7f0e"),
    ("distil. [large]", "soft+repr", "bilstm", "large", "#d62728"),
    ("teacher base", "teacher", "", "base", "#17becf"),
    ("teacher large", "teacher", "", "large", "#2ca02c"),
]
DATASET_MARKERS = ["o", "s", "^", "D", "v", "P", "X"]


def total_params(run):
    if run["kind"] == "teacher":
        return run.get("teacher_params", (None, None))[0]
    emb, non = run.get("student_params", (None, None))
    return emb + non if emb is not None and non is not None else None


def plot_accuracy_vs_params(index, plot_dir):
    fig, ax = plt.subplots(figsize=(8.5, 5.2))
    points = 0
    for d_i, ds in enumerate(index.datasets()):
        marker = DATASET_MARKERS[d_i % len(DATASET_MARKERS)]
        for label, method, student, role, colour in PARAM_SERIES:
            runs = index.find(ds, method, "all", teacher=role, student=student or None)
            if not runs:
                continue
            s = group_stats(runs)
            params = sorted({p for p in (total_params(r) for r in distinct_ok_runs(runs))
                             if p})
            if not s.ok or not params:
                continue
            ax.errorbar([params[0]], [s.mean], yerr=[s.std or 0.0], marker=marker,
                        color=colour, markersize=8, capsize=3, linestyle="none")
            points += 1
    if not points:
        plt.close(fig)
        return None
    ax.set_xscale("log")
    ax.set_xlabel("parameters (log scale)")
    ax.set_ylabel("test accuracy (%), all labels")
    ax.set_title("Compression trade-off: accuracy vs parameters")
    ax.grid(alpha=0.3, which="both")
    # Two legends: colour = model, marker = dataset.
    models = [Line2D([], [], color=c, marker="o", linestyle="none", label=l)
              for l, _, _, _, c in PARAM_SERIES]
    sets = [Line2D([], [], color="black", marker=DATASET_MARKERS[i % len(DATASET_MARKERS)],
                   linestyle="none", label=ds) for i, ds in enumerate(index.datasets())]
    first = ax.legend(handles=models, loc="upper left", bbox_to_anchor=(1.01, 1),
                      title="model", fontsize=8)
    ax.add_artist(first)
    ax.legend(handles=sets, loc="lower left", bbox_to_anchor=(1.01, 0), title="dataset",
              fontsize=8)
    fig.tight_layout()
    return save(fig, plot_dir, "accuracy_vs_parameters.png")


def plot_blocks(index, plot_dir):
    blocks = [H(2, "Plots", "plots")]
    specs = [
        (plot_accuracy_vs_labels, "Accuracy vs labels per class",
         "Test accuracy at 100, 500 and all labels per class for each method (Large "
         "teacher), one panel per dataset, with the majority-class and chance levels; error "
         "bars are the mean's 95% t interval over seeds."),
        (plot_learning_curves, "Learning curves",
         "The dev selection metric per epoch of every phase, for one seed (seed 1) of each "
         "method at 100 labels (Table 11 and 12 cells), per dataset, with the test split's "
         "majority-class level. Stage-1 phases select on the held-out transfer loss and are "
         "drawn apart from the dev accuracy."),
        (plot_pretraining, "Teacher pre-training",
         "Each teacher's masked-LM loss per pre-training epoch against the unigram entropy of "
         "its corpus (dashed): the loss of a model that knows only how often each token "
         "occurs. A teacher whose loss stays near that line has learned little language."),
        (plot_accuracy_vs_params, "Accuracy vs parameters",
         "Teachers and students at all labels: the compression trade-off (log x)."),
    ]
    for fn, title, text in specs:
        blocks.append(H(3, title))
        name = fn(index, plot_dir)
        if name:
            blocks += [P(text), IMG(name, title)]
        else:
            blocks.append(P("No data for this plot in this run."))
    return blocks
