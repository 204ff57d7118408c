"""The HanLP pipeline: normalize → split sentences → NER over all sentences of a batch.

Sentences of every document in a batch are tagged together; the NER component sorts
them by length into its own mini-batches.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import hanlp
from hanlp.common.component import Component

from seedner.normalize import Normalized, normalize
from seedner.sentences import split_sentences

MAX_SENTENCE = 200  # characters per model input; longer sentences are cut at sensible points


@dataclass(slots=True)
class Sentence:
    doc: int
    start: int  # offsets into the normalized text of document `doc`
    end: int


def _normalize_all(texts: list[str]) -> list[Normalized]:
    return [normalize(t) for t in texts]


def _split_all(normalized: list[Normalized]) -> list[Sentence]:
    return [
        Sentence(i, s, e)
        for i, norm in enumerate(normalized)
        for s, e in split_sentences(norm.text, MAX_SENTENCE)
    ]


def _sentence_texts(normalized: list[Normalized], sentences: list[Sentence]) -> list[str]:
    return [normalized[s.doc].text[s.start : s.end] for s in sentences]


def build_pipeline(ner: Component) -> Any:
    """``pipeline(texts=[...])`` → a HanLP ``Document``: normalized, sentences, ner."""
    return (
        hanlp.pipeline()
        .append(_normalize_all, input_key="texts", output_key="normalized")
        .append(_split_all, input_key="normalized", output_key="sentences")
        .append(_sentence_texts, input_key=("normalized", "sentences"), output_key="sentence_texts")
        .append(ner, input_key="sentence_texts", output_key="ner")
    )
