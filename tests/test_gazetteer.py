"""The administrative-division gazetteer: its data, and PER spans that are places."""

from __future__ import annotations

from importlib import resources

import pytest

from seedner.rules.gazetteer import divisions, is_division, retype_divisions
from seedner.text.normalize import normalize
from seedner.text.spans import Mention

from .helpers import seed_text


def test_the_data_and_its_licence_ship_with_the_package() -> None:
    data = resources.files("seedner") / "data"
    assert "MIT" in (data / "cpca-LICENSE.txt").read_text(encoding="utf-8")
    levels = [d.level for d in divisions()]
    assert levels.count("province") == 34
    assert 330 <= levels.count("prefecture") <= 345
    assert 2800 <= levels.count("county") <= 2900
    assert all(len(d.code) == 6 and d.code.isdigit() for d in divisions())


@pytest.mark.parametrize(
    ("name", "short"),
    [
        ("上海市", "上海"),
        ("徐汇区", "徐汇"),
        ("浦东新区", "浦东"),
        ("内蒙古自治区", "内蒙古"),
        ("香港特别行政区", "香港"),
        ("黔东南苗族侗族自治州", "黔东南"),
        ("长阳土家族自治县", "长阳"),
        ("巴音郭楞蒙古自治州", "巴音郭楞"),
        ("神农架林区", "神农架"),
        ("赵县", ""),  # one character left: no short form
    ],
)
def test_full_names_and_short_forms(name: str, short: str) -> None:
    (division,) = [d for d in divisions() if d.name == name]
    assert division.short == short
    assert is_division(name)
    assert short == "" or is_division(short)


def test_statistical_groupings_and_people_are_not_divisions() -> None:
    for name in ("市辖区", "县", "省直辖县级行政区划", "李鹏", "张全", "赵", ""):
        assert not is_division(name)


def _mention(text: str, name: str, kind: str, after: int = 0) -> Mention:
    start = text.index(name, after)
    return Mention(start, start + len(name), kind, kind)


def test_districts_tagged_per_in_seed_003_are_places() -> None:
    n = normalize(seed_text("003")[1])
    text = n.text
    mentions = [
        _mention(text, "金山", "PER"),  # written 金山区: the span grows to the full name
        _mention(text, "崇明", "PER"),
        _mention(text, "闵行", "PER"),
        _mention(text, "徐汇", "PER"),
        _mention(text, "杨浦", "PER", text.index("杨浦区") + 3),  # 杨浦国家创新型城区
        _mention(text, "张全", "PER"),
    ]
    found = [
        (*n.span_to_original(m.start, m.end), m.type) for m in retype_divisions(text, mentions)
    ]
    assert found == [
        (1364, 1367, "LOC"),
        (1460, 1463, "LOC"),
        (1540, 1543, "LOC"),
        (1636, 1639, "LOC"),
        (2300, 2302, "LOC"),
        (141, 143, "PER"),
    ]


@pytest.mark.parametrize(
    ("text", "name", "kind"),
    [
        ("反越位成功,6号周宁在中路轻松破网。", "周宁", "PER"),  # a county's short form, a person
        ("周宁县的茶叶远销海外,周宁人都很自豪。", "周宁", "LOC"),  # ... in a text on the county
        ("上海在编制科技发展规划", "上海", "LOC"),  # a province's short form: always a place
        ("徐汇区发布了新规划", "徐汇区", "LOC"),  # a full name: always a place
        ("省长李鹏视察工作", "李鹏", "PER"),
    ],
)
def test_short_forms_need_their_full_name_in_the_text(text: str, name: str, kind: str) -> None:
    start = text.rindex(name)
    (m,) = retype_divisions(text, [Mention(start, start + len(name), "PER", "PER")])
    assert (m.start, m.end, m.type, m.label) == (start, start + len(name), kind, "PER")


def test_a_grown_span_does_not_run_into_the_next_mention() -> None:
    text = "金山区政府"
    mentions = [Mention(0, 2, "PER", "PER"), Mention(2, 5, "ORG", "ORG")]  # 金山 | 区政府
    assert [(m.start, m.end, m.type) for m in retype_divisions(text, mentions)] == [
        (0, 2, "LOC"),
        (2, 5, "ORG"),
    ]
