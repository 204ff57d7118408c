"""The embedded model with its rules on the seeds: errors an analyst saw at once in the
MSRA-only model, each at its exact offsets in the original text."""

from __future__ import annotations

import pytest

from seedner import DocumentResult

PREFIXES = ("000", "001", "002", "003", "004")


@pytest.fixture(scope="module")
def results(
    seed_results_by_prefix: dict[str, tuple[str, DocumentResult]],
) -> dict[str, tuple[str, DocumentResult]]:
    """``seedner.extract`` on the seeds (conftest): {prefix: (text, result)}."""
    assert tuple(seed_results_by_prefix) == PREFIXES
    return seed_results_by_prefix


def _at(result: DocumentResult, start: int, end: int) -> list[tuple[str, str]]:
    return [(e.type, e.text) for e in result.entities if e.start == start and e.end == end]


def _overlapping(result: DocumentResult, start: int, end: int) -> list[tuple[int, int, str]]:
    return [(e.start, e.end, e.type) for e in result.entities if e.start < end and start < e.end]


def test_xi_jinping_is_whole_after_a_comma(results: dict) -> None:
    text, result = results["001"]
    for start in (527, 589, 625, 893, 1298):
        assert text[start : start + 3] == "习近平"
        assert _at(result, start, start + 3) == [("PER", "习近平")]


def test_yu_haijun_is_a_person_not_the_navy(results: dict) -> None:
    text, result = results["001"]
    for start in (707, 850, 870, 1098, 1205, 4078):
        assert text[start : start + 3] == "于海军"
        assert _overlapping(result, start, start + 3) == [(start, start + 3, "PER")]


def test_shanghai_districts_are_places(results: dict) -> None:
    text, result = results["003"]
    for start, name in ((1364, "金山区"), (1383, "金山"), (1460, "崇明区"), (1636, "徐汇区"),
                        (2290, "杨浦区"), (2300, "杨浦")):  # fmt: skip
        assert text[start : start + len(name)] == name
        assert _at(result, start, start + len(name)) == [("LOC", name)]
    assert not [e for e in result.entities if e.type == "PER" and e.norm in {"金山", "杨浦"}]


def test_page_labels_are_no_entities(results: dict) -> None:
    text, result = results["003"]
    assert text[33:35] == "来源" and text[2588:2591] == "请注明"
    assert _overlapping(result, 33, 35) == []
    assert _overlapping(result, 2588, 2591) == []


def test_wan_gang_is_one_person_at_every_mention(results: dict) -> None:
    text, result = results["004"]
    for start in (417, 1221, 1663):
        assert text[start : start + 2] == "萬鋼"
        assert _at(result, start, start + 2) == [("PER", "萬鋼")]


def test_wu_xuechen_is_never_cut_to_wu_xue(results: dict) -> None:
    text, result = results["001"]
    for start in (3700, 4434):
        assert text[start : start + 3] == "吴雪尘"
        assert _at(result, start, start + 3) == [("PER", "吴雪尘")]
    assert not [e for e in result.entities if e.norm == "吴雪"]


def test_latin_terms_are_no_people(results: dict) -> None:
    text, result = results["001"]
    for start in (1058, 1139, 1167, 1185):
        assert text[start : start + 4] == "mRNA"
        assert _overlapping(result, start, start + 4) == []


def test_a_latin_name_stays_a_person() -> None:
    from seedner.postprocess import drop_latin_non_names
    from seedner.spans import Mention

    text = "特斯拉首席执行官Elon Musk说，mRNA疫苗由DNA编码。"
    mentions = [Mention(8, 17, "PER", "PER"), Mention(19, 23, "PER", "PER"),
                Mention(26, 29, "PER", "PER"), Mention(0, 3, "ORG", "ORG")]  # fmt: skip
    kept = drop_latin_non_names(text, mentions)
    assert [text[m.start : m.end] for m in kept] == ["Elon Musk", "特斯拉"]
