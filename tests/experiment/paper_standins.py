"""Stand-ins for the paper profile's inputs, each in its real format, tiny.

    paper_standins.py OUT_DIR

writes under OUT_DIR:
- aclImdb/{train,test}/{pos,neg}/N_R.txt and train/unsup/N_0.txt (IMDB);
- elec/elec-25k-train.{txt,cat}, elec/elec-test.{txt,cat}, elec/elec-unlab.txt;
- agnews/ and dbpedia/: train.csv and test.csv (class 1..C, title,
  description, quoted as in Zhang et al.'s release) and classes.txt;
- bert-base/ and bert-large/: Hugging Face checkpoint directories of tiny
  BERTs (config.json, vocab.txt, model.safetensors with BertForPreTraining's
  tensor names, MLM head included, random weights);
- config.toml: the paper profile's paths and checkpoints, and sizes small
  enough for a CPU.

Texts are word soups whose class shows in a few class words, so that
models learn something; the content does not matter, the formats do.
"""
import csv
import json
import os
import random
import struct
import sys

WORDS = [f"w{i}" for i in range(120)]
SPECIAL = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
AGNEWS = ["World", "Sports", "Business", "Sci/Tech"]
DBPEDIA = ["Company", "EducationalInstitution", "Artist", "Athlete", "OfficeHolder",
           "MeanOfTransportation", "Building", "NaturalPlace", "Village", "Animal", "Plant",
           "Album", "Film", "WrittenWork"]


def text(rng, label, classes):
    """A short text whose class shows in its class words."""
    words = [rng.choice(WORDS) for _ in range(rng.randint(6, 14))]
    if label is not None:
        for _ in range(2):
            words.insert(rng.randrange(len(words) + 1), f"class{label}of{classes}")
    return " ".join(words)


def write(path, content, mode="w"):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, mode, encoding=None if "b" in mode else "utf-8") as f:
        f.write(content)


def imdb(out, rng, per_class, test_per_class, unlabeled):
    for split, count in (("train", per_class), ("test", test_per_class)):
        for label, name in ((0, "neg"), (1, "pos")):
            for i in range(count):
                rating = rng.randint(1, 4) if label == 0 else rng.randint(7, 10)
                write(f"{out}/aclImdb/{split}/{name}/{i}_{rating}.txt",
                      text(rng, label, 2) + " <br /><br />" + text(rng, label, 2))
    for i in range(unlabeled):
        write(f"{out}/aclImdb/train/unsup/{i}_0.txt", text(rng, rng.randrange(2), 2))


def elec(out, rng, per_class, test_per_class, unlabeled):
    for stem, count in (("elec-25k-train", per_class), ("elec-test", test_per_class)):
        labels = [label for label in (0, 1) for _ in range(count)]
        rng.shuffle(labels)
        write(f"{out}/elec/{stem}.txt", "".join(text(rng, l, 2) + "\n" for l in labels))
        write(f"{out}/elec/{stem}.cat", "".join(f"{l + 1}\n" for l in labels))
    write(f"{out}/elec/elec-unlab.txt",
          "".join(text(rng, rng.randrange(2), 2) + "\n" for _ in range(unlabeled)))


