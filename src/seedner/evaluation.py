"""Gold files (character BIO or JSON Lines) and extraction scored against them, through the
same path as ``extract``; the arithmetic is :mod:`seedner.scoring`'s."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import orjson

from seedner.bio import bio_spans, read_bio_tsv
from seedner.errors import SeednerError
from seedner.loading.labels import canonical_type
from seedner.scoring import Scores, Span, score
from seedner.types import Document


class GoldError(SeednerError):
    """The gold file cannot be read; the message names the file and the cause."""


def read_gold(path: str | Path) -> list[tuple[Document, list[Span]]]:
    """Sentences or records with their gold spans, types mapped to seedner's four."""
    path = Path(path)
    if not path.is_file():
        raise GoldError(f"{path}: no such file")
    try:
        if path.suffix.lower() == ".jsonl":
            return _read_jsonl_gold(path)
        items = []
        for i, (text, tags) in enumerate(read_bio_tsv(path)):
            spans = [(s, e, canonical_type(k) or k) for s, e, k in bio_spans(tags)]
            items.append((Document(f"{path}:{i}", text), spans))
        return items
    except (ValueError, UnicodeDecodeError) as exc:
        raise GoldError(str(exc) if str(path) in str(exc) else f"{path}: {exc}") from None


def _read_jsonl_gold(path: Path) -> list[tuple[Document, list[Span]]]:
    items = []
    with open(path, "rb") as handle:
        for lineno, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                record = orjson.loads(line)
                text = record["text"]
                spans = [
                    (int(e["start"]), int(e["end"]), canonical_type(e["type"]) or e["type"])
                    for e in record.get("entities", [])
                ]
            except (orjson.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
                raise GoldError(f"{path}:{lineno}: not a gold record ({exc})") from None
            items.append((Document(record.get("id", f"{path}:{lineno}"), text), spans))
    return items


def evaluate_file(
    path: str | Path,
    *,
    model: str = "embedded",
    types: str | None = None,
    device: str | None = None,
    min_score: float | None = None,
) -> Scores:
    """Run extraction over the gold texts and score exact span matches; where entities have
    scores, also how well they are calibrated (``Scores.calibration``)."""
    from seedner.api import Extractor
    from seedner.model.calibration import BINS, expected_calibration_error
    from seedner.run.options import parse_types

    items = read_gold(path)
    chosen = parse_types(types)
    gold_types = sorted({s[2] for _, spans in items for s in spans})
    score_types = sorted(chosen) if chosen else [t for t in gold_types if canonical_type(t)]
    extractor = Extractor(model, types=score_types, device=device, min_score=min_score)
    predicted = []
    confidence: list[float] = []
    right: list[bool] = []
    for (_, gold), result in zip(items, extractor.iter_results(doc for doc, _ in items)):
        truth = set(gold)
        predicted.append([(e.start, e.end, e.type) for e in result.entities])
        for e in result.entities:
            if e.score is not None:
                confidence.append(e.score)
                right.append((e.start, e.end, e.type) in truth)
    scores = score([spans for _, spans in items], predicted, score_types)
    if confidence:
        ece = expected_calibration_error(np.array(confidence), np.array(right))
        scores.calibration = {"scored": len(confidence), "ece": round(ece, 4), "bins": BINS}
    return scores
