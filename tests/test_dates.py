"""DATE recognition and normalization (seedner.dates)."""

from __future__ import annotations

import datetime
import itertools

import pytest

from seedner.dates import DateMatch, find_dates, find_reference_date
from seedner.dates.rules import _patterns

from .helpers import seed

REF = datetime.date(2023, 5, 6)

# (sentence, ref, [(span text, norm), ...]); the span text must occur once in the sentence.
CASES: list[tuple[str, datetime.date | None, list[tuple[str, str | None]]]] = [
    # --- absolute, digits
    ("会议于2023年9月15日下午召开", None, [("2023年9月15日", "2023-09-15")]),
    ("會議於2023年9月15日下午召開", None, [("2023年9月15日", "2023-09-15")]),
    ("2023年9月起实施新规", None, [("2023年9月", "2023-09")]),
    ("2023年是关键之年", None, [("2023年", "2023")]),
    ("2021年1月18日,中国科协召开会议", None, [("2021年1月18日", "2021-01-18")]),
    ("从1965年拆解美国U2侦察机开始", None, [("1965年", "1965")]),
    ("确保到 2020 年形成基本框架", None, [("2020 年", "2020")]),
    ("将于2023 年 9 月 15 日开幕", None, [("2023 年 9 月 15 日", "2023-09-15")]),
    ("截至2023年05月06日", None, [("2023年05月06日", "2023-05-06")]),
    ("华为在2000年左右就谋划备胎", None, [("2000年", "2000")]),
    ("1992年来主要来源于外资", None, [("1992年", "1992")]),
    ("1998年1月出版", None, [("1998年1月", "1998-01")]),
    ("活动定于5月4号举行", REF, [("5月4号", "2023-05-04")]),
    ("1月起实行，5月份见效", REF, [("1月", "2023-01"), ("5月份", "2023-05")]),
    # --- Chinese numerals and full-width digits
    ("二〇二三年九月十五日印发", None, [("二〇二三年九月十五日", "2023-09-15")]),
    ("二零二三年九月十五日印發", None, [("二零二三年九月十五日", "2023-09-15")]),
    ("一九九八年一月一日起施行", None, [("一九九八年一月一日", "1998-01-01")]),
    ("十二月三十一日截止", REF, [("十二月三十一日", "2023-12-31")]),
    ("一月二十日报名", REF, [("一月二十日", "2023-01-20")]),
    ("十一月开通", REF, [("十一月", "2023-11")]),
    ("２０２３年发布", None, [("２０２３年", "2023")]),
    ("２０２３年９月１５日發布", None, [("２０２３年９月１５日", "2023-09-15")]),
    ("１９９７年１月至１１月", None, [("１９９７年１月至１１月", "1997-01/1997-11")]),
    # --- numeric forms
    ("发布时间:2023-05-06", None, [("2023-05-06", "2023-05-06")]),
    ("2023/10/10 来源:不详", None, [("2023/10/10", "2023-10-10")]),
    ("更新于2023.5.6", None, [("2023.5.6", "2023-05-06")]),
    ("２０２３－０５－０６更新", None, [("２０２３－０５－０６", "2023-05-06")]),
    ("数据截至2023-05", None, [("2023-05", "2023-05")]),
    ("2023-02-30 是无效日期", None, []),
    # --- two-digit years
    ("23年3月上线", None, [("23年3月", "2023-03")]),
    ("23年3月上线", REF, [("23年3月", "2023-03")]),
    ("98年5月入伍", REF, [("98年5月", "1998-05")]),
    # --- partial dates with and without a reference date
    ("5月4日下午,市科技团工委开展活动", REF, [("5月4日", "2023-05-04")]),
    ("5月4日下午,市科技团工委开展活动", None, [("5月4日", None)]),
    ("9月11日下午，第7期中青班举行论坛", datetime.date(2023, 9, 15), [("9月11日", "2023-09-11")]),
    (
        "今天(1月26日),上海市科委召开会议",
        datetime.date(2023, 10, 10),
        [("今天", "2023-01-26"), ("1月26日", "2023-01-26")],  # the bracketed date wins
    ),
    ("5日，代表团抵达", REF, [("5日", "2023-05-05")]),
    ("5日，代表团抵达", None, [("5日", None)]),
    # --- relative
    ("今天上午召开大会", REF, [("今天", "2023-05-06")]),
    ("昨天晚上8时发生地震", REF, [("昨天", "2023-05-05")]),
    ("前天刚到", REF, [("前天", "2023-05-04")]),
    ("明天将有降雨", REF, [("明天", "2023-05-07")]),
    ("今年是第五年", REF, [("今年", "2023")]),
    ("去年全年注册量", REF, [("去年", "2022")]),
    ("前年就已开工", REF, [("前年", "2021")]),
    ("明年竣工", REF, [("明年", "2024")]),
    ("今年6月初,市委书记来调研", REF, [("今年6月初", "2023-06")]),
    ("今年7月,市科技工作党委组织学习", REF, [("今年7月", "2023-07")]),
    ("生物醫藥產業今年上半年持續增長", REF, [("今年上半年", "2023-01/2023-06")]),
    ("2023年上半年增长5%", None, [("2023年上半年", "2023-01/2023-06")]),
    ("2022年下半年回落", None, [("2022年下半年", "2022-07/2022-12")]),
    ("2023年第一季度", None, [("2023年第一季度", "2023-01/2023-03")]),
    ("今年第二季度", REF, [("今年第二季度", "2023-04/2023-06")]),
    # --- a half or a quarter alone: of the reference year
    ("上半年经济增长", REF, [("上半年", "2023-01/2023-06")]),
    ("下半年将发布", REF, [("下半年", "2023-07/2023-12")]),
    ("上半年经济增长", None, [("上半年", None)]),
    ("第一季度营收", REF, [("第一季度", "2023-01/2023-03")]),
    ("四季度增长", REF, [("四季度", "2023-10/2023-12")]),
    ("第一季度营收", None, [("第一季度", None)]),
    ("年初定下目标", REF, [("年初", "2023")]),
    ("年底前完成", REF, [("年底", "2023")]),
    ("2023年底建成", None, [("2023年底", "2023")]),
    ("截至去年底", REF, [("去年底", "2022")]),
    ("去年12月29日签约", REF, [("去年12月29日", "2022-12-29")]),
    ("本月召开", REF, [("本月", "2023-05")]),
    ("上个月召开", REF, [("上个月", "2023-04")]),
    ("上個月召開", REF, [("上個月", "2023-04")]),
    ("上月20日发布", REF, [("上月20日", "2023-04-20")]),
    ("下個月開工", REF, [("下個月", "2023-06")]),
    ("6月中旬启动", REF, [("6月中旬", "2023-06")]),
    ("3月下旬", REF, [("3月下旬", "2023-03")]),
    ("本周召开", REF, [("本周", "2023-W18")]),
    ("本週召開", REF, [("本週", "2023-W18")]),
    ("上周五收盘", REF, [("上周五", "2023-04-28")]),
    # --- relative without a reference date: span kept, norm None
    ("今天上午召开大会", None, [("今天", None)]),
    ("去年全年注册量", None, [("去年", None)]),
    ("今年6月初,市委書記", None, [("今年6月初", None)]),
    ("上個月召開", None, [("上個月", None)]),
    ("年底前完成", None, [("年底", None)]),
    ("本週召開", None, [("本週", None)]),
    # --- ranges
    ("三年行动计划(2021-2023年)", None, [("2021-2023年", "2021/2023")]),
    ("《上海市国土空间总体规划(2020-2035年)》", None, [("2020-2035年", "2020/2035")]),
    ("上海在編製2020-2035科技發展規劃", None, [("2020-2035", "2020/2035")]),
    ("到2020—2035年", None, [("2020—2035年", "2020/2035")]),
    ("版权所有2014-2024 冀ICP备19027023号-6", None, [("2014-2024", "2014/2024")]),
    ("2021年1月至3月完成", None, [("2021年1月至3月", "2021-01/2021-03")]),
    ("2021年1月-3月完成", None, [("2021年1月-3月", "2021-01/2021-03")]),
    ("2021年1-3月完成", None, [("2021年1-3月", "2021-01/2021-03")]),
    ("5月4日至6日举行", REF, [("5月4日至6日", "2023-05-04/2023-05-06")]),
    ("5月4日至6日举行", None, [("5月4日至6日", None)]),
    ("2022年5月4日至6日举行", REF, [("2022年5月4日至6日", "2022-05-04/2022-05-06")]),
    ("5月4-6日举行", REF, [("5月4-6日", "2023-05-04/2023-05-06")]),
    (
        "2023年5月4日至2023年6月1日展出",
        None,
        [("2023年5月4日至2023年6月1日", "2023-05-04/2023-06-01")],
    ),
    ("2023年5月4日～6月1日展出", None, [("2023年5月4日～6月1日", "2023-05-04/2023-06-01")]),
    ("2021年到2023年", None, [("2021年到2023年", "2021/2023")]),
    ("2023-05-04~2023-06-01", None, [("2023-05-04~2023-06-01", "2023-05-04/2023-06-01")]),
    ("今年1月至3月", REF, [("今年1月至3月", "2023-01/2023-03")]),
    # --- times of day are outside the span
    ("2023年9月15日上午10:30开幕", None, [("2023年9月15日", "2023-09-15")]),
    ("5月4日凌晨3时", REF, [("5月4日", "2023-05-04")]),
    # --- not dates
    ("第23年了", REF, []),
    ("近23年来", REF, []),
    ("他今年90歲", REF, [("今年", "2023")]),
    ("近两周以来", REF, []),
    ("两年来取得进展", REF, []),
    ("三年行动", REF, []),
    ("5年内完成", REF, []),
    ("一年来,中国科协积极推动", REF, []),
    ("制定「十四五」科技發展規劃", REF, []),
    ("十三五期间", REF, []),
    ("上海市科技系统第7期中青年干部培训班", REF, []),
    ("投资2500万元", REF, []),
    ("共2023人参加", REF, []),
    ("购入2023个零件", REF, []),
    ("2500年前的遗址", REF, []),
    ("2000年来的历史", REF, []),
    ("电话010-62345678", REF, []),
    ("客服0571-88881234", REF, []),
    ("见https://x.com/2023/10/10/a", REF, []),
    ("版本2023.5.6发布", REF, []),
    ("软件v2023.10.1更新", REF, []),
    ("利率3.5%", REF, []),
    ("上海市科委召开年区域科技创新工作座谈会", REF, []),
    ("前天津市长", REF, []),
    ("登上月球", REF, []),
    ("光明日报记者", REF, []),
    ("时至今日", REF, []),
    ("大年初一", REF, []),
    ("每年年底", REF, []),
    ("3日内完成", REF, []),
    ("兑换5日元", REF, []),
    ("90年代", REF, []),
    ("十月革命", REF, []),
    ("如今年轻人", REF, []),
    ("在日本年轻人中", REF, []),
    ("配上年画", REF, []),
    ("1998年度财政预算", None, [("1998年", "1998")]),
    ("2023上海科技青年说", REF, []),
    ("5月初步完成", REF, [("5月", "2023-05")]),
    ("2023年中国经济", None, [("2023年", "2023")]),
    ("4月31日", REF, [("4月31日", None)]),
    ("13月", REF, []),
]


