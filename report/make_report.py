#!/usr/bin/env python3
"""kd-bench report generator.

    python3 report/make_report.py --results=DIR --out=DIR [--paper=FILE]

Reads one run's results (DIR/manifest.json, DIR/cells/<key>.json and, for
provenance only, DIR/<grid>.benchmark.json) and writes OUT/report.md,
OUT/report.html (one self-contained file) and OUT/plots/*.png.

The report is built once as a list of blocks (headings, paragraphs, tables,
images) and rendered twice, to Markdown and to HTML, so that both carry the
same content. Output depends only on the input: everything is sorted and no
clock is read. See report/README.md for the rules behind each verdict.
"""

import argparse
import base64
import glob
import html
import hashlib
import json
import math
import os
import re
import statistics
import subprocess
import sys


def _import_matplotlib():
    """Imports matplotlib with the Agg backend.

    On the project's machines `python3` may be a pyenv interpreter without
    matplotlib while Debian's /usr/bin/python3 has python3-matplotlib: in that
    case re-run this script under Debian's interpreter once.
    """
    try:
        import matplotlib
    except ImportError:
        alt = "/usr/bin/python3"
        if (os.path.exists(alt) and not os.environ.get("KDBENCH_REPORT_REEXEC")
                and os.path.realpath(sys.executable) != os.path.realpath(alt)):
            os.environ["KDBENCH_REPORT_REEXEC"] = "1"
            os.execv(alt, [alt] + sys.argv)
        sys.stderr.write("make_report: error: matplotlib is not importable "
                         "(apt-get install python3-matplotlib)\n")
        sys.exit(3)
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    return plt


plt = _import_matplotlib()
# paired_stats, reference_check and run_time sit beside this file (in Bazel's runfiles too).
for _dir in (os.path.dirname(os.path.abspath(__file__)),
             os.path.dirname(os.path.realpath(__file__))):
    if _dir not in sys.path:
        sys.path.insert(0, _dir)
import paired_stats as ps  # noqa: E402
import reference_check as rc  # noqa: E402
import run_time  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402  (only after the Agg switch)
from matplotlib.ticker import MaxNLocator  # noqa: E402

# ---------------------------------------------------------------------------
# Vocabulary and orderings. Everything shown is sorted with these, so the
# output never depends on file-system or dictionary order.
LABELS_ORDER = ["100", "500", "all"]
METHOD_ORDER = ["none", "hard", "soft+repr", "teacher"]
STUDENT_ORDER = ["rnn", "bilstm", ""]
SCHEDULE_ORDER = ["joint", "stagewise", "distil-once", ""]
TEACHER_ORDER = ["base", "large", "base-in-domain", "large-in-domain"]
IN_DOMAIN = "-in-domain"


def large_teacher(labels):
    """The paper's Large teacher at a budget: Table 11's (100 labels per
    class) adds in-domain MLM pre-training (role large-in-domain)."""
    return "large" + IN_DOMAIN if labels == "100" else "large"
VERDICTS = (ps.HOLDS, ps.NOT, ps.INCONCLUSIVE)
# "Soft is at least as good as hard" is a non-inferiority claim: soft may be
# at most this many accuracy points below hard. One point: the paper's own
# soft − hard differences are 0.09 to 1.16 points (Tables 8 and 10), so a
# larger loss would reverse what it reports.
SOFT_HARD_MARGIN = 1.0


def order(seq, value):
    """Position of value in seq; unknown values sort after known ones."""
    return (seq.index(value), "") if value in seq else (len(seq), str(value))


class InputError(Exception):
    """Missing or malformed input; the message names the file."""


# ---------------------------------------------------------------------------
# Loading and validation.

def load_json(path, what):
    if not os.path.isfile(path):
        raise InputError(f"{path}: missing ({what})")
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (ValueError, UnicodeDecodeError) as e:
        raise InputError(f"{path}: malformed JSON ({what}): {e}")


def need(obj, key, path, where, types=None):
    """obj[key], or InputError naming the file and the JSON path."""
    if not isinstance(obj, dict) or key not in obj:
        raise InputError(f"{path}: {where}.{key} is missing")
    value = obj[key]
    if types is not None and not isinstance(value, types):
        raise InputError(f"{path}: {where}.{key} has the wrong type "
                         f"({type(value).__name__})")
    return value


def number(obj, key, path, where):
    value = need(obj, key, path, where, (int, float))
    if isinstance(value, bool) or not math.isfinite(value):
        raise InputError(f"{path}: {where}.{key} is not a finite number")
    return float(value)


def optional_number(obj, key):
    value = obj.get(key) if isinstance(obj, dict) else None
    if isinstance(value, (int, float)) and not isinstance(value, bool) \
            and math.isfinite(value):
        return float(value)
    return None


def load_manifest(results):
    path = os.path.join(results, "manifest.json")
    m = load_json(path, "the run's manifest")
    if not isinstance(m, dict):
        raise InputError(f"{path}: top level is not an object")
    grids = need(m, "grids", path, "manifest", dict)
    for gid, g in grids.items():
        where = f"grids.{gid}"
        need(g, "table", path, where, (str, int))
        cells = need(g, "cells", path, where, list)
        for i, c in enumerate(cells):
            need(c, "key", path, f"{where}.cells[{i}]", str)
            need(c, "name", path, f"{where}.cells[{i}]", str)
            if not re.fullmatch(r"[0-9a-f]{6,64}", c["key"]):
                raise InputError(f"{path}: {where}.cells[{i}].key is not a hex key")
    return m, path


def parse_record(results, key):
    """Reads cells/<key>.json into a flat dict used by everything below."""
    path = os.path.join(results, "cells", key + ".json")
    doc = load_json(path, "a cell record listed in the manifest")
    r = need(doc, "record", path, "", dict)
    cell = need(r, "cell", path, "record", dict)
    status = need(r, "status", path, "record", str)
    if status not in ("ok", "not_available"):
        raise InputError(f"{path}: record.status is {status!r}, "
                         "expected 'ok' or 'not_available'")
    where = "record.cell"
    run = {
        "key": key,
        "path": path,
        "name": r.get("name", key),
        "status": status,
        "reason": str(r.get("reason", "")) if status != "ok" else "",
        "dataset": need(cell, "dataset", path, where, str),
        "teacher": str(cell.get("teacher", "")),
        "student": str(cell.get("student", "")),
        "method": need(cell, "method", path, where, str),
        "schedule": str(cell.get("schedule", "")),
        "labels": str(need(cell, "labels", path, where, (str, int))),
        "seed": int(need(cell, "seed", path, where, (int, float))),
        # A transfer-set size set by the cell's grid (transfer.toml); None: the profile's.
        "transfer": (int(cell["transfer"]) if isinstance(cell.get("transfer"), (int, float))
                     and not isinstance(cell.get("transfer"), bool) else None),
        "finished_at": str(r.get("finished_at", "")),
        "settings": dict(r.get("settings")) if isinstance(r.get("settings"), dict) else {},
    }
    if "teacher_per_seed" in r:  # a profile setting the record keeps beside its settings
        run["settings"]["teacher_per_seed"] = r["teacher_per_seed"]
    run["kind"] = r.get("kind") or ("teacher" if run["method"] == "teacher" else "student")
    if run["kind"] not in ("student", "teacher"):
        raise InputError(f"{path}: record.kind is {run['kind']!r}")
    # Records of a teacher shared by several seeds have one fine-tune key:
    # they count once (see group_stats).
    t = r.get("teacher") if isinstance(r.get("teacher"), dict) else {}
    run["finetune_key"] = str(t.get("finetune_key") or "")
    if status == "ok":
        res = need(r, "result", path, "record", dict)
        if run["kind"] == "student":
            parse_student(run, res, path)
        else:
            parse_teacher(run, res, t, path)
    run["metrics"] = rc.deterministic_metrics(r)
    run["git_revision"] = str(r.get("git_revision") or "unknown")
    run["record"] = r  # for the reference check (report/reference_check.py)
    return run


def metrics_hash(runs):
    """SHA-256 of every cell's deterministic metrics, in key order."""
    doc = [[key, runs[key]["metrics"]] for key in sorted(runs)]
    return hashlib.sha256(json.dumps(doc, sort_keys=True, separators=(",", ":"))
                          .encode()).hexdigest()


def parse_student(run, res, path):
    w = "record.result"
    run["acc"] = 100 * number(res, "test_accuracy", path, w)
    f1 = optional_number(res, "test_macro_f1")
    run["f1"] = None if f1 is None else 100 * f1
    emb = optional_number(res, "embedding_parameters")
    non = optional_number(res, "non_embedding_parameters")
    run["student_params"] = (emb, non)
    t = res.get("teacher") if isinstance(res.get("teacher"), dict) else {}
    run["teacher_params"] = (optional_number(t, "parameters"),
                             optional_number(t, "embedding_parameters"))
    run["teacher_forward_passes"] = optional_number(t, "forward_passes")
    run["teacher_rows_reused"] = optional_number(t, "reused_from_cache")
    run["padding_share"] = optional_number(res, "padding_share")
    run["predictions"] = predictions(res)
    run["config"] = res.get("config") if isinstance(res.get("config"), dict) else {}
    run["sizes"] = {k: res.get(k) for k in ("train_examples", "dev_examples", "test_examples",
                                            "transfer_examples", "held_out_transfer_examples")}
    run["epochs"] = optional_number(res, "epochs")
    run["transfer_examples"] = optional_number(res, "transfer_examples")
    phases = []
    for i, ph in enumerate(res.get("phases") or []):
        if not isinstance(ph, dict):
            raise InputError(f"{path}: {w}.phases[{i}] is not an object")
        curve = ph.get("selection_per_epoch") or []
        if not all(isinstance(v, (int, float)) for v in curve):
            raise InputError(f"{path}: {w}.phases[{i}].selection_per_epoch "
                             "holds a non-number")
        terms = ph.get("weighted_term_loss_per_epoch")
        phases.append({"name": str(ph.get("name", f"phase {i + 1}")),
                       "selection": str(ph.get("selection", "")),
                       # optimiser steps and whether the step budget ended
                       # the phase; absent in older records
                       "steps": optional_number(ph, "steps"),
                       "step_cap_reached": ph.get("step_cap_reached") is True,
                       "curve": [float(v) for v in curve],
                       # {term: [weighted mean per step, per epoch]}; absent in older records
                       "terms": {str(k): [float(x) for x in v if isinstance(x, (int, float))]
                                 for k, v in terms.items() if isinstance(v, list)}
                       if isinstance(terms, dict) else {}})
    run["phases"] = phases


