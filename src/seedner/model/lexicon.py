"""Word knowledge as model input: for each character, which kinds of words cover it and where.

Chinese NER gains from knowing the words around a character (SoftLexicon, Ma et al. 2020). A
lexicon entry is a word with class bits: its length (2, 3, 4+), the part of speech a general
dictionary gives it (person, place, organization, other proper noun — a feature, never a type:
jieba's dictionary calls the brand 宝马 ``nr``), and the lists it is on (administrative
divisions, family names, organization suffixes). Every match of an entry in a sentence sets
its bits at the characters it covers, by position: Begin, Middle, End, or Single for one
character. Each character gets ``4 × CLASSES`` binary inputs, fed to the network beside its
embeddings (the first GRU layer's weights for them start at zero: a model trained without
them is unchanged until training gives them a use).

Matching is array operations over a batch's sentences joined (hashes of every n characters
looked up among the entries' hashes), several times as fast as a compiled Aho–Corasick
automaton whose every match costs a Python object. The entries ship with the model
(``lexicon.tsv.gz``).
"""

from __future__ import annotations

import gzip
from collections.abc import Iterable
from pathlib import Path

import numpy as np

FILE = "lexicon.tsv.gz"
CLASSES = (
    "len2",
    "len3",
    "len4+",
    "person",
    "place",
    "organization",
    "proper",
    "division",
    "surname",
    "org-suffix",
)
BIT = {name: 1 << i for i, name in enumerate(CLASSES)}
POSITIONS = ("B", "M", "E", "S")
WIDTH = len(POSITIONS) * len(CLASSES)  # inputs per character
# jieba's part-of-speech tags → class
POS_CLASS = {
    "nr": "person",
    "nrt": "person",
    "nrfg": "person",
    "ns": "place",
    "nt": "organization",
    "nz": "proper",
}
# Words that end organization names (the longest are matched as words of their own)
ORG_SUFFIXES = (
    "公司",
    "集团",
    "银行",
    "大学",
    "学院",
    "中学",
    "小学",
    "学校",
    "医院",
    "研究院",
    "研究所",
    "研究中心",
    "中心",
    "委员会",
    "协会",
    "学会",
    "基金会",
    "联合会",
    "商会",
    "办公室",
    "办公厅",
    "管理局",
    "总局",
    "局",
    "厅",
    "部",
    "处",
    "科",
    "署",
    "委",
    "所",
    "院",
    "社",
    "报社",
    "电视台",
    "电台",
    "出版社",
    "俱乐部",
    "工作室",
    "事务所",
    "党委",
    "政府",
    "法院",
    "检察院",
    "公安局",
    "派出所",
    "工厂",
    "厂",
    "店",
    "酒店",
    "饭店",
    "宾馆",
    "超市",
    "网",
    "集团公司",
    "有限公司",
    "股份有限公司",
    "有限责任公司",
)


def length_class(word: str) -> int:
    return BIT["len2"] if len(word) == 2 else BIT["len3"] if len(word) == 3 else BIT["len4+"]


def jieba_entries(dict_txt: str | Path) -> dict[str, int]:
    """Entries of jieba's ``dict.txt`` (``word freq pos`` lines): words of two or more
    characters, their length class and the class of their part of speech."""
    entries: dict[str, int] = {}
    with open(dict_txt, encoding="utf-8") as lines:
        for line in lines:
            parts = line.split()
            if not parts or len(parts[0]) < 2:
                continue
            word = parts[0]
            bits = length_class(word)
            kind = POS_CLASS.get(parts[2]) if len(parts) > 2 else None
            if kind:
                bits |= BIT[kind]
            entries[word] = entries.get(word, 0) | bits
    return entries


def list_entries() -> dict[str, int]:
    """The lists that ship with seedner: administrative divisions (full and short names),
    family names, organization suffixes."""
    from seedner.rules.gazetteer import division_names
    from seedner.text.surnames import surnames

    entries: dict[str, int] = {}

    def add(words: Iterable[str], kind: str) -> None:
        for word in words:
            bits = BIT[kind] | (length_class(word) if len(word) > 1 else 0)
            entries[word] = entries.get(word, 0) | bits

    add(division_names(), "division")
    add(surnames(), "surname")
    add(ORG_SUFFIXES, "org-suffix")
    return entries


