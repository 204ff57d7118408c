"""The text the model sees, and the way back to the original.

``normalize(original)`` builds ``Normalized.text`` from ``original`` in two steps:

* **deletions** (the only operation that needs an offset map):
  - pinyin annotations right after a CJK character: ``學(xué)`` → ``學``; ``(`` or ``（``, 1-6
    lowercase pinyin letters forming one syllable, ``)`` or ``）``.  A syllable with a tone mark
    always counts; a toneless one (``的(de)``) only in a document that has at least two
    tone-marked annotations, so ``手机(ai)`` stays in ordinary text.  The mangled form seen in
    scraped pages, where the character and ``(`` became ``?`` (``獲獎?wù)``), is deleted whole
    when tone-marked.  Uppercase (``(CAST)``), digits (``(2023年9月15日)``) and CJK (``(境)``)
    are never annotations;
  - runs of spaces, tabs, U+00A0 and U+3000 between two CJK ideographs (``李  鹏`` → ``李鹏``);
  - zero-width characters (U+200B-U+200D, U+2060, U+FEFF);
  - the ``\\r`` of every ``\\r\\n``;
  - a line break inside a hard-wrapped paragraph (see ``_glue_spans``), with the spaces before it.
* **folding**, character by character and length-preserving (``fold_text``): traditional →
  simplified with OpenCC's character dictionary (first candidate), full-width → half-width
  (U+FF01-U+FF5E → ASCII, U+3000 → space), Unicode spaces (U+00A0, U+2000-U+200A, U+202F,
  U+205F) → space, a lone ``\\r`` → ``\\n``.

Every character of ``text`` is the fold of exactly one character of ``original``, in order, so
the offset map is the list of kept runs of ``original``; ``to_original`` maps a span through it.
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import lru_cache

from seedner.text.chars import CLOSING, IDEOGRAPH_RE, IDEOGRAPHS_CLASS, SENTENCE_FINAL

__all__ = ["Normalized", "fold_text", "normalize"]

# ---------------------------------------------------------------------------- character classes
# characters of Chinese running text: ideographs, CJK and full-width punctuation, quotes, dashes
_CJKISH_CLASS = (
    f"{IDEOGRAPHS_CLASS}\u3001-\u303f\uff01-\uff5e\u201c\u201d\u2018\u2019\u2014\u2026\u00b7"
)
_CJKISH_RE = re.compile(f"[{_CJKISH_CLASS}]")
_FINAL = frozenset(SENTENCE_FINAL)
_CLOSERS = frozenset(CLOSING)
_HSPACE = " \t\u00a0\u3000"

# ------------------------------------------------------------------------------ deletion rules
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ\u0300\u0301\u0304\u030c"
_PINYIN_CHARS = f"a-zü\u00ea\u0251\u0308{_TONED}"
_ANNOTATION_RE = re.compile(f"[(（?？\ufffd]([{_PINYIN_CHARS}]{{1,9}})[)）]")
_BASE = str.maketrans(
    "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüêńňǹḿɑ",
    "aaaaeeeeiiiioooouuuuvvvvvennnma",
    "\u0300\u0301\u0304\u030c\u0308",
)
_SYLLABLE_RE = re.compile(
    r"(?:[bpmfdtnlgkhjqxrzcsyw]|zh|ch|sh)"
    r"(?:iang|iong|uang|ueng|ang|eng|ing|ong|ian|iao|uai|uan|van|ai|ei|ao|ou|an|en|in|un|vn"
    r"|ia|ie|iu|ua|uo|ue|ve|ui|a|o|e|i|u|v)"
    r"|ang|eng|ai|ei|ao|ou|an|en|er|a|o|e"
    r"|(?P<interjection>m|n|ng|hm|hng)"
)
_MIN_TONED_FOR_TONELESS = 2
_ZERO_WIDTH_RE = re.compile("[\u200b\u200c\u200d\u2060\ufeff]+")
# a whole run of horizontal spaces after an ideograph (or an annotation's ")") and before one;
# the lookbehind on the first space keeps the scan linear on long runs (no backtracking into them)
_HSPACE_RE = re.compile(
    f"[{_HSPACE}](?<=[{IDEOGRAPHS_CLASS})）][{_HSPACE}])(?=([{_HSPACE}]*))\\1(?=[{IDEOGRAPHS_CLASS}])"
)
_CRLF_RE = re.compile("\r(?=\n)")
_EOL = "(?:\r\n|\r(?!\n)|\n)"  # atomic: a CRLF is one line end, never CR + LF
# a line break whose next line starts with a CJK character right away (no indentation)
_BREAK_RE = re.compile(f"{_EOL}(?=[{_CJKISH_CLASS}])")
# blank lines (paragraph separators) and line ends
_PARA_SEP_RE = re.compile(f"{_EOL}(?:[{_HSPACE}\f\v]*{_EOL})+")
_LINE_RE = re.compile("[^\r\n]*")
_EOL_RE = re.compile(_EOL)

# hard-wrap heuristic, in display columns (CJK = 2)
_MIN_WRAP_WIDTH = 20  # a wrapped line is at least this wide
_NEAR_MAX = 4  # "near the wrap width": within two CJK characters of the widest line


# ---------------------------------------------------------------------------------- folding
@lru_cache(maxsize=1)
def _fold_table() -> list[int]:
    """``str.translate`` table: a list indexed by code point (faster than a dict)."""
    import opencc  # lazy: keeps `import seedner` light

    table = list(range(0x30000))  # code points past the end raise IndexError: kept as they are
    cps = [
        cp
        for lo, hi in ((0x3400, 0xA000), (0xF900, 0xFB00), (0x20000, 0x30000))
        for cp in range(lo, hi)
    ]
    converted = opencc.OpenCC("t2s").convert("\n".join(map(chr, cps))).split("\n")
    if len(converted) == len(cps):  # one line per character: phrases cannot apply
        for cp, simp in zip(cps, converted, strict=True):
            if len(simp) == 1:
                table[cp] = ord(simp)
    for cp in range(0xFF01, 0xFF5F):
        table[cp] = cp - 0xFEE0
    for src, dst in zip("\uffe0\uffe1\uffe2\uffe3\uffe4\uffe5\uffe6", "¢£¬¯¦¥₩", strict=True):
        table[ord(src)] = ord(dst)
    for cp in (0x3000, 0x00A0, 0x202F, 0x205F, *range(0x2000, 0x200B)):
        table[cp] = 0x20
    table[0x0D] = 0x0A
    return table


def fold_text(text: str) -> str:
    """The length-preserving fold alone: traditional → simplified (character level),
    full-width → half-width, Unicode spaces → space, lone CR → LF."""
    return text.translate(_fold_table())


# ------------------------------------------------------------------------------- the result
@dataclass(eq=False)
class Normalized:
    """``text`` is what the model sees; ``to_original`` maps its spans back to ``original``."""

    original: str
    text: str
    # kept runs: text[_t_starts[k]:...] comes from original[_o_starts[k]:...]; empty = identity
    _t_starts: array = field(default_factory=lambda: array("q"), repr=False)
    _o_starts: array = field(default_factory=lambda: array("q"), repr=False)
    # deleted pinyin annotations of ``original``: start → end (a run of them counts as one)
    _annotations: dict[int, int] = field(default_factory=dict, repr=False)

    def _orig(self, i: int) -> int:
        if not self._t_starts:
            return i
        k = bisect_right(self._t_starts, i) - 1
        return self._o_starts[k] + i - self._t_starts[k]

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a span ``[start, end)`` of ``self.text`` back to a span of ``self.original``.

        The result covers every original character between the first and the last kept
        character (deleted whitespace or annotations inside the span are included) and never
        includes deleted material before the first or after the last character.  An empty span
        maps to an empty span at the corresponding position.
        """
        n = len(self.text)
        if not 0 <= start <= end <= n:
            raise ValueError(f"span ({start}, {end}) out of range for a text of length {n}")
        if start == end:
            pos = self._orig(start) if start < n else (self._orig(n - 1) + 1 if n else 0)
            return pos, pos
        return self._orig(start), self._orig(end - 1) + 1

    def span_to_original(self, start: int, end: int) -> tuple[int, int]:
        """``to_original``, with a pinyin annotation right after the span's last character
        included: it belongs to that character (``周濟(jì)``, ``中國科協(xié)``), as one inside the
        span already does."""
        os_, oe = self.to_original(start, end)
        if start < end:
            oe = self._annotations.get(oe, oe)
        return os_, oe