def parse_teacher(run, res, t, path):
    ft = t.get("finetune")
    if not isinstance(ft, dict):
        raise InputError(f"{path}: record.teacher.finetune is missing")
    run["acc"] = 100 * number(ft, "test_accuracy", path, "record.teacher.finetune")
    run["predictions"] = predictions(ft)
    run["sizes"] = {k: ft.get(k) for k in ("train_examples", "dev_examples", "test_examples")}
    run["epochs"] = float(len(ft.get("dev_accuracy_per_epoch") or [])) or None
    pre = t.get("pretrain") if isinstance(t.get("pretrain"), dict) else {}
    run["pretrain"] = {k: pre.get(k) for k in ("epochs", "steps", "transfer_examples",
                                               "vocab_size", "layers", "hidden",
                                               "unigram_entropy", "dataset")}
    run["pretrain"]["mlm_loss_per_epoch"] = [
        float(v) for v in pre.get("mlm_loss_per_epoch") or [] if isinstance(v, (int, float))]
    # In-domain MLM continues a general pre-training: its curve comes first.
    general = t.get("general_pretrain") if isinstance(t.get("general_pretrain"), dict) else {}
    continued = bool(general) and t.get("general_pretrain_key") != t.get("pretrain_key")
    run["pretrain"]["general_mlm_loss_per_epoch"] = [
        float(v) for v in (general.get("mlm_loss_per_epoch") or [] if continued else [])
        if isinstance(v, (int, float))]
    majority = optional_number(ft, "test_majority_accuracy")
    run["majority"] = None if majority is None else 100 * majority
    f1 = optional_number(ft, "test_macro_f1")
    run["f1"] = None if f1 is None else 100 * f1
    curve = ft.get("dev_accuracy_per_epoch") or []
    run["phases"] = [{"name": "teacher fine-tune", "selection": "dev accuracy",
                      "curve": [float(v) for v in curve
                                if isinstance(v, (int, float))]}]
    run["teacher_params"] = (optional_number(res, "parameters"),
                             optional_number(res, "embedding_parameters"))
    run["variance"] = optional_number(res, "mean_probability_variance")
    run["one_hot"] = optional_number(res, "one_hot_variance")
    run["classes"] = res.get("classes")
    run["layers"] = res.get("layers")
    run["hidden"] = res.get("hidden")


def predictions(obj):
    """(predicted, gold) class ids per test example, or None where the record
    predates them (records before per-example predictions were stored)."""
    pred, gold = obj.get("test_predictions"), obj.get("test_labels")
    if isinstance(pred, list) and isinstance(gold, list) and len(pred) == len(gold) and pred:
        return (pred, gold)
    return None


def load_run(results):
    """Manifest plus every record it names, each record read once."""
    manifest, mpath = load_manifest(results)
    runs = {}
    grids = {}
    for gid in sorted(manifest["grids"]):
        g = manifest["grids"][gid]
        keys = []
        for c in g["cells"]:
            if c["key"] not in runs:
                runs[c["key"]] = parse_record(results, c["key"])
            keys.append(c["key"])
        grids[gid] = dict(g, id=gid, table=str(g["table"]), keys=keys)
    return manifest, grids, runs


def load_paper(path):
    p = load_json(path, "the paper's reference numbers")
    tables = need(p, "tables", path, "", dict)
    need(p, "claims", path, "", dict)
    for num, t in tables.items():
        if not isinstance(t, dict) or "rows" not in t:
            raise InputError(f"{path}: tables.{num}.rows is missing")
    return p


# ---------------------------------------------------------------------------
# Grouping over seeds.

def group_key(run):
    return (run["dataset"], run["teacher"], run["student"], run["method"],
            run["schedule"], run["labels"])


def group_sort_key(k):
    dataset, teacher, student, method, schedule, labels = k
    return (dataset, order(TEACHER_ORDER, teacher), order(STUDENT_ORDER, student),
            order(METHOD_ORDER, method), order(SCHEDULE_ORDER, schedule),
            order(LABELS_ORDER, labels))


class Stat:
    """One group's values over seeds: mean, sample std and the mean's 95% t
    interval. per_seed maps a seed to its value (a teacher fine-tuned once
    for every seed is one value, under the first seed that has it)."""

    def __init__(self, per_seed=None, reasons=()):
        self.per_seed = dict(sorted((per_seed or {}).items()))
        self.values = list(self.per_seed.values())
        self.n = len(self.values)
        self.mean = statistics.fmean(self.values) if self.values else None
        self.std = statistics.stdev(self.values) if self.n >= 2 else None
        self.lo, self.hi = ps.t_interval(self.values)
        self.n_missing = len(reasons)          # not_available records
        self.reasons = sorted(set(reasons))

    @property
    def ok(self):
        return self.n > 0


def distinct_ok_runs(runs):
    """The ok runs of a group, one per distinct training.

    A teacher fine-tuned once serves every student seed (teacher_per_seed =
    false): its records share a fine-tune key and must count once, or n and
    the spread would be faked by copies.
    """
    seen = {}
    for r in sorted(runs, key=lambda r: (r["seed"], r["key"])):
        if r["status"] != "ok":
            continue
        ident = r["finetune_key"] if r["kind"] == "teacher" and r["finetune_key"] else r["key"]
        seen.setdefault(ident, r)
    return list(seen.values())


def group_stats(runs, field="acc"):
    ok = distinct_ok_runs(runs)
    values = {r["seed"]: r[field] for r in ok if r.get(field) is not None}
    reasons = [r["reason"] or "not available" for r in runs if r["status"] != "ok"]
    return Stat(values, reasons)


def seed_values(runs, field="acc"):
    """{seed: value} over every ok record, for pairing by seed: a shared
    teacher's copies each stand beside their seed's student (the caller says
    that its variance is then not in the interval, see shared_teacher)."""
    return {r["seed"]: r[field] for r in sorted(runs or [], key=lambda r: r["key"])
            if r["status"] == "ok" and r.get(field) is not None}


def shared_teacher(runs):
    """True when a teacher group has fewer distinct fine-tunes than seeds."""
    ok = [r for r in runs or [] if r["status"] == "ok" and r["kind"] == "teacher"]
    return bool(ok) and len(distinct_ok_runs(ok)) < len({r["seed"] for r in ok})


SHARED_TEACHER = ("one teacher fine-tune serves every seed, so its run-to-run variance "
                  "is not in the interval")


class Index:
    """All runs grouped by (dataset, teacher, student, method, schedule, labels)."""

    def __init__(self, runs):
        self.groups = {}
        for r in sorted(runs, key=lambda r: r["key"]):
            # A cell with a transfer-set size of its own belongs to the
            # transfer sweep only, not to the tables' groups.
            if r.get("transfer") is None:
                self.groups.setdefault(group_key(r), []).append(r)

    def datasets(self):
        return sorted({k[0] for k in self.groups})

    def find(self, dataset, method, labels, teacher=None, student=None, schedule=None,
             exact=False):
        """Runs of the matching group; None where no group matches.

        For method "none" the teacher is not used in training, so when the
        asked-for teacher role has no such group any role's group serves
        (Table 5's no-distil student stands in for the Large-teacher grids).
        exact: the named role only, no stand-in.
        """
        if method == "teacher":
            student, schedule = "", ""
        else:
            student = student or "bilstm"
            schedule = "joint" if schedule is None else schedule
        roles = [teacher] if teacher else TEACHER_ORDER
        if teacher and teacher.endswith(IN_DOMAIN) and not exact:
            # Records made before the in-domain roles named Table 11's
            # teacher by its size.
            roles.append(teacher[:-len(IN_DOMAIN)])
        if method == "none" and teacher and not exact:
            roles = [teacher] + [t for t in TEACHER_ORDER if t != teacher]
        for role in roles:
            k = (dataset, role, student, method, schedule, labels)
            if k in self.groups:
                return self.groups[k]
        return None

    def roles(self, dataset, labels):
        """The teacher roles with a group of their own at this budget, by
        name only: find()'s stand-ins (a size for its in-domain role) would
        count one teacher twice."""
        present = {k[1] for k in self.groups if k[0] == dataset and k[5] == labels}
        return [role for role in TEACHER_ORDER if role in present]

    def stat(self, *args, field="acc", **kw):
        runs = self.find(*args, **kw)
        return group_stats(runs, field) if runs else Stat()


# ---------------------------------------------------------------------------
# Formatting.

def fmt_stat(s, digits=2, why=True):
    """'93.41 ± 0.38 (n=3)'; n=1 says it has no spread."""
    if not s.ok:
        reasons = "; ".join(s.reasons)
        return f"not available ({reasons})" if reasons and why else "not available"
    text = f"{s.mean:.{digits}f}"
    text += f" ± {s.std:.{digits}f} (n={s.n}" if s.n >= 2 else " (n=1, no spread"
    if s.n_missing:  # some seeds ran, others are not available
        text += f"; {s.n_missing} not available" + (f": {'; '.join(s.reasons)}" if why else "")
    return text + ")"


def fmt_num(v, digits=2):
    return "not available" if v is None else f"{v:.{digits}f}"


def fmt_share(row):
    """A benchmark row's share of the matmul peak, as a percentage."""
    share = row.get("share_of_peak")
    return "not available" if share is None else f"{100 * share:.1f}%"


def fmt_sig(v):
    """Variances span orders of magnitude: 4 significant digits."""
    return "not available" if v is None else f"{v:.4g}"


def fmt_int(v):
    return "not available" if v is None else f"{int(round(v)):,}"


def fmt_seconds(s):
    if not isinstance(s, (int, float)):
        return "not recorded"
    return f"{s:.1f} s ({s / 60:.1f} min)"


def dataset_title(dataset, classes):
    return f"{dataset} ({classes} classes)" if classes else dataset


# ---------------------------------------------------------------------------
# Document blocks, rendered to Markdown and to HTML.

def H(level, text, anchor=None):
    return ("h", level, text, anchor)


def P(text):
    return ("p", text)


def T(headers, rows):
    return ("table", list(headers), [list(r) for r in rows])


def IMG(name, alt):
    return ("img", name, alt)


def DETAILS(summary, blocks):
    """Blocks folded under a summary line (long provenance lists)."""
    return ("details", summary, list(blocks))


def LIST(items):
    return ("list", list(items))


def slug(text):
    return re.sub(r"-+", "-", re.sub(r"[^a-z0-9]+", "-", text.lower())).strip("-") or "section"


def with_anchors(blocks):
    """Every level-2 heading gets an anchor (its own, or a unique slug)."""
    seen, out = set(), []
    for b in blocks:
        if b[0] == "h" and b[1] == 2:
            anchor = b[3] or slug(b[2])
            while anchor in seen:
                anchor += "-x"
            seen.add(anchor)
            b = H(2, b[2], anchor)
        out.append(b)
    return out


def toc_blocks(blocks):
    """A linked table of contents of the level-2 headings."""
    items = [f"[{b[2]}](#{b[3]})" for b in blocks if b[0] == "h" and b[1] == 2 and b[3]]
    return [H(2, "Contents", "contents"), LIST(items)] if items else []


def md_cell(text):
    return str(text).replace("|", "\\|").replace("\n", " ")


def render_md(blocks):
    out = []
    for b in blocks:
        kind = b[0]
        if kind == "h":
            if b[3]:
                out.append(f'<a id="{b[3]}"></a>\n')
            out.append("#" * b[1] + " " + b[2])
        elif kind == "p":
            out.append(b[1])
        elif kind == "list":
            out.append("\n".join(f"- {item}" for item in b[1]))
        elif kind == "details":
            out.append(f"<details><summary>{html.escape(b[1], quote=False)}</summary>\n\n"
                       + render_md(b[2]) + "\n</details>")
        elif kind == "table":
            headers, rows = b[1], b[2]
            lines = ["| " + " | ".join(md_cell(h) for h in headers) + " |",
                     "|" + "---|" * len(headers)]
            lines += ["| " + " | ".join(md_cell(c) for c in r) + " |" for r in rows]
            out.append("\n".join(lines))
        elif kind == "img":
            out.append(f"![{b[2]}](plots/{b[1]})")
        out.append("")
    return "\n".join(out).rstrip() + "\n"