def _ids() -> list[str]:
    return [f"{i:03d}-{'ref' if r else 'noref'}" for i, (_, r, _) in enumerate(CASES)]


@pytest.mark.parametrize(("sentence", "ref", "expected"), CASES, ids=_ids())
def test_find_dates(
    sentence: str, ref: datetime.date | None, expected: list[tuple[str, str | None]]
) -> None:
    found = find_dates(sentence, ref)
    for m in found:
        assert sentence[m.start : m.end] == m.text
    assert [(m.text, m.norm) for m in found] == expected
    for m, (text, _) in zip(found, expected, strict=True):
        assert sentence.count(text) == 1  # so that its offset is known
        assert m.start == sentence.index(text)


def test_every_date_pattern_gives_a_case() -> None:
    """Each pattern of the date rules matches, exactly, a date some case expects: none of
    the rules goes untested by the table."""
    untested = []
    for regex, handler in _patterns():
        if not any(
            (m := regex.match(sentence, start := sentence.index(text))) is not None
            and m.end() == start + len(text)
            for sentence, _, expected in CASES
            for text, _ in expected
        ):
            untested.append(handler.__name__)
    assert untested == []


def test_sorted_non_overlapping_and_offsets() -> None:
    text = "2021年1月18日召开会议，今天(1月26日)又开会，去年底完成2021-2023年计划。"
    found = find_dates(text, REF)
    assert [m.text for m in found] == [
        "2021年1月18日",
        "今天",
        "1月26日",
        "去年底",
        "2021-2023年",
    ]
    assert all(a.end <= b.start for a, b in itertools.pairwise(found))
    assert all(text[m.start : m.end] == m.text for m in found)
    assert found[0] == DateMatch(0, 10, "2021年1月18日", "2021-01-18")