def normalize(original: str) -> Normalized:
    """Normalize ``original`` for the model; see the module docstring for what is done."""
    annotations = _annotation_spans(original)
    spans = list(annotations)
    spans += _whitespace_spans(original, annotations)
    spans += [m.span() for m in _ZERO_WIDTH_RE.finditer(original)]
    if "\r" in original:
        spans += [m.span() for m in _CRLF_RE.finditer(original)]
    spans += _glue_spans(original)
    if not spans:
        return Normalized(original, fold_text(original))

    spans.sort()
    pieces: list[str] = []
    t_starts = array("q")
    o_starts = array("q")
    kept = 0  # length of the text built so far
    pos = 0  # next original index not yet kept or deleted
    for s, e in spans:
        if s > pos:
            t_starts.append(kept)
            o_starts.append(pos)
            pieces.append(original[pos:s])
            kept += s - pos
        pos = max(pos, e)
    if pos < len(original):
        t_starts.append(kept)
        o_starts.append(pos)
        pieces.append(original[pos:])
    # annotations in brackets, a run of consecutive ones (`(xué)(xue)`) as one; the mangled
    # `?wù)` form stands for a lost character as well, which no span may take for its own
    runs: dict[int, int] = {}
    run_start = -1
    for s, e in annotations:
        if runs.get(run_start) != s:
            if original[s] not in "(（":
                continue
            run_start = s
        runs[run_start] = e
    return Normalized(original, fold_text("".join(pieces)), t_starts, o_starts, runs)


