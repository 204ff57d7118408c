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

from seedner.dicts.files import TYPE_BITS, read_entries
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
        self.first_problem = ""  # FILE:LINE of the first duplicate or conflict
        self._literal = False
        self.has_blocks = False  # any block entry at all

    def __len__(self) -> int:
        return self.entries

    # ------------------------------------------------------------------------------ building
    def load(self, path: str) -> None:
        """Add the entries of the file at ``path`` (DictionaryError for a bad one)."""
        get, add_word = self.automaton.get, self.automaton.add_word
        kinds, modes, blocked, ids = self.kinds, self.modes, self.blocked, self.ids
        lengths, orders = self.lengths, self.orders
        order = self.entries
        for surface, bits, mode, ident, regex, number in read_entries(path):
            order += 1
            code = 0 if mode == "block" else FORCE if mode == "force" else PREFER
            index = -1 if ident is None or not code else self._ident(ident)
            if regex:
                problem = self._add_regex(surface, bits, code, index, order)
            elif (rec := get(surface, -1)) < 0:  # a new surface: most of them
                add_word(surface, len(kinds))
                lengths.append(len(surface))
                orders.append(order)
                ids.append(index)
                if code:
                    kinds.append(bits)
                    modes.append(code)
                    blocked.append(0)
                else:
                    kinds.append(0)
                    modes.append(0)
                    blocked.append(bits)
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
                self._count(problem, f"{path}:{number}")
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

    def _count(self, problem: str, where: str) -> None:
        if problem == "duplicate":
            self.duplicates += 1
        else:
            self.conflicts += 1
        self.first_problem = self.first_problem or where

    def finish(self) -> Dictionary:
        """Build the automaton once every file is loaded."""
        self._literal = len(self.kinds) > 0
        self.has_blocks = any(self.blocked) or any(e.blocked for e in self.regexes)
        if self._literal:
            self.automaton.make_automaton()
        return self

    def warning(self) -> str | None:
        """One line counting duplicate and conflicting entries, or None."""
        if not (self.duplicates or self.conflicts):
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
            f"--dict: {' and '.join(counts)} (the same surface again; for another type, mode or"
            f" id the later entry wins, a block wins over the others), the first at"
            f" {self.first_problem}"
        )

    # ------------------------------------------------------------------------------ matching
    def matches(self, text: str, start: int = 0, end: int | None = None) -> list[Match]:
        """Every occurrence of a force or prefer entry inside ``text[start:end]``, overlapping
        ones included."""
        end = len(text) if end is None else end
        out: list[Match] = []
        if self._literal:
            kinds, modes, lengths, orders, ids = (
                self.kinds, self.modes, self.lengths, self.orders, self.ids
            )  # fmt: skip
            for last, rec in self.automaton.iter(text, start, end):
                if mode := modes[rec]:
                    out.append(
                        (last + 1 - lengths[rec], last + 1, kinds[rec], mode, orders[rec], ids[rec])
                    )
        for entry in self.regexes:
            if entry.mode:
                for found in entry.pattern.finditer(text, start, end):
                    if found.end() > found.start():
                        out.append(
                            (
                                found.start(),
                                found.end(),
                                entry.kind,
                                entry.mode,
                                entry.order,
                                entry.ident,
                            )
                        )
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
    dictionary = Dictionary(paths)
    for path in paths:
        dictionary.load(path)
    return dictionary.finish()
