"""The rules that run after the model, on one document's mentions, in this order:
web boilerplate out (``boilerplate``), Latin words that are no names out, division names typed
PER made LOC (``gazetteer``), one type per name and every occurrence of a name found
(``consistency``)."""

from __future__ import annotations

import re

from seedner.boilerplate import drop_boilerplate
from seedner.chars import IDEOGRAPH_RE
from seedner.consistency import propagate_names, unify_types
from seedner.gazetteer import retype_divisions
from seedner.spans import Mention

_NAME_WORD = re.compile("[A-Z][a-z]+")


def drop_latin_non_names(text: str, mentions: list[Mention]) -> list[Mention]:
    """A person written in Latin letters alone must look like a name (``Elon Musk``): terms
    such as ``mRNA`` or ``DNA`` in Chinese text are no people."""
    kept = []
    for m in mentions:
        span = text[m.start : m.end]
        if m.type == "PER" and not IDEOGRAPH_RE.search(span):
            words = re.findall("[A-Za-z]+", span)
            if not words or not all(_NAME_WORD.fullmatch(w) for w in words):
                continue
        kept.append(m)
    return kept


def postprocess(text: str, mentions: list[Mention]) -> list[Mention]:
    """``mentions`` of ``text`` (the normalized text the model saw) after the rules."""
    mentions = drop_boilerplate(text, mentions)
    mentions = drop_latin_non_names(text, mentions)
    mentions = retype_divisions(text, mentions)
    mentions = unify_types(text, mentions)
    return propagate_names(text, mentions)
