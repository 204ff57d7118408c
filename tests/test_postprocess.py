"""The rules that run after the model, on the seed documents where the problems occur.

Each rule is tested on the mentions the embedded model produced on the seeds (their exact
offsets in the original text), so the tests do not depend on what a retrained model finds;
the last tests run the real model and check that no output breaks a rule.
"""

from __future__ import annotations

import datetime
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from seedner import Document, DocumentResult
from seedner.dates import find_dates, find_reference_date
from seedner.rules.boilerplate import drop_boilerplate, web_address_spans
from seedner.rules.consistency import propagate_names, unify_types
from seedner.rules.gazetteer import is_division
from seedner.rules.postprocess import postprocess, split_repeated_names
from seedner.text.normalize import Normalized, normalize
from seedner.text.spans import Mention, is_symbol, tidy_span

from .helpers import dataset, seed_text


def _seed(prefix: str) -> Normalized:
    return normalize(seed_text(prefix)[1])


def _index(n: Normalized, start: int) -> int:
    """The character of the normalized text that comes from ``original[start]``."""
    return next(i for i in range(len(n.text)) if n.to_original(i, i + 1)[0] == start)


def _mention(n: Normalized, start: int, end: int, kind: str) -> Mention:
    """The mention of the normalized text that maps to ``[start, end)`` of the original."""
    first = _index(n, start)
    last = next(i for i in range(first, len(n.text)) if n.to_original(first, i + 1)[1] == end)
    return Mention(first, last + 1, kind, kind)


def _spans(n: Normalized, mentions: list[Mention]) -> list[tuple[int, int, str, str]]:
    """(start, end, type, text) in the original text, sorted."""
    out = []
    for m in mentions:
        start, end = n.span_to_original(m.start, m.end)
        out.append((start, end, m.type, n.original[start:end]))
    return sorted(out)


# ---------------------------------------------------------------------------- symbols
@pytest.mark.parametrize(
    ("text", "span", "expected"),
    [
        ("国务院总理李鹏🏳️今天在北京会见了秘书长。", "李鹏🏳️", "李鹏"),  # flag + U+FE0F
        ("记者👨‍👩‍👧张三报道", "👨‍👩‍👧张三", "张三"),  # a ZWJ sequence
        ("北京❤️上海", "北京❤️上海", "北京"),  # a symbol inside: the longest piece, the first
        ("访问微软®中国研究院", "微软®中国研究院", "中国研究院"),
    ],
)
def test_symbols_are_never_inside_a_span(text: str, span: str, expected: str) -> None:
    start = text.index(span)
    tidy = tidy_span(text, start, start + len(span))
    assert tidy is not None
    assert text[tidy[0] : tidy[1]] == expected


def test_a_span_of_symbols_alone_is_no_entity() -> None:
    assert tidy_span("你好\ufe0f", 2, 3) is None
    assert tidy_span("👍👍", 0, 2) is None
    assert tidy_span("a\u200db", 1, 2) is None


def test_box_drawing_in_mojibake_of_seed_004() -> None:
    n = _seed("004")
    m = _mention(n, 2116, 2124, "PER")  # 呷辉诰┐韽堒S飛: `┐` is no letter
    tidy = tidy_span(n.text, m.start, m.end)
    assert tidy is not None and tidy[1] - tidy[0] < m.end - m.start
    assert not any(is_symbol(ch) for ch in n.text[tidy[0] : tidy[1]])


def test_names_are_not_symbols() -> None:
    assert not any(is_symbol(ch) for ch in "李鹏·阿卜杜拉(中国)“科创中国”G60-AT&T 30%")


# ------------------------------------------------------------------- pinyin annotations
@pytest.mark.parametrize(
    ("pattern", "start", "end"),
    [
        ("周濟(jì)", 555, 561),
        ("中國科協(xié)", 357, 366),
        ("重慶高新區(qū)", 3037, 3046),
        ("懷進(jìn)鵬", 448, 456),  # inside: as before
    ],
)
def test_an_annotation_after_the_last_character_belongs_to_the_span(
    pattern: str, start: int, end: int
) -> None:
    n = _seed("004")
    i = _index(n, start)
    length = len(re.sub(r"\(.*?\)", "", pattern))  # 周濟(jì) → 周濟
    assert n.span_to_original(i, i + length) == (start, end)
    assert n.original[start:end] == pattern
    assert n.to_original(i, i + 1) == (start, start + 1)  # a character alone: itself only