def write_entries(entries: dict[str, int], folder: Path) -> None:
    """``lexicon.tsv.gz``: ``word<TAB>bits`` lines in word order (reproducible bytes)."""
    lines = "".join(f"{word}\t{bits}\n" for word, bits in sorted(entries.items()))
    with gzip.GzipFile(folder / FILE, "wb", mtime=0) as out:
        out.write(lines.encode("utf-8"))


def read_entries(path: Path) -> dict[str, int]:
    words, bits = read_columns(path)
    return dict(zip(words, bits.tolist()))


def read_columns(path: Path) -> tuple[list[str], np.ndarray]:
    """The words of ``lexicon.tsv.gz`` and their class bits, in file order."""
    text = gzip.decompress(path.read_bytes()).decode("utf-8")
    fields = text.replace("\t", "\n").split("\n")[:-1]  # word, bits, word, bits …
    bits = np.fromiter(map(int, fields[1::2]), dtype=np.int64, count=len(fields) // 2)
    return fields[0::2], bits


# Multiplier of the polynomial hash of a word's code points (mod 2**64): odd, well mixed
_MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)
_ONE = np.uint64(1)  # added to every key: 0 marks an empty slot of a hash table
_MIX = np.uint64(0xD6E8FEB86659FD93)  # spreads keys over the slots (by the product's top bits)


