"""Speed: what distillation buys (./kdbench bench), from the results archive
(history, optimizations, GPU runs, peer cells, deployment)."""

import glob
import os
import statistics
import subprocess

import paired_stats as ps

from .document import H, P, T
from .formatting import fmt_num, fmt_share, fmt_sig
from .load import load_json


def latest_run_dir(archive, folder, marker, accept=lambda run: True):
    """The newest run directory (names sort by time) holding `marker` under
    `folder` of the results archive (results/history, results/gpu), among
    those `accept` takes."""
    parent = os.path.join(archive, folder)
    if not os.path.isdir(parent):
        return None
    runs = sorted(d for d in os.listdir(parent) if os.path.isfile(os.path.join(parent, d, marker))
                  and accept(os.path.join(parent, d)))
    return os.path.join(parent, runs[-1]) if runs else None


def full_bench_run(run):
    """A ./kdbench bench run of every speed benchmark (no --quick/--filter)."""
    path = os.path.join(run, "provenance.json")
    return os.path.isfile(path) and load_json(path, "bench provenance").get("filter") == "all"


def latest_bench_run(archive):
    """The newest full run of ./kdbench bench, else the newest run."""
    return (latest_run_dir(archive, "history", "speed.json", full_bench_run)
            or latest_run_dir(archive, "history", "speed.json"))


def latest_optimizations_run(archive):
    """The newest ./kdbench bench run with the optimisations' before/after."""
    return latest_run_dir(archive, "history", "optimizations.json")


def latest_gpu_run(archive):
    """The newest GPU speed run (tools/gpu/speed_benchmarks_on_gpu.sh)."""
    return latest_run_dir(archive, "gpu", "gpu-float32.json")


def bench_medians(path):
    """name -> the row of its median (or single) run, with real_time in ms."""
    if not os.path.isfile(path):
        return {}
    doc = load_json(path, "benchmark JSON")
    rows = {}
    for row in doc.get("benchmarks", []):
        name = row.get("run_name") or row.get("name")
        if row.get("error_occurred"):  # skipped with an error: no timing
            continue
        if row.get("run_type") == "aggregate":
            if row.get("aggregate_name") == "median":
                rows[name] = row
        elif name not in rows:
            rows[name] = row
    return rows


def grid_efficiency_blocks(runs):
    """What the grid run itself shows: teacher outputs computed once and
    reused, and the padding left by length-bucketed batches."""
    students = [r for r in runs.values() if r["kind"] == "student" and r["status"] == "ok"]
    passes = sum(r.get("teacher_forward_passes") or 0 for r in students)
    reused = sum(r.get("teacher_rows_reused") or 0 for r in students)
    padding = [r["padding_share"] for r in students if r.get("padding_share") is not None]
    rows = []
    if passes + reused > 0:
        rows.append(("teacher forward passes (rows of the transfer set)",
                     f"{passes:,.0f} computed for {passes + reused:,.0f} requested by the cells: "
                     f"{(passes + reused) / max(passes, 1):.1f}x fewer than without the cache"))
    if padding:
        rows.append(("padding share of the students' training batches (length-bucketed)",
                     f"mean {100 * statistics.mean(padding):.1f}%, from "
                     f"{100 * min(padding):.1f}% to {100 * max(padding):.1f}% over "
                     f"{len(padding)} cells (random batches: see the before/after below)"))
    if not rows:
        return []
    return [P("From this grid's cell records:"), T(["", "value"], rows)]


# The before/after pairs of //benchmarks:grid_optimizations_benchmark:
# (what, before, after).
OPTIMIZATION_PAIRS = [
    ("length-bucketed batches (student epoch, fortunes, 1 thread)",
     "student-epoch/bucketing:off/threads:1", "student-epoch/bucketing:on/threads:1"),
    ("no autograd: NoGradGuard (teacher pass, 1 thread)",
     "teacher-infer/autograd/threads:1", "teacher-infer/no_grad/threads:1"),
    ("inference mode instead of autograd (teacher pass, 1 thread)",
     "teacher-infer/autograd/threads:1", "teacher-infer/inference_mode/threads:1"),
    ("every core instead of LibTorch's default of one thread (student epoch)",
     "student-epoch/bucketing:on/threads:1", "student-epoch/bucketing:on/threads:{all}"),
    ("every core instead of one thread (teacher pass)",
     "teacher-infer/inference_mode/threads:1", "teacher-infer/inference_mode/threads:{all}"),
    ("the teacher-output cache: outputs read back instead of computed",
     "teacher-outputs/cache:cold", "teacher-outputs/cache:warm"),
]


