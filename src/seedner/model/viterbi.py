"""The CRF's decoding and BIO constraints in NumPy (no torch): shared by the torch CRF and
the ONNX tagger."""

from __future__ import annotations

import numpy as np

from seedner.bio import label_types

NEG = -1e4


def bio_constraints(labels: list[str]) -> np.ndarray:
    """Additive penalties (tags+1 start row) forbidding transitions BIO does not allow.

    Row ``n`` (the last) stands for the sentence start. ``I-X`` may only follow ``B-X``
    or ``I-X``.
    """
    n = len(labels)
    allowed = np.zeros((n + 1, n), dtype=np.float32)
    for j, to in enumerate(labels):
        if not to.startswith("I-"):
            continue
        kind = to[2:]
        for i in range(n + 1):
            frm = labels[i] if i < n else "O"
            if frm[2:] != kind or frm == "O":
                allowed[i, j] = NEG
    return allowed


def viterbi(
    emissions: np.ndarray,
    lengths: np.ndarray,
    start: np.ndarray,
    trans: np.ndarray,
    end: np.ndarray,
) -> list[list[int]]:
    """Best tag paths of a batch, one list of tag ids per sentence (as long as it)."""
    return trimmed(best_paths(emissions, lengths, start, trans, end), lengths)


def trimmed(paths: np.ndarray, lengths: np.ndarray) -> list[list[int]]:
    """The rows of a ``(batch, time)`` array of paths, each cut to its sentence's length."""
    return [row[:n] for row, n in zip(paths.tolist(), lengths.tolist())]


def best_paths(
    emissions: np.ndarray,
    lengths: np.ndarray,
    start: np.ndarray,
    trans: np.ndarray,
    end: np.ndarray,
) -> np.ndarray:
    """Best tag paths of a batch as a ``(batch, time)`` array (past a sentence's length: any
    value), in NumPy: per time step the batch is a few small arrays, where torch's
    per-operation overhead (and its threads' synchronisation) would dominate."""
    batch, length, n = emissions.shape
    score = start[None, :] + emissions[:, 0]
    backpointers = np.zeros((max(length - 1, 0), batch, n), dtype=np.int64)
    ascending = bool(np.all(lengths[:-1] <= lengths[1:]))  # the tagger sorts its batches
    for t in range(1, length):
        # The best previous label for every next one, a previous label at a time: whole-row
        # operations, where a reduction over an axis of n labels would loop per row. On a tie
        # the first label wins, as argmax would choose.
        idx = backpointers[t - 1]
        best = score[:, :1] + trans[0]
        for label in range(1, n):
            candidate = score[:, label : label + 1] + trans[label]
            better = candidate > best
            np.copyto(best, candidate, where=better)
            np.copyto(idx, label, where=better)
        best += emissions[:, t]
        if ascending:  # sentences still running are the batch's last rows
            first = int(np.searchsorted(lengths, t, side="right"))
            score[first:] = best[first:]
        else:
            score = np.where((lengths > t)[:, None], best, score)
    last = (score + end[None, :]).argmax(1)
    # Follow the back-pointers for the whole batch at once; each sentence starts from its own
    # last position (before it, the values are overwritten; after, unused).
    paths = np.empty((batch, length), dtype=np.int64)
    rows = np.arange(batch)
    tag = last
    for t in range(length - 1, -1, -1):
        tag = np.where(lengths - 1 == t, last, tag)
        paths[:, t] = tag
        if t:
            tag = backpointers[t - 1][rows, tag]
    return paths


class SpanReader:
    """``(start, end, type)`` spans of a batch of label-id paths, as
    :func:`seedner.bio.bio_spans` reads the labels' strings (a stray ``I-X`` opens a span),
    found with array operations instead of a Python step per character."""

    def __init__(self, labels: list[str]) -> None:
        self.types = label_types(labels)
        index = {kind: i for i, kind in enumerate(self.types, 1)}  # "O"[2:] is "": 0
        self.kind = np.array([index.get(label[2:], 0) for label in labels], dtype=np.int64)
        self.inside = np.array([label.startswith("I-") for label in labels])

    def span_arrays(
        self, paths: np.ndarray, lengths: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The spans of a batch as arrays: sentence rows, starts, ends (exclusive) and type
        codes (1-based indices into ``types``), in order of row then start."""
        batch, length = paths.shape
        valid = np.arange(length)[None, :] < lengths[:, None]
        kind = np.zeros((batch, length + 1), dtype=np.int64)
        kind[:, :length] = np.where(valid, self.kind[paths], 0)
        # position t continues the span before it: I-X after any label of type X
        cont = np.zeros((batch, length + 1), dtype=bool)
        cont[:, 1:length] = (
            self.inside[paths[:, 1:]]
            & valid[:, 1:]
            & (kind[:, 1:length] == kind[:, : length - 1])
            & (kind[:, : length - 1] != 0)
        )
        rows, starts = np.nonzero((kind != 0) & ~cont)
        _, lasts = np.nonzero((kind[:, :length] != 0) & ~cont[:, 1:])
        return rows, starts, lasts + 1, kind[rows, starts]

    def spans(self, paths: np.ndarray, lengths: np.ndarray) -> list[list[tuple[int, int, str]]]:
        rows, starts, ends, kinds = self.span_arrays(paths, lengths)
        found: list[list[tuple[int, int, str]]] = [[] for _ in range(paths.shape[0])]
        types = ("O", *self.types)
        for row, s, e, k in zip(rows.tolist(), starts.tolist(), ends.tolist(), kinds.tolist()):
            found[row].append((s, e, types[k]))
        return found
