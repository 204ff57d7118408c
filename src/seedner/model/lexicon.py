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

Matching is one Aho–Corasick pass (pyahocorasick, compiled) over a batch's sentences joined,
and the bits are spread with array operations. The entries ship with the model
(``lexicon.tsv.gz``); the compiled automaton is cached beside HanLP's models, so later loads
take a tenth of a second instead of one.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import pickle
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
POS_CLASS = {"nr": "person", "nrt": "person", "nrfg": "person", "ns": "place", "nt": "organization"}
POS_CLASS["nz"] = "proper"
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
LENGTH_SHIFT = 16


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
    text = gzip.decompress(path.read_bytes()).decode("utf-8")
    entries = {}
    for line in text.splitlines():
        word, _, bits = line.partition("\t")
        entries[word] = int(bits)
    return entries


class Lexicon:
    """The compiled entries; :meth:`features` gives a batch's lexicon inputs."""

    def __init__(self, entries: dict[str, int]) -> None:
        import ahocorasick

        automaton = ahocorasick.Automaton(ahocorasick.STORE_INTS)
        for word, bits in entries.items():
            if word and "\x00" not in word:
                automaton.add_word(word, bits | (len(word) << LENGTH_SHIFT))
        automaton.make_automaton()
        self.automaton = automaton
        self._shifts = np.arange(len(CLASSES), dtype=np.int64)

    @classmethod
    def load(cls, folder: Path) -> Lexicon | None:
        """The lexicon of a saved model (None when it has none), from the cache when the
        compiled automaton is there."""
        path = folder / FILE
        if not path.is_file():
            return None
        data = path.read_bytes()
        cache = _cache_dir() / f"lexicon-{hashlib.sha256(data).hexdigest()[:16]}.pickle"
        try:
            with open(cache, "rb") as f:
                self = cls.__new__(cls)
                self.automaton = pickle.load(f)
                self._shifts = np.arange(len(CLASSES), dtype=np.int64)
                return self
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError):
            pass
        self = cls(read_entries(path))
        try:
            cache.parent.mkdir(parents=True, exist_ok=True)
            partial = cache.with_suffix(f".{os.getpid()}.tmp")
            with open(partial, "wb") as f:
                pickle.dump(self.automaton, f, protocol=pickle.HIGHEST_PROTOCOL)
            partial.replace(cache)
        except OSError:  # a read-only home: compiled again next time
            pass
        return self

    def char_bits(self, joined: str) -> np.ndarray:
        """``(len(joined), 4)`` class bits per character and position (B, M, E, S)."""
        bits = np.zeros((len(joined), len(POSITIONS)), dtype=np.int64)
        found = np.array(list(self.automaton.iter(joined)), dtype=np.int64).reshape(-1, 2)
        if not len(found):
            return bits
        end, value = found[:, 0], found[:, 1]
        length = value >> LENGTH_SHIFT
        kinds = value & ((1 << LENGTH_SHIFT) - 1)
        start = end - length + 1
        single = length == 1
        np.bitwise_or.at(bits[:, 3], start[single], kinds[single])
        multi = ~single
        np.bitwise_or.at(bits[:, 0], start[multi], kinds[multi])
        np.bitwise_or.at(bits[:, 2], end[multi], kinds[multi])
        inner = length - 2
        long = inner > 0
        if long.any():
            counts = inner[long]
            firsts = np.repeat(start[long] + 1 - np.cumsum(counts) + counts, counts)
            positions = firsts + np.arange(int(counts.sum()))
            np.bitwise_or.at(bits[:, 1], positions, np.repeat(kinds[long], counts))
        return bits

    def features(self, texts: list[str]) -> np.ndarray:
        """Float32 ``(batch, time, WIDTH)`` lexicon inputs of ``texts``, zero-padded."""
        lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
        length = int(lengths.max()) if len(texts) else 0
        bits = self.char_bits("\x00".join(texts))
        # text i starts at starts[i] of the joined text (one separator after each text)
        starts = np.cumsum(lengths + 1) - lengths - 1
        cols = np.arange(int(lengths.sum())) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        rows = np.repeat(starts, lengths) + cols
        flags = ((bits[rows][:, :, None] >> self._shifts) & 1).astype(np.float32)
        out = np.zeros((len(texts), length, WIDTH), dtype=np.float32)
        batch = np.repeat(np.arange(len(texts)), lengths)
        out[batch, cols] = flags.reshape(len(rows), WIDTH)
        return out


def _cache_dir() -> Path:
    """Beside HanLP's models (``HANLP_HOME``), else the user's cache folder."""
    home = os.environ.get("HANLP_HOME")
    if home:
        return Path(home) / "seedner"
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "seedner"
