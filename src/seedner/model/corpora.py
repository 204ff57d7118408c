"""Training data for the recipes: character-BIO sentences, their labels mapped to a model's
types, long sentences cut into chunks, and corpora sampled by weight."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from seedner.bio import bio_spans, read_bio_tsv

Sentence = tuple[str, list[str]]
# A label's type → one of a model's types, or None (``seedner.loading.labels.canonical_type``)
TypeMap = Callable[[str], str | None]
CUT_AFTER = "。！？!?；;，,"
CHUNK_CHARS = 160
# A training tag that allows any label at its position (partial labels, seedner.model.partial)
OPEN = "*"


@dataclass
class Corpus:
    name: str
    path: str
    weight: float = 1.0


def read_sentences(path: str | Path) -> list[Sentence]:
    """The non-empty ``(text, tags)`` sentences of a ``CHAR<TAB>TAG`` file, tags as written."""
    return [x for x in read_bio_tsv(path) if x[0]]


def harmonised(path: str | Path, types: Sequence[str], type_of: TypeMap) -> list[Sentence]:
    """Sentences with each span's type kept when it is one of ``types``, else mapped by
    ``type_of`` (Weibo's ``PER.NAM`` → ``PER``); spans of any other type become ``O``."""
    out = []
    for text, tags in read_sentences(path):
        mapped = ["O"] * len(text)
        for start, end, kind in bio_spans(tags):
            kind = kind if kind in types else type_of(kind) or ""
            if kind in types:
                mapped[start] = "B-" + kind
                for i in range(start + 1, end):
                    mapped[i] = "I-" + kind
        out.append((text, mapped))
    return out


def chunked(sentences: list[Sentence], max_chars: int = CHUNK_CHARS) -> list[Sentence]:
    """Long sentences cut after sentence-final or clause punctuation outside entities.

    People's Daily "sentences" are paragraphs of up to 1,019 characters. The GRU's time loop
    costs the same per step whatever the batch size, so a batch of three such paragraphs is
    many times slower per character than one of forty short sentences — and at inference the
    pipeline splits text into sentences anyway.
    """
    out: list[Sentence] = []
    for text, tags in sentences:
        start = 0
        while len(text) - start > max_chars:
            cut = 0
            for i in range(start + max_chars, start + 20, -1):
                if text[i - 1] in CUT_AFTER and tags[i - 1] == "O" and not tags[i].startswith("I-"):
                    cut = i
                    break
            if not cut:
                break
            out.append((text[start:cut], tags[start:cut]))
            start = cut
        out.append((text[start:], tags[start:]))
    return out


def sample_epoch(
    corpora: list[list[Sentence]], weights: list[float], rng: random.Random
) -> list[tuple[int, Sentence]]:
    """``(corpus index, sentence)`` pairs of one epoch: a weight of 2.5 takes every sentence
    twice and a random half of them a third time (a weight of 1 takes each once, drawing
    nothing from ``rng``)."""
    picked: list[tuple[int, Sentence]] = []
    for index, (data, weight) in enumerate(zip(corpora, weights)):
        whole, part = divmod(weight, 1.0)
        chosen = data * int(whole) + rng.sample(data, round(part * len(data)))
        picked.extend((index, sent) for sent in chosen)
    return picked


def spread_sample(sentences: list[Sentence], n: int) -> list[Sentence]:
    """``n`` sentences evenly spaced through the list (all of them when it holds fewer)."""
    if n >= len(sentences):
        return sentences
    return [sentences[i * len(sentences) // n] for i in range(n)]


def entity_count(sentences: list[Sentence]) -> int:
    return sum(len(bio_spans(tags)) for _, tags in sentences)
