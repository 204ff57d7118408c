"""The CRF's confidence in each entity it finds: the marginal probability of that exact span and
type, P(y_s = B-X, y_s+1..e-1 = I-X, y_e != I-X), by forward-backward over the lattice the
Viterbi path comes from (the same emissions, start, transition and end scores, BIO penalties
included), in NumPy and batched like :func:`seedner.model.viterbi.best_paths`.

The sums are kept in log space, in float64. Each step's log-sum-exp takes out the largest of
the previous step's values (per sentence) and sums the rest through the exponentiated
transitions, one small product per sentence: an ``exp`` and a ``log`` of the labels, not of
every (from, to) pair. No value is lost to underflow across steps, however far apart the
scores. Each sentence's sums use its own row only (no matrix product across the batch), so a
score does not depend on the batch it was in.

A temperature ``T`` divides emissions and transitions before the sums (calibration,
:mod:`seedner.model.calibration`); the Viterbi search reads the unscaled scores, so the
entities never depend on it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from seedner.model.viterbi import SpanReader, best_paths

Span = tuple[int, int, str]
ScoredSpan = tuple[int, int, str, float]


@dataclass(frozen=True, slots=True)
class ForwardBackward:
    """Forward and backward log-sums of a batch of sentences.

    ``alpha[b, t, y]``: the log of the summed exponentiated scores of every path over ``0..t``
    ending in label ``y`` (the emission at ``t`` included); ``beta[b, t, y]``: the same over
    ``t+1`` to the sentence's end (end score included), given ``y`` at ``t``. Scores are
    those divided by the temperature.
    """

    alpha: np.ndarray  # (batch, time, labels)
    beta: np.ndarray  # (batch, time, labels); past a sentence's end: unused
    log_z: np.ndarray  # (batch,): the log partition function of each sentence
    emissions: np.ndarray  # (batch, time, labels), float64
    trans: np.ndarray  # (labels, labels) [from, to]
    end: np.ndarray  # (labels,)
    lengths: np.ndarray  # (batch,)


def _logsumexp(values: np.ndarray) -> np.ndarray:
    """log(sum(exp(values))) over the last axis."""
    top = values.max(-1)
    return np.log(np.exp(values - top[..., None]).sum(-1)) + top


# A label whose paths all have probability 0 (below float64's range) has log -inf: no matter,
# exp(-inf) is 0 in every later sum.
@np.errstate(divide="ignore")
def forward_backward(
    emissions: np.ndarray,
    lengths: np.ndarray,
    start: np.ndarray,
    trans: np.ndarray,
    end: np.ndarray,
    temperature: float = 1.0,
) -> ForwardBackward:
    """The sums of a batch: ``emissions`` ``(batch, time, labels)``, sentence ``lengths``
    (at least 1), ``start``/``end`` ``(labels,)`` and ``trans`` ``[from, to]`` scores with
    the BIO penalties added. Past a sentence's length, its values are unused."""
    scale = 1.0 / temperature
    em = emissions.astype(np.float64) * scale
    start, trans, end = (np.asarray(a, dtype=np.float64) * scale for a in (start, trans, end))
    batch, time, _ = em.shape
    top = trans.max()
    into = np.exp(trans - top)  # [from, to], the largest 1

    alpha = np.empty_like(em)
    alpha[:, 0] = start + em[:, 0]
    for t in range(1, time):
        prev = alpha[:, t - 1]
        peak = prev.max(1, keepdims=True)
        summed = np.einsum("bi,ij->bj", np.exp(prev - peak), into)
        alpha[:, t] = np.log(summed) + (peak + top) + em[:, t]

    last = lengths - 1
    ending: dict[int, list[int]] = {}  # position -> the sentences whose last it is
    for row, t in enumerate(last.tolist()):
        ending.setdefault(t, []).append(row)
    beta = np.empty_like(em)
    beta[:, time - 1] = end
    for t in range(time - 2, -1, -1):
        ahead = em[:, t + 1] + beta[:, t + 1]
        peak = ahead.max(1, keepdims=True)
        summed = np.einsum("ij,bj->bi", into, np.exp(ahead - peak))
        beta[:, t] = np.log(summed) + (peak + top)
        if t in ending:  # where a sentence ends, its beta starts
            beta[ending[t], t] = end

    rows = np.arange(batch)
    log_z = _logsumexp(alpha[rows, last] + end)
    return ForwardBackward(alpha, beta, log_z, em, trans, end, np.asarray(lengths))


