"""Character-level BIO data: reading TSV corpora and turning tag sequences into spans."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path


def read_bio_tsv(path: str | Path) -> Iterator[tuple[str, list[str]]]:
    """``(sentence, tags)`` from a ``CHAR<TAB>TAG`` file, blank lines between sentences."""
    chars: list[str] = []
    tags: list[str] = []
    with open(path, encoding="utf-8") as handle:
        for lineno, raw in enumerate(handle, 1):
            line = raw.rstrip("\r\n")
            if not line.strip():
                if chars:
                    yield "".join(chars), tags
                    chars, tags = [], []
                continue
            char, sep, tag = line.partition("\t")
            if not sep or len(char) != 1 or not tag:
                raise ValueError(f"{path}:{lineno}: expected CHAR<TAB>TAG, got {line!r}")
            chars.append(char)
            tags.append(tag.strip())
    if chars:
        yield "".join(chars), tags


def bio_spans(tags: Sequence[str]) -> list[tuple[int, int, str]]:
    """``(start, end, type)`` spans, end exclusive. A stray ``I-X`` opens a new span."""
    spans: list[tuple[int, int, str]] = []
    start, kind = -1, ""
    for i, tag in enumerate(tags):
        if tag.startswith("I-") and start >= 0 and tag[2:] == kind:
            continue
        if start >= 0:
            spans.append((start, i, kind))
            start = -1
        if tag != "O":
            start, kind = i, tag[2:]
    if start >= 0:
        spans.append((start, len(tags), kind))
    return spans


def label_types(labels: Iterable[str]) -> list[str]:
    """The entity types of BIO labels, sorted: ``["O", "B-PER", "I-PER"]`` → ``["PER"]``."""
    return sorted({label[2:] for label in labels if label != "O"})


def label_set(tag_lists: Sequence[Sequence[str]]) -> list[str]:
    """All tags, ``O`` first, then ``B-X``/``I-X`` pairs sorted by type."""
    kinds = label_types(t for tags in tag_lists for t in tags)
    return ["O"] + [f"{p}-{k}" for k in kinds for p in ("B", "I")]
