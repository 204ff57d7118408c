"""The ``dictionary`` step: user dictionaries (:mod:`seedner.dicts`) applied to a document's
mentions, in the normalized text (the text the model saw), a window at a time for a long one.

Precedence is fixed: block > force > prefer > model. Among entries of one mode, a longer match
first, then an earlier one in the text, then the later entry (the later file) wins.

* ``block``: a mention whose span is exactly a blocked surface (of its type, or of any type
  with ``*``) is dropped, and no entry makes one there. Blocked mentions go before the
  consistency rule (they neither vote nor are looked for), and once more after every rule, so
  a blocked name never comes back.
* ``force``: every occurrence is an entity of the entry's type. A model mention inside it is
  dropped; one crossing it or holding it keeps its pieces outside it, each tidied
  (:func:`~seedner.text.spans.tidy_span`) and kept when two characters or more remain.
* ``prefer``: an occurrence overlapping no mention is added; one with exactly a mention's span
  retypes it; one overlapping a mention otherwise is left out (a model's span is never split).
  Preferred entries apply after the consistency rule, so the gaps they fill are those left by
  the model's names at every occurrence.

:func:`block_and_force` runs before the consistency rule, :func:`prefer_and_block` after it.

A mention the dictionary gives has ``source="dict"``, its entry's type as label, and its
entry's id (if any) as ``norm``.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from typing import Protocol, TypeVar

from seedner.dicts.compiled import FORCE, PREFER, TYPE_NAMES, Dictionary, Match
from seedner.text.spans import Mention, tidy_span

MIN_PIECE = 2  # what is left of a mention cut by a forced entry is kept from this length


Window = tuple[int, int]


def apply_dictionary(
    text: str, mentions: list[Mention], dictionary: Dictionary, window: Window | None = None
) -> list[Mention]:
    """Both halves at once (no consistency rule between them)."""
    found = find_matches(text, dictionary, window)
    mentions = block_and_force(text, mentions, dictionary, window, found)
    return prefer_and_block(text, mentions, dictionary, window, found)


def find_matches(text: str, dictionary: Dictionary, window: Window | None = None) -> list[Match]:
    """The occurrences of force and prefer entries in ``window`` (default: all the text), in
    one pass for both halves."""
    if not (dictionary.has_force or dictionary.has_prefer):
        return []
    start, end = window or (0, len(text))
    return dictionary.matches(text, start, end)


def block_and_force(
    text: str,
    mentions: list[Mention],
    dictionary: Dictionary,
    window: Window | None = None,
    found: list[Match] | None = None,
) -> list[Mention]:
    """``mentions`` of ``text`` (those of ``window``, for a long document) without the blocked
    ones, and with every forced entry (see the module docstring); ``found``: the matches of
    :func:`find_matches`, found again when not given."""
    mentions = drop_blocked(text, mentions, dictionary)
    if not dictionary.has_force:
        return mentions
    found = find_matches(text, dictionary, window) if found is None else found
    forced = _disjoint(sorted((m for m in found if m[3] == FORCE), key=_rank))
    if not forced:
        return mentions
    return _cut(text, mentions, forced) + [_mention(dictionary, m) for m in forced]


def prefer_and_block(
    text: str,
    mentions: list[Mention],
    dictionary: Dictionary,
    window: Window | None = None,
    found: list[Match] | None = None,
) -> list[Mention]:
    """``mentions`` with the preferred entries that fill gaps or retype a mention of their
    span, and without a blocked name that a rule brought back."""
    if dictionary.has_prefer:
        found = find_matches(text, dictionary, window) if found is None else found
        preferred = sorted((m for m in found if m[3] == PREFER), key=_rank)
        if preferred:
            mentions = _prefer(mentions, preferred, dictionary)
    return drop_blocked(text, mentions, dictionary)


def drop_blocked(text: str, mentions: list[Mention], dictionary: Dictionary) -> list[Mention]:
    """``mentions`` without those whose span is blocked for their type."""
    if not dictionary.has_blocks:
        return mentions
    return [m for m in mentions if not dictionary.is_blocked(text[m.start : m.end], m.type)]


class _Span(Protocol):
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...


SpanT = TypeVar("SpanT", bound=_Span)


def unblocked_dates(text: str, dates: list[SpanT], dictionary: Dictionary) -> list[SpanT]:
    """The date rules' dates (spans of ``text``) that the dictionary does not block."""
    if not dictionary.has_blocks:
        return dates
    return [d for d in dates if not dictionary.is_blocked(text[d.start : d.end], "DATE")]


