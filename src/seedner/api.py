"""The Python API: ``extract`` texts or documents into typed entities."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from typing import Any, overload

from seedner.dates import find_dates, find_reference_date, resolve_month_days
from seedner.labels import canonical_type
from seedner.spans import canonical_form, tidy_span
from seedner.types import ENTITY_TYPES, Document, DocumentResult, Entity

BATCH_CHARS = 200_000  # characters of text handed to the pipeline at once


def parse_date(value: Any) -> dt.date | None:
    """A date from an ISO string (``2023-05-06``, ``2023-05-06T10:00``) or a date; else None."""
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and len(value) >= 10:
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def parse_types(types: str | Iterable[str] | None) -> frozenset[str] | None:
    """``"PER,ORG"`` or ``["PER", "ORG"]`` → a set of types; raises ValueError on unknown ones."""
    if types is None:
        return None
    items = types.split(",") if isinstance(types, str) else list(types)
    chosen = frozenset(t.strip().upper() for t in items if t.strip())
    unknown = sorted(chosen - set(ENTITY_TYPES))
    if unknown:
        raise ValueError(
            f"unknown entity type(s) {', '.join(unknown)}; choose from {', '.join(ENTITY_TYPES)}"
        )
    return chosen or None


@lru_cache(maxsize=4)
def _cached_model(model: str, device: str | None) -> Any:
    from seedner.models import load_model

    return load_model(model, device)


class Extractor:
    """A loaded model and its pipeline, reusable over many batches of documents."""

    def __init__(
        self,
        model: str = "embedded",
        *,
        types: str | Iterable[str] | None = None,
        ref_date: dt.date | str | None = None,
        device: str | None = None,
    ) -> None:
        from seedner.pipeline import build_pipeline

        self.ner = _cached_model(model, device)
        self.pipeline = build_pipeline(self.ner)
        self.types = parse_types(types)
        self.ref_date = parse_date(ref_date)
        if ref_date is not None and self.ref_date is None:
            raise ValueError(f"reference date {ref_date!r} is not YYYY-MM-DD")

    def reference_date(self, doc: Document, model_text: str) -> dt.date | None:
        """--ref-date, else the document's own date line, else its record's ``date`` field."""
        return self.ref_date or find_reference_date(model_text) or parse_date(doc.meta.get("date"))

    def run(self, documents: Sequence[Document]) -> list[DocumentResult]:
        """Extract from one batch of documents; results in input order."""
        if not documents:
            return []
        out = self.pipeline(texts=[d.text for d in documents])
        found: list[list[Entity]] = [[] for _ in documents]
        for sent, spans in zip(out["sentences"], out["ner"]):
            norm = out["normalized"][sent.doc]
            original = documents[sent.doc].text
            sentence = norm.text[sent.start : sent.end]
            for _, label, s, e in spans:
                kind = canonical_type(label)
                tidy = tidy_span(sentence, s, e) if kind else None
                if tidy is None:
                    continue
                ns, ne = sent.start + tidy[0], sent.start + tidy[1]
                os_, oe = norm.to_original(ns, ne)
                canonical = canonical_form(norm.text[ns:ne])
                found[sent.doc].append(Entity(original[os_:oe], canonical, kind, label, os_, oe))
        results = []
        for doc, norm, entities in zip(documents, out["normalized"], found):
            if "DATE" not in {e.type for e in entities}:
                entities = _merge_dates(entities, self._dates(doc, norm))
            if self.types is not None:
                entities = [e for e in entities if e.type in self.types]
            entities.sort(key=lambda e: (e.start, e.end))
            results.append(DocumentResult(doc.id, doc.text, entities))
        return results

    def _dates(self, doc: Document, norm: Any) -> list[Entity]:
        if self.types is not None and "DATE" not in self.types:
            return []
        ref = self.reference_date(doc, norm.text)
        found = find_dates(norm.text, ref)
        if ref is None:
            found = resolve_month_days(found)
        dates = []
        for m in found:
            os_, oe = norm.to_original(m.start, m.end)
            dates.append(Entity(doc.text[os_:oe], m.norm, "DATE", "DATE", os_, oe))
        return dates

    def iter_results(
        self, documents: Iterable[Document], batch_chars: int = BATCH_CHARS
    ) -> Iterator[DocumentResult]:
        """Stream results, tagging documents together in batches of about ``batch_chars``."""
        batch: list[Document] = []
        size = 0
        for doc in documents:
            batch.append(doc)
            size += len(doc.text)
            if size >= batch_chars:
                yield from self.run(batch)
                batch, size = [], 0
        if batch:
            yield from self.run(batch)


def _merge_dates(entities: list[Entity], dates: list[Entity]) -> list[Entity]:
    """Add rule-found dates that do not overlap an entity of the model."""
    taken = sorted((e.start, e.end) for e in entities)
    merged = list(entities)
    for d in dates:
        if not any(s < d.end and d.start < e for s, e in taken):
            merged.append(d)
    return merged


def _as_document(item: str | Document, index: int) -> Document:
    return item if isinstance(item, Document) else Document(str(index), item)


@overload
def extract(inputs: str | Document, **options: Any) -> DocumentResult: ...
@overload
def extract(inputs: Iterable[str | Document], **options: Any) -> list[DocumentResult]: ...


def extract(
    inputs: str | Document | Iterable[str | Document],
    *,
    model: str = "embedded",
    types: str | Iterable[str] | None = None,
    ref_date: dt.date | str | None = None,
    device: str | None = None,
) -> DocumentResult | list[DocumentResult]:
    """Extract PER/ORG/LOC/DATE entities.

    A single text or ``Document`` gives one ``DocumentResult``; an iterable gives a list,
    in input order. Plain strings get ids ``"0"``, ``"1"``, ...
    """
    extractor = Extractor(model, types=types, ref_date=ref_date, device=device)
    if isinstance(inputs, (str, Document)):
        return extractor.run([_as_document(inputs, 0)])[0]
    docs = [_as_document(item, i) for i, item in enumerate(inputs)]
    return list(extractor.iter_results(docs))
