"""The report's header (run facts), the verdict summary and the verdicts'
section."""

import paired_stats as ps

from .document import H, P, T
from .formatting import dataset_title, fmt_seconds
from .grouping import dataset_classes
from .load import metrics_hash
from .verdicts import CHANCE_MARGIN


def header_blocks(manifest, runs, index, cost=None):
    """The report's opening table and notes, and the run facts that go to the
    provenance section instead (hash, history, environment). cost is what
    report/run_time.py makes of the run's log: a run stopped and resumed
    is timed by its segments, where the manifest's seconds cover the last."""
    seeds = manifest.get("seeds")
    finished = sorted(r["finished_at"] for r in runs.values() if r["finished_at"])
    n_teacher = [r for r in runs.values() if r["kind"] == "teacher" and r["status"] == "ok"]
    fts = {r["finetune_key"] or r["key"] for r in n_teacher}
    per_seed = sorted({str(r["settings"]["teacher_per_seed"]).lower()
                       for r in runs.values() if "teacher_per_seed" in r["settings"]})
    na = sum(1 for r in runs.values() if r["status"] != "ok")
    ok = [r for r in runs.values() if r["status"] == "ok"]
    with_predictions = sum(1 for r in ok if r.get("predictions"))
    rows = [
        ("profile", manifest.get("profile", "not recorded")),
        ("git revision", f"`{manifest.get('git_revision', 'not recorded')}`"),
        ("seeds", ", ".join(str(s) for s in seeds) if isinstance(seeds, list) else str(seeds)),
        ("datasets", ", ".join(dataset_title(ds, dataset_classes(index, ds))
                               for ds in index.datasets()) or "none"),
        ("device", manifest.get("device", "not recorded")),
        ("run time", fmt_seconds(manifest.get("seconds"))
         if not cost or (cost["segments"] < 2 and not cost["pauses"]) else
         f"{fmt_seconds(cost['cold_seconds'])} cold: {cost['segments']} segments minus "
         f"{cost['pauses']} pauses (see [what this run cost](#run-cost)); the last "
         f"invocation alone {fmt_seconds(manifest.get('seconds'))}"),
        ("distinct cells in the grids", f"{len(runs)} ({na} not available)"),
        ("teacher fine-tunes", f"{len(fts)} distinct over {len(n_teacher)} teacher records"
         f" (teacher_per_seed: {', '.join(per_seed) or 'not recorded in the settings'})"),
        ("per-example test predictions", f"{with_predictions} of {len(ok)} ok records"),
    ]
    majority = {}
    for r in n_teacher:
        if r.get("majority") is not None:
            majority[r["dataset"]] = r["majority"]
    if majority:
        rows.append(("majority-label test accuracy", ", ".join(
            f"{ds} {majority[ds]:.2f}%" for ds in sorted(majority))))
    facts = [
        ("environment", manifest.get("environment", "not recorded")),
        ("jobs", manifest.get("jobs", "not recorded")),
        ("cells computed by this run", manifest.get("cells_computed_by_this_run", "not recorded")),
        ("cells finished", f"{finished[0]} … {finished[-1]}" if finished else "not recorded"),
        ("result metrics hash", f"`{metrics_hash(runs)}`: SHA-256 of every cell's test and dev "
         "metrics and learning curves. On CPU the same grids and seeds give the same hash, "
         "however the run is split (shards, workers) or interrupted; "
         "`//tests/experiment:crash_resume_test` and `shard_merge_test` check it"),
    ]
    history = manifest.get("runs") if isinstance(manifest.get("runs"), list) else []
    if history:
        # Latest first; a warm rerun shows next to the run that computed the cells.
        shown = []
        for run in reversed(history[-5:]):
            if isinstance(run, dict):
                shown.append(f"{run.get('finished_at', '?')}: {run.get('cells_computed', '?')} "
                             f"cells computed in {fmt_seconds(run.get('seconds'))}, "
                             f"{run.get('jobs', '?')} jobs, `{str(run.get('git_revision', '?'))[:12]}`")
        facts.append(("runs into these results (latest first)", "; ".join(shown)
                      if shown else "not recorded"))
    mcnemar = ("McNemar's test (pooled over seeds) is shown beside each effect."
               if with_predictions else
               "McNemar's test is unavailable for these records: they predate per-example "
               "test predictions, which a rerun stores.")
    revisions = {}
    for r in runs.values():
        revisions[r["git_revision"]] = revisions.get(r["git_revision"], 0) + 1
    if len(revisions) > 1:
        rows[1] = ("git revision", f"`{manifest.get('git_revision', 'not recorded')}` (the run's); "
                   f"the records come from {len(revisions)} revisions")
    blocks = [
        H(1, f"kd-bench report: profile {manifest.get('profile', 'unknown')}"),
        T(["", "value"], [(k, v) for k, v in rows]),
    ]
    if len(revisions) > 1:
        blocks.append(P("**Warning: the records come from several revisions of the code**, so "
                        "this report does not describe one program: " + "; ".join(
                            f"`{rev[:12]}{'-dirty' if rev.endswith('-dirty') else ''}` {n} "
                            f"record{'s' if n != 1 else ''}"
                            for rev, n in sorted(revisions.items(), key=lambda kv: -kv[1]))
                        + ". A run from one checkout (`./kdbench reproduce`) gives one."))
    blocks += [
        P("**What compares.** The `mini` profile runs on embedded data with small teachers "
          "pre-trained by the suite, not on the paper's IMDB, Elec, AG News and DBpedia with "
          "BERT Base/Large: absolute accuracies are not comparable with the paper's. What "
          "compares is the direction and size of effects, shown next to the paper's in "
          "each table."),
        P("**Numbers.** Accuracy and macro F1 in %, as mean ± sample std over seeds with n, "
          f"and the mean's 95% t interval. Every difference is paired by seed (the cells "
          f"of a seed share the split and the data order) and shown with its 95% t "
          f"interval and the per-seed differences. A claim **holds** when the interval "
          f"lies on the claimed side of zero, **does not hold** when it lies on the other "
          f"side, and is **inconclusive** otherwise; it needs at least {ps.MIN_PAIRS} seed "
          f"pairs and, against a teacher, a teacher fine-tuned per seed. {mcnemar} Teacher "
          "rows count n as distinct fine-tunes. Paper numbers come from the paper text; one "
          "it lacks reads \"not available\"."),
    ]
    return blocks, facts


