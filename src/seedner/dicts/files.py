"""Reading user dictionaries (``--dict FILE``): entries checked line by line.

Two formats, chosen by the extension ``.jsonl`` or, failing that, by the first entry (a line
starting with ``{`` is JSON Lines):

* TSV: ``surface<TAB>TYPE[<TAB>mode[<TAB>id]]``;
* JSON Lines: ``{"pattern": ..., "type": ..., "mode": ..., "id": ..., "regex": false}``.

In both, blank lines and lines starting with ``#`` are skipped. ``TYPE`` is PER, ORG, LOC or
DATE (``*`` or empty: any type, for ``block`` alone); ``mode`` is ``force``, ``prefer`` (the
default) or ``block``; ``id`` is the canonical name of aliases. Surfaces and ids are folded
as the model's text is (traditional → simplified, full width → half width) and spaces next
to Chinese characters dropped; a regular expression's ideographs and full-width characters
are folded as well (a full-width ``（`` stays a literal bracket).

Every problem is one :class:`DictionaryError` naming ``FILE:LINE`` and the cause.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import orjson

from seedner.errors import SeednerError
from seedner.text.normalize import fold_text
from seedner.text.spans import canonical_form

TYPE_BITS = {"PER": 1, "ORG": 2, "LOC": 4, "DATE": 8}
ANY_TYPE = 15  # a block entry without a type: every type
MODES = ("force", "prefer", "block")
MODE_CODES = {"block": 0, "force": 1, "prefer": 2}  # 0: block entries alone
TSV_FORMAT = "surface<TAB>TYPE[<TAB>mode[<TAB>id]]"
_JSON_KEYS = frozenset({"pattern", "type", "mode", "id", "regex"})
_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")

# (surface or pattern, type bits, mode, id, is a regular expression, line number)
RawEntry = tuple[str, int, str, "str | None", bool, int]


class DictionaryError(SeednerError, ValueError):
    """A dictionary that cannot be used: ``FILE:LINE: cause`` (a bad option, hence ValueError)."""


def read_bytes(path: str) -> bytes:
    """The file at ``path``; raises DictionaryError when it cannot be read."""
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        cause = (exc.strerror or str(exc)).lower()
        raise DictionaryError(f"{path}: cannot read the dictionary ({cause})") from None


def read_table(path: str, data: bytes | None = None) -> Table:
    """The entries of the dictionary at ``path`` (whose bytes are ``data``, if read already),
    in file order; raises DictionaryError."""
    if data is None:
        data = read_bytes(path)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise DictionaryError(f"{path}:{line}: not UTF-8 (byte {exc.start})") from None
    # a fold turns a lone CR into a line break; a CRLF must stay one line end
    text = text.replace("\r\n", "\n")
    if path.endswith(".jsonl") or _first_entry(text).startswith("{"):
        return _table(_json_entries(path, text))
    return _tsv_table(path, text) if text else _table(())


@dataclass
class Table:
    """A file's entries as columns: literal surfaces (their code points one after another),
    and regular expressions apart."""

    codes: np.ndarray  # uint32: the code points of every literal entry's surface, in order
    lengths: np.ndarray  # int64, per literal entry: its surface's length
    bits: np.ndarray  # uint8: type bits
    modes: np.ndarray  # uint8: MODE_CODES
    numbers: np.ndarray  # int64: line numbers
    positions: np.ndarray  # int64: the place of each among all the file's entries (from 0)
    idents: dict[int, str]  # place → id, for the entries that have one
    regexes: list[tuple[int, str, int, int, int]]  # place, pattern, bits, mode code, line
    count: int  # entries in all


def _table(entries: Iterable[RawEntry]) -> Table:
    surfaces: list[str] = []
    bits, modes, numbers, positions = [], [], [], []
    idents: dict[int, str] = {}
    regexes = []
    count = 0
    for count, (surface, kind, mode, ident, regex, number) in enumerate(entries, 1):
        if ident is not None:
            idents[count - 1] = ident
        if regex:
            regexes.append((count - 1, surface, kind, MODE_CODES[mode], number))
            continue
        surfaces.append(surface)
        bits.append(kind)
        modes.append(MODE_CODES[mode])
        numbers.append(number)
        positions.append(count - 1)
    return Table(
        code_points("".join(surfaces)),
        np.fromiter(map(len, surfaces), dtype=np.int64, count=len(surfaces)),
        np.array(bits, dtype=np.uint8),
        np.array(modes, dtype=np.uint8),
        np.array(numbers, dtype=np.int64),
        np.array(positions, dtype=np.int64),
        idents,
        regexes,
        count,
    )


def code_points(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def from_code_points(codes: np.ndarray) -> str:
    return codes.astype(np.uint32).tobytes().decode("utf-32-le", "surrogatepass")


def _first_entry(text: str) -> str:
    for line in text.split("\n", 100):
        line = line.strip()
        if line and not line.startswith("#"):
            return line
    return ""


def _skipped(line: str) -> bool:
    stripped = line.strip()
    return not stripped or stripped[0] == "#"


@lru_cache(maxsize=1)
def _fold_codes() -> np.ndarray:
    """:func:`~seedner.text.normalize.fold_text`'s table as an array (code points past its end
    are kept as they are)."""
    from seedner.text.normalize import _fold_table

    return np.array(_fold_table(), dtype=np.uint32)


@lru_cache(maxsize=1)
def _classes() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per code point of the BMP: does a line starting with it need the line-by-line reading
    (a space or ``#``); is it a space or a zero-width character (a surface holding one is put
    in canonical form); is it zero-width."""
    space = np.array([chr(c).isspace() for c in range(0x10000)], dtype=bool)
    zero_width = np.zeros(0x10000, dtype=bool)
    zero_width[[0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF]] = True
    head = space.copy()
    head[ord("#")] = True
    special = space | zero_width
    special[[9, 10]] = False  # the separators
    return head, special, zero_width