def test_empty_and_no_dates() -> None:
    assert find_dates("") == []
    assert find_dates("没有日期的句子。", REF) == []


def test_match_is_frozen() -> None:
    m = find_dates("2023年")[0]
    with pytest.raises(AttributeError):
        m.norm = "x"  # type: ignore[misc]


# ------------------------------------------------------------------ reference dates


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("标题\n\n发布时间:2023-05-06\n\n正文", datetime.date(2023, 5, 6)),
        ("標題\n發布日期：2023年5月6日 10:20\n", datetime.date(2023, 5, 6)),
        ("标题\n（2023年9月15日）\n正文", datetime.date(2023, 9, 15)),
        ("标题\n2023/10/10 来源:不详\n", datetime.date(2023, 10, 10)),
        ("标题\n2021年1月18日,中国科协召开会议。\n", None),
        ("标题\n正文里有5月4日\n", None),
        ("", None),
    ],
)
def test_find_reference_date(text: str, expected: datetime.date | None) -> None:
    assert find_reference_date(text) == expected


@pytest.mark.parametrize(
    ("prefix", "expected"),
    [
        ("000", datetime.date(2023, 5, 6)),
        ("001", datetime.date(2023, 9, 15)),
        ("002", None),
        ("003", datetime.date(2023, 10, 10)),
        ("004", None),
    ],
)
def test_seed_reference_dates(prefix: str, expected: datetime.date | None) -> None:
    assert find_reference_date(seed(prefix)) == expected


