"""The rules that run after the model, on one document's mentions, in this order:
web boilerplate out (``boilerplate``), Latin words that are no names out, a name written twice
in a row split in two, division names typed PER made LOC (``gazetteer``), one type per name and
every occurrence of a name found (``consistency``)."""

from __future__ import annotations

import re

from seedner.boilerplate import WebAddresses, drop_boilerplate
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


def split_repeated_names(text: str, mentions: list[Mention]) -> list[Mention]:
    """A span that is one name of two or more Chinese characters written twice in a row
    (``徐妍徐妍``, as posts repeat a name) is two mentions of that name; a title in
    ``《》`` (the film ``《南京南京》``) stays as it is."""
    out = []
    for m in mentions:
        half = (m.end - m.start) // 2
        first, second = text[m.start : m.start + half], text[m.start + half : m.end]
        titled = text[m.start - 1 : m.start] == "《" and text[m.end : m.end + 1] == "》"
        if half >= 2 and first == second and not titled and all(map(IDEOGRAPH_RE.match, first)):
            out += [
                Mention(m.start, m.start + half, m.type, m.label),
                Mention(m.start + half, m.end, m.type, m.label),
            ]
        else:
            out.append(m)
    return out


def local_rules(
    text: str,
    mentions: list[Mention],
    addresses: WebAddresses,
    written: dict[str, bool] | None = None,
) -> list[Mention]:
    """The rules that look at each mention and the text alone (not at the document's other
    mentions), in order; ``addresses`` are the web addresses of ``text``."""
    mentions = drop_boilerplate(text, mentions, addresses)
    mentions = drop_latin_non_names(text, mentions)
    mentions = split_repeated_names(text, mentions)
    return retype_divisions(text, mentions, written)


def postprocess(text: str, mentions: list[Mention]) -> list[Mention]:
    """``mentions`` of ``text`` (the normalized text the model saw) after the rules."""
    addresses = WebAddresses(text)
    mentions = local_rules(text, mentions, addresses)
    mentions = unify_types(text, mentions)
    return propagate_names(text, mentions, addresses=addresses)
