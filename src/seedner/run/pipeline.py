"""The HanLP pipeline: sentence splitting → NER over all sentences of a batch.

Its input is a batch of blocks: slices of the normalized text of one or more documents
(a short document is one block, a long one is cut into blocks at line or sentence ends).
Sentences of every block are tagged together; the NER component sorts them by length
into its own mini-batches, and gives each entity its probability (``scores=True``: the
embedded model's CRF marginal, None from HanLP's models).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import hanlp
from hanlp.common.component import Component

from seedner.text.sentences import iter_sentences

MAX_SENTENCE = 200  # characters per model input; longer sentences are cut at sensible points


@dataclass(slots=True)
class Block:
    """A slice of a document's normalized text: ``text == normalized[start:start + len(text)]``."""

    key: Any  # whatever the caller uses to find the block's document
    start: int
    text: str


@dataclass(slots=True)
class Sentence:
    block: int  # index of its block in the batch
    start: int  # offsets into the block's text
    end: int


def _split_blocks(blocks: list[Block]) -> list[Sentence]:
    return [
        Sentence(i, s, e)
        for i, block in enumerate(blocks)
        for s, e in iter_sentences(block.text, MAX_SENTENCE)
    ]


def _sentence_texts(blocks: list[Block], sentences: list[Sentence]) -> list[str]:
    return [blocks[s.block].text[s.start : s.end] for s in sentences]


def build_pipeline(ner: Component) -> Any:
    """``pipeline(blocks=[...])`` → a HanLP ``Document`` with ``sentences`` and ``ner``
    (``(text, label, start, end, score)`` per entity of each sentence)."""
    return (
        hanlp.pipeline()
        .append(_split_blocks, input_key="blocks", output_key="sentences")
        .append(_sentence_texts, input_key=("blocks", "sentences"), output_key="sentence_texts")
        .append(ner, input_key="sentence_texts", output_key="ner", scores=True)
    )


def cut_blocks(text: str, limit: int) -> Iterator[tuple[int, int]]:
    """``[start, end)`` slices of ``text`` of about ``limit`` characters at most, ending at a
    line break or, in a very long line, at a sentence end, so no sentence is cut."""
    pos, size = 0, len(text)
    while size - pos > limit:
        cut = text.rfind("\n", pos, pos + limit)
        if cut <= pos:
            ends = [e for _, e in iter_sentences(text[pos : pos + limit], MAX_SENTENCE)]
            # the window's last sentence may run on past it: end at the one before
            cut = pos + ends[-2] if len(ends) > 1 else pos + limit
        yield pos, cut
        pos = cut
    if pos < size:
        yield pos, size
