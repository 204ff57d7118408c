"""Dates among a document's entities: the rules' dates as entities of the original text, a
model's own DATE spans normalized by the same rules, and the merge of the two."""

from __future__ import annotations

import datetime
from bisect import bisect_left
from dataclasses import replace

from seedner.dates.rules import DateMatch, find_dates, resolve_month_days
from seedner.text.normalize import Normalized
from seedner.types import Entity


def rule_dates(original: str, norm: Normalized, ref: datetime.date | None) -> list[Entity]:
    """The dates the rules find in ``norm`` (the normalized form of ``original``), as
    entities with offsets into ``original``."""
    return date_entities(original, norm, rule_date_matches(norm, ref))


def rule_date_matches(norm: Normalized, ref: datetime.date | None) -> list[DateMatch]:
    """The dates the rules find in ``norm.text``, in its offsets, sorted by start."""
    found = find_dates(norm.text, ref)
    return resolve_month_days(found, norm.text) if ref is None else found


def date_entities(original: str, norm: Normalized, found: list[DateMatch]) -> list[Entity]:
    """Dates found in ``norm.text`` as entities of ``original``."""
    dates = []
    for m in found:
        start, end = norm.span_to_original(m.start, m.end)
        dates.append(Entity(original[start:end], m.norm, "DATE", "DATE", start, end, "rule"))
    return dates


def renormalize_model_date(entity: Entity, ref: datetime.date | None) -> Entity:
    """A model's DATE entity with the rules' ISO value, when the rules read its whole
    (canonical) text as one date; otherwise with no value."""
    found = find_dates(entity.norm or "", ref)
    whole = len(found) == 1 and found[0].text == entity.norm
    return replace(entity, norm=found[0].norm if whole else None)


def merge_dates(entities: list[Entity], dates: list[Entity]) -> list[Entity]:
    """``entities`` and the ``dates`` that overlap none of them (the model's spans win)."""
    spans = sorted((e.start, e.end) for e in entities)
    starts = [s for s, _ in spans]
    # running maximum of ends: any entity starting before x ends at most at reach[i]
    reach, top = [], -1
    for _, end in spans:
        top = max(top, end)
        reach.append(top)
    merged = list(entities)
    for d in dates:
        i = bisect_left(starts, d.end)  # entities starting before the date ends
        if i == 0 or reach[i - 1] <= d.start:
            merged.append(d)
    return merged
