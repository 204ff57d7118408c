"""The benchmark's data: dev sets with gold PER/ORG/LOC spans, and documents for speed runs.

Corpora are read where they lie (``../shared/datasets``) and never copied into the
repository; documents for whole-process timing are written to a temporary folder.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from ner_adapters import TYPES, Span

from seedner.bio import bio_spans, read_bio_tsv
from seedner.loading.labels import canonical_type

REPO = Path(__file__).resolve().parents[1]
DATASETS = REPO.parent / "shared" / "datasets"
CLUENER_TRAIN = DATASETS / "cluener" / "train.tsv"
# CLUENER has no dev file of its own: scripts/split_cluener.py carves one out of train.
CLUENER_DEV = REPO.parent / "data" / "cluener" / "dev.tsv"
DEFAULT_DEV_SETS = (
    DATASETS / "msra" / "dev.tsv",
    DATASETS / "peoples_daily_time" / "dev.tsv",
    DATASETS / "weibo" / "dev.tsv",
    CLUENER_DEV,
)
BIG_CORPUS_SOURCES = (DATASETS / "msra" / "train.tsv", DATASETS / "msra" / "dev.tsv")
BIG_CORPUS_MIN_CHARS = 1_500_000
SET_TITLES = {
    "msra": "MSRA",
    "peoples_daily_time": "People's Daily",
    "weibo": "Weibo",
    "cluener": "CLUENER",
}
DOC_CHARS = 2000


@dataclass
class DevSet:
    key: str  # short, unique within a run: the corpus folder's name
    title: str
    path: Path
    sentences: list[str] = field(default_factory=list)
    gold: list[list[Span]] = field(default_factory=list)

    @property
    def chars(self) -> int:
        return sum(map(len, self.sentences))


def read_sentences(path: Path, limit: int | None) -> tuple[list[str], list[list[Span]]]:
    """Texts and gold spans, corpus labels mapped to PER/ORG/LOC by ``canonical_type``.

    Weibo: PER.NAM → PER, ORG.NAM → ORG, LOC.NAM/GPE.NAM → LOC, nominal mentions dropped;
    CLUENER: name → PER, company/government/organization → ORG, address/scene → LOC, the
    other six types dropped; DATE (People's Daily) is not scored here.
    """
    texts, gold = [], []
    for text, tags in read_bio_tsv(path):
        if limit is not None and len(texts) >= limit:
            break
        texts.append(text)
        spans = [(s, e, canonical_type(k)) for s, e, k in bio_spans(tags)]
        gold.append([(s, e, k) for s, e, k in spans if k in TYPES])
    return texts, gold


def dev_key(path: Path, taken: set[str]) -> str:
    key = path.parent.name or path.stem
    if key in taken:  # two files from one corpus folder
        key = f"{key}-{path.stem}"
    return key


def load_dev_sets(paths: list[Path], limit: int | None) -> list[DevSet]:
    sets: list[DevSet] = []
    for path in paths:
        key = dev_key(path, {s.key for s in sets})
        title = SET_TITLES.get(key, key)
        texts, gold = read_sentences(path, limit)
        sets.append(DevSet(key, title, path, texts, gold))
    return sets


def default_dev_paths(scratch: Path) -> tuple[list[Path], list[str]]:
    """The four default dev sets that exist here, and a note for each one missing.

    The CLUENER split is made in ``scratch`` (with scripts/split_cluener.py, deterministic)
    when it has not been made at ``../data/cluener/dev.tsv``.
    """
    paths, missing = [], []
    for path in DEFAULT_DEV_SETS:
        if path == CLUENER_DEV and not path.is_file() and CLUENER_TRAIN.is_file():
            out = scratch / "cluener"
            subprocess.run(
                [sys.executable, str(REPO / "scripts" / "split_cluener.py"), str(CLUENER_TRAIN),
                 str(out)],
                check=True, stdout=subprocess.DEVNULL,
            )  # fmt: skip
            path = out / "dev.tsv"
        if path.is_file():
            paths.append(path)
        else:
            missing.append(f"dev set {path} not found: left out")
    return paths, missing


def make_documents(sentences: list[str], size: int = DOC_CHARS) -> list[str]:
    """Consecutive sentences joined until a document has at least ``size`` characters."""
    docs, parts, n = [], [], 0
    for s in sentences:
        parts.append(s)
        n += len(s)
        if n >= size:
            docs.append("".join(parts))
            parts, n = [], 0
    if parts:
        docs.append("".join(parts))
    return docs


def corpus_documents(sources: list[Path], max_chars: int | None) -> list[str]:
    """Sentences of the source TSV files, in order, joined into ~2,000-character documents."""
    sentences: list[str] = []
    total = 0
    for path in sources:
        for text, _ in read_bio_tsv(path):
            if max_chars is not None and total >= max_chars:
                break
            sentences.append(text)
            total += len(text)
    return make_documents(sentences)


def write_documents(docs: list[str], folder: Path) -> None:
    """One UTF-8 ``.txt`` file per document, names sorting in document order."""
    folder.mkdir(parents=True, exist_ok=True)
    width = len(str(len(docs)))
    for i, doc in enumerate(docs):
        (folder / f"doc-{i:0{width}d}.txt").write_text(doc, encoding="utf-8")