def test_a_mangled_annotation_is_not_taken() -> None:
    n = _seed("004")
    i = n.text.index("获奖")  # 獲獎?wù): the `?` stands for a lost character
    assert n.original[slice(*n.span_to_original(i, i + 2))] == "獲獎"


# ------------------------------------------------------------------------- boilerplate
def test_page_labels_and_addresses_are_dropped_in_seed_003() -> None:
    n = _seed("003")
    mentions = [
        _mention(n, 33, 35, "PER"),  # 来源
        _mention(n, 40, 61, "ORG"),  # 北京中科医院好不好 https://jbk
        _mention(n, 141, 143, "PER"),  # 张全
        _mention(n, 2588, 2591, "PER"),  # 请注明
        _mention(n, 2659, 2661, "ORG"),  # 网站 (首页)
    ]
    assert _spans(n, drop_boilerplate(n.text, mentions)) == [(141, 143, "PER", "张全")]


def test_a_label_head_is_cut_off_in_seed_004() -> None:
    n = _seed("004")
    kept = drop_boilerplate(n.text, [_mention(n, 4158, 4171, "ORG")])  # 來源:學(xué)會秘書處
    assert _spans(n, kept) == [(4161, 4171, "ORG", "學(xué)會秘書處")]


def test_a_breadcrumb_is_dropped_in_seed_002() -> None:
    n = _seed("002")
    assert n.original[11:23] == "新聞 > 市科技工作黨委"
    assert drop_boilerplate(n.text, [_mention(n, 11, 23, "ORG")]) == []


def test_email_addresses_are_no_entities() -> None:
    text = "联系人:张伟,邮箱:zhangwei@sjtu.edu.cn,网址www.sjtu.edu.cn"
    spans = [text[s:e] for s, e in web_address_spans(text)]
    assert spans == ["zhangwei@sjtu.edu.cn", "www.sjtu.edu.cn"]
    mentions = [
        Mention(text.index(name), text.index(name) + len(name), kind, kind)
        for name, kind in (("张伟", "PER"), ("zhangwei", "PER"), ("sjtu.edu", "ORG"))
    ]
    assert [text[m.start : m.end] for m in drop_boilerplate(text, mentions)] == ["张伟"]


def test_dates_and_numbers_are_not_web_addresses() -> None:
    assert web_address_spans("2023.5.6 发布,版本v2.1,占比3.5%") == []


# ------------------------------------------------------------------------ consistency
def test_one_type_per_name_a_title_settles_it_in_seed_004() -> None:
    n = _seed("004")
    mentions = [
        _mention(n, 417, 419, "PER"),  # 主席萬鋼
        _mention(n, 1221, 1223, "ORG"),  # 萬鋼 at a line start, twice
        _mention(n, 1663, 1665, "ORG"),
    ]
    assert [t for _, _, t, _ in _spans(n, unify_types(n.text, mentions))] == ["PER"] * 3


def test_one_type_per_name_by_majority_in_seed_001() -> None:
    n = _seed("001")
    mentions = [
        _mention(n, 708, 710, "ORG"),  # 海军
        _mention(n, 851, 853, "LOC"),
        _mention(n, 871, 873, "ORG"),
        _mention(n, 2496, 2497, "LOC"),  # 荷: another name, left alone
    ]
    types = [t for _, _, t, _ in _spans(n, unify_types(n.text, mentions))]
    assert types == ["ORG", "ORG", "ORG", "LOC"]


def test_a_tie_goes_to_the_earliest_mention() -> None:
    n = _seed("001")
    mentions = [_mention(n, 176, 179, "LOC"), _mention(n, 461, 464, "ORG")]  # 华庆城
    assert [m.type for m in unify_types(n.text, mentions)] == ["LOC", "LOC"]


