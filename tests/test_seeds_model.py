"""The embedded model with its rules on the seeds: what holds for any good model.

What a model happens to find changes with each training run; those mentions (the errors an
analyst saw at once in the MSRA-only model, at their exact offsets) are followed by the
regression report ``benchmarks/seeds_regression.py``. These tests check the output contract
and what the rules after the model guarantee, whatever it finds.
"""

from __future__ import annotations

import re
from collections import defaultdict

import pytest

from seedner import DocumentResult
from seedner.rules.boilerplate import BREADCRUMB_MARKS, LABELS, web_address_spans
from seedner.rules.consistency import GENERIC_HEADS, MIN_NAME_LENGTH, NAME_TYPES
from seedner.rules.gazetteer import divisions
from seedner.text.chars import IDEOGRAPH_RE
from seedner.text.normalize import Normalized, normalize
from seedner.types import ENTITY_TYPES, Entity

PREFIXES = ("000", "001", "002", "003", "004")
# names of the seeds the rules must find at every mention once the model finds one
KEY_NAMES = {"001": ("习近平", "于海军", "吴雪尘"), "004": ("萬鋼",)}
_LABEL_HEAD = re.compile("(?:" + "|".join(map(re.escape, LABELS)) + r")\s*[:：]")
_ISO_DATE = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?|-W\d{2})?")


@pytest.fixture(scope="module")
def results(
    seed_results_by_prefix: dict[str, tuple[str, DocumentResult]],
) -> dict[str, tuple[str, DocumentResult]]:
    """``seedner.extract`` on the seeds (conftest): {prefix: (text, result)}."""
    assert tuple(seed_results_by_prefix) == PREFIXES
    return seed_results_by_prefix


def _names(result: DocumentResult) -> list[Entity]:
    return [e for e in result.entities if e.type in NAME_TYPES]


def _overlaps(result: DocumentResult, start: int, end: int) -> bool:
    return any(e.start < end and start < e.end for e in result.entities)


def _in_original(n: Normalized, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    return [n.to_original(s, e) for s, e in spans]


def test_entities_hold_the_output_contract(results: dict) -> None:
    for text, result in results.values():
        spans = [(e.start, e.end) for e in result.entities]
        assert spans == sorted(spans)
        for e in result.entities:
            assert 0 <= e.start < e.end <= len(text)
            assert text[e.start : e.end] == e.text
            assert e.type in ENTITY_TYPES
            if e.type == "DATE":
                assert e.norm is None or all(map(_ISO_DATE.fullmatch, e.norm.split("/"))), e
            else:
                assert e.norm, e
    assert sum(len(result.entities) for _, result in results.values()) > 0


def test_division_names_are_never_people(results: dict) -> None:
    """A full name (徐汇区), a province's short form (上海), or a short form whose full name the
    document writes (杨浦 beside 杨浦区) is a place, if the model reads it as a person."""
    always = {d.name for d in divisions()}
    always |= {d.short for d in divisions() if d.short and d.level == "province"}
    full_names: dict[str, list[str]] = defaultdict(list)
    for d in divisions():
        if d.short:
            full_names[d.short].append(d.name)
    for text, result in results.values():
        folded = normalize(text).text
        for e in result.entities:
            if e.type == "PER":
                assert e.norm not in always, e
                assert not any(name in folded for name in full_names.get(e.norm, [])), e
    text, result = results["003"]
    for name in ("金山区", "金山", "崇明区", "徐汇区", "杨浦区", "杨浦"):
        assert name in text
        assert not [e for e in result.entities if e.type == "PER" and e.norm == name]


def test_page_furniture_and_web_addresses_are_no_names(results: dict) -> None:
    for text, result in results.values():
        n = normalize(text)
        addresses = _in_original(n, web_address_spans(n.text))
        for e in _names(result):
            assert "".join(e.norm.split()) not in LABELS, e
            assert not _LABEL_HEAD.match(e.norm), e  # 来源:学会秘书处 keeps 学会秘书处 alone
            assert BREADCRUMB_MARKS.isdisjoint(e.norm), e
            assert not any(s < e.end and e.start < t for s, t in addresses), e
    text, result = results["003"]
    assert text[33:35] == "来源" and text[2588:2591] == "请注明"
    assert not [e for e in result.entities if (e.start, e.end) in {(33, 35), (2588, 2591)}]


def test_latin_words_are_people_only_when_they_look_like_names(results: dict) -> None:
    for _, result in results.values():
        for e in result.entities:
            if e.type == "PER" and not IDEOGRAPH_RE.search(e.norm):
                words = re.findall("[A-Za-z]+", e.norm)
                assert words and all(re.fullmatch("[A-Z][a-z]+", w) for w in words), e
    text, result = results["001"]
    for start in (1058, 1139, 1167, 1185):
        assert text[start : start + 4] == "mRNA"
    assert not [e for e in result.entities if e.type == "PER" and e.norm == "mRNA"]


def test_a_latin_name_stays_a_person() -> None:
    from seedner.rules.postprocess import drop_latin_non_names
    from seedner.text.spans import Mention

    text = "特斯拉首席执行官Elon Musk说，mRNA疫苗由DNA编码。"
    mentions = [Mention(8, 17, "PER", "PER"), Mention(19, 23, "PER", "PER"),
                Mention(26, 29, "PER", "PER"), Mention(0, 3, "ORG", "ORG")]  # fmt: skip
    kept = drop_latin_non_names(text, mentions)
    assert [text[m.start : m.end] for m in kept] == ["Elon Musk", "特斯拉"]


def test_one_type_per_name(results: dict) -> None:
    for _, result in results.values():
        types: dict[str, set[str]] = defaultdict(set)
        for e in _names(result):
            types[e.norm].add(e.type)
        assert {name: kinds for name, kinds in types.items() if len(kinds) > 1} == {}


def _inside_latin_word(text: str, start: int, end: int) -> bool:
    def alnum(i: int) -> bool:
        return 0 <= i < len(text) and text[i].isascii() and text[i].isalnum()

    return (alnum(start) and alnum(start - 1)) or (alnum(end - 1) and alnum(end))


def test_a_name_found_once_is_found_at_every_mention(results: dict) -> None:
    """Every occurrence of a name the document's entities hold (two characters or more, not a
    generic head such as 中心) is an entity or lies against one, unless it is part of a web
    address or of a longer Latin word."""
    for text, result in results.values():
        n = normalize(text)
        addresses = _in_original(n, web_address_spans(n.text))
        names = {
            e.norm
            for e in _names(result)
            if len(e.norm) >= MIN_NAME_LENGTH
            and e.norm not in GENERIC_HEADS
            and not re.search(r"\s", e.norm)  # found as written, spaces and all: not here
        }
        for name in names:
            for m in re.finditer(re.escape(name), n.text):
                if _inside_latin_word(n.text, m.start(), m.end()):
                    continue
                start, end = n.to_original(m.start(), m.end())
                if not any(s < end and start < t for s, t in addresses):
                    assert _overlaps(result, start, end), (name, start, text[start:end])


@pytest.mark.parametrize(("prefix", "name"), [(p, n) for p, ns in KEY_NAMES.items() for n in ns])
def test_key_names_found_once_are_found_at_every_mention(
    results: dict, prefix: str, name: str
) -> None:
    text, result = results[prefix]
    starts = [m.start() for m in re.finditer(name, text)]
    assert len(starts) >= 2
    if any(e.text == name for e in _names(result)):
        assert all(_overlaps(result, s, s + len(name)) for s in starts)
        assert len({e.type for e in _names(result) if e.text == name}) == 1
