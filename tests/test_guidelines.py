"""docs/guidelines.md, rule by rule: where a post-processing rule enforces a convention, on the
mentions a model gives (frozen here); where the model must learn it, on the shipped model."""

from __future__ import annotations

import pytest

from seedner.rules.guideline import apply_guideline
from seedner.rules.postprocess import postprocess
from seedner.text.spans import Mention


def _mention(text: str, surface: str, kind: str, after: int = 0) -> Mention:
    start = text.index(surface, after)
    return Mention(start, start + len(surface), kind, kind)


def _surfaces(text: str, mentions: list[Mention]) -> list[tuple[str, str]]:
    return [(text[m.start : m.end], m.type) for m in mentions]


@pytest.mark.parametrize(
    "text, party",
    [
        ("张伟，男，汉族，中共党员，1975年出生。", "中共"),
        ("李红，女，中共预备党员，本科学历。", "中共"),
        ("王平，民盟盟员，教授。", "民盟"),
    ],
)
def test_party_membership_is_no_mention(text: str, party: str) -> None:
    """Rule 8: ``中共党员`` states a status; the party's name before it is dropped, the person
    kept."""
    person = text[:2]
    mentions = [_mention(text, person, "PER"), _mention(text, party, "ORG")]
    assert _surfaces(text, apply_guideline(text, mentions)) == [(person, "PER")]


def test_the_party_itself_stays_an_organization() -> None:
    """Rule 8 drops only the membership: ``中共中央`` and a ``中共`` that acts stay, and the
    whole-document rules do not bring the membership back from them."""
    text = "中共中央召开会议。张伟，中共党员。中共在会上作出决定。"
    mentions = [
        _mention(text, "中共中央", "ORG"),
        _mention(text, "张伟", "PER"),
        _mention(text, "中共", "ORG", text.index("张伟")),
        _mention(text, "中共", "ORG", text.index("在会上") - 2),
    ]
    kept = postprocess(text, mentions)
    spans = {(m.start, text[m.start : m.end], m.type) for m in kept}
    member = text.index("中共党员")
    assert (0, "中共中央", "ORG") in spans
    assert (text.index("中共在"), "中共", "ORG") in spans
    assert all(start != member for start, _, _ in spans)


@pytest.mark.parametrize("rating", ["三星级", "五星级", "4星级"])
def test_star_ratings_are_no_companies(rating: str) -> None:
    """Rule 15: ``三星级酒店`` is a rating; ``三星`` the company stays where it is one."""
    text = f"这是一家{rating}酒店，房间里的电视是三星的。"
    stars = rating[:2]
    mentions = [_mention(text, stars, "ORG"), _mention(text, "三星", "ORG", text.index("电视"))]
    kept = _surfaces(text, apply_guideline(text, mentions))
    assert kept == [("三星", "ORG")]


def test_companies_are_organizations_wherever_they_stand() -> None:
    """Rules 11 and 13: a brand the model typed PER or LOC is an ORG; a well-known company the
    model missed is added (source ``rule``), never over another mention; a name that is also a
    common word is only retyped from PER."""
    from seedner.rules.companies import apply_companies

    text = "我的斯巴鲁开了三年，在当当网买的书，走在北京东路上，喝了小米粥，小米发布新机。"
    model = [
        _mention(text, "斯巴鲁", "PER"),
        _mention(text, "北京东路", "LOC"),
        _mention(text, "小米", "PER", text.index("发布") - 2),
    ]
    found = apply_companies(text, model)
    assert [(text[m.start : m.end], m.type, m.source) for m in found] == [
        ("斯巴鲁", "ORG", "model"),
        ("当当网", "ORG", "rule"),
        ("北京东路", "LOC", "model"),  # 京东 inside it is not looked at
        ("小米", "ORG", "model"),  # 小米粥 is porridge: not added
    ]
    window = apply_companies(text, [], (0, text.index("当当网") + 2))  # cuts 当当网
    assert [text[m.start : m.end] for m in window] == ["斯巴鲁"]
    # a verb read into the name: the company takes the person's place
    grown = "他老婆开奥迪。"
    fixed = apply_companies(grown, [_mention(grown, "开奥迪", "PER")])
    assert [(grown[m.start : m.end], m.type, m.source) for m in fixed] == [("奥迪", "ORG", "rule")]
    assert [text[m.start : m.end] for m in window] == ["斯巴鲁"]


def test_a_short_title_is_never_inside_a_name() -> None:
    """Rule 9: ``张总`` (general manager Zhang) is the person ``张``."""
    text = "从陈总到张总，再到总理。"
    mentions = [_mention(text, "陈总", "PER"), _mention(text, "张总", "PER")]
    assert _surfaces(text, apply_guideline(text, mentions)) == [("陈", "PER"), ("张", "PER")]


@pytest.mark.parametrize(
    "text, fragment", [("还是和张没法比。", "张没法比"), ("别听他胡说八道。", "胡说")]
)
def test_fragments_of_a_sentence_are_no_names(text: str, fragment: str) -> None:
    """Rule 15: a PER that holds a character of grammar (没, 说 …) is a piece of a sentence."""
    assert apply_guideline(text, [_mention(text, fragment, "PER")]) == []
    named = "张建国说"
    assert apply_guideline(named, [_mention(named, "张建国", "PER")]) != []


@pytest.mark.parametrize(
    "text, surface, kind",
    [
        ("代表团昨天抵达。", "代表团", "ORG"),
        ("该公司表示。", "该公司", "ORG"),
        ("本市居民。", "本市", "LOC"),
    ],
)
def test_nominal_mentions_are_no_entities(text: str, surface: str, kind: str) -> None:
    """Rule 10: a body named by what it is; ``北京市政府`` and ``政府`` inside a name stay."""
    kept = apply_guideline(text, [_mention(text, surface, kind)])
    assert kept == []
    named = "北京市政府发布通知。"
    assert apply_guideline(named, [_mention(named, "北京市政府", "ORG")]) != []


def test_technical_terms_are_no_organizations() -> None:
    """Rule 12: ``AI`` and ``5G`` are terms, no organizations; ``华为`` is one."""
    text = "融合华为云、AI、5G等技术。"
    mentions = [
        _mention(text, "华为", "ORG"),
        _mention(text, "AI", "ORG"),
        _mention(text, "5G", "ORG"),
    ]
    assert _surfaces(text, apply_guideline(text, mentions)) == [("华为", "ORG")]
