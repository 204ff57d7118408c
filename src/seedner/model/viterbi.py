"""The CRF's decoding and BIO constraints in NumPy (no torch): shared by the torch CRF and
the ONNX tagger."""

from __future__ import annotations

import numpy as np

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
    """Best tag paths of a batch, in NumPy: per time step the batch is a few small arrays,
    where torch's per-operation overhead (and its threads' synchronisation) would dominate."""
    batch, length, _ = emissions.shape
    score = start[None, :] + emissions[:, 0]
    backpointers = np.empty((max(length - 1, 0), batch, len(start)), dtype=np.int64)
    for t in range(1, length):
        candidates = score[:, :, None] + trans[None]  # (batch, from, to)
        idx = candidates.argmax(1)
        best = candidates.max(1)
        score = np.where((lengths > t)[:, None], best + emissions[:, t], score)
        backpointers[t - 1] = idx
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
    return [row[:n] for row, n in zip(paths.tolist(), lengths.tolist())]