def _field_keys(codes: np.ndarray, start: np.ndarray, end: np.ndarray, width: int) -> np.ndarray:
    """A number per field ``codes[start:end]`` of at most ``width`` ASCII characters, equal to
    :func:`_word_key` of its text; 0 for any other field."""
    length = end - start
    keys = length.astype(np.uint64)
    ok = (length >= 1) & (length <= width)
    last = max(len(codes) - 1, 0)
    for k in range(width):
        code = np.where(k < length, codes[np.minimum(start + k, last)], 0).astype(np.uint64)
        ok &= code < 128
        keys |= code << np.uint64(8 * (k + 1))
    return np.where(ok, keys, np.uint64(0))


def _word_key(word: str) -> int:
    return len(word) | sum(ord(ch) << (8 * (k + 1)) for k, ch in enumerate(word))


def _tsv_table(path: str, text: str) -> Table:
    """TSV entries of the file text. The common lines (surface, an exact type and mode, no
    space before the surface) are read with array operations over the folded code points;
    the others, and surfaces holding a space or a zero-width character, line by line
    (:func:`_tsv_line`), so that each is read as that function alone would."""
    codes = code_points(text)
    fold = _fold_codes()
    if len(codes) and int(codes.max()) >= len(fold):
        codes = np.where(codes < len(fold), fold[np.minimum(codes, len(fold) - 1)], codes)
    else:
        codes = fold[codes]
    size = len(codes)
    bmp = np.minimum(codes, 0xFFFF)
    head_class, special_class, zero_width_class = _classes()
    zero_width = bool(zero_width_class[bmp].any())
    breaks = np.flatnonzero(codes == 10)
    starts = np.concatenate(([0], breaks + 1))
    ends = np.concatenate((breaks, [size]))
    lines = len(starts)
    tabs = np.flatnonzero(codes == 9)
    tab_line = np.searchsorted(breaks, tabs)
    ntabs = np.bincount(tab_line, minlength=lines)
    first = np.searchsorted(tab_line, np.arange(lines))
    ahead = np.concatenate((tabs, [size]))
    tab1, tab2, tab3 = (ahead[np.minimum(first + k, len(tabs))] for k in range(3))
    kinds = np.zeros(lines, dtype=np.uint8)
    type_keys = _field_keys(codes, tab1 + 1, np.where(ntabs >= 2, tab2, ends), 4)
    for name, bits in TYPE_BITS.items():
        kinds[type_keys == _word_key(name)] = bits
    modes = np.where(ntabs == 1, MODE_CODES["prefer"], 255).astype(np.uint8)
    mode_keys = _field_keys(codes, tab2 + 1, np.where(ntabs >= 3, tab3, ends), 6)
    with_mode = ntabs >= 2
    for name, code in MODE_CODES.items():
        modes[with_mode & (mode_keys == _word_key(name))] = code
    head = np.where(starts < size, bmp[np.minimum(starts, max(size - 1, 0))], 32)
    common = (ntabs >= 1) & (ntabs <= 3) & (kinds > 0) & (modes != 255) & ~head_class[head]
    # line by line: the uncommon lines (blank ones skipped), surfaces with a space or a
    # zero-width character, ids
    by_line = ~common & (ends > starts)
    special = np.flatnonzero(special_class[bmp])
    special_line = np.searchsorted(breaks, special)
    by_line[special_line[special < tab1[special_line]]] = True
    by_line[common & (ntabs == 3)] = True
    surfaces: dict[int, str] = {}
    idents: dict[int, str] = {}
    for line in np.flatnonzero(by_line).tolist():
        content = from_code_points(codes[starts[line] : ends[line]])
        number = line + 1
        if common[line]:
            fields = content.split("\t")
            surface = fields[0]
            if zero_width or " " in surface:
                surface = _surface(surface, zero_width)
            if not surface:
                raise DictionaryError(f"{path}:{number}: empty surface")
            ident = (fields[3].strip() or None) if len(fields) > 3 else None
        else:
            entry = _tsv_line(path, number, content, zero_width)
            if entry is None:
                continue
            surface, kind, mode, ident = entry[:4]
            kinds[line], modes[line] = kind, MODE_CODES[mode]
            common[line] = True
        surfaces[line] = surface
        if ident:
            idents[line] = canonical_form(ident)
    entry_lines = np.flatnonzero(common)
    # each entry's surface: a span of the folded text or, for those read line by line, text
    # appended after it
    source = starts[entry_lines]
    lengths = tab1[entry_lines] - source
    if surfaces:
        rows = np.searchsorted(entry_lines, np.fromiter(surfaces, np.int64, len(surfaces)))
        extra = list(surfaces.values())
        extra_lengths = np.fromiter(map(len, extra), np.int64, len(extra))
        source[rows] = size + np.cumsum(extra_lengths) - extra_lengths
        lengths[rows] = extra_lengths
        codes = np.concatenate((codes, code_points("".join(extra))))
    offsets = np.cumsum(lengths) - lengths
    gather = np.repeat(source - offsets, lengths) + np.arange(int(lengths.sum()))
    places = np.searchsorted(entry_lines, np.fromiter(idents, np.int64, len(idents))).tolist()
    return Table(
        codes[gather],
        lengths,
        kinds[entry_lines],
        modes[entry_lines],
        entry_lines + 1,
        np.arange(len(entry_lines)),
        dict(zip(places, idents.values())),
        [],
        len(entry_lines),
    )


