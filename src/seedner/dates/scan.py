"""Faster ``Pattern.search`` for patterns that open with a look-behind.

Python's regular expression engine skips ahead quickly to positions whose character can start
a match, but only when a pattern begins with a literal or a character class. The date patterns
begin with look-behinds (``(?<![0-9A-Za-z])`` …), so the engine tries every position of the
text with the whole pattern. :class:`Scanner` computes, from the pattern's text, the set of
characters any match can start with, finds the next such character with a one-class pattern
(the fast path) and tries the full pattern there with ``match``. The result is the same match
``search`` finds: the leftmost position where the pattern matches, with look-behinds that see
the text before the position, as ``search`` does.

The pattern is read by a small parser of the ``re`` syntax (``re`` has compiled it already, so
it is valid). It needs to know only literals, classes, groups, alternatives and repeats; every
other construct makes the first characters unknown, and the scanner then calls ``search``.
"""

from __future__ import annotations

import re
import unicodedata

# More possible first characters than this: the plain search is as fast.
MAX_FIRST_CHARS = 4096

# What a part of a pattern can match first: (characters, can it match the empty string), or
# None when that is not a plain set of characters (``.``, ``\d``, a negated class, …).
_First = tuple[frozenset[str], bool] | None
_EMPTY: _First = (frozenset(), True)  # look-arounds, anchors: they match no character
_REPEAT_RE = re.compile(r"\{(\d*)(?:,(\d*))?\}")  # as ``re`` reads it; ``{}`` is two literals
_CONTROL_ESCAPES = {"a": "\a", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}
_HEX_DIGITS = {"x": 2, "u": 4, "U": 8}


class _Unsupported(Exception):
    """Syntax the parser does not read (conditionals, inline flags, numbered back-references)."""


class _Parser:
    """First characters of a pattern's text, read by recursive descent."""

    def __init__(self, pattern: str) -> None:
        self.text = pattern
        self.pos = 0

    def peek(self, n: int = 1) -> str:
        return self.text[self.pos : self.pos + n]

    def take(self, n: int = 1) -> str:
        s = self.peek(n)
        if len(s) < n:
            raise _Unsupported
        self.pos += n
        return s

    def pattern(self) -> _First:
        first = self.alternatives()
        if self.pos != len(self.text):  # an unbalanced ")": cannot happen in a compiled pattern
            raise _Unsupported
        return first

    def alternatives(self) -> _First:
        branches = [self.sequence()]
        while self.peek() == "|":
            self.take()
            branches.append(self.sequence())
        if any(b is None for b in branches):
            return None
        chars = frozenset().union(*(b[0] for b in branches if b is not None))
        return chars, any(b[1] for b in branches if b is not None)

    def sequence(self) -> _First:
        items: list[_First] = []
        while self.peek() not in ("", "|", ")"):
            items.append(self.repeat(self.atom()))
        chars: frozenset[str] = frozenset()
        for item in items:  # up to the first item that cannot be empty
            if item is None:
                return None
            chars |= item[0]
            if not item[1]:
                return chars, False
        return chars, True

    def repeat(self, first: _First) -> _First:
        c = self.peek()
        if c in ("?", "*"):
            low = 0
        elif c == "+":
            low = 1
        elif c == "{" and (m := _REPEAT_RE.match(self.text, self.pos)) and m.group() != "{}":
            low = int(m.group(1) or 0)
            self.pos = m.end() - 1
        else:
            return first
        self.take()
        if self.peek() in ("?", "+"):  # lazy or possessive: the same first characters
            self.take()
        if first is None or low > 0:
            return first
        return first[0], True

    def atom(self) -> _First:
        c = self.take()
        if c == "(":
            return self.group()
        if c == "[":
            return self.char_class()
        if c == "\\":
            return self.escape(in_class=False)
        if c in ("^", "$"):
            return _EMPTY
        if c == ".":
            return None
        return frozenset(c), False

    def group(self) -> _First:
        zero_width = False
        if self.peek() == "?":
            self.take()
            kind = self.take()
            if kind == "P":
                if self.take() == "=":  # (?P=name): a back-reference
                    self.skip_past(")")
                    return None
                self.skip_past(">")  # (?P<name>
            elif kind == "<" and self.peek() in ("=", "!"):
                self.take()
                zero_width = True
            elif kind in ("=", "!"):
                zero_width = True
            elif kind not in (":", ">"):  # inline flags, comments, conditionals, (?<name>
                raise _Unsupported
        first = self.alternatives()
        if self.take() != ")":
            raise _Unsupported
        return _EMPTY if zero_width else first

    def skip_past(self, end: str) -> None:
        found = self.text.find(end, self.pos)
        if found < 0:
            raise _Unsupported
        self.pos = found + 1

    def char_class(self) -> _First:
        negated = self.peek() == "^"
        if negated:
            self.take()
        chars: set[str] = set()
        plain = not negated
        first_item = True
        while first_item or self.peek() != "]":
            first_item = False
            low = self.class_char()
            if self.peek() == "-" and self.peek(2) not in ("-]", "-"):
                self.take()
                high = self.class_char()
                if low is None or high is None:
                    raise _Unsupported  # re refuses a range with a class at either end
                if ord(high) - ord(low) > MAX_FIRST_CHARS:
                    plain = False
                else:
                    chars.update(map(chr, range(ord(low), ord(high) + 1)))
            elif low is None:
                plain = False
            else:
                chars.add(low)
        self.take()
        return (frozenset(chars), False) if plain else None

    def class_char(self) -> str | None:
        """One character of a class, or None for a category (``\\d``, ``\\s``, …)."""
        c = self.take()
        if c != "\\":
            return c
        first = self.escape(in_class=True)
        return None if first is None else next(iter(first[0]))

    def escape(self, *, in_class: bool) -> _First:
        c = self.take()
        if c in "dDsSwW":
            return None
        if c == "b" and in_class:
            return frozenset("\b"), False
        if c in "bBAZ" and not in_class:
            return _EMPTY
        if c in _CONTROL_ESCAPES:
            return frozenset(_CONTROL_ESCAPES[c]), False
        if c in _HEX_DIGITS:
            return frozenset(chr(int(self.take(_HEX_DIGITS[c]), 16))), False
        if c == "N" and self.peek() == "{":
            self.take()
            start = self.pos
            self.skip_past("}")
            return frozenset(unicodedata.lookup(self.text[start : self.pos - 1])), False
        if c == "0":
            digits = ""
            while len(digits) < 2 and self.peek() in tuple("01234567"):
                digits += self.take()
            return frozenset(chr(int(digits or "0", 8))), False
        if c.isascii() and c.isalnum():  # back-references, octal escapes \1-\7…
            raise _Unsupported
        return frozenset(c), False


def first_chars(pattern: re.Pattern[str]) -> str | None:
    """Every character a match of ``pattern`` can start with, or None where that is not a
    small plain set (the pattern can match the empty string, ignores case, uses ``.``, …)."""
    if pattern.flags & (re.IGNORECASE | re.VERBOSE) or not isinstance(pattern.pattern, str):
        return None
    try:
        first = _Parser(pattern.pattern).pattern()
    except _Unsupported:
        return None
    if first is None or first[1] or not first[0] or len(first[0]) > MAX_FIRST_CHARS:
        return None
    return "".join(sorted(first[0]))


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
