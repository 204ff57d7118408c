"""Character and character-bigram features of the embedded tagger.

Characters are folded before lookup so that full-width and half-width forms, and all
digits, share one entry: the training corpus writes digits and Latin letters full-width,
web text mostly half-width.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from itertools import pairwise

import numpy as np

from seedner.text.chars import is_basic_ideograph

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
    if is_basic_ideograph(ch):  # the class the shipped weights were trained with
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
    return [a + b for a, b in pairwise(padded)]


def _split_bigram(bigram: str) -> tuple[str, str]:
    if bigram.startswith(BOS):
        return BOS, bigram[len(BOS) :]
    if bigram.endswith(EOS):
        return bigram[: -len(EOS)], EOS
    return bigram[0], bigram[1]


class Featurizer:
    """Turns texts into padded id arrays: one dict look-up per character, bigrams vectorized.

    A bigram is looked up by the pair of its characters' ids, so no bigram strings are built.
    """

    def __init__(self, chars: Vocab, bigrams: Vocab) -> None:
        self.chars = chars
        self.bos, self.eos = len(chars), len(chars) + 1
        self.base = len(chars) + 2
        # character id and shape by code point, -1 until first seen
        self._ids = np.full(0x110000, -1, dtype=np.int32)
        self._shapes = np.zeros(0x110000, dtype=np.int8)
        keys, ids = [], []
        for index, bigram in enumerate(bigrams.itos[2:], 2):
            a, b = _split_bigram(bigram)
            ia = self.bos if a == BOS else chars.stoi.get(a)
            ib = self.eos if b == EOS else chars.stoi.get(b)
            if ia is not None and ib is not None:
                keys.append(ia * self.base + ib)
                ids.append(index)
        order = np.argsort(np.array(keys, dtype=np.int64))
        self._keys = np.array(keys, dtype=np.int64)[order]
        self._ids_of_keys = np.array(ids, dtype=np.int64)[order]

    def _codes_to_ids(self, codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Character ids and shapes by code point; tables fill in as new characters appear."""
        ids = self._ids[codes]
        unseen = ids < 0
        if unseen.any():
            for code in np.unique(codes[unseen]).tolist():
                ch = chr(code)
                self._ids[code] = self.chars.get(fold_char(ch))
                self._shapes[code] = char_shape(ch)
            ids = self._ids[codes]
        return ids.astype(np.int64), self._shapes[codes].astype(np.int64)

    def encode(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(chars, bigrams, shapes)``: (n, L), (n, L+1), (n, L) int64 arrays, zero-padded.

        Texts must not be empty.
        """
        n = len(texts)
        lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=n)
        length = int(lengths.max())
        joined = "".join(texts).encode("utf-32-le", errors="surrogatepass")
        ids, shape_ids = self._codes_to_ids(np.frombuffer(joined, dtype=np.uint32))
        rows = np.repeat(np.arange(n), lengths)
        cols = np.arange(len(ids)) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        chars = np.zeros((n, length), dtype=np.int64)
        shapes = np.zeros((n, length), dtype=np.int64)
        chars[rows, cols] = ids
        shapes[rows, cols] = shape_ids
        # bigram i is (char i-1, char i), with sentence-boundary symbols at both ends
        left = np.full((n, length + 1), -1, dtype=np.int64)
        right = np.full((n, length + 1), -1, dtype=np.int64)
        left[:, 0] = self.bos
        left[rows, cols + 1] = ids
        right[rows, cols] = ids
        right[np.arange(n), lengths] = self.eos
        keys = left * self.base + right
        if len(self._keys):
            pos = np.searchsorted(self._keys, keys).clip(max=len(self._keys) - 1)
            bigrams = np.where(self._keys[pos] == keys, self._ids_of_keys[pos], 1)
        else:
            bigrams = np.ones_like(keys)
        bigrams[(left < 0) | (right < 0)] = 0
        return chars, bigrams, shapes
