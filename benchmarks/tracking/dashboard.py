"""The nightly dashboard: one static, self-contained HTML page (plots
embedded as PNG) made with matplotlib, in the style of asv: the latest
run's regressions on top, then one trend plot per benchmark across the runs
(instruction counts, wall time with the repetitions' range, share of the
matmul peak, smoke accuracy), then every run with links to its files."""

import base64
import html
import io
import os
import statistics

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from history import Run, repetitions, run_names  # noqa: E402

REGRESSION_COLOUR = "#c0392b"
SERIES_COLOURS = ["#1f77b4", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"]


def _png(fig):
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=72)
    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def _label(run):
    return f"{run.name[4:8]} {run.name[9:13]}\n{run.revision[:7]}"


def _trend(title, runs, values, ylabel, flagged=(), spreads=None, cpu_of=None):
    """A small plot: one point per run that has the value, runs in order on
    x, points of another CPU model in another colour, flagged runs in red."""
    fig, ax = plt.subplots(figsize=(4.6, 2.5))
    xs = [i for i, v in enumerate(values) if v is not None]
    models = sorted({cpu_of[i] for i in xs}) if cpu_of else []
    for colour_index, model in enumerate(models or [None]):
        idx = [i for i in xs if not cpu_of or cpu_of[i] == model]
        colour = SERIES_COLOURS[colour_index % len(SERIES_COLOURS)]
        ys = [values[i] for i in idx]
        if spreads:
            low = [values[i] - spreads[i][0] for i in idx]
            high = [spreads[i][1] - values[i] for i in idx]
            ax.errorbar(idx, ys, yerr=[low, high], fmt="o-", ms=3, lw=1, color=colour,
                        capsize=2, label=model)
        else:
            ax.plot(idx, ys, "o-", ms=3, lw=1, color=colour, label=model)
    bad = [i for i in xs if runs[i].name in flagged]
    if bad:
        ax.plot(bad, [values[i] for i in bad], "o", ms=7, mfc="none", mec=REGRESSION_COLOUR,
                mew=2, label="flagged")
    ax.set_title(title, fontsize=8)
    ax.set_ylabel(ylabel, fontsize=7)
    ax.tick_params(labelsize=6)
    ax.set_xticks(range(len(runs)))
    ax.set_xticklabels([_label(r) if i in xs else "" for i, r in enumerate(runs)], fontsize=5)
    ax.set_xlim(-0.5, len(runs) - 0.5)
    if len(models) > 1 or bad:
        ax.legend(fontsize=5, loc="best")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return _png(fig)


def _flagged(runs, kind, key, name):
    """Runs whose summary flags this benchmark (or workload, or cell)."""
    out = set()
    for run in runs:
        for r in (run.summary or {}).get("regressions", []):
            if r.get("kind") == kind and r.get(key) == name:
                out.add(run.name)
    return out


def _smoke_accuracy(run):
    records = [r for r in run.smoke_records().values()
               if r.get("status") == "ok" and r.get("kind") != "teacher"]
    accs = [100 * r["result"]["test_accuracy"] for r in records
            if isinstance((r.get("result") or {}).get("test_accuracy"), (int, float))]
    return (statistics.fmean(accs), len(accs)) if accs else (None, 0)


def _table(headers, rows):
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def _regression_rows(summary):
    rows = []
    for r in summary.get("regressions", []):
        kind = r.get("kind")
        if kind == "instructions":
            what = r["workload"]
            detail = ", ".join(f"{label} {r[k]:+.2%}" for label, k in
                               (("vs previous", "change_previous"),
                                ("vs baseline", "change_baseline")) if k in r)
        elif kind == "speed":
            what = r["benchmark"]
            detail = ", ".join(
                f"{label} {r[f'change_{w}']:+.1%} (U test p={r.get(f'p_{w}')})"
                for label, w in (("vs previous", "previous"), ("vs baseline", "baseline"))
                if w in r.get("slower_than", []))
        else:
            what = r.get("cell", "")
            detail = r.get("what", "") + (f", {r['change_points']:+.2f} points"
                                          if isinstance(r.get("change_points"), (int, float))
                                          else "")
        rows.append([html.escape(kind or ""), html.escape(what), html.escape(detail)])
    return rows