@np.errstate(divide="ignore")
def span_log_probabilities(
    sums: ForwardBackward,
    rows: np.ndarray,
    starts: np.ndarray,
    ends: np.ndarray,
    begin: np.ndarray,
    inside: np.ndarray,
) -> np.ndarray:
    """Log P(span) of spans ``[starts, ends)`` of sentences ``rows``: label ``begin`` at the
    start, ``inside`` after it to the end, and any label but ``inside`` right after it."""
    em, trans = sums.emissions, sums.trans
    spans = np.arange(len(rows))
    # into the span: every path to `begin` at the start, its emission included
    into = sums.alpha[rows, starts, begin]
    # inside it: the emissions and transitions of the one path through it
    width = ends - starts
    cumulative = np.cumsum(em[rows, :, inside], axis=1)  # (spans, time)
    inner = cumulative[spans, ends - 1] - cumulative[spans, starts]
    inner += np.where(width > 1, trans[begin, inside], 0.0)
    inner += np.maximum(width - 2, 0) * trans[inside, inside]
    last = np.where(width > 1, inside, begin)
    # out of it: the end of the sentence, or any label but `inside` next, and every path on
    at_end = ends >= sums.lengths[rows]
    nxt = np.minimum(ends, em.shape[1] - 1)
    onward = trans[last] + em[rows, nxt] + sums.beta[rows, nxt]
    onward[spans, inside] = -np.inf
    out = np.where(at_end, sums.end[last], _logsumexp(onward))
    return into + inner + out - sums.log_z[rows]


def stacked(parts: list[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    """Batches of ``(emissions, lengths)`` as one, padded to the longest (each sentence's
    results do not depend on the batch it is in)."""
    if len(parts) == 1:
        return parts[0]
    time = max(e.shape[1] for e, _ in parts)
    first = parts[0][0]
    emissions = np.zeros((sum(e.shape[0] for e, _ in parts), time, first.shape[2]), first.dtype)
    row = 0
    for e, _ in parts:
        emissions[row : row + e.shape[0], : e.shape[1]] = e
        row += e.shape[0]
    return emissions, np.concatenate([n for _, n in parts])


class Lattice:
    """A CRF's decoding and span scores over emissions: its start, transition ``[from, to]``
    and end scores (BIO penalties added), its labels and the temperature of its scores."""

    def __init__(
        self,
        labels: list[str],
        start: np.ndarray,
        trans: np.ndarray,
        end: np.ndarray,
        temperature: float = 1.0,
    ) -> None:
        self.start, self.trans, self.end = start, trans, end
        self.temperature = temperature
        self.reader = SpanReader(labels)
        index = {label: i for i, label in enumerate(labels)}
        # per type code of the reader (0: none): the ids of B-X and I-X
        codes = ("O", *self.reader.types)
        self.begin = np.array([index.get(f"B-{k}", 0) for k in codes], dtype=np.int64)
        self.inside = np.array([index.get(f"I-{k}", 0) for k in codes], dtype=np.int64)

    def paths(self, emissions: np.ndarray, lengths: np.ndarray) -> np.ndarray:
        """Best label ids ``(batch, time)``: the Viterbi search, which the temperature never
        touches."""
        return best_paths(emissions, lengths, self.start, self.trans, self.end)

    def spans(self, emissions: np.ndarray, lengths: np.ndarray) -> list[list[Span]]:
        """``(start, end, type)`` spans of the best paths."""
        return self.reader.spans(self.paths(emissions, lengths), lengths)

    def scored_spans(self, emissions: np.ndarray, lengths: np.ndarray) -> list[list[ScoredSpan]]:
        """The spans of :meth:`spans`, each with its marginal probability."""
        paths = self.paths(emissions, lengths)
        rows, starts, ends, kinds = self.reader.span_arrays(paths, lengths)
        found: list[list[ScoredSpan]] = [[] for _ in range(len(lengths))]
        if not len(rows):
            return found
        # only the sentences holding a span need their sums (often half of them or fewer)
        holding, where = np.unique(rows, return_inverse=True)
        if len(holding) < len(lengths):
            lengths = lengths[holding]
            emissions = emissions[holding, : int(lengths.max())]
        sums = forward_backward(
            emissions, lengths, self.start, self.trans, self.end, self.temperature
        )
        logs = span_log_probabilities(
            sums, where, starts, ends, self.begin[kinds], self.inside[kinds]
        )
        scores = np.clip(np.exp(logs), 0.0, 1.0)
        types = ("O", *self.reader.types)
        for row, s, e, k, p in zip(
            rows.tolist(), starts.tolist(), ends.tolist(), kinds.tolist(), scores.tolist()
        ):
            found[row].append((s, e, types[k], p))
        return found
