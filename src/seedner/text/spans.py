"""Entity spans found by a model, and their clean-up: no edge punctuation, no half-quoted
names, no emoji or other symbols."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from seedner.text.chars import BASIC_IDEOGRAPHS_CLASS, IDEOGRAPHS_CLASS


@dataclass(slots=True)
class Mention:
    """A span ``[start, end)`` of the text the model saw (normalized), with its type and the
    model's own label; post-processing rules work on these before offsets are mapped back."""

    start: int
    end: int
    type: str
    label: str
    source: str = "model"  # what found it: model, dict (a user dictionary) or rule
    norm: str | None = None  # the canonical name a dictionary gave it (its entry's id)
    # the model's marginal probability of this span and type; None once a rule changed them
    score: float | None = None


PAIRS = {"“": "”", "‘": "’", "「": "」", "『": "』", "《": "》", "(": ")", "（": "）", "【": "】"}
CLOSERS = {close: open_ for open_, close in PAIRS.items()}
# Spans of these characters alone need no tidying (no symbol, pair or edge punctuation): most
# names, so they skip the character-by-character checks.
_TIDY = re.compile(f"[{BASIC_IDEOGRAPHS_CLASS}\u3007A-Za-z0-9]+")
REACH = 12  # how far outside a span to look for the other half of a quote pair


_SPACE_BY_CJK = re.compile(f"\\s+(?=[{IDEOGRAPHS_CLASS}])|(?<=[{IDEOGRAPHS_CLASS}])\\s+")


def canonical_form(text: str) -> str:
    """No space next to a Chinese character, one space between other words (John Smith)."""
    if " " not in text and text.isprintable():  # no whitespace at all: most names
        return text
    return _SPACE_BY_CJK.sub("", " ".join(text.split()))


def is_symbol(ch: str) -> bool:
    """Emoji and other symbols that are never part of a name: non-ASCII symbols (``🏳``,
    ``┐``, ``™``), variation selectors (U+FE0F), ZWJ and other format characters, keycaps,
    private-use and unassigned code points. ASCII ``+ < = > | ~ $`` are left to other rules."""
    if ch < "\x80":
        return False
    category = unicodedata.category(ch)
    if category[0] == "S" or category in ("Cf", "Co", "Cn", "Cs", "Me"):
        return True
    return "\ufe00" <= ch <= "\ufe0f" or "\U000e0100" <= ch <= "\U000e01ef"


def _is_edge_junk(ch: str) -> bool:
    if ch in PAIRS or ch in CLOSERS:
        return False
    return ch.isspace() or unicodedata.category(ch)[0] in "PZSC" or is_symbol(ch)


def _longest_symbol_free(text: str, start: int, end: int) -> tuple[int, int]:
    """The longest piece of ``text[start:end]`` between symbols (the first of equal ones)."""
    best = (start, start)
    piece = start
    for i in range(start, end + 1):
        if i == end or is_symbol(text[i]):
            if i - piece > best[1] - best[0]:
                best = (piece, i)
            piece = i + 1
    return best


def tidy_span(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Adjust ``text[start:end]`` so quotes and brackets in it are balanced and no
    punctuation or space sits at its edges; None when nothing is left.

    A span holding one half of a pair is widened to the other half when it lies within
    ``REACH`` characters (``中国”咨询委员会`` in ``“科创中国”咨询委员会`` becomes the whole
    name); otherwise the unbalanced mark and what lies beyond it are cut off. Symbols end a
    name: of a span with one inside, the longest piece between them is kept (``李鹏🏳️`` →
    ``李鹏``).
    """
    if start < end and _TIDY.fullmatch(text, start, end):
        return start, end
    start, end = _longest_symbol_free(text, start, end)
    for _ in range(4):  # a few passes settle nested cases
        changed = False
        span = text[start:end]
        for i, ch in enumerate(span):
            if ch in CLOSERS and CLOSERS[ch] not in span[:i]:
                left = text.rfind(CLOSERS[ch], max(0, start - REACH), start)
                start = left if left >= 0 else start + i + 1
                changed = True
                break
            if ch in PAIRS and PAIRS[ch] not in span[i + 1 :]:
                right = text.find(PAIRS[ch], end, end + REACH)
                end = right + 1 if right >= 0 else start + i
                changed = True
                break
        while start < end and _is_edge_junk(text[start]):
            start += 1
        while end > start and _is_edge_junk(text[end - 1]):
            end -= 1
        if end - start > 2 and PAIRS.get(text[start]) == text[end - 1]:
            start, end = start + 1, end - 1  # 《人民日报》 → 人民日报
            changed = True
        if not changed:
            break
    start, end = _longest_symbol_free(text, start, end)  # a quote pair may have reached one
    return (start, end) if start < end else None
