#!/usr/bin/python3
"""The whole-cell peer: one distillation cell trained and tested in PyTorch
from Python (Debian's python3-torch, the same torch 1.13 as the suite's
LibTorch), on the inputs `kdbench distill --export_cell=DIR` wrote: the same
split, encoded examples and cached teacher targets, the same student shape,
losses, schedule (phases, epoch caps, patience, step budget), optimiser and
batch size. Written the way a PyTorch user would: a step loop over the
recurrent product and the gates, the input projection hoisted out of it, when
the student has recurrent dropout (nn.LSTM has none), nn.LSTM otherwise;
autograd for everything.

The random streams differ from the suite's (initial weights, dropout masks,
batch order), so a cell's accuracy agrees with the suite's in distribution,
not bit for bit: benchmarks/peer_cell_benchmark.py compares them paired by
seed.

  /usr/bin/python3 benchmarks/python_peer_cell.py --cell=DIR [--threads=1]

Prints one JSON line: test and dev accuracy, epochs per phase, seconds (the
whole process) and training_seconds (the phases and the final dev
evaluation, what the suite's record calls seconds).
"""
import argparse
import copy
import json
import os
import random
import sys
import time

import torch
from torch import nn
import torch.nn.functional as F

CROSS_ENTROPY = "L_CE"
SUPPORTED_LOSSES = {CROSS_ENTROPY, "L_LL", "L_RL"}


def fail(message):
    print(f"python_peer_cell: {message}", file=sys.stderr)
    sys.exit(2)


class Examples:
    """A ragged set of token-id sequences with labels."""

    def __init__(self, tensors, name):
        ids, offsets = tensors[f"{name}_ids"], tensors[f"{name}_offsets"].tolist()
        self.sequences = [ids[offsets[i]:offsets[i + 1]] for i in range(len(offsets) - 1)]
        self.labels = tensors[f"{name}_labels"]
        self.lengths = [len(s) for s in self.sequences]
        self.targets = {field: tensors[f"{name}_{field}"]
                        for field in ("logit_targets", "representation")
                        if f"{name}_{field}" in tensors}

    def __len__(self):
        return len(self.sequences)

    def batch(self, indices, pad_id):
        lengths = torch.tensor([self.lengths[i] for i in indices])
        ids = torch.full((len(indices), max(1, int(lengths.max()))), pad_id, dtype=torch.long)
        for row, i in enumerate(indices):
            ids[row, :self.lengths[i]] = self.sequences[i]
        return ids, lengths


def bucketed_batches(lengths, batch_size, rng, pool_batches=50):
    """Length-bucketed batches inside shuffled pools, the batches shuffled."""
    order = list(range(len(lengths)))
    rng.shuffle(order)
    pool = batch_size * pool_batches
    batches = []
    for start in range(0, len(order), pool):
        chunk = sorted(order[start:start + pool], key=lambda i: lengths[i])
        batches += [chunk[k:k + batch_size] for k in range(0, len(chunk), batch_size)]
    rng.shuffle(batches)
    return batches


def reverse_within_lengths(x, lengths):
    """Each row's first `length` steps reversed, the padding left in place."""
    steps = torch.arange(x.shape[1]).unsqueeze(0)
    index = torch.where(steps < lengths.unsqueeze(1), lengths.unsqueeze(1) - 1 - steps, steps)
    return x.gather(1, index.unsqueeze(2).expand_as(x))


class Direction(nn.Module):
    """One LSTM direction over [batch, time, in]. With recurrent dropout: a
    step loop (the input product of every step hoisted into one matmul);
    without: nn.LSTM."""

    def __init__(self, input_size, hidden, recurrent_dropout):
        super().__init__()
        self.lstm = nn.LSTM(input_size, hidden, batch_first=True)
        self.hidden, self.recurrent_dropout = hidden, recurrent_dropout

    def forward(self, x):
        if not (self.training and self.recurrent_dropout > 0):
            return self.lstm(x)[0]
        batch = x.shape[0]
        projected = F.linear(x, self.lstm.weight_ih_l0, self.lstm.bias_ih_l0 + self.lstm.bias_hh_l0)
        keep = 1 - self.recurrent_dropout
        mask = torch.bernoulli(torch.full((batch, self.hidden), keep)) / keep
        h = x.new_zeros(batch, self.hidden)
        c = x.new_zeros(batch, self.hidden)
        outputs = []
        # unbind, not projected[:, t]: each index's backward would zero-fill a
        # gradient of the whole projection.
        for projected_t in projected.unbind(1):
            gates = projected_t + F.linear(h * mask, self.lstm.weight_hh_l0)
            i, f, g, o = gates.chunk(4, 1)
            c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
            h = torch.sigmoid(o) * torch.tanh(c)
            outputs.append(h)
        return torch.stack(outputs, 1)


