"""SpanReader reads label-id paths exactly as bio_spans reads their label strings."""

from __future__ import annotations

import numpy as np

from seedner.bio import bio_spans
from seedner.model.viterbi import SpanReader

LABELS = ["O", "B-LOC", "I-LOC", "B-ORG", "I-ORG", "B-PER", "I-PER"]


def test_span_reader_matches_bio_spans_on_every_kind_of_path() -> None:
    rng = np.random.default_rng(0)
    reader = SpanReader(LABELS)
    for _ in range(50):
        batch, length = int(rng.integers(1, 12)), int(rng.integers(1, 30))
        # stray I- tags, I- of another type, spans at both ends: all occur in random paths
        paths = rng.integers(0, len(LABELS), size=(batch, length))
        lengths = rng.integers(1, length + 1, size=batch)
        lengths[0] = length
        expected = [bio_spans([LABELS[t] for t in row[:n]]) for row, n in zip(paths, lengths)]
        assert reader.spans(paths, lengths) == expected


def test_span_reader_ignores_labels_past_each_sentence_end() -> None:
    reader = SpanReader(LABELS)
    paths = np.array([[5, 6, 6, 0, 1], [1, 2, 6, 6, 6]])
    assert reader.spans(paths, np.array([5, 2])) == [
        [(0, 3, "PER"), (4, 5, "LOC")],
        [(0, 2, "LOC")],
    ]