def zhang(out, name, classes, rng, per_class, test_per_class):
    c = len(classes)
    write(f"{out}/{name}/classes.txt", "".join(x + "\n" for x in classes))
    for split, count in (("train", per_class), ("test", test_per_class)):
        rows = [(label, i) for label in range(c) for i in range(count)]
        rng.shuffle(rows)
        os.makedirs(f"{out}/{name}", exist_ok=True)
        with open(f"{out}/{name}/{split}.csv", "w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f, quoting=csv.QUOTE_ALL)
            for label, _ in rows:
                writer.writerow([label + 1, text(rng, label, c)[:40], text(rng, label, c)])


def checkpoint(out, name, rng, layers, hidden, heads, intermediate, max_positions):
    """A Hugging Face BERT directory: config.json, vocab.txt, model.safetensors."""
    vocab = SPECIAL + WORDS + [f"class{l}of{c}" for c in (2, 4, 14) for l in range(c)]
    vocab += [chr(ord("a") + i) for i in range(26)] + [str(i) for i in range(10)] + ["<", ">", "/"]
    vocab += [f"##{chr(ord('a') + i)}" for i in range(26)] + [f"##{i}" for i in range(10)]
    directory = f"{out}/{name}"
    write(f"{directory}/vocab.txt", "".join(t + "\n" for t in vocab))
    config = {"architectures": ["BertForPreTraining"], "model_type": "bert",
              "vocab_size": len(vocab), "hidden_size": hidden, "num_hidden_layers": layers,
              "num_attention_heads": heads, "intermediate_size": intermediate,
              "max_position_embeddings": max_positions, "type_vocab_size": 2,
              "hidden_act": "gelu", "hidden_dropout_prob": 0.1,
              "attention_probs_dropout_prob": 0.1, "layer_norm_eps": 1e-12,
              "initializer_range": 0.02, "position_embedding_type": "absolute",
              "pad_token_id": 0, "transformers_version": "4.30.0"}
    write(f"{directory}/config.json", json.dumps(config, indent=2) + "\n")
    v, h, i = len(vocab), hidden, intermediate
    shapes = {"bert.embeddings.word_embeddings.weight": [v, h],
              "bert.embeddings.position_embeddings.weight": [max_positions, h],
              "bert.embeddings.token_type_embeddings.weight": [2, h],
              "bert.embeddings.LayerNorm.weight": [h], "bert.embeddings.LayerNorm.bias": [h]}
    for l in range(layers):
        p = f"bert.encoder.layer.{l}."
        for part in ("query", "key", "value"):
            shapes[p + f"attention.self.{part}.weight"] = [h, h]
            shapes[p + f"attention.self.{part}.bias"] = [h]
        shapes.update({p + "attention.output.dense.weight": [h, h],
                       p + "attention.output.dense.bias": [h],
                       p + "attention.output.LayerNorm.weight": [h],
                       p + "attention.output.LayerNorm.bias": [h],
                       p + "intermediate.dense.weight": [i, h], p + "intermediate.dense.bias": [i],
                       p + "output.dense.weight": [h, i], p + "output.dense.bias": [h],
                       p + "output.LayerNorm.weight": [h], p + "output.LayerNorm.bias": [h]})
    shapes.update({"bert.pooler.dense.weight": [h, h], "bert.pooler.dense.bias": [h],
                   "cls.predictions.transform.dense.weight": [h, h],
                   "cls.predictions.transform.dense.bias": [h],
                   "cls.predictions.transform.LayerNorm.weight": [h],
                   "cls.predictions.transform.LayerNorm.bias": [h],
                   "cls.predictions.bias": [v],
                   # Saved by Hugging Face, not needed: tied and next-sentence.
                   "cls.seq_relationship.weight": [2, h], "cls.seq_relationship.bias": [2]})
    header, blobs, offset = {"__metadata__": {"format": "pt"}}, [], 0
    for key in sorted(shapes):
        count = 1
        for d in shapes[key]:
            count *= d
        if key.endswith("LayerNorm.weight"):
            values = [1.0] * count
        elif key.endswith("bias"):
            values = [0.0] * count
        else:
            values = [rng.gauss(0, 0.02) for _ in range(count)]
        blob = struct.pack(f"<{count}f", *values)
        header[key] = {"dtype": "F32", "shape": shapes[key],
                       "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    head = json.dumps(header).encode()
    head += b" " * (-len(head) % 8)
    write(f"{directory}/model.safetensors", struct.pack("<Q", len(head)) + head + b"".join(blobs),
          "wb")
    return directory


def main():
    out = os.path.abspath(sys.argv[1])
    rng = random.Random(20261206)
    # 500 labels per class (Table 10) plus the dev share, and a transfer set.
    imdb(out, rng, per_class=560, test_per_class=30, unlabeled=300)
    elec(out, rng, per_class=560, test_per_class=30, unlabeled=300)
    zhang(out, "agnews", AGNEWS, rng, per_class=560, test_per_class=20)
    zhang(out, "dbpedia", DBPEDIA, rng, per_class=560, test_per_class=10)
    base = checkpoint(out, "bert-base", rng, layers=1, hidden=16, heads=2, intermediate=32,
                      max_positions=64)
    large = checkpoint(out, "bert-large", rng, layers=2, hidden=24, heads=2, intermediate=48,
                       max_positions=64)
    write(f"{out}/config.toml", f"""# The paper profile's inputs, as stand-ins (tests/experiment/paper_standins.py),
# at sizes a CPU runs in minutes.
seeds = 1
teacher_max_length = 32
teacher_batch_size = 32
finetune_max_epochs = 1
finetune_patience = 1
finetune_learning_rate = 1e-3
student_size = "tiny"
max_length = 32
batch_size = 64
optimizer = "adam"
max_epochs = 2
patience = 1
labels_only_max_epochs = 2
labels_only_patience = 1
transfer_limit = 200

[teacher.base]
teacher_checkpoint = "{base}"

[teacher.large]
teacher_checkpoint = "{large}"

[dataset.imdb]
path = "{out}/aclImdb"

[dataset.elec]
path = "{out}/elec"

[dataset.agnews]
path = "{out}/agnews"

[dataset.dbpedia]
path = "{out}/dbpedia"
""")
    print(f"paper_standins: wrote {out}")


if __name__ == "__main__":
    main()