def optimization_blocks(bench_dir):
    """Before/after of each grid optimisation, from a ./kdbench bench run's
    optimizations.json."""
    path = os.path.join(bench_dir, "optimizations.json") if bench_dir else ""
    if not path or not os.path.isfile(path):
        return [P("Before/after of the grid optimisations: not available (no "
                  "`optimizations.json` in the newest `./kdbench bench` run).")]
    rows_by_name = {n.replace("/real_time", "").split("/iterations:")[0]: r
                    for n, r in bench_medians(path).items()}
    threads = max((int(n.rsplit("threads:", 1)[1]) for n in rows_by_name if "threads:" in n),
                  default=1)
    rows = []
    for what, before, after in OPTIMIZATION_PAIRS:
        a, b = (rows_by_name.get(x.format(all=threads)) for x in (before, after))
        if not a or not b:
            rows.append((what, "not available", "not available", "", ""))
            continue
        extra = ""
        if "padding_share" in a:
            extra = (f"padding {100 * a['padding_share']:.1f}% → "
                     f"{100 * b['padding_share']:.1f}%")
        elif "forward_passes" in a:
            extra = (f"forward passes {a['forward_passes']:.0f} → {b['forward_passes']:.0f}")
        rows.append((what, fmt_num(a["real_time"], 1), fmt_num(b["real_time"], 1),
                     f"{a['real_time'] / b['real_time']:.2f}x", extra))
    return [P(f"Before/after of the grids' optimisations on the mini data "
              f"(`//benchmarks:grid_optimizations_benchmark`, `{os.path.relpath(path)}`, "
              "3 iterations per repetition, the median of the run's repetitions; the fortunes "
              "transfer set for the student, SpamAssassin's for the mini Large teacher). "
              "Differences under about 20% are within this machine's run-to-run noise:"),
            T(["optimisation", "before ms", "after ms", "speed-up", ""], rows)]


def lstm_kernel_blocks(speed):
    """The students' LSTM: LibTorch's against the formulations the suite
    tried (a BiLSTM layer, both directions, batch 64), from speed.json."""
    rows = []
    for size in ("mini", "paper"):
        for mode in ("train", "infer"):
            def row(kernel):
                return speed.get(f"lstm-layer:{kernel}/size:{size}/{mode}/batch:64/real_time", {})
            base = row("libtorch")
            if not base:
                continue
            for kernel, what in (("hoisted", "input projection hoisted, LibTorch's autograd"),
                                 ("bptt", "hand-written backward through time (the students' LSTM)")):
                other = row(kernel)
                if not other:
                    continue
                rows.append((f"{size} {mode}", what, fmt_num(base["real_time"], 1),
                             fmt_num(other["real_time"], 1),
                             f"{base['real_time'] / other['real_time']:.2f}x",
                             f"{fmt_share(base)} → {fmt_share(other)}"))
    if not rows:
        return []
    return [P("The students' LSTM (`lstm-layer:*` above: one BiLSTM layer, both directions, "
              "batch 64, the profile's sizes, 64 tokens at mini and 128 at paper size) against "
              "LibTorch's `torch::nn::LSTM`; `lib/models/lstm_recurrence` keeps only the "
              "recurrent product and one fused gate loop per step and computes the weight and "
              "input gradients as one product over all steps:"),
            T(["case", "formulation", "LibTorch ms", "ms", "speed-up", "share of peak"], rows)]


