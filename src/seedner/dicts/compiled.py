"""User dictionaries compiled for matching, once per process.

Literal surfaces go into one Aho-Corasick automaton (pyahocorasick, integers as values: no
Python object per entry) whose value indexes arrays of what each surface is — a type and mode,
the types it is blocked as, its id, its place in the files (later entries win). A million
entries take about a second and some 70 MB. Regular expressions (JSON Lines, ``"regex":
true``) are matched with :mod:`re`, one after another.

:func:`load_dictionary` keeps the last dictionaries compiled, keyed by their paths and the
files' sizes and times, so checking the options and building the extractor in one process
read the files once; each worker process, Ray actor or Spark Python worker compiles its own.
"""

from __future__ import annotations

import os
import re
from array import array
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from seedner.dicts.files import TYPE_BITS, read_bytes, read_entries
from seedner.text.spans import canonical_form

FORCE, PREFER = 1, 2  # a surface's mode; 0: block entries alone
TYPE_NAMES = {bits: name for name, bits in TYPE_BITS.items()}
_SPACE = re.compile(r"\s")

# start, end (of the normalized text), type bits, FORCE or PREFER, entry order, id index
Match = tuple[int, int, int, int, int, int]


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
        import ahocorasick  # lazy: keeps `import seedner` light

        self.paths = paths
        self.automaton = ahocorasick.Automaton(ahocorasick.STORE_INTS)
        self.kinds = array("B")  # per surface: type bits of its force or prefer entry
        self.modes = array("B")
        self.blocked = array("B")
        self.lengths = array("I")
        self.orders = array("I")
        self.ids = array("i")
        self.id_names: list[str] = []
        self._id_index: dict[str, int] = {}
        self.regexes: list[_Regex] = []
        self._regex_index: dict[str, int] = {}
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
        self._files += 1
        get, add_word = self.automaton.get, self.automaton.add_word
        kinds, modes, blocked, ids = self.kinds, self.modes, self.blocked, self.ids
        lengths, orders = self.lengths, self.orders
        # bound methods, looked up once: this loop runs once per entry
        new_length, new_order, new_id = lengths.append, orders.append, ids.append
        new_kind, new_mode, new_block = kinds.append, modes.append, blocked.append
        codes = {"block": 0, "force": FORCE, "prefer": PREFER}
        order = self.entries
        for surface, bits, mode, ident, regex, number in read_entries(path, data):
            order += 1
            code = codes[mode]
            index = -1 if ident is None or not code else self._ident(ident)
            if regex:
                problem = self._add_regex(surface, bits, code, index, order)
            elif (rec := get(surface, -1)) < 0:  # a new surface: most of them
                add_word(surface, len(kinds))
                new_length(len(surface))
                new_order(order)
                new_id(index)
                new_kind(bits if code else 0)
                new_mode(code)
                new_block(0 if code else bits)
                continue
            else:
                if code:
                    problem = _problem(
                        kinds[rec], modes[rec], ids[rec], blocked[rec], bits, code, index
                    )
                    kinds[rec], modes[rec], ids[rec], orders[rec] = bits, code, index, order
                else:
                    problem = _block_problem(kinds[rec], blocked[rec], bits)
                    blocked[rec] |= bits
            if problem:
                self._count(problem, number)
        self.entries = order

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

    def _count(self, problem: str, line: int) -> None:
        if problem == "duplicate":
            self.duplicates += 1
        else:
            self.conflicts += 1
        self.first_problem = self.first_problem or (self._files - 1, line)

    def finish(self) -> Dictionary:
        """Build the automaton once every file is loaded (no more can be)."""
        self._id_index, self._regex_index = {}, {}  # for loading alone
        self._literal = len(self.kinds) > 0
        self._block_regexes = any(e.blocked for e in self.regexes)
        self.has_blocks = self._block_regexes or any(self.blocked)
        modes = set(self.modes) | {e.mode for e in self.regexes}
        self.has_force, self.has_prefer = FORCE in modes, PREFER in modes
        if self._literal:
            self.automaton.make_automaton()
        return self

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
        if self._literal:
            kinds, modes, lengths, orders, ids, blocked = (
                self.kinds, self.modes, self.lengths, self.orders, self.ids, self.blocked
            )  # fmt: skip
            for last, rec in self.automaton.iter(text, start, end):
                if (mode := modes[rec]) and not blocked[rec] & kinds[rec]:
                    out.append(
                        (last + 1 - lengths[rec], last + 1, kinds[rec], mode, orders[rec], ids[rec])
                    )
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

    def is_blocked(self, surface: str, kind: str) -> bool:
        """Is ``surface`` (a span of the normalized text) never an entity of type ``kind``?"""
        bits = TYPE_BITS.get(kind, 0)
        if self._literal:
            key = canonical_form(surface) if _SPACE.search(surface) else surface
            rec = self.automaton.get(key, -1)
            if rec >= 0 and self.blocked[rec] & bits:
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
    from seedner.dicts import cache

    files = [read_bytes(path) for path in paths]
    key = cache.key(files) if sum(map(len, files)) >= cache.MIN_BYTES else None
    if key is not None and (found := cache.load(key)) is not None:
        found.paths = paths  # the same bytes, perhaps under other names
        return found
    dictionary = Dictionary(paths)
    for path, data in zip(paths, files):
        dictionary.load(path, data)
    dictionary.finish()
    if key is not None:
        cache.store(key, dictionary)
    return dictionary
