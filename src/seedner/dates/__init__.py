"""DATE recognition and ISO-8601 normalization for Chinese text (rule-based, pure Python).

``find_dates(text, ref)`` returns every date expression in ``text`` with exact code-point
offsets and, where it can be resolved, an ISO-8601 ``norm``: ``2023-09-15``, ``2023-09``,
``2023``, intervals ``2021/2023``, ``2021-01/2021-03`` and ISO weeks ``2023-W18``.
Expressions that need a reference date (``今天``, ``去年``, ``5月4日``) get ``norm=None``
when ``ref`` is ``None`` -- never today's date.

``find_reference_date(text)`` finds the document's own publication date near its top.

* :mod:`~seedner.dates.rules` — the patterns and their resolution (``docs/dates.md``);
* :mod:`~seedner.dates.reference` — which reference date a document's dates resolve against;
* :mod:`~seedner.dates.entities` — dates among a document's entities (the rules' and a
  model's own).
"""

from seedner.dates.reference import choose_reference, find_reference_date, parse_date
from seedner.dates.rules import DateMatch, adopt_bracketed_dates, find_dates, resolve_month_days

__all__ = [
    "DateMatch",
    "adopt_bracketed_dates",
    "choose_reference",
    "find_dates",
    "find_reference_date",
    "parse_date",
    "resolve_month_days",
]
