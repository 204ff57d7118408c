"""split_sentences / iter_sentences: spans, coverage, max_len, pieces that keep the work linear."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from seedner.text.normalize import normalize
from seedner.text.sentences import iter_sentences, split_sentences

from .helpers import seed

PREFIXES = ["000", "001", "002", "003", "004"]


def check_spans(text: str, spans: list[tuple[int, int]], max_len: int) -> None:
    covered: set[int] = set()
    last_end = 0
    for start, end in spans:
        assert last_end <= start < end <= len(text)  # ordered, disjoint, non-empty
        assert end - start <= max_len
        assert not text[start].isspace() and not text[end - 1].isspace()  # stripped
        covered.update(range(start, end))
        last_end = end
    non_space = {i for i, ch in enumerate(text) if not ch.isspace()}
    assert non_space <= covered  # every non-whitespace character is in a sentence


@pytest.mark.parametrize("prefix", PREFIXES)
@pytest.mark.parametrize("max_len", [200, 50, 7])
def test_seed_spans(prefix: str, max_len: int) -> None:
    text = normalize(seed(prefix)).text
    spans = split_sentences(text, max_len)
    check_spans(text, spans, max_len)
    assert list(iter_sentences(text, max_len)) == spans


def test_seed_001_sentences() -> None:
    text = normalize(seed("001")).text
    sentences = [text[s:e] for s, e in split_sentences(text)]
    assert "上海市科技系统第7期中青年干部培训班" in sentences  # a line is a sentence
    assert "(2023年9月15日)" in sentences
    assert "论坛活动得到了与会领导的高度评价,达到了预期效果,取得了圆满成功!" in sentences
    # the wrapped paragraph was glued by the normalizer, so the name is inside one sentence
    assert any("研究室主任常静," in s for s in sentences)


def test_seed_002_closing_brackets_stay() -> None:
    text = normalize(seed("002")).text
    sentences = [text[s:e] for s, e in split_sentences(text)]
    quoted = (
        "「努力做到有山一样的崇高信仰、海一样的为民情怀、铁一样的责任担当、火一样的奋斗激情。」"
    )
    assert quoted in sentences


def test_final_punctuation_and_closers() -> None:
    text = "他说：“你好！”我说……。”好的?)接着；最后\n\n  下一行  \n"
    assert [text[s:e] for s, e in split_sentences(text)] == [
        "他说：“你好！”",
        "我说……。”",
        "好的?)",
        "接着；",
        "最后",
        "下一行",
    ]


def test_crlf_and_blank_lines() -> None:
    text = "第一句\r\n\r\n第二句\r第三句\n"
    assert [text[s:e] for s, e in split_sentences(text)] == ["第一句", "第二句", "第三句"]


def test_empty_and_whitespace_only() -> None:
    assert split_sentences("") == []
    assert split_sentences(" \n\t\u3000 ") == []


def test_long_line_without_punctuation() -> None:
    text = "科" * 10_000
    assert split_sentences(text) == [(i, i + 200) for i in range(0, 10_000, 200)]


def test_long_sentence_is_cut_after_commas() -> None:
    clause = "上海市科学技术委员会召开了会议，"  # 16 characters
    text = clause * 30 + "结束。"
    spans = split_sentences(text, max_len=100)
    check_spans(text, spans, 100)
    for _s, e in spans[:-1]:
        assert text[e - 1] == "，"


def ascii_alnum(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def test_long_sentence_is_not_cut_inside_latin_or_digits() -> None:
    text = "中文" + "mRNA药物开发2023年度报告" * 40
    spans = split_sentences(text, max_len=30)
    check_spans(text, spans, 30)
    for _s, e in spans[:-1]:
        assert not (ascii_alnum(text[e - 1]) and ascii_alnum(text[e]))


def test_long_sentence_cut_at_spaces() -> None:
    text = " ".join(["word"] * 1000)
    spans = split_sentences(text, max_len=50)
    check_spans(text, spans, 50)
    assert all(text[s:e].split(" ") == ["word"] * len(text[s:e].split(" ")) for s, e in spans)


def test_unavoidable_cut_inside_a_token() -> None:
    text = "x" * 1000 + " 中文"
    spans = split_sentences(text, max_len=100)
    check_spans(text, spans, 100)
    assert spans[:2] == [(0, 100), (100, 200)]


def test_max_len_must_be_positive() -> None:
    with pytest.raises(ValueError):
        split_sentences("abc", 0)


def test_a_large_text_is_split_as_its_parts_are() -> None:
    unit = normalize("".join(seed(p) for p in PREFIXES)).text + "\n"
    one = split_sentences(unit)
    text = unit * 40  # ~0.8 M characters
    expected = [(s + k * len(unit), e + k * len(unit)) for k in range(40) for s, e in one]
    assert list(iter_sentences(text)) == expected
    assert len(expected) > 10_000


def test_pieces_of_a_long_sentence_are_at_least_half_the_limit() -> None:
    """Each cut lies in the second half of its window, so a sentence of n characters takes
    at most 2n / max_len cuts, each looking at max_len characters: linear work. (Timings:
    benchmarks/rule_speed.py.)"""
    big = ("甲乙丙丁" * 50_000) + ("a1" * 50_000)  # 300k characters without any break
    for max_len in (200, 7):
        spans = split_sentences(big, max_len)
        check_spans(big, spans, max_len)
        assert all(b[0] - a[0] >= max_len // 2 for a, b in itertools.pairwise(spans))


@settings(max_examples=200, deadline=None)
@given(
    st.text(
        alphabet=st.one_of(
            st.characters(),
            st.sampled_from("。！？!?；;…”’」）)，、,：: \n\r\t\u3000\xa0中文ab12"),
        ),
        max_size=300,
    ),
    st.integers(min_value=1, max_value=60),
)
def test_properties(text: str, max_len: int) -> None:
    spans = split_sentences(text, max_len)
    check_spans(text, spans, max_len)