def commit_time(revision, repository):
    """The commit time of a revision (seconds since the epoch), or None
    where git or the revision is not at hand."""
    try:
        out = subprocess.run(["git", "-C", repository, "log", "-1", "--format=%ct",
                              revision.removesuffix("-dirty")],
                             capture_output=True, text=True, check=True, timeout=10).stdout
        return int(out.strip())
    except (OSError, subprocess.SubprocessError, ValueError):
        return None


def grid_timing_blocks(archive):
    """Cold runs of the mini grid before and after the speed work, from
    results/grid-timing/*/manifest.json (one cold run each). Runs are
    compared only with runs on the same CPU model: against the one at the
    oldest revision there (by commit time; by finishing time without git)."""
    root = os.path.join(archive, "grid-timing")
    if not os.path.isdir(root):
        return []
    rows = []
    for name in sorted(os.listdir(root)):
        path = os.path.join(root, name, "manifest.json")
        if not os.path.isfile(path):
            continue
        manifest = load_json(path, "grid-timing manifest")
        cpu = str(manifest.get("environment", "")).rpartition("| CPU ")[2].strip() or "not recorded"
        # The run that computed every cell: a later warm rerun computes none.
        cold = [r for r in manifest.get("runs", []) if r.get("cells_computed")]
        for run in cold[-1:]:
            revision = str(run.get("git_revision", "?"))
            rows.append({"finished": run.get("finished_at", ""), "revision": revision[:12],
                         "committed": commit_time(revision, root), "cpu": cpu,
                         "grids": ",".join(run.get("grids", [])),
                         "cells": run.get("cells_computed"), "seconds": run.get("seconds"),
                         "path": os.path.relpath(path)})
    rows.sort(key=lambda r: r["finished"])
    table = []
    for cpu in dict.fromkeys(r["cpu"] for r in rows):  # in order of first appearance
        group = [r for r in rows if r["cpu"] == cpu]
        if len(group) < 2:
            continue
        if all(r["committed"] is not None for r in group):
            group.sort(key=lambda r: r["committed"])  # stable: ties keep finishing order
        base = group[0]
        table += [(cpu, r["finished"], f"`{r['revision']}`", r["cells"], fmt_num(r["seconds"], 1),
                   f"{base['seconds'] / r['seconds']:.2f}x", f"`{r['path']}`") for r in group]
    if not table:
        return []
    return [P("The mini grid cold (no teacher, cache or result stored; the paper's tables "
              f"{rows[0]['grids'].replace('table', '')}; 2 workers of one thread), its own seconds "
              "from each run's manifest, against the run at the oldest revision on the same CPU "
              "(`results/grid-timing/README.md` says how to repeat it and where the time goes):"),
            T(["CPU", "finished", "revision", "cells", "grid seconds", "speed-up", "manifest"],
              table)]


