"""The reference date that relative dates (``今天``, ``去年``, ``5月4日``) resolve against:
``--ref-date``, else the document's own publication date near its top, else its record's
``date`` field."""

from __future__ import annotations

import datetime
import re
from functools import cache
from typing import Any

from seedner.dates.rules import DateMatch, find_dates


def parse_date(value: Any) -> datetime.date | None:
    """A date from an ISO string (``2023-05-06``, ``2023-05-06T10:00``) or a date; else None."""
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str) and len(value) >= 10:
        try:
            return datetime.date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def choose_reference(
    given: datetime.date | None, text: str, meta: dict[str, Any]
) -> datetime.date | None:
    """``given`` (``--ref-date``), else the date ``text`` states near its top, else
    ``meta["date"]`` (a JSON Lines record's field)."""
    return given or find_reference_date(text) or parse_date(meta.get("date"))


@cache
def _ref_label_re() -> re.Pattern[str]:
    return re.compile(
        "(?:发布|發布|发表|發表|更新|出版|刊发|刊發|发稿|發稿)?(?:时间|時間|日期)"
        "[ \u3000]*[:：][ \u3000]*"
    )


_REF_TRAILER = ("来源", "來源", "作者", "星期", "周", "週", "编辑", "編輯")
_BRACKETS = "()（）【】[]〔〕「」"


_DATE_LINE_HEAD = 40  # a date that opens a line fits in this many characters


def _absolute_day(text: str) -> tuple[DateMatch, datetime.date] | None:
    """The first date in ``text`` if it has an explicit year, month and day.

    Only the head of ``text`` is searched: callers want a date at its very start, and a
    "line" of a text without line breaks can be the whole document.
    """
    found = find_dates(text[:_DATE_LINE_HEAD])
    if not found or len(found[0].norm or "") != 10:
        return None
    return found[0], datetime.date.fromisoformat(found[0].norm or "")


def find_reference_date(text: str) -> datetime.date | None:
    """The document's own publication date when stated near the top, else None.

    Looks at the first 10 non-empty lines (starting within the first 400 characters) for,
    in this order: a labelled date (``发布时间:2023-05-06``, ``發布日期：2023年5月6日``);
    a line that is only a date, possibly bracketed (``(2023年9月15日)``); a line that starts
    with a date followed by whitespace, a time or a source (``2023/10/10 来源:不详``).
    Only dates with an explicit year, month and day count.
    """
    lines: list[str] = []
    offset = 0
    for line in text.splitlines():
        if offset >= 400 or len(lines) >= 10:
            break
        offset += len(line) + 1
        if line.strip():
            lines.append(line.strip())

    for line in lines:
        for label in _ref_label_re().finditer(line):
            got = _absolute_day(line[label.end() :])
            if got is not None and got[0].start == 0:
                return got[1]

    for line in lines:
        inner = line.strip(_BRACKETS + " \u3000")
        got = _absolute_day(inner)
        if got is None or got[0].start != 0:
            continue
        rest = inner[got[0].end :]
        if not rest.strip() or rest[0] in " \u3000\t" or rest.startswith(_REF_TRAILER):
            return got[1]
    return None