SEED_DATES = {
    "000": [("2023-05-06", 48, "2023-05-06"), ("5月4日", 63, "2023-05-04")],
    "001": [
        ("2023年9月15日", 55, "2023-09-15"),
        ("9月11日", 370, "2023-09-11"),
        ("1965年", 2476, "1965"),
    ],
    "003": [
        ("2023/10/10", 22, "2023-10-10"),
        ("今天", 106, "2023-01-26"),  # 今天(1月26日)
        ("1月26日", 109, "2023-01-26"),
        ("2014-2024", 2733, "2014/2024"),  # the footer's `今天是:` widget is no date
    ],
}


@pytest.mark.parametrize("prefix", sorted(SEED_DATES))
def test_seed_dates(prefix: str) -> None:
    text = seed(prefix)
    found = find_dates(text, find_reference_date(text))
    assert all(text[m.start : m.end] == m.text for m in found)
    assert [(m.text, m.start, m.norm) for m in found] == SEED_DATES[prefix]


def test_seed_blanked_years_are_not_dates() -> None:
    """003 had its year digits removed ('召开年区域', '年各区'): a lone 年 is no date."""
    text = seed("003")
    assert "召开年区域" in text
    assert all(m.text != "年" and not m.text.startswith("年") for m in find_dates(text))


def test_seed_traditional_and_without_ref() -> None:
    text = seed("002")  # traditional script, no publication date in the document
    found = {m.text: m.norm for m in find_dates(text)}
    assert found["今年6月初"] is None
    assert found["今年上半年"] is None
    assert found["2020-2035"] == "2020/2035"
    assert found["2020 年"] == "2020"
    with_ref = {m.text: m.norm for m in find_dates(text, datetime.date(2019, 8, 1))}
    assert with_ref["今年6月初"] == "2019-06"
    assert with_ref["今年上半年"] == "2019-01/2019-06"
    text4 = seed("004")
    found4 = [(m.text, m.norm) for m in find_dates(text4)]
    assert ("2021年1月18日", "2021-01-18") in found4
    assert ("2021-2023年", "2021/2023") in found4
    assert ("1月18日", None) in found4
