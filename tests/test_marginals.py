"""Span marginals (forward-backward in NumPy) against brute-force enumeration of every BIO
path of small random lattices, and what follows from them being probabilities."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from seedner.model.marginals import Lattice, forward_backward, span_log_probabilities
from seedner.model.viterbi import bio_constraints

LABELS = ["O", "B-PER", "I-PER", "B-LOC", "I-LOC"]
TYPES = ("PER", "LOC")


def _valid(path: tuple[int, ...]) -> bool:
    """BIO: I-X only after B-X or I-X."""
    for prev, cur in zip((None, *path), path):
        label = LABELS[cur]
        if label.startswith("I-") and (prev is None or LABELS[prev][2:] != label[2:]):
            return False
    return True


def _lattice(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    n = len(LABELS)
    return rng.normal(size=n), rng.normal(size=(n, n)) * 2, rng.normal(size=n)


def _enumerated(
    emissions: np.ndarray, start: np.ndarray, trans: np.ndarray, end: np.ndarray, temperature: float
) -> dict[tuple[int, int, str], float]:
    """P(span) of every span and type of one sentence, summing over every valid path."""
    n = emissions.shape[0]
    weights: dict[tuple[int, ...], float] = {}
    for path in itertools.product(range(len(LABELS)), repeat=n):
        if not _valid(path):
            continue
        score = start[path[0]] + end[path[-1]] + sum(emissions[t, y] for t, y in enumerate(path))
        score += sum(trans[a, b] for a, b in itertools.pairwise(path))
        weights[path] = np.exp(score / temperature)
    z = sum(weights.values())
    out = {}
    for s, e, kind in itertools.product(range(n), range(1, n + 1), TYPES):
        if e <= s:
            continue
        b, i = LABELS.index(f"B-{kind}"), LABELS.index(f"I-{kind}")
        out[(s, e, kind)] = (
            sum(
                w
                for p, w in weights.items()
                if p[s] == b and all(y == i for y in p[s + 1 : e]) and (e == n or p[e] != i)
            )
            / z
        )
    return out


@pytest.mark.parametrize("temperature", [1.0, 1.7, 0.6])
@pytest.mark.parametrize("seed", range(4))
def test_span_marginals_match_enumeration_of_every_path(seed: int, temperature: float) -> None:
    rng = np.random.default_rng(seed)
    start, trans, end = _lattice(rng)
    penalty = bio_constraints(LABELS)
    lengths = rng.permutation(np.array([5, 1, 3, 4, 2]))  # unsorted, with a one-character one
    if seed % 2:
        lengths = np.sort(lengths)  # as the tagger sorts its batches
    emissions = (rng.normal(size=(len(lengths), 5, len(LABELS))) * 3).astype(np.float32)
    sums = forward_backward(
        emissions, lengths, start + penalty[-1], trans + penalty[:-1], end, temperature
    )
    rows, starts, ends, begin, inside, expected = [], [], [], [], [], []
    for row, n in enumerate(lengths.tolist()):
        truth = _enumerated(emissions[row, :n].astype(np.float64), start, trans, end, temperature)
        for (s, e, kind), p in truth.items():
            rows.append(row)
            starts.append(s)
            ends.append(e)
            begin.append(LABELS.index(f"B-{kind}"))
            inside.append(LABELS.index(f"I-{kind}"))
            expected.append(p)
    got = np.exp(span_log_probabilities(sums, *map(np.array, (rows, starts, ends, begin, inside))))
    np.testing.assert_allclose(got, expected, rtol=1e-9, atol=1e-12)


def test_emissions_hundreds_of_nats_apart_give_probabilities_not_nan() -> None:
    """Where exponentials of the scores underflow, the probabilities are still those of the
    enumeration (done in log space), never NaN."""
    rng = np.random.default_rng(1)
    start, trans, end = _lattice(rng)
    penalty = bio_constraints(LABELS)
    n = 4
    for _ in range(60):
        emissions = rng.normal(size=(1, n, len(LABELS))) * 400
        sums = forward_backward(
            emissions, np.array([n]), start + penalty[-1], trans + penalty[:-1], end
        )
        assert np.isfinite(sums.log_z).all()
        paths = [p for p in itertools.product(range(len(LABELS)), repeat=n) if _valid(p)]
        scores = np.array(
            [
                start[p[0]]
                + end[p[-1]]
                + sum(emissions[0, t, y] for t, y in enumerate(p))
                + sum(trans[a, b] for a, b in itertools.pairwise(p))
                for p in paths
            ]
        )
        top = scores.max()
        log_z = top + np.log(np.exp(scores - top).sum())
        assert sums.log_z[0] == pytest.approx(log_z, rel=1e-9)
        best = paths[int(scores.argmax())]
        b, i = best[0], best[0] + 1  # the first label of the best path, if a B-
        if LABELS[b].startswith("B-"):
            end_at = 1 + next((k for k, y in enumerate(best[1:]) if y != i), n - 1)
            arrays = [np.array([x]) for x in (0, 0, end_at, b, i)]
            got = np.exp(span_log_probabilities(sums, *arrays))[0]
            assert 0.0 <= got <= 1.0 + 1e-9


def test_scores_of_exclusive_alternatives_sum_to_at_most_one() -> None:
    """Spans covering one position are exclusive events: their probabilities sum to at most 1
    (to 1 with "no entity there" added); every score lies in [0, 1]."""
    rng = np.random.default_rng(7)
    start, trans, end = _lattice(rng)
    penalty = bio_constraints(LABELS)
    n = 6
    emissions = rng.normal(size=(1, n, len(LABELS))) * 2
    sums = forward_backward(
        emissions, np.array([n]), start + penalty[-1], trans + penalty[:-1], end
    )
    spans = [
        (s, e, k) for s in range(n) for e in range(s + 1, n + 1) for k in TYPES
    ]  # every span of every type
    arrays = [
        np.zeros(len(spans), dtype=np.int64),
        np.array([s for s, _, _ in spans]),
        np.array([e for _, e, _ in spans]),
        np.array([LABELS.index(f"B-{k}") for _, _, k in spans]),
        np.array([LABELS.index(f"I-{k}") for _, _, k in spans]),
    ]
    probs = np.exp(span_log_probabilities(sums, *arrays))
    assert ((probs >= 0) & (probs <= 1 + 1e-12)).all()
    outside = np.exp(sums.alpha[0, :, 0] + sums.beta[0, :, 0] - sums.log_z[0])  # P(O at t)
    for t in range(n):
        covering = sum(p for (s, e, _), p in zip(spans, probs) if s <= t < e)
        assert covering <= 1 + 1e-9
        assert covering + outside[t] == pytest.approx(1.0, abs=1e-9)


def test_lattice_scores_its_own_viterbi_spans_and_keeps_them() -> None:
    """The scored spans are the Viterbi spans whatever the temperature, and in a batch each
    sentence's score is the one it gets alone."""
    rng = np.random.default_rng(3)
    start, trans, end = _lattice(rng)
    penalty = bio_constraints(LABELS)
    crf = (start + penalty[-1], trans + penalty[:-1], end)
    lengths = np.array([3, 7, 9, 12])
    emissions = (rng.normal(size=(4, 12, len(LABELS))) * 4).astype(np.float32)
    plain = Lattice(LABELS, *crf).spans(emissions, lengths)
    for temperature in (1.0, 2.5):
        scored = Lattice(LABELS, *crf, temperature=temperature).scored_spans(emissions, lengths)
        assert [[span[:3] for span in row] for row in scored] == plain
        for row, n in enumerate(lengths.tolist()):
            alone = Lattice(LABELS, *crf, temperature=temperature).scored_spans(
                emissions[row : row + 1, :n], lengths[row : row + 1]
            )
            assert alone[0] == scored[row]
    assert any(plain)
