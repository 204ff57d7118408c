"""The values seedner hands to its callers."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

ENTITY_TYPES = ("PER", "ORG", "LOC", "DATE")
# How input files are read: auto (*.jsonl files as JSON Lines), plain text, or JSON Lines.
InputFormat = Literal["auto", "text", "jsonl"]
# What a model component predicts for a sentence: (text, native label, start, end exclusive),
# character offsets into the sentence.
NerSpan = tuple[str, str, int, int]
# The same with the model's probability of the entity (None: the model gives none).
ScoredNerSpan = tuple[str, str, int, int, float | None]


@dataclass(frozen=True, slots=True)
class Entity:
    """One mention. ``start``/``end`` index the original decoded text (end exclusive)."""

    text: str
    norm: str | None
    type: str
    label: str
    start: int
    end: int
    source: str = "model"  # what found it: model, dict (a user dictionary) or rule
    # the model's probability that this span and type are right (4 decimals); None where a
    # rule made or changed the entity, or the model gives none
    score: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "norm": self.norm,
            "type": self.type,
            "label": self.label,
            "start": self.start,
            "end": self.end,
            "source": self.source,
            "score": self.score,
        }


@dataclass(slots=True)
class Document:
    """A unit of input: its id (path or record id), its decoded text and extra fields."""

    id: str | int
    text: str
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class DocumentResult:
    id: str | int
    text: str
    entities: list[Entity]

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "entities": [e.to_dict() for e in self.entities]}


class EntityStream:
    """The entities of a long document, made as they are read: iterable once, in order of
    start; ``len()`` once read through."""

    def __init__(self, entities: Iterator[Entity]) -> None:
        self._entities = entities
        self._count = 0
        self._done = False

    def __iter__(self) -> Iterator[Entity]:
        for entity in self._entities:
            self._count += 1
            yield entity
        self._done = True

    def __len__(self) -> int:
        if not self._done:  # a TypeError, as for objects without a length: list() copes
            raise TypeError("the entities of a streamed result are counted once read")
        return self._count


@dataclass(slots=True)
class StreamedResult:
    """A long document's result whose entities are made while a sink writes them
    (``Extractor.iter_results(..., stream=True)``); otherwise as :class:`DocumentResult`."""

    id: str | int
    text: str
    entities: EntityStream
