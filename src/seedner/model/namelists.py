"""Training sentences of names written one after another, as government news prints lists of
members (``王小明李红张建国刘伟（女）…``): the corpora hold few such lists (MSRA: 84 sentences
with names back to back; People's Daily and CLUENER none), so a model trained on them alone
merges the names of a list into one span.

The names come from the corpora's own PER spans; each list is written with one separator (none,
the enumeration comma, a full-width or ASCII space, a comma), with and without notes after a
name (``（女）``, ``（回族）``) and with the lead-ins and endings such lists have.
"""

from __future__ import annotations

import random
from collections.abc import Iterable

from seedner.bio import bio_spans
from seedner.model.corpora import Sentence
from seedner.text.chars import IDEOGRAPH_RE
from seedner.text.surnames import surnames as read_surnames

LEAD_INS = (
    "",
    "",
    "出席会议的有",
    "出席会议的有：",
    "主席团成员：",
    "当选为委员的有",
    "新当选的常务委员会委员（按姓氏笔画为序）：",
    "获奖名单如下：",
    "参加座谈的有",
    "委员：",
    "名单：",
    "领导班子成员",
    "会见时在座的有",
)
ENDINGS = ("", "", "。", "等", "等同志。", "等出席。", "；")
NOTES = (
    "（女）",
    "（女）",
    "（女，回族）",
    "（回族）",
    "（满族）",
    "（蒙古族）",
    "（壮族）",
    "（特邀）",
)
# separator of a list and its weight: back to back most, as that is what models merge
SEPARATORS = (("", 5), ("、", 2), ("　", 2), (" ", 1), ("，", 1))


def person_names(corpora: Iterable[list[Sentence]], max_len: int = 4) -> list[str]:
    """Distinct Chinese names among the PER spans (a family name and one or two characters),
    in order of first sight: what such lists hold."""
    surnames = read_surnames()
    seen: dict[str, None] = {}
    for sentences in corpora:
        for text, tags in sentences:
            for start, end, kind in bio_spans(tags):
                name = text[start:end]
                if kind != "PER" or not all(map(IDEOGRAPH_RE.match, name)):
                    continue
                family = 2 if name[:2] in surnames else 1 if name[0] in surnames else 0
                if family and 1 <= len(name) - family <= 2:
                    seen.setdefault(name, None)
    return list(seen)


def name_list(names: list[str], rng: random.Random) -> Sentence:
    """One list sentence of three to twelve of ``names``, each tagged PER."""
    separator = rng.choices([s for s, _ in SEPARATORS], [w for _, w in SEPARATORS])[0]
    note_rate = rng.choice((0.0, 0.0, 0.15, 0.3))
    parts: list[tuple[str, str]] = [(rng.choice(LEAD_INS), "O")]
    for k, name in enumerate(rng.sample(names, min(rng.randint(3, 12), len(names)))):
        if k:
            parts.append((separator, "O"))
        parts.append((name, "PER"))
        if rng.random() < note_rate:
            parts.append((rng.choice(NOTES), "O"))
    parts.append((rng.choice(ENDINGS), "O"))
    text, tags = "", []
    for piece, kind in parts:
        text += piece
        if kind == "O":
            tags += ["O"] * len(piece)
        else:
            tags += ["B-" + kind] + ["I-" + kind] * (len(piece) - 1)
    return text, tags


def name_lists(names: list[str], count: int, seed: int = 1) -> list[Sentence]:
    """``count`` list sentences drawn from ``names``."""
    rng = random.Random(seed)
    return [name_list(names, rng) for _ in range(count)]