class BiLstmStudent(nn.Module):
    """Embedding, BiLSTM, max-pool over real tokens (or the last states),
    dropout after the embedding and after pooling, optional Dense(gelu) head,
    classifier: the suite's lib/models/bilstm_student.h."""

    def __init__(self, s):
        super().__init__()
        self.s = s
        self.embedding = nn.Embedding(s["vocab_size"], s["embedding_dim"],
                                      padding_idx=s["padding_idx"])
        with torch.no_grad():
            self.embedding.weight.uniform_(-0.1, 0.1)
            self.embedding.weight[s["padding_idx"]].zero_()
        self.forward_lstm = Direction(s["embedding_dim"], s["hidden_size"], s["recurrent_dropout"])
        self.backward_lstm = Direction(s["embedding_dim"], s["hidden_size"], s["recurrent_dropout"])
        self.dropout = nn.Dropout(s["dropout"])
        width = 2 * s["hidden_size"]
        self.head = nn.Linear(width, s["head_width"]) if s["head_width"] > 0 else None
        self.feature_size = s["head_width"] if s["head_width"] > 0 else width
        self.classifier = nn.Linear(self.feature_size, s["num_classes"])

    def groups(self):
        top = list(self.classifier.parameters()) + (list(self.head.parameters()) if self.head else [])
        return {"embedding": list(self.embedding.parameters()),
                "bilstm": list(self.forward_lstm.parameters()) + list(self.backward_lstm.parameters()),
                "classifier": top}

    def forward(self, ids, lengths):
        x = self.dropout(self.embedding(ids))
        forward_out = self.forward_lstm(x)
        backward_out = reverse_within_lengths(
            self.backward_lstm(reverse_within_lengths(x, lengths)), lengths)
        nonempty = (lengths > 0).unsqueeze(1).to(x.dtype)
        if self.s["pooling"] == "last-state":
            rows = torch.arange(ids.shape[0])
            last = (lengths - 1).clamp(min=0)
            features = torch.cat([forward_out[rows, last], backward_out[:, 0]], 1) * nonempty
        else:
            outputs = torch.cat([forward_out, backward_out], 2)
            real = torch.arange(ids.shape[1]).unsqueeze(0) < lengths.unsqueeze(1)
            pooled = outputs.masked_fill(~real.unsqueeze(2), float("-inf")).max(1).values
            features = torch.where(nonempty.bool(), pooled, torch.zeros_like(pooled))
        if self.head is not None:
            features = F.gelu(self.head(self.dropout(features)))
        return features, self.classifier(self.dropout(features))


class Losses(nn.Module):
    """L_LL's regression head and L_RL's projection (eq. 4-7)."""

    def __init__(self, feature_size, num_classes, teacher_width, reduction):
        super().__init__()
        self.regression = nn.Linear(feature_size, num_classes)
        self.projection = nn.Linear(feature_size, teacher_width) if teacher_width > 0 else None
        self.reduction = reduction

    def term(self, name, features, targets):
        if name == "L_LL":
            return 0.5 * (self.regression(features) - targets["logit_targets"]).pow(2).sum(1).mean()
        projected = F.gelu(self.projection(features))
        if self.reduction == "mean":
            return (projected - targets["representation"]).pow(2).mean()
        return 0.5 * (projected - targets["representation"]).pow(2).sum(1).mean()


def evaluate(student, examples, pad_id, batch_size):
    """Predictions in example order, accuracy, mean cross-entropy."""
    student.eval()
    predicted = [0] * len(examples)
    loss = 0.0
    order = sorted(range(len(examples)), key=lambda i: examples.lengths[i])
    with torch.inference_mode():
        for k in range(0, len(order), batch_size):
            indices = order[k:k + batch_size]
            ids, lengths = examples.batch(indices, pad_id)
            logits = student(ids, lengths)[1]
            labels = examples.labels[indices]
            loss += F.cross_entropy(logits, labels, reduction="sum").item()
            for i, p in zip(indices, logits.argmax(1).tolist()):
                predicted[i] = p
    student.train()
    correct = sum(int(p == int(l)) for p, l in zip(predicted, examples.labels))
    return predicted, correct / max(1, len(examples)), loss / max(1, len(examples))


def transfer_loss(student, losses, phase_losses, examples, indices, pad_id):
    ids, lengths = examples.batch(indices, pad_id)
    features, _ = student(ids, lengths)
    targets = {k: v[indices] for k, v in examples.targets.items()}
    total = features.new_zeros(())
    for loss in phase_losses:
        if loss["loss"] != CROSS_ENTROPY:
            total = total + loss["weight"] * losses.term(loss["loss"], features, targets)
    return total


