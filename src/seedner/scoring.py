"""Scoring predicted spans against gold spans: precision, recall and F1 per type and micro.

Pure functions over ``(start, end, type)`` spans: ``seedner evaluate``, the dev figures of
training and the benchmarks all score through here.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from seedner.bio import bio_spans

Span = tuple[int, int, str]  # (start, end exclusive, type)


def prf(tp_pred: int, n_pred: int, tp_gold: int, n_gold: int) -> tuple[float, float, float]:
    """Precision, recall and F1 from counts; ``tp_pred`` and ``tp_gold`` differ only under
    lenient matching (a predicted span may match several gold ones, and the reverse)."""
    precision = tp_pred / n_pred if n_pred else 0.0
    recall = tp_gold / n_gold if n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


@dataclass
class Score:
    tp: int = 0
    n_pred: int = 0
    n_gold: int = 0

    @property
    def precision(self) -> float:
        return prf(self.tp, self.n_pred, self.tp, self.n_gold)[0]

    @property
    def recall(self) -> float:
        return prf(self.tp, self.n_pred, self.tp, self.n_gold)[1]

    @property
    def f1(self) -> float:
        return prf(self.tp, self.n_pred, self.tp, self.n_gold)[2]

    def to_dict(self) -> dict[str, Any]:
        return {
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "tp": self.tp,
            "predicted": self.n_pred,
            "gold": self.n_gold,
        }


@dataclass
class Scores:
    types: list[str]
    documents: int
    per_type: dict[str, Score] = field(default_factory=dict)
    micro: Score = field(default_factory=Score)
    # of the predicted entities with a score: how many, and their expected calibration error
    calibration: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        out = {
            "documents": self.documents,
            "types": self.types,
            "micro": self.micro.to_dict(),
            "per_type": {t: s.to_dict() for t, s in self.per_type.items()},
        }
        if self.calibration is not None:
            out["calibration"] = self.calibration
        return out


def score(gold: list[list[Span]], predicted: list[list[Span]], types: list[str]) -> Scores:
    """Exact span matches of the given types, per type and micro, over parallel documents."""
    result = Scores(types, len(gold), {t: Score() for t in types})
    wanted = set(types)
    for g, p in zip(gold, predicted):
        gs = Counter(s for s in g if s[2] in wanted)
        ps = Counter(s for s in p if s[2] in wanted)
        for span, n in gs.items():
            result.per_type[span[2]].n_gold += n
        for span, n in ps.items():
            result.per_type[span[2]].n_pred += n
            result.per_type[span[2]].tp += min(n, gs.get(span, 0))
    for s in result.per_type.values():
        result.micro.tp += s.tp
        result.micro.n_pred += s.n_pred
        result.micro.n_gold += s.n_gold
    return result


def score_tags(gold: Sequence[Sequence[str]], predicted: Sequence[Sequence[str]]) -> Scores:
    """Exact span scores of predicted BIO tag sequences, over every type on either side."""
    gold_spans = [bio_spans(tags) for tags in gold]
    pred_spans = [bio_spans(tags) for tags in predicted]
    types = sorted({kind for spans in gold_spans + pred_spans for _, _, kind in spans})
    return score(gold_spans, pred_spans, types)


def overlap_prf(gold: list[list[Span]], predicted: list[list[Span]]) -> tuple[float, float, float]:
    """Lenient P/R/F1: a span counts when it overlaps a span of the same type on the other side."""

    def hits(a: list[Span], b: list[Span]) -> int:
        return sum(any(s < e2 and s2 < e and k == k2 for s2, e2, k2 in b) for s, e, k in a)

    tp_pred = sum(hits(pr, g) for pr, g in zip(predicted, gold))
    tp_gold = sum(hits(g, pr) for pr, g in zip(predicted, gold))
    return prf(tp_pred, sum(map(len, predicted)), tp_gold, sum(map(len, gold)))
