"""An independent reference for BERT's FullTokenizer, in Python.

Written from the algorithm's description (Devlin et al.'s tokenization.py
behaviour), using Python's own unicodedata, str.lower() and str.split(): the
very primitives the original relies on. The C++ tokenizer is checked against
it on generated text, including invalid UTF-8.
"""
import unicodedata

MAX_CHARS_PER_WORD = 200


def _is_control(ch):
    if ch in "\t\n\r":
        return False
    return unicodedata.category(ch) in ("Cc", "Cf")


def _is_whitespace(ch):
    return ch in " \t\n\r" or unicodedata.category(ch) == "Zs"


def _is_punctuation(ch):
    cp = ord(ch)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(ch).startswith("P")


def _is_cjk(cp):
    return (0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF
            or 0x20000 <= cp <= 0x2A6DF or 0x2A700 <= cp <= 0x2B73F
            or 0x2B740 <= cp <= 0x2B81F or 0x2B820 <= cp <= 0x2CEAF
            or 0xF900 <= cp <= 0xFAFF or 0x2F800 <= cp <= 0x2FA1F)


def basic_tokens(data, lower_case):
    text = data.decode("utf-8", "ignore")
    cleaned = []
    for ch in text:
        if ord(ch) in (0, 0xFFFD) or _is_control(ch):
            continue
        cleaned.append(" " if _is_whitespace(ch) else ch)
    spaced = []
    for ch in cleaned:
        spaced.append(f" {ch} " if _is_cjk(ord(ch)) else ch)
    tokens = []
    for word in "".join(spaced).split():
        if lower_case:
            word = word.lower()
            word = "".join(c for c in unicodedata.normalize("NFD", word)
                           if unicodedata.category(c) != "Mn")
        current = ""
        for ch in word:
            if _is_punctuation(ch):
                if current:
                    tokens.append(current)
                current = ""
                tokens.append(ch)
            else:
                current += ch
        if current:
            tokens.append(current)
    return " ".join(tokens).split()


def wordpiece_ids(word, vocab, unk_id):
    if len(word) > MAX_CHARS_PER_WORD:
        return [unk_id]
    ids = []
    start = 0
    while start < len(word):
        end = len(word)
        found = None
        while start < end:
            piece = word[start:end]
            if start > 0:
                piece = "##" + piece
            if piece in vocab:
                found = vocab[piece]
                break
            end -= 1
        if found is None:
            return [unk_id]
        ids.append(found)
        start = end
    return ids


def encode(data, vocab, lower_case):
    unk_id = vocab["[UNK]"]
    ids = []
    for word in basic_tokens(data, lower_case):
        ids.extend(wordpiece_ids(word, vocab, unk_id))
    return ids


def load_vocab(path):
    vocab = {}
    with open(path, encoding="utf-8") as f:
        for index, line in enumerate(f):
            vocab[line.strip()] = index
    return vocab
