"""China's administrative divisions (province, prefecture, county) and their short forms,
used as a constrained post-step: a model span that is exactly a division name typed PER
is a place (``金山``, ``崇明``, ``徐汇`` districts read as given names).

The names come from cpca's ``adcodes.csv`` (MIT licence, ``data/cpca-LICENSE.txt``), built
into ``data/divisions.tsv`` by ``scripts/build_divisions.py``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from seedner.spans import Mention

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


def retype_divisions(text: str, mentions: list[Mention]) -> list[Mention]:
    """PER mentions whose text is exactly a division name become LOC (label kept)."""
    names = division_names()
    for m in mentions:
        if m.type == "PER" and text[m.start : m.end] in names:
            m.type = "LOC"
    return mentions