def render(history, out_path):
    """Writes the dashboard for every run of `history` to out_path."""
    runs = [Run(history, n) for n in run_names(history)]
    out_dir = os.path.dirname(os.path.abspath(out_path))
    parts = ["<!DOCTYPE html><html><head><meta charset='utf-8'>",
             "<title>kd-bench nightly history</title><style>",
             "body{font-family:sans-serif;margin:20px;color:#222}",
             "img{margin:4px;border:1px solid #ddd}",
             "table{border-collapse:collapse;font-size:12px;margin:8px 0}",
             "td,th{border:1px solid #ccc;padding:3px 6px;text-align:left}",
             ".bad{color:#c0392b;font-weight:bold}.ok{color:#1e8449;font-weight:bold}",
             "</style></head><body><h1>kd-bench nightly history</h1>"]
    if not runs:
        parts.append("<p>No runs yet: <code>./kdbench nightly</code> makes the first.</p>")
    else:
        latest = runs[-1]
        summary = latest.summary or {}
        regressions = summary.get("regressions", [])
        verdict = (f"<span class='bad'>{len(regressions)} regression(s)</span>" if regressions
                   else "<span class='ok'>no regression</span>")
        parts.append(f"<h2>Latest run: {html.escape(latest.name)}</h2><p>{verdict}; revision "
                     f"<code>{html.escape(latest.revision)}</code>, CPU "
                     f"{html.escape(latest.cpu_model)}; compared with "
                     f"{html.escape(str(summary.get('previous')))} and a rolling baseline of "
                     f"{summary.get('baseline_runs', 0)} run(s) on the same CPU model.</p>")
        if regressions:
            rows = _regression_rows(summary)
            if len(rows) > 20:
                rows = rows[:20] + [["", f"... and {len(rows) - 20} more (the run's summary.json)",
                                     ""]]
            parts.append(_table(["kind", "what", "change"], rows))
        unstable = summary.get("unstable", [])
        if unstable:
            parts.append("<p>Unstable (repetitions, or the medians from run to run, spread "
                         "more than the threshold, so not judged): " + ", ".join(
                             f"{html.escape(u['benchmark'])} (cv {u['cv']:.1%}, run to run "
                             f"{u.get('run_to_run', 0):.1%})" for u in unstable) + "</p>")
        for line in summary.get("lines", []):
            parts.append(f"<pre>{html.escape(line)}</pre>")

        cpu_of = [r.cpu_model for r in runs]
        parts.append("<h2>Instructions (callgrind, fixed workloads)</h2>")
        workloads = sorted({w for r in runs for w in ((r.instructions or {}).get("instructions")
                                                        or {})})
        if not workloads:
            parts.append("<p>No run has instruction counts yet.</p>")
        for w in workloads:
            values = [((r.instructions or {}).get("instructions") or {}).get(w) for r in runs]
            values = [v / 1e6 if v is not None else None for v in values]
            parts.append(f"<img alt='{html.escape(w)}' src='" + _trend(
                w, runs, values, "million instructions",
                _flagged(runs, "instructions", "workload", w)) + "'>")

        parts.append("<h2>Smoke accuracy</h2>")
        accuracy = [_smoke_accuracy(r) for r in runs]
        parts.append("<img alt='smoke accuracy' src='" + _trend(
            "mean test accuracy of the smoke grid's students", runs,
            [a for a, _ in accuracy], "%",
            {r.name for r in runs if any(x.get("kind") == "accuracy"
                                         for x in (r.summary or {}).get("regressions", []))})
            + "'>")
        parts.append("<img alt='smoke cells' src='" + _trend(
            "smoke student cells that finished", runs,
            [n if n else None for _, n in accuracy], "cells") + "'>")

        parts.append("<h2>Wall time (median of the repetitions; bars: their range)</h2>")
        reps = [repetitions(r.speed) for r in runs]
        shares = [_shares(r.speed) for r in runs]
        names = sorted({n for rr in reps for n in rr})
        for name in names:
            values = [statistics.median(rr[name]) if name in rr else None for rr in reps]
            spreads = [(min(rr[name]), max(rr[name])) if name in rr else None for rr in reps]
            parts.append(f"<img alt='{html.escape(name)}' src='" + _trend(
                name, runs, values, "ms", _flagged(runs, "speed", "benchmark", name),
                spreads, cpu_of) + "'>")
            share = [s.get(name) for s in shares]
            if any(v is not None for v in share):
                parts.append(f"<img alt='share of peak {html.escape(name)}' src='" + _trend(
                    f"{name}: share of the matmul peak", runs, share, "share", (), None,
                    cpu_of) + "'>")

    parts.append("<h2>Runs</h2>")
    rows = []
    for run in reversed(runs):
        links = " ".join(
            f"<a href='{html.escape(os.path.relpath(os.path.join(run.dir, f), out_dir))}'>{f}</a>"
            for f in sorted(os.listdir(run.dir)))
        n = len((run.summary or {}).get("regressions", []))
        rows.append([html.escape(run.name), html.escape(run.cpu_model),
                     (f"<span class='bad'>{n}</span>" if n else "0") if run.summary else "-",
                     links])
    parts.append(_table(["run", "CPU", "regressions", "files"], rows))
    parts.append("</body></html>")
    os.makedirs(out_dir, exist_ok=True)
    with open(out_path, "w") as f:
        f.write("\n".join(parts))


def _shares(speed):
    """Benchmark name -> median share of the matmul peak, where measured."""
    out = {}
    for row in (speed or {}).get("benchmarks", []):
        if row.get("run_type") == "aggregate" or "share_of_peak" not in row:
            continue
        out.setdefault(row.get("run_name") or row["name"], []).append(row["share_of_peak"])
    return {k: statistics.median(v) for k, v in out.items()}
