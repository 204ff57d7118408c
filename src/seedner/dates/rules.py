"""DATE recognition and ISO-8601 normalization for Chinese text (rule-based, pure Python).

``find_dates(text, ref)`` returns every date expression in ``text`` with exact code-point
offsets and, where it can be resolved, an ISO-8601 ``norm``: ``2023-09-15``, ``2023-09``,
``2023``, intervals ``2021/2023``, ``2021-01/2021-03`` and ISO weeks ``2023-W18``.
Expressions that need a reference date (``今天``, ``去年``, ``5月4日``) get ``norm=None``
when ``ref`` is ``None`` -- never today's date.

Simplified and traditional script, ASCII and full-width digits are all accepted, so the
functions work on original text as well as on folded text. The rules are described in
``docs/dates.md``. Patterns are compiled on first use, so importing this module is cheap.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache

from seedner.dates.scan import Scanner

__all__ = [
    "DateMatch",
    "adopt_bracketed_dates",
    "find_dates",
    "resolve_month_days",
]


@dataclass(frozen=True, slots=True)
class DateMatch:
    """A date expression: ``text == source[start:end]`` (code points, end exclusive)."""

    start: int
    end: int
    text: str
    norm: str | None


# --------------------------------------------------------------------------- numerals

_CN_DIGIT = {
    "〇": 0, "○": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4,
    "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
}  # fmt: skip


def _num(s: str) -> int:
    """ASCII/full-width digits, or a Chinese numeral up to 39 (十五, 二十一, 廿五)."""
    if s.isdigit():
        return int(s)  # int() accepts full-width digits
    if s[0] == "廿":
        return 20 + (_CN_DIGIT[s[1]] if len(s) > 1 else 0)
    if "十" in s:
        tens, _, units = s.partition("十")
        return (_CN_DIGIT[tens] if tens else 1) * 10 + (_CN_DIGIT[units] if units else 0)
    return _CN_DIGIT[s]


def _cn_year(s: str) -> int:
    """二〇二三 -> 2023 (digit by digit)."""
    return int("".join(str(_CN_DIGIT[c]) for c in s))


# --------------------------------------------------------------------------- patterns

_D = "[0-9０-９]"
_CN = "[〇○零一二三四五六七八九]"
_SP = "[ \u3000]?"  # one optional space between parts: "2020 年", "2023 年 9 月"
_RSEP = "(?:[-–—―－~～〜]{1,2}|至|到)"
_CN_MONTH = "十[一二]?|[一二三四五六七八九]"
_CN_1_9 = "[一二三四五六七八九]"
_CN_DAY = f"三十一?|二十{_CN_1_9}?|廿{_CN_1_9}?|十{_CN_1_9}?|{_CN_1_9}"

# What may not precede a number that starts a date (a longer number, a Latin word, a path).
_LB_NUM = r"(?<![0-9０-９A-Za-zＡ-Ｚａ-ｚ./\\_／．－-])"
_LB_YEAR = "(?<![0-9０-９A-Za-zＡ-Ｚａ-ｚ近第逾满滿历歷])"
_LB_CNYEAR = "(?<![〇○零一二三四五六七八九十])"
# Before a month with no year: counts like 第5月, 近3月, 三个月 are durations/ordinals.
_LB_MON = "(?<![0-9０-９〇○零一二三四五六七八九十两兩几幾第近每数數多半个個这這.．/／-])"
_LB_MON_RHS = "(?<![0-9０-９〇○零一二三四五六七八九十])"
_LB_DAY = (
    "(?<![0-9０-９〇○零一二三四五六七八九十两兩几幾第近每数數多半个個"
    "连連共约約满滿逾.．/／A-Za-z-])"
)
_NOT_INITIAL = (
    "(?![步次期衷心级級中始稿一二三四五六七八九十])"  # 初步, 初次, 初期 ... are not 月初/年初
)

_REL_YEAR = {
    "大前年": -3, "前年": -2, "去年": -1, "上年": -1, "今年": 0, "本年": 0,
    "明年": 1, "后年": 2, "後年": 2, "大后年": 3, "大後年": 3,
}  # fmt: skip
_REL_DAY = {
    "大前天": -3, "前天": -2, "昨天": -1, "昨日": -1, "今天": 0, "今日": 0,
    "明天": 1, "明日": 1, "后天": 2, "後天": 2, "大后天": 3, "大後天": 3,
}  # fmt: skip
# `今天是:` / `今天是` closing a line: the label of a date widget, not a date
_WIDGET_LABEL = re.compile("是[ \t\u3000]*(?:[:：]|\r?\n|$)")
# a relative word followed by a date in brackets: `今天(1月26日)`
_RELATIVE_WORDS = frozenset(_REL_DAY) | frozenset(_REL_YEAR)
_BRACKET_PAIRS = {"(": ")", "（": "）"}
_WEEKDAY = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "日": 7, "天": 7}


def _year(s: str) -> str:
    return (
        f"(?:{_LB_YEAR}(?P<y4{s}>{_D}{{4}})|{_LB_CNYEAR}(?P<ycn{s}>{_CN}{{4}})"
        f"|{_LB_YEAR}(?P<y2{s}>{_D}{{2}})){_SP}年"
    )


def _rel_year(s: str) -> str:
    # 如今年轻人, 日本年轻人, 配上年画, 上年纪: 年 belongs to the next word
    return (
        f"(?P<ry{s}>大前年|大[后後]年|(?<!如)今年|去年|前年|明年|[后後]年|上年|(?<!日)本年)"
        "(?![轻輕画畫纪紀级級龄齡])"
    )


def _month(s: str, *, fen: bool = True) -> str:
    return f"(?P<m{s}>{_D}{{1,2}}|{_CN_MONTH}){_SP}月" + ("份?" if fen else "")


def _day(s: str) -> str:
    return f"(?P<d{s}>{_D}{{1,2}}|{_CN_DAY}){_SP}[日号號]"


def _sde(s: str, *, rhs: bool = False) -> str:
    """One simple date expression; group names carry the suffix ``s``."""
    ymod = f"(?P<ym{s}>年?(?:初{_NOT_INITIAL}|底|末|中(?=[，。、,.;；：:！!？?\\s）)]|$)))"
    half = f"(?P<h{s}>[上下]半年)"
    quarter = f"(?P<q{s}>第?[一二三四1-4１-４]季度)"
    rel_month = f"(?P<rm{s}>本月|[这這][个個]月|[上下][个個]?月)(?![球亮光台饼餅])"
    num = (
        f"{_LB_NUM}(?P<ny{s}>{_D}{{4}})(?P<ns{s}>[-/.－／．])(?P<nm{s}>{_D}{{1,2}})"
        f"(?:(?P=ns{s})(?P<nd{s}>{_D}{{1,2}}))?"
    )

    def tail(v: str) -> str:  # day or 初/底/下旬 after a month; group names suffixed s+v
        return f"(?:{_SP}(?:{_day(s + v)}|(?P<mm{s}{v}>[上中下]旬|初{_NOT_INITIAL}|底|末)))?"

    alts = [
        num,
        f"(?:{_year(s)}|{_rel_year(s)})(?:{_SP}(?:{_month(s)}{tail('')}|{half}|{quarter}|{ymod}))?",
        f"{_LB_MON_RHS if rhs else _LB_MON}{_month(s + 'b')}(?!革命){tail('b')}",
        f"{rel_month}{tail('r')}",
    ]
    if rhs:  # "5月4日至6日": a bare day only on the right of a range
        alts.append(_day(s + "x"))
    return "(?:" + "|".join(alts) + ")"


_Handler = Callable[[re.Match[str], "datetime.date | None"], tuple[bool, "str | None"]]


@cache
def _patterns() -> tuple[tuple[re.Pattern[str], _Handler], ...]:
    yr = f"(?:{_year('a')}|{_rel_year('a')})"
    return (
        (re.compile(f"{_sde('1')}{_SP}{_RSEP}{_SP}{_sde('2', rhs=True)}"), _h_range),
        (re.compile(_sde("1")), _h_single),
        (
            re.compile(
                f"{_LB_NUM}(?P<a>{_D}{{4}})(?:{_SP}(?P<ya>年))?{_SP}{_RSEP}{_SP}"
                f"(?P<b>{_D}{{4}})(?:{_SP}(?P<yb>年))?(?![0-9０-９])"
            ),
            _h_year_range,
        ),
        (
            re.compile(
                f"(?:{yr}{_SP})?{_LB_MON}(?P<m1>{_D}{{1,2}}|{_CN_MONTH}){_SP}{_RSEP}{_SP}"
                f"(?P<m2>{_D}{{1,2}}|{_CN_MONTH}){_SP}月份?"
            ),
            _h_month_range,
        ),
        (
            re.compile(
                f"(?:{yr}{_SP})?{_LB_MON}{_month('a', fen=False)}{_SP}"
                f"(?P<d1>{_D}{{1,2}}|{_CN_DAY}){_SP}{_RSEP}{_SP}(?P<d2>{_D}{{1,2}}|{_CN_DAY})"
                f"{_SP}[日号號]"
            ),
            _h_day_range,
        ),
        (
            re.compile(
                "大前天|大[后後]天|今天|昨天|前天(?!津)|(?<![光探])明天(?![然津])"
                "|(?<!时至)(?<!時至)今日|昨日|(?<![光说說证證表阐闡])明日(?![报報])"
                "|(?<!先天)(?<![然先])[后後]天(?![性形养養培努习習获獲津下])"
            ),
            _h_rel_day,
        ),
        (
            re.compile(
                "(?P<w>本|[这這上下][个個]?)(?:[周週](?![年期边邊围圍刊报報岁歲])|星期)末?"
                "(?:(?P<wd>[一二三四五六日天])(?![直些起样樣次下切定般致同个個]))?"
            ),
            _h_week,
        ),
        (
            re.compile(
                "(?<![0-9０-９〇○零一二三四五六七八九十两兩几幾多数數半今去前明后後上本每年])"
                f"年(?:初{_NOT_INITIAL}|底|末)"
            ),
            _h_bare_year_mod,
        ),
        (re.compile("(?<![年])(?P<h>[上下]半年)"), _h_bare_half),
        (re.compile("(?<![0-9０-９年])第?(?P<q>[一二三四])季度"), _h_bare_quarter),
        (
            re.compile(f"{_LB_DAY}(?P<d>{_D}{{1,2}}){_SP}日(?![元内內来來间間之游遊])"),
            _h_bare_day,
        ),
    )


@cache
def _url_re() -> re.Pattern[str]:
    return re.compile(r"(?:https?://|ftp://|www\.)[^\s<>\"'，。；、）」』【】（\u3000]+", re.I)


# --------------------------------------------------------------------------- resolution


def _iso(y: int | None, m: int | None = None, d: int | None = None) -> str | None:
    if y is None or not 1 <= y <= 9999:
        return None
    if m is None:
        return f"{y:04d}"
    if d is None:
        return f"{y:04d}-{m:02d}"
    try:
        return datetime.date(y, m, d).isoformat()
    except ValueError:
        return None


class _Side:
    """One side of an expression: resolved parts plus what was actually written."""

    __slots__ = ("day", "has_month", "has_year", "modified", "month", "norm", "year")

    def __init__(
        self,
        year: int | None,  # resolved year (None: needs a ref that is missing)
        month: int | None,
        day: int | None,
        has_year: bool,  # a year (absolute or relative) was written
        has_month: bool,
        modified: bool,  # 初/底/上半年/季度 ...: no ranges built from it
        norm: str | None,
    ) -> None:
        self.year, self.month, self.day, self.norm = year, month, day, norm
        self.has_year, self.has_month, self.modified = has_year, has_month, modified


def _g(m: re.Match[str], name: str) -> str | None:
    return m.groupdict().get(name)


def _gv(m: re.Match[str], key: str, s: str) -> str | None:
    """Group ``key+s`` from whichever alternative of the expression matched."""
    groups = m.groupdict()
    for variant in ("", "b", "r", "x"):
        if (value := groups.get(f"{key}{s}{variant}")) is not None:
            return value
    return None


def _year_from(m: re.Match[str], s: str, ref: datetime.date | None) -> tuple[bool, int | None]:
    """(year written?, resolved year). Raises ValueError when the year token is invalid."""
    if (y4 := _g(m, f"y4{s}")) is not None:
        return True, int(y4)
    if (ycn := _g(m, f"ycn{s}")) is not None:
        return True, _cn_year(ycn)
    if (y2 := _g(m, f"y2{s}")) is not None:
        yy = int(y2)
        if ref is not None:
            year = ref.year // 100 * 100 + yy
            return True, year - 100 if year > ref.year + 20 else year
        return True, (2000 if yy < 50 else 1900) + yy
    if (ry := _g(m, f"ry{s}")) is not None:
        return True, None if ref is None else ref.year + _REL_YEAR[ry]
    return False, None


def _side(m: re.Match[str], s: str, ref: datetime.date | None) -> _Side | None:
    """Parse the groups with suffix ``s``; None when they do not form a valid date."""
    year: int | None
    month: int | None
    if (ny := _g(m, f"ny{s}")) is not None:  # 2023-05-06, 2023/10/10, 2023.5.6
        y, mo = int(ny), int(m[f"nm{s}"])
        nd = _g(m, f"nd{s}")
        d = None if nd is None else int(nd)
        if _g(m, f"ns{s}") in (".", "．") and d is None:
            return None  # 2023.5 is a decimal number
        if not (1900 <= y <= 2100 and 1 <= mo <= 12) or (d is not None and not 1 <= d <= 31):
            return None
        norm = _iso(y, mo, d)
        return None if norm is None else _Side(y, mo, d, True, True, False, norm)

    if (rm := _g(m, f"rm{s}")) is not None:  # 本月, 上个月, 下個月 (+ day / 初 / 下旬)
        year = month = None
        if ref is not None:
            offset = {"本": 0, "这": 0, "這": 0, "上": -1, "下": 1}[rm[0]]
            index = ref.year * 12 + ref.month - 1 + offset
            year, month = divmod(index, 12)
            month += 1
        day = _gv(m, "d", s)
        dnum = None if day is None else _num(day)
        if dnum is not None and not 1 <= dnum <= 31:
            return None
        norm = _iso(year, month, dnum) if year is not None else None
        return _Side(year, month, dnum, True, True, _gv(m, "mm", s) is not None, norm)

    has_year, year = _year_from(m, s, ref)
    mon = _gv(m, "m", s)
    day = _gv(m, "d", s)
    month = None if mon is None else _num(mon)
    dnum = None if day is None else _num(day)
    if month is not None and not 1 <= month <= 12:
        return None
    if dnum is not None and not 1 <= dnum <= 31:
        return None
    if _g(m, f"y2{s}") is not None and month is None:
        return None  # "23年" alone: a count of years, not a date
    if _g(m, f"y4{s}") is not None or _g(m, f"ycn{s}") is not None:
        assert year is not None
        lo, hi = (1000, 2999) if month is not None else (1900, 2100)
        if not lo <= year <= hi:
            return None  # 2500年 (a duration), 3000年
    if not has_year and (month is not None or dnum is not None) and ref is not None:
        year = ref.year  # 5月4日 with ref 2023-xx-xx -> 2023-05-04
    if month is None and dnum is not None:  # bare day (range right-hand side only)
        return _Side(None, None, dnum, False, False, False, None)

    modified = False
    if (h := _g(m, f"h{s}")) is not None:
        modified = True
        first = 1 if h[0] == "上" else 7
        norm = None if year is None else f"{year:04d}-{first:02d}/{year:04d}-{first + 5:02d}"
    elif (q := _g(m, f"q{s}")) is not None:
        modified = True
        n = _num(q.lstrip("第").removesuffix("季度"))
        norm = None if year is None else f"{year:04d}-{3 * n - 2:02d}/{year:04d}-{3 * n:02d}"
    else:
        modified = _g(m, f"ym{s}") is not None or _gv(m, "mm", s) is not None
        norm = _iso(year, month, dnum)
    return _Side(year, month, dnum, has_year, month is not None, modified, norm)


def _after(m: re.Match[str]) -> str:
    return m.string[m.end() : m.end() + 2]


def _before(m: re.Match[str], n: int = 10) -> str:
    return m.string[max(0, m.start() - n) : m.start()]


def _bad_numeric_context(m: re.Match[str]) -> bool:
    """2023.10.1.2, 2023/10/10/123 and version strings are not dates."""
    nxt = _after(m)
    if nxt[:1].isdigit() or (len(nxt) == 2 and nxt[0] in "-/.:－／．：" and nxt[1].isdigit()):
        return True
    before = _before(m).rstrip(" \u3000:：").lower()
    return before.endswith(("版本", "版本号", "版本號", "version", "ver", "v"))


# --------------------------------------------------------------------------- handlers
# Each returns (accepted, norm).

_Result = tuple[bool, str | None]
_REJECT: _Result = (False, None)


def _h_single(m: re.Match[str], ref: datetime.date | None) -> _Result:
    side = _side(m, "1", ref)
    if side is None:
        return _REJECT
    if _g(m, "ny1") is not None and _bad_numeric_context(m):
        return _REJECT
    plain_year = _g(m, "y41") is not None and side.month is None and not side.modified
    if plain_year and side.year is not None:
        after = _after(m)
        if after == "之久" or (after[:1] in ("来", "來") and side.year % 100 == 0):
            return _REJECT  # 2000年来, 1900年之久: durations (1992年来 is "since 1992")
    return True, side.norm


def _combine(lhs: _Side, rhs: _Side) -> _Result:
    """Build an interval; the right side inherits missing year/month from the left."""
    if lhs.modified or rhs.modified:
        return _REJECT
    precision_l = 2 if lhs.day is not None else 1 if lhs.month is not None else 0
    precision_r = 2 if rhs.day is not None else 1 if rhs.month is not None else 0
    if precision_l != precision_r:
        return _REJECT
    if (lhs.month is None and lhs.day is not None) or (rhs.has_year and not lhs.has_year):
        return _REJECT
    year_r = rhs.year if rhs.has_year else lhs.year
    month_r = rhs.month if rhs.has_month else lhs.month
    if lhs.year is None or year_r is None:
        return True, None
    start = _iso(lhs.year, lhs.month, lhs.day)
    end = _iso(year_r, month_r, rhs.day)
    if start is None or end is None:
        return True, None
    if end <= start:
        return _REJECT
    return True, f"{start}/{end}"


def _h_range(m: re.Match[str], ref: datetime.date | None) -> _Result:
    lhs, rhs = _side(m, "1", ref), _side(m, "2", ref)
    if lhs is None or rhs is None:
        return _REJECT
    if (_g(m, "ny1") is not None or _g(m, "ny2") is not None) and _bad_numeric_context(m):
        return _REJECT
    return _combine(lhs, rhs)


def _h_year_range(m: re.Match[str], ref: datetime.date | None) -> _Result:
    a, b = int(m["a"]), int(m["b"])
    if not 1900 <= a < b <= 2100:
        return _REJECT
    if m["ya"] is None and m["yb"] is None and _bad_numeric_context(m):
        return _REJECT
    return True, f"{a:04d}/{b:04d}"


def _prefix_year(m: re.Match[str], ref: datetime.date | None) -> tuple[bool, int | None]:
    has_year, year = _year_from(m, "a", ref)
    if not has_year:
        year = None if ref is None else ref.year
    elif _g(m, "y4a") is not None and year is not None and not 1000 <= year <= 2999:
        raise ValueError
    return has_year, year


def _h_month_range(m: re.Match[str], ref: datetime.date | None) -> _Result:
    try:
        _, year = _prefix_year(m, ref)
    except ValueError:
        return _REJECT
    m1, m2 = _num(m["m1"]), _num(m["m2"])
    if not 1 <= m1 < m2 <= 12:
        return _REJECT
    return True, None if year is None else f"{year:04d}-{m1:02d}/{year:04d}-{m2:02d}"


def _h_day_range(m: re.Match[str], ref: datetime.date | None) -> _Result:
    try:
        _, year = _prefix_year(m, ref)
    except ValueError:
        return _REJECT
    month, d1, d2 = _num(m["ma"]), _num(m["d1"]), _num(m["d2"])
    if not (1 <= month <= 12 and 1 <= d1 < d2 <= 31):
        return _REJECT
    if year is None:
        return True, None
    start, end = _iso(year, month, d1), _iso(year, month, d2)
    return True, None if start is None or end is None else f"{start}/{end}"


def _h_rel_day(m: re.Match[str], ref: datetime.date | None) -> _Result:
    if _WIDGET_LABEL.match(m.string, m.end()):
        return _REJECT  # `今天是:` of a page's date widget, whose date a script filled in
    if ref is None:
        return True, None
    return True, (ref + datetime.timedelta(days=_REL_DAY[m[0]])).isoformat()


def _h_week(m: re.Match[str], ref: datetime.date | None) -> _Result:
    if ref is None:
        return True, None
    offset = {"本": 0, "这": 0, "這": 0, "上": -1, "下": 1}[m["w"][0]]
    day = ref + datetime.timedelta(weeks=offset)
    iso = day.isocalendar()
    if m["wd"] is not None:
        weekday = datetime.date.fromisocalendar(iso.year, iso.week, _WEEKDAY[m["wd"]])
        return True, weekday.isoformat()
    return True, f"{iso.year:04d}-W{iso.week:02d}"


def _h_bare_year_mod(m: re.Match[str], ref: datetime.date | None) -> _Result:
    return True, None if ref is None else f"{ref.year:04d}"


def _h_bare_half(m: re.Match[str], ref: datetime.date | None) -> _Result:
    if ref is None:
        return True, None
    first = 1 if m["h"][0] == "上" else 7
    return True, f"{ref.year:04d}-{first:02d}/{ref.year:04d}-{first + 5:02d}"


def _h_bare_quarter(m: re.Match[str], ref: datetime.date | None) -> _Result:
    if ref is None:
        return True, None
    n = _num(m["q"])
    return True, f"{ref.year:04d}-{3 * n - 2:02d}/{ref.year:04d}-{3 * n:02d}"


def _h_bare_day(m: re.Match[str], ref: datetime.date | None) -> _Result:
    day = int(m["d"])
    if not 1 <= day <= 31:
        return _REJECT
    if ref is None:
        return True, None
    return True, _iso(ref.year, ref.month, day)  # "5日" in a dated text: that month


# --------------------------------------------------------------------------- public API


@cache
def _scanners() -> tuple[tuple[Scanner, _Handler], ...]:
    return tuple((Scanner(regex), handler) for regex, handler in _patterns())


def _candidates(text: str, ref: datetime.date | None) -> Iterator[tuple[int, int, str | None]]:
    for scanner, handler in _scanners():
        pos = 0
        while (m := scanner.search(text, pos)) is not None:
            ok, norm = handler(m, ref)
            if ok:
                yield m.start(), m.end(), norm
                pos = m.end()
            else:
                pos = m.start() + 1


def find_dates(text: str, ref: datetime.date | None = None) -> list[DateMatch]:
    """All DATE expressions in ``text``, sorted by start, non-overlapping.

    Where candidates overlap, the longest wins (``2021年1月至3月`` over ``2021年1月``).
    Dates inside URLs are ignored. ``ref`` resolves relative and partial expressions;
    without it they keep their span with ``norm=None``.
    """
    cands = sorted(_candidates(text, ref), key=lambda c: (c[0] - c[1], c[0]))
    if not cands:
        return []
    taken = bytearray(len(text))
    for url in _url_re().finditer(text):
        taken[url.start() : url.end()] = b"\x01" * (url.end() - url.start())
    out: list[DateMatch] = []
    for start, end, norm in cands:
        if any(taken[start:end]):
            continue
        taken[start:end] = b"\x01" * (end - start)
        out.append(DateMatch(start, end, text[start:end], norm))
    out.sort(key=lambda d: d.start)
    return adopt_bracketed_dates(text, out)


def adopt_bracketed_dates(text: str, dates: list[DateMatch]) -> list[DateMatch]:
    """A relative word followed by a date in brackets takes that date's value: in
    ``今天(1月26日)`` the writer says which day "today" was, whatever the reference date."""
    out = list(dates)
    for i in range(len(out) - 1):
        rel, inner = out[i], out[i + 1]
        close = _BRACKET_PAIRS.get(text[rel.end : rel.end + 1])
        if (
            rel.text in _RELATIVE_WORDS
            and close is not None
            and inner.start == rel.end + 1
            and text[inner.end : inner.end + 1] == close
        ):
            out[i] = DateMatch(rel.start, rel.end, rel.text, inner.norm)
    return out


_MONTH_DAY = re.compile(
    r"([0-9０-９]{1,2}|[一二三四五六七八九十]{1,3})月([0-9０-９]{1,2}|[一二三四五六七八九十]{1,3})[日号號]"
)


def resolve_month_days(dates: list[DateMatch], text: str | None = None) -> list[DateMatch]:
    """Give an unresolved month-day (``1月18日``) the year of the closest earlier dated expression.

    Used when a document has no reference date: ``2021年1月18日 …… 1月18日`` resolves the
    second to 2021-01-18. Relative expressions (``今天``, ``去年``) stay unresolved, except one
    followed by a bracketed date (``今天(1月26日)``) when ``text``, the text searched, is given.
    """
    year: int | None = None
    out = []
    for d in dates:
        if d.norm is None and year is not None and (m := _MONTH_DAY.fullmatch(d.text)):
            norm = _iso(year, _num(m[1]), _num(m[2]))
            d = DateMatch(d.start, d.end, d.text, norm) if norm else d
        elif d.norm and d.norm[:4].isdigit():
            year = int(d.norm[:4])
        out.append(d)
    return out if text is None else adopt_bracketed_dates(text, out)
