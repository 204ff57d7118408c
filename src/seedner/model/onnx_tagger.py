"""Tagging with a GRU model's ONNX encoder, in NumPy and ONNX Runtime alone (no torch).

Features are embedding look-ups, the BiGRU and output layer run in ONNX Runtime
(:mod:`seedner.model.onnx_encoder` writes the graph), and the CRF's Viterbi search is NumPy.
The values are those of the torch network (the tests compare them); a process that only tags
never imports torch, which saves about 220 MB and two seconds of start-up per process.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from seedner.model.features import Featurizer
from seedner.model.viterbi import SpanReader, best_paths, bio_constraints

FILE = "encoder.onnx"
TABLES = ("char_embed.weight", "bigram_embed.weight", "shape_embed.weight")
CRF = ("crf.start", "crf.transitions", "crf.end")

_threads = 0  # ONNX Runtime's intra-op threads; 0: its default (one per physical core)


def set_threads(threads: int) -> None:
    """Threads of the encoder sessions made from now on in this process."""
    global _threads
    _threads = max(0, threads)


class EncoderSession:
    """An ONNX Runtime session over an exported encoder."""

    def __init__(self, graph: str | Path | bytes, threads: int | None = None) -> None:
        """``graph``: an ONNX file or its bytes; ``threads``: default :func:`set_threads`'s."""
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = _threads if threads is None else threads
        options.inter_op_num_threads = 1
        # busy-waiting threads only steal time from other work on a loaded machine
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        source = graph if isinstance(graph, bytes) else str(graph)
        self.session = ort.InferenceSession(source, options, providers=["CPUExecutionProvider"])

    def run(self, x: np.ndarray, lengths: np.ndarray) -> np.ndarray:
        """Float32 emissions ``(batch, time, labels)`` of features ``x`` (batch, time, features)."""
        feed = {"x": np.ascontiguousarray(x, dtype=np.float32), "lengths": lengths.astype(np.int64)}
        return self.session.run(None, feed)[0]


class OnnxTagger:
    """Best label ids per character: embeddings → ONNX encoder → Viterbi."""

    def __init__(
        self,
        featurizer: Featurizer,
        labels: list[str],
        tables: tuple[np.ndarray, np.ndarray, np.ndarray],
        crf: tuple[np.ndarray, np.ndarray, np.ndarray],
        encoder: Any,
    ) -> None:
        """``labels``: the BIO labels of the ids; ``tables``: float32 character, bigram and
        shape embeddings; ``crf``: start scores, transitions ``[from, to]`` and end scores with
        the BIO penalties already added; ``encoder``: anything with
        :meth:`EncoderSession.run`."""
        self.featurizer = featurizer
        self.tables = tables
        self.start, self.trans, self.end = crf
        self.encoder = encoder
        self.reader = SpanReader(labels)

    @classmethod
    def load(cls, folder: Path, featurizer: Featurizer, labels: list[str]) -> OnnxTagger | None:
        """The tagger of a saved GRU model; None when the folder has no ONNX encoder or
        safetensors weights, or ONNX Runtime is not installed."""
        from seedner.model.weights import load_numpy

        if not (folder / FILE).is_file():
            return None
        try:
            encoder = EncoderSession(folder / FILE)
        except ImportError:
            return None
        arrays = load_numpy(folder, [*TABLES, *CRF])
        if arrays is None:
            return None
        penalty = bio_constraints(labels)
        start, trans, end = (arrays[name] for name in CRF)
        crf = (start + penalty[-1], trans + penalty[:-1], end)
        tables = (arrays[TABLES[0]], arrays[TABLES[1]], arrays[TABLES[2]])
        return cls(featurizer, labels, tables, crf, encoder)

    def features(self, chars: np.ndarray, bigrams: np.ndarray, shapes: np.ndarray) -> np.ndarray:
        """Float32 ``(batch, time, features)``: character, bigram i and i+1, shape embeddings
        (``bigrams`` has one more column than ``chars``)."""
        char_table, bigram_table, shape_table = self.tables
        big = bigram_table[bigrams]
        parts = [char_table[chars], big[:, :-1], big[:, 1:], shape_table[shapes]]
        return np.concatenate(parts, axis=-1)

    def best_paths(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """``(paths, lengths)`` of non-empty ``texts``: best label ids, ``(batch, time)``."""
        chars, bigrams, shapes = self.featurizer.encode(texts)
        lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
        emissions = self.encoder.run(self.features(chars, bigrams, shapes), lengths)
        return best_paths(emissions, lengths, self.start, self.trans, self.end), lengths

    def paths(self, texts: list[str]) -> list[list[int]]:
        """Best label ids per character of non-empty ``texts``."""
        paths, lengths = self.best_paths(texts)
        return [row[:n] for row, n in zip(paths.tolist(), lengths.tolist())]

    def spans(self, texts: list[str]) -> list[list[tuple[int, int, str]]]:
        """``(start, end, type)`` entity spans of non-empty ``texts``."""
        return self.reader.spans(*self.best_paths(texts))
