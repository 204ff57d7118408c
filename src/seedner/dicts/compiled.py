"""User dictionaries compiled for matching, once per process.

Each literal surface is a record in arrays — its type and mode, the types it is blocked as,
its id, its place in the files (later entries win), where its text lies — and a 64-bit
polynomial hash of its characters. A text is matched with array operations: a table indexed
by a hash of each pair of characters gives the lengths of the surfaces starting with that
pair; the hashes of those substrings are looked up among the surfaces' (sorted), and each hit
is checked against the surface's text. Compiling a million entries takes well under a second
and some 70 MB (``python benchmarks/dictionary.py``). Regular expressions (JSON Lines,
``"regex": true``) are matched with :mod:`re`, one after another.

:func:`load_dictionary` keeps the last dictionaries compiled, keyed by their paths and the
files' sizes and times, so checking the options and building the extractor in one process
read the files once; each worker process, Ray actor or Spark Python worker compiles its own.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from seedner.dicts.files import (
    MODE_CODES,
    TYPE_BITS,
    Table,
    code_points,
    from_code_points,
    read_bytes,
    read_table,
)
from seedner.text.spans import canonical_form

FORCE, PREFER = MODE_CODES["force"], MODE_CODES["prefer"]  # a surface's mode; 0: block alone
TYPE_NAMES = {bits: name for name, bits in TYPE_BITS.items()}
_SPACE = re.compile(r"\s")

# start, end (of the normalized text), type bits, FORCE or PREFER, entry order, id index
Match = tuple[int, int, int, int, int, int]

_MULTIPLIER = 0x9E3779B97F4A7C15  # of the polynomial hash of a surface's code points, mod 2**64
_INVERSE = pow(_MULTIPLIER, -1, 1 << 64)
_MIX = np.uint64(0xD6E8FEB86659FD93)  # spreads pairs of characters over the table's slots
_LONG = 31  # the bit of a pair's lengths that stands for this length and any longer


class _Powers:
    """The multiplier's powers and its inverse's, ``[0, n)``, grown as needed."""

    def __init__(self) -> None:
        self.up = self.down = np.ones(1, dtype=np.uint64)

    def __call__(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        if len(self.up) < n:
            size = max(n, 2 * len(self.up))
            self.up = _geometric(_MULTIPLIER, size)
            self.down = _geometric(_INVERSE, size)
        return self.up, self.down


def _narrow(values: np.ndarray) -> np.ndarray:
    """``values`` (integers) as int32 where they fit."""
    fits = not len(values) or (values.min() >= -(1 << 31) and values.max() < 1 << 31)
    return values.astype(np.int32) if fits else values


def _geometric(ratio: int, size: int) -> np.ndarray:
    steps = np.full(size, ratio, dtype=np.uint64)
    steps[0] = 1
    return np.cumprod(steps, dtype=np.uint64)  # wraps around: mod 2**64


_powers = _Powers()


def _hashes(codes: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """The hash of each of the words that ``codes`` holds one after another (``lengths``,
    none empty): the sum of code point × multiplier ** place, mod 2**64."""
    if not len(lengths):
        return np.zeros(0, dtype=np.uint64)
    offsets = np.cumsum(lengths) - lengths
    places = np.arange(len(codes)) - np.repeat(offsets, lengths)
    up, _ = _powers(int(lengths.max()))
    terms = codes.astype(np.uint64) * up[places]
    return np.add.reduceat(terms, offsets, dtype=np.uint64)


@dataclass(slots=True)
class _Regex:
    pattern: re.Pattern[str]
    kind: int = 0  # type bits of its force or prefer entry; 0: none
    mode: int = 0
    ident: int = -1
    order: int = 0
    blocked: int = 0  # the types it is blocked as


class Dictionary:
    """The entries of one or more dictionary files, in load order (the later one wins)."""

    def __init__(self, paths: tuple[str, ...] = ()) -> None:
        self.paths = paths
        # per record (surface): type bits of its force or prefer entry, mode, the types it is
        # blocked as, length, entry order, id index, where its text starts in ``text``
        self.kinds = self.modes = self.blocked = np.zeros(0, dtype=np.uint8)
        self.lengths = self.orders = self.ids = self.offsets = np.zeros(0, dtype=np.int32)
        self.text = ""
        self._keys = np.zeros(0, dtype=np.uint64)  # the hashes of the surfaces matched, sorted
        self._records = np.zeros(0, dtype=np.int32)  # and their records
        self._pairs = np.zeros(1, dtype=np.uint32)  # pair of characters' slot → length bits
        self._shift = np.uint64(63)
        self._pair_lengths = np.zeros(0, dtype=np.int64)  # the lengths (2 or more) matched
        self._pair_bits = np.zeros(0, dtype=np.uint32)  # and their bits
        self._single = False  # surfaces of one character matched
        self._blocks: dict[str, int] = {}  # blocked surface → the types it is blocked as
        self.id_names: list[str] = []
        self._id_index: dict[str, int] = {}
        self.regexes: list[_Regex] = []
        self._regex_index: dict[str, int] = {}
        self._tables: list[tuple[int, Table, np.ndarray, np.ndarray]] = []  # until finished
        self.entries = self.duplicates = self.conflicts = 0
        self.first_problem: tuple[int, int] | None = None  # (file index, line) of the first
        self._files = 0  # duplicate or conflict, and the files loaded
        self._literal = False
        self.has_blocks = self.has_force = self.has_prefer = False  # entries of each mode
        self._block_regexes = False

    def __len__(self) -> int:
        return self.entries

    # ------------------------------------------------------------------------------ building
    def load(self, path: str, data: bytes | None = None) -> None:
        """Add the entries of the file at ``path`` (its bytes ``data``, if read already);
        DictionaryError for a bad one."""
        file = self._files
        self._files += 1
        table = read_table(path, data)
        ids = np.full(len(table.lengths), -1, dtype=np.int64)
        regexes = {r[0]: r for r in table.regexes}
        for place in sorted(table.idents.keys() | regexes.keys()):  # ids numbered in order
            ident = table.idents.get(place)
            if place in regexes:
                _, pattern, bits, code, number = regexes[place]
                index = -1 if ident is None or not code else self._ident(ident)
                problem = self._add_regex(pattern, bits, code, index, self.entries + place + 1)
                if problem:
                    self._count(problem, file, number)
            elif ident is not None:
                row = int(np.searchsorted(table.positions, place))
                if table.modes[row]:
                    ids[row] = self._ident(ident)
        orders = self.entries + table.positions + 1
        self._tables.append((file, table, ids, orders))
        self.entries += table.count

    def _add_regex(self, pattern: str, bits: int, code: int, index: int, order: int) -> str:
        slot = self._regex_index.get(pattern)
        if slot is None:
            slot = self._regex_index[pattern] = len(self.regexes)
            self.regexes.append(_Regex(re.compile(pattern)))
        entry = self.regexes[slot]
        if not code:
            problem = _block_problem(entry.kind, entry.blocked, bits)
            entry.blocked |= bits
            return problem
        problem = _problem(entry.kind, entry.mode, entry.ident, entry.blocked, bits, code, index)
        entry.kind, entry.mode, entry.ident, entry.order = bits, code, index, order
        return problem

    def _ident(self, ident: str) -> int:
        index = self._id_index.get(ident)
        if index is None:
            index = self._id_index[ident] = len(self.id_names)
            self.id_names.append(ident)
        return index

    def _count(self, problem: str, file: int, line: int) -> None:
        if problem == "duplicate":
            self.duplicates += 1
        else:
            self.conflicts += 1
        where = (file, line)
        self.first_problem = min(self.first_problem or where, where)

    def finish(self) -> Dictionary:
        """Compile the literal entries once every file is loaded (no more can be)."""
        self._id_index, self._regex_index = {}, {}  # for loading alone
        if self._tables:
            self._compile()
        self._literal = len(self.kinds) > 0
        self._block_regexes = any(e.blocked for e in self.regexes)
        self.has_blocks = self._block_regexes or bool(self.blocked.any())
        modes = set(np.unique(self.modes).tolist()) | {e.mode for e in self.regexes}
        self.has_force, self.has_prefer = FORCE in modes, PREFER in modes
        return self

    def _compile(self) -> None:
        tables, self._tables = self._tables, []
        codes = np.concatenate([t.codes for _, t, _, _ in tables])
        lengths = np.concatenate([t.lengths for _, t, _, _ in tables])
        bits = np.concatenate([t.bits for _, t, _, _ in tables])
        modes = np.concatenate([t.modes for _, t, _, _ in tables])
        numbers = np.concatenate([t.numbers for _, t, _, _ in tables])
        files = np.concatenate([np.full(len(t.lengths), f) for f, t, _, _ in tables])
        ids = np.concatenate([i for _, _, i, _ in tables])
        orders = np.concatenate([o for _, _, _, o in tables])
        del tables
        offsets = np.cumsum(lengths) - lengths
        hashes = _hashes(codes, lengths)
        self.text = from_code_points(codes)
        del codes
        # entries whose hash no other has are surfaces given once: a record each, as it is
        by_hash = np.argsort(hashes, kind="stable")
        same = np.flatnonzero(hashes[by_hash[1:]] == hashes[by_hash[:-1]])
        shared = np.zeros(len(hashes), dtype=bool)
        shared[by_hash[same]] = shared[by_hash[same + 1]] = True
        once = np.flatnonzero(~shared)
        blocks = (modes == 0)[once]
        record = np.full(len(hashes), -1, dtype=np.int64)  # of the entries first giving one
        record[once] = np.arange(len(once))
        kinds = np.where(blocks, 0, bits[once]).astype(np.uint8)
        blocked = np.where(blocks, bits[once], 0).astype(np.uint8)
        columns = [kinds, modes[once], blocked, lengths[once], orders[once], ids[once]]
        columns.append(offsets[once])
        columns[3:] = (_narrow(column) for column in columns[3:])
        # the others, entry by entry in order: duplicates and conflicts
        more: list[list[int]] = [[] for _ in columns]
        given: dict[str, int] = {}
        text = self.text
        for entry in np.flatnonzero(shared).tolist():
            start, size = int(offsets[entry]), int(lengths[entry])
            surface = text[start : start + size]
            code, kind, index = int(modes[entry]), int(bits[entry]), int(ids[entry])
            rec = given.get(surface)
            if rec is None:
                given[surface] = len(more[0])
                record[entry] = len(once) + len(more[0])
                fields = (kind if code else 0, code, 0 if code else kind, size)
                for column, value in zip(more, (*fields, int(orders[entry]), index, start)):
                    column.append(value)
                continue
            if code:
                problem = _problem(
                    more[0][rec], more[1][rec], more[5][rec], more[2][rec], kind, code, index
                )
                more[0][rec], more[1][rec], more[5][rec] = kind, code, index
                more[4][rec] = int(orders[entry])
            else:
                problem = _block_problem(more[0][rec], more[2][rec], kind)
                more[2][rec] |= kind
            if problem:
                self._count(problem, int(files[entry]), int(numbers[entry]))
        (
            self.kinds, self.modes, self.blocked, self.lengths, self.orders, self.ids,
            self.offsets,
        ) = (
            np.concatenate((column, np.array(extra, dtype=column.dtype)))
            for column, extra in zip(columns, more)
        )  # fmt: skip
        # the surfaces matched: force and prefer entries not blocked as their own type
        first = by_hash[record[by_hash] >= 0]  # the entries giving a record, by hash
        matched = (self.modes > 0) & (self.blocked & self.kinds == 0)
        first = first[matched[record[first]]]
        self._keys, self._records = hashes[first], _narrow(record[first])
        self._index_pairs(self._records)
        where = np.flatnonzero(self.blocked)
        spans = zip(self.offsets[where].tolist(), self.lengths[where].tolist())
        surfaces = (text[o : o + n] for o, n in spans)
        self._blocks = dict(zip(surfaces, self.blocked[where].tolist()))

    def _index_pairs(self, records: np.ndarray) -> None:
        """The table of the lengths of the surfaces matched, by their first two characters."""
        lengths = self.lengths[records]
        self._single = bool((lengths == 1).any())
        records = records[lengths >= 2]
        if not len(records):
            return
        size = np.bincount(lengths)
        self._pair_lengths = np.flatnonzero(size[2:]) + 2
        self._pair_bits = np.minimum(self._pair_lengths, _LONG).astype(np.uint32)
        slots = max(8, min(22, (2 * len(records)).bit_length()))
        self._shift = np.uint64(64 - slots)
        self._pairs = np.zeros(1 << slots, dtype=np.uint32)
        codes = code_points(self.text)
        starts = self.offsets[records]
        keys = codes[starts].astype(np.uint64) << np.uint64(21) | codes[starts + 1]
        bits = np.uint32(1) << np.minimum(self.lengths[records], _LONG).astype(np.uint32)
        np.bitwise_or.at(self._pairs, self._slots(keys), bits)

    def _slots(self, keys: np.ndarray) -> np.ndarray:
        return (keys * _MIX) >> self._shift

    def warning(self) -> str | None:
        """One line counting duplicate and conflicting entries, or None."""
        if self.first_problem is None:
            return None
        counts = []
        if self.duplicates:
            counts.append(
                f"{self.duplicates:,} duplicate entr{'y' if self.duplicates == 1 else 'ies'}"
            )
        if self.conflicts:
            counts.append(
                f"{self.conflicts:,} conflicting entr{'y' if self.conflicts == 1 else 'ies'}"
            )
        return (
            f"--dict: {' and '.join(counts)} (surfaces given again; where the type, mode or id"
            f" differ, the later entry wins, and a block wins over force and prefer), the first at"
            f" {self.where(*self.first_problem)}"
        )

    def where(self, file: int, line: int) -> str:
        return f"{self.paths[file] if file < len(self.paths) else '?'}:{line}"

    # ------------------------------------------------------------------------------ matching
    def matches(self, text: str, start: int = 0, end: int | None = None) -> list[Match]:
        """Every occurrence of a force or prefer entry inside ``text[start:end]``, overlapping
        ones included, except where a block entry stops it (its span blocked as its type)."""
        end = len(text) if end is None else end
        out: list[Match] = []
        if self._literal and end > start:
            out = self._literal_matches(text, start, end)
        if self._block_regexes:  # a literal's own block bits are not all there is
            out = [m for m in out if not self.is_blocked(text[m[0] : m[1]], TYPE_NAMES[m[2]])]
        for entry in self.regexes:
            if not entry.mode:
                continue
            for found in entry.pattern.finditer(text, start, end):
                s, e = found.span()
                if e > s and not self.is_blocked(found[0], TYPE_NAMES[entry.kind]):
                    out.append((s, e, entry.kind, entry.mode, entry.order, entry.ident))
        return out

    def _literal_matches(self, text: str, start: int, end: int) -> list[Match]:
        window = text[start:end]
        codes = code_points(window).astype(np.uint64)
        n = len(codes)
        places, sizes = [], []
        if n >= 2 and len(self._pair_lengths):
            keys = codes[:-1] << np.uint64(21) | codes[1:]
            bits = self._pairs[self._slots(keys)]
            found = np.flatnonzero(bits)
            rows, columns = np.nonzero((bits[found, None] >> self._pair_bits) & 1)
            places.append(found[rows])
            sizes.append(self._pair_lengths[columns])
        if self._single:
            places.append(np.arange(n))
            sizes.append(np.ones(n, dtype=np.int64))
        if not places:
            return []
        place, size = np.concatenate(places), np.concatenate(sizes)
        inside = place + size <= n
        place, size = place[inside], size[inside]
        up, down = _powers(n + 1)
        prefix = np.zeros(n + 1, dtype=np.uint64)
        np.cumsum(codes * up[:n], out=prefix[1:])
        hashes = (prefix[place + size] - prefix[place]) * down[place]
        keys = self._keys
        at = np.minimum(np.searchsorted(keys, hashes), len(keys) - 1)
        hit = keys[at] == hashes
        found_places, found_records = [], []
        surfaces, lengths, offsets = self.text, self.lengths, self.offsets
        for i, length, k, key in zip(
            place[hit].tolist(), size[hit].tolist(), at[hit].tolist(), hashes[hit].tolist()
        ):
            piece = window[i : i + length]
            while True:  # surfaces of the same hash (almost never more than one)
                rec = int(self._records[k])
                o = int(offsets[rec])
                if lengths[rec] == length and surfaces[o : o + length] == piece:
                    found_places.append(i)
                    found_records.append(rec)
                    break
                k += 1
                if k == len(keys) or int(keys[k]) != key:
                    break
        if not found_records:
            return []
        recs = np.array(found_records, dtype=np.int64)
        ends = [start + i + m for i, m in zip(found_places, self.lengths[recs].tolist())]
        out = list(
            zip(
                [start + i for i in found_places],
                ends,
                self.kinds[recs].tolist(),
                self.modes[recs].tolist(),
                self.orders[recs].tolist(),
                self.ids[recs].tolist(),
            )
        )
        out.sort(key=lambda m: (m[1], m[0]))  # by end, the longest first
        return out

    def is_blocked(self, surface: str, kind: str) -> bool:
        """Is ``surface`` (a span of the normalized text) never an entity of type ``kind``?"""
        bits = TYPE_BITS.get(kind, 0)
        if self._blocks:
            key = canonical_form(surface) if _SPACE.search(surface) else surface
            if self._blocks.get(key, 0) & bits:
                return True
        return any(e.blocked & bits and e.pattern.fullmatch(surface) for e in self.regexes)

    def norm(self, ident: int) -> str | None:
        return self.id_names[ident] if ident >= 0 else None


def _problem(
    kind: int, mode: int, ident: int, blocked: int, bits: int, code: int, index: int
) -> str:
    """What a force or prefer entry is, given what its surface held: "", "duplicate" or
    "conflict" (another type, mode or id before it, or blocked as its type)."""
    if kind:
        return "duplicate" if (kind, mode, ident) == (bits, code, index) else "conflict"
    return "conflict" if blocked & bits else ""


def _block_problem(kind: int, blocked: int, bits: int) -> str:
    if blocked | bits == blocked:
        return "duplicate"
    return "conflict" if kind & bits else ""


def load_dictionary(paths: Iterable[str]) -> Dictionary:
    """The dictionary of the files at ``paths`` (in order), compiled once per process while the
    files stay as they are; raises :class:`~seedner.dicts.files.DictionaryError`."""
    paths = tuple(paths)
    return _compiled(paths, tuple(map(_stamp, paths)))


def _stamp(path: str) -> tuple[int, int] | None:
    try:
        stat = os.stat(path)
    except OSError:
        return None  # reading it says why
    return stat.st_mtime_ns, stat.st_size


@lru_cache(maxsize=2)
def _compiled(paths: tuple[str, ...], stamps: tuple[tuple[int, int] | None, ...]) -> Dictionary:
    files = [read_bytes(path) for path in paths]
    dictionary = Dictionary(paths)
    for path, data in zip(paths, files):
        dictionary.load(path, data)
    del files
    dictionary.finish()
    _release_free_memory()
    return dictionary


def _release_free_memory() -> None:
    """Hand the compile's scratch arrays back to the system: glibc keeps freed memory below
    what stays allocated, which would more than double the resident memory a dictionary adds."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):  # not glibc
            ctypes.CDLL(None).malloc_trim(0)
