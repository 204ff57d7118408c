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
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

from seedner.errors import SeednerError
from seedner.text.normalize import fold_text
from seedner.text.spans import canonical_form

TYPE_BITS = {"PER": 1, "ORG": 2, "LOC": 4, "DATE": 8}
ANY_TYPE = 15  # a block entry without a type: every type
MODES = ("force", "prefer", "block")
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


def read_entries(path: str, data: bytes | None = None) -> Iterator[RawEntry]:
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
        return _json_entries(path, text)
    return _tsv_entries(path, fold_text(text))


def _first_entry(text: str) -> str:
    for line in text.split("\n", 100):
        line = line.strip()
        if line and not line.startswith("#"):
            return line
    return ""


def _skipped(line: str) -> bool:
    stripped = line.strip()
    return not stripped or stripped[0] == "#"


def _tsv_entries(path: str, folded: str) -> Iterator[RawEntry]:
    """TSV entries of the folded file text (folding is length- and line-preserving)."""
    types, zero_width = TYPE_BITS, _ZERO_WIDTH.search(folded) is not None
    for number, line in enumerate(folded.split("\n"), 1):
        fields = line.split("\t")
        if len(fields) == 2 and (kind := types.get(fields[1])) and line[0] != "#":
            surface, mode, ident = fields[0], "prefer", None  # the common line, fast
        elif _skipped(line):
            continue
        elif not 2 <= len(fields) <= 4:
            raise DictionaryError(
                f"{path}:{number}: expected {TSV_FORMAT}, got {len(fields)} field(s)"
            )
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
        yield surface, kind, mode, ident and canonical_form(ident), False, number


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