def test_a_name_found_once_is_found_at_its_other_mentions_in_seed_001() -> None:
    n = _seed("001")
    mentions = [
        _mention(n, 3380, 3383, "PER"),  # 常\n静
        _mention(n, 3700, 3703, "PER"),  # 吴雪尘
        _mention(n, 4434, 4436, "PER"),  # 吴雪, the model's cut of 吴雪尘
        _mention(n, 590, 592, "PER"),  # 近平, the model's cut of 习近平
        _mention(n, 893, 896, "PER"),  # 习近平
    ]
    found = _spans(n, propagate_names(n.text, mentions))
    assert (4434, 4437, "PER", "吴雪尘") in found
    assert (4434, 4436, "PER", "吴雪") not in found
    assert (589, 592, "PER", "习近平") in found
    assert (590, 592, "PER", "近平") not in found
    assert (4534, 4537, "PER", "常 静") in found  # padded: the model text has 常静
    names = {(s, text) for s, _, _, text in found}
    assert (3418, "常静") in names and (3650, "常静") in names
    assert {re.sub(r"\s", "", text) for *_, text in found} == {"常静", "吴雪尘", "习近平"}


def test_propagation_keeps_out_of_longer_and_crossing_mentions_in_seed_004() -> None:
    n = _seed("004")
    inside = _mention(n, 22, 45, "ORG")  # 中國科學(xué)技術(shù)協(xié)會
    mentions = [_mention(n, 71, 73, "LOC"), inside]  # 中國
    found = _spans(n, propagate_names(n.text, mentions))
    assert (22, 45, "ORG", n.original[22:45]) in found
    assert not any(s == 22 and e < 45 for s, e, _, _ in found)  # no 中國 inside the ORG
    assert (141, 143, "LOC", "中國") in found  # elsewhere it is found

    crossing = Mention(inside.start + 1, inside.end, "ORG", "ORG")  # 國科學…: crosses 中國
    found = _spans(n, propagate_names(n.text, [_mention(n, 71, 73, "LOC"), crossing]))
    assert not any(s == 22 for s, *_ in found)


def test_single_characters_and_generic_heads_are_not_looked_for() -> None:
    n2 = _seed("002")
    zhong = _mention(n2, 1984, 1985, "LOC")  # 中
    assert propagate_names(n2.text, [zhong]) == [zhong]
    n1 = _seed("001")
    centre = _mention(n1, 730, 732, "ORG")  # 中心, cut from 学术活动中心
    assert propagate_names(n1.text, [centre]) == [centre]


def test_propagation_keeps_out_of_latin_words_and_addresses() -> None:
    text = "G60科创走廊、G600项目与www.g60.cn/G60"
    found = propagate_names(text, [Mention(0, 3, "LOC", "LOC")])
    assert [(m.start, m.end) for m in found] == [(0, 3)]


def test_a_name_written_twice_in_a_row_is_two_mentions() -> None:
    text = "电影《南京南京》上映，粉丝喊着宋茜宋茜。"
    mentions = [Mention(3, 7, "LOC", "LOC"), Mention(15, 19, "PER", "PER")]
    found = split_repeated_names(text, mentions)
    # the title in 《》 stays whole; the repeated name is two mentions
    assert [(text[m.start : m.end], m.start, m.type) for m in found] == [
        ("南京南京", 3, "LOC"),
        ("宋茜", 15, "PER"),
        ("宋茜", 17, "PER"),
    ]
    # one character twice (张张) and names that differ are left alone
    assert split_repeated_names("张张", [Mention(0, 2, "PER", "PER")]) == [
        Mention(0, 2, "PER", "PER")
    ]


def test_a_repeated_name_in_a_weibo_dev_post(extractor) -> None:  # type: ignore[no-untyped-def]
    blocks = dataset("weibo/dev.tsv").read_text(encoding="utf-8").split("\n\n")
    texts = ["".join(line[:1] for line in block.splitlines()) for block in blocks]
    (text,) = [t for t in texts if "徐妍徐妍" in t]
    at = text.index("徐妍徐妍")
    (result,) = extractor.run([Document("weibo-dev", text)])
    people = [(e.text, e.start, e.end) for e in result.entities if e.type == "PER"]
    assert ("徐妍", at, at + 2) in people and ("徐妍", at + 2, at + 4) in people
    assert all(name != "徐妍徐妍" for name, _, _ in people)


