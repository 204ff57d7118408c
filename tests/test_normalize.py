"""normalize / fold_text: the model's text and the offset map back to the original."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from seedner.text.normalize import Normalized, fold_text, normalize

from .helpers import seed


def span_of(n: Normalized, needle: str) -> tuple[int, int]:
    start = n.text.index(needle)
    return n.to_original(start, start + len(needle))


# ------------------------------------------------------------------------------ padded names
def test_padded_name() -> None:
    n = normalize("主任科员 李  鹏\n")
    assert n.text == "主任科员李鹏\n"
    start, end = span_of(n, "李鹏")
    assert n.original[start:end] == "李  鹏"


def test_padded_name_with_nbsp() -> None:
    n = normalize("主任科员\xa0李\xa0 鹏")
    assert n.text == "主任科员李鹏"
    assert n.original[slice(*span_of(n, "李鹏"))] == "李\xa0 鹏"
    assert n.to_original(0, 4) == (0, 4)  # the deleted NBSP after the span is not included


def test_seed_000_names() -> None:
    n = normalize(seed("000"))
    for name, raw in (("李鹏", "李\xa0 鹏"), ("华达", "华\xa0 达"), ("费明钰", "费明钰")):
        start, end = span_of(n, name)
        assert n.original[start:end] == raw


def test_whitespace_next_to_latin_is_kept() -> None:
    assert normalize("减负 1.0 到 web2.0 版").text == "减负 1.0 到 web2.0 版"
    assert normalize("北京 \t上海").text == "北京上海"
    assert normalize("上海\u3000\u3000科技").text == "上海科技"
    assert normalize("李\u200b鹏").text == "李鹏"


# ------------------------------------------------------------------------------- line breaks
def test_name_broken_across_lines_in_seed_001() -> None:
    n = normalize(seed("001"))
    start, end = span_of(n, "主任常静,")  # the full-width comma is folded
    assert n.original[start:end] == "主任常\n静，"
    start, end = span_of(n, "常静")
    assert n.original[start:end] == "常\n静"
    assert "上海科学学研究所创新政策研究室主任常静,为大家带来题为“关于支持青年科技人才" in n.text


def test_headings_are_not_glued_in_seed_001() -> None:
    text = normalize(seed("001")).text
    assert (
        "上海市科技系统第7期中青年干部培训班\n\n科技自立自强赋能高质量发展\n\n学员论坛专题简报"
        in text
    )
    assert "关于支持青年科技人才发展的若干思考\n\n——立足当前、放眼未来\n\n本次论坛" in text
    assert "增强了\n\n\n\n为科技事业" in text  # blank lines always separate


def test_headline_list_in_seed_002_is_not_glued() -> None:
    text = normalize(seed("002")).text
    assert "一泓清水浸润了张家90年岁月\n美国18名富豪" in text


@pytest.mark.parametrize("prefix", ["000", "002", "003", "004"])
def test_seeds_without_wrapped_paragraphs_keep_their_lines(prefix: str) -> None:
    original = seed(prefix)
    assert normalize(original).text.count("\n") == original.count("\n")


def test_wrapped_paragraph_with_crlf() -> None:
    lines = [
        "本次论坛邀请到了上海科学",
        "学研究所创新政策研究室主任常",
        "静，为大家带来题为“关于支持",
        "青年科技人才发展的若干思考”",
        "的专题报告。",
    ]
    original = "标题\r\n\r\n" + "\r\n".join(lines) + "\r\n"
    n = normalize(original)
    assert n.text == fold_text("标题\n\n" + "".join(lines) + "\n")
    assert n.original[slice(*span_of(n, "常静"))] == "常\r\n静"


def test_title_pairs_and_headings_stay_apart() -> None:
    for text in (
        "上海市科技系统第7期中青年干部培训班\n科技自立自强赋能高质量发展",
        "学员论坛专题简报\n第五期",
        "标题一标题一标题一标题一\n标题二标题二标题二标题二\n",
        "\n标题一标题一标题一标题一\n标题二标题二标题二标题二",
        "创新引领作用显著增强\n浦东新区将科技创新作为打造社会主义现代化建设引领区的首要任务。",
        "一是推进高能级创新平台加速落地，立足服务国家战略和全市发展格局：\n二是加快培育企业",
        "第一段到此为止，这一行足够长足够长足够长。\n　　第二段缩进开头，这一行也很长很长很长。",
    ):
        assert normalize(text).text == fold_text(text)


# ------------------------------------------------------------------------ pinyin annotations
def test_pinyin_annotations_in_seed_004() -> None:
    n = normalize(seed("004"))
    assert "(x" not in n.text and "ù)" not in n.text
    start, end = span_of(n, "中国科学技术协会")
    assert n.original[start:end] == "中國科學(xué)技術(shù)協(xié)會"
    assert n.original[end - 1] == "會"
    assert "19个省(区、市)" in n.text
    assert "《“科创中国”三年行动计划(2021-2023年)》" in n.text
    assert "?" not in n.text  # the mangled `獲獎?wù)` annotations are gone too


@pytest.mark.parametrize(
    ("original", "expected"),
    [
        ("學(xué)", "学"),
        ("學（xué）習", "学习"),
        ("中(zhōng)國(guó)人", "中国人"),
        ("綠(lǜ)色", "绿色"),
        ("女(nǚ)士", "女士"),
        ("創(chuàng)新", "创新"),
        ("獲獎?wù)代表", "获奖代表"),
        ("新?lián)?dāng)新", "新新"),
    ],
)
def test_annotation_forms(original: str, expected: str) -> None:
    assert normalize(original).text == expected


@pytest.mark.parametrize(
    "original",
    [
        "会议(2023年9月15日)召开",
        "出國(境)審批",
        "中国科协(CAST)主办",
        "手机(app)和(ai)",
        "方案(a)与(b)",
        "长度(m)",
        "abc(xué)",  # not after a CJK character
        "这是(xué ok)",
        "什么?wu)",  # a mangled annotation needs a tone mark
    ],
)
def test_real_parentheses_are_kept(original: str) -> None:
    assert normalize(original).text == fold_text(original)


def test_toneless_annotations_only_in_annotated_documents() -> None:
    assert normalize("我的(de)书").text == "我的(de)书"
    assert normalize("中(zhōng)國(guó)的(de)书").text == "中国的书"


# ------------------------------------------------------------------------ line ends, folding
def test_crlf_and_cr() -> None:
    n = normalize("第一行。\r\n第二行。\r第三行\r\n")
    assert n.text == "第一行。\n第二行。\n第三行\n"
    start, end = span_of(n, "第二行。\n第三行")
    assert n.original[start:end] == "第二行。\r第三行"
    assert n.to_original(4, 5) == (5, 6)  # the "\n" of "\r\n"


def test_fold_text_is_length_preserving() -> None:
    msra_like = "中國人民銀行行長周小川在北京說，（ＡＢＣ１２３）　臺灣與香港！"
    folded = fold_text(msra_like)
    assert folded == "中国人民银行行长周小川在北京说,(ABC123) 台湾与香港!"
    assert len(folded) == len(msra_like)
    assert fold_text("後來乾隆皇帝") == "后来干隆皇帝"  # character level, first candidate


def test_fold_covers_traditional_seed() -> None:
    text = fold_text(seed("002"))
    assert "市科技工作党委聚焦科技创新工作的突出矛盾和问题" in text
    assert "市委书记李强" in text


def test_no_deletion_means_identity_map() -> None:
    n = normalize("上海市科学技术委员会")
    assert n.text == "上海市科学技术委员会"
    assert n.to_original(2, 5) == (2, 5)


def test_to_original_edges() -> None:
    n = normalize(" 李  鹏 ")
    assert n.text == " 李鹏 "
    assert n.to_original(1, 3) == (1, 5)
    assert n.to_original(0, 4) == (0, 6)
    assert n.to_original(2, 2) == (4, 4)
    assert n.to_original(4, 4) == (6, 6)
    with pytest.raises(ValueError):
        n.to_original(3, 5)
    empty = normalize("")
    assert empty.text == "" and empty.to_original(0, 0) == (0, 0)


def test_a_megabyte_is_normalized_as_its_parts_are() -> None:
    """(Timings: benchmarks/rule_speed.py.)"""
    text = "".join(seed(p) for p in ("000", "001", "002", "003", "004"))
    copies = 1_000_000 // len(text) + 1
    one, n = normalize(text), normalize(text * copies)
    assert len(one.text) < len(text)
    assert n.text == one.text * copies
    size, folded = len(text), len(one.text)  # each copy maps back onto its original
    assert [n.to_original(k * folded, (k + 1) * folded) for k in range(copies)] == [
        (k * size, (k + 1) * size) for k in range(copies)
    ]


def test_long_runs_of_whitespace() -> None:
    big = "李" + " " * 200_000 + "a" + "\xa0" * 200_000 + "鹏"
    n = normalize(big)
    assert n.text == "李" + " " * 200_000 + "a" + " " * 200_000 + "鹏"
    assert n.to_original(0, len(n.text)) == (0, len(big))


# ---------------------------------------------------------------------------- property tests
DELETABLE = re.compile(
    r"[ \t\u00a0\u3000\r\n\u200b\u200c\u200d\u2060\ufeff]"
    r"|[(（?？\ufffd)）a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüêńňǹḿɑ\u0300\u0301\u0304\u030c\u0308]"
)
IDEOGRAPHS = "中國國学學习習李鹏鵬张張常静協会會技术術上海北京的了一二"
NOISE = [
    " ",
    "  ",
    "\xa0",
    "\xa0 ",
    "\u3000",
    "\t",
    "\n",
    "\r\n",
    "\r",
    "\n\n",
    "\u200b",
    "(xué)",
    "（zhōng）",
    "(de)",
    "?wù)",
    "(CAST)",
    "(2023年)",
    "(境)",
    "。",
    "，",
    "”",
    "！",
    "ＡＢＣ",
    "１２",
    "abc",
    "42",
]
pieces = st.one_of(
    st.text(max_size=4),
    st.sampled_from(IDEOGRAPHS),
    st.text(alphabet=IDEOGRAPHS, min_size=1, max_size=12),
    st.sampled_from(NOISE),
)
noisy_text = st.lists(pieces, max_size=30).map("".join)


def check_invariants(original: str) -> Normalized:
    n = normalize(original)
    text = n.text
    assert len(text) <= len(original)
    assert "\r" not in text
    images = []
    for i in range(len(text)):
        os_, oe = n.to_original(i, i + 1)
        assert 0 <= os_ < oe == os_ + 1 <= len(original)
        assert fold_text(original[os_:oe]) == text[i]
        images.append(os_)
    assert images == sorted(set(images))  # strictly increasing: monotone, one-to-one
    kept = set(images)
    for j, ch in enumerate(original):  # only noise is ever deleted
        if j not in kept:
            assert DELETABLE.match(ch), (original, j, ch)
    for s in range(len(text)):
        for e in range(s + 1, len(text) + 1):
            os_, oe = n.to_original(s, e)
            assert 0 <= os_ < oe <= len(original)
            assert (os_, oe) == (images[s], images[e - 1] + 1)
    return n


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(noisy_text)
def test_properties_on_noisy_text(original: str) -> None:
    check_invariants(original)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_properties_on_arbitrary_unicode(original: str) -> None:
    check_invariants(original)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(IDEOGRAPHS),
            st.sampled_from(["", " ", "  ", "\xa0", "\xa0 ", "\u3000", "\t", "(xué)", "（lǜ）"]),
        ),
        min_size=1,
        max_size=30,
    )
)
def test_noise_between_ideographs_disappears(parts: list[tuple[str, str]]) -> None:
    """Ideographs with padding and annotations in between: the model sees just the ideographs,
    and each maps back to its own position."""
    parts[-1] = (parts[-1][0], "")  # spaces after the last ideograph are not between two
    original = "".join(c + noise for c, noise in parts)
    n = normalize(original)
    assert n.text == fold_text("".join(c for c, _ in parts))
    pos = 0
    for i, (c, noise) in enumerate(parts):
        assert n.to_original(i, i + 1) == (pos, pos + 1)
        pos += len(c) + len(noise)
    assert n.to_original(0, len(n.text)) == (0, len(original))


@settings(max_examples=200, deadline=None)
@given(
    st.text(alphabet=IDEOGRAPHS + "，、“”", min_size=1, max_size=300),
    st.integers(min_value=10, max_value=40),
    st.sampled_from(["\n", "\r\n"]),
)
def test_hard_wrapped_paragraph_is_unwrapped(body: str, width: int, eol: str) -> None:
    """A paragraph of Chinese text wrapped at a fixed number of characters comes back whole."""
    paragraph = body + "。"
    lines = [paragraph[i : i + width] for i in range(0, len(paragraph), width)]
    original = "标题\n\n" + eol.join(lines) + eol + eol + "下一段。"
    n = check_invariants(original)
    assert n.text == fold_text("标题\n\n" + paragraph + "\n\n下一段。")
