"""The rules that run after the model, on one document's mentions: one ordered list,
:data:`RULES`, each step named so that a run can turn it off (``--no-rules``):

1. ``boilerplate``: web boilerplate out (:mod:`seedner.rules.boilerplate`);
2. ``latin-names``: Latin words that are no names out;
3. ``repeated-names``: a name written twice in a row split in two;
4. ``gazetteer``: division names typed PER made LOC (:mod:`seedner.rules.gazetteer`);
5. ``guideline``: no party membership (``中共党员``), star rating (``三星级``) or nominal
   mention (``该公司``) as an entity (:mod:`seedner.rules.guideline`, docs/guidelines.md; once
   more after the last step, so that no rule brings one back);
6. ``companies``: well-known companies and brands typed ORG, and added where the model found
   nothing (:mod:`seedner.rules.companies`);
7. ``dictionary``: user dictionaries (``--dict``) block and force names here, and prefer
   them after ``consistency`` (:mod:`seedner.rules.dictionary`; only with dictionaries);
8. ``consistency``: one type per name, and every occurrence of a name found
   (:mod:`seedner.rules.consistency`);
9. ``dates``: the date rules' own dates added where the model found none, with ISO values
   (:mod:`seedner.dates`; the model's DATE spans get their values either way).

Steps 1–5 look at one mention and the text, 6 and 7 at the text too; 8 and 9 at the whole
document.
A dictionary's blocked names are dropped once more after the last step (the caller's date
rules included), so no rule brings one back.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from seedner.rules.boilerplate import WebAddresses, drop_boilerplate
from seedner.rules.companies import apply_companies
from seedner.rules.consistency import propagate_names, unify_types
from seedner.rules.dictionary import block_and_force, find_matches, prefer_and_block
from seedner.rules.gazetteer import retype_divisions
from seedner.rules.guideline import apply_guideline
from seedner.text.chars import IDEOGRAPH_RE
from seedner.text.spans import Mention

if TYPE_CHECKING:
    from seedner.dicts import Dictionary
    from seedner.dicts.compiled import Match

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


class TextFacts:
    """What the local rules look up in a document's text, found once for all its windows:
    its web addresses, and which short division names have a full name written in it."""

    def __init__(self, text: str) -> None:
        self.addresses = WebAddresses(text)
        self.written: dict[str, bool] = {}


LocalRule = Callable[[str, list[Mention], TextFacts], list[Mention]]
LOCAL_RULES: tuple[tuple[str, LocalRule], ...] = (
    ("boilerplate", lambda text, ms, facts: drop_boilerplate(text, ms, facts.addresses)),
    ("latin-names", lambda text, ms, facts: drop_latin_non_names(text, ms)),
    ("repeated-names", lambda text, ms, facts: split_repeated_names(text, ms)),
    ("gazetteer", lambda text, ms, facts: retype_divisions(text, ms, facts.written)),
    ("guideline", lambda text, ms, facts: apply_guideline(text, ms)),
)
RULES = (*(name for name, _ in LOCAL_RULES), "companies", "dictionary", "consistency", "dates")


def parse_rules(names: str | Iterable[str] | None) -> frozenset[str]:
    """``"consistency,gazetteer"`` → the set of rules to turn off; ValueError names an
    unknown one."""
    if names is None:
        return frozenset()
    items = names.split(",") if isinstance(names, str) else list(names)
    chosen = frozenset(n.strip().lower() for n in items if n.strip())
    unknown = sorted(chosen - set(RULES))
    if unknown:
        raise ValueError(f"unknown rule(s) {', '.join(unknown)}; choose from {', '.join(RULES)}")
    return chosen


def local_rules(
    text: str, mentions: list[Mention], facts: TextFacts, off: frozenset[str] = frozenset()
) -> list[Mention]:
    """The rules that look at each mention and the text alone (not at the document's other
    mentions), in order, except those ``off``."""
    for name, rule in LOCAL_RULES:
        if name not in off:
            mentions = rule(text, mentions, facts)
    return mentions


def companies_rule(
    text: str, mentions: list[Mention], off: frozenset[str], window: tuple[int, int] | None = None
) -> list[Mention]:
    """The ``companies`` step, unless it is off (``window``: the part of the text to look in)."""
    return mentions if "companies" in off else apply_companies(text, mentions, window)


def dictionary_rule(
    text: str,
    mentions: list[Mention],
    dictionary: Dictionary | None,
    off: frozenset[str],
    window: tuple[int, int] | None = None,
    found: list[Match] | None = None,
) -> list[Mention]:
    """The ``dictionary`` step before ``consistency`` (blocked names out, forced ones in), when
    there is a dictionary and the step is on; ``found``: its matches, if found already."""
    if dictionary is None or "dictionary" in off:
        return mentions
    return block_and_force(text, mentions, dictionary, window, found)


def postprocess(
    text: str,
    mentions: list[Mention],
    off: frozenset[str] = frozenset(),
    dictionary: Dictionary | None = None,
) -> list[Mention]:
    """``mentions`` of ``text`` (the normalized text the model saw) after the rules, except
    those ``off`` (``dates`` is the caller's: it adds entities of the original text)."""
    facts = TextFacts(text)
    mentions = local_rules(text, mentions, facts, off)
    mentions = companies_rule(text, mentions, off)
    if "dictionary" in off:
        dictionary = None
    found = find_matches(text, dictionary) if dictionary is not None else None  # one pass
    mentions = dictionary_rule(text, mentions, dictionary, off, found=found)
    if "consistency" not in off:
        mentions = unify_types(text, mentions)
        mentions = propagate_names(text, mentions, addresses=facts.addresses)
    return final_blocks(text, mentions, dictionary, off, found=found)


def final_blocks(
    text: str,
    mentions: list[Mention],
    dictionary: Dictionary | None,
    off: frozenset[str],
    window: tuple[int, int] | None = None,
    found: list[Match] | None = None,
) -> list[Mention]:
    """The mentions after every rule: a dictionary's preferred names in the gaps left, and no
    blocked name or guideline exclusion (a party membership) that a rule brought back."""
    if "guideline" not in off:
        mentions = apply_guideline(text, mentions)
    if dictionary is None or "dictionary" in off:
        return mentions
    return prefer_and_block(text, mentions, dictionary, window, found)
