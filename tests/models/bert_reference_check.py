"""Recomputes a BERT forward pass independently and compares it with the
suite's LibTorch implementation.

The checkpoint is read with this file's own safetensors parser (header JSON +
raw little-endian floats) and the forward pass is written out here from the
BERT paper's definition with torch.nn.functional (Debian's python3-torch):
embeddings (word + position + token type) + LayerNorm; per layer multi-head
self-attention with the additive padding mask, residual + LayerNorm, erf-GELU
feed-forward, residual + LayerNorm; pooler tanh(W h_CLS + b); classifier;
tied MLM head. Every output must agree within 1e-5.

usage: bert_reference_check.py BERT_FORWARD_DUMP  (works in $TEST_TMPDIR)
"""
import json
import math
import os
import struct
import subprocess
import sys

import torch
import torch.nn.functional as F

TOLERANCE = 1e-5


def read_safetensors(path):
    with open(path, "rb") as f:
        raw = f.read()
    (header_size,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + header_size])
    data = raw[8 + header_size:]
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        assert entry["dtype"] == "F32", entry
        begin, end = entry["data_offsets"]
        values = torch.frombuffer(bytearray(data[begin:end]), dtype=torch.float32)
        tensors[name] = values.reshape(entry["shape"])
    return tensors


def from_json(value, dtype=torch.float64):
    return torch.tensor(value["data"], dtype=dtype).reshape(value["shape"])


def forward(w, config, ids, mask):
    eps = config["layer_norm_eps"]
    hidden = config["hidden_size"]
    heads = config["num_attention_heads"]
    size = hidden // heads
    batch, time = ids.shape

    def ln(x, prefix):
        return F.layer_norm(x, (hidden,), w[prefix + ".weight"], w[prefix + ".bias"], eps)

    def dense(x, prefix):
        return x @ w[prefix + ".weight"].T + w[prefix + ".bias"]

    e = "bert.embeddings."
    h = (w[e + "word_embeddings.weight"][ids]
         + w[e + "position_embeddings.weight"][torch.arange(time)][None]
         + w[e + "token_type_embeddings.weight"][torch.zeros_like(ids)])
    h = ln(h, e + "LayerNorm")
    states = [h]
    attentions = []
    bias = (1.0 - mask[:, None, None, :].float()) * torch.finfo(torch.float32).min
    for layer in range(config["num_hidden_layers"]):
        p = f"bert.encoder.layer.{layer}."

        def heads_of(x):
            return x.reshape(batch, time, heads, size).permute(0, 2, 1, 3)

        q = heads_of(dense(h, p + "attention.self.query"))
        k = heads_of(dense(h, p + "attention.self.key"))
        v = heads_of(dense(h, p + "attention.self.value"))
        scores = q @ k.transpose(-1, -2) / math.sqrt(size) + bias
        probs = torch.softmax(scores, dim=-1)
        attentions.append(probs)
        context = (probs @ v).permute(0, 2, 1, 3).reshape(batch, time, hidden)
        a = ln(dense(context, p + "attention.output.dense") + h, p + "attention.output.LayerNorm")
        inner = F.gelu(dense(a, p + "intermediate.dense"))
        h = ln(dense(inner, p + "output.dense") + a, p + "output.LayerNorm")
        states.append(h)
    pooled = torch.tanh(dense(h[:, 0], "bert.pooler.dense"))
    logits = dense(pooled, "classifier")
    t = F.gelu(dense(h[1, 1:4], "cls.predictions.transform.dense"))
    t = F.layer_norm(t, (hidden,), w["cls.predictions.transform.LayerNorm.weight"],
                     w["cls.predictions.transform.LayerNorm.bias"], eps)
    mlm = t @ w[e + "word_embeddings.weight"].T + w["cls.predictions.bias"]
    return {"logits": logits, "pooled": pooled, "last_hidden": h,
            "hidden_states_1": states[1], "attentions_0": attentions[0],
            "mlm_logits_row1_pos1to3": mlm}


def main():
    tool = sys.argv[1]
    workdir = os.environ.get("TEST_TMPDIR", "/tmp")
    checkpoint = os.path.join(workdir, "bert")
    subprocess.run([tool, checkpoint], check=True)
    weights = read_safetensors(os.path.join(checkpoint, "model.safetensors"))
    with open(os.path.join(checkpoint, "config.json")) as f:
        config = json.load(f)
    with open(os.path.join(checkpoint, "forward.json")) as f:
        dumped = json.load(f)
    ids = from_json(dumped["input_ids"], torch.long)
    mask = from_json(dumped["attention_mask"], torch.long)
    torch.set_num_threads(1)
    with torch.no_grad():
        reference = forward(weights, config, ids, mask)
    failures = 0
    for name, expected in reference.items():
        got = from_json(dumped[name], torch.float32)
        if got.shape != expected.shape:
            print(f"FAIL {name}: shape {tuple(got.shape)} vs reference {tuple(expected.shape)}")
            failures += 1
            continue
        diff = (got - expected).abs().max().item()
        status = "ok" if diff <= TOLERANCE else "FAIL"
        failures += status == "FAIL"
        print(f"{status} {name}: shape {tuple(got.shape)}, max |c++ - python| = {diff:.2e}")
    print(f"{failures} mismatch(es)")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
