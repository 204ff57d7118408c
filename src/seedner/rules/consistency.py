"""Document-level consistency of names: one name, one type, and found at every mention.

Both rules work on one document's mentions of PER/ORG/LOC (DATE is left alone), in the text
the model saw:

* ``unify_types``: every mention of a name gets the same type. The vote is by mention counts
  (HanLP's models give no scores to weigh them by), with one piece of context: a mention typed
  PER next to a title (``主席萬鋼``, ``习近平总书记``) settles the name as PER. Otherwise the
  type of most mentions wins; on a tie, the type of the earliest of the tied mentions.
* ``propagate_names``: a name found once (two characters or more, not just a generic head
  like ``中心``) is found at its other occurrences in the document (``吴雪`` becomes
  ``吴雪尘`` where ``吴雪尘`` is a name), except inside a longer mention, across the edge
  of another mention, inside a URL or e-mail address, or inside a longer Latin word.
  Mentions lying inside an occurrence are replaced by it.

A user dictionary's mentions (``source == "dict"``) are left as they are: never retyped, never
swallowed by an occurrence; a name found at another occurrence has ``source == "rule"``.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter

from seedner.rules.boilerplate import WebAddresses
from seedner.text.spans import Mention, canonical_form


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


NAME_TYPES = frozenset({"PER", "ORG", "LOC"})
MIN_NAME_LENGTH = 2  # single characters (中, 美, 华) are too ambiguous to look for
# generic heads of names: a mention that is only one of them (`中心` cut off from
# `学术活动中心`) is not looked for elsewhere, where it is mostly a plain word
GENERIC_HEADS = _words(
    "中心 公司 集团 大学 学院 学校 中学 小学 医院 银行 政府 委员会 研究院 研究所 研究室 "
    "实验室 办公室 办公厅 党委 党组 支部 党支部 新区 地区 城区 市区 街道 社区 部门 机构 单位 "
    "协会 学会 基金会 分会 总会 法院 检察院 公安局 网站 报社 电视台 工厂 国家"
)

# titles and forms of address written right before or after a person's name
TITLES = _words(
    "主席 副主席 总书记 书记 副书记 院长 副院长 院士 主任 副主任 部长 副部长 局长 副局长 处长 "
    "副处长 厅长 省长 副省长 市长 副市长 县长 区长 镇长 总理 副总理 总统 副总统 首相 大使 "
    "委员 常委 理事长 会长 副会长 秘书长 董事长 总经理 经理 总裁 校长 副校长 教授 副教授 "
    "研究员 博士 先生 女士 同志 记者 主编 总编 队长 组长 政委 司令员 议员 议长 总监 所长 "
    "站长 社长 团长 主持人 律师 医生 老师 工程师"
)
_TITLE_LENGTHS = sorted({len(t) for t in TITLES}, reverse=True)


def _next_to_title(text: str, m: Mention) -> bool:
    return any(
        text[max(0, m.start - n) : m.start] in TITLES or text[m.end : m.end + n] in TITLES
        for n in _TITLE_LENGTHS
    )


def name_of(text: str, m: Mention) -> str:
    return canonical_form(text[m.start : m.end])


class TypeVotes:
    """The votes of :func:`unify_types`, gathered over mentions given in order of start (a
    document's, or the windows of a long one in turn), then applied to each of them."""

    def __init__(self) -> None:
        # name → [types in order of first mention, Counter, titled PER seen, first label by type]
        self.groups: dict[str, tuple[list[str], Counter[str], list[bool], dict[str, str]]] = {}

    def add(self, text: str, mentions: list[Mention]) -> None:
        for m in sorted(mentions, key=lambda m: m.start):
            if m.type not in NAME_TYPES:
                continue
            name = name_of(text, m)
            group = self.groups.get(name)
            if group is None:
                group = self.groups[name] = ([], Counter(), [False], {})
            order, counts, titled, labels = group
            if m.type not in labels:
                order.append(m.type)
                labels[m.type] = m.label
            counts[m.type] += 1
            if m.type == "PER" and not titled[0] and _next_to_title(text, m):
                titled[0] = True

    def decisions(self) -> dict[str, tuple[str, str]]:
        """name → (type, label) for every name the mentions gave more than one type."""
        out = {}
        for name, (order, counts, titled, labels) in self.groups.items():
            if len(order) == 1:
                continue
            if titled[0]:
                winner = "PER"
            else:
                top = max(counts.values())
                winner = next(t for t in order if counts[t] == top)
            out[name] = (winner, labels[winner])
        return out


def apply_types(
    text: str, mentions: list[Mention], decisions: dict[str, tuple[str, str]]
) -> list[Mention]:
    """Each mention of a name in ``decisions`` takes its type and label (in place)."""
    for m in mentions:
        if (
            m.type in NAME_TYPES
            and m.source != "dict"
            and (decided := decisions.get(name_of(text, m))) is not None
        ):
            if decided[0] != m.type:
                m.score = None  # the model's score was for the type the vote overruled
            m.type, m.label = decided
    return mentions


def unify_types(text: str, mentions: list[Mention]) -> list[Mention]:
    """One type per name (see the module docstring); a re-typed mention takes the label
    the model gave the name with the winning type."""
    votes = TypeVotes()
    votes.add(text, mentions)
    return apply_types(text, mentions, votes.decisions())


def is_name_source(text: str, m: Mention) -> bool:
    """Is ``m`` a name looked for at its other occurrences?"""
    name = name_of(text, m)
    return m.type in NAME_TYPES and len(name) >= MIN_NAME_LENGTH and name not in GENERIC_HEADS


class NameFinder:
    """The names of a document (surface form → the first mention with it), compiled into
    one automaton that finds all their occurrences in a pass."""

    def __init__(self, names: dict[str, Mention]) -> None:
        import ahocorasick  # lazy: keeps `import seedner` light

        self.names = names
        self.automaton = ahocorasick.Automaton()
        for surface in names:
            self.automaton.add_word(surface, surface)
        if names:
            self.automaton.make_automaton()

    @classmethod
    def of(cls, text: str, mentions: list[Mention]) -> NameFinder:
        names: dict[str, Mention] = {}
        for m in sorted(mentions, key=lambda m: m.start):
            if is_name_source(text, m):
                names.setdefault(text[m.start : m.end], m)
        return cls(names)


def propagate_names(
    text: str,
    mentions: list[Mention],
    finder: NameFinder | None = None,
    addresses: WebAddresses | None = None,
    window: tuple[int, int] | None = None,
) -> list[Mention]:
    """Mentions plus the other occurrences of their names (see the module docstring).

    A long document is done a window of its text at a time: ``mentions`` are those of the
    ``window``, and ``finder`` holds the names of the whole document.
    """
    if finder is None:
        finder = NameFinder.of(text, mentions)
    if not finder.names:
        return mentions
    names = finder.names
    start_at, end_at = window or (0, len(text))

    ordered = sorted(mentions, key=lambda m: (m.start, m.end))
    starts = [m.start for m in ordered]
    reach: list[int] = []  # reach[i]: the furthest end of ordered[:i + 1]
    for m in ordered:
        reach.append(max(m.end, reach[-1] if reach else -1))
    if addresses is None:
        addresses = WebAddresses(text)

    # occurrences that no mention crosses or contains, with the mentions inside them
    candidates: list[tuple[int, int, str, list[int]]] = []
    for last, surface in finder.automaton.iter(text, start_at, end_at):
        end = last + 1
        start = end - len(surface)
        if _inside_latin_word(text, start, end) or addresses.overlap(start, end):
            continue
        first = bisect_left(starts, start)
        if first and reach[first - 1] > start:
            continue  # a mention starting earlier covers its first character
        inside = list(range(first, bisect_left(starts, end)))
        if any(
            ordered[k].end > end
            or ordered[k].type not in NAME_TYPES
            or ordered[k].source == "dict"
            or (ordered[k].start, ordered[k].end) == (start, end)
            for k in inside
        ):
            continue  # crossed, or holding a DATE or a dictionary's name, or already a mention
        candidates.append((start, end, surface, inside))

    replaced: set[int] = set()
    added: list[Mention] = []
    for start, end, surface, inside in _longest_first(candidates):
        source = names[surface]
        added.append(Mention(start, end, source.type, source.label, "rule", source.norm))
        replaced.update(inside)
    if not added:
        return mentions
    return [m for k, m in enumerate(ordered) if k not in replaced] + added


def _inside_latin_word(text: str, start: int, end: int) -> bool:
    """Does a name starting or ending with a Latin letter or digit continue a longer word?"""
    return (
        start > 0
        and text[start].isascii()
        and text[start].isalnum()
        and text[start - 1].isascii()
        and text[start - 1].isalnum()
    ) or (
        end < len(text)
        and text[end - 1].isascii()
        and text[end - 1].isalnum()
        and text[end].isascii()
        and text[end].isalnum()
    )


def _longest_first(
    candidates: list[tuple[int, int, str, list[int]]],
) -> list[tuple[int, int, str, list[int]]]:
    """Of overlapping occurrences, the longest (then the earliest) ones that do not overlap."""
    chosen = []
    candidates.sort(key=lambda c: (c[0], -c[1]))
    i = 0
    while i < len(candidates):  # a cluster: occurrences overlapping one another in a chain
        j, cluster_end = i + 1, candidates[i][1]
        while j < len(candidates) and candidates[j][0] < cluster_end:
            cluster_end = max(cluster_end, candidates[j][1])
            j += 1
        taken: list[tuple[int, int]] = []
        for c in sorted(candidates[i:j], key=lambda c: (c[0] - c[1], c[0])):
            if all(c[1] <= s or e <= c[0] for s, e in taken):
                taken.append((c[0], c[1]))
                chosen.append(c)
        i = j
    return chosen
