"""The rules that run after the model, on one document's mentions, in this order:
web boilerplate out (``boilerplate``), division names typed PER made LOC (``gazetteer``),
one type per name and every occurrence of a name found (``consistency``)."""

from __future__ import annotations

from seedner.boilerplate import drop_boilerplate
from seedner.consistency import propagate_names, unify_types
from seedner.gazetteer import retype_divisions
from seedner.spans import Mention


def postprocess(text: str, mentions: list[Mention]) -> list[Mention]:
    """``mentions`` of ``text`` (the normalized text the model saw) after the rules."""
    mentions = drop_boilerplate(text, mentions)
    mentions = retype_divisions(text, mentions)
    mentions = unify_types(text, mentions)
    return propagate_names(text, mentions)
