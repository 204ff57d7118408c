"""Reading JSON Lines, the one way seedner does it: input records, its own output (for
``--resume`` and ``seedner summary``) and the slices a Ray actor reads."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import orjson

BOM = b"\xef\xbb\xbf"


@dataclass(slots=True)
class JsonLine:
    """One line: its number, its bytes, and its value or what is wrong with it."""

    number: int
    raw: bytes  # as read, line end included
    value: Any = None
    problem: str = ""  # "" when the line is JSON (or blank)

    @property
    def blank(self) -> bool:
        return not self.raw.strip()

    @property
    def complete(self) -> bool:
        """Does it end with a line break (a last line cut short does not)?"""
        return self.raw.endswith(b"\n")


def json_lines(stream: Iterable[bytes], first: int = 1) -> Iterator[JsonLine]:
    """Every line of ``stream`` (numbered from ``first``), parsed unless blank; a UTF-8 BOM
    before the first line is skipped."""
    for number, raw in enumerate(stream, first):
        line = JsonLine(number, raw)
        text = raw.removeprefix(BOM) if number == first else raw
        if text.strip():
            try:
                line.value = orjson.loads(text)
            except orjson.JSONDecodeError as exc:
                line.problem = f"malformed JSON ({exc.args[0].split(':')[0]})"
        yield line
