"""Conventions of docs/guidelines.md that a rule enforces after the model:

* party membership is no mention of the party (``中共党员``: rule 8);
* a star rating is no company (``三星级酒店``: rule 15);
* a nominal mention is no entity (``代表团``, ``该公司``: rule 10).
"""

from __future__ import annotations

import re

from seedner.rules.consistency import GENERIC_HEADS
from seedner.text.spans import Mention

# Parties and their abbreviations, as written before a word of membership
PARTIES = frozenset(
    (
        "中共",
        "中国共产党",
        "共产党",
        "共青团",
        "民革",
        "民盟",
        "民建",
        "民进",
        "农工党",
        "致公党",
        "九三学社",
        "台盟",
        "国民党",
    )
)
MEMBERSHIP = re.compile("预备党员|党员|团员|盟员|社员|会员")
_STARS = re.compile("[一二三四五六七1-7１-７]星")


def is_membership(text: str, m: Mention) -> bool:
    """``中共党员``, ``中共预备党员``, ``民盟盟员``: a party's name before a word of
    membership."""
    return (
        m.type == "ORG" and text[m.start : m.end] in PARTIES and bool(MEMBERSHIP.match(text, m.end))
    )


def is_star_rating(text: str, m: Mention) -> bool:
    """``三星级``, ``五星级``: a rating, not the company Samsung."""
    return bool(_STARS.fullmatch(text, m.start, m.end)) and text[m.end : m.end + 1] == "级"


# Bodies named by what they are, not by a name: a mention that is only one of these, or one of
# them after a demonstrative (``该公司``, ``本市``), names nothing an analyst can link.
NOMINAL_HEADS = GENERIC_HEADS | frozenset(
    ("代表团", "代表队", "工作组", "专家组", "调查组", "球队", "市", "省", "县", "区")
)
_DEMONSTRATIVE = re.compile("(?:该|本|此|这个|这家|那家|这所|那所)")


def is_nominal(text: str, m: Mention) -> bool:
    """``代表团``, ``政府`` (as an ORG), ``该公司``, ``本市``: a body named by what it is."""
    span = text[m.start : m.end]
    demonstrative = _DEMONSTRATIVE.match(span)
    head = span[demonstrative.end() :] if demonstrative else span
    if head not in NOMINAL_HEADS:
        return False
    return m.type == "ORG" or (m.type == "LOC" and demonstrative is not None)


def apply_guideline(text: str, mentions: list[Mention]) -> list[Mention]:
    """The mentions without party memberships, star ratings and nominal mentions."""
    return [
        m
        for m in mentions
        if not is_membership(text, m) and not is_star_rating(text, m) and not is_nominal(text, m)
    ]
