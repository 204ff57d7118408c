"""Sentence spans of a (normalized) text, in linear time.

A sentence ends at a line break or after sentence-final punctuation (。！？!?；;… and the
closing quotes or brackets right after it: ``……。”``).  Spans are stripped of surrounding
whitespace, empty ones are skipped, so the spans cover every non-whitespace character once.
A sentence longer than ``max_len`` is cut into pieces of at most ``max_len`` characters: after
the last ，、,：:；; or whitespace in the second half of the window, else at the last point of the
second half that is not inside a run of ASCII letters/digits, else at ``max_len``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from seedner.text.chars import CLOSING, SENTENCE_FINAL

__all__ = ["iter_sentences", "split_sentences"]

_LINE_BREAKS = "\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029"
# group 1: a run of final punctuation with its closers (kept with the sentence); else line breaks
_BOUNDARY_RE = re.compile(f"([{SENTENCE_FINAL}]+[{CLOSING}]*)|[{_LINE_BREAKS}]+")
_NON_SPACE_RE = re.compile(r"\S")
_SOFT = "，、,：:；;\\s"
# the last soft break of a window: one not followed by another before the window's end
_LAST_SOFT_RE = re.compile(f"[{_SOFT}](?=[^{_SOFT}]*\\Z)")
# the last character of a window that is not an ASCII letter or digit
_LAST_NON_ALNUM_RE = re.compile(r"[^A-Za-z0-9](?=[A-Za-z0-9]*\Z)")


def iter_sentences(text: str, max_len: int = 200) -> Iterator[tuple[int, int]]:
    """Yield the ``[start, end)`` spans of the sentences of ``text``, in order."""
    if max_len < 1:
        raise ValueError("max_len must be at least 1")
    pos = 0
    for m in _BOUNDARY_RE.finditer(text):
        end = m.end() if m.group(1) else m.start()
        yield from _pieces(text, pos, end, max_len)
        pos = m.end()
    yield from _pieces(text, pos, len(text), max_len)


def split_sentences(text: str, max_len: int = 200) -> list[tuple[int, int]]:
    """Spans ``[start, end)`` of the sentences of ``text``: they cover all non-whitespace
    content, are stripped of leading/trailing whitespace and none is longer than ``max_len``."""
    return list(iter_sentences(text, max_len))


def _pieces(text: str, start: int, end: int, max_len: int) -> Iterator[tuple[int, int]]:
    """The stripped span(s) of ``text[start:end]``, cut to at most ``max_len`` characters."""
    while True:
        first = _NON_SPACE_RE.search(text, start, end)
        if first is None:
            return
        start = first.start()
        while text[end - 1].isspace():
            end -= 1
        if end - start <= max_len:
            yield start, end
            return
        cut = _cut(text, start, start + max_len)
        stop = cut
        while text[stop - 1].isspace():
            stop -= 1
        yield start, stop
        start = cut


def _cut(text: str, start: int, limit: int) -> int:
    """Where to end a piece that starts at ``start`` and may not go past ``limit``.

    Only the second half of the window is considered, so pieces are at least half as long as
    allowed and the total work stays linear.
    """
    lo = start + max(1, (limit - start) // 2)
    soft = _LAST_SOFT_RE.search(text, lo - 1, limit)
    if soft is not None:
        return soft.end()
    if not (_is_alnum(text[limit - 1]) and _is_alnum(text[limit])):
        return limit
    # the last non-alphanumeric character in text[lo - 1:limit + 1]: cut just after or before it
    hard = _LAST_NON_ALNUM_RE.search(text, lo - 1, limit + 1)
    if hard is not None:
        i = hard.start()
        cut = i + 1 if i + 1 <= limit else i
        if cut >= lo:
            return cut
    return limit


def _is_alnum(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()
