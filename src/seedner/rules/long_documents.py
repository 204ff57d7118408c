"""Documents too long to hold as Python objects per mention: mentions in compact columns, and
the rules after the model run a window of the text at a time.

A document of millions of characters can hold millions of mentions; as ``Mention`` and
``Entity`` objects and the dicts of one JSON record they would cost gigabytes. Here the
mentions wait in arrays (about 20 bytes each) and the entities are made, and written, one
window (a block the model was given) at a time. The rules that need the whole document —
one type per name, every occurrence of a name — first gather what they need over all
windows (the votes per name, the names to look for), so the entities are the same as those
of the whole-document rules (:func:`seedner.rules.postprocess.postprocess`).
"""

from __future__ import annotations

import math
from array import array
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from seedner.rules.consistency import (
    NameFinder,
    TypeVotes,
    apply_types,
    is_name_source,
    propagate_names,
)
from seedner.rules.postprocess import (
    TextFacts,
    companies_rule,
    dictionary_rule,
    final_blocks,
    local_rules,
)
from seedner.text.spans import Mention

if TYPE_CHECKING:
    from seedner.dicts import Dictionary

Window = tuple[int, int]  # [start, end) of the normalized text


class MentionColumns:
    """Mentions in arrays: starts, ends, indices into tables of types, labels, sources and
    dictionary norms, and scores (NaN for none); offsets take 4 bytes each in a text of less
    than 2**31 characters (``length``)."""

    def __init__(self, length: int = 0) -> None:
        self.length = length
        offsets = "i" if length < 2**31 else "q"
        self.starts = array(offsets)
        self.ends = array(offsets)
        self.types = array("B")
        self.labels = array("H")
        self.scores = array("d")  # as exact as a Mention's: the same entities either way
        self.sources = array("B")
        self.norms = array("i")  # a dictionary's norm: an index into its table; 0: none
        self._type_table: dict[str, int] = {}
        self._label_table: dict[str, int] = {}
        self._source_table: dict[str, int] = {}
        self._norm_table: dict[str | None, int] = {None: 0}
        self._type_names: list[str] = []
        self._label_names: list[str] = []
        self._source_names: list[str] = []
        self._norm_names: list[str | None] = [None]

    def __len__(self) -> int:
        return len(self.starts)

    def append(
        self,
        start: int,
        end: int,
        kind: str,
        label: str,
        score: float | None = None,
        source: str = "model",
        norm: str | None = None,
    ) -> None:
        self.starts.append(start)
        self.ends.append(end)
        self.types.append(self._code(kind, self._type_table, self._type_names))
        self.labels.append(self._code(label, self._label_table, self._label_names))
        self.scores.append(math.nan if score is None else score)
        self.sources.append(self._code(source, self._source_table, self._source_names))
        self.norms.append(self._code(norm, self._norm_table, self._norm_names))

    def extend(self, mentions: list[Mention]) -> None:
        for m in mentions:
            self.append(m.start, m.end, m.type, m.label, m.score, m.source, m.norm)

    @staticmethod
    def _code(value: Any, table: dict[Any, int], names: list[Any]) -> int:
        code = table.get(value)
        if code is None:
            code = table[value] = len(names)
            names.append(value)
        return code

    def mentions(self, lo: int = 0, hi: int | None = None) -> list[Mention]:
        """``Mention`` objects of the rows ``[lo, hi)``, in the order they were added."""
        hi = len(self) if hi is None else hi
        types, labels, scores = self._type_names, self._label_names, self.scores
        sources, norms = self._source_names, self._norm_names
        return [
            Mention(
                self.starts[k],
                self.ends[k],
                types[self.types[k]],
                labels[self.labels[k]],
                sources[self.sources[k]],
                norms[self.norms[k]],
                score=None if math.isnan(scores[k]) else scores[k],
            )
            for k in range(lo, hi)
        ]

    def rows_in(self, window: Window) -> tuple[int, int]:
        """The rows of the mentions starting in ``window`` (rows in order of start)."""
        return bisect_left(self.starts, window[0]), bisect_left(self.starts, window[1])

    def by_start(self) -> MentionColumns:
        """These rows in order of start (itself, when they are; a stable sort otherwise)."""
        starts = self.starts
        if all(starts[k] <= starts[k + 1] for k in range(len(starts) - 1)):
            return self
        out = MentionColumns(self.length)
        out.extend(sorted(self.mentions(), key=lambda m: m.start))
        return out


def windowed_postprocess(
    text: str,
    mentions: MentionColumns,
    windows: list[Window],
    off: frozenset[str] = frozenset(),
    dictionary: Dictionary | None = None,
) -> Iterator[tuple[Window, list[Mention]]]:
    """The mentions of each window after the rules, window by window, in text order.

    ``windows`` cover the text, in order, and no mention crosses from one into the next (nor
    does a dictionary's match: each window is matched on its own).
    """
    mentions = mentions.by_start()
    facts = TextFacts(text)

    def local(window: Window) -> list[Mention]:
        found = local_rules(text, mentions.mentions(*mentions.rows_in(window)), facts, off)
        found = companies_rule(text, found, off, window)
        return dictionary_rule(text, found, dictionary, off, window)

    if "consistency" in off:
        for window in windows:
            yield window, final_blocks(text, local(window), dictionary, off, window)
        return
    votes = TypeVotes()
    sources: dict[str, Mention] = {}  # the names to look for: surface → first mention
    after = MentionColumns(len(text))
    rows: list[tuple[Window, int, int]] = []
    for window in windows:
        kept = local(window)
        votes.add(text, kept)
        for m in sorted(kept, key=lambda m: m.start):
            if is_name_source(text, m) and (surface := text[m.start : m.end]) not in sources:
                sources[surface] = replace(m)  # a copy: typed on its own below
        rows.append((window, len(after), len(after) + len(kept)))
        after.extend(kept)
    decisions = votes.decisions()
    apply_types(text, list(sources.values()), decisions)
    finder = NameFinder(sources)
    for window, lo, hi in rows:
        typed = apply_types(text, after.mentions(lo, hi), decisions)
        found = propagate_names(text, typed, finder, facts.addresses, window)
        yield window, final_blocks(text, found, dictionary, off, window)