def _rank(m: Match) -> tuple[int, int, int]:
    return m[0] - m[1], m[0], -m[4]  # longer, earlier, later entry


def _mention(dictionary: Dictionary, m: Match) -> Mention:
    kind = TYPE_NAMES[m[2]]
    return Mention(m[0], m[1], kind, kind, "dict", dictionary.norm(m[5]))


class _Spans:
    """Disjoint spans, sorted, and whether a new one overlaps any of them."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []

    def overlaps(self, start: int, end: int) -> bool:
        k = bisect_left(self.starts, end)  # the spans starting before ``end``
        return k > 0 and self.ends[k - 1] > start

    def add(self, start: int, end: int) -> None:
        k = bisect_left(self.starts, start)
        self.starts.insert(k, start)
        self.ends.insert(k, end)


def _disjoint(ranked: list[Match]) -> list[Match]:
    """Of matches in order of rank, those overlapping no better-ranked one, by start."""
    taken = _Spans()
    chosen = []
    for m in ranked:
        if not taken.overlaps(m[0], m[1]):
            taken.add(m[0], m[1])
            chosen.append(m)
    chosen.sort()
    return chosen


def _cut(text: str, mentions: list[Mention], forced: Sequence[Match]) -> list[Mention]:
    """``mentions`` with what of them lies outside the ``forced`` spans (disjoint, by start)."""
    starts = [m[0] for m in forced]
    kept = []
    for m in mentions:
        k = bisect_left(starts, m.end)  # forced spans starting before the mention ends
        first = k
        while first > 0 and forced[first - 1][1] > m.start:
            first -= 1
        if first == k:
            kept.append(m)
            continue
        pos, pieces = m.start, []
        for f in forced[first:k]:
            if f[0] > pos:
                pieces.append((pos, f[0]))
            pos = max(pos, f[1])
        if pos < m.end:
            pieces.append((pos, m.end))
        for s, e in pieces:
            tidy = tidy_span(text, s, e)
            if tidy is None or tidy[1] - tidy[0] < MIN_PIECE:
                continue
            j = bisect_left(starts, tidy[1])  # a quote pair may have reached into a forced span
            if j and forced[j - 1][1] > tidy[0]:
                continue
            kept.append(Mention(tidy[0], tidy[1], m.type, m.label, m.source, m.norm))
    return kept


def _prefer(
    mentions: list[Mention], preferred: list[Match], dictionary: Dictionary
) -> list[Mention]:
    """``mentions`` with the ``preferred`` matches (in order of rank) that fill a gap, and
    those with exactly a mention's span retyping it."""
    ordered = sorted(mentions, key=lambda m: (m.start, m.end))
    starts = [m.start for m in ordered]
    reach: list[int] = []  # reach[i]: the furthest end of ordered[:i + 1]
    for m in ordered:
        reach.append(max(m.end, reach[-1] if reach else -1))
    spans = {(m.start, m.end): i for i, m in enumerate(ordered) if m.source != "dict"}
    added = _Spans()
    out = list(ordered)
    for match in preferred:
        start, end = match[0], match[1]
        i = spans.pop((start, end), None)
        if i is not None:  # the best-ranked entry of this span retypes the mention
            out[i] = _mention(dictionary, match)
            continue
        k = bisect_left(starts, end)
        if (k and reach[k - 1] > start) or added.overlaps(start, end):
            continue
        added.add(start, end)
        out.append(_mention(dictionary, match))
    return out
