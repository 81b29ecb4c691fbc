#!/usr/bin/python3
"""The peer comparison: the same teacher forward passes and student steps as
//benchmarks:model_speed_benchmark, written in PyTorch from Python (Debian's
python3-torch, the same torch version as the suite's LibTorch), with the same
shapes and thread counts. Writes Google Benchmark JSON with the same
benchmark names, so the report and compare.py can put the two side by side.

  /usr/bin/python3 benchmarks/python_peer_benchmark.py --out=peer.json [--filter=size:mini]
"""
import argparse
import json
import math
import os
import platform
import re
import time

import torch
from torch import nn


class BertLayer(nn.Module):
    """Hugging Face's BertLayer: post-LayerNorm self-attention and GELU feed-forward."""

    def __init__(self, hidden, heads, inner):
        super().__init__()
        self.heads = heads
        self.query, self.key, self.value = (nn.Linear(hidden, hidden) for _ in range(3))
        self.attention_out = nn.Linear(hidden, hidden)
        self.norm1 = nn.LayerNorm(hidden, eps=1e-12)
        self.inner = nn.Linear(hidden, inner)
        self.outer = nn.Linear(inner, hidden)
        self.norm2 = nn.LayerNorm(hidden, eps=1e-12)
        self.dropout = nn.Dropout(0.1)

    def forward(self, x, mask_bias):
        b, t, h = x.shape
        d = h // self.heads
        split = lambda y: y.view(b, t, self.heads, d).transpose(1, 2)
        q, k, v = split(self.query(x)), split(self.key(x)), split(self.value(x))
        scores = q @ k.transpose(-1, -2) / math.sqrt(d) + mask_bias
        context = (self.dropout(scores.softmax(-1)) @ v).transpose(1, 2).reshape(b, t, h)
        x = self.norm1(x + self.dropout(self.attention_out(context)))
        return self.norm2(x + self.dropout(self.outer(nn.functional.gelu(self.inner(x)))))


class BertClassifier(nn.Module):
    def __init__(self, vocab, hidden, layers, heads, inner, length, classes=2):
        super().__init__()
        self.words = nn.Embedding(vocab, hidden)
        self.positions = nn.Embedding(max(length, 512), hidden)
        self.types = nn.Embedding(2, hidden)
        self.norm = nn.LayerNorm(hidden, eps=1e-12)
        self.layers = nn.ModuleList(BertLayer(hidden, heads, inner) for _ in range(layers))
        self.pooler = nn.Linear(hidden, hidden)
        self.classifier = nn.Linear(hidden, classes)

    def forward(self, ids, mask):
        t = ids.shape[1]
        x = self.words(ids) + self.positions(torch.arange(t, device=ids.device)) + self.types(torch.zeros_like(ids))
        x = self.norm(x)
        bias = (1.0 - mask[:, None, None, :].float()) * -10000.0
        for layer in self.layers:
            x = layer(x, bias)
        return self.classifier(torch.tanh(self.pooler(x[:, 0])))


class BiLstmStudent(nn.Module):
    """The paper's student: embeddings, a BiLSTM, max-pooling, a classifier."""

    def __init__(self, vocab, embedding, hidden, classes=2, last_state=False):
        super().__init__()
        self.embedding = nn.Embedding(vocab, embedding, padding_idx=0)
        self.lstm = nn.LSTM(embedding, hidden, batch_first=True, bidirectional=True)
        self.dropout = nn.Dropout(0.4)
        self.classifier = nn.Linear(2 * hidden, classes)
        self.last_state = last_state

    def forward(self, ids, lengths):
        # Dropout on the embeddings too, as the suite's student.
        packed = nn.utils.rnn.pack_padded_sequence(self.dropout(self.embedding(ids)), lengths,
                                                   batch_first=True, enforce_sorted=False)
        output, (h, _) = self.lstm(packed)
        if self.last_state:
            features = torch.cat([h[0], h[1]], dim=-1)
        else:
            output, _ = nn.utils.rnn.pad_packed_sequence(output, batch_first=True)
            features = output.max(dim=1).values
        return self.classifier(self.dropout(features))


class CnnStudent(nn.Module):
    """The suite's Kim CNN (lib/models/cnn_student.cc), the same computation:
    dropout on the embeddings and on the pooled features, and the max over
    the windows that start inside each sequence only."""

    def __init__(self, vocab, embedding, filters=100, widths=(3, 4, 5), classes=2):
        super().__init__()
        self.embedding = nn.Embedding(vocab, embedding, padding_idx=0)
        self.convolutions = nn.ModuleList(nn.Conv1d(embedding, filters, w) for w in widths)
        self.dropout = nn.Dropout(0.4)
        self.classifier = nn.Linear(filters * len(widths), classes)

    def forward(self, ids, lengths):
        x = self.dropout(self.embedding(ids)).transpose(1, 2)
        lengths = lengths.to(ids.device)
        pooled = []
        for convolution in self.convolutions:
            maps = torch.relu(convolution(x))
            valid = (lengths - convolution.kernel_size[0] + 1).clamp_min(1)
            mask = torch.arange(maps.size(2), device=ids.device)[None, :] < valid[:, None]
            pooled.append((maps * mask.unsqueeze(1).to(maps.dtype)).max(dim=2).values)
        return self.classifier(self.dropout(torch.cat(pooled, dim=1)))


