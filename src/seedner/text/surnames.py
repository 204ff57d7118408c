"""Chinese family names (``data/surnames.txt``): single and compound."""

from __future__ import annotations

from functools import cache
from importlib import resources


@cache
def surnames() -> frozenset[str]:
    text = (resources.files("seedner") / "data" / "surnames.txt").read_text(encoding="utf-8")
    lines = (line for line in text.splitlines() if not line.startswith("#"))
    return frozenset(word for line in lines for word in line.split())