def gpu_speed_blocks(gpu_dir):
    """The paper-size cases on a GPU: float32, teachers under bf16 autocast,
    and the Python peer."""
    blocks = [H(3, "On a GPU", "speed-gpu")]
    if gpu_dir is None:
        return blocks + [P("Not available: no run in `results/gpu/` (see its README).")]
    fp32 = bench_medians(os.path.join(gpu_dir, "gpu-float32.json"))
    # A later partial run (a case that failed, say) replaces those cases,
    # so rows compared with each other come from one run.
    for extra in sorted(f for f in os.listdir(gpu_dir) if f.startswith("gpu-") and f.endswith(".json")
                        and f not in ("gpu-float32.json", "gpu-bf16-teachers.json",
                                      "gpu-python-peer.json")):
        for name, row in bench_medians(os.path.join(gpu_dir, extra)).items():
            if not name.startswith("peak/"):
                fp32[name] = row
    bf16 = bench_medians(os.path.join(gpu_dir, "gpu-bf16-teachers.json"))
    peer = bench_medians(os.path.join(gpu_dir, "gpu-python-peer.json"))
    machine = {}
    machine_path = os.path.join(gpu_dir, "machine.txt")
    if os.path.isfile(machine_path):
        with open(machine_path, encoding="utf-8") as f:
            for line in f:
                key, _, value = line.partition(":")
                machine[key.strip()] = value.strip()
    peaks = ", ".join(f"{n.replace('/real_time', '')} {fmt_sig(r.get('FLOP/s'))} FLOP/s"
                      for n, r in sorted({**fp32, **bf16}.items()) if n.startswith("peak/"))
    blocks.append(P(
        f"From `{os.path.relpath(gpu_dir)}` (git `{machine.get('revision', '?')[:12]}`; "
        f"{machine.get('gpu', 'GPU not recorded')}; {machine.get('torch', '')}), 3 repetitions, "
        f"medians. Peaks of that run: {peaks or 'not available'}. The float32 cases' share of "
        "peak divides by the float32 peak (no TF32 in matrix products, LibTorch's default), the "
        "bf16 teachers' by the bf16 peak."))

    def ratio(a, b):
        return f"{a / b:.1f}x" if a and b else "not available"

    def row_of(rows, role, name, mode, batch):
        return rows.get(f"{role}:{name}/size:paper/{mode}/batch:{batch}/real_time", {})

    claims = []
    for teacher in ("bert-base", "bert-large"):
        claims.append((teacher,
                       ratio(row_of(fp32, "teacher", teacher, "infer", 1).get("real_time"),
                             row_of(fp32, "student", "bilstm", "infer", 1).get("real_time")),
                       ratio(row_of(fp32, "student", "bilstm", "infer", 64).get("examples/s"),
                             row_of(fp32, "teacher", teacher, "infer", 64).get("examples/s")),
                       ratio(row_of(fp32, "student", "bilstm", "infer", 64).get("examples/s"),
                             row_of(bf16, "teacher", teacher, "infer", 64).get("examples/s"))))
    blocks.append(T(["teacher", "latency ratio (batch 1)", "throughput ratio (batch 64)",
                     "throughput ratio, teacher in bf16"], claims))
    rows = []
    for name, row in sorted(fp32.items()):
        # Dropout's cases time the host's CPU (registered on CPU runs only since 854b42d).
        if name.startswith(("peak/", "dropout:")):
            continue
        b = bf16.get(name, {})
        rows.append((name.replace("/real_time", ""), fmt_num(row.get("real_time"), 3),
                     fmt_sig(row.get("examples/s")), fmt_share(row),
                     fmt_num(b.get("real_time"), 3) if b else "(students: float32 only)",
                     fmt_share(b) if b else "",
                     fmt_num(row.get("peak_gpu_mb"), 0) if row.get("peak_gpu_mb") else "not available",
                     ratio(peer.get(name, {}).get("real_time"), row.get("real_time"))
                     if name in peer else "not run"))
    blocks.append(T(["benchmark", "float32 ms", "examples/s", "share of peak", "bf16 ms",
                     "bf16 share of peak", "peak GPU MB", "PyTorch-from-Python time / ours"], rows))
    return blocks


def ratio_text(r):
    """A ratio with its interval, as paired_stats.ratio gives it."""
    if r.get("geometric_mean") is None:
        return "not available"
    if r.get("lo") is None:
        return f"{r['geometric_mean']:.2f}x (no interval)"
    return f"{r['geometric_mean']:.2f}x [{r['lo']:.2f}, {r['hi']:.2f}]"