class HashTable:
    """Linear probing over nonzero 64-bit keys with integer values, built and probed with
    array operations.

    Built in one sort (none for keys already in that order): keys in order of their home
    slot, each goes to the first slot at or after its home that the keys before it left free —
    a running maximum of ``home - rank``, plus the rank. Probing never wraps: the table ends
    in free slots instead.
    """

    def __init__(self, keys: np.ndarray, values: np.ndarray) -> None:
        bits = max(4, int(2 * len(keys) - 1).bit_length())  # at most half full
        self.shift = np.uint64(64 - bits)
        home = self._slots(keys)
        if np.any(home[1:] < home[:-1]):
            order = np.argsort(home, kind="stable")
            keys, values, home = keys[order], values[order], home[order]
        rank = np.arange(len(keys))
        slots = np.maximum.accumulate(home - rank) + rank
        size = max(1 << bits, int(slots[-1]) + 2 if len(keys) else 1)  # a free slot at the end
        self.keys = np.zeros(size, dtype=np.uint64)
        self.values = np.zeros(size, dtype=values.dtype)
        self.keys[slots], self.values[slots] = keys, values

    def _slots(self, keys: np.ndarray) -> np.ndarray:
        with np.errstate(over="ignore"):
            return ((keys * _MIX) >> self.shift).astype(np.int64)

    def find(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(hit, values)``: which ``keys`` are in the table and their values (0 if not)."""
        hit = np.zeros(len(keys), dtype=bool)
        values = np.zeros(len(keys), dtype=self.values.dtype)
        slots = self._slots(keys)
        pending = np.arange(len(keys))
        while len(pending):
            stored = self.keys[slots[pending]]
            same = stored == keys[pending]
            hit[pending[same]] = True
            values[pending[same]] = self.values[slots[pending[same]]]
            pending = pending[~same & (stored != 0)]
            slots[pending] += 1
        return hit, values


class Lexicon:
    """The compiled entries; :meth:`features` gives a batch's lexicon inputs.

    For each length n, a hash table of the 64-bit hashes of the first n characters of every
    entry at least n long, with the class bits of the entry that is exactly that prefix (0 when
    none is). A batch is matched with array operations: every position starts alive; at length
    n the hash of its n characters (extended from n-1) is looked up, matches are read off, and
    only positions whose n characters begin some entry stay alive — after two or three
    characters few do. Building takes a fraction of a second, so nothing is cached.
    """

    def __init__(self, entries: dict[str, int]) -> None:
        self._compile(list(entries), np.fromiter(entries.values(), np.int64, len(entries)))

    def _compile(self, words: list[str], bits: np.ndarray) -> None:
        joined = "".join(words)
        if "\x00" in joined:  # the separator of a batch's sentences is in no word
            keep = np.array(["\x00" not in w for w in words], dtype=bool)
            words, bits = [w for w, k in zip(words, keep) if k], bits[keep]
            joined = "".join(words)
        lengths = np.fromiter(map(len, words), dtype=np.int64, count=len(words))
        flat = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), np.uint32)
        flat = flat.astype(np.uint64)  # every word's code points, one after another
        offsets = np.cumsum(lengths) - lengths
        # rows longest first, so that the words at least n long are the first rows
        order = np.argsort(-lengths, kind="stable")
        lengths, bits, offsets = lengths[order], bits[order], offsets[order]
        longest = int(lengths[0]) if len(words) else 0
        hashes = np.zeros(len(words), dtype=np.uint64)
        power = np.uint64(1)
        self.tables: list[HashTable] = []
        with np.errstate(over="ignore"):
            for n in range(1, longest + 1):
                rows = int(np.searchsorted(-lengths, -n, side="right"))  # words >= n long
                hashes = hashes[:rows]
                hashes += flat[offsets[:rows] + n - 1] * power
                power *= _MULTIPLIER
                kinds = np.where(lengths[:rows] == n, bits[:rows], 0)
                # In the order of the tables' slots (equal keys together); of equal keys, the
                # bits of the one word exactly n long, if there is one (the others' are 0)
                keys = hashes + _ONE
                by_slot = np.argsort(keys * _MIX)
                keys, values = keys[by_slot], kinds[by_slot]
                first = np.flatnonzero(np.append(True, keys[1:] != keys[:-1]))
                values = np.maximum.reduceat(values, first) if len(first) else values
                # class bits fit in 16 bits: the tables' values take a quarter of the room
                self.tables.append(HashTable(keys[first], values.astype(np.int16)))

    @classmethod
    def load(cls, folder: Path) -> Lexicon | None:
        """The lexicon of a saved model; None when it has none."""
        path = folder / FILE
        if not path.is_file():
            return None
        self = cls.__new__(cls)
        self._compile(*read_columns(path))
        return self

    def char_bits(self, joined: str) -> np.ndarray:
        """``(len(joined), 4)`` class bits per character and position (B, M, E, S)."""
        size = len(joined)
        bits = np.zeros((size, len(POSITIONS)), dtype=np.int64)
        codes = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        codes = codes.astype(np.uint64)
        alive = np.arange(size)  # positions whose characters so far begin some entry
        hashes = np.zeros(size, dtype=np.uint64)
        power = np.uint64(1)
        with np.errstate(over="ignore"):
            for n, table in enumerate(self.tables, 1):
                inside = alive + n - 1 < size
                alive, hashes = alive[inside], hashes[inside]
                if not len(alive):
                    break
                hashes += codes[alive + n - 1] * power
                power *= _MULTIPLIER
                hit, kinds = table.find(hashes + _ONE)
                alive, hashes, kinds = alive[hit], hashes[hit], kinds[hit]
                word = kinds != 0
                starts, kinds = alive[word], kinds[word]
                # each start once per length: plain indexed ORs are exact
                if n == 1:
                    bits[starts, 3] |= kinds
                    continue
                bits[starts, 0] |= kinds
                bits[starts + n - 1, 2] |= kinds
                for k in range(1, n - 1):
                    bits[starts + k, 1] |= kinds
        return bits

    def packed_codes(self, texts: list[str]) -> np.ndarray:
        """``(batch, time)`` int64, zero-padded: each character's 4 × 10 class bits (``CLASSES``
        at each position B, M, E, S of the words covering it) in one integer, position-major as
        the inputs are."""
        length = max(map(len, texts), default=0)
        # each text padded to one row of length + 1 characters: "\x00" is in no entry, so
        # the rows of the matches' bits are the batch's rows, with no scattering
        joined = "".join(text.ljust(length + 1, "\x00") for text in texts)
        bits = self.char_bits(joined)
        packed = bits[:, 0].copy()
        for position in range(1, len(POSITIONS)):
            packed |= bits[:, position] << (position * len(CLASSES))
        return packed.reshape(len(texts), length + 1)[:, :length]

    def features(self, texts: list[str], out: np.ndarray | None = None) -> np.ndarray:
        """Float32 ``(batch, time, WIDTH)`` lexicon inputs of ``texts``, zero-padded; written
        into ``out`` (a view of that shape, say the last columns of a model's input) if given."""
        grid = self.packed_codes(texts).astype("<u8")
        length = grid.shape[1]
        flags = np.unpackbits(
            np.ascontiguousarray(grid).view(np.uint8).reshape(len(texts), length, 8),
            axis=-1,
            count=WIDTH,
            bitorder="little",
        )
        if out is None:
            return flags.astype(np.float32)
        out[...] = flags
        return out
