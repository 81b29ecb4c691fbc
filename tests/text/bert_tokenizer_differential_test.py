"""Differential test: the C++ BertTokenizer against the Python reference on
generated text (accents, CJK, emoji, controls, line separators, combining
marks, long words, invalid UTF-8), uncased and cased. Any difference fails,
with the input shown.

usage: bert_tokenizer_differential_test.py TOKENIZE_HEX_LINES VOCAB
"""
import random
import subprocess
import sys
import unicodedata

import bert_reference_tokenizer as reference

POOLS = [
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
    "     ",
    ".,;:!?'\"()[]{}-_/\\@#$%^&*+=<>|~`",
    "\t\n\r\x0b\x0c\x00\x01\x1b\x7f\x85",
    "àáâãäåçèéêëìíîïñòóôõöùúûüýÿÀÉÎÕÜßẞæœøÆŒØ",
    "ΑΒΓΔΟΣσςΟΔΟΣάέήίόύώ",
    "İıŞşĞğ",
    "中文字符测试北京大学日本語漢字",
    "ひらがなカタカナ한국어조선말",
    "😀🎉👍🏽❤️🇩🇪\u200d\u200c\ufe0f",
    "\u00a0\u2000\u2009\u3000\u2028\u2029\u1680\u202f\u205f",
    "\u00ad\ufeff\u200b\u2060\u180e\ufffd",
    "\u0301\u0308\u0327\u0323\u064b\u0902\u093f",
    "فارسیعربي हिन्दी ไทย עברית",
    "ﬁﬂ½²³™©®°±×÷€£¥",
    "–—‘’“”«»…•·",
]

INVALID_BYTES = [b"\xff", b"\xc0\x80", b"\xed\xa0\x80", b"\xe2\x82", b"\xf4\x90\x80\x80",
                 b"\x80", b"\xc3", b"\xf0\x9f\x98"]


def random_case(rng):
    parts = []
    for _ in range(rng.randint(1, 40)):
        kind = rng.random()
        if kind < 0.05:
            parts.append(rng.choice(INVALID_BYTES))
        elif kind < 0.08:
            # long words around the 200-character limit
            parts.append(("x" * rng.choice([199, 200, 201, 250])).encode())
        else:
            pool = rng.choice(POOLS)
            parts.append("".join(rng.choice(pool) for _ in range(rng.randint(1, 12))).encode())
    return b"".join(parts)


FIXED_CASES = [
    b"Hello, World!",
    "Héllo wörld, naïve café ÉCOLE".encode(),
    "ΟΔΟΣ Σ ΑΣ.".encode(),
    "İstanbul".encode(),
    "中国人民 银行".encode(),
    "\u2028line\u2029para".encode(),
    b"\xff\xfeab\xc3(",
    b"",
    b" \t\n ",
    ("a" * 200).encode(),
    ("a" * 201).encode(),
    "e\u0301 \u0301".encode(),
    "unaffable running jumped".encode(),
]


def assigned_in_python(data):
    # Python 3.11 has Unicode 14, ICU 72 has 15: skip characters Python
    # does not know (none of the pools above should produce any).
    text = data.decode("utf-8", "ignore")
    return all(unicodedata.category(ch) != "Cn" for ch in text)


def main():
    tool, vocab_path = sys.argv[1], sys.argv[2]
    vocab = reference.load_vocab(vocab_path)
    rng = random.Random(20261122)
    cases = FIXED_CASES + [random_case(rng) for _ in range(3000)]
    cases = [c for c in cases if assigned_in_python(c)]
    failures = 0
    for cased in (False, True):
        args = [tool, vocab_path] + (["--cased"] if cased else [])
        stdin = "".join(c.hex() + "\n" for c in cases)
        result = subprocess.run(args, input=stdin, capture_output=True, text=True, check=True)
        lines = result.stdout.split("\n")[:-1]
        assert len(lines) == len(cases), (len(lines), len(cases))
        for case, line in zip(cases, lines):
            got = [int(x) for x in line.split()]
            want = reference.encode(case, vocab, lower_case=not cased)
            if got != want:
                failures += 1
                if failures <= 10:
                    print(f"MISMATCH (cased={cased}) input={case!r}\n  c++:    {got}\n  python: {want}")
        print(f"cased={cased}: {len(cases)} inputs compared")
    print(f"{failures} mismatch(es)")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
