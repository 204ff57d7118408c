"""Corpus-level figures from many documents' results: top entities, a timeline, co-occurrence.

Pure aggregation, no I/O: feed it ``DocumentResult`` objects or the records of ``extract``'s
JSON Lines, then ask for tables. Memory grows with the number of distinct entities, not with
the number of documents.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import combinations
from typing import Any

from seedner.types import ENTITY_TYPES, DocumentResult, Entity

__all__ = ["CorpusSummary", "EntityCount", "MonthCount", "PairCount", "entity_key"]

# Co-occurrence looks at this many PER/ORG entities per document (the most mentioned), so a
# huge document costs at most PAIR_ENTITIES² / 2 pairs instead of growing quadratically.
PAIR_ENTITIES = 50
PAIR_TYPES = ("PER", "ORG")

_MONTH_RE = re.compile(r"^(\d{4})-(\d{2})")
_WEEK_RE = re.compile(r"^(\d{4})-W(\d{2})")
_YEAR_RE = re.compile(r"^(\d{4})(?:/\d{4})?$")

Key = tuple[str, str]  # (type, norm)


@dataclass(frozen=True, slots=True)
class EntityCount:
    type: str
    norm: str
    mentions: int
    documents: int


@dataclass(frozen=True, slots=True)
class MonthCount:
    month: str  # YYYY-MM
    mentions: int
    documents: int


@dataclass(frozen=True, slots=True)
class PairCount:
    first: Key
    second: Key
    documents: int  # documents naming both (pairs with at least one PER: PER-PER, PER-ORG)
    mentions: int  # over those documents, the smaller of the two mention counts, summed


def entity_key(entity: Entity | Mapping[str, Any]) -> Key:
    """``(type, norm)``, the text standing in for a missing ``norm`` (an unresolved date)."""
    if isinstance(entity, Entity):
        kind, norm, text = entity.type, entity.norm, entity.text
    else:
        kind, norm, text = entity["type"], entity.get("norm"), entity.get("text", "")
    return kind, norm if norm is not None else text


def date_month(norm: str | None) -> str | None:
    """The month (``YYYY-MM``) a DATE ``norm`` falls in: a day's or month's own, an interval's
    start, an ISO week's Thursday; None for a year alone or an unresolved date."""
    if norm is None:
        return None
    if found := _WEEK_RE.match(norm):
        try:
            day = dt.date.fromisocalendar(int(found[1]), int(found[2]), 4)
        except ValueError:
            return None
        return f"{day.year:04d}-{day.month:02d}"
    if found := _MONTH_RE.match(norm):
        return f"{found[1]}-{found[2]}"
    return None


class CorpusSummary:
    """Counts over the documents added so far."""

    def __init__(self, types: Iterable[str] | None = None) -> None:
        self.types = tuple(t for t in ENTITY_TYPES if types is None or t in set(types))
        self.documents = 0
        self.mentions: Counter[Key] = Counter()
        self.doc_counts: Counter[Key] = Counter()
        self.month_mentions: Counter[str] = Counter()
        self.month_docs: Counter[str] = Counter()
        self.years_only: Counter[str] = Counter()  # dates known to the year only (or years)
        self.unresolved_dates = 0
        self.pair_docs: Counter[tuple[Key, Key]] = Counter()
        self.pair_mentions: Counter[tuple[Key, Key]] = Counter()

    def add(self, result: DocumentResult | Mapping[str, Any]) -> None:
        """One document: a result, or a record ``{"id": ..., "entities": [...]}``."""
        entities = result.entities if isinstance(result, DocumentResult) else result["entities"]
        self.add_entities(entities)

    def add_entities(self, entities: Iterable[Entity | Mapping[str, Any]]) -> None:
        self.documents += 1
        here: Counter[Key] = Counter()
        months: set[str] = set()
        for entity in entities:
            key = entity_key(entity)
            if key[0] not in self.types:
                continue
            here[key] += 1
            if key[0] == "DATE":
                norm = entity.norm if isinstance(entity, Entity) else entity.get("norm")
                month = date_month(norm)
                if month is not None:
                    self.month_mentions[month] += 1
                    months.add(month)
                elif norm is not None and (year := _YEAR_RE.match(norm)):
                    self.years_only[norm if "/" in norm else year[1]] += 1
                else:
                    self.unresolved_dates += 1
        self.mentions.update(here)
        self.doc_counts.update(here.keys())
        self.month_docs.update(months)
        self._add_pairs(here)

    def _add_pairs(self, here: Counter[Key]) -> None:
        named = [(k, n) for k, n in here.items() if k[0] in PAIR_TYPES]
        named.sort(key=lambda kn: (-kn[1], kn[0]))
        for (a, na), (b, nb) in combinations(sorted(named[:PAIR_ENTITIES]), 2):
            if "PER" not in (a[0], b[0]):
                continue  # two organizations: mostly a body and its own departments
            self.pair_docs[(a, b)] += 1
            self.pair_mentions[(a, b)] += min(na, nb)

    def top(self, kind: str, n: int) -> list[EntityCount]:
        """The ``n`` entities of ``kind`` with most mentions (then most documents, then name)."""
        keys = [k for k in self.mentions if k[0] == kind]
        keys.sort(key=lambda k: (-self.mentions[k], -self.doc_counts[k], k[1]))
        return [EntityCount(k[0], k[1], self.mentions[k], self.doc_counts[k]) for k in keys[:n]]

    def type_mentions(self) -> dict[str, int]:
        totals = dict.fromkeys(self.types, 0)
        for (kind, _), count in self.mentions.items():
            totals[kind] += count
        return totals

    def timeline(self) -> list[MonthCount]:
        """DATE mentions per month, in calendar order (months without dates left out)."""
        return [
            MonthCount(m, self.month_mentions[m], self.month_docs[m])
            for m in sorted(self.month_mentions)
        ]

    def pairs(self, n: int) -> list[PairCount]:
        """People named in the same documents as other people or organizations, most often
        first (by documents, then by the smaller mention count of the two, summed)."""
        keys = sorted(self.pair_docs, key=lambda p: (-self.pair_docs[p], -self.pair_mentions[p], p))
        return [
            PairCount(a, b, self.pair_docs[(a, b)], self.pair_mentions[(a, b)]) for a, b in keys[:n]
        ]

    def to_dict(self, top: int) -> dict[str, Any]:
        """Everything as plain data (``seedner summary --json``)."""
        return {
            "documents": self.documents,
            "mentions": self.type_mentions(),
            "top": {
                kind: [
                    {"norm": e.norm, "mentions": e.mentions, "documents": e.documents}
                    for e in self.top(kind, top)
                ]
                for kind in self.types
            },
            "timeline": [
                {"month": m.month, "mentions": m.mentions, "documents": m.documents}
                for m in self.timeline()
            ],
            "years_only": dict(sorted(self.years_only.items())),
            "unresolved_dates": self.unresolved_dates,
            "pairs": [
                {
                    "first": {"type": p.first[0], "norm": p.first[1]},
                    "second": {"type": p.second[0], "norm": p.second[1]},
                    "documents": p.documents,
                    "mentions": p.mentions,
                }
                for p in self.pairs(top)
            ],
        }
