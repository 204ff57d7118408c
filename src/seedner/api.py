"""The extractor: a loaded model and its pipeline, turning documents into typed entities
(``seedner.extract`` in :mod:`seedner.run.batch` is the one-call form)."""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from typing import Any, Literal, overload

from seedner.dates import choose_reference
from seedner.dates.entities import (
    date_entities,
    merge_dates,
    renormalize_model_date,
    rule_date_matches,
)
from seedner.dates.rules import DateMatch
from seedner.dicts import load_dictionary
from seedner.loading.labels import canonical_type
from seedner.rules.dictionary import unblocked_dates
from seedner.rules.long_documents import MentionColumns, windowed_postprocess
from seedner.rules.postprocess import postprocess
from seedner.run.options import ExtractOptions
from seedner.text.normalize import Normalized, normalize
from seedner.text.spans import Mention, canonical_form, tidy_span
from seedner.types import (
    Document,
    DocumentResult,
    Entity,
    EntityStream,
    StreamedResult,
)

BATCH_CHARS = 200_000  # characters of text handed to the pipeline at once
SCORE_DECIMALS = 4  # entity scores are rounded to these (the same in Python and in the output)


@lru_cache(maxsize=4)
def _cached_model(model: str, device: str | None) -> Any:
    from seedner.loading import load_model

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
        no_rules: str | Iterable[str] | None = None,
        dicts: str | Iterable[str] | None = None,
        min_score: float | None = None,
    ) -> None:
        """Options as :meth:`ExtractOptions.parse <seedner.run.options.ExtractOptions.parse>`
        takes them (ValueError for a bad one, a bad dictionary included); the model loads
        here."""
        self._load(
            ExtractOptions.parse(
                model,
                types=types,
                ref_date=ref_date,
                device=device,
                no_rules=no_rules,
                dicts=dicts,
                min_score=min_score,
            )
        )

    @classmethod
    def from_options(cls, options: ExtractOptions) -> Extractor:
        """An extractor for options already checked (in a worker, an actor, a run)."""
        extractor = cls.__new__(cls)
        extractor._load(options)
        return extractor

    def _load(self, options: ExtractOptions) -> None:
        from seedner.run.pipeline import build_pipeline

        self.options = options
        self.types, self.ref_date = options.types, options.ref_date
        self.ner = _cached_model(options.model, options.device)
        self.pipeline = build_pipeline(self.ner)
        self.dictionary = load_dictionary(options.dicts) if options.dicts else None

    def run(self, documents: Sequence[Document]) -> list[DocumentResult]:
        """Extract from a list of documents; results in input order."""
        return list(self.iter_results(documents))

    @overload
    def iter_results(
        self,
        documents: Iterable[Document],
        batch_chars: int = ...,
        *,
        stream: Literal[False] = ...,
    ) -> Iterator[DocumentResult]: ...
    @overload
    def iter_results(
        self, documents: Iterable[Document], batch_chars: int = ..., *, stream: bool
    ) -> Iterator[DocumentResult | StreamedResult]: ...

    def iter_results(
        self, documents: Iterable[Document], batch_chars: int = BATCH_CHARS, *, stream: bool = False
    ) -> Iterator[DocumentResult | StreamedResult]:
        """Stream results in input order, tagging the sentences of many documents together.

        Text goes to the model in batches of about ``batch_chars`` characters; a document
        longer than that is cut into blocks, and its mentions wait in compact columns
        (:mod:`seedner.rules.long_documents`). With ``stream``, such a document's result is a
        :class:`~seedner.types.StreamedResult` whose entities are made as they are read, a
        block at a time, so memory stays bounded by the batch size and the text itself
        however many entities it holds.
        """
        from seedner.run.pipeline import Block, cut_blocks

        pending: deque[_Pending] = deque()
        batch: list[Block] = []
        size = 0
        for doc in documents:
            # a NUL (damaged file) is a space to the model; same length, so offsets hold
            norm = normalize(doc.text.replace("\0", " "))
            state = _Pending(doc, norm, long=len(norm.text) > batch_chars, stream=stream)
            pending.append(state)
            for start, end in cut_blocks(state.norm.text, batch_chars):
                state.windows.append((start, end))
                state.blocks += 1
                batch.append(Block(state, start, state.norm.text[start:end]))
                size += end - start
                if size >= batch_chars:
                    self._tag(batch)
                    batch, size = [], 0
                    yield from self._finished(pending)
            state.complete = True
            yield from self._finished(pending)
        if batch:
            self._tag(batch)
        yield from self._finished(pending)

    def _tag(self, blocks: list[Any]) -> None:
        """Run the pipeline on a batch of blocks; entities go to their documents."""
        out = self.pipeline(blocks=blocks)
        floor = self.options.min_score
        for sent, spans in zip(out["sentences"], out["ner"]):
            block = blocks[sent.block]
            state: _Pending = block.key
            sentence = block.text[sent.start : sent.end]
            offset = block.start + sent.start
            for _, label, s, e, score in spans:
                if floor is not None and score is not None and score < floor:
                    continue  # --min-score: dropped before the rules, so never propagated
                kind = canonical_type(label)
                tidy = tidy_span(sentence, s, e) if kind is not None else None
                if kind is not None and tidy is not None:
                    state.add(kind, label, offset + tidy[0], offset + tidy[1], score)
        for block in blocks:
            block.key.blocks -= 1

    def _finished(self, pending: deque[_Pending]) -> Iterator[DocumentResult | StreamedResult]:
        while pending and pending[0].complete and pending[0].blocks == 0:
            state = pending.popleft()
            if state.stream and state.columns is not None:
                yield StreamedResult(
                    state.doc.id, state.doc.text, EntityStream(self._windowed_entities(state))
                )
            else:
                yield self._result(state)

    def _result(self, state: _Pending) -> DocumentResult:
        doc, norm = state.doc, state.norm
        wants_dates = self.options.wants_dates
        ref = choose_reference(self.ref_date, norm.text, doc.meta) if wants_dates else None
        mentions = state.mentions if state.columns is None else state.columns.mentions()
        found = postprocess(norm.text, mentions, self.options.off, self.dictionary)
        entities = self._entities(state, found, ref)
        if wants_dates and "dates" not in self.options.off:
            dates = self._unblocked(norm.text, rule_date_matches(norm, ref))
            entities = merge_dates(entities, date_entities(doc.text, norm, dates))
        return DocumentResult(doc.id, doc.text, self._chosen(entities))

    def _entities(
        self, state: _Pending, mentions: list[Mention], ref: dt.date | None
    ) -> list[Entity]:
        """Mentions after the rules as entities of the original text (DATEs normalized,
        except where a dictionary's id is the norm)."""
        return [
            renormalize_model_date(e, ref) if e.type == "DATE" and m.norm is None else e
            for m, e in zip(mentions, map(state.entity, mentions))
        ]

    def _unblocked(self, text: str, dates: list[DateMatch]) -> list[DateMatch]:
        """The date rules' dates that no dictionary blocks."""
        if self.dictionary is None or "dictionary" in self.options.off:
            return dates
        return unblocked_dates(text, dates, self.dictionary)

    def _chosen(self, entities: list[Entity]) -> list[Entity]:
        """The entities of the chosen types, in order of offsets."""
        if self.types is not None:
            entities = [e for e in entities if e.type in self.types]
        entities.sort(key=lambda e: (e.start, e.end))
        return entities

    def _windowed_entities(self, state: _Pending) -> Iterator[Entity]:
        """The entities :meth:`_result` gives a long document, made a window at a time."""
        doc, norm = state.doc, state.norm
        assert state.columns is not None
        wants_dates = self.options.wants_dates
        ref = choose_reference(self.ref_date, norm.text, doc.meta) if wants_dates else None
        rule_dates = wants_dates and "dates" not in self.options.off
        dates = self._unblocked(norm.text, rule_date_matches(norm, ref)) if rule_dates else []
        date_starts = [d.start for d in dates]
        windows = windowed_postprocess(
            norm.text, state.columns, state.windows, self.options.off, self.dictionary
        )
        for (start, end), mentions in windows:
            entities = self._entities(state, mentions, ref)
            if rule_dates:  # the rule dates starting in this window
                found = dates[bisect_left(date_starts, start) : bisect_left(date_starts, end)]
                entities = merge_dates(entities, date_entities(doc.text, norm, found))
            yield from self._chosen(entities)