def verdict_summary_blocks(verdicts):
    ds_all = sorted({d for v in verdicts for d in v.per_dataset})
    rows = []
    for v in verdicts:
        row = [f"({v.number}) {v.claim}"]
        for d in ds_all:
            if d not in v.per_dataset:
                row.append("no data")
                continue
            cell = f"**{v.dataset_verdict(d)}**"
            if v.dataset_alone(d) != v.dataset_verdict(d):
                cell += f" (intervals alone: {v.dataset_alone(d)})"
            if d in v.at_chance:
                cell += " (teachers at the majority label: left out)"
            row.append(cell)
        row.append(f"**{v.overall()}**")
        row.append(v.overall_alone())
        rows.append(row)
    return [H(2, "Verdicts at a glance", "summary"),
            T(["claim"] + ds_all + ["overall", "the 95% intervals alone"], rows),
            P(f"The last column is what the intervals say before the preconditions (at least "
              f"{ps.MIN_PAIRS} seed pairs; a teacher fine-tuned per seed): a claim the rules "
              f"leave inconclusive for want of seeds can read differently there, and is not a "
              f"finding until a run with enough seeds confirms it. The rules and numbers are in "
              f"the [Verdicts](#verdicts) section.")]


def verdict_blocks(verdicts):
    blocks = [H(2, "Verdicts", "verdicts"),
              P("Every comparison is a difference paired by seed with its 95% t interval "
                "(report/paired_stats.py). Superiority: the interval above zero **holds**, "
                "below zero **does not hold**, else **inconclusive**. Non-inferiority "
                "(soft vs hard): the same against minus the margin. A claim of several parts "
                "holds when every part holds (an intersection-union test) and does not hold "
                "when a part's interval, widened by Bonferroni over the claim's parts, lies "
                "on the wrong side; under a null effect each call is made falsely at most "
                f"2.5% of the time. A part with fewer than {ps.MIN_PAIRS} seed pairs, or one "
                "against a teacher fine-tuned once for every seed, is inconclusive whatever "
                "its interval; the text gives the interval and what it alone says. A part "
                "without data (a table not in the run) keeps its claim from holding. A dataset "
                "where no teacher beats the majority label of its test set by "
                f"{CHANCE_MARGIN:.0f} point is left out of the overall verdict (distilling a "
                "teacher that learned nothing tests no claim).")]
    for v in verdicts:
        parts = []
        for ds in sorted(v.per_dataset):
            lines = "; ".join(c.text() for c in v.per_dataset[ds])
            if ds in v.at_chance:
                lines = (f"left out of the overall verdict: {v.at_chance[ds]}; "
                         f"the comparisons were: {lines}")
            parts.append(f"{ds}: **{v.dataset_verdict(ds)}** ({lines})")
        body = " ".join(p + "." for p in parts) if parts else "No data in this run."
        blocks.append(P(f"**({v.number}) {v.claim}: {v.overall()}**. "
                        f"Rule: {v.rule} {body} {v.paper}".rstrip()))
    return blocks