def _tsv_line(path: str, number: int, line: str, zero_width: bool) -> RawEntry | None:
    """The entry of a TSV line of folded text (None: blank or a comment)."""
    fields = line.split("\t")
    if len(fields) == 2 and (kind := TYPE_BITS.get(fields[1])) and line[0] != "#":
        surface, mode, ident = fields[0], "prefer", None  # the common line
    elif _skipped(line):
        return None
    elif not 2 <= len(fields) <= 4:
        raise DictionaryError(f"{path}:{number}: expected {TSV_FORMAT}, got {len(fields)} field(s)")
    else:
        mode = fields[2].strip().lower() if len(fields) > 2 else ""
        mode = mode or "prefer"
        kind = _type_bits(path, number, fields[1].strip(), mode)
        surface = fields[0]
        ident = (fields[3].strip() or None) if len(fields) > 3 else None
    if zero_width or " " in surface or not surface:  # after the fold, spaces are " "
        surface = _surface(surface, zero_width)
    if not surface:
        raise DictionaryError(f"{path}:{number}: empty surface")
    return surface, kind, mode, ident, False, number


def _surface(text: str, zero_width: bool) -> str:
    if zero_width:
        text = _ZERO_WIDTH.sub("", text)
    return canonical_form(text)


def _type_bits(path: str, number: int, kind: str, mode: str) -> int:
    if mode not in MODES:
        raise DictionaryError(
            f"{path}:{number}: unknown mode {mode!r}; choose from {', '.join(MODES)}"
        )
    if kind in ("", "*"):
        if mode != "block":
            raise DictionaryError(
                f"{path}:{number}: a {mode} entry needs a type: PER, ORG, LOC or DATE"
            )
        return ANY_TYPE
    bits = TYPE_BITS.get(kind.upper())
    if bits is None:
        raise DictionaryError(
            f"{path}:{number}: unknown type {kind!r}; choose from PER, ORG, LOC, DATE"
            " (or * with block)"
        )
    return bits


