"""Scoring extraction against gold annotations, through the same path as ``extract``."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from seedner.bio import bio_spans, read_bio_tsv
from seedner.labels import canonical_type
from seedner.types import Document

Span = tuple[int, int, str]


class GoldError(Exception):
    """The gold file cannot be read; the message names the file and the cause."""


@dataclass
class Score:
    tp: int = 0
    n_pred: int = 0
    n_gold: int = 0

    @property
    def precision(self) -> float:
        return self.tp / self.n_pred if self.n_pred else 0.0

    @property
    def recall(self) -> float:
        return self.tp / self.n_gold if self.n_gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

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

    def to_dict(self) -> dict[str, Any]:
        return {
            "documents": self.documents,
            "types": self.types,
            "micro": self.micro.to_dict(),
            "per_type": {t: s.to_dict() for t, s in self.per_type.items()},
        }


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


def score(gold: list[list[Span]], predicted: list[list[Span]], types: list[str]) -> Scores:
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


def evaluate_file(
    path: str | Path,
    *,
    model: str = "embedded",
    types: str | None = None,
    device: str | None = None,
) -> Scores:
    """Run extraction over the gold texts and score exact span matches."""
    from seedner.api import Extractor, parse_types

    items = read_gold(path)
    chosen = parse_types(types)
    gold_types = sorted({s[2] for _, spans in items for s in spans})
    score_types = sorted(chosen) if chosen else [t for t in gold_types if canonical_type(t)]
    extractor = Extractor(model, types=score_types, device=device)
    predicted = [
        [(e.start, e.end, e.type) for e in result.entities]
        for result in extractor.iter_results(doc for doc, _ in items)
    ]
    return score([spans for _, spans in items], predicted, score_types)


def format_scores(scores: Scores, title: str) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(
        title=f"{title}: {scores.documents} documents, exact span match", title_justify="left"
    )
    for column in ("type", "precision", "recall", "F1", "gold", "predicted"):
        table.add_column(column, justify="left" if column == "type" else "right")
    rows = [*scores.per_type.items(), ("micro", scores.micro)]
    for name, s in rows:
        table.add_row(
            name,
            f"{s.precision:.4f}",
            f"{s.recall:.4f}",
            f"{s.f1:.4f}",
            str(s.n_gold),
            str(s.n_pred),
            style="bold" if name == "micro" else None,
        )
    Console().print(table)
