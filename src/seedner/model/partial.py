"""Partial labels: the positions of a training corpus whose ``O`` is no evidence.

The corpora disagree on abbreviations (docs/guidelines.md): MSRA tags ``中美`` as two places,
``在京`` with a place and ``欧盟`` as an organization; People's Daily, CLUENER and Weibo leave them
untagged. Trained on all four as they are, a model learns the compromise. Instead, where a
corpus that does not annotate abbreviations tags one ``O``, the position is *open*
(:data:`OPEN`): the CRF's likelihood sums over every tag there (``CRF.nll(..., allowed)``), so
only the corpora that annotate abbreviations teach them.

Open positions come from the corpus's own information where it has some (People's Daily's POS
file marks abbreviations ``/j``) and from the guideline's lists elsewhere.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from seedner.model.corpora import OPEN, Sentence

# One-character abbreviations of countries, regions and Chinese provinces and cities
# (``中美``, ``港澳台``, ``中日韩``): two or more of them written together are places each.
PLACE_ABBREVIATIONS = frozenset(
    "中美俄日英法德韩朝印巴以伊越泰澳欧亚非京沪津渝港台藏粤闽浙皖赣鲁豫鄂湘桂琼川黔滇陕冀晋辽华"
)
# ... and after a verb of travel or presence (``访美``, ``在京``, ``赴港``, ``来华``) one alone is a
# place; characters that are common words on their own (中, 以, 印, 法 …) are left out.
AFTER_VERB = frozenset("美俄日英德韩朝京沪津渝港澳台华藏粤")
TRAVEL_VERBS = frozenset("访赴抵在驻来离返进旅留回")
# Regional names and the name of the Chinese nation's land: places by the guideline (rule 3),
# which MSRA tags and People's Daily leaves untagged (``中华民族``, ``东北``, ``亚太``).
REGIONS = (
    "中华",
    "东北",
    "西北",
    "华北",
    "华东",
    "华南",
    "华中",
    "西南",
    "东南",
    "东亚",
    "南亚",
    "东南亚",
    "中东",
    "远东",
    "亚太",
    "两岸",
    "中亚",
    "西亚",
    "北非",
    "南美",
    "北美",
    "拉美",
    "欧美",
    "亚非",
    "亚非拉",
    "江南",
    "岭南",
    "港澳",
    "港澳台",
    "海峡两岸",
)
_REGIONS_RE = re.compile("|".join(sorted(REGIONS, key=len, reverse=True)))
# Intergovernmental bodies written as abbreviations: organizations by the guideline.
BODIES = ("欧盟", "北约", "东盟", "独联体", "安理会", "欧共体", "亚太经合组织", "世贸", "经合组织")
_BODIES_RE = re.compile("|".join(sorted(BODIES, key=len, reverse=True)))

Opener = Callable[[str, list[str]], list[tuple[int, int]]]


def abbreviation_spans(text: str, tags: list[str]) -> list[tuple[int, int]]:
    """Spans of ``text`` that the guideline tags and a corpus without abbreviations left
    ``O``: runs of place abbreviations, one after a travel verb, intergovernmental bodies,
    regional names."""
    spans: list[tuple[int, int]] = []
    i, n = 0, len(text)
    while i < n:
        j = i
        while j < n and text[j] in PLACE_ABBREVIATIONS:
            j += 1
        after_verb = j - i == 1 and text[i] in AFTER_VERB and text[i - 1 : i] in TRAVEL_VERBS
        if j - i >= 2 or after_verb:
            spans.append((i, j))
        i = max(j, i + 1)
    spans += [m.span() for m in _BODIES_RE.finditer(text)]
    spans += [m.span() for m in _REGIONS_RE.finditer(text)]
    return [(s, e) for s, e in spans if all(t == "O" for t in tags[s:e])]


def _organization(tags: list[str], start: int, end: int) -> list[str]:
    """``tags`` with ``[start, end)`` one ORG."""
    return [*tags[:start], "B-ORG", *["I-ORG"] * (end - start - 1), *tags[end:]]


def bodies_as_organizations(sentences: list[Sentence]) -> tuple[list[Sentence], int]:
    """Sentences with intergovernmental bodies tagged as places (People's Daily's ``东盟``)
    tagged as organizations, as the guideline has them, and how many were."""
    out: list[Sentence] = []
    count = 0
    for text, tags in sentences:
        for m in _BODIES_RE.finditer(text):
            s, e = m.span()
            whole = tags[s] == "B-LOC" and all(t == "I-LOC" for t in tags[s + 1 : e])
            if whole and (e == len(tags) or tags[e] != "I-LOC"):
                tags = _organization(tags, s, e)
                count += 1
        out.append((text, tags))
    return out, count


GOVERNMENT = "政府"


def governments_as_organizations(sentences: list[Sentence]) -> tuple[list[Sentence], int]:
    """Sentences where a place is directly followed by an untagged ``政府`` (MSRA's
    ``中国政府``: the country alone a LOC) tagged as one organization, as the guideline has it
    (rule 18), and how many were."""
    out: list[Sentence] = []
    count = 0
    for text, tags in sentences:
        at = text.find(GOVERNMENT)
        while at > 0:
            end = at + len(GOVERNMENT)
            start = at - 1
            while start > 0 and tags[start] == "I-LOC":
                start -= 1
            untagged = all(t == "O" for t in tags[at:end])
            if tags[at - 1].endswith("-LOC") and tags[start] == "B-LOC" and untagged:
                tags = _organization(tags, start, end)
                count += 1
            at = text.find(GOVERNMENT, end)
        out.append((text, tags))
    return out, count


def opened(sentences: list[Sentence], opener: Opener) -> tuple[list[Sentence], int]:
    """Sentences with the ``O`` positions of ``opener``'s spans made :data:`OPEN`, and how many
    positions were opened."""
    out: list[Sentence] = []
    count = 0
    for text, tags in sentences:
        spans = opener(text, tags)
        if spans:
            tags = list(tags)
            for s, e in spans:
                for k in range(s, e):
                    if tags[k] == "O":
                        tags[k] = OPEN
                        count += 1
        out.append((text, tags))
    return out, count


def pos_abbreviations(pos_file: str | Path) -> dict[str, list[tuple[int, int]]]:
    """People's Daily's POS file (GBK, ``word/POS`` tokens, ``[...]nt`` compounds): each line's
    text (the ID token dropped) → the character spans of its words tagged ``/j``."""
    raw = Path(pos_file).read_bytes().decode("gbk", errors="replace")
    found: dict[str, list[tuple[int, int]]] = {}
    for line in raw.splitlines():
        tokens = line.split()[1:]
        text, spans = [], []
        offset = 0
        for token in tokens:
            word, _, pos = token.lstrip("[").rpartition("/")
            pos = pos.split("]")[0]
            if not word:
                continue
            text.append(word)
            if pos == "j":
                spans.append((offset, offset + len(word)))
            offset += len(word)
        if text:
            found.setdefault("".join(text), spans)
    return found


def pos_opener(pos_file: str | Path) -> Opener:
    """An opener of the ``/j`` words of People's Daily's POS file, plus
    :func:`abbreviation_spans`, for the sentences of its converted corpus."""
    marks = pos_abbreviations(pos_file)

    def spans(text: str, tags: list[str]) -> list[tuple[int, int]]:
        own = [(s, e) for s, e in marks.get(text, []) if all(t == "O" for t in tags[s:e])]
        return own + abbreviation_spans(text, tags)

    return spans