class _Pending:
    """A document whose blocks are being tagged."""

    __slots__ = ("blocks", "columns", "complete", "doc", "mentions", "norm", "stream", "windows")

    def __init__(
        self, doc: Document, norm: Normalized, *, long: bool = False, stream: bool = False
    ) -> None:
        self.doc, self.norm = doc, norm
        self.mentions: list[Mention] = []  # in the normalized text
        # a long document's mentions, compact (and its blocks, the windows of its rules)
        self.columns = MentionColumns(len(norm.text)) if long else None
        self.windows: list[tuple[int, int]] = []
        self.stream = stream
        self.blocks = 0  # blocks handed to the model and not yet tagged
        self.complete = False  # all its blocks are handed out

    def add(self, kind: str, label: str, start: int, end: int, score: float | None) -> None:
        """A mention at ``[start, end)`` of the normalized text, with the model's score."""
        if self.columns is not None:
            self.columns.append(start, end, kind, label, score)
        else:
            self.mentions.append(Mention(start, end, kind, label, score=score))

    def entity(self, m: Mention) -> Entity:
        """A mention as an entity of the original text (``norm``: its canonical form)."""
        os_, oe = self.norm.span_to_original(m.start, m.end)
        canonical = m.norm or canonical_form(self.norm.text[m.start : m.end])
        # a user dictionary's entity is the user's word; a model's keeps its marginal
        score = 1.0 if m.source == "dict" else m.score
        score = None if score is None else round(score, SCORE_DECIMALS)
        return Entity(
            self.doc.text[os_:oe], canonical, m.type, m.label, os_, oe, m.source, score=score
        )
