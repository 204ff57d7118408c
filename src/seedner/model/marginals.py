"""The CRF's confidence in each entity it finds: the marginal probability of that exact span and
type, P(y_s = B-X, y_s+1..e-1 = I-X, y_e != I-X), by forward-backward over the lattice the
Viterbi path comes from (the same emissions, start, transition and end scores, BIO penalties
included), in NumPy and batched like :func:`seedner.model.viterbi.best_paths`.

The sums run in float64 on scaled probabilities: every step multiplies by the exponentiated
transitions and renormalizes, keeping the log of each step's normalizer, so nothing overflows
or underflows and the results come out as logs (the forward-backward of Rabiner's scaling,
equal to the log-space recursion). That costs a product and a sum per step, not an ``exp`` and
a ``log`` of every (from, to) pair as a logsumexp does. Each sentence's sums use its own row
only (no matrix product across the batch), so a score does not depend on the batch it was in.

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
    """Forward and backward sums of a batch of sentences, scaled per step.

    ``alpha[b, t] * exp(log_alpha[b, t])`` is the sum of the scores of every path over
    ``0..t`` ending in each label (emission at ``t`` included); ``beta[b, t] *
    exp(log_beta[b, t])`` the sum over ``t+1..`` to the end, given the label at ``t``. Both
    in exponentiated units of ``emissions`` (``x``: their per-position exponentials,
    ``shift``: the maxima taken out).
    """

    alpha: np.ndarray  # (batch, time, labels), each row sums to 1
    log_alpha: np.ndarray  # (batch, time)
    beta: np.ndarray  # (batch, time, labels), each row sums to 1 (within the sentence)
    log_beta: np.ndarray  # (batch, time)
    log_z: np.ndarray  # (batch,): the log partition function of each sentence
    x: np.ndarray  # (batch, time, labels): exp(emissions - shift)
    shift: np.ndarray  # (batch, time): each position's largest emission
    emissions: np.ndarray  # (batch, time, labels), float64, divided by the temperature
    trans: np.ndarray  # (labels, labels) [from, to], divided by the temperature
    end: np.ndarray  # (labels,), divided by the temperature
    lengths: np.ndarray  # (batch,)


# Past a sentence's end the values are unused: a normalizer of 0 there (a log of 0, a 0/0)
# is no matter. Within it a probability may underflow to 0: its log is -inf, its score 0.
@np.errstate(divide="ignore", invalid="ignore")
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
    shift = em.max(2)
    x = np.exp(em - shift[:, :, None])
    top = trans.max()
    into = np.exp(trans - top)  # [from, to]
    lead, tail = start.max(), end.max()
    ends = np.exp(end - tail)

    alpha = np.empty_like(x)
    norms = np.empty((batch, time))
    first = np.exp(start - lead) * x[:, 0]
    norms[:, 0] = first.sum(1)
    alpha[:, 0] = first / norms[:, :1]
    for t in range(1, time):
        step = np.einsum("bi,ij->bj", alpha[:, t - 1], into) * x[:, t]
        norms[:, t] = step.sum(1)
        alpha[:, t] = step / norms[:, t, None]
    log_alpha = np.cumsum(shift + np.log(norms), axis=1) + lead + top * np.arange(time)

    last = lengths - 1
    ending: dict[int, list[int]] = {}  # position -> the sentences whose last it is
    for row, t in enumerate(last.tolist()):
        ending.setdefault(t, []).append(row)
    beta = np.empty_like(x)
    totals = np.ones((batch, time))
    closing = ends / ends.sum()
    beta[:, time - 1] = closing
    for t in range(time - 2, -1, -1):
        step = np.einsum("ij,bj->bi", into, x[:, t + 1] * beta[:, t + 1])
        totals[:, t] = step.sum(1)
        beta[:, t] = step / totals[:, t, None]
        if t in ending:  # where a sentence ends, its beta starts
            beta[ending[t], t] = closing
    # log of what each step multiplied beta by: the end scores at the last position, then
    # each step's normalizer and the maxima taken out of its exponentials
    steps = np.zeros((batch, time))
    grows = np.log(totals[:, :-1]) + shift[:, 1:] + top
    steps[:, :-1] = np.where(np.arange(time - 1)[None, :] < last[:, None], grows, 0.0)
    steps[np.arange(batch), last] = np.log(ends.sum()) + tail
    log_beta = np.cumsum(steps[:, ::-1], axis=1)[:, ::-1]

    rows = np.arange(batch)
    final = (alpha[rows, last] * ends).sum(1)
    log_z = log_alpha[rows, last] + np.log(final) + tail
    return ForwardBackward(
        alpha, log_alpha, beta, log_beta, log_z, x, shift, em, trans, end, np.asarray(lengths)
    )


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
    # into the span: every path to `begin` at the start, its emission included
    into = np.log(sums.alpha[rows, starts, begin]) + sums.log_alpha[rows, starts]
    # inside it: the emissions and transitions of the one path through it
    width = ends - starts
    cumulative = np.cumsum(em[rows, :, inside], axis=1)  # (spans, time)
    inner = cumulative[np.arange(len(rows)), ends - 1] - cumulative[np.arange(len(rows)), starts]
    inner += np.where(width > 1, trans[begin, inside], 0.0)
    inner += np.maximum(width - 2, 0) * trans[inside, inside]
    last = np.where(width > 1, inside, begin)
    # out of it: the end of the sentence, or any label but `inside` next, and every path on
    at_end = ends >= sums.lengths[rows]
    nxt = np.minimum(ends, em.shape[1] - 1)
    weights = np.exp(trans[last] - trans.max()) * sums.x[rows, nxt] * sums.beta[rows, nxt]
    weights[np.arange(len(rows)), inside] = 0.0
    onward = np.log(weights.sum(1)) + trans.max() + sums.shift[rows, nxt] + sums.log_beta[rows, nxt]
    out = np.where(at_end, sums.end[last], onward)
    return into + inner + out - sums.log_z[rows]


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