VERDICT_CLASS = {"holds": "v-holds", "does not hold": "v-not", "inconclusive": "v-inc",
                 "pass": "v-holds", "fail": "v-not"}


def html_inline(text):
    """Escapes text, then turns **x** into <strong> and `x` into <code>."""
    s = html.escape(str(text), quote=False)

    def strong(m):
        cls = VERDICT_CLASS.get(m.group(1).strip().lower())
        attr = f' class="{cls}"' if cls else ""
        return f"<strong{attr}>{m.group(1)}</strong>"
    s = re.sub(r"\*\*(.+?)\*\*", strong, s)
    s = re.sub(r"`([^`]+)`", r"<code>\1</code>", s)
    s = re.sub(r"\[([^\]]+)\]\((#[A-Za-z0-9_-]+)\)", r'<a href="\2">\1</a>', s)
    s = re.sub(r"(?<![*\w])\*([^*]+)\*(?![*\w])", r"<em>\1</em>", s)
    return s


CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;
 margin:0 auto;max-width:1180px;padding:24px;color:#1d1d1f;line-height:1.45;
 background:#fff}
h1{font-size:1.8em;border-bottom:2px solid #345;padding-bottom:.2em}
h2{font-size:1.35em;margin-top:1.8em;border-bottom:1px solid #ccd;padding-bottom:.15em}
h3{font-size:1.1em;margin-top:1.3em}
table{border-collapse:collapse;margin:.6em 0 1.2em;font-size:.9em}
th,td{border:1px solid #c8ccd4;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#eef1f6}
tr:nth-child(even) td{background:#f8f9fb}
code{background:#f1f2f4;padding:0 3px;border-radius:3px;font-size:.92em}
img{max-width:100%;border:1px solid #dde;margin:.4em 0 1.2em}
details{margin:.4em 0}summary{cursor:pointer;color:#345}
ul{columns:2;margin:.4em 0 1em}a{color:#1a4f8b}
.v-holds{color:#11722b}.v-not{color:#b3261e}.v-inc{color:#8a5a00}
"""


def render_html(blocks, title, plot_dir):
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<title>{html.escape(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
            + html_body(blocks, plot_dir) + "\n</body>\n</html>\n")


def html_body(blocks, plot_dir):
    body = []
    for b in blocks:
        kind = b[0]
        if kind == "h":
            anchor = f' id="{html.escape(b[3])}"' if b[3] else ""
            body.append(f"<h{b[1]}{anchor}>{html_inline(b[2])}</h{b[1]}>")
        elif kind == "p":
            body.append(f"<p>{html_inline(b[1])}</p>")
        elif kind == "table":
            head = "".join(f"<th>{html_inline(h)}</th>" for h in b[1])
            rows = "".join("<tr>" + "".join(f"<td>{html_inline(c)}</td>" for c in r) + "</tr>"
                           for r in b[2])
            body.append(f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")
        elif kind == "img":
            # Embedded, so the page is one self-contained file.
            with open(os.path.join(plot_dir, b[1]), "rb") as f:
                data = base64.b64encode(f.read()).decode("ascii")
            body.append(f'<img alt="{html.escape(b[2])}" src="data:image/png;base64,{data}">')
        elif kind == "list":
            body.append("<ul>" + "".join(f"<li>{html_inline(i)}</li>" for i in b[1]) + "</ul>")
        elif kind == "details":
            body.append(f"<details><summary>{html_inline(b[1])}</summary>"
                        + html_body(b[2], plot_dir) + "</details>")
    return "\n".join(body)


# ---------------------------------------------------------------------------
# Row labels of the reproduced tables.

def row_label(k, table, grid_keys):
    """The paper's row names; qualified only where a grid needs it."""
    dataset, teacher, student, method, schedule, labels = k
    if table == "12":
        base = schedule or method
    elif student == "rnn":
        base = "RNN"
    elif method == "none":
        base = "Student no distil."
    elif method == "hard":
        base = "hard"
    elif method == "soft+repr":
        has_hard = any(g[3] == "hard" for g in grid_keys)
        base = "soft" if has_hard else "Student with distil."
    elif method == "teacher":
        base = f"teacher ({teacher})" if teacher else "teacher"
    else:
        base = method
    if method != "teacher" and len({g[1] for g in grid_keys if g[3] != "none"}) > 1:
        base += f" [{teacher} teacher]"
    if len({g[5] for g in grid_keys}) > 1:
        base += f", labels {labels}"
    return base


# ---------------------------------------------------------------------------
# Comparisons and verdicts (rules in report/paired_stats.py).

def paired_part(label, plus_runs, minus_runs, names, test=ps.SUPERIORITY, bound=0.0,
                field="acc"):
    """plus − minus paired by seed, as one part of a claim."""
    a, b = seed_values(plus_runs, field), seed_values(minus_runs, field)
    missing = [n for v, n in ((a, names[0]), (b, names[1])) if not v]
    if missing:
        return ps.Part(label, None, missing=", ".join(missing))
    d = ps.paired(a, b)
    if not d.n:
        return ps.Part(label, None, missing="no seed in common")
    blockers = [SHARED_TEACHER] if shared_teacher(plus_runs) or shared_teacher(minus_runs) \
        else []
    return ps.Part(label, d, test, bound, blockers=blockers)


class Info:
    """A line shown with a verdict that takes no part in it."""

    def __init__(self, label):
        self.label = label

    def text(self):
        return self.label


class Verdict:
    """One paper claim: its parts per dataset and the rules' outcome."""

    def __init__(self, number, claim, rule):
        self.number, self.claim, self.rule = number, claim, rule
        self.per_dataset = {}   # dataset -> list of ps.Part / Info
        self.paper = ""         # what the paper's own numbers show
        self.at_chance = {}     # dataset -> why its teachers test nothing
        self._overall = ps.INCONCLUSIVE

    def parts(self, ds):
        return [p for p in self.per_dataset.get(ds, []) if isinstance(p, ps.Part)]

    def decide(self):
        """One family per claim: Bonferroni over the parts of every dataset
        that counts; a dataset whose teachers learned nothing is decided on
        its own, for its text only."""
        counted = [p for ds in sorted(self.per_dataset) if ds not in self.at_chance
                   for p in self.parts(ds)]
        self._overall = ps.decide_claim(counted)
        for ds in self.at_chance:
            ps.decide_claim(self.parts(ds))

    def outcomes(self, ds, attribute):
        # A part without data is inconclusive (paired_stats.decide_claim).
        return [ps.INCONCLUSIVE if p.missing or p.delta is None else getattr(p, attribute)
                for p in self.parts(ds)]

    def dataset_verdict(self, ds):
        if ds in self.at_chance:
            return ps.INCONCLUSIVE
        return ps.combine(self.outcomes(ds, "verdict"))

    def dataset_alone(self, ds):
        """What the 95% intervals alone say, before the preconditions."""
        return ps.combine(self.outcomes(ds, "alone"))

    def overall(self):
        return self._overall

    def overall_alone(self):
        return ps.combine(self.dataset_alone(ds) for ds in sorted(self.per_dataset)
                          if ds not in self.at_chance)


def gap_closing(index, datasets):
    v = Verdict(1, "Distillation closes the gap to the teacher (Tables 5 and 6)",
                "per teacher role at all labels and per seed, the gap closed: (T − N)⁺ − "
                "(T − D)⁺, the teacher's lead over the no-distil student minus its lead over "
                "the distilled one (x⁺ = max(x, 0): a student above its teacher has no gap "
                "left); holds when its 95% interval lies above zero. Testable only where the "
                "teacher is above the no-distil student (T − N's interval above zero): else "
                "there is no gap to close. The no-distil student (Table 5) serves both roles: "
                "it uses no teacher.")
    for ds in datasets:
        parts = []
        for role in index.roles(ds, "all"):
            t = index.find(ds, "teacher", "all", teacher=role, exact=True)
            d = index.find(ds, "soft+repr", "all", teacher=role, exact=True)
            n = index.find(ds, "none", "all", teacher=role)
            if not (t or d):
                continue  # this role is not in the run at all
            label = f"{role}: (T − N)⁺ − (T − D)⁺"
            tv, dv, nv = seed_values(t), seed_values(d), seed_values(n)
            missing = [nm for vals, nm in ((tv, "teacher"), (dv, "distil."), (nv, "no distil."))
                       if not vals]
            if missing:
                parts.append(ps.Part(label, None, missing=", ".join(missing)))
                continue
            common = sorted(set(tv) & set(dv) & set(nv))
            margins = ps.PairedDelta({s: max(tv[s] - nv[s], 0.0) - max(tv[s] - dv[s], 0.0)
                                      for s in common})
            blockers = [SHARED_TEACHER] if shared_teacher(t) else []
            lead = ps.PairedDelta({s: tv[s] - nv[s] for s in common})
            if not (lead.has_interval and lead.lo > 0):
                blockers.append("no gap to close: teacher − no distil. = "
                                + ps.Part("", lead).interval_text())
            parts.append(ps.Part(label, margins, blockers=blockers))
        v.per_dataset[ds] = parts
    return v


def soft_vs_hard(index, datasets):
    v = Verdict(2, "Soft distillation is at least as good as hard (Tables 8, 10, 11)",
                f"soft − hard (Large teacher, joint) per seed at all, 500 and 100 labels per "
                f"class, a non-inferiority test with a margin of {SOFT_HARD_MARGIN:g} point: "
                f"holds when the 95% interval lies above −{SOFT_HARD_MARGIN:g}, does not hold "
                f"when it lies below −{SOFT_HARD_MARGIN:g}.")
    for ds in datasets:
        parts = []
        for labels, table in (("all", "8"), ("500", "10"), ("100", "11")):
            s = index.find(ds, "soft+repr", labels, teacher=large_teacher(labels))
            h = index.find(ds, "hard", labels, teacher=large_teacher(labels))
            if not (s or h):
                continue
            parts.append(paired_part(f"Table {table} ({labels} labels): soft − hard", s, h,
                                     ("soft", "hard"), ps.NON_INFERIORITY, SOFT_HARD_MARGIN))
        v.per_dataset[ds] = parts
    return v


def gains_grow(index, datasets):
    v = Verdict(3, "Gains of distillation grow as labels shrink (Tables 5, 10, 11)",
                "gain = soft − none per seed (Large teacher soft, joint; Table 5's no-distil "
                "student at all labels). Each smaller budget's gain minus the next larger "
                "budget's, paired by seed, must have its 95% interval above zero "
                "(100 > 500 > all); 500 against all is not tested where \"all\" is less "
                f"than {BUDGET_RATIO_MIN:g} times 500 per class (see the preconditions).")
    for ds in datasets:
        gains = []
        for labels in LABELS_ORDER:
            s = index.find(ds, "soft+repr", labels, teacher=large_teacher(labels)) or \
                index.find(ds, "soft+repr", labels, teacher="base")
            n = index.find(ds, "none", labels, teacher=large_teacher(labels))
            sv, nv = seed_values(s), seed_values(n)
            if sv and nv and set(sv) & set(nv):
                gains.append((labels, ps.paired(sv, nv)))
        items = [Info(f"gain({lab}) = " + ps.Part("", g).interval_text()) for lab, g in gains]
        sizes = budget_sizes(index, ds)
        for (la, ga), (lb, gb) in zip(gains, gains[1:]):
            d = ps.paired(ga.per_seed, gb.per_seed)
            if (la, lb) == ("500", "all") and sizes and sizes[2] < BUDGET_RATIO_MIN:
                # Fixed by the dataset's size before any result: two budgets this
                # close cannot show a gain growing (the preconditions' budget check).
                items.append(Info(f"gain(500) − gain(all) = {ps.Part('', d).interval_text()}: "
                                  f"not tested, \"all\" is only {sizes[2]:.2f} times the "
                                  "500-per-class budget"))
                continue
            items.append(ps.Part(f"gain({la}) − gain({lb})", d) if d.n else
                         ps.Part(f"gain({la}) − gain({lb})", None, missing="no seed in common"))
        have = {g[0] for g in gains}
        lacking = [lab for lab in LABELS_ORDER if lab not in have]
        if lacking:
            items.append(ps.Part(f"labels {', '.join(lacking)}", None,
                                 missing="soft or none not available"))
        if len(gains) < 2:
            items.append(ps.Part("chain", None, missing="fewer than two label budgets"))
        v.per_dataset[ds] = items
    return v


def stagewise_best(index, datasets):
    v = Verdict(4, "The stagewise schedule is best (Table 12)",
                "stagewise − joint and stagewise − distil-once per seed (100 labels, Large "
                "teacher); each 95% interval must lie above zero.")
    for ds in datasets:
        st = index.find(ds, "soft+repr", "100", teacher=large_teacher("100"),
                        schedule="stagewise")
        parts = []
        for other in ("joint", "distil-once"):
            o = index.find(ds, "soft+repr", "100", teacher=large_teacher("100"), schedule=other)
            if not (st or o):
                continue
            parts.append(paired_part(f"stagewise − {other}", st, o, ("stagewise", other)))
        v.per_dataset[ds] = parts
    return v


def confidence_threshold(paper):
    """The paper's own lowest variance / max in Table 9 (0.920, AG News Base):
    a teacher at least that confident is as confident as the paper's least
    confident one. None without the paper's Table 9."""
    rows = ((paper["tables"].get("9") or {}).get("rows")) or {}
    ratios = [r[k] / r["max"] for r in rows.values() for k in ("base", "large")
              if r.get(k) is not None and r.get("max")]
    return round(min(ratios), 3) if ratios else None


def teacher_confidence(index, datasets, paper):
    threshold = confidence_threshold(paper)
    v = Verdict(5, "Teachers are confident (Table 9)",
                f"each teacher's mean prediction variance / one-hot maximum, one value per "
                f"fine-tune, must have its 95% interval at or above "
                f"{'not available' if threshold is None else f'{threshold:.3f}'}, the lowest "
                f"ratio in the paper's Table 9; large − base variance, paired by seed, above "
                f"zero.")
    for ds in datasets:
        parts = []
        per_role = {}
        for role in index.roles(ds, "all"):
            runs = index.find(ds, "teacher", "all", teacher=role, exact=True)
            if not runs:
                continue
            ratios = {r["seed"]: r["variance"] / r["one_hot"] for r in distinct_ok_runs(runs)
                      if r.get("variance") is not None and r.get("one_hot")}
            per_role[role] = {r["seed"]: r["variance"] for r in distinct_ok_runs(runs)
                              if r.get("variance") is not None}
            label = f"{role}: variance / max"
            if not ratios or threshold is None:
                parts.append(ps.Part(label, None, missing="variance" if not ratios
                                     else "the paper's Table 9"))
                continue
            parts.append(ps.Part(label, ps.PairedDelta(ratios), ps.AT_LEAST, threshold,
                                 unit="", digits=3))
        if per_role:
            lg, bs = per_role.get("large", {}), per_role.get("base", {})
            missing = [n for vals, n in ((lg, "large"), (bs, "base")) if not vals]
            d = ps.paired(lg, bs) if not missing else None
            parts.append(ps.Part("large − base variance", d if d and d.n else None,
                                 missing=", ".join(missing) or (None if d and d.n
                                                                 else "no seed in common"),
                                 unit="", digits=4))
        v.per_dataset[ds] = parts
    return v


def paper_verdict_notes(paper, verdicts):
    """One sentence per claim with what the paper's own numbers show."""
    t = paper["tables"]
    notes = {}
    r5 = (t.get("5") or {}).get("rows") or {}
    if r5:
        notes[1] = "Paper, Table 5: " + "; ".join(
            f"{ds}: no distil. {abs(r['teacher_base'] - r['no_distil']):.2f} → distil. "
            f"{abs(r['teacher_base'] - r['distil']):.2f} from the teacher"
            for ds, r in r5.items()) + "."
    r8 = (t.get("8") or {}).get("rows") or {}
    r10 = (t.get("10") or {}).get("rows") or {}
    parts = [f"{ds} {r['soft'] - r['hard']:+.2f} (T8)" for ds, r in r8.items()]
    parts += [f"{ds} {r['soft'] - r['hard']:+.2f} (T10)" for ds, r in r10.items()]
    if parts:
        notes[2] = "Paper, soft − hard: " + "; ".join(parts) + "."
    t10 = paper["claims"].get("table10_text", {})
    notes[3] = ("Paper: the gains at 100 and 500 labels are not available in the paper "
                "text (Tables 10 and 11 have no no-distil row there); its Table 10 text "
                "says: " + t10.get("text", "not available") + ".")
    notes[4] = "Paper: Table 12 is not available; the text says: " + \
        paper["claims"].get("stagewise_best", {}).get("text", "not available") + "."
    r9 = (t.get("9") or {}).get("rows") or {}
    if r9:
        notes[5] = "Paper, Table 9 variance / max (base, large): " + "; ".join(
            f"{ds} {r['base'] / r['max']:.3f}, {r['large'] / r['max']:.3f}"
            for ds, r in r9.items()) + "; large >= base on every dataset."
    for v in verdicts:
        v.paper = notes.get(v.number, "")


# A teacher must beat always answering the most frequent test label by this
# many points to count as having learned the task.
CHANCE_MARGIN = 1.0


def teachers_at_chance(index):
    """dataset -> reason, for datasets where no teacher beats the majority label."""
    reasons = {}
    for ds in index.datasets():
        teachers = [r for runs in index.groups.values() for r in runs
                    if r["dataset"] == ds and r["method"] == "teacher"
                    and r["status"] == "ok" and r.get("majority") is not None]
        if teachers and all(r["acc"] <= r["majority"] + CHANCE_MARGIN for r in teachers):
            best = max(teachers, key=lambda r: r["acc"])
            reasons[ds] = (f"no teacher beats the majority label by {CHANCE_MARGIN:.0f} point "
                           f"(best {best['acc']:.2f}% vs majority {best['majority']:.2f}%)")
    return reasons


def compute_verdicts(index, paper):
    ds = index.datasets()
    vs = [gap_closing(index, ds), soft_vs_hard(index, ds), gains_grow(index, ds),
          stagewise_best(index, ds), teacher_confidence(index, ds, paper)]
    at_chance = teachers_at_chance(index)
    for v in vs:
        # Datasets the claim has no data for at all stay out of it.
        v.per_dataset = {d: c for d, c in v.per_dataset.items() if c}
        v.at_chance = {d: why for d, why in at_chance.items() if d in v.per_dataset}
        v.decide()
    paper_verdict_notes(paper, vs)
    return vs


# ---------------------------------------------------------------------------
# Preconditions: a verdict only means something when the teachers learned the
# task and no student collapsed to one class. Checked for every dataset.

GATE_TEACHER_OVER_STUDENT = 5.0   # macro F1 points over the no-distil student, 100 labels
GATE_TEACHER_OVER_MAJORITY = 10.0  # accuracy points over always answering the majority label
GATE_CONFIDENCE = 0.8              # Table 9's variance / one-hot maximum


def single_class(run, classes):
    """True when a cell's test predictions are all one class. From the
    per-example predictions where the record has them; otherwise from its
    metrics: predicting class k alone gives accuracy a = share of k and macro
    F1 = (2a / (1 + a)) / classes exactly, which a varied predictor matches
    only by coincidence. None when neither can tell."""
    if run["status"] != "ok":
        return None
    if run.get("predictions"):
        return len(set(run["predictions"][0])) == 1
    if run.get("f1") is None or not classes:
        return None
    a = run["acc"] / 100
    return abs(run["f1"] / 100 - (2 * a / (1 + a)) / classes) < 1e-9


def gate_row(ds, gate, subject, value, threshold, passed):
    verdict = "not available" if passed is None else ("**pass**" if passed else "**fail**")
    return [ds, gate, subject, value, threshold, verdict]


def gate_rows(index):
    rows = []
    for ds in index.datasets():
        majority, _ = majority_and_chance(index, ds)
        teachers = sorted((k for k in index.groups if k[0] == ds and k[3] == "teacher"),
                          key=group_sort_key)
        for k in teachers:
            role, labels = k[1], k[5]
            t = index.groups[k]
            subject = f"teacher {role}, {labels} labels/class"
            acc = group_stats(t, "acc")
            if acc.ok and majority is not None:
                rows.append(gate_row(ds, "far above the majority label", subject,
                                     f"{acc.mean:.2f} vs {majority:.2f} (accuracy %)",
                                     f"+{GATE_TEACHER_OVER_MAJORITY:g} points",
                                     acc.mean - majority >= GATE_TEACHER_OVER_MAJORITY))
            if labels == "100":
                student = index.find(ds, "none", "100", teacher=role)
                part = paired_part("", t, student, ("teacher", "no distil."), field="f1")
                tf, sf = group_stats(t, "f1"), group_stats(student or [], "f1")
                if tf.ok and sf.ok:
                    d = tf.mean - sf.mean
                    rows.append(gate_row(
                        ds, "above the no-distil student (macro F1)", subject,
                        f"{tf.mean:.2f} vs {sf.mean:.2f} (Δ {d:+.2f}"
                        + (f", paired 95% CI {fmt_ci(part.delta)}" if part.delta else "") + ")",
                        f"+{GATE_TEACHER_OVER_STUDENT:g} points",
                        d >= GATE_TEACHER_OVER_STUDENT))
                else:
                    rows.append(gate_row(ds, "above the no-distil student (macro F1)", subject,
                                         "no-distil student not in this run", "", None))
            nb = index.find(ds, "none", labels, teacher=role, student="naive-bayes")
            nbs = group_stats(nb or [], "acc")
            if acc.ok and nbs.ok:
                rows.append(gate_row(ds, "beats the suite's naive Bayes", subject,
                                     f"{acc.mean:.2f} vs {nbs.mean:.2f} (accuracy %)",
                                     "above", acc.mean > nbs.mean))
            else:
                rows.append(gate_row(ds, "beats the suite's naive Bayes", subject,
                                     "naive Bayes not run at this budget", "", None))
            if labels == "all":
                ratio = Stat({r["seed"]: r["variance"] / r["one_hot"]
                              for r in distinct_ok_runs(t)
                              if r.get("variance") is not None and r.get("one_hot")})
                if ratio.ok:
                    rows.append(gate_row(ds, "confident (Table 9 variance / max)", subject,
                                         f"{ratio.mean:.3f}", f"{GATE_CONFIDENCE:g}",
                                         ratio.mean >= GATE_CONFIDENCE))
    return rows


def single_class_cells(index):
    """(dataset, cell name) of every ok cell that predicts one class."""
    cells = []
    for ds in index.datasets():
        classes = dataset_classes(index, ds)
        for k, runs in index.groups.items():
            if k[0] != ds:
                continue
            for r in runs:
                if r["kind"] == "student" and single_class(r, classes):
                    cells.append((ds, r["name"]))
    return sorted(set(cells))


# "all" labels must be at least this many times the 500-per-class budget for
# Tables 5-8 vs Table 10 to compare different amounts of labeled data.
BUDGET_RATIO_MIN = 2.0


def budget_sizes(index, ds):
    """(500-per-class, all) labeled training examples per class of a dataset,
    from its student records; None without both budgets."""
    classes = dataset_classes(index, ds)
    per_class = {}
    for k, runs in index.groups.items():
        if k[0] != ds or k[5] not in ("500", "all"):
            continue
        for r in runs:
            train = (r.get("sizes") or {}).get("train_examples")
            if r["kind"] == "student" and r["status"] == "ok" and train and classes:
                per_class.setdefault(k[5], set()).add(train / classes)
    if "500" not in per_class or "all" not in per_class:
        return None
    low, high = max(per_class["500"]), min(per_class["all"])
    return low, high, (high / low if low else float("inf"))


def budget_rows(index):
    """Per dataset with both a 500-per-class and an "all" budget: the labeled
    training examples per class of each (from the student records) and
    whether "all" is at least BUDGET_RATIO_MIN times 500."""
    rows = []
    for ds in index.datasets():
        sizes = budget_sizes(index, ds)
        if sizes is None:
            continue
        low, high, ratio = sizes
        rows.append([ds, f"{low:,.0f}", f"{high:,.0f}", f"{ratio:.2f}",
                     "**pass**" if ratio >= BUDGET_RATIO_MIN else "**fail**"])
    return rows


# One weighted loss term more than this many times another, in the first
# epoch of a phase, swamps it: its gradient decides the step.
TERM_RATIO_LIMIT = 10.0


def loss_term_rows(index):
    """Per (dataset, method, schedule, labels, phase) with several loss terms:
    each term's weighted mean per step in the phase's first epoch (mean over
    seeds) and the largest over the smallest."""
    acc = {}
    for k, runs in sorted(index.groups.items(), key=lambda kv: group_sort_key(kv[0])):
        for r in runs:
            if r["status"] != "ok" or r["kind"] != "student":
                continue
            for ph in r.get("phases") or []:
                terms = {t: v[0] for t, v in (ph.get("terms") or {}).items() if v}
                if len(terms) < 2:
                    continue
                key = (k[0], k[2], k[3], k[4], k[5], ph["name"])
                for t, v in terms.items():
                    acc.setdefault(key, {}).setdefault(t, []).append(v)
    rows = []
    for (ds, student, method, schedule, labels, phase), terms in acc.items():
        means = {t: statistics.fmean(v) for t, v in sorted(terms.items())}
        positive = [abs(v) for v in means.values() if abs(v) > 0]
        ratio = max(positive) / min(positive) if len(positive) >= 2 else None
        rows.append([ds, f"{student or 'bilstm'} {method} ({schedule}), {labels} labels", phase,
                     "; ".join(f"{t} {v:.4g}" for t, v in means.items()),
                     "not available" if ratio is None else f"{ratio:.1f}",
                     "not available" if ratio is None else
                     ("**pass**" if ratio <= TERM_RATIO_LIMIT else "**fail**")])
    return rows


def precondition_blocks(index):
    rows = gate_rows(index)
    failed = [r for r in rows if r[5] == "**fail**"]
    collapsed = single_class_cells(index)
    blocks = [H(2, "Preconditions: are the verdicts testable?", "preconditions")]
    if not rows:
        blocks.append(P("No gate to check: this run has no teacher cell."))
    elif failed:
        blocks.append(P(f"**fail**: {len(failed)} of {len(rows)} gate checks fail: "
                        + "; ".join(f"{r[0]}: {r[2]} {r[1]}" for r in failed)
                        + ". A verdict that rests on a failed gate tests the setup, not the "
                        "paper's claim."))
    else:
        blocks.append(P(f"**pass**: all {len(rows)} gate checks with data pass."))
    if rows:
        blocks.append(T(["dataset", "gate", "teacher", "value", "threshold", "result"], rows))
    blocks.append(P(f"Gates: every teacher at least {GATE_TEACHER_OVER_MAJORITY:g} accuracy "
                    f"points above the majority label of the test split; at 100 labels per "
                    f"class, at least {GATE_TEACHER_OVER_STUDENT:g} macro-F1 points above the "
                    "no-distil student; above the suite's naive Bayes student at the same "
                    "budget (a floor that holds on any dataset); at all labels, Table 9's "
                    f"variance / max at least {GATE_CONFIDENCE:g}. Means over distinct "
                    "fine-tunes and seeds."))
    terms = loss_term_rows(index)
    if terms:
        swamped = sum(1 for r in terms if r[5] == "**fail**")
        blocks.append(P((f"**fail**: in {swamped} of {len(terms)} distilled phases one weighted "
                         "loss term is more than " if swamped else
                         f"**pass**: in none of the {len(terms)} distilled phases is one weighted "
                         "loss term more than ") +
                        f"{TERM_RATIO_LIMIT:g} times another in the first epoch (each term's "
                        "weighted mean per step, mean over seeds):"))
        blocks.append(T(["dataset", "cells", "phase", "weighted terms, first epoch",
                         "largest / smallest", "result"], terms))
    else:
        blocks.append(P("Loss-term scales: not available (the records predate per-term "
                        "losses, or no phase has two terms)."))
    budgets = budget_rows(index)
    if budgets:
        close = [r[0] for r in budgets if r[4] == "**fail**"]
        blocks.append(P((f"**fail**: on {', '.join(close)} \"all\" labels is less than "
                         if close else "**pass**: on every dataset \"all\" labels is at least ")
                        + f"{BUDGET_RATIO_MIN:g} times the 500-per-class budget"
                        + (", so Tables 5-8 and Table 10 there compare almost the same amount "
                           "of labeled data; read the label-budget claims on the other datasets:"
                           if close else ":")))
        blocks.append(T(["dataset", "500: labeled per class", "all: labeled per class",
                         "all / 500", "result"], budgets))
    n_students = sum(1 for runs in index.groups.values() for r in runs
                     if r["kind"] == "student" and r["status"] == "ok")
    if collapsed:
        blocks.append(P(f"**fail**: {len(collapsed)} of {n_students} student cells predict a "
                        "single class on the whole test split (from per-example predictions "
                        "where recorded, else from accuracy and macro F1, which match a "
                        "constant predictor's exactly). Their group means depend on which "
                        "class each seed happened to pick."))
        blocks.append(DETAILS(f"The {len(collapsed)} single-class cells",
                              [T(["dataset", "cell"], collapsed)]))
    else:
        blocks.append(P(f"**pass**: none of the {n_students} student cells predicts a single "
                        "class."))
    return blocks


# ---------------------------------------------------------------------------
# Report sections.

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


def fmt_ci(s, digits=2):
    """'[92.10, 94.70]' for a Stat or PairedDelta with an interval."""
    if s is None or s.lo is None:
        return "no interval (n < 2)" if s is not None and getattr(s, "n", 0) == 1 else \
            "not available"
    return f"[{s.lo:.{digits}f}, {s.hi:.{digits}f}]"


def fmt_seed_values(per_seed, digits=2, sign=False, marked=()):
    """'s1: 93.10 · s2: 92.40†'; seeds in `marked` (single-class cells) get †."""
    spec = f"+.{digits}f" if sign else f".{digits}f"
    return " · ".join(f"s{s}: {format(v, spec)}{'†' if s in marked else ''}"
                      for s, v in sorted(per_seed.items())) or "not available"


def norm_name(name):
    return re.sub(r"[^a-z0-9]", "", str(name).lower())


def paper_column(num, k, paper):
    """The paper table's column that holds row k (None where it has none)."""
    cols = (paper["tables"].get(num) or {}).get("columns") or []
    _, teacher, student, method, _, _ = k
    if student == "rnn":
        col = "rnn"
    elif method == "none":
        col = "no_distil"
    elif method == "soft+repr":
        col = "distil" if "distil" in cols else "soft"
    elif method == "hard":
        col = "hard"
    elif method == "teacher":
        col = next((c for c in ("teacher_base" if teacher == "base" else "", teacher, "teacher")
                    if c and c in cols), None)
    else:
        col = None
    return col if col in cols else None


def paper_values(num, col, dataset, paper, fmt="{:.2f}"):
    """The paper's number for our dataset where the paper has it; else its
    numbers on its own datasets, named."""
    rows = ((paper["tables"].get(num) or {}).get("rows")) or {}
    if not rows or col is None:
        return "not available"
    same = [r for ds, r in rows.items() if norm_name(ds) == norm_name(dataset)]
    if same:
        v = same[0].get(col)
        return "not available" if v is None else fmt.format(v)
    shown = [f"{ds} {fmt.format(r[col])}" for ds, r in rows.items() if r.get(col) is not None]
    return "; ".join(shown) or "not available"


def majority_and_chance(index, ds):
    """(majority-label %, chance %) of a dataset's test split, or None each."""
    majority = None
    for r in sorted((r for runs in index.groups.values() for r in runs
                     if r["dataset"] == ds and r["status"] == "ok"), key=lambda r: r["key"]):
        if r.get("majority") is not None:
            majority = r["majority"]
            break
        if r.get("predictions"):
            gold = r["predictions"][1]
            majority = 100 * max(gold.count(c) for c in set(gold)) / len(gold)
            break
    classes = dataset_classes(index, ds)
    return majority, (100 / classes if classes else None)


def rows_table_blocks(num, grid, runs, index, paper):
    """Each row of a table: the paper's number, ours with its interval and
    per-seed values; a majority and a chance row per dataset."""
    grid_runs = [runs[k] for k in grid["keys"]]
    keys = sorted({group_key(r) for r in grid_runs}, key=group_sort_key)
    if not keys:
        return [P("This grid lists no cells.")]
    rows = []
    for ds in sorted({k[0] for k in keys}):
        classes = dataset_classes(index, ds)
        for k in (k for k in keys if k[0] == ds):
            members = index.groups[k]
            acc = group_stats(members, "acc")
            collapsed = {r["seed"] for r in members if r["kind"] == "student"
                         and single_class(r, classes)}
            rows.append([ds, row_label(k, grid["table"], keys),
                         paper_values(num, paper_column(num, k, paper), ds, paper),
                         fmt_stat(acc), fmt_ci(acc) if acc.ok else "",
                         fmt_stat(group_stats(members, "f1"), why=False),
                         fmt_seed_values(acc.per_seed, marked=collapsed) if acc.ok else ""])
        majority, chance = majority_and_chance(index, ds)
        rows.append([ds, "*majority class*", "", fmt_num(majority), "", "", ""])
        rows.append([ds, "*chance (1 / classes)*", "", fmt_num(chance), "", "", ""])
    blocks = [T(["dataset", "row", "paper", "reproduced accuracy %", "95% CI",
                 "macro F1 %", "per seed (accuracy %)"], rows)]
    if (paper["tables"].get(num) or {}).get("rows"):
        blocks.append(P("Paper: its number on the same dataset where it has one; otherwise its "
                        "numbers on its own datasets, named. Teacher rows: n = distinct "
                        "fine-tunes. †: that seed's cell predicts a single class."))
    elif any("†" in row[-1] for row in rows):
        blocks.append(P("†: that seed's cell predicts a single class."))
    return blocks


# Effects shown per table: (label, plus selector, minus selector, paper plus
# column, paper minus column). A selector is the keyword arguments of
# Index.find beyond dataset and labels.
SEL_NONE = {"method": "none"}
SEL_RNN = {"method": "none", "student": "rnn"}
SEL_SOFT = {"method": "soft+repr"}
SEL_HARD = {"method": "hard"}
SEL_TEACHER = {"method": "teacher"}
DELTAS = {
    "5": ("all", "base", [
        ("no distil. − RNN", SEL_NONE, SEL_RNN, "no_distil", "rnn"),
        ("distil. − no distil.", SEL_SOFT, SEL_NONE, "distil", "no_distil"),
        ("teacher − distil.", SEL_TEACHER, SEL_SOFT, "teacher_base", "distil")]),
    "6": ("all", None, [
        ("teacher − distil. [base]", dict(SEL_TEACHER, teacher="base"),
         dict(SEL_SOFT, teacher="base"), None, None),
        ("teacher − distil. [large]", dict(SEL_TEACHER, teacher="large"),
         dict(SEL_SOFT, teacher="large"), None, None),
        ("distil. [large] − distil. [base]", dict(SEL_SOFT, teacher="large"),
         dict(SEL_SOFT, teacher="base"), None, None)]),
    "8": ("all", "large", [("soft − hard", SEL_SOFT, SEL_HARD, "soft", "hard")]),
    "10": ("500", "large", [
        ("soft − none", SEL_SOFT, SEL_NONE, None, None),
        ("hard − none", SEL_HARD, SEL_NONE, None, None),
        ("soft − hard", SEL_SOFT, SEL_HARD, "soft", "hard"),
        ("teacher − soft", SEL_TEACHER, SEL_SOFT, "teacher", "soft")]),
    "11": ("100", large_teacher("100"), [
        ("soft − none", SEL_SOFT, SEL_NONE, None, None),
        ("hard − none", SEL_HARD, SEL_NONE, None, None),
        ("soft − hard", SEL_SOFT, SEL_HARD, None, None),
        ("teacher − soft", SEL_TEACHER, SEL_SOFT, None, None)]),
    "12": ("100", large_teacher("100"), [
        ("stagewise − joint", dict(SEL_SOFT, schedule="stagewise"),
         dict(SEL_SOFT, schedule="joint"), None, None),
        ("distil-once − joint", dict(SEL_SOFT, schedule="distil-once"),
         dict(SEL_SOFT, schedule="joint"), None, None)]),
}


def mcnemar_text(a_runs, b_runs):
    """McNemar's exact test pooled over the seeds both groups have with
    per-example predictions."""
    pa = {r["seed"]: r["predictions"] for r in a_runs or []
          if r["status"] == "ok" and r.get("predictions")}
    pb = {r["seed"]: r["predictions"] for r in b_runs or []
          if r["status"] == "ok" and r.get("predictions")}
    common = sorted(set(pa) & set(pb))
    if not common:
        return "not available (no per-example predictions)"
    pairs = []
    for s in common:
        (xa, ga), (xb, gb) = pa[s], pb[s]
        if ga != gb:
            return "not available (the test sets differ)"
        pairs.append((xa, xb, ga))
    b, c, p = ps.mcnemar(pairs)
    # Below the smallest double the binomial tail reads 0: say so, not "p = 0".
    p_text = f"p = {p:.3g}" if p > 0 else "p < 1e-300"
    return f"{b} vs {c} discordant, {p_text} (n={len(common)})"


def interval_side(part):
    """Where a difference's 95% interval lies, and why it may not decide."""
    if part.missing or part.delta is None:
        return "not available"
    d = part.delta
    if d.lo is None:
        side = "no interval"
    else:
        side = "above 0" if d.lo > 0 else "below 0" if d.hi < 0 else "spans 0"
    flags = [f"n={d.n} < {ps.MIN_PAIRS}" if d.n < ps.MIN_PAIRS else "",
             "shared teacher" if SHARED_TEACHER in part.blockers else ""]
    flags = [f for f in flags if f]
    return side + (f" ({'; '.join(flags)})" if flags else "")


def effect_part(index, ds, labels, teacher, plus, minus):
    """plus − minus paired by seed, and the two groups' runs."""
    def get(sel):
        sel = dict(sel)
        sel.setdefault("teacher", teacher)
        return index.find(ds, sel.pop("method"), labels, **sel)
    a, b = get(plus), get(minus)
    return paired_part("", a, b, ("+", "−")), a, b


def paper_delta(num, ds, pc, mc, paper):
    rows = ((paper["tables"].get(num) or {}).get("rows")) or {}
    vals = {name: r[pc] - r[mc] for name, r in rows.items()
            if pc and mc and r.get(pc) is not None and r.get(mc) is not None}
    same = [v for name, v in vals.items() if norm_name(name) == norm_name(ds)]
    if same:
        return f"{same[0]:+.2f}"
    return "; ".join(f"{name} {v:+.2f}" for name, v in vals.items()) or "not available"


def effects_blocks(num, grid, runs, index, paper):
    if num not in DELTAS:
        return []
    labels, teacher, specs = DELTAS[num]
    datasets = sorted({runs[k]["dataset"] for k in grid["keys"]})
    rows = []
    for ds in datasets:
        for name, plus, minus, pc, mc in specs:
            part, a, b = effect_part(index, ds, labels, teacher, plus, minus)
            d = part.delta
            rows.append([ds, name, paper_delta(num, ds, pc, mc, paper),
                         "not available" if d is None else f"{d.mean:+.2f}",
                         "not available" if d is None else fmt_ci(d),
                         interval_side(part),
                         "" if d is None else fmt_seed_values(d.per_seed, sign=True),
                         mcnemar_text(a, b)])
    headers = ["dataset", "effect", "paper Δ", "ours Δ", "95% CI", "interval", "per seed Δ",
               "McNemar (pooled over seeds)"]
    note = ""
    if all(row[-1].startswith("not available") for row in rows):
        # Said once instead of in every row.
        headers, rows = headers[:-1], [row[:-1] for row in rows]
        note = (" McNemar's test: unavailable for these records (no per-example test "
                "predictions).")
    return [H(3, f"Effects, Table {num} (percentage points, paired by seed)"),
            T(headers, rows),
            P("Ours: the mean of the per-seed differences and its 95% t interval; an "
              f"interval from fewer than {ps.MIN_PAIRS} seed pairs, or against a teacher "
              "fine-tuned once for every seed, decides no claim. Paper: from the paper's "
              "numbers on the same dataset where it has it, else on its own datasets." + note)]


def setting_values(recs, getter, group=lambda r: r["dataset"]):
    """Distinct values of a setting over records, per group (dataset, or
    dataset and teacher role) where they differ."""
    by_ds = {}
    for r in recs:
        v = getter(r)
        if v is None or v == "":
            continue
        by_ds.setdefault(group(r), set()).add(json.dumps(v, sort_keys=True))
    if not by_ds:
        return None
    every = set().union(*by_ds.values())
    text = lambda vals: ", ".join(sorted(v.strip('"') for v in vals))
    if len(every) == 1:
        return text(every)
    return "; ".join(f"{ds}: {text(vals)}" for ds, vals in sorted(by_ds.items()))


STUDENT_SETTINGS = [  # (shown name, config key)
    ("optimiser", "optimizer"), ("learning rate (0: Adadelta's own)", "learning_rate"),
    ("batch size", "batch_size"), ("max tokens", "max_length"),
    ("max epochs per phase / patience", ("max_epochs", "patience")),
    ("labels-only max epochs / patience", ("labels_only_max_epochs", "labels_only_patience")),
    ("transfer examples used (0: all)", "transfer_limit"),
    ("α (L_CE) / β (L_RL) / γ (L_LL)", ("alpha", "beta", "gamma")),
    ("logit target", "logit_target"), ("representation target", "representation_target"),
    ("representation loss reduction", "representation_reduction"),
    ("student size", "student_size"),
]
TEACHER_SETTINGS = [
    ("teacher size", "teacher_size"), ("teacher vocabulary", "teacher_vocab_size"),
    ("MLM pre-training epochs / rate", ("pretrain_epochs", "pretrain_learning_rate")),
    ("fine-tuning max epochs / patience / rate",
     ("finetune_max_epochs", "finetune_patience", "finetune_learning_rate")),
    ("teacher per seed", "teacher_per_seed"),
]


def pick(obj, key):
    if isinstance(key, tuple):
        vals = [obj.get(k) for k in key]
        return None if all(v is None for v in vals) else " / ".join(
            "?" if v is None else f"{v:g}" if isinstance(v, float) else str(v) for v in vals)
    return obj.get(key)


def setup_blocks(grid, runs):
    """What a reader needs to judge a table: the training settings, the split
    and model sizes and how many epochs ran, from the records themselves."""
    recs = [runs[k] for k in sorted(set(grid["keys"])) if runs[k]["status"] == "ok"]
    students = [r for r in recs if r["kind"] == "student"]
    settings = []
    for name, key in STUDENT_SETTINGS:
        v = setting_values(students, lambda r: pick(r.get("config") or {}, key))
        if v is not None:
            settings.append((name, v))
    for name, key in TEACHER_SETTINGS:
        v = setting_values(recs, lambda r: pick(r["settings"], key),
                           group=lambda r: f"{r['dataset']} {r['teacher'] or 'teacher'}")
        if v is not None:
            settings.append((name, v))
    sizes = {}
    for r in recs:
        k = (r["dataset"], order(LABELS_ORDER, r["labels"]), r["labels"])
        e = sizes.setdefault(k, {"sizes": {}, "student": set(), "teacher": set(),
                                 "epochs": []})
        for name, v in (r.get("sizes") or {}).items():
            if v is not None:
                e["sizes"].setdefault(name, set()).add(v)
        if r["kind"] == "student":
            emb, non = r.get("student_params", (None, None))
            if emb is not None and non is not None:
                e["student"].add(f"{r['student'] or 'bilstm'} {int(emb + non):,}")
            if r.get("epochs") is not None:
                e["epochs"].append(r["epochs"])
        else:
            tp = (r.get("teacher_params") or (None,))[0]
            if tp:
                e["teacher"].add(f"{r['teacher']} {r.get('layers')}×{r.get('hidden')}, "
                                 f"{int(tp):,}")
    size_rows = []
    for (ds, _, labels), e in sorted(sizes.items()):
        s = e["sizes"]
        shown = lambda n: ", ".join(str(v) for v in sorted(s.get(n, []))) or "not recorded"
        ep = e["epochs"]
        size_rows.append([ds, labels, shown("train_examples"), shown("dev_examples"),
                          shown("test_examples"), shown("transfer_examples"),
                          "; ".join(sorted(e["student"])) or "",
                          "; ".join(sorted(e["teacher"])) or "",
                          f"{statistics.fmean(ep):.1f} ({min(ep):g}-{max(ep):g})" if ep else ""])
    blocks = [H(3, "Setup")]
    if settings:
        blocks.append(T(["setting", "value"], settings))
    if size_rows:
        blocks.append(T(["dataset", "labels/class", "train", "dev", "test", "transfer",
                         "student parameters", "teacher (layers×hidden, parameters)",
                         "student epochs run, mean (range)"], size_rows))
    return blocks


def table7_blocks(grid, runs, paper):
    """Parameter counts and compression = teacher total / student total."""
    recs = [runs[k] for k in grid["keys"] if runs[k]["status"] == "ok"]
    rows = []
    for ds in sorted({r["dataset"] for r in recs}):
        for role in sorted({r["teacher"] for r in recs if r["dataset"] == ds},
                           key=lambda t: order(TEACHER_ORDER, t)):
            st = [r for r in recs if r["dataset"] == ds and r["teacher"] == role
                  and r["kind"] == "student"]
            te = [r for r in recs if r["dataset"] == ds and r["teacher"] == role
                  and r["kind"] == "teacher"]
            t_total, t_emb = first_pair([r["teacher_params"] for r in te + st])
            s_emb, s_non = first_pair([r["student_params"] for r in st])
            s_total = s_emb + s_non if s_emb is not None and s_non is not None else None
            comp = f"{t_total / s_total:.2f}x" if t_total and s_total else "not available"
            rows.append([ds, role, fmt_int(t_total), fmt_int(t_emb), fmt_int(s_emb),
                         fmt_int(s_non), fmt_int(s_total), comp])
    blocks = [T(["dataset", "teacher", "teacher total", "teacher embedding",
                 "student embedding", "student non-embedding", "student total",
                 "compression (teacher / student)"], rows or [["no data"] + [""] * 7])]
    c = paper["claims"].get("compression", {})
    tch = paper.get("teachers", {})
    prow = []
    base_x = c.get("smaller_than_base", "not available")
    large_x = c.get("smaller_than_large_up_to", "not available")
    for role, claim in (("base", f"{base_x}x smaller"), ("large", f"up to {large_x}x smaller")):
        t = tch.get(role, {})
        prow.append([t.get("name", role), f"{t.get('parameters_millions', 'not available')}M",
                     "not available", claim])
    blocks += [P("Paper: Table 7 is not available (not in the paper text we have); its "
                 "text gives the teacher sizes and the compression claims:"),
               T(["teacher", "teacher parameters", "student parameters", "student vs teacher"],
                 prow)]
    return blocks


def first_pair(pairs):
    """The first pair with a value (counts do not vary with the seed)."""
    for p in pairs:
        if p and p[0] is not None:
            return p
    return (None, None)


def fmt_paper(v, col):
    if v is None:
        return "not available"
    if col == "classes":
        return str(v)
    # Variances as the paper prints them (3 significant digits: 0.240,
    # 0.0660); accuracies with 2 decimals.
    return f"{v:#.3g}" if isinstance(v, float) and v < 1 else f"{v:.2f}"


def table9_blocks(grid, runs, index, paper):
    recs = [runs[k] for k in grid["keys"]]
    keys = sorted({group_key(r) for r in recs if r["kind"] == "teacher"}, key=group_sort_key)
    prow = ((paper["tables"].get("9") or {}).get("rows")) or {}
    rows = []
    for k in keys:
        members = distinct_ok_runs(index.groups[k])
        ratio = Stat({r["seed"]: r["variance"] / r["one_hot"] for r in members
                      if r.get("variance") is not None and r.get("one_hot")})
        var = group_stats(index.groups[k], "variance")
        mx = group_stats(index.groups[k], "one_hot")
        classes = sorted({str(r.get("classes")) for r in members if r.get("classes")})
        same = [r for ds, r in prow.items() if norm_name(ds) == norm_name(k[0])]
        paper_ratio = (f"{same[0][k[1]] / same[0]['max']:.3f}" if same else
                       "; ".join(f"{ds} {r[k[1]] / r['max']:.3f}" for ds, r in prow.items()
                                 if r.get(k[1]) is not None)) or "not available"
        rows.append([k[0], k[1], ", ".join(classes) or "not available",
                     fmt_sig(var.mean) if var.ok else fmt_stat(var),
                     fmt_sig(mx.mean) if mx.ok else "not available",
                     paper_ratio,
                     fmt_num(ratio.mean, 3) if ratio.ok else "not available",
                     fmt_ci(ratio, 3) if ratio.ok else "",
                     fmt_seed_values(ratio.per_seed, 3) if ratio.ok else "",
                     str(ratio.n)])
    blocks = [T(["dataset", "teacher", "classes", "mean variance", "one-hot max",
                 "paper variance / max", "variance / max", "95% CI", "per fine-tune",
                 "n (fine-tunes)"], rows or [["no data"] + [""] * 9])]
    if prow:
        blocks += [P("The paper's own Table 9 (variance / max computed from its numbers):"),
                   T(["dataset", "BERT Base", "BERT Large", "max", "classes",
                      "Base / max", "Large / max"],
                     [[ds, fmt_paper(r["base"], "v"), fmt_paper(r["large"], "v"),
                       fmt_paper(r["max"], "v"), str(r["classes"]),
                       f"{r['base'] / r['max']:.3f}", f"{r['large'] / r['max']:.3f}"]
                      for ds, r in prow.items()])]
    else:
        blocks.append(P("Paper's Table 9: not available."))
    return blocks


def claims_blocks(num, paper):
    """The paper's text facts for the tables the text has no numbers for."""
    c = paper["claims"]
    if num == "11" and c.get("table11"):
        return [P(f"Paper text: \"{c['table11']['text']}\".")]
    if num == "12" and c.get("stagewise_best"):
        return [P(f"Paper text: \"{c['stagewise_best']['text']}\".")]
    return []


def schedule_steps_blocks(grid, runs):
    """Table 12's training budgets: optimiser steps per schedule, so that a
    schedule's win is not read as more training."""
    rows = []
    for ds in sorted({runs[k]["dataset"] for k in grid["keys"] if k in runs}):
        per = {}
        for k in grid["keys"]:
            r = runs.get(k)
            if not r or r["dataset"] != ds or r["status"] != "ok" or not r.get("phases"):
                continue
            steps = [ph.get("steps") for ph in r["phases"]]
            if any(s is None for s in steps):
                continue
            capped = sum(ph.get("step_cap_reached") for ph in r["phases"])
            per.setdefault(r.get("schedule") or "joint", []).append(
                (sum(steps), capped, len(steps)))
        for schedule in SCHEDULE_ORDER:
            if schedule not in per:
                continue
            cells = per[schedule]
            mean = sum(c[0] for c in cells) / len(cells)
            capped = sum(c[1] for c in cells)
            phases = sum(c[2] for c in cells)
            rows.append([ds, schedule, f"{mean:,.0f}", str(len(cells)),
                         f"{capped} of {phases}"])
    if not rows:
        return []
    budget = sorted({str(runs[k].get("config", {}).get("step_budget", "none"))
                     for k in grid["keys"] if k in runs and runs[k]["status"] == "ok"})
    return [P("Training budgets: optimiser steps per cell, summed over its phases "
              f"(step budget shared by a schedule's phases: {', '.join(budget)}). "
              "A phase that ends at its share of the budget rather than by early stopping "
              "counts as capped."),
            T(["dataset", "schedule", "mean steps", "cells", "phases capped"], rows)]


def own_grid_blocks(grid, runs, index):
    """A grid of the suite's own (not a paper table): each row's mean and
    interval in the grid file's order, and its paired difference from no
    distillation and from a reference row: soft with the same teacher, or,
    where the grid varies the teacher, the same method with the Large
    teacher."""
    blocks = [H(2, grid.get("title", grid["id"]), grid["id"])]
    if grid.get("description"):
        blocks.append(P(grid["description"]))
    grid_runs = [runs[k] for k in grid["keys"] if k in runs]
    groups = []
    for r in grid_runs:  # the grid's own order: its axes as listed
        k = group_key(r)
        if k not in groups:
            groups.append(k)
    if not groups:
        return blocks + [P("This grid lists no cells.")]
    blocks += setup_blocks(grid, runs)
    several_teachers = len({k[1] for k in groups}) > 1
    several_students = len({k[2] for k in groups}) > 1
    several_schedules = len({k[4] for k in groups}) > 1

    def find(k, teacher=None, method=None):
        """The group like k but for teacher and/or method; "none" uses no
        teacher outputs, so any teacher's serves."""
        want = (k[0], teacher or k[1], k[2], method or k[3], k[4], k[5])
        if want in groups:
            return want
        if (method or k[3]) == "none":  # joint only: any schedule's rows compare with it
            return next((g for g in groups if g[0] == k[0] and g[3] == "none" and g[2] == k[2]
                         and g[5] == k[5]), None)
        return None

    def delta(k, other):
        if other is None or other == k:
            return ""
        part = paired_part("", index.groups[k], index.groups[other], ("this row", "reference"))
        d = part.delta
        if d is None:
            return "not available"
        return f"{d.mean:+.2f} {fmt_ci(d)}, {interval_side(part)}"

    rows = []
    for k in groups:
        reference = find(k, teacher="large") if several_teachers else find(k, method="soft")
        acc = group_stats(index.groups[k], "acc")
        rows.append([k[0]] + ([k[1]] if several_teachers else []) +
                    ([k[2]] if several_students else []) + [k[3]] +
                    ([k[4]] if several_schedules else []) +
                    [fmt_stat(acc), fmt_ci(acc) if acc.ok else "",
                     fmt_stat(group_stats(index.groups[k], "f1"), why=False),
                     delta(k, find(k, method="none")), delta(k, reference)])
    headers = (["dataset"] + (["teacher"] if several_teachers else []) +
               (["student"] if several_students else []) + ["method"] +
               (["schedule"] if several_schedules else []) +
               ["accuracy %", "95% CI", "macro F1 %", "Δ accuracy vs none [95% CI]",
                "Δ accuracy vs the Large teacher, same method [95% CI]" if several_teachers
                else "Δ accuracy vs soft [95% CI]"])
    if all(row[-1] == "" for row in rows):  # no reference row in this grid
        headers, rows = headers[:-1], [row[:-1] for row in rows]
    blocks.append(T(headers, rows))
    blocks.append(P("Δ: the mean of the per-seed differences with its 95% t interval and "
                    "where the interval lies. Reference numbers for these methods on these "
                    "datasets: not available (the survey reports other datasets and models)."))
    return blocks


# ---------------------------------------------------------------------------
# The transfer-set sweep (benchmarks/grids/transfer.toml): the paper's premise
# that distillation's gain comes from the unlabeled data.

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


def table_sections(grids, runs, index, paper, plot_dir):
    blocks = []
    for grid in sorted(grids.values(), key=lambda g: (table_number(g["table"]), g["id"])):
        num = grid["table"]
        if num == "transfer":
            blocks += transfer_blocks(grid, runs, index, plot_dir)
            continue
        if table_number(num)[0] == 10 ** 6:  # not a paper table
            blocks += own_grid_blocks(grid, runs, index)
            continue
        blocks.append(H(2, f"Table {num}: {grid.get('title', '')}", f"table{num}"))
        if grid.get("description"):
            blocks.append(P(grid["description"]))
        blocks += setup_blocks(grid, runs)
        blocks.append(H(3, "Paper and reproduced"))
        if num == "7":
            blocks += table7_blocks(grid, runs, paper)
            continue
        if num == "9":
            blocks += table9_blocks(grid, runs, index, paper)
            continue
        blocks += rows_table_blocks(num, grid, runs, index, paper)
        note = (paper["tables"].get(num) or {})
        if not note.get("rows"):
            blocks.append(P(f"Paper's Table {num}: not available "
                            f"({note.get('note') or 'not in the paper text we have'})."))
        elif note.get("note"):
            blocks.append(P(f"Paper note: {note['note']}."))
        if note.get("text"):
            blocks.append(P(f"Paper text: \"{note['text']}\"."))
        blocks += claims_blocks(num, paper)
        if num == "12":
            blocks += schedule_steps_blocks(grid, runs)
        blocks += effects_blocks(num, grid, runs, index, paper)
    missing = sorted({str(n) for n in range(5, 13)} - {g["table"] for g in grids.values()},
                     key=table_number)
    if missing:
        blocks += [H(2, "Tables not in this run", "missing-tables"),
                   P("The manifest has no grid for Table(s) " + ", ".join(missing) + ".")]
    return blocks


def table_number(t):
    try:
        return (int(t), "")
    except ValueError:
        return (10 ** 6, t)


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


def provenance_blocks(manifest, grids, runs, results, facts):
    blocks = [H(2, "Provenance", "provenance"), T(["", "value"], facts)]
    for grid in sorted(grids.values(), key=lambda g: (table_number(g["table"]), g["id"])):
        bj = grid.get("benchmark_json")
        bline = f"benchmark JSON `{bj}`: {benchmark_context(results, bj)}" if bj \
            else "no benchmark JSON listed"
        keys = set(grid["keys"])
        statuses = {}
        for k in keys:
            statuses[runs[k]["status"]] = statuses.get(runs[k]["status"], 0) + 1
        rows = sorted([runs[k]["name"], k[:12], runs[k]["status"]] for k in keys)
        blocks.append(DETAILS(
            f"{grid['id']} (Table {grid['table']}): {len(keys)} cells ("
            + ", ".join(f"{n} {st}" for st, n in sorted(statuses.items())) + ")",
            [P(f"Source `{grid.get('source', 'not recorded')}`; {bline}."),
             T(["cell", "key", "status"], rows)]))
    libs = manifest.get("libraries") if isinstance(manifest.get("libraries"), dict) else {}
    blocks.append(DETAILS("Libraries", [T(["package", "version"], sorted(libs.items())) if libs
                                        else P("The manifest records no library versions.")]))
    return blocks


def benchmark_context(results, name):
    """A short line from Google Benchmark's context; provenance only, so a
    missing or unreadable file is reported, not fatal."""
    path = os.path.join(results, name)
    if not os.path.isfile(path):
        return "missing"
    try:
        with open(path, encoding="utf-8") as f:
            ctx = json.load(f).get("context", {})
    except (ValueError, AttributeError, UnicodeDecodeError):
        return "unreadable"
    n = ctx.get("num_cpus", "?")
    return (f"date {ctx.get('date', '?')}, {n} CPUs, "
            f"library build {ctx.get('library_build_type', '?')}")


# ---------------------------------------------------------------------------
# Plots. Each returns the file name written, or None when there is no data.

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


def dataset_classes(index, ds):
    for k, members in sorted(index.groups.items()):
        if k[0] == ds:
            for r in members:
                if r.get("classes"):
                    return r["classes"]
    return None


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


# ---------------------------------------------------------------------------

# ---------------------------------------------------------------------------
# Speed: what distillation buys (./kdbench bench).

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


def teacher_precision_blocks(archive):
    """Teachers in bfloat16 against float32, paired by seed
    (results/teacher-precision/, from benchmarks/teacher_precision_check.py)."""
    paths = sorted(glob.glob(os.path.join(archive, "teacher-precision", "*.json")))
    blocks = [H(3, "Teachers in bfloat16", "teacher-precision")]
    if not paths:
        return blocks + [P("Not available: no `results/teacher-precision/` comparison "
                           "(`benchmarks/teacher_precision_check.py`).")]
    for path in paths:
        doc = load_json(path, "teacher precision check")
        blocks.append(P(
            f"`{os.path.relpath(path, os.path.dirname(archive))}`: {doc['what']} "
            f"(bfloat16 side: {doc['run']}; float32 side: `{doc['reference']}`; LibTorch's CPU "
            f"autocast, the same kernels); runs at "
            f"git {', '.join('`' + r[:12] + '`' for r in doc.get('run_git_revisions', []))} "
            f"and {', '.join('`' + r[:12] + '`' for r in doc.get('reference_git_revisions', []))}, "
            f"compared at `{doc['git_revision'][:12]}`. Rule: {doc['rule']}. "
            f"Overall: **{doc['verdict']}**. The profiles keep float32 by default: the "
            "reference run is float32, and a change of precision changes every teacher key."))
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
                + teacher_precision_blocks(archive)
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
               + teacher_precision_blocks(archive))
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


def run_cost(results):
    """What report/run_time.py makes of the run's log (RESULTS/run-log.txt):
    its `run-time.json` when that is at least as new as the log (written
    with the store, it has the teacher stages), else computed from the log
    and the cell records; None without a log."""
    json_path = os.path.join(results, "run-time.json")
    log_path = os.path.join(results, "run-log.txt")
    if os.path.isfile(json_path) and (not os.path.isfile(log_path) or
                                      os.path.getmtime(json_path) >= os.path.getmtime(log_path)):
        cost = load_json(json_path, "the run's segments and pauses, report/run_time.py")
    elif os.path.isfile(log_path):
        try:
            cost = run_time.measure(log_path, results)
        except run_time.InputError as e:
            raise InputError(str(e))
    else:
        return None
    numbers = ("segments", "segments_without_end", "pauses", "segment_seconds",
               "paused_seconds", "cold_seconds")
    if not isinstance(cost, dict) or any(not isinstance(cost.get(k), (int, float))
                                         for k in numbers) \
            or not isinstance(cost.get("stages"), dict):
        raise InputError(f"{json_path}: malformed (needs {', '.join(numbers)} and stages; "
                         "rewrite it with report/run_time.py --out)")
    return cost


def run_cost_blocks(cost):
    """Where a run computed in segments spent its time, pauses removed."""
    if not cost:
        return []
    try:
        rows = [(stage, row["records"], f"{row['seconds'] / 60:.1f}",
                 f"{row['recorded_seconds'] / 60:.1f}")
                for stage, row in sorted(cost["stages"].items())]
    except (KeyError, TypeError, AttributeError) as e:
        raise InputError(f"run-time.json: malformed stages ({e})")
    return [H(2, "What this run cost", "run-cost"),
            P(f"Cold wall time **{cost['cold_seconds'] / 60:.1f} min**: "
              f"{cost['segments']} segments ({cost['segment_seconds'] / 60:.1f} min) "
              f"minus the {cost['pauses']} pauses that fall in them "
              f"({cost['paused_seconds'] / 60:.1f} min), from the run's log by "
              "`report/run_time.py`. A segment that was killed ends at its last record "
              f"({cost.get('segments_without_end', 0)} here); its work in progress was "
              "computed again in the next. Per stage, each record's own seconds minus its "
              "overlap with the pauses, summed over the workers"
              + (" (teacher stages end at their record's file time):"
                 if cost.get("teacher_stages_counted") else
                 "; teacher pre-training and fine-tuning are not listed (their records are in "
                 "the store: `report/run_time.py --store=DIR` adds them):")),
            T(["stage", "records", "minutes", "minutes as recorded (pauses included)"], rows)]


# Set when the run disagrees with the reference: the exit status says so.
REFERENCE_FAILED = False
# The repository's results/: speed history, GPU runs, grid timings.
ARCHIVE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "results")


def reference_blocks(runs, reference_dir):
    """The run against the committed reference run of its profile; also
    returns the one-line summary the command prints."""
    if not reference_dir:
        return [], None
    if not os.path.isfile(os.path.join(reference_dir, "manifest.json")):
        line = f"reference check: no reference run at {reference_dir}; nothing compared"
        return [H(2, "Agreement with the reference run", "reference"), P(line)], line
    _, _, reference = load_run(reference_dir)
    result = rc.compare({k: (r["record"], r["metrics"]) for k, r in runs.items()},
                        {k: (r["record"], r["metrics"]) for k, r in reference.items()})
    line = rc.summary_line(result, reference_dir)
    global REFERENCE_FAILED
    REFERENCE_FAILED = result["verdict"] in ("differs", "disagrees beyond seed noise")
    blocks = [H(2, "Agreement with the reference run", "reference"),
              P(f"**{line[len('reference check: '):]}**"),
              P("Cells are matched by what they compute (profile, cell, settings), whatever "
                "the code version. On the reference's kernels (BLAS build, LibTorch's CPU "
                "capability, threads, LibTorch version, device) a matched cell must be "
                "bit-identical: test and dev metrics and learning curves. Elsewhere each "
                "configuration's mean paired difference in test accuracy is compared with "
                f"{rc.AGREEMENT_Z} standard errors of a difference of two n-seed means, from the "
                f"reference's seed standard deviation (a configuration of one seed: within "
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
    return blocks, line


def build(results, out, paper_path, reference_dir=None, archive=ARCHIVE):
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
    check, check_line = reference_blocks(runs, reference_dir)
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
    return check_line


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--results", required=True, help="the run's results directory")
    ap.add_argument("--out", required=True, help="where report.md, report.html, plots/ go")
    ap.add_argument("--paper", default=os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                    "paper_reference.json"),
                    help="the paper's numbers (default: report/paper_reference.json)")
    ap.add_argument("--reference", default="",
                    help="a reference run's results directory to check this run against "
                         "(results/reference/PROFILE); none: no check")
    ap.add_argument("--archive", default=ARCHIVE,
                    help="where results/history, results/gpu and results/grid-timing are "
                         "(default: the repository's results/)")
    args = ap.parse_args(argv)
    if not os.path.isdir(args.results):
        sys.stderr.write(f"make_report: error: {args.results}: not a directory (--results)\n")
        return 2
    try:
        os.makedirs(args.out, exist_ok=True)
        check_line = build(args.results, args.out, args.paper, args.reference or None, args.archive)
    except InputError as e:
        sys.stderr.write(f"make_report: error: {e}\n")
        return 2
    print(f"make_report: wrote {os.path.join(args.out, 'report.md')}, "
          f"{os.path.join(args.out, 'report.html')} and {os.path.join(args.out, 'plots')}/")
    if check_line:
        print(check_line)
    # 3: the report is written, but the run disagrees with the reference.
    return 3 if REFERENCE_FAILED else 0


if __name__ == "__main__":
    sys.exit(main())
