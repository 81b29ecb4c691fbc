"""Loading and validation of a run: its manifest and cell records, checked
field by field; bad input raises InputError naming the file and key."""

import hashlib
import json
import math
import os
import re

import reference_check as rc

from .vocab import InputError


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


def epoch_field(phase, key, path, where):
    """A phase's epoch count: absent in older records (None), else a
    non-negative whole number."""
    if key not in phase:
        return None
    value = number(phase, key, path, where)
    if value < 0 or value != int(value):
        raise InputError(f"{path}: {where}.{key} is not a whole number of epochs")
    return value


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
        "seed": int(number(cell, "seed", path, where)),
        # A transfer-set size set by the cell's grid (transfer.toml); None: the profile's.
        "transfer": (int(number(cell, "transfer", path, where))
                     if isinstance(cell.get("transfer"), (int, float))
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
    if not isinstance(res.get("phases") or [], list):
        raise InputError(f"{path}: {w}.phases is not a list")
    for i, ph in enumerate(res.get("phases") or []):
        if not isinstance(ph, dict):
            raise InputError(f"{path}: {w}.phases[{i}] is not an object")
        curve = ph.get("selection_per_epoch") or []
        if not isinstance(curve, list) or not all(isinstance(v, (int, float)) for v in curve):
            raise InputError(f"{path}: {w}.phases[{i}].selection_per_epoch "
                             "holds a non-number")
        terms = ph.get("weighted_term_loss_per_epoch")
        phases.append({"name": str(ph.get("name", f"phase {i + 1}")),
                       "selection": str(ph.get("selection", "")),
                       # optimiser steps and whether the step budget ended
                       # the phase; absent in older records
                       "steps": optional_number(ph, "steps"),
                       "step_cap_reached": ph.get("step_cap_reached") is True,
                       # the epoch dev selection kept and the epochs trained;
                       # absent in older records and closed-form phases
                       "best_epoch": epoch_field(ph, "best_epoch", path, f"{w}.phases[{i}]"),
                       "epochs_run": epoch_field(ph, "epochs_run", path, f"{w}.phases[{i}]"),
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
