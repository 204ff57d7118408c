"""The values seedner hands to its callers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

ENTITY_TYPES = ("PER", "ORG", "LOC", "DATE")
# What a model component predicts for a sentence: (text, native label, start, end exclusive),
# character offsets into the sentence.
NerSpan = tuple[str, str, int, int]


@dataclass(frozen=True, slots=True)
class Entity:
    """One mention. ``start``/``end`` index the original decoded text (end exclusive)."""

    text: str
    norm: str | None
    type: str
    label: str
    start: int
    end: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "norm": self.norm,
            "type": self.type,
            "label": self.label,
            "start": self.start,
            "end": self.end,
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
