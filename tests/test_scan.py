"""The date patterns' scanner finds exactly the matches of ``Pattern.search``."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from seedner.dates.rules import _patterns
from seedner.dates.scan import Scanner, first_chars

from .helpers import SEEDS, dataset

PATTERN_INDEXES = range(len(_patterns()))


def _all_matches(
    search: Callable[[str, int], re.Match[str] | None], text: str
) -> list[tuple[int, int]]:
    """Every match from every start position (pos = previous start + 1), as the date rules
    search after a rejected candidate."""
    out, pos = [], 0
    while (m := search(text, pos)) is not None:
        out.append((m.start(), m.end()))
        pos = m.start() + 1
    return out


def _check_scanner(index: int, texts: list[str]) -> int:
    """The scanner of date pattern ``index`` finds what ``search`` finds in ``texts``; the
    number of matches."""
    regex = _patterns()[index][0]
    scanner = Scanner(regex)
    assert first_chars(regex) is not None  # the fast path is taken
    found = [_all_matches(regex.search, t) for t in texts]
    assert [_all_matches(scanner.search, t) for t in texts] == found
    return sum(map(len, found))


@pytest.mark.parametrize("index", PATTERN_INDEXES)
def test_scanner_finds_the_matches_search_finds_on_the_seeds(index: int) -> None:
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    found = _check_scanner(index, texts)
    if index == 1:  # single dates: in almost every seed
        assert found > 30


@pytest.mark.parametrize("index", PATTERN_INDEXES)
def test_scanner_finds_the_matches_search_finds_on_weibo(index: int) -> None:
    weibo = dataset("weibo/dev.tsv").read_text(encoding="utf-8")
    sentences = ["".join(line[:1] for line in block.splitlines()) for block in weibo.split("\n\n")]
    _check_scanner(index, sentences)


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("(?<![0-9])(?:[0-9]{4}年|今年|[上下]半年)", "0123456789上下今"),
        ("(?<!x)a?b", "ab"),  # an optional first item
        ("(?=c)a{0,2}(?:b|)c", "abc"),  # look-ahead, repeats and alternatives that can be empty
        ("(?P<y>[0-9])(?P=y)年", "0123456789"),  # a back-reference after the first item
        ("^\\b[\\]\\-x-z]", "-]xyz"),  # anchors; escapes and a range in a class
        ("\\u5e74|\\x61|\\N{DIGIT ONE}|\\.|\\0", "\0.1a年"),
        ("{}|a{x}", "a{"),  # braces that are no repeat are literals
        ("[^a]b", None),  # a negated class
        (".b", None),
        ("\\db", None),
        ("[\\sa]b", None),
        ("a*", None),  # matches the empty string
        ("(?i:a)b", None),  # flags in the pattern
        ("(?#note)a*b", None),  # a comment: not read
        ("(?P<y>a)?(?P=y)b", None),  # a back-reference that can come first
    ],
)
def test_first_chars(pattern: str, expected: str | None) -> None:
    regex = re.compile(pattern)
    assert first_chars(regex) == expected
    if expected is not None:  # no match starts elsewhere
        assert all(m.group()[0] in expected for m in re.finditer(regex, "xa1b年.{c-]\0ab"))


def test_first_chars_of_a_case_insensitive_pattern_is_unknown() -> None:
    assert first_chars(re.compile("ab", re.I)) is None
    assert Scanner(re.compile("[^a]b")).search("aacb") is not None  # falls back to search