def peer_cell_blocks(archive):
    """Whole distillation cells: the suite against the PyTorch-from-Python
    peer (results/peer-cell/, from benchmarks/peer_cell_benchmark.py)."""
    paths = sorted(glob.glob(os.path.join(archive, "peer-cell", "*.json")))
    blocks = [H(3, "Whole cells against PyTorch from Python", "peer-cell")]
    if not paths:
        return blocks + [P("Not available: no `results/peer-cell/` run "
                           "(`benchmarks/peer_cell_benchmark.py --run=...`).")]
    rows = []
    for path in paths:
        doc = load_json(path, "peer cell benchmark")
        r, a = doc["time_ratio"], doc["accuracy_difference_pts"]
        seeds = doc["per_seed"].values()
        # Per epoch of the training loops where recorded (older files: of the
        # whole processes, start-up and data loading included).
        loop = all("suite_training_seconds" in v for v in seeds)
        suite_key, peer_key = (("suite_training_seconds", "peer_training_seconds") if loop
                               else ("suite_seconds", "peer_seconds"))
        e = ps.ratio({s: v[peer_key] / v["peer_epochs"] for s, v in doc["per_seed"].items()},
                     {s: v[suite_key] / v["suite_epochs"] for s, v in doc["per_seed"].items()})
        rows.append((f"{doc['dataset']}/{doc['student']}/{doc['method']}", len(doc["per_seed"]),
                     f"{statistics.median(v['suite_seconds'] for v in seeds):.1f}",
                     f"{statistics.median(v['peer_seconds'] for v in seeds):.1f}",
                     ratio_text(r),
                     ratio_text(e) + ("" if loop else " (whole processes)"),
                     f"≥ {doc['goal']}x: {doc['speed_verdict']}",
                     f"{a['mean']:+.2f} [{a['lo']:+.2f}, {a['hi']:+.2f}]",
                     f"within ±{doc['margin_pts']}: {doc['accuracy_verdict']}",
                     ", ".join(revision[:12] for revision in doc["git_revision"])))
    blocks.append(P(
        "Each seed's cell of the grid run, trained by the suite (`kdbench distill`, its "
        "recorded configuration, checked equal to the record) and by "
        "`benchmarks/python_peer_cell.py` on the same split, encoded examples and cached "
        "teacher targets, the same student shape, losses, schedule, optimiser and batch size; "
        "whole processes, one thread each, alternated. Time ratio: geometric mean over seeds "
        "with the 95% t interval of the log ratios, per cell (whole processes: the suite's "
        "also loads the teacher's vocabulary, reads and tokenizes the data, the peer's reads "
        "encoded tensors) and per epoch of the training loops alone (early stopping ends the "
        "two at different epochs); accuracy: suite − peer, points, paired by "
        "seed, 95% t interval."))
    blocks.append(T(["cell", "seeds", "suite s (median)", "peer s (median)", "peer / suite",
                     "training loop per epoch", "speed goal (per cell)", "accuracy suite − peer (pts)", "equal", "git"], rows))
    return blocks


PRECISION_SIDES = {
    "teacher": ("Teachers in bfloat16", "teacher-precision", "",
                "The profiles keep float32 by default: the reference run is float32, and a "
                "change of precision changes every teacher key."),
    "student": ("Students in bfloat16", "student-precision", " --side=student",
                "The profiles keep float32 students by default (`student_precision`): the "
                "reference run is float32, and a change of precision changes every student "
                "key."),
}


