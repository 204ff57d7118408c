"""Character and character-bigram features of the embedded tagger.

Characters are folded before lookup so that full-width and half-width forms, and all
digits, share one entry: the training corpus writes digits and Latin letters full-width,
web text mostly half-width.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

PAD, UNK, BOS, EOS = "<pad>", "<unk>", "<s>", "</s>"


def fold_char(ch: str) -> str:
    code = ord(ch)
    if 0xFF01 <= code <= 0xFF5E:  # full-width ASCII block
        ch = chr(code - 0xFEE0)
    elif code == 0x3000:
        ch = " "
    if ch.isdigit():
        return "0"
    return ch.lower() if ch.isascii() else ch


SHAPES = ("pad", "cjk", "digit", "latin", "punct", "space", "other")


def char_shape(ch: str) -> int:
    if ch.isspace():
        return 5
    if ch.isdigit():
        return 2
    if "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf":
        return 1
    if ch.isalpha():
        return 3 if ch.isascii() else 6
    return 4 if not ch.isalnum() else 6


class Vocab:
    """A string → id table with reserved padding and unknown entries."""

    def __init__(self, items: Iterable[str]) -> None:
        self.itos: list[str] = [PAD, UNK]
        self.itos.extend(s for s in items if s not in (PAD, UNK))
        self.stoi: dict[str, int] = {s: i for i, s in enumerate(self.itos)}

    def __len__(self) -> int:
        return len(self.itos)

    def get(self, item: str) -> int:
        return self.stoi.get(item, 1)


def build_vocabs(
    sentences: Iterable[str], min_char: int = 1, min_bigram: int = 2, max_bigrams: int = 100_000
) -> tuple[Vocab, Vocab]:
    chars: Counter[str] = Counter()
    bigrams: Counter[str] = Counter()
    for sent in sentences:
        folded = [fold_char(c) for c in sent]
        chars.update(folded)
        bigrams.update(bigram_strings(folded))
    char_items = [c for c, n in chars.most_common() if n >= min_char]
    bigram_items = [b for b, n in bigrams.most_common(max_bigrams) if n >= min_bigram]
    return Vocab(char_items), Vocab(bigram_items)


def bigram_strings(folded: list[str]) -> list[str]:
    """The n+1 bigrams around n characters, boundaries included."""
    padded = [BOS, *folded, EOS]
    return [a + b for a, b in zip(padded, padded[1:])]


def featurize(text: str, chars: Vocab, bigrams: Vocab) -> tuple[list[int], list[int], list[int]]:
    """Character ids, bigram ids (n+1 of them, shared by left and right context) and shapes."""
    folded = [fold_char(c) for c in text]
    return (
        [chars.get(c) for c in folded],
        [bigrams.get(b) for b in bigram_strings(folded)],
        [char_shape(c) for c in text],
    )
