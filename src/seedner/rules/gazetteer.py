"""China's administrative divisions (province, prefecture, county) and their short forms,
used as a constrained post-step: a model span typed PER that is a division's name is a place
(``金山``, ``崇明``, ``徐汇`` districts read as given names).

A full name (``徐汇区``) or a province's short form (``上海``, ``内蒙古``) is always a place.
A prefecture's or county's short form is one only where the document writes a full name that
has it (``杨浦`` in a text with ``杨浦区``; ``金山`` written ``金山区``, where the span grows to
the full name), since many are people's names too (``周宁``, ``马龙``).

The names come from cpca's ``adcodes.csv`` (MIT licence, ``data/cpca-LICENSE.txt``), built
into ``data/divisions.tsv`` by ``scripts/build_divisions.py``.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from seedner.text.spans import Mention

LEVELS = ("province", "prefecture", "county")


@dataclass(frozen=True, slots=True)
class Division:
    code: str  # 6-digit GB/T 2260 code: 310104
    name: str  # 徐汇区
    short: str  # 徐汇 ("" when it would be one character)

    @property
    def level(self) -> str:
        if self.code[2:] == "0000":
            return "province"
        return "prefecture" if self.code[4:] == "00" else "county"


@lru_cache(maxsize=1)
def divisions() -> tuple[Division, ...]:
    """Every division in the data file, in code order."""
    data = resources.files("seedner") / "data" / "divisions.tsv"
    rows = data.read_text(encoding="utf-8").splitlines()
    return tuple(Division(*row.split("\t")) for row in rows if row)


@lru_cache(maxsize=1)
def division_names() -> frozenset[str]:
    """Full names and short forms: 上海市, 上海, 徐汇区, 徐汇, 长阳土家族自治县, 长阳 ..."""
    return frozenset(n for d in divisions() for n in (d.name, d.short) if n)


def is_division(name: str) -> bool:
    return name in division_names()


@lru_cache(maxsize=1)
def _certain_names() -> frozenset[str]:
    """Names that are places wherever they stand: full names and provinces' short forms."""
    return frozenset(d.name for d in divisions()) | frozenset(
        d.short for d in divisions() if d.short and d.level == "province"
    )


@lru_cache(maxsize=1)
def _full_names_of() -> dict[str, tuple[str, ...]]:
    """Short form → the full names that have it (朝阳 → 朝阳区, 朝阳市, 朝阳县)."""
    out: dict[str, list[str]] = {}
    for d in divisions():
        if d.short:
            out.setdefault(d.short, []).append(d.name)
    return {short: tuple(sorted(names, key=len, reverse=True)) for short, names in out.items()}


def retype_divisions(
    text: str, mentions: list[Mention], written: dict[str, bool] | None = None
) -> list[Mention]:
    """PER mentions that are division names become LOC (see the module docstring); the
    model's label is kept. ``written`` remembers which short forms have a full name in
    ``text`` (one dict for the windows of a long document, so the text is searched once)."""
    certain = _certain_names()
    full_names_of = _full_names_of()
    if written is None:
        written = {}

    def _written(short: str) -> bool:
        """Does the text hold one of the full names of ``short``?"""
        if short not in written:
            written[short] = any(f in text for f in full_names_of[short])
        return written[short]

    starts = sorted(m.start for m in mentions)
    out = []
    for m in mentions:
        name = text[m.start : m.end]
        if m.type == "PER" and name in full_names_of and name not in certain:
            full = next((f for f in full_names_of[name] if text.startswith(f, m.start)), "")
            grown = m.start + len(full)
            if full and bisect_left(starts, grown) == bisect_left(starts, m.end):
                m = Mention(m.start, grown, "LOC", m.label)  # 金山|区: the full name
            elif full or _written(name):
                m = Mention(m.start, m.end, "LOC", m.label)
        elif m.type == "PER" and name in certain:
            m = Mention(m.start, m.end, "LOC", m.label)
        out.append(m)
    return out