def _annotation_spans(text: str) -> list[tuple[int, int]]:
    found: list[tuple[int, int, bool]] = []  # (start, end, tone-marked)
    toned_count = 0
    last_end = -1
    for m in _ANNOTATION_RE.finditer(text):
        start = m.start()
        if start != last_end and (start == 0 or not IDEOGRAPH_RE.match(text, start - 1)):
            continue
        letters = m.group(1)
        base = letters.translate(_BASE)
        syllable = _SYLLABLE_RE.fullmatch(base)
        if syllable is None or len(base) > 6:
            continue
        toned = any(ch in _TONED for ch in letters)
        if not toned and (syllable["interjection"] or len(base) == 1 or text[start] not in "(（"):
            continue
        found.append((start, m.end(), toned))
        toned_count += toned
        last_end = m.end()
    keep_toneless = toned_count >= _MIN_TONED_FOR_TONELESS
    spans: list[tuple[int, int]] = []
    for start, end, toned in found:
        # a toneless annotation counts only in an annotated document; every annotation hangs off
        # an ideograph or an annotation kept just before it
        if (toned or keep_toneless) and (
            IDEOGRAPH_RE.match(text, start - 1) or (spans and spans[-1][1] == start)
        ):
            spans.append((start, end))
    return spans


def _whitespace_spans(text: str, annotations: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Horizontal whitespace between two ideographs (or an annotation and an ideograph)."""
    ends = {e for _s, e in annotations}
    return [
        m.span()
        for m in _HSPACE_RE.finditer(text)
        if text[m.start() - 1] not in ")）" or m.start() in ends
    ]


def _is_final(text: str, end: int, start: int = 0) -> bool:
    """Does ``text[start:end]`` end with sentence-final punctuation (closing quotes skipped)?"""
    i = end - 1
    while i >= start and text[i] in _CLOSERS:
        i -= 1
    return i >= start and text[i] in _FINAL and i < end


def _width(line: str) -> int:
    return len(line) + sum(1 for ch in line if ch >= "\u1100")


def _glue_spans(text: str) -> list[tuple[int, int]]:
    """Line breaks inside hard-wrapped paragraphs, to delete (with the spaces before them).

    A single line break between line A and line B is deleted when A ends with a CJK character
    or non-final CJK punctuation (not 。！？；… nor a colon), B starts with a CJK character
    without indentation, and the lines around look hard-wrapped.  Blank lines always separate.
    In a block of consecutive non-blank lines, with W the width of its widest line:

    * A must be "full": at least 20 columns wide and within max(6, W/4) columns of W;
    * a block of 2 lines is glued only when B ends the sentence (。！？…) and is not wider than
      A (a paragraph's last line), so title + subtitle pairs stay apart;
    * a longer block needs two lines, other than the last, within 4 columns of W: wrapped text
      has lines of (nearly) equal width, title stacks and link lists do not.

    Headings followed by a paragraph are never glued (the heading is not full), nor are lists
    of headlines of different widths.
    """
    candidates: list[tuple[int, int]] = []  # (delete from, delete to): A's trailing spaces + EOL
    for m in _BREAK_RE.finditer(text):
        i = m.start()
        while i > 0 and text[i - 1] in _HSPACE:
            i -= 1
        if i == 0 or text[i - 1] in "\r\n" or not _CJKISH_RE.match(text, i - 1):
            continue
        if text[i - 1] in ":：" or _is_final(text, i):
            continue
        candidates.append((i, m.end()))
    if not candidates:
        return []

    separators = [m.span() for m in _PARA_SEP_RE.finditer(text)]
    sep_ends = [e for _s, e in separators]
    spans: list[tuple[int, int]] = []
    block_key = -1
    block: _Block | None = None
    for del_start, del_end in candidates:
        k = bisect_right(sep_ends, del_start)
        if k != block_key:  # a new block: lay out its lines once
            block_key = k
            b_start = sep_ends[k - 1] if k else 0
            b_end = separators[k][0] if k < len(separators) else len(text)
            block = _Block(text, b_start, b_end)
        assert block is not None
        if block.wrapped_after(del_start):
            spans.append((del_start, del_end))
    return spans


class _Block:
    """The lines of a block (consecutive non-blank lines) and their display widths."""

    def __init__(self, text: str, start: int, end: int) -> None:
        self.text = text
        self.starts: list[int] = []
        self.ends: list[int] = []  # content ends, trailing spaces excluded
        self.widths: list[int] = []
        pos = start
        while True:
            line_match = _LINE_RE.match(text, pos, end)
            assert line_match is not None  # it matches the empty string too
            content_end = line_match.end()
            line = text[pos:content_end].rstrip()
            if line:  # an empty line can only be first or last (at the ends of the text)
                self.starts.append(pos)
                self.ends.append(pos + len(line))
                self.widths.append(_width(line))
            eol = _EOL_RE.match(text, content_end, end)
            if eol is None:
                break
            pos = eol.end()
        self.widest = max(self.widths)
        self.near = sum(1 for w in self.widths[:-1] if w >= self.widest - _NEAR_MAX)

    def wrapped_after(self, pos: int) -> bool:
        """Is the line break after the line holding ``pos`` a hard wrap?"""
        a = bisect_right(self.starts, pos) - 1
        if a + 1 >= len(self.starts):
            return False
        widest = self.widest
        a_width = self.widths[a]
        if a_width < max(_MIN_WRAP_WIDTH, widest - max(6, widest / 4)):
            return False
        if len(self.starts) == 2:
            return self.widths[1] <= a_width and _is_final(self.text, self.ends[1], self.starts[1])
        return self.near >= 2
