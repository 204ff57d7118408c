"""The date patterns' scanner finds exactly the matches of ``Pattern.search``."""

from __future__ import annotations

import re

import pytest

from seedner.dates.rules import _patterns
from seedner.dates.scan import Scanner, first_chars

from .helpers import SEEDS, dataset


def _all_matches(search, text: str) -> list[tuple[int, int]]:  # type: ignore[no-untyped-def]
    """Every match from every start position (pos = previous start + 1), as the date rules
    search after a rejected candidate."""
    out, pos = [], 0
    while (m := search(text, pos)) is not None:
        out.append((m.start(), m.end()))
        pos = m.start() + 1
    return out


def _texts() -> list[str]:
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    try:
        weibo = dataset("weibo/dev.tsv").read_text(encoding="utf-8")
    except pytest.skip.Exception:
        return texts
    sentences = ["".join(line[:1] for line in block.splitlines()) for block in weibo.split("\n\n")]
    return texts + sentences


@pytest.mark.parametrize("index", range(len(_patterns())))
def test_scanner_finds_the_matches_search_finds(index: int) -> None:
    regex = _patterns()[index][0]
    scanner = Scanner(regex)
    texts = _texts()
    found = [_all_matches(regex.search, t) for t in texts]
    assert [_all_matches(scanner.search, t) for t in texts] == found
    if index == 1:  # single dates: in almost every seed
        assert sum(map(len, found)) > 30


def test_first_chars_of_a_look_behind_pattern_and_where_there_is_no_plain_set() -> None:
    assert first_chars(re.compile("(?<![0-9])(?:[0-9]{4}年|今年|[上下]半年)")) == (
        "0123456789上下今"
    )
    assert first_chars(re.compile("(?<!x)a?b")) == "ab"  # optional first item
    assert first_chars(re.compile("[^a]b")) is None  # a negated class
    assert first_chars(re.compile(".b")) is None
    assert first_chars(re.compile("a*")) is None  # matches the empty string
    assert first_chars(re.compile("ab", re.I)) is None
    assert Scanner(re.compile("[^a]b")).search("aacb") is not None  # falls back to search