def test_all_rules_on_seed_003() -> None:
    n = _seed("003")
    mentions = [
        _mention(n, 33, 35, "PER"),  # 来源
        _mention(n, 1364, 1366, "PER"),  # 金山 (区)
        _mention(n, 1460, 1462, "PER"),  # 崇明 (区)
        _mention(n, 1636, 1638, "PER"),  # 徐汇 (区)
        _mention(n, 2290, 2293, "LOC"),  # 杨浦区
        _mention(n, 2300, 2302, "PER"),  # 杨浦
        _mention(n, 141, 143, "PER"),  # 张全
    ]
    found = _spans(n, postprocess(n.text, mentions))
    assert (33, 35, "PER", "来源") not in found
    for start, name in ((1364, "金山区"), (1460, "崇明区"), (1636, "徐汇区")):
        assert (start, start + 3, "LOC", name) in found  # 金山|区: grown to the full name
    assert (2300, 2302, "LOC", "杨浦") in found  # 杨浦区 is written elsewhere
    assert (141, 143, "PER", "张全") in found and (235, 237, "PER", "张全") in found


# ------------------------------------------------------------------------------ dates
def test_a_bracketed_date_after_a_relative_one_wins_in_seed_003() -> None:
    text = seed_text("003")[1]
    ref = find_reference_date(text)
    assert ref == datetime.date(2023, 10, 10)
    found = {(d.start, d.text): d.norm for d in find_dates(text, ref)}
    assert text[106:115] == "今天(1月26日)"
    assert found[(106, "今天")] == found[(109, "1月26日")] == "2023-01-26"


def test_a_date_widget_label_is_no_date_in_seed_003() -> None:
    text = seed_text("003")[1]
    assert text[2764:2768] == "今天是:"
    assert all(d.start != 2764 for d in find_dates(text, datetime.date(2023, 10, 10)))
    assert [d.text for d in find_dates("今天是星期二,天气晴。")] == ["今天"]


# -------------------------------------------------------- the real model, rules applied
@pytest.fixture(scope="module")
def seeds(
    seed_results_by_prefix: dict[str, tuple[str, DocumentResult]],
) -> dict[str, tuple[str, DocumentResult]]:
    """``seedner.extract`` on the seeds 001-004 (conftest): {prefix: (text, result)}."""
    return {p: seed_results_by_prefix[p] for p in ("001", "002", "003", "004")}


_PINYIN_AFTER = re.compile("[(（][a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ][a-zü]*[)）]")


def test_no_output_on_the_seeds_breaks_a_rule(seeds: dict) -> None:
    for prefix, (text, result) in seeds.items():
        types_of: dict[str, set[str]] = {}
        for e in result.entities:
            assert text[e.start : e.end] == e.text
            assert not any(is_symbol(ch) for ch in e.text), e
            assert ">" not in e.text and "http" not in e.text and "@" not in e.text, e
            assert e.norm not in {"来源", "请注明", "网站"}, e
            assert not _PINYIN_AFTER.match(text, e.end), (prefix, e)  # annotation left out
            if e.type == "PER":
                assert not is_division(e.norm or ""), e
            if e.type != "DATE":
                types_of.setdefault(e.norm or "", set()).add(e.type)
        assert all(len(t) == 1 for t in types_of.values()), (prefix, types_of)


def test_the_model_with_rules_on_seed_003_dates(seeds: dict) -> None:
    _, result = seeds["003"]
    dates = {e.start: e.norm for e in result.entities if e.type == "DATE"}
    assert dates[106] == "2023-01-26"  # 今天(1月26日)
    assert 2764 not in dates  # 今天是:


# ------------------------------------------------------------------------------ invariants
_NAMES = ["李鹏", "吴雪尘", "吴雪", "上海", "徐汇", "区", "中心", "来源", "G60"]
_PIECES = st.sampled_from([*_NAMES, ":", ">", "🏳️", "(jì)", "，", " "])


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(_PIECES, st.sampled_from([None, "PER", "ORG", "LOC"])), min_size=1, max_size=25
    )
)
def test_rules_keep_mentions_in_the_text_with_one_type_per_name(
    pieces: list[tuple[str, str | None]],
) -> None:
    """Random texts of names and noise, some pieces tagged (the same name with different
    types, inside others, next to symbols, labels and breadcrumb marks)."""
    text, mentions = "", []
    for piece, kind in pieces:
        if kind:
            mentions.append(Mention(len(text), len(text) + len(piece), kind, kind))
        text += piece
    out = postprocess(text, mentions)
    types: dict[str, set[str]] = {}
    for m in out:
        assert 0 <= m.start < m.end <= len(text)
        assert m.type in {"PER", "ORG", "LOC"}
        types.setdefault(re.sub(r"\s", "", text[m.start : m.end]), set()).add(m.type)
    assert all(len(t) == 1 for t in types.values()), types