def precision_blocks(archive, side):
    """Teachers' or students' arithmetic in bfloat16 against float32, paired
    by seed (results/teacher-precision/ or results/student-precision/, from
    benchmarks/teacher_precision_check.py [--side=student])."""
    title, folder, flag, default = PRECISION_SIDES[side]
    paths = sorted(glob.glob(os.path.join(archive, folder, "*.json")))
    blocks = [H(3, title, folder)]
    if not paths:
        return blocks + [P(f"Not available: no `results/{folder}/` comparison "
                           f"(`benchmarks/teacher_precision_check.py{flag}`).")]
    for path in paths:
        doc = load_json(path, "teacher precision check")
        blocks.append(P(
            f"`{os.path.relpath(path, os.path.dirname(archive))}`: {doc['what']} "
            f"(bfloat16 side: {doc['run']}; float32 side: `{doc['reference']}`; LibTorch's CPU "
            f"autocast, the same kernels); runs at "
            f"git {', '.join('`' + r[:12] + '`' for r in doc.get('run_git_revisions', []))} "
            f"and {', '.join('`' + r[:12] + '`' for r in doc.get('reference_git_revisions', []))}, "
            f"compared at `{doc['git_revision'][:12]}`. Rule: {doc['rule']}. "
            f"Overall: **{doc['verdict']}**. {default}"))
        rows = []
        for c in doc["configurations"]:
            d = c["difference_pts"]
            interval = ("no interval" if d["lo"] is None
                        else f"{d['mean']:+.2f} [{d['lo']:+.2f}, {d['hi']:+.2f}]")
            f32 = list(c["float32_accuracy"].values())
            bf16 = list(c["bfloat16_accuracy"].values())
            rows.append((c["configuration"], d["n"], fmt_num(statistics.fmean(f32), 2),
                         fmt_num(statistics.fmean(bf16), 2), interval,
                         fmt_num(c["float32_seed_sd_pts"], 2), c["verdict"]))
        blocks.append(T(["configuration", "seeds", "float32 test acc. %", "bfloat16 test acc. %",
                         "bfloat16 − float32 (pts, 95% CI)", "float32 seed SD", "verdict"],
                        rows))
        rows = [(s["stage"], s["n"], fmt_num(s["float32_seconds"], 0),
                 fmt_num(s["bfloat16_seconds"], 0), ratio_text(s["speedup"]),
                 f"{s.get('float32_epochs', '?')} / {s.get('bfloat16_epochs', '?')}",
                 ratio_text(s.get("speedup_per_epoch") or {}))
                for s in doc["stages"]]
        blocks.append(T(["stage", "runs", "float32 s", "bfloat16 s",
                         "float32 / bfloat16 (95% CI over seeds)", "epochs float32 / bfloat16",
                         "per epoch"], rows))
    return blocks


