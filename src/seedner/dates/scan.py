"""Faster ``Pattern.search`` for patterns that open with a look-behind.

Python's regular expression engine skips ahead quickly to positions whose character can start
a match, but only when a pattern begins with a literal or a character class. The date patterns
begin with look-behinds (``(?<![0-9A-Za-z])`` …), so the engine tries every position of the
text with the whole pattern. :class:`Scanner` computes, from the parsed pattern, the set of
characters any match can start with, finds the next such character with a one-class pattern
(the fast path) and tries the full pattern there with ``match``. The result is the same match
``search`` finds: the leftmost position where the pattern matches, with look-behinds that see
the text before the position, as ``search`` does.
"""

from __future__ import annotations

import re
from typing import Any

try:  # Python 3.11+
    from re import _constants as sre_constants  # type: ignore[attr-defined]
    from re import _parser as sre_parser  # type: ignore[attr-defined]
except ImportError:  # Python 3.10
    import sre_constants  # type: ignore[no-redef]
    import sre_parse as sre_parser  # type: ignore[no-redef]

# More possible first characters than this: the plain search is as fast.
MAX_FIRST_CHARS = 4096

_ZERO_WIDTH = {sre_constants.AT, sre_constants.ASSERT, sre_constants.ASSERT_NOT}
_REPEATS = {sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT}
if hasattr(sre_constants, "POSSESSIVE_REPEAT"):  # Python 3.11+
    _REPEATS.add(sre_constants.POSSESSIVE_REPEAT)


class _Unsupported(Exception):
    """A construct whose first characters are not a plain set (a negated class, ``.`` …)."""


def _first_of_sequence(items: Any) -> tuple[set[str], bool]:
    """First characters of a parsed sequence, and whether it can match the empty string."""
    chars: set[str] = set()
    for op, av in items:
        if op in _ZERO_WIDTH:
            continue
        first, nullable = _first_of_item(op, av)
        chars |= first
        if not nullable:
            return chars, False
    return chars, True


def _first_of_item(op: Any, av: Any) -> tuple[set[str], bool]:
    if op is sre_constants.LITERAL:
        return {chr(av)}, False
    if op is sre_constants.IN:
        chars: set[str] = set()
        for kind, value in av:
            if kind is sre_constants.LITERAL:
                chars.add(chr(value))
            elif kind is sre_constants.RANGE:
                low, high = value
                if high - low > MAX_FIRST_CHARS:
                    raise _Unsupported
                chars.update(map(chr, range(low, high + 1)))
            else:  # NEGATE, CATEGORY (\d, \s …)
                raise _Unsupported
        return chars, False
    if op is sre_constants.BRANCH:
        chars, nullable = set(), False
        for alternative in av[1]:
            first, empty = _first_of_sequence(alternative.data)
            chars |= first
            nullable = nullable or empty
        return chars, nullable
    if op is sre_constants.SUBPATTERN:
        return _first_of_sequence(av[-1].data)
    if op in _REPEATS:
        low, _, body = av
        first, nullable = _first_of_sequence(body.data)
        return first, nullable or low == 0
    if op is getattr(sre_constants, "ATOMIC_GROUP", None):
        return _first_of_sequence(av.data)
    raise _Unsupported  # ANY, NOT_LITERAL, back-references …


def first_chars(pattern: re.Pattern[str]) -> str | None:
    """Every character a match of ``pattern`` can start with, or None where that is not a
    small plain set (the pattern can match the empty string, ignores case, uses ``.``, …)."""
    if pattern.flags & (re.IGNORECASE | re.VERBOSE) or not isinstance(pattern.pattern, str):
        return None
    try:
        chars, nullable = _first_of_sequence(sre_parser.parse(pattern.pattern, pattern.flags).data)
    except _Unsupported:
        return None
    if nullable or not chars or len(chars) > MAX_FIRST_CHARS:
        return None
    return "".join(sorted(chars))


class Scanner:
    """``search`` of one pattern, skipping to the characters a match can start with."""

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern = pattern
        chars = first_chars(pattern)
        self._starts = (
            re.compile("[" + "".join(re.escape(c) for c in chars) + "]") if chars else None
        )

    def search(self, text: str, pos: int = 0) -> re.Match[str] | None:
        """The match ``self.pattern.search(text, pos)`` returns."""
        if self._starts is None:
            return self.pattern.search(text, pos)
        starts, match = self._starts.search, self.pattern.match
        while (start := starts(text, pos)) is not None:
            if (m := match(text, start.start())) is not None:
                return m
            pos = start.start() + 1
        return None