def _json_entries(path: str, text: str) -> Iterator[RawEntry]:
    for number, line in enumerate(text.split("\n"), 1):
        if _skipped(line):
            continue
        try:
            record = orjson.loads(line)
        except orjson.JSONDecodeError as exc:
            raise DictionaryError(f"{path}:{number}: malformed JSON ({exc.msg})") from None
        yield _json_entry(path, number, record)


def _json_entry(path: str, number: int, record: Any) -> RawEntry:
    where = f"{path}:{number}"
    if not isinstance(record, dict):
        raise DictionaryError(f'{where}: expected an object {{"pattern": ..., "type": ...}}')
    unknown = sorted(set(record) - _JSON_KEYS)
    if unknown:
        raise DictionaryError(
            f"{where}: unknown field {unknown[0]!r}; fields are pattern, type, mode, id, regex"
        )
    if "pattern" not in record:
        raise DictionaryError(f"{where}: no pattern")
    pattern, kind = record["pattern"], record.get("type") or ""
    mode, ident = record.get("mode") or "prefer", record.get("id")
    for name, value in (("pattern", pattern), ("type", kind), ("mode", mode)):
        if not isinstance(value, str):
            raise DictionaryError(f"{where}: {name} must be a string")
    if ident is not None and not isinstance(ident, str):
        raise DictionaryError(f"{where}: id must be a string")
    if not isinstance(regex := record.get("regex", False), bool):
        raise DictionaryError(f"{where}: regex must be true or false")
    mode = mode.strip().lower()
    bits = _type_bits(path, number, kind.strip(), mode)
    if ident is not None:
        ident = canonical_form(fold_text(ident)) or None
    if regex:
        return _regex(where, pattern), bits, mode, ident, True, number
    surface = _surface(fold_text(pattern), True)
    if not surface:
        raise DictionaryError(f"{where}: empty surface")
    return surface, bits, mode, ident, False, number


def fold_pattern(pattern: str) -> str:
    """A regular expression matching what ``pattern`` matches, in folded text: each character
    that folds becomes its fold, escaped when it would otherwise be syntax (``（`` → ``\\(``)."""
    folded = fold_text(pattern)
    if folded == pattern:
        return pattern
    out = []
    for original, ch in zip(pattern, folded):
        out.append(ch if ch == original or ch.isalnum() or ch > "\x7f" else re.escape(ch))
    return "".join(out)


def _regex(where: str, pattern: str) -> str:
    if not pattern:
        raise DictionaryError(f"{where}: empty surface")
    folded = fold_pattern(pattern)
    try:
        compiled = re.compile(folded)
    except re.error as exc:
        raise DictionaryError(f"{where}: bad regular expression ({exc})") from None
    if compiled.fullmatch(""):
        raise DictionaryError(f"{where}: the regular expression matches an empty string")
    return folded
