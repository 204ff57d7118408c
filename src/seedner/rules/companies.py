"""Well-known companies and brands (``data/companies.tsv``) as organizations wherever they
stand (docs/guidelines.md, rules 11 and 13): a mention of one is typed ORG, and one the model
did not find is added where nothing else covers it — unless the name is also a common word
(``小米``, ``长城``), which is only retyped.
"""

from __future__ import annotations

from dataclasses import replace
from functools import cache
from importlib import resources
from typing import Any

from seedner.text.spans import Mention


@cache
def _companies() -> tuple[frozenset[str], frozenset[str], Any]:
    """The names looked for, those only retyped from PER, and an automaton of the first."""
    import ahocorasick

    text = (resources.files("seedner") / "data" / "companies.tsv").read_text(encoding="utf-8")
    added: set[str] = set()
    retyped: set[str] = set()
    automaton = ahocorasick.Automaton()
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        name, _, mode = line.partition("\t")
        if mode == "add":
            added.add(name)
            automaton.add_word(name, len(name))
        else:
            retyped.add(name)
    automaton.make_automaton()
    return frozenset(added), frozenset(retyped), automaton


def _retyped(text: str, m: Mention, added: frozenset[str], retyped: frozenset[str]) -> bool:
    name = text[m.start : m.end]
    return m.type != "ORG" and (name in added or (m.type == "PER" and name in retyped))


def apply_companies(
    text: str, mentions: list[Mention], window: tuple[int, int] | None = None
) -> list[Mention]:
    """``mentions`` with the companies typed ORG and the ones not found added (source
    ``rule``; looked for in ``window`` of the text, default all of it), longest first, in
    order of start."""
    added, retyped, automaton = _companies()
    out = [
        replace(m, type="ORG", label="ORG", score=None) if _retyped(text, m, added, retyped) else m
        for m in mentions
    ]
    found: list[tuple[int, int]] = []
    start, end = window or (0, len(text))
    for last, length in automaton.iter(text, start, end):
        if last + 1 - length < start:  # a name begun before the window is the last one's
            continue
        found.append((last + 1 - length, last + 1))
    out = _without_overgrown(out, found)
    new: list[Mention] = []
    taken = [(m.start, m.end) for m in out]
    for first, last in sorted(found, key=lambda s: (s[0], -(s[1] - s[0]))):
        if any(s < last and first < e for s, e in taken):
            continue
        taken.append((first, last))
        new.append(Mention(first, last, "ORG", "ORG", source="rule"))
    if not new:
        return out
    return sorted(out + new, key=lambda m: (m.start, m.end))


def _without_overgrown(mentions: list[Mention], found: list[tuple[int, int]]) -> list[Mention]:
    """Without a person or place that is a company's name grown by one character (``开奥迪``,
    the verb read into a name): the company takes its place."""
    return [
        m
        for m in mentions
        if m.type == "ORG"
        or not any(
            m.start <= s and e <= m.end and (m.end - m.start) - (e - s) == 1 for s, e in found
        )
    ]