def deployment_blocks(speed, archive):
    """The students as deployed (lib/models/deployed_bilstm.h): batch-1
    latency at paper size beside BERT's at the same threads, and what each
    precision costs in accuracy (results/deployment/, from
    benchmarks/deployment_check.py)."""
    blocks = [H(3, "Deployment: one example at a time", "deployment")]
    latency_path = os.path.join(archive, "deployment", "latency.json")
    if os.path.isfile(latency_path):
        speed = bench_medians(latency_path)
        provenance_path = os.path.join(archive, "deployment", "latency-provenance.json")
        provenance = (load_json(provenance_path, "deployment latency provenance")
                      if os.path.isfile(provenance_path) else {})
        blocks.append(P(
            f"Latency from `{os.path.relpath(latency_path, os.path.dirname(archive))}` (git "
            f"`{str(provenance.get('git_revision', '?'))[:12]}`"
            f"{', uncommitted changes' if provenance.get('dirty') else ''}, "
            f"{provenance.get('repetitions', '?')} repetitions, {provenance.get('cpu_model', '?')}; "
            "`benchmarks/deployment_check.py`)."))

    bf16_path = os.path.join(archive, "deployment", "latency-teachers-bf16.json")
    bf16 = bench_medians(bf16_path) if os.path.isfile(bf16_path) else {}

    def row(name):
        return speed.get(name + "/real_time")

    teacher_names = {1: "size:paper/infer/batch:1", 2: "size:paper/infer/batch:1/threads:2"}
    rows = []
    for student in ("bilstm", "rnn"):
        base = row(f"student:{student}/size:paper/infer/batch:1")
        for precision in ("float32", "bfloat16", "int8"):
            for threads in (1, 2):
                deployed = row(f"student:{student}/size:paper/deploy:{precision}/batch:1/"
                               f"threads:{threads}")
                if deployed is None:
                    continue
                ms = deployed.get("real_time")
                ratios = []
                for teacher in ("bert-base", "bert-large"):
                    t = row(f"teacher:{teacher}/{teacher_names[threads]}")
                    ratios.append(f"{t['real_time'] / ms:.1f}x" if t and ms else "not available")
                t = bf16.get(f"teacher:bert-base/{teacher_names[threads]}/real_time")
                base_bf16 = f"{t['real_time'] / ms:.1f}x" if t and ms else "not available"
                params = [row(f"teacher:{teacher}/size:paper/infer/batch:1")
                          for teacher in ("bert-base", "bert-large")]
                compression = [f"{p['parameters'] / deployed['parameters']:.1f}x"
                               if p and deployed.get("parameters") else "not available"
                               for p in params]
                rows.append((student, precision, threads, fmt_num(ms, 2),
                             fmt_num(base.get("real_time") / ms, 1) + "x" if base and ms
                             else "not available",
                             ratios[0], base_bf16, ratios[1], compression[0], compression[1],
                             fmt_num(deployed.get("recurrent_weight_mb"), 2),
                             deployed.get("label", "")))
    if not rows:
        blocks.append(P("Not available: this speed run has no deployment benchmarks "
                        "(`student:*/size:paper/deploy:*`)."))
    else:
        blocks.append(P(
            "Paper sizes, one full-length example (128 tokens), medians. The deployed path "
            "runs oneDNN's LSTM with the weights packed once, one fused pass over the four "
            "gates per step, and the two directions on two threads when it has two; BERT's "
            "latency is taken at the same threads, in float32 and under LibTorch's CPU "
            "autocast to bfloat16 (a reduced-precision student against a reduced-precision "
            "teacher). The paper's deployment argument is both ratios: latency and compression "
            "(parameters, embeddings included)."))
        blocks.append(T(["student", "precision", "threads", "ms", "LibTorch student (1 thread) "
                         "/ deployed", "BERT Base / deployed", "BERT Base in bfloat16 / deployed",
                         "BERT Large / deployed",
                         "compression vs Base", "compression vs Large",
                         "recurrent weights MB", "kernel"], rows))
    accuracy_rows = []
    for path in sorted(glob.glob(os.path.join(archive, "deployment", "*.json"))):
        doc = load_json(path, "deployment accuracy")
        if "configurations" not in doc:  # the latency files beside them
            continue
        for config in doc["configurations"]:
            for precision, part in sorted(config["precisions"].items()):
                label = f"{config['dataset']}/{config['student']}/{config['method']}"
                if not part.get("supported"):
                    accuracy_rows.append((label, precision, "not run on this CPU: " +
                                          part.get("reason", ""), "", "", ""))
                    continue
                d, a = part["accuracy_difference_pts"], part["agreement_pct"]
                accuracy_rows.append((
                    label, precision,
                    f"{d['mean']:+.2f} [{d['lo']:+.2f}, {d['hi']:+.2f}]",
                    # A share: the t interval clipped to 100%.
                    f"{a['mean']:.2f}% [{a['lo']:.2f}, {min(a['hi'], 100):.2f}]",
                    f"{part['ms_per_example']:.2f}", part["verdict"]))
        blocks.append(P(
            "Accuracy as deployed (the `mini` profile's students, trained on real data; the "
            "latency above is at paper size), from "
            f"`{os.path.relpath(path, os.path.dirname(archive))}` "
            f"(git `{', '.join(r[:12] for r in doc.get('git_revision', []))}`, "
            f"{doc.get('threads')} thread, `{doc.get('command')}`): each seed's cell of the "
            "grid run trained again (the same model: its test predictions equal the record's), "
            "then evaluated in each precision. Accuracy minus the trained float32 model's, "
            f"points, paired by seed, 95% t interval; non-inferiority at a margin of "
            f"{doc.get('margin_pts')} points. Agreement: the share of test decisions kept."))
    if accuracy_rows:
        blocks.append(T(["cell", "precision", "accuracy − model (pts)", "agreement",
                         "ms per example (mini)", "verdict"], accuracy_rows))
    else:
        blocks.append(P("Accuracy as deployed: not available (no `results/deployment/` run)."))
    return blocks


