"""Conventions of docs/guidelines.md that a rule enforces after the model:

* party membership is no mention of the party (``中共党员``: rule 8);
* a star rating is no company (``三星级酒店``: rule 15);
* a nominal mention is no entity (``代表团``, ``该公司``: rule 10);
* a title is never inside a name (``张总`` is the person ``张``: rule 9);
* a fragment of a sentence is no name (``张没法比``: rule 15);
* a technical term is no organization (``AI``, ``5G``: rule 12).
"""

from __future__ import annotations

import re
from dataclasses import replace

from seedner.rules.consistency import GENERIC_HEADS
from seedner.text.spans import Mention
from seedner.text.surnames import surnames

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


# One-character titles written after a family name (``张总`` the general manager, ``王董`` the
# chairman): the person is the family name. (局, 处, 科 are left out: 周处 and 王科 are names.)
SHORT_TITLES = frozenset("总董")
# Characters of grammar that no name in the training corpora holds after its first character
# (让, 那, 要, 是, 都, 也, 了, 的 and 竟 all do, in 多吉才让, 叶赫那拉, 周重要 …): a PER with one
# is a piece of a sentence the model read as a name (``张没法比``, ``胡说``).
GRAMMAR = frozenset("没吗呢吧啊么这把被说")


# Technical terms and product kinds written in Latin letters that are no body (rule 12)
TERMS = frozenset(
    (
        "AI",
        "IT",
        "VR",
        "AR",
        "XR",
        "3D",
        "4G",
        "5G",
        "6G",
        "GPS",
        "APP",
        "APPS",
        "IOT",
        "IPO",
        "CEO",
        "CTO",
        "CFO",
        "GDP",
        "CPI",
        "PPT",
        "PDF",
        "DNA",
        "RNA",
    )
)


def is_fragment(text: str, m: Mention) -> bool:
    """A PER that holds a character of grammar after its first."""
    return m.type == "PER" and any(ch in GRAMMAR for ch in text[m.start + 1 : m.end])


def is_term(text: str, m: Mention) -> bool:
    """``AI``, ``5G``: a technical term, not an organization or place."""
    return m.type in ("ORG", "LOC") and text[m.start : m.end].upper() in TERMS


def without_short_title(text: str, m: Mention) -> Mention:
    """``张总`` → ``张``: a family name and a one-character title is the person alone."""
    titled = m.end - m.start == 2 and text[m.start + 1] in SHORT_TITLES
    if m.type == "PER" and titled and text[m.start] in surnames():
        return replace(m, end=m.start + 1, score=None)
    return m


def apply_guideline(text: str, mentions: list[Mention]) -> list[Mention]:
    """The mentions without party memberships, star ratings, nominal mentions and fragments,
    and without a title inside a name."""
    return [
        without_short_title(text, m)
        for m in mentions
        if not (
            is_membership(text, m)
            or is_star_rating(text, m)
            or is_nominal(text, m)
            or is_fragment(text, m)
            or is_term(text, m)
        )
    ]
