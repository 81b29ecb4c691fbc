"""A finished grid run's student cells, and the `kdbench distill` command
that trains one of them again exactly (its recorded configuration, seed,
teacher checkpoint and teacher-output cache): shared by the checks that
retrain a run's cells (deployment_check.py, peer_cell_benchmark.py)."""
import glob
import json
import os

# Recorded configuration keys that `kdbench distill` takes as flags of the
# same name.
FLAG_KEYS = ["dataset", "method", "schedule", "student", "student_size", "recurrent_dropout",
             "labels_per_class", "dev_per_class", "max_length", "teacher_max_length",
             "max_epochs", "patience", "labels_only_max_epochs", "labels_only_patience",
             "step_budget", "batch_size", "optimizer", "unfreeze_order", "learning_rate",
             "cosine_restarts", "alpha", "beta", "gamma", "temperature", "logit_target",
             "representation_target", "representation_reduction", "shared_head",
             "transfer_limit", "word_vectors"]


def flag_value(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def run_cells(run_dir, dataset, student, method):
    """{seed: record} of the run's finished cells of one configuration: base
    teacher, joint schedule, every label, the profile's transfer set."""
    cells = {}
    for path in glob.glob(os.path.join(run_dir, "results", "cells", "*.json")):
        with open(path) as f:
            record = json.load(f)["record"]
        cell = record.get("cell", {})
        if (record.get("status", "ok") == "ok" and cell.get("dataset") == dataset
                and cell.get("teacher") == "base" and cell.get("student") == student
                and cell.get("method") == method and cell.get("schedule") == "joint"
                and cell.get("labels") == "all" and "transfer" not in cell):
            cells[int(cell["seed"])] = record
    return cells


def resolve(path, run_dir):
    """A recorded path: absolute, or relative to the checkout that made the run."""
    if os.path.isabs(path):
        return path
    checkout = os.path.dirname(os.path.dirname(os.path.abspath(run_dir)))
    return os.path.join(checkout, path)


def distill_command(kdbench, record, run_dir, extra_flags=()):
    """`kdbench distill` with the flags that reproduce `record`'s cell."""
    result = record["result"]
    config = result["config"]
    flags = [f"--{key}={flag_value(config[key])}" for key in FLAG_KEYS
             if key in config and config[key] not in ("", None)]
    # As the grid runner: labels alone need only the pre-trained teacher's
    # vocabulary; distillation the fine-tuned teacher and its cached outputs.
    teacher = record["teacher"]
    checkpoint = (teacher["pretrain_checkpoint"] if config["method"] == "none"
                  else teacher["finetune"]["checkpoint"])
    flags += [f"--profile={record['profile']}", f"--seed={result['seed']}",
              f"--teacher={resolve(checkpoint, run_dir)}"]
    if result["teacher"].get("cache"):
        flags.append(
            f"--cache_dir={resolve(os.path.dirname(result['teacher']['cache']), run_dir)}")
    return [kdbench, "distill"] + flags + list(extra_flags)