def held_out_loss(student, losses, phase_losses, examples, pad_id, batch_size):
    student.eval()
    order = sorted(range(len(examples)), key=lambda i: examples.lengths[i])
    total = 0.0
    with torch.inference_mode():
        for k in range(0, len(order), batch_size):
            indices = order[k:k + batch_size]
            total += transfer_loss(student, losses, phase_losses, examples, indices,
                                   pad_id).item() * len(indices)
    student.train()
    return total / max(1, len(examples))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cell", required=True, help="a directory from --export_cell")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args()
    start = time.perf_counter()
    torch.set_num_threads(args.threads)
    try:
        with open(os.path.join(args.cell, "cell.json")) as f:
            cell = json.load(f)
        tensors = torch.load(os.path.join(args.cell, "tensors.pt"))
    except (OSError, ValueError, RuntimeError) as error:
        fail(f"--cell={args.cell}: cannot read cell.json and tensors.pt ({error})")
    s, training = cell["student"], cell["training"]
    if training["optimizer"] != "adam":
        fail(f"optimizer {training['optimizer']}: the peer implements adam")
    for phase in training["phases"]:
        unknown = {l["loss"] for l in phase["losses"]} - SUPPORTED_LOSSES
        if unknown:
            fail(f"phase {phase['name']!r}: losses {sorted(unknown)} are not in the peer "
                 f"(it has {sorted(SUPPORTED_LOSSES)})")
    seed, pad_id, batch_size = training["seed"], training["pad_id"], training["batch_size"]
    torch.manual_seed(seed)
    rng = random.Random(seed)
    train, dev = Examples(tensors, "train"), Examples(tensors, "dev")
    transfer = Examples(tensors, "transfer") if "transfer_ids" in tensors else None
    held_out = Examples(tensors, "held_out") if "held_out_ids" in tensors else None
    student = BiLstmStudent(s)
    losses = Losses(student.feature_size, s["num_classes"], training["teacher_width"],
                    training["representation_reduction"])
    groups = student.groups()
    groups["classifier"] += list(losses.parameters())
    model = nn.ModuleDict({"student": student, "losses": losses})
    report = []
    training_start = time.perf_counter()
    for phase in training["phases"]:
        trainable = phase["trainable_groups"] or list(groups)
        for name, parameters in groups.items():
            for p in parameters:
                p.requires_grad_(name in trainable)
        optimizer = torch.optim.Adam([p for n in trainable for p in groups[n]],
                                     lr=training["learning_rate"] or 1e-3)
        ce_weight = sum(l["weight"] for l in phase["losses"] if l["loss"] == CROSS_ENTROPY)
        uses_labels = any(l["loss"] == CROSS_ENTROPY for l in phase["losses"])
        uses_transfer = any(l["loss"] != CROSS_ENTROPY for l in phase["losses"])
        best = None  # (epoch, accuracy, loss, state)
        since_best, steps, epochs = 0, 0, 0
        for epoch in range(phase["max_epochs"]):
            student.train()
            if uses_transfer:
                cycle, plan = [], []
                for batch in bucketed_batches(transfer.lengths, batch_size, rng):
                    labeled = []
                    while uses_labels and len(labeled) < len(batch):
                        if not cycle:
                            cycle = list(range(len(train)))
                            rng.shuffle(cycle)
                        labeled.append(cycle.pop())
                    plan.append((labeled, batch))
            else:
                plan = [(batch, []) for batch in bucketed_batches(train.lengths, batch_size, rng)]
            for labeled, transferred in plan:
                if phase["max_steps"] > 0 and steps >= phase["max_steps"]:
                    break
                steps += 1
                optimizer.zero_grad(set_to_none=True)
                loss = torch.zeros(())
                if labeled:
                    ids, lengths = train.batch(labeled, pad_id)
                    loss = loss + ce_weight * F.cross_entropy(student(ids, lengths)[1],
                                                              train.labels[labeled])
                if transferred:
                    loss = loss + transfer_loss(student, losses, phase["losses"], transfer,
                                                transferred, pad_id)
                loss.backward()
                optimizer.step()
            epochs = epoch + 1
            if uses_labels:
                _, accuracy, selection_loss = evaluate(student, dev, pad_id, batch_size)
            else:
                accuracy, selection_loss = 0.0, held_out_loss(student, losses, phase["losses"],
                                                              held_out, pad_id, batch_size)
            if not args.quiet:
                print(f"  epoch {epochs}: dev accuracy {accuracy:.4f}, selection loss "
                      f"{selection_loss:.4f}", file=sys.stderr, flush=True)
            if best is None or accuracy > best[1] or (accuracy == best[1] and selection_loss < best[2]):
                best = (epochs, accuracy, selection_loss, copy.deepcopy(model.state_dict()))
                since_best = 0
            else:
                since_best += 1
                if since_best >= phase["patience"]:
                    break
            if phase["max_steps"] > 0 and steps >= phase["max_steps"]:
                break
        if best is not None:  # a phase of no epochs trains nothing
            model.load_state_dict(best[3])
        report.append({"name": phase["name"], "epochs_run": epochs,
                       "best_epoch": best[0] if best else 0, "steps": steps})
    for parameters in groups.values():
        for p in parameters:
            p.requires_grad_(True)
    _, dev_accuracy, _ = evaluate(student, dev, pad_id, batch_size)
    training_seconds = time.perf_counter() - training_start
    # The test split, once, after selection.
    test = Examples(tensors, "test")
    predicted, test_accuracy, _ = evaluate(student, test, pad_id, batch_size)
    print(json.dumps({"cell": cell["cell"], "dev_accuracy": dev_accuracy,
                      "test_accuracy": test_accuracy, "test_predictions": predicted,
                      "phases": report, "seconds": time.perf_counter() - start,
                      "training_seconds": training_seconds,
                      "threads": args.threads, "torch": torch.__version__}))


if __name__ == "__main__":
    main()
