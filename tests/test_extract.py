"""The Python API on the seed documents: people, organizations, places and dates with
exact offsets into the original text, whatever its script or noise."""

from __future__ import annotations

import re

import pytest

import seedner
from seedner import DocumentResult, Entity


@pytest.fixture(scope="module")
def seeds(
    seed_results_by_prefix: dict[str, tuple[str, DocumentResult]],
) -> dict[str, tuple[str, DocumentResult]]:
    """``seedner.extract`` on the five seeds (conftest): {prefix: (text, result)}."""
    assert sorted(seed_results_by_prefix) == ["000", "001", "002", "003", "004"]
    return seed_results_by_prefix


def _at(result: DocumentResult, start: int) -> Entity:
    found = [e for e in result.entities if e.start == start]
    assert found, f"no entity starts at {start}"
    return found[0]


def _check(seeds: dict, prefix: str, pattern: str, kind: str, norm: str) -> Entity:
    """The first match of ``pattern`` in the seed is one entity of ``kind`` with ``norm``."""
    text, result = seeds[prefix]
    match = re.search(pattern, text)
    assert match, pattern
    entity = _at(result, match.start())
    assert (entity.type, entity.norm) == (kind, norm)
    assert (entity.start, entity.end) == match.span()
    assert entity.text == text[entity.start : entity.end] == match.group()
    return entity


def test_names_padded_with_spaces_are_one_entity(seeds: dict) -> None:
    entity = _check(seeds, "000", r"李\s+鹏", "PER", "李鹏")
    assert "\u00a0" in entity.text  # a no-break space inside the original span
    _check(seeds, "000", r"华\s+达", "PER", "华达")


def test_a_name_broken_by_a_line_break(seeds: dict) -> None:
    entity = _check(seeds, "001", "常\n静", "PER", "常静")
    assert entity.text == "常\n静"


def test_people_and_organizations_in_clean_text(seeds: dict) -> None:
    _check(seeds, "001", "张艳林", "PER", "张艳林")
    _check(seeds, "001", "李庆华", "PER", "李庆华")
    _check(seeds, "000", "戴炳荣", "PER", "戴炳荣")
    _check(seeds, "000", "上海长三角技术创新研究院", "ORG", "上海长三角技术创新研究院")


def test_traditional_script_is_normalized_to_simplified(seeds: dict) -> None:
    _check(seeds, "002", "李強", "PER", "李强")
    _check(seeds, "002", "劉岩", "PER", "刘岩")


def test_pinyin_annotations_are_inside_spans_and_out_of_norms(seeds: dict) -> None:
    entity = _check(
        seeds, "004", re.escape("中國科學(xué)技術(shù)協(xié)會"), "ORG", "中国科学技术协会"
    )
    assert entity.end - entity.start == len("中國科學(xué)技術(shù)協(xié)會")
    _check(seeds, "004", re.escape("懷進(jìn)鵬"), "PER", "怀进鹏")
    _check(seeds, "004", "萬鋼", "PER", "万钢")


def test_dates_resolved_against_each_documents_own_date(seeds: dict) -> None:
    text, result = seeds["000"]
    assert _at(result, text.index("2023-05-06")).norm == "2023-05-06"
    _check(seeds, "000", "5月4日", "DATE", "2023-05-04")  # 下午 after it is not in the span
    _check(seeds, "001", r"2023年9月15日", "DATE", "2023-09-15")
    _check(seeds, "001", "9月11日", "DATE", "2023-09-11")
    _check(seeds, "003", "1月26日", "DATE", "2023-01-26")
    # 004 has no date line; a month-day takes the year of the date stated before it
    text, result = seeds["004"]
    second = text.index("1月18日", text.index("2021年1月18日") + len("2021年1月18日"))
    assert _at(result, second).norm == "2021-01-18"


def test_every_entity_indexes_the_original_text(seeds: dict) -> None:
    for text, result in seeds.values():
        assert result.entities
        for e in result.entities:
            assert text[e.start : e.end] == e.text
            assert e.type in {"PER", "ORG", "LOC", "DATE"}


def test_single_text_and_types() -> None:
    result = seedner.extract("国务院总理李鹏今天在北京会见了联合国秘书长。", types="PER,LOC")
    assert isinstance(result, DocumentResult)
    assert [(e.text, e.type) for e in result.entities] == [("李鹏", "PER"), ("北京", "LOC")]
    first = result.to_dict()["entities"][0]
    score = first.pop("score")
    assert first == {
        "text": "李鹏",
        "norm": "李鹏",
        "type": "PER",
        "label": "PER",
        "start": 5,
        "end": 7,
        "source": "model",
    }
    assert isinstance(score, float) and 0.0 <= score <= 1.0