def speed_blocks(bench_dir, optimizations_dir, gpu_dir, paper, runs, archive):
    blocks = [H(2, "Speed: what distillation buys", "speed")] + grid_efficiency_blocks(runs)
    if bench_dir is None:
        return (blocks + [P("Not available: no `./kdbench bench` run in `results/history/` yet.")]
                + deployment_blocks({}, archive) + peer_cell_blocks(archive)
                + precision_blocks(archive, "teacher") + precision_blocks(archive, "student")
                + optimization_blocks(optimizations_dir) + grid_timing_blocks(archive)
                + gpu_speed_blocks(gpu_dir))
    speed = bench_medians(os.path.join(bench_dir, "speed.json"))
    peer = bench_medians(os.path.join(bench_dir, "peer.json"))
    provenance = load_json(os.path.join(bench_dir, "provenance.json"), "bench provenance") \
        if os.path.isfile(os.path.join(bench_dir, "provenance.json")) else {}
    claim = paper.get("claims", {}).get("compression", {})
    blocks.append(P(
        f"From `{os.path.relpath(bench_dir)}` (git `{str(provenance.get('git_revision', '?'))[:12]}`, "
        f"{provenance.get('repetitions', '?')} repetitions, medians; "
        "`//benchmarks:model_speed_benchmark`). Latency: one example, one thread; throughput: "
        "batch 64, all threads; ratios are teacher / BiLSTM student. FLOP/s are counted from "
        "the models' shapes; the share of peak divides them by the float matmul rate measured "
        "in the same run with the same threads."))

    def get(role, name, size, mode, batch, key):
        row = speed.get(f"{role}:{name}/size:{size}/{mode}/batch:{batch}/real_time")
        return row.get(key) if row else None

    def ratio(a, b):
        return f"{a / b:.1f}x" if a and b else "not available"

    rows = []
    for size in ("mini", "paper"):
        for teacher in ("bert-base", "bert-large"):
            p_t = get("teacher", teacher, size, "infer", 1, "parameters")
            p_s = get("student", "bilstm", size, "infer", 1, "parameters")
            lat_t = get("teacher", teacher, size, "infer", 1, "real_time")
            lat_s = get("student", "bilstm", size, "infer", 1, "real_time")
            thr_t = get("teacher", teacher, size, "infer", 64, "examples/s")
            thr_s = get("student", "bilstm", size, "infer", 64, "examples/s")
            paper_claim = (f"{claim.get('smaller_than_base')}x smaller" if teacher == "bert-base"
                           else f"up to {claim.get('smaller_than_large_up_to')}x smaller")
            rows.append((size, teacher, paper_claim if size == "paper" else "(paper sizes only)",
                         ratio(p_t, p_s), ratio(lat_t, lat_s),
                         ratio(thr_s, thr_t)))
    blocks.append(T(["size", "teacher", "paper's claim", "parameters", "latency (batch 1)",
                     "throughput (batch 64)"], rows))
    blocks.append(P("Parameters here count everything, embeddings included, over a 30,522-token "
                    "WordPiece vocabulary at paper size; the paper's ratio counts its own "
                    "student's vocabulary, which the text does not give."))
    blocks += (deployment_blocks(speed, archive) + peer_cell_blocks(archive)
               + precision_blocks(archive, "teacher") + precision_blocks(archive, "student"))
    eff = []
    for name, row in sorted(speed.items()):
        if name.startswith("peak/"):
            continue
        label = name.replace("/real_time", "")
        eff.append((label, fmt_num(row.get("real_time"), 3), fmt_sig(row.get("examples/s")),
                    fmt_sig(row.get("FLOP/s")), fmt_share(row),
                    fmt_num(row.get("peak_rss_mb"), 0),
                    ratio(peer.get(name, {}).get("real_time"), row.get("real_time"))
                    if name in peer else "not run"))
    peaks = [(n.replace("/real_time", ""), fmt_sig(r.get("FLOP/s"))) for n, r in sorted(speed.items())
             if n.startswith("peak/")]
    blocks.append(P("Matmul peak of this run: " + ", ".join(f"{n} {v} FLOP/s" for n, v in peaks)
                    if peaks else "Matmul peak: not available."))
    blocks.append(T(["benchmark", "ms", "examples/s", "FLOP/s", "share of peak", "peak RSS MB",
                     "PyTorch-from-Python time / ours"], eff))
    return (blocks + lstm_kernel_blocks(speed) + optimization_blocks(optimizations_dir)
            + grid_timing_blocks(archive) + gpu_speed_blocks(gpu_dir))