TEACHER_SIZES = {("bert-base", "mini"): (2, 128, 2), ("bert-large", "mini"): (4, 256, 4),
                 ("bert-base", "paper"): (12, 768, 12), ("bert-large", "paper"): (24, 1024, 16)}
STUDENT_SIZES = {"mini": (128, 128), "paper": (300, 600)}


def length_for(size):
    return 128 if size == "paper" else 64


def vocab_for(role, size):
    return 30522 if size == "paper" else (4000 if role == "teacher" else 8000)


def make_model(role, name, size):
    length = length_for(size)
    if role == "teacher":
        layers, hidden, heads = TEACHER_SIZES[(name, size)]
        return BertClassifier(vocab_for(role, size), hidden, layers, heads, 4 * hidden, length)
    embedding, hidden = STUDENT_SIZES[size]
    if name == "cnn":
        return CnnStudent(vocab_for(role, size), embedding)
    return BiLstmStudent(vocab_for(role, size), embedding, hidden, last_state=(name == "rnn"))


def run_case(role, name, size, training, batch, min_seconds, device):
    # As the C++ benchmark: host threads matter on the CPU only.
    threads = 1 if batch == 1 or device.type == "cuda" else os.cpu_count()
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    length = length_for(size)
    model = make_model(role, name, size).to(device)
    ids = torch.randint(1000, vocab_for(role, size), (batch, length), device=device)
    labels = torch.randint(0, 2, (batch,), device=device)
    # pack_padded_sequence takes the students' lengths on the CPU.
    second = torch.ones(batch, length, dtype=torch.long, device=device) if role == "teacher" else \
        torch.full((batch,), length, dtype=torch.long)
    wait = torch.cuda.synchronize if device.type == "cuda" else (lambda: None)
    if training:
        model.train()
        optimizer = torch.optim.SGD(model.parameters(), lr=1e-3)

        def step():
            optimizer.zero_grad()
            nn.functional.cross_entropy(model(ids, second), labels).backward()
            optimizer.step()
            wait()
    else:
        model.eval()

        def step():
            with torch.inference_mode():
                model(ids, second)
            wait()
    step()  # warm-up, as the C++ benchmark does
    iterations, elapsed = 0, 0.0
    while elapsed < min_seconds or iterations < 1:
        start = time.perf_counter()
        step()
        elapsed += time.perf_counter() - start
        iterations += 1
    per_iteration = elapsed / iterations
    return {"name": f"{role}:{name}/size:{size}/{'train' if training else 'infer'}/batch:{batch}"
                    "/real_time",
            "run_type": "iteration", "iterations": iterations,
            "real_time": per_iteration * 1e3, "cpu_time": per_iteration * 1e3, "time_unit": "ms",
            "examples/s": batch / per_iteration, "tokens/s": batch * length / per_iteration,
            "threads": threads}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", required=True, help="Google Benchmark JSON to write")
    parser.add_argument("--filter", default="", help="regular expression on the benchmark names")
    parser.add_argument("--min_seconds", type=float, default=0.5,
                        help="time each case at least this long (as --benchmark_min_time)")
    parser.add_argument("--device", default="cpu", help="cpu or cuda[:N], as the C++ benchmark")
    args = parser.parse_args()
    device = torch.device(args.device)
    cases = []
    for size in ("mini", "paper"):
        for role, names in (("teacher", ("bert-base", "bert-large")),
                            ("student", ("bilstm", "rnn", "cnn"))):
            for name in names:
                train_batch = 16 if (size, name) == ("paper", "bert-large") else 64
                for training, batch in ((False, 1), (False, 64), (True, train_batch)):
                    cases.append((role, name, size, training, batch))
    pattern = re.compile(args.filter)
    rows = []
    for case in cases:
        role, name, size, training, batch = case
        label = f"{role}:{name}/size:{size}/{'train' if training else 'infer'}/batch:{batch}"
        if not pattern.search(label):
            continue
        row = run_case(*case, args.min_seconds, device)
        print(f"{row['name']:<60} {row['real_time']:10.3f} ms  {row['examples/s']:10.1f} examples/s",
              flush=True)
        rows.append(row)
    context = {"date": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "host_name": platform.node(),
               "executable": "benchmarks/python_peer_benchmark.py",
               "num_cpus": os.cpu_count(), "library_build_type": "release",
               "torch_version": torch.__version__, "python": platform.python_version(),
               "torch_threads": os.cpu_count(), "device": str(device),
               "openblas_coretype": os.environ.get("OPENBLAS_CORETYPE", "")}
    with open(args.out, "w") as out:
        json.dump({"context": context, "benchmarks": rows}, out, indent=1)


if __name__ == "__main__":
    main()
